/**
 * Ground truth of the demo generator: for every customer, a hand computation over the generated
 * rows (written here, independent of the generator) must agree with the patterns it reports, and
 * customers without a pattern must stay inside the documented safe bounds.
 */
import { describe, expect, it } from "vitest"
import { type DemoCustomer, type DemoPattern, generateDemo } from "../src/demo/index"

const DAY = 86_400_000
const toDay = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / DAY
const fromDay = (n: number): string => new Date(n * DAY).toISOString().slice(0, 10)
const prevMonth = (iso: string): string => {
  const d = new Date(Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 2, 1))
  return d.toISOString().slice(0, 7)
}
const addMonths = (iso: string, n: number): string => {
  const y = Number(iso.slice(0, 4))
  const m = Number(iso.slice(5, 7)) - 1 + n
  const lastDom = new Date(Date.UTC(y, m + 1, 0)).getUTCDate()
  return new Date(Date.UTC(y, m, Math.min(Number(iso.slice(8, 10)), lastDom))).toISOString().slice(0, 10)
}
const monthDays = (month: string): Array<string> => {
  const out: Array<string> = []
  for (let d = new Date(`${month}-01T00:00:00Z`); d.toISOString().startsWith(month); d = new Date(d.getTime() + DAY)) out.push(d.toISOString().slice(0, 10))
  return out
}

type Find = <K extends DemoPattern["kind"]>(kind: K) => Extract<DemoPattern, { kind: K }> | undefined

const streakEndingAt = (c: DemoCustomer, asOf: string, pred: (d: DemoCustomer["days"][number]) => boolean): number => {
  const byDay = new Map(c.days.map((d) => [d.day, d]))
  let n = 0
  for (let day = toDay(asOf); ; day--) {
    const row = byDay.get(fromDay(day))
    if (!row || !pred(row)) return n
    n++
  }
}
const longestRun = (c: DemoCustomer, pred: (d: DemoCustomer["days"][number]) => boolean): number => {
  let best = 0
  let run = 0
  for (const d of c.days) {
    run = pred(d) ? run + 1 : 0
    best = Math.max(best, run)
  }
  return best
}

interface Coverage {
  [key: string]: number
}

