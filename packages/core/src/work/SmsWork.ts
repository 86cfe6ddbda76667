/**
 * SMS work (DOMAIN §7, §10): templates filled with customer fields (e.g. the arrears amount of a
 * dunning SMS), and batch sending of an SMS-channel task's open items through the `SmsGateway`
 * port, each message checked for contactability first and its delivery status recorded on the
 * item. Sending is an outside effect, so each item is written in its own transaction after its
 * message; the gateway's idempotency key (item id + attempt number) makes a re-run safe.
 */
import { Context, Effect, Layer } from "effect"
import * as z from "zod"
import type { Actor } from "../org/Actor"
import { nowIso } from "../audit/AuditTrail"
import { Contactability, type ContactReason } from "./Contactability"
import type { Customer } from "../customer/Customer"
import { Conflict, type Forbidden, type NotFound, type StorageError, ValidationError } from "../shared/Errors"
import type { Page } from "../shared/Page"
import { Actions, Permissions } from "../org/Permissions"
import { WorkConfig } from "./WorkConfig"
import { Id } from "../shared/Primitives"
import { type IntegrationError, SmsGateway, type SmsStatus } from "../ports/Outbound"
import { applyAttempt, effectiveRetryPolicy } from "./RetryPolicy"
import { CustomerStore } from "../customer/CustomerStore"
import { TaskStore } from "../task/TaskStore"
import { ScopedStores } from "../facade/ScopedStores"
import { decode } from "../shared/Validation"
import type { Disposition, WorkItem } from "./WorkItem"
import { serviceLayer } from "../shared/ServiceLayer"

/**
 * The not-reached disposition an SMS attempt counts as until the gateway reports it delivered: a
 * message the gateway could not deliver counts as `phone-off` (the handset did not take it), one it
 * only accepted (or could not say) as `no-answer` (no delivery confirmed yet). Either way the task's
 * retry policy schedules the next message after its delay and ends the item `unreachable` at the
 * maximum; a later "delivered" report completes the item.
 *
 * @example
 * ```ts
 * smsAttemptDisposition("failed") // "phone-off"
 * smsAttemptDisposition("accepted") // "no-answer"
 * ```
 */
export const smsAttemptDisposition = (status: Exclude<SmsStatus, "delivered">): Disposition => (status === "failed" ? "phone-off" : "no-answer")

/**
 * Fills `{{field}}` placeholders. Every missing field is reported (a `ValidationError` with one
 * issue per placeholder), never sent as an empty string.
 *
 * @example
 * ```ts
 * renderSms("Dear {{name}}, your bill of {{arrears}} is overdue.", { name: "Li Wei", arrears: "95.00" })
 * // "Dear Li Wei, your bill of 95.00 is overdue."
 * ```
 */
export const renderSms = (template: string, fields: Readonly<Record<string, string | number | null | undefined>>): string => {
  const missing: Array<string> = []
  const text = template.replace(/\{\{\s*([a-zA-Z][a-zA-Z0-9_]*)\s*\}\}/g, (_, name: string) => {
    const v = fields[name]
    if (v === null || v === undefined || v === "") {
      missing.push(name)
      return ""
    }
    return typeof v === "number" ? v.toFixed(2).replace(/\.00$/, "") : v
  })
  if (missing.length) {
    throw new ValidationError({ subject: "SMS template", issues: [...new Set(missing)].map((m) => ({ path: ["fields", m], code: "missing-field", message: `no value for {{${m}}}` })) })
  }
  return text
}

/**
 * The words a message shows for coded fields, in the message's language: `tier` and `region` codes
 * to text (`{ tier: { gold: "金卡" }, region: { beijing: "北京" } }`). A code without a word is
 * sent as the code.
 *
 * @example
 * ```ts
 * SmsFieldWords.parse({ tier: { gold: "金卡", diamond: "钻石" }, region: { beijing: "北京大区" } })
 * ```
 */
export const SmsFieldWords = z
  .object({
    tier: z.record(z.string().min(1).max(100), z.string().min(1).max(100)).optional(),
    region: z.record(z.string().min(1).max(100), z.string().min(1).max(100)).optional()
  })
  .strict()
/** @see {@link SmsFieldWords} */
export type SmsFieldWords = z.infer<typeof SmsFieldWords>

/**
 * The fields of a customer a template may use: `name`, `tier`, `region`, `contractEnd`, and for
 * dunning the latest unpaid bill: `arrears` (amount, two decimals), `billMonth`, `dueDate`.
 * `words` turns the coded fields (`tier`, `region`) into the message's language.
 *
 * @example
 * ```ts
 * const fields = yield* customerSmsFields(customers, customer, "2026-11-25")
 * const zh = yield* customerSmsFields(customers, customer, "2026-11-25", { tier: { gold: "金卡" } }) // zh.tier === "金卡"
 * ```
 */
