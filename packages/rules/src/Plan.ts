/**
 * A rule planned for evaluation: its history reads ("leaves": window aggregates, streaks, event
 * counts, dates) collected and de-duplicated, tiers resolved to sets, and the condition rewritten
 * over leaf ids. Both evaluators start from the same plan — the memory evaluator computes leaves
 * with closures, the SQL compiler (in `@winback/adapters`) with aggregates — and explanations are
 * built from leaf values, so the two explain a match identically.
 */
import type { FactCatalog } from "./FactCatalog"
import { defaultFactCatalog, tierAttribute } from "./FactCatalog"
import type { Cmp, Condition, DateRef, NumExpr, Offset, Rule } from "./Rule"
import { type ExactSpec, exactLeaves, exactSpecOf } from "./internal/exact"
import type { Leaf, PlanNum } from "./PlanTerms"

export type { Leaf, PlanNum }

/**
 * A condition over leaves and attributes. Tier comparisons are resolved to the set of tiers allowed.
 *
 * @example
 * ```ts
 * const gold: PlanCond = { t: "attr", field: "tier", cmp: "in", values: ["gold", "diamond"] }
 * ```
 */
export type PlanCond =
  | { readonly t: "all" | "any"; readonly of: ReadonlyArray<PlanCond> }
  | { readonly t: "not"; readonly of: PlanCond }
  | {
      readonly t: "cmp"
      readonly l: PlanNum
      readonly cmp: Cmp
      readonly r: PlanNum
      /**
       * Set when every value both sides read is decimal (money with a `scale`, integers, counts,
       * days): the leaves it reads with how to recover their exact values. Near ties are then
       * decided in exact arithmetic, identically in memory and SQL.
       */
      readonly exact?: ReadonlyMap<number, ExactSpec> | undefined
    }
  | { readonly t: "attr"; readonly field: string; readonly cmp: "=" | "!=" | "in" | "notIn" | "isNull" | "notNull"; readonly values: ReadonlyArray<string | boolean>; readonly tier?: { readonly cmp: Cmp; readonly value: string } | undefined }
  | { readonly t: "dateBetween"; readonly leaf: number; readonly from: Offset | undefined; readonly to: Offset | undefined }
  | { readonly t: "anniversary"; readonly leaf: number }

/**
 * A planned rule.
 *
 * @example
 * ```ts
 * const plan = planRule({ when: { op: "tier", cmp: ">=", value: "gold" } })
 * plan.attributes // ["tier"]
 * ```
 */
export interface RulePlan {
  readonly rule: Rule
  readonly catalog: FactCatalog
  readonly leaves: ReadonlyArray<Leaf>
  readonly when: PlanCond
  /** Attributes the rule reads (explanations show them). */
  readonly attributes: ReadonlyArray<string>
}

const cmpNums = (a: number, cmp: Cmp, b: number): boolean =>
  cmp === "<" ? a < b : cmp === "<=" ? a <= b : cmp === ">" ? a > b : cmp === ">=" ? a >= b : cmp === "=" ? a === b : a !== b

/**
 * Plans a rule (which must be valid — see `validateRule`) against a catalogue.
 *
 * @example
 * ```ts
 * import { planRule, defaultFactCatalog } from "@winback/rules"
 * const plan = planRule({ when: { op: "compare", left: { kind: "monthly", fn: "value", metric: "billAmount", months: 1 }, cmp: "=", right: 0 } }, defaultFactCatalog)
 * plan.leaves.length // 1
 * ```
 */
