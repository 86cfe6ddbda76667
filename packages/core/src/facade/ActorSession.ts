/**
 * Everything one acting person may do, in one object: the scoped stores plus the audit trail,
 * allocation and team operations bound to the actor. `actingAs(managerId)` resolves the actor and
 * builds it; `scopeLayer(policy)` wires every scope service over the storage ports and the staff
 * directory. The Promise facade's `winback.as(managerId)` is this object, promisified.
 */
import { Effect, Layer } from "effect"
import { type Actor, Actors, type OrgCacheOptions } from "../org/Actor"
import { Allocation } from "../work/Allocation"
import { AuditTrail } from "../audit/AuditTrail"
import { defaultPolicy, type PermissionPolicy, Permissions } from "../org/Permissions"
import type { StaffDirectory } from "../ports/HostDirectories"
import type { StoragePorts } from "../ports/Stores"
import { ScopedStores, type ScopedView } from "./ScopedStores"
import { TeamService } from "../org/TeamService"

/** Drops the leading actor argument of every method of `T`. */
type Bound<T> = { readonly [K in keyof T]: T[K] extends (actor: Actor, ...args: infer P) => infer R ? (...args: P) => R : never }

/**
 * The operations of one acting person.
 *
 * @example
 * ```ts
 * const session = yield* actingAs("m-leader")
 * yield* session.allocation.customers({ ids: ["cust-1"], to: "m-2" })
 * const log = yield* session.audit.query({ categories: ["customer"] })
 * ```
 */
export interface ActorSession extends ScopedView {
  readonly audit: Bound<Omit<AuditTrail["Service"], "record">>
  readonly allocation: Bound<Allocation["Service"]>
  readonly teams: Bound<Omit<TeamService["Service"], "list">> & { readonly list: TeamService["Service"]["list"] }
}

const bind = <T extends object>(service: T, actor: Actor, keys: ReadonlyArray<keyof T>): Bound<T> => {
  const out: Record<string, unknown> = {}
  for (const k of keys) out[k as string] = (...args: Array<unknown>) => (service[k] as (...a: Array<unknown>) => unknown)(actor, ...args)
  return out as Bound<T>
}

/**
 * The session of an already resolved actor.
 *
 * @example
 * ```ts
 * const session = yield* sessionFor(actor)
 * ```
 */
export const sessionFor = (actor: Actor): Effect.Effect<ActorSession, never, ScopedStores | AuditTrail | Allocation | TeamService> =>
  Effect.gen(function* () {
    const view = (yield* ScopedStores).forActor(actor)
    const trail = yield* AuditTrail
    const allocation = yield* Allocation
    const teams = yield* TeamService
    return {
      ...view,
      audit: bind(trail, actor, ["note", "query", "verify"]),
      allocation: bind(allocation, actor, ["customers", "workItems"]),
      teams: { ...bind(teams, actor, ["createRoot", "createChild", "setAdmin", "setMember", "members", "rename", "setRoles", "setActive", "searchManagers"]), list: teams.list }
    } as ActorSession
  })

/**
 * Resolves `managerId` (fresh: roles, team and scope as of now) and returns their session.
 *
 * @example
 * ```ts
 * const page = yield* Effect.flatMap(actingAs("m-1"), (s) => s.workItems.list({ states: ["open"] }))
 * ```
 */
export const actingAs = (managerId: string) =>
  Effect.flatMap(Effect.flatMap(Actors, (a) => a.resolve(managerId)), sessionFor)

/**
 * Every scope service `scopeLayer` provides.
 *
 * @example
 * ```ts
 * const program: Effect.Effect<void, never, ScopeServices> = ...
 * ```
 */
export type ScopeServices = Permissions | Actors | AuditTrail | ScopedStores | Allocation | TeamService

/**
 * Every scope service over the storage ports and the staff directory, under `policy`. With
 * `options.orgCache` the team tree and memberships are cached for actor resolution
 * ({@link Actors.cached}); without it every resolution reads them ({@link Actors.layer}).
 *
 * @example
 * ```ts
 * const live = scopeLayer(defaultPolicy).pipe(Layer.provideMerge(directoriesFromStores), Layer.provideMerge(MemoryStorage.layer()))
 * const cached = scopeLayer(defaultPolicy, { orgCache: { ttlMs: 2000 } })
 * ```
 */
export const scopeLayer = (
  policy: PermissionPolicy = defaultPolicy,
  options: { readonly orgCache?: OrgCacheOptions | undefined } = {}
): Layer.Layer<ScopeServices, never, StoragePorts | StaffDirectory> => {
  const base = Layer.mergeAll(Permissions.layer(policy), options.orgCache ? Actors.cached(options.orgCache) : Actors.layer)
  const trail = AuditTrail.layer.pipe(Layer.provideMerge(base))
  return Layer.mergeAll(ScopedStores.layer, Allocation.layer, TeamService.layer).pipe(Layer.provideMerge(trail))
}
