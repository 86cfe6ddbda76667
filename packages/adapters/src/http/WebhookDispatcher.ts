/**
 * Outgoing webhooks for domain events, as an outbox over the audit log: every change is already
 * appended to the audit log in order, in the transaction that made it, so the dispatcher reads the
 * entries after a persisted cursor, maps the ones that are domain events to payloads, POSTs them
 * signed (`X-Winback-Signature: t=<unix>,v1=<hex>`, Stripe's scheme) and moves the cursor only past
 * delivered events. Delivery is at least once and in order per endpoint; receivers dedupe on
 * `X-Winback-Event-Id`. A failing endpoint keeps its place (the failure is recorded with its
 * cursor) and is retried from the same event on the next run.
 */
import { Clock, Context, Duration, Effect, Layer } from "effect"
import * as z from "zod"
import { type AuditEntry, AuditLogStore, encodeCursor, type IntegrationError, parse, type StorageError, wrongNumberAction } from "@winback/core"
import { IntegrationState } from "./IntegrationState"
import { defaultRetry, RetryConfig, type RetryOptions, sendWithRetry } from "./retry"
import { signPayload } from "./signature"

/**
 * The domain events sent as webhooks.
 *
 * @example
 * ```ts
 * WebhookEventType.parse("customer.churned")
 * ```
 */
export const WebhookEventType = z.enum(["work_item.completed", "customer.churned", "appointment.due", "customer.wrong_number"])
/** @see {@link WebhookEventType} */
export type WebhookEventType = z.infer<typeof WebhookEventType>

/**
 * A webhook payload. `id` is stable for the audit entry it comes from (`evt_<seq>`): the same event
 * re-sent after a failure carries the same id.
 *
 * @example
 * ```ts
 * const e: WebhookEvent = { id: "evt_42", type: "work_item.completed", createdAt: "2026-11-22T10:04:10.000Z", auditSeq: 42,
 *   data: { workItemId: "wi-1", customerId: "c-42", taskId: "task-1", disposition: "completed", callSerial: "C-00000007" } }
 * ```
 */
export interface WebhookEvent {
  readonly id: string
  readonly type: WebhookEventType
  readonly createdAt: string
  readonly auditSeq: number
  readonly data: Readonly<Record<string, unknown>>
}

const obj = (v: unknown): Record<string, unknown> => (v !== null && typeof v === "object" ? (v as Record<string, unknown>) : {})

/**
 * The webhook event an audit entry stands for, if any: a completed work item
 * (`work-item.complete`), a churned customer (`observation.churned`, an observation whose outcome
 * became `churned`), an appointment reminder that fired (`appointment.remind`), a number found not
 * in service that ended the customer's items unreachable (`customer.wrong-number`: the host, which
 * keeps the contact data, should correct it).
 *
 * @example
 * ```ts
 * const event = webhookEventOf(entry) // undefined for entries that are not domain events
 * ```
 */
export const webhookEventOf = (entry: AuditEntry): WebhookEvent | undefined => {
  const after = obj(entry.after)
  const before = obj(entry.before)
  const base = { id: `evt_${entry.seq}`, createdAt: entry.at, auditSeq: entry.seq }
  if (entry.action === "work-item.complete" && entry.recordType === "WorkItem") {
    return {
      ...base,
      type: "work_item.completed",
      data: {
        workItemId: entry.recordId,
        customerId: entry.customerId,
        taskId: after.taskId ?? null,
        assigneeId: after.assigneeId ?? null,
        disposition: after.disposition ?? null,
        callSerial: after.callSerial ?? null,
        completedAt: after.completedAt ?? entry.at,
        completedBy: entry.actorId
      }
    }
  }
  if (entry.recordType === "Observation" && after.outcome === "churned" && before.outcome !== "churned") {
    return {
      ...base,
      type: "customer.churned",
      data: {
        customerId: entry.customerId,
        observationId: entry.recordId,
        workItemId: after.workItemId ?? null,
        taskId: after.taskId ?? null,
        managerId: after.managerId ?? null,
        startedOn: after.startedOn ?? null,
        endsOn: after.endsOn ?? null,
        statusAtStart: after.statusAtStart ?? null,
        statusAtEnd: after.statusAtEnd ?? null,
        billBefore: after.billBefore ?? null,
        billAfter: after.billAfter ?? null
      }
    }
  }
  if (entry.action === "appointment.remind" && entry.recordType === "Appointment") {
    return {
      ...base,
      type: "appointment.due",
      data: {
        appointmentId: entry.recordId,
        customerId: entry.customerId,
        managerId: after.managerId ?? null,
        workItemId: after.workItemId ?? null,
        at: after.at ?? null,
        channel: after.channel ?? null,
        note: after.note ?? ""
      }
    }
  }
  if (entry.action === wrongNumberAction && entry.recordType === "Customer") {
    return {
      ...base,
      type: "customer.wrong_number",
      data: {
        customerId: entry.customerId,
        callSerial: after.callSerial ?? null,
        workItemIds: after.workItemIds ?? [],
        taskIds: after.taskIds ?? [],
        reportedBy: entry.actorId
      }
    }
  }
  return undefined
}

