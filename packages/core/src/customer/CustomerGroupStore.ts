/**
 * Storage port of customer groups.
 * The contracts every store keeps (transactions, versions, keyset pages, typed failures) are stated
 * once, in `ports/Transactions.ts`.
 */
import { Context } from "effect"
import { type EntityStore } from "../ports/Transactions"
import { type Customer } from "./Customer"
import { type CustomerGroup } from "./CustomerGroup"

/**
 * Customer groups.
 *
 * @example
 * ```ts
 * const g = yield* (yield* CustomerGroupStore).get("g-birthdays-nov")
 * ```
 */
export class CustomerGroupStore extends Context.Service<CustomerGroupStore, EntityStore<CustomerGroup, { readonly validOn?: string }>>()(
  "@winback/core/CustomerGroupStore"
) {}
