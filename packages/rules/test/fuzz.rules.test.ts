/**
 * Fuzzing rule definitions (issue 9, item 3): arbitrary JSON and nearly-valid rules go through
 * validate → compile → evaluate / explain / preview, and template parameters through instantiate.
 * The only failure allowed is the package's `ValidationError` with located issues; a rule that
 * validates must compile and evaluate on any customer without throwing, and its explanation must
 * agree with its verdict. (Evaluator.test.ts already checks the bill-drop template's arithmetic and
 * matches/explain agreement for that one template; this covers every shape of rule.)
 *
 * CI: about 3,500 cases. `WINBACK_HEAVY=1`: ten times as many.
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  catalogue,
  compileRule,
  type CustomerFacts,
  defaultFactCatalog,
  indexFacts,
  instantiate,
  preview,
  type Rule,
  validateRule,
  ValidationError
} from "@winback/rules"

const heavy = process.env.WINBACK_HEAVY === "1"
const runs = (n: number) => (heavy ? n * 10 : n)

// ---- arbitraries -------------------------------------------------------------------------------
const known = <T>(values: ReadonlyArray<T>, other: fc.Arbitrary<T>) => fc.oneof({ arbitrary: fc.constantFrom(...values), weight: 5 }, { arbitrary: other, weight: 1 })
const cat = defaultFactCatalog
const attrName = known(Object.keys(cat.attributes), fc.string({ maxLength: 8 }))
const dailyName = known(Object.keys(cat.daily), fc.string({ maxLength: 8 }))
const monthlyName = known(Object.keys(cat.monthly), fc.string({ maxLength: 8 }))
const eventType = known(cat.eventTypes, fc.string({ maxLength: 8 }))
const tierName = known(cat.tiers, fc.string({ maxLength: 6 }))
const cmp = fc.constantFrom("<", "<=", ">", ">=", "=", "!=")
const smallInt = fc.oneof({ arbitrary: fc.integer({ min: -2, max: 30 }), weight: 6 }, { arbitrary: fc.integer({ min: 100, max: 5000 }), weight: 1 }, { arbitrary: fc.integer(), weight: 1 })
const number = fc.oneof(
  { arbitrary: fc.integer({ min: -100, max: 1000 }), weight: 6 },
  { arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }), weight: 2 },
  { arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, Number.MAX_VALUE), weight: 1 }
)
const as = fc.option(fc.constantFrom("thisMonth", "baseline", "days", "x", ""), { nil: undefined })
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined })
/** Drops `undefined` members (absent optional keys), as JSON would. */
const clean = <T extends Record<string, unknown>>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T

