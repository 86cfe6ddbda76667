// The memory side of leaves: customer facts indexed once into sorted numeric arrays, and one
// closure per leaf that reads them as of a day. Sums run oldest-first, like the SQL's
// `sum(x ORDER BY day)`, so both sides perform the same IEEE additions.
import type { FactCatalog } from "../FactCatalog"
import type { Leaf } from "../Plan"
import type { DailyCondition } from "../Rule"
import { dayNumber, dayOfInstant, dayStartMs, monthNumber } from "./dates"
import { compare } from "./semantics"

export interface IndexedFacts {
  readonly id: string
  readonly attrs: Readonly<Record<string, unknown>>
  /** Date attributes as day numbers. */
  readonly dates: Readonly<Record<string, number | null>>
  readonly days: ReadonlyArray<number>
  readonly daily: Readonly<Record<string, ReadonlyArray<number>>>
  readonly months: ReadonlyArray<number>
  readonly billDays: ReadonlyArray<number>
  /** Monthly metrics; date fields as day numbers, null as NaN. */
  readonly monthly: Readonly<Record<string, ReadonlyArray<number>>>
  readonly evAt: ReadonlyArray<number>
  readonly evType: ReadonlyArray<string>
}

type Rec = Readonly<Record<string, unknown>>

const toNum = (v: unknown): number => (typeof v === "boolean" ? (v ? 1 : 0) : typeof v === "number" ? v : NaN)
const toDay = (v: unknown): number => (typeof v === "string" ? dayNumber(v) : NaN)

export const indexCustomer = (
  catalog: FactCatalog,
  customer: Rec & { readonly id: string },
  daily: ReadonlyArray<Rec & { readonly day: string }> = [],
  monthly: ReadonlyArray<Rec & { readonly month: string }> = [],
  events: ReadonlyArray<{ readonly type: string; readonly at: string | Date }> = []
): IndexedFacts => {
  const dates: Record<string, number | null> = {}
  for (const [k, f] of Object.entries(catalog.attributes)) {
    if (f.type !== "date") continue
    const v = customer[k]
    dates[k] = typeof v === "string" ? dayNumber(v) : null
  }
  const ds = [...daily].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0))
  const dailyCols: Record<string, number[]> = {}
  for (const m of Object.keys(catalog.daily)) dailyCols[m] = ds.map((r) => toNum(r[m]))
  const ms = [...monthly].sort((a, b) => (a.month < b.month ? -1 : a.month > b.month ? 1 : 0))
  const monthlyCols: Record<string, number[]> = {}
  for (const [m, f] of Object.entries(catalog.monthly)) monthlyCols[m] = ms.map((r) => (f.type === "date" ? toDay(r[m]) : toNum(r[m])))
  const ev = events
    .map((e) => ({ type: e.type, ms: typeof e.at === "string" ? Date.parse(e.at) : e.at.getTime() }))
    .sort((a, b) => a.ms - b.ms)
  return {
    id: customer.id,
    attrs: customer,
    dates,
    days: ds.map((r) => dayNumber(r.day)),
    daily: dailyCols,
    months: ms.map((r) => monthNumber(r.month)),
    billDays: ms.map((r) => toDay(r["billDate"])),
    monthly: monthlyCols,
    evAt: ev.map((e) => e.ms),
    evType: ev.map((e) => e.type)
  }
}

type DayPred = (f: IndexedFacts, p: number) => boolean

export const compileDaily = (c: DailyCondition): DayPred => {
  switch (c.op) {
    case "all": {
      const fs = c.of.map(compileDaily)
      return (f, p) => fs.every((g) => g(f, p))
    }
    case "any": {
      const fs = c.of.map(compileDaily)
      return (f, p) => fs.some((g) => g(f, p))
    }
    case "not": {
      const g = compileDaily(c.of)
      return (f, p) => !g(f, p)
    }
    case "metric": {
      const m = c.metric
      const v = typeof c.value === "boolean" ? (c.value ? 1 : 0) : c.value
      const cmp = c.cmp
      return (f, p) => compare(f.daily[m]![p]!, cmp, v)
    }
  }
}

/** Position of "this month": the latest month whose bill date is on or before D (-1 if none). */
const thisMonthPos = (f: IndexedFacts, asOf: number): number => {
  const b = f.billDays
  let p = b.length - 1
  while (p >= 0 && !(b[p]! <= asOf)) p--
  return p
}

