/**
 * SurveyJS expression syntax → a small raw tree (names and literals still as SurveyJS wrote them),
 * plus SurveyJS's value comparison rules, used by the importer to resolve literals against choice
 * values at import time. Depth-limited so hostile input fails with a short typed message.
 */

/** A raw SurveyJS expression: names unresolved, literals as written. */
export type SjNode =
  | { readonly k: "ref"; readonly name: string }
  | { readonly k: "lit"; readonly v: string | number | boolean | null }
  | { readonly k: "list"; readonly items: ReadonlyArray<string | number | boolean | null> }
  | { readonly k: "bin"; readonly op: SjOp; readonly l: SjNode; readonly r: SjNode }
  | { readonly k: "empty"; readonly negate: boolean; readonly x: SjNode }
  | { readonly k: "and" | "or"; readonly items: ReadonlyArray<SjNode> }
  | { readonly k: "not"; readonly x: SjNode }

export type SjOp = "==" | "!=" | "<" | "<=" | ">" | ">=" | "contains" | "notcontains" | "anyof" | "allof" | "noneof"

/** Deepest nesting an expression may have (parentheses, `!`, and/or chains). */
export const MAX_EXPRESSION_DEPTH = 100

const OPS: ReadonlyArray<readonly [string, SjOp | "empty" | "notempty"]> = [
  ["notempty", "notempty"],
  ["isnotempty", "notempty"],
  ["empty", "empty"],
  ["isempty", "empty"],
  ["anyof", "anyof"],
  ["allof", "allof"],
  ["noneof", "noneof"],
  ["notcontains", "notcontains"],
  ["contains", "contains"],
  ["notequal", "!="],
  ["equal", "=="],
  ["greaterorequal", ">="],
  ["lessorequal", "<="],
  ["greater", ">"],
  ["less", "<"],
  ["===", "=="],
  ["!==", "!="],
  ["==", "=="],
  ["!=", "!="],
  ["<>", "!="],
  [">=", ">="],
  ["=>", ">="],
  ["<=", "<="],
  ["=<", "<="],
  ["=", "=="],
  [">", ">"],
  ["<", "<"]
]

/** Thrown by {@link parseSurveyJsExpression}; the message is short (never the whole expression). */
export class SjSyntaxError extends Error {}

/**
 * Parses a SurveyJS condition (`{age} > 15 and {plan} anyof ['a', 'b']`).
 *
 * @example
 * ```ts
 * parseSurveyJsExpression("{q} = 'x'") // { k: "bin", op: "==", l: { k: "ref", name: "q" }, r: { k: "lit", v: "x" } }
 * ```
 */
