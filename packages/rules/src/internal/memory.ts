// The memory side of leaves: customer facts indexed once into sorted numeric arrays, and one
// closure per leaf that reads them as of a day. Sums run oldest-first, like the SQL's
// `sum(x ORDER BY day)`, so both sides perform the same IEEE additions.
import type { FactCatalog } from "../FactCatalog"
import type { Leaf } from "../Plan"
import type { DailyCondition } from "../Rule"
import { dayNumber, dayOfInstant, dayStartMs, monthNumber, validDayNumber, validMonthNumber } from "./dates"
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

// Day and month strings are read digit by digit (see `dayNumber`): faster than a cache lookup.
const toDay = (v: unknown): number => (typeof v === "string" ? dayNumber(v) : NaN)

/** 10^scale of a metric (1 for plain doubles): leaves divide the integer units by it. */
export const unitOf = (catalog: FactCatalog, kind: "daily" | "monthly", metric: string | undefined): number => {
  const f = metric === undefined ? undefined : catalog[kind][metric]
  return f?.type === "number" && f.scale !== undefined ? 10 ** f.scale : 1
}
const EMPTY: ReadonlyArray<number> = Object.freeze([])
const NO_EVENT_TYPES: ReadonlyArray<string> = Object.freeze([])

/**
 * What a rule reads of a customer, so evaluation straight from raw facts indexes only that:
 * date attributes, daily rows (and which metrics), monthly rows (and which metrics), events.
 */
export interface Needs {
  readonly dates: boolean
  /** Daily metrics read (`"all"`: every one; `undefined`: no daily rows read). */
  readonly daily: ReadonlySet<string> | "all" | undefined
  /** Monthly metrics read (`"all"`: every one; `undefined`: no monthly rows read). */
  readonly monthly: ReadonlySet<string> | "all" | undefined
  readonly events: boolean
}

const dailyMetricsOf = (c: DailyCondition, out: Set<string>): void => {
  if (c.op === "metric") out.add(c.metric)
  else if (c.op === "not") dailyMetricsOf(c.of, out)
  else for (const o of c.of) dailyMetricsOf(o, out)
}

/** The parts of the facts a plan's leaves read. */
export const needsOf = (leaves: ReadonlyArray<Leaf>): Needs => {
  let dates = false
  let events = false
  let daily: Set<string> | undefined
  let monthly: Set<string> | undefined
  for (const l of leaves) {
    switch (l.kind) {
      case "attribute":
        break
      case "date":
        if (l.ref.kind === "attribute") dates = true
        else if (l.ref.kind === "monthField") (monthly ??= new Set()).add(l.ref.field)
        else events = true
        break
      case "events":
        events = true
        break
      case "daily":
        daily ??= new Set()
        if (l.metric !== undefined) daily.add(l.metric)
        if (l.where) dailyMetricsOf(l.where, daily)
        break
      case "streak":
        dailyMetricsOf(l.where, (daily ??= new Set()))
        break
      case "monthly":
        ;(monthly ??= new Set()).add(l.metric)
        break
    }
  }
  return { dates, daily, monthly, events }
}

/** Everything: what `indexFacts` builds. */
const ALL: Needs = { dates: true, daily: "all", monthly: "all", events: true }

/** How one usage column is read: a plain number, integer units of 10^-scale (money), a day number, or not at all. */
interface Col {
  readonly name: string
  readonly kind: "num" | "units" | "date" | "skip"
  readonly scale: number
}

/** What to index, resolved once per catalogue and needs (no per-customer lookups of the catalogue). */
interface Layout {
  readonly dateAttrs: ReadonlyArray<string>
  readonly daily: boolean
  /** Every daily metric of the catalogue; unread ones are "skip" (left empty). */
  readonly dailyCols: ReadonlyArray<Col>
  readonly monthly: boolean
  /** The monthly metrics to index (every one, or those the rule reads). */
  readonly monthlyCols: ReadonlyArray<Col>
  readonly events: boolean
  /** The daily columns of a customer without daily rows (shared, frozen). */
  readonly noDaily: Readonly<Record<string, ReadonlyArray<number>>>
}

const colOf = (name: string, f: { readonly type: string; readonly scale?: number | undefined }, dates: boolean): Col => ({
  name,
  kind: dates && f.type === "date" ? "date" : f.type === "number" && f.scale !== undefined ? "units" : "num",
  scale: f.scale ?? 0
})

/** The layout of `needs` over `catalog` (build once, reuse for every customer). */
export const layoutOf = (catalog: FactCatalog, needs: Needs): Layout => {
  const daily = Object.entries(catalog.daily)
  const nd = needs.daily
  const nm = needs.monthly
  return {
    dateAttrs: needs.dates ? Object.entries(catalog.attributes).filter(([, f]) => f.type === "date").map(([k]) => k) : [],
    daily: nd !== undefined,
    dailyCols: daily.map(([k, f]) => (nd === "all" || nd?.has(k) ? colOf(k, f, false) : { name: k, kind: "skip", scale: 0 })),
    monthly: nm !== undefined,
    monthlyCols: Object.entries(catalog.monthly).flatMap(([k, f]) => (nm === "all" || nm?.has(k) ? [colOf(k, f, true)] : [])),
    events: needs.events,
    noDaily: Object.freeze(Object.fromEntries(daily.map(([k]) => [k, EMPTY])))
  }
}
const fullLayouts = new WeakMap<FactCatalog, Layout>()
/** The layout of everything (what `indexFacts` builds), cached per catalogue. */
export const fullLayoutOf = (catalog: FactCatalog): Layout => {
  let l = fullLayouts.get(catalog)
  if (!l) fullLayouts.set(catalog, (l = layoutOf(catalog, ALL)))
  return l
}

