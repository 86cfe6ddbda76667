/**
 * Data scope: the set of managers, teams and pool regions an acting person reaches, and the one
 * definition of "is this record inside it". The same set is both tested against single records
 * (get/update) and turned into store filters (lists), so a SQL adapter puts it in the WHERE clause.
 */
import * as z from "zod"
import type { Customer } from "../customer/Customer"
import type { CustomerScopeFilter } from "../customer/CustomerStore"
import type { WorkItemScopeFilter } from "../work/WorkItemStore"
import type { WorkItem } from "../work/WorkItem"

/**
 * How far a permission reaches (DOMAIN §1):
 * - `self`: the actor's own records (customers they own, items assigned to them);
 * - `team`: everything of the actor's team and its members, plus the unowned customers of the team's region (the allocation pool);
 * - `subtree`: the same over the actor's team and every team below it;
 * - `administered`: the teams whose admin is the actor, with every team below them (team maintenance);
 * - `all`: everything; `none`: nothing.
 *
 * @example
 * ```ts
 * Reach.parse("subtree")
 * ```
 */
export const Reach = z.enum(["none", "self", "team", "subtree", "administered", "all"])
/** @see {@link Reach} */
export type Reach = z.infer<typeof Reach>

/**
 * The resolved extent of one {@link Reach} for one actor. `all` overrides the lists.
 *
 * @example
 * ```ts
 * const s: ScopeSet = { all: false, managerIds: ["m-1", "m-2"], teamIds: ["t-north"], poolRegions: ["beijing"] }
 * ```
 */
export interface ScopeSet {
  readonly all: boolean
  /** Managers whose records (owned customers, assigned items, audit entries) are in scope. */
  readonly managerIds: ReadonlyArray<string>
  /** Teams whose records (team work items, the teams themselves) are in scope. */
  readonly teamIds: ReadonlyArray<string>
  /** Regions whose unowned customers (the allocation pool) are in scope. */
  readonly poolRegions: ReadonlyArray<string>
}

/**
 * The empty scope (reach `none`).
 *
 * @example
 * ```ts
 * customerInScope(emptyScope, customer) // false
 * ```
 */
export const emptyScope: ScopeSet = { all: false, managerIds: [], teamIds: [], poolRegions: [] }

/**
 * The unlimited scope (reach `all`).
 *
 * @example
 * ```ts
 * customerInScope(allScope, customer) // true
 * ```
 */
export const allScope: ScopeSet = { all: true, managerIds: [], teamIds: [], poolRegions: [] }

const uniq = (xs: Iterable<string>): ReadonlyArray<string> => [...new Set(xs)].sort()

/**
 * The union of scopes (an actor with two roles reaches what either reaches).
 *
 * @example
 * ```ts
 * unionScopes([own, team]).managerIds
 * ```
 */
export const unionScopes = (scopes: ReadonlyArray<ScopeSet>): ScopeSet =>
  scopes.some((s) => s.all)
    ? allScope
    : {
        all: false,
        managerIds: uniq(scopes.flatMap((s) => s.managerIds)),
        teamIds: uniq(scopes.flatMap((s) => s.teamIds)),
        poolRegions: uniq(scopes.flatMap((s) => s.poolRegions))
      }

/**
 * A customer as scope sees it. `openWorkHolders` lists the assignees of the customer's open work
 * items when the check is about reading the customer (see {@link customerInScope}); leave it out
 * for decisions that holding work does not grant (master-data edits, allocation).
 *
 * @example
 * ```ts
 * const c: ScopedCustomer = { ownerManagerId: "m-2", region: "beijing", openWorkHolders: ["m-1"] }
 * ```
 */
export interface ScopedCustomer extends Pick<Customer, "ownerManagerId" | "region"> {
  readonly openWorkHolders?: ReadonlyArray<string> | undefined
}

/**
 * Whether a customer is in scope: owned by a manager in scope, or unowned in a pool region — or
 * one of the managers in scope holds open work for it (`openWorkHolders`): work is never handed to
 * someone who cannot open it, so holding an open item grants read access to its customer while
 * the item is open (DOMAIN §1).
 *
 * @example
 * ```ts
 * customerInScope(actor.scopes.self, { ...customer, openWorkHolders: ["m-1"] }) // true for m-1
 * ```
 */
export const customerInScope = (scope: ScopeSet, c: ScopedCustomer): boolean =>
  scope.all ||
  (c.ownerManagerId !== null ? scope.managerIds.includes(c.ownerManagerId) : scope.poolRegions.includes(c.region)) ||
  (c.openWorkHolders?.some((m) => scope.managerIds.includes(m)) ?? false)

/**
 * Whether a work item is in scope: assigned to a manager in scope, or belonging to a team in scope.
 *
 * @example
 * ```ts
 * workItemInScope(actor.scopes.self, item)
 * ```
 */
export const workItemInScope = (scope: ScopeSet, w: Pick<WorkItem, "assigneeId" | "teamId">): boolean =>
  scope.all || (w.assigneeId !== null && scope.managerIds.includes(w.assigneeId)) || (w.teamId !== null && scope.teamIds.includes(w.teamId))

/**
 * The store filter that restricts a customer list to `scope` (undefined for the unlimited scope).
 * With `openWork` (reads) it also admits the customers that a manager in scope holds open work
 * for — the same rule as {@link customerInScope} with `openWorkHolders`, pushed into the query.
 *
 * @example
 * ```ts
 * customers.list({ tiers: ["gold"], inScope: customerScopeFilter(scope) })
 * ```
 */
export const customerScopeFilter = (scope: ScopeSet, options: { readonly openWork?: boolean } = { openWork: true }): CustomerScopeFilter | undefined =>
  scope.all
    ? undefined
    : { ownerManagerIds: scope.managerIds, unownedRegions: scope.poolRegions, ...(options.openWork === false ? {} : { openWorkOf: scope.managerIds }) }

/**
 * The store filter that restricts a work-item list to `scope` (undefined for the unlimited scope).
 *
 * @example
 * ```ts
 * workItems.list({ states: ["open"], inScope: workItemScopeFilter(scope) })
 * ```
 */
export const workItemScopeFilter = (scope: ScopeSet): WorkItemScopeFilter | undefined =>
  scope.all ? undefined : { assigneeIds: scope.managerIds, teamIds: scope.teamIds }
