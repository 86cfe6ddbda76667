/**
 * The as-of calendar arithmetic both evaluators share (the SQL compiler binds the bounds these
 * compute): days are integers counted from 1970-01-01, months `year * 12 + month - 1`.
 */
import * as d from "./internal/dates"

/**
 * `YYYY-MM-DD` → days since 1970-01-01.
 *
 * @example
 * ```ts
 * dayNumber("1970-01-02") // 1
 * ```
 */
export const dayNumber = (iso: string): number => d.dayNumber(iso)

/**
 * Days since 1970-01-01 → `YYYY-MM-DD`.
 *
 * @example
 * ```ts
 * isoDay(1) // "1970-01-02"
 * ```
 */
export const isoDay = (day: number): string => d.isoDay(day)

/**
 * `YYYY-MM` → month number (`year * 12 + month - 1`).
 *
 * @example
 * ```ts
 * monthNumber("2026-11") - monthNumber("2026-08") // 3
 * ```
 */
export const monthNumber = (iso: string): number => d.monthNumber(iso)

/**
 * Month number → `YYYY-MM`.
 *
 * @example
 * ```ts
 * isoMonth(monthNumber("2026-11") - 1) // "2026-10"
 * ```
 */
export const isoMonth = (month: number): string => d.isoMonth(month)

/**
 * A day plus an offset (months first, clamped at month ends, then days).
 *
 * @example
 * ```ts
 * isoDay(addOffset(dayNumber("2027-01-31"), { months: 1 })) // "2027-02-28"
 * ```
 */
export const addOffset = (day: number, offset: { readonly days?: number | undefined; readonly months?: number | undefined }): number => d.addOffset(day, offset)
