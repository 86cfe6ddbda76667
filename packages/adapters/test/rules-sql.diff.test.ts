/**
 * The differential test of the rule engine: random rules × generated customers → the compiled
 * memory evaluator and the SQL compiler must pick exactly the same customers, with the same leaf
 * values and explanations — on PGlite always, and on PostgreSQL when WINBACK_TEST_DATABASE_URL is set.
 */
import { PGlite } from "@electric-sql/pglite"
import {
  type Condition,
  type CustomerFacts,
  type DailyCondition,
  type DateRef,
  type NumExpr,
  type Rule,
  catalogue,
  compileRule,
  dayNumber,
  indexFacts,
  instantiate,
  isoDay,
  isoMonth,
  monthNumber,
  validateRule
} from "@winback/rules"
import { sql } from "drizzle-orm"
import { drizzle as drizzleNodePg } from "drizzle-orm/node-postgres"
import { drizzle as drizzlePglite } from "drizzle-orm/pglite"
import fc from "fast-check"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { migrate } from "../src/pg/migrate"
import { type AnyPgDatabase, findRuleMatches, loadCustomerFacts, traceRuleSql } from "../src/rules-sql"
import { BASE, customerArb, eventTypes } from "./customerFactsArb"

const SCHEMA = `wb_rules_sql_diff_${process.pid}`

// ---- generators: customers ----------------------------------------------------------------------

const datasetArb = fc.integer({ min: 12, max: 24 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => customerArb(`c${String(i).padStart(3, "0")}`))))
// Sparse bills over three years, some not yet issued on the as-of day: customers whose latest issued
// bill lags the newest of all by 0 to 30 months, with gaps in the window, or who have none — every
// path of the SQL's monthly range scan and of its per-customer fallback.
const laggingDatasetArb = fc
  .integer({ min: 12, max: 24 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => customerArb(`c${String(i).padStart(3, "0")}`, i % 3 === 0 ? { min: -10, max: 0 } : { min: -30, max: 2 }))))

// ---- generators: rules ----------------------------------------------------------------------------

