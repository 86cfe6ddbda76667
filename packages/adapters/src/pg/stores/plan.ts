/**
 * The plan aggregate in SQL: work plans (targets per agent or team and period), scope pushed down.
 */
import { and, eq, or } from "drizzle-orm"
import type { Stores, WorkPlan, WorkPlanFilter } from "@winback/core"
import type { PgDriver } from "../Driver"
import { anyOf, maybeAnyOf, maybeEq, pgEntityStore } from "../entityStore"
import * as s from "../schema"

/**
 * The SQL `workPlans` store on `driver` (composed by {@link makePgStores}).
 *
 * @example
 * ```ts
 * const { workPlans } = planStores(driver)
 * await Effect.runPromise(workPlans.list({ period: "2026-11" }))
 * ```
 */
export const planStores = (driver: PgDriver): Pick<Stores, "workPlans"> => ({
  workPlans: pgEntityStore<WorkPlan, WorkPlanFilter>(driver, {
    entity: "WorkPlan",
    table: s.workPlans,
    toRow: (p) => ({
      id: p.id,
      version: p.version,
      data: p,
      subjectKind: p.subjectKind,
      subjectId: p.subjectId,
      teamId: p.teamId,
      period: p.period.label,
      periodFrom: p.period.from,
      status: p.status
    }),
    where: (f) => [
      maybeEq(s.workPlans.period, f.period),
      maybeEq(s.workPlans.subjectKind, f.subjectKind),
      maybeAnyOf(s.workPlans.subjectId, f.subjectIds),
      maybeAnyOf(s.workPlans.status, f.statuses),
      f.inScope === undefined
        ? undefined
        : or(and(eq(s.workPlans.subjectKind, "agent"), anyOf(s.workPlans.subjectId, f.inScope.managerIds)), anyOf(s.workPlans.teamId, f.inScope.teamIds))
    ],
    sortColumns: [s.workPlans.periodFrom, s.workPlans.id],
    sortKey: (p) => [p.period.from, p.id]
  })
})
