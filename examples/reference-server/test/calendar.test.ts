/**
 * The server's calendar from the environment: an operator supplies the holiday data of a year
 * chinese-days has not published (2027 as of December 2026) and "skip holidays" and the holiday
 * contact rule read it, while other years still come from chinese-days.
 */
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fixedCalendar, isCalendarDataMissing } from "@winback/rules"
import { describe, expect, it } from "vitest"
import { businessDate, calendarFromEnv, timeZoneFromEnv, uncoveredYears } from "../src/calendar"

const dir = mkdtempSync(join(tmpdir(), "winback-calendar-"))
const file = (name: string, body: unknown) => {
  const path = join(dir, name)
  writeFileSync(path, typeof body === "string" ? body : JSON.stringify(body))
  return path
}
const missing = (f: () => unknown) => {
  try {
    f()
  } catch (e) {
    return isCalendarDataMissing(e)
  }
  return false
}

describe("calendarFromEnv", () => {
  it("defaults to chinese-days, which knows National Day 2026 and says it has no 2027 data", () => {
    const cal = calendarFromEnv({})!
    expect(cal.isHoliday("2026-10-01")).toBe(true)
    expect(cal.isWorkday("2026-10-09")).toBe(true)
    expect(missing(() => cal.isHoliday("2027-10-01"))).toBe(true)
  })

  it("reads a year from the operator's holidays file and every other year from chinese-days", () => {
    const cal = calendarFromEnv({
      WINBACK_HOLIDAYS_FILE: file("2027.json", { name: "CN 2027 (operator)", years: { from: 2027, to: 2027 }, holidays: ["2027-01-01", "2027-10-01"], workdays: ["2027-10-09"] })
    })!
    expect(cal.name).toBe("CN + CN 2027 (operator)")
    expect([cal.isHoliday("2027-01-01"), cal.isHoliday("2027-10-01"), cal.isHoliday("2027-01-04")]).toEqual([true, true, false])
    // 2027-10-09 is a Saturday made a working day; 2027-10-10 a plain Sunday.
    expect([cal.isWorkday("2027-10-09"), cal.isWorkday("2027-10-10")]).toEqual([true, false])
    expect(cal.isHoliday("2026-10-01")).toBe(true)
    expect(missing(() => cal.isHoliday("2028-01-03"))).toBe(true)
  })

  it("runs without a calendar only when told, and refuses a wrong setting or file naming the variable", () => {
    expect(calendarFromEnv({ WINBACK_CALENDAR: "none" })).toBeNull()
    expect(() => calendarFromEnv({ WINBACK_CALENDAR: "cn" })).toThrow(/WINBACK_CALENDAR/)
    expect(() => calendarFromEnv({ WINBACK_HOLIDAYS_FILE: join(dir, "absent.json") })).toThrow(/WINBACK_HOLIDAYS_FILE cannot be read/)
    expect(() => calendarFromEnv({ WINBACK_HOLIDAYS_FILE: file("bad.json", "{ not json") })).toThrow(/WINBACK_HOLIDAYS_FILE cannot be read/)
    expect(() => calendarFromEnv({ WINBACK_HOLIDAYS_FILE: file("outside.json", { years: { from: 2027, to: 2027 }, holidays: ["2028-01-01"] }) })).toThrow(/within years/)
    expect(() => calendarFromEnv({ WINBACK_HOLIDAYS_FILE: file("day.json", { years: { from: 2027, to: 2027 }, holidays: ["1 Oct 2027"] }) })).toThrow(/holidays\.0: a day is YYYY-MM-DD/)
  })
})

describe("the business date and the calendar's reach", () => {
  it("is the date in the business time zone, not in UTC", () => {
    const lateUtc = Date.parse("2026-12-31T16:30:00Z")
    expect(businessDate("Asia/Shanghai", lateUtc)).toBe("2027-01-01")
    expect(businessDate("UTC", lateUtc)).toBe("2026-12-31")
    expect(businessDate("Asia/Shanghai", Date.parse("2026-12-31T15:59:59Z"))).toBe("2026-12-31")
  })

  it("reads WINBACK_TIME_ZONE, defaults to Asia/Shanghai and names the variable when the zone is unknown", () => {
    expect(timeZoneFromEnv({})).toBe("Asia/Shanghai")
    expect(timeZoneFromEnv({ WINBACK_TIME_ZONE: "Europe/Berlin" })).toBe("Europe/Berlin")
    expect(() => timeZoneFromEnv({ WINBACK_TIME_ZONE: "Mars/Olympus" })).toThrow(/WINBACK_TIME_ZONE/)
  })

  it("names the years within reach that the calendar has no data for", () => {
    const only2026 = fixedCalendar({ name: "CN 2026", holidays: ["2026-10-01"], years: { from: 2026, to: 2026 } })
    expect(uncoveredYears(only2026, "2026-10-01", 60)).toEqual([])
    expect(uncoveredYears(only2026, "2026-12-07", 60)).toEqual([2027])
    expect(uncoveredYears(only2026, "2027-03-01", 10)).toEqual([2027])
    const withFile = calendarFromEnv({ WINBACK_HOLIDAYS_FILE: file("cn-2027-gap.json", { years: { from: 2027, to: 2027 }, holidays: ["2027-01-01"] }) })!
    expect(uncoveredYears(withFile, "2026-12-07", 60)).toEqual([])
  })
})
