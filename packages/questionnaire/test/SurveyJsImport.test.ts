import { describe, it, expect } from "vitest"
import { importSurveyJs, publish, start, answer, ValidationError, formatExpression, type ExpressionNode } from "../src/index"

const survey = {
  title: "Churn check",
  pages: [
    {
      name: "p1",
      title: "About you",
      elements: [
        { type: "boolean", name: "holder", title: "Account holder?", isRequired: true },
        { type: "radiogroup", name: "reason", title: { default: "Why?", "zh-cn": "为什么？" }, choices: ["price", { value: "net", text: "Network" }], visibleIf: "{holder} = true" },
        { type: "checkbox", name: "channels", choices: [1, 2, 3], visibleIf: "{reason} anyof ['price', 'net']" },
        { type: "panel", name: "pn", visibleIf: "{reason} notempty", elements: [{ type: "comment", name: "detail", requiredIf: "{channels} contains 2" }] }
      ]
    },
    {
      name: "p2",
      elements: [
        { type: "rating", name: "score", rateMin: 0, rateMax: 10, isRequired: true },
        { type: "text", name: "spend", inputType: "number", min: 0, visibleIf: "{score} <= 6 and {channels} allof [1, 3]" },
        { type: "dropdown", name: "plan", choices: ["a", "b"], visibleIf: "!({score} > 8)" },
        { type: "text", name: "last", inputType: "date" }
      ]
    }
  ],
  triggers: [
    { type: "complete", expression: "{holder} = false" },
    { type: "skip", expression: "{score} = 10", gotoName: "last" }
  ]
}

