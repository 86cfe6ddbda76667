/**
 * Doing the work (DOMAIN §7): recording a call's outcome on one or several items of the same
 * customer. One call gets one serial number, recorded on every item it touches and on the call
 * record; completing several items with one call is atomic (all or none). An item stays open
 * until it is explicitly completed; a not-reached outcome adds an attempt and the retry policy
 * sets the earliest next attempt (or none once attempts are used up). Every change goes through
 * the scoped stores, so scope checks and audit entries come with it, in the same transaction.
 * A call dialled through the call center is linked by the call center's call id: whichever comes
 * first — the call center's `ended` event or the agent's recorded outcome — creates the call
 * record, the other completes it, so one call keeps one record and one serial number.
 */
import { Context, Effect, Layer } from "effect"
import * as z from "zod"
import { loadPublished, validateResponse } from "@winback/questionnaire"
import type { Actor } from "../org/Actor"
import { AuditTrail, nowIso } from "../audit/AuditTrail"
import type { CallRecord } from "./CallRecord"
import { linkCallRecord } from "./CallLink"
import { Conflict, type Forbidden, isRetryable, NotFound, type StorageError, ValidationError } from "../shared/Errors"
import { WorkConfig } from "./WorkConfig"
import { Id, Instant } from "../shared/Primitives"
import { CallRecordStore } from "./CallRecordStore"
import { QuestionnaireStore } from "./QuestionnaireStore"
import { TaskStore } from "../task/TaskStore"
import { Transactions } from "../ports/Transactions"
import { Dialer, type IntegrationError } from "../ports/Outbound"
import { Contactability, type ContactReason } from "./Contactability"
import type { ResponseRecord } from "./QuestionnaireRecords"
import { applyAttempt, effectiveRetryPolicy, type RetryDecision, retryWaitUntil } from "./RetryPolicy"
import { ObservationService } from "../observation/ObservationService"
import type { OfferUse } from "../offer/Offer"
import { NewOfferUse, OfferService } from "../offer/OfferService"
import { ScopedStores } from "../facade/ScopedStores"
import { decode } from "../shared/Validation"
import { Attachment, Disposition, isReached, openWorkItemStates, type WorkItem } from "./WorkItem"
import { newId } from "../shared/Ids"
import { serviceLayer } from "../shared/ServiceLayer"

/**
 * The questionnaire answers given on an item. `completed: true` demands a valid, complete
 * response; a draft save (`false`) may leave required questions open but no answer may be wrong.
 *
 * @example
 * ```ts
 * ResponseInput.parse({ workItemId: "wi-1", answers: { reached: "yes", reason: "price" }, context: { tier: "gold" }, completed: true })
 * ```
 */
export const ResponseInput = z
  .object({
    workItemId: Id,
    answers: z.record(z.string(), z.unknown()),
    context: z.record(z.string(), z.unknown()).default({}),
    completed: z.boolean().default(true)
  })
  .strict()
/** @see {@link ResponseInput} */
export type ResponseInput = z.input<typeof ResponseInput>

/**
 * The outcome of one call about one or more items of one customer. `complete: true` closes the
 * items (explicitly — nothing else does) and only goes with a reached disposition: a not-reached
 * outcome (no-answer, phone-off, not-in-service) with `complete: true` is a `ValidationError`.
 * Otherwise each item gets an attempt and stays open, or ends `unreachable` once the task's retry
 * policy is used up. `rescheduleAt` sets the next attempt after a `reschedule`. `inbound: true`:
 * the customer called in, so an item still waiting for its next attempt may be worked (an outbound
 * call on a waiting item is a `Conflict`). `externalCallId`: the call center's
 * id of the call (the `callId` that `dial` answered); when the call center's event already created
 * the call's record, the outcome completes that record and reuses its serial number.
 * `responses`: the questionnaire answers given in the call (see {@link ResponseInput}), `offers`:
 * the offers presented (see `NewOfferUse`) — each about one of the call's `itemIds`, saved with
 * the call in its transaction.
 *
 * @example
 * ```ts
 * CallOutcome.parse({ customerId: "c-42", itemIds: ["wi-1", "wi-2", "wi-3"], disposition: "completed", complete: true })
 * CallOutcome.parse({ customerId: "c-42", itemIds: ["wi-1"], disposition: "refused", complete: true, externalCallId: "pbx-7781" })
 * CallOutcome.parse({ customerId: "c-42", itemIds: ["wi-1"], disposition: "completed", complete: true, inbound: true })
 * CallOutcome.parse({
 *   customerId: "c-42", itemIds: ["wi-1"], disposition: "completed", complete: true,
 *   responses: [{ workItemId: "wi-1", answers: { reached: "yes" } }],
 *   offers: [{ workItemId: "wi-1", offerId: "of-bonus-50", accepted: true }]
 * })
 * ```
 */
