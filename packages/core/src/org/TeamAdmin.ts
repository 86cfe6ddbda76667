/**
 * The admin's maintenance of the team tree beyond membership: renaming a team, changing a
 * manager's roles, deactivating (or reactivating) a manager, and finding managers in reach.
 * Every change is scoped to the teams the actor administers and audited (category `team`).
 * Roles and activity are written to the manager as Winback keeps them (`ManagerStore`): with the
 * default staff directory over the stores they take effect on the actor's next call; a host that
 * serves staff from its own CRM keeps roles there, and its values win.
 */
import { Effect } from "effect"
import * as z from "zod"
import { type Actor, readAll } from "./Actor"
import type { AuditTrail } from "../audit/AuditTrail"
import { Conflict, Forbidden, type NotFound, type StorageError, type ValidationError } from "../shared/Errors"
import { type Manager, Role } from "./Manager"
import type { ManagerStore } from "./ManagerStore"
import type { Page } from "../shared/Page"
import { Actions, type Permissions } from "./Permissions"
import type { TeamStore } from "./TeamStore"
import type { Team } from "./Team"
import { nowIso } from "../audit/AuditTrail"
import { decode } from "../shared/Validation"

/**
 * A search over the managers the actor may read: `query` matches id or name (case-insensitive),
 * the rest narrow. Inactive managers are left out unless `includeInactive`.
 *
 * @example
 * ```ts
 * ManagerSearch.parse({ query: "wang", role: "agent", limit: 20 })
 * ```
 */
export const ManagerSearch = z
  .object({
    query: z.string().trim().max(100).optional(),
    teamId: z.string().min(1).max(200).optional(),
    role: Role.optional(),
    includeInactive: z.boolean().optional(),
    limit: z.number().int().min(1).max(200).default(50),
    /** The offset of the previous page's `nextCursor`. */
    cursor: z.string().regex(/^\d{1,9}$/).nullable().optional()
  })
  .strict()
/** @see {@link ManagerSearch} */
export type ManagerSearch = z.input<typeof ManagerSearch>

/** What the admin operations need (the team service's own dependencies). */
interface Deps {
  readonly teams: TeamStore["Service"]
  readonly managers: ManagerStore["Service"]
  readonly perms: Permissions["Service"]
  readonly trail: AuditTrail["Service"]
  /** Runs a change in one transaction and refreshes the cached org. */
  readonly changeOrg: <A, E, R>(change: Effect.Effect<A, E, R>) => Effect.Effect<A, E | StorageError, R>
}

type AdminErrors = ValidationError | NotFound | Conflict | Forbidden | StorageError

const RoleList = z.array(Role).min(1).max(Role.options.length)
const TeamName = z.string().trim().min(1).max(200)

/**
 * The team-admin operations over the team service's dependencies (see {@link TeamAdminOps}).
 *
 * @example
 * ```ts
 * const ops = teamAdminOps({ teams, managers, perms, trail, changeOrg })
 * yield* ops.rename(actor, "t-north", "North district")
 * ```
 */