export const customerSmsFields = (
  store: CustomerStore["Service"],
  customer: Customer,
  asOf: string,
  words: SmsFieldWords = {}
): Effect.Effect<Record<string, string | null>, StorageError> =>
  Effect.gen(function* () {
    const toMonth = asOf.slice(0, 7)
    const y = Number(toMonth.slice(0, 4))
    const m = Number(toMonth.slice(5, 7))
    const fromMonth = `${m > 6 ? y : y - 1}-${String(((m + 5) % 12) + 1).padStart(2, "0")}`
    const months = yield* store.usageMonths(customer.id, fromMonth, toMonth)
    const unpaid = [...months].reverse().find((x) => x.paidDate === null && x.billAmount > 0)
    return {
      name: customer.name,
      tier: words.tier?.[customer.tier] ?? customer.tier,
      region: words.region?.[customer.region] ?? customer.region,
      contractEnd: customer.contractEnd,
      arrears: unpaid ? unpaid.billAmount.toFixed(2) : null,
      billMonth: unpaid ? unpaid.month : null,
      dueDate: unpaid ? unpaid.dueDate : null
    }
  })

/**
 * A batch send: the task's SMS items in the actor's scope (the actor's own by default), the
 * template, and at most `limit` messages.
 *
 * @example
 * ```ts
 * SmsBatch.parse({ taskId: "task-dunning", template: "Dear {{name}}, {{arrears}} is due on {{dueDate}}." })
 * // one item only (a resend from the customer's page)
 * SmsBatch.parse({ taskId: "task-dunning", template: "Dear {{name}}, ...", itemIds: ["wi-1"] })
 * // a team leader's whole team at once
 * SmsBatch.parse({ taskId: "task-dunning", template: "Dear {{name}}, ...", everyone: true })
 * ```
 */
export const SmsBatch = z
  .object({
    taskId: Id,
    template: z.string().min(1).max(1000),
    assigneeId: Id.optional(),
    /**
     * Every item of the task the actor may reach, whoever holds it (a team leader: the team's batch
     * at once); without it, the items of `assigneeId` (default: the actor's own). Not with `assigneeId`.
     */
    everyone: z.boolean().optional(),
    /** Only these items of the task (e.g. one customer's item sent again); the others are left alone. */
    itemIds: z.array(Id).min(1).max(1000).optional(),
    limit: z.number().int().min(1).max(100_000).default(10_000),
    asOf: z.iso.date().optional(),
    /** The words of the coded fields in the template's language (`{{tier}}` as 金卡, not `gold`). */
    fieldWords: SmsFieldWords.optional()
  })
  .strict()
  .refine((b) => !(b.everyone && b.assigneeId !== undefined), { path: ["everyone"], message: "either everyone or one assigneeId, not both" })
/** @see {@link SmsBatch} */
export type SmsBatch = z.input<typeof SmsBatch>

/**
 * What a batch did, per item.
 *
 * @example
 * ```ts
 * r.sent // [{ itemId: "wi-1", messageId: "m-9", status: "accepted" }]
 * ```
 */
export interface SmsBatchReport {
  readonly sent: ReadonlyArray<{ readonly itemId: string; readonly messageId: string; readonly status: SmsStatus }>
  readonly skipped: ReadonlyArray<{ readonly itemId: string; readonly reasons: ReadonlyArray<ContactReason | { readonly code: string; readonly message: string }> }>
  readonly failed: ReadonlyArray<{ readonly itemId: string; readonly error: IntegrationError }>
}

type Errors = ValidationError | NotFound | Conflict | Forbidden | StorageError

/**
 * The SMS work service.
 *
 * @example
 * ```ts
 * const sms = yield* SmsWork
 * const report = yield* sms.sendBatch(agent, { taskId: "task-dunning", template: "Dear {{name}}, {{arrears}} is overdue." })
 * ```
 */
