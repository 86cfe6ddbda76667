/**
 * The team tree (DOMAIN §1): teams per region, any depth, exactly one admin each (`Team.adminId`);
 * the admin of a parent team creates child teams; a team's admin maintains its members; a manager
 * belongs to one team at a time, and every move lands in the manager's work history and the audit
 * trail. Managers come from the host's `StaffDirectory`; Winback keeps their membership.
 */
import { Context, Effect, Layer } from "effect"
import * as z from "zod"
import type { Actor } from "./Actor"
import { Actors } from "./Actor"
import { AuditTrail, nowIso } from "../audit/AuditTrail"
import { type Conflict, Forbidden, type NotFound, type StorageError, type ValidationError } from "../shared/Errors"
import type { Manager } from "./Manager"
import type { Page } from "../shared/Page"
import { Actions, Permissions } from "./Permissions"
import { Id } from "../shared/Primitives"
import { StaffDirectory } from "../ports/HostDirectories"
import { ManagerStore } from "./ManagerStore"
import { TeamStore } from "./TeamStore"
import { Transactions } from "../ports/Transactions"
import { Team } from "./Team"
import { decode } from "../shared/Validation"
import { serviceLayer } from "../shared/ServiceLayer"
import { type TeamAdminOps, teamAdminOps } from "./TeamAdmin"

/**
 * A new team. A child team's region defaults to its parent's.
 *
 * @example
 * ```ts
 * NewTeam.parse({ id: "t-north", name: "North district", adminId: "m-9" })
 * ```
 */
export const NewTeam = z
  .object({
    id: Id,
    name: z.string().min(1).max(200),
    region: z.string().min(1).max(100).optional(),
    adminId: Id
  })
  .strict()
/** @see {@link NewTeam} */
export type NewTeam = z.input<typeof NewTeam>

type TeamErrors = ValidationError | NotFound | Conflict | Forbidden | StorageError

/**
 * The team service.
 *
 * @example
 * ```ts
 * const teams = yield* TeamService
 * yield* teams.createRoot(admin, { id: "t-beijing", name: "Beijing", region: "beijing", adminId: "m-9" })
 * yield* teams.createChild(admin, "t-beijing", { id: "t-north", name: "North", adminId: "m-7" })
 * yield* teams.setMember(northAdmin, "m-1", "t-north")
 * ```
 */
export class TeamService extends Context.Service<
  TeamService,
  {
    /** Every team of the tree (the structure is not confidential; members and data are). */
    readonly list: () => Effect.Effect<ReadonlyArray<Team>, StorageError>
    /** A root team of a region (the `admin` role by default). */
    readonly createRoot: (actor: Actor, team: NewTeam & { readonly region: string }) => Effect.Effect<Team, TeamErrors>
    /** A child team, by the admin of the parent (or of a team above it). */
    readonly createChild: (actor: Actor, parentId: string, team: NewTeam) => Effect.Effect<Team, TeamErrors>
    /** Hands a team's admin role to another active manager (exactly one admin per team, always). */
    readonly setAdmin: (actor: Actor, teamId: string, adminId: string) => Effect.Effect<Team, TeamErrors>
    /**
     * Puts a manager in a team (joining, or moving from their current team), or takes them out with
     * `null`. The actor must administer both the team left and the team joined.
     */
    readonly setMember: (actor: Actor, managerId: string, teamId: string | null) => Effect.Effect<Manager, TeamErrors>
    /** The members of a team the actor may see the managers of. */
    readonly members: (actor: Actor, teamId: string) => Effect.Effect<ReadonlyArray<Manager>, NotFound | Forbidden | StorageError>
  } & TeamAdminOps
