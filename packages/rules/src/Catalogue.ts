/**
 * The template catalogue: every churn, contract, care and service rule of the retention
 * playbooks (DOMAIN §4), with the documents' defaults. Each template is data plus a builder; the
 * docs pages under docs/rules/templates are generated from this file.
 */
import * as z from "zod"
import type { CustomerFacts } from "./Evaluator"
import type { DailyCondition, NumExpr } from "./Rule"
import { type RuleTemplate, Threshold, thresholdExpr } from "./RuleTemplate"
import { dayNumber, isoDay, isoMonth, monthNumber } from "./internal/dates"

// ---- example fixtures -------------------------------------------------------------------------

const customer = (extra: Record<string, unknown> = {}): CustomerFacts["customer"] => ({
  id: "42",
  name: "Li Wei",
  region: "north",
  tier: "gold",
  lineStatus: "active",
  paymentType: "postpaid",
  contractEnd: null,
  birthday: null,
  activatedOn: "2021-03-01",
  ownerManagerId: "m-7",
  preferredChannel: "phone",
  tariffSensitivity: null,
  creditLevel: null,
  timeZone: "Asia/Shanghai",
  ...extra
})

/** Bills of consecutive months ending with `last` (`YYYY-MM`), billed on the 1st of the next month. */
const bills = (last: string, amounts: ReadonlyArray<number>, extra: (i: number) => Record<string, unknown> = () => ({})): CustomerFacts["monthly"] => {
  const end = monthNumber(last)
  return amounts.map((billAmount, i) => {
    const m = end - (amounts.length - 1 - i)
    const next = isoMonth(m + 1)
    return {
      month: isoMonth(m),
      billAmount,
      dataMb: billAmount * 40,
      callMinutes: 300,
      competitorCallSeconds: 0,
      forwardedDays: 0,
      silentDays: 0,
      billDate: `${next}-01`,
      dueDate: `${next}-20`,
      paidDate: `${next}-10`,
      ...extra(i)
    }
  })
}

/** Daily rows ending on `last`, one per entry of `rows` (oldest first). */
const days = (last: string, rows: ReadonlyArray<Partial<Record<string, number | boolean>>>): CustomerFacts["daily"] => {
  const end = dayNumber(last)
  return rows.map((r, i) => ({
    day: isoDay(end - (rows.length - 1 - i)),
    charge: 3,
    dataMb: 200,
    callMinutes: 10,
    outgoingCalls: 4,
    competitorCallSeconds: 0,
    forwardedToOtherOperator: false,
    reminderSmsDelivered: false,
    ...r
  }))
}

const repeat = <T>(n: number, v: T): T[] => Array.from({ length: n }, () => v)

// ---- shared parameter pieces ------------------------------------------------------------------

const positiveDays = (d: string) => z.number().int().min(1).describe(d)
const tierName = z.string().min(1)

const thisMonth = (metric: string, as: string): NumExpr => ({ kind: "monthly", fn: "value", metric, months: 1, as })
const baseline = (metric: string, months: number, as = "baseline"): NumExpr => ({ kind: "monthly", fn: "avg", metric, months, skip: 1, complete: true, as })
const dailyIs = (metric: string, value: number | boolean): DailyCondition => ({ op: "metric", metric, cmp: "=", value })

// ---- the templates ----------------------------------------------------------------------------

const competitorCallsParams = z.strictObject({
  minSeconds: z.number().min(0).default(60).describe("Total seconds on competitor customer-service calls that trigger the rule (strictly more than)"),
  periodDays: positiveDays("Length of the period, in days ending on the as-of day").default(30)
})
/**
 * Answered a competitor's customer-service calls: total duration over the period above a limit.
 *
 * @example
 * ```ts
 * instantiate(competitorCalls, { minSeconds: 120 })
 * ```
 */
