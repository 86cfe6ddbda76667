import { describe, it, expect } from "vitest"
import { analyze, publish, start, answer, validateResponse, standardQuestionnaires, questionText } from "../src/index"

describe("standard questionnaires", () => {
  it.each(Object.entries(standardQuestionnaires))("%s passes analysis with zero errors and zero warnings, and publishes", (_name, def) => {
    const r = analyze(def)
    expect(r.findings.filter((f) => f.severity !== "info")).toEqual([])
    expect(r.pathSpace!.exact).toBe(true)
    expect(r.pathSpace!.branches.covered).toBe(r.pathSpace!.branches.total)
    const v = publish(def, { allowWarnings: false })
    for (const t of r.pathSpace!.testCases) expect(validateResponse(v, t).valid).toBe(true)
  })

  it("every text exists in English and Simplified Chinese", () => {
    for (const def of Object.values(standardQuestionnaires)) {
      for (const q of def.questions) {
        expect(Object.keys(q.text as object).sort()).toEqual(["en", "zh-CN"])
      }
    }
  })

  it("the retention callback asks for a competitor offer only when price or a competitor is the reason", () => {
    const v = publish(standardQuestionnaires["retention-callback"])
    let s = start(v, { tier: "silver", customerName: "Li" })
    s = answer(s, "reached", "yes")
    s = answer(s, "leaving_considered", "yes")
    s = answer(s, "reasons", ["network"])
    expect(s.isVisible("competitor")).toBe(false)
    s = answer(s, "reasons", ["network", "price"])
    expect(s.isVisible("competitor")).toBe(true)
    expect(questionText(s, "reached", "zh-CN")).toBe("请问是机主Li本人吗？")
  })
})
