/**
 * The acting person: a manager with their roles, team and the resolved extent of every reach.
 * Resolve one per request (or unit of work) with `Actors.resolve(managerId)`; every scoped
 * operation takes it, so what an operation can touch is decided by data, not by the endpoint.
 */
import { Context, Effect, Layer } from "effect"
import { Forbidden, type NotFound, type StorageError } from "../shared/Errors"
import type { Manager, Role } from "./Manager"
import { StaffDirectory } from "../ports/HostDirectories"
import { ManagerStore } from "./ManagerStore"
import { TeamStore } from "./TeamStore"
import { allScope, emptyScope, type Reach, type ScopeSet } from "./Scope"
import { subtreeOf, type Team } from "./Team"
import { serviceLayer } from "../shared/ServiceLayer"
import { readAllPages } from "../shared/ReadAll"

/**
 * The reaches that resolve to a set (every reach but `none`).
 *
 * @example
 * ```ts
 * const r: ResolvedReach = "subtree"
 * actor.scopes[r].teamIds
 * ```
 */
export type ResolvedReach = Exclude<Reach, "none">

/**
 * An acting person with the resolved extent of each reach.
 *
 * @example
 * ```ts
 * const actor = yield* (yield* Actors).resolve("m-leader")
 * actor.scopes.team.managerIds // the leader and the members of their team
 * ```
 */
export interface Actor {
  readonly id: string
  readonly name: string
  readonly roles: ReadonlyArray<Role>
  readonly teamId: string | null
  readonly region: string
  readonly scopes: { readonly [R in ResolvedReach]: ScopeSet }
}

/**
 * A team member as scope resolution needs it.
 *
 * @example
 * ```ts
 * const m: Membership = { id: "m-1", teamId: "t-north" }
 * ```
 */
export interface Membership {
  readonly id: string
  readonly teamId: string | null
}

const scopeOverTeams = (teamIds: ReadonlyArray<string>, teams: ReadonlyMap<string, Team>, members: ReadonlyArray<Membership>, selfId: string): ScopeSet => {
  const set = new Set(teamIds)
  return {
    all: false,
    managerIds: [...new Set([selfId, ...members.filter((m) => m.teamId !== null && set.has(m.teamId)).map((m) => m.id)])].sort(),
    teamIds: [...set].sort(),
    poolRegions: [...new Set(teamIds.flatMap((id) => (teams.has(id) ? [teams.get(id)!.region] : [])))].sort()
  }
}

/**
 * The team ids each reach of `manager` covers, given every team. Pure: used by {@link buildActor}
 * and by `Actors` to know which members to load.
 *
 * @example
 * ```ts
 * reachTeams(manager, teams).subtree // ["t-beijing", "t-north", "t-south"]
 * ```
 */
export const reachTeams = (
  manager: Pick<Manager, "id" | "teamId">,
  teams: ReadonlyArray<Team>
): { readonly team: ReadonlyArray<string>; readonly subtree: ReadonlyArray<string>; readonly administered: ReadonlyArray<string> } => {
  const own = manager.teamId !== null && teams.some((t) => t.id === manager.teamId) ? [manager.teamId] : []
  return {
    team: own,
    subtree: own.length ? subtreeOf(teams, own[0]!) : [],
    administered: [...new Set(teams.filter((t) => t.adminId === manager.id).flatMap((t) => subtreeOf(teams, t.id)))]
  }
}

/**
 * Builds an {@link Actor} from the manager, every team and the members of the teams in reach.
 * Pure, so permission tests need no storage.
 *
 * @example
 * ```ts
 * const actor = buildActor(manager, teams, members)
 * ```
 */
export const buildActor = (
  manager: Pick<Manager, "id" | "name" | "roles" | "teamId" | "region">,
  teams: ReadonlyArray<Team>,
  members: ReadonlyArray<Membership>
): Actor => {
  const byId = new Map(teams.map((t) => [t.id, t]))
  const reach = reachTeams(manager, teams)
  return {
    id: manager.id,
    name: manager.name,
    roles: [...manager.roles],
    teamId: manager.teamId,
    region: manager.region,
    scopes: {
      self: { ...emptyScope, managerIds: [manager.id] },
      team: scopeOverTeams(reach.team, byId, members, manager.id),
      subtree: scopeOverTeams(reach.subtree, byId, members, manager.id),
      administered: scopeOverTeams(reach.administered, byId, members, manager.id),
      all: allScope
    }
  }
}

/**
 * Every page of a keyset-paged read, in order (org-sized lists: teams, managers).
 *
 * @example
 * ```ts
 * const teams = yield* readAll((page) => teamStore.list({}, page))
 * ```
 */
export const readAll = readAllPages

/**
 * The team tree and who belongs to which team: what scope resolution reads besides the person.
 *
 * @example
 * ```ts
 * const org: OrgSnapshot = { teams: [], memberships: new Map([["m-1", "t-north"]]) }
 * ```
 */
export interface OrgSnapshot {
  readonly teams: ReadonlyArray<Team>
  /** Every manager Winback keeps, by id, with their team (`null`: in no team). */
  readonly memberships: ReadonlyMap<string, string | null>
}

/**
 * Options of {@link Actors.cached}.
 *
 * @example
 * ```ts
 * const options: OrgCacheOptions = { ttlMs: 2000 }
 * ```
 */
export interface OrgCacheOptions {
  /** How long a loaded {@link OrgSnapshot} is used before it is read again (ms). */
  readonly ttlMs: number
  /** The clock (tests move it). Default: `Date.now`. */
  readonly now?: () => number
}

