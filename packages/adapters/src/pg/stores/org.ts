/**
 * The organisation aggregate in SQL: managers (agents) and the team tree.
 */
import { eq, isNull, sql } from "drizzle-orm"
import type { Manager, Stores, Team } from "@winback/core"
import { sortKeys } from "../../internal/sortKeys"
import type { PgDriver } from "../Driver"
import { maybeAnyOf, maybeEq, pgEntityStore } from "../entityStore"
import * as s from "../schema"

/**
 * The SQL `managers` and `teams` stores on `driver` (composed by {@link makePgStores}).
 *
 * @example
 * ```ts
 * const { teams } = orgStores(driver)
 * await Effect.runPromise(teams.list({ parentId: null }))
 * ```
 */
export const orgStores = (driver: PgDriver): Pick<Stores, "managers" | "teams"> => ({
  managers: pgEntityStore<Manager, import("@winback/core").ManagerFilter>(driver, {
    entity: "Manager",
    table: s.managers,
    toRow: (m) => ({ id: m.id, version: m.version, data: m, teamId: m.teamId, active: m.active }),
    where: (f) => [
      maybeAnyOf(s.managers.teamId, f.teamIds),
      f.roles === undefined ? undefined : sql`${s.managers.data}->'roles' ?| ${sql.param([...f.roles])}::text[]`,
      f.activeOnly ? eq(s.managers.active, true) : undefined
    ],
    sortColumns: [s.managers.id],
    sortKey: sortKeys.manager
  }),

  teams: pgEntityStore<Team, import("@winback/core").TeamFilter>(driver, {
    entity: "Team",
    table: s.teams,
    toRow: (t) => ({ id: t.id, version: t.version, data: t, region: t.region, parentId: t.parentId }),
    where: (f) => [maybeEq(s.teams.region, f.region), f.parentId === undefined ? undefined : f.parentId === null ? isNull(s.teams.parentId) : eq(s.teams.parentId, f.parentId)],
    sortColumns: [s.teams.id],
    sortKey: sortKeys.team
  })
})
