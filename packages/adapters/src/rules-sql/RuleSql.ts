/**
 * The SQL face of `@winback/rules`: a rule plan compiled, for one as-of day, into ONE
 * parameterised drizzle query over the fact tables — grouped aggregates with FILTER clauses per
 * window, gaps-and-islands window functions for streaks, event counts — that returns the
 * matching customers with the leaf values their explanations are built from. Every value is a
 * bound parameter; identifiers come from the drizzle schema. Sums are ordered (`sum(x ORDER BY
 * day)`) and arithmetic follows the memory evaluator operation for operation, so both agree
 * bit for bit on IEEE doubles.
 */
import { type SQL, sql } from "drizzle-orm"
import type { PgDatabase, PgTable } from "drizzle-orm/pg-core"
import {
  type DailyCondition,
  type Explanation,
  type FactCatalog,
  type Leaf,
  type PlanCond,
  type PlanNum,
  type Rule,
  type RulePlan,
  addOffset,
  assertValidRule,
  dayNumber,
  defaultFactCatalog,
  type ExactSpec,
  exactTie,
  explainLeaves,
  isoDay,
  planRule
} from "@winback/rules"
import { customerEvents, customers, usageDaily, usageMonthly } from "../pg/schema"

/**
 * The tables a rule reads. Defaults to the Winback schema; a host may pass its own drizzle tables
 * with the same column keys (the fact catalogue's names).
 *
 * @example
 * ```ts
 * const tables: RuleSqlTables = { customers, usageDaily, usageMonthly, customerEvents }
 * ```
 */
export interface RuleSqlTables {
  readonly customers: PgTable
  readonly usageDaily: PgTable
  readonly usageMonthly: PgTable
  readonly customerEvents: PgTable
}

/**
 * Options of {@link compileRuleSql}.
 *
 * @example
 * ```ts
 * const options: RuleSqlOptions = { asOf: "2026-11-20" }
 * ```
 */
export interface RuleSqlOptions {
  /** The as-of day, `YYYY-MM-DD`. */
  readonly asOf: string
  readonly catalog?: FactCatalog | undefined
  readonly tables?: RuleSqlTables | undefined
  /** Extra condition on the customers table (e.g. a scope), ANDed in. */
  readonly customerFilter?: SQL | undefined
  /**
   * Only the customers whose id is in `[from, to)` (either end open when absent), applied to every
   * fact table's scan as well as to the customers, so the query reads and aggregates that key range
   * only (through each table's primary key). A partitioned run stages its candidates in such slices
   * on several workers at once.
   */
  readonly customerRange?: { readonly from?: string | undefined; readonly to?: string | undefined } | undefined
  /**
   * How many months a customer's latest issued bill may lag the newest issued bill of all
   * customers and still be read in the one range scan (default 1: two billing cycles a month
   * apart). Customers lagging further are exact too, read through the primary key one by one.
   */
  readonly monthSlack?: number | undefined
}

const defaultTables: RuleSqlTables = { customers, usageDaily, usageMonthly, customerEvents }

const col = (t: PgTable, name: string): SQL => {
  const c = (t as unknown as Record<string, unknown>)[name]
  if (!c || typeof c !== "object") throw new Error(`Column '${name}' not found on table`)
  return sql`${c}`
}

/** The database name of a table's column, for use under a table alias. */
const usageColumn = (t: PgTable, name: string): string => {
  const c = (t as unknown as Record<string, { name?: unknown } | undefined>)[name]
  if (!c || typeof c.name !== "string") throw new Error(`Column '${name}' not found on table`)
  return c.name
}

/**
 * Whether the rule can only match customers that have rows in a source (the leaves `ids` read
 * from it): the condition, with those leaves at their no-rows values and everything else unknown,
 * is false in three-valued logic. Then the source is inner-joined, and conditions on it reach its
 * aggregate as HAVING filters.
 */
const joinKind = (plan: RulePlan, ids: ReadonlySet<number>): "inner" | "left" => {
  const absent = (l: Leaf): number | null =>
    l.kind === "streak" || l.kind === "events" ? 0 : (l.kind === "daily" || l.kind === "monthly") && !l.complete && (l.fn === "sum" || l.fn === "count") ? 0 : null
  // undefined: unknown; null: SQL null.
  const num = (e: PlanNum): number | null | undefined => {
    switch (e.t) {
      case "const":
        return e.v
      case "leaf":
        return ids.has(e.leaf) ? absent(plan.leaves[e.leaf]!) : undefined
      case "table":
        return undefined
      case "daysSince": {
        const v = ids.has(e.leaf) ? absent(plan.leaves[e.leaf]!) : undefined
        return v === undefined || v === null ? v : undefined
      }
      case "arith":
      case "pct": {
        const a = num(e.t === "arith" ? e.l : e.from)
        const b = num(e.t === "arith" ? e.r : e.to)
        if (a === null || b === null) return a === undefined || b === undefined ? undefined : null
        if (a === undefined || b === undefined) return undefined
        if (e.t === "pct") return a === 0 ? null : ((b - a) / a) * 100
        return e.op === "+" ? a + b : e.op === "-" ? a - b : e.op === "*" ? a * b : b === 0 ? null : a / b
      }
    }
  }
  const cond = (c: PlanCond): boolean | undefined => {
    switch (c.t) {
      case "all": {
        const vs = c.of.map(cond)
        return vs.includes(false) ? false : vs.every((v) => v === true) ? true : undefined
      }
      case "any": {
        const vs = c.of.map(cond)
        return vs.includes(true) ? true : vs.every((v) => v === false) ? false : undefined
      }
      case "not": {
        const v = cond(c.of)
        return v === undefined ? undefined : !v
      }
      case "cmp": {
        const a = num(c.l)
        const b = num(c.r)
        if (a === undefined || b === undefined) return undefined
        if (a === null || b === null) return false
        // A near tie is decided in exact arithmetic: leave it unknown.
        if (Math.abs(a - b) <= 1e-9 * (Math.abs(a) + Math.abs(b))) return undefined
        return c.cmp === "<" ? a < b : c.cmp === "<=" ? a <= b : c.cmp === ">" ? a > b : c.cmp === ">=" ? a >= b : c.cmp === "=" ? a === b : a !== b
      }
      case "dateBetween":
      case "anniversary":
        return ids.has(c.leaf) && absent(plan.leaves[c.leaf]!) === null ? false : undefined
      case "attr":
        return undefined
    }
  }
  return cond(plan.when) === false ? "inner" : "left"
}

