/**
 * The one condition language of a questionnaire: show-if, required-if and jump conditions are all
 * written in it, either as text (`q1 == "price" and ctx.tier in ["gold", "diamond"]`) or as the AST
 * below (JSON data). Text is parsed once, at publish time; the runtime runs compiled closures.
 */
import * as z from "zod"
import { ExpressionSyntaxError } from "./Errors"

/**
 * A literal value in an expression: string, number, boolean or null.
 *
 * @example
 * ```ts
 * const v: LiteralValue = "gold"
 * ```
 */
export type LiteralValue = string | number | boolean | null

/**
 * Comparison operators. `=` and `<>` are accepted in text as aliases of `==` and `!=`.
 *
 * @example
 * ```ts
 * const op: CompareOperator = ">="
 * ```
 */
export type CompareOperator = "==" | "!=" | "<" | "<=" | ">" | ">="

/**
 * Functions of the language: `answered(q)`, `empty(q)`, `count(q)`.
 *
 * @example
 * ```ts
 * const fn: ExpressionFunction = "answered"
 * ```
 */
export type ExpressionFunction = "answered" | "empty" | "count"

/**
 * The expression AST. Conditions may be given as this data instead of text; both forms mean
 * exactly the same thing (`formatExpression` prints the canonical text of an AST).
 *
 * @example
 * ```ts
 * const e: ExpressionNode = {
 *   type: "and",
 *   items: [
 *     { type: "compare", op: "==", left: { type: "answer", question: "q1" }, right: { type: "literal", value: "price" } },
 *     { type: "in", value: { type: "context", field: "tier" }, list: ["gold", "diamond"] }
 *   ]
 * }
 * ```
 */
export type ExpressionNode =
  | { readonly type: "literal"; readonly value: LiteralValue }
  | { readonly type: "answer"; readonly question: string }
  | { readonly type: "context"; readonly field: string }
  | { readonly type: "compare"; readonly op: CompareOperator; readonly left: ExpressionNode; readonly right: ExpressionNode }
  | { readonly type: "in"; readonly value: ExpressionNode; readonly list: ReadonlyArray<LiteralValue>; readonly negate?: boolean | undefined }
  | { readonly type: "contains"; readonly collection: ExpressionNode; readonly value: ExpressionNode; readonly negate?: boolean | undefined }
  | { readonly type: "and"; readonly items: ReadonlyArray<ExpressionNode> }
  | { readonly type: "or"; readonly items: ReadonlyArray<ExpressionNode> }
  | { readonly type: "not"; readonly item: ExpressionNode }
  | { readonly type: "call"; readonly fn: ExpressionFunction; readonly arg: ExpressionNode }

const Literal = z.union([z.string(), z.number(), z.boolean(), z.null()])

/**
 * zod schema of {@link ExpressionNode} (recursive).
 *
 * @example
 * ```ts
 * ExpressionNode.parse({ type: "call", fn: "answered", arg: { type: "answer", question: "q2" } })
 * ```
 */
export const ExpressionNode: z.ZodType<ExpressionNode> = z.lazy(() =>
  z.discriminatedUnion("type", [
    z.object({ type: z.literal("literal"), value: Literal }),
    z.object({ type: z.literal("answer"), question: z.string().min(1) }),
    z.object({ type: z.literal("context"), field: z.string().min(1) }),
    z.object({
      type: z.literal("compare"),
      op: z.enum(["==", "!=", "<", "<=", ">", ">="]),
      left: ExpressionNode,
      right: ExpressionNode
    }),
    z.object({ type: z.literal("in"), value: ExpressionNode, list: z.array(Literal), negate: z.boolean().optional() }),
    z.object({ type: z.literal("contains"), collection: ExpressionNode, value: ExpressionNode, negate: z.boolean().optional() }),
    z.object({ type: z.literal("and"), items: z.array(ExpressionNode).min(1) }),
    z.object({ type: z.literal("or"), items: z.array(ExpressionNode).min(1) }),
    z.object({ type: z.literal("not"), item: ExpressionNode }),
    z.object({ type: z.literal("call"), fn: z.enum(["answered", "empty", "count"]), arg: ExpressionNode })
  ])
) as z.ZodType<ExpressionNode>

