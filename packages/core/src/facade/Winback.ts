/**
 * The Promise facade for hosts that do not use Effect: `createWinback({ storage })` builds one
 * managed runtime over the chosen adapters and exposes every port as plain async methods. Failures
 * reject with the same error classes the Effect API fails with (`ValidationError`, `NotFound`,
 * `Conflict`, `Forbidden`, `StorageError`).
 */
import { Effect, Layer, ManagedRuntime } from "effect"
import { type Actor, Actors, type OrgCacheOptions } from "../org/Actor"
import { checkPeerVersions } from "../shared/PeerVersions"
import { type ActorSession, type ScopeServices, scopeLayer, sessionFor } from "./ActorSession"
import type { StorageError } from "../shared/Errors"
import type { PermissionPolicy } from "../org/Permissions"
import { directoriesFromStores } from "../ports/defaultDirectories"
import { CustomerDirectory, StaffDirectory, UsageHistoryReader } from "../ports/HostDirectories"
import { currentStores, type StoragePorts, type Stores } from "../ports/Stores"
import { emptyScope } from "../org/Scope"
import { loggedCall, type ObservabilityOptions, observabilityLayer } from "./Observability"

/** An object whose Effect-returning methods return Promises instead (recursively). */
export type Promisified<T> = {
  readonly [K in keyof T]: T[K] extends (...args: infer P) => Effect.Effect<infer A, infer _E, infer _R>
    ? (...args: P) => Promise<A>
    : T[K] extends object
      ? Promisified<T[K]>
      : T[K]
}

/** The host read ports. */
export type HostPorts = CustomerDirectory | StaffDirectory | UsageHistoryReader

/** Every service a Winback runtime provides. */
export type WinbackServices = StoragePorts | HostPorts | ScopeServices

/** Options of {@link createWinback}. */
export interface WinbackOptions extends ObservabilityOptions {
  /** The storage adapter, e.g. `PgliteStorage.layer({ dataDir })` or `MemoryStorage.layer()`. */
  readonly storage: Layer.Layer<StoragePorts, StorageError>
  /**
   * The host's read ports over its own data. Default: over Winback's own stores (for hosts that
   * feed customers, staff and usage in daily batches).
   */
  readonly directories?: Layer.Layer<HostPorts, never, StoragePorts>
  /** Who may do what (default: `defaultPolicy`, DOMAIN §1). See docs/permissions.md. */
  readonly policy?: PermissionPolicy
  /**
   * Keep the team tree and memberships in memory for `ttlMs` when resolving actors (see
   * `Actors.cached`): a busy server then reads only the person per call. Team changes made through
   * this Winback take effect at once; changes written by another process after at most `ttlMs`.
   * Default: none (every call reads the tree).
   */
  readonly orgCache?: OrgCacheOptions
}

/**
 * The operations of one acting person as async methods. Each call resolves the actor afresh
 * (roles from the staff directory, team and scope as of that moment), so a move or a role change
 * takes effect on the next call.
 */
export type ScopedWinback = Promisified<Omit<ActorSession, "actor">> & {
  /** The resolved actor (roles, team, the managers and teams of each reach). */
  readonly actor: () => Promise<Actor>
}

/** A running Winback: promisified ports, a way to run Effect programs, and `dispose()`. */
export interface Winback {
  /** Every storage port, as async methods. */
  readonly stores: Promisified<Omit<Stores, "transactions">>
  /** The host read ports, as async methods. */
  readonly directories: Promisified<{
    readonly customers: CustomerDirectory["Service"]
    readonly staff: StaffDirectory["Service"]
    readonly usage: UsageHistoryReader["Service"]
  }>
  /**
   * The store operations, audit trail, allocation and team maintenance as `managerId` may use them:
   * lists carry their scope into the store query, out-of-scope reads answer `NotFound`,
   * out-of-scope writes reject with `Forbidden`, and every write is audited in its transaction.
   */
  readonly as: (managerId: string) => ScopedWinback
  /** Runs an Effect program against this runtime's services; rejects with its typed error. */
  readonly run: <A, E>(effect: Effect.Effect<A, E, WinbackServices>, options?: { readonly signal?: AbortSignal }) => Promise<A>
  /** Closes the storage and releases every resource. Idempotent. */
  readonly dispose: () => Promise<void>
}

