/**
 * Calendar arithmetic on day numbers (days since 1970-01-01, UTC) and month numbers
 * (`year * 12 + month - 1`). Pure and allocation-light: the generator converts to strings once.
 */

const MS_PER_DAY = 86_400_000

/** `YYYY-MM-DD` → day number. */
export const dayNumber = (iso: string): number => {
  const y = Number(iso.slice(0, 4))
  const m = Number(iso.slice(5, 7))
  const d = Number(iso.slice(8, 10))
  return Math.floor(Date.UTC(y, m - 1, d) / MS_PER_DAY)
}

/** Day number → `YYYY-MM-DD`. */
export const isoDay = (day: number): string => new Date(day * MS_PER_DAY).toISOString().slice(0, 10)

/** Day number → month number. */
export const monthOfDay = (day: number): number => {
  const d = new Date(day * MS_PER_DAY)
  return d.getUTCFullYear() * 12 + d.getUTCMonth()
}

/** Month number → `YYYY-MM`. */
export const isoMonth = (month: number): string => {
  const y = Math.floor(month / 12)
  const m = (month % 12) + 1
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}`
}

/** Day number of the first day of a month number. */
export const firstDayOfMonth = (month: number): number => Math.floor(Date.UTC(Math.floor(month / 12), month % 12, 1) / MS_PER_DAY)

/** Days in a month number. */
export const daysInMonth = (month: number): number => firstDayOfMonth(month + 1) - firstDayOfMonth(month)

/** The day `months` calendar months after `day`, clamped to the target month's last day. */
export const addMonths = (day: number, months: number): number => {
  const d = new Date(day * MS_PER_DAY)
  const target = d.getUTCFullYear() * 12 + d.getUTCMonth() + months
  const dom = Math.min(d.getUTCDate(), daysInMonth(target))
  return firstDayOfMonth(target) + dom - 1
}

/** Day of month (1-based) of a day number. */
export const dayOfMonth = (day: number): number => new Date(day * MS_PER_DAY).getUTCDate()

/** Canonical instant of `day` at `minuteOfDay` minutes after 00:00 UTC. */
export const instantAt = (day: number, minuteOfDay: number): string => new Date(day * MS_PER_DAY + minuteOfDay * 60_000).toISOString()

/** Whether a year is a leap year. */
export const isLeapYear = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
