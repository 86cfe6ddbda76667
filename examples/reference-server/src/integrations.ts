/**
 * The integrations the reference server runs when they are configured: the SMS gateway's
 * delivery-status callbacks and the call center's call events as signed routes, and the webhook
 * dispatcher (an outbox over the audit log) on an interval. Their state (call-event receipts,
 * call states, the webhook cursor) lives in the `integration_state` table on SQL storage and in the
 * memory database otherwise.
 */
import { Cause, Effect, Exit, Layer } from "effect"
import { z } from "zod"
import {
  CallEvent,
  callEventHandler,
  CallEventHandlerConfig,
  type DispatchReport,
  type InboundReply,
  type InboundRequest,
  IntegrationState,
  MemoryDb,
  type OpenStorage,
  smsStatusCallback,
  SmsStatusCallbackBody,
  SmsStatusCallbackConfig,
  type WebhookCursor,
  WebhookDispatcher,
  type WebhookDispatcherConfig,
  type WebhookEndpoint
} from "@winback/adapters"
import { parse, type Stores, storesLayer, type Winback } from "@winback/core"
import type { Reply, Router, SignedRequest } from "./http"

/**
 * The outgoing webhooks of the server: one receiver, signed with `secret`, polled every
 * `intervalMs`. The other fields are the dispatcher's own options (`events`, `startAfterSeq`,
 * `batchSize`, `maxEntriesPerRun`, `timeoutMs`, `retry`; see `WebhookDispatcherConfig`).
 *
 * @example
 * ```ts
 * const webhooks: WebhookOptions = { url: "https://crm.example.com/hooks/winback", secret: process.env.WINBACK_WEBHOOK_SECRET!, intervalMs: 5_000 }
 * ```
 */
export interface WebhookOptions extends Omit<WebhookDispatcherConfig, "endpoints"> {
  /** Where events are POSTed. */
  readonly url: string
  /** The HMAC secret the receiver verifies `x-winback-signature` with (16 characters at least). */
  readonly secret: string
  /** Milliseconds between dispatch runs (default 5000); runs never overlap. */
  readonly intervalMs?: number
  /** The endpoint id the cursor is kept under (default `webhook`): keep it when the URL moves. */
  readonly id?: string
  /** Only these events (default: all). */
  readonly events?: WebhookEndpoint["events"]
  /** Where a new endpoint starts: after this audit sequence number (default 0: the first entry). */
  readonly startAfterSeq?: number
  /** How long `close()` waits for a run in flight before interrupting it (default 10 000 ms). */
  readonly drainTimeoutMs?: number
}

/**
 * What the server reports about its integrations (never a secret): failed webhook runs as
 * warnings, a recovered endpoint as information.
 *
 * @example
 * ```ts
 * const logger: IntegrationLogger = { warn: (m) => log.warn(m), info: (m) => log.info(m) }
 * ```
 */
export interface IntegrationLogger {
  readonly warn: (message: string) => void
  readonly info?: (message: string) => void
}

/**
 * The integrations to run (each only when given). `smsStatus` and `callEvents` take the handlers'
 * options (`secret`, `signatureHeader`, `toleranceSeconds`, `statusMap`); see docs/integrations.md.
 *
 * @example
 * ```ts
 * await startServer({ storage, integrations: { smsStatus: { secret: smsSecret }, callEvents: { secret: pbxSecret }, webhooks: { url, secret } } })
 * ```
 */
export interface IntegrationOptions {
  /** Mounts `POST /api/integrations/sms-status` (the gateway's delivery-status callbacks). */
  readonly smsStatus?: SmsStatusCallbackConfig
  /** Mounts `POST /api/integrations/call-events` (the call center's call events). */
  readonly callEvents?: CallEventHandlerConfig
  /** Runs the webhook dispatcher while the server runs. */
  readonly webhooks?: WebhookOptions
  /** Default: `console.warn` / `console.log`. */
  readonly logger?: IntegrationLogger
}

