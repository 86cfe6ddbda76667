/**
 * The SMS gateway over HTTP: `HttpSmsGateway.layer(config)` implements the core `SmsGateway` port
 * with a JSON POST per message (auth header, timeout, retries with backoff, the idempotency key as
 * a header so a retried request never sends twice), and `smsStatusCallback(config)` is the
 * framework-neutral handler for the gateway's signed delivery-status callbacks.
 */
import { Effect, Layer } from "effect"
import * as z from "zod"
import { type AuditLogStore, IntegrationError, parse, SmsGateway, type SmsStatus, type Transactions, type WorkItemStore } from "@winback/core"
import { errorReply, type InboundReply, type InboundRequest, reply, verifiedBody } from "./inbound"
import { defaultRetry, RetryConfig, type RetryOptions, sendWithRetry } from "./retry"
import { recordSmsStatus } from "./smsStatus"

const statusWords: Readonly<Record<string, SmsStatus>> = {
  accepted: "accepted",
  queued: "accepted",
  sending: "accepted",
  sent: "accepted",
  submitted: "accepted",
  delivered: "delivered",
  failed: "failed",
  undelivered: "failed",
  rejected: "failed",
  expired: "failed",
  unknown: "unknown"
}

/**
 * A gateway's status word as an `SmsStatus`: `config` entries first, then the common words
 * (queued/sent → accepted, undelivered/rejected/expired → failed); anything else is `unknown`.
 *
 * @example
 * ```ts
 * toSmsStatus("UNDELIVERED") // "failed"
 * toSmsStatus("DELIVRD", { DELIVRD: "delivered" }) // "delivered"
 * ```
 */
export const toSmsStatus = (word: string, map: Readonly<Record<string, SmsStatus>> = {}): SmsStatus =>
  map[word] ?? statusWords[word.toLowerCase()] ?? "unknown"

/**
 * Configuration of {@link HttpSmsGateway}.
 *
 * The request is `POST url` with JSON `{ to, text, reference, from?, statusCallback? }` where
 * `reference` is the idempotency key (also sent as the `idempotencyHeader` header); the gateway
 * answers 2xx with JSON `{ messageId, status }`.
 *
 * @example
 * ```ts
 * const config: HttpSmsGatewayConfig = { url: "https://sms.example.com/v1/messages", authorization: `Bearer ${process.env.SMS_TOKEN}` }
 * ```
 */
export const HttpSmsGatewayConfig = z
  .object({
    url: z.url({ protocol: /^https?$/ }),
    /** The value of the auth header, e.g. `Bearer <token>`. */
    authorization: z.string().min(1),
    authHeader: z.string().min(1).default("authorization"),
    idempotencyHeader: z.string().min(1).default("idempotency-key"),
    from: z.string().min(1).max(40).optional(),
    statusCallbackUrl: z.url({ protocol: /^https?$/ }).optional(),
    timeoutMs: z.number().int().min(1).max(120_000).default(10_000),
    retry: RetryConfig,
    statusMap: z.record(z.string(), z.enum(["accepted", "delivered", "failed", "unknown"])).default({})
  })
  .strict()
/** @see {@link HttpSmsGatewayConfig} */
export type HttpSmsGatewayConfig = z.input<typeof HttpSmsGatewayConfig>

const SendAnswer = z.object({ messageId: z.string().min(1).max(200), status: z.string().min(1).max(40) })

/**
 * The HTTP SMS gateway.
 *
 * @example
 * ```ts
 * import { HttpSmsGateway } from "@winback/adapters"
 * const winback = await createWinback({ storage, smsGateway: HttpSmsGateway.layer({ url: "https://sms.example.com/v1/messages", authorization: "Bearer sk_..." }) })
 * ```
 */
export const HttpSmsGateway = {
  /**
   * The `SmsGateway` port over HTTP. Throws `ValidationError` on a bad config (at wiring time).
   * `random` replaces the jitter source (tests).
   *
   * @example
   * ```ts
   * program.pipe(Effect.provide(HttpSmsGateway.layer({ url, authorization: "Bearer sk_..." })))
   * ```
   */
  layer: (config: HttpSmsGatewayConfig, random?: () => number): Layer.Layer<SmsGateway> => Layer.succeed(SmsGateway, HttpSmsGateway.make(config, random)),

  /**
   * The port implementation as a value.
   *
   * @example
   * ```ts
   * const gateway = HttpSmsGateway.make({ url, authorization: "Bearer sk_..." })
   * yield* gateway.send({ to: "+8613800000042", text: "Hello", idempotencyKey: "wi-1:1" })
   * ```
   */
  make: (config: HttpSmsGatewayConfig, random?: () => number): SmsGateway["Service"] => {
    const c = parse(HttpSmsGatewayConfig, config, "SMS gateway config")
    const retry: RetryOptions = { ...defaultRetry, ...c.retry }
    return SmsGateway.of({
      send: (message) =>
        Effect.gen(function* () {
          const body = JSON.stringify({
            to: message.to,
            text: message.text,
            reference: message.idempotencyKey,
            ...(c.from === undefined ? {} : { from: c.from }),
            ...(c.statusCallbackUrl === undefined ? {} : { statusCallback: c.statusCallbackUrl })
          })
          const answer = yield* sendWithRetry(
            "sms",
            {
              url: c.url,
              headers: { "content-type": "application/json", accept: "application/json", [c.authHeader]: c.authorization, [c.idempotencyHeader]: message.idempotencyKey },
              body
            },
            { timeoutMs: c.timeoutMs, retry, ...(random ? { random } : {}) }
          )
          let json: unknown
          try {
            json = JSON.parse(answer.text)
          } catch {
            json = undefined
          }
          const r = SendAnswer.safeParse(json)
          if (!r.success) return yield* new IntegrationError({ integration: "sms", retryable: false, detail: `gateway answered ${answer.status} without { messageId, status }` })
          return { messageId: r.data.messageId, status: toSmsStatus(r.data.status, c.statusMap) }
        })
    })
  }
} as const

