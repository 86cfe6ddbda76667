/**
 * The organisation aggregate in memory: managers (agents) and the team tree.
 */
import type { Stores } from "@winback/core"
import { sortKeys } from "../../internal/sortKeys"
import { memoryEntityStore } from "../entityStore"
import type { MemoryDb } from "../MemoryDb"

/**
 * The in-memory `managers` and `teams` stores over `db` (composed by {@link makeMemoryStores}).
 *
 * @example
 * ```ts
 * const { teams } = orgStores(new MemoryDb())
 * await Effect.runPromise(teams.list({ parentId: null }))
 * ```
 */
export const orgStores = (db: MemoryDb): Pick<Stores, "managers" | "teams"> => ({
  managers: memoryEntityStore(db, {
    entity: "Manager",
    table: "managers",
    sortKey: sortKeys.manager,
    matches: (m, f) =>
      (f.teamIds === undefined || (m.teamId !== null && f.teamIds.includes(m.teamId))) &&
      (f.roles === undefined || m.roles.some((r) => f.roles!.includes(r))) && (!f.activeOnly || m.active)
  }),

  teams: memoryEntityStore(db, {
    entity: "Team",
    table: "teams",
    sortKey: sortKeys.team,
    matches: (t, f) => (f.region === undefined || t.region === f.region) && (f.parentId === undefined || t.parentId === f.parentId)
  })
})
