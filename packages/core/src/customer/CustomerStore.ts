/**
 * Storage port of customers and usage (the mirrored host data that rules push-down reads).
 * The contracts every store keeps (transactions, versions, keyset pages, typed failures) are stated
 * once, in `ports/Transactions.ts`.
 */
import { Context, type Effect } from "effect"
import { type EntityStore } from "../ports/Transactions"
import { type StorageError } from "../shared/Errors"
import { type Customer } from "./Customer"
import { type CustomerEvent, type UsageDay, type UsageMonth } from "./Usage"

/**
 * The data scope of an acting person over customers, pushed into the store query: a customer is in
 * scope when its owner is one of `ownerManagerIds`, or when it has no owner and its region is one of
 * `unownedRegions` (the allocation pool a leader hands out from), or when one of `openWorkOf`
 * holds an open work item (state `open` or `in-progress`) for it — holding work grants read access
 * to its customer while the work is open.
 *
 * @example
 * ```ts
 * const f: CustomerFilter = { inScope: { ownerManagerIds: ["m-1", "m-2"], unownedRegions: ["beijing"], openWorkOf: ["m-1", "m-2"] } }
 * ```
 */
export interface CustomerScopeFilter {
  readonly ownerManagerIds: ReadonlyArray<string>
  readonly unownedRegions: ReadonlyArray<string>
  /** Assignees whose open work items admit their customers (absent: nobody's). */
  readonly openWorkOf?: ReadonlyArray<string>
}

/**
 * Filter for {@link CustomerStore} lists, ordered by id. All given fields must match (AND);
 * `inScope` is itself an OR of its two parts (see {@link CustomerScopeFilter}).
 */
export interface CustomerFilter {
  readonly ids?: ReadonlyArray<string>
  readonly ownerManagerIds?: ReadonlyArray<string>
  readonly region?: string
  readonly tiers?: ReadonlyArray<string>
  /** Customers with at least one of these phone numbers (exact). */
  readonly phones?: ReadonlyArray<string>
  readonly inScope?: CustomerScopeFilter
}

/**
 * Customers and their usage history as Winback keeps them when the host feeds daily batches
 * (or as demo data). Upserts replace by key. `upsertCustomers` keeps the caller's `version` field
 * only on insert; master-data edits go through `update` with optimistic versioning.
 *
 * @example
 * ```ts
 * const store = yield* CustomerStore
 * yield* store.upsertCustomers(customers)
 * yield* store.upsertUsageMonths(months)
 * ```
 */
export class CustomerStore extends Context.Service<
  CustomerStore,
  EntityStore<Customer, CustomerFilter> & {
    readonly upsertCustomers: (customers: ReadonlyArray<Customer>) => Effect.Effect<void, StorageError>
    readonly upsertUsageDays: (days: ReadonlyArray<UsageDay>) => Effect.Effect<void, StorageError>
    readonly upsertUsageMonths: (months: ReadonlyArray<UsageMonth>) => Effect.Effect<void, StorageError>
    readonly appendEvents: (events: ReadonlyArray<CustomerEvent>) => Effect.Effect<void, StorageError>
    /** Days of one customer in `[fromDay, toDay]`, ascending. */
    readonly usageDays: (customerId: string, fromDay: string, toDay: string) => Effect.Effect<ReadonlyArray<UsageDay>, StorageError>
    /** Months of one customer in `[fromMonth, toMonth]`, ascending. */
    readonly usageMonths: (customerId: string, fromMonth: string, toMonth: string) => Effect.Effect<ReadonlyArray<UsageMonth>, StorageError>
    /** Events of one customer at or after `since`, ascending by time. */
    readonly events: (customerId: string, since: string) => Effect.Effect<ReadonlyArray<CustomerEvent>, StorageError>
    /** Number of customers stored. */
    readonly count: () => Effect.Effect<number, StorageError>
  }
>()("@winback/core/CustomerStore") {}
