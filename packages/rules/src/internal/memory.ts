// The memory side of leaves: customer facts indexed once into sorted numeric arrays, and one
// closure per leaf that reads them as of a day. Sums run oldest-first, like the SQL's
// `sum(x ORDER BY day)`, so both sides perform the same IEEE additions.
import type { FactCatalog } from "../FactCatalog"
import type { Leaf } from "../Plan"
import type { DailyCondition } from "../Rule"
import { dayNumber, dayOfInstant, dayStartMs, monthNumber } from "./dates"
import { toUnits } from "./exact"
import { compare } from "./semantics"

/**
 * One customer's facts indexed for evaluation: attributes as given, usage as sorted numeric
 * columns (days and months as numbers, booleans as 0/1, dates as day numbers). Build with
 * `indexFacts`; treat as opaque and immutable.
 *
 * @example
 * ```ts
 * const [f] = indexFacts([{ customer: { id: "42", tier: "gold" } }])
 * f.id // "42"
 * ```
 */
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

// Day and month strings repeat a lot across customers (bill dates, days of a batch): parse once.
const dayCache = new Map<string, number>()
const monthCache = new Map<string, number>()
const cachedDay = (s: string): number => {
  let n = dayCache.get(s)
  if (n === undefined) {
    n = dayNumber(s)
    if (dayCache.size > 50_000) dayCache.clear()
    dayCache.set(s, n)
  }
  return n
}
const cachedMonth = (s: string): number => {
  let n = monthCache.get(s)
  if (n === undefined) {
    n = monthNumber(s)
    if (monthCache.size > 10_000) monthCache.clear()
    monthCache.set(s, n)
  }
  return n
}
const toDay = (v: unknown): number => (typeof v === "string" ? cachedDay(v) : NaN)

interface CatalogShape {
  readonly dateAttrs: ReadonlyArray<string>
  readonly daily: ReadonlyArray<string>
  readonly monthly: ReadonlyArray<readonly [string, boolean]>
  /** Decimal metrics (money) and their scale: indexed as integer units. */
  readonly dailyScale: Readonly<Record<string, number>>
  readonly monthlyScale: Readonly<Record<string, number>>
}
const scalesOf = (fields: Readonly<Record<string, { readonly type: string; readonly scale?: number | undefined }>>): Record<string, number> =>
  Object.fromEntries(Object.entries(fields).flatMap(([k, f]) => (f.type === "number" && f.scale !== undefined ? [[k, f.scale] as const] : [])))
/** 10^scale of a metric (1 for plain doubles): leaves divide the integer units by it. */
export const unitOf = (catalog: FactCatalog, kind: "daily" | "monthly", metric: string | undefined): number => {
  const f = metric === undefined ? undefined : catalog[kind][metric]
  return f?.type === "number" && f.scale !== undefined ? 10 ** f.scale : 1
}
const shapes = new WeakMap<FactCatalog, CatalogShape>()
const shapeOf = (catalog: FactCatalog): CatalogShape => {
  let s = shapes.get(catalog)
  if (!s) {
    s = {
      dateAttrs: Object.entries(catalog.attributes).filter(([, f]) => f.type === "date").map(([k]) => k),
      daily: Object.keys(catalog.daily),
      monthly: Object.entries(catalog.monthly).map(([k, f]) => [k, f.type === "date"] as const),
      dailyScale: scalesOf(catalog.daily),
      monthlyScale: scalesOf(catalog.monthly)
    }
    shapes.set(catalog, s)
  }
  return s
}

const EMPTY: ReadonlyArray<number> = Object.freeze([])
const sortedBy = <T>(rows: ReadonlyArray<T>, key: (r: T) => string): ReadonlyArray<T> => {
  for (let i = 1; i < rows.length; i++) if (key(rows[i - 1]!) > key(rows[i]!)) return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
  return rows
}