const checkCustomer = (c: DemoCustomer, asOf: string, opts: { months: number; dailyDays: number }, cov: Coverage): void => {
  const find: Find = (kind) => c.patterns.find((p) => p.kind === kind) as never
  const bump = (k: string) => void (cov[k] = (cov[k] ?? 0) + 1)
  const ctx = `${c.customer.id} ${JSON.stringify(c.patterns)}`
  const asOfDay = toDay(asOf)
  const lastMonth = prevMonth(asOf)
  for (const p of c.patterns) bump(p.kind)

  // Row layout.
  const isNew = find("new-customer")
  if (isNew) {
    expect(c.months, ctx).toHaveLength(0)
    expect(c.customer.activatedOn).toBe(isNew.activatedOn)
    expect(asOfDay - toDay(c.customer.activatedOn)).toBe(isNew.daysAgo)
    expect(c.days.map((d) => d.day)).toEqual(Array.from({ length: isNew.daysAgo + 1 }, (_, i) => fromDay(toDay(c.customer.activatedOn) + i)))
    expect(c.events.some((e) => e.type === "activated" && e.at.startsWith(isNew.activatedOn))).toBe(true)
    bump(isNew.daysAgo <= 2 ? "new:inside3" : "new:outside3")
  } else {
    expect(c.months.map((m) => m.month).at(-1)).toBe(lastMonth)
    expect(c.months).toHaveLength(opts.months)
    expect(c.months.every((m, i) => i === 0 || prevMonth(`${m.month}-01`) === c.months[i - 1]!.month)).toBe(true)
    expect(c.days).toHaveLength(opts.dailyDays)
    expect(c.days.at(-1)!.day).toBe(asOf)
    expect(c.days.every((d, i) => i === 0 || toDay(d.day) - toDay(c.days[i - 1]!.day) === 1)).toBe(true)
    // Activated before any history row.
    expect(c.customer.activatedOn < c.months[0]!.month + "-01" && c.customer.activatedOn < c.days[0]!.day, ctx).toBe(true)
  }

  // Monthly rows agree with the daily rows of every month the daily window covers whole.
  const firstDaily = c.days[0]?.day ?? asOf
  for (const m of c.months) {
    const days = monthDays(m.month)
    if (days[0]! < firstDaily) continue
    const rows = c.days.filter((d) => d.day.startsWith(m.month))
    expect(rows).toHaveLength(days.length)
    expect(Math.round(rows.reduce((s, d) => s + d.charge, 0) * 100), ctx).toBe(Math.round(m.billAmount * 100))
    expect(rows.reduce((s, d) => s + d.dataMb, 0)).toBe(m.dataMb)
    expect(rows.reduce((s, d) => s + d.callMinutes, 0)).toBe(m.callMinutes)
    expect(rows.filter((d) => d.outgoingCalls === 0).length).toBe(m.silentDays)
    expect(rows.filter((d) => d.forwardedToOtherOperator).length).toBe(m.forwardedDays)
    expect(rows.reduce((s, d) => s + d.competitorCallSeconds, 0)).toBe(m.competitorCallSeconds)
  }
  expect(c.days.every((d) => d.outgoingCalls > 0 || d.callMinutes === 0)).toBe(true)

  // Bill level: bill drop, zero bill, anomaly (at most one), or background within ±17.5%.
  if (c.months.length >= 4) {
    const [a, b, cc, thisM] = c.months.slice(-4).map((m) => m.billAmount) as [number, number, number, number]
    const base = (a + b + cc) / 3
    const drop = find("bill-drop")
    const zero = find("zero-bill")
    const anomaly = find("bill-anomaly")
    expect([drop, zero, anomaly].filter(Boolean).length).toBeLessThanOrEqual(1)
    if (drop) {
      expect(drop.baseline).toBeCloseTo(base, 6)
      expect(drop.thisMonth).toBe(thisM)
      expect(Math.abs((1 - thisM / base) * 100 - drop.dropPercent), ctx).toBeLessThan(0.05)
      expect(Math.abs(drop.dropPercent - 30)).toBeGreaterThanOrEqual(0.5)
      expect(Math.abs(drop.dropPercent - 50)).toBeGreaterThanOrEqual(0.5)
      bump(drop.dropPercent < 30 ? "bill-drop:<30" : drop.dropPercent < 50 ? "bill-drop:30-50" : "bill-drop:>50")
    } else if (zero) {
      expect(thisM).toBe(0)
      expect(zero.baseline).toBeCloseTo(base, 6)
    } else if (anomaly) {
      expect(anomaly.baseline).toBeCloseTo(base, 6)
      expect(anomaly.thisMonth).toBe(thisM)
      expect(Math.abs(thisM / base - anomaly.ratio), ctx).toBeLessThan(0.0005)
      expect(thisM > 3 * base || thisM < base / 3).toBe(anomaly.ratio > 3 || anomaly.ratio < 1 / 3)
      bump(anomaly.ratio > 1 ? "anomaly:high" : "anomaly:low")
      bump(thisM > 3 * base || thisM < base / 3 ? "anomaly:matches" : "anomaly:near-miss")
    } else {
      expect(Math.abs(thisM / base - 1), ctx).toBeLessThanOrEqual(0.175)
    }
    const [da, db, dc, dThis] = c.months.slice(-4).map((m) => m.dataMb) as [number, number, number, number]
    const dBase = (da + db + dc) / 3
    const dataDrop = find("data-drop")
    if (dataDrop) {
      expect(dataDrop.baseline).toBeCloseTo(dBase, 6)
      expect(Math.abs((1 - dThis / dBase) * 100 - dataDrop.dropPercent), ctx).toBeLessThan(0.06)
      bump(dataDrop.dropPercent < 50 ? "data-drop:<50" : "data-drop:>50")
    } else {
      expect(Math.abs(dThis / dBase - 1), ctx).toBeLessThanOrEqual(0.175)
    }
  }

  // Silent streak (no outgoing calls up to asOf).
  const silent = find("silent-streak")
  const silentNow = streakEndingAt(c, asOf, (d) => d.outgoingCalls === 0)
  if (silent) {
    expect(silentNow, ctx).toBe(silent.days)
    bump(silent.days >= 10 ? "silent:>=10" : "silent:<10")
  } else {
    expect(silentNow, ctx).toBeLessThanOrEqual(6)
    expect(longestRun(c, (d) => d.outgoingCalls === 0), ctx).toBeLessThanOrEqual(6)
  }

  // Call forwarding streak.
  const fwd = find("call-forwarding")
  const fwdNow = streakEndingAt(c, asOf, (d) => d.forwardedToOtherOperator)
  if (fwd) {
    expect(fwdNow, ctx).toBe(fwd.days)
    bump(fwd.days >= 5 ? "forwarding:>=5" : "forwarding:<5")
  } else {
    expect(longestRun(c, (d) => d.forwardedToOtherOperator), ctx).toBeLessThanOrEqual(1)
  }

  // Competitor calls in the 30 days ending on asOf.
  const comp = find("competitor-calls")
  const last30 = c.days.filter((d) => toDay(d.day) > asOfDay - 30)
  const sum30 = last30.reduce((s, d) => s + d.competitorCallSeconds, 0)
  if (comp) {
    expect(sum30, ctx).toBe(comp.seconds)
    expect(last30.filter((d) => d.competitorCallSeconds > 0).map((d) => ({ day: d.day, seconds: d.competitorCallSeconds }))).toEqual(comp.calls)
    bump(comp.seconds > 60 ? "competitor:>60" : comp.seconds === 60 ? "competitor:=60" : "competitor:<60")
  } else {
    expect(sum30, ctx).toBe(0)
  }
  expect(c.days.reduce((s, d) => s + d.competitorCallSeconds, 0) - sum30).toBeLessThanOrEqual(20)

  // Postpaid bill unpaid 20+ days after the bill date.
  const unpaid = find("bill-unpaid")
  const latest = c.months.at(-1)
  const unpaidNow = c.customer.paymentType === "postpaid" && latest !== undefined && latest.paidDate === null && asOfDay - toDay(latest.billDate) >= 20
  expect(unpaidNow, ctx).toBe(unpaid !== undefined)
  if (unpaid && latest) {
    expect(unpaid.month).toBe(latest.month)
    expect(unpaid.billDate).toBe(latest.billDate)
    expect(unpaid.daysSinceBill).toBe(asOfDay - toDay(latest.billDate))
  }
  expect(c.months.every((m) => m.billDate === addMonths(`${m.month}-01`, 1) && (m.paidDate === null || m.paidDate <= asOf))).toBe(true)

  // Prepaid reminder SMS in the last three days.
  const reminder = find("reminder-sms")
  const recentReminders = c.days.filter((d) => d.reminderSmsDelivered && toDay(d.day) >= asOfDay - 2).map((d) => d.day)
  expect(recentReminders, ctx).toEqual(reminder ? [reminder.day] : [])
  if (reminder) {
    expect(c.customer.paymentType).toBe("prepaid")
    bump(`reminder:${reminder.daysAgo}`)
  }
  if (c.customer.paymentType === "postpaid") expect(c.days.every((d) => !d.reminderSmsDelivered)).toBe(true)

  // Contract ending.
  const contract = find("contract-ending")
  const end = c.customer.contractEnd
  if (contract) {
    expect(end).toBe(contract.contractEnd)
    expect(end! >= asOf && end! < addMonths(asOf, 3), ctx).toBe(true)
    bump(end! < addMonths(asOf, 2) ? "contract:<2months" : "contract:2-3months")
  } else {
    expect(end === null || end < asOf || end >= addMonths(asOf, 4), ctx).toBe(true)
  }

  // Birthday today.
  const bday = find("birthday")
  expect(c.customer.birthday !== null && c.customer.birthday.slice(5) === asOf.slice(5), ctx).toBe(bday !== undefined)

  // Events: complaint resolved (last 6 days), suspension requested (last 3 days).
  const since = (days: number) => new Date((asOfDay - days + 1) * DAY).toISOString()
  const until = new Date((asOfDay + 1) * DAY).toISOString()
  const complaint = find("complaint-resolved")
  const recentComplaints = c.events.filter((e) => e.type === "complaint-resolved" && e.at >= since(29) && e.at < until)
  expect(recentComplaints.map((e) => e.at), ctx).toEqual(complaint ? [complaint.at] : [])
  if (complaint) {
    expect(asOfDay - Math.floor(Date.parse(complaint.at) / DAY)).toBe(complaint.daysAgo)
    bump(complaint.daysAgo <= 2 ? "complaint:within3" : "complaint:older")
  }
  const suspension = find("suspension-requested")
  expect(c.events.filter((e) => e.type === "suspension-requested").map((e) => e.at)).toEqual(suspension ? [suspension.at] : [])
  if (suspension) expect(asOfDay - Math.floor(Date.parse(suspension.at) / DAY)).toBe(suspension.daysAgo)

  // Every event at or before asOf, sorted; non-active lines carry their status change.
  expect(c.events.every((e, i) => e.at < until && (i === 0 || c.events[i - 1]!.at <= e.at))).toBe(true)
  if (c.customer.lineStatus !== "active") {
    const change = c.events.find((e) => e.type === "status-changed")
    expect(change?.data).toEqual({ from: "active", to: c.customer.lineStatus })
    expect(asOfDay - Math.floor(Date.parse(change!.at) / DAY)).toBeLessThanOrEqual(5)
    bump("inactive")
  }
}