/**
 * A condition as written in a definition: expression text or AST data.
 *
 * @example
 * ```ts
 * const a: Condition = 'q1 == "price"'
 * const b: Condition = { type: "call", fn: "answered", arg: { type: "answer", question: "q1" } }
 * ```
 */
export const Condition = z.union([z.string().min(1), ExpressionNode])
/**
 * The type of {@link Condition}: what `Condition.parse(input)` returns.
 *
 * @example
 * ```ts
 * const value: Condition = Condition.parse(input)
 * ```
 */
export type Condition = z.infer<typeof Condition>

// ---------------------------------------------------------------------------------------------
// Lexer

type Token =
  | { kind: "str"; value: string; pos: number; end: number }
  | { kind: "num"; value: number; pos: number; end: number }
  | { kind: "id"; value: string; pos: number; end: number }
  | { kind: "op"; value: string; pos: number; end: number }
  | { kind: "eof"; pos: number; end: number }

const isDigit = (c: number): boolean => c >= 48 && c <= 57
const isIdStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95
const isIdPart = (c: number): boolean => isIdStart(c) || isDigit(c)

function lex(src: string): Token[] {
  const out: Token[] = []
  let i = 0
  const n = src.length
  while (i < n) {
    const code = src.charCodeAt(i)
    if (code === 32 || code === 9 || code === 10 || code === 13) {
      i++
      continue
    }
    const c = src[i]!
    const start = i
    if (c === '"' || c === "'") {
      i++
      let s = ""
      let closed = false
      while (i < n) {
        const d = src[i]!
        if (d === "\\") {
          const e = src[i + 1]
          if (e === undefined) break
          s += e === "n" ? "\n" : e === "t" ? "\t" : e
          i += 2
          continue
        }
        if (d === c) {
          closed = true
          i++
          break
        }
        s += d
        i++
      }
      if (!closed) throw new ExpressionSyntaxError(src, start, "Unterminated string", [`closing ${c}`])
      out.push({ kind: "str", value: s, pos: start, end: i })
      continue
    }
    if (isDigit(code) || (code === 45 && isDigit(src.charCodeAt(i + 1)))) {
      i++
      while (i < n && isDigit(src.charCodeAt(i))) i++
      if (src.charCodeAt(i) === 46 && isDigit(src.charCodeAt(i + 1))) {
        i++
        while (i < n && isDigit(src.charCodeAt(i))) i++
      }
      out.push({ kind: "num", value: Number(src.slice(start, i)), pos: start, end: i })
      continue
    }
    if (isIdStart(code)) {
      i++
      while (i < n && isIdPart(src.charCodeAt(i))) i++
      out.push({ kind: "id", value: src.slice(start, i), pos: start, end: i })
      continue
    }
    const two = src.slice(i, i + 2)
    if (two === "==" || two === "!=" || two === "<=" || two === ">=" || two === "<>" || two === "&&" || two === "||") {
      out.push({ kind: "op", value: two, pos: start, end: i + 2 })
      i += 2
      continue
    }
    if ("=<>()[],.!".includes(c)) {
      out.push({ kind: "op", value: c, pos: start, end: i + 1 })
      i++
      continue
    }
    throw new ExpressionSyntaxError(src, start, `Unexpected character ${JSON.stringify(c)}`)
  }
  out.push({ kind: "eof", pos: n, end: n })
  return out
}

// ---------------------------------------------------------------------------------------------
// Parser (recursive descent; precedence: or < and < not < comparison < operand)

/**
 * Words that cannot be used as question ids because the language reserves them.
 *
 * @example
 * ```ts
 * RESERVED_WORDS.has("count") // true
 * ```
 */
export const RESERVED_WORDS: ReadonlySet<string> = new Set([
  "and", "or", "not", "in", "contains", "true", "false", "null", "ctx", "answered", "empty", "count"
])

const COMPARE: Record<string, CompareOperator> = { "==": "==", "=": "==", "!=": "!=", "<>": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">=" }

class Parser {
  private i = 0
  constructor(
    private readonly src: string,
    private readonly toks: Token[]
  ) {}

  private get t(): Token {
    return this.toks[this.i]!
  }
  private fail(reason: string, expected: string[] = [], at = this.t.pos): never {
    throw new ExpressionSyntaxError(this.src, at, reason, expected)
  }
  private isWord(w: string): boolean {
    return this.t.kind === "id" && this.t.value === w
  }
  private isOp(o: string): boolean {
    return this.t.kind === "op" && this.t.value === o
  }
  private expectOp(o: string): void {
    if (!this.isOp(o)) this.fail(`Expected "${o}"`, [`"${o}"`])
    this.i++
  }