/**
 * Where the inbound integrations are mounted.
 *
 * @example
 * ```ts
 * const statusCallbackUrl = `https://winback.example.com${integrationPaths.smsStatus}`
 * ```
 */
export const integrationPaths = { smsStatus: "/api/integrations/sms-status", callEvents: "/api/integrations/call-events" } as const

/**
 * One mounted inbound handler: its signature header and the handler run on the server's services.
 *
 * @example
 * ```ts
 * const { status, body } = await inbound.smsStatus!.handle({ headers: req.headers, body: rawText })
 * ```
 */
export interface InboundIntegration {
  readonly signatureHeader: string
  readonly handle: (req: InboundRequest) => Promise<InboundReply>
}

/**
 * The inbound handlers to mount (see {@link integrationRoutes}).
 *
 * @example
 * ```ts
 * const inbound: InboundIntegrations = inboundIntegrations(winback, integrationStateFor(storage), { callEvents: { secret } })
 * ```
 */
export interface InboundIntegrations {
  readonly smsStatus?: InboundIntegration
  readonly callEvents?: InboundIntegration
}

const isSql = (s: { readonly stores: Stores }): s is OpenStorage => "driver" in s && (s as OpenStorage).driver !== undefined

/**
 * The integration state over the server's storage: the `integration_state` table on PGlite and
 * PostgreSQL (migrated on open), the memory database otherwise (its own one when the memory storage
 * does not name the `MemoryDb` under its stores; then the state does not join their transactions).
 *
 * @example
 * ```ts
 * const state = integrationStateFor(storage)
 * ```
 */
export const integrationStateFor = (storage: { readonly stores: Stores; readonly db?: MemoryDb } | OpenStorage): Layer.Layer<IntegrationState> =>
  isSql(storage) ? IntegrationState.pg(storage.driver) : IntegrationState.memory(("db" in storage && storage.db) || new MemoryDb())

/**
 * Builds the configured inbound handlers over the running Winback (validating their options: a bad
 * secret throws a `ValidationError` that names the field, never its value).
 *
 * @example
 * ```ts
 * const inbound = inboundIntegrations(winback, integrationStateFor(storage), { smsStatus: { secret } })
 * ```
 */
export const inboundIntegrations = (winback: Winback, state: Layer.Layer<IntegrationState>, options: IntegrationOptions): InboundIntegrations => {
  const out: { smsStatus?: InboundIntegration; callEvents?: InboundIntegration } = {}
  if (options.smsStatus) {
    const handler = smsStatusCallback(options.smsStatus)
    out.smsStatus = { signatureHeader: SmsStatusCallbackConfig.parse(options.smsStatus).signatureHeader, handle: (req) => winback.run(handler(req)) }
  }
  if (options.callEvents) {
    const handler = callEventHandler(options.callEvents)
    out.callEvents = {
      signatureHeader: CallEventHandlerConfig.parse(options.callEvents).signatureHeader,
      handle: (req) => winback.run(handler(req).pipe(Effect.provide(state)))
    }
  }
  return out
}

const signatureText = (header: string) =>
  `\`${header}: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">\` with the shared secret; a timestamp more than 300 s away (the configured tolerance) is refused, several v1= entries are allowed while a secret is rotated. Missing, forged or stale signatures answer 401 bad_signature.`

const toReply =
  (inbound: InboundIntegration) =>
  async (req: SignedRequest): Promise<Reply> => {
    const r = await inbound.handle({ headers: req.headers, body: req.body })
    // The handlers answer the server's error model minus `details`; fill it in.
    const body = r.status >= 400 && typeof r.body === "object" && r.body !== null && "error" in r.body ? { error: { details: null, ...(r.body as { error: object }).error } } : r.body
    return { status: r.status, json: body, ...(r.status === 401 ? { headers: { "www-authenticate": `Signature header="${inbound.signatureHeader}"` } } : {}) }
  }

/**
 * Mounts the configured inbound handlers as signed routes (no session: the handler verifies the
 * request's signature): `POST /api/integrations/sms-status` and `POST /api/integrations/call-events`.
 *
 * @example
 * ```ts
 * integrationRoutes(router, inboundIntegrations(winback, integrationStateFor(storage), options))
 * ```
 */
