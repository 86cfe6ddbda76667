/**
 * The dialer (call center) over HTTP: `HttpDialer.layer(config)` implements the core `Dialer` port
 * as a click-to-call request (the number comes from the customer record, never typed by the
 * agent), and `callEventHandler(config)` takes the call center's signed call events. On `ended`
 * it creates the call record (next serial number, recording link) for the items the agent chose
 * when dialling, and links the recording to those items — once per event id, however often the
 * call center re-delivers it. The record carries the call center's call id: when the agent's
 * recorded outcome (`recordCall` with `externalCallId`) got there first, the event enriches that
 * record instead, so one call keeps one record and one serial number.
 */
import { randomUUID } from "node:crypto"
import { Effect, Layer } from "effect"
import * as z from "zod"
import {
  type Actor,
  Actors,
  AuditTrail,
  type CallRecord,
  CallRecordStore,
  Conflict,
  Dialer,
  Id,
  IntegrationError,
  linkCallRecord,
  nowIso,
  parse,
  ScopedStores,
  Transactions,
  type WorkItem
} from "@winback/core"
import { errorReply, type InboundReply, type InboundRequest, reply, verifiedBody } from "./inbound"
import { IntegrationState } from "./IntegrationState"
import { defaultRetry, RetryConfig, type RetryOptions, sendWithRetry } from "./retry"

/**
 * Configuration of {@link HttpDialer}.
 *
 * The request is `POST url` with JSON `{ requestId, agentId, phone, userData: { customerId,
 * managerId, itemIds } }` (and `requestId` as the idempotency header, so a retried request never
 * rings the customer twice); the call center answers 2xx with JSON `{ callId }` and hands
 * `userData` back on every event of the call.
 *
 * @example
 * ```ts
 * const config: HttpDialerConfig = { url: "https://pbx.example.com/api/click-to-call", authorization: `Bearer ${process.env.PBX_TOKEN}` }
 * ```
 */
export const HttpDialerConfig = z
  .object({
    url: z.url({ protocol: /^https?$/ }),
    authorization: z.string().min(1),
    authHeader: z.string().min(1).default("authorization"),
    idempotencyHeader: z.string().min(1).default("idempotency-key"),
    timeoutMs: z.number().int().min(1).max(120_000).default(10_000),
    retry: RetryConfig
  })
  .strict()
/** @see {@link HttpDialerConfig} */
export type HttpDialerConfig = z.input<typeof HttpDialerConfig>

const DialAnswer = z.object({ callId: z.string().min(1).max(200) })

/**
 * The HTTP dialer.
 *
 * @example
 * ```ts
 * import { HttpDialer } from "@winback/adapters"
 * const winback = await createWinback({ storage, dialer: HttpDialer.layer({ url: "https://pbx.example.com/api/click-to-call", authorization: "Bearer ..." }) })
 * await winback.as("m-1").execution.dial({ customerId: "c-42", itemIds: ["wi-1", "wi-2"] })
 * ```
 */
export const HttpDialer = {
  /**
   * The `Dialer` port over HTTP. Throws `ValidationError` on a bad config (at wiring time).
   *
   * @example
   * ```ts
   * program.pipe(Effect.provide(HttpDialer.layer({ url, authorization: "Bearer ..." })))
   * ```
   */
  layer: (config: HttpDialerConfig, random?: () => number): Layer.Layer<Dialer> => Layer.succeed(Dialer, HttpDialer.make(config, random)),

  /**
   * The port implementation as a value.
   *
   * @example
   * ```ts
   * const { callId } = yield* HttpDialer.make({ url, authorization: "Bearer ..." }).call({ customerId: "c-42", managerId: "m-1", phone: "+8613800000042" })
   * ```
   */
  make: (config: HttpDialerConfig, random?: () => number): Dialer["Service"] => {
    const c = parse(HttpDialerConfig, config, "dialer config")
    const retry: RetryOptions = { ...defaultRetry, ...c.retry }
    return Dialer.of({
      call: (request) =>
        Effect.gen(function* () {
          const requestId = `dial-${randomUUID()}`
          const answer = yield* sendWithRetry(
            "dialer",
            {
              url: c.url,
              headers: { "content-type": "application/json", accept: "application/json", [c.authHeader]: c.authorization, [c.idempotencyHeader]: requestId },
              body: JSON.stringify({
                requestId,
                agentId: request.managerId,
                phone: request.phone,
                userData: { customerId: request.customerId, managerId: request.managerId, itemIds: [...(request.itemIds ?? [])] }
              })
            },
            { timeoutMs: c.timeoutMs, retry, ...(random ? { random } : {}) }
          )
          let json: unknown
          try {
            json = JSON.parse(answer.text)
          } catch {
            json = undefined
          }
          const r = DialAnswer.safeParse(json)
          if (!r.success) return yield* new IntegrationError({ integration: "dialer", retryable: false, detail: `call center answered ${answer.status} without { callId }` })
          return { callId: r.data.callId }
        })
    })
  }
} as const