export const competitorCalls: RuleTemplate<z.infer<typeof competitorCallsParams>> = {
  id: "competitor-calls",
  version: 1,
  family: "churn",
  title: "Answered a competitor's customer-service calls",
  description:
    "Customers who spent more than `minSeconds` seconds in total on calls with a competitor's customer-service numbers during the last `periodDays` days — a strong sign they are being courted.",
  params: competitorCallsParams,
  defaults: { minSeconds: 60, periodDays: 30 },
  build: (p) => ({
    label: "competitor calls",
    summary: `{seconds} s on competitor service calls in ${p.periodDays} days (limit {limit} s)`,
    when: {
      op: "compare",
      left: { kind: "daily", fn: "sum", metric: "competitorCallSeconds", days: p.periodDays, as: "seconds" },
      cmp: ">",
      right: thresholdExpr(p.minSeconds, "limit")
    }
  }),
  examples: [
    { title: "75 s over two calls last week", asOf: "2026-11-20", matches: true, facts: { customer: customer(), daily: days("2026-11-20", [{ competitorCallSeconds: 40 }, ...repeat(5, {}), { competitorCallSeconds: 35 }]) } },
    { title: "exactly 60 s is not more than 60 s", asOf: "2026-11-20", matches: false, facts: { customer: customer(), daily: days("2026-11-20", [{ competitorCallSeconds: 60 }]) } }
  ]
}

const dunningParams = z.strictObject({
  daysAgo: z.number().int().min(0).default(1).describe("Which day's reminder to follow up: 1 = delivered yesterday")
})
/**
 * Dunning follow-up: prepaid customers whose payment reminder SMS was delivered yesterday.
 *
 * @example
 * ```ts
 * instantiate(dunningFollowUp, { daysAgo: 2 })
 * ```
 */
export const dunningFollowUp: RuleTemplate<z.infer<typeof dunningParams>> = {
  id: "dunning-follow-up",
  version: 1,
  family: "churn",
  title: "Dunning follow-up after a reminder SMS",
  description: "Prepaid customers whose payment reminder SMS was delivered `daysAgo` days before the as-of day (default: yesterday), so an agent can follow up.",
  params: dunningParams,
  defaults: { daysAgo: 1 },
  build: (p) => ({
    label: "dunning follow-up",
    summary: "prepaid, reminder SMS delivered {delivered} time(s) on the day",
    when: {
      op: "all",
      of: [
        { op: "attribute", field: "paymentType", cmp: "=", value: "prepaid" },
        { op: "compare", left: { kind: "daily", fn: "count", where: dailyIs("reminderSmsDelivered", true), days: 1, skip: p.daysAgo, as: "delivered" }, cmp: ">=", right: 1 }
      ]
    }
  }),
  examples: [
    { title: "prepaid, reminder delivered yesterday", asOf: "2026-11-20", matches: true, facts: { customer: customer({ paymentType: "prepaid" }), daily: days("2026-11-20", [{ reminderSmsDelivered: true }, {}]) } },
    { title: "postpaid customers are not dunned this way", asOf: "2026-11-20", matches: false, facts: { customer: customer(), daily: days("2026-11-20", [{ reminderSmsDelivered: true }, {}]) } }
  ]
}

const forwardingParams = z.strictObject({
  minDays: positiveDays("Consecutive days call-forwarded to another operator, up to the as-of day").default(5),
  windowDays: positiveDays("How far back streaks are counted (streak values are capped at this)").default(31)
})
/**
 * Call forwarding to another operator on N consecutive days.
 *
 * @example
 * ```ts
 * instantiate(callForwarding, { minDays: 7 })
 * ```
 */
export const callForwarding: RuleTemplate<z.infer<typeof forwardingParams>> = {
  id: "call-forwarding",
  version: 1,
  family: "churn",
  title: "Call-forwarding to another operator",
  description: "Customers whose calls have been forwarded to another operator's number on at least `minDays` consecutive days up to the as-of day.",
  params: forwardingParams,
  defaults: { minDays: 5, windowDays: 31 },
  build: (p) => ({
    label: "call forwarding",
    summary: "forwarded to another operator {streak} days running (limit {limit})",
    when: {
      op: "compare",
      left: { kind: "streak", where: dailyIs("forwardedToOtherOperator", true), days: Math.max(p.windowDays, p.minDays), as: "streak" },
      cmp: ">=",
      right: thresholdExpr(p.minDays, "limit")
    }
  }),
  examples: [
    { title: "forwarded the last 6 days", asOf: "2026-11-20", matches: true, facts: { customer: customer(), daily: days("2026-11-20", [{}, ...repeat(6, { forwardedToOtherOperator: true })]) } },
    { title: "5 days, but interrupted yesterday", asOf: "2026-11-20", matches: false, facts: { customer: customer(), daily: days("2026-11-20", [...repeat(4, { forwardedToOtherOperator: true }), {}, { forwardedToOtherOperator: true }]) } }
  ]
}