export const integrationRoutes = (r: Router, inbound: InboundIntegrations): void => {
  if (inbound.smsStatus) {
    r.signed({
      method: "POST",
      path: integrationPaths.smsStatus,
      tag: "integrations",
      summary: "The SMS gateway reports a message's delivery status",
      description:
        "Records the status on the work item's SMS attempt (the item comes from `reference`, the `<itemId>:<attempt>` key the message was sent with), audited as `sms.status`. `delivered` completes the item; a final `failed` keeps the message counted as a not-reached attempt under the task's retry policy (sent again after its delay, or `unreachable` after the last attempt). A repeated or late status, or a message that is not a work item's, answers 200 with `recorded: false`.",
      signature: { header: inbound.smsStatus.signatureHeader, description: signatureText(inbound.smsStatus.signatureHeader) },
      body: SmsStatusCallbackBody,
      responses: { 200: { description: "Recorded, or nothing to change", schema: z.object({ recorded: z.boolean() }).loose() } },
      handler: toReply(inbound.smsStatus)
    })
  }
  if (inbound.callEvents) {
    r.signed({
      method: "POST",
      path: integrationPaths.callEvents,
      tag: "integrations",
      summary: "The call center reports a call event (ringing, answered, ended)",
      description:
        "On `ended`: a call record with the next serial number and the recording link for the items chosen when dialling, the recording attached to each, audited — once per `eventId` however often the event is delivered.",
      signature: { header: inbound.callEvents.signatureHeader, description: signatureText(inbound.callEvents.signatureHeader) },
      body: CallEvent,
      responses: {
        200: { description: "A ringing or answered event recorded, or a re-delivered event (`duplicate: true`)", schema: z.object({}).loose() },
        201: { description: "The call record of an ended call", schema: z.object({ serialNumber: z.string(), itemIds: z.array(z.string()), skippedItemIds: z.array(z.string()) }) }
      },
      handler: toReply(inbound.callEvents)
    })
  }
}

const RunOptions = z.object({
  intervalMs: z.number().int().min(10).max(86_400_000).default(5_000),
  id: z.string().default("webhook"),
  drainTimeoutMs: z.number().int().min(0).max(600_000).default(10_000)
})

/**
 * The webhook dispatcher running on an interval (see {@link startWebhooks}).
 *
 * @example
 * ```ts
 * const report = await server.webhooks?.runNow()
 * const cursor = await server.webhooks?.status()
 * ```
 */
export interface WebhookRunner {
  readonly endpointId: string
  /** One run now, after the run in flight (runs never overlap). */
  readonly runNow: () => Promise<DispatchReport>
  /** The endpoint's persisted cursor and latest failure. */
  readonly status: () => Promise<WebhookCursor>
  /** Stops the interval and drains the run in flight (interrupted after `drainTimeoutMs`). */
  readonly stop: () => Promise<void>
}

/** A URL as it may be logged: no user info, no query (either may carry a token). */
const loggableUrl = (url: string): string => {
  try {
    const u = new URL(url)
    return `${u.protocol}//${u.host}${u.pathname}`
  } catch {
    return "(invalid URL)"
  }
}

/**
 * Starts the webhook dispatcher over `stores` and `state`: a first run at once, then one every
 * `intervalMs` after the previous run ends (an unref'd timer, so it never keeps the process up).
 * Its cursor is persisted in the integration state, so a restart resumes after the last delivered
 * event. Failures are reported through `logger` (the URL without credentials, never the secret)
 * and never thrown: the endpoint keeps its place and the next run retries it.
 *
 * @example
 * ```ts
 * const webhooks = await startWebhooks(storage.stores, integrationStateFor(storage), { url, secret })
 * await webhooks.stop()
 * ```
 */
