/**
 * The in-memory database behind the memory stores: plain maps of immutable records, one lock,
 * and transactions that snapshot a table on first write and restore it on failure.
 */
import { Context, Effect, Exit } from "effect"
// `Semaphore` through the namespace: a host on effect 3 (which has no such export) then gets
// @winback/core's peer version message instead of a link error (see core's PeerVersions.ts).
import * as effect from "effect"

const InMemoryTx = Context.Reference<MemoryDb | undefined>("@winback/adapters/InMemoryTx", { defaultValue: () => undefined })

/**
 * Tables of records keyed by id, with transactional snapshots: the database behind
 * {@link makeMemoryStores}, shareable between store sets.
 *
 * @example
 * ```ts
 * const db = new MemoryDb()
 * const stores = makeMemoryStores(db)
 * ```
 */
export class MemoryDb {
  private readonly tables = new Map<string, Map<string, unknown>>()
  private snapshots: Map<string, Map<string, unknown>> | undefined
  private readonly lock = effect.Semaphore.makeUnsafe(1)
  private counters = new Map<string, number>()

  /** The table `name` (created empty on first use). */
  table<A>(name: string): ReadonlyMap<string, A> {
    let t = this.tables.get(name)
    if (!t) {
      t = new Map()
      this.tables.set(name, t)
    }
    return t as ReadonlyMap<string, A>
  }

  /** Writes (or with `undefined`, deletes) one record, snapshotting the table first inside a transaction. */
  write<A>(name: string, key: string, value: A | undefined): void {
    const t = this.table<A>(name) as Map<string, A>
    if (this.snapshots && !this.snapshots.has(name)) this.snapshots.set(name, new Map(t))
    if (value === undefined) t.delete(key)
    else t.set(key, value)
  }

  /** A counter that only ever grows (sequences survive rollbacks, as in PostgreSQL). */
  next(counter: string): number {
    const n = (this.counters.get(counter) ?? 0) + 1
    this.counters.set(counter, n)
    return n
  }

  /** Runs a synchronous operation atomically (under the lock, unless already in a transaction). */
  op<A, E = never>(f: () => A | Effect.Effect<A, E>): Effect.Effect<A, E> {
    const run = Effect.suspend(() => {
      const r = f()
      return Effect.isEffect(r) ? r : Effect.succeed(r)
    })
    return Effect.flatMap(InMemoryTx, (tx) => (tx === this ? run : this.lock.withPermits(1)(run)))
  }

  /** Runs `effect` as one transaction: on failure, defect or interruption every table it wrote is restored. */
  transaction<A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> {
    return Effect.flatMap(InMemoryTx, (tx) => {
      if (tx === this) return effect
      return this.lock.withPermits(1)(
        Effect.suspend(() => {
          this.snapshots = new Map()
          return effect.pipe(
            Effect.provideService(InMemoryTx, this),
            Effect.onExit((exit) =>
              Effect.sync(() => {
                const snaps = this.snapshots!
                this.snapshots = undefined
                if (Exit.isFailure(exit)) for (const [name, snap] of snaps) this.tables.set(name, snap)
              })
            )
          )
        })
      )
    })
  }
}
