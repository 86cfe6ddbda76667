/**
 * Storage port of call records.
 * The contracts every store keeps (transactions, versions, keyset pages, typed failures) are stated
 * once, in `ports/Transactions.ts`.
 */
import { Context, type Effect } from "effect"
import { type Conflict, type NotFound, type StorageError } from "../shared/Errors"
import { type Page, type PageRequest } from "../shared/Page"
import { type CallRecord } from "./CallRecord"

/**
 * Call records and their serial numbers.
 *
 * Contracts: `nextSerial` never returns the same serial twice, even concurrently. At most one
 * record per `externalCallId` (the call center's call id): `insert` fails with `Conflict` when the
 * serial number or the external call id is taken — also when a concurrent transaction inserted it
 * first, in which case `insert` waits for that transaction and MUST NOT abort the caller's
 * transaction, so the caller can read the winner with `findByExternalCallId` and complete it.
 * `findByExternalCallId` inside a transaction locks the record until the transaction ends, so
 * two transactions completing one call's record run one after the other.
 *
 * @example
 * ```ts
 * const serial = yield* calls.nextSerial()
 * yield* calls.insert({ serialNumber: serial, ... })
 * const linked = yield* calls.findByExternalCallId("pbx-7781") // CallRecord | undefined
 * ```
 */
export class CallRecordStore extends Context.Service<
  CallRecordStore,
  {
    readonly nextSerial: () => Effect.Effect<string, StorageError>
    readonly insert: (record: CallRecord) => Effect.Effect<CallRecord, Conflict | StorageError>
    readonly get: (serialNumber: string) => Effect.Effect<CallRecord, NotFound | StorageError>
    /** The record of the call center's call `externalCallId`, locked in the current transaction; `undefined` when none. */
    readonly findByExternalCallId: (externalCallId: string) => Effect.Effect<CallRecord | undefined, StorageError>
    /**
     * Replaces the record with the same serial number. Its customer and its `externalCallId`
     * never change (`Conflict`); an unknown serial is `NotFound`.
     */
    readonly update: (record: CallRecord) => Effect.Effect<CallRecord, NotFound | Conflict | StorageError>
    /** Calls of one customer, oldest first. */
    readonly listByCustomer: (customerId: string, page?: PageRequest) => Effect.Effect<Page<CallRecord>, StorageError>
  }
>()("@winback/core/CallRecordStore") {}
