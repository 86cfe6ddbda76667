/**
 * China's business calendar over `chinese-days`: statutory holidays and the make-up working days
 * (调休) the State Council publishes each year, so a "skip public holidays" schedule runs on a
 * make-up Saturday and not on National Day.
 */
import chineseDays from "chinese-days"
import { type BusinessCalendar, CalendarDataMissing } from "@winback/rules"

// New Year's Day is a statutory holiday every year, so a year has data exactly when 1 January is
// a named holiday in it; `chinese-days` answers for years it has no data for as if they had no
// holidays at all (naming the day "Friday"), which is the silent failure this check exists to stop.
const weekdayName = /^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b/
const covered = new Map<number, boolean>()
const hasData = (year: number): boolean => {
  let known = covered.get(year)
  if (known === undefined) {
    try {
      const d = chineseDays.getDayDetail(`${year}-01-01`)
      known = !d.work && !weekdayName.test(d.name)
    } catch {
      known = false
    }
    covered.set(year, known)
  }
  return known
}
let span: { from: number; to: number } | undefined
const coveredYears = (): { from: number; to: number } | undefined => {
  if (span === undefined) {
    const years = Array.from({ length: 201 }, (_, i) => 1950 + i).filter(hasData)
    span = years.length ? { from: years[0]!, to: years.at(-1)! } : undefined
  }
  return span
}
const check = (day: string): void => {
  if (!hasData(Number(day.slice(0, 4)))) throw new CalendarDataMissing({ calendar: "CN", day, covered: coveredYears() })
}

/**
 * A {@link BusinessCalendar} for mainland China. `isHoliday` is true on statutory holidays
 * (including the weekend days inside a holiday period), not on ordinary weekends; `isWorkday` is
 * true on ordinary weekdays and on make-up working days. A day in a year the data does not cover
 * (`chinese-days` 1.5 covers 2004–2026; newer releases add each year once the State Council
 * publishes it) throws `CalendarDataMissing` from `@winback/rules` instead of passing for an
 * ordinary weekday. To run past the data, upgrade `chinese-days` or supply your own calendar
 * (e.g. `fixedCalendar({ name: "CN-2027", holidays, workdays, years: { from: 2027, to: 2027 } })`).
 *
 * @example
 * ```ts
 * import { chinaCalendar } from "@winback/adapters"
 * const cn = chinaCalendar()
 * cn.isHoliday("2026-10-01") // true (National Day)
 * cn.isHoliday("2027-10-01") // throws CalendarDataMissing (no data for 2027)
 * ```
 */
export const chinaCalendar = (): BusinessCalendar => ({
  name: "CN",
  isHoliday: (day) => {
    check(day)
    const d = chineseDays.getDayDetail(day)
    return !d.work && !/^(Saturday|Sunday)\b/.test(d.name)
  },
  isWorkday: (day) => {
    check(day)
    return chineseDays.isWorkday(day)
  }
})
