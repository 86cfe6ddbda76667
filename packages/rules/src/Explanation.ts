/**
 * Explanations: why a customer matched (or not), built from leaf values — the numbers a rule read
 * from the history. The memory evaluator and the SQL compiler both produce leaf values, and both
 * go through {@link explainLeaves}, so a match is explained the same way wherever it was found:
 * "bill 95 vs 3-month average 180, −47.2%, threshold for gold 30%".
 */
import type { Leaf, PlanCond, PlanNum, RulePlan } from "./Plan"
import type { DailyCondition, DateRef } from "./Rule"
import { addOffset, dayNumber, isoDay } from "./internal/dates"
import { type Access, compileCond, compileNum } from "./internal/semantics"

/**
 * One node of an explanation tree: the condition, its outcome and a sentence with the values.
 *
 * @example
 * ```ts
 * const n: ExplanationNode = { op: "compare", result: true, text: "billAmount this month 95 < 0.7 × average billAmount over the previous 3 months 180 (= 126)" }
 * ```
 */
export interface ExplanationNode {
  readonly op: string
  readonly result: boolean
  readonly text: string
  readonly children?: ReadonlyArray<ExplanationNode>
}

/**
 * Why a customer matched (or did not) as of a day.
 *
 * - `summary`: one line (from the rule's `summary` template, else the decisive conditions);
 * - `values`: every named (`as`) value; `attributes`: the attributes the rule read;
 * - `leaves`: raw leaf values (what the differential test compares between evaluators).
 *
 * @example
 * ```ts
 * const e = compiled.explain(facts, "2026-11-20")
 * console.log(e.summary) // "bill 95 vs 3-month average 180, −47.2%, threshold for gold 30%"
 * ```
 */
export interface Explanation {
  readonly customerId: string
  readonly asOf: string
  readonly matched: boolean
  readonly summary: string
  readonly values: Readonly<Record<string, number | null>>
  readonly attributes: Readonly<Record<string, unknown>>
  readonly leaves: ReadonlyArray<number | null>
  /** Both sides of every comparison, depth-first in rule order (what SQL traces are checked against). */
  readonly comparisons: ReadonlyArray<readonly [number | null, number | null]>
  readonly tree: ExplanationNode
}

interface LeafRow {
  readonly leaves: ReadonlyArray<number | null>
  readonly attrs: Readonly<Record<string, unknown>>
}

const rowAccess: Access<LeafRow> = {
  leaf: (id) => (x) => x.leaves[id] ?? null,
  attr: (field) => (x) => x.attrs[field] ?? null
}

/**
 * Formats a number for explanations: integers as they are, others with at most two decimals.
 *
 * @example
 * ```ts
 * formatNumber(126.00000000000001) // "126"
 * ```
 */
export const formatNumber = (v: number | null): string => {
  if (v === null) return "n/a"
  if (Number.isInteger(v)) return String(v)
  return String(Number(v.toFixed(2)))
}

/**
 * Formats a percentage with its sign and one decimal (`−47.2%`, `+12%`).
 *
 * @example
 * ```ts
 * formatPercent(-47.22) // "−47.2%"
 * ```
 */
export const formatPercent = (v: number | null): string => {
  if (v === null) return "n/a"
  const r = Number(Math.abs(v).toFixed(1))
  return `${v < 0 && r !== 0 ? "−" : v > 0 && r !== 0 ? "+" : ""}${r}%`
}

const window = (lo: number, hi: number, unit: "day" | "month"): string => {
  const n = hi - lo + 1
  if (unit === "month") {
    if (lo === 0 && hi === 0) return "this month"
    if (lo === 1 && hi === 1) return "last month"
    if (lo === 1) return `the previous ${n} months`
    if (lo === 0) return `the last ${n} months`
    return `months −${hi}…−${lo}`
  }
  if (lo === 0 && hi === 0) return "today"
  if (lo === 1 && hi === 1) return "yesterday"
  if (lo === 0) return `the last ${n} days`
  return `days −${hi}…−${lo}`
}

