/**
 * The compiled in-memory evaluator. A rule is validated and planned once; binding it to an as-of
 * day turns the plan into a tree of closures over indexed facts (window bounds, tier sets and date
 * bounds are constants by then), so nothing is interpreted per customer. Batch APIs walk arrays.
 */
import type { FactCatalog } from "./FactCatalog"
import { defaultFactCatalog } from "./FactCatalog"
import { type Explanation, explainLeaves } from "./Explanation"
import { planRule, type RulePlan } from "./Plan"
import type { Rule } from "./Rule"
import { assertValidRule, type ValidateOptions } from "./Validate"
import { dayNumber } from "./internal/dates"
import { compileLeaf, fullLayoutOf, type IndexedFacts, indexCustomer, layoutOf, needsOf, rawIndexer } from "./internal/memory"
import { type Access, compileCond } from "./internal/semantics"

export type { IndexedFacts } from "./internal/memory"

/**
 * One customer's facts in the shape of the fact catalogue: attributes, daily and monthly usage
 * rows (any order), and events. The types of `@winback/core` fit it.
 *
 * @example
 * ```ts
 * const facts: CustomerFacts = {
 *   customer: { id: "42", tier: "gold", lineStatus: "active", paymentType: "postpaid" },
 *   monthly: [{ month: "2026-10", billAmount: 95, billDate: "2026-11-01" }],
 *   events: [{ type: "complaint-resolved", at: "2026-11-19T09:30:00Z" }]
 * }
 * ```
 */
export interface CustomerFacts {
  readonly customer: Readonly<Record<string, unknown>> & { readonly id: string }
  readonly daily?: ReadonlyArray<Readonly<Record<string, unknown>> & { readonly day: string }> | undefined
  readonly monthly?: ReadonlyArray<Readonly<Record<string, unknown>> & { readonly month: string }> | undefined
  readonly events?: ReadonlyArray<{ readonly type: string; readonly at: string | Date }> | undefined
}

/**
 * Indexes customers' facts once (sorted numeric arrays) for fast repeated evaluation. Worth it
 * when several rules (or several as-of days) run over the same customers; for one rule over
 * fresh records, `CompiledRule.countRaw` / `filterRaw` skip this step and are faster end to end.
 *
 * @example
 * ```ts
 * import { indexFacts } from "@winback/rules"
 * const indexed = indexFacts([{ customer: { id: "42", tier: "gold" } }])
 * ```
 */
export const indexFacts = (facts: ReadonlyArray<CustomerFacts>, catalog: FactCatalog = defaultFactCatalog): IndexedFacts[] => {
  const layout = fullLayoutOf(catalog)
  const n = facts.length
  const out = new Array<IndexedFacts>(n)
  for (let i = 0; i < n; i++) {
    const f = facts[i]!
    out[i] = indexCustomer(layout, f.customer, f.daily, f.monthly, f.events)
  }
  return out
}

/**
 * Indexes one customer's facts.
 *
 * @example
 * ```ts
 * const one = indexCustomerFacts({ customer: { id: "42", tier: "gold" } })
 * ```
 */
export const indexCustomerFacts = (facts: CustomerFacts, catalog: FactCatalog = defaultFactCatalog): IndexedFacts =>
  indexCustomer(fullLayoutOf(catalog), facts.customer, facts.daily, facts.monthly, facts.events)

/**
 * A rule compiled for memory evaluation.
 *
 * @example
 * ```ts
 * const rule = compileRule(billDrop)
 * // One pass over fresh records: no indexing step, usage read only where the rule needs it.
 * const n = rule.countRaw(rawCustomers, "2026-11-20")
 * // Many rules over the same customers: index once, then bind each rule to the day.
 * const customers = indexFacts(rawCustomers)
 * const test = rule.at("2026-11-20")          // bind once per batch
 * const picked = customers.filter(test)
 * const why = picked.map((c) => rule.explain(c, "2026-11-20"))
 * ```
 */
export interface CompiledRule {
  readonly plan: RulePlan
  /** Binds the rule to an as-of day (`YYYY-MM-DD`); the predicate is closures only. */
  readonly at: (asOf: string) => (facts: IndexedFacts) => boolean
  /** Evaluates one customer. */
  readonly matches: (facts: IndexedFacts, asOf: string) => boolean
  /** The customers that match, in input order. */
  readonly filter: (facts: ReadonlyArray<IndexedFacts>, asOf: string) => IndexedFacts[]
  /** The number of customers that match. */
  readonly count: (facts: ReadonlyArray<IndexedFacts>, asOf: string) => number
  /** The values the rule reads for one customer (one per plan leaf). */
  readonly leafValues: (facts: IndexedFacts, asOf: string) => Array<number | null>
  /** Why the customer matches or not. */
  readonly explain: (facts: IndexedFacts, asOf: string) => Explanation
  /**
   * Binds the rule to an as-of day for raw {@link CustomerFacts}, with no `indexFacts` step: a
   * customer's usage is indexed only when the rule reaches a leaf that reads it (a customer that
   * fails an attribute test first is never indexed), and then only the parts the rule reads.
   * Same results as `at` on indexed facts; use it for one pass over fresh records, and
   * `indexFacts` + `at` when many rules run over the same customers.
   */
  readonly atRaw: (asOf: string) => (facts: CustomerFacts) => boolean
  /** The number of raw customers' facts that match (see `atRaw`). */
  readonly countRaw: (facts: ReadonlyArray<CustomerFacts>, asOf: string) => number
  /** The raw customers' facts that match, in input order (see `atRaw`). */
  readonly filterRaw: (facts: ReadonlyArray<CustomerFacts>, asOf: string) => CustomerFacts[]
}

