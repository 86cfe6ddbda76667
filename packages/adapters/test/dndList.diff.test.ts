/**
 * The differential test of DND lists (`DndStore.list`): random customers, open work and DND
 * entries × random filters (channel, source, reason, status at an instant, customer name or phone,
 * scope with the open-work rule) → the memory adapter, PGlite and (when its URL is set) PostgreSQL
 * must page through the same entries, newest first, and that must be what a plain filter-and-sort
 * over the generated data gives.
 */
import { Effect } from "effect"
import { sql } from "drizzle-orm"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { type Customer, type DndEntry, type DndListFilter, dndStatusAt, type Stores, type WorkItem } from "@winback/core"
import { makeMemoryStores } from "../src/memory/MemoryStorage"
import type { OpenStorage } from "../src/pg/PgStorage"
import { fixtures } from "../src/testing/index"
import { differentialStorages } from "./support"

const channels = ["phone", "sms", "visit", "letter", "email"] as const
const sources = ["customer-request", "agent", "complaint", "regulator", "import", "system"] as const
const managers = ["m-1", "m-2", "m-3"]
const regions = ["beijing", "shanghai"]
const names = ["Li Wei", "LI NA", "王芳", "Zhang wei", "陈 Lily"]
const reasons = ["Asked not to be called", "complaint about SMS", "监管要求", "moved AWAY", "asked"]
const instants = ["2026-11-01T00:00:00.000Z", "2026-11-10T09:30:00.000Z", "2026-11-20T00:00:00.000Z", "2026-11-25T00:00:00.000Z", "2026-12-01T00:00:00.000Z"]

const customerArb = (i: number) =>
  fc
    .record({
      name: fc.constantFrom(...names),
      phones: fc.subarray([`+86138000000${i}0`, `0105555${i}1`, "+8613912345678"], { maxLength: 2 }),
      region: fc.constantFrom(...regions),
      ownerManagerId: fc.option(fc.constantFrom(...managers), { nil: null })
    })
    .map((r) => fixtures.customer(`dc-${i}`, r))

const entryArb = (i: number, customers: number) =>
  fc
    .record({
      customer: fc.integer({ min: 0, max: customers }), // `customers` itself: an entry of an unknown customer
      channel: fc.constantFrom(...channels),
      source: fc.constantFrom(...sources),
      reason: fc.constantFrom(...reasons),
      createdAt: fc.constantFrom(...instants.slice(0, 3)),
      expiresAt: fc.option(fc.constantFrom(...instants), { nil: null }),
      removedAt: fc.option(fc.constantFrom(...instants.slice(1)), { nil: null })
    })
    .map(({ customer, ...r }) => fixtures.dndEntry(`dnd-${String(i).padStart(3, "0")}`, { ...r, customerId: `dc-${customer}` }))

const dataArb = fc.integer({ min: 1, max: 8 }).chain((nc) =>
  fc.record({
    customers: fc.tuple(...Array.from({ length: nc }, (_, i) => customerArb(i))),
    entries: fc.integer({ min: 0, max: 30 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => entryArb(i, nc)))),
    // Open (or closed) work of a manager on a customer: holding open work puts the customer in scope.
    work: fc.array(fc.record({ customer: fc.integer({ min: 0, max: nc - 1 }), assigneeId: fc.constantFrom(...managers), state: fc.constantFrom("open" as const, "completed" as const) }), { maxLength: 4 })
  })
)

const filterArb: fc.Arbitrary<DndListFilter> = fc
  .record(
    {
      channels: fc.subarray([...channels], { minLength: 1 }),
      sources: fc.subarray([...sources], { minLength: 1 }),
      reason: fc.constantFrom("ASKED", "sms", "监管", "away", "nothing like it"),
      status: fc.constantFrom("active" as const, "expired" as const, "removed" as const),
      at: fc.constantFrom(...instants),
      customer: fc.constantFrom("li", "WEI", "王", "138", "5555", "lily", "nobody"),
      inScope: fc.record({ ownerManagerIds: fc.subarray(managers), unownedRegions: fc.subarray(regions), openWorkOf: fc.option(fc.subarray(managers), { nil: undefined }) }, { requiredKeys: ["ownerManagerIds", "unownedRegions"] })
    },
    { requiredKeys: ["at"] }
  )
  .map((f) => f as DndListFilter)