type ActorsService = {
  /** The actor for `managerId`; `Forbidden` when inactive, `NotFound` when unknown to the staff directory. */
  readonly resolve: (managerId: string) => Effect.Effect<Actor, NotFound | Forbidden | StorageError>
  /** Every team of the tree (small: a tree per region). */
  readonly teams: () => Effect.Effect<ReadonlyArray<Team>, StorageError>
  /**
   * Forgets any cached team tree and memberships, so the next `resolve` reads them again. Called
   * after every team and membership change made through Winback; a no-op without a cache.
   */
  readonly invalidate: Effect.Effect<void>
}

const inactive = (managerId: string) =>
  new Forbidden({ actorId: managerId, action: "act", resource: `manager:${managerId}`, reason: "the manager is not active" })

/**
 * Resolves acting persons. Identity, roles and activity come from the host's `StaffDirectory`;
 * team membership from Winback's `ManagerStore` (Winback keeps the team tree). An inactive or
 * unknown manager cannot act.
 *
 * @example
 * ```ts
 * const actor = yield* (yield* Actors).resolve("m-1")
 * ```
 */
export class Actors extends Context.Service<Actors, ActorsService>()("@winback/core/Actors") {
  /**
   * The live implementation over the staff directory and the manager and team stores: every
   * `resolve` reads the person, their team, every team and the members of the teams in reach.
   *
   * @example
   * ```ts
   * Actors.layer.pipe(Layer.provide(storesLayer(stores)), Layer.provide(directoriesFromStores))
   * ```
   */
  static readonly layer: Layer.Layer<Actors, never, StaffDirectory | ManagerStore | TeamStore> = serviceLayer(
    Actors,
    { staff: StaffDirectory, managers: ManagerStore, teamStore: TeamStore },
    ({ staff, managers, teamStore }) => Effect.gen(function* () {
      const teams = () => readAllPages((page) => teamStore.list({}, page))
      const resolve = Effect.fn("Actors.resolve")(function* (managerId: string) {
        const person = yield* staff.get(managerId)
        if (!person.active) return yield* inactive(managerId)
        const kept = yield* managers.get(managerId).pipe(
          Effect.map((m): Manager | undefined => m),
          Effect.catchTag("NotFound", () => Effect.succeed(undefined))
        )
        const manager = { ...person, teamId: kept?.teamId ?? null }
        const all = yield* teams()
        const reach = reachTeams(manager, all)
        const wanted = [...new Set([...reach.team, ...reach.subtree, ...reach.administered])]
        const members = wanted.length === 0 ? [] : yield* readAllPages((page) => managers.list({ teamIds: wanted }, page))
        return buildActor(manager, all, members)
      })
      return Actors.of({ resolve, teams, invalidate: Effect.void })
    })
  )

  /**
   * Like {@link Actors.layer}, but the team tree and the memberships (the {@link OrgSnapshot}) are
   * read once and kept for `ttlMs`, so a `resolve` reads only the person from the staff directory:
   * roles and activity stay exact on every call (a deactivated manager is refused at once), while
   * team changes made through Winback (`TeamService`, the facade's manager and team writes) call
   * `invalidate` and take effect on the next call. Changes written around Winback (another
   * process, a direct store write in an Effect program) are seen after at most `ttlMs`, or at once
   * after `yield* (yield* Actors).invalidate`. Concurrent calls share one load.
   *
   * @example
   * ```ts
   * const winback = await createWinback({ storage, orgCache: { ttlMs: 2000 } }) // uses Actors.cached
   * ```
   */
  static readonly cached = (options: OrgCacheOptions): Layer.Layer<Actors, never, StaffDirectory | ManagerStore | TeamStore> =>
    Layer.effect(
      Actors,
      Effect.gen(function* () {
        const staff = yield* StaffDirectory
        const managers = yield* ManagerStore
        const teamStore = yield* TeamStore
        const now = options.now ?? Date.now
        const load: Effect.Effect<OrgSnapshot, StorageError> = Effect.gen(function* () {
          const teams = yield* readAllPages((page) => teamStore.list({}, page))
          const everyone = yield* readAllPages((page) => managers.list({}, page))
          return { teams, memberships: new Map(everyone.map((m) => [m.id, m.teamId])) }
        })
        // One load per generation: `invalidate` starts a new generation, so a load that began
        // before a change is never kept after it.
        let generation = 0
        let current: { readonly generation: number; readonly expiresAt: number; readonly snapshot: Effect.Effect<OrgSnapshot, StorageError> } | undefined
        const snapshot = Effect.gen(function* () {
          const at = now()
          if (current !== undefined && current.generation === generation && at < current.expiresAt) return yield* current.snapshot
          const mine = { generation, expiresAt: at + options.ttlMs, snapshot: yield* Effect.cached(load) }
          current = mine
          // A failed load is not kept: the next call reads again.
          return yield* Effect.tapError(mine.snapshot, () =>
            Effect.sync(() => {
              if (current === mine) current = undefined
            })
          )
        })
        const resolve = Effect.fn("Actors.resolve")(function* (managerId: string) {
          const person = yield* staff.get(managerId)
          if (!person.active) return yield* inactive(managerId)
          const org = yield* snapshot
          const manager = { ...person, teamId: org.memberships.get(managerId) ?? null }
          const reach = reachTeams(manager, org.teams)
          const wanted = new Set([...reach.team, ...reach.subtree, ...reach.administered])
          const members: Array<Membership> = []
          if (wanted.size > 0) for (const [id, teamId] of org.memberships) if (teamId !== null && wanted.has(teamId)) members.push({ id, teamId })
          return buildActor(manager, org.teams, members)
        })
        const invalidate = Effect.sync(() => {
          generation++
        })
        return Actors.of({ resolve, teams: () => Effect.map(snapshot, (org) => org.teams), invalidate })
      })
    )
}