const f8 = (v: number): SQL => sql`${v}::float8`
const day = (n: number): SQL => sql`${isoDay(n)}::date`
const ts = (ms: number): SQL => sql`${new Date(ms).toISOString()}::timestamptz`
const list = (vs: ReadonlyArray<string>): SQL => sql.join(
  vs.map((v) => sql`${v}`),
  sql`, `
)
const id = (s: string): SQL => sql`${sql.identifier(s)}`
const epoch = sql`'1970-01-01'::date`
const MS_DAY = 86_400_000

const cmpSql = (cmp: string): SQL => sql.raw(cmp === "!=" ? "<>" : cmp)

/** A rational in SQL numeric arithmetic: numerator and a positive denominator. */
interface QSql {
  readonly n: SQL
  readonly d: SQL
}
const num1 = sql`1::numeric`

/**
 * 10^scale of a decimal metric (money), or undefined for plain doubles. Such metrics are read as
 * integer units — `round(x::numeric, scale)` takes the double's 15 significant digits and rounds
 * half away from zero, as the memory evaluator's indexing does — so sums are exact and one
 * division makes the value, the same correctly rounded double on both sides.
 */
const unitOf = (catalog: FactCatalog, kind: "daily" | "monthly", metric: string | undefined): number | undefined => {
  const f = metric === undefined ? undefined : catalog[kind][metric]
  return f?.type === "number" && f.scale !== undefined ? 10 ** f.scale : undefined
}
const unitsOf = (x: SQL, unit: number): SQL => sql`(round(${x}::numeric, ${Math.round(Math.log10(unit))}::int) * ${unit}::numeric)::float8`

/**
 * A compiled rule: the plan and the query (for one as-of day).
 *
 * @example
 * ```ts
 * const { query, plan } = compileRuleSql(rule, { asOf: "2026-11-20" })
 * const rows = await db.execute(query)
 * ```
 */
export interface RuleSql {
  readonly plan: RulePlan
  readonly asOf: string
  /** Selects `customer_id`, `a_<attribute>` per attribute read, `l<i>` per leaf, for matching customers. */
  readonly query: SQL
  /** Selects `count(*)::int as n` of the matching customers. */
  readonly countQuery: SQL
  /**
   * Every customer (not only matches) with `wb_matched` and both sides of every comparison
   * (`s0`, `s1`, … depth-first) — for differential testing and debugging a rule.
   */
  readonly traceQuery: SQL
}

/** One aggregate of a window; decimal metrics (`unit`) sum integer units and divide once. */
const scaled = (fn: string, unit: number | undefined, x: SQL, ord: SQL, filter: SQL): SQL => {
  const u = unit === undefined ? sql`` : sql` / ${f8(unit)}`
  return fn === "count"
    ? sql`count(*) filter (where ${filter})::float8`
    : fn === "sum"
      ? sql`(coalesce(sum(${x}${ord}) filter (where ${filter}), 0)${u})`
      : fn === "avg"
        ? unit === undefined
          ? sql`(sum(${x}${ord}) filter (where ${filter}) / nullif(count(*) filter (where ${filter}), 0)::float8)`
          : sql`(sum(${x}) filter (where ${filter}) / (nullif(count(*) filter (where ${filter}), 0) * ${unit}::int)::float8)`
        : fn === "value"
          ? sql`(sum(${x}${ord}) filter (where ${filter})${u})`
          : sql`(${sql.raw(fn)}(${x}) filter (where ${filter})${u})`
}

/**
 * Compiles a rule (validated first; a bad rule throws `ValidationError`) to SQL for one as-of day.
 *
 * @example
 * ```ts
 * import { compileRuleSql } from "@winback/adapters"
 * import { instantiate, billDrop } from "@winback/rules"
 * const { query } = compileRuleSql(instantiate(billDrop).rule, { asOf: "2026-11-20" })
 * ```
 */
