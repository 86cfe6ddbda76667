/**
 * Storage port of do-not-disturb entries.
 * The contracts every store keeps (transactions, versions, keyset pages, typed failures) are stated
 * once, in `ports/Transactions.ts`.
 */
import { Context, type Effect } from "effect"
import { type CustomerScopeFilter } from "../customer/CustomerStore"
import { type Channel } from "../shared/Channel"
import { type Conflict, type NotFound, type StorageError } from "../shared/Errors"
import { type Page, type PageRequest } from "../shared/Page"
import { type DndEntry, type DndSource, type DndStatus } from "./DndEntry"

/**
 * Filter of {@link DndStore} lists: every given field must match (AND). Pushed into the store
 * query, the customer's scope and search included, so a page holds only matching entries.
 *
 * @example
 * ```ts
 * const f: DndListFilter = { channels: ["phone"], status: "active", at: now, customer: "138", inScope: customerScopeFilter(scope) }
 * ```
 */
export interface DndListFilter {
  readonly channels?: ReadonlyArray<Channel>
  readonly sources?: ReadonlyArray<DndSource>
  /** A piece of the reason, any case. */
  readonly reason?: string
  /** Where the entry stands at `at` (see `dndStatusAt`); needs `at`. */
  readonly status?: DndStatus
  readonly at?: string
  readonly customerIds?: ReadonlyArray<string>
  /** A piece of the customer's name (any case) or of one of their phone numbers. */
  readonly customer?: string
  /** The customers whose entries are listed (see {@link CustomerScopeFilter}). */
  readonly inScope?: CustomerScopeFilter
}

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
    /**
     * Entries matching `filter`, newest first (by `createdAt`, then id, both descending), in keyset
     * pages. Every adapter MUST give the same pages for the same data (the differential test).
     */
    readonly list: (filter: DndListFilter, page?: PageRequest) => Effect.Effect<Page<DndEntry>, StorageError>
    /** The ids among `customerIds` with an active entry on `channel` at `at`. */
    readonly blocked: (customerIds: ReadonlyArray<string>, channel: Channel, at: string) => Effect.Effect<ReadonlySet<string>, StorageError>
  }
>()("@winback/core/DndStore") {}