const fnWord: Record<string, string> = { sum: "total", avg: "average", min: "minimum", max: "maximum", count: "number of", value: "" }

/**
 * Describes a daily predicate in words.
 *
 * @example
 * ```ts
 * describeDaily({ op: "metric", metric: "outgoingCalls", cmp: "=", value: 0 }) // "outgoingCalls = 0"
 * ```
 */
export const describeDaily = (c: DailyCondition): string => {
  switch (c.op) {
    case "all":
      return c.of.map(describeDaily).join(" and ")
    case "any":
      return `(${c.of.map(describeDaily).join(" or ")})`
    case "not":
      return `not ${describeDaily(c.of)}`
    case "metric":
      return c.value === true && c.cmp === "=" ? c.metric : `${c.metric} ${c.cmp} ${String(c.value)}`
  }
}

const describeDate = (r: DateRef): string =>
  r.kind === "attribute"
    ? r.field
    : r.kind === "monthField"
      ? `${r.field} of ${window(r.monthsAgo ?? 0, r.monthsAgo ?? 0, "month")}`
      : `the last ${r.types.join("/")} event`

/**
 * Describes a leaf (one read of the history) in words.
 *
 * @example
 * ```ts
 * describeLeaf({ id: 0, kind: "monthly", fn: "avg", metric: "billAmount", lo: 1, hi: 3, complete: false })
 * // "average billAmount over the previous 3 months"
 * ```
 */
export const describeLeaf = (l: Leaf): string => {
  switch (l.kind) {
    case "attribute":
      return l.field
    case "date":
      return describeDate(l.ref)
    case "monthly":
      return l.fn === "value" ? `${l.metric} ${window(l.lo, l.hi, "month")}` : `${fnWord[l.fn]} ${l.metric} over ${window(l.lo, l.hi, "month")}`
    case "daily": {
      const w = window(l.lo, l.hi, "day")
      const filter = l.where ? ` on days with ${describeDaily(l.where)}` : ""
      if (l.fn === "count") return `days${filter ? ` with ${describeDaily(l.where!)}` : " with data"} in ${w}`
      return l.fn === "value" ? `${l.metric} ${w}${filter}` : `${fnWord[l.fn]} ${l.metric} over ${w}${filter}`
    }
    case "streak":
      return l.mode === "current"
        ? `consecutive days with ${describeDaily(l.where)} up to the day`
        : `longest run of days with ${describeDaily(l.where)} in the last ${l.days} days`
    case "events":
      return `${l.types.join("/")} events in ${window(l.lo, l.hi, "day")}`
  }
}

const opWord = { "+": "+", "-": "−", "*": "×", "/": "÷" } as const

/**
 * Builds the explanation of one customer from the leaf values an evaluator computed.
 *
 * @example
 * ```ts
 * import { explainLeaves, planRule } from "@winback/rules"
 * const plan = planRule({ when: { op: "compare", left: { kind: "monthly", fn: "value", metric: "billAmount", months: 1 }, cmp: "=", right: 0 } })
 * explainLeaves(plan, "42", "2026-11-20", [0], {}).matched // true
 * ```
 */
