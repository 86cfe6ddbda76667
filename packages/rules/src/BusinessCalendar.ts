/**
 * The business-calendar port: which days are public holidays and which are working days
 * (including make-up working days on weekends, as in China). Schedules use it to skip holidays.
 * `@winback/adapters` implements it over `chinese-days` and `date-holidays`. A calendar never guesses
 * past its data: a day in a year it has no holiday data for throws {@link CalendarDataMissing}.
 */
import { isoWeekday, dayNumber } from "./internal/dates"

/**
 * A day the calendar has no holiday data for (published holidays end at some year: `chinese-days`
 * 1.5 covers 2004–2026). Thrown by `isHoliday` / `isWorkday` instead of silently treating the day
 * as an ordinary weekday; extraction turns it into a warning on the task, contactability into a
 * `calendar-data-missing` reason. Supply a calendar that covers the year to fix it.
 *
 * @example
 * ```ts
 * try { cn.isHoliday("2027-10-01") } catch (e) {
 *   if (e instanceof CalendarDataMissing) console.log(e.calendar, e.year) // "CN" 2027
 * }
 * ```
 */
export class CalendarDataMissing extends Error {
  readonly _tag = "CalendarDataMissing" as const
  /** The calendar's name. */
  readonly calendar: string
  /** The day asked about, `YYYY-MM-DD`. */
  readonly day: string
  /** The year without data. */
  readonly year: number
  /** The years the calendar has data for, when it knows them. */
  readonly covered: { readonly from: number; readonly to: number } | undefined

  constructor(input: { readonly calendar: string; readonly day: string; readonly covered?: { readonly from: number; readonly to: number } | undefined }) {
    const year = Number(input.day.slice(0, 4))
    super(
      `The business calendar ${input.calendar} has no public-holiday data for ${year} (asked about ${input.day}${input.covered ? `; it covers ${input.covered.from}–${input.covered.to}` : ""}): supply a calendar that covers ${year}`
    )
    this.name = "CalendarDataMissing"
    this.calendar = input.calendar
    this.day = input.day
    this.year = year
    this.covered = input.covered
  }
}

/**
 * Whether an error is a {@link CalendarDataMissing} (also across package copies, by tag).
 *
 * @example
 * ```ts
 * if (isCalendarDataMissing(e)) warnings.push(e.message)
 * ```
 */
export const isCalendarDataMissing = (e: unknown): e is CalendarDataMissing =>
  e instanceof CalendarDataMissing || (typeof e === "object" && e !== null && (e as { _tag?: unknown })._tag === "CalendarDataMissing")

/**
 * A business calendar. Contract: both functions are pure over `YYYY-MM-DD` days; for a day in a
 * year the calendar has no holiday data for they throw {@link CalendarDataMissing} (never guess);
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
 * With `years` (`{ from, to }`), days outside those years throw {@link CalendarDataMissing};
 * without it the lists are taken as complete for every year. A host with its own holiday data
 * (another country, a year before `chinese-days` publishes it) supplies its calendar this way.
 *
 * @example
 * ```ts
 * const cal = fixedCalendar({ holidays: ["2026-10-01"], workdays: ["2026-10-10"] })
 * cal.isWorkday("2026-10-10") // true (a Saturday made a working day)
 * ```
 */
export const fixedCalendar = (
  input: {
    readonly name?: string
    readonly holidays?: ReadonlyArray<string>
    readonly workdays?: ReadonlyArray<string>
    readonly years?: { readonly from: number; readonly to: number }
  } = {}
): BusinessCalendar => {
  const holidays = new Set(input.holidays ?? [])
  const workdays = new Set(input.workdays ?? [])
  const name = input.name ?? "fixed"
  const years = input.years
  const check = (d: string): void => {
    const y = Number(d.slice(0, 4))
    if (years && (y < years.from || y > years.to)) throw new CalendarDataMissing({ calendar: name, day: d, covered: years })
  }
  return {
    name,
    isHoliday: (d) => {
      check(d)
      return holidays.has(d)
    },
    isWorkday: (d) => {
      check(d)
      return workdays.has(d) || (!holidays.has(d) && isoWeekday(dayNumber(d)) <= 5)
    }
  }
}
