/**
 * The differential test of the unassigned pool (`WorkItemFilter.unassigned`): random work items ×
 * random pool filters (team, state, scope) → the memory adapter, PGlite and (when its URL is set)
 * PostgreSQL must page through the same items in the same order, and that order must be the one a
 * plain filter-and-sort over the generated items gives.
 */
import { Effect } from "effect"
import { sql } from "drizzle-orm"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { Stores, WorkItem, WorkItemFilter, WorkItemState } from "@winback/core"
import { makeMemoryStores } from "../src/memory/MemoryStorage"
import type { OpenStorage } from "../src/pg/PgStorage"
import { fixtures } from "../src/testing/index"
import { differentialStorages } from "./support"

const states: ReadonlyArray<WorkItemState> = ["open", "in-progress", "completed", "cancelled", "expired"]
const teams = ["team-a", "team-b", "team-c"]
const agents = ["m-1", "m-2"]
const instants = ["2026-11-01T00:00:00.000Z", "2026-11-01T09:30:00.000Z", "2026-11-02T00:00:00.000Z"]

const itemArb = (i: number) =>
  fc
    .record({
      assigneeId: fc.option(fc.constantFrom(...agents), { nil: null, freq: 2 }),
      teamId: fc.option(fc.constantFrom(...teams), { nil: null, freq: 6 }),
      state: fc.constantFrom(...states),
      urgency: fc.integer({ min: 1, max: 3 }),
      createdAt: fc.constantFrom(...instants)
    })
    .map((r) => fixtures.workItem(`wp-${String(i).padStart(3, "0")}`, { ...r, customerId: `c-${i % 5}` }))

const itemsArb = fc.integer({ min: 0, max: 40 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => itemArb(i))))

const filterArb: fc.Arbitrary<WorkItemFilter> = fc
  .record({
    teamIds: fc.option(fc.subarray(teams), { nil: undefined }),
    states: fc.option(fc.subarray([...states], { minLength: 1 }), { nil: undefined }),
    inScope: fc.option(fc.record({ assigneeIds: fc.subarray(agents), teamIds: fc.subarray(teams) }), { nil: undefined })
  })
  .map((r) => ({
    unassigned: true as const,
    ...(r.teamIds === undefined ? {} : { teamIds: r.teamIds }),
    ...(r.states === undefined ? {} : { states: r.states }),
    ...(r.inScope === undefined ? {} : { inScope: r.inScope })
  }))

/** The pool as the port's contract defines it, computed without any adapter. */
const oracle = (items: ReadonlyArray<WorkItem>, f: WorkItemFilter): Array<string> =>
  items
    .filter(
      (w) =>
        w.assigneeId === null &&
        (f.teamIds === undefined || (w.teamId !== null && f.teamIds.includes(w.teamId))) &&
        (f.states === undefined || f.states.includes(w.state)) &&
        (f.inScope === undefined || (w.teamId !== null && f.inScope.teamIds.includes(w.teamId)))
    )
    .sort((a, b) => a.urgency - b.urgency || (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1))
    .map((w) => w.id)

/** Every page of the filter, `limit` at a time, as lists of ids. */
const pages = (stores: Stores, f: WorkItemFilter, limit: number) =>
  Effect.runPromise(
    Effect.gen(function* () {
      const out: Array<ReadonlyArray<string>> = []
      let cursor: string | null = null
      do {
        const page: { items: ReadonlyArray<WorkItem>; nextCursor: string | null } = yield* stores.workItems.list(f, { limit, cursor })
        out.push(page.items.map((w) => w.id))
        cursor = page.nextCursor
      } while (cursor !== null && out.length < 100)
      return out
    })
  )

const truncate = (s: OpenStorage) => s.run((db) => db.execute(sql`truncate work_items`))

describe("unassigned pool: memory = PGlite = PostgreSQL", () => {
  const storages = differentialStorages()

  it("page through the same pool items in work-list order", async () => {
    await fc.assert(
      fc.asyncProperty(itemsArb, fc.array(filterArb, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 7 }), async (items, filters, limit) => {
        const memory = makeMemoryStores()
        if (items.length) await Effect.runPromise(memory.workItems.insertMany(items))
        const { lite, pg } = storages()
        await truncate(lite)
        if (items.length) await Effect.runPromise(lite.stores.workItems.insertMany(items))
        if (pg) {
          await truncate(pg)
          if (items.length) await Effect.runPromise(pg.stores.workItems.insertMany(items))
        }
        for (const f of filters) {
          const expected = await pages(memory, f, limit)
          expect(expected.flat()).toEqual(oracle(items, f))
          expect(expected.slice(0, -1).every((p) => p.length === limit)).toBe(true)
          expect(await pages(lite.stores, f, limit)).toEqual(expected)
          if (pg) expect(await pages(pg.stores, f, limit)).toEqual(expected)
        }
      }),
      { numRuns: 40 }
    )
  }, 240_000)
})
