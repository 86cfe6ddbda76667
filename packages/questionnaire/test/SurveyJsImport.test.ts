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
    expect(cond("detail", "showIf")).toBe("answered(reason)")
    expect(cond("detail", "requiredIf")).toBe('channels contains "2"')
    expect(cond("spend", "showIf")).toBe('score <= 6 and channels contains "1" and channels contains "3"')
    expect(cond("plan", "showIf")).toBe("not score > 8")
  })

  it("turns complete and skip triggers into jumps", () => {
    expect(q("holder").jumps!.map((j) => [formatExpression(j.when as ExpressionNode), j.to])).toEqual([['holder == "false"', "end"]])
    expect(q("score").jumps!.map((j) => [formatExpression(j.when as ExpressionNode), j.to])).toEqual([["score == 10", "last"]])
  })

  it("produces a definition that publishes and runs", () => {
    let s = start(publish(definition))
    s = answer(s, "holder", "true")
    s = answer(s, "reason", "price")
    expect(s.isVisible("channels")).toBe(true)
    s = answer(s, "holder", "false")
    expect(s.visibleQuestions).toEqual(["holder"])
  })

  it("names every unsupported element, property and expression", () => {
    try {
      importSurveyJs({
        pages: [
          {
            elements: [
              { type: "matrix", name: "m1" },
              { type: "text", name: "ok", visibleIf: "age({birth}) > 18" },
              { type: "html", name: "h" },
              { type: "radiogroup", name: "r", choices: ["a"], showOtherItem: true },
              { type: "text", name: "t", inputType: "color" }
            ]
          }
        ],
        calculatedValues: [{ name: "x", expression: "1" }],
        triggers: [{ type: "setvalue", expression: "{ok} = 1" }]
      })
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError)
      expect((e as ValidationError).issues.map((i) => `${i.code}@${i.path.join(".")}`)).toEqual([
        "unsupported_element@pages.0.elements.0",
        "unsupported_expression@pages.0.elements.1.visibleIf",
        "unsupported_element@pages.0.elements.2",
        "unsupported_property@pages.0.elements.3",
        "unsupported_property@pages.0.elements.4.inputType",
        "unsupported_element@calculatedValues",
        "unsupported_element@triggers.0"
      ])
      expect((e as ValidationError).issues[0]!.message).toContain('matrix "m1" is not supported')
      expect((e as ValidationError).issues[1]!.message).toContain("age() is not supported")
    }
  })

  it("warns about dropped validators", () => {
    const r = importSurveyJs({ elements: [{ type: "text", name: "a", validators: [{ type: "email" }] }] })
    expect(r.warnings.map((w) => w.code)).toEqual(["dropped_property"])
  })
})
