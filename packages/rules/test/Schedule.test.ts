import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { ValidationError, fixedCalendar, isDue, isWithinWindow, nextRuns, parseSchedule, windowOn } from "../src"

const base = { window: { start: "09:00", end: "17:30" }, startsOn: "2026-11-01" }
describe("schedules", () => {
  it("daily, weekly and monthly cycles with start and expiry", () => {
    const daily = parseSchedule({ ...base, cycle: "daily", expiresOn: "2026-11-03" })
    expect(nextRuns(daily, "2026-10-20", 10)).toEqual(["2026-11-01", "2026-11-02", "2026-11-03"])
    const weekly = parseSchedule({ ...base, cycle: "weekly", weekdays: [1, 4] })
    expect(nextRuns(weekly, "2026-11-18", 3)).toEqual(["2026-11-19", "2026-11-23", "2026-11-26"])
    const monthly = parseSchedule({ ...base, cycle: "monthly", daysOfMonth: [15, 31] })
    expect(nextRuns(monthly, "2027-01-20", 4)).toEqual(["2027-01-31", "2027-02-15", "2027-02-28", "2027-03-15"])
  })
  it("skips public holidays and runs on make-up working days", () => {
    const cal = fixedCalendar({ holidays: ["2026-10-01", "2026-10-02"], workdays: ["2026-10-10"] })
    const s = parseSchedule({ ...base, startsOn: "2026-09-01", cycle: "daily", skipHolidays: true, workdaysOnly: true })
    expect(isDue(s, "2026-10-01", cal)).toBe(false)
    expect(isDue(s, "2026-10-10", cal)).toBe(true) // a Saturday made a working day
    expect(isDue(s, "2026-10-11", cal)).toBe(false)
    expect(() => isDue(s, "2026-10-01")).toThrow(/BusinessCalendar/)
  })
  it("places the execution window in the schedule's time zone, overnight windows included", () => {
    const s = parseSchedule({ ...base, cycle: "daily", timeZone: "Asia/Shanghai" })
    expect(windowOn(s, "2026-11-20")).toEqual({ startsAt: "2026-11-20T01:00:00.000Z", endsAt: "2026-11-20T09:30:00.000Z" })
    expect(isWithinWindow(s, "2026-11-20T09:29:00Z")).toBe(true)
    expect(isWithinWindow(s, "2026-11-20T09:30:00Z")).toBe(false)
    const ny = parseSchedule({ ...base, startsOn: "2026-01-01", cycle: "daily", timeZone: "America/New_York", window: { start: "22:00", end: "02:00" } })
    expect(windowOn(ny, "2026-11-20")).toEqual({ startsAt: "2026-11-21T03:00:00.000Z", endsAt: "2026-11-21T07:00:00.000Z" })
    expect(windowOn(ny, "2026-07-20")).toEqual({ startsAt: "2026-07-21T02:00:00.000Z", endsAt: "2026-07-21T06:00:00.000Z" })
    expect(isWithinWindow(ny, "2026-11-21T06:59:00Z")).toBe(true)
  })
  it("rejects bad schedules with every issue and its path", () => {
    try {
      parseSchedule({ cycle: "weekly", window: { start: "25:00", end: "10:00" }, startsOn: "2026-11-01", expiresOn: "2026-10-01", timeZone: "Mars/Olympus" })
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError)
      const paths = (e as ValidationError).issues.map((i) => i.path.join("."))
      expect(paths).toEqual(expect.arrayContaining(["window.start"]))
    }
    try {
      parseSchedule({ cycle: "weekly", window: { start: "09:00", end: "10:00" }, startsOn: "2026-11-01", expiresOn: "2026-10-01", timeZone: "Mars/Olympus" })
      expect.unreachable()
    } catch (e) {
      expect((e as ValidationError).issues.map((i) => i.path.join("."))).toEqual(["weekdays", "expiresOn", "timeZone"])
    }
  })
  it("nextRuns returns increasing due days only (property)", () => {
    const cal = fixedCalendar({ holidays: ["2026-12-25", "2027-01-01"] })
    fc.assert(
      fc.property(
        fc.record({
          cycle: fc.constantFrom("daily", "weekly", "monthly"),
          weekdays: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
          daysOfMonth: fc.uniqueArray(fc.integer({ min: 1, max: 31 }), { minLength: 1, maxLength: 5 }),
          skipHolidays: fc.boolean(),
          workdaysOnly: fc.boolean()
        }),
        fc.integer({ min: 0, max: 60 }),
        (raw, offset) => {
          const s = parseSchedule({ ...base, ...raw })
          const from = new Date(Date.UTC(2026, 10, 1 + offset)).toISOString().slice(0, 10)
          const runs = nextRuns(s, from, 8, cal)
          for (const [i, d] of runs.entries()) {
            expect(isDue(s, d, cal)).toBe(true)
            expect(d >= from).toBe(true)
            if (i > 0) expect(d > runs[i - 1]!).toBe(true)
          }
        }
      )
    )
  })
})
