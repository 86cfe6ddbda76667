/**
 * Why an item exists (the agent's alert explanation), and the dial's audit entry with the number
 * masked.
 */
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { AuditTrail, dialAction, Execution, itemReasons, maskPhone, RuleService } from "@winback/core"
import { customer, item, task, world } from "./pipelineFixtures"

/** A closed month: billed on the 1st of the next month (a month without a bill date is still open). */
const month = (m: string, billAmount: number) => {
  const next = `${m.slice(0, 5)}${String(Number(m.slice(5)) + 1).padStart(2, "0")}`
  return { customerId: "c-1", month: m, billAmount, dataMb: 1, callMinutes: 1, competitorCallSeconds: 0, forwardedDays: 0, silentDays: 0, billDate: `${next}-01`, dueDate: `${next}-20`, paidDate: `${next}-15` }
}

describe("itemReasons", () => {
  it("explains an alert item with the rule's numbers as of the item's period; a manual item by its import", async () => {
    const w = await world()
    const [dir, approver] = [await w.actor("m-dir"), await w.actor("m-appr")]
    const rule = await w.run(Effect.flatMap(RuleService, (r) => r.create(dir, { ruleId: "drop", name: "Bill drop", templateId: "bill-drop" })))
    await w.run(Effect.flatMap(RuleService, (r) => r.submit(dir, rule.id)))
    await w.run(Effect.flatMap(RuleService, (r) => r.approve(approver, rule.id)))
    await Effect.runPromise(
      Effect.gen(function* () {
        yield* w.stores.customers.upsertCustomers([customer("c-1", "m-a1", { tier: "gold" })])
        yield* w.stores.customers.upsertUsageMonths([month("2026-07", 90.5), month("2026-08", 110.35), month("2026-09", 100.2), month("2026-10", 58.2)])
        yield* w.stores.tasks.insert(task("t-alert", { source: "alert", ruleInstanceIds: [rule.id] } as never))
        yield* w.stores.tasks.insert(task("t-1"))
        yield* w.stores.workItems.insertMany([item("wi-1", { taskId: "t-alert" }), item("wi-2", { taskId: "t-1" })])
      })
    )
    const agent = await w.actor("m-a1")
    const [why] = await w.run(itemReasons(agent, "wi-1"))
    expect(why).toMatchObject({ kind: "rule", ruleName: "Bill drop", templateId: "bill-drop", asOf: "2026-11-25", matched: true })
    if (why?.kind !== "rule") throw new Error("not a rule reason")
    expect(why.values).toMatchObject({ thisMonth: 58.2, baseline: 100.35 })
    expect(why.values.change).toBeCloseTo(-42, 0)
    expect(why.summary).toContain("58.2 vs 3-month average 100.35")
    expect(await w.run(itemReasons(agent, "wi-2"))).toEqual([{ kind: "import", taskId: "t-1" }])
    // Another team's agent does not learn the item exists.
    expect((await w.fail(itemReasons(await w.actor("m-b1"), "wi-1")))._tag).toBe("NotFound")
  })
})

describe("dial audit", () => {
  it("records who dialled whom with the number masked", async () => {
    const w = await world()
    const agent = await w.actor("m-a1")
    await w.run(Effect.flatMap(Execution, (x) => x.dial(agent, { customerId: "c-1" })))
    const page = await w.run(Effect.flatMap(AuditTrail, (a) => a.query(agent, { customerId: "c-1" })))
    const entry = page.items.find((e) => e.action === dialAction)
    expect(entry).toMatchObject({ category: "customer", recordId: "c-1", actorId: "m-a1", after: { callId: "pbx-1", phone: "138****0000", channel: "phone" } })
    expect(JSON.stringify(page.items)).not.toContain("13800000000")
  })

  it("masks numbers: first three and last four digits of a mobile, the last two of short ones", () => {
    expect(maskPhone("+8613812345678")).toBe("138****5678")
    expect(maskPhone("13812345678")).toBe("138****5678")
    expect(maskPhone("6512")).toBe("**12")
  })
})