  parse(): ExpressionNode {
    if (this.t.kind === "eof") this.fail("Empty expression", ["a condition"])
    const e = this.or()
    if ((this.t as Token).kind !== "eof") this.fail("Unexpected input after the end of the expression", ["and", "or", "end of input"])
    return e
  }

  private or(): ExpressionNode {
    const items = [this.and()]
    while (this.isWord("or") || this.isOp("||")) {
      this.i++
      items.push(this.and())
    }
    return items.length === 1 ? items[0]! : { type: "or", items }
  }
  private and(): ExpressionNode {
    const items = [this.not()]
    while (this.isWord("and") || this.isOp("&&")) {
      this.i++
      items.push(this.not())
    }
    return items.length === 1 ? items[0]! : { type: "and", items }
  }
  private not(): ExpressionNode {
    if (this.isWord("not") || this.isOp("!")) {
      this.i++
      return { type: "not", item: this.not() }
    }
    return this.comparison()
  }
  private comparison(): ExpressionNode {
    const startTok = this.t
    const left = this.operand()
    const t = this.t
    if (t.kind === "op" && COMPARE[t.value] !== undefined) {
      this.i++
      const right = this.operand()
      return { type: "compare", op: COMPARE[t.value]!, left, right }
    }
    let negate = false
    const after = this.toks[this.i + 1]
    if (this.isWord("not") && after !== undefined && after.kind === "id" && (after.value === "in" || after.value === "contains")) {
      negate = true
      this.i++
    }
    if (this.isWord("in")) {
      this.i++
      const list = this.list()
      return negate ? { type: "in", value: left, list, negate: true } : { type: "in", value: left, list }
    }
    if (this.isWord("contains")) {
      this.i++
      const value = this.operand()
      return negate ? { type: "contains", collection: left, value, negate: true } : { type: "contains", collection: left, value }
    }
    // A bare operand must itself be boolean.
    if (left.type === "answer" || left.type === "context") {
      this.fail(
        `A reference alone is not a condition; compare it (${left.type === "answer" ? left.question : "ctx." + left.field} == ...) or use answered(...)`,
        ["==", "!=", "<", "<=", ">", ">=", "in", "contains"],
        t.pos
      )
    }
    if (left.type === "literal" && typeof left.value !== "boolean") {
      this.fail("A value alone is not a condition", ["a comparison"], startTok.pos)
    }
    if (left.type === "call" && left.fn === "count") {
      this.fail("count(...) is a number; compare it", ["==", "<", ">"], t.pos)
    }
    return left
  }
  private list(): LiteralValue[] {
    this.expectOp("[")
    const items: LiteralValue[] = []
    if (this.isOp("]")) {
      this.i++
      return items
    }
    for (;;) {
      items.push(this.literal())
      if (this.isOp(",")) {
        this.i++
        continue
      }
      this.expectOp("]")
      return items
    }
  }
  private literal(): LiteralValue {
    const t = this.t
    if (t.kind === "str" || t.kind === "num") {
      this.i++
      return t.value
    }
    if (t.kind === "id" && (t.value === "true" || t.value === "false" || t.value === "null")) {
      this.i++
      return t.value === "null" ? null : t.value === "true"
    }
    return this.fail("Expected a literal value", ["a string", "a number", "true", "false", "null"])
  }
  private operand(): ExpressionNode {
    const t = this.t
    if (t.kind === "str" || t.kind === "num") {
      this.i++
      return { type: "literal", value: t.value }
    }
    if (t.kind === "op" && t.value === "(") {
      this.i++
      const e = this.or()
      this.expectOp(")")
      return e
    }
    if (t.kind === "id") {
      if (t.value === "true" || t.value === "false" || t.value === "null") {
        this.i++
        return { type: "literal", value: t.value === "null" ? null : t.value === "true" }
      }
      if (t.value === "ctx") {
        this.i++
        this.expectOp(".")
        const f = this.t
        if (f.kind !== "id") this.fail("Expected a context field name after ctx.", ["a field name"])
        this.i++
        return { type: "context", field: f.value }
      }
      if (t.value === "answered" || t.value === "empty" || t.value === "count") {
        this.i++
        this.expectOp("(")
        const arg = this.operand()
        if (arg.type !== "answer" && arg.type !== "context") this.fail(`${t.value}(...) takes a question or a context field`, ["a question id"], t.pos)
        this.expectOp(")")
        return { type: "call", fn: t.value, arg }
      }
      if (RESERVED_WORDS.has(t.value)) this.fail(`Unexpected keyword "${t.value}"`, ["a value", "a question id"])
      this.i++
      return { type: "answer", question: t.value }
    }
    if (t.kind === "eof") this.fail("Unexpected end of expression", ["a value"])
    return this.fail(`Unexpected "${t.value}"`, ["a value", "a question id", "("])
  }
}

