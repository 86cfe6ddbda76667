import { describe, expect, it } from "vitest"
import { cancelRequested, compileRule, indexFacts, instantiate, onEvent, preview, silentHighValue, suspensionRequested } from "../src"

const customer = (id: string, tier: string) => ({ id, tier, region: "north", paymentType: "postpaid", lineStatus: "active" })
describe("event rules", () => {
  const rules = [
    { id: "cancel", rule: compileRule(instantiate(cancelRequested).rule) },
    { id: "suspension", rule: compileRule(instantiate(suspensionRequested).rule) },
    { id: "silent", rule: compileRule(instantiate(silentHighValue).rule) }
  ]
  it("fire on the incoming event through the same language", () => {
    const out = onEvent(rules, { customer: customer("42", "diamond") }, { customerId: "42", type: "cancel-requested", at: "2026-11-20T03:00:00Z" })
    expect(out.map((o) => [o.id, o.triggered, o.fired])).toEqual([
      ["cancel", true, true],
      ["suspension", false, false],
      ["silent", false, false]
    ])
    const fired = out[0]!
    expect(fired.triggered && fired.explanation.summary).toBe("diamond customer applied to cancel")
  })
  it("do not fire when the condition fails", () => {
    const out = onEvent(rules, { customer: customer("7", "regular") }, { customerId: "7", type: "cancel-requested", at: "2026-11-20T03:00:00Z" })
    expect(out[0]).toMatchObject({ triggered: true, fired: false })
  })
})

describe("preview", () => {
  it("counts picks per day and overlap with other instances", () => {
    const day = (d: string, calls: number) => ({ day: d, charge: 1, dataMb: 1, callMinutes: 1, outgoingCalls: calls, competitorCallSeconds: 0, forwardedToOtherOperator: false, reminderSmsDelivered: false })
    const silentFrom = (first: number) => Array.from({ length: 20 }, (_, i) => day(`2026-11-${String(i + 1).padStart(2, "0")}`, i + 1 >= first ? 0 : 2))
    const facts = indexFacts([
      { customer: customer("a", "gold"), daily: silentFrom(8) }, // silent from the 8th: 10 days on the 17th
      { customer: customer("b", "gold"), daily: silentFrom(10) }, // 10 days on the 19th
      { customer: customer("c", "silver"), daily: silentFrom(1) }, // silver: never
      { customer: customer("d", "diamond"), daily: silentFrom(25) }
    ])
    const draft = compileRule(instantiate(silentHighValue).rule)
    const other = compileRule({ when: { op: "tier", cmp: ">=", value: "gold" } })
    const p = preview({ rule: draft, facts, asOf: "2026-11-20", days: 5, others: [{ id: "gold-and-up", rule: other }] })
    expect(p.days).toEqual([
      { day: "2026-11-16", count: 0 },
      { day: "2026-11-17", count: 1 },
      { day: "2026-11-18", count: 1 },
      { day: "2026-11-19", count: 2 },
      { day: "2026-11-20", count: 2 }
    ])
    expect(p.overlap).toEqual([{ id: "gold-and-up", both: 2, draftOnly: 0, otherOnly: 1 }])
    expect(p.samples.map((s) => s.summary)).toEqual(["gold customer silent for 13 days (limit 10)", "gold customer silent for 11 days (limit 10)"])
  })
})
