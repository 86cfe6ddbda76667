import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { type CustomerFacts, type NumExpr, type Rule, billDrop, compileRule, indexCustomerFacts, instantiate } from "../src"

const cust = { id: "1", tier: "gold", region: "north", paymentType: "postpaid", lineStatus: "active", birthday: null, contractEnd: null, activatedOn: "2020-01-01" }
const value = (e: NumExpr, facts: Omit<CustomerFacts, "customer">, asOf: string, customer: Record<string, unknown> = {}) => {
  const r = compileRule({ when: { op: "compare", left: { kind: "arith", op: "*", left: 1, right: e, as: "v" } as NumExpr, cmp: "=", right: 0 } })
  return r.explain(indexCustomerFacts({ customer: { ...cust, ...customer }, ...facts }), asOf).values["v"]
}
const month = (m: string, billAmount: number, billDate: string, extra: Record<string, unknown> = {}) => ({ month: m, billAmount, billDate, ...extra })

describe("as-of semantics", () => {
  const monthly = [month("2026-08", 10, "2026-09-03"), month("2026-09", 20, "2026-10-03"), month("2026-10", 40, "2026-11-03")]
  const thisMonth: NumExpr = { kind: "monthly", fn: "value", metric: "billAmount", months: 1 }
  it("'this month' is the latest month billed on or before the day", () => {
    expect(value(thisMonth, { monthly }, "2026-11-03")).toBe(40)
    expect(value(thisMonth, { monthly }, "2026-11-02")).toBe(20)
    expect(value(thisMonth, { monthly }, "2026-09-02")).toBe(null)
  })
  it("month windows count calendar months back from 'this month'; gaps are missing months", () => {
    const prev2: NumExpr = { kind: "monthly", fn: "sum", metric: "billAmount", months: 2, skip: 1 }
    expect(value(prev2, { monthly }, "2026-11-20")).toBe(30)
    const gap = [month("2026-07", 5, "2026-08-03"), month("2026-09", 20, "2026-10-03"), month("2026-10", 40, "2026-11-03")]
    expect(value({ kind: "monthly", fn: "avg", metric: "billAmount", months: 2, skip: 1 }, { monthly: gap }, "2026-11-20")).toBe(20)
    expect(value({ kind: "monthly", fn: "avg", metric: "billAmount", months: 2, skip: 1, complete: true }, { monthly: gap }, "2026-11-20")).toBe(null)
    expect(value({ kind: "monthly", fn: "count", metric: "billAmount", months: 4, skip: 0 }, { monthly: gap }, "2026-11-20")).toBe(3)
  })
  const day = (d: string, extra: Record<string, unknown> = {}) => ({ day: d, charge: 1, dataMb: 0, callMinutes: 0, outgoingCalls: 1, competitorCallSeconds: 0, forwardedToOtherOperator: false, reminderSmsDelivered: false, ...extra })
  it("day windows end at the day (inclusive) and skip moves them back", () => {
    const daily = [day("2026-11-17", { charge: 1 }), day("2026-11-18", { charge: 2 }), day("2026-11-19", { charge: 4 }), day("2026-11-20", { charge: 8 }), day("2026-11-21", { charge: 16 })]
    expect(value({ kind: "daily", fn: "sum", metric: "charge", days: 3 }, { daily }, "2026-11-20")).toBe(14)
    expect(value({ kind: "daily", fn: "sum", metric: "charge", days: 1, skip: 1 }, { daily }, "2026-11-20")).toBe(4)
    expect(value({ kind: "daily", fn: "max", metric: "charge", days: 30 }, { daily }, "2026-11-20")).toBe(8)
    expect(value({ kind: "daily", fn: "avg", metric: "charge", days: 3, where: { op: "metric", metric: "charge", cmp: ">", value: 2 } }, { daily }, "2026-11-20")).toBe(6)
    expect(value({ kind: "daily", fn: "sum", metric: "charge", days: 3 }, {}, "2026-11-20")).toBe(0)
    expect(value({ kind: "daily", fn: "avg", metric: "charge", days: 3 }, {}, "2026-11-20")).toBe(null)
  })
  it("streaks: the run ending at the day, or the longest in the window; missing days break them", () => {
    const silent = { op: "metric", metric: "outgoingCalls", cmp: "=", value: 0 } as const
    const daily = [
      day("2026-11-10", { outgoingCalls: 0 }),
      day("2026-11-11", { outgoingCalls: 0 }),
      day("2026-11-12", { outgoingCalls: 0 }),
      day("2026-11-13", { outgoingCalls: 0 }),
      day("2026-11-14", { outgoingCalls: 3 }),
      day("2026-11-15", { outgoingCalls: 0 }),
      // 2026-11-16 missing
      day("2026-11-17", { outgoingCalls: 0 }),
      day("2026-11-18", { outgoingCalls: 0 })
    ]
    expect(value({ kind: "streak", where: silent, days: 30 }, { daily }, "2026-11-18")).toBe(2)
    expect(value({ kind: "streak", where: silent, days: 30, mode: "longest" }, { daily }, "2026-11-18")).toBe(4)
    expect(value({ kind: "streak", where: silent, days: 30 }, { daily }, "2026-11-13")).toBe(4)
    expect(value({ kind: "streak", where: silent, days: 3 }, { daily }, "2026-11-13")).toBe(3)
    expect(value({ kind: "streak", where: silent, days: 30 }, { daily }, "2026-11-19")).toBe(0)
  })
  it("events belong to the UTC day of their timestamp", () => {
    const events = [
      { type: "complaint-resolved", at: "2026-11-17T23:59:59.999Z" },
      { type: "complaint-resolved", at: "2026-11-18T00:00:00.000Z" },
      { type: "cancel-requested", at: "2026-11-20T12:00:00Z" },
      { type: "complaint-resolved", at: "2026-11-21T00:00:00.000Z" }
    ]
    expect(value({ kind: "events", types: ["complaint-resolved"], days: 3 }, { events }, "2026-11-20")).toBe(1)
    expect(value({ kind: "events", types: ["complaint-resolved", "cancel-requested"], days: 4 }, { events }, "2026-11-20")).toBe(3)
    expect(value({ kind: "daysSince", date: { kind: "lastEvent", types: ["complaint-resolved"] } }, { events }, "2026-11-20")).toBe(2)
  })
  it("missing values make comparisons false and their negation true; division by zero is missing", () => {
    const r = (when: Rule["when"]) => compileRule({ when }).matches(indexCustomerFacts({ customer: cust }), "2026-11-20")
    const avg: NumExpr = { kind: "monthly", fn: "avg", metric: "billAmount", months: 3 }
    expect(r({ op: "compare", left: avg, cmp: "<", right: 1 })).toBe(false)
    expect(r({ op: "compare", left: avg, cmp: ">=", right: 1 })).toBe(false)
    expect(r({ op: "not", of: { op: "compare", left: avg, cmp: "<", right: 1 } })).toBe(true)
    expect(r({ op: "compare", left: { kind: "arith", op: "/", left: 1, right: { kind: "daily", fn: "sum", metric: "charge", days: 1 } }, cmp: "!=", right: 1 })).toBe(false)
    expect(r({ op: "attribute", field: "contractEnd", cmp: "isNull" })).toBe(true)
    expect(r({ op: "attribute", field: "preferredChannel", cmp: "!=", value: "sms" })).toBe(false)
  })
  it("dates: ranges relative to the day (months clamp at month ends) and anniversaries", () => {
    const r = (when: Rule["when"], customer: Record<string, unknown>, asOf: string) => compileRule({ when }).matches(indexCustomerFacts({ customer: { ...cust, ...customer } }), asOf)
    const expiring: Rule["when"] = { op: "dateBetween", date: { kind: "attribute", field: "contractEnd" }, from: { days: 0 }, to: { months: 1 } }
    expect(r(expiring, { contractEnd: "2027-02-27" }, "2027-01-31")).toBe(true)
    expect(r(expiring, { contractEnd: "2027-02-28" }, "2027-01-31")).toBe(false) // Jan 31 + 1 month = Feb 28, exclusive
    expect(r(expiring, { contractEnd: "2027-01-30" }, "2027-01-31")).toBe(false)
    const bday: Rule["when"] = { op: "anniversary", date: { kind: "attribute", field: "birthday" } }
    expect(r(bday, { birthday: "2000-02-29" }, "2027-02-28")).toBe(true)
    expect(r(bday, { birthday: "2000-02-29" }, "2028-02-28")).toBe(false)
    expect(r(bday, { birthday: "2000-02-29" }, "2028-02-29")).toBe(true)
    expect(r(bday, { birthday: "1990-11-20" }, "2026-11-20")).toBe(true)
  })
})

