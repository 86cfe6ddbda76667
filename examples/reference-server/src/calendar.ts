/**
 * The business calendar the reference server runs with, from the environment:
 * `WINBACK_CALENDAR` (`china`, the default, or `none`) and `WINBACK_HOLIDAYS_FILE`, a JSON file of
 * the operator's own holiday data for the years `chinese-days` has not published yet (or for
 * another country): `{ "name": "CN 2027", "years": { "from": 2027, "to": 2027 },
 * "holidays": ["2027-01-01", …], "workdays": ["2027-02-07", …] }`. Days in the file's years are
 * read from the file; other days from the base calendar. A year neither covers stays a
 * `CalendarDataMissing` (a task warning, and phone and visit contacts refused): never a silent
 * working day.
 */
import { readFileSync } from "node:fs"
import { z } from "zod"
import { chinaCalendar } from "@winback/adapters"
import { type BusinessCalendar, fixedCalendar, isCalendarDataMissing } from "@winback/rules"

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a day is YYYY-MM-DD")
const Year = z.number().int().min(1900).max(2200)
/** The shape of `WINBACK_HOLIDAYS_FILE`. */
export const HolidaysFile = z
  .object({
    name: z.string().min(1).max(80).optional(),
    years: z.object({ from: Year, to: Year }).strict().refine((y) => y.from <= y.to, "years.from must not be after years.to"),
    holidays: z.array(Day).max(10_000).default([]),
    workdays: z.array(Day).max(10_000).default([])
  })
  .strict()
  .refine((f) => [...f.holidays, ...f.workdays].every((d) => Number(d.slice(0, 4)) >= f.years.from && Number(d.slice(0, 4)) <= f.years.to), "every day must lie within years")

/**
 * A calendar that reads the days of `own`'s years from `own` and every other day from `base`.
 *
 * @example
 * ```ts
 * const cal = layered(chinaCalendar(), fixedCalendar({ years: { from: 2027, to: 2027 }, holidays: ["2027-01-01"] }), { from: 2027, to: 2027 })
 * cal.isHoliday("2027-01-01") // true, from the file; 2026 days from chinese-days
 * ```
 */
export const layered = (base: BusinessCalendar | null, own: BusinessCalendar, years: { readonly from: number; readonly to: number }): BusinessCalendar => {
  const pick = (day: string) => {
    const y = Number(day.slice(0, 4))
    return base === null || (y >= years.from && y <= years.to) ? own : base
  }
  return { name: base === null ? own.name : `${base.name} + ${own.name}`, isHoliday: (d) => pick(d).isHoliday(d), isWorkday: (d) => pick(d).isWorkday(d) }
}

/**
 * The server's calendar from `WINBACK_CALENDAR` and `WINBACK_HOLIDAYS_FILE`; throws an `Error`
 * naming the variable when either is wrong. `null`: no calendar (holidays are not skipped).
 *
 * @example
 * ```ts
 * const calendar = calendarFromEnv({ WINBACK_HOLIDAYS_FILE: "/etc/winback/holidays-2027.json" })
 * ```
 */
export const calendarFromEnv = (env: Readonly<Record<string, string | undefined>>): BusinessCalendar | null => {
  const kind = env.WINBACK_CALENDAR ?? "china"
  if (kind !== "china" && kind !== "none") throw new Error("WINBACK_CALENDAR must be 'china' (the default) or 'none'")
  const base = kind === "china" ? chinaCalendar() : null
  const path = env.WINBACK_HOLIDAYS_FILE
  if (path === undefined || path === "") return base
  let json: unknown
  try {
    json = JSON.parse(readFileSync(path, "utf8"))
  } catch (e) {
    throw new Error(`WINBACK_HOLIDAYS_FILE cannot be read as JSON: ${(e as Error).message.slice(0, 200)}`)
  }
  const parsed = HolidaysFile.safeParse(json)
  if (!parsed.success) throw new Error(`WINBACK_HOLIDAYS_FILE: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(file)"}: ${i.message}`).slice(0, 5).join("; ")}`)
  const f = parsed.data
  return layered(base, fixedCalendar({ name: f.name ?? "holidays file", holidays: f.holidays, workdays: f.workdays, years: f.years }), f.years)
}

/** The business time zone when `WINBACK_TIME_ZONE` is not set: the Chinese call centers' own. */
export const defaultTimeZone = "Asia/Shanghai"

/**
 * The business time zone from `WINBACK_TIME_ZONE` (an IANA name, default {@link defaultTimeZone});
 * throws an `Error` naming the variable when the runtime does not know the zone.
 *
 * @example
 * ```ts
 * timeZoneFromEnv({}) // "Asia/Shanghai"
 * timeZoneFromEnv({ WINBACK_TIME_ZONE: "Europe/Berlin" }) // "Europe/Berlin"
 * ```
 */
export const timeZoneFromEnv = (env: Readonly<Record<string, string | undefined>>): string => {
  const zone = env.WINBACK_TIME_ZONE === undefined || env.WINBACK_TIME_ZONE === "" ? defaultTimeZone : env.WINBACK_TIME_ZONE
  try {
    new Intl.DateTimeFormat("en-CA", { timeZone: zone })
  } catch {
    throw new Error("WINBACK_TIME_ZONE must be an IANA time zone such as Asia/Shanghai")
  }
  return zone
}

/**
 * The business date (`YYYY-MM-DD`) of an instant in a time zone: a call center in Beijing starts
 * its 1 January at 16:00 UTC on 31 December, not at midnight UTC.
 *
 * @example
 * ```ts
 * businessDate("Asia/Shanghai", Date.parse("2026-12-31T16:30:00Z")) // "2027-01-01"
 * businessDate("UTC", Date.parse("2026-12-31T16:30:00Z")) // "2026-12-31"
 * ```
 */
export const businessDate = (timeZone: string, at: number): string => {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(at)
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? ""
  return `${part("year")}-${part("month")}-${part("day")}`
}

/**
 * The years between `from` and `days` days later that `calendar` has no holiday data for, so an
 * operator is told before the year turns (phone and visit contacts are refused on such days).
 *
 * @example
 * ```ts
 * uncoveredYears(chinaCalendar(), "2026-12-07", 60) // [2027] while chinese-days has not published 2027
 * ```
 */
export const uncoveredYears = (calendar: BusinessCalendar, from: string, days: number): ReadonlyArray<number> => {
  const start = Date.parse(`${from}T00:00:00Z`)
  const years = new Set<number>()
  for (let y = Number(from.slice(0, 4)); y <= new Date(start + days * 86_400_000).getUTCFullYear(); y++) years.add(y)
  return [...years].filter((y) => {
    const first = y === Number(from.slice(0, 4)) ? from : `${y}-01-01`
    try {
      calendar.isHoliday(first)
      return false
    } catch (e) {
      if (isCalendarDataMissing(e)) return true
      throw e
    }
  })
}