/** The list as the port's contract defines it, computed without any adapter. */
const oracle = (customers: ReadonlyArray<Customer>, work: ReadonlyArray<WorkItem>, entries: ReadonlyArray<DndEntry>, f: DndListFilter): Array<string> => {
  const byId = new Map(customers.map((c) => [c.id, c]))
  const lower = (s: string) => s.replace(/[A-Z]/g, (ch) => ch.toLowerCase())
  const inScope = (c: Customer) =>
    f.inScope === undefined ||
    (c.ownerManagerId !== null ? f.inScope.ownerManagerIds.includes(c.ownerManagerId) : f.inScope.unownedRegions.includes(c.region)) ||
    work.some((w) => w.customerId === c.id && w.state === "open" && w.assigneeId !== null && (f.inScope!.openWorkOf ?? []).includes(w.assigneeId))
  const found = (c: Customer) => f.customer === undefined || lower(c.name).includes(lower(f.customer)) || c.phones.some((p) => p.includes(lower(f.customer!)))
  return entries
    .filter((e) => {
      const c = byId.get(e.customerId)
      return (
        (f.channels === undefined || f.channels.includes(e.channel)) &&
        (f.sources === undefined || f.sources.includes(e.source)) &&
        (f.reason === undefined || lower(e.reason).includes(lower(f.reason))) &&
        (f.status === undefined || dndStatusAt(e, f.at!) === f.status) &&
        (f.inScope === undefined && f.customer === undefined ? true : c !== undefined && inScope(c) && found(c))
      )
    })
    .sort((a, b) => (a.createdAt > b.createdAt ? -1 : a.createdAt < b.createdAt ? 1 : a.id > b.id ? -1 : 1))
    .map((e) => e.id)
}

/** Every page of the filter, `limit` at a time, as lists of ids. */
const pages = (stores: Stores, f: DndListFilter, limit: number) =>
  Effect.runPromise(
    Effect.gen(function* () {
      const out: Array<ReadonlyArray<string>> = []
      let cursor: string | null = null
      do {
        const page: { items: ReadonlyArray<DndEntry>; nextCursor: string | null } = yield* stores.dnd.list(f, { limit, cursor })
        out.push(page.items.map((e) => e.id))
        cursor = page.nextCursor
      } while (cursor !== null && out.length < 100)
      return out
    })
  )

const load = async (stores: Stores, customers: ReadonlyArray<Customer>, work: ReadonlyArray<WorkItem>, entries: ReadonlyArray<DndEntry>) => {
  await Effect.runPromise(stores.customers.upsertCustomers(customers))
  if (work.length) await Effect.runPromise(stores.workItems.insertMany(work))
  for (const e of entries) await Effect.runPromise(stores.dnd.add(e))
}

const truncate = (s: OpenStorage) => s.run((db) => db.execute(sql`truncate dnd_entries, customers, work_items`))

describe("DND lists: memory = PGlite = PostgreSQL", () => {
  const storages = differentialStorages()

  it("page through the same entries, newest first, for every filter", async () => {
    await fc.assert(
      fc.asyncProperty(dataArb, fc.array(filterArb, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 7 }), async ({ customers, entries, work }, filters, limit) => {
        const items = work.map((w, i) => fixtures.workItem(`dw-${i}`, { customerId: `dc-${w.customer}`, assigneeId: w.assigneeId, state: w.state }))
        const memory = makeMemoryStores()
        await load(memory, customers, items, entries)
        const { lite, pg } = storages()
        await truncate(lite)
        await load(lite.stores, customers, items, entries)
        if (pg) {
          await truncate(pg)
          await load(pg.stores, customers, items, entries)
        }
        for (const f of [{}, ...filters]) {
          const expected = await pages(memory, f, limit)
          expect(expected.flat()).toEqual(oracle(customers, items, entries, f))
          expect(expected.slice(0, -1).every((p) => p.length === limit)).toBe(true)
          expect(await pages(lite.stores, f, limit)).toEqual(expected)
          if (pg) expect(await pages(pg.stores, f, limit)).toEqual(expected)
        }
      }),
      { numRuns: 40 }
    )
  }, 240_000)
})
