/**
 * Injected churn and care patterns: the ground truth of the demo data. Each customer gets zero or
 * more patterns; each pattern is reported exactly as the data was shaped, so a test can recompute
 * every rule's expected result from the pattern list alone (see README.md in this folder for which
 * rows each pattern touches and the bounds background customers stay within).
 */
import type { Random } from "./Random"

/**
 * A pattern injected into one customer's data, with the exact parameters used.
 *
 * Money is in currency units, data in MB, dates `YYYY-MM-DD`, instants canonical ISO strings.
 * "This month" is the last monthly row (the month before `asOf`'s month); "baseline" is the average
 * bill (or data volume) of the three monthly rows before it.
 *
 * @example
 * ```ts
 * const p: DemoPattern = { kind: "silent-streak", days: 12 }
 * ```
 */
export type DemoPattern =
  /** This month's bill is `baseline × (1 − dropPercent/100)` (rounded to cents). */
  | { readonly kind: "bill-drop"; readonly dropPercent: number; readonly baseline: number; readonly thisMonth: number }
  /** This month's bill is 0 (data and minutes untouched). */
  | { readonly kind: "zero-bill"; readonly baseline: number }
  /** This month's bill is `baseline × ratio` (ratio in [2.5, 4] or [0.2, 0.45], never within 0.05 of 3 or 0.01 of 1/3). */
  | { readonly kind: "bill-anomaly"; readonly ratio: number; readonly baseline: number; readonly thisMonth: number }
  /** This month's data volume is `baseline × (1 − dropPercent/100)` (rounded to whole MB). */
  | { readonly kind: "data-drop"; readonly dropPercent: number; readonly baseline: number; readonly thisMonth: number }
  /** No outgoing calls on the last `days` days up to and including `asOf`; calls on the day before. */
  | { readonly kind: "silent-streak"; readonly days: number }
  /** Forwarded to another operator on the last `days` days up to `asOf`; not on the day before. */
  | { readonly kind: "call-forwarding"; readonly days: number }
  /** Competitor customer-service calls within the 30 days ending on `asOf`, totalling `seconds`. */
  | { readonly kind: "competitor-calls"; readonly seconds: number; readonly calls: ReadonlyArray<{ readonly day: string; readonly seconds: number }> }
  /** Contract ends on `contractEnd`, on or after `asOf` and before `asOf` + 3 calendar months. */
  | { readonly kind: "contract-ending"; readonly contractEnd: string }
  /** Postpaid: this month's bill (billed `billDate`) has no paid date; `daysSinceBill` = asOf − billDate ≥ 20. */
  | { readonly kind: "bill-unpaid"; readonly month: string; readonly billDate: string; readonly daysSinceBill: number }
  /** Prepaid: a payment-reminder SMS was delivered on `day` (= asOf − `daysAgo`, daysAgo ∈ 0..2). */
  | { readonly kind: "reminder-sms"; readonly day: string; readonly daysAgo: number }
  /** A `suspension-requested` event at `at` (on asOf − `daysAgo`, daysAgo ∈ 0..2). */
  | { readonly kind: "suspension-requested"; readonly at: string; readonly daysAgo: number }
  /** A `complaint-resolved` event at `at` (on asOf − `daysAgo`, daysAgo ∈ 0..5). */
  | { readonly kind: "complaint-resolved"; readonly at: string; readonly daysAgo: number }
  /** The birthday falls on `asOf`'s month and day. */
  | { readonly kind: "birthday"; readonly birthday: string }
  /** Activated on `activatedOn` = asOf − `daysAgo` (daysAgo ∈ 0..4): no monthly rows, daily rows from activation. */
  | { readonly kind: "new-customer"; readonly activatedOn: string; readonly daysAgo: number }

/**
 * Every pattern kind.
 *
 * @example
 * ```ts
 * const k: DemoPatternKind = "bill-drop"
 * ```
 */
export type DemoPatternKind = DemoPattern["kind"]

