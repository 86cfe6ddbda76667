/**
 * Conformance of the organisation aggregate: managers and teams.
 */
import { expect, it } from "vitest"
import * as f from "../fixtures"
import { type AggregateSuite, type EntityCase, run } from "../harness"

/**
 * The organisation (managers, teams) part of the conformance suite, composed with the others by {@link runConformanceSuite}.
 *
 * @example
 * ```ts
 * for (const c of orgConformance.entities) entitySuite(target, c)
 * ```
 */
export const orgConformance: AggregateSuite = {
  entities: [
    {
      name: "ManagerStore",
      store: (s) => s.managers,
      make: (i) => f.manager(`m-${(i * 5) % 9}-${i}`),
      change: (a) => ({ ...a, active: false })
    } satisfies EntityCase<ReturnType<typeof f.manager>, object>,
    {
      name: "TeamStore",
      store: (s) => s.teams,
      make: (i) => f.team(`team-${(i * 3) % 7}-${i}`),
      change: (a) => ({ ...a, name: "Renamed" })
    } satisfies EntityCase<ReturnType<typeof f.team>, object>
  ],
  filters: (stores) => {
    it("filters managers by team, role and activity", async () => {
      const s = stores()
      await run(s.managers.insert(f.manager("fm-1", { teamId: "t-a", roles: ["agent"] })))
      await run(s.managers.insert(f.manager("fm-2", { teamId: "t-a", roles: ["team-leader", "agent"] })))
      await run(s.managers.insert(f.manager("fm-3", { teamId: "t-b", roles: ["director"], active: false })))
      const ids = async (filter: object) => (await run(s.managers.list(filter))).items.map((m) => m.id)
      expect(await ids({ teamIds: ["t-a"] })).toEqual(["fm-1", "fm-2"])
      expect(await ids({ roles: ["team-leader", "director"] })).toEqual(["fm-2", "fm-3"])
      expect(await ids({ activeOnly: true })).toEqual(["fm-1", "fm-2"])
    })

    it("filters teams by region and parent (null = roots)", async () => {
      const s = stores()
      await run(s.teams.insert(f.team("ft-root")))
      await run(s.teams.insert(f.team("ft-child", { parentId: "ft-root" })))
      await run(s.teams.insert(f.team("ft-sh", { region: "shanghai" })))
      const ids = async (filter: object) => (await run(s.teams.list(filter))).items.map((t) => t.id)
      expect(await ids({ parentId: null })).toEqual(["ft-root", "ft-sh"])
      expect(await ids({ parentId: "ft-root" })).toEqual(["ft-child"])
      expect(await ids({ region: "shanghai" })).toEqual(["ft-sh"])
    })
  }
}
