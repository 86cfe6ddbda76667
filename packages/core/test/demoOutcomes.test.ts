/**
 * Outcome ground truth: which customers stay, churn or return after asOf, and the status changes
 * generated for a later date agree with it.
 */
import { describe, expect, it } from "vitest"
import { type DemoCustomer, generateDemo } from "../src/demo/index"

const DAY = 86_400_000
const toDay = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / DAY

describe("demo outcomes", () => {
  const demo = generateDemo({ seed: 21, customers: 6000, outcomeRate: 0.5, patternRate: 0.4 })
  const all: Array<DemoCustomer> = [...demo.chunks({ usage: false })].flatMap((c) => c.customers)
  const asOf = toDay(demo.options.asOf)

  it("decides a trajectory for about outcomeRate of the customers, consistent with their status at asOf", () => {
    const withOutcome = all.filter((c) => c.outcome !== null)
    expect(withOutcome.length / all.length).toBeGreaterThan(0.45)
    expect(withOutcome.length / all.length).toBeLessThan(0.55)
    const kinds = new Map<string, number>()
    for (const { customer, outcome } of withOutcome) {
      kinds.set(outcome!.kind, (kinds.get(outcome!.kind) ?? 0) + 1)
      if (outcome!.kind === "stays") {
        expect(outcome!.status).toBe(customer.lineStatus)
        continue
      }
      const days = toDay(outcome!.on) - asOf
      expect(days).toBeGreaterThanOrEqual(1)
      expect(days).toBeLessThanOrEqual(90)
      expect(outcome!.from).toBe(customer.lineStatus)
      if (outcome!.kind === "churns") expect(["cancelled", "pre-cancel"]).toContain(outcome!.to)
      else expect(customer.lineStatus).not.toBe("active")
    }
    expect(kinds.get("stays")).toBeGreaterThan(0)
    expect(kinds.get("churns")).toBeGreaterThan(0)
    expect(kinds.get("returns")).toBeGreaterThan(0)
  })

  it("customers with churn signals churn more often than the rest", () => {
    const churnSignals = new Set(["bill-drop", "zero-bill", "data-drop", "silent-streak", "call-forwarding", "competitor-calls", "bill-unpaid", "reminder-sms", "suspension-requested"])
    const rate = (xs: ReadonlyArray<DemoCustomer>) => xs.filter((c) => c.outcome?.kind === "churns").length / xs.length
    const followedActive = all.filter((c) => c.outcome !== null && c.customer.lineStatus === "active")
    const atRisk = followedActive.filter((c) => c.patterns.some((p) => churnSignals.has(p.kind)))
    const calm = followedActive.filter((c) => !c.patterns.some((p) => churnSignals.has(p.kind)))
    expect(rate(atRisk)).toBeGreaterThan(rate(calm) + 0.1)
  })

  it("statusChanges yields exactly the churns and returns dated in the range, as rows and events", () => {
    const until = new Date((asOf + 30) * DAY).toISOString().slice(0, 10)
    const expected = all
      .filter((c) => c.outcome !== null && c.outcome.kind !== "stays" && toDay(c.outcome.on) <= asOf + 30)
      .map((c) => c.customer.id)
    const changes = [...demo.statusChanges({ until })]
    expect(changes.map((c) => c.customer.id)).toEqual(expected)
    expect(expected.length).toBeGreaterThan(50)
    for (const change of changes) {
      const before = all.find((c) => c.customer.id === change.customer.id)!
      const o = before.outcome!
      expect(o.kind === "stays").toBe(false)
      if (o.kind === "stays") continue
      expect(change.on).toBe(o.on)
      expect(change.customer).toEqual({ ...before.customer, lineStatus: o.to })
      expect(change.event.type).toBe("status-changed")
      expect(change.event.at.slice(0, 10)).toBe(o.on)
      expect(change.event.data).toEqual({ from: o.from, to: o.to, outcome: o.kind })
    }
    const later = [...demo.statusChanges({ after: until, until: new Date((asOf + 90) * DAY).toISOString().slice(0, 10) })]
    expect(later.every((c) => toDay(c.on) > asOf + 30)).toBe(true)
    expect(changes.length + later.length).toBe(all.filter((c) => c.outcome !== null && c.outcome.kind !== "stays").length)
  })
})