describe("importSurveyJs", () => {
  const { definition, warnings } = importSurveyJs(survey)
  const q = (id: string) => definition.questions.find((x) => x.id === id)!
  const cond = (id: string, k: "showIf" | "requiredIf") => formatExpression(q(id)[k] as ExpressionNode)

  it("maps the common question types", () => {
    expect(definition.questions.map((x) => [x.id, x.type])).toEqual([
      ["holder", "singleChoice"],
      ["reason", "singleChoice"],
      ["channels", "multipleChoice"],
      ["detail", "multilineText"],
      ["score", "rating"],
      ["spend", "number"],
      ["plan", "singleChoice"],
      ["last", "date"]
    ])
    expect(q("reason").text).toEqual({ en: "Why?", "zh-cn": "为什么？" })
    expect(q("score")).toMatchObject({ min: 0, max: 10, required: true })
    expect(definition.sections!.map((s) => s.id)).toEqual(["p1", "p2"])
    expect(warnings).toEqual([])
  })

  it("converts visibleIf / requiredIf with the usual operators, panels included", () => {
    expect(cond("reason", "showIf")).toBe('holder == "true"')
    expect(cond("channels", "showIf")).toBe('reason in ["price", "net"]')
    expect(cond("detail", "showIf")).toBe("not empty(reason)")
    expect(cond("detail", "requiredIf")).toBe('channels contains "2"')
    expect(cond("spend", "showIf")).toBe('score <= 6 and channels contains "1" and channels contains "3"')
    expect(cond("plan", "showIf")).toBe("not score > 8")
  })

  it("turns complete and skip triggers into jumps when asked (opt-in)", () => {
    const { definition } = importSurveyJs(survey, { triggers: "jumps" })
    const q = (id: string) => definition.questions.find((x) => x.id === id)!
    expect(q("holder").jumps!.map((j) => [formatExpression(j.when as ExpressionNode), j.to])).toEqual([['holder == "false"', "end"]])
    expect(q("score").jumps!.map((j) => [formatExpression(j.when as ExpressionNode), j.to])).toEqual([["score == 10", "last"]])
  })

  it("keeps triggers as navigation by default, so no question is hidden by them", () => {
    const r = importSurveyJs(survey)
    expect(r.definition.questions.every((x) => x.jumps === undefined)).toBe(true)
    expect(r.triggers.map((t) => [t.kind, formatExpression(t.when), t.to])).toEqual([
      ["complete", 'holder == "false"', undefined],
      ["skip", "score == 10", "last"]
    ])
  })

  it("produces a definition that publishes and runs", () => {
    let s = start(publish(importSurveyJs(survey, { triggers: "jumps" }).definition))
    s = answer(s, "holder", "true")
    s = answer(s, "reason", "price")
    expect(s.isVisible("channels")).toBe(true)
    s = answer(s, "holder", "false")
    expect(s.visibleQuestions).toEqual(["holder"])
  })

  it("names every refused element, property and expression by its SurveyJS page and name", () => {
    try {
      importSurveyJs({
        pages: [
          {
            name: "intro",
            elements: [
              { type: "ranking", name: "order", choices: ["a", "b"] },
              { type: "text", name: "ok", visibleIf: "age({birth}) > 18" },
              { type: "dropdown", name: "city", choicesByUrl: { url: "https://example.invalid" } }
            ]
          }
        ],
        calculatedValues: [{ name: "x", expression: "1" }],
        triggers: [{ type: "setvalue", expression: "{ok} = 1" }]
      })
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError)
      const issues = (e as ValidationError).issues
      expect(issues.map((i) => `${i.code}@${i.path.join(".")}`)).toEqual([
        "unsupported_element@pages.0.elements.0.type",
        "unsupported_property@pages.0.elements.2.choicesByUrl",
        "unsupported_element@calculatedValues",
        "unsupported_expression@pages.0.elements.1.visibleIf",
        "unsupported_element@triggers.0.type"
      ])
      expect(issues[0]!.message).toContain('page "intro", ranking "order": "ranking" is not supported')
      expect(issues[3]!.message).toContain("age() is not supported")
    }
  })

  it("warns about dropped validators", () => {
    const r = importSurveyJs({ elements: [{ type: "text", name: "a", validators: [{ type: "email" }] }] })
    expect(r.warnings.map((w) => w.code)).toEqual(["approximated"])
    expect(r.warnings[0]!.message).toContain("validators were dropped")
  })

  it("refuses hostile nesting with short typed errors", () => {
    let panel: Record<string, unknown> = { type: "text", name: "deep" }
    for (let k = 0; k < 2000; k++) panel = { type: "panel", name: `p${k}`, elements: [panel] }
    const nested = (() => {
      try {
        importSurveyJs({ elements: [panel] })
      } catch (e) {
        return e
      }
    })()
    expect(nested).toBeInstanceOf(ValidationError)
    expect((nested as ValidationError).issues[0]!.message).toMatch(/nested deeper than 50 levels$/)
    const expr = `${"(".repeat(2000)}{a} = 1${")".repeat(2000)}`
    const deep = (() => {
      try {
        importSurveyJs({ elements: [{ type: "text", name: "a" }, { type: "text", name: "b", visibleIf: expr }] })
      } catch (e) {
        return e
      }
    })()
    expect(deep).toBeInstanceOf(ValidationError)
    const issue = (deep as ValidationError).issues[0]!
    expect(issue.path).toEqual(["elements", 1, "visibleIf"])
    expect(issue.message).toContain("nested deeper than 100 levels")
    expect(issue.message.length).toBeLessThan(200)
  })

  it("reads numeric choice values as numbers, as survey-core does", () => {
    const { definition } = importSurveyJs({ elements: [{ type: "dropdown", name: "n", choices: [1, 2, 10] }, { type: "text", name: "x", visibleIf: "{n} > 2" }] })
    let s = start(publish(definition))
    s = answer(s, "n", "10")
    expect(s.isVisible("x")).toBe(true)
    s = answer(s, "n", "2")
    expect(s.isVisible("x")).toBe(false)
  })

  it("keeps hidden answers as SurveyJS's clearInvisibleValues says", () => {
    expect(importSurveyJs({ elements: [{ type: "text", name: "a" }] }).definition.hiddenAnswers).toBe("keep-and-read")
    expect(importSurveyJs({ clearInvisibleValues: "onHidden", elements: [{ type: "text", name: "a" }] }).definition.hiddenAnswers).toBe("clear")
  })

  it("names the legacy key when a survey has no questions", () => {
    expect(() => importSurveyJs({ questions: [] })).toThrow(/looked in pages\[\]\.elements, pages\[\]\.questions, elements and questions/)
  })
})