export const indexCustomer = (
  catalog: FactCatalog,
  customer: Rec & { readonly id: string },
  daily: ReadonlyArray<Rec & { readonly day: string }> = [],
  monthly: ReadonlyArray<Rec & { readonly month: string }> = [],
  events: ReadonlyArray<{ readonly type: string; readonly at: string | Date }> = []
): IndexedFacts => {
  const shape = shapeOf(catalog)
  const dates: Record<string, number | null> = {}
  for (const k of shape.dateAttrs) {
    const v = customer[k]
    dates[k] = typeof v === "string" ? cachedDay(v) : null
  }
  const dailyCols: Record<string, ReadonlyArray<number>> = {}
  let days: ReadonlyArray<number> = EMPTY
  if (daily.length) {
    const ds = sortedBy(daily, (r) => r.day)
    days = ds.map((r) => cachedDay(r.day))
    for (const m of shape.daily) {
      const sc = shape.dailyScale[m]
      dailyCols[m] = sc === undefined ? ds.map((r) => toNum(r[m])) : ds.map((r) => toUnits(toNum(r[m]), sc))
    }
  } else for (const m of shape.daily) dailyCols[m] = EMPTY
  const monthlyCols: Record<string, ReadonlyArray<number>> = {}
  let months: ReadonlyArray<number> = EMPTY
  let billDays: ReadonlyArray<number> = EMPTY
  if (monthly.length) {
    const ms = sortedBy(monthly, (r) => r.month)
    months = ms.map((r) => cachedMonth(r.month))
    billDays = ms.map((r) => toDay(r["billDate"]))
    const first = ms[0]!
    for (const [m, isDate] of shape.monthly) {
      if (!(m in first)) continue
      const sc = shape.monthlyScale[m]
      monthlyCols[m] = ms.map((r) => (isDate ? toDay(r[m]) : sc === undefined ? toNum(r[m]) : toUnits(toNum(r[m]), sc)))
    }
  }
  let evAt: ReadonlyArray<number> = EMPTY
  let evType: ReadonlyArray<string> = []
  if (events.length) {
    const ev = events.map((e) => ({ type: e.type, ms: typeof e.at === "string" ? Date.parse(e.at) : e.at.getTime() })).sort((a, b) => a.ms - b.ms)
    evAt = ev.map((e) => e.ms)
    evType = ev.map((e) => e.type)
  }
  return { id: customer.id, attrs: customer, dates, days, daily: dailyCols, months, billDays, monthly: monthlyCols, evAt, evType }
}

type DayPred = (f: IndexedFacts, p: number) => boolean

export const compileDaily = (c: DailyCondition, catalog: FactCatalog): DayPred => {
  switch (c.op) {
    case "all": {
      const fs = c.of.map((o) => compileDaily(o, catalog))
      return (f, p) => fs.every((g) => g(f, p))
    }
    case "any": {
      const fs = c.of.map((o) => compileDaily(o, catalog))
      return (f, p) => fs.some((g) => g(f, p))
    }
    case "not": {
      const g = compileDaily(c.of, catalog)
      return (f, p) => !g(f, p)
    }
    case "metric": {
      const m = c.metric
      const v = typeof c.value === "boolean" ? (c.value ? 1 : 0) : c.value
      const cmp = c.cmp
      const unit = unitOf(catalog, "daily", m)
      if (unit !== 1) return (f, p) => compare(f.daily[m]![p]! / unit, cmp, v)
      return (f, p) => compare(f.daily[m]![p]!, cmp, v)
    }
  }
}

/** Position of "this month": the latest month whose bill date is on or before D (-1 if none). */
const monthPos = (f: IndexedFacts, asOf: number): number => {
  const b = f.billDays
  let p = b.length - 1
  while (p >= 0 && !(b[p]! <= asOf)) p--
  return p
}

/** Specialised unfiltered aggregates over positions pa..pb (same operations as `aggregate`). */
const rangeFn = (fn: string, unit: number): ((col: ReadonlyArray<number>, pa: number, pb: number) => number | null) | undefined => {
  switch (fn) {
    case "sum":
      return (col, pa, pb) => {
        if (pb < pa) return 0
        let s = col[pa]!
        for (let p = pa + 1; p <= pb; p++) s += col[p]!
        return s / unit
      }
    case "avg":
      return (col, pa, pb) => {
        if (pb < pa) return null
        let s = col[pa]!
        for (let p = pa + 1; p <= pb; p++) s += col[p]!
        return s / ((pb - pa + 1) * unit)
      }
    case "value":
      return (col, pa, pb) => (pb < pa ? null : col[pa]! / unit)
    default:
      return undefined
  }
}