const runs = [
  { name: "late in the month (bill-unpaid possible)", options: { seed: 11, customers: 3000, asOf: "2026-11-25", patternRate: 0.7 } },
  { name: "early in the month, short windows", options: { seed: "early", customers: 2000, asOf: "2026-03-03", months: 6, dailyDays: 40, patternRate: 0.7 } },
  { name: "leap day", options: { seed: 3, customers: 600, asOf: "2028-02-29", patternRate: 0.9 } }
] as const

describe("demo ground truth", () => {
  for (const run of runs) {
    it(`every customer's rows agree with its injected patterns: ${run.name}`, () => {
      const demo = generateDemo(run.options)
      const cov: Coverage = {}
      let n = 0
      for (const chunk of demo.chunks()) {
        for (const c of chunk.customers) {
          checkCustomer(c, demo.options.asOf, demo.options, cov)
          n++
        }
      }
      expect(n).toBe(run.options.customers)
      const dom = Number(run.options.asOf.slice(8, 10))
      // Every kind appears (bill-unpaid only when the month's bill can be 20+ days old).
      for (const kind of ["bill-drop", "zero-bill", "bill-anomaly", "data-drop", "silent-streak", "call-forwarding", "competitor-calls", "contract-ending", "reminder-sms", "suspension-requested", "complaint-resolved", "birthday", "new-customer"]) {
        expect(cov[kind] ?? 0, kind).toBeGreaterThan(0)
      }
      expect((cov["bill-unpaid"] ?? 0) > 0).toBe(dom >= 21)
      if (run.options.customers >= 2000) {
        // Both sides of every default threshold are represented.
        for (const k of ["bill-drop:<30", "bill-drop:30-50", "bill-drop:>50", "data-drop:<50", "data-drop:>50", "silent:<10", "silent:>=10", "forwarding:<5", "forwarding:>=5", "competitor:<60", "competitor:=60", "competitor:>60", "contract:<2months", "contract:2-3months", "complaint:within3", "complaint:older", "anomaly:high", "anomaly:low", "new:inside3", "new:outside3", "reminder:1", "inactive"]) {
          expect(cov[k] ?? 0, k).toBeGreaterThan(0)
        }
      }
    }, 60_000)
  }

  it("birthdays on 28 February of a common year never include 29 February backgrounds", () => {
    const demo = generateDemo({ seed: 5, customers: 3000, asOf: "2027-02-28", patternRate: 0.2 })
    for (const chunk of demo.chunks({ usage: false })) {
      for (const c of chunk.customers) {
        const injected = c.patterns.some((p) => p.kind === "birthday")
        const md = c.customer.birthday?.slice(5)
        if (!injected) expect(md === "02-28" || md === "02-29").toBe(false)
      }
    }
  })
})
