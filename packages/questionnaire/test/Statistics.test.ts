import { describe, it, expect } from "vitest"
import fc from "fast-check"
import { publish, questionnaireStatistics, ValidationError, parseDefinition, loadPublished, contentHash, start, answer, responseOf } from "../src/index"
import { definitionArb, contextArb, stepsArb } from "./Arbitraries"

const base = {
  id: "csat",
  title: "CSAT",
  questions: [
    { id: "score", type: "rating", text: "Score", required: true, min: 1, max: 5 },
    { id: "why", type: "singleChoice", text: "Why low?", required: true, showIf: "score <= 2", choices: [{ id: "price", text: "Price" }, { id: "network", text: "Network" }] },
    { id: "comment", type: "text", text: "Comment" }
  ]
}
const v1 = publish(base)
// v2 adds a choice, drops the comment, adds a number question
const v2 = publish({
  ...base,
  questions: [
    base.questions[0]!,
    { ...base.questions[1]!, text: "Why so low?", choices: [{ id: "price", text: "Price" }, { id: "network", text: "Network" }, { id: "service", text: "Service" }] },
    { id: "spend", type: "number", text: "Monthly spend", min: 0 }
  ]
})

const responses = [
  { versionHash: v1.hash, answers: { score: 1, why: "price", comment: "too expensive" } },
  { versionHash: v1.hash, answers: { score: 5, comment: "great" } },
  { versionHash: v1.hash, answers: { score: 2 } }, // incomplete: why missing
  { versionHash: v2.hash, answers: { score: 1, why: "service", spend: 10 } },
  { versionHash: v2.hash, answers: { score: 2, why: "price", spend: 30 } },
  { versionHash: v2.hash, answers: { score: 4, spend: 20 } }
]

describe("questionnaireStatistics", () => {
  const stats = questionnaireStatistics([v1, v2], responses, { histogramBins: 2 })
  const q = (id: string) => stats.questions.find((x) => x.id === id)!

  it("counts responses, completions and the completion rate", () => {
    expect(stats.responses).toBe(6)
    expect(stats.completed).toBe(5)
    expect(stats.completionRate).toBeCloseTo(5 / 6)
    expect(stats.byVersion[v1.hash]).toEqual({ responses: 3, completed: 2 })
    expect(stats.byVersion[v2.hash]).toEqual({ responses: 3, completed: 3 })
  })

  it("under keep-and-read, counts a question shown by a remembered hidden answer as shown, and not the hidden answer", () => {
    const kr = publish({
      id: "kr",
      title: "Keep and read",
      hiddenAnswers: "keep-and-read",
      questions: [
        { id: "unhappy", type: "singleChoice", text: "Unhappy?", choices: [{ id: "yes", text: "Yes" }, { id: "no", text: "No" }] },
        { id: "why", type: "text", text: "Why?", showIf: 'unhappy == "yes"' },
        { id: "offer", type: "text", text: "Offer made", showIf: "answered(why)" }
      ]
    })
    // why answered, then unhappy changed to "no": why is hidden, its remembered answer still shows offer
    const st = questionnaireStatistics([kr], [{ versionHash: kr.hash, answers: { unhappy: "no", why: "price", offer: "discount" } }])
    const k = (id: string) => st.questions.find((x) => x.id === id)!
    expect(k("why")).toMatchObject({ eligible: 1, shown: 0, answered: 0, skippedByLogic: 1 })
    expect(k("offer")).toMatchObject({ eligible: 1, shown: 1, answered: 1 })
  })

  it("merges questions across versions by id, with the latest text, in the latest order", () => {
    expect(stats.questions.map((x) => x.id)).toEqual(["score", "why", "spend", "comment"])
    expect(q("why").text).toBe("Why so low?")
    expect(q("why").versions).toEqual([v1.hash, v2.hash])
    expect(q("comment").versions).toEqual([v1.hash])
  })

  it("uses the right denominators: eligible, shown, answered, skipped by logic", () => {
    expect(q("why")).toMatchObject({ eligible: 6, shown: 4, answered: 3, unanswered: 1, skippedByLogic: 2 })
    expect(q("comment")).toMatchObject({ eligible: 3, shown: 3, answered: 2, skippedByLogic: 0 })
    expect(q("spend")).toMatchObject({ eligible: 3, shown: 3, answered: 3 })
  })

  it("gives choice shares over the answers on versions that offered the choice", () => {
    expect(q("why").choices).toEqual([
      { id: "price", text: "Price", count: 2, offered: 3, share: 2 / 3 },
      { id: "network", text: "Network", count: 0, offered: 3, share: 0 },
      { id: "service", text: "Service", count: 1, offered: 2, share: 1 / 2 }
    ])
  })

  it("builds histograms: one bin per rating point, equal-width bins for numbers", () => {
    expect(q("score").numeric).toEqual({
      count: 6,
      min: 1,
      max: 5,
      mean: 15 / 6,
      median: 2,
      histogram: [
        { from: 1, to: 1, count: 2 },
        { from: 2, to: 2, count: 2 },
        { from: 3, to: 3, count: 0 },
        { from: 4, to: 4, count: 1 },
        { from: 5, to: 5, count: 1 }
      ]
    })
    expect(q("spend").numeric!.histogram).toEqual([
      { from: 10, to: 20, count: 1 },
      { from: 20, to: 30, count: 2 }
    ])
  })

  it("keeps text samples", () => {
    expect(q("comment").texts).toEqual({ count: 2, samples: ["too expensive", "great"] })
  })

  it("refuses responses on unknown versions, naming each", () => {
    try {
      questionnaireStatistics([v1], responses)
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError)
      expect((e as ValidationError).issues.map((i) => i.path[0])).toEqual([3, 4, 5])
    }
  })
})

