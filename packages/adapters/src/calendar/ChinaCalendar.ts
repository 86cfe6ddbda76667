/**
 * China's business calendar over `chinese-days`: statutory holidays and the make-up working days
 * (调休) the State Council publishes each year, so a "skip public holidays" schedule runs on a
 * make-up Saturday and not on National Day.
 */
import chineseDays from "chinese-days"
import type { BusinessCalendar } from "@winback/rules"

const weekend = (day: string): boolean => {
  const w = new Date(`${day}T00:00:00Z`).getUTCDay()
  return w === 0 || w === 6
}

/**
 * A {@link BusinessCalendar} for mainland China. `isHoliday` is true on statutory holidays
 * (including the weekend days inside a holiday period), not on ordinary weekends; `isWorkday` is
 * true on ordinary weekdays and on make-up working days. Years the data does not cover fall back
 * to Monday–Friday with no holidays.
 *
 * @example
 * ```ts
 * import { chinaCalendar } from "@winback/adapters"
 * const cn = chinaCalendar()
 * cn.isHoliday("2026-10-01") // true (National Day)
 * ```
 */
export const chinaCalendar = (): BusinessCalendar => ({
  name: "CN",
  isHoliday: (day) => {
    try {
      const d = chineseDays.getDayDetail(day)
      return !d.work && !/^(Saturday|Sunday)\b/.test(d.name)
    } catch {
      return false
    }
  },
  isWorkday: (day) => {
    try {
      return chineseDays.isWorkday(day)
    } catch {
      return !weekend(day)
    }
  }
})
