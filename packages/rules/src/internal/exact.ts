// Exact decimal comparisons. Leaves over decimal facts (money with a `scale`, integers, counts,
// days) evaluate to correctly rounded doubles of exact rationals (integer units / 10^scale /
// count), so the rational can be recovered from the double alone. A comparison decides on doubles
// unless its two sides are within a hair of each other; then it recomputes both sides in exact
// rational arithmetic (BigInt). The SQL compiler in @winback/adapters applies the same rule with
// numeric arithmetic, so both evaluators decide every tie identically — and correctly.
import type { FactCatalog } from "../FactCatalog"
import type { Leaf, PlanNum } from "../PlanTerms"
import type { Cmp } from "../Rule"

/** A rational with a positive denominator. */
export interface Q {
  readonly n: bigint
  readonly d: bigint
}

/** How to recover a leaf's exact value from its double: units of 10^-scale, averaged over at most `maxDen` rows. */
export interface ExactSpec {
  readonly scale: number
  readonly maxDen: number
}

/** Relative distance under which two doubles are a possible tie and are compared exactly. */
export const TIE = 1e-9

/** True when a comparison of `a` and `b` must be decided exactly. */
export const nearTie = (a: number, b: number): boolean => Math.abs(a - b) <= TIE * (Math.abs(a) + Math.abs(b))

const POW10 = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000]

/**
 * A value in integer units of 10^-scale, as PostgreSQL's `round(x::numeric, scale)` computes it:
 * the double's 15 significant digits (`%.15g`), rounded half away from zero.
 */
export const toUnits = (x: number, scale: number): number => {
  if (!Number.isFinite(x)) return x
  const t = x * POW10[scale]!
  const r = Math.round(t)
  // Values already on the grid (every cent-valued bill) take the fast path.
  if (Math.abs(t - r) < 1e-6) return r === 0 ? 0 : r
  const [mant, expPart] = x.toPrecision(15).split("e")
  const neg = mant!.startsWith("-")
  const [ip, fp = ""] = (neg ? mant!.slice(1) : mant!).split(".")
  const exp = Number(expPart ?? 0) + scale - fp.length
  let digits = BigInt(ip! + fp)
  if (exp >= 0) digits *= 10n ** BigInt(exp)
  else {
    const div = 10n ** BigInt(-exp)
    const q = digits / div
    digits = (digits % div) * 2n >= div ? q + 1n : q
  }
  const v = Number(digits)
  return neg ? -v : v
}

const gcd = (a: bigint, b: bigint): bigint => {
  a = a < 0n ? -a : a
  while (b !== 0n) [a, b] = [b, a % b]
  return a
}
const q = (n: bigint, d: bigint): Q => {
  if (d < 0n) [n, d] = [-n, -d]
  const g = gcd(n, d)
  return g > 1n ? { n: n / g, d: d / g } : { n, d }
}

/** The rational a decimal constant means (its shortest round-trip digits). */
export const fromDecimal = (v: number): Q => {
  const [mant, expPart] = String(v).split("e")
  const neg = mant!.startsWith("-")
  const [ip, fp = ""] = (neg ? mant!.slice(1) : mant!).split(".")
  const exp = Number(expPart ?? 0) - fp.length
  const digits = BigInt(ip! + fp) * (neg ? -1n : 1n)
  return exp >= 0 ? { n: digits * 10n ** BigInt(exp), d: 1n } : q(digits, 10n ** BigInt(-exp))
}

/** The exact value behind a leaf's double (see the module comment); the nearest grid value. */
export const recover = (v: number, spec: ExactSpec): Q => {
  const unit = POW10[spec.scale]!
  for (let c = 1; c <= spec.maxDen; c++) {
    const s = Math.round(v * (unit * c))
    if (s / (unit * c) === v) return q(BigInt(s), BigInt(unit * c))
  }
  return q(BigInt(Math.round(v * unit)), BigInt(unit))
}

const metricSpec = (catalog: FactCatalog, kind: "daily" | "monthly", metric: string | undefined, fn: string, rows: number): ExactSpec | undefined => {
  if (fn === "count") return { scale: 0, maxDen: 1 }
  const f = metric === undefined ? undefined : catalog[kind][metric]
  if (!f) return undefined
  const scale = f.type === "int" || f.type === "boolean" ? 0 : f.type === "number" ? f.scale : undefined
  if (scale === undefined) return undefined
  return { scale, maxDen: fn === "avg" ? rows : 1 }
}

