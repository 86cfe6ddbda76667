/**
 * Representative values ("witnesses") per variable for the analysis: a small set of values such
 * that, for conditions comparing the variable with literals, every distinguishable case has one
 * representative. Exact for single-variable comparisons with literals; flagged inexact otherwise.
 */
import type { ExpressionNode, LiteralValue } from "../Expression"
import type { ContextField, Question } from "../Questionnaire"
import type { StoredValue } from "./Values"

export type Witness = StoredValue | boolean | null

export interface VarUse {
  literals: Set<LiteralValue>
  containsLiterals: Set<string>
  ordered: boolean
  counted: boolean
  varVar: boolean
}

// Shared, never-written empty sets: most variables meet few literals and no "contains", so the
// sets are only allocated on the first write (see `literalsOf`, `containsOf`).
const NO_LITERALS: Set<LiteralValue> = new Set()
const NO_CONTAINS: Set<string> = new Set()

export function emptyUse(): VarUse {
  return { literals: NO_LITERALS, containsLiterals: NO_CONTAINS, ordered: false, counted: false, varVar: false }
}

function literalsOf(u: VarUse): Set<LiteralValue> {
  if (u.literals === NO_LITERALS) u.literals = new Set()
  return u.literals
}

function containsOf(u: VarUse): Set<string> {
  if (u.containsLiterals === NO_CONTAINS) u.containsLiterals = new Set()
  return u.containsLiterals
}

const isRef = (e: ExpressionNode): e is Extract<ExpressionNode, { type: "answer" | "context" }> => e.type === "answer" || e.type === "context"
const refKey = (e: Extract<ExpressionNode, { type: "answer" | "context" }>): string => (e.type === "answer" ? e.question : `ctx.${e.field}`)
const unwrapCount = (e: ExpressionNode): { ref: ExpressionNode; counted: boolean } =>
  e.type === "call" && e.fn === "count" ? { ref: e.arg, counted: true } : { ref: e, counted: false }

function useOf(uses: Map<string, VarUse>, k: string): VarUse {
  let u = uses.get(k)
  if (u === undefined) uses.set(k, (u = emptyUse()))
  return u
}

/** Records how each variable is used by an expression (literals it meets, operators). */
export function collectUses(n: ExpressionNode, uses: Map<string, VarUse>): void {
  switch (n.type) {
    case "compare": {
      const l = unwrapCount(n.left)
      const r = unwrapCount(n.right)
      if (isRef(l.ref) && isRef(r.ref)) {
        useOf(uses, refKey(l.ref)).varVar = true
        useOf(uses, refKey(r.ref)).varVar = true
        return
      }
      const [ref, lit, counted] = isRef(l.ref) ? [l.ref, n.right, l.counted] : isRef(r.ref) ? [r.ref, n.left, r.counted] : [null, null, false]
      if (ref === null || !isRef(ref)) return
      const u = useOf(uses, refKey(ref))
      if (counted) u.counted = true
      if (lit !== null && lit.type === "literal") {
        if (!counted) literalsOf(u).add(lit.value)
        else if (typeof lit.value === "number") literalsOf(u).add(`#count:${lit.value}`)
      }
      if (n.op !== "==" && n.op !== "!=" && !counted) u.ordered = true
      return
    }
    case "in":
      if (isRef(n.value)) {
        const u = useOf(uses, refKey(n.value))
        for (const x of n.list) literalsOf(u).add(x)
      }
      return
    case "contains":
      if (isRef(n.collection)) {
        const u = useOf(uses, refKey(n.collection))
        if (n.value.type === "literal" && typeof n.value.value === "string") containsOf(u).add(n.value.value)
        else if (isRef(n.value)) u.varVar = true
      }
      return
    case "call":
      if (isRef(n.arg)) {
        const u = useOf(uses, refKey(n.arg))
        if (n.fn === "count") u.counted = true
      }
      return
    case "not":
      return collectUses(n.item, uses)
    case "and":
    case "or":
      for (let k = 0; k < n.items.length; k++) collectUses(n.items[k]!, uses)
      return
    default:
      return
  }
}

function numberWitnesses(lits: number[], min: number | undefined, max: number | undefined, integer: boolean): number[] {
  const s = [...new Set(lits)].sort((a, b) => a - b)
  const out = new Set<number>()
  for (const l of s) {
    out.add(l)
    out.add(l - 1)
    out.add(l + 1)
  }
  for (let k = 0; k + 1 < s.length; k++) out.add((s[k]! + s[k + 1]!) / 2)
  if (min !== undefined) out.add(min)
  if (max !== undefined) out.add(max)
  if (out.size === 0) out.add(min ?? max ?? 0)
  const res: number[] = []
  for (let v of out) {
    if (integer && !Number.isInteger(v)) {
      res.push(Math.floor(v), Math.ceil(v))
      continue
    }
    res.push(v)
  }
  return [...new Set(res)].filter((v) => (min === undefined || v >= min) && (max === undefined || v <= max)).sort((a, b) => a - b)
}

function shiftDay(iso: string, d: number): string | null {
  const t = Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10)))
  if (!Number.isFinite(t)) return null
  return new Date(t + d * 86400000).toISOString().slice(0, 10)
}

