/**
 * The report queries port and every report's result type (DOMAIN §8). The port answers with
 * aggregates only — counts and sums per group — so a SQL adapter computes them with GROUP BY in the
 * database and never loads the work items or observations into the process; the `ReportService`
 * turns them into funnels with rates, reconciled status accounting, agent rankings and period
 * reports. Renderers (CSV, XLSX, SVG) consume the result types below; they are kept stable.
 */
import { Context, type Effect } from "effect"
import * as z from "zod"
import type { QuestionnaireStatistics } from "@winback/questionnaire"
import type { LineStatus } from "../customer/Customer"
import type { StorageError } from "../shared/Errors"
import type { ObservationOutcome } from "../observation/Observation"
import type { Page, PageRequest } from "../shared/Page"
import type { WorkItemScopeFilter } from "../work/WorkItemStore"
import { IsoDate } from "../shared/Primitives"
import type { Disposition } from "../work/WorkItem"

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------

/**
 * A half-open date range `[from, to)` in UTC days: `{ from: "2026-11-01", to: "2026-12-01" }` is
 * November. Work items count by the day they were handed out, observations by the day they started.
 *
 * @example
 * ```ts
 * ReportRange.parse({ from: "2026-11-01", to: "2026-12-01" })
 * ```
 */
export const ReportRange = z
  .object({ from: IsoDate, to: IsoDate })
  .strict()
  .refine((r) => r.from < r.to, { message: "from must be before to", path: ["to"] })
/** @see {@link ReportRange} */
export type ReportRange = z.infer<typeof ReportRange>

/**
 * What the funnel can be grouped by. `team` groups by the team an item was handed to (the
 * service rolls teams up into subtrees); `agent` by the assignee.
 *
 * @example
 * ```ts
 * FunnelDimension.parse("agent")
 * ```
 */
export const FunnelDimension = z.enum(["total", "task", "team", "agent"])
/** @see {@link FunnelDimension} */
export type FunnelDimension = z.infer<typeof FunnelDimension>

/**
 * What observation outcomes can be grouped by: the attribution of an observation (task, agent,
 * team, final disposition, accepted offer, rule, tier) or the month it started in (`month`, for
 * "stayed / churned / returned over time").
 *
 * @example
 * ```ts
 * ObservationDimension.parse("offer")
 * ```
 */
export const ObservationDimension = z.enum(["total", "task", "team", "agent", "disposition", "offer", "rule", "tier", "month"])
/** @see {@link ObservationDimension} */
export type ObservationDimension = z.infer<typeof ObservationDimension>

/**
 * The filter every report query takes: the range, optionally one task, and the reader's scope
 * (an item or observation is in scope when its agent is one of `assigneeIds` OR its team one of
 * `teamIds`; absent = everything). The scope is pushed into the query's WHERE clause.
 *
 * @example
 * ```ts
 * const f: ReportFilter = { from: "2026-11-01", to: "2026-12-01", inScope: { assigneeIds: ["m-1"], teamIds: ["t-north"] } }
 * ```
 */
export interface ReportFilter {
  readonly from: string
  readonly to: string
  readonly taskId?: string
  readonly inScope?: WorkItemScopeFilter
}

// ---------------------------------------------------------------------------------------------
// What the port answers (aggregates)
// ---------------------------------------------------------------------------------------------

/**
 * Funnel counts of one group of work items handed out in the range. Every stage is a subset of the
 * one before: `connected` = reached on some attempt; `effective` = connected and its questionnaire
 * completed; `success` = effective and an offer accepted (as snapshotted on the item's observation
 * at completion). `completed` counts items explicitly closed (any disposition) — the volume handled;
 * `unreachable` counts, apart from it, the items that ended with the retry policy's attempts used
 * up without reaching the customer (never part of `completed`).
 *
 * @example
 * ```ts
 * const c: FunnelCounts = { submitted: 22171, completed: 16229, unreachable: 3120, connected: 16229, effective: 14259, success: 12329 }
 * ```
 */
export interface FunnelCounts {
  readonly submitted: number
  readonly completed: number
  /** Items that ended `unreachable` (reported apart from completed work). */
  readonly unreachable: number
  readonly connected: number
  readonly effective: number
  readonly success: number
}