/**
 * A call event as the call center posts it. `userData` is what {@link HttpDialer} sent with the
 * click-to-call request; `ended` carries the talk time and the recording link.
 *
 * @example
 * ```ts
 * CallEvent.parse({ eventId: "ev-9", callId: "pbx-1", type: "ended", at: "2026-11-22T10:04:10Z", durationSeconds: 250,
 *   recordingUrl: "https://pbx.example.com/rec/pbx-1.mp3", userData: { customerId: "c-42", managerId: "m-1", itemIds: ["wi-1", "wi-2"] } })
 * ```
 */
export const CallEvent = z.object({
  eventId: z.string().min(1).max(200),
  callId: z.string().min(1).max(200),
  type: z.enum(["ringing", "answered", "ended"]),
  at: z.iso.datetime({ offset: true }),
  durationSeconds: z.number().int().min(0).max(86_400).optional(),
  recordingUrl: z.url({ protocol: /^https?$/ }).max(2000).nullable().optional(),
  userData: z.object({ customerId: Id, managerId: Id, itemIds: z.array(Id).max(100).default([]) })
})
/** @see {@link CallEvent} */
export type CallEvent = z.input<typeof CallEvent>

/**
 * Configuration of {@link callEventHandler}: the shared secret(s), the signature header
 * (`t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`) and the replay tolerance.
 *
 * @example
 * ```ts
 * const cfg: CallEventHandlerConfig = { secret: process.env.PBX_EVENT_SECRET!, signatureHeader: "x-pbx-signature" }
 * ```
 */
export const CallEventHandlerConfig = z
  .object({
    secret: z.union([z.string().min(16), z.array(z.string().min(16)).min(1)]),
    signatureHeader: z.string().min(1).default("x-callcenter-signature"),
    toleranceSeconds: z.number().int().min(1).max(86_400).default(300)
  })
  .strict()
/** @see {@link CallEventHandlerConfig} */
export type CallEventHandlerConfig = z.input<typeof CallEventHandlerConfig>

/** The services {@link callEventHandler} runs on. */
export type CallEventServices = Transactions | CallRecordStore | ScopedStores | AuditTrail | Actors | IntegrationState

/**
 * The call-event handler. Verifies the signature (401), validates the event (400), and answers:
 * - `ringing` / `answered`: 200, the call's state kept under `call:<callId>`;
 * - `ended`: 201 `{ serialNumber, itemIds, skippedItemIds }` — in one transaction: the event's
 *   receipt, a call record with the next serial number, the call center's call id, the recording
 *   link, whether the call was answered, and the chosen items (those of the customer that the
 *   manager may still see; others are reported as skipped), the recording attached to each item,
 *   and the audit entries; the call's state then records the serial number;
 * - `ended` for a call that already has its record (the agent's recorded outcome came first, or
 *   an earlier `ended` event of the same call): 200 `{ serialNumber, itemIds, skippedItemIds,
 *   linked: true }` — the record gets the call center's times, recording link and answered flag
 *   and the chosen items (one `call.update` audit entry); the recording is attached to all its items;
 * - a re-delivered event (same `eventId`): 200 `{ duplicate: true }`, nothing new.
 * Mount it as a POST route of your own (the reference server mounts it as `POST /api/integrations/call-events`).
 *
 * @example
 * ```ts
 * const onCallEvent = callEventHandler({ secret: process.env.PBX_EVENT_SECRET! })
 * router.on("POST", "/api/integrations/call-events", async (req) => await runtime.runPromise(onCallEvent({ headers: req.headers, body: await rawBody(req) })))
 * ```
 */
export const callEventHandler = (config: CallEventHandlerConfig): ((req: InboundRequest) => Effect.Effect<InboundReply, never, CallEventServices>) => {
  const c = parse(CallEventHandlerConfig, config, "call event handler config")
  return (req) =>
    Effect.gen(function* () {
      const v = yield* verifiedBody(req, { secret: c.secret, header: c.signatureHeader, toleranceSeconds: c.toleranceSeconds }, CallEvent, "call event")
      if (!v.ok) return v.reply
      return yield* handleEvent(v.value).pipe(Effect.catch((e) => Effect.succeed(errorReply(e))))
    })
}

