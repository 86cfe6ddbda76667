/**
 * Linking a call to its one record: the call-center event handler and the agent's recorded outcome
 * meet in one record with one serial number, whichever comes first.
 */
import { Effect } from "effect"
import type { Conflict, StorageError } from "../shared/Errors"
import type { CallRecord } from "./CallRecord"
import { CallRecordStore } from "./CallRecordStore"

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
