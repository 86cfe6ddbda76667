import { describe, it, expect } from "vitest"
import fc from "fast-check"
import {
  parseExpression,
  formatExpression,
  evaluateExpression,
  expressionReferences,
  ExpressionSyntaxError,
  ExpressionNode,
  type ExpressionValue
} from "../src/index"

const env = (answers: Record<string, ExpressionValue>, ctx: Record<string, ExpressionValue> = {}) => ({
  answer: (id: string) => answers[id] ?? null,
  context: (f: string) => ctx[f] ?? null
})

describe("parseExpression", () => {
  it("parses the issue's example into the documented AST", () => {
    expect(parseExpression('q1 == "price" and ctx.tier in ["gold","diamond"]')).toEqual({
      type: "and",
      items: [
        { type: "compare", op: "==", left: { type: "answer", question: "q1" }, right: { type: "literal", value: "price" } },
        { type: "in", value: { type: "context", field: "tier" }, list: ["gold", "diamond"] }
      ]
    })
  })

  it("binds and tighter than or, and not tighter than and", () => {
    expect(formatExpression(parseExpression("a == 1 or b == 2 and not c == 3"))).toBe("a == 1 or b == 2 and not c == 3")
    const e = parseExpression("a == 1 or b == 2 and not c == 3")
    expect(e.type).toBe("or")
    if (e.type === "or") {
      expect(e.items[1]!.type).toBe("and")
    }
    expect(parseExpression("(a == 1 or b == 2) and c == 3").type).toBe("and")
  })

  it("accepts aliases = <> && || ! and single quotes", () => {
    expect(parseExpression("a = 'x' && b <> 2 || !answered(c)")).toEqual(parseExpression('a == "x" and b != 2 or not answered(c)'))
  })

  it("parses not in, contains, not contains, functions, numbers, booleans and null", () => {
    expect(parseExpression('q3 not in ["a"]')).toEqual({ type: "in", value: { type: "answer", question: "q3" }, list: ["a"], negate: true })
    expect(parseExpression('q3 not contains "sms"')).toEqual({
      type: "contains",
      collection: { type: "answer", question: "q3" },
      value: { type: "literal", value: "sms" },
      negate: true
    })
    expect(parseExpression("count(q3) >= -2.5")).toEqual({
      type: "compare",
      op: ">=",
      left: { type: "call", fn: "count", arg: { type: "answer", question: "q3" } },
      right: { type: "literal", value: -2.5 }
    })
    expect(parseExpression("ctx.vip == true")).toEqual({ type: "compare", op: "==", left: { type: "context", field: "vip" }, right: { type: "literal", value: true } })
    expect(parseExpression("q1 != null").type).toBe("compare")
  })

  it.each([
    ["q1 == ", 6, "Unexpected end"],
    ['q1 == "open', 6, "Unterminated string"],
    ["q1 == 1 q2", 8, "Unexpected input"],
    ["q1", 2, "A reference alone is not a condition"],
    ["q1 == 1 and", 11, "Unexpected end"],
    ["q1 # 2", 3, "Unexpected character"],
    ["", 0, "Empty expression"],
    ["ctx. == 1", 5, "context field"],
    ["q1 in [q2]", 7, "literal"],
    ["(q1 == 1", 8, 'Expected ")"']
  ])("reports %j at position %i", (src, pos, reason) => {
    let err: unknown
    try {
      parseExpression(src)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(ExpressionSyntaxError)
    const e = err as ExpressionSyntaxError
    expect(e._tag).toBe("ExpressionSyntaxError")
    expect(e.position).toBe(pos)
    expect(e.reason).toContain(reason)
    expect(e.source).toBe(src)
  })

  it("tells what was expected", () => {
    try {
      parseExpression("q1 == 1 q2")
      expect.unreachable()
    } catch (e) {
      expect((e as ExpressionSyntaxError).expected).toContain("and")
    }
  })
})

describe("formatExpression", () => {
  it("prints canonical text with minimal parentheses", () => {
    expect(formatExpression(parseExpression("not (a == 1 and (b == 2 or c == 3))"))).toBe("not (a == 1 and (b == 2 or c == 3))")
    expect(formatExpression(parseExpression('x   in   [ "a" ,1,true,null ]'))).toBe('x in ["a", 1, true, null]')
  })

  const literal = fc.oneof(fc.string({ maxLength: 6 }), fc.integer({ min: -100, max: 100 }), fc.boolean(), fc.constant(null))
  const ref = fc.oneof(
    fc.constantFrom("q1", "q2", "reason").map((q) => ({ type: "answer" as const, question: q })),
    fc.constantFrom("tier", "vip").map((f) => ({ type: "context" as const, field: f }))
  )
  const atom: fc.Arbitrary<ExpressionNode> = fc.oneof(
    fc.record({ type: fc.constant("compare" as const), op: fc.constantFrom("==", "!=", "<", "<=", ">", ">=" as const), left: ref, right: literal.map((v) => ({ type: "literal" as const, value: v })) }),
    fc.record({ type: fc.constant("in" as const), value: ref, list: fc.array(literal, { maxLength: 3 }) }),
    fc.record({ type: fc.constant("call" as const), fn: fc.constantFrom("answered", "empty" as const), arg: ref })
  )
  const expr: fc.Arbitrary<ExpressionNode> = fc.letrec<{ e: ExpressionNode }>((tie) => ({
    e: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      atom,
      fc.record({ type: fc.constant("not" as const), item: tie("e") }),
      fc.record({ type: fc.constant("and" as const), items: fc.array(tie("e"), { minLength: 2, maxLength: 3 }) }),
      fc.record({ type: fc.constant("or" as const), items: fc.array(tie("e"), { minLength: 2, maxLength: 3 }) })
    )
  })).e

  it("round-trips: parse(format(ast)) means the same as ast on any answers", () => {
    fc.assert(
      fc.property(expr, fc.dictionary(fc.constantFrom("q1", "q2", "reason", "tier", "vip"), fc.oneof(fc.string({ maxLength: 3 }), fc.integer({ min: -3, max: 3 }), fc.constant(null))), (ast, values) => {
        const text = formatExpression(ast)
        const back = parseExpression(text)
        expect(formatExpression(back)).toBe(text)
        const e = env(values, values)
        expect(evaluateExpression(back, e)).toBe(evaluateExpression(ast, e))
      }),
      { numRuns: 300 }
    )
  })
})

