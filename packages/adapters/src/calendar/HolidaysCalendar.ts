/**
 * Business calendars for other countries over `date-holidays`: public holidays (and, on request,
 * bank holidays) per country and optional state/region; Monday–Friday otherwise. Its China data
 * has no make-up working days — use {@link chinaCalendar} for China.
 */
import Holidays from "date-holidays"
import type { BusinessCalendar } from "@winback/rules"

/**
 * Options of {@link holidaysCalendar}.
 *
 * @example
 * ```ts
 * const options: HolidaysCalendarOptions = { country: "DE", state: "BY" }
 * ```
 */
export interface HolidaysCalendarOptions {
  readonly country: string
  readonly state?: string | undefined
  readonly region?: string | undefined
  /** Holiday types counted as days off (default `["public"]`; add `"bank"` for bank holidays). */
  readonly types?: ReadonlyArray<string> | undefined
}

/**
 * A {@link BusinessCalendar} for a country (holidays computed per year, then cached).
 *
 * @example
 * ```ts
 * import { holidaysCalendar } from "@winback/adapters"
 * const us = holidaysCalendar({ country: "US" })
 * us.isHoliday("2026-07-03") // true (Independence Day observed)
 * ```
 */
export const holidaysCalendar = (options: HolidaysCalendarOptions): BusinessCalendar => {
  const hd = options.state ? new Holidays(options.country, options.state, options.region ?? "") : new Holidays(options.country)
  const types = new Set(options.types ?? ["public"])
  const years = new Map<number, Set<string>>()
  const holidaysOf = (year: number): Set<string> => {
    let set = years.get(year)
    if (!set) {
      set = new Set((hd.getHolidays(year) || []).filter((h) => types.has(h.type)).map((h) => h.date.slice(0, 10)))
      years.set(year, set)
    }
    return set
  }
  const isHoliday = (day: string): boolean => holidaysOf(+day.slice(0, 4)).has(day)
  return {
    name: [options.country, options.state, options.region].filter(Boolean).join("-"),
    isHoliday,
    isWorkday: (day) => {
      const w = new Date(`${day}T00:00:00Z`).getUTCDay()
      return w !== 0 && w !== 6 && !isHoliday(day)
    }
  }
}