/**
 * One receiver: where to POST, the secret to sign with, and which events it wants (all by default).
 *
 * @example
 * ```ts
 * WebhookEndpoint.parse({ id: "crm", url: "https://crm.example.com/hooks/winback", secret: "whsec_0123456789abcdef" })
 * ```
 */
export const WebhookEndpoint = z
  .object({
    id: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/),
    url: z.url({ protocol: /^https?$/ }),
    secret: z.string().min(16),
    events: z.array(WebhookEventType).min(1).optional(),
    /** Where a new endpoint starts: after this audit sequence number (0: from the first entry). */
    startAfterSeq: z.number().int().min(0).default(0)
  })
  .strict()
/** @see {@link WebhookEndpoint} */
export type WebhookEndpoint = z.input<typeof WebhookEndpoint>

/**
 * Configuration of the {@link WebhookDispatcher}.
 *
 * @example
 * ```ts
 * const config: WebhookDispatcherConfig = { endpoints: [{ id: "crm", url: "https://crm.example.com/hooks/winback", secret: process.env.WEBHOOK_SECRET! }] }
 * ```
 */
export const WebhookDispatcherConfig = z
  .object({
    endpoints: z.array(WebhookEndpoint).min(1).refine((es) => new Set(es.map((e) => e.id)).size === es.length, "endpoint ids must be unique"),
    /** Audit entries read per page. */
    batchSize: z.number().int().min(1).max(1000).default(200),
    /** Audit entries looked at per endpoint per run, so one run ends. */
    maxEntriesPerRun: z.number().int().min(1).max(1_000_000).default(10_000),
    timeoutMs: z.number().int().min(1).max(120_000).default(10_000),
    retry: RetryConfig
  })
  .strict()
/** @see {@link WebhookDispatcherConfig} */
export type WebhookDispatcherConfig = z.input<typeof WebhookDispatcherConfig>

/**
 * Where an endpoint stands: the last audit sequence number it is past, and its latest failure.
 *
 * @example
 * ```ts
 * const s = yield* dispatcher.status("crm")
 * if (s.failures > 0) console.warn(`crm stuck at ${s.failingEventId}: ${s.lastError}`)
 * ```
 */
export interface WebhookCursor {
  readonly seq: number
  /** Failed runs in a row (0 once an event gets through). */
  readonly failures: number
  readonly lastError: string | null
  readonly failingEventId: string | null
  readonly lastAttemptAt: string | null
}

/**
 * What one run did, per endpoint.
 *
 * @example
 * ```ts
 * const report = yield* dispatcher.dispatch()
 * report.endpoints[0]!.delivered // ["evt_12", "evt_15"]
 * ```
 */
export interface DispatchReport {
  readonly endpoints: ReadonlyArray<{
    readonly endpointId: string
    readonly delivered: ReadonlyArray<string>
    readonly failed: { readonly eventId: string; readonly error: IntegrationError } | null
    readonly cursor: WebhookCursor
  }>
}

const cursorKey = (endpointId: string) => `webhook-cursor:${endpointId}`
const CursorValue = z.object({
  seq: z.number().int().min(0),
  failures: z.number().int().min(0),
  lastError: z.string().nullable(),
  failingEventId: z.string().nullable(),
  lastAttemptAt: z.string().nullable()
})

/**
 * The webhook dispatcher. Run `dispatch()` from a scheduler (or `poll(every)` in a long-running
 * process); one endpoint's outage never holds back another's deliveries.
 *
 * @example
 * ```ts
 * const layer = WebhookDispatcher.layer({ endpoints: [{ id: "crm", url, secret }] }).pipe(Layer.provide(IntegrationState.pg(storage.driver)))
 * const report = yield* (yield* WebhookDispatcher).dispatch()
 * ```
 */
export class WebhookDispatcher extends Context.Service<
  WebhookDispatcher,
  {
    /** Delivers what is pending, endpoint by endpoint, in audit order. */
    readonly dispatch: () => Effect.Effect<DispatchReport, StorageError>
    /** An endpoint's cursor and latest failure. */
    readonly status: (endpointId: string) => Effect.Effect<WebhookCursor, StorageError>
    /** `dispatch()` forever, waiting `every` between runs (interrupt the fiber to stop). */
    readonly poll: (every: Duration.Input) => Effect.Effect<never, StorageError>
  }