>()("@winback/core/TeamService") {
  /**
   * The live implementation.
   *
   * @example
   * ```ts
   * TeamService.layer.pipe(Layer.provide(Actors.layer), Layer.provide(AuditTrail.layer), Layer.provide(Permissions.layer()))
   * ```
   */
  static readonly layer: Layer.Layer<TeamService, never, Transactions | TeamStore | ManagerStore | StaffDirectory | Actors | Permissions | AuditTrail> = serviceLayer(
    TeamService,
    { tx: Transactions, teams: TeamStore, managers: ManagerStore, staff: StaffDirectory, actors: Actors, perms: Permissions, trail: AuditTrail },
    ({ tx, teams, managers, staff, actors, perms, trail }) => Effect.gen(function* () {
      /** A team or membership change: one transaction, then the cached org (if any) is refreshed. */
      const changeOrg = <A, E, R>(change: Effect.Effect<A, E, R>) => Effect.ensuring(tx.transaction(change), actors.invalidate)

      /** Admins and new members must be active staff of the host. */
      const activeStaff = (actor: Actor, action: string, id: string) =>
        Effect.flatMap(staff.get(id), (m) =>
          m.active ? Effect.succeed(m) : Effect.fail(new Forbidden({ actorId: actor.id, action, resource: `manager:${id}`, reason: "the manager is not active" }))
        )

      const auditTeam = (actor: Actor, action: string, before: Team | null, after: Team) =>
        trail.record(actor, { action, category: "team", recordType: "Team", recordId: after.id, customerId: null, before, after })

      const createRoot = Effect.fn("TeamService.createRoot")(function* (actor: Actor, input: NewTeam & { readonly region: string }) {
        const t = yield* decode(NewTeam.extend({ region: z.string().min(1).max(100) }), input, "team")
        yield* perms.require(actor, Actions.teamCreateRoot, { type: "none" })
        yield* activeStaff(actor, Actions.teamCreateRoot, t.adminId)
        const team: Team = { id: t.id, name: t.name, region: t.region, parentId: null, adminId: t.adminId, version: 1 }
        return yield* changeOrg(
          Effect.gen(function* () {
            const created = yield* teams.insert(team)
            yield* auditTeam(actor, "team.create", null, created)
            return created
          })
        )
      })

      const createChild = Effect.fn("TeamService.createChild")(function* (actor: Actor, parentId: string, input: NewTeam) {
        const t = yield* decode(NewTeam, input, "team")
        return yield* changeOrg(
          Effect.gen(function* () {
            const parent = yield* teams.get(parentId)
            yield* perms.require(actor, Actions.teamCreateChild, { type: "team", team: parent })
            yield* activeStaff(actor, Actions.teamCreateChild, t.adminId)
            const created = yield* teams.insert({ id: t.id, name: t.name, region: t.region ?? parent.region, parentId, adminId: t.adminId, version: 1 })
            yield* auditTeam(actor, "team.create", null, created)
            return created
          })
        )
      })

      const setAdmin = Effect.fn("TeamService.setAdmin")(function* (actor: Actor, teamId: string, adminId: string) {
        const id = yield* decode(Id, adminId, "admin id")
        return yield* changeOrg(
          Effect.gen(function* () {
            const before = yield* teams.get(teamId)
            yield* perms.require(actor, Actions.teamSetAdmin, { type: "team", team: before })
            yield* activeStaff(actor, Actions.teamSetAdmin, id)
            if (before.adminId === id) return before
            const after = yield* teams.update({ ...before, adminId: id }, before.version)
            yield* auditTeam(actor, "team.set-admin", before, after)
            return after
          })
        )
      })

      const setMember = Effect.fn("TeamService.setMember")(function* (actor: Actor, managerId: string, teamId: string | null) {
        const target = yield* decode(Id.nullable(), teamId, "team id")
        const person = yield* staff.get(managerId)
        return yield* changeOrg(
          Effect.gen(function* () {
            const kept = yield* managers.get(managerId).pipe(
              Effect.map((m): Manager | undefined => m),
              Effect.catchTag("NotFound", () => Effect.succeed(undefined))
            )
            const from = kept?.teamId ?? null
            if (from === target && kept) return kept
            if (target !== null) {
              const team = yield* teams.get(target)
              yield* perms.require(actor, Actions.teamMaintainMembers, { type: "team", team })
              if (!person.active) yield* activeStaff(actor, Actions.teamMaintainMembers, managerId)
            }
            if (from !== null) yield* perms.require(actor, Actions.teamMaintainMembers, { type: "team", team: { id: from } })
            const at = yield* nowIso
            const detail = `${from ?? "(no team)"} -> ${target ?? "(no team)"}`
            const base: Manager = kept ? { ...kept, name: person.name, roles: person.roles, region: person.region, active: person.active } : { ...person, version: 1 }
            const next: Manager = {
              ...base,
              teamId: target,
              profile: { ...base.profile, workHistory: [...base.profile.workHistory, { at, kind: from === null ? "joined" : "team-move", detail }] }
            }
            const after = kept ? yield* managers.update(next, kept.version) : yield* managers.insert(next)
            yield* trail.record(actor, {
              action: target === null ? "team.member.remove" : from === null ? "team.member.add" : "team.member.move",
              category: "team",
              recordType: "Manager",
              recordId: managerId,
              customerId: null,
              before: { teamId: from },
              after: { teamId: target },
              note: detail
            })
            return after
          })
        )
      })

      const members = Effect.fn("TeamService.members")(function* (actor: Actor, teamId: string) {
        const team = yield* teams.get(teamId)
        yield* perms.require(actor, Actions.managerRead, { type: "team", team })
        const out: Array<Manager> = []
        let cursor: string | null = null
        do {
          const page: Page<Manager> = yield* managers.list({ teamIds: [team.id] }, { limit: 1000, cursor })
          out.push(...page.items)
          cursor = page.nextCursor
        } while (cursor)
        return out
      })

      const admin = teamAdminOps({ teams, managers, perms, trail, changeOrg })
      return TeamService.of({ list: actors.teams, createRoot, createChild, setAdmin, setMember, members, ...admin })
    })
  )
}