describe("compiled evaluator (properties)", () => {
  const bills = fc.array(fc.integer({ min: 0, max: 50_000 }).map((c) => c / 100), { minLength: 0, maxLength: 6 })
  it("the bill-drop template agrees with a direct reading of its definition", () => {
    const rule = compileRule(instantiate(billDrop).rule)
    const thresholds: Record<string, number> = { diamond: 30, gold: 30, silver: 50, regular: 50 }
    fc.assert(
      fc.property(bills, fc.constantFrom("regular", "silver", "gold", "diamond", "vip"), (amounts, tier) => {
        const monthly = amounts.map((b, i) => month(`2026-0${i + 1}`, b, `2026-0${i + 2}-02`))
        const facts = indexCustomerFacts({ customer: { ...cust, tier }, monthly })
        const n = amounts.length
        // Oracle: 3 previous months all present, average > 0, fall strictly past the tier's threshold.
        let expected = false
        if (n >= 4 && thresholds[tier] !== undefined) {
          const base = (amounts[n - 4]! + amounts[n - 3]! + amounts[n - 2]!) / 3
          expected = base !== 0 && ((amounts[n - 1]! - base) / base) * 100 < -thresholds[tier]!
        }
        expect(rule.matches(facts, "2026-12-31")).toBe(expected)
      }),
      { numRuns: 500 }
    )
  })
  it("matches() and explain().matched never disagree, and batch filter equals per-customer matches", () => {
    const rule = compileRule({
      when: {
        op: "any",
        of: [
          { op: "compare", left: { kind: "monthly", fn: "max", metric: "billAmount", months: 2 }, cmp: ">", right: { kind: "arith", op: "*", left: 2, right: { kind: "monthly", fn: "min", metric: "billAmount", months: 3, skip: 1 } } },
          { op: "not", of: { op: "compare", left: { kind: "monthly", fn: "avg", metric: "billAmount", months: 2, complete: true }, cmp: ">=", right: 100 } }
        ]
      }
    })
    fc.assert(
      fc.property(fc.array(bills, { maxLength: 20 }), (customers) => {
        const facts = customers.map((amounts, k) => indexCustomerFacts({ customer: { ...cust, id: `c${k}` }, monthly: amounts.map((b, i) => month(`2026-0${i + 1}`, b, `2026-0${i + 2}-02`)) }))
        const picked = rule.filter(facts, "2026-12-31").map((f) => f.id)
        expect(picked).toEqual(facts.filter((f) => rule.explain(f, "2026-12-31").matched).map((f) => f.id))
        expect(rule.count(facts, "2026-12-31")).toBe(picked.length)
      })
    )
  })
})