/**
 * One group of a grouped aggregate: the group key (a task, team or agent id, a disposition, an
 * offer id, a month `YYYY-MM`; null for "none", e.g. unassigned items) and its figures.
 *
 * @example
 * ```ts
 * const g: Grouped<FunnelCounts> = { key: "m-1", counts: { submitted: 10, completed: 8, connected: 7, effective: 5, success: 3 } }
 * ```
 */
export interface Grouped<A> {
  readonly key: string | null
  readonly counts: A
}

/**
 * Outcome counts and money of one group of observations started in the range. `pending`: window
 * not ended or not evaluated yet. Bills are sums over the evaluated observations (before: the last
 * bill at the start; after: the last bill at the window's end); `retainedRevenue` sums the bill
 * after of the stayed and returned; `offerCost` sums the cost of accepted offers.
 *
 * @example
 * ```ts
 * const c: ObservationCounts = { observed: 10, pending: 2, stayed: 5, churned: 1, returned: 1, stillInactive: 1,
 *   billBefore: 1200, billAfter: 1100, retainedRevenue: 950, offerCost: 150 }
 * ```
 */
export interface ObservationCounts {
  readonly observed: number
  readonly pending: number
  readonly stayed: number
  readonly churned: number
  readonly returned: number
  readonly stillInactive: number
  readonly billBefore: number
  readonly billAfter: number
  readonly retainedRevenue: number
  readonly offerCost: number
}

/**
 * One cell of the month-end status table: how many observations went from `from` (line status at
 * hand-out) to `to` (at the window's end; null while pending), with the outcome they were given.
 *
 * @example
 * ```ts
 * const t: StatusTransition = { from: "active", to: "cancelled", outcome: "churned", count: 12 }
 * ```
 */
export interface StatusTransition {
  readonly from: LineStatus
  readonly to: LineStatus | null
  readonly outcome: ObservationOutcome | null
  readonly count: number
}

/**
 * The raw figures of month-end status accounting: the transitions of the observations started in
 * the range, and how many items were completed with a worked disposition in the same range (each
 * of which must have opened exactly one observation).
 *
 * @example
 * ```ts
 * const s: StatusAccountingCounts = { transitions: [{ from: "active", to: "active", outcome: "stayed", count: 40 }], workedCompletions: 40 }
 * ```
 */
export interface StatusAccountingCounts {
  readonly transitions: ReadonlyArray<StatusTransition>
  readonly workedCompletions: number
}

/**
 * A stored questionnaire response as statistics read it.
 *
 * @example
 * ```ts
 * const r: TaskResponse = { id: "resp-1", versionHash: "ab12cd34", questionnaireId: "retention-callback", answers: { reason: "price" } }
 * ```
 */
export interface TaskResponse {
  readonly id: string
  readonly versionHash: string
  readonly questionnaireId: string
  readonly answers: Readonly<Record<string, unknown>>
}

/**
 * The report queries port: aggregates computed where the data lives.
 *
 * Contract (checked by the differential tests: memory, PGlite and PostgreSQL answer equally):
 * - `funnel` counts the work items with `createdAt` in `[from, to)` (UTC days), grouped by `by`;
 *   groups come sorted by key (null last); `total` answers one group with key null.
 * - `observations` counts the observations with `startedOn` in `[from, to)`, grouped by `by`,
 *   sorted the same way; money sums are rounded to cents.
 * - `statusAccounting` answers the transitions of those observations (sorted by from, to,
 *   outcome) and the number of items completed by a call (`callSerial` set) with `completedAt` in
 *   the range and a disposition in `workedDispositions` — exactly the completions that open observations.
 * - `responses` pages through the completed responses of the items of `filter.taskId` handed out
 *   in the range, ordered by response id.
 * - Every query applies `inScope` in the query itself; nothing outside it is read or counted.
 *
 * @example
 * ```ts
 * const q = yield* ReportQueries
 * const rows = yield* q.funnel({ from: "2026-11-01", to: "2026-12-01" }, "agent")
 * ```
 */
export class ReportQueries extends Context.Service<
  ReportQueries,
  {
    readonly funnel: (filter: ReportFilter, by: FunnelDimension) => Effect.Effect<ReadonlyArray<Grouped<FunnelCounts>>, StorageError>
    readonly observations: (filter: ReportFilter, by: ObservationDimension) => Effect.Effect<ReadonlyArray<Grouped<ObservationCounts>>, StorageError>
    readonly statusAccounting: (
      filter: ReportFilter,
      workedDispositions: ReadonlyArray<Disposition>
    ) => Effect.Effect<StatusAccountingCounts, StorageError>
    readonly responses: (filter: ReportFilter & { readonly taskId: string }, page?: PageRequest) => Effect.Effect<Page<TaskResponse>, StorageError>
  }
