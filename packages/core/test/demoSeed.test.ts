/**
 * seedDemoData writes the org, offers, customers, usage and events into any Stores; read back
 * through the stores they equal what the generator produced. Memory and PGlite.
 */
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { makeMemoryStores } from "../../adapters/src/memory/MemoryStorage"
import { type OpenStorage, PgliteStorage } from "../../adapters/src/pg/PgStorage"
import type { Stores } from "../src/ports/Stores"
import { applyDemoOutcomes, type DemoCustomer, generateDemo, seedDemoData } from "../src/demo/index"

const options = { seed: 4, customers: 200, asOf: "2026-11-25", patternRate: 0.5, outcomeRate: 0.5 } as const
const run = <A, E>(eff: Effect.Effect<A, E>): Promise<A> => Effect.runPromise(eff)

const suite = (name: string, open: () => Promise<{ stores: Stores; close: () => Promise<void> }>) =>
  describe(`seedDemoData on ${name}`, () => {
    let storage: { stores: Stores; close: () => Promise<void> }
    const demo = generateDemo(options)
    const generated: Array<DemoCustomer> = [...demo.chunks()].flatMap((c) => c.customers)
    beforeAll(async () => {
      storage = await open()
    }, 30_000)
    afterAll(async () => {
      await storage?.close()
    })

    it("writes everything in batches and reports counts and logins", async () => {
      const progress: Array<number> = []
      const summary = await seedDemoData(storage.stores, options, { batchSize: 64, onProgress: (n) => progress.push(n) })
      expect(progress).toEqual([64, 128, 192, 200])
      expect(summary).toEqual({
        teams: demo.org.teams.length,
        managers: demo.org.managers.length,
        offers: demo.offers.length,
        customers: 200,
        usageMonths: generated.reduce((s, c) => s + c.months.length, 0),
        usageDays: generated.reduce((s, c) => s + c.days.length, 0),
        events: generated.reduce((s, c) => s + c.events.length, 0),
        logins: demo.org.logins
      })
      expect(summary.usageDays).toBeGreaterThan(200 * 100)
      const s = storage.stores
      expect(await run(s.customers.count())).toBe(200)
      const roots = await run(s.teams.list({ parentId: null }, { limit: 100 }))
      expect(roots.items.map((t) => t.id).sort()).toEqual(["t-beijing", "t-chongqing", "t-urumqi"])
      const agent = await run(s.managers.get(summary.logins.agent))
      expect(agent.roles).toEqual(["agent"])
      const director = await run(s.managers.get(summary.logins.director))
      expect(director).toEqual(demo.org.managers.find((m) => m.id === summary.logins.director))
      const offers = await run(s.offers.list({ activeOnly: true }, { limit: 100 }))
      expect(offers.items.length).toBe(demo.offers.filter((o) => o.active).length)
      for (const c of [generated[0]!, ...generated.filter((g) => g.patterns.length > 0).slice(0, 5), ...generated.filter((g) => g.events.length > 0).slice(0, 3)]) {
        const id = c.customer.id
        expect(await run(s.customers.get(id))).toEqual(c.customer)
        expect(await run(s.customers.usageMonths(id, "2000-01", "2100-12"))).toEqual(c.months)
        expect(await run(s.customers.usageDays(id, "2000-01-01", "2100-12-31"))).toEqual(c.days)
        expect(await run(s.customers.events(id, "2000-01-01T00:00:00.000Z"))).toEqual(c.events)
      }
      const mine = await run(s.customers.list({ ownerManagerIds: [summary.logins.agent] }, { limit: 1000 }))
      expect(mine.items.map((c) => c.id)).toEqual(generated.filter((g) => g.customer.ownerManagerId === summary.logins.agent).map((g) => g.customer.id))
    }, 60_000)

    it("applies the outcomes due by a later date", async () => {
      const until = "2026-12-25"
      const due = generated.filter((g) => g.outcome !== null && g.outcome.kind !== "stays" && g.outcome.on <= until)
      expect(due.length).toBeGreaterThan(0)
      expect(await applyDemoOutcomes(storage.stores, options, { until })).toBe(due.length)
      for (const g of due) {
        const o = g.outcome!
        if (o.kind === "stays") continue
        const stored = await run(storage.stores.customers.get(g.customer.id))
        expect(stored.lineStatus).toBe(o.to)
        const events = await run(storage.stores.customers.events(g.customer.id, "2026-11-26T00:00:00.000Z"))
        expect(events.map((e) => [e.type, e.at.slice(0, 10)])).toEqual([["status-changed", o.on]])
      }
      const untouched = generated.find((g) => g.outcome === null)!
      expect((await run(storage.stores.customers.get(untouched.customer.id))).lineStatus).toBe(untouched.customer.lineStatus)
    }, 60_000)
  })

suite("memory", async () => ({ stores: makeMemoryStores(), close: async () => {} }))
suite("PGlite", async () => {
  const s: OpenStorage = await PgliteStorage.open({})
  return { stores: s.stores, close: s.close }
})