type DailyRows = ReadonlyArray<Rec & { readonly day: string }>
type MonthlyRows = ReadonlyArray<Rec & { readonly month: string }>
type EventRows = ReadonlyArray<{ readonly type: string; readonly at: string | Date }>

/** Rows in key order: the input itself when already sorted, else a sorted copy (string order, stable). */
const sortedBy = <T>(rows: ReadonlyArray<T>, key: (r: T) => string): ReadonlyArray<T> => {
  for (let i = 1; i < rows.length; i++) if (key(rows[i - 1]!) > key(rows[i]!)) return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
  return rows
}
const dayKey = (r: { readonly day: string }): string => r.day
const monthKey = (r: { readonly month: string }): string => r.month

/**
 * Writes the month numbers of rows already in month order, all valid `YYYY-MM`, into `out` (the
 * usual case: one pass, no string comparison, since valid month numbers order like their
 * strings); false otherwise (the caller sorts by string, as ever).
 */
const fillSortedMonths = (rows: MonthlyRows, out: number[]): boolean => {
  let prev = -Infinity
  for (let i = 0; i < rows.length; i++) {
    const v = validMonthNumber(rows[i]!.month)
    if (!(v >= prev)) return false
    out[i] = prev = v
  }
  return true
}
/** The same for the days of daily rows (valid calendar dates). */
const fillSortedDays = (rows: DailyRows, out: number[]): boolean => {
  let prev = -Infinity
  for (let i = 0; i < rows.length; i++) {
    const v = validDayNumber(rows[i]!.day)
    if (!(v >= prev)) return false
    out[i] = prev = v
  }
  return true
}
const fillColumn = (rows: ReadonlyArray<Rec>, c: Col, out: number[]): number[] => {
  const n = rows.length
  const m = c.name
  if (c.kind === "units") {
    const sc = c.scale
    for (let i = 0; i < n; i++) out[i] = toUnits(toNum(rows[i]![m]), sc)
  } else if (c.kind === "date") for (let i = 0; i < n; i++) out[i] = toDay(rows[i]![m])
  else for (let i = 0; i < n; i++) out[i] = toNum(rows[i]![m])
  return out
}
const fillBillDays = (rows: MonthlyRows, out: number[]): number[] => {
  for (let i = 0; i < rows.length; i++) out[i] = toDay(rows[i]!["billDate"])
  return out
}
/**
 * Bill days as far as "this month" as of `asOf` needs them: leaves find it by scanning from the
 * newest row for the first bill day on or before `asOf`, and never read past it; the rows before
 * it are not parsed (left at -Infinity, which that scan would stop at as well).
 */
const fillBillDaysUpTo = (rows: MonthlyRows, out: number[], asOf: number): number[] => {
  let i = rows.length - 1
  for (; i >= 0; i--) {
    const v = toDay(rows[i]!["billDate"])
    out[i] = v
    if (v <= asOf) break
  }
  while (--i >= 0) out[i] = -Infinity
  return out
}

/** Where the arrays of one customer's columns come from: fresh ones, or reused ones (see `rawIndexer`). */
type Alloc = (slot: number, n: number) => number[]
const fresh: Alloc = (_slot, n) => new Array<number>(n)
// Array slots: 0 days, 1 months, 2 bill days, 3… daily columns, then monthly columns.
const DAYS = 0
const MONTHS = 1
const BILL_DAYS = 2

interface Parts {
  dates: Record<string, number | null>
  days: ReadonlyArray<number>
  daily: Record<string, ReadonlyArray<number> | undefined>
  months: ReadonlyArray<number>
  billDays: ReadonlyArray<number>
  monthly: Record<string, ReadonlyArray<number> | undefined>
  evAt: ReadonlyArray<number>
  evType: ReadonlyArray<string>
}

/**
 * Fills `into` with one customer's facts as `layout` says (the parts a rule does not read are
 * left as they are). Every column is computed the same way whatever the layout and allocator.
 */
