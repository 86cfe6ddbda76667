import { describe, it, expect } from "vitest"
import { analyze, publish, start, answer, validateResponse, standardQuestionnaires, questionText, questionTexts } from "../src/index"

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

  it("the retention callback asks whether the offer was accepted only when an offer other than 'none' was presented", () => {
    const v = publish(standardQuestionnaires["retention-callback"])
    let s = start(v, { tier: "silver", customerName: "Li" })
    s = answer(s, "reached", "yes")
    s = answer(s, "satisfaction", 4)
    s = answer(s, "leaving_considered", "no")
    // No offer question was shown, so no acceptance can be required.
    expect(s.isVisible("offer_presented")).toBe(false)
    expect(s.isVisible("offer_accepted")).toBe(false)
    expect(s.missingRequired).toEqual([])
    expect(s.isComplete).toBe(true)

    s = answer(s, "leaving_considered", "yes")
    s = answer(s, "reasons", ["network"])
    expect(s.isVisible("offer_accepted")).toBe(false)
    s = answer(s, "offer_presented", "none")
    expect(s.isVisible("offer_accepted")).toBe(false)
    expect(s.isComplete).toBe(true)
    s = answer(s, "offer_presented", "bonus_credit")
    expect(s.isVisible("offer_accepted")).toBe(true)
    expect(s.missingRequired).toEqual(["offer_accepted"])
  })

  it("shows the agent the customer's name, not the raw placeholder, in every locale", () => {
    const v = publish(standardQuestionnaires["retention-callback"])
    const s = start(v, { tier: "gold", customerName: "Wang Fang" })
    expect(questionTexts(s).reached).toBe("Am I speaking with Wang Fang, the account holder?")
    expect(questionTexts(s, "zh-CN").reached).toBe("请问是机主Wang Fang本人吗？")
    for (const locale of ["en", "zh-CN"]) for (const text of Object.values(questionTexts(s, locale))) expect(text).not.toContain("{ctx.")
  })
})
