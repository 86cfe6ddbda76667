/**
 * HMAC-SHA256 request signatures in Stripe's scheme: a header `t=<unix seconds>,v1=<hex>` where
 * the hex is the HMAC of `<t>.<body>`. The timestamp is signed, so an old request replayed later
 * fails the tolerance check; several `v1=` entries let a sender sign with an old and a new secret
 * while secrets are rotated. One scheme for what Winback sends (webhooks) and what it receives
 * (SMS status callbacks, call-center events).
 */
import { createHmac, timingSafeEqual } from "node:crypto"

/** A body as signed: the exact text or bytes of the request. */
export type SignedBody = string | Uint8Array

const hmacHex = (secret: string, t: number, body: SignedBody): string => {
  const h = createHmac("sha256", secret)
  h.update(`${t}.`)
  h.update(typeof body === "string" ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength))
  return h.digest("hex")
}

/**
 * The signature header value for `body` at `timestamp` (unix seconds).
 *
 * @example
 * ```ts
 * const header = signPayload("whsec_...", JSON.stringify(event), Math.floor(Date.now() / 1000))
 * // "t=1763805600,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd"
 * ```
 */
export const signPayload = (secret: string, body: SignedBody, timestamp: number): string => `t=${timestamp},v1=${hmacHex(secret, timestamp, body)}`

/**
 * Why a signature was refused.
 *
 * @example
 * ```ts
 * const r = verifyWebhookSignature({ secret, header, body, now })
 * if (!r.valid) console.warn(r.reason) // "stale"
 * ```
 */
export type SignatureFailure = "missing" | "malformed" | "stale" | "mismatch"

/**
 * The answer of {@link verifyWebhookSignature}.
 *
 * @example
 * ```ts
 * const r: SignatureCheck = { valid: true, timestamp: 1763805600 }
 * ```
 */
export type SignatureCheck = { readonly valid: true; readonly timestamp: number } | { readonly valid: false; readonly reason: SignatureFailure }

/**
 * Verifies a signature header (receiver side; also what Winback's inbound handlers use). Constant
 * time in the signature comparison; refuses a timestamp more than `toleranceSeconds` (default 300)
 * away from `now` (unix seconds; default the system clock), so a captured request cannot be
 * replayed later. `secret` may list several secrets (during a rotation): any match is accepted.
 *
 * @example
 * ```ts
 * import { verifyWebhookSignature } from "@winback/adapters"
 * const check = verifyWebhookSignature({ secret: process.env.WINBACK_WEBHOOK_SECRET!, header: req.headers["x-winback-signature"], body: rawBody })
 * if (!check.valid) return res.status(400).end()
 * ```
 */
export const verifyWebhookSignature = (input: {
  readonly secret: string | ReadonlyArray<string>
  readonly header: string | ReadonlyArray<string> | null | undefined
  readonly body: SignedBody
  readonly toleranceSeconds?: number
  readonly now?: number
}): SignatureCheck => {
  const raw = Array.isArray(input.header) ? input.header[0] : input.header
  if (typeof raw !== "string" || raw.length === 0) return { valid: false, reason: "missing" }
  let t: number | undefined
  const sigs: Array<string> = []
  for (const part of raw.split(",")) {
    const eq = part.indexOf("=")
    if (eq < 0) continue
    const k = part.slice(0, eq).trim()
    const v = part.slice(eq + 1).trim()
    if (k === "t" && /^\d{1,12}$/.test(v)) t = Number(v)
    else if (k === "v1" && /^[0-9a-f]{64}$/i.test(v)) sigs.push(v.toLowerCase())
  }
  if (t === undefined || sigs.length === 0) return { valid: false, reason: "malformed" }
  const now = input.now ?? Math.floor(Date.now() / 1000)
  if (Math.abs(now - t) > (input.toleranceSeconds ?? 300)) return { valid: false, reason: "stale" }
  const secrets = typeof input.secret === "string" ? [input.secret] : input.secret
  let ok = false
  for (const secret of secrets) {
    const expected = Buffer.from(hmacHex(secret, t, input.body), "hex")
    // Every candidate is compared in full (no early exit), each in constant time.
    for (const s of sigs) if (timingSafeEqual(expected, Buffer.from(s, "hex"))) ok = true
  }
  return ok ? { valid: true, timestamp: t } : { valid: false, reason: "mismatch" }
}

/** Reads one header from Node-style or Fetch-style headers, case-insensitively. */
export const headerOf = (headers: HeadersLike, name: string): string | undefined => {
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined
  const wanted = name.toLowerCase()
  for (const [k, v] of Object.entries(headers as Record<string, string | ReadonlyArray<string> | undefined>)) {
    if (k.toLowerCase() === wanted) return Array.isArray(v) ? v[0] : (v as string | undefined)
  }
  return undefined
}

/**
 * Request headers as a Node `IncomingMessage` or a Fetch `Request` carries them.
 *
 * @example
 * ```ts
 * const headers: HeadersLike = req.headers
 * ```
 */
export type HeadersLike = Headers | Readonly<Record<string, string | ReadonlyArray<string> | undefined>>
