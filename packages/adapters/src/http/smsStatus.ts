/**
 * Delivery status reported back by the SMS gateway, recorded on the SMS work record. `SmsWork`
 * (core) sends one message per item attempt and writes the attempt's note as
 * `sms <messageId> <status>`; a status callback rewrites that status, audited in the same
 * transaction.
 */
import { Effect } from "effect"
import * as z from "zod"
import {
  AuditLogStore,
  decode,
  type Conflict,
  Id,
  Instant,
  NotFound,
  nowIso,
  type SmsStatus,
  type StorageError,
  Transactions,
  type ValidationError,
  type WorkItem,
  WorkItemStore
} from "@winback/core"

/**
 * A delivery status the gateway reports for a message sent by `SmsWork.sendBatch`: the item (from the
 * idempotency key the message was sent with), the gateway's message id and the new status.
 *
 * @example
 * ```ts
 * SmsStatusReport.parse({ itemId: "wi-1", messageId: "m-9", status: "delivered", at: "2026-11-22T10:00:05Z" })
 * ```
 */
export const SmsStatusReport = z
  .object({
    itemId: Id,
    messageId: z.string().min(1).max(200),
    status: z.enum(["accepted", "delivered", "failed", "unknown"]),
    at: Instant.optional(),
    detail: z.string().max(500).default("")
  })
  .strict()
/** @see {@link SmsStatusReport} */
export type SmsStatusReport = z.input<typeof SmsStatusReport>

/**
 * The actor id delivery-status changes are audited under.
 *
 * @example
 * ```ts
 * const entries = yield* audit.query({ actorId: smsGatewayActorId })
 * ```
 */
export const smsGatewayActorId = "system:sms-gateway"

const smsNote = /^sms (\S+) (accepted|delivered|failed|unknown)\b/
const finalSmsStatus = (s: SmsStatus) => s === "delivered" || s === "failed"

/**
 * Records a delivery status on the SMS work record: the item's attempt that carries the message
 * (its note `sms <messageId> <status>`, written by `SmsWork.sendBatch`) gets the new status, in
 * one transaction with an audit entry (`sms.status`, actor {@link smsGatewayActorId}). A final
 * `delivered` completes the item (the message reached the customer); a final `failed` leaves the
 * attempt counted as not reached (`phone-off`) under the task's retry policy, so the item is sent
 * again after the policy's delay or stays `unreachable` at the maximum. A repeated
 * report, or a late `accepted`/`unknown` after a final `delivered`/`failed`, changes nothing
 * (`changed: false`). An item without that message fails with `NotFound` (entity `SmsMessage`).
 *
 * @example
 * ```ts
 * const r = yield* recordSmsStatus({ itemId: "wi-1", messageId: "m-9", status: "delivered" })
 * r.changed // true the first time, false for a re-delivered callback
 * ```
 */
export const recordSmsStatus = (
  input: SmsStatusReport
): Effect.Effect<{ readonly changed: boolean; readonly item: WorkItem; readonly previous: SmsStatus }, ValidationError | NotFound | Conflict | StorageError, Transactions | WorkItemStore | AuditLogStore> =>
  Effect.gen(function* () {
    const r = yield* decode(SmsStatusReport, input, "SMS status")
    const tx = yield* Transactions
    const items = yield* WorkItemStore
    const log = yield* AuditLogStore
    return yield* tx.transaction(
      Effect.gen(function* () {
        const item = yield* items.get(r.itemId)
        const index = item.attempts.findIndex((a) => smsNote.exec(a.note)?.[1] === r.messageId)
        if (index < 0) return yield* new NotFound({ entity: "SmsMessage", id: `${r.itemId}/${r.messageId}` })
        const attempt = item.attempts[index]!
        const previous = smsNote.exec(attempt.note)![2] as SmsStatus
        if (previous === r.status || (finalSmsStatus(previous) && !finalSmsStatus(r.status))) return { changed: false, item, previous }
        const now = yield* nowIso
        const note = `sms ${r.messageId} ${r.status}${r.detail ? ` (${r.detail})` : ""}`
        // SmsWork counted the message as a not-reached attempt under the task's retry policy. A final
        // "failed" keeps it counted (as phone-off: the handset did not take it; the next attempt time
        // stays); "delivered" reached the customer and completes the item, even one the policy had
        // just ended unreachable on this very message.
        const disposition = r.status === "failed" ? ("phone-off" as const) : attempt.disposition
        const attempts = item.attempts.map((a, i) => (i === index ? { ...a, note, disposition } : a))
        const last = index === item.attempts.length - 1
        const reopenable = item.state === "open" || item.state === "in-progress" || (item.state === "unreachable" && last)
        const next: WorkItem =
          r.status === "delivered" && reopenable
            ? { ...item, attempts, state: "completed", disposition: "completed", nextAttemptAt: null, completedAt: now, updatedAt: now }
            : { ...item, attempts, ...(item.state === "unreachable" && last ? { disposition } : {}), updatedAt: now }
        const after = yield* items.update(next, item.version)
        const audit = (action: string, note: string) =>
          log.append({
            actorId: smsGatewayActorId,
            at: now,
            action,
            category: "work-item",
            recordType: "WorkItem",
            recordId: item.id,
            customerId: item.customerId,
            before: JSON.parse(JSON.stringify(item)),
            after: JSON.parse(JSON.stringify(after)),
            note
          })
        yield* audit("sms.status", `sms ${r.messageId}: ${previous} -> ${r.status}${r.at ? ` at ${r.at}` : ""}`)
        // A completion is audited as one (so the host's `work_item.completed` webhook fires for it too).
        if (after.state === "completed" && item.state !== "completed") {
          yield* audit("work-item.complete", `sms ${r.messageId} delivered`)
        }
        return { changed: true, item: after, previous }
      })
    )
  })