/**
 * Configuration of {@link smsStatusCallback}: the shared secret(s), the header the gateway puts its
 * signature in (`t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`), the replay tolerance, and extra
 * status words.
 *
 * @example
 * ```ts
 * const cfg: SmsStatusCallbackConfig = { secret: process.env.SMS_CALLBACK_SECRET!, signatureHeader: "x-gateway-signature" }
 * ```
 */
export const SmsStatusCallbackConfig = z
  .object({
    secret: z.union([z.string().min(16), z.array(z.string().min(16)).min(1)]),
    signatureHeader: z.string().min(1).default("x-gateway-signature"),
    toleranceSeconds: z.number().int().min(1).max(86_400).default(300),
    statusMap: z.record(z.string(), z.enum(["accepted", "delivered", "failed", "unknown"])).default({})
  })
  .strict()
/** @see {@link SmsStatusCallbackConfig} */
export type SmsStatusCallbackConfig = z.input<typeof SmsStatusCallbackConfig>

/**
 * The body of a delivery-status callback: the gateway's message id, the `reference` Winback sent
 * (the idempotency key `<itemId>:<attempt>`), the gateway's status word, optionally when and why.
 *
 * @example
 * ```ts
 * SmsStatusCallbackBody.parse({ messageId: "m-9", reference: "wi-1:1", status: "delivered", at: "2026-11-22T10:00:05Z" })
 * ```
 */
export const SmsStatusCallbackBody = z.object({
  messageId: z.string().min(1).max(200),
  reference: z.string().min(3).max(250).regex(/^.+:[^:]+$/, "expected <itemId>:<attempt>"),
  status: z.string().min(1).max(40),
  at: z.iso.datetime({ offset: true }).optional(),
  detail: z.string().max(500).optional()
})
/** @see {@link SmsStatusCallbackBody} */
export type SmsStatusCallbackBody = z.infer<typeof SmsStatusCallbackBody>

/**
 * The delivery-status callback handler: verifies the signature (401 when missing, forged or
 * stale), validates the body (400), records the status on the item's SMS attempt with an audit
 * entry (200 `{ recorded: true | false }`; `false` for a repeat or a message that is not a work
 * item's, e.g. an appointment reminder to an agent). Storage trouble answers 503 so the gateway
 * retries. Mount it as a POST route of your own (the reference server mounts it as `POST /api/integrations/sms-status`).
 *
 * @example
 * ```ts
 * const onStatus = smsStatusCallback({ secret: process.env.SMS_CALLBACK_SECRET! })
 * router.on("POST", "/api/integrations/sms-status", async (req) => await runtime.runPromise(onStatus({ headers: req.headers, body: await rawBody(req) })))
 * ```
 */
export const smsStatusCallback = (
  config: SmsStatusCallbackConfig
): ((req: InboundRequest) => Effect.Effect<InboundReply, never, Transactions | WorkItemStore | AuditLogStore>) => {
  const c = parse(SmsStatusCallbackConfig, config, "SMS status callback config")
  return (req) =>
    Effect.gen(function* () {
      const v = yield* verifiedBody(req, { secret: c.secret, header: c.signatureHeader, toleranceSeconds: c.toleranceSeconds }, SmsStatusCallbackBody, "SMS status callback")
      if (!v.ok) return v.reply
      const b = v.value
      const itemId = b.reference.slice(0, b.reference.lastIndexOf(":"))
      const status = toSmsStatus(b.status, c.statusMap)
      return yield* recordSmsStatus({ itemId, messageId: b.messageId, status, ...(b.at ? { at: b.at } : {}), ...(b.detail ? { detail: b.detail } : {}) }).pipe(
        Effect.map((r) => reply(200, { recorded: r.changed, itemId, status })),
        Effect.catchTag("NotFound", (e) => Effect.succeed(reply(200, { recorded: false, reason: e.message }))),
        Effect.catch((e) => Effect.succeed(errorReply(e)))
      )
    })
}