>()("@winback/core/ReportQueries") {}

// ---------------------------------------------------------------------------------------------
// What the report service answers (the report data renderers consume)
// ---------------------------------------------------------------------------------------------

/**
 * The four funnel stages, in order.
 *
 * @example
 * ```ts
 * funnelStages.map((s) => s) // ["submitted", "connected", "effective", "success"]
 * ```
 */
export const funnelStages = ["submitted", "connected", "effective", "success"] as const
/**
 * A funnel stage name.
 *
 * @example
 * ```ts
 * const s: FunnelStage = "effective"
 * ```
 */
export type FunnelStage = (typeof funnelStages)[number]

/**
 * One stage of a funnel: its count, the rate against the stage before (null for the first stage
 * or when the stage before is 0) and the rate against `submitted`.
 *
 * @example
 * ```ts
 * const s: FunnelStageFigure = { stage: "connected", count: 16229, rate: 0.732, ofSubmitted: 0.732 }
 * ```
 */
export interface FunnelStageFigure {
  readonly stage: FunnelStage
  readonly count: number
  readonly rate: number | null
  readonly ofSubmitted: number | null
}

/**
 * One row of a funnel report: a group (task, team subtree, agent; null key = the total) with its
 * counts and stages.
 *
 * @example
 * ```ts
 * row.stages.find((s) => s.stage === "success")?.rate // success / effective
 * ```
 */
export interface FunnelRow {
  readonly key: string | null
  readonly label: string
  readonly counts: FunnelCounts
  readonly stages: ReadonlyArray<FunnelStageFigure>
}

/**
 * A funnel report: the total and one row per group.
 *
 * @example
 * ```ts
 * const r = yield* reports.funnel(leader, { from: "2026-11-01", to: "2026-12-01", by: "team" })
 * r.total.stages[1].rate // connected / submitted
 * ```
 */
export interface FunnelReport {
  readonly range: ReportRange
  readonly by: FunnelDimension
  readonly total: FunnelRow
  readonly rows: ReadonlyArray<FunnelRow>
}

/**
 * One row of an observation report, with the rates readers look at: `stayRate` = stayed / (stayed
 * + churned), `returnRate` = returned / (returned + still-inactive) (null when nothing evaluated).
 *
 * @example
 * ```ts
 * const row: ObservationRow = { key: "t-north", label: "North", counts, stayRate: 0.83, returnRate: 0.5, billChange: -100 }
 * ```
 */
export interface ObservationRow {
  readonly key: string | null
  readonly label: string
  readonly counts: ObservationCounts
  readonly stayRate: number | null
  readonly returnRate: number | null
  /** billAfter − billBefore over the evaluated observations. */
  readonly billChange: number
}

/**
 * An observation (retention effect) report.
 *
 * @example
 * ```ts
 * const r = yield* reports.observations(director, { from: "2026-01-01", to: "2027-01-01", by: "month" })
 * ```
 */
export interface ObservationReport {
  readonly range: ReportRange
  readonly by: ObservationDimension
  readonly total: ObservationRow
  readonly rows: ReadonlyArray<ObservationRow>
}

/**
 * A problem month-end reconciliation found: the two figures that should agree and do not.
 *
 * @example
 * ```ts
 * const m: ReconciliationMismatch = { code: "observations-vs-completions", message: "41 worked completions but 40 observations", expected: 41, actual: 40 }
 * ```
 */
export interface ReconciliationMismatch {
  readonly code: "observations-vs-completions" | "outcome-vs-status" | "evaluated-without-status"
  readonly message: string
  readonly expected: number
  readonly actual: number
}

/**
 * Month-end status accounting (DOMAIN §8): counts by line status at hand-out and after the work;
 * of those active at the start, how many are still active, left, or still observed; of those
 * inactive, how many returned, did not, or are still observed — and whether the totals reconcile
 * with what was handed out. A mismatch is listed, never hidden.
 *
 * @example
 * ```ts
 * const s = yield* reports.statusAccounting(leader, { month: "2026-11" })
 * if (!s.reconciled) console.log(s.mismatches.map((m) => m.message))
 * ```
 */