export const startWebhooks = async (stores: Stores, state: Layer.Layer<IntegrationState>, options: WebhookOptions, logger: IntegrationLogger = defaultLogger): Promise<WebhookRunner> => {
  const { url, secret, intervalMs: _i, id: _id, drainTimeoutMs: _d, events, startAfterSeq, ...dispatcherOptions } = options
  const run = parse(RunOptions, { intervalMs: options.intervalMs, id: options.id, drainTimeoutMs: options.drainTimeoutMs }, "webhook options")
  const endpoint = { id: run.id, url, secret, ...(events ? { events } : {}), ...(startAfterSeq !== undefined ? { startAfterSeq } : {}) }
  const layer = WebhookDispatcher.layer({ ...dispatcherOptions, endpoints: [endpoint] }).pipe(Layer.provide(state), Layer.provide(storesLayer(stores)))
  // Built once: the service's methods close over the audit log and the state.
  const dispatcher = await Effect.runPromise(
    Effect.gen(function* () {
      return yield* WebhookDispatcher
    }).pipe(Effect.provide(layer))
  )
  const where = loggableUrl(url)
  const clean = (text: string) => text.split(url).join(where).split(secret).join("[secret]")
  const abort = new AbortController()
  let stopped = false
  let failing = false
  let timer: ReturnType<typeof setTimeout> | undefined
  let chain: Promise<unknown> = Promise.resolve()

  const runOnce = async (): Promise<Exit.Exit<DispatchReport, unknown>> => {
    const exit: Exit.Exit<DispatchReport, unknown> = await Effect.runPromiseExit(dispatcher.dispatch(), { signal: abort.signal }).catch((e: unknown) => Exit.die(e))
    if (Exit.isFailure(exit)) {
      if (!abort.signal.aborted) {
        const e = Cause.squash(exit.cause) as { _tag?: string; message?: string }
        logger.warn(`[webhooks] dispatch run failed (${e?._tag ?? "Error"}): ${clean(String(e?.message ?? e)).slice(0, 300)}; retried in ${run.intervalMs} ms`)
      }
      return exit
    }
    for (const e of exit.value.endpoints) {
      if (e.failed) {
        // The first failure and every 10th after it: an endpoint down for hours does not flood the log.
        if (e.cursor.failures === 1 || e.cursor.failures % 10 === 0) {
          logger.warn(
            `[webhooks] ${where} did not take ${e.failed.eventId} (${e.cursor.failures} failed run(s) in a row; it stays first in line): ${clean(e.failed.error.detail).slice(0, 300)}`
          )
        }
        failing = true
      } else if (failing) {
        failing = false
        ;(logger.info ?? (() => undefined))(`[webhooks] ${where} takes events again (${e.delivered.length} delivered)`)
      }
    }
    return exit
  }

  const enqueue = (): Promise<Exit.Exit<DispatchReport, unknown>> => {
    const next = chain.then(runOnce)
    chain = next.catch(() => undefined)
    return next
  }
  const schedule = (delay: number) => {
    if (stopped) return
    timer = setTimeout(() => {
      timer = undefined
      if (stopped) return
      void enqueue().finally(() => schedule(run.intervalMs))
    }, delay)
    timer.unref()
  }
  schedule(0)

  let stopping: Promise<void> | undefined
  return {
    endpointId: run.id,
    runNow: async () => {
      if (stopped) throw new Error("the webhook dispatcher is stopped")
      const exit = await enqueue()
      if (Exit.isFailure(exit)) throw Cause.squash(exit.cause)
      return exit.value
    },
    status: () => Effect.runPromise(dispatcher.status(run.id)),
    stop: () =>
      (stopping ??= (async () => {
        stopped = true
        if (timer) clearTimeout(timer)
        let grace: ReturnType<typeof setTimeout> | undefined
        const drained = await Promise.race([chain.then(() => true), new Promise<false>((resolve) => (grace = setTimeout(() => resolve(false), run.drainTimeoutMs)))])
        if (grace) clearTimeout(grace)
        if (!drained) {
          // The cursor only moves past delivered events, so an interrupted run loses nothing.
          abort.abort()
          await chain
        }
      })())
  }
}