function stringWitnesses(u: VarUse): string[] {
  const out = new Set<string>()
  for (const l of u.literals) if (typeof l === "string") out.add(l)
  for (const c of u.containsLiterals) out.add(c)
  if (u.containsLiterals.size > 1) out.add([...u.containsLiterals].join(""))
  out.add("\u00a4other\u00a4")
  return [...out].filter((s) => s.length > 0)
}

export interface VarDomain {
  /** Candidate values, including null when the variable can be unanswered/absent. */
  values: Witness[]
  /** True when the witnesses decide every condition over this variable exactly. */
  exact: boolean
}

/** Witnesses for a question's answer. `canBeNull`: the question may be unanswered or hidden. */
export function questionDomain(q: Question, u: VarUse, canBeNull: boolean, canBeAnswered: boolean): VarDomain {
  if (!canBeAnswered) return { values: [null], exact: true }
  const nul: Witness[] = canBeNull ? [null] : []
  switch (q.type) {
    case "singleChoice": {
      // null (when allowed), the referenced choices in order, then the first unreferenced one.
      const values: Witness[] = canBeNull ? [null] : []
      let other: string | undefined
      for (const c of q.choices) {
        if (u.literals.has(c.id) || u.containsLiterals.has(c.id)) values.push(c.id)
        else if (other === undefined) other = c.id
      }
      if (other !== undefined) values.push(other)
      return { values, exact: !u.varVar && !u.ordered }
    }
    case "multipleChoice": {
      const ids = q.choices.map((c) => c.id)
      const referenced = ids.filter((id) => u.literals.has(id) || u.containsLiterals.has(id))
      const others = ids.filter((id) => !referenced.includes(id))
      const out: Witness[] = [...nul]
      const seen = new Set<string>()
      const add = (xs: string[]): void => {
        if (xs.length === 0) return
        const sorted = ids.filter((id) => xs.includes(id))
        const key = sorted.join("\u0000")
        if (!seen.has(key)) {
          seen.add(key)
          out.push(sorted)
        }
      }
      const k = Math.min(referenced.length, 6)
      for (let mask = 0; mask < 1 << k; mask++) {
        const sub = referenced.filter((_, b) => b < k && (mask & (1 << b)) !== 0)
        add(sub)
        if (others.length > 0) add([...sub, others[0]!])
        if (others.length > 1) add([...sub, ...others])
      }
      if (u.counted) for (let n = 1; n <= ids.length; n++) add(ids.slice(0, n))
      const max = q.maxSelected ?? ids.length
      const min = q.minSelected ?? 0
      const filtered = out.filter((w) => w === null || ((w as string[]).length >= min && (w as string[]).length <= max))
      return { values: filtered, exact: false }
    }
    case "rating": {
      if (q.max - q.min <= 20) {
        const vs: number[] = []
        for (let v = q.min; v <= q.max; v++) vs.push(v)
        return { values: [...nul, ...vs], exact: !u.varVar }
      }
      const lits = [...u.literals].filter((x): x is number => typeof x === "number")
      return { values: [...nul, ...numberWitnesses(lits, q.min, q.max, true)], exact: !u.varVar }
    }
    case "number": {
      const lits = [...u.literals].filter((x): x is number => typeof x === "number")
      return { values: [...nul, ...numberWitnesses(lits, q.min, q.max, q.integer === true)], exact: !u.varVar }
    }
    case "date": {
      const out = new Set<string>()
      for (const l of u.literals) {
        if (typeof l !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(l)) continue
        out.add(l)
        const a = shiftDay(l, -1)
        const b = shiftDay(l, 1)
        if (a !== null) out.add(a)
        if (b !== null) out.add(b)
      }
      out.add(q.min ?? "2000-01-01")
      if (q.max !== undefined) out.add(q.max)
      const vals = [...out].filter((d) => (q.min === undefined || d >= q.min) && (q.max === undefined || d <= q.max))
      return { values: [...nul, ...vals], exact: !u.varVar }
    }
    case "text":
    case "multilineText":
      return { values: [...nul, ...stringWitnesses(u)], exact: !u.varVar && !u.ordered && !(q.type === "text" && q.pattern !== undefined) && q.minLength === undefined && q.maxLength === undefined }
  }
}

/** Witnesses for a context field (declared or not). */
export function contextDomain(spec: ContextField | undefined, u: VarUse): VarDomain {
  if (spec === undefined) {
    const lits = [...u.literals].filter((l) => typeof l !== "string" || !l.startsWith("#count:"))
    return { values: [null, ...new Set([...lits.filter((l) => l !== null), ...stringWitnesses(u), 0, true, false])] as Witness[], exact: false }
  }
  switch (spec.type) {
    case "choice":
      return { values: [null, ...spec.values], exact: !u.varVar }
    case "boolean":
      return { values: [null, true, false], exact: !u.varVar }
    case "number": {
      const lits = [...u.literals].filter((x): x is number => typeof x === "number")
      return { values: [null, ...numberWitnesses(lits, undefined, undefined, false)], exact: !u.varVar }
    }
    case "string":
      return { values: [null, ...stringWitnesses(u)], exact: !u.varVar && !u.ordered }
  }
}
