/**
 * Read ports a host implements over its own data: the CRM stays the system of record for
 * customers, staff and usage. Winback ships default implementations over its own stores
 * (`directoriesFromStores`) for hosts that feed data in daily batches instead.
 */
import { Context, type Effect } from "effect"
import type { Customer } from "../customer/Customer"
import type { NotFound, StorageError } from "../shared/Errors"
import type { Manager } from "../org/Manager"
import type { UsageHistory } from "../customer/Usage"
import type { Page, PageRequest } from "../shared/Page"

/**
 * The host's customers.
 *
 * Contract: `getMany` returns the customers that exist, in the order of `ids`, silently leaving
 * out unknown ids; it must answer 10,000 ids in one call. `list` (optional; read-through mode
 * needs it) returns every customer once over its pages, `nextCursor` null on the last; the cursor
 * is the host's own (opaque to Winback), the order any stable one.
 *
 * @example
 * ```ts
 * const layer = Layer.succeed(CustomerDirectory, CustomerDirectory.of({
 *   get: (id) => Effect.tryPromise(() => crm.customers.find(id)).pipe(...),
 *   getMany: (ids) => ...
 * }))
 * ```
 */
export class CustomerDirectory extends Context.Service<
  CustomerDirectory,
  {
    readonly get: (id: string) => Effect.Effect<Customer, NotFound | StorageError>
    readonly getMany: (ids: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<Customer>, StorageError>
    readonly list?: (page: PageRequest) => Effect.Effect<Page<Customer>, StorageError>
  }
>()("@winback/core/CustomerDirectory") {}

/**
 * The host's staff: customer managers and the other roles.
 *
 * @example
 * ```ts
 * const m = yield* (yield* StaffDirectory).get("m-1")
 * ```
 */
export class StaffDirectory extends Context.Service<
  StaffDirectory,
  {
    readonly get: (id: string) => Effect.Effect<Manager, NotFound | StorageError>
    readonly getMany: (ids: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<Manager>, StorageError>
  }
>()("@winback/core/StaffDirectory") {}

/**
 * The host's usage history per customer.
 *
 * Contract: days and months ascending; `days` covers `[asOf - dayWindow + 1, asOf]`, `months` the
 * `monthWindow` billing months up to `asOf`, `events` those since `asOf - dayWindow`.
 * `historyMany` (optional) answers the same for many customers in one call, in the order of
 * `customerIds`, one history per id (empty lists for a customer without usage); without it
 * read-through mode asks `history` once per customer.
 *
 * @example
 * ```ts
 * const h = yield* (yield* UsageHistoryReader).history("cust-42", { asOf: "2026-11-22", dayWindow: 90, monthWindow: 13 })
 * ```
 */
export class UsageHistoryReader extends Context.Service<
  UsageHistoryReader,
  {
    readonly history: (
      customerId: string,
      window: { readonly asOf: string; readonly dayWindow: number; readonly monthWindow: number }
    ) => Effect.Effect<UsageHistory, StorageError>
    readonly historyMany?: (
      customerIds: ReadonlyArray<string>,
      window: { readonly asOf: string; readonly dayWindow: number; readonly monthWindow: number }
    ) => Effect.Effect<ReadonlyArray<UsageHistory>, StorageError>
  }
>()("@winback/core/UsageHistoryReader") {}