export const CallOutcome = z
  .object({
    customerId: Id,
    itemIds: z.array(Id).min(1).max(100).refine((ids) => new Set(ids).size === ids.length, "item ids must be unique"),
    disposition: Disposition,
    complete: z.boolean().default(false),
    note: z.string().max(4000).default(""),
    startedAt: Instant.optional(),
    endedAt: Instant.optional(),
    recordingUri: z.string().min(1).max(2000).nullable().default(null),
    rescheduleAt: Instant.optional(),
    externalCallId: z.string().min(1).max(200).optional(),
    inbound: z.boolean().default(false),
    responses: z.array(ResponseInput).max(100).default([]),
    offers: z.array(NewOfferUse).max(20).default([])
  })
  .strict()
  .refine((o) => o.rescheduleAt === undefined || o.disposition === "reschedule", { message: "rescheduleAt goes with the reschedule disposition", path: ["rescheduleAt"] })
  .superRefine((o, ctx) => {
    if (o.complete && !isReached(o.disposition)) {
      ctx.addIssue({
        code: "custom",
        path: ["complete"],
        message: `a not-reached outcome (${o.disposition}) never completes an item: it counts an attempt and the retry policy schedules the next one`
      })
    }
    for (const list of ["responses", "offers"] as const) {
      o[list].forEach((x, i) => {
        if (!o.itemIds.includes(x.workItemId)) ctx.addIssue({ code: "custom", path: [list, i, "workItemId"], message: `${x.workItemId} is not one of this call's itemIds` })
      })
    }
  })
/** @see {@link CallOutcome} */
export type CallOutcome = z.input<typeof CallOutcome>

/**
 * What a recorded call did.
 *
 * @example
 * ```ts
 * const r = yield* execution.recordCall(agent, outcome)
 * r.call.serialNumber // "C-00000042", also on every item
 * ```
 */
export interface CallResult {
  readonly call: CallRecord
  readonly items: ReadonlyArray<WorkItem>
  /** Per item id: the retry decision (not-completed items only; `exhausted` means the item is now `unreachable`). */
  readonly retry: Readonly<Record<string, RetryDecision>>
  /** The questionnaire responses saved with the call (the outcome's `responses`, in order). */
  readonly responses: ReadonlyArray<ResponseRecord>
  /** The offer uses recorded with the call (the outcome's `offers`, in order). */
  readonly offerUses: ReadonlyArray<OfferUse>
}

/**
 * An attachment to add to an item (a recording, a scanned paper questionnaire).
 *
 * @example
 * ```ts
 * NewAttachment.parse({ kind: "scanned-questionnaire", uri: "s3://scans/wi-1.pdf" })
 * ```
 */
export const NewAttachment = Attachment.pick({ kind: true, uri: true }).strict()
/** @see {@link NewAttachment} */
export type NewAttachment = z.input<typeof NewAttachment>

type Errors = ValidationError | NotFound | Conflict | Forbidden | StorageError

/**
 * The answer to a dial request: the call center's call id, or why the customer may not be called now.
 *
 * @example
 * ```ts
 * const d = yield* execution.dial(agent, { customerId: "c-42" })
 * if (!d.dialled) console.log(d.reasons.map((r) => r.message))
 * ```
 */
export type DialResult =
  | { readonly dialled: true; readonly callId: string; readonly phone: string }
  | { readonly dialled: false; readonly reasons: ReadonlyArray<ContactReason | { readonly code: "no-phone" | "retry-wait"; readonly message: string }> }

/**
 * The audit action of a call placed through the dialer (category `customer`): who dialled whom,
 * the call center's call id and the chosen items; the number only masked ({@link maskPhone}).
 *
 * @example
 * ```ts
 * const page = yield* audit.query({ customerId: "cust-42", categories: ["customer"] })
 * page.items.filter((e) => e.action === dialAction)
 * ```
 */
export const dialAction = "customer.dial"