/**
 * Parses expression text into an AST. Throws {@link ExpressionSyntaxError} with the position of
 * the problem and what was expected there.
 *
 * Grammar (informally): `or` of `and` of `not` of comparisons; comparisons are
 * `a == b`, `!=`, `<`, `<=`, `>`, `>=`, `a in [..]`, `a not in [..]`, `a contains b`,
 * `a not contains b`; operands are question ids, `ctx.field`, literals, `answered(q)`,
 * `empty(q)`, `count(q)` and parenthesised expressions.
 *
 * @example
 * ```ts
 * const ast = parseExpression('q1 == "price" and ctx.tier in ["gold", "diamond"]')
 * ast.type // "and"
 * ```
 */
export function parseExpression(source: string): ExpressionNode {
  return new Parser(source, lex(source)).parse()
}

/**
 * Returns the AST of a condition given as text or data (data is validated by the schema).
 *
 * @example
 * ```ts
 * toExpression("answered(q2)") // { type: "call", fn: "answered", arg: { type: "answer", question: "q2" } }
 * ```
 */
export function toExpression(condition: Condition): ExpressionNode {
  return typeof condition === "string" ? parseExpression(condition) : condition
}

// ---------------------------------------------------------------------------------------------
// Printer

const PREC = { or: 1, and: 2, not: 3, cmp: 4, atom: 5 } as const

function precOf(e: ExpressionNode): number {
  switch (e.type) {
    case "or":
      return PREC.or
    case "and":
      return PREC.and
    case "not":
      return PREC.not
    case "compare":
    case "in":
    case "contains":
      return PREC.cmp
    default:
      return PREC.atom
  }
}

/**
 * Prints a literal the way the parser reads it back.
 *
 * @example
 * ```ts
 * formatLiteral("a\"b") // "\"a\\\"b\""
 * ```
 */
export function formatLiteral(v: LiteralValue): string {
  return typeof v === "string" ? JSON.stringify(v) : v === null ? "null" : String(v)
}

/**
 * Prints an AST as canonical text; `parseExpression(formatExpression(e))` gives back `e`
 * (for ASTs whose `and`/`or` nodes hold at least two items).
 *
 * @example
 * ```ts
 * formatExpression({ type: "not", item: { type: "call", fn: "answered", arg: { type: "answer", question: "q2" } } })
 * // "not answered(q2)"
 * ```
 */
export function formatExpression(e: ExpressionNode): string {
  const wrap = (child: ExpressionNode, min: number): string => {
    const s = formatExpression(child)
    return precOf(child) < min ? `(${s})` : s
  }
  switch (e.type) {
    case "literal":
      return formatLiteral(e.value)
    case "answer":
      return e.question
    case "context":
      return `ctx.${e.field}`
    case "call":
      return `${e.fn}(${formatExpression(e.arg)})`
    case "compare":
      return `${wrap(e.left, PREC.atom)} ${e.op} ${wrap(e.right, PREC.atom)}`
    case "in":
      return `${wrap(e.value, PREC.atom)} ${e.negate ? "not in" : "in"} [${e.list.map(formatLiteral).join(", ")}]`
    case "contains":
      return `${wrap(e.collection, PREC.atom)} ${e.negate ? "not contains" : "contains"} ${wrap(e.value, PREC.atom)}`
    case "not":
      return `not ${wrap(e.item, PREC.not)}`
    case "and":
      return e.items.map((i) => wrap(i, PREC.and + 1)).join(" and ")
    case "or":
      return e.items.map((i) => wrap(i, PREC.or + 1)).join(" or ")
  }
}

// ---------------------------------------------------------------------------------------------
// Semantics

