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

  it("keeps each booking's reminder lead, shows a due reminder to its agent until acknowledged, and shows it anew after a reschedule", async () => {
    const w = await world()
    const agent = await w.actor("m-a1")
    const other = await w.actor("m-a2")
    const dir = await w.actor("m-dir")
    const book = (customerId: string, at: string, remindMinutesBefore?: number) =>
      w.run(Effect.flatMap(AppointmentService, (s) => s.book(agent, { customerId, channel: "phone", at, ...(remindMinutesBefore === undefined ? {} : { remindMinutesBefore }) })))
    const long = await book("c-1", "2026-11-25T04:00:00Z", 60)
    const short = await book("c-2", "2026-11-25T04:00:00Z")
    expect(long.appointment.remindMinutesBefore).toBe(60)
    expect(short.appointment.remindMinutesBefore).toBe(15)
    const due = (ms: string) => w.run(Effect.flatMap(AppointmentService, (s) => s.dueReminders(agent)), Date.parse(ms))
    // 03:10: the 60-minute lead is due, the 15-minute one is not.
    expect((await due("2026-11-25T03:10:00Z")).map((r) => [r.appointment.id, r.dueAt])).toEqual([[long.appointment.id, "2026-11-25T03:00:00.000Z"]])
    const sent = await w.run(Effect.flatMap(AppointmentService, (s) => s.sendDueReminders(dir)), Date.parse("2026-11-25T03:10:00Z"))
    expect(sent.reminded).toEqual([long.appointment.id])
    // Still shown once reminded (by the job), until the agent acknowledges it; a colleague cannot.
    expect((await due("2026-11-25T03:11:00Z")).map((r) => r.appointment.state)).toEqual(["reminded"])
    expect((await w.fail(Effect.flatMap(AppointmentService, (s) => s.acknowledgeReminder(other, long.appointment.id))))._tag).toBe("NotFound")
    const acked = await w.run(Effect.flatMap(AppointmentService, (s) => s.acknowledgeReminder(agent, long.appointment.id)), Date.parse("2026-11-25T03:12:00Z"))
    expect(acked.reminderAcknowledgedAt).toBe("2026-11-25T03:12:00.000Z")
    expect(await due("2026-11-25T03:13:00Z")).toEqual([])
    // Moved to the afternoon: booked again, its reminder to be shown anew at 14:30.
    const moved = await w.run(Effect.flatMap(AppointmentService, (s) => s.reschedule(agent, long.appointment.id, { at: "2026-11-25T15:00:00Z", remindMinutesBefore: 30 })), Date.parse("2026-11-25T03:14:00Z"))
    expect(moved.appointment).toMatchObject({ state: "booked", reminderAcknowledgedAt: null, remindMinutesBefore: 30, at: "2026-11-25T15:00:00.000Z" })
    expect((await due("2026-11-25T14:31:00Z")).map((r) => r.appointment.id)).toEqual([short.appointment.id, long.appointment.id])
    const cancelled = await w.run(Effect.flatMap(AppointmentService, (s) => s.cancel(agent, short.appointment.id)))
    expect((await w.fail(Effect.flatMap(AppointmentService, (s) => s.reschedule(agent, cancelled.id, { at: "2026-11-26T02:00:00Z" }))))._tag).toBe("Conflict")
  })

  it("of two senders running at once (two processes, or the sweep and the daily job), exactly one reminds each appointment", async () => {
    const w = await world()
    const agent = await w.actor("m-a1")
    const dir = await w.actor("m-dir")
    await w.run(Effect.flatMap(AppointmentService, (s) => s.book(agent, { customerId: "c-1", channel: "phone", at: "2026-11-25T03:00:00Z" })))
    await w.run(Effect.flatMap(AppointmentService, (s) => s.book(agent, { customerId: "c-2", channel: "phone", at: "2026-11-25T03:05:00Z" })))
    const send = Effect.flatMap(AppointmentService, (s) => s.sendDueReminders(dir))
    const [a, b] = await w.run(Effect.all([send, send], { concurrency: 2 }), Date.parse("2026-11-25T02:55:00Z"))
    expect([...a.reminded, ...b.reminded]).toHaveLength(2)
    expect(new Set([...a.reminded, ...b.reminded]).size).toBe(2)
    expect(w.notices).toHaveLength(2)
  })
})