const defaultLogger: IntegrationLogger = { warn: (m) => console.warn(m), info: (m) => console.log(m) }

const secretsOf = (value: string): string | Array<string> => {
  const list = value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
  return list.length === 1 ? list[0]! : list
}

const intOf = (env: Readonly<Record<string, string | undefined>>, name: string): number | undefined => {
  const v = env[name]
  if (v === undefined || v.trim() === "") return undefined
  if (!/^\d+$/.test(v.trim())) throw new Error(`${name} must be a whole number`)
  return Number(v.trim())
}

/**
 * The integrations configured by environment variables (`undefined` when none is set):
 * `WINBACK_SMS_CALLBACK_SECRET` mounts the SMS status callback, `WINBACK_CALL_EVENT_SECRET` the
 * call events (either may list several secrets separated by commas, during a rotation);
 * `WINBACK_WEBHOOK_URL` with `WINBACK_WEBHOOK_SECRET` runs the webhooks, every
 * `WINBACK_WEBHOOK_INTERVAL_MS` (5000), from `WINBACK_WEBHOOK_START_AFTER_SEQ` (0) for a new
 * endpoint. Throws (naming the variable, never its value) on an incomplete or malformed setting.
 *
 * @example
 * ```ts
 * const integrations = integrationsFromEnv(process.env)
 * await startServer({ storage, ...(integrations ? { integrations } : {}) })
 * ```
 */
export const integrationsFromEnv = (env: Readonly<Record<string, string | undefined>>): IntegrationOptions | undefined => {
  const set = (name: string) => env[name] !== undefined && env[name]!.trim() !== ""
  const out: { smsStatus?: SmsStatusCallbackConfig; callEvents?: CallEventHandlerConfig; webhooks?: WebhookOptions } = {}
  if (set("WINBACK_SMS_CALLBACK_SECRET")) out.smsStatus = { secret: secretsOf(env.WINBACK_SMS_CALLBACK_SECRET!) }
  if (set("WINBACK_CALL_EVENT_SECRET")) out.callEvents = { secret: secretsOf(env.WINBACK_CALL_EVENT_SECRET!) }
  if (set("WINBACK_WEBHOOK_URL") !== set("WINBACK_WEBHOOK_SECRET")) throw new Error("set WINBACK_WEBHOOK_URL and WINBACK_WEBHOOK_SECRET together")
  if (set("WINBACK_WEBHOOK_URL")) {
    const intervalMs = intOf(env, "WINBACK_WEBHOOK_INTERVAL_MS")
    const startAfterSeq = intOf(env, "WINBACK_WEBHOOK_START_AFTER_SEQ")
    out.webhooks = {
      url: env.WINBACK_WEBHOOK_URL!.trim(),
      secret: env.WINBACK_WEBHOOK_SECRET!.trim(),
      ...(intervalMs !== undefined ? { intervalMs } : {}),
      ...(startAfterSeq !== undefined ? { startAfterSeq } : {})
    }
  }
  return Object.keys(out).length === 0 ? undefined : out
}

/**
 * One line per configured integration, for the start-up banner (paths, headers, the webhook URL
 * without credentials; never a secret).
 *
 * @example
 * ```ts
 * for (const line of describeIntegrations(options)) console.log(line)
 * ```
 */
export const describeIntegrations = (options: IntegrationOptions): Array<string> => {
  const lines: Array<string> = []
  if (options.smsStatus) lines.push(`SMS delivery status: POST ${integrationPaths.smsStatus} (signed, header ${SmsStatusCallbackConfig.parse(options.smsStatus).signatureHeader})`)
  if (options.callEvents) lines.push(`Call events: POST ${integrationPaths.callEvents} (signed, header ${CallEventHandlerConfig.parse(options.callEvents).signatureHeader})`)
  if (options.webhooks) lines.push(`Webhooks: to ${loggableUrl(options.webhooks.url)} every ${options.webhooks.intervalMs ?? 5_000} ms`)
  return lines
}