>()("@winback/adapters/WebhookDispatcher") {
  /**
   * The dispatcher over the audit log and the integration state. Throws `ValidationError` on a bad
   * config (at wiring time). `random` replaces the jitter source (tests).
   *
   * @example
   * ```ts
   * WebhookDispatcher.layer(config).pipe(Layer.provide(IntegrationState.memory(db)), Layer.provide(storesLayer(stores)))
   * ```
   */
  static layer(config: WebhookDispatcherConfig, random?: () => number): Layer.Layer<WebhookDispatcher, never, AuditLogStore | IntegrationState> {
    const c = parse(WebhookDispatcherConfig, config, "webhook dispatcher config")
    const retry: RetryOptions = { ...defaultRetry, ...c.retry }
    return Layer.effect(
      WebhookDispatcher,
      Effect.gen(function* () {
        const audit = yield* AuditLogStore
        const state = yield* IntegrationState

        const status = Effect.fn("WebhookDispatcher.status")(function* (endpointId: string) {
          const endpoint = c.endpoints.find((e) => e.id === endpointId)
          const raw = yield* state.get(cursorKey(endpointId))
          const r = CursorValue.safeParse(raw)
          return r.success ? r.data : { seq: endpoint?.startAfterSeq ?? 0, failures: 0, lastError: null, failingEventId: null, lastAttemptAt: null }
        })

        const deliver = (endpoint: (typeof c.endpoints)[number], event: WebhookEvent) =>
          Effect.gen(function* () {
            const body = JSON.stringify({ id: event.id, type: event.type, createdAt: event.createdAt, data: event.data })
            const t = Math.floor((yield* Clock.currentTimeMillis) / 1000)
            return yield* sendWithRetry(
              "webhook",
              {
                url: endpoint.url,
                headers: {
                  "content-type": "application/json",
                  "user-agent": "winback-webhooks/1",
                  "x-winback-event-id": event.id,
                  "x-winback-event-type": event.type,
                  "x-winback-signature": signPayload(endpoint.secret, body, t)
                },
                body
              },
              { timeoutMs: c.timeoutMs, retry, ...(random ? { random } : {}) }
            )
          })

        const runEndpoint = Effect.fn("WebhookDispatcher.runEndpoint")(function* (endpoint: (typeof c.endpoints)[number]) {
          let cursor: WebhookCursor = yield* status(endpoint.id)
          const start = cursor
          const delivered: Array<string> = []
          let failed: DispatchReport["endpoints"][number]["failed"] = null
          let looked = 0
          const save = (next: WebhookCursor) =>
            Effect.gen(function* () {
              cursor = next
              yield* state.put(cursorKey(endpoint.id), next)
            })
          outer: while (looked < c.maxEntriesPerRun) {
            const page = yield* audit.query({}, { limit: Math.min(c.batchSize, c.maxEntriesPerRun - looked), cursor: cursor.seq > 0 ? encodeCursor([cursor.seq]) : null })
            if (page.items.length === 0) break
            for (const entry of page.items) {
              looked++
              const event = webhookEventOf(entry)
              if (event === undefined || (endpoint.events !== undefined && !endpoint.events.includes(event.type))) {
                cursor = { ...cursor, seq: entry.seq }
                continue
              }
              const at = new Date(yield* Clock.currentTimeMillis).toISOString()
              const sent = yield* Effect.result(deliver(endpoint, event))
              if (sent._tag === "Failure") {
                failed = { eventId: event.id, error: sent.failure }
                yield* save({ seq: cursor.seq, failures: cursor.failures + 1, lastError: sent.failure.detail, failingEventId: event.id, lastAttemptAt: at })
                break outer
              }
              delivered.push(event.id)
              yield* save({ seq: entry.seq, failures: 0, lastError: null, failingEventId: null, lastAttemptAt: at })
            }
            if (page.nextCursor === null) break
          }
          // Entries that were not events for this endpoint move the cursor too.
          if (failed === null && (cursor.seq !== start.seq || cursor.failures !== start.failures)) yield* save(cursor)
          return { endpointId: endpoint.id, delivered, failed, cursor }
        })

        const dispatch = Effect.fn("WebhookDispatcher.dispatch")(function* () {
          const endpoints: Array<DispatchReport["endpoints"][number]> = []
          for (const endpoint of c.endpoints) endpoints.push(yield* runEndpoint(endpoint))
          return { endpoints } satisfies DispatchReport
        })

        const poll = (every: Duration.Input): Effect.Effect<never, StorageError> =>
          Effect.forever(Effect.andThen(dispatch(), Effect.sleep(every)))

        return WebhookDispatcher.of({ dispatch, status, poll })
      })
    )
  }
}
