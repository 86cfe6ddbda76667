import { describe, it, expect } from "vitest"
import fc from "fast-check"
import { parseDefinition, ValidationError, localize, definitionConditions } from "../src/index"
import { definitionArb } from "./Arbitraries"

const minimal = {
  id: "csat",
  title: "CSAT",
  questions: [
    { id: "reason", type: "singleChoice", text: "Why?", choices: [{ id: "price", text: "Price" }, { id: "other", text: "Other" }] },
    { id: "detail", type: "text", text: "Tell us more", showIf: 'reason == "other"' }
  ]
}

function issuesOf(input: unknown) {
  try {
    parseDefinition(input)
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError)
    return (e as ValidationError).issues
  }
  throw new Error("expected a ValidationError")
}

describe("parseDefinition", () => {
  it("applies defaults and turns condition text into ASTs", () => {
    const def = parseDefinition(minimal)
    expect(def.hiddenAnswers).toBe("clear")
    expect(def.questions[1]!.showIf).toEqual({ type: "compare", op: "==", left: { type: "answer", question: "reason" }, right: { type: "literal", value: "other" } })
  })

  it("gives ratings a 1–5 scale by default", () => {
    const def = parseDefinition({ id: "x", title: "X", questions: [{ id: "r", type: "rating", text: "Rate" }] })
    expect(def.questions[0]).toMatchObject({ min: 1, max: 5 })
  })

  it("reports every issue at once, each with its path", () => {
    const issues = issuesOf({
      id: "x",
      title: "X",
      sections: [{ id: "s1", title: "One" }, { id: "s1", title: "Again" }],
      questions: [
        { id: "q1", type: "singleChoice", text: "A", choices: [{ id: "a", text: "A" }, { id: "a", text: "A2" }], section: "s1" },
        { id: "q1", type: "number", text: "B", min: 5, max: 1, section: "nope" },
        { id: "q3", type: "text", text: "C", showIf: "q1 == ", pattern: "(" },
        { id: "q4", type: "rating", text: "D", jumps: [{ when: "q4 >", to: "end" }], section: "s1" }
      ]
    })
    const byCode = (c: string) => issues.filter((i) => i.code === c).map((i) => i.path)
    expect(byCode("duplicate_section_id")).toEqual([["sections", 1, "id"]])
    expect(byCode("duplicate_choice_id")).toEqual([["questions", 0, "choices", 1, "id"]])
    expect(byCode("duplicate_question_id")).toEqual([["questions", 1, "id"]])
    expect(byCode("empty_range")).toEqual([["questions", 1, "min"]])
    expect(byCode("unknown_section")).toEqual([["questions", 1, "section"]])
    expect(byCode("invalid_pattern")).toEqual([["questions", 2, "pattern"]])
    expect(byCode("expression_syntax")).toEqual([
      ["questions", 2, "showIf"],
      ["questions", 3, "jumps", 0, "when"]
    ])
    expect(byCode("section_not_contiguous")).toEqual([["questions", 3, "section"]])
    expect(issues.find((i) => i.code === "expression_syntax")!.message).toContain("position 6")
  })

  it("reports schema errors with paths (zod)", () => {
    const issues = issuesOf({ id: "x", title: "X", questions: [{ id: "1bad", type: "singleChoice", text: "A", choices: [] }, { id: "and", type: "number", text: "" }] })
    const paths = issues.map((i) => i.path.join("."))
    expect(paths).toContain("questions.0.id")
    expect(paths).toContain("questions.0.choices")
    expect(paths).toContain("questions.1.id")
    expect(paths).toContain("questions.1.text")
  })

  it("rejects an empty questionnaire and an unknown question type", () => {
    expect(issuesOf({ id: "x", title: "X", questions: [] }).map((i) => i.path.join("."))).toEqual(["questions"])
    expect(issuesOf({ id: "x", title: "X", questions: [{ id: "q", type: "matrix", text: "M" }] })[0]!.path).toEqual(["questions", 0, "type"])
  })

  it("ValidationError.fromZod keeps paths and codes", () => {
    const e = issuesOf({ id: 1, title: "X", questions: [{}] })
    expect(e.some((i) => i.path[0] === "id" && i.code === "invalid_type")).toBe(true)
  })

  it("accepts every generated definition", () => {
    fc.assert(
      fc.property(definitionArb, (d) => {
        const def = parseDefinition(d)
        expect(def.questions.length).toBe(d.questions.length)
      }),
      { numRuns: 200 }
    )
  })

  it("turns every generated corruption into a ValidationError whose path points at it", () => {
    const corruption = fc.constantFrom(
      ["id", (q: Record<string, unknown>) => (q.id = "9x")],
      ["text", (q: Record<string, unknown>) => (q.text = 42)],
      ["type", (q: Record<string, unknown>) => (q.type = "slider")],
      ["showIf", (q: Record<string, unknown>) => (q.showIf = "q0 ==")],
      ["required", (q: Record<string, unknown>) => (q.required = "yes")]
    )
    fc.assert(
      fc.property(definitionArb, fc.nat(), corruption, (d, k, [field, corrupt]) => {
        const copy = structuredClone(d) as { questions: Array<Record<string, unknown>> }
        const qi = k % copy.questions.length
        corrupt(copy.questions[qi]!)
        const issues = issuesOf(copy)
        expect(issues.length).toBeGreaterThan(0)
        expect(issues.some((i) => i.path[0] === "questions" && i.path[1] === qi && (i.path[2] === field || field === "type"))).toBe(true)
      }),
      { numRuns: 150 }
    )
  })
})

describe("localize", () => {
  it("falls back from locale to language to default locale to the first text", () => {
    const t = { en: "Hello", zh: "你好", "zh-TW": "妳好" }
    expect(localize(t, "zh-TW")).toBe("妳好")
    expect(localize(t, "zh-CN")).toBe("你好")
    expect(localize(t, "fr", "zh")).toBe("你好")
    expect(localize(t, "fr")).toBe("Hello")
    expect(localize("plain", "fr")).toBe("plain")
  })
})

describe("definitionConditions", () => {
  it("lists every condition with its path", () => {
    const def = parseDefinition({
      id: "x",
      title: "X",
      questions: [
        { id: "a", type: "rating", text: "A", jumps: [{ when: "a < 2", to: "end" }] },
        { id: "b", type: "text", text: "B", showIf: "a > 3", requiredIf: "a == 5" }
      ]
    })
    expect(definitionConditions(def).map((c) => [c.questionId, c.kind, c.path.join(".")])).toEqual([
      ["a", "jump", "questions.0.jumps.0.when"],
      ["b", "showIf", "questions.1.showIf"],
      ["b", "requiredIf", "questions.1.requiredIf"]
    ])
  })
})
