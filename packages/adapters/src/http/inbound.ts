/**
 * What the inbound handlers (SMS status callbacks, call-center events) share: the framework-neutral
 * request and reply shapes, signature checking against the Clock, JSON parsing with zod, and the
 * mapping of typed errors to HTTP statuses.
 */
import { Clock, Effect } from "effect"
import type { z } from "zod"
import { type Conflict, nulCharacterPath, ValidationError } from "@winback/core"
import { headerOf, type HeadersLike, verifyWebhookSignature } from "./signature"

/**
 * An inbound request as any HTTP framework can hand it over. `body` should be the raw body (text
 * or bytes) — the signature covers the exact bytes sent. A parsed JSON object is accepted too and
 * checked against `JSON.stringify(body)`, which only matches senders that sign compact JSON.
 *
 * @example
 * ```ts
 * const req: InboundRequest = { headers: incoming.headers, body: await readRawBody(incoming) }
 * ```
 */
export interface InboundRequest {
  readonly headers: HeadersLike
  readonly body: unknown
}

/**
 * What an inbound handler answers: the HTTP status and a JSON body.
 *
 * @example
 * ```ts
 * const { status, body } = await runtime.runPromise(handler(req))
 * res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body))
 * ```
 */
export interface InboundReply {
  readonly status: number
  readonly body: unknown
}

/** Signature settings of an inbound handler. */
export interface InboundSignature {
  readonly secret: string | ReadonlyArray<string>
  readonly header: string
  readonly toleranceSeconds: number
}

export const reply = (status: number, body: unknown): InboundReply => ({ status, body })

const rawOf = (body: unknown): string | Uint8Array =>
  typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body ?? null)

/**
 * Verifies the signature (against the Clock's time) and parses the body with `schema`; answers
 * the parsed value or the reply to send back (401 unsigned/forged/stale, 400 invalid).
 */
export const verifiedBody = <S extends z.ZodType>(
  req: InboundRequest,
  sig: InboundSignature,
  schema: S,
  subject: string
): Effect.Effect<{ readonly ok: true; readonly value: z.output<S> } | { readonly ok: false; readonly reply: InboundReply }> =>
  Effect.gen(function* () {
    const raw = rawOf(req.body)
    const now = Math.floor((yield* Clock.currentTimeMillis) / 1000)
    const check = verifyWebhookSignature({ secret: sig.secret, header: headerOf(req.headers, sig.header), body: raw, toleranceSeconds: sig.toleranceSeconds, now })
    if (!check.valid) return { ok: false, reply: reply(401, { error: { code: "bad_signature", message: `signature ${check.reason}` } }) } as const
    let json: unknown = req.body
    if (typeof req.body === "string" || req.body instanceof Uint8Array) {
      try {
        json = JSON.parse(typeof req.body === "string" ? req.body : Buffer.from(req.body).toString("utf8"))
      } catch {
        return { ok: false, reply: reply(400, { error: { code: "validation_failed", message: `${subject}: body is not JSON` } }) } as const
      }
    }
    // PostgreSQL text cannot hold NUL: refuse it here with the field's path, as the server refuses it
    // in every other body, instead of failing later in storage.
    const nulAt = nulCharacterPath(json)
    if (nulAt !== null) {
      return { ok: false, reply: reply(400, { error: { code: "validation_failed", message: `${subject}: NUL character at ${nulAt.join(".") || "(root)"}`, details: [{ path: nulAt, code: "nul_character", message: "NUL characters are not allowed" }] } }) } as const
    }
    const r = schema.safeParse(json)
    if (!r.success) {
      const e = ValidationError.fromZod(r.error, subject)
      return { ok: false, reply: reply(400, { error: { code: "validation_failed", message: e.message, details: e.issues } }) } as const
    }
    return { ok: true, value: r.data } as const
  })

/** Maps a typed failure to a reply; retryable storage trouble is a 503 so the sender retries. */
export const errorReply = (e: unknown): InboundReply => {
  const tag = (e as { _tag?: string })?._tag
  if (tag === "ValidationError") return reply(400, { error: { code: "validation_failed", message: (e as Error).message, details: (e as ValidationError).issues } })
  if (tag === "NotFound") return reply(404, { error: { code: "not_found", message: (e as Error).message } })
  if (tag === "Conflict") return reply(409, { error: { code: "conflict", message: (e as Error).message, details: { kind: (e as Conflict).kind } } })
  if (tag === "Forbidden") return reply(403, { error: { code: "forbidden", message: (e as Error).message } })
  if (tag === "StorageError" && (e as { isRetryable?: boolean }).isRetryable) return reply(503, { error: { code: "storage_unavailable", message: "storage unavailable, try again" } })
  return reply(500, { error: { code: "internal", message: "internal error" } })
}