/**
 * A value an expression can see: an answer (string, number, choice id(s), ISO date), a context
 * field, or `null` for "no answer" (unanswered, or the question is not visible).
 *
 * @example
 * ```ts
 * const v: ExpressionValue = ["sms", "email"] // a multiple-choice answer
 * ```
 */
export type ExpressionValue = string | number | boolean | null | ReadonlyArray<string>

/**
 * Where an expression reads answers and context from.
 *
 * @example
 * ```ts
 * const env: ExpressionEnvironment = { answer: (id) => (id === "q1" ? "price" : null), context: (f) => (f === "tier" ? "gold" : null) }
 * evaluateExpression(parseExpression('q1 == "price"'), env) // true
 * ```
 */
export interface ExpressionEnvironment {
  readonly answer: (questionId: string) => ExpressionValue
  readonly context: (field: string) => ExpressionValue
}

function isAnswered(v: ExpressionValue): boolean {
  if (v === null) return false
  if (typeof v === "string") return v.length > 0
  if (Array.isArray(v)) return v.length > 0
  return true
}

function equals(a: ExpressionValue, b: ExpressionValue): boolean {
  if (a === b) return true
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false
    const s = new Set(a)
    return b.every((x) => s.has(x))
  }
  return false
}

function order(op: CompareOperator, a: ExpressionValue, b: ExpressionValue): boolean {
  if (!((typeof a === "number" && typeof b === "number") || (typeof a === "string" && typeof b === "string"))) return false
  switch (op) {
    case "<":
      return a < b
    case "<=":
      return a <= b
    case ">":
      return a > b
    default:
      return a >= b
  }
}

type Compiled = (env: CompiledEnv) => ExpressionValue

/** @internal environment used by compiled closures: answers by question index. */
export interface CompiledEnv {
  readonly read: (index: number) => ExpressionValue
  readonly ctx: (field: string) => ExpressionValue
}

/** @internal Reads a context field as an expression value (unknown shapes read as null). */
export function ctxValue(ctx: Readonly<Record<string, unknown>>, field: string): ExpressionValue {
  const v = Object.prototype.hasOwnProperty.call(ctx, field) ? ctx[field] : undefined
  if (v === undefined) return null
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean" || v === null) return v
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v as ReadonlyArray<string>
  return null
}

/**
 * @internal Compiles an AST to a closure; answer references are resolved to indices once.
 */
export function compileExpression(e: ExpressionNode, indexOf: (questionId: string) => number): (env: CompiledEnv) => boolean {
  const c = compileNode(e, indexOf)
  return (env) => c(env) === true
}

function compileNode(e: ExpressionNode, indexOf: (id: string) => number): Compiled {
  switch (e.type) {
    case "literal": {
      const v = e.value
      return () => v
    }
    case "answer": {
      const i = indexOf(e.question)
      if (i < 0) return () => null
      return (env) => env.read(i)
    }
    case "context": {
      const f = e.field
      return (env) => env.ctx(f)
    }
    case "call": {
      const a = compileNode(e.arg, indexOf)
      if (e.fn === "answered") return (env) => isAnswered(a(env))
      if (e.fn === "empty") return (env) => !isAnswered(a(env))
      return (env) => {
        const v = a(env)
        return Array.isArray(v) ? v.length : isAnswered(v) ? 1 : 0
      }
    }
    case "compare": {
      const l = compileNode(e.left, indexOf)
      const r = compileNode(e.right, indexOf)
      const op = e.op
      if (op === "==") return (env) => equals(l(env), r(env))
      if (op === "!=") return (env) => !equals(l(env), r(env))
      return (env) => order(op, l(env), r(env))
    }
    case "in": {
      const v = compileNode(e.value, indexOf)
      const set = new Set<unknown>(e.list)
      const neg = e.negate === true
      return (env) => {
        const x = v(env)
        const hit = Array.isArray(x) ? x.some((y) => set.has(y)) : x !== null && set.has(x)
        return neg ? !hit : hit
      }
    }
    case "contains": {
      const c = compileNode(e.collection, indexOf)
      const v = compileNode(e.value, indexOf)
      const neg = e.negate === true
      return (env) => {
        const coll = c(env)
        const x = v(env)
        let hit = false
        if (Array.isArray(coll)) hit = typeof x === "string" && coll.includes(x)
        else if (typeof coll === "string" && typeof x === "string") hit = coll.includes(x)
        return neg ? !hit : hit
      }
    }
    case "not": {
      const i = compileNode(e.item, indexOf)
      return (env) => i(env) !== true
    }
    case "and": {
      const items = e.items.map((x) => compileNode(x, indexOf))
      if (items.length === 2) {
        const [a, b] = items as [Compiled, Compiled]
        return (env) => a(env) === true && b(env) === true
      }
      return (env) => items.every((x) => x(env) === true)
    }
    case "or": {
      const items = e.items.map((x) => compileNode(x, indexOf))
      return (env) => items.some((x) => x(env) === true)
    }
  }
}

