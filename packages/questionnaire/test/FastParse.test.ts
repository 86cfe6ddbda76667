import { describe, it, expect } from "vitest"
import fc from "fast-check"
import { QuestionnaireDefinition, analyze, parseDefinition, publish, standardQuestionnaires } from "../src/index"
import { fastParseDefinition } from "../src/internal/FastParse"
import { definitionArb } from "./Arbitraries"
import { generateChain } from "../../../bench/questionnaire/generate"

// The fast path may decline (undefined) but, when it accepts, must return exactly zod's output.
let accepted = 0
function agrees(input: unknown): boolean {
  const fast = fastParseDefinition(input)
  if (fast === undefined) return true
  accepted++
  const z = QuestionnaireDefinition.safeParse(input)
  expect(z.success).toBe(true)
  expect(fast).toStrictEqual(z.data)
  expect(JSON.stringify(fast)).toBe(JSON.stringify(z.data)) // same key order too
  return true
}

const KEYS = ["id", "text", "title", "type", "choices", "showIf", "requiredIf", "jumps", "when", "to", "min", "max", "minLength", "maxLength", "minSelected", "maxSelected", "integer", "pattern", "required", "section", "sections", "description", "defaultLocale", "hiddenAnswers", "context", "values", "minLabel", "maxLabel", "questions", "extra", "__proto__", "en"]
const oddValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom<unknown>(undefined, Number.NaN, Number.POSITIVE_INFINITY, -0, 1.5, 2 ** 53, -1, 0, "", "end", "and", "q0", "2026-01-01", "2026-1-1", "a b", {}, [], { en: "" }, { en: "Hi" }, { type: "answer", question: "q0" }, "keep", "keep-and-read", "clear", "rating", "text", "date", "choice", true, null)
)

// Every object or array inside a value, with itself.
// (Edits may make a value its own descendant; such cycles are visited once.)
function containers(v: unknown, out: Array<Record<string, unknown> | unknown[]> = []): Array<Record<string, unknown> | unknown[]> {
  if (v !== null && typeof v === "object" && !out.includes(v as Record<string, unknown>)) {
    out.push(v as Record<string, unknown>)
    for (const x of Object.values(v)) containers(x, out)
  }
  return out
}

describe("fastParseDefinition (the schema's fast path)", () => {
  it("accepts generated valid definitions and returns exactly what the schema returns", () => {
    fc.assert(
      fc.property(definitionArb, (d) => {
        expect(fastParseDefinition(d)).toBeDefined()
        return agrees(d)
      }),
      { numRuns: 300 }
    )
  })

  it("never accepts what the schema rejects, nor returns anything else than the schema (random mutations)", () => {
    const before = accepted
    fc.assert(
      fc.property(definitionArb, fc.array(fc.tuple(fc.nat(), fc.constantFrom(...KEYS), oddValue, fc.boolean()), { minLength: 1, maxLength: 3 }), (d, edits) => {
        const m = structuredClone(d) as unknown
        for (const [at, key, value, remove] of edits) {
          const cs = containers(m)
          const c = cs[at % cs.length]!
          if (Array.isArray(c)) {
            if (remove && c.length > 0) c.splice(at % c.length, 1)
            else c[at % (c.length + 1)] = value
          } else if (remove) delete c[key]
          else Object.defineProperty(c, key, { value, enumerable: true, writable: true, configurable: true })
        }
        return agrees(m)
      }),
      { numRuns: 2000 }
    )
    // The mutations must exercise acceptance too, not only declines.
    expect(accepted - before).toBeGreaterThan(100)
  })

  it("accepts the standard questionnaires and the benchmark's definitions", () => {
    for (const q of Object.values(standardQuestionnaires)) expect(agrees(q) && fastParseDefinition(q)).toBeTruthy()
    const g = generateChain(300, { defects: true })
    expect(fastParseDefinition(g.ours)).toBeDefined()
    expect(agrees(g.ours)).toBe(true)
  })

  it("declines what it does not handle, and parseDefinition still goes through the schema", () => {
    const ok = { id: "x", title: "X", questions: [{ id: "q", type: "rating", text: "Q?" }] }
    expect(fastParseDefinition(ok)).toStrictEqual({ id: "x", title: "X", hiddenAnswers: "clear", questions: [{ id: "q", text: "Q?", type: "rating", min: 1, max: 5 }] })
    const declined = [
      { ...ok, extra: 1 }, // stripped by the schema
      { ...ok, description: undefined },
      { ...ok, questions: [{ id: "q", type: "text", text: "Q?", showIf: { type: "answer", question: "q" } }] }, // AST condition
      { ...ok, questions: [{ id: "q", type: "number", text: "Q?", min: Number.NaN }] },
      { ...ok, questions: [{ id: "end", type: "text", text: "Q?" }] },
      { ...ok, questions: [] }
    ]
    for (const d of declined) {
      expect(fastParseDefinition(d)).toBeUndefined()
      agrees(d)
    }
    // Stripping and AST conditions still work through the schema.
    expect(parseDefinition({ ...ok, extra: 1 })).not.toHaveProperty("extra")
    expect(() => parseDefinition({ ...ok, questions: [] })).toThrow()
  })

  it("an already-parsed or published definition is analysed as it is, with the same report", () => {
    const g = generateChain(200, { defects: true })
    const parsed = parseDefinition(g.ours)
    expect(parseDefinition(parsed)).toBe(parsed) // not parsed again
    expect(analyze(parsed)).toStrictEqual(analyze(g.ours))
    const v = publish(standardQuestionnaires["retention-callback"])
    expect(parseDefinition(v.definition)).toBe(v.definition)
    expect(analyze(v.definition)).toStrictEqual(analyze(standardQuestionnaires["retention-callback"]))
  })
})
