/**
 * Storage port of do-not-disturb entries.
 * The contracts every store keeps (transactions, versions, keyset pages, typed failures) are stated
 * once, in `ports/Transactions.ts`.
 */
import { Context, type Effect } from "effect"
import { type Channel } from "../shared/Channel"
import { type Conflict, type NotFound, type StorageError } from "../shared/Errors"
import { type DndEntry } from "./DndEntry"

/**
 * Do-not-disturb entries.
 *
 * @example
 * ```ts
 * const blocked = yield* dnd.blocked(["cust-1", "cust-2"], "phone", now) // Set of blocked ids
 * ```
 */
export class DndStore extends Context.Service<
  DndStore,
  {
    readonly add: (entry: DndEntry) => Effect.Effect<DndEntry, Conflict | StorageError>
    /**
     * Marks an entry removed at `at` (entries are never deleted, for the record). An entry already
     * removed fails with `Conflict` and keeps its first `removedAt`. MUST be atomic: of N
     * concurrent `remove` calls for one entry exactly one succeeds.
     */
    readonly remove: (id: string, at: string) => Effect.Effect<DndEntry, NotFound | Conflict | StorageError>
    /** All entries of one customer, newest first (by `createdAt`, entries of one instant by id), removed ones included. */
    readonly listByCustomer: (customerId: string) => Effect.Effect<ReadonlyArray<DndEntry>, StorageError>
    /** The ids among `customerIds` with an active entry on `channel` at `at`. */
    readonly blocked: (customerIds: ReadonlyArray<string>, channel: Channel, at: string) => Effect.Effect<ReadonlySet<string>, StorageError>
  }
>()("@winback/core/DndStore") {}
