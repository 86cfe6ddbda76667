import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { renderSms, SmsWork, ValidationError } from "@winback/core"
import { customer, item, T0, task, world, worldWith } from "./pipelineFixtures"

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
    const w = await worldWith((w) =>
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
    // Accepted is not delivered: the item stays open, the message counted as a not-reached attempt
    // (no-answer) until a delivery report says otherwise, the next one after the policy's 2 h.
    const sentItem = await Effect.runPromise(w.stores.workItems.get("wi-c-1"))
    expect(sentItem).toMatchObject({ state: "in-progress", disposition: null, nextAttemptAt: "2026-11-25T04:00:00.000Z" })
    expect(sentItem.attempts.map((a) => [a.disposition, a.note])).toEqual([["no-answer", "sms sms-1 accepted"]])
  })

  it("a message the gateway reports delivered at once completes the item", async () => {
    const w = await world({ smsStatus: "delivered" })
    await Effect.runPromise(
      Effect.gen(function* () {
        yield* w.stores.tasks.insert(task("t-greet", { channel: "sms", type: "greeting" }))
        yield* w.stores.workItems.insertMany([item("wi-1", { taskId: "t-greet", customerId: "c-1", channel: "sms" })])
      })
    )
    const agent = await w.actor("m-a1")
    await w.run(Effect.flatMap(SmsWork, (s) => s.sendBatch(agent, { taskId: "t-greet", template: "Happy birthday, {{name}}!" })))
    expect(await Effect.runPromise(w.stores.workItems.get("wi-1"))).toMatchObject({ state: "completed", disposition: "completed", nextAttemptAt: null })
  })

  it("a failed delivery is a not-reached attempt: sent again after the policy's delay, unreachable at the maximum", async () => {
    const w = await world({ smsStatus: "failed" })
    await Effect.runPromise(
      Effect.gen(function* () {
        yield* w.stores.tasks.insert(task("t-greet", { channel: "sms", type: "greeting", retryPolicy: { maxAttempts: 2, delayMinutes: { "phone-off": 60 } } }))
        yield* w.stores.workItems.insertMany([item("wi-1", { taskId: "t-greet", customerId: "c-1", channel: "sms" })])
      })
    )
    const agent = await w.actor("m-a1")
    const send = (at: number) => w.run(Effect.flatMap(SmsWork, (s) => s.sendBatch(agent, { taskId: "t-greet", template: "Happy birthday, {{name}}!" })), at)
    await send(T0)
    const w1 = await Effect.runPromise(w.stores.workItems.get("wi-1"))
    expect(w1).toMatchObject({ state: "in-progress", nextAttemptAt: "2026-11-25T03:00:00.000Z" })
    expect(w1.attempts.map((a) => [a.disposition, a.note])).toEqual([["phone-off", "sms sms-1 failed"]])
    // Before the task's 60 minutes nothing is sent.
    const early = await send(T0 + 59 * 60_000)
    expect(early.skipped).toEqual([{ itemId: "wi-1", reasons: [{ code: "not-before", message: "next attempt not before 2026-11-25T03:00:00.000Z" }] }])
    expect(w.texts).toHaveLength(1)
    // After it the second message goes out (its own idempotency key) and, failing too, ends the item.
    await send(T0 + 60 * 60_000)
    expect(w.texts.map((t) => t.idempotencyKey)).toEqual(["wi-1:1", "wi-1:2"])
    expect(await Effect.runPromise(w.stores.workItems.get("wi-1"))).toMatchObject({ state: "unreachable", disposition: "phone-off", nextAttemptAt: null })
    // An unreachable item is no longer worked by a batch.
    expect((await send(T0 + 10 * 60 * 60_000)).sent).toEqual([])
    expect(w.texts).toHaveLength(2)
  })
  it("itemIds sends only the named items of the task (a resend from one customer's page)", async () => {
    const w = await world()
    await Effect.runPromise(
      Effect.gen(function* () {
        yield* w.stores.tasks.insert(task("t-greet", { channel: "sms", type: "greeting" }))
        yield* w.stores.workItems.insertMany(["c-1", "c-3"].map((c) => item(`wi-${c}`, { taskId: "t-greet", customerId: c, channel: "sms" })))
      })
    )
    const agent = await w.actor("m-a1")
    const r = await w.run(Effect.flatMap(SmsWork, (s) => s.sendBatch(agent, { taskId: "t-greet", template: "Hello {{name}}", itemIds: ["wi-c-3"] })))
    expect(r.sent.map((x) => x.itemId)).toEqual(["wi-c-3"])
    expect(w.texts.map((x) => x.idempotencyKey)).toEqual(["wi-c-3:1"])
    expect((await Effect.runPromise(w.stores.workItems.get("wi-c-1"))).attempts).toEqual([])
  })

  it("everyone: a team leader sends the team's batch at once, never another team's items; not together with assigneeId", async () => {
    const w = await world()
    await Effect.runPromise(
      Effect.gen(function* () {
        yield* w.stores.tasks.insert(task("t-greet", { channel: "sms", type: "greeting" }))
        yield* w.stores.workItems.insertMany([
          item("wi-c-1", { taskId: "t-greet", customerId: "c-1", channel: "sms", assigneeId: "m-a1" }),
          item("wi-c-3", { taskId: "t-greet", customerId: "c-3", channel: "sms", assigneeId: "m-a2" }),
          item("wi-c-4", { taskId: "t-greet", customerId: "c-4", channel: "sms", assigneeId: "m-b1", teamId: "t-b" })
        ])
      })
    )
    const lead = await w.actor("m-lead-a")
    const bad = await w.run(Effect.flip(Effect.flatMap(SmsWork, (s) => s.sendBatch(lead, { taskId: "t-greet", template: "Hello {{name}}", everyone: true, assigneeId: "m-a1" }))))
    expect(bad).toBeInstanceOf(ValidationError)
    expect(w.texts).toEqual([])
    // Without `everyone` the leader's own items only: none.
    expect((await w.run(Effect.flatMap(SmsWork, (s) => s.sendBatch(lead, { taskId: "t-greet", template: "Hello {{name}}" })))).sent).toEqual([])
    const r = await w.run(Effect.flatMap(SmsWork, (s) => s.sendBatch(lead, { taskId: "t-greet", template: "Hello {{name}}", everyone: true })))
    expect(r.sent.map((x) => x.itemId).sort()).toEqual(["wi-c-1", "wi-c-3"])
    expect(w.texts.map((x) => x.idempotencyKey).sort()).toEqual(["wi-c-1:1", "wi-c-3:1"])
    expect((await Effect.runPromise(w.stores.workItems.get("wi-c-4"))).attempts).toEqual([])
  })

  it("fieldWords sends the coded fields in the message's language; a code without a word goes as the code", async () => {
    const w = await world()
    await Effect.runPromise(
      Effect.gen(function* () {
        yield* w.stores.tasks.insert(task("t-greet", { channel: "sms", type: "greeting" }))
        yield* w.stores.customers.upsertCustomers([customer("c-8", "m-a1", { tier: "gold", region: "beijing" }), customer("c-9", "m-a1", { tier: "platinum", region: "lhasa" })])
        yield* w.stores.workItems.insertMany(["c-8", "c-9"].map((c) => item(`wi-${c}`, { taskId: "t-greet", customerId: c, channel: "sms" })))
      })
    )
    const agent = await w.actor("m-a1")
    const fieldWords = { tier: { gold: "金卡", diamond: "钻石" }, region: { beijing: "北京大区" } }
    const r = await w.run(Effect.flatMap(SmsWork, (s) => s.sendBatch(agent, { taskId: "t-greet", template: "尊敬的{{tier}}客户（{{region}}）", fieldWords })))
    expect(r.sent.map((x) => x.itemId).sort()).toEqual(["wi-c-8", "wi-c-9"])
    expect(w.texts.map((x) => [x.idempotencyKey, x.text]).sort()).toEqual([
      ["wi-c-8:1", "尊敬的金卡客户（北京大区）"],
      ["wi-c-9:1", "尊敬的platinum客户（lhasa）"]
    ])
    // Words are data the boundary checks: an empty word is refused before anything is sent.
    const bad = await w.run(Effect.flip(Effect.flatMap(SmsWork, (s) => s.sendBatch(agent, { taskId: "t-greet", template: "{{tier}}", fieldWords: { tier: { gold: "" } } }))))
    expect(bad).toBeInstanceOf(ValidationError)
    expect(w.texts).toHaveLength(2)
  })
})
