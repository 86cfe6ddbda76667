/**
 * Storage port of work items.
 * The contracts every store keeps (transactions, versions, keyset pages, typed failures) are stated
 * once, in `ports/Transactions.ts`.
 */
import { Context, type Effect } from "effect"
import { type EntityStore } from "../ports/Transactions"
import { type Conflict, type NotFound, type StorageError } from "../shared/Errors"
import { type Disposition, type WorkItem, type WorkItemState } from "./WorkItem"

/**
 * Filter for {@link WorkItemStore} lists, ordered by urgency (most urgent first), then creation
 * time, then id — the agent's work list order.
 */
export interface WorkItemFilter {
  readonly assigneeId?: string
  readonly customerId?: string
  /** Items of any of these customers (one read for a page of customers instead of one each). */
  readonly customerIds?: ReadonlyArray<string>
  readonly taskId?: string
  readonly teamIds?: ReadonlyArray<string>
  readonly states?: ReadonlyArray<WorkItemState>
  /**
   * Only items with no assignee: the pool a leader hands out from (DOMAIN §1). Combine with
   * `teamIds` for one team's pool; `assigneeId` together with it matches nothing.
   */
  readonly unassigned?: true
  /**
   * Only items ready to work at this canonical instant: no next attempt scheduled, or one at or
   * before it. Items waiting for their retry policy's (or a reschedule's) next attempt are left out.
   */
  readonly readyAt?: string
  /** The acting person's scope, ANDed with the fields above (see {@link WorkItemScopeFilter}). */
  readonly inScope?: WorkItemScopeFilter
}

/**
 * The data scope of an acting person over work items, pushed into the store query: an item is in
 * scope when its assignee is one of `assigneeIds` OR its team is one of `teamIds` (so a leader also
 * sees the unassigned items of their team, and an item stays visible to the team it was handed to).
 *
 * @example
 * ```ts
 * const f: WorkItemFilter = { states: ["open"], inScope: { assigneeIds: ["m-1"], teamIds: [] } }
 * ```
 */
export interface WorkItemScopeFilter {
  readonly assigneeIds: ReadonlyArray<string>
  readonly teamIds: ReadonlyArray<string>
}

/** Completing one or more items of one customer with one call. */
export interface CompleteWorkItems {
  readonly ids: ReadonlyArray<string>
  readonly customerId: string
  readonly by: string
  readonly at: string
  readonly disposition: Disposition
  readonly callSerial: string | null
  readonly note?: string
}

/**
 * Work items.
 *
 * Contract: `complete` is atomic over all its ids — every item must exist, belong to
 * `customerId` and be open or in progress, or nothing changes (`NotFound` / `Conflict`). A
 * not-reached disposition never completes an item (`Conflict`). Of N
 * concurrent completions of one item exactly one succeeds; the others fail with `Conflict`.
 * Completion records the attempt, the disposition and the call serial on every item.
 *
 * @example
 * ```ts
 * const done = yield* items.complete({ ids: ["wi-1", "wi-2"], customerId: "cust-42", by: "m-1",
 *   at: now, disposition: "completed", callSerial: "C-00000001" })
 * ```
 */
export class WorkItemStore extends Context.Service<
  WorkItemStore,
  EntityStore<WorkItem, WorkItemFilter> & {
    readonly insertMany: (items: ReadonlyArray<WorkItem>) => Effect.Effect<void, Conflict | StorageError>
    readonly complete: (input: CompleteWorkItems) => Effect.Effect<ReadonlyArray<WorkItem>, NotFound | Conflict | StorageError>
    /** Counts per state for one assignee (and optionally one task). */
    readonly countByState: (filter: { readonly assigneeId?: string; readonly taskId?: string }) => Effect.Effect<Readonly<Record<WorkItemState, number>>, StorageError>
  }
>()("@winback/core/WorkItemStore") {}