export const compileRuleSql = (rule: Rule | RulePlan, options: RuleSqlOptions): RuleSql => {
  const catalog = options.catalog ?? defaultFactCatalog
  const plan = "leaves" in rule ? rule : planRule(assertValidRule(rule, { catalog }), catalog)
  const t = options.tables ?? defaultTables
  const D = dayNumber(options.asOf)
  /** `and <column> in the customer range`, or nothing. */
  const inRange = (column: SQL): SQL => {
    const r = options.customerRange
    if (!r) return sql``
    return sql`${r.from !== undefined ? sql` and ${column} >= ${r.from}` : sql``}${r.to !== undefined ? sql` and ${column} < ${r.to}` : sql``}`
  }

  const dUsage = (name: string): SQL => col(t.usageDaily, name)
  const dailyPred = (c: DailyCondition): SQL => {
    switch (c.op) {
      case "all":
        return c.of.length ? sql`(${sql.join(c.of.map(dailyPred), sql` and `)})` : sql`true`
      case "any":
        return c.of.length ? sql`(${sql.join(c.of.map(dailyPred), sql` or `)})` : sql`false`
      case "not":
        return sql`(not ${dailyPred(c.of)})`
      case "metric":
        return typeof c.value === "boolean"
          ? sql`(${dUsage(c.metric)} ${cmpSql(c.cmp)} ${c.value}::boolean)`
          : unitOf(catalog, "daily", c.metric) !== undefined
            ? sql`(${unitsOf(dUsage(c.metric), unitOf(catalog, "daily", c.metric)!)} / ${f8(unitOf(catalog, "daily", c.metric)!)} ${cmpSql(c.cmp)} ${f8(c.value)})`
            : sql`(${dUsage(c.metric)}::float8 ${cmpSql(c.cmp)} ${f8(c.value)})`
    }
  }

  const ctes: SQL[] = []
  /** Joins of the sources; `inner` is used by the match queries only (the trace reads every customer). */
  const joins: Array<(matchOnly: boolean) => SQL> = []
  /** Leaf value expression in the inner select. */
  const leafExpr: SQL[] = []

  // ---- daily aggregates --------------------------------------------------------------------
  const dailyLeaves = plan.leaves.filter((l): l is Extract<Leaf, { kind: "daily" }> => l.kind === "daily")
  // Current streaks of up to 62 days ride in the same pass: a bit per day (bit i = the day i days
  // before the as-of day is present and satisfies the condition); the streak is the mask's run of
  // trailing ones. Longer or "longest" streaks keep the gaps-and-islands query below.
  const maskStreaks = plan.leaves.filter(
    (l): l is Extract<Leaf, { kind: "streak" }> => l.kind === "streak" && l.mode === "current" && l.days <= 62
  )
  const maskIds = new Set(maskStreaks.map((l) => l.id))
  const dailyJoin = joinKind(plan, new Set([...dailyLeaves.map((l) => l.id), ...maskIds]))
  if (dailyLeaves.length || maskStreaks.length) {
    const dayCol = dUsage("day")
    const maxHi = Math.max(...dailyLeaves.map((l) => l.hi), ...maskStreaks.map((l) => l.days - 1))
    const minLo = Math.min(...dailyLeaves.map((l) => l.lo), ...maskStreaks.map(() => 0))
    const masks = maskStreaks.map(
      (l) =>
        sql`coalesce(bit_or(1::int8 << (${day(D)} - ${dayCol})) filter (where ${dayCol} between ${day(D - l.days + 1)} and ${day(D)} and ${dailyPred(l.where)}), 0::int8) as ${id(`l${l.id}`)}`
    )
    // With streak masks alone, a day that meets no streak's condition sets no bit: leave it unread
    // (a customer without such days has all-zero masks, the value of an absent row).
    const onlyDays = dailyLeaves.length === 0 ? sql` and (${sql.join(maskStreaks.map((l) => dailyPred(l.where)), sql` or `)})` : sql``
    const cols = dailyLeaves.map((l) => {
      const win = sql`${dayCol} between ${day(D - l.hi)} and ${day(D - l.lo)}`
      const filter = l.where ? sql`${win} and ${dailyPred(l.where)}` : win
      const unit = unitOf(catalog, "daily", l.metric)
      const x = l.metric ? (unit !== undefined ? unitsOf(dUsage(l.metric), unit) : sql`${dUsage(l.metric)}::float8`) : sql`null`
      // Integer sums (and sums of integer units) are exact in any order: only floating-point metrics pay for the ordered sum.
      const ord = (l.metric && catalog.daily[l.metric]?.type === "int") || unit !== undefined ? sql`` : sql` order by ${dayCol}`
      const agg = scaled(l.fn, unit, x, ord, filter)
      const v = l.complete ? sql`case when count(*) filter (where ${win}) = ${l.hi - l.lo + 1}::int then ${agg} end` : agg
      return sql`${v} as ${id(`l${l.id}`)}`
    })
    ctes.push(
      sql`wb_d as (select ${dUsage("customerId")} as customer_id, ${sql.join([...cols, ...masks], sql`, `)} from ${t.usageDaily} where ${dayCol} between ${day(D - maxHi)} and ${day(D - minLo)}${onlyDays}${inRange(dUsage("customerId"))} group by ${dUsage("customerId")})`
    )
    joins.push((matchOnly) => sql`${sql.raw(matchOnly ? dailyJoin : "left")} join wb_d on wb_d.customer_id = ${col(t.customers, "id")}`)
    for (const l of dailyLeaves) {
      const absent = l.complete ? sql`null::float8` : l.fn === "sum" || l.fn === "count" ? sql`0::float8` : sql`null::float8`
      leafExpr[l.id] = sql`case when wb_d.customer_id is null then ${absent} else wb_d.${id(`l${l.id}`)} end`
    }
    for (const l of maskStreaks) {
      // Trailing ones of m = the exponent of the lowest set bit of m + 1 (an exact power of two).
      const m = sql`coalesce(wb_d.${id(`l${l.id}`)}, 0::int8)`
      leafExpr[l.id] = sql`round(ln(((${m} + 1) & -(${m} + 1))::float8) / ln(2::float8))`
    }
  }

  // ---- monthly aggregates and month dates ----------------------------------------------------
  // A customer's reference month m0 is their latest month whose bill is issued by the as-of day.
  // One range scan on the month key reads the months [M − slack − oldest window, M], M being the
  // newest issued month of all customers (an index lookup), and computes every window once per
  // candidate m0 ∈ [M − slack, M] with FILTER aggregates; each customer then takes the column of
  // its own m0. A customer whose m0 lags further (or who has no issued bill in the range) is
  // computed exactly from all their months through the primary key, in a sub-query the CASE only
  // runs for them.
  const monthlyLeaves = plan.leaves.filter(
    (l): l is Extract<Leaf, { kind: "monthly" }> | Extract<Leaf, { kind: "date" }> => l.kind === "monthly" || (l.kind === "date" && l.ref.kind === "monthField")
  )
  if (monthlyLeaves.length) {
    const m = (name: string): SQL => col(t.usageMonthly, name)
    const slack = Math.max(0, Math.floor(options.monthSlack ?? 1))
    const midx = (x: SQL): SQL => sql`(substr(${x}, 1, 4)::int * 12 + substr(${x}, 6, 2)::int)`
    const maxHi = Math.max(
      ...monthlyLeaves.map((l) => (l.kind === "monthly" ? l.hi : l.ref.kind === "monthField" ? (l.ref.monthsAgo ?? 0) : 0))
    )
    ctes.push(
      sql`wb_mr as (select hm, ${midx(sql`hm`)} as hi_idx, to_char(to_date(hm, 'YYYY-MM') - make_interval(months => ${slack + maxHi}::int), 'YYYY-MM') as lo from (select max(${m("month")}) as hm from ${t.usageMonthly} where ${m("billDate")} <= ${day(D)}) wb_x)`
    )
    /** One leaf's aggregate over the rows whose months-before-m0 `k` lies in its window. */
    const monthAgg = (l: (typeof monthlyLeaves)[number], k: SQL, u: (name: string) => SQL): SQL => {
      if (l.kind === "date") {
        const ago = l.ref.kind === "monthField" ? (l.ref.monthsAgo ?? 0) : 0
        const field = l.ref.kind === "monthField" ? l.ref.field : ""
        return sql`max(${u(field)} - ${epoch}) filter (where ${k} = ${ago}::int)::float8`
      }
      const filter = sql`${k} between ${l.lo}::int and ${l.hi}::int`
      const unit = unitOf(catalog, "monthly", l.metric)
      const x = unit !== undefined ? unitsOf(u(l.metric), unit) : sql`${u(l.metric)}::float8`
      const ord = catalog.monthly[l.metric]?.type === "int" || l.hi === l.lo || unit !== undefined ? sql`` : sql` order by ${u("month")}`
      const agg = scaled(l.fn, unit, x, ord, filter)
      return l.complete ? sql`case when count(*) filter (where ${filter}) = ${l.hi - l.lo + 1}::int then ${agg} end` : agg
    }
    // Each row's months-before-M (k) and metric values are computed once, in the range scan.
    const fields = [...new Set(monthlyLeaves.map((l) => (l.kind === "monthly" ? l.metric : l.ref.kind === "monthField" ? l.ref.field : "")))]
    const rowCols = fields.map((f) => {
      const unit = unitOf(catalog, "monthly", f)
      const dateField = monthlyLeaves.some((l) => l.kind === "date" && l.ref.kind === "monthField" && l.ref.field === f)
      const v = dateField ? sql`${m(f)}` : unit !== undefined ? unitsOf(m(f), unit) : sql`${m(f)}::float8`
      return sql`${v} as ${id(`x_${f}`)}`
    })
    const w = (name: string): SQL => sql`wb_w.${id(name === "month" ? "month" : `x_${name}`)}`
    const wUnits = (l: (typeof monthlyLeaves)[number], k: SQL): SQL => {
      // The range scan's metric values are already in units (or float8): aggregate them as they are.
      if (l.kind === "date") {
        const ago = l.ref.kind === "monthField" ? (l.ref.monthsAgo ?? 0) : 0
        const field = l.ref.kind === "monthField" ? l.ref.field : ""
        return sql`max(${w(field)} - ${epoch}) filter (where ${k} = ${ago}::int)::float8`
      }
      const filter = sql`${k} between ${l.lo}::int and ${l.hi}::int`
      const unit = unitOf(catalog, "monthly", l.metric)
      const ordered = !(catalog.monthly[l.metric]?.type === "int" || l.hi === l.lo || unit !== undefined)
      let agg: SQL
      if (ordered && (l.fn === "sum" || l.fn === "avg" || l.fn === "value") && l.hi - l.lo < 12) {
        // A float sum in month order without a per-customer sort: one value per month (the key is
        // unique), folded oldest first, missing months skipped — the memory evaluator's order.
        let acc: SQL | undefined
        for (let i = l.hi; i >= l.lo; i--) {
          const v = sql`max(${w(l.metric)}) filter (where ${k} = ${i}::int)`
          acc = acc === undefined ? v : sql`case when ${acc} is null then ${v} when ${v} is null then ${acc} else ${acc} + ${v} end`
        }
        const total = acc!
        const n = sql`count(*) filter (where ${filter})`
        agg = l.fn === "sum" ? sql`coalesce(${total}, 0)` : l.fn === "avg" ? sql`(${total} / nullif(${n}, 0)::float8)` : total
      } else agg = scaled(l.fn, unit, w(l.metric), ordered ? sql` order by wb_w.month` : sql``, filter)
      return l.complete ? sql`case when count(*) filter (where ${filter}) = ${l.hi - l.lo + 1}::int then ${agg} end` : agg
    }
    const cols: SQL[] = [sql`(select hi_idx from wb_mr) - ${midx(sql`max(wb_w.month) filter (where wb_w.issued)`)} as j`]
    for (let j = 0; j <= slack; j++) for (const l of monthlyLeaves) cols.push(sql`${wUnits(l, sql`(wb_w.k - ${j}::int)`)} as ${id(`l${l.id}_${j}`)}`)
    ctes.push(
      sql`wb_m as (select wb_w.customer_id, ${sql.join(cols, sql`, `)} from (select ${m("customerId")} as customer_id, ${m("month")} as month, ${m("billDate")} <= ${day(D)} as issued, (select hi_idx from wb_mr) - ${midx(m("month"))} as k${rowCols.length ? sql`, ${sql.join(rowCols, sql`, `)}` : sql``} from ${t.usageMonthly} where ${m("month")} between (select lo from wb_mr) and (select hm from wb_mr)${inRange(m("customerId"))} offset 0) wb_w group by wb_w.customer_id)`
    )
    joins.push(() => sql`left join wb_m on wb_m.customer_id = ${col(t.customers, "id")}`)
    // The exact path for customers outside the range scan, through usage_monthly's primary key.
    const u = (name: string): SQL => sql`wb_u.${id(usageColumn(t.usageMonthly, name))}`
    const cid = col(t.customers, "id")
    const kOf = sql`(${midx(sql`wb_r.m0`)} - ${midx(u("month"))})`
    for (const l of monthlyLeaves) {
      const absent = l.kind === "monthly" && (l.fn === "sum" || l.fn === "count") ? sql`0::float8` : sql`null::float8`
      const exact = sql`(select case when wb_r.m0 is null then ${absent} else (select ${monthAgg(l, kOf, u)} from ${t.usageMonthly} wb_u where ${u("customerId")} = ${cid} and ${u("month")} <= wb_r.m0) end from (select max(${m("month")}) as m0 from ${t.usageMonthly} where ${m("customerId")} = ${cid} and ${m("billDate")} <= ${day(D)}) wb_r)`
      const whens = Array.from({ length: slack + 1 }, (_, j) => sql`when ${j}::int then wb_m.${id(`l${l.id}_${j}`)}`)
      leafExpr[l.id] = sql`(case wb_m.j ${sql.join(whens, sql` `)} else ${exact} end)`
    }
  }

  // ---- streaks (gaps and islands) ------------------------------------------------------------
  for (const l of plan.leaves) {
    if (l.kind !== "streak" || maskIds.has(l.id)) continue
    const name = `wb_s${l.id}`
    const dayCol = dUsage("day")
    ctes.push(sql`${id(name)} as (
      select customer_id, max(n)::float8 as longest, coalesce(max(n) filter (where last = ${day(D)}), 0)::float8 as cur from (
        select customer_id, g, count(*) as n, max(d) as last from (
          select ${dUsage("customerId")} as customer_id, ${dayCol} as d,
                 (${dayCol} - ${day(D - l.days + 1)}) - row_number() over (partition by ${dUsage("customerId")} order by ${dayCol}) as g
          from ${t.usageDaily} where ${dayCol} between ${day(D - l.days + 1)} and ${day(D)} and ${dailyPred(l.where)}${inRange(dUsage("customerId"))}
        ) wb_rows group by customer_id, g
      ) wb_islands group by customer_id)`)
    joins.push(() => sql`left join ${id(name)} on ${id(name)}.customer_id = ${col(t.customers, "id")}`)
    leafExpr[l.id] = sql`coalesce(${id(name)}.${id(l.mode === "current" ? "cur" : "longest")}, 0::float8)`
  }

  // ---- events ------------------------------------------------------------------------------
  const eventLeaves = plan.leaves.filter(
    (l): l is Extract<Leaf, { kind: "events" }> | Extract<Leaf, { kind: "date" }> => l.kind === "events" || (l.kind === "date" && l.ref.kind === "lastEvent")
  )
  if (eventLeaves.length) {
    const e = (name: string): SQL => col(t.customerEvents, name)
    const end = (D + 1) * MS_DAY
    const cols = eventLeaves.map((l) => {
      if (l.kind === "events")
        return sql`count(*) filter (where ${e("type")} in (${list(l.types)}) and ${e("at")} >= ${ts((D - l.hi) * MS_DAY)} and ${e("at")} < ${ts((D - l.lo + 1) * MS_DAY)})::float8 as ${id(`l${l.id}`)}`
      const types = l.ref.kind === "lastEvent" ? l.ref.types : []
      return sql`((max(${e("at")}) filter (where ${e("type")} in (${list(types)})) at time zone 'UTC')::date - ${epoch})::float8 as ${id(`l${l.id}`)}`
    })
    // Only the types and (when no leaf asks for the last event ever) the days the leaves read.
    const types = [...new Set(eventLeaves.flatMap((l) => (l.kind === "events" ? l.types : l.ref.kind === "lastEvent" ? l.ref.types : [])))].sort()
    const counts = eventLeaves.filter((l): l is Extract<Leaf, { kind: "events" }> => l.kind === "events")
    const from = counts.length === eventLeaves.length ? sql` and ${e("at")} >= ${ts((D - Math.max(...counts.map((l) => l.hi))) * MS_DAY)}` : sql``
    const eventJoin = joinKind(plan, new Set(eventLeaves.map((l) => l.id)))
    ctes.push(
      sql`wb_e as (select ${e("customerId")} as customer_id, ${sql.join(cols, sql`, `)} from ${t.customerEvents} where ${e("at")} < ${ts(end)}${from} and ${e("type")} in (${types.length ? list(types) : sql`null`})${inRange(e("customerId"))} group by ${e("customerId")})`
    )
    joins.push((matchOnly) => sql`${sql.raw(matchOnly ? eventJoin : "left")} join wb_e on wb_e.customer_id = ${col(t.customers, "id")}`)
    for (const l of eventLeaves) leafExpr[l.id] = sql`case when wb_e.customer_id is null then ${l.kind === "events" ? sql`0::float8` : sql`null::float8`} else wb_e.${id(`l${l.id}`)} end`
  }

  // ---- attribute leaves (numeric and date attributes) ----------------------------------------
  /** Date attributes as dates (`r<i>`), so date conditions compare dates and an index on the column applies. */
  const rawDates: SQL[] = []
  for (const l of plan.leaves) {
    if (l.kind === "attribute") leafExpr[l.id] = sql`${col(t.customers, l.field)}::float8`
    if (l.kind === "date" && l.ref.kind === "attribute") {
      leafExpr[l.id] = sql`(${col(t.customers, l.ref.field)} - ${epoch})::float8`
      rawDates.push(sql`${col(t.customers, l.ref.field)} as ${id(`r${l.id}`)}`)
    }
  }

  // ---- the condition over the inner columns --------------------------------------------------
  const leafCol = (i: number): SQL => sql`wb_q.${id(`l${i}`)}`
  const attrCol = (f: string): SQL => sql`wb_q.${id(`a_${f}`)}`
  const num = (e: PlanNum): SQL => {
    switch (e.t) {
      case "const":
        return f8(e.v)
      case "leaf":
        return leafCol(e.leaf)
      case "table": {
        const whens = [...e.values].map(([k, v]) => sql`when ${attrCol(e.field)} = ${k} then ${f8(v)}`)
        const otherwise = e.otherwise === null ? sql`null::float8` : f8(e.otherwise)
        return whens.length ? sql`(case ${sql.join(whens, sql` `)} else ${otherwise} end)` : otherwise
      }
      case "arith":
        return e.op === "/" ? sql`(${num(e.l)} / nullif(${num(e.r)}, 0))` : sql`(${num(e.l)} ${sql.raw(e.op)} ${num(e.r)})`
      case "pct": {
        const from = num(e.from)
        return sql`((${num(e.to)} - ${from}) / nullif(${from}, 0) * ${f8(100)})`
      }
      case "daysSince":
        return sql`(${f8(D)} - ${leafCol(e.leaf)})`
    }
  }
  // Exact rationals for near ties (see `exactTie` in @winback/rules): a leaf's exact value is
  // recovered from its double exactly as the memory evaluator recovers it — the smallest row count
  // c whose grid value round(v·unit·c)/(unit·c) is v itself.
  const exactLeaf = (i: number, spec: ExactSpec): QSql => {
    const v = leafCol(i)
    const unit = 10 ** spec.scale
    const c =
      spec.maxDen === 1
        ? sql`1`
        : sql`coalesce((select c from generate_series(1, ${spec.maxDen}::int) c where round(${v} * (${unit}::int * c)::float8) / (${unit}::int * c)::float8 = ${v} order by c limit 1), 1)`
    return { n: sql`round(${v} * (${unit}::int * ${c})::float8)::numeric`, d: sql`(${unit}::int * ${c})::numeric` }
  }
  const dec = (v: number): SQL => sql`${String(v)}::numeric`
  const qsub = (a: QSql, b: QSql): QSql => ({ n: sql`(${a.n} * ${b.d} - ${b.n} * ${a.d})`, d: sql`(${a.d} * ${b.d})` })
  const qdiv = (a: QSql, b: QSql): QSql => ({ n: sql`(${a.n} * ${b.d} * sign(${b.n}))`, d: sql`(${a.d} * abs(nullif(${b.n}, 0)))` })
  const numQ = (e: PlanNum, specs: ReadonlyMap<number, ExactSpec>): QSql => {
    switch (e.t) {
      case "const":
        return { n: dec(e.v), d: num1 }
      case "leaf":
        return exactLeaf(e.leaf, specs.get(e.leaf)!)
      case "table": {
        const whens = [...e.values].map(([k, v]) => sql`when ${attrCol(e.field)} = ${k} then ${dec(v)}`)
        const otherwise = e.otherwise === null ? sql`null::numeric` : dec(e.otherwise)
        return { n: whens.length ? sql`(case ${sql.join(whens, sql` `)} else ${otherwise} end)` : otherwise, d: num1 }
      }
      case "daysSince":
        return qsub({ n: sql`${D}::numeric`, d: num1 }, exactLeaf(e.leaf, specs.get(e.leaf)!))
      case "arith": {
        const a = numQ(e.l, specs)
        const b = numQ(e.r, specs)
        return e.op === "+"
          ? { n: sql`(${a.n} * ${b.d} + ${b.n} * ${a.d})`, d: sql`(${a.d} * ${b.d})` }
          : e.op === "-"
            ? qsub(a, b)
            : e.op === "*"
              ? { n: sql`(${a.n} * ${b.n})`, d: sql`(${a.d} * ${b.d})` }
              : qdiv(a, b)
      }
      case "pct": {
        const f = numQ(e.from, specs)
        const r = qdiv(qsub(numQ(e.to, specs), f), f)
        return { n: sql`(${r.n} * 100)`, d: r.d }
      }
    }
  }
  const sides: SQL[] = []
  // In a WHERE clause outside any NOT ("positive"), null already counts as false, so conditions go
  // bare — and so stay sargable and can be pushed into scans and aggregates. Elsewhere null is
  // turned into false, as the memory evaluator decides.
  const cond = (c: PlanCond, positive: boolean): SQL => {
    const two = (x: SQL): SQL => (positive ? x : sql`coalesce(${x}, false)`)
    switch (c.t) {
      case "all":
        return c.of.length ? sql`(${sql.join(c.of.map((o) => cond(o, positive)), sql` and `)})` : sql`true`
      case "any":
        return c.of.length ? sql`(${sql.join(c.of.map((o) => cond(o, positive)), sql` or `)})` : sql`false`
      case "not":
        return sql`(not ${cond(c.of, false)})`
      case "cmp": {
        const l = num(c.l)
        const r = num(c.r)
        sides.push(l, r)
        if (c.exact) {
          const a = numQ(c.l, c.exact)
          const b = numQ(c.r, c.exact)
          return two(sql`case when abs(${l} - ${r}) <= ${f8(exactTie)} * (abs(${l}) + abs(${r})) then ${a.n} * ${b.d} ${cmpSql(c.cmp)} ${b.n} * ${a.d} else ${l} ${cmpSql(c.cmp)} ${r} end`)
        }
        return two(sql`${l} ${cmpSql(c.cmp)} ${r}`)
      }
      case "attr": {
        const a = attrCol(c.field)
        if (c.cmp === "isNull") return sql`(${a} is null)`
        if (c.cmp === "notNull") return sql`(${a} is not null)`
        const values = c.values.map((v) => (typeof v === "boolean" ? sql`${v}::boolean` : sql`${v}`))
        const isIn = c.cmp === "=" || c.cmp === "in"
        if (!values.length) return isIn ? sql`false` : sql`(${a} is not null)`
        return two(sql`${a} ${isIn ? sql`in` : sql`not in`} (${sql.join(values, sql`, `)})`)
      }
      case "dateBetween": {
        const leaf = plan.leaves[c.leaf]
        if (leaf?.kind === "date" && leaf.ref.kind === "attribute") {
          // Dates compared as dates: `contract_end >= '2026-11-20'::date and contract_end < '2027-01-20'::date`.
          const r = sql`wb_q.${id(`r${c.leaf}`)}`
          const parts = [sql`${r} is not null`]
          if (c.from) parts.push(sql`${r} >= ${day(addOffset(D, c.from))}`)
          if (c.to) parts.push(sql`${r} < ${day(addOffset(D, c.to))}`)
          return two(sql.join(parts, sql` and `))
        }
        const l = leafCol(c.leaf)
        const parts = [sql`${l} is not null`]
        if (c.from) parts.push(sql`${l} >= ${f8(addOffset(D, c.from))}`)
        if (c.to) parts.push(sql`${l} < ${f8(addOffset(D, c.to))}`)
        return two(sql.join(parts, sql` and `))
      }
      case "anniversary": {
        const asDate = sql`(${epoch} + ${leafCol(c.leaf)}::int)`
        const iso = isoDay(D)
        const y = +iso.slice(0, 4)
        const mm = +iso.slice(5, 7)
        const dd = +iso.slice(8, 10)
        const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
        const feb28 = !leap && mm === 2 && dd === 28
        const same = sql`(extract(month from ${asDate}) = ${mm}::int and extract(day from ${asDate}) = ${dd}::int)`
        const body = feb28 ? sql`(${same} or (extract(month from ${asDate}) = 2 and extract(day from ${asDate}) = 29))` : same
        return two(sql`${leafCol(c.leaf)} is not null and ${body}`)
      }
    }
  }

  const attrSelect = plan.attributes.map((f) => {
    const type = catalog.attributes[f]?.type
    const c = col(t.customers, f)
    const v = type === "date" ? sql`${c}::text` : type === "number" || type === "int" ? sql`${c}::float8` : c
    return sql`${v} as ${id(`a_${f}`)}`
  })
  const leafSelect = plan.leaves.map((l) => sql`${leafExpr[l.id] ?? sql`null::float8`} as ${id(`l${l.id}`)}`)
  // A monthly leaf is a CASE over the candidate columns with a sub-query for lagging customers; the
  // condition reads it several times, so the inner select is fenced (OFFSET 0) to compute it once.
  const fenced = monthlyLeaves.length > 0
  const customerWhere =
    options.customerFilter || options.customerRange
      ? sql` where ${options.customerFilter ?? sql`true`}${inRange(col(t.customers, "id"))}`
      : sql``
  const innerOf = (matchOnly: boolean): SQL =>
    sql`select ${sql.join([sql`${col(t.customers, "id")} as customer_id`, ...attrSelect, ...leafSelect, ...rawDates], sql`, `)} from ${t.customers} ${sql.join(
      joins.map((j) => j(matchOnly)),
      sql` `
    )}${customerWhere}${fenced ? sql` offset 0` : sql``}`
  const inner = innerOf(true)
  const withClause = ctes.length ? sql`with ${sql.join(ctes, sql`, `)} ` : sql``
  const where = cond(plan.when, true)
  sides.length = 0
  const matched = cond(plan.when, false)
  return {
    plan,
    asOf: options.asOf,
    query: sql`${withClause}select wb_q.* from (${inner}) wb_q where ${where}`,
    countQuery: sql`${withClause}select count(*)::int as n from (${inner}) wb_q where ${where}`,
    traceQuery: sql`${withClause}select wb_q.*, ${matched} as wb_matched${sides.length ? sql`, ${sql.join(
      sides.map((x, i) => sql`${x} as ${id(`s${i}`)}`),
      sql`, `
    )}` : sql``} from (${innerOf(false)}) wb_q order by wb_q.customer_id`
  }
}

