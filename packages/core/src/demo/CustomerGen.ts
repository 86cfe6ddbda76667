/**
 * One demo customer from its index: attributes, injected patterns, outcome and events come from
 * one seeded stream ("plan"), the daily and monthly usage rows from a second ("usage"), so
 * customer rows alone can be produced cheaply and every customer is reproducible on its own.
 * README.md in this folder documents how each pattern shapes the rows.
 */
import type { Channel } from "../shared/Channel"
import type { Customer, LineStatus, PaymentType, TariffSensitivity } from "../customer/Customer"
import type { CustomerEvent, UsageDay, UsageMonth } from "../customer/Usage"
import { addMonths, dayNumber, daysInMonth, firstDayOfMonth, instantAt, isLeapYear, isoDay, isoMonth, monthOfDay } from "./internal/dates"
import { personName } from "./internal/names"
import type { DemoOptions } from "./Options"
import type { DemoOrg } from "./Org"
import { decideOutcome, type DemoOutcome } from "./Outcomes"
import { choosePatternKinds, type DemoPattern, type DemoPatternKind, percentAvoiding } from "./Patterns"
import { makeRandom, type Random } from "./Random"

/**
 * One generated customer with its usage, events, injected patterns (ground truth) and outcome.
 * `months` and `days` are ascending; both are empty when generated without usage.
 *
 * @example
 * ```ts
 * const c = generateDemo({ customers: 1 }).customer(0)
 * c.customer.id // "c-0000001"
 * ```
 */
export interface DemoCustomer {
  readonly customer: Customer
  readonly months: ReadonlyArray<UsageMonth>
  readonly days: ReadonlyArray<UsageDay>
  readonly events: ReadonlyArray<CustomerEvent>
  readonly patterns: ReadonlyArray<DemoPattern>
  readonly outcome: DemoOutcome | null
}

/**
 * The stable id of the customer at `index` (0-based): `c-` and the 1-based number, 7 digits.
 *
 * @example
 * ```ts
 * demoCustomerId(41) // "c-0000042"
 * ```
 */
export const demoCustomerId = (index: number): string => `c-${String(index + 1).padStart(7, "0")}`

/**
 * The index of a demo customer id (the inverse of {@link demoCustomerId}), or -1.
 *
 * @example
 * ```ts
 * demoCustomerIndex("c-0000042") // 41
 * ```
 */
export const demoCustomerIndex = (id: string): number => {
  const m = /^c-(\d{7,})$/.exec(id)
  return m ? Number(m[1]) - 1 : -1
}

type Tier = "regular" | "silver" | "gold" | "diamond"

const tierWeights: ReadonlyArray<readonly [Tier, number]> = [
  ["diamond", 5],
  ["gold", 15],
  ["silver", 30],
  ["regular", 50]
]
/** Per tier: monthly bill level range, data MB range, minutes range, mean outgoing calls a day, prepaid share, credit levels. */
const tierProfile: Record<Tier, { bill: [number, number]; data: [number, number]; minutes: [number, number]; calls: number; prepaid: number; credit: [string, string] }> = {
  regular: { bill: [20, 150], data: [1000, 8000], minutes: [60, 400], calls: 2, prepaid: 0.55, credit: ["B", "C"] },
  silver: { bill: [150, 500], data: [3000, 15000], minutes: [150, 800], calls: 3, prepaid: 0.4, credit: ["A", "B"] },
  gold: { bill: [500, 1000], data: [8000, 30000], minutes: [300, 1500], calls: 5, prepaid: 0.2, credit: ["AA", "A"] },
  diamond: { bill: [1000, 2500], data: [15000, 60000], minutes: [500, 3000], calls: 8, prepaid: 0.05, credit: ["AAA", "AA"] }
}

