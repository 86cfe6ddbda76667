// The semantics of planned conditions, compiled to closures over an accessor. The fast memory
// path (accessor = indexed facts) and explanations (accessor = leaf values, from memory or SQL)
// share this code, so a match and its explanation can never disagree.
import type { PlanCond, PlanNum } from "../Plan"
import type { Cmp } from "../Rule"
import { addOffset, civil } from "./civil"
import { compareQ, evalExact, nearTie, type Q, recover, TIE } from "./exact"

export interface Access<X> {
  readonly leaf: (id: number) => (x: X) => number | null
  readonly attr: (field: string) => (x: X) => unknown
  /** Optional fused `attribute === value` test (saves a call per record on the hot path). */
  readonly attrIs?: ((field: string, value: unknown) => (x: X) => boolean) | undefined
}

export type NumFn<X> = (x: X) => number | null
export type CondFn<X> = (x: X) => boolean

export const arith = (op: "+" | "-" | "*" | "/", a: number, b: number): number | null =>
  op === "+" ? a + b : op === "-" ? a - b : op === "*" ? a * b : b === 0 ? null : a / b

/** (to - from) / from * 100, null when from is 0 — the same IEEE operations as the SQL. */
export const pct = (from: number, to: number): number | null => (from === 0 ? null : ((to - from) / from) * 100)

export const compare = (a: number, cmp: Cmp, b: number): boolean =>
  cmp === "<" ? a < b : cmp === "<=" ? a <= b : cmp === ">" ? a > b : cmp === ">=" ? a >= b : cmp === "=" ? a === b : a !== b

const cmpFn = (cmp: Cmp): ((a: number, b: number) => boolean) =>
  cmp === "<"
    ? (a, b) => a < b
    : cmp === "<="
      ? (a, b) => a <= b
      : cmp === ">"
        ? (a, b) => a > b
        : cmp === ">="
          ? (a, b) => a >= b
          : cmp === "="
            ? (a, b) => a === b
            : (a, b) => a !== b

/** Anniversary test: same month and day, 29 February counting on 28 February of other years. */
export const anniversaryOn = (asOf: number): ((day: number) => boolean) => {
  const d = civil(asOf)
  const leap = (d.y % 4 === 0 && d.y % 100 !== 0) || d.y % 400 === 0
  const feb28 = !leap && d.m === 2 && d.d === 28
  return (day) => {
    const c = civil(day)
    return (c.m === d.m && c.d === d.d) || (feb28 && c.m === 2 && c.d === 29)
  }
}

export const compileNum = <X>(e: PlanNum, acc: Access<X>, asOf: number): NumFn<X> => {
  switch (e.t) {
    case "const": {
      const v = e.v
      return () => v
    }
    case "leaf":
      return acc.leaf(e.leaf)
    case "table": {
      const get = acc.attr(e.field)
      const values = e.values
      const otherwise = e.otherwise
      return (x) => {
        const k = get(x)
        if (typeof k === "string") {
          const v = values.get(k)
          if (v !== undefined) return v
        }
        return otherwise
      }
    }
    case "arith": {
      const l = compileNum(e.l, acc, asOf)
      const op = e.op
      if (e.l.t === "const" && op === "*") {
        const c = e.l.v
        const r = compileNum(e.r, acc, asOf)
        return (x) => {
          const b = r(x)
          return b === null ? null : c * b
        }
      }
      const r = compileNum(e.r, acc, asOf)
      return (x) => {
        const a = l(x)
        if (a === null) return null
        const b = r(x)
        return b === null ? null : arith(op, a, b)
      }
    }
    case "pct": {
      const f = compileNum(e.from, acc, asOf)
      const t = compileNum(e.to, acc, asOf)
      return (x) => {
        const a = f(x)
        if (a === null) return null
        const b = t(x)
        return b === null ? null : pct(a, b)
      }
    }
    case "daysSince": {
      const l = acc.leaf(e.leaf)
      return (x) => {
        const d = l(x)
        return d === null ? null : asOf - d
      }
    }
  }
}