export function parseSurveyJsExpression(s: string): SjNode {
  let i = 0
  let depth = 0
  const fail = (msg: string): never => {
    throw new SjSyntaxError(msg)
  }
  const deeper = (): void => {
    if (++depth > MAX_EXPRESSION_DEPTH) fail(`nested deeper than ${MAX_EXPRESSION_DEPTH} levels`)
  }
  const ws = (): void => {
    while (i < s.length && /\s/.test(s[i]!)) i++
  }
  const near = (): string => JSON.stringify(s.slice(i, i + 12))
  const eat = (...words: string[]): string | undefined => {
    ws()
    for (const w of words) {
      if (s.slice(i, i + w.length).toLowerCase() !== w) continue
      const after = s[i + w.length] ?? ""
      if (/[a-z]/.test(w[w.length - 1]!) && /[A-Za-z0-9_]/.test(after)) continue
      i += w.length
      return w
    }
    return undefined
  }
  const or = (): SjNode => {
    deeper()
    const items = [and()]
    while (eat("||", "or")) items.push(and())
    depth--
    return items.length === 1 ? items[0]! : { k: "or", items }
  }
  const and = (): SjNode => {
    const items = [not()]
    while (eat("&&", "and")) items.push(not())
    return items.length === 1 ? items[0]! : { k: "and", items }
  }
  const not = (): SjNode => {
    ws()
    if ((s[i] === "!" && s[i + 1] !== "=") || eat("not") !== undefined) {
      if (s[i] === "!") i++
      deeper()
      const x = not()
      depth--
      return { k: "not", x }
    }
    return cmp()
  }
  const cmp = (): SjNode => {
    const l = operand()
    ws()
    const found = OPS.find(([w]) => {
      if (s.slice(i, i + w.length).toLowerCase() !== w) return false
      return !(/[a-z]/.test(w[w.length - 1]!) && /[A-Za-z0-9_]/.test(s[i + w.length] ?? ""))
    })
    if (found === undefined) return l
    i += found[0].length
    const op = found[1]
    if (op === "empty" || op === "notempty") return { k: "empty", negate: op === "notempty", x: l }
    return { k: "bin", op, l, r: operand() }
  }
  const literal = (): string | number | boolean | null => {
    const x = operand()
    if (x.k !== "lit") return fail("a list may hold only literal values")
    return x.v
  }
  const operand = (): SjNode => {
    ws()
    const c = s[i]
    if (c === undefined) return fail("unexpected end")
    if (c === "(") {
      i++
      const e = or()
      ws()
      if (s[i] !== ")") fail(`expected ) near ${near()}`)
      i++
      return e
    }
    if (c === "[") {
      i++
      deeper()
      const items: Array<string | number | boolean | null> = []
      for (;;) {
        ws()
        if (s[i] === "]") break
        items.push(literal())
        ws()
        if (s[i] === ",") i++
        else if (s[i] !== "]") fail(`expected , or ] near ${near()}`)
      }
      i++
      depth--
      return { k: "list", items }
    }
    if (c === "{") {
      const end = s.indexOf("}", i)
      if (end < 0) fail("unterminated {")
      const name = s.slice(i + 1, end).trim()
      i = end + 1
      if (name === "") fail("empty reference {}")
      return { k: "ref", name }
    }
    if (c === "'" || c === '"') {
      const end = s.indexOf(c, i + 1)
      if (end < 0) fail("unterminated string")
      const v = s.slice(i + 1, end)
      i = end + 1
      return { k: "lit", v }
    }
    const num = /^-?\d+(\.\d+)?(?![A-Za-z_])/.exec(s.slice(i))
    if (num) {
      i += num[0].length
      return { k: "lit", v: Number(num[0]) }
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i))
    if (word) {
      const w = word[0]
      const after = s.slice(i + w.length).trimStart()
      if (after.startsWith("(")) fail(`the function ${w}() is not supported`)
      const lw = w.toLowerCase()
      if (lw === "true" || lw === "false") {
        i += w.length
        return { k: "lit", v: lw === "true" }
      }
      if (lw === "null" || lw === "undefined") {
        i += w.length
        return { k: "lit", v: null }
      }
      // survey-core reads a bare word as a string constant (`{q} = yes`).
      i += w.length
      return { k: "lit", v: w }
    }
    return fail(`unexpected ${near()}`)
  }
  const e = or()
  ws()
  if (i < s.length) fail(`unexpected ${near()}`)
  return e
}

type Val = string | number | boolean | null | undefined

const isEmptyVal = (v: Val): boolean => v === null || v === undefined || v === ""

function asNumber(v: Val): number | undefined {
  if (typeof v === "number") return v
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v)
  return undefined
}

/**
 * SurveyJS's equality for scalar values: numeric strings equal their numbers, booleans equal their
 * text ("true"), strings compare case-insensitively after trimming (survey-core's default
 * comparator), empty values equal each other.
 */
export function sjEquals(a: Val, b: Val): boolean {
  if (isEmptyVal(a) || isEmptyVal(b)) return isEmptyVal(a) && isEmptyVal(b)
  const na = asNumber(a)
  const nb = asNumber(b)
  if (na !== undefined && nb !== undefined) return na === nb
  return String(a).trim().toLowerCase() === String(b).trim().toLowerCase()
}

/** SurveyJS's ordering for scalar values: numbers when both read as numbers, else strings; empty is false. */
export function sjOrder(op: "<" | "<=" | ">" | ">=", a: Val, b: Val): boolean {
  if (isEmptyVal(a) || isEmptyVal(b)) return false
  const na = asNumber(a)
  const nb = asNumber(b)
  // survey-core never orders a number against a non-numeric text
  if ((typeof a === "number" && nb === undefined) || (typeof b === "number" && na === undefined)) return false
  const [x, y] = na !== undefined && nb !== undefined ? [na, nb] : [String(a), String(b)]
  return op === "<" ? x < y : op === "<=" ? x <= y : op === ">" ? x > y : x >= y
}

/** The names an expression reads. */
export function sjReferences(e: SjNode, out: string[] = []): string[] {
  switch (e.k) {
    case "ref":
      out.push(e.name)
      break
    case "bin":
      sjReferences(e.l, out)
      sjReferences(e.r, out)
      break
    case "empty":
    case "not":
      sjReferences(e.x, out)
      break
    case "and":
    case "or":
      for (const x of e.items) sjReferences(x, out)
      break
    default:
      break
  }
  return out
}