const promisify = <T extends object>(service: T, run: <A, E>(e: Effect.Effect<A, E>) => Promise<A>): Promisified<T> => {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(service)) {
    out[k] =
      typeof v === "function"
        ? (...args: Array<unknown>) => {
            const r = (v as (...a: Array<unknown>) => unknown)(...args)
            return Effect.isEffect(r) ? run(r as Effect.Effect<unknown, unknown>) : Promise.resolve(r)
          }
        : v !== null && typeof v === "object"
          ? promisify(v, run)
          : v
  }
  return out as Promisified<T>
}

/**
 * Starts Winback over the given storage and returns its Promise facade.
 *
 * @example
 * ```ts
 * import { createWinback } from "@winback/core"
 * import { PgliteStorage } from "@winback/adapters"
 *
 * const winback = await createWinback({ storage: PgliteStorage.layer({ dataDir: ".data/winback" }) })
 * const page = await winback.stores.workItems.list({ assigneeId: "m-1", states: ["open"] }, { limit: 20 })
 * // Acting for a person: scope in every query, Forbidden / NotFound outside it, every write audited.
 * const mine = await winback.as("m-1").workItems.list({ states: ["open"] })
 * await winback.dispose()
 * ```
 */
export const createWinback = async (options: WinbackOptions): Promise<Winback> => {
  checkPeerVersions()
  const ports = Layer.provideMerge(options.directories ?? directoriesFromStores, options.storage)
  const layer = Layer.provideMerge(scopeLayer(options.policy, { orgCache: options.orgCache }), ports)
  const runtime = ManagedRuntime.make(Layer.provideMerge(layer, observabilityLayer(options)))
  const run = <A, E>(effect: Effect.Effect<A, E, WinbackServices>, o?: { readonly signal?: AbortSignal }) =>
    runtime.runPromise(options.logger ? loggedCall(effect) : effect, o?.signal ? { signal: o.signal } : undefined)
  const services = await run(
    Effect.gen(function* () {
      // The facade runs each call in its own transaction; `transactions` is for Effect programs.
      const { transactions: _transactions, ...stores } = yield* currentStores
      return {
        stores,
        actors: yield* Actors,
        // The shape of a session (method names only): built once for an actor that reaches nothing.
        sessionShape: yield* sessionFor({
          id: "-",
          name: "-",
          roles: [],
          teamId: null,
          region: "-",
          scopes: { self: emptyScope, team: emptyScope, subtree: emptyScope, administered: emptyScope, all: emptyScope }
        }),
        directories: { customers: yield* CustomerDirectory, staff: yield* StaffDirectory, usage: yield* UsageHistoryReader }
      }
    })
  ).catch(async (e: unknown) => {
    await runtime.dispose()
    throw e
  })
  let disposed: Promise<void> | undefined
  const as = (managerId: string): ScopedWinback => {
    const session = Effect.flatMap(services.actors.resolve(managerId), sessionFor)
    const out: Record<string, unknown> = { actor: () => run(services.actors.resolve(managerId)) }
    for (const [group, methods] of Object.entries(services.sessionShape)) {
      if (group === "actor" || methods === null || typeof methods !== "object") continue
      const bound: Record<string, unknown> = {}
      for (const name of Object.keys(methods)) {
        bound[name] = (...args: Array<unknown>) =>
          run(
            Effect.flatMap(session, (s) => {
              const r = ((s as unknown as Record<string, Record<string, (...a: Array<unknown>) => unknown>>)[group]![name]!)(...args)
              return r as Effect.Effect<unknown, unknown>
            })
          )
      }
      out[group] = bound
    }
    return out as ScopedWinback
  }
  // Team and membership writes through the facade refresh the cached org at once.
  const orgWrites = new Set(["managers", "teams"])
  const isRead = (method: string) => /^(get|list|count)/.test(method)
  const runInvalidating = <A, E>(effect: Effect.Effect<A, E, WinbackServices>) => run(Effect.ensuring(effect, services.actors.invalidate))
  const stores = promisify(services.stores, run)
  for (const group of orgWrites) {
    const raw = (services.stores as unknown as Record<string, Record<string, unknown>>)[group]!
    const wrapped = promisify(raw, runInvalidating) as Record<string, unknown>
    const target = (stores as unknown as Record<string, Record<string, unknown>>)[group]!
    for (const method of Object.keys(target)) if (!isRead(method)) target[method] = wrapped[method]
  }
  return {
    as,
    stores,
    directories: promisify(services.directories, run),
    run,
    dispose: () => (disposed ??= runtime.dispose())
  }
}