const cmp = fc.constantFrom("<", "<=", ">", ">=", "=", "!=") as fc.Arbitrary<"<" | "<=" | ">" | ">=" | "=" | "!=">
const numericDaily = fc.constantFrom("charge", "dataMb", "callMinutes", "outgoingCalls", "competitorCallSeconds")
const boolDaily = fc.constantFrom("forwardedToOtherOperator", "reminderSmsDelivered")
const dailyLeafCond: fc.Arbitrary<DailyCondition> = fc.oneof(
  fc.record({ op: fc.constant("metric" as const), metric: numericDaily, cmp, value: fc.constantFrom(0, 1, 0.3, 30, 100) }),
  fc.record({ op: fc.constant("metric" as const), metric: boolDaily, cmp: fc.constantFrom("=", "!=") as fc.Arbitrary<"=" | "!=">, value: fc.boolean() })
)
const dailyCond: fc.Arbitrary<DailyCondition> = fc.oneof(
  { weight: 3, arbitrary: dailyLeafCond },
  { weight: 1, arbitrary: dailyLeafCond.map((c) => ({ op: "not" as const, of: c })) },
  { weight: 1, arbitrary: fc.tuple(dailyLeafCond, dailyLeafCond, fc.constantFrom("all" as const, "any" as const)).map(([a, b, op]) => ({ op, of: [a, b] })) }
)
const fnArb = fc.constantFrom("sum", "avg", "min", "max", "count", "value") as fc.Arbitrary<"sum" | "avg" | "min" | "max" | "count" | "value">
const dateRef: fc.Arbitrary<DateRef> = fc.oneof(
  fc.record({ kind: fc.constant("attribute" as const), field: fc.constantFrom("contractEnd", "birthday", "activatedOn") }),
  fc.record({ kind: fc.constant("monthField" as const), field: fc.constantFrom("billDate", "dueDate", "paidDate"), monthsAgo: fc.integer({ min: 0, max: 2 }) }),
  fc.record({ kind: fc.constant("lastEvent" as const), types: fc.subarray([...eventTypes], { minLength: 1 }) })
)
const leafNum: fc.Arbitrary<NumExpr> = fc.oneof(
  fc
    .record({ fn: fnArb, metric: numericDaily, days: fc.integer({ min: 1, max: 10 }), skip: fc.integer({ min: 0, max: 3 }), where: fc.option(dailyCond, { nil: undefined }), complete: fc.boolean() })
    .map((r) => ({ kind: "daily" as const, ...r, days: r.fn === "value" ? 1 : r.days, as: "d" })),
  fc
    .record({
      fn: fnArb,
      metric: fc.constantFrom("billAmount", "dataMb", "callMinutes", "competitorCallSeconds", "forwardedDays", "silentDays"),
      months: fc.integer({ min: 1, max: 4 }),
      skip: fc.integer({ min: 0, max: 2 }),
      complete: fc.boolean()
    })
    .map((r) => ({ kind: "monthly" as const, ...r, months: r.fn === "value" ? 1 : r.months, as: "m" })),
  fc.record({ where: dailyCond, days: fc.integer({ min: 1, max: 15 }), mode: fc.constantFrom("current" as const, "longest" as const) }).map((r) => ({ kind: "streak" as const, ...r })),
  fc.record({ types: fc.subarray([...eventTypes], { minLength: 1 }), days: fc.integer({ min: 1, max: 10 }), skip: fc.integer({ min: 0, max: 2 }) }).map((r) => ({ kind: "events" as const, ...r })),
  dateRef.map((date) => ({ kind: "daysSince" as const, date, as: "since" })),
  fc.constantFrom(0, 1, 3, 0.7, 30, 100, -30, 50.5, 1 / 3),
  fc.record({ values: fc.constantFrom<Record<string, number>>({ gold: 30, silver: 50 }, { diamond: 0.7, regular: 3 }), otherwise: fc.constantFrom(null, 40) }).map((r) => ({ kind: "byAttribute" as const, field: "tier", ...r, as: "t" })),
  fc.constant({ kind: "byAttribute" as const, field: "region", values: { north: 0.5, south: 100 }, otherwise: 1 })
)
const numExpr: fc.Arbitrary<NumExpr> = fc.oneof(
  { weight: 3, arbitrary: leafNum },
  { weight: 1, arbitrary: fc.record({ op: fc.constantFrom("+", "-", "*", "/") as fc.Arbitrary<"+" | "-" | "*" | "/">, left: leafNum, right: leafNum }).map((r) => ({ kind: "arith" as const, ...r })) },
  { weight: 1, arbitrary: fc.record({ from: leafNum, to: leafNum }).map((r) => ({ kind: "pctChange" as const, ...r, as: "pct" })) }
)
const leafCond: fc.Arbitrary<Condition> = fc.oneof(
  { weight: 1, arbitrary: fc.record({ cmp, value: fc.constantFrom("regular", "silver", "gold", "diamond") }).map((r) => ({ op: "tier" as const, ...r })) },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.constant<Condition>({ op: "attribute", field: "region", cmp: "=", value: "north" }),
      fc.constant<Condition>({ op: "attribute", field: "lineStatus", cmp: "in", value: ["active", "suspended"] }),
      fc.constant<Condition>({ op: "attribute", field: "paymentType", cmp: "!=", value: "prepaid" }),
      fc.constant<Condition>({ op: "attribute", field: "preferredChannel", cmp: "notIn", value: ["sms"] }),
      fc.constant<Condition>({ op: "attribute", field: "contractEnd", cmp: "isNull" }),
      fc.constant<Condition>({ op: "attribute", field: "tier", cmp: "=", value: "gold" })
    )
  },
  { weight: 4, arbitrary: fc.record({ left: numExpr, cmp, right: numExpr }).map((r) => ({ op: "compare" as const, ...r })) },
  {
    weight: 1,
    arbitrary: fc
      .record({ date: dateRef, from: fc.option(fc.record({ days: fc.integer({ min: -30, max: 5 }) }), { nil: undefined }), to: fc.option(fc.record({ months: fc.integer({ min: 0, max: 3 }) }), { nil: undefined }) })
      .map((r) => ({ op: "dateBetween" as const, ...r }))
  },
  { weight: 1, arbitrary: fc.constant<Condition>({ op: "anniversary", date: { kind: "attribute", field: "birthday" } }) }
)
const condition: fc.Arbitrary<Condition> = fc.oneof(
  { weight: 3, arbitrary: leafCond },
  { weight: 1, arbitrary: leafCond.map((c) => ({ op: "not" as const, of: c })) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom("all" as const, "any" as const), fc.array(leafCond, { minLength: 1, maxLength: 3 })).map(([op, of]) => ({ op, of })) }
)
const ruleArb: fc.Arbitrary<Rule> = condition.map((when) => ({ when })).filter((r) => validateRule(r).length === 0)
const asOfArb = fc.integer({ min: -22, max: 0 }).map((o) => isoDay(BASE + o))

