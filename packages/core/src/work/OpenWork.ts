/**
 * Holding open work grants read access to its customer (DOMAIN §1: work is never handed to
 * someone who cannot open it). These helpers find who holds open work for customers, so a single
 * decision (`customerInScope` with `openWorkHolders`) agrees with the store filter that lists do
 * (`CustomerScopeFilter.openWorkOf`, an EXISTS over open work items on SQL adapters).
 */
import { Effect } from "effect"
import type { Customer } from "../customer/Customer"
import type { StorageError } from "../shared/Errors"
import type { WorkItemStore } from "./WorkItemStore"
import { openWorkItemStates } from "./WorkItem"

/**
 * The assignees of the open work items (`open`, `in-progress`) of one customer.
 *
 * @example
 * ```ts
 * const holders = yield* openWorkHolders(yield* WorkItemStore, "cust-42") // ["m-1"]
 * ```
 */
export const openWorkHolders = (workItems: WorkItemStore["Service"], customerId: string): Effect.Effect<ReadonlyArray<string>, StorageError> =>
  Effect.map(workItems.list({ customerId, states: [...openWorkItemStates] }, { limit: 1000 }), (page) => [
    ...new Set(page.items.flatMap((w) => (w.assigneeId === null ? [] : [w.assigneeId])))
  ])

/**
 * The customer with the holders of its open work attached, for a decision about working it
 * (read, contact history, do-not-disturb during work, booking a callback, offers, SMS). Leave them
 * out where holding work grants nothing (master-data edits, allocation).
 *
 * @example
 * ```ts
 * const c = yield* withOpenWork(workItems, customer)
 * yield* perms.require(actor, "customer.read", { type: "customer", customer: c })
 * ```
 */
export const withOpenWork = <C extends Pick<Customer, "id">>(
  workItems: WorkItemStore["Service"],
  customer: C
): Effect.Effect<C & { readonly openWorkHolders: ReadonlyArray<string> }, StorageError> =>
  Effect.map(openWorkHolders(workItems, customer.id), (openWorkHolders) => ({ ...customer, openWorkHolders }))
