import { describe, expect, it } from "vitest"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { answer, formatExpression, importSurveyJs, publish, start, type ExpressionNode } from "../src/index"

const FIXTURES = join(__dirname, "fixtures", "surveyjs")
const load = (f: string) => JSON.parse(readFileSync(join(FIXTURES, f), "utf8")) as Record<string, unknown>

describe("SurveyJS fixtures (own wording, features found in public surveys)", () => {
  for (const f of readdirSync(FIXTURES).filter((x) => x.endsWith(".json")))
    it(`${f} imports and publishes`, () => {
      const r = importSurveyJs(load(f))
      expect(() => publish(r.definition)).not.toThrow()
    })

  it("keeps SurveyJS names and choice values beside generated ids", () => {
    const r = importSurveyJs(load("retention-exit.json"))
    const id = Object.keys(r.names).find((k) => r.names[k] === "main reason")!
    expect(id).toBe("main_reason")
    expect(Object.values(r.choiceValues[id]!)).toEqual(["Too expensive", "Poor coverage", "Moving abroad", "Competitor deal", "other"])
    expect(r.names["main_reason_Comment"]).toBe("main reason-Comment")
    expect(r.statements.map((s) => [s.kind, s.name, s.before])).toEqual([
      ["html", "script intro", "Is_Holder"],
      ["expression", "offer hint", "stay_likelihood"]
    ])
    expect(r.outcomes.map((o) => [o.kind, formatExpression(o.when)])).toEqual([
      ["html", 'accepts_offer == "yes"'],
      ["html", 'Is_Holder == "false"'],
      ["url", 'main_reason == "Moving_abroad"']
    ])
    expect(r.defaults).toEqual({ consent_to_record: "yes" })
    expect(r.definition.sections!.map((s) => s.id)).toEqual(["opening", "reasons", "offer", "offer_2"])
  })

  it("compares numeric choice values as numbers and text compared with numbers as numbers", () => {
    const r = importSurveyJs(load("bill-shock.json"))
    const q = (id: string) => r.definition.questions.find((x) => x.id === id)!
    expect(formatExpression(q("review").showIf as ExpressionNode)).toBe('months in ["3", "6", "12"]')
    expect(q("age").type).toBe("number")
    let s = start(publish(r.definition))
    s = answer(s, "months", "12")
    expect(s.isVisible("review")).toBe(true)
    s = answer(s, "age", 70)
    expect(s.isVisible("senior_plan")).toBe(true)
  })

  it("turns a single-choice matrix into one question per row, at least one row required", () => {
    const r = importSurveyJs(load("device-satisfaction.json"))
    const rows = r.definition.questions.filter((x) => r.names[x.id]!.startsWith("service quality."))
    expect(rows.map((x) => x.id)).toEqual(["service_quality_coverage", "service_quality_speed", "service_quality_support"])
    let s = start(publish(r.definition))
    expect(s.isComplete).toBe(false)
    s = answer(s, "service_quality_speed", "3")
    expect(s.isVisible("device_age")).toBe(true)
  })
})
