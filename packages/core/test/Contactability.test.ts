import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { Contactability, defaultContactPolicy, defaultWorkConfig, evaluateContact, localDateTime, nextAttempt, defaultRetryPolicy } from "@winback/core"
import { fixedCalendar } from "@winback/rules"
import { item, worldWith } from "./pipelineFixtures"

describe("canContact: every reason", () => {
  it("local time in the customer's own time zone", () => {
    expect(localDateTime("2026-11-25T14:30:00.000Z", "Asia/Shanghai")).toEqual({ day: "2026-11-25", time: "22:30" })
    expect(localDateTime("2026-11-25T03:00:00.000Z", "America/New_York")).toEqual({ day: "2026-11-24", time: "22:00" })
  })

  it("collects DND, calling hours, holiday and frequency cap together", () => {
    const d = evaluateContact({
      policy: defaultContactPolicy,
      channel: "phone",
      at: "2026-10-01T14:30:00.000Z", // 22:30 in Shanghai, National Day
      timeZone: "Asia/Shanghai",
      dnd: [
        { id: "d1", customerId: "c", channel: "phone", reason: "complained", source: "complaint", createdBy: "m", createdAt: "2026-09-01T00:00:00.000Z", expiresAt: null, removedAt: null },
        { id: "d2", customerId: "c", channel: "sms", reason: "x", source: "agent", createdBy: "m", createdAt: "2026-09-01T00:00:00.000Z", expiresAt: null, removedAt: null }
      ],
      contactTimes: ["2026-10-01T02:00:00.000Z", "2026-10-01T05:00:00.000Z", "2026-10-01T08:00:00.000Z"],
      calendar: fixedCalendar({ name: "cn", holidays: ["2026-10-01"] })
    })
    expect(d.allowed).toBe(false)
    expect(d.reasons.map((r) => r.code)).toEqual(["dnd", "outside-hours", "holiday", "frequency-cap"])
    expect(d.reasons[1]!.message).toContain("22:30 in Asia/Shanghai")
  })

  it("refuses a holiday channel when the calendar has no data for the year, and says why; other channels go on", () => {
    const calendar = fixedCalendar({ name: "CN", holidays: ["2026-10-01"], years: { from: 2004, to: 2026 } })
    const on = (channel: "phone" | "email") =>
      evaluateContact({ policy: { ...defaultContactPolicy, holidayChannels: ["phone"] }, channel, at: "2027-10-01T02:00:00.000Z", timeZone: "Asia/Shanghai", dnd: [], contactTimes: [], calendar })
    const phone = on("phone")
    expect(phone.allowed).toBe(false)
    expect(phone.reasons.map((r) => r.code)).toEqual(["calendar-data-missing"])
    expect(phone.reasons[0]!.message).toContain("cannot tell whether 2027-10-01 is a public holiday")
    expect(phone.reasons[0]!.message).toContain("no public-holiday data for 2027")
    expect(on("email").reasons.filter((r) => r.code === "calendar-data-missing")).toEqual([])
  })

  it("allows a contact inside hours with no DND; expired and removed DND entries do not count", () => {
    const d = evaluateContact({
      policy: defaultContactPolicy,
      channel: "phone",
      at: "2026-11-25T02:00:00.000Z",
      timeZone: "Asia/Shanghai",
      dnd: [
        { id: "d1", customerId: "c", channel: "phone", reason: "x", source: "agent", createdBy: "m", createdAt: "2026-09-01T00:00:00.000Z", expiresAt: "2026-11-01T00:00:00.000Z", removedAt: null },
        { id: "d2", customerId: "c", channel: "phone", reason: "x", source: "agent", createdBy: "m", createdAt: "2026-09-01T00:00:00.000Z", expiresAt: null, removedAt: "2026-11-20T00:00:00.000Z" }
      ],
      contactTimes: []
    })
    expect(d).toMatchObject({ allowed: true, reasons: [] })
  })

  it("the service reads DND and earlier attempts from the stores, in the customer's time zone", async () => {
    const w = await worldWith((w) =>
      Effect.gen(function* () {
        yield* w.stores.dnd.add({ id: "d1", customerId: "c-1", channel: "sms", reason: "x", source: "agent", createdBy: "m-a1", createdAt: "2026-11-01T00:00:00.000Z", expiresAt: null, removedAt: null })
        yield* w.stores.workItems.insertMany([
          item("wi-1", { customerId: "c-1", attempts: [1, 2, 3].map((h) => ({ at: `2026-11-24T0${h}:00:00.000Z`, by: "m-a1", disposition: "no-answer" as const, callSerial: null, note: "" })) })
        ])
      })
    )
    const agent = await w.actor("m-a1")
    const at = "2026-11-25T02:00:00.000Z"
    const phone = await w.run(Effect.flatMap(Contactability, (c) => c.canContact(agent, { customerId: "c-1", channel: "phone", at })))
    expect(phone.allowed).toBe(true) // three calls, but more than 24 hours ago (weekly cap 10)
    const sms = await w.run(Effect.flatMap(Contactability, (c) => c.canContact(agent, { customerId: "c-1", channel: "sms", at })))
    expect(sms.reasons.map((r) => r.code)).toEqual(["dnd"])
    // c-6 lives in New York: 02:00 UTC is 21:00 there, outside the 08:00–21:00 phone hours.
    const ny = await w.run(Effect.flatMap(Contactability, (c) => c.canContact(agent, { customerId: "c-6", channel: "phone", at })))
    expect(ny.reasons.map((r) => r.code)).toEqual(["outside-hours"])
    // Holidays come from the configured calendar.
    const holiday = await w.run(
      Effect.flatMap(Contactability, (c) => c.canContact(agent, { customerId: "c-2", channel: "phone", at })),
      undefined,
      { ...defaultWorkConfig, calendar: fixedCalendar({ holidays: ["2026-11-25"] }) }
    )
    expect(holiday.reasons.map((r) => r.code)).toEqual(["holiday"])
    // Out of scope: not found.
    expect((await w.fail(Effect.flatMap(Contactability, (c) => c.canContact(agent, { customerId: "c-4", channel: "phone" }))))._tag).toBe("NotFound")
  })
})

describe("nextAttempt", () => {
  it("reached outcomes schedule nothing; not-reached ones wait; the last attempt is final", () => {
    const at = "2026-11-25T02:00:00.000Z"
    expect(nextAttempt(defaultRetryPolicy, [], "refused", at)).toEqual({ nextAttemptAt: null, exhausted: false, attemptNo: 1 })
    expect(nextAttempt(defaultRetryPolicy, [], "phone-off", at).nextAttemptAt).toBe("2026-11-25T06:00:00.000Z")
    const two = [1, 2].map(() => ({ at, by: "m", disposition: "no-answer" as const, callSerial: null, note: "" }))
    expect(nextAttempt(defaultRetryPolicy, two, "no-answer", at)).toEqual({ nextAttemptAt: null, exhausted: true, attemptNo: 3 })
  })
})