const silentParams = z.strictObject({
  minDays: positiveDays("Consecutive days without outgoing calls, up to the as-of day").default(10),
  minTier: tierName.default("gold").describe("Lowest tier concerned (tiers at or above it)"),
  windowDays: positiveDays("How far back streaks are counted").default(31)
})
/**
 * Silent high-value customer: no outgoing calls for N consecutive days, tiers at or above gold.
 *
 * @example
 * ```ts
 * instantiate(silentHighValue, { minDays: 14, minTier: "diamond" })
 * ```
 */
export const silentHighValue: RuleTemplate<z.infer<typeof silentParams>> = {
  id: "silent-high-value",
  version: 1,
  family: "churn",
  title: "Silent high-value customer",
  description: "Customers of tier `minTier` or above who made no outgoing call on at least `minDays` consecutive days up to the as-of day.",
  params: silentParams,
  defaults: { minDays: 10, minTier: "gold", windowDays: 31 },
  build: (p) => ({
    label: "silent high-value customer",
    summary: "{@tier} customer silent for {streak} days (limit {limit})",
    when: {
      op: "all",
      of: [
        { op: "tier", cmp: ">=", value: p.minTier },
        { op: "compare", left: { kind: "streak", where: dailyIs("outgoingCalls", 0), days: Math.max(p.windowDays, p.minDays), as: "streak" }, cmp: ">=", right: thresholdExpr(p.minDays, "limit") }
      ]
    }
  }),
  examples: [
    { title: "gold, silent 12 days", asOf: "2026-11-20", matches: true, facts: { customer: customer(), daily: days("2026-11-20", [{}, ...repeat(12, { outgoingCalls: 0 })]) } },
    { title: "silver customers are out of scope", asOf: "2026-11-20", matches: false, facts: { customer: customer({ tier: "silver" }), daily: days("2026-11-20", repeat(12, { outgoingCalls: 0 })) } }
  ]
}

const suspensionParams = z.strictObject({
  withinDays: positiveDays("Days (ending on the as-of day) in which the request counts").default(1)
})
/**
 * Applied for suspension with the number kept (an event; also fires on the event itself).
 *
 * @example
 * ```ts
 * instantiate(suspensionRequested, { withinDays: 2 })
 * ```
 */
export const suspensionRequested: RuleTemplate<z.infer<typeof suspensionParams>> = {
  id: "suspension-requested",
  version: 1,
  family: "churn",
  title: "Applied for suspension with number kept",
  description: "Customers who applied for a voluntary suspension (number kept) in the last `withinDays` days. As an event rule it fires as soon as the request arrives.",
  params: suspensionParams,
  defaults: { withinDays: 1 },
  triggers: ["suspension-requested"],
  build: (p) => ({
    label: "suspension requested",
    on: ["suspension-requested"],
    summary: "applied for suspension ({requests} request(s) in the window)",
    when: { op: "compare", left: { kind: "events", types: ["suspension-requested"], days: p.withinDays, as: "requests" }, cmp: ">=", right: 1 }
  }),
  examples: [
    { title: "request this morning", asOf: "2026-11-20", matches: true, facts: { customer: customer(), events: [{ type: "suspension-requested", at: "2026-11-20T01:15:00Z" }] } },
    { title: "request last week", asOf: "2026-11-20", matches: false, facts: { customer: customer(), events: [{ type: "suspension-requested", at: "2026-11-12T08:00:00Z" }] } }
  ]
}

const unpaidParams = z.strictObject({
  daysAfterBill: z
    .union([z.number().int().min(0), Threshold])
    .default(20)
    .describe("Days after the bill date without payment; a number or a table per region (per branch)")
})
/**
 * Postpaid bill unpaid N days after the bill date (N per branch).
 *
 * @example
 * ```ts
 * instantiate(billUnpaid, { daysAfterBill: { by: "region", values: { north: 15 }, otherwise: 20 } })
 * ```
 */