/** Aggregates positions pa..pb (inclusive, oldest first) of `col`, optionally filtered. */
const aggregate = (fn: string, col: ReadonlyArray<number> | undefined, pa: number, pb: number, where: DayPred | undefined, f: IndexedFacts): number | null => {
  if (fn === "count") {
    if (!where) return pb - pa + 1 > 0 ? pb - pa + 1 : 0
    let n = 0
    for (let p = pa; p <= pb; p++) if (where(f, p)) n++
    return n
  }
  let n = 0
  let s = 0
  let mn = Infinity
  let mx = -Infinity
  for (let p = pa; p <= pb; p++) {
    if (where && !where(f, p)) continue
    const v = col![p]!
    n++
    s += v
    if (v < mn) mn = v
    if (v > mx) mx = v
  }
  switch (fn) {
    case "sum":
      return s
    case "avg":
      return n === 0 ? null : s / n
    case "min":
      return n === 0 ? null : mn
    case "max":
      return n === 0 ? null : mx
    default: // value
      return n === 0 ? null : s
  }
}

export const compileLeaf = (leaf: Leaf, asOf: number): ((f: IndexedFacts) => number | null) => {
  switch (leaf.kind) {
    case "attribute": {
      const k = leaf.field
      return (f) => {
        const v = f.attrs[k]
        return typeof v === "number" ? v : null
      }
    }
    case "date": {
      const ref = leaf.ref
      if (ref.kind === "attribute") {
        const k = ref.field
        return (f) => f.dates[k] ?? null
      }
      if (ref.kind === "monthField") {
        const k = ref.field
        const ago = ref.monthsAgo ?? 0
        return (f) => {
          const p0 = thisMonthPos(f, asOf)
          if (p0 < 0) return null
          const target = f.months[p0]! - ago
          for (let p = p0; p >= 0 && f.months[p]! >= target; p--) {
            if (f.months[p] === target) {
              const v = f.monthly[k]![p]!
              return Number.isNaN(v) ? null : v
            }
          }
          return null
        }
      }
      const types = new Set(ref.types)
      const end = dayStartMs(asOf + 1)
      return (f) => {
        for (let p = f.evAt.length - 1; p >= 0; p--) if (f.evAt[p]! < end && types.has(f.evType[p]!)) return dayOfInstant(f.evAt[p]!)
        return null
      }
    }
    case "events": {
      const types = new Set(leaf.types)
      const from = dayStartMs(asOf - leaf.hi)
      const to = dayStartMs(asOf - leaf.lo + 1)
      return (f) => {
        let n = 0
        for (let p = f.evAt.length - 1; p >= 0; p--) {
          const t = f.evAt[p]!
          if (t < from) break
          if (t < to && types.has(f.evType[p]!)) n++
        }
        return n
      }
    }
    case "daily": {
      const hiDay = asOf - leaf.lo
      const loDay = asOf - leaf.hi
      const size = leaf.hi - leaf.lo + 1
      const where = leaf.where ? compileDaily(leaf.where) : undefined
      const metric = leaf.metric
      const fn = leaf.fn
      const complete = leaf.complete
      return (f) => {
        const d = f.days
        let pb = d.length - 1
        while (pb >= 0 && d[pb]! > hiDay) pb--
        let pa = pb
        while (pa >= 0 && d[pa]! >= loDay) pa--
        pa++
        if (complete && pb - pa + 1 !== size) return null
        return aggregate(fn, metric === undefined ? undefined : f.daily[metric], pa, pb, where, f)
      }
    }
    case "monthly": {
      const { lo, hi, fn, complete, metric } = leaf
      const size = hi - lo + 1
      return (f) => {
        const p0 = thisMonthPos(f, asOf)
        if (p0 < 0) return fn === "sum" || fn === "count" ? 0 : null
        const m0 = f.months[p0]!
        const ms = f.months
        let pb = p0
        while (pb >= 0 && ms[pb]! > m0 - lo) pb--
        let pa = pb
        while (pa >= 0 && ms[pa]! >= m0 - hi) pa--
        pa++
        if (complete && pb - pa + 1 !== size) return null
        return aggregate(fn, f.monthly[metric], pa, pb, undefined, f)
      }
    }
    case "streak": {
      const pred = compileDaily(leaf.where)
      const w = leaf.days
      if (leaf.mode === "current") {
        return (f) => {
          const d = f.days
          let p = d.length - 1
          while (p >= 0 && d[p]! > asOf) p--
          let n = 0
          while (p >= 0 && n < w && d[p] === asOf - n && pred(f, p)) {
            n++
            p--
          }
          return n
        }
      }
      return (f) => {
        const d = f.days
        let pb = d.length - 1
        while (pb >= 0 && d[pb]! > asOf) pb--
        let pa = pb
        while (pa >= 0 && d[pa]! > asOf - w) pa--
        let best = 0
        let run = 0
        let prev = -Infinity
        for (let p = pa + 1; p <= pb; p++) {
          if (pred(f, p)) {
            run = d[p] === prev + 1 && run > 0 ? run + 1 : 1
            prev = d[p]!
            if (run > best) best = run
          } else run = 0
        }
        return best
      }
    }
  }
}
