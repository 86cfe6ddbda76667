// Calendar arithmetic on ISO strings without time zones: days are integers counted from
// 1970-01-01, months are integers `year * 12 + (month - 1)`. Both evaluators use these numbers.

const DAY_MS = 86_400_000

/** `YYYY-MM-DD` → days since 1970-01-01 (UTC calendar). */
export const dayNumber = (iso: string): number => {
  const y = +iso.slice(0, 4)
  const m = +iso.slice(5, 7)
  const d = +iso.slice(8, 10)
  return Math.floor(Date.UTC(y, m - 1, d) / DAY_MS)
}

/** Days since 1970-01-01 → `YYYY-MM-DD`. */
export const isoDay = (n: number): string => new Date(n * DAY_MS).toISOString().slice(0, 10)

/** `YYYY-MM` → month number. */
export const monthNumber = (iso: string): number => +iso.slice(0, 4) * 12 + (+iso.slice(5, 7) - 1)

/** Month number → `YYYY-MM`. */
export const isoMonth = (n: number): string => {
  const y = Math.floor(n / 12)
  const m = n - y * 12 + 1
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}`
}

/** The UTC day of an ISO timestamp. */
export const dayOfInstant = (ms: number): number => Math.floor(ms / DAY_MS)

/** Start of a UTC day in epoch milliseconds. */
export const dayStartMs = (day: number): number => day * DAY_MS

const daysInMonth = (y: number, m0: number): number => new Date(Date.UTC(y, m0 + 1, 0)).getUTCDate()

/** Adds calendar months to a day, clamping to the month's last day (Jan 31 + 1 month = Feb 28/29). */
export const addMonths = (day: number, months: number): number => {
  const d = new Date(day * DAY_MS)
  const total = d.getUTCFullYear() * 12 + d.getUTCMonth() + months
  const y = Math.floor(total / 12)
  const m0 = total - y * 12
  const dd = Math.min(d.getUTCDate(), daysInMonth(y, m0))
  return Math.floor(Date.UTC(y, m0, dd) / DAY_MS)
}

/** Day + `{ days, months }` (months first, then days). */
export const addOffset = (day: number, offset: { readonly days?: number | undefined; readonly months?: number | undefined }): number =>
  addMonths(day, offset.months ?? 0) + (offset.days ?? 0)

/** Month-and-day key `MMDD` of a day number, plus whether the year is a leap year. */
export const monthDay = (day: number): { md: string; leap: boolean } => {
  const iso = isoDay(day)
  const y = +iso.slice(0, 4)
  return { md: iso.slice(5, 7) + iso.slice(8, 10), leap: (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 }
}

/** ISO weekday, Monday = 1 … Sunday = 7. */
export const isoWeekday = (day: number): number => ((((day + 3) % 7) + 7) % 7) + 1

export const isIsoDate = (s: string): boolean => /^\d{4}-\d{2}-\d{2}$/.test(s) && isoDay(dayNumber(s)) === s
export const isIsoMonth = (s: string): boolean => /^\d{4}-(0[1-9]|1[0-2])$/.test(s)
