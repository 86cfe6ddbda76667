// Calendar arithmetic on ISO strings without time zones: days are integers counted from
// 1970-01-01, months are integers `year * 12 + (month - 1)`. Both evaluators use these numbers.

const DAY_MS = 86_400_000

/** The reference reading of `YYYY-MM-DD` (through `Date.UTC`, which rolls over out-of-range days). */
export const dayNumberSlow = (iso: string): number => {
  const y = +iso.slice(0, 4)
  const m = +iso.slice(5, 7)
  const d = +iso.slice(8, 10)
  return Math.floor(Date.UTC(y, m - 1, d) / DAY_MS)
}

// Digit value of a character code: 0–9 for a digit, anything else otherwise.
const dg = (c: number): number => c - 48
// `(x >>> 0) <= 9` is "x is a digit" for x = code - 48 (negative x turns huge).
const isDg = (x: number): boolean => x >>> 0 <= 9

/**
 * The month number (year × 12 + month − 1) of the `YYYY-MM` at the start of `iso`, read digit by
 * digit; NaN unless those seven characters are four digits, a dash and a month 01–12. Monotone in
 * the string's order. Shared by the day and month readings below.
 */
const leadingMonthNumber = (iso: string): number => {
  if (iso.charCodeAt(4) !== 45) return NaN
  const y0 = dg(iso.charCodeAt(0))
  const y1 = dg(iso.charCodeAt(1))
  const y2 = dg(iso.charCodeAt(2))
  const y3 = dg(iso.charCodeAt(3))
  const m0 = dg(iso.charCodeAt(5))
  const m1 = dg(iso.charCodeAt(6))
  if (!(isDg(y0) && isDg(y1) && isDg(y2) && isDg(y3) && isDg(m0) && isDg(m1))) return NaN
  const m = m0 * 10 + m1
  return m >= 1 && m <= 12 ? (y0 * 1000 + y1 * 100 + y2 * 10 + y3) * 12 + m - 1 : NaN
}

/**
 * The day number of a valid calendar date `YYYY-MM-DD` (years 100–9999), read digit by digit with
 * H. Hinnant's `days_from_civil` — no substrings, no `Date`; NaN for anything else (other shapes,
 * day 0, 30 February…). Monotone in the string's order, so it may replace string comparisons.
 */
export const validDayNumber = (iso: string): number => {
  if (iso.length !== 10 || iso.charCodeAt(7) !== 45) return NaN
  const ym = leadingMonthNumber(iso)
  const d0 = dg(iso.charCodeAt(8))
  const d1 = dg(iso.charCodeAt(9))
  if (ym !== ym || !(isDg(d0) && isDg(d1))) return NaN
  const Y = Math.floor(ym / 12)
  const m = ym - Y * 12 + 1
  const d = d0 * 10 + d1
  if (Y < 100 || d < 1) return NaN
  const dim = m === 2 ? ((Y % 4 === 0 && Y % 100 !== 0) || Y % 400 === 0 ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31
  if (d > dim) return NaN
  const y = m <= 2 ? Y - 1 : Y
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

/** `YYYY-MM-DD` → days since 1970-01-01 (UTC calendar); valid dates fast, anything else as `dayNumberSlow`. */
export const dayNumber = (iso: string): number => {
  const n = validDayNumber(iso)
  return n === n ? n : dayNumberSlow(iso)
}

/** The reference reading of `YYYY-MM`. */
export const monthNumberSlow = (iso: string): number => +iso.slice(0, 4) * 12 + (+iso.slice(5, 7) - 1)

/**
 * The month number of a valid `YYYY-MM` (months 01–12), digit by digit; NaN for anything else.
 * Monotone in the string's order.
 */
export const validMonthNumber = (iso: string): number => (iso.length === 7 ? leadingMonthNumber(iso) : NaN)

/** `YYYY-MM` → month number; valid months fast, anything else as `monthNumberSlow`. */
export const monthNumber = (iso: string): number => {
  const n = validMonthNumber(iso)
  return n === n ? n : monthNumberSlow(iso)
}

/** Days since 1970-01-01 → `YYYY-MM-DD`. */
export const isoDay = (n: number): string => new Date(n * DAY_MS).toISOString().slice(0, 10)

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