describe("evaluateExpression", () => {
  it.each([
    ['q1 == "price"', { q1: "price" }, true],
    ['q1 == "price"', { q1: null }, false],
    ['q1 != "price"', { q1: null }, true],
    ["q1 > 3", { q1: 4 }, true],
    ["q1 > 3", { q1: "4" }, false],
    ['q1 < "2026-02-01"', { q1: "2026-01-31" }, true],
    ["q1 >= 3", { q1: null }, false],
    ['q3 contains "sms"', { q3: ["sms", "email"] }, true],
    ['q3 contains "sms"', { q3: null }, false],
    ['q3 in ["a", "b"]', { q3: ["c", "b"] }, true],
    ['q3 not in ["a", "b"]', { q3: ["c"] }, true],
    ["count(q3) == 2", { q3: ["a", "b"] }, true],
    ["count(q3) == 0", { q3: null }, true],
    ["answered(q1)", { q1: "" }, false],
    ["empty(q1)", { q1: [] }, true],
    ['q1 contains "cat"', { q1: "concatenate" }, true],
    ["not q1 == 1", { q1: 2 }, true]
  ] as const)("%s with %j is %s", (src, answers, expected) => {
    expect(evaluateExpression(src, env(answers as Record<string, ExpressionValue>))).toBe(expected)
  })

  it("reads context fields through ctx.", () => {
    expect(evaluateExpression('ctx.tier in ["gold", "diamond"]', env({}, { tier: "gold" }))).toBe(true)
    expect(evaluateExpression('ctx.tier in ["gold", "diamond"]', env({}, { tier: "silver" }))).toBe(false)
  })

  it("lists references", () => {
    expect(expressionReferences(parseExpression('a == 1 or (b contains "x" and ctx.tier == "g") or answered(a)'))).toEqual({ questions: ["a", "b"], context: ["tier"] })
  })
})