/**
 * Options of {@link compileRule}.
 *
 * @example
 * ```ts
 * const options: CompileOptions = { catalog: defaultFactCatalog, validate: true }
 * ```
 */
export interface CompileOptions extends ValidateOptions {
  /** Validate first (default true); a bad rule throws `ValidationError`. */
  readonly validate?: boolean | undefined
}

const factsAccess = (plan: RulePlan, asOf: number): Access<IndexedFacts> => {
  const leafFns = plan.leaves.map((l) => compileLeaf(l, asOf, plan.catalog))
  return {
    leaf: (id) => leafFns[id]!,
    attr: (field) => (f) => f.attrs[field],
    attrIs: (field, value) => (f) => f.attrs[field] === value
  }
}

// Raw facts: attributes read straight from the record; leaves index the customer on first use
// (once per evaluation, shared by every leaf of it) with only the parts the plan reads.
const rawPredicate = (plan: RulePlan, asOf: number): ((c: CustomerFacts) => boolean) => {
  const catalog = plan.catalog
  const index = rawIndexer(layoutOf(catalog, needsOf(plan.leaves)), asOf)
  let of: CustomerFacts | undefined
  let cur: IndexedFacts | undefined
  const indexed = (c: CustomerFacts): IndexedFacts => {
    if (of !== c) {
      cur = index(c)
      of = c
    }
    return cur!
  }
  const leafFns = plan.leaves.map((l): ((c: CustomerFacts) => number | null) => {
    if (l.kind === "attribute") {
      const k = l.field
      return (c) => {
        const v = c.customer[k]
        return typeof v === "number" ? v : null
      }
    }
    const g = compileLeaf(l, asOf, catalog)
    return (c) => g(indexed(c))
  })
  const cond = compileCond<CustomerFacts>(
    plan.when,
    {
      leaf: (id) => leafFns[id]!,
      attr: (field) => (c) => c.customer[field],
      attrIs: (field, value) => (c) => c.customer[field] === value
    },
    asOf
  )
  return (c) => {
    of = undefined
    cur = undefined
    return cond(c)
  }
}

/**
 * Validates, plans and compiles a rule for memory evaluation.
 *
 * @example
 * ```ts
 * import { compileRule, indexFacts } from "@winback/rules"
 * const zeroBill = compileRule({ when: { op: "compare", left: { kind: "monthly", fn: "value", metric: "billAmount", months: 1 }, cmp: "=", right: 0 } })
 * zeroBill.count(indexFacts(customers), "2026-11-20")
 * ```
 */
export const compileRule = (rule: Rule, options: CompileOptions = {}): CompiledRule => {
  const catalog = options.catalog ?? defaultFactCatalog
  if (options.validate !== false) assertValidRule(rule, options)
  const plan = planRule(rule, catalog)
  const cache = new Map<string, (f: IndexedFacts) => boolean>()
  const at = (asOf: string): ((f: IndexedFacts) => boolean) => {
    let fn = cache.get(asOf)
    if (!fn) {
      const D = dayNumber(asOf)
      fn = compileCond(plan.when, factsAccess(plan, D), D)
      if (cache.size > 64) cache.clear()
      cache.set(asOf, fn)
    }
    return fn
  }
  const rawCache = new Map<string, (f: CustomerFacts) => boolean>()
  const atRaw = (asOf: string): ((f: CustomerFacts) => boolean) => {
    let fn = rawCache.get(asOf)
    if (!fn) {
      fn = rawPredicate(plan, dayNumber(asOf))
      if (rawCache.size > 64) rawCache.clear()
      rawCache.set(asOf, fn)
    }
    return fn
  }
  const leafValues = (f: IndexedFacts, asOf: string): Array<number | null> => {
    const D = dayNumber(asOf)
    return plan.leaves.map((l) => compileLeaf(l, D, plan.catalog)(f))
  }
  return {
    plan,
    at,
    matches: (f, asOf) => at(asOf)(f),
    filter: (fs, asOf) => {
      const test = at(asOf)
      const out: IndexedFacts[] = []
      for (let i = 0; i < fs.length; i++) if (test(fs[i]!)) out.push(fs[i]!)
      return out
    },
    count: (fs, asOf) => {
      const test = at(asOf)
      let n = 0
      for (let i = 0; i < fs.length; i++) if (test(fs[i]!)) n++
      return n
    },
    atRaw,
    countRaw: (fs, asOf) => {
      const test = atRaw(asOf)
      let n = 0
      for (let i = 0; i < fs.length; i++) if (test(fs[i]!)) n++
      return n
    },
    filterRaw: (fs, asOf) => {
      const test = atRaw(asOf)
      const out: CustomerFacts[] = []
      for (let i = 0; i < fs.length; i++) if (test(fs[i]!)) out.push(fs[i]!)
      return out
    },
    leafValues,
    explain: (f, asOf) => explainLeaves(plan, f.id, asOf, leafValues(f, asOf), f.attrs)
  }
}