const statusWeights: ReadonlyArray<readonly [LineStatus, number]> = [
  ["active", 92.5],
  ["suspended", 2.5],
  ["arrears-suspended", 2],
  ["pre-cancel", 1],
  ["cancelled", 1.5],
  ["reported-lost", 0.5]
]
const channelWeights: ReadonlyArray<readonly [Channel | null, number]> = [
  ["phone", 55],
  ["sms", 28],
  ["email", 7],
  ["visit", 4],
  ["letter", 2],
  [null, 4]
]
const sensitivityWeights: ReadonlyArray<readonly [TariffSensitivity | null, number]> = [
  ["low", 35],
  ["medium", 40],
  ["high", 20],
  [null, 5]
]
const churnFamily: ReadonlySet<DemoPatternKind> = new Set([
  "bill-drop",
  "zero-bill",
  "data-drop",
  "silent-streak",
  "call-forwarding",
  "competitor-calls",
  "bill-unpaid",
  "reminder-sms",
  "suspension-requested"
])

/** Noise of monthly bills and data around the customer's level: ±8%, so month-on-baseline changes stay within ±17.4%. */
const NOISE = 0.08

/** Everything derived once per run from the options. */
export interface GenContext {
  readonly options: DemoOptions
  readonly asOfDay: number
  readonly asOfMonth: number
  /** "This month": the last billed month (the month before asOf's month). */
  readonly lastMonth: number
  readonly firstMonth: number
  /** First day with a daily row. */
  readonly windowStart: number
  /** First day of the month containing `windowStart`: daily values are generated from here so every month is whole. */
  readonly spanStart: number
  readonly unpaidPossible: boolean
  readonly latestEstablishedActivation: number
  readonly agentsByRegion: ReadonlyMap<string, ReadonlyArray<string>>
  readonly dayIso: ReadonlyArray<string>
  readonly monthIso: ReadonlyArray<string>
  readonly billDateIso: ReadonlyArray<string>
  readonly dueDateIso: ReadonlyArray<string>
  readonly billDay: ReadonlyArray<number>
  /** The months the span covers: month number, index of its first day in the span, days in the span, days in the month. */
  readonly spanMonths: ReadonlyArray<{ readonly m: number; readonly m0: number; readonly n: number; readonly dim: number }>
  readonly buffers: Buffers
}

interface Buffers {
  silent: Uint8Array
  fwd: Uint8Array
  reminder: Uint8Array
  outgoing: Int32Array
  comp: Int32Array
  charge: Int32Array
  data: Int32Array
  minutes: Int32Array
  weights: Float64Array
}

/**
 * Precomputes the calendar of a run (day and month strings, windows) from its options and org.
 *
 * @example
 * ```ts
 * const ctx = makeGenContext(resolveDemoOptions({}), generateOrg(resolveDemoOptions({})))
 * ```
 */
export const makeGenContext = (options: DemoOptions, org: DemoOrg): GenContext => {
  const asOfDay = dayNumber(options.asOf)
  const asOfMonth = monthOfDay(asOfDay)
  const lastMonth = asOfMonth - 1
  const firstMonth = lastMonth - options.months + 1
  const windowStart = asOfDay - options.dailyDays + 1
  const spanStart = firstDayOfMonth(monthOfDay(windowStart))
  const len = asOfDay - spanStart + 1
  const dayIso: Array<string> = []
  for (let d = spanStart; d <= asOfDay; d++) dayIso.push(isoDay(d))
  const monthIso: Array<string> = []
  const billDateIso: Array<string> = []
  const dueDateIso: Array<string> = []
  const billDay: Array<number> = []
  for (let m = firstMonth; m <= lastMonth; m++) {
    billDay.push(firstDayOfMonth(m + 1))
    monthIso.push(isoMonth(m))
    billDateIso.push(isoDay(firstDayOfMonth(m + 1)))
    dueDateIso.push(isoDay(firstDayOfMonth(m + 1) + 19))
  }
  const spanMonths: Array<{ m: number; m0: number; n: number; dim: number }> = []
  for (let m = monthOfDay(spanStart); m <= asOfMonth; m++) {
    const m0 = firstDayOfMonth(m) - spanStart
    spanMonths.push({ m, m0, n: Math.min(daysInMonth(m), len - m0), dim: daysInMonth(m) })
  }
  return {
    options,
    spanMonths,
    asOfDay,
    asOfMonth,
    lastMonth,
    firstMonth,
    windowStart,
    spanStart,
    unpaidPossible: asOfDay - firstDayOfMonth(asOfMonth) >= 20,
    latestEstablishedActivation: Math.min(firstDayOfMonth(firstMonth), spanStart) - 1,
    agentsByRegion: org.agentsByRegion,
    dayIso,
    monthIso,
    billDateIso,
    dueDateIso,
    billDay,
    buffers: {
      silent: new Uint8Array(len),
      fwd: new Uint8Array(len),
      reminder: new Uint8Array(len),
      outgoing: new Int32Array(len),
      comp: new Int32Array(len),
      charge: new Int32Array(len),
      data: new Int32Array(len),
      minutes: new Int32Array(len),
      weights: new Float64Array(32)
    }
  }
}

