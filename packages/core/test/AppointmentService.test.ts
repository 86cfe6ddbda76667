import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { AppointmentService, defaultWorkConfig } from "@winback/core"
import { fixedCalendar } from "@winback/rules"
import { item, T0, world, worldWith } from "./pipelineFixtures"

describe("AppointmentService", () => {
  it("books a callback, moves the item's next attempt, and warns about DND, hours and holidays", async () => {
    const w = await worldWith((w) =>
      Effect.gen(function* () {
        yield* w.stores.workItems.insertMany([item("wi-1", { customerId: "c-1" })])
        yield* w.stores.dnd.add({ id: "d1", customerId: "c-1", channel: "phone", reason: "evenings only", source: "customer-request", createdBy: "m-a1", createdAt: "2026-11-01T00:00:00.000Z", expiresAt: "2026-11-27T00:00:00.000Z", removedAt: null })
      })
    )
    const agent = await w.actor("m-a1")
    const config = { ...defaultWorkConfig, calendar: fixedCalendar({ holidays: ["2026-11-26"] }) }
    // 23:30 in Shanghai on a holiday, while a DND entry is still running.
    const b = await w.run(Effect.flatMap(AppointmentService, (s) => s.book(agent, { customerId: "c-1", channel: "phone", workItemId: "wi-1", at: "2026-11-26T15:30:00Z", note: "after work" })), T0, config)
    expect(b.warnings.map((r) => r.code)).toEqual(["dnd", "outside-hours", "holiday"])
    expect(b.appointment).toMatchObject({ customerId: "c-1", managerId: "m-a1", state: "booked", at: "2026-11-26T15:30:00.000Z" })
    expect((await Effect.runPromise(w.stores.workItems.get("wi-1"))).nextAttemptAt).toBe("2026-11-26T15:30:00.000Z")
    const clean = await w.run(Effect.flatMap(AppointmentService, (s) => s.book(agent, { customerId: "c-2", channel: "phone", at: "2026-11-27T02:00:00Z" })), T0, config)
    expect(clean.warnings).toEqual([])
    // Another team's customer: invisible to the agent.
    expect((await w.fail(Effect.flatMap(AppointmentService, (s) => s.book(agent, { customerId: "c-4", channel: "phone", at: "2026-11-27T02:00:00Z" }))))._tag).toBe("NotFound")
  })

  it("reminds the agent through the notifier when due (and by SMS when asked), once", async () => {
    const w = await world()
    const agent = await w.actor("m-a1")
    const dir = await w.actor("m-dir")
    await w.run(Effect.flatMap(AppointmentService, (s) => s.book(agent, { customerId: "c-1", channel: "phone", at: "2026-11-25T03:00:00Z", note: "bill question" })))
    await w.run(Effect.flatMap(AppointmentService, (s) => s.book(agent, { customerId: "c-2", channel: "phone", at: "2026-11-25T09:00:00Z" })))
    // 02:50: the first is due within the 15-minute lead, the second is not.
    const r = await w.run(Effect.flatMap(AppointmentService, (s) => s.sendDueReminders(dir, { smsToAgent: true })), Date.parse("2026-11-25T02:50:00Z"))
    expect(r.reminded).toHaveLength(1)
    expect(w.notices).toMatchObject([{ recipientId: "m-a1", kind: "appointment-due" }])
    expect(w.notices[0]!.text).toContain("bill question")
    expect(w.texts).toMatchObject([{ to: "+8613900000011" }])
    const again = await w.run(Effect.flatMap(AppointmentService, (s) => s.sendDueReminders(dir)), Date.parse("2026-11-25T02:55:00Z"))
    expect(again.reminded).toEqual([])
  })
})