export const explainLeaves = (
  plan: RulePlan,
  customerId: string,
  asOf: string,
  leaves: ReadonlyArray<number | null>,
  attrs: Readonly<Record<string, unknown>>
): Explanation => {
  const D = dayNumber(asOf)
  const row: LeafRow = { leaves, attrs }
  const values: Record<string, number | null> = {}
  const comparisons: Array<readonly [number | null, number | null]> = []
  const num = (e: PlanNum): { text: string; value: number | null } => {
    const value = compileNum(e, rowAccess, D)(row)
    if (e.as) values[e.as] = value
    switch (e.t) {
      case "const":
        return { text: formatNumber(e.v), value }
      case "leaf":
        return { text: `${describeLeaf(plan.leaves[e.leaf]!)} ${formatNumber(value)}`, value }
      case "table": {
        const k = attrs[e.field]
        return { text: `${e.as ?? "threshold"} for ${e.field} ${typeof k === "string" ? k : "n/a"} ${formatNumber(value)}`, value }
      }
      case "daysSince": {
        const l = plan.leaves[e.leaf]!
        return { text: `days since ${describeLeaf(l)} ${formatNumber(value)}`, value }
      }
      case "arith": {
        const l = num(e.l)
        const r = num(e.r)
        return { text: `${l.text} ${opWord[e.op]} ${r.text} (= ${formatNumber(value)})`, value }
      }
      case "pct": {
        const f = num(e.from)
        const t = num(e.to)
        return { text: `change from ${f.text} to ${t.text} ${formatPercent(value)}`, value }
      }
    }
  }
  const node = (c: PlanCond): ExplanationNode => {
    const result = compileCond(c, rowAccess, D)(row)
    switch (c.t) {
      case "all":
      case "any": {
        const children = c.of.map(node)
        return { op: c.t, result, text: `${c.t} of ${children.length} conditions ${result ? "hold" : "fail"}`, children }
      }
      case "not": {
        const child = node(c.of)
        return { op: "not", result, text: `not (${child.text})`, children: [child] }
      }
      case "cmp": {
        const l = num(c.l)
        const r = num(c.r)
        comparisons.push([l.value, r.value])
        return { op: "compare", result, text: `${l.text} ${c.cmp} ${r.text}` }
      }
      case "attr": {
        const v = attrs[c.field]
        const shown = v === null || v === undefined ? "missing" : String(v)
        const target = c.tier ? `${c.tier.cmp} ${c.tier.value}` : c.cmp === "isNull" || c.cmp === "notNull" ? c.cmp : `${c.cmp} ${c.values.map(String).join(", ")}`
        return { op: c.tier ? "tier" : "attribute", result, text: `${c.field} ${shown} ${target}` }
      }
      case "dateBetween": {
        const d = leaves[c.leaf] ?? null
        const bounds = [c.from ? `from ${isoDay(addOffset(D, c.from))}` : "", c.to ? `before ${isoDay(addOffset(D, c.to))}` : ""].filter(Boolean).join(" ")
        return { op: "dateBetween", result, text: `${describeLeaf(plan.leaves[c.leaf]!)} ${d === null ? "missing" : isoDay(d)} ${bounds}` }
      }
      case "anniversary": {
        const d = leaves[c.leaf] ?? null
        return { op: "anniversary", result, text: `${describeLeaf(plan.leaves[c.leaf]!)} ${d === null ? "missing" : isoDay(d)} ${result ? "falls" : "does not fall"} on ${asOf}` }
      }
    }
  }
  const tree = node(plan.when)
  const attributes: Record<string, unknown> = {}
  for (const a of plan.attributes) attributes[a] = attrs[a] ?? null
  const summary = plan.rule.summary ? fill(plan.rule.summary, values, attributes) : decisive(tree).join("; ")
  return { customerId, asOf, matched: tree.result, summary, values, attributes, leaves, comparisons, tree }
}

const decisive = (n: ExplanationNode): string[] => {
  if (!n.children || n.op === "not") return [n.text]
  const wanted = n.children.filter((c) => c.result === n.result)
  return wanted.flatMap(decisive)
}

const fill = (template: string, values: Record<string, number | null>, attrs: Record<string, unknown>): string =>
  template.replace(/\{(@?)([A-Za-z0-9_]+)(?:\|(pct|abs))?\}/g, (_, at: string, name: string, fmt: string | undefined) => {
    if (at) {
      const v = attrs[name]
      return v === null || v === undefined ? "n/a" : String(v)
    }
    const v = values[name] ?? null
    if (fmt === "pct") return formatPercent(v)
    if (fmt === "abs") return formatNumber(v === null ? null : Math.abs(v))
    return formatNumber(v)
  })