export class SmsWork extends Context.Service<SmsWork, { readonly sendBatch: (actor: Actor, batch: SmsBatch) => Effect.Effect<SmsBatchReport, Errors> }>()(
  "@winback/core/SmsWork"
) {
  /**
   * The live implementation.
   *
   * @example
   * ```ts
   * SmsWork.layer.pipe(Layer.provide(smsGatewayLayer), Layer.provide(Contactability.layer), Layer.provide(scopeLayer(defaultPolicy)))
   * ```
   */
  static readonly layer: Layer.Layer<SmsWork, never, TaskStore | CustomerStore | ScopedStores | Contactability | SmsGateway | Permissions> = serviceLayer(
    SmsWork,
    { tasks: TaskStore, customers: CustomerStore, scoped: ScopedStores, contact: Contactability, gateway: SmsGateway, perms: Permissions },
    ({ tasks, customers, scoped, contact, gateway, perms }) => Effect.gen(function* () {
      const sendBatch = Effect.fn("SmsWork.sendBatch")(function* (actor: Actor, input: SmsBatch) {
        const b = yield* decode(SmsBatch, input, "SMS batch")
        const task = yield* tasks.get(b.taskId)
        const policy = effectiveRetryPolicy((yield* WorkConfig).retry, task.retryPolicy)
        if (task.channel !== "sms") return yield* new Conflict({ kind: "not-applicable", entity: "Task", id: task.id, reason: `is a ${task.channel} task; batch sending is for SMS tasks` })
        const view = scoped.forActor(actor)
        const items: Array<WorkItem> = []
        let cursor: string | null = null
        do {
          const whose = b.everyone ? {} : { assigneeId: b.assigneeId ?? actor.id }
          const page: Page<WorkItem> = yield* view.workItems.list({ taskId: task.id, ...whose, states: ["open", "in-progress"] }, { limit: 1000, cursor })
          items.push(...page.items)
          cursor = page.nextCursor
        } while (cursor && items.length < b.limit)
        const sent: Array<SmsBatchReport["sent"][number]> = []
        const skipped: Array<SmsBatchReport["skipped"][number]> = []
        const failed: Array<SmsBatchReport["failed"][number]> = []
        const only = b.itemIds === undefined ? null : new Set(b.itemIds)
        for (const item of items.filter((i) => only === null || only.has(i.id)).slice(0, b.limit)) {
          const now = yield* nowIso
          if (item.nextAttemptAt !== null && item.nextAttemptAt > now) {
            skipped.push({ itemId: item.id, reasons: [{ code: "not-before", message: `next attempt not before ${item.nextAttemptAt}` }] })
            continue
          }
          const customer = yield* customers.get(item.customerId)
          const may = yield* perms.check(actor, Actions.smsSend, { type: "customer", customer: { ...customer, openWorkHolders: item.assigneeId === null ? [] : [item.assigneeId] } })
          if (!may.allowed) {
            skipped.push({ itemId: item.id, reasons: [{ code: "forbidden", message: may.reasons.join("; ") }] })
            continue
          }
          const decision = yield* contact.decide(customer, "sms", now)
          if (!decision.allowed) {
            skipped.push({ itemId: item.id, reasons: decision.reasons })
            continue
          }
          const phone = customer.phones[0]
          if (!phone) {
            skipped.push({ itemId: item.id, reasons: [{ code: "no-phone", message: `customer ${customer.id} has no phone number` }] })
            continue
          }
          const fields = yield* customerSmsFields(customers, customer, b.asOf ?? now.slice(0, 10), b.fieldWords)
          const text = yield* Effect.try({ try: () => renderSms(b.template, fields), catch: (e) => e as ValidationError }).pipe(Effect.result)
          if (text._tag === "Failure") {
            skipped.push({ itemId: item.id, reasons: text.failure.issues.map((i) => ({ code: i.code, message: i.message })) })
            continue
          }
          const attemptNo = item.attempts.length + 1
          const r = yield* Effect.result(gateway.send({ to: phone, text: text.success, idempotencyKey: `${item.id}:${attemptNo}` }))
          if (r._tag === "Failure") {
            failed.push({ itemId: item.id, error: r.failure })
            continue
          }
          const note = `sms ${r.success.messageId} ${r.success.status}`
          // Only a delivered message completes the item (DOMAIN §7: the work is really done); any other
          // status is a not-reached attempt under the task's retry policy until a report says delivered.
          const status = r.success.status
          if (status === "delivered") {
            yield* view.workItems.complete({ ids: [item.id], customerId: item.customerId, disposition: "completed", callSerial: null, note })
          } else {
            const attempt = { at: now, by: actor.id, disposition: smsAttemptDisposition(status), callSerial: null, note }
            yield* view.workItems.update(applyAttempt(policy, item, attempt).item, item.version)
          }
          sent.push({ itemId: item.id, messageId: r.success.messageId, status: r.success.status })
        }
        return { sent, skipped, failed } satisfies SmsBatchReport
      })
      return SmsWork.of({ sendBatch })
    })
  )
}
