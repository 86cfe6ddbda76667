/**
 * Small shared value types: identifiers, calendar dates, months and instants as strings, so that
 * every model value is plain JSON that survives HTTP, storage and the Promise boundary unchanged.
 */
import * as z from "zod"

/**
 * A non-empty identifier (the host's key for customers and staff; generated ids elsewhere).
 *
 * @example
 * ```ts
 * Id.parse("cust-000042")
 * ```
 */
export const Id = z.string().min(1).max(200)
/** @see {@link Id} */
export type Id = z.infer<typeof Id>

/**
 * A calendar date `YYYY-MM-DD` (no time zone: a business date).
 *
 * @example
 * ```ts
 * IsoDate.parse("2026-11-22")
 * ```
 */
export const IsoDate = z.iso.date()
/** @see {@link IsoDate} */
export type IsoDate = z.infer<typeof IsoDate>

/**
 * A calendar month `YYYY-MM` (a billing month).
 *
 * @example
 * ```ts
 * IsoMonth.parse("2026-10")
 * ```
 */
export const IsoMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "expected a month YYYY-MM")
/** @see {@link IsoMonth} */
export type IsoMonth = z.infer<typeof IsoMonth>

/**
 * An instant as an ISO 8601 timestamp. Any offset is accepted and normalised to the canonical UTC
 * form with milliseconds (`2026-11-22T09:30:00.000Z`), so instants compare correctly as text in
 * every store.
 *
 * @example
 * ```ts
 * Instant.parse("2026-11-22T17:30:00+08:00") // "2026-11-22T09:30:00.000Z"
 * ```
 */
export const Instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s).toISOString())
/** @see {@link Instant} */
export type Instant = z.infer<typeof Instant>

/**
 * A money amount in the host's currency (bills, offer costs); two decimals are meaningful.
 *
 * @example
 * ```ts
 * Money.parse(129.5)
 * ```
 */
export const Money = z.number().finite()
/** @see {@link Money} */
export type Money = z.infer<typeof Money>

/**
 * The optimistic version of a stored record: a write based on version `n` succeeds only while the
 * stored version is still `n`, and stores `n + 1`.
 *
 * @example
 * ```ts
 * Version.parse(1)
 * ```
 */
export const Version = z.number().int().min(1)
/** @see {@link Version} */
export type Version = z.infer<typeof Version>

/**
 * Normalises any instant to the canonical `toISOString()` form the stores keep.
 *
 * @example
 * ```ts
 * canonicalInstant("2026-11-22T17:30:00+08:00") // "2026-11-22T09:30:00.000Z"
 * ```
 */
export const canonicalInstant = (at: string | Date | number): Instant => new Date(at).toISOString()

/**
 * Urgency level: 1 is the most urgent. Within one extraction period the most urgent task wins a
 * customer (DOMAIN §5).
 *
 * @example
 * ```ts
 * Urgency.parse(1)
 * ```
 */
export const Urgency = z.number().int().min(1).max(9)
/** @see {@link Urgency} */
export type Urgency = z.infer<typeof Urgency>
