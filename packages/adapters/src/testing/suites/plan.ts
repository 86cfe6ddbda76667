/**
 * Conformance of the plan aggregate: work plans through the generic entity tests (create, read,
 * versioned update, pagination, the update race), then the filters and the scope push-down of
 * `WorkPlanStore.list`, in the documented order across pages.
 */
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { Page, Stores, WorkPlan, WorkPlanFilter } from "@winback/core"
import { type AggregateSuite, byText, type EntityCase } from "../harness"
import type { ConformanceTarget } from "../target"
import { OPEN_TIMEOUT_MS } from "../timeouts"

const periods = {
  "2026-10": { kind: "month", label: "2026-10", from: "2026-10-01", to: "2026-11-01" },
  "2026-11": { kind: "month", label: "2026-11", from: "2026-11-01", to: "2026-12-01" },
  "2026-H2": { kind: "half-year", label: "2026-H2", from: "2026-07-01", to: "2027-01-01" }
} as const

/**
 * A work plan (an agent's, in November 2026, unless `over` says otherwise).
 *
 * @example
 * ```ts
 * const plan = workPlan("wp-1", { subjectKind: "team", subjectId: "t-north", teamId: "t-north" })
 * ```
 */
export const workPlan = (id: string, over: Partial<WorkPlan> = {}): WorkPlan => ({
  id,
  subjectKind: "agent",
  subjectId: "m-1",
  teamId: "t-north",
  period: periods["2026-11"],
  targets: { calls: 400, reach: 300, retained: null },
  note: "",
  status: "active",
  achieved: null,
  createdBy: "m-9",
  createdAt: "2026-11-01T08:00:00.000Z",
  updatedBy: "m-9",
  updatedAt: "2026-11-01T08:00:00.000Z",
  archivedAt: null,
  version: 1,
  ...over
})

const workPlanSuite = (target: ConformanceTarget): void => {
  describe("WorkPlanStore filters and scope", () => {
    let opened: { stores: Stores; close: () => Promise<void> } | undefined
    beforeAll(async () => {
      opened = await target.open()
      const plans = [
        workPlan("wp-a1", { subjectId: "m-1", teamId: "t-north" }),
        workPlan("wp-a2", { subjectId: "m-2", teamId: "t-south" }),
        workPlan("wp-a3", { subjectId: "m-3", teamId: null }),
        workPlan("wp-t1", { subjectKind: "team", subjectId: "t-north", teamId: "t-north" }),
        workPlan("wp-t2", { subjectKind: "team", subjectId: "t-south", teamId: "t-south", period: periods["2026-H2"] }),
        workPlan("wp-old", { subjectId: "m-1", teamId: "t-north", period: periods["2026-10"], status: "archived", achieved: { calls: 1, reach: 1, retained: 0 }, archivedAt: "2026-11-01T00:00:00.000Z" })
      ]
      for (const p of plans) await Effect.runPromise(opened.stores.workPlans.insert(p))
    }, OPEN_TIMEOUT_MS)
    afterAll(async () => {
      await opened?.close()
    }, OPEN_TIMEOUT_MS)

    const ids = async (filter: WorkPlanFilter): Promise<Array<string>> => {
      const out: Array<string> = []
      let cursor: string | null = null
      do {
        const page: Page<WorkPlan> = await Effect.runPromise(opened!.stores.workPlans.list(filter, { limit: 2, cursor }))
        out.push(...page.items.map((p) => p.id))
        cursor = page.nextCursor
      } while (cursor)
      return out
    }

    it("lists in period-start order, then id, across pages", async () => {
      expect(await ids({})).toEqual(["wp-t2", "wp-old", "wp-a1", "wp-a2", "wp-a3", "wp-t1"])
    })

    it("filters by period label, subject kind, subjects and status", async () => {
      expect(await ids({ period: "2026-11" })).toEqual(["wp-a1", "wp-a2", "wp-a3", "wp-t1"])
      expect(await ids({ subjectKind: "team" })).toEqual(["wp-t2", "wp-t1"])
      expect(await ids({ subjectIds: ["m-1"] })).toEqual(["wp-old", "wp-a1"])
      expect(await ids({ statuses: ["archived"] })).toEqual(["wp-old"])
      expect(await ids({ period: "2026-11", subjectIds: ["m-1", "t-north"], statuses: ["active"] })).toEqual(["wp-a1", "wp-t1"])
      expect(await ids({ subjectIds: [] })).toEqual([])
    })

    it("scope: an agent's plan by the agent, any plan by its team; ANDed with the rest", async () => {
      // An agent reading their own: only their agent plans, not their team's.
      expect(await ids({ inScope: { managerIds: ["m-1"], teamIds: [] } })).toEqual(["wp-old", "wp-a1"])
      // A leader of t-north: the team's plans and the plans of agents placed in it.
      expect(await ids({ inScope: { managerIds: ["m-9"], teamIds: ["t-north"] } })).toEqual(["wp-old", "wp-a1", "wp-t1"])
      // A manager id equal to a team id does not reach that team's plan.
      expect(await ids({ inScope: { managerIds: ["t-south"], teamIds: [] } })).toEqual([])
      expect(await ids({ period: "2026-11", inScope: { managerIds: ["m-3"], teamIds: ["t-south"] } })).toEqual(["wp-a2", "wp-a3"])
      expect(await ids({ inScope: { managerIds: [], teamIds: [] } })).toEqual([])
    })
  })
}

/**
 * The work plan part of the conformance suite, composed with the others by {@link runConformanceSuite}.
 *
 * @example
 * ```ts
 * for (const c of planConformance.entities) entitySuite(target, c)
 * ```
 */
export const planConformance: AggregateSuite = {
  entities: [
    {
      name: "WorkPlanStore",
      store: (s) => s.workPlans,
      // Equal period starts across the page boundary on purpose.
      make: (i) => workPlan(`wp-${i}`, { period: { kind: "month", label: `2026-1${i % 3}`, from: `2026-1${i % 3}-01`, to: `2026-1${i % 3}-28` } }),
      compare: (a, b) => byText(a.period.from, b.period.from) || byText(a.id, b.id),
      change: (a) => ({ ...a, targets: { calls: 1, reach: 2, retained: 3 } })
    } satisfies EntityCase<ReturnType<typeof workPlan>, object>
  ],
  groups: (target) => {
    workPlanSuite(target)
  }
}