/** Aggregates positions pa..pb (inclusive, oldest first) of `col`, optionally filtered. */
const aggregate = (fn: string, col: ReadonlyArray<number> | undefined, pa: number, pb: number, where: DayPred | undefined, f: IndexedFacts, unit: number): number | null => {
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
    const v = col ? col[p]! : NaN
    // Like PostgreSQL's sum: the first value is the state (so a lone -0 stays -0), then add.
    s = n === 0 ? v : s + v
    n++
    if (v < mn) mn = v
    if (v > mx) mx = v
  }
  // Decimal metrics are integer units here: the sums are exact, one division makes the value.
  switch (fn) {
    case "sum":
      return n === 0 ? 0 : s / unit
    case "avg":
      return n === 0 ? null : s / (n * unit)
    case "min":
      return n === 0 ? null : mn / unit
    case "max":
      return n === 0 ? null : mx / unit
    default: // value
      return n === 0 ? null : s / unit
  }
}

export const compileLeaf = (leaf: Leaf, asOf: number, catalog: FactCatalog): ((f: IndexedFacts) => number | null) => {
  // Finding "this month" is one or two comparisons from the end; memoising it across leaves
  // measured slower (a shared mutable memo) than recomputing it.
  const thisMonthPos = monthPos
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
      const where = leaf.where ? compileDaily(leaf.where, catalog) : undefined
      const metric = leaf.metric
      const unit = unitOf(catalog, "daily", metric)
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
        return aggregate(fn, metric === undefined ? undefined : f.daily[metric], pa, pb, where, f, unit)
      }
    }
    case "monthly": {
      const { lo, hi, fn, complete, metric } = leaf
      const size = hi - lo + 1
      const unit = unitOf(catalog, "monthly", metric)
      const fast = rangeFn(fn, unit)
      // Locates the window [pa, pb] of positions, or returns false when the window is not contiguous.
      const slow = (f: IndexedFacts, p0: number): number | null => {
        const ms = f.months
        const m0 = ms[p0]!
        let pb = p0
        while (pb >= 0 && ms[pb]! > m0 - lo) pb--
        let pa = pb
        while (pa >= 0 && ms[pa]! >= m0 - hi) pa--
        pa++
        if (complete && pb - pa + 1 !== size) return null
        const col = f.monthly[metric]
        return fast && col ? fast(col, pa, pb) : aggregate(fn, col, pa, pb, undefined, f, unit)
      }
      const empty = fn === "sum" || fn === "count" ? 0 : null
      // Inlined fast paths for the shapes baselines use; anything else goes through `slow`.
      if (fn === "value" && lo === hi)
        return (f) => {
          const b = f.billDays
          let p0 = b.length - 1
          while (p0 >= 0 && !(b[p0]! <= asOf)) p0--
          if (p0 < 0) return empty
          const ms = f.months
          const p = p0 - lo
          if (p >= 0 && ms[p] === ms[p0]! - lo) {
            const col = f.monthly[metric]
            return col ? col[p]! / unit : NaN
          }
          return slow(f, p0)
        }
      if (fn === "avg" || fn === "sum")
        return (f) => {
          const b = f.billDays
          let p0 = b.length - 1
          while (p0 >= 0 && !(b[p0]! <= asOf)) p0--
          if (p0 < 0) return empty
          const ms = f.months
          const pa = p0 - hi
          const pb = p0 - lo
          const col = f.monthly[metric]
          if (col && pa >= 0 && ms[pa] === ms[p0]! - hi && ms[pb] === ms[p0]! - lo) {
            let s = col[pa]!
            for (let p = pa + 1; p <= pb; p++) s += col[p]!
            return fn === "sum" ? s / unit : s / (size * unit)
          }
          return slow(f, p0)
        }
      return (f) => {
        const p0 = thisMonthPos(f, asOf)
        return p0 < 0 ? empty : slow(f, p0)
      }
    }
    case "streak": {
      const pred = compileDaily(leaf.where, catalog)
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