export const billUnpaid: RuleTemplate<z.infer<typeof unpaidParams>> = {
  id: "bill-unpaid",
  version: 1,
  family: "churn",
  title: "Postpaid bill unpaid",
  description: "Postpaid customers whose latest bill is still unpaid (no paid date on or before the as-of day) `daysAfterBill` or more days after its bill date.",
  params: unpaidParams,
  defaults: { daysAfterBill: 20 },
  build: (p) => ({
    label: "bill unpaid",
    summary: "bill unpaid {days} days after the bill date (limit {limit})",
    when: {
      op: "all",
      of: [
        { op: "attribute", field: "paymentType", cmp: "=", value: "postpaid" },
        { op: "compare", left: { kind: "daysSince", date: { kind: "monthField", field: "billDate" }, as: "days" }, cmp: ">=", right: thresholdExpr(p.daysAfterBill, "limit") },
        { op: "not", of: { op: "compare", left: { kind: "daysSince", date: { kind: "monthField", field: "paidDate" }, as: "sincePaid" }, cmp: ">=", right: 0 } }
      ]
    }
  }),
  examples: [
    { title: "billed 1 Nov, unpaid on 25 Nov", asOf: "2026-11-25", matches: true, facts: { customer: customer(), monthly: bills("2026-10", [120, 118], (i) => (i === 1 ? { paidDate: null } : {})) } },
    { title: "paid on 10 Nov", asOf: "2026-11-25", matches: false, facts: { customer: customer(), monthly: bills("2026-10", [120, 118]) } }
  ]
}

const zeroBillParams = z.strictObject({
  maxAmount: z.number().min(0).default(0).describe("Bills at or below this amount count as zero")
})
/**
 * Zero bill this month.
 *
 * @example
 * ```ts
 * instantiate(zeroBill, { maxAmount: 0.5 })
 * ```
 */
export const zeroBill: RuleTemplate<z.infer<typeof zeroBillParams>> = {
  id: "zero-bill",
  version: 1,
  family: "churn",
  title: "Zero bill this month",
  description: "Customers whose bill for this month (the latest month billed on or before the as-of day) is zero (at most `maxAmount`).",
  params: zeroBillParams,
  defaults: { maxAmount: 0 },
  build: (p) => ({
    label: "zero bill",
    summary: "bill this month {bill}",
    when: { op: "compare", left: thisMonth("billAmount", "bill"), cmp: "<=", right: thresholdExpr(p.maxAmount, "limit") }
  }),
  examples: [
    { title: "October bill 0", asOf: "2026-11-20", matches: true, facts: { customer: customer(), monthly: bills("2026-10", [88, 0]) } },
    { title: "no bill at all is not a zero bill", asOf: "2026-11-20", matches: false, facts: { customer: customer() } }
  ]
}

const dropParams = (metric: string, dflt: z.infer<typeof Threshold>) =>
  z.strictObject({
    dropPercent: Threshold.default(dflt).describe(`Fall of ${metric} this month against the baseline, in percent (strictly more than); one value or a table per tier/region`),
    baselineMonths: z.number().int().min(1).max(12).default(3).describe("Months before this month averaged for the baseline (all must be present)")
  })

const defaultBillDrop = { by: "tier" as const, values: { diamond: 30, gold: 30, silver: 50, regular: 50 } }
const billDropParams = dropParams("the bill", defaultBillDrop)
/**
 * Bill drop: this month against the average of the previous N months falls by more than X%, X per tier.
 *
 * @example
 * ```ts
 * instantiate(billDrop, { dropPercent: { by: "tier", values: { gold: 25, silver: 45 } } })
 * ```
 */
export const billDrop: RuleTemplate<z.infer<typeof billDropParams>> = {
  id: "bill-drop",
  version: 1,
  family: "churn",
  title: "Bill drop",
  description:
    "Customers whose bill this month fell by more than `dropPercent` percent against the average of the previous `baselineMonths` months. The threshold may differ per tier or region (defaults: 30% for gold and diamond, 50% for silver and regular).",
  params: billDropParams,
  defaults: { dropPercent: defaultBillDrop, baselineMonths: 3 },
  build: (p) => ({
    label: "bill drop",
    summary: `bill {thisMonth} vs ${p.baselineMonths}-month average {baseline}, {change|pct}, threshold for {@tier} {threshold}%`,
    when: {
      op: "compare",
      left: { kind: "pctChange", from: baseline("billAmount", p.baselineMonths), to: thisMonth("billAmount", "thisMonth"), as: "change" },
      cmp: "<",
      right: { kind: "arith", op: "*", left: -1, right: thresholdExpr(p.dropPercent, "threshold") }
    }
  }),
  examples: [
    { title: "gold, 95 against an average of 180 (−47.2%)", asOf: "2026-11-20", matches: true, facts: { customer: customer(), monthly: bills("2026-10", [170, 180, 190, 95]) } },
    { title: "silver, same drop, under the silver threshold of 50%", asOf: "2026-11-20", matches: false, facts: { customer: customer({ tier: "silver" }), monthly: bills("2026-10", [170, 180, 190, 95]) } },
    { title: "only two months of history: no baseline", asOf: "2026-11-20", matches: false, facts: { customer: customer(), monthly: bills("2026-10", [180, 95]) } }
  ]
}