/** The plan of one customer: everything but the usage rows. */
export interface CustomerPlan {
  readonly index: number
  readonly customer: Customer
  readonly tier: Tier
  readonly patterns: ReadonlyArray<DemoPattern>
  readonly outcome: DemoOutcome | null
  readonly events: ReadonlyArray<CustomerEvent>
  readonly activationDay: number
  readonly isNew: boolean
  /** First day the line is dead (no usage) for customers not active at asOf; null when active. */
  readonly deadFrom: number | null
  /** Monthly bills in cents, data MB and minutes, one per month (empty for new customers). */
  readonly bills: ReadonlyArray<number>
  readonly data: ReadonlyArray<number>
  readonly minutes: ReadonlyArray<number>
  readonly levels: { readonly bill: number; readonly data: number; readonly minutes: number }
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000

const ratioAvoiding = (rng: Random, high: boolean): number => {
  for (;;) {
    const r = high ? round3(rng.float(2.5, 4)) : round3(rng.float(0.2, 0.45))
    if (high ? Math.abs(r - 3) >= 0.05 : Math.abs(r - 1 / 3) >= 0.01) return r
  }
}

const BIRTH_FROM = dayNumber("1950-01-01")
const BIRTH_TO = dayNumber("2006-12-31")

const birthdayOn = (rng: Random, md: string): string => {
  for (;;) {
    const y = rng.int(1950, 2006)
    if (md === "02-29" && !isLeapYear(y)) continue
    return `${y}-${md}`
  }
}

/**
 * Plans customer `index`: attributes, patterns (with their final parameters), outcome and events.
 * Draws only from the customer's "plan" stream.
 *
 * @example
 * ```ts
 * planCustomer(ctx, 0).customer.id // "c-0000001"
 * ```
 */
export const planCustomer = (ctx: GenContext, index: number): CustomerPlan => {
  const { options, asOfDay } = ctx
  const rng = makeRandom(options.seed, "plan", index)
  const id = demoCustomerId(index)
  const tier = rng.weighted(tierWeights)
  const profile = tierProfile[tier]
  const paymentType: PaymentType = rng.chance(profile.prepaid) ? "prepaid" : "postpaid"
  const region = rng.pick(options.regions)
  const kinds = choosePatternKinds(rng, options.patternRate, { paymentType, unpaidPossible: ctx.unpaidPossible })
  const has = (k: DemoPatternKind) => kinds.includes(k)
  const isNew = has("new-customer")
  const patterns: Array<DemoPattern> = []
  const events: Array<CustomerEvent> = []

  // Activation and line status.
  let activationDay: number
  if (isNew) {
    const daysAgo = rng.int(0, 4)
    activationDay = asOfDay - daysAgo
    patterns.push({ kind: "new-customer", activatedOn: isoDay(activationDay), daysAgo })
    events.push({ customerId: id, type: "activated", at: instantAt(activationDay, rng.int(60, 539)), data: {} })
  } else {
    activationDay = rng.int(asOfDay - 3650, ctx.latestEstablishedActivation)
  }
  let lineStatus: LineStatus = isNew ? "active" : rng.weighted(statusWeights)
  if (lineStatus === "arrears-suspended" && paymentType === "prepaid") lineStatus = "suspended"
  let deadFrom: number | null = null
  if (lineStatus !== "active") {
    deadFrom = Math.max(firstDayOfMonth(ctx.asOfMonth), asOfDay - rng.int(0, 5))
    events.push({ customerId: id, type: "status-changed", at: instantAt(deadFrom, rng.int(60, 539)), data: { from: "active", to: lineStatus } })
  }

  // Monthly levels and amounts.
  const levels = {
    bill: Math.round(rng.float(profile.bill[0], profile.bill[1]) * 100),
    data: rng.int(profile.data[0], profile.data[1]),
    minutes: rng.int(profile.minutes[0], profile.minutes[1])
  }
  const bills: Array<number> = []
  const data: Array<number> = []
  const minutes: Array<number> = []
  if (!isNew) {
    for (let k = 0; k < options.months; k++) {
      bills.push(Math.round(levels.bill * (1 + rng.float(-NOISE, NOISE))))
      data.push(Math.round(levels.data * (1 + rng.float(-NOISE, NOISE))))
      minutes.push(Math.round(levels.minutes * (1 + rng.float(-0.1, 0.1))))
    }
  }
  const K = bills.length
  const avg3 = (xs: ReadonlyArray<number>): number => (xs[K - 4]! + xs[K - 3]! + xs[K - 2]!) / 3

  // Patterns, in the fixed kind order so parameters are drawn in the same order every time.
  for (const kind of kinds) {
    switch (kind) {
      case "bill-drop": {
        const dropPercent = percentAvoiding(rng, 20, 65, [30, 50])
        const base = avg3(bills)
        bills[K - 1] = Math.round(base * (1 - dropPercent / 100))
        patterns.push({ kind, dropPercent, baseline: base / 100, thisMonth: bills[K - 1]! / 100 })
        break
      }
      case "zero-bill": {
        bills[K - 1] = 0
        patterns.push({ kind, baseline: avg3(bills) / 100 })
        break
      }
      case "bill-anomaly": {
        const ratio = ratioAvoiding(rng, rng.chance(0.5))
        const base = avg3(bills)
        bills[K - 1] = Math.round(base * ratio)
        patterns.push({ kind, ratio, baseline: base / 100, thisMonth: bills[K - 1]! / 100 })
        break
      }
      case "data-drop": {
        const dropPercent = percentAvoiding(rng, 30, 80, [50])
        const base = avg3(data)
        data[K - 1] = Math.round(base * (1 - dropPercent / 100))
        patterns.push({ kind, dropPercent, baseline: base, thisMonth: data[K - 1]! })
        break
      }
      case "silent-streak":
        patterns.push({ kind, days: rng.int(7, 13) })
        break
      case "call-forwarding":
        patterns.push({ kind, days: rng.int(3, 8) })
        break
      case "competitor-calls": {
        const seconds = rng.chance(0.2) ? 60 : rng.int(30, 95)
        const n = rng.int(1, 3)
        const days = new Set<number>()
        while (days.size < n) days.add(asOfDay - rng.int(0, 29))
        const sorted = [...days].sort((a, b) => a - b)
        const each = Math.floor(seconds / n)
        const calls = sorted.map((d, i) => ({ day: isoDay(d), seconds: i === 0 ? seconds - each * (n - 1) : each }))
        patterns.push({ kind, seconds, calls })
        break
      }
      case "contract-ending":
        patterns.push({ kind, contractEnd: isoDay(asOfDay + rng.int(0, addMonths(asOfDay, 3) - asOfDay - 1)) })
        break
      case "bill-unpaid": {
        const billDay = firstDayOfMonth(ctx.asOfMonth)
        patterns.push({ kind, month: isoMonth(ctx.lastMonth), billDate: isoDay(billDay), daysSinceBill: asOfDay - billDay })
        break
      }
      case "reminder-sms": {
        const daysAgo = rng.weighted<number>([
          [1, 70],
          [0, 15],
          [2, 15]
        ])
        patterns.push({ kind, day: isoDay(asOfDay - daysAgo), daysAgo })
        break
      }
      case "suspension-requested":
      case "complaint-resolved": {
        const daysAgo = rng.int(0, kind === "suspension-requested" ? 2 : 5)
        const at = instantAt(asOfDay - daysAgo, rng.int(60, 539))
        patterns.push({ kind, at, daysAgo })
        events.push({ customerId: id, type: kind, at, data: {} })
        break
      }
      case "birthday":
        patterns.push({ kind, birthday: birthdayOn(rng, options.asOf.slice(5)) })
        break
      case "new-customer":
        break
    }
  }

  // Attributes that patterns may have fixed.
  const contractPattern = patterns.find((p) => p.kind === "contract-ending")
  let contractEnd: string | null = null
  if (contractPattern) contractEnd = contractPattern.contractEnd
  else if (rng.chance(paymentType === "postpaid" ? 0.8 : 0.2)) {
    contractEnd = rng.chance(0.35) ? isoDay(asOfDay - rng.int(1, 1000)) : isoDay(addMonths(asOfDay, 4) + rng.int(0, 800))
  }
  const birthdayPattern = patterns.find((p) => p.kind === "birthday")
  let birthday: string | null = null
  if (birthdayPattern) birthday = birthdayPattern.birthday
  else if (rng.chance(0.92)) {
    const asOfMd = options.asOf.slice(5)
    const feb28Common = asOfMd === "02-28" && !isLeapYear(Number(options.asOf.slice(0, 4)))
    for (;;) {
      const b = isoDay(rng.int(BIRTH_FROM, BIRTH_TO))
      const md = b.slice(5)
      if (md === asOfMd || (feb28Common && md === "02-29")) continue
      birthday = b
      break
    }
  }
  if (!isNew && rng.chance(0.03)) {
    events.push({ customerId: id, type: "complaint-resolved", at: instantAt(asOfDay - rng.int(30, options.dailyDays - 1), rng.int(60, 539)), data: {} })
  }
  events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))

  const agents = ctx.agentsByRegion.get(region.name) ?? []
  const phones = [`+8613${String(index + 1).padStart(9, "0")}`]
  if (rng.chance(0.1)) phones.push(`+8618${String(index + 1).padStart(9, "0")}`)
  const customer: Customer = {
    id,
    name: personName(rng, options.names),
    phones,
    region: region.name,
    tier,
    lineStatus,
    paymentType,
    contractEnd,
    birthday,
    activatedOn: isoDay(activationDay),
    ownerManagerId: agents.length > 0 && rng.chance(0.96) ? rng.pick(agents) : null,
    preferredChannel: rng.weighted(channelWeights),
    tariffSensitivity: rng.weighted(sensitivityWeights),
    creditLevel: rng.chance(0.95) ? rng.pick(profile.credit) : null,
    timeZone: region.timeZone,
    version: 1
  }
  const outcome = decideOutcome(rng, {
    rate: options.outcomeRate,
    status: lineStatus,
    atRisk: kinds.some((k) => churnFamily.has(k)),
    onDay: (n) => isoDay(asOfDay + n)
  })
  return { index, customer, tier, patterns, outcome, events, activationDay, isNew, deadFrom, bills, data, minutes, levels }
}