const { rule: ruleArb } = fc.letrec<{ daily: unknown; dateRef: unknown; num: unknown; cond: unknown; rule: unknown }>((tie) => ({
  daily: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.record({ op: fc.constant("metric"), metric: dailyName, cmp, value: fc.oneof(number, fc.boolean()) }),
    fc.record({ op: fc.constantFrom("all", "any"), of: fc.array(tie("daily"), { maxLength: 3 }) }),
    fc.record({ op: fc.constant("not"), of: tie("daily") })
  ),
  dateRef: fc.oneof(
    fc.record({ kind: fc.constant("attribute"), field: known(["birthday", "contractEnd", "activatedOn"], attrName) }),
    fc.record({ kind: fc.constant("monthField"), field: known(["billDate", "dueDate", "paidDate"], monthlyName), monthsAgo: opt(smallInt) }).map(clean),
    fc.record({ kind: fc.constant("lastEvent"), types: fc.array(eventType, { maxLength: 3 }) })
  ),
  num: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    number,
    fc.record({ kind: fc.constant("attribute"), field: attrName, as }).map(clean),
    fc
      .record({
        kind: fc.constant("byAttribute"),
        field: known(["tier", "lineStatus", "region", "paymentType"], attrName),
        values: fc.dictionary(known([...cat.tiers, "active", "beijing", "prepaid"], fc.string({ maxLength: 5 })), number, { maxKeys: 4 }),
        otherwise: fc.option(number, { nil: undefined, freq: 2 }),
        as
      })
      .map(clean),
    fc
      .record({
        kind: fc.constant("daily"),
        fn: fc.constantFrom("sum", "avg", "min", "max", "count", "value"),
        metric: opt(dailyName),
        where: opt(tie("daily")),
        days: smallInt,
        skip: opt(smallInt),
        complete: opt(fc.boolean()),
        as
      })
      .map(clean),
    fc
      .record({
        kind: fc.constant("monthly"),
        fn: fc.constantFrom("sum", "avg", "min", "max", "count", "value"),
        metric: monthlyName,
        months: smallInt,
        skip: opt(smallInt),
        complete: opt(fc.boolean()),
        as
      })
      .map(clean),
    fc.record({ kind: fc.constant("streak"), where: tie("daily"), days: smallInt, mode: opt(fc.constantFrom("current", "longest")), as }).map(clean),
    fc.record({ kind: fc.constant("events"), types: fc.array(eventType, { maxLength: 3 }), days: smallInt, skip: opt(smallInt), as }).map(clean),
    fc.record({ kind: fc.constant("daysSince"), date: tie("dateRef"), as }).map(clean),
    fc.record({ kind: fc.constant("arith"), op: fc.constantFrom("+", "-", "*", "/"), left: tie("num"), right: tie("num"), as }).map(clean),
    fc.record({ kind: fc.constant("pctChange"), from: tie("num"), to: tie("num"), as }).map(clean)
  ),
  cond: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.record({ op: fc.constant("compare"), left: tie("num"), cmp, right: tie("num") }),
    fc.record({
      op: fc.constant("attribute"),
      field: attrName,
      cmp: fc.constantFrom("=", "!=", "in", "notIn", "isNull", "notNull"),
      value: opt(fc.oneof(fc.string({ maxLength: 8 }), fc.boolean(), fc.array(known(["active", "gold", "prepaid"], fc.string({ maxLength: 5 })), { maxLength: 3 })))
    }).map(clean),
    fc.record({ op: fc.constant("tier"), cmp, value: tierName }),
    fc.record({ op: fc.constant("dateBetween"), date: tie("dateRef"), from: opt(fc.record({ days: opt(smallInt), months: opt(smallInt) }).map(clean)), to: opt(fc.record({ days: opt(smallInt), months: opt(smallInt) }).map(clean)) }).map(clean),
    fc.record({ op: fc.constant("anniversary"), date: tie("dateRef") }),
    fc.record({ op: fc.constantFrom("all", "any"), of: fc.array(tie("cond"), { maxLength: 3 }) }),
    fc.record({ op: fc.constant("not"), of: tie("cond") })
  ),
  rule: fc
    .record({
      when: tie("cond"),
      label: opt(fc.string({ maxLength: 10 })),
      summary: opt(fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom("{thisMonth} vs {baseline|pct}", "{@tier} {@nope} {", "{x|pct}{|}{@}", "}{{"))),
      on: opt(fc.array(eventType, { maxLength: 2 }))
    })
    .map(clean)
}))

/** One JSON-level mutation of a rule: a node deleted, replaced, given an extra key, or wrapped. */
type Mutation = { readonly kind: "delete" | "replace" | "extraKey" | "wrap"; readonly at: number; readonly value: unknown }
const mutation: fc.Arbitrary<Mutation> = fc.record({ kind: fc.constantFrom("delete", "replace", "extraKey", "wrap"), at: fc.nat(), value: fc.jsonValue({ maxDepth: 2 }) })

const nodes = (root: unknown): Array<{ parent: Record<string, unknown> | Array<unknown>; key: string | number }> => {
  const out: Array<{ parent: Record<string, unknown> | Array<unknown>; key: string | number }> = []
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach((x, i) => (out.push({ parent: v, key: i }), walk(x)))
    else if (v !== null && typeof v === "object") for (const [k, x] of Object.entries(v)) out.push({ parent: v as Record<string, unknown>, key: k }), walk(x)
  }
  walk(root)
  return out
}
const mutate = (rule: unknown, ms: ReadonlyArray<Mutation>): unknown => {
  const copy = structuredClone(rule)
  for (const m of ms) {
    const all = nodes(copy)
    if (all.length === 0) break
    const { parent, key } = all[m.at % all.length]!
    const p = parent as Record<string | number, unknown>
    if (m.kind === "delete") Array.isArray(parent) ? parent.splice(key as number, 1) : delete p[key]
    else if (m.kind === "replace") p[key] = m.value
    else if (m.kind === "wrap") p[key] = [p[key]]
    else if (p[key] !== null && typeof p[key] === "object" && !Array.isArray(p[key])) (p[key] as Record<string, unknown>).extra = m.value
  }
  return copy
}
const nearlyValid = fc.tuple(ruleArb, fc.array(mutation, { maxLength: 2 })).map(([r, ms]) => mutate(r, ms))