/**
 * Any drizzle Postgres database (PGlite, node-postgres, …).
 *
 * @example
 * ```ts
 * const db: AnyPgDatabase = drizzle(new PGlite())
 * ```
 */
export type AnyPgDatabase = PgDatabase<any, any, any>

/**
 * One matching customer as returned by SQL: attributes read, leaf values, and the explanation.
 *
 * @example
 * ```ts
 * const m: SqlMatch = { customerId: "42", leaves: [180, 95], attributes: { tier: "gold" }, explanation }
 * ```
 */
export interface SqlMatch {
  readonly customerId: string
  readonly leaves: ReadonlyArray<number | null>
  readonly attributes: Readonly<Record<string, unknown>>
  readonly explanation: Explanation
}

/**
 * Runs a compiled query in its own transaction with JIT compilation off: the per-customer fallback
 * sub-queries of monthly leaves (which run only for lagging customers) lift the estimated cost past
 * PostgreSQL's JIT thresholds, and compiling the expressions then costs seconds for nothing.
 */
const run = (db: AnyPgDatabase, query: SQL): Promise<unknown> =>
  db.transaction(async (tx) => {
    await tx.execute(sql`set local jit = off`)
    return tx.execute(query)
  })

const rowsOf = (r: unknown): ReadonlyArray<Record<string, unknown>> => (r as { rows: Array<Record<string, unknown>> }).rows

