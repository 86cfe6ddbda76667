/**
 * The business-calendar port: which days are public holidays and which are working days
 * (including make-up working days on weekends, as in China). Schedules use it to skip holidays.
 * `@winback/adapters` implements it over `chinese-days` and `date-holidays`.
 */
import { isoWeekday, dayNumber } from "./internal/dates"

/**
 * A business calendar. Contract: both functions are pure and total over `YYYY-MM-DD` days;
 * `isWorkday` is true on ordinary weekdays that are not holidays and on make-up working days.
 *
 * @example
 * ```ts
 * const cal: BusinessCalendar = { name: "none", isHoliday: () => false, isWorkday: (d) => new Date(d).getUTCDay() % 6 !== 0 }
 * ```
 */
export interface BusinessCalendar {
  readonly name: string
  readonly isHoliday: (day: string) => boolean
  readonly isWorkday: (day: string) => boolean
}

/**
 * A calendar from explicit lists: Monday–Friday work, `holidays` off, `workdays` (make-up days) on.
 *
 * @example
 * ```ts
 * const cal = fixedCalendar({ holidays: ["2026-10-01"], workdays: ["2026-10-10"] })
 * cal.isWorkday("2026-10-10") // true (a Saturday made a working day)
 * ```
 */
export const fixedCalendar = (input: { readonly name?: string; readonly holidays?: ReadonlyArray<string>; readonly workdays?: ReadonlyArray<string> } = {}): BusinessCalendar => {
  const holidays = new Set(input.holidays ?? [])
  const workdays = new Set(input.workdays ?? [])
  return {
    name: input.name ?? "fixed",
    isHoliday: (d) => holidays.has(d),
    isWorkday: (d) => workdays.has(d) || (!holidays.has(d) && isoWeekday(dayNumber(d)) <= 5)
  }
}