// Customers with usage around the as-of days the properties use (2026), some of it odd.
const isoDay = fc.integer({ min: Date.UTC(2024, 0, 1) / 86_400_000, max: Date.UTC(2027, 0, 31) / 86_400_000 }).map((d) => new Date(d * 86_400_000).toISOString().slice(0, 10))
const asOfDay = fc.constantFrom("2026-11-25", "2026-03-01", "2026-02-28", "2024-02-29", "2026-01-01", "2026-12-31")
const facts: fc.Arbitrary<Array<CustomerFacts>> = fc.array(
  fc.record({
    customer: fc.record({
      id: fc.string({ minLength: 1, maxLength: 6 }),
      tier: known(cat.tiers, fc.constant("vip")),
      lineStatus: fc.constantFrom("active", "suspended", "cancelled"),
      paymentType: fc.constantFrom("prepaid", "postpaid"),
      region: fc.constantFrom("beijing", "chongqing"),
      birthday: fc.option(isoDay, { nil: null }),
      contractEnd: fc.option(isoDay, { nil: null }),
      activatedOn: isoDay
    }),
    monthly: fc.array(
      fc.record({
        month: fc.integer({ min: 0, max: 35 }).map((i) => `${2024 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, "0")}`),
        billAmount: fc.oneof(fc.integer({ min: 0, max: 2000 }), fc.constant(0)),
        dataMb: fc.integer({ min: 0, max: 50_000 }),
        billDate: isoDay,
        dueDate: isoDay,
        paidDate: fc.option(isoDay, { nil: null })
      }),
      { maxLength: 8 }
    ),
    daily: fc.array(
      fc.record({
        day: fc.integer({ min: 0, max: 60 }).map((i) => new Date(Date.UTC(2026, 10, 25) - i * 86_400_000).toISOString().slice(0, 10)),
        outgoingCalls: fc.integer({ min: 0, max: 20 }),
        charge: fc.double({ min: 0, max: 100, noNaN: true }),
        forwardedToOtherOperator: fc.boolean()
      }),
      { maxLength: 10 }
    ),
    events: fc.array(fc.record({ type: known(cat.eventTypes, fc.constant("other")), at: isoDay.map((d) => `${d}T10:00:00Z`) }), { maxLength: 3 })
  }),
  { maxLength: 6 }
)

// ---- properties -----------------------------------------------------------------------------------
const wellFormed = (issues: ReadonlyArray<unknown>) => {
  for (const i of issues as ReadonlyArray<{ path: unknown; code: unknown; message: unknown }>) {
    expect(Array.isArray(i.path)).toBe(true)
    for (const p of i.path as Array<unknown>) expect(["string", "number"]).toContain(typeof p)
    expect(typeof i.code).toBe("string")
    expect(typeof i.message).toBe("string")
  }
}

/** validate → compile → evaluate: either a ValidationError naming the same issues, or a rule that runs on anyone. */
const checkRule = (input: unknown, customers: ReadonlyArray<CustomerFacts>, asOf: string): void => {
  const issues = validateRule(input)
  wellFormed(issues)
  let compiled: ReturnType<typeof compileRule>
  try {
    compiled = compileRule(input as Rule)
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError)
    expect(issues.length).toBeGreaterThan(0)
    expect((e as ValidationError).issues).toEqual(issues)
    return
  }
  expect(issues).toEqual([])
  const indexed = indexFacts(customers)
  const picked = compiled.filter(indexed, asOf)
  expect(compiled.count(indexed, asOf)).toBe(picked.length)
  // Straight from the raw facts (no indexFacts step): the same customers, in the same order.
  expect(compiled.filterRaw(customers, asOf)).toEqual(customers.filter((_, i) => picked.includes(indexed[i]!)))
  expect(compiled.countRaw(customers, asOf)).toBe(picked.length)
  for (const f of indexed) {
    const verdict = compiled.matches(f, asOf)
    expect(typeof verdict).toBe("boolean")
    const why = compiled.explain(f, asOf)
    expect(why.matched, "the explanation agrees with the verdict").toBe(verdict)
    expect(typeof why.summary).toBe("string")
  }
  const p = preview({ rule: compiled, facts: indexed, asOf, days: 3, others: [{ id: "self", rule: compiled }] })
  expect(p.days.map((d) => d.count)[2]).toBe(picked.length)
  expect(p.overlap[0]).toEqual({ id: "self", both: picked.length, draftOnly: 0, otherOnly: 0 })
}