const dataDropParams = dropParams("data usage", 50)
/**
 * Data-usage drop: this month against the N-month average falls by more than X%.
 *
 * @example
 * ```ts
 * instantiate(dataDrop, { dropPercent: 60 })
 * ```
 */
export const dataDrop: RuleTemplate<z.infer<typeof dataDropParams>> = {
  id: "data-drop",
  version: 1,
  family: "churn",
  title: "Data-usage drop",
  description: "Customers whose data volume this month fell by more than `dropPercent` percent against the average of the previous `baselineMonths` months.",
  params: dataDropParams,
  defaults: { dropPercent: 50, baselineMonths: 3 },
  build: (p) => ({
    label: "data-usage drop",
    summary: `data {thisMonth} MB vs ${p.baselineMonths}-month average {baseline} MB, {change|pct}, threshold {threshold}%`,
    when: {
      op: "compare",
      left: { kind: "pctChange", from: baseline("dataMb", p.baselineMonths), to: thisMonth("dataMb", "thisMonth"), as: "change" },
      cmp: "<",
      right: { kind: "arith", op: "*", left: -1, right: thresholdExpr(p.dropPercent, "threshold") }
    }
  }),
  examples: [
    { title: "data down 75%", asOf: "2026-11-20", matches: true, facts: { customer: customer(), monthly: bills("2026-10", [100, 100, 100, 25]) } },
    { title: "data down 40%", asOf: "2026-11-20", matches: false, facts: { customer: customer(), monthly: bills("2026-10", [100, 100, 100, 60]) } }
  ]
}

const contractParams = z.strictObject({
  monthsLeft: z.number().int().min(1).max(24).default(2).describe("Contracts ending before this many months from the as-of day (and not yet ended)")
})
/**
 * Contract or device agreement expiring in less than N months.
 *
 * @example
 * ```ts
 * instantiate(contractExpiring, { monthsLeft: 3 })
 * ```
 */
export const contractExpiring: RuleTemplate<z.infer<typeof contractParams>> = {
  id: "contract-expiring",
  version: 1,
  family: "contract",
  title: "Contract or device agreement expiring",
  description: "Customers whose contract or device agreement ends on or after the as-of day and less than `monthsLeft` calendar months after it.",
  params: contractParams,
  defaults: { monthsLeft: 2 },
  build: (p) => ({
    label: "contract expiring",
    summary: "contract ends in {daysLeft|abs} days",
    when: {
      op: "all",
      of: [
        { op: "dateBetween", date: { kind: "attribute", field: "contractEnd" }, from: { days: 0 }, to: { months: p.monthsLeft } },
        { op: "compare", left: { kind: "daysSince", date: { kind: "attribute", field: "contractEnd" }, as: "daysLeft" }, cmp: "<=", right: 0 }
      ]
    }
  }),
  examples: [
    { title: "ends 10 January, as of 20 November", asOf: "2026-11-20", matches: true, facts: { customer: customer({ contractEnd: "2027-01-10" }) } },
    { title: "ends 20 January: exactly two months is not less than two", asOf: "2026-11-20", matches: false, facts: { customer: customer({ contractEnd: "2027-01-20" }) } }
  ]
}

const birthdayParams = z.strictObject({})
/**
 * Birthday greeting on the day (SMS).
 *
 * @example
 * ```ts
 * instantiate(birthday)
 * ```
 */