// ---- the backends -----------------------------------------------------------------------------

interface Backend {
  readonly name: string
  readonly db: AnyPgDatabase
  readonly close: () => Promise<void>
}

const prepare = async (db: AnyPgDatabase): Promise<void> => {
  await db.execute(sql.raw(`drop schema if exists "${SCHEMA}" cascade`))
  await db.execute(sql.raw(`create schema "${SCHEMA}"`))
  await db.execute(sql.raw(`set search_path to "${SCHEMA}"`))
  await migrate(db as never)
}

const reset = async (db: AnyPgDatabase, facts: ReadonlyArray<CustomerFacts>): Promise<void> => {
  await db.execute(sql`truncate customers, usage_daily, usage_monthly, customer_events`)
  await loadCustomerFacts(db, facts)
}

const backends: Backend[] = []
const counts: Record<string, { rules: number; customers: number; matches: number }> = {}

beforeAll(async () => {
  const lite = drizzlePglite(new PGlite())
  await prepare(lite as unknown as AnyPgDatabase)
  backends.push({ name: "pglite", db: lite as unknown as AnyPgDatabase, close: async () => (lite.$client as PGlite).close() })
  const url = process.env.WINBACK_TEST_DATABASE_URL
  if (url) {
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    const db = drizzleNodePg(client) as unknown as AnyPgDatabase
    await prepare(db)
    backends.push({
      name: "postgres",
      db,
      close: async () => {
        await db.execute(sql.raw(`drop schema if exists "${SCHEMA}" cascade`))
        await client.end()
      }
    })
  }
}, 60_000)

afterAll(async () => {
  for (const b of backends) await b.close()
  // The figures the engineering note reports.
  console.log(`rules-sql differential cases: ${JSON.stringify(counts)}`)
})