const toMatch = (plan: RulePlan, asOf: string, row: Record<string, unknown>): SqlMatch => {
  const leaves = plan.leaves.map((l) => {
    const v = row[`l${l.id}`]
    return v === null || v === undefined ? null : Number(v)
  })
  const attributes: Record<string, unknown> = {}
  for (const a of plan.attributes) attributes[a] = row[`a_${a}`] ?? null
  const customerId = String(row["customer_id"])
  return { customerId, leaves, attributes, explanation: explainLeaves(plan, customerId, asOf, leaves, attributes) }
}

/**
 * Runs a rule in the database and returns every match with its explanation (small results;
 * use {@link streamRuleMatches} for bulk extraction).
 *
 * @example
 * ```ts
 * const matches = await findRuleMatches(db, rule, { asOf: "2026-11-20" })
 * matches[0]?.explanation.summary
 * ```
 */
export const findRuleMatches = async (db: AnyPgDatabase, rule: Rule | RulePlan, options: RuleSqlOptions): Promise<SqlMatch[]> => {
  const c = compileRuleSql(rule, options)
  return rowsOf(await run(db, c.query)).map((r) => toMatch(c.plan, options.asOf, r))
}

/**
 * Counts the matches of a rule in the database.
 *
 * @example
 * ```ts
 * const n = await countRuleMatches(db, rule, { asOf: "2026-11-20" })
 * ```
 */