export const birthday: RuleTemplate<z.infer<typeof birthdayParams>> = {
  id: "birthday",
  version: 1,
  family: "care",
  title: "Birthday",
  description: "Customers whose birthday is on the as-of day (29 February birthdays are greeted on 28 February in other years). Suggested channel: SMS.",
  params: birthdayParams,
  defaults: {},
  channel: "sms",
  build: () => ({ label: "birthday", when: { op: "anniversary", date: { kind: "attribute", field: "birthday" } } }),
  examples: [
    { title: "born 20 November 1988", asOf: "2026-11-20", matches: true, facts: { customer: customer({ birthday: "1988-11-20" }) } },
    { title: "leap-day birthday on 28 February of a common year", asOf: "2027-02-28", matches: true, facts: { customer: customer({ birthday: "2000-02-29" }) } },
    { title: "no birthday on file", asOf: "2026-11-20", matches: false, facts: { customer: customer() } }
  ]
}

const anomalyParams = z.strictObject({
  factor: z.number().gt(1).default(3).describe("Fires when this month's bill is above factor × the baseline or below baseline / factor"),
  baselineMonths: z.number().int().min(1).max(12).default(3).describe("Months before this month averaged for the baseline (all must be present)")
})
/**
 * Anomaly either way: bill above 3× or below 1/3 of the 3-month average.
 *
 * @example
 * ```ts
 * instantiate(billAnomaly, { factor: 2.5 })
 * ```
 */
export const billAnomaly: RuleTemplate<z.infer<typeof anomalyParams>> = {
  id: "bill-anomaly",
  version: 1,
  family: "care",
  title: "Bill anomaly either way",
  description: "Customers whose bill this month is more than `factor` times the average of the previous `baselineMonths` months, or less than that average divided by `factor`.",
  params: anomalyParams,
  defaults: { factor: 3, baselineMonths: 3 },
  build: (p) => ({
    label: "bill anomaly",
    summary: `bill {thisMonth} vs ${p.baselineMonths}-month average {baseline} (factor ${p.factor})`,
    when: {
      op: "any",
      of: [
        { op: "compare", left: thisMonth("billAmount", "thisMonth"), cmp: ">", right: { kind: "arith", op: "*", left: p.factor, right: baseline("billAmount", p.baselineMonths) } },
        { op: "compare", left: { kind: "arith", op: "*", left: p.factor, right: thisMonth("billAmount", "thisMonth") }, cmp: "<", right: baseline("billAmount", p.baselineMonths) }
      ]
    }
  }),
  examples: [
    { title: "bill jumps to 400 from 100", asOf: "2026-11-20", matches: true, facts: { customer: customer(), monthly: bills("2026-10", [100, 100, 100, 400]) } },
    { title: "bill falls to 30 from 100", asOf: "2026-11-20", matches: true, facts: { customer: customer(), monthly: bills("2026-10", [100, 100, 100, 30]) } },
    { title: "bill at 2× is within bounds", asOf: "2026-11-20", matches: false, facts: { customer: customer(), monthly: bills("2026-10", [100, 100, 100, 200]) } }
  ]
}

const complaintParams = z.strictObject({
  withinDays: positiveDays("Call back within this many days after the complaint was resolved").default(3)
})
/**
 * Complaint resolved: call back within 3 days after resolution.
 *
 * @example
 * ```ts
 * instantiate(complaintResolved, { withinDays: 2 })
 * ```
 */
export const complaintResolved: RuleTemplate<z.infer<typeof complaintParams>> = {
  id: "complaint-resolved",
  version: 1,
  family: "service",
  title: "Complaint resolved: call back",
  description: "Customers whose complaint was resolved in the last `withinDays` days, to be called back within that time (with hand-out dedup, each is picked once).",
  params: complaintParams,
  defaults: { withinDays: 3 },
  triggers: ["complaint-resolved"],
  build: (p) => ({
    label: "complaint resolved",
    on: ["complaint-resolved"],
    summary: "complaint resolved {daysAgo} day(s) ago",
    when: {
      op: "all",
      of: [
        { op: "compare", left: { kind: "events", types: ["complaint-resolved"], days: p.withinDays, as: "resolved" }, cmp: ">=", right: 1 },
        { op: "compare", left: { kind: "daysSince", date: { kind: "lastEvent", types: ["complaint-resolved"] }, as: "daysAgo" }, cmp: ">=", right: 0 }
      ]
    }
  }),
  examples: [
    { title: "resolved two days ago", asOf: "2026-11-20", matches: true, facts: { customer: customer(), events: [{ type: "complaint-resolved", at: "2026-11-18T10:00:00Z" }] } },
    { title: "resolved four days ago", asOf: "2026-11-20", matches: false, facts: { customer: customer(), events: [{ type: "complaint-resolved", at: "2026-11-16T10:00:00Z" }] } }
  ]
}