export const compileCond = <X>(c: PlanCond, acc: Access<X>, asOf: number): CondFn<X> => {
  switch (c.t) {
    case "all": {
      const fs = c.of.map((o) => compileCond(o, acc, asOf))
      if (fs.length === 0) return () => true
      if (fs.length === 1) return fs[0]!
      if (fs.length === 2) {
        const [a, b] = fs as [CondFn<X>, CondFn<X>]
        return (x) => a(x) && b(x)
      }
      return (x) => {
        for (const f of fs) if (!f(x)) return false
        return true
      }
    }
    case "any": {
      const fs = c.of.map((o) => compileCond(o, acc, asOf))
      return (x) => {
        for (const f of fs) if (f(x)) return true
        return false
      }
    }
    case "not": {
      const f = compileCond(c.of, acc, asOf)
      return (x) => !f(x)
    }
    case "cmp": {
      const l = compileNum(c.l, acc, asOf)
      if (c.exact) {
        // Doubles decide unless the sides are within a hair of each other; then exact rationals do.
        const r = compileNum(c.r, acc, asOf)
        const op = cmpFn(c.cmp)
        const cmp = c.cmp
        const specs = c.exact
        const leafFns = new Map([...specs.keys()].map((id) => [id, acc.leaf(id)] as const))
        const exactly = (x: X): boolean => {
          const leaf = (id: number): Q | null => {
            const v = leafFns.get(id)!(x)
            return v === null ? null : recover(v, specs.get(id)!)
          }
          const attr = (f: string): unknown => acc.attr(f)(x)
          const qa = evalExact(c.l, leaf, attr, asOf)
          if (qa === null) return false
          const qb = evalExact(c.r, leaf, attr, asOf)
          return qb !== null && compareQ(qa, cmp, qb)
        }
        // The hot shape (bill below a share of a baseline) without the call through `op`.
        if (cmp === "<")
          return (x) => {
            const a = l(x)
            if (a === null) return false
            const b = r(x)
            if (b === null) return false
            const d = a - b
            return (d < 0 ? -d : d) > TIE * ((a < 0 ? -a : a) + (b < 0 ? -b : b)) ? a < b : exactly(x)
          }
        return (x) => {
          const a = l(x)
          if (a === null) return false
          const b = r(x)
          if (b === null) return false
          return nearTie(a, b) ? exactly(x) : op(a, b)
        }
      }
      if (c.r.t === "const") {
        const b = c.r.v
        const op = cmpFn(c.cmp)
        return (x) => {
          const a = l(x)
          return a !== null && op(a, b)
        }
      }
      const r = compileNum(c.r, acc, asOf)
      // The most common shapes without the extra call through `op`.
      if (c.cmp === "<")
        return (x) => {
          const a = l(x)
          if (a === null) return false
          const b = r(x)
          return b !== null && a < b
        }
      if (c.cmp === ">")
        return (x) => {
          const a = l(x)
          if (a === null) return false
          const b = r(x)
          return b !== null && a > b
        }
      const op = cmpFn(c.cmp)
      return (x) => {
        const a = l(x)
        if (a === null) return false
        const b = r(x)
        return b !== null && op(a, b)
      }
    }
    case "attr": {
      const get = acc.attr(c.field)
      const values = c.values
      switch (c.cmp) {
        case "isNull":
          return (x) => get(x) == null
        case "notNull":
          return (x) => get(x) != null
        case "=":
        case "in": {
          if (values.length === 1) {
            const v0 = values[0]
            if (acc.attrIs) return acc.attrIs(c.field, v0)
            return (x) => get(x) === v0
          }
          const set = new Set(values)
          return (x) => {
            const v = get(x)
            return v != null && set.has(v as string)
          }
        }
        case "!=":
        case "notIn": {
          const set = new Set(values)
          return (x) => {
            const v = get(x)
            return v != null && !set.has(v as string)
          }
        }
      }
      break
    }
    case "dateBetween": {
      const l = acc.leaf(c.leaf)
      const lower = c.from ? addOffset(asOf, c.from) : -Infinity
      const upper = c.to ? addOffset(asOf, c.to) : Infinity
      return (x) => {
        const d = l(x)
        return d !== null && d >= lower && d < upper
      }
    }
    case "anniversary": {
      const l = acc.leaf(c.leaf)
      const on = anniversaryOn(asOf)
      return (x) => {
        const d = l(x)
        return d !== null && on(d)
      }
    }
  }
  throw new Error("unreachable")
}
