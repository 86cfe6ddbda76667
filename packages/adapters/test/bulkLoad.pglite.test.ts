/**
 * The embedded default's bulk demo loader: the same demo as the stores' batched upserts, byte for
 * byte, with the schema's indexes exactly as the migrations made them; all or nothing.
 */
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { StorageError } from "@winback/core"
import { type DemoFactsBatch, seedDemoData } from "@winback/core/demo"
import { pgliteDemoLoader } from "../src/pg/bulkLoad"
import { type OpenStorage, PgliteStorage } from "../src/pg/PgStorage"

const demo = { seed: 7, customers: 240, asOf: "2026-11-25", patternRate: 0.5 } as const

/** Every fact table's rows in a fixed order (generated ids and write times left out), and every index. */
const snapshot = (s: OpenStorage) =>
  s.run(async (db) => {
    const q = async (text: string) => ((await db.execute(text)) as unknown as { rows: Array<Record<string, unknown>> }).rows
    return {
      customers: await q(`SELECT id, name, phones, region, tier, line_status, payment_type, contract_end::text, birthday::text, activated_on::text, owner_manager_id, preferred_channel, tariff_sensitivity, credit_level, time_zone, version FROM customers ORDER BY id`),
      months: await q(`SELECT * FROM usage_monthly ORDER BY customer_id, month`),
      days: await q(`SELECT customer_id, day::text, charge, data_mb, call_minutes, outgoing_calls, competitor_call_seconds, forwarded_to_other_operator, reminder_sms_delivered FROM usage_daily ORDER BY customer_id, day`),
      events: await q(`SELECT customer_id, type, at, data FROM customer_events ORDER BY id`),
      indexes: await q(`SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() ORDER BY indexname`)
    }
  })

describe("pgliteDemoLoader", () => {
  let viaStores: OpenStorage
  let viaLoader: OpenStorage
  beforeAll(async () => {
    viaStores = await PgliteStorage.open()
    viaLoader = await PgliteStorage.open()
  }, 120_000)
  afterAll(async () => {
    await viaStores?.close()
    await viaLoader?.close()
  })

  it("writes exactly the demo the stores' upserts write: same customers, usage, events, and the same indexes", async () => {
    const a = await seedDemoData(viaStores.stores, demo, { batchSize: 50 })
    const b = await seedDemoData(viaLoader.stores, demo, { batchSize: 50, loader: pgliteDemoLoader(viaLoader) })
    expect(b).toEqual(a)
    expect(a.usageDays).toBeGreaterThan(10_000)
    const [x, y] = [await snapshot(viaStores), await snapshot(viaLoader)]
    expect(y.customers.length).toBe(demo.customers)
    expect(y.events.length).toBe(a.events)
    expect(y).toEqual(x)
    // Copied frozen: the pages COPY FREEZE starts empty are marked all-visible (those it starts
    // half filled, from its previous batch of rows, are not).
    const vis = await viaLoader.run(async (db) => ((await db.execute(`SELECT relpages, relallvisible FROM pg_class WHERE oid = 'usage_daily'::regclass`)) as unknown as { rows: Array<{ relpages: number; relallvisible: number }> }).rows[0]!)
    expect(vis.relpages).toBeGreaterThan(0)
    expect(vis.relallvisible).toBeGreaterThan(vis.relpages / 2)
    // The rules read the loaded rows through the ports as they read upserted ones.
    const id = x.customers[3]!.id as string
    const one = await Effect.runPromise(viaLoader.stores.customers.usageDays(id, "2026-11-01", "2026-11-25"))
    expect(one).toEqual(await Effect.runPromise(viaStores.stores.customers.usageDays(id, "2026-11-01", "2026-11-25")))
  }, 180_000)

  it("refuses storage that already has facts, with a StorageError, and writes nothing", async () => {
    const before = await snapshot(viaLoader)
    const err = await pgliteDemoLoader(viaLoader)
      .load([{ customers: [], months: [], days: [], events: [] }])
      .then(() => null, (e: unknown) => e)
    expect(err).toBeInstanceOf(StorageError)
    expect(String((err as StorageError).cause)).toMatch(/already has rows/)
    expect(await snapshot(viaLoader)).toEqual(before)
  })

  it("is all or nothing: a bad row in a late batch leaves the tables empty and every index in place", async () => {
    const s = await PgliteStorage.open()
    try {
      const indexes = (await snapshot(s)).indexes
      const good = (i: number): DemoFactsBatch => ({
        customers: [],
        months: [],
        days: [{ customerId: `c-${i}`, day: "2026-11-01", charge: 1, dataMb: 2, callMinutes: 3, outgoingCalls: 4, competitorCallSeconds: 0, forwardedToOtherOperator: false, reminderSmsDelivered: true }],
        events: []
      })
      const bad: DemoFactsBatch = { ...good(9), days: [{ ...good(9).days[0]!, day: "2026-02-30" }] }
      const err = await pgliteDemoLoader(s)
        .load([good(1), good(2), bad])
        .then(() => null, (e: unknown) => e)
      expect(err).toBeInstanceOf(StorageError)
      const after = await snapshot(s)
      expect(after.days).toEqual([])
      expect(after.indexes).toEqual(indexes)
    } finally {
      await s.close()
    }
  }, 60_000)

  it("refuses the server (PostgreSQL) storage with a typed error instead of writing through another path", async () => {
    const fake = { driver: { ...viaLoader.driver, dialect: "postgres" as const } }
    await expect(pgliteDemoLoader(fake).load([])).rejects.toBeInstanceOf(StorageError)
  })
})