export const planRule = (rule: Rule, catalog: FactCatalog = defaultFactCatalog): RulePlan => {
  const leaves: Leaf[] = []
  const keys = new Map<string, number>()
  const attributes = new Set<string>()
  const leaf = (key: string, make: (id: number) => Leaf): number => {
    const found = keys.get(key)
    if (found !== undefined) return found
    const id = leaves.length
    leaves.push(make(id))
    keys.set(key, id)
    return id
  }
  const dateLeaf = (ref: DateRef): number => {
    if (ref.kind === "attribute") attributes.add(ref.field)
    const norm = ref.kind === "monthField" ? { ...ref, monthsAgo: ref.monthsAgo ?? 0 } : ref
    return leaf(JSON.stringify(["date", norm]), (id) => ({ id, kind: "date", ref: norm }))
  }
  const num = (e: NumExpr): PlanNum => {
    if (typeof e === "number") return { t: "const", v: e }
    switch (e.kind) {
      case "attribute":
        attributes.add(e.field)
        return { t: "leaf", leaf: leaf(JSON.stringify(["attr", e.field]), (id) => ({ id, kind: "attribute", field: e.field })), as: e.as }
      case "byAttribute":
        attributes.add(e.field)
        return { t: "table", field: e.field, values: new Map(Object.entries(e.values)), otherwise: e.otherwise ?? null, as: e.as }
      case "daily": {
        const lo = e.skip ?? 0
        const l = { kind: "daily", fn: e.fn, metric: e.metric, where: e.where, lo, hi: lo + e.days - 1, complete: e.complete ?? false } as const
        return { t: "leaf", leaf: leaf(JSON.stringify(l), (id) => ({ id, ...l })), as: e.as }
      }
      case "monthly": {
        const lo = e.skip ?? 0
        const l = { kind: "monthly", fn: e.fn, metric: e.metric, lo, hi: lo + e.months - 1, complete: e.complete ?? false } as const
        return { t: "leaf", leaf: leaf(JSON.stringify(l), (id) => ({ id, ...l })), as: e.as }
      }
      case "streak": {
        const l = { kind: "streak", where: e.where, days: e.days, mode: e.mode ?? "current" } as const
        return { t: "leaf", leaf: leaf(JSON.stringify(l), (id) => ({ id, ...l })), as: e.as }
      }
      case "events": {
        const lo = e.skip ?? 0
        const l = { kind: "events", types: [...e.types].sort(), lo, hi: lo + e.days - 1 } as const
        return { t: "leaf", leaf: leaf(JSON.stringify(l), (id) => ({ id, ...l })), as: e.as }
      }
      case "daysSince":
        return { t: "daysSince", leaf: dateLeaf(e.date), as: e.as }
      case "arith":
        return { t: "arith", op: e.op, l: num(e.left), r: num(e.right), as: e.as }
      case "pctChange":
        return { t: "pct", from: num(e.from), to: num(e.to), as: e.as }
    }
  }
  const tierField = tierAttribute(catalog) ?? "tier"
  const cond = (c: Condition): PlanCond => {
    switch (c.op) {
      case "all":
      case "any":
        return { t: c.op, of: c.of.map(cond) }
      case "not":
        return { t: "not", of: cond(c.of) }
      case "compare": {
        const l = num(c.left)
        const r = num(c.right)
        const specs = leaves.map((x) => exactSpecOf(x, catalog))
        const left = exactLeaves(l, specs)
        const exact = left && exactLeaves(r, specs, left)
        return exact ? { t: "cmp", l, cmp: c.cmp, r, exact } : { t: "cmp", l, cmp: c.cmp, r }
      }
      case "attribute": {
        attributes.add(c.field)
        const v = c.value
        const values: ReadonlyArray<string | boolean> = v === undefined ? [] : Array.isArray(v) ? v : [v as string | boolean]
        return { t: "attr", field: c.field, cmp: c.cmp, values }
      }
      case "tier": {
        attributes.add(tierField)
        const rank = catalog.tiers.indexOf(c.value)
        const allowed = catalog.tiers.filter((_, i) => cmpNums(i, c.cmp, rank))
        return { t: "attr", field: tierField, cmp: "in", values: allowed, tier: { cmp: c.cmp, value: c.value } }
      }
      case "dateBetween":
        return { t: "dateBetween", leaf: dateLeaf(c.date), from: c.from, to: c.to }
      case "anniversary":
        return { t: "anniversary", leaf: dateLeaf(c.date) }
    }
  }
  const when = cond(rule.when)
  return { rule, catalog, leaves, when, attributes: [...attributes] }
}