/**
 * Evaluates an expression directly (no compilation) — convenient for one-off checks and tests.
 * Unanswered questions read as `null`; comparisons between different types are false.
 *
 * @example
 * ```ts
 * evaluateExpression('count(q3) >= 2', { answer: () => ["sms", "email"], context: () => null }) // true
 * ```
 */
export function evaluateExpression(expr: Condition, env: ExpressionEnvironment): boolean {
  return interpret(toExpression(expr), env) === true
}

/**
 * @internal A direct interpreter with the same semantics as the compiled closures (used for
 * one-off checks and by the analysis, where compiling would cost more than it saves).
 */
export function interpret(e: ExpressionNode, env: ExpressionEnvironment): ExpressionValue {
  switch (e.type) {
    case "literal":
      return e.value
    case "answer":
      return env.answer(e.question)
    case "context":
      return env.context(e.field)
    case "call": {
      const a = interpret(e.arg, env)
      if (e.fn === "answered") return isAnswered(a)
      if (e.fn === "empty") return !isAnswered(a)
      return Array.isArray(a) ? a.length : isAnswered(a) ? 1 : 0
    }
    case "compare": {
      const l = interpret(e.left, env)
      const r = interpret(e.right, env)
      if (e.op === "==") return equals(l, r)
      if (e.op === "!=") return !equals(l, r)
      return order(e.op, l, r)
    }
    case "in": {
      const x = interpret(e.value, env)
      const hit = Array.isArray(x) ? x.some((y) => e.list.includes(y)) : x !== null && e.list.includes(x as LiteralValue)
      return e.negate === true ? !hit : hit
    }
    case "contains": {
      const coll = interpret(e.collection, env)
      const x = interpret(e.value, env)
      let hit = false
      if (Array.isArray(coll)) hit = typeof x === "string" && coll.includes(x)
      else if (typeof coll === "string" && typeof x === "string") hit = coll.includes(x)
      return e.negate === true ? !hit : hit
    }
    case "not":
      return interpret(e.item, env) !== true
    case "and":
      for (let k = 0; k < e.items.length; k++) if (interpret(e.items[k]!, env) !== true) return false
      return true
    case "or":
      for (let k = 0; k < e.items.length; k++) if (interpret(e.items[k]!, env) === true) return true
      return false
  }
}

/**
 * The question ids and context fields an expression reads.
 *
 * @example
 * ```ts
 * expressionReferences(parseExpression('q1 == "a" or ctx.tier == "gold"')) // { questions: ["q1"], context: ["tier"] }
 * ```
 */
export function expressionReferences(e: ExpressionNode): { questions: string[]; context: string[] } {
  return computeReferences(e)
}

function computeReferences(e: ExpressionNode): { questions: string[]; context: string[] } {
  // Arrays with a linear membership test: an expression reads a handful of names, and this runs
  // once per condition in the analysis, where Sets cost more to allocate than they save.
  const qs: string[] = []
  const cs: string[] = []
  const walk = (n: ExpressionNode): void => {
    switch (n.type) {
      case "answer":
        if (!qs.includes(n.question)) qs.push(n.question)
        return
      case "context":
        if (!cs.includes(n.field)) cs.push(n.field)
        return
      case "call":
        return walk(n.arg)
      case "compare":
        walk(n.left)
        return walk(n.right)
      case "in":
        return walk(n.value)
      case "contains":
        walk(n.collection)
        return walk(n.value)
      case "not":
        return walk(n.item)
      case "and":
      case "or":
        for (let k = 0; k < n.items.length; k++) walk(n.items[k]!)
        return
      case "literal":
        return
    }
  }
  walk(e)
  return { questions: qs, context: cs }
}
