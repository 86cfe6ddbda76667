import { CalendarDataMissing, fixedCalendar, isDue, nextRuns, parseSchedule } from "@winback/rules"
import { describe, expect, it } from "vitest"
import { chinaCalendar, holidaysCalendar } from "../src/calendar"

describe("chinaCalendar (chinese-days)", () => {
  const cn = chinaCalendar()
  it("knows statutory holidays, including weekend days inside a holiday period", () => {
    expect(cn.isHoliday("2025-10-01")).toBe(true) // National Day
    expect(cn.isHoliday("2025-10-04")).toBe(true) // a Saturday inside the Golden Week
    expect(cn.isHoliday("2025-01-29")).toBe(true) // Spring Festival
    expect(cn.isHoliday("2025-11-22")).toBe(false) // an ordinary Saturday
    expect(cn.isHoliday("2025-11-20")).toBe(false) // an ordinary Thursday
  })
  it("knows make-up working days on weekends", () => {
    expect(cn.isWorkday("2025-09-28")).toBe(true) // Sunday made a working day before National Day
    expect(cn.isWorkday("2025-10-11")).toBe(true) // Saturday made a working day after it
    expect(cn.isWorkday("2025-10-01")).toBe(false)
    expect(cn.isWorkday("2025-11-22")).toBe(false)
    expect(cn.isWorkday("2025-11-20")).toBe(true)
  })
  it("drives a schedule: working days only runs on the make-up Sunday and skips the holiday week", () => {
    const s = parseSchedule({ cycle: "daily", window: { start: "09:00", end: "18:00" }, timeZone: "Asia/Shanghai", startsOn: "2025-09-26", workdaysOnly: true, skipHolidays: true })
    expect(nextRuns(s, "2025-09-26", 4, cn)).toEqual(["2025-09-26", "2025-09-28", "2025-09-29", "2025-09-30"])
    expect(nextRuns(s, "2025-10-01", 2, cn)).toEqual(["2025-10-09", "2025-10-10"])
  })
})

describe("chinaCalendar past its data", () => {
  const cn = chinaCalendar()
  it("refuses to guess on a year without holiday data: National Day 2027 is a typed CalendarDataMissing, not a working day", () => {
    const missing = (f: () => unknown): CalendarDataMissing => {
      try {
        f()
      } catch (e) {
        if (e instanceof CalendarDataMissing) return e
        throw e
      }
      throw new Error("expected CalendarDataMissing")
    }
    const e = missing(() => cn.isHoliday("2027-10-01"))
    expect(e).toMatchObject({ _tag: "CalendarDataMissing", calendar: "CN", day: "2027-10-01", year: 2027, covered: { from: 2004, to: 2026 } })
    expect(e.message).toContain("no public-holiday data for 2027")
    expect(missing(() => cn.isWorkday("2027-10-01")).year).toBe(2027)
    expect(missing(() => cn.isHoliday("2028-01-01")).year).toBe(2028) // a Saturday: still no data
    expect(missing(() => cn.isHoliday("2003-10-01")).year).toBe(2003)
    // The first and last covered years answer.
    expect(cn.isHoliday("2004-10-01")).toBe(true)
    expect(cn.isHoliday("2026-12-31")).toBe(false)
  })
  it("a schedule that skips holidays fails loudly on such a day; a host-supplied calendar covers the year", () => {
    const s = parseSchedule({ cycle: "daily", window: { start: "09:00", end: "18:00" }, timeZone: "Asia/Shanghai", startsOn: "2026-01-01", skipHolidays: true })
    expect(() => isDue(s, "2027-10-01", cn)).toThrow(CalendarDataMissing)
    const host = fixedCalendar({ name: "CN-2027", holidays: ["2027-10-01", "2027-10-04"], years: { from: 2027, to: 2027 } })
    expect(isDue(s, "2027-10-01", host)).toBe(false)
    expect(isDue(s, "2027-10-08", host)).toBe(true)
    expect(() => host.isHoliday("2028-10-02")).toThrow(CalendarDataMissing)
  })
})

describe("holidaysCalendar (date-holidays)", () => {
  it("knows US federal holidays and their observed days", () => {
    const us = holidaysCalendar({ country: "US" })
    expect(us.isHoliday("2026-07-03")).toBe(true) // 4 July 2026 is a Saturday: observed Friday
    expect(us.isHoliday("2026-11-26")).toBe(true) // Thanksgiving
    expect(us.isHoliday("2026-02-14")).toBe(false) // Valentine's Day is an observance, not a day off
    expect(us.isWorkday("2026-11-26")).toBe(false)
    expect(us.isWorkday("2026-11-25")).toBe(true)
    expect(us.isWorkday("2026-11-28")).toBe(false) // Saturday
  })
  it("honours states", () => {
    expect(holidaysCalendar({ country: "DE", state: "BY" }).isHoliday("2026-01-06")).toBe(true) // Epiphany in Bavaria
    expect(holidaysCalendar({ country: "DE", state: "BE" }).isHoliday("2026-01-06")).toBe(false) // not in Berlin
  })
  it("drives skip-holidays in a weekly schedule", () => {
    const s = parseSchedule({ cycle: "weekly", weekdays: [4], window: { start: "10:00", end: "12:00" }, timeZone: "America/New_York", startsOn: "2026-11-01", skipHolidays: true })
    const us = holidaysCalendar({ country: "US" })
    expect(isDue(s, "2026-11-26", us)).toBe(false)
    expect(nextRuns(s, "2026-11-18", 3, us)).toEqual(["2026-11-19", "2026-12-03", "2026-12-10"])
    expect(nextRuns(s, "2026-11-18", 3, fixedCalendar())).toEqual(["2026-11-19", "2026-11-26", "2026-12-03"])
  })
})