const agree = async (b: Backend, facts: ReadonlyArray<CustomerFacts>, rules: ReadonlyArray<Rule>, asOfs: ReadonlyArray<string>, monthSlack?: number) => {
  const indexed = indexFacts(facts)
  const c = (counts[b.name] ??= { rules: 0, customers: 0, matches: 0 })
  for (const [i, rule] of rules.entries()) {
    const asOf = asOfs[i % asOfs.length]!
    const mem = compileRule(rule)
    const memMatches = mem.filter(indexed, asOf)
    const sqlMatches = await findRuleMatches(b.db, rule, { asOf, monthSlack })
    const memIds = memMatches.map((f) => f.id).sort()
    const sqlIds = sqlMatches.map((m) => m.customerId).sort()
    const context = `rule ${JSON.stringify(rule)} as of ${asOf}`
    expect(sqlIds, context).toEqual(memIds)
    const byId = new Map(memMatches.map((f) => [f.id, f]))
    for (const m of sqlMatches) {
      const f = byId.get(m.customerId)!
      expect(m.leaves, `${context} customer ${m.customerId}`).toEqual(mem.leafValues(f, asOf))
      const e = mem.explain(f, asOf)
      expect(m.explanation.matched).toBe(true)
      expect(m.explanation.summary).toBe(e.summary)
    }
    // Every customer, matched or not: the decision, every leaf and both sides of every comparison.
    const traces = await traceRuleSql(b.db, rule, { asOf, monthSlack })
    expect(traces.map((t) => t.customerId)).toEqual(indexed.map((f) => f.id).sort())
    const byAll = new Map(indexed.map((f) => [f.id, f]))
    for (const t of traces) {
      const e = mem.explain(byAll.get(t.customerId)!, asOf)
      expect({ matched: t.matched, leaves: t.leaves, comparisons: t.comparisons }, `${context} customer ${t.customerId}`).toEqual({
        matched: e.matched,
        leaves: e.leaves,
        comparisons: e.comparisons
      })
    }
    c.rules++
    c.customers += facts.length
    c.matches += memIds.length
  }
}