/**
 * A phone number as people other than the dialer see it: the first three and the last four digits
 * kept, the rest starred (`138****5678`); a `+86` country code is left out, shorter numbers keep
 * only their last two digits.
 *
 * @example
 * ```ts
 * maskPhone("+8613812345678") // "138****5678"
 * maskPhone("010-6512") // "******12"
 * ```
 */
export const maskPhone = (phone: string): string => {
  const digits = phone.replace(/\D/g, "").replace(/^86(?=1\d{10}$)/, "")
  if (digits.length >= 9) return `${digits.slice(0, 3)}${"*".repeat(digits.length - 7)}${digits.slice(-4)}`
  return `${"*".repeat(Math.max(digits.length - 2, 0))}${digits.slice(-2)}`
}

const auditDial = (trail: AuditTrail["Service"], actor: Actor, customerId: string, call: { readonly callId: string; readonly phone: string; readonly itemIds: ReadonlyArray<string> }) =>
  trail.record(actor, {
    action: dialAction,
    category: "customer",
    recordType: "Customer",
    recordId: customerId,
    customerId,
    before: null,
    after: { callId: call.callId, phone: maskPhone(call.phone), itemIds: call.itemIds, channel: "phone" }
  })

/**
 * The audit action of the wrong-number feedback (DOMAIN §7): written on the customer when a
 * "not in service" call ends their items `unreachable`, so whoever keeps the contact data finds it
 * (the host CRM, system of record for contact data, through the webhook `customer.wrong_number`;
 * a leader in the audit log, category `customer`).
 *
 * @example
 * ```ts
 * const page = yield* audit.query({ customerId: "cust-42", categories: ["customer"] })
 * page.items.filter((e) => e.action === wrongNumberAction)
 * ```
 */
export const wrongNumberAction = "customer.wrong-number"

/**
 * How many times {@link Execution} `recordCall` runs a call's transaction at most when it keeps
 * losing races (a stale item version, a deadlock with the call center's event for the same call).
 *
 * @example
 * ```ts
 * maxCallAttempts // 4: the first try and three more
 * ```
 */
export const maxCallAttempts = 4

/**
 * The execution service.
 *
 * @example
 * ```ts
 * const execution = yield* Execution
 * const r = yield* execution.recordCall(agent, { customerId: "c-42", itemIds: ["wi-1", "wi-2", "wi-3"], disposition: "completed", complete: true })
 * ```
 */
export class Execution extends Context.Service<
  Execution,
  {
    /**
     * Records one call about items of one customer — the whole use case of an agent ending a call:
     * the questionnaire responses given (`responses`, as `saveResponse`), the offers presented
     * (`offers`, as `OfferService.use`), and the outcome on every item with one serial number, all
     * in one transaction (all or nothing) and every change audited in it. With an
     * `externalCallId` whose record the call center's event already created, completes that record
     * (disposition, items) and reuses its serial; a call whose outcome is already recorded is a
     * `Conflict`. Racing the event still gives one record.
     *
     * It is a unit of work: it opens its own transaction and, when that loses a race (a
     * `stale-version` `Conflict`, a deadlock PostgreSQL rolled back — see `isRetryable`), runs it
     * again whole from fresh reads, up to {@link maxCallAttempts} times. Call it on its own, not
     * inside a transaction of yours: a retry there would repeat the writes of the failed attempt.
     */
    readonly recordCall: (actor: Actor, outcome: CallOutcome) => Effect.Effect<CallResult, Errors>
    /** Adds an attachment reference to an item. */
    readonly attach: (actor: Actor, itemId: string, attachment: NewAttachment) => Effect.Effect<WorkItem, Errors>
    /**
     * Saves the item's questionnaire response, validated by `@winback/questionnaire` against the
     * version the task binds (every problem reported, paths `["answers", questionId]`).
     */
    readonly saveResponse: (actor: Actor, input: ResponseInput) => Effect.Effect<ResponseRecord, Errors>
    /**
     * Dials a customer in scope through the call center from the customer id (never a typed
     * number), after `canContact` on the phone channel allows it now. `itemIds`: the customer's
     * open items the agent chose for the call, handed to the dialer (the call center's events bring
     * them back, so the call record links to them).
     */
    readonly dial: (actor: Actor, input: { readonly customerId: string; readonly itemIds?: ReadonlyArray<string> }) => Effect.Effect<DialResult, Errors | IntegrationError>
  }