describe("fuzz: rule definitions", { timeout: heavy ? 600_000 : 60_000 }, () => {
  it(`arbitrary JSON: validate reports located issues and compile throws only ValidationError (${runs(1000)} cases)`, () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.anything({ maxDepth: 3 })), (input) => checkRule(input, [], "2026-11-25")),
      { numRuns: runs(1000) }
    )
  })

  it(`a rule-shaped object with arbitrary leaves never crashes the validator (${runs(500)} cases)`, () => {
    fc.assert(
      fc.property(fc.record({ when: fc.record({ op: fc.constantFrom("all", "any", "not", "compare", "attribute", "tier", "dateBetween", "anniversary", "zzz"), of: fc.anything(), left: fc.anything(), right: fc.anything(), cmp: fc.anything(), date: fc.anything(), field: fc.anything(), value: fc.anything() }, { requiredKeys: ["op"] }) }), (input) =>
        checkRule(input, [], "2026-11-25")
      ),
      { numRuns: runs(500) }
    )
  })

  it(`nearly-valid rules: valid ones compile and evaluate, explain and preview on any customer; the rest fail with ValidationError (${runs(1500)} cases)`, () => {
    let valid = 0
    fc.assert(
      fc.property(fc.oneof({ arbitrary: ruleArb, weight: 2 }, { arbitrary: nearlyValid, weight: 1 }), facts, asOfDay, (input, customers, asOf) => {
        checkRule(input, customers, asOf)
        if (validateRule(input).length === 0) valid++
      }),
      { numRuns: runs(1500) }
    )
    // The generator must reach the evaluator, not only the validator.
    expect(valid).toBeGreaterThan(runs(1500) / 10)
  })

  it(`template parameters: instantiate returns a valid rule or throws ValidationError under params (${runs(500)} cases)`, () => {
    const paramsArb = fc.oneof(
      fc.dictionary(fc.constantFrom("dropPercent", "minDays", "months", "seconds", "days", "tiers", "threshold", "minTier", "x"), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
      fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<unknown>
    )
    fc.assert(
      fc.property(fc.constantFrom(...catalogue), paramsArb, (template, params) => {
        try {
          const r = instantiate(template, params as Record<string, unknown>)
          expect(validateRule(r.rule)).toEqual([])
        } catch (e) {
          expect(e).toBeInstanceOf(ValidationError)
          wellFormed((e as ValidationError).issues)
        }
      }),
      { numRuns: runs(500) }
    )
  })
})

describe("regressions found by the fuzzer", () => {
  it("a dateBetween offset beyond any date is refused by validation (it used to validate, then crash explain with RangeError)", () => {
    // Found by "nearly-valid rules" (fast-check seed 62277295): `to: { days: 99979127 }` is
    // 273,000 years ahead, past the last date JavaScript can represent.
    const rule = { when: { op: "dateBetween", date: { kind: "monthField", field: "dueDate" }, to: { days: 99_979_127, months: 3 } } }
    expect(validateRule(rule)).toEqual([{ path: ["when", "to", "days"], code: "out_of_range", message: expect.stringContaining("99979127") }])
    expect(() => compileRule(rule as Rule)).toThrow(ValidationError)
    // A century either way is still fine, and explains.
    const ok = compileRule({ when: { op: "dateBetween", date: { kind: "attribute", field: "contractEnd" }, from: { months: -1200 }, to: { days: 36_525 } } })
    const [f] = indexFacts([{ customer: { id: "c-1", contractEnd: "2027-01-31" } }])
    expect(ok.explain(f!, "2026-11-25")).toMatchObject({ matched: true })
  })
})
