/**
 * Call records. Every call has a serial number; one call can complete several work items of the
 * same customer, and each carries the call's serial number. A call dialled through the call center
 * carries the call center's call id (`externalCallId`), so the call center's events and the agent's
 * recorded outcome of that call meet in one record with one serial number.
 */
import { Effect } from "effect"
import { z } from "zod"
import type { Conflict, StorageError } from "./Errors"
import { CallRecordStore } from "./ports/Storage"
import { Id, Instant } from "./Primitives"
import { Disposition } from "./WorkItem"

/**
 * A call made to (or received from) a customer.
 *
 * @example
 * ```ts
 * CallRecord.parse({
 *   serialNumber: "C-00000001", customerId: "cust-42", managerId: "m-1", startedAt: "2026-11-22T10:00:00.000Z",
 *   endedAt: "2026-11-22T10:04:10.000Z", disposition: "completed", workItemIds: ["wi-1", "wi-2"], recordingUri: null,
 *   externalCallId: "pbx-7781", connected: true
 * })
 * ```
 */
export const CallRecord = z.object({
  serialNumber: z.string().min(1).max(64),
  customerId: Id,
  managerId: Id,
  startedAt: Instant,
  endedAt: Instant.nullable(),
  disposition: Disposition.nullable(),
  workItemIds: z.array(Id),
  recordingUri: z.string().max(2000).nullable(),
  /**
   * The call center's id of this call (the `callId` click-to-call answered). At most one record
   * per id: the store keeps it unique. Absent on calls the call center never saw.
   */
  externalCallId: z.string().min(1).max(200).optional(),
  /** Whether the call center reports the call as answered; absent until a call-center event is linked. */
  connected: z.boolean().optional()
})
/** @see {@link CallRecord} */
export type CallRecord = z.infer<typeof CallRecord>

/**
 * Where {@link linkCallRecord} found or put the call's record: `created` when this call inserted
 * it, otherwise the record already there (locked until the transaction ends), for the caller to
 * complete with `CallRecordStore.update`.
 *
 * @example
 * ```ts
 * const linked: LinkedCallRecord = { created: false, record: existing }
 * ```
 */
export interface LinkedCallRecord {
  readonly created: boolean
  readonly record: CallRecord
}

/**
 * The one record of a call, for the call-center event handler and the agent's recorded outcome
 * alike. Without a call-center call id: a new record with the next serial number, inserted. With
 * one: the record already linked to that call (locked in the current transaction), or a new record
 * under that id; when a concurrent transaction inserts the same call first, the insert waits, loses
 * with `Conflict`, and the winner's record is answered instead — so either order, or a race, ends
 * with exactly one record and one serial number. Run it inside `Transactions.transaction`, before
 * writing the call's items, so that whoever links second reads the items after the first is done.
 *
 * @example
 * ```ts
 * const linked = yield* linkCallRecord("pbx-7781", (serialNumber) => ({ serialNumber, customerId: "c-42", managerId: "m-1",
 *   startedAt: now, endedAt: null, disposition: "completed", workItemIds: ["wi-1"], recordingUri: null, externalCallId: "pbx-7781" }))
 * if (!linked.created) yield* calls.update({ ...linked.record, disposition: "completed" })
 * ```
 */
export const linkCallRecord = (
  externalCallId: string | undefined,
  make: (serialNumber: string) => CallRecord
): Effect.Effect<LinkedCallRecord, Conflict | StorageError, CallRecordStore> =>
  Effect.gen(function* () {
    const calls = yield* CallRecordStore
    if (externalCallId !== undefined) {
      const existing = yield* calls.findByExternalCallId(externalCallId)
      if (existing !== undefined) return { created: false, record: existing }
    }
    const record = make(yield* calls.nextSerial())
    if (externalCallId === undefined) return { created: true, record: yield* calls.insert(record) }
    return yield* calls.insert({ ...record, externalCallId }).pipe(
      Effect.map((r): LinkedCallRecord => ({ created: true, record: r })),
      Effect.catchTag("Conflict", (lost) =>
        Effect.flatMap(calls.findByExternalCallId(externalCallId), (winner) =>
          winner === undefined ? Effect.fail(lost) : Effect.succeed<LinkedCallRecord>({ created: false, record: winner })
        )
      )
    )
  })