describe("memory and SQL agree", () => {
  it("on random rules over generated customers (every backend)", async () => {
    for (const b of backends) {
      await fc.assert(
        fc.asyncProperty(datasetArb, fc.array(ruleArb, { minLength: 8, maxLength: 8 }), fc.array(asOfArb, { minLength: 4, maxLength: 4 }), async (facts, rules, asOfs) => {
          await reset(b.db, facts)
          await agree(b, facts, rules, asOfs)
        }),
        { endOnFailure: true, numRuns: Number(process.env.WINBACK_FC_RUNS ?? 40) }
      )
    }
  }, 120_000)

  it("on customers whose latest issued bill lags the newest by any number of months, whatever the month slack (every backend)", async () => {
    const monthlyRules = ruleArb.filter((r) => JSON.stringify(r).includes('"monthly"') || JSON.stringify(r).includes('"monthField"'))
    for (const b of backends) {
      await fc.assert(
        fc.asyncProperty(laggingDatasetArb, fc.array(monthlyRules, { minLength: 6, maxLength: 6 }), fc.array(asOfArb, { minLength: 3, maxLength: 3 }), fc.constantFrom(0, 1, 3), async (facts, rules, asOfs, slack) => {
          await reset(b.db, facts)
          await agree(b, facts, rules, asOfs, slack)
        }),
        { endOnFailure: true, numRuns: Number(process.env.WINBACK_FC_RUNS ?? 25) }
      )
    }
  }, 180_000)

  it("on cent-valued bills exactly on a threshold, one cent either side: money compared exactly (every backend)", async () => {
    const billDrop = catalogue.find((t) => t.id === "bill-drop")!
    const asOf = isoDay(BASE)
    const months = ["2025-11", "2025-12", "2026-01", "2026-02"]
    const customer = (id: string, bills: ReadonlyArray<number>): CustomerFacts => ({
      customer: { id, name: id, tier: "gold", region: "north", lineStatus: "active", paymentType: "postpaid", contractEnd: null, birthday: null, activatedOn: "2020-01-01", ownerManagerId: null, preferredChannel: null, tariffSensitivity: null, creditLevel: null, timeZone: "UTC" },
      monthly: months.map((m, i) => {
        const billDate = `${isoMonth(monthNumber(m) + 1)}-03`
        return { month: m, billAmount: bills[i]!, dataMb: 1, callMinutes: 1, competitorCallSeconds: 0, forwardedDays: 0, silentDays: 0, billDate, dueDate: isoDay(dayNumber(billDate) + 19), paidDate: null }
      })
    })
    // Previous three bills average A cents (A = 20k, so A·(100 − p)/100 is whole cents); this
    // month's bill is on the p% drop, or one cent either side of it.
    const caseArb = fc.record({ k: fc.integer({ min: 1, max: 5_000 }), spread: fc.nat(), side: fc.constantFrom(-1, 0, 1) })
    for (const b of backends) {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 19 }).map((i) => i * 5), fc.array(caseArb, { minLength: 1, maxLength: 12 }), async (p, cases) => {
          const facts = cases.map((c, i) => {
            const a = 20 * c.k
            const d = c.spread % (a + 1)
            const onThreshold = (a * (100 - p)) / 100
            return customer(`t${i}`, [(a + d) / 100, (a - d) / 100, a / 100, (onThreshold + c.side) / 100])
          })
          await reset(b.db, facts)
          const drop = instantiate(billDrop, { dropPercent: p }).rule
          // The same threshold as a product: this month <= average × (100 − p)%.
          const times: Rule = {
            when: {
              op: "compare",
              left: { kind: "monthly", fn: "value", metric: "billAmount", months: 1 },
              cmp: "<=",
              right: { kind: "arith", op: "*", left: { kind: "monthly", fn: "avg", metric: "billAmount", months: 3, skip: 1 }, right: (100 - p) / 100 }
            }
          }
          // "Dropped by more than p%" holds exactly for the bills below the threshold.
          const expected = cases.flatMap((c, i) => (c.side < 0 ? [`t${i}`] : [])).sort()
          expect(compileRule(drop).filter(indexFacts(facts), asOf).map((f) => f.id).sort()).toEqual(expected)
          expect((await findRuleMatches(b.db, drop, { asOf })).map((m) => m.customerId).sort()).toEqual(expected)
          const atMost = cases.flatMap((c, i) => (c.side <= 0 ? [`t${i}`] : [])).sort()
          expect((await findRuleMatches(b.db, times, { asOf })).map((m) => m.customerId).sort()).toEqual(atMost)
          await agree(b, facts, [drop, times], [asOf])
        }),
        { endOnFailure: true, numRuns: Number(process.env.WINBACK_FC_RUNS ?? 25) }
      )
    }
  }, 120_000)

  it("on every catalogue template, defaults and random parameters, over generated customers", async () => {
    const variants: Rule[] = catalogue.flatMap((t) => [instantiate(t).rule])
    variants.push(
      instantiate(catalogue.find((t) => t.id === "bill-drop")!, { dropPercent: { by: "region", values: { north: 10, south: 60 }, otherwise: 25 }, baselineMonths: 2 }).rule,
      instantiate(catalogue.find((t) => t.id === "bill-unpaid")!, { daysAfterBill: { by: "region", values: { north: 5 }, otherwise: 10 } }).rule,
      instantiate(catalogue.find((t) => t.id === "silent-high-value")!, { minDays: 2, minTier: "silver" }).rule,
      instantiate(catalogue.find((t) => t.id === "call-forwarding")!, { minDays: 2 }).rule,
      instantiate(catalogue.find((t) => t.id === "competitor-calls")!, { minSeconds: 30, periodDays: 7 }).rule,
      instantiate(catalogue.find((t) => t.id === "bill-anomaly")!, { factor: 1.5, baselineMonths: 1 }).rule,
      instantiate(catalogue.find((t) => t.id === "complaint-resolved")!, { withinDays: 10 }).rule,
      instantiate(catalogue.find((t) => t.id === "new-customer")!, { withinDays: 20 }).rule
    )
    for (const b of backends) {
      await fc.assert(
        fc.asyncProperty(datasetArb, asOfArb, async (facts, asOf) => {
          await reset(b.db, facts)
          await agree(b, facts, variants, [asOf])
        }),
        { endOnFailure: true, numRuns: 10 }
      )
    }
  }, 120_000)
})