export const teamAdminOps = (d: Deps) => {
  const managerRes = (id: string) => ({ type: "manager", manager: { id } }) as const
  const auditManager = (actor: Actor, action: string, before: Manager, after: Manager, note: string) =>
    d.trail.record(actor, {
      action,
      category: "team",
      recordType: "Manager",
      recordId: after.id,
      customerId: null,
      before: { roles: before.roles, active: before.active },
      after: { roles: after.roles, active: after.active },
      note
    })

  /** Whether `m` is the last active manager holding the admin role in their region. */
  const lastAdmin = (m: Manager) =>
    Effect.gen(function* () {
      if (!m.active || !m.roles.includes("admin")) return false
      const admins = yield* readAll((page) => d.managers.list({ roles: ["admin"], activeOnly: true }, page))
      return !admins.some((a) => a.id !== m.id && a.region === m.region && a.active && a.roles.includes("admin"))
    })
  const refuseLastAdmin = (m: Manager) =>
    new Conflict({ kind: "wrong-state", entity: "Manager", id: m.id, reason: `the last active admin of region ${m.region} cannot lose the admin role` })

  const rename = Effect.fn("TeamService.rename")(function* (actor: Actor, teamId: string, name: string) {
    const n = yield* decode(TeamName, name, "team name")
    return yield* d.changeOrg(
      Effect.gen(function* () {
        const before = yield* d.teams.get(teamId)
        yield* d.perms.require(actor, Actions.teamRename, { type: "team", team: before })
        if (before.name === n) return before
        const after: Team = yield* d.teams.update({ ...before, name: n }, before.version)
        yield* d.trail.record(actor, { action: "team.rename", category: "team", recordType: "Team", recordId: after.id, customerId: null, before, after })
        return after
      })
    )
  })

  const setRoles = Effect.fn("TeamService.setRoles")(function* (actor: Actor, managerId: string, roles: ReadonlyArray<Role>) {
    const wanted = [...new Set(yield* decode(RoleList, roles, "roles"))].sort()
    return yield* d.changeOrg(
      Effect.gen(function* () {
        const before = yield* d.managers.get(managerId)
        yield* d.perms.require(actor, Actions.managerSetRoles, managerRes(managerId))
        const added = wanted.filter((r) => !before.roles.includes(r))
        // Nobody widens their own authority: a leader cannot promote himself.
        if (managerId === actor.id && added.length > 0) {
          return yield* new Forbidden({ actorId: actor.id, action: Actions.managerSetRoles, resource: `manager:${managerId}`, reason: `a manager cannot give themselves a role (${added.join(", ")})` })
        }
        if (!wanted.includes("admin") && (yield* lastAdmin(before))) return yield* refuseLastAdmin(before)
        if (wanted.length === before.roles.length && added.length === 0) return before
        const at = yield* nowIso
        const detail = `${[...before.roles].sort().join(",")} -> ${wanted.join(",")}`
        const next: Manager = { ...before, roles: wanted, profile: { ...before.profile, workHistory: [...before.profile.workHistory, { at, kind: "role-change", detail }] } }
        const after = yield* d.managers.update(next, before.version)
        yield* auditManager(actor, "manager.set-roles", before, after, detail)
        return after
      })
    )
  })

  const setActive = Effect.fn("TeamService.setActive")(function* (actor: Actor, managerId: string, active: boolean) {
    const flag = yield* decode(z.boolean(), active, "active")
    return yield* d.changeOrg(
      Effect.gen(function* () {
        const before = yield* d.managers.get(managerId)
        yield* d.perms.require(actor, Actions.managerDeactivate, managerRes(managerId))
        if (before.active === flag) return before
        if (!flag) {
          if (managerId === actor.id) {
            return yield* new Forbidden({ actorId: actor.id, action: Actions.managerDeactivate, resource: `manager:${managerId}`, reason: "a manager cannot deactivate themselves" })
          }
          if (yield* lastAdmin(before)) return yield* refuseLastAdmin(before)
          const led = yield* readAll((page) => d.teams.list({}, page))
          const admined = led.filter((t) => t.adminId === managerId).map((t) => t.id)
          if (admined.length > 0) {
            return yield* new Conflict({ kind: "wrong-state", entity: "Manager", id: managerId, reason: `still the admin of ${admined.join(", ")}: hand the admin role over first` })
          }
        }
        const at = yield* nowIso
        const detail = flag ? "reactivated" : "deactivated"
        const next: Manager = { ...before, active: flag, profile: { ...before.profile, workHistory: [...before.profile.workHistory, { at, kind: flag ? "joined" : "left", detail }] } }
        const after = yield* d.managers.update(next, before.version)
        yield* auditManager(actor, flag ? "manager.reactivate" : "manager.deactivate", before, after, detail)
        return after
      })
    )
  })

  const searchManagers = Effect.fn("TeamService.searchManagers")(function* (actor: Actor, search: ManagerSearch) {
    const s = yield* decode(ManagerSearch, search, "manager search")
    const reach = yield* d.perms.scopeFor(actor, Actions.managerRead)
    if (reach === undefined) return { items: [], nextCursor: null } satisfies Page<Manager>
    const teamIds = reach.scope.all ? undefined : s.teamId !== undefined ? reach.scope.teamIds.filter((t) => t === s.teamId) : reach.scope.teamIds
    const all =
      teamIds !== undefined && teamIds.length === 0
        ? []
        : yield* readAll((page) => d.managers.list({ ...(teamIds ? { teamIds } : s.teamId ? { teamIds: [s.teamId] } : {}), ...(s.role ? { roles: [s.role] } : {}) }, page))
    const q = s.query?.toLowerCase() ?? ""
    const hits = all
      .filter((m) => (s.includeInactive || m.active) && (q === "" || m.id.toLowerCase().includes(q) || m.name.toLowerCase().includes(q)))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1))
    const start = s.cursor ? Number(s.cursor) : 0
    return { items: hits.slice(start, start + s.limit), nextCursor: start + s.limit < hits.length ? String(start + s.limit) : null } satisfies Page<Manager>
  })

  return { rename, setRoles, setActive, searchManagers }
}

/**
 * The team-admin operations, each taking the actor first:
 * - `rename(actor, teamId, name)`: `team.rename`, over the teams the actor administers;
 * - `setRoles(actor, managerId, roles)`: `manager.set-roles` over administered managers; nobody
 *   adds a role to themselves, and the region's last active admin keeps the admin role;
 * - `setActive(actor, managerId, active)`: `manager.deactivate`; not oneself, not the last admin,
 *   not a team's admin (hand the team over first); an inactive manager cannot sign in or act;
 * - `searchManagers(actor, search)`: a page of the managers the actor may read, by name.
 *
 * @example
 * ```ts
 * const teams = yield* TeamService
 * yield* teams.setRoles(admin, "m-1", ["agent", "team-leader"])
 * const page = yield* teams.searchManagers(admin, { query: "wang", limit: 20 })
 * ```
 */
export type TeamAdminOps = {
  readonly rename: (actor: Actor, teamId: string, name: string) => Effect.Effect<Team, AdminErrors>
  readonly setRoles: (actor: Actor, managerId: string, roles: ReadonlyArray<Role>) => Effect.Effect<Manager, AdminErrors>
  readonly setActive: (actor: Actor, managerId: string, active: boolean) => Effect.Effect<Manager, AdminErrors>
  readonly searchManagers: (actor: Actor, search: ManagerSearch) => Effect.Effect<Page<Manager>, ValidationError | StorageError>
}