export const countRuleMatches = async (db: AnyPgDatabase, rule: Rule | RulePlan, options: RuleSqlOptions): Promise<number> => {
  const c = compileRuleSql(rule, options)
  return Number(rowsOf(await run(db, c.countQuery))[0]?.["n"] ?? 0)
}

/**
 * Streams the matches of a rule through a server-side cursor, `batchSize` rows at a time, so
 * memory stays flat however many customers match. Runs in one transaction.
 *
 * @example
 * ```ts
 * const { count } = await streamRuleMatches(db, rule, { asOf: "2026-11-20", batchSize: 5000 }, async (batch) => {
 *   await handOut(batch.map((m) => m.customerId))
 * })
 * ```
 */
export const streamRuleMatches = async (
  db: AnyPgDatabase,
  rule: Rule | RulePlan,
  options: RuleSqlOptions & { readonly batchSize?: number | undefined },
  onBatch: (batch: ReadonlyArray<SqlMatch>) => Promise<void> | void
): Promise<{ readonly count: number }> => {
  const c = compileRuleSql(rule, options)
  const size = Math.max(1, Math.floor(options.batchSize ?? 5000))
  const cursor = `wb_rules_${Math.random().toString(36).slice(2, 10)}`
  let count = 0
  await db.transaction(async (tx) => {
    // Every row is fetched: plan the cursor for the whole result, not for its first tenth.
    await tx.execute(sql`set local cursor_tuple_fraction = 1`)
    await tx.execute(sql`set local jit = off`)
    await tx.execute(sql`declare ${sql.identifier(cursor)} no scroll cursor for ${c.query}`)
    for (;;) {
      const rows = rowsOf(await tx.execute(sql`fetch forward ${sql.raw(String(size))} from ${sql.identifier(cursor)}`))
      if (!rows.length) break
      count += rows.length
      await onBatch(rows.map((r) => toMatch(c.plan, options.asOf, r)))
      if (rows.length < size) break
    }
    await tx.execute(sql`close ${sql.identifier(cursor)}`)
  })
  return { count }
}