describe("money is compared exactly (cents), not in binary floating point", () => {
  const billed = (bills: ReadonlyArray<number>) =>
    bills.map((b, i) => month(`2026-${String(7 + i).padStart(2, "0")}`, b, `2026-${String(8 + i).padStart(2, "0")}-03`))
  const asOf = "2026-11-20"
  const dropped = (pct: number, bills: ReadonlyArray<number>) =>
    compileRule(instantiate(billDrop, { dropPercent: pct }).rule).matches(indexCustomerFacts({ customer: cust, monthly: billed(bills) }), asOf)

  it("bills 0.10, 0.20, 0.30 then 0.10 dropped by exactly 50%, not by more", () => {
    // In doubles (0.1 + 0.2 + 0.3) / 3 is 0.20000000000000004 and the drop −50.00000000000001%.
    expect(((0.1 - (0.1 + 0.2 + 0.3) / 3) / ((0.1 + 0.2 + 0.3) / 3)) * 100 < -50).toBe(true)
    expect(dropped(50, [0.1, 0.2, 0.3, 0.1])).toBe(false)
    expect(dropped(50, [0.1, 0.2, 0.3, 0.09])).toBe(true)
    expect(dropped(49, [0.1, 0.2, 0.3, 0.1])).toBe(true)
  })

  it("bills are read to the cent, half away from zero (as PostgreSQL's round does)", () => {
    const avg: NumExpr = { kind: "monthly", fn: "avg", metric: "billAmount", months: 3, skip: 1 }
    expect(value(avg, { monthly: billed([0.1, 0.2, 0.3, 0.1]) }, asOf)).toBe(0.2)
    expect(value({ kind: "monthly", fn: "value", metric: "billAmount", months: 1 }, { monthly: billed([1, 1, 1, 0.145]) }, asOf)).toBe(0.15)
  })

  it("a bill exactly on any whole-percent threshold never counts as 'more than' it; one cent less always does", () => {
    // Three previous bills averaging A cents (A = 20k so that A·(100 − p)/100 is whole cents).
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50_000 }), fc.integer({ min: 1, max: 19 }).map((i) => i * 5), fc.nat(), (k, p, spread) => {
        const a = 20 * k
        const d = spread % (a + 1)
        const onThreshold = (a * (100 - p)) / 100
        const bills = [(a + d) / 100, (a - d) / 100, a / 100]
        expect(dropped(p, [...bills, onThreshold / 100])).toBe(false)
        expect(dropped(p, [...bills, (onThreshold - 1) / 100])).toBe(true)
      })
    )
  })
})