const handleEvent = (e: z.output<typeof CallEvent>) =>
  Effect.gen(function* () {
    const tx = yield* Transactions
    const state = yield* IntegrationState
    const receipt = `callcenter-event:${e.eventId}`
    const at = new Date(e.at).toISOString()
    if (e.type !== "ended") {
      return yield* tx.transaction(
        Effect.gen(function* () {
          if (!(yield* state.claim(receipt, { callId: e.callId, type: e.type }))) return reply(200, { duplicate: true })
          const prior = (yield* state.get(`call:${e.callId}`)) as { state?: string } | undefined
          if (prior?.state !== "ended") yield* state.put(`call:${e.callId}`, { state: e.type, at, customerId: e.userData.customerId, managerId: e.userData.managerId })
          return reply(200, { recorded: e.type })
        })
      )
    }
    const actor: Actor = yield* (yield* Actors).resolve(e.userData.managerId)
    const calls = yield* CallRecordStore
    const trail = yield* AuditTrail
    const view = (yield* ScopedStores).forActor(actor)
    return yield* tx.transaction(
      Effect.gen(function* () {
        if (!(yield* state.claim(receipt, { callId: e.callId, type: e.type }))) return reply(200, { duplicate: true })
        const wanted = [...new Set(e.userData.itemIds)]
        const found = wanted.length === 0 ? [] : yield* view.workItems.getMany(wanted)
        const itemIds = found.filter((w) => w.customerId === e.userData.customerId).map((w) => w.id)
        const skippedItemIds = wanted.filter((id) => !itemIds.includes(id))
        const recordingUri = e.recordingUrl ?? null
        const prior = (yield* state.get(`call:${e.callId}`)) as { state?: string } | undefined
        const connected = prior?.state === "answered" || (e.durationSeconds ?? 0) > 0
        const startedAt = new Date(Date.parse(at) - (e.durationSeconds ?? 0) * 1000).toISOString()
        // The record first, before any item: a racing recordCall of the same call meets it here.
        const linked = yield* linkCallRecord(e.callId, (serialNumber): CallRecord => ({
          serialNumber,
          customerId: e.userData.customerId,
          managerId: actor.id,
          startedAt,
          endedAt: at,
          disposition: null,
          workItemIds: itemIds,
          recordingUri,
          externalCallId: e.callId,
          connected
        }))
        let call = linked.record
        if (linked.created) {
          yield* trail.record(actor, {
            action: "call.record",
            category: "work-item",
            recordType: "CallRecord",
            recordId: call.serialNumber,
            customerId: call.customerId,
            before: null,
            after: call,
            note: `call-center call ${e.callId}, event ${e.eventId}`
          })
        } else {
          const before = linked.record
          if (before.customerId !== e.userData.customerId) {
            return yield* new Conflict({ kind: "mismatch", entity: "CallRecord", id: before.serialNumber, reason: `call-center call ${e.callId} is with customer ${before.customerId}, not ${e.userData.customerId}` })
          }
          // The call center knows the call's times, recording and whether it was answered; the
          // agent's outcome (disposition, items) stays.
          call = yield* calls.update({
            ...before,
            startedAt,
            endedAt: at,
            recordingUri: recordingUri ?? before.recordingUri,
            connected: connected || before.connected === true,
            workItemIds: [...new Set([...before.workItemIds, ...itemIds])]
          })
          yield* trail.record(actor, {
            action: "call.update",
            category: "work-item",
            recordType: "CallRecord",
            recordId: call.serialNumber,
            customerId: call.customerId,
            before,
            after: call,
            note: `call-center call ${e.callId}, event ${e.eventId}`
          })
        }
        const uri = call.recordingUri
        if (uri !== null) {
          const now = yield* nowIso
          // Read after the record is linked: a recordCall that linked first has changed its items.
          const items: ReadonlyArray<WorkItem> = (yield* view.workItems.getMany(call.workItemIds)).filter((w) => w.customerId === call.customerId)
          for (const w of items) {
            if (w.attachments.some((a) => a.kind === "recording" && a.uri === uri)) continue
            yield* view.workItems.update({ ...w, attachments: [...w.attachments, { kind: "recording", uri, addedAt: now, addedBy: actor.id }] }, w.version)
          }
        }
        yield* state.put(`call:${e.callId}`, { state: "ended", at, customerId: call.customerId, managerId: actor.id, serialNumber: call.serialNumber })
        return linked.created
          ? reply(201, { serialNumber: call.serialNumber, itemIds, skippedItemIds })
          : reply(200, { serialNumber: call.serialNumber, itemIds, skippedItemIds, linked: true })
      })
    )
  })