>()("@winback/core/Execution") {
  /**
   * The live implementation.
   *
   * @example
   * ```ts
   * Execution.layer.pipe(Layer.provide(scopeLayer(defaultPolicy)), Layer.provide(storesLayer(stores)))
   * ```
   */
  static readonly layer: Layer.Layer<Execution, never, Transactions | CallRecordStore | TaskStore | QuestionnaireStore | ScopedStores | AuditTrail | Contactability | Dialer | ObservationService | OfferService> = serviceLayer(
    Execution,
    { tx: Transactions, calls: CallRecordStore, scoped: ScopedStores, trail: AuditTrail, tasks: TaskStore, questionnaires: QuestionnaireStore, contact: Contactability, dialer: Dialer, observations: ObservationService, offerService: OfferService },
    ({ tx, calls, scoped, trail, tasks, questionnaires, contact, dialer, observations, offerService }) => Effect.gen(function* () {
      // One attempt at the call's outcome (call record, items, audit), in the surrounding transaction.
      const recordOutcome = Effect.fnUntraced(function* (actor: Actor, o: z.output<typeof CallOutcome>) {
        const view = scoped.forActor(actor)
        const { retry: defaults } = yield* WorkConfig
        // The items of the call, in scope, the customer's and still open (read again once a linked record is locked).
        // An outbound call on an item waiting for its next attempt is refused; the customer calling in is not.
        const openItems = (at: string) =>
          Effect.gen(function* () {
            const found = yield* view.workItems.getMany(o.itemIds)
            const byId = new Map(found.map((w) => [w.id, w]))
            for (const id of o.itemIds) {
              const w = byId.get(id)
              if (!w) return yield* new NotFound({ entity: "WorkItem", id })
              if (w.customerId !== o.customerId) return yield* new Conflict({ kind: "mismatch", entity: "WorkItem", id, reason: `belongs to customer ${w.customerId}, not ${o.customerId}` })
              if (!openWorkItemStates.includes(w.state)) return yield* new Conflict({ kind: "wrong-state", entity: "WorkItem", id, reason: `is ${w.state}` })
              const waiting = o.inbound ? null : retryWaitUntil(w, at)
              if (waiting !== null) {
                return yield* new Conflict({ kind: "not-yet", entity: "WorkItem", id, reason: `waits for its next attempt, not before ${waiting} (an outbound call is refused until then; record a customer's own call with inbound: true)` })
              }
            }
            return byId
          })
        return yield* tx.transaction(
          Effect.gen(function* () {
            const at = yield* nowIso
            let byId = yield* openItems(at)
            const fresh = (serialNumber: string): CallRecord => ({
              serialNumber,
              customerId: o.customerId,
              managerId: actor.id,
              startedAt: o.startedAt ?? at,
              endedAt: o.endedAt ?? null,
              disposition: o.disposition,
              workItemIds: [...o.itemIds],
              recordingUri: o.recordingUri,
              ...(o.externalCallId === undefined ? {} : { externalCallId: o.externalCallId })
            })
            // The call's record comes first (before any item is written), so a racing call-center
            // event and this outcome meet on it: the record's lock or its unique call-center call id.
            const linked = yield* linkCallRecord(o.externalCallId, fresh).pipe(Effect.provideService(CallRecordStore, calls))
            let call: CallRecord
            if (linked.created) call = linked.record
            else {
              const before = linked.record
              if (before.customerId !== o.customerId) {
                return yield* new Conflict({ kind: "mismatch", entity: "CallRecord", id: before.serialNumber, reason: `call-center call ${o.externalCallId} is with customer ${before.customerId}, not ${o.customerId}` })
              }
              if (before.disposition !== null) {
                return yield* new Conflict({ kind: "wrong-state", entity: "CallRecord", id: before.serialNumber, reason: `call-center call ${o.externalCallId} already has its outcome (${before.disposition})` })
              }
              call = yield* calls.update({
                ...before,
                disposition: o.disposition,
                workItemIds: [...new Set([...before.workItemIds, ...o.itemIds])],
                recordingUri: before.recordingUri ?? o.recordingUri,
                endedAt: before.endedAt ?? o.endedAt ?? null
              })
              // The event may have changed the items (their recording) since they were read.
              byId = yield* openItems(at)
            }
            // One serial for the call: the first item gets it, the others reuse it.
            const serial = call.serialNumber
            let items: Array<WorkItem>
            const retry: Record<string, RetryDecision> = {}
            if (o.complete) {
              items = [...(yield* view.workItems.complete({ ids: o.itemIds, customerId: o.customerId, disposition: o.disposition, callSerial: serial, note: o.note }))]
            } else {
              items = []
              // Each item's task decides its retry policy (`WorkConfig`'s default where it sets none).
              const policies = new Map((yield* tasks.getMany([...new Set([...byId.values()].map((w) => w.taskId))])).map((t) => [t.id, effectiveRetryPolicy(defaults, t.retryPolicy)]))
              for (const id of o.itemIds) {
                const w = byId.get(id)!
                const attempt = { at, by: actor.id, disposition: o.disposition, callSerial: serial, note: o.note }
                const applied = applyAttempt(policies.get(w.taskId) ?? defaults, w, attempt, o.rescheduleAt)
                retry[id] = applied.decision
                items.push(yield* view.workItems.update(applied.item, w.version))
              }
            }
            // DOMAIN §7: a wrong number feeds back to whoever keeps the contact data — one audit entry
            // on the customer (`customer.wrong-number`, which the host also receives as the webhook
            // `customer.wrong_number`) when a "not in service" attempt ends items unreachable.
            const wrongNumber = items.filter((w) => w.state === "unreachable" && w.disposition === "not-in-service")
            if (o.disposition === "not-in-service" && wrongNumber.length > 0) {
              yield* trail.record(actor, {
                action: wrongNumberAction,
                category: "customer",
                recordType: "Customer",
                recordId: o.customerId,
                customerId: o.customerId,
                before: null,
                after: { customerId: o.customerId, callSerial: serial, workItemIds: wrongNumber.map((w) => w.id), taskIds: [...new Set(wrongNumber.map((w) => w.taskId))] },
                note: `number not in service on call ${serial}: the customer's contact data needs correcting`
              })
            }
            const recordingUri = call.recordingUri
            if (recordingUri !== null) {
              const withRecording: Array<WorkItem> = []
              for (const w of items) {
                if (w.attachments.some((a) => a.kind === "recording" && a.uri === recordingUri)) withRecording.push(w)
                else withRecording.push(yield* view.workItems.update({ ...w, attachments: [...w.attachments, { kind: "recording", uri: recordingUri, addedAt: at, addedBy: actor.id }] }, w.version))
              }
              items = withRecording
            }
            yield* trail.record(actor, {
              action: linked.created ? "call.record" : "call.update",
              category: "work-item",
              recordType: "CallRecord",
              recordId: serial,
              customerId: o.customerId,
              before: linked.created ? null : linked.record,
              after: call,
              ...(o.externalCallId === undefined ? {} : { note: `call-center call ${o.externalCallId}: outcome recorded` })
            })
            // Retention effect (DOMAIN §8): a worked completion opens its observation in this transaction.
            if (o.complete) yield* observations.open(actor, items)
            return { call, items, retry }
          })
        )
      })

      const attach = Effect.fn("Execution.attach")(function* (actor: Actor, itemId: string, input: NewAttachment) {
        const a = yield* decode(NewAttachment, input, "attachment")
        const view = scoped.forActor(actor)
        return yield* tx.transaction(
          Effect.gen(function* () {
            const w = yield* view.workItems.get(itemId)
            return yield* view.workItems.update({ ...w, attachments: [...w.attachments, { ...a, addedAt: yield* nowIso, addedBy: actor.id }] }, w.version)
          })
        )
      })

      const saveResponse = Effect.fn("Execution.saveResponse")(function* (actor: Actor, input: ResponseInput) {
        const r = yield* decode(ResponseInput, input, "response")
        const view = scoped.forActor(actor)
        return yield* tx.transaction(
          Effect.gen(function* () {
            const item = yield* view.workItems.get(r.workItemId)
            const task = yield* tasks.get(item.taskId)
            if (task.questionnaireVersion === null) return yield* new Conflict({ kind: "not-applicable", entity: "Task", id: task.id, reason: "binds no questionnaire" })
            const stored = yield* questionnaires.getVersion(task.questionnaireVersion)
            const version = yield* Effect.try({
              try: () => loadPublished({ hash: stored.hash, definition: stored.definition }),
              catch: (e) => e instanceof ValidationError ? e : new ValidationError({ issues: [{ path: ["version"], code: "unloadable", message: String(e) }] })
            })
            const verdict = validateResponse(version, { versionHash: version.hash, context: r.context, answers: r.answers })
            const blocking = verdict.issues.filter((i) => r.completed || i.code !== "required")
            if (blocking.length > 0) {
              return yield* Effect.fail(new ValidationError({ subject: `response to ${stored.questionnaireId}`, issues: blocking.map((i) => ({ path: [...i.path], message: i.message, code: i.code })) }))
            }
            const savedAt = yield* nowIso
            const before = item.responseId === null ? undefined : yield* questionnaires.responses.get(item.responseId).pipe(Effect.option)
            const base = {
              versionHash: version.hash,
              questionnaireId: stored.questionnaireId,
              workItemId: item.id,
              customerId: item.customerId,
              answers: { ...verdict.answers },
              completed: verdict.complete && r.completed,
              savedAt,
              savedBy: actor.id
            }
            const saved =
              before !== undefined && before._tag === "Some"
                ? yield* questionnaires.responses.update({ ...before.value, ...base }, before.value.version)
                : yield* questionnaires.responses.insert({ id: yield* newId("resp"), ...base, version: 1 })
            if (item.responseId !== saved.id) yield* view.workItems.update({ ...item, responseId: saved.id }, item.version)
            yield* trail.record(actor, {
              action: "response.save",
              category: "questionnaire",
              recordType: "Response",
              recordId: saved.id,
              customerId: saved.customerId,
              before: before !== undefined && before._tag === "Some" ? before.value : null,
              after: saved
            })
            return saved
          })
        )
      })

      const dial = Effect.fn("Execution.dial")(function* (actor: Actor, input: { readonly customerId: string; readonly itemIds?: ReadonlyArray<string> }) {
        const customerId = yield* decode(Id, input.customerId, "customer id")
        const customer = yield* scoped.forActor(actor).customers.get(customerId)
        const itemIds = input.itemIds === undefined ? undefined : yield* decode(CallOutcome.shape.itemIds, input.itemIds, "item ids")
        const now = yield* nowIso
        if (itemIds !== undefined) {
          const chosen = yield* scoped.forActor(actor).workItems.getMany(itemIds)
          const waits: Array<{ readonly code: "retry-wait"; readonly message: string }> = []
          for (const id of itemIds) {
            const w = chosen.find((x) => x.id === id)
            if (!w) return yield* new NotFound({ entity: "WorkItem", id })
            if (w.customerId !== customerId || !openWorkItemStates.includes(w.state)) return yield* new Conflict({ kind: "mismatch", entity: "WorkItem", id, reason: `is not an open item of customer ${customerId}` })
            const waiting = retryWaitUntil(w, now)
            if (waiting !== null) waits.push({ code: "retry-wait", message: `item ${id} waits for its next attempt, not before ${waiting}` })
          }
          if (waits.length > 0) return { dialled: false, reasons: waits } satisfies DialResult
        }
        const decision = yield* contact.decide(customer, "phone", now)
        if (!decision.allowed) return { dialled: false, reasons: decision.reasons } satisfies DialResult
        const phone = customer.phones[0]
        if (!phone) return { dialled: false, reasons: [{ code: "no-phone", message: `customer ${customer.id} has no phone number` }] } satisfies DialResult
        const { callId } = yield* dialer.call({ customerId: customer.id, managerId: actor.id, phone, ...(itemIds === undefined ? {} : { itemIds }) })
        yield* auditDial(trail, actor, customer.id, { callId, phone, itemIds: itemIds ?? [] })
        return { dialled: true, callId, phone } satisfies DialResult
      })

      // The whole use case: responses, offers and the outcome in one transaction, run again whole
      // from fresh reads when it lost a race. The call center's event for the same call writes the
      // same call record and items at the same moment: this transaction then loses a deadlock
      // (PostgreSQL rolls it back) or finds an item's version moved on; both mean "re-read and
      // decide again", so an item completed meanwhile still refuses the call on the next try.
      const recordCall = Effect.fn("Execution.recordCall")(function* (actor: Actor, input: CallOutcome) {
        const o = yield* decode(CallOutcome, input, "call outcome")
        const attempt = tx.transaction(
          Effect.gen(function* () {
            const responses: Array<ResponseRecord> = []
            for (const r of o.responses) responses.push(yield* saveResponse(actor, r))
            const offerUses: Array<OfferUse> = []
            for (const x of o.offers) offerUses.push(yield* offerService.use(actor, x))
            const outcome = yield* recordOutcome(actor, o)
            return { ...outcome, responses, offerUses } satisfies CallResult
          })
        )
        return yield* attempt.pipe(Effect.retry({ times: maxCallAttempts - 1, while: isRetryable }))
      })

      return Execution.of({ recordCall, attach, saveResponse, dial })
    })
  )
}