/** The exact spec of a leaf, or undefined when its values are plain doubles. */
export const exactSpecOf = (leaf: Leaf, catalog: FactCatalog): ExactSpec | undefined => {
  switch (leaf.kind) {
    case "daily":
      return metricSpec(catalog, "daily", leaf.metric, leaf.fn, leaf.hi - leaf.lo + 1)
    case "monthly":
      return metricSpec(catalog, "monthly", leaf.metric, leaf.fn, leaf.hi - leaf.lo + 1)
    case "streak":
    case "events":
    case "date":
      return { scale: 0, maxDen: 1 }
    case "attribute": {
      const f = catalog.attributes[leaf.field]
      return f?.type === "int" ? { scale: 0, maxDen: 1 } : f?.type === "number" && f.scale !== undefined ? { scale: f.scale, maxDen: 1 } : undefined
    }
  }
}

/** The leaves an expression reads; undefined when one of them has no exact spec. */
export const exactLeaves = (e: PlanNum, specs: ReadonlyArray<ExactSpec | undefined>, out: Map<number, ExactSpec> = new Map()): Map<number, ExactSpec> | undefined => {
  switch (e.t) {
    case "const":
    case "table":
      return out
    case "leaf":
    case "daysSince": {
      const s = specs[e.leaf]
      if (!s) return undefined
      out.set(e.leaf, s)
      return out
    }
    case "arith":
      return exactLeaves(e.l, specs, out) && exactLeaves(e.r, specs, out)
    case "pct":
      return exactLeaves(e.from, specs, out) && exactLeaves(e.to, specs, out)
  }
}

const ZERO = 0n
const add = (a: Q, b: Q): Q => q(a.n * b.d + b.n * a.d, a.d * b.d)
const sub = (a: Q, b: Q): Q => q(a.n * b.d - b.n * a.d, a.d * b.d)
const mul = (a: Q, b: Q): Q => q(a.n * b.n, a.d * b.d)
const div = (a: Q, b: Q): Q | null => (b.n === ZERO ? null : q(a.n * b.d, a.d * b.n))
const HUNDRED: Q = { n: 100n, d: 1n }

/** Evaluates an expression exactly; `leaf` gives the exact leaf values, `attr` the attributes. */
export const evalExact = (e: PlanNum, leaf: (id: number) => Q | null, attr: (field: string) => unknown, asOf: number): Q | null => {
  switch (e.t) {
    case "const":
      return fromDecimal(e.v)
    case "leaf":
      return leaf(e.leaf)
    case "table": {
      const k = attr(e.field)
      const v = typeof k === "string" ? e.values.get(k) : undefined
      const x = v !== undefined ? v : e.otherwise
      return x === null ? null : fromDecimal(x)
    }
    case "daysSince": {
      const d = leaf(e.leaf)
      return d === null ? null : sub({ n: BigInt(asOf), d: 1n }, d)
    }
    case "arith": {
      const a = evalExact(e.l, leaf, attr, asOf)
      if (a === null) return null
      const b = evalExact(e.r, leaf, attr, asOf)
      if (b === null) return null
      return e.op === "+" ? add(a, b) : e.op === "-" ? sub(a, b) : e.op === "*" ? mul(a, b) : div(a, b)
    }
    case "pct": {
      const f = evalExact(e.from, leaf, attr, asOf)
      if (f === null) return null
      const t = evalExact(e.to, leaf, attr, asOf)
      if (t === null) return null
      const r = div(sub(t, f), f)
      return r === null ? null : mul(r, HUNDRED)
    }
  }
}

/** Compares two rationals. */
export const compareQ = (a: Q, cmp: Cmp, b: Q): boolean => {
  const l = a.n * b.d
  const r = b.n * a.d
  return cmp === "<" ? l < r : cmp === "<=" ? l <= r : cmp === ">" ? l > r : cmp === ">=" ? l >= r : cmp === "=" ? l === r : l !== r
}
