/**
 * Work plans (issue 7, item 7): targets per agent or per team for one period — calls handled,
 * customers reached, customers retained — set by leaders for their subtree, read by the agents they
 * concern, compared with the actuals the report queries count, and archived (read-only, with the
 * achieved figures frozen) when the period closes.
 */
import * as z from "zod"
import { Id, Instant, IsoDate, Version } from "../shared/Primitives"

/**
 * Who a plan is for: one agent, or a team (counting the team and every team below it).
 *
 * @example
 * ```ts
 * WorkPlanSubjectKind.parse("team")
 * ```
 */
export const WorkPlanSubjectKind = z.enum(["agent", "team"])
/** @see {@link WorkPlanSubjectKind} */
export type WorkPlanSubjectKind = z.infer<typeof WorkPlanSubjectKind>

/**
 * The kinds of plan period (the same periods as the reports).
 *
 * @example
 * ```ts
 * WorkPlanPeriodKind.parse("month")
 * ```
 */
export const WorkPlanPeriodKind = z.enum(["week", "month", "half-year", "year"])
/** @see {@link WorkPlanPeriodKind} */
export type WorkPlanPeriodKind = z.infer<typeof WorkPlanPeriodKind>

/**
 * A plan period: its kind, its label (`2026-W47`, `2026-11`, `2026-H2`, `2026`) and its half-open
 * day range `[from, to)`.
 *
 * @example
 * ```ts
 * WorkPlanPeriod.parse({ kind: "month", label: "2026-11", from: "2026-11-01", to: "2026-12-01" })
 * ```
 */
export const WorkPlanPeriod = z
  .object({ kind: WorkPlanPeriodKind, label: z.string().min(4).max(10), from: IsoDate, to: IsoDate })
  .refine((p) => p.from < p.to, { message: "from must be before to", path: ["to"] })
/** @see {@link WorkPlanPeriod} */
export type WorkPlanPeriod = z.infer<typeof WorkPlanPeriod>

/**
 * The measures a plan sets targets for: `calls` — work items handled (completed, any disposition);
 * `reach` — items whose customer was reached; `retained` — observed customers who stayed or came
 * back (counted on the observations opened in the period, as their windows are evaluated).
 *
 * @example
 * ```ts
 * workPlanMeasures // ["calls", "reach", "retained"]
 * ```
 */
export const workPlanMeasures = ["calls", "reach", "retained"] as const
/**
 * One of {@link workPlanMeasures}.
 *
 * @example
 * ```ts
 * const m: WorkPlanMeasure = "reach"
 * ```
 */
export type WorkPlanMeasure = (typeof workPlanMeasures)[number]

const Target = z.number().int().min(0).max(1_000_000_000)

/**
 * Targets of a plan: a non-negative whole number per measure, or null for "no target".
 *
 * @example
 * ```ts
 * WorkPlanTargets.parse({ calls: 400, reach: 300, retained: 120 })
 * ```
 */
export const WorkPlanTargets = z.object({ calls: Target.nullable(), reach: Target.nullable(), retained: Target.nullable() }).strict()
/** @see {@link WorkPlanTargets} */
export type WorkPlanTargets = z.infer<typeof WorkPlanTargets>

/**
 * The actual figures of a plan's subject in its period.
 *
 * @example
 * ```ts
 * const a: WorkPlanActuals = { calls: 212, reach: 160, retained: 58 }
 * ```
 */
export const WorkPlanActuals = z.object({ calls: z.number().int().min(0), reach: z.number().int().min(0), retained: z.number().int().min(0) }).strict()
/** @see {@link WorkPlanActuals} */
export type WorkPlanActuals = z.infer<typeof WorkPlanActuals>

/**
 * A plan's life: `active` while its period is open, `archived` once the period is closed (the
 * plan is then read-only and carries the achieved figures of the close).
 *
 * @example
 * ```ts
 * WorkPlanStatus.parse("archived")
 * ```
 */
export const WorkPlanStatus = z.enum(["active", "archived"])
/** @see {@link WorkPlanStatus} */
export type WorkPlanStatus = z.infer<typeof WorkPlanStatus>

/**
 * A work plan. One per subject and period: its id is {@link workPlanId} of the two. `teamId` is the
 * team the plan belongs to for scope: the team itself, or the agent's team when the plan was set.
 *
 * @example
 * ```ts
 * WorkPlan.parse({ id: "wp:2026-11:agent:m-1", subjectKind: "agent", subjectId: "m-1", teamId: "t-north",
 *   period: { kind: "month", label: "2026-11", from: "2026-11-01", to: "2026-12-01" },
 *   targets: { calls: 400, reach: 300, retained: 120 }, note: "", status: "active", achieved: null,
 *   createdBy: "m-9", createdAt: "2026-11-01T08:00:00.000Z", updatedBy: "m-9", updatedAt: "2026-11-01T08:00:00.000Z",
 *   archivedAt: null, version: 1 })
 * ```
 */
export const WorkPlan = z.object({
  id: z.string().min(1).max(300),
  subjectKind: WorkPlanSubjectKind,
  subjectId: Id,
  teamId: Id.nullable(),
  period: WorkPlanPeriod,
  targets: WorkPlanTargets,
  note: z.string().max(2000),
  status: WorkPlanStatus,
  achieved: WorkPlanActuals.nullable(),
  createdBy: Id,
  createdAt: Instant,
  updatedBy: Id,
  updatedAt: Instant,
  archivedAt: Instant.nullable(),
  version: Version
})
/** @see {@link WorkPlan} */
export type WorkPlan = z.infer<typeof WorkPlan>

/**
 * The id of the plan of one subject in one period (so a second plan for the same pair is a
 * `Conflict`, never a duplicate).
 *
 * @example
 * ```ts
 * workPlanId("2026-11", "agent", "m-1") // "wp:2026-11:agent:m-1"
 * ```
 */
export const workPlanId = (periodLabel: string, kind: WorkPlanSubjectKind, subjectId: string): string => `wp:${periodLabel}:${kind}:${subjectId}`
