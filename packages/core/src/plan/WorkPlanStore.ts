/**
 * Storage port of work plans.
 * The contracts every store keeps (transactions, versions, keyset pages, typed failures) are stated
 * once, in `ports/Transactions.ts`.
 */
import { Context } from "effect"
import { type EntityStore } from "../ports/Transactions"
import { type WorkPlan, type WorkPlanStatus, type WorkPlanSubjectKind } from "./WorkPlan"

/**
 * The data scope of an acting person over work plans, pushed into the store query: an agent's plan
 * is in scope when the agent is one of `managerIds`; any plan is in scope when its team is one of
 * `teamIds`.
 *
 * @example
 * ```ts
 * const f: WorkPlanFilter = { period: "2026-11", inScope: { managerIds: ["m-1"], teamIds: ["t-north"] } }
 * ```
 */
export interface WorkPlanScopeFilter {
  readonly managerIds: ReadonlyArray<string>
  readonly teamIds: ReadonlyArray<string>
}

/** Filter for {@link WorkPlanStore} lists, ordered by period start, then id. All given fields must match. */
export interface WorkPlanFilter {
  /** The period label (`2026-11`). */
  readonly period?: string
  readonly subjectKind?: WorkPlanSubjectKind
  readonly subjectIds?: ReadonlyArray<string>
  readonly statuses?: ReadonlyArray<WorkPlanStatus>
  /** The acting person's scope, ANDed with the fields above (see {@link WorkPlanScopeFilter}). */
  readonly inScope?: WorkPlanScopeFilter
}

/**
 * Work plans (targets per agent and team per period).
 *
 * @example
 * ```ts
 * const plans = yield* (yield* WorkPlanStore).list({ period: "2026-11", statuses: ["active"] })
 * ```
 */
export class WorkPlanStore extends Context.Service<WorkPlanStore, EntityStore<WorkPlan, WorkPlanFilter>>()("@winback/core/WorkPlanStore") {}
