/**
 * The plan aggregate in memory: work plans per agent or team and period.
 */
import type { Stores, WorkPlan, WorkPlanFilter } from "@winback/core"
import { matchesList, memoryEntityStore } from "../entityStore"
import type { MemoryDb } from "../MemoryDb"

/**
 * The in-memory `workPlans` store over `db` (composed by {@link makeMemoryStores}).
 *
 * @example
 * ```ts
 * const { workPlans } = planStores(new MemoryDb())
 * await Effect.runPromise(workPlans.list({ period: "2026-11" }))
 * ```
 */
export const planStores = (db: MemoryDb): Pick<Stores, "workPlans"> => ({
  workPlans: memoryEntityStore<WorkPlan, WorkPlanFilter>(db, {
    entity: "WorkPlan",
    table: "work_plans",
    sortKey: (p) => [p.period.from, p.id],
    matches: (p, f) =>
      (f.period === undefined || p.period.label === f.period) && (f.subjectKind === undefined || p.subjectKind === f.subjectKind) &&
      matchesList(f.subjectIds, p.subjectId) && matchesList(f.statuses, p.status) &&
      (f.inScope === undefined ||
        (p.subjectKind === "agent" && f.inScope.managerIds.includes(p.subjectId)) || (p.teamId !== null && f.inScope.teamIds.includes(p.teamId)))
  })
})
