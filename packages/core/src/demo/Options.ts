/**
 * The knobs of the demo-data generator. Everything the output depends on is here: the same
 * options give byte-identical data on every machine.
 */
import * as z from "zod"
import { IsoDate } from "../shared/Primitives"

/**
 * A region of the demo organisation (a city), with the time zone its customers live in.
 *
 * @example
 * ```ts
 * DemoRegion.parse({ name: "urumqi", timeZone: "Asia/Urumqi" })
 * ```
 */
export const DemoRegion = z.object({
  name: z.string().regex(/^[a-z0-9-]{1,40}$/, "lower-case letters, digits and dashes"),
  timeZone: z.string().min(1).max(64).default("Asia/Shanghai")
})
/**
 * A region as resolved (time zone filled in).
 *
 * @example
 * ```ts
 * const r: DemoRegion = { name: "beijing", timeZone: "Asia/Shanghai" }
 * ```
 */
export type DemoRegion = z.infer<typeof DemoRegion>

/**
 * The default regions: two cities on Beijing time and one on Xinjiang time.
 *
 * @example
 * ```ts
 * defaultDemoRegions.map((r) => r.name) // ["beijing", "chongqing", "urumqi"]
 * ```
 */
export const defaultDemoRegions: ReadonlyArray<DemoRegion> = [
  { name: "beijing", timeZone: "Asia/Shanghai" },
  { name: "chongqing", timeZone: "Asia/Shanghai" },
  { name: "urumqi", timeZone: "Asia/Urumqi" }
]

/**
 * Options of {@link generateDemo} and {@link seedDemoData}; every field has a default.
 *
 * - `asOf`: the last day of history. Daily rows exist for the `dailyDays` days ending on `asOf`;
 *   monthly rows for the `months` months strictly before `asOf`'s month ("this month" is the last
 *   of them, billed on the 1st of `asOf`'s month).
 * - `dailyDays`: daily rows cost `customers × dailyDays` rows (1M customers × 365 days would be 365M
 *   rows); the default 120 covers every daily rule window (31 days) with room to spare. Raise it
 *   for long-history demos with few customers.
 * - `patternRate`: share of customers that get at least one injected churn/care pattern.
 * - `outcomeRate`: share of customers with a known post-`asOf` line-status trajectory.
 *
 * @example
 * ```ts
 * const options = DemoOptions.parse({ seed: 7, customers: 10_000, asOf: "2026-11-25" })
 * ```
 */
export const DemoOptions = z.object({
  seed: z.union([z.number().int(), z.string().min(1).max(200)]).default(1),
  customers: z.number().int().min(0).max(100_000_000).default(1000),
  asOf: IsoDate.default("2026-11-25"),
  months: z.number().int().min(4).max(120).default(13),
  dailyDays: z.number().int().min(35).max(1000).default(120),
  regions: z
    .array(z.union([z.string().regex(/^[a-z0-9-]{1,40}$/).transform((name) => ({ name, timeZone: "Asia/Shanghai" })), DemoRegion]))
    .min(1)
    .max(100)
    .default(() => defaultDemoRegions.map((r) => ({ ...r }))),
  districtsPerRegion: z.number().int().min(1).max(50).default(3),
  squadsPerDistrict: z.number().int().min(1).max(50).default(2),
  agentsPerTeam: z.number().int().min(1).max(500).default(8),
  patternRate: z.number().min(0).max(1).default(0.3),
  outcomeRate: z.number().min(0).max(1).default(0.3),
  chunkSize: z.number().int().min(1).max(100_000).default(1000),
  /** How people's names are written: `pinyin` ("Zhang Xiu", the default) or `hanzi` ("张秀", as a Chinese call center writes them). */
  names: z.enum(["pinyin", "hanzi"]).default("pinyin")
})
/**
 * The resolved options (every default filled in).
 *
 * @example
 * ```ts
 * const o: DemoOptions = resolveDemoOptions({ customers: 10 })
 * ```
 */
export type DemoOptions = z.infer<typeof DemoOptions>
/**
 * What callers pass: any subset of the options.
 *
 * @example
 * ```ts
 * const input: DemoOptionsInput = { seed: "demo", customers: 200, regions: ["north", "south"] }
 * ```
 */
export type DemoOptionsInput = z.input<typeof DemoOptions>

/**
 * Fills in the defaults (and validates): the generator's first step.
 *
 * @example
 * ```ts
 * resolveDemoOptions({ customers: 500 }).dailyDays // 120
 * ```
 */
export const resolveDemoOptions = (input: DemoOptionsInput = {}): DemoOptions => DemoOptions.parse(input)