/**
 * Backtest in the database: the number of customers the rule picks as of each of the last `days` days.
 *
 * @example
 * ```ts
 * const perDay = await previewRuleSql(db, draft.rule, { asOf: "2026-11-20", days: 7 })
 * ```
 */
export const previewRuleSql = async (
  db: AnyPgDatabase,
  rule: Rule | RulePlan,
  options: RuleSqlOptions & { readonly days?: number | undefined }
): Promise<Array<{ day: string; count: number }>> => {
  const catalog = options.catalog ?? defaultFactCatalog
  const plan = "leaves" in rule ? rule : planRule(assertValidRule(rule, { catalog }), catalog)
  const end = dayNumber(options.asOf)
  const out: Array<{ day: string; count: number }> = []
  for (let d = end - (options.days ?? 7) + 1; d <= end; d++) {
    const dayIso = isoDay(d)
    out.push({ day: dayIso, count: await countRuleMatches(db, plan, { ...options, asOf: dayIso }) })
  }
  return out
}

/**
 * Overlap of a draft with other (active) rules as of a day, in the database: customers picked by
 * both, by the draft only, and by the other only — what the approver sees before approving.
 *
 * @example
 * ```ts
 * const overlap = await overlapRuleSql(db, draft.rule, [{ id: "silent", rule: active.rule }], { asOf: "2026-11-20" })
 * // [{ id: "silent", both: 120, draftOnly: 301, otherOnly: 56 }]
 * ```
 */
