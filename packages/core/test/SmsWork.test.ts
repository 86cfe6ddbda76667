import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { renderSms, SmsWork, ValidationError } from "@winback/core"
import { customer, item, task, world } from "./pipelineFixtures"

describe("SMS work", () => {
  it("renders templates with customer fields and reports every missing field", () => {
    expect(renderSms("Dear {{name}}, {{ arrears }} is due.", { name: "Li Wei", arrears: "95.00" })).toBe("Dear Li Wei, 95.00 is due.")
    try {
      renderSms("{{name}} {{arrears}} {{dueDate}}", { name: "x", arrears: null })
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError)
      expect((e as ValidationError).issues.map((i) => i.path.join("."))).toEqual(["fields.arrears", "fields.dueDate"])
    }
  })

  it("the dunning flow: sends the arrears amount in bulk, records delivery, skips DND and missing data", async () => {
    const w = await world()
    await Effect.runPromise(
      Effect.gen(function* () {
        yield* w.stores.tasks.insert(task("t-dunning", { channel: "sms", type: "dunning" }))
        const month = (customerId: string, month: string, billAmount: number, paidDate: string | null) => ({
          customerId, month, billAmount, dataMb: 0, callMinutes: 0, competitorCallSeconds: 0, forwardedDays: 0, silentDays: 0,
          billDate: `${month}-28`, dueDate: `${month}-28`, paidDate
        })
        yield* w.stores.customers.upsertCustomers([customer("c-7", "m-a1")])
        yield* w.stores.customers.upsertUsageMonths([
          month("c-1", "2026-09", 120, "2026-10-05"),
          month("c-1", "2026-10", 95.5, null),
          month("c-2", "2026-10", 80, null),
          month("c-7", "2026-10", 60, "2026-11-02")
        ])
        yield* w.stores.dnd.add({ id: "d1", customerId: "c-2", channel: "sms", reason: "x", source: "agent", createdBy: "m-a1", createdAt: "2026-11-01T00:00:00.000Z", expiresAt: null, removedAt: null })
        yield* w.stores.workItems.insertMany(["c-1", "c-2", "c-6", "c-7"].map((c) => item(`wi-${c}`, { taskId: "t-dunning", customerId: c, channel: "sms" })))
      })
    )
    const agent = await w.actor("m-a1")
    const r = await w.run(Effect.flatMap(SmsWork, (s) => s.sendBatch(agent, { taskId: "t-dunning", template: "Dear {{name}}, your bill of {{arrears}} for {{billMonth}} is overdue." })))
    expect(w.texts).toEqual([{ to: "+8613800000000", text: "Dear Customer c-1, your bill of 95.50 for 2026-10 is overdue.", idempotencyKey: "wi-c-1:1" }])
    expect(r.sent).toEqual([{ itemId: "wi-c-1", messageId: "sms-1", status: "accepted" }])
    expect(r.skipped.map((s) => [s.itemId, s.reasons.map((x) => x.code)])).toEqual([
      ["wi-c-2", ["dnd"]],
      ["wi-c-6", ["outside-hours"]], // 21:00 in New York
      ["wi-c-7", ["missing-field", "missing-field"]] // paid: no arrears nor bill month to quote
    ])
    const done = await Effect.runPromise(w.stores.workItems.get("wi-c-1"))
    expect(done).toMatchObject({ state: "completed", disposition: "completed" })
    expect(done.attempts.at(-1)!.note).toBe("sms sms-1 accepted")
  })

  it("a failed delivery keeps the item open with the status recorded", async () => {
    const w = await world({ smsStatus: "failed" })
    await Effect.runPromise(
      Effect.gen(function* () {
        yield* w.stores.tasks.insert(task("t-greet", { channel: "sms", type: "greeting" }))
        yield* w.stores.workItems.insertMany([item("wi-1", { taskId: "t-greet", customerId: "c-1", channel: "sms" })])
      })
    )
    const agent = await w.actor("m-a1")
    await w.run(Effect.flatMap(SmsWork, (s) => s.sendBatch(agent, { taskId: "t-greet", template: "Happy birthday, {{name}}!" })))
    const w1 = await Effect.runPromise(w.stores.workItems.get("wi-1"))
    expect(w1.state).toBe("in-progress")
    expect(w1.attempts.map((a) => a.note)).toEqual(["sms sms-1 failed"])
  })
})