const newCustomerParams = z.strictObject({
  withinDays: positiveDays("Call back within this many days of activation").default(3)
})
/**
 * New customer: call back within 3 days of activation.
 *
 * @example
 * ```ts
 * instantiate(newCustomer, { withinDays: 5 })
 * ```
 */
export const newCustomer: RuleTemplate<z.infer<typeof newCustomerParams>> = {
  id: "new-customer",
  version: 1,
  family: "service",
  title: "New customer welcome call",
  description: "Customers activated in the last `withinDays` days (the as-of day included), to be called within that time.",
  params: newCustomerParams,
  defaults: { withinDays: 3 },
  build: (p) => ({
    label: "new customer",
    summary: "activated {days} day(s) ago",
    when: {
      op: "all",
      of: [
        { op: "dateBetween", date: { kind: "attribute", field: "activatedOn" }, from: { days: 1 - p.withinDays }, to: { days: 1 } },
        { op: "compare", left: { kind: "daysSince", date: { kind: "attribute", field: "activatedOn" }, as: "days" }, cmp: ">=", right: 0 }
      ]
    }
  }),
  examples: [
    { title: "activated yesterday", asOf: "2026-11-20", matches: true, facts: { customer: customer({ activatedOn: "2026-11-19" }) } },
    { title: "activated a week ago", asOf: "2026-11-20", matches: false, facts: { customer: customer({ activatedOn: "2026-11-13" }) } }
  ]
}

const cancelParams = z.strictObject({
  minTier: tierName.default("gold").describe("Lowest tier concerned"),
  withinDays: positiveDays("Days (ending on the as-of day) in which the request counts").default(1)
})
/**
 * A high-value customer applied to cancel (an event rule: fires on the request itself).
 *
 * @example
 * ```ts
 * instantiate(cancelRequested, { minTier: "diamond" })
 * ```
 */
export const cancelRequested: RuleTemplate<z.infer<typeof cancelParams>> = {
  id: "cancel-requested",
  version: 1,
  family: "churn",
  title: "High-value customer applied to cancel",
  description: "Customers of tier `minTier` or above who applied to cancel in the last `withinDays` days; as an event rule it fires as soon as the request arrives.",
  params: cancelParams,
  defaults: { minTier: "gold", withinDays: 1 },
  triggers: ["cancel-requested"],
  build: (p) => ({
    label: "cancel requested",
    on: ["cancel-requested"],
    summary: "{@tier} customer applied to cancel",
    when: {
      op: "all",
      of: [
        { op: "tier", cmp: ">=", value: p.minTier },
        { op: "compare", left: { kind: "events", types: ["cancel-requested"], days: p.withinDays, as: "requests" }, cmp: ">=", right: 1 }
      ]
    }
  }),
  examples: [
    { title: "diamond customer asks to cancel", asOf: "2026-11-20", matches: true, facts: { customer: customer({ tier: "diamond" }), events: [{ type: "cancel-requested", at: "2026-11-20T03:00:00Z" }] } },
    { title: "regular customer asks to cancel", asOf: "2026-11-20", matches: false, facts: { customer: customer({ tier: "regular" }), events: [{ type: "cancel-requested", at: "2026-11-20T03:00:00Z" }] } }
  ]
}

/**
 * The whole catalogue, in DOMAIN §4 order (plus the cancel-request event rule).
 *
 * @example
 * ```ts
 * import { catalogue, instantiate } from "@winback/rules"
 * const rules = catalogue.map((t) => instantiate(t))
 * ```
 */
export const catalogue: ReadonlyArray<RuleTemplate<any>> = [
  competitorCalls,
  dunningFollowUp,
  callForwarding,
  silentHighValue,
  suspensionRequested,
  billUnpaid,
  zeroBill,
  billDrop,
  dataDrop,
  contractExpiring,
  birthday,
  billAnomaly,
  complaintResolved,
  newCustomer,
  cancelRequested
]

/**
 * Finds a template by id.
 *
 * @example
 * ```ts
 * findTemplate("bill-drop")?.title // "Bill drop"
 * ```
 */
export const findTemplate = (id: string): RuleTemplate<any> | undefined => catalogue.find((t) => t.id === id)