const fill = (
  layout: Layout,
  into: Parts,
  alloc: Alloc,
  customer: Rec,
  daily: DailyRows | undefined,
  monthly: MonthlyRows | undefined,
  events: EventRows | undefined,
  /** Set when only "this month" as of this day is read from the bill days (see `fillBillDaysUpTo`). */
  billCut?: number
): void => {
  const dates = into.dates
  for (const k of layout.dateAttrs) {
    const v = customer[k]
    dates[k] = typeof v === "string" ? dayNumber(v) : null
  }
  if (layout.daily) {
    const cols = into.daily
    const dc = layout.dailyCols
    if (daily !== undefined && daily.length > 0) {
      let ds: DailyRows = daily
      let dn = alloc(DAYS, daily.length)
      if (!fillSortedDays(daily, dn)) {
        ds = sortedBy(daily, dayKey)
        dn = ds.map((r) => dayNumber(r.day))
      }
      into.days = dn
      for (let j = 0; j < dc.length; j++) {
        const c = dc[j]!
        if (c.kind !== "skip") cols[c.name] = fillColumn(ds, c, alloc(3 + j, ds.length))
      }
    } else {
      into.days = EMPTY
      if (cols !== layout.noDaily) for (const c of dc) if (c.kind !== "skip") cols[c.name] = EMPTY
    }
  }
  if (layout.monthly) {
    const cols = into.monthly
    const mc = layout.monthlyCols
    if (monthly !== undefined && monthly.length > 0) {
      let ms: MonthlyRows = monthly
      let mn = alloc(MONTHS, monthly.length)
      if (!fillSortedMonths(monthly, mn)) {
        ms = sortedBy(monthly, monthKey)
        mn = ms.map((r) => monthNumber(r.month))
      }
      into.months = mn
      const bd = billCut === undefined ? fillBillDays(ms, alloc(BILL_DAYS, ms.length)) : fillBillDaysUpTo(ms, alloc(BILL_DAYS, ms.length), billCut)
      into.billDays = bd
      const first = ms[0]!
      const base = 3 + layout.dailyCols.length
      for (let j = 0; j < mc.length; j++) {
        const c = mc[j]!
        // A column absent from the rows stays absent (reused facts: cleared).
        if (!(c.name in first)) {
          if (cols[c.name] !== undefined) cols[c.name] = undefined
        } else cols[c.name] = c.name === "billDate" ? bd : fillColumn(ms, c, alloc(base + j, ms.length))
      }
    } else {
      into.months = EMPTY
      into.billDays = EMPTY
      for (const c of mc) if (cols[c.name] !== undefined) cols[c.name] = undefined
    }
  }
  if (layout.events) {
    if (events !== undefined && events.length > 0) {
      const ev = events.map((e) => ({ type: e.type, ms: typeof e.at === "string" ? Date.parse(e.at) : e.at.getTime() })).sort((a, b) => a.ms - b.ms)
      into.evAt = ev.map((e) => e.ms)
      into.evType = ev.map((e) => e.type)
    } else {
      into.evAt = EMPTY
      into.evType = NO_EVENT_TYPES
    }
  }
}

/** An empty `IndexedFacts` (one object literal, so eager and raw facts share one shape). */
const blank = (customer: Rec & { readonly id: string }, daily: Record<string, ReadonlyArray<number>>): Parts & { id: string; attrs: Rec } => ({
  id: customer.id,
  attrs: customer,
  dates: {},
  days: EMPTY,
  daily,
  months: EMPTY,
  billDays: EMPTY,
  monthly: {},
  evAt: EMPTY,
  evType: NO_EVENT_TYPES
})

/**
 * Indexes one customer's facts as `layout` says (the parts a rule does not read are left empty).
 */
export const indexCustomer = (
  layout: Layout,
  customer: Rec & { readonly id: string },
  daily: DailyRows | undefined,
  monthly: MonthlyRows | undefined,
  events: EventRows | undefined
): IndexedFacts => {
  const out = blank(customer, layout.daily && daily !== undefined && daily.length > 0 ? {} : layout.noDaily)
  fill(layout, out, fresh, customer, daily, monthly, events)
  return out as IndexedFacts
}

/**
 * For evaluation straight from raw facts: returns a function that indexes a customer into ONE
 * reused `IndexedFacts` (and reused arrays, one per column and row count), so evaluating a batch
 * allocates nothing per customer in the usual case. Its result is valid until the next call.
 */
export const rawIndexer = (layout: Layout, asOf: number): ((c: { readonly customer: Rec & { readonly id: string }; readonly daily?: DailyRows | undefined; readonly monthly?: MonthlyRows | undefined; readonly events?: EventRows | undefined }) => IndexedFacts) => {
  const pools: Array<Array<number[] | undefined>> = []
  const reuse: Alloc = (slot, n) => {
    if (n > 1024) return new Array<number>(n)
    const pool = (pools[slot] ??= [])
    let a = pool[n]
    if (a === undefined) pool[n] = a = new Array<number>(n).fill(0.5)
    return a
  }
  const out = blank({ id: "" }, { ...layout.noDaily })
  // Bill days serve only to find "this month" unless the rule reads the billDate column itself.
  const billCut = layout.monthlyCols.some((c) => c.name === "billDate") ? undefined : asOf
  return (c) => {
    out.id = c.customer.id
    out.attrs = c.customer
    fill(layout, out, reuse, c.customer, c.daily, c.monthly, c.events, billCut)
    return out as IndexedFacts
  }
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
              // Rows without the field (like a NULL column in SQL) have no date.
              const col = f.monthly[k]
              const v = col === undefined ? NaN : col[p]!
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
