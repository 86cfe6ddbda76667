/**
 * The SQL compiler on its own: catalogue examples give the documented outcome in the database,
 * values are bound parameters, results stream through a cursor, counts and backtests.
 */
import { PGlite } from "@electric-sql/pglite"
import { type CustomerFacts, ValidationError, billDrop, catalogue, instantiate, silentHighValue } from "@winback/rules"
import { sql } from "drizzle-orm"
import { PgDialect } from "drizzle-orm/pg-core"
import { drizzle } from "drizzle-orm/pglite"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { customers } from "../src/pg/schema"
import { migrate } from "../src/pg/migrate"
import { type AnyPgDatabase, compileRuleSql, countRuleMatches, findRuleMatches, loadCustomerFacts, overlapRuleSql, previewRuleSql, streamRuleMatches } from "../src/rules-sql"

const SCHEMA = `wb_rules_sql_${process.pid}`
let client: PGlite
let db: AnyPgDatabase

beforeAll(async () => {
  client = new PGlite()
  db = drizzle(client) as unknown as AnyPgDatabase
  await db.execute(sql.raw(`create schema "${SCHEMA}"`))
  await db.execute(sql.raw(`set search_path to "${SCHEMA}"`))
  await migrate(db as never)
}, 60_000)
afterAll(async () => client.close())

const reset = async (facts: ReadonlyArray<CustomerFacts>) => {
  await db.execute(sql`truncate customers, usage_daily, usage_monthly, customer_events`)
  await loadCustomerFacts(db, facts)
}

describe("rules in SQL", () => {
  it("cut to a range of customer ids (`customerRange`), keep the customers in it and only them, every catalogue example", async () => {
    for (const t of catalogue) {
      for (const [i, ex] of t.examples.entries()) {
        const id = `${t.id}-${i}`
        await reset([{ ...ex.facts, customer: { ...ex.facts.customer, id } }])
        const rule = instantiate(t, ex.params ?? {}).rule
        const ids = async (customerRange: { from?: string; to?: string }) => (await findRuleMatches(db, rule, { asOf: ex.asOf, customerRange })).map((m) => m.customerId)
        const expected = ex.matches ? [id] : []
        expect(await ids({ from: id }), `${t.id}: ${ex.title}, from its id`).toEqual(expected)
        expect(await ids({ from: id, to: `${id}~` }), `${t.id}: ${ex.title}, around its id`).toEqual(expected)
        expect(await ids({ to: id }), `${t.id}: ${ex.title}, below its id`).toEqual([])
        expect(await ids({ from: `${id}~` }), `${t.id}: ${ex.title}, above its id`).toEqual([])
      }
    }
  }, 120_000)

  it("give every catalogue example its documented outcome, with the same explanation", async () => {
    for (const t of catalogue) {
      for (const [i, ex] of t.examples.entries()) {
        const id = `${t.id}-${i}`
        await reset([{ ...ex.facts, customer: { ...ex.facts.customer, id } }])
        const matches = await findRuleMatches(db, instantiate(t, ex.params ?? {}).rule, { asOf: ex.asOf })
        expect(matches.map((m) => m.customerId), `${t.id}: ${ex.title}`).toEqual(ex.matches ? [id] : [])
      }
    }
    await reset([billDrop.examples[0]!.facts])
    const [m] = await findRuleMatches(db, instantiate(billDrop).rule, { asOf: "2026-11-20" })
    expect(m?.explanation.summary).toBe("bill 95 vs 3-month average 180, −47.2%, threshold for gold 30%")
  })

  it("binds every value as a parameter", () => {
    const rule = instantiate(billDrop, { dropPercent: { by: "tier", values: { gold: 37.5 }, otherwise: 41 } }).rule
    const q = new PgDialect().sqlToQuery(compileRuleSql(rule, { asOf: "2026-11-20" }).query)
    // Placeholders ($41, …) are not values: only inlined literals would be.
    expect(q.sql.replace(/\$\d+/g, "$")).not.toMatch(/gold|37\.5|41|2026-/)
    expect(q.params).toEqual(expect.arrayContaining(["gold", 37.5, 41, "2026-11-20"]))
  })

  it("refuses an invalid rule with a ValidationError", () => {
    expect(() => compileRuleSql({ when: { op: "tier", cmp: ">=", value: "platinum" } }, { asOf: "2026-11-20" })).toThrow(ValidationError)
  })

  it("streams matches in batches through a cursor, counts them and backtests per day", async () => {
    const day = (d: number, calls: number) => ({
      day: `2026-11-${String(d).padStart(2, "0")}`,
      charge: 1,
      dataMb: 1,
      callMinutes: 1,
      outgoingCalls: calls,
      competitorCallSeconds: 0,
      forwardedToOtherOperator: false,
      reminderSmsDelivered: false
    })
    const facts: CustomerFacts[] = Array.from({ length: 250 }, (_, i) => ({
      customer: { id: `c${String(i).padStart(3, "0")}`, tier: i % 5 === 0 ? "silver" : "gold", region: i % 2 ? "north" : "south" },
      // customer i is silent from day (i % 20) + 1 on
      daily: Array.from({ length: 20 }, (_, d) => day(d + 1, d + 1 >= (i % 20) + 1 ? 0 : 3))
    }))
    await reset(facts)
    const rule = instantiate(silentHighValue).rule
    // silent ≥ 10 days on the 20th ⇔ silent from day ≤ 11 ⇔ i % 20 ≤ 10; and gold ⇔ i % 5 ≠ 0
    const expected = facts.map((_, i) => i).filter((i) => i % 20 <= 10 && i % 5 !== 0).length
    const batches: number[] = []
    const seen: string[] = []
    const { count } = await streamRuleMatches(db, rule, { asOf: "2026-11-20", batchSize: 40 }, (batch) => {
      batches.push(batch.length)
      seen.push(...batch.map((m) => m.customerId))
    })
    expect(count).toBe(expected)
    expect(new Set(seen).size).toBe(expected)
    expect(Math.max(...batches)).toBe(40)
    expect(await countRuleMatches(db, rule, { asOf: "2026-11-20" })).toBe(expected)
    const scoped = await countRuleMatches(db, rule, { asOf: "2026-11-20", customerFilter: sql`${customers.region} = ${"north"}` })
    expect(scoped).toBe(facts.map((_, i) => i).filter((i) => i % 20 <= 10 && i % 5 !== 0 && i % 2 === 1).length)
    const perDay = await previewRuleSql(db, rule, { asOf: "2026-11-20", days: 3 })
    const silentBy = (d: number) => facts.map((_, i) => i).filter((i) => (i % 20) + 1 <= d - 9 && i % 5 !== 0).length
    const overlap = await overlapRuleSql(db, rule, [{ id: "north", rule: { when: { op: "attribute", field: "region", cmp: "=", value: "north" } } }], { asOf: "2026-11-20" })
    const picked = (i: number) => i % 20 <= 10 && i % 5 !== 0
    const idx = facts.map((_, i) => i)
    expect(overlap).toEqual([
      { id: "north", both: idx.filter((i) => picked(i) && i % 2 === 1).length, draftOnly: idx.filter((i) => picked(i) && i % 2 === 0).length, otherOnly: idx.filter((i) => !picked(i) && i % 2 === 1).length }
    ])
    expect(perDay).toEqual([
      { day: "2026-11-18", count: silentBy(18) },
      { day: "2026-11-19", count: silentBy(19) },
      { day: "2026-11-20", count: silentBy(20) }
    ])
  })
})
