/**
 * The building blocks of the conformance suite's per-aggregate files: running effects, reading every
 * page, opening storage per group, and the tests every versioned entity store passes (create, read,
 * versioned update, pagination and the update race) driven by one {@link EntityCase} per store.
 */
import { Effect, Exit } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Conflict, type EntityStore, NotFound, type Page, type Stores } from "@winback/core"
import type { ConformanceTarget } from "./target"
import { OPEN_TIMEOUT_MS } from "./timeouts"

/**
 * One aggregate's part of the conformance suite: its entity stores (run through {@link entitySuite}),
 * its tests inside the shared "list filters" group, and its own groups of tests.
 *
 * @example
 * ```ts
 * export const offerConformance: AggregateSuite = { entities: [offerCase], filters: (stores) => { it("...", ...) } }
 * ```
 */
export interface AggregateSuite {
  /** The aggregate's versioned entity stores. */
  readonly entities: ReadonlyArray<EntityCase<any, any>>
  /** Registers its tests in the "list filters" group; `stores` is that group's one storage. */
  readonly filters?: (stores: () => Stores) => void
  /** Registers its own groups (`describe`s); each opens fresh storage through `useStorage`. */
  readonly groups?: (target: ConformanceTarget) => void
}

/** Runs an effect that must succeed. */
export const run = <A, E>(eff: Effect.Effect<A, E>): Promise<A> => Effect.runPromise(eff)
/** Runs an effect that must fail with a typed error, and answers that error. */
export const fail = async <A, E>(eff: Effect.Effect<A, E>): Promise<E> => {
  const exit = await Effect.runPromiseExit(eff)
  if (Exit.isSuccess(exit)) throw new Error(`expected a failure, got ${JSON.stringify(exit.value)}`)
  return Effect.runPromise(Effect.flip(eff as Effect.Effect<A, E>)).catch(() => {
    throw new Error("the effect failed with a defect, not a typed error")
  })
}

/** Reads every page of a list. */
export const allPages = async <A>(read: (cursor: string | null) => Effect.Effect<Page<A>, unknown>): Promise<Array<A>> => {
  const out: Array<A> = []
  let cursor: string | null = null
  for (let i = 0; i < 1000; i++) {
    const page: Page<A> = await run(read(cursor))
    out.push(...page.items)
    if (!page.nextCursor) return out
    cursor = page.nextCursor
  }
  throw new Error("pagination did not end")
}

/** Opens storage for a describe block and closes it after. */
export const useStorage = (target: ConformanceTarget): (() => Stores) => {
  let opened: { stores: Stores; close: () => Promise<void> } | undefined
  beforeAll(async () => {
    opened = await target.open()
  }, OPEN_TIMEOUT_MS)
  afterAll(async () => {
    await opened?.close()
  }, OPEN_TIMEOUT_MS)
  return () => {
    if (!opened) throw new Error("storage not open")
    return opened.stores
  }
}

/** One versioned entity store as the generic tests drive it: how to make, identify, order and change its records. */
export interface EntityCase<A extends { readonly id: string; readonly version: number }, F> {
  readonly name: string
  readonly store: (s: Stores) => EntityStore<A, F>
  readonly make: (i: number) => A
  /** The documented order, written independently of the adapters (default: by id, in byte order). */
  readonly compare?: (a: A, b: A) => number
  /** A change to write with `update`. */
  readonly change: (a: A) => A
}

/** Byte order of two strings: the order every adapter lists text keys in. */
export const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/** The tests every versioned entity store passes: create, read, versioned update, pagination, the update race. */
export const entitySuite = <A extends { readonly id: string; readonly version: number }, F>(target: ConformanceTarget, c: EntityCase<A, F>) =>
  describe(c.name, () => {
    const id = (a: A) => a.id
    // The empty filter matches every record of every store.
    const all = {} as F
    const compare = c.compare ?? ((a: A, b: A) => byText(a.id, b.id))
    const stores = useStorage(target)
    const records = Array.from({ length: 11 }, (_, i) => c.make(i))

    it("inserts and reads back records unchanged", async () => {
      for (const r of records) expect(await run(c.store(stores()).insert(r))).toEqual(r)
      expect(await run(c.store(stores()).get(id(records[3]!)))).toEqual(records[3])
    })

    it("refuses a second insert of an id with Conflict", async () => {
      const e = await fail(c.store(stores()).insert(records[0]!))
      expect(e).toBeInstanceOf(Conflict)
      expect((e as Conflict).kind).toBe("already-exists")
    })

    it("fails get of an unknown id with NotFound", async () => {
      const e = await fail(c.store(stores()).get("no-such-id"))
      expect(e).toBeInstanceOf(NotFound)
    })

    it("getMany keeps the order asked for and leaves out unknown ids", async () => {
      const ids = [id(records[5]!), "no-such-id", id(records[1]!)]
      expect((await run(c.store(stores()).getMany(ids))).map(id)).toEqual([id(records[5]!), id(records[1]!)])
    })

    it("lists every record exactly once, in the documented order, across pages", async () => {
      const expected = [...records].sort(compare).map(id)
      for (const limit of [1, 3, 4, 50]) {
        const got = await allPages((cursor) => c.store(stores()).list(all, { limit, cursor }))
        expect(got.map(id)).toEqual(expected)
      }
    })

    it("updates with the current version, storing version + 1", async () => {
      const current = await run(c.store(stores()).get(id(records[2]!)))
      const next = await run(c.store(stores()).update(c.change(current), current.version))
      expect(next.version).toBe(current.version + 1)
      expect(await run(c.store(stores()).get(id(records[2]!)))).toEqual(next)
    })

    it("refuses a stale update with Conflict and keeps the stored record", async () => {
      const current = await run(c.store(stores()).get(id(records[4]!)))
      await run(c.store(stores()).update(c.change(current), current.version))
      const stored = await run(c.store(stores()).get(id(records[4]!)))
      const e = await fail(c.store(stores()).update(c.change(current), current.version))
      expect(e).toBeInstanceOf(Conflict)
      // Callers retry by kind, never by message text.
      expect((e as Conflict).kind).toBe("stale-version")
      expect((e as Conflict).isRetryable).toBe(true)
      expect(await run(c.store(stores()).get(id(records[4]!)))).toEqual(stored)
    })

    it("fails update of an unknown id with NotFound", async () => {
      const ghost = c.make(999)
      const e = await fail(c.store(stores()).update(ghost, 1))
      expect(e).toBeInstanceOf(NotFound)
    })

    it("lets exactly one of 20 concurrent updates from the same version win", async () => {
      const current = await run(c.store(stores()).get(id(records[6]!)))
      const exits = await Promise.all(
        Array.from({ length: 20 }, () => Effect.runPromiseExit(c.store(stores()).update(c.change(current), current.version)))
      )
      expect(exits.filter(Exit.isSuccess)).toHaveLength(1)
      expect((await run(c.store(stores()).get(id(records[6]!)))).version).toBe(current.version + 1)
    })
  })