export interface StatusAccounting {
  readonly month: string
  readonly range: ReportRange
  readonly atStart: Readonly<Record<LineStatus, number>>
  readonly atEnd: Readonly<Record<LineStatus, number>>
  readonly observed: number
  readonly pending: number
  readonly activeAtStart: { readonly total: number; readonly stillActive: number; readonly left: number; readonly pending: number }
  readonly inactiveAtStart: { readonly total: number; readonly returned: number; readonly notReturned: number; readonly pending: number }
  /** Items completed in the month with a worked disposition (each opens one observation). */
  readonly handedOut: number
  readonly reconciled: boolean
  readonly mismatches: ReadonlyArray<ReconciliationMismatch>
}

/**
 * One agent's performance in a range: volume handled, reach, success, retained revenue, offer cost
 * and the net effect (retained revenue − offer cost), with their rank within the reader's scope
 * (by net effect, then success, then id).
 *
 * @example
 * ```ts
 * const a: AgentPerformance = { agentId: "m-1", name: "Wang Fang", teamId: "t-north", rank: 1, submitted: 120, handled: 100,
 *   reached: 90, reachRate: 0.75, effective: 80, success: 60, successRate: 0.5, observed: 90, stayed: 70, churned: 10,
 *   returned: 5, retainedRevenue: 21000, offerCost: 3000, netEffect: 18000 }
 * ```
 */
export interface AgentPerformance {
  readonly agentId: string
  readonly name: string
  readonly teamId: string | null
  readonly rank: number
  readonly submitted: number
  readonly handled: number
  readonly reached: number
  /** reached / submitted (null when nothing was submitted). */
  readonly reachRate: number | null
  readonly effective: number
  readonly success: number
  /** success / submitted (null when nothing was submitted). */
  readonly successRate: number | null
  readonly observed: number
  readonly stayed: number
  readonly churned: number
  readonly returned: number
  readonly retainedRevenue: number
  readonly offerCost: number
  readonly netEffect: number
}

/**
 * Agent performance in a range, ranked within the reader's scope.
 *
 * @example
 * ```ts
 * const r = yield* reports.agents(leader, { from: "2026-11-01", to: "2026-12-01" })
 * r.rows[0].agentId // the best agent of the leader's team
 * ```
 */
export interface AgentPerformanceReport {
  readonly range: ReportRange
  readonly rows: ReadonlyArray<AgentPerformance>
}

/**
 * Questionnaire statistics of one task (per-question answer distributions over the completed
 * responses, from `@winback/questionnaire`).
 *
 * @example
 * ```ts
 * const s = yield* reports.questionnaire(leader, { taskId: "task-bill-drop", from: "2026-11-01", to: "2026-12-01" })
 * s.statistics?.questions[0]?.choices
 * ```
 */
export interface TaskQuestionnaireReport {
  readonly taskId: string
  readonly questionnaireId: string | null
  readonly range: ReportRange
  /** Null when the task binds no questionnaire. */
  readonly statistics: QuestionnaireStatistics | null
}

/**
 * The kinds of periodic report.
 *
 * @example
 * ```ts
 * ReportPeriodKind.parse("half-year")
 * ```
 */
export const ReportPeriodKind = z.enum(["week", "month", "half-year", "year"])
/** @see {@link ReportPeriodKind} */
export type ReportPeriodKind = z.infer<typeof ReportPeriodKind>

/**
 * A periodic report as data: every figure of DOMAIN §8 for one period, scoped to the reader.
 * `label` names the period (`2026-W47`, `2026-11`, `2026-H2`, `2026`).
 *
 * @example
 * ```ts
 * const r = yield* reports.period(leader, { kind: "month", on: "2026-11-15" })
 * r.funnel.total.stages; r.agents.rows; r.statusAccounting[0]?.reconciled
 * ```
 */
export interface PeriodReport {
  readonly kind: ReportPeriodKind
  readonly label: string
  readonly range: ReportRange
  readonly readerId: string
  readonly generatedAt: string
  readonly funnel: FunnelReport
  readonly funnelByTask: FunnelReport
  readonly funnelByTeam: FunnelReport
  readonly observations: ObservationReport
  readonly observationsByMonth: ObservationReport
  readonly observationsByTeam: ObservationReport
  readonly statusAccounting: ReadonlyArray<StatusAccounting>
  readonly agents: AgentPerformanceReport
  readonly questionnaires: ReadonlyArray<TaskQuestionnaireReport>
}