/**
 * All pattern kinds, in a fixed order.
 *
 * @example
 * ```ts
 * demoPatternKinds.includes("silent-streak") // true
 * ```
 */
export const demoPatternKinds: ReadonlyArray<DemoPatternKind> = [
  "bill-drop",
  "zero-bill",
  "bill-anomaly",
  "data-drop",
  "silent-streak",
  "call-forwarding",
  "competitor-calls",
  "contract-ending",
  "bill-unpaid",
  "reminder-sms",
  "suspension-requested",
  "complaint-resolved",
  "birthday",
  "new-customer"
]

const weights: ReadonlyArray<readonly [DemoPatternKind, number]> = [
  ["bill-drop", 14],
  ["zero-bill", 4],
  ["bill-anomaly", 6],
  ["data-drop", 10],
  ["silent-streak", 10],
  ["call-forwarding", 8],
  ["competitor-calls", 10],
  ["contract-ending", 10],
  ["bill-unpaid", 8],
  ["reminder-sms", 8],
  ["suspension-requested", 5],
  ["complaint-resolved", 8],
  ["birthday", 5],
  ["new-customer", 4]
]

const billKinds: ReadonlySet<DemoPatternKind> = new Set(["bill-drop", "zero-bill", "bill-anomaly"])
const compatibleWithNew: ReadonlySet<DemoPatternKind> = new Set(["birthday", "suspension-requested", "complaint-resolved"])

/** Facts that decide which patterns a customer can carry. */
export interface PatternEligibility {
  readonly paymentType: "prepaid" | "postpaid"
  /** Whether `asOf` is late enough in its month for this month's bill to be 20+ days old. */
  readonly unpaidPossible: boolean
}

const eligible = (kind: DemoPatternKind, chosen: ReadonlyArray<DemoPatternKind>, facts: PatternEligibility): boolean => {
  if (chosen.includes(kind)) return false
  if (kind === "bill-unpaid" && (facts.paymentType !== "postpaid" || !facts.unpaidPossible)) return false
  if (kind === "reminder-sms" && facts.paymentType !== "prepaid") return false
  if (billKinds.has(kind) && chosen.some((k) => billKinds.has(k))) return false
  if (chosen.includes("new-customer") && !compatibleWithNew.has(kind)) return false
  if (kind === "new-customer" && chosen.some((k) => !compatibleWithNew.has(k))) return false
  return true
}

/**
 * Draws the kinds of pattern one customer gets: none with probability `1 − rate`, else one (70%),
 * two (22%) or three (8%) compatible kinds (at most one bill-level kind; a new customer has no
 * history to shape, so it only combines with birthday and events).
 *
 * @example
 * ```ts
 * choosePatternKinds(makeRandom(1), 1, { paymentType: "postpaid", unpaidPossible: true }) // e.g. ["bill-drop"]
 * ```
 */
export const choosePatternKinds = (rng: Random, rate: number, facts: PatternEligibility): ReadonlyArray<DemoPatternKind> => {
  if (!rng.chance(rate)) return []
  const wanted = rng.weighted<number>([
    [1, 70],
    [2, 22],
    [3, 8]
  ])
  const chosen: Array<DemoPatternKind> = []
  for (let attempt = 0; attempt < 12 && chosen.length < wanted; attempt++) {
    const kind = rng.weighted(weights)
    if (eligible(kind, chosen, facts)) chosen.push(kind)
  }
  return chosen
}

/**
 * A percentage drawn uniformly from `[min, max]` with one decimal, never within 0.5 of a threshold.
 *
 * @example
 * ```ts
 * percentAvoiding(makeRandom(1), 20, 65, [30, 50]) // e.g. 41.3
 * ```
 */
export const percentAvoiding = (rng: Random, min: number, max: number, thresholds: ReadonlyArray<number>): number => {
  for (;;) {
    const x = Math.round(rng.float(min, max) * 10) / 10
    if (thresholds.every((t) => Math.abs(x - t) >= 0.5)) return x
  }
}
