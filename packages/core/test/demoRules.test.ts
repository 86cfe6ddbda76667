/**
 * The demo ground truth against the real rule engine: every catalogue template, instantiated with
 * its defaults, picks exactly the customers the README's pattern table says it should — computed
 * here from the reported patterns and the customer's tier, never from the rows.
 */
import { catalogue, compileRule, indexCustomerFacts, instantiate } from "@winback/rules"
import { describe, expect, it } from "vitest"
import { type DemoCustomer, type DemoPattern, generateDemo } from "../src/demo/index"

const addMonths = (iso: string, n: number): string => {
  const y = Number(iso.slice(0, 4))
  const m = Number(iso.slice(5, 7)) - 1 + n
  const lastDom = new Date(Date.UTC(y, m + 1, 0)).getUTCDate()
  return new Date(Date.UTC(y, m, Math.min(Number(iso.slice(8, 10)), lastDom))).toISOString().slice(0, 10)
}

const expected = (templateId: string, c: DemoCustomer, asOf: string): boolean => {
  const find = <K extends DemoPattern["kind"]>(kind: K) => c.patterns.find((p) => p.kind === kind) as Extract<DemoPattern, { kind: K }> | undefined
  const highTier = c.customer.tier === "gold" || c.customer.tier === "diamond"
  switch (templateId) {
    case "competitor-calls":
      return (find("competitor-calls")?.seconds ?? 0) > 60
    case "dunning-follow-up":
      return find("reminder-sms")?.daysAgo === 1
    case "call-forwarding":
      return (find("call-forwarding")?.days ?? 0) >= 5
    case "silent-high-value":
      return highTier && (find("silent-streak")?.days ?? 0) >= 10
    case "suspension-requested":
      return find("suspension-requested")?.daysAgo === 0
    case "bill-unpaid":
      return find("bill-unpaid") !== undefined
    case "zero-bill":
      return find("zero-bill") !== undefined
    case "bill-drop": {
      const threshold = highTier ? 30 : 50
      const drop = find("bill-drop")?.dropPercent ?? (find("zero-bill") ? 100 : undefined) ?? (find("bill-anomaly") ? (1 - find("bill-anomaly")!.ratio) * 100 : 0)
      return drop > threshold
    }
    case "data-drop":
      return (find("data-drop")?.dropPercent ?? 0) > 50
    case "contract-expiring": {
      const p = find("contract-ending")
      return p !== undefined && p.contractEnd < addMonths(asOf, 2)
    }
    case "birthday":
      return find("birthday") !== undefined
    case "bill-anomaly": {
      const r = find("bill-anomaly")?.ratio
      return find("zero-bill") !== undefined || (r !== undefined && (r > 3 || r < 1 / 3))
    }
    case "complaint-resolved":
      return (find("complaint-resolved")?.daysAgo ?? 99) <= 2
    case "new-customer":
      return (find("new-customer")?.daysAgo ?? 99) <= 2
    case "cancel-requested":
      return false
    default:
      throw new Error(`no expectation for ${templateId}`)
  }
}

describe("demo ground truth vs the rule catalogue", () => {
  for (const options of [
    { seed: 12, customers: 3000, asOf: "2026-11-25", patternRate: 0.7 },
    { seed: 13, customers: 1500, asOf: "2027-01-02", months: 5, dailyDays: 35, patternRate: 0.7 }
  ]) {
    it(`every default rule picks exactly the expected customers (asOf ${options.asOf})`, () => {
      const demo = generateDemo(options)
      const rules = catalogue.map((t) => ({ id: t.id, rule: compileRule(instantiate(t).rule) }))
      const matched = new Map<string, number>()
      for (const chunk of demo.chunks()) {
        for (const c of chunk.customers) {
          const facts = indexCustomerFacts({ customer: c.customer, daily: c.days, monthly: c.months, events: c.events })
          for (const { id, rule } of rules) {
            const got = rule.matches(facts, options.asOf)
            expect(got, `${id} ${c.customer.id} ${c.customer.tier} ${JSON.stringify(c.patterns)}`).toBe(expected(id, c, options.asOf))
            if (got) matched.set(id, (matched.get(id) ?? 0) + 1)
          }
        }
      }
      const dom = Number(options.asOf.slice(8, 10))
      for (const t of catalogue) {
        if (t.id === "cancel-requested" || (t.id === "bill-unpaid" && dom < 21)) continue
        expect(matched.get(t.id) ?? 0, t.id).toBeGreaterThan(0)
      }
    }, 60_000)
  }
})