describe("questionnaireStatistics input", () => {
  it("refuses malformed responses with their index in the path", () => {
    try {
      questionnaireStatistics([v1], [{ versionHash: v1.hash, answers: {} }, { answers: {} } as never])
      expect.unreachable()
    } catch (e) {
      expect((e as ValidationError).issues.map((i) => i.path.join("."))).toEqual(["1.versionHash"])
    }
  })

  it("returns zero rates for no responses", () => {
    const s = questionnaireStatistics([v1], [])
    expect(s.completionRate).toBe(0)
    expect(s.questions.map((q) => [q.id, q.eligible])).toEqual([["score", 0], ["why", 0], ["comment", 0]])
  })
})

describe("questionnaireStatistics properties", () => {
  it("keeps its denominators consistent on random runs of random definitions", () => {
    fc.assert(
      fc.property(definitionArb, fc.array(fc.tuple(contextArb, stepsArb), { minLength: 1, maxLength: 6 }), (d, runs) => {
        const def = parseDefinition(d)
        const v = loadPublished({ hash: contentHash(def), definition: def })
        const ids = def.questions.map((q) => q.id)
        const responses = runs.map(([ctx, steps]) => {
          let s = start(v, ctx)
          for (const st of steps) s = answer(s, ids[st.q % ids.length]!, st.value)
          return responseOf(s)
        })
        const stats = questionnaireStatistics([v], responses)
        expect(stats.responses).toBe(runs.length)
        for (const q of stats.questions) {
          expect(q.eligible).toBe(runs.length)
          expect(q.shown + q.skippedByLogic).toBe(q.eligible)
          expect(q.answered + q.unanswered).toBe(q.shown)
          if (q.type === "singleChoice") expect(q.choices!.reduce((n, c) => n + c.count, 0)).toBe(q.answered)
          if (q.type === "multipleChoice") for (const c of q.choices!) expect(c.count).toBeLessThanOrEqual(q.answered)
          if (q.numeric) expect(q.numeric.histogram.reduce((n, b) => n + b.count, 0)).toBe(q.numeric.count)
        }
      }),
      { numRuns: 100 }
    )
  })
})
