import { describe, expect, it } from "vitest"
import { ValidationError, billDrop, catalogue, compileRule, findTemplate, indexCustomerFacts, instantiate, validateRule } from "../src"

describe("the template catalogue", () => {
  it("covers every rule of DOMAIN §4", () => {
    expect(catalogue.map((t) => t.id)).toEqual(
      expect.arrayContaining([
        "competitor-calls",
        "dunning-follow-up",
        "call-forwarding",
        "silent-high-value",
        "suspension-requested",
        "bill-unpaid",
        "zero-bill",
        "bill-drop",
        "data-drop",
        "contract-expiring",
        "birthday",
        "bill-anomaly",
        "complaint-resolved",
        "new-customer"
      ])
    )
    expect(new Set(catalogue.map((t) => t.id)).size).toBe(catalogue.length)
  })

  it("carries the DOMAIN defaults", () => {
    expect(findTemplate("competitor-calls")?.defaults).toMatchObject({ minSeconds: 60 })
    expect(findTemplate("call-forwarding")?.defaults).toMatchObject({ minDays: 5 })
    expect(findTemplate("silent-high-value")?.defaults).toMatchObject({ minDays: 10, minTier: "gold" })
    expect(findTemplate("bill-unpaid")?.defaults).toMatchObject({ daysAfterBill: 20 })
    expect(findTemplate("bill-drop")?.defaults).toMatchObject({ baselineMonths: 3 })
    expect(findTemplate("contract-expiring")?.defaults).toMatchObject({ monthsLeft: 2 })
    expect(findTemplate("bill-anomaly")?.defaults).toMatchObject({ factor: 3, baselineMonths: 3 })
    expect(findTemplate("complaint-resolved")?.defaults).toMatchObject({ withinDays: 3 })
    expect(findTemplate("new-customer")?.defaults).toMatchObject({ withinDays: 3 })
    expect(findTemplate("birthday")?.channel).toBe("sms")
  })

  for (const t of catalogue) {
    describe(t.id, () => {
      it("instantiates with its defaults into a valid rule, and the schema fills exactly the documented defaults", () => {
        const inst = instantiate(t)
        expect(validateRule(inst.rule)).toEqual([])
        expect(inst.params).toEqual(t.defaults)
        expect(t.description.length).toBeGreaterThan(20)
        expect(t.examples.length).toBeGreaterThanOrEqual(2)
      })
      for (const ex of t.examples) {
        it(`example: ${ex.title} → ${ex.matches ? "matches" : "does not match"}`, () => {
          const rule = compileRule(instantiate(t, ex.params ?? {}).rule)
          const facts = indexCustomerFacts(ex.facts)
          expect(rule.matches(facts, ex.asOf)).toBe(ex.matches)
          expect(rule.explain(facts, ex.asOf).matched).toBe(ex.matches)
        })
      }
    })
  }

  it("explains the bill drop in the words of the issue", () => {
    const rule = compileRule(instantiate(billDrop).rule)
    const ex = billDrop.examples[0]!
    expect(rule.explain(indexCustomerFacts(ex.facts), ex.asOf).summary).toBe("bill 95 vs 3-month average 180, −47.2%, threshold for gold 30%")
  })

  it("rejects bad parameters with their paths", () => {
    const err = (() => {
      try {
        instantiate(findTemplate("silent-high-value")!, { minDays: -1, colour: "red" })
      } catch (e) {
        return e
      }
    })()
    expect(err).toBeInstanceOf(ValidationError)
    const paths = (err as ValidationError).issues.map((i) => i.path.join("."))
    expect(paths).toContain("params.minDays")
    expect(paths).toContain("params")
  })

  it("rejects parameters that build an invalid rule (unknown tier), with the path inside the rule", () => {
    try {
      instantiate(findTemplate("silent-high-value")!, { minTier: "platinum" })
      expect.unreachable()
    } catch (e) {
      expect((e as ValidationError)._tag).toBe("ValidationError")
      expect((e as ValidationError).issues).toEqual([expect.objectContaining({ path: ["rule", "when", "of", 0, "value"], code: "unknown_value" })])
    }
  })

  it("takes per-tier and per-region thresholds", () => {
    const facts = (tier: string, region: string) =>
      indexCustomerFacts({ ...billDrop.examples[0]!.facts, customer: { ...billDrop.examples[0]!.facts.customer, tier, region } })
    const byRegion = compileRule(instantiate(billDrop, { dropPercent: { by: "region", values: { north: 50 }, otherwise: 40 } }).rule)
    expect(byRegion.matches(facts("gold", "north"), "2026-11-20")).toBe(false) // −47.2% is not past 50%
    expect(byRegion.matches(facts("gold", "south"), "2026-11-20")).toBe(true) // past 40%
    const noDefault = compileRule(instantiate(billDrop, { dropPercent: { by: "tier", values: { gold: 30 } } }).rule)
    expect(noDefault.matches(facts("silver", "north"), "2026-11-20")).toBe(false) // no threshold for silver: never
  })
})