/** Splits an integer total over `n` weights so the parts are integers summing exactly to the total. */
const distribute = (total: number, weights: Float64Array, n: number, out: Int32Array, offset: number): void => {
  let sum = 0
  for (let i = 0; i < n; i++) sum += weights[i]!
  if (sum <= 0 || total === 0) {
    for (let i = 0; i < n; i++) out[offset + i] = 0
    return
  }
  let cum = 0
  let prev = 0
  for (let i = 0; i < n; i++) {
    cum += weights[i]!
    const upTo = i === n - 1 ? total : Math.round((total * cum) / sum)
    out[offset + i] = upTo - prev
    prev = upTo
  }
}

/**
 * Builds the usage rows of a planned customer: daily rows for the window ending on asOf and one
 * monthly row per billed month. Draws only from the customer's "usage" stream.
 *
 * @example
 * ```ts
 * const { months, days } = buildUsage(ctx, planCustomer(ctx, 0))
 * ```
 */
export const buildUsage = (ctx: GenContext, plan: CustomerPlan): { months: Array<UsageMonth>; days: Array<UsageDay> } => {
  const { options, asOfDay, spanStart, buffers: b } = ctx
  const rng = makeRandom(options.seed, "usage", plan.index)
  const id = plan.customer.id
  const len = asOfDay - spanStart + 1
  const first = Math.max(0, plan.activationDay - spanStart)
  const dead = plan.deadFrom === null ? len : plan.deadFrom - spanStart
  const profile = tierProfile[plan.tier]
  b.silent.fill(0)
  b.fwd.fill(0)
  b.reminder.fill(0)
  b.outgoing.fill(0)
  b.comp.fill(0)
  b.charge.fill(0)
  b.data.fill(0)
  b.minutes.fill(0)
  const last = len - 1

  // Silent days: background runs of at most 3, then the dead tail (at most 6 days, with a calling
  // day before it), then an injected streak with a calling day before it.
  let run = 0
  for (let j = first; j < len; j++) {
    const s = run < 3 && rng.chance(0.06)
    b.silent[j] = s ? 1 : 0
    run = s ? run + 1 : 0
  }
  if (dead < len) {
    if (dead - 1 >= first) b.silent[dead - 1] = 0
    for (let j = dead; j < len; j++) b.silent[j] = 1
  }
  // Forwarding: background never two days in a row.
  for (let j = first; j < len; j++) b.fwd[j] = j > first && b.fwd[j - 1] === 1 ? 0 : rng.chance(0.004) ? 1 : 0
  // Competitor seconds: background at most one call of 5–20 s, older than 30 days.
  const windowIdx = ctx.windowStart - spanStart
  const oldEnd = last - 30
  if (rng.chance(0.05) && oldEnd >= Math.max(first, windowIdx)) b.comp[rng.int(Math.max(first, windowIdx), oldEnd)] = rng.int(5, 20)
  // Reminder SMS (prepaid): one a month, never in the last 3 days.
  if (plan.customer.paymentType === "prepaid") {
    for (const { m0, dim } of ctx.spanMonths) {
      const j = m0 + rng.int(1, dim) - 1
      if (j >= first && j <= last - 3) b.reminder[j] = 1
    }
  }
  for (const p of plan.patterns) {
    switch (p.kind) {
      case "silent-streak":
        for (let j = last - p.days + 1; j <= last; j++) b.silent[j] = 1
        b.silent[last - p.days] = 0
        break
      case "call-forwarding":
        for (let j = last - p.days + 1; j <= last; j++) b.fwd[j] = 1
        b.fwd[last - p.days] = 0
        break
      case "competitor-calls":
        for (const c of p.calls) b.comp[dayNumber(c.day) - spanStart] = c.seconds
        break
      case "reminder-sms":
        b.reminder[last - p.daysAgo] = 1
        break
      default:
        break
    }
  }
  for (let j = first; j < len; j++) if (b.silent[j] === 0) b.outgoing[j] = 1 + Math.floor(rng.next() * 2 * profile.calls)

  // Amounts: each month's total spread over its days (monthly rows and daily rows agree).
  const months: Array<UsageMonth> = []
  const w = b.weights
  const monthTotals = new Map<number, { silent: number; fwd: number; comp: number }>()
  for (const { m, m0, n, dim } of ctx.spanMonths) {
    const k = m - ctx.firstMonth
    let bill: number
    let data: number
    let mins: number
    if (!plan.isNew && k >= 0 && k < plan.bills.length) {
      bill = plan.bills[k]!
      data = plan.data[k]!
      mins = plan.minutes[k]!
    } else {
      let active = 0
      for (let i = 0; i < n; i++) if (m0 + i >= first) active++
      const share = active / dim
      bill = Math.round(plan.levels.bill * share * (1 + rng.float(-NOISE, NOISE)))
      data = Math.round(plan.levels.data * share * (1 + rng.float(-NOISE, NOISE)))
      mins = Math.round(plan.levels.minutes * share * (1 + rng.float(-0.1, 0.1)))
    }
    const lo = Math.max(0, first - m0)
    const hi = Math.min(n, dead - m0)
    for (let i = 0; i < n; i++) w[i] = i >= lo && i < hi ? 0.6 + rng.next() : 0
    distribute(bill, w, n, b.charge, m0)
    for (let i = 0; i < n; i++) w[i] = i >= lo && i < hi ? 0.3 + rng.next() * 1.4 : 0
    distribute(data, w, n, b.data, m0)
    for (let i = 0; i < n; i++) w[i] = i >= lo && i < hi && b.silent[m0 + i] === 0 ? b.outgoing[m0 + i]! * (0.5 + rng.next()) : 0
    distribute(mins, w, n, b.minutes, m0)
    let silent = 0
    let fwd = 0
    let comp = 0
    for (let i = 0; i < n; i++) {
      silent += b.silent[m0 + i]!
      fwd += b.fwd[m0 + i]!
      comp += b.comp[m0 + i]!
    }
    monthTotals.set(m, { silent, fwd, comp })
  }

  if (!plan.isNew) {
    const unpaid = plan.patterns.some((p) => p.kind === "bill-unpaid")
    for (let k = 0; k < plan.bills.length; k++) {
      const m = ctx.firstMonth + k
      const agg = monthTotals.get(m) ?? { silent: rng.int(0, 2), fwd: 0, comp: 0 }
      const billDate = ctx.billDateIso[k]!
      let paidDate: string | null
      if (plan.customer.paymentType === "prepaid") paidDate = billDate
      else if (unpaid && k === plan.bills.length - 1) paidDate = null
      else {
        const paid = ctx.billDay[k]! + rng.int(2, 15)
        paidDate = paid <= asOfDay ? isoDay(paid) : null
      }
      months.push({
        customerId: id,
        month: ctx.monthIso[k]!,
        billAmount: plan.bills[k]! / 100,
        dataMb: plan.data[k]!,
        callMinutes: plan.minutes[k]!,
        competitorCallSeconds: agg.comp,
        forwardedDays: agg.fwd,
        silentDays: agg.silent,
        billDate,
        dueDate: ctx.dueDateIso[k]!,
        paidDate
      })
    }
  }

  const days: Array<UsageDay> = []
  for (let j = Math.max(first, windowIdx); j < len; j++) {
    days.push({
      customerId: id,
      day: ctx.dayIso[j]!,
      charge: b.charge[j]! / 100,
      dataMb: b.data[j]!,
      callMinutes: b.minutes[j]!,
      outgoingCalls: b.outgoing[j]!,
      competitorCallSeconds: b.comp[j]!,
      forwardedToOtherOperator: b.fwd[j] === 1,
      reminderSmsDelivered: b.reminder[j] === 1
    })
  }
  return { months, days }
}

