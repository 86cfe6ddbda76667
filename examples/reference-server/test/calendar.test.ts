/**
 * The server's calendar from the environment: an operator supplies the holiday data of a year
 * chinese-days has not published (2027 as of December 2026) and "skip holidays" and the holiday
 * contact rule read it, while other years still come from chinese-days.
 */
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { isCalendarDataMissing } from "@winback/rules"
import { describe, expect, it } from "vitest"
import { calendarFromEnv } from "../src/calendar"

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