export const overlapRuleSql = async (
  db: AnyPgDatabase,
  draft: Rule | RulePlan,
  others: ReadonlyArray<{ readonly id: string; readonly rule: Rule | RulePlan }>,
  options: RuleSqlOptions
): Promise<Array<{ id: string; both: number; draftOnly: number; otherOnly: number }>> => {
  const mine = compileRuleSql(draft, options).query
  const out: Array<{ id: string; both: number; draftOnly: number; otherOnly: number }> = []
  for (const o of others) {
    const theirs = compileRuleSql(o.rule, options).query
    const r = rowsOf(
      await db.execute(sql`select count(*) filter (where a.customer_id is not null and b.customer_id is not null)::int as both,
        count(*) filter (where b.customer_id is null)::int as draft_only, count(*) filter (where a.customer_id is null)::int as other_only
        from (select customer_id from (${mine}) wb_a) a full join (select customer_id from (${theirs}) wb_b) b on a.customer_id = b.customer_id`)
    )[0]
    out.push({ id: o.id, both: Number(r?.["both"] ?? 0), draftOnly: Number(r?.["draft_only"] ?? 0), otherOnly: Number(r?.["other_only"] ?? 0) })
  }
  return out
}

/**
 * One customer's trace from SQL: whether it matched, its leaf values and both sides of every comparison.
 *
 * @example
 * ```ts
 * const t: SqlTrace = { customerId: "42", matched: true, leaves: [180, 95], comparisons: [[-47.2, -30]] }
 * ```
 */
export interface SqlTrace {
  readonly customerId: string
  readonly matched: boolean
  readonly leaves: ReadonlyArray<number | null>
  readonly comparisons: ReadonlyArray<readonly [number | null, number | null]>
}

/**
 * Evaluates a rule for every customer in the database and returns the trace of each — the
 * values a differential test compares with the memory evaluator's explanation.
 *
 * @example
 * ```ts
 * const traces = await traceRuleSql(db, rule, { asOf: "2026-11-20" })
 * ```
 */
export const traceRuleSql = async (db: AnyPgDatabase, rule: Rule | RulePlan, options: RuleSqlOptions): Promise<SqlTrace[]> => {
  const c = compileRuleSql(rule, options)
  const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v))
  return rowsOf(await run(db, c.traceQuery)).map((r) => {
    const comparisons: Array<readonly [number | null, number | null]> = []
    for (let i = 0; `s${i}` in r; i += 2) comparisons.push([num(r[`s${i}`]), num(r[`s${i + 1}`])])
    return { customerId: String(r["customer_id"]), matched: r["wb_matched"] === true, leaves: c.plan.leaves.map((l) => num(r[`l${l.id}`])), comparisons }
  })
}
