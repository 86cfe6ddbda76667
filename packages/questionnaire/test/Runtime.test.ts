import { describe, it, expect } from "vitest"
import fc from "fast-check"
import {
  publish,
  loadPublished,
  contentHash,
  parseDefinition,
  start,
  answer,
  next,
  back,
  goTo,
  finish,
  explain,
  trace,
  questionText,
  questionTexts,
  responseOf,
  validateResponse,
  resumeToken,
  resume,
  ValidationError,
  type QuestionnaireState,
  type PublishedQuestionnaire
} from "../src/index"
import { contextArb, definitionArb, stepsArb } from "./Arbitraries"

const callDef = {
  id: "retention",
  title: { en: "Retention", "zh-CN": "挽留" },
  context: { tier: { type: "choice", values: ["gold", "silver"] }, name: { type: "string" } },
  questions: [
    { id: "reached", type: "singleChoice", text: "Holder?", required: true, choices: [{ id: "yes", text: "Yes" }, { id: "no", text: "No" }], jumps: [{ when: 'reached == "no"', to: "end" }] },
    { id: "reason", type: "singleChoice", text: { en: "Why, {ctx.name}?", "zh-CN": "为什么？" }, required: true, choices: [{ id: "price", text: { en: "Price", "zh-CN": "资费" } }, { id: "network", text: "Network" }] },
    { id: "competitor", type: "text", text: "Which offer?", showIf: 'reason == "price"', required: true },
    { id: "fee", type: "number", text: "What does {competitor} charge for {reason}?", showIf: "answered(competitor)", min: 0 },
    { id: "skip_to_end", type: "singleChoice", text: "Stop?", choices: [{ id: "stop", text: "Stop" }, { id: "go", text: "Go" }], jumps: [{ when: 'skip_to_end == "stop"', to: "score" }] },
    { id: "detail", type: "multilineText", text: "Details", requiredIf: 'reason == "network"' },
    { id: "vip", type: "text", text: "VIP note", showIf: 'ctx.tier == "gold"' },
    { id: "score", type: "rating", text: "Score", required: true }
  ]
}

const version = publish(callDef)
const at = (n: number) => ({ at: `2026-11-22T09:0${n}:00Z`, by: "agent-7", channel: "phone" })

describe("start / answer", () => {
  it("shows unconditional questions and the context-dependent ones", () => {
    const s = start(version, { tier: "gold" })
    expect(s.visibleQuestions).toEqual(["reached", "reason", "skip_to_end", "detail", "vip", "score"])
    expect(start(version, { tier: "silver" }).isVisible("vip")).toBe(false)
    expect(s.currentQuestion).toBe("reached")
    expect(s.isComplete).toBe(false)
    expect(s.missingRequired).toEqual(["reached", "reason", "score"])
  })

  it("rejects a context field of the wrong type", () => {
    expect(() => start(version, { tier: "platinum" })).toThrow(ValidationError)
  })

  it("shows dependents of an answer and reports what changed", () => {
    let s = start(version)
    s = answer(s, "reason", "price")
    expect(s.changes.shown).toEqual(["competitor"])
    expect(s.isVisible("competitor")).toBe(true)
    expect(s.isVisible("fee")).toBe(false)
    s = answer(s, "competitor", "AcmeTel")
    expect(s.changes.shown).toEqual(["fee"])
    expect(s.missingRequired).toEqual(["reached", "score"])
  })

  it("clears answers of questions that become hidden (policy clear) and cascades", () => {
    let s = start(version)
    s = answer(s, "reason", "price")
    s = answer(s, "competitor", "AcmeTel")
    s = answer(s, "fee", 30)
    s = answer(s, "reason", "network")
    expect(s.changes.hidden).toEqual(["competitor", "fee"])
    expect(s.changes.cleared).toEqual(["competitor", "fee"])
    s = answer(s, "reason", "price")
    expect(s.answerOf("competitor")).toBeNull()
    expect(s.isVisible("fee")).toBe(false)
  })

  it("keeps hidden answers under policy keep and restores them, without letting them feed conditions", () => {
    const kept = publish({ ...callDef, hiddenAnswers: "keep" })
    let s = start(kept)
    s = answer(s, "reason", "price")
    s = answer(s, "competitor", "AcmeTel")
    s = answer(s, "reason", "network")
    expect(s.isVisible("fee")).toBe(false) // competitor hidden → reads as unanswered
    expect(s.changes.cleared).toEqual([])
    expect(responseOf(s).answers.competitor).toBe("AcmeTel")
    s = answer(s, "reason", "price")
    expect(s.answerOf("competitor")).toBe("AcmeTel")
    expect(s.isVisible("fee")).toBe(true)
  })

  it("keeps hidden answers under policy keep-and-read and lets them feed conditions, as SurveyJS's default does", () => {
    const kept = publish({ ...callDef, hiddenAnswers: "keep-and-read" })
    let s = start(kept)
    s = answer(s, "reason", "price")
    s = answer(s, "competitor", "AcmeTel")
    expect(s.isVisible("fee")).toBe(true)
    s = answer(s, "reason", "network")
    expect(s.isVisible("competitor")).toBe(false)
    expect(s.answerOf("competitor")).toBeNull() // not on the path...
    expect(s.isVisible("fee")).toBe(true) // ...but its remembered answer still shows fee
    // only reason's dependents (competitor, detail): fee reads competitor's answer, which did not change
    expect(s.changes).toEqual({ shown: [], hidden: ["competitor"], cleared: [], reevaluated: 2 })
    expect(responseOf(s).answers.competitor).toBe("AcmeTel")
    expect(explain(s, "fee").inputs).toEqual({ competitor: "AcmeTel" })
    expect(questionText(s, "fee")).toBe("What does  charge for Network?")
    // a server re-evaluating the response sees the same path
    const r = validateResponse(kept, responseOf(s))
    expect(r.visible).toEqual(s.visibleQuestions)
    expect(r.ignored).toEqual(["competitor"])
    s = answer(s, "reason", "price")
    expect(s.answerOf("competitor")).toBe("AcmeTel")
  })

  it("applies requiredIf", () => {
    let s = start(version)
    expect(s.isRequired("detail")).toBe(false)
    s = answer(s, "reason", "network")
    expect(s.isRequired("detail")).toBe(true)
    expect(s.missingRequired).toContain("detail")
  })

  it("refuses bad values, unknown and hidden questions without changing the state", () => {
    const s = start(version)
    for (const [q, v, code] of [
      ["reason", "cheap", "unknown_choice"],
      ["fee", 3, "not_visible"],
      ["nope", 1, "unknown_question"],
      ["score", 6, "out_of_scale"],
      ["score", "5", "invalid_type"]
    ] as const) {
      const s2 = answer(s, q, v)
      expect(s2.errors.map((e) => e.code)).toEqual([code])
      expect(s2.answers).toEqual(s.answers)
      expect(s2.log.length).toBe(s.log.length)
    }
  })

  it("is immutable: older states are unaffected", () => {
    const s1 = start(version)
    const s2 = answer(s1, "reason", "price")
    expect(s1.isVisible("competitor")).toBe(false)
    expect(s2.isVisible("competitor")).toBe(true)
  })

  it("re-evaluates only what depends on the answer", () => {
    const n = 400
    const questions = Array.from({ length: n }, (_, i) => ({
      id: `q${i}`,
      type: "singleChoice" as const,
      text: `Q${i}`,
      choices: [{ id: "a", text: "A" }, { id: "b", text: "B" }],
      ...(i > 0 ? { showIf: `q${i - 1} == "a"` } : {})
    }))
    const v = publish({ id: "chain", title: "Chain", questions })
    let s = start(v)
    for (let i = 0; i < 200; i++) s = answer(s, `q${i}`, "a")
    expect(s.changes.reevaluated).toBe(1)
    expect(s.visibleQuestions.length).toBe(201)
    s = answer(s, "q10", "b")
    // q11..q199 hide one after another (their answers cascade), q200 is re-checked last.
    expect(s.changes.hidden.length).toBe(190)
    expect(s.changes.reevaluated).toBe(190)
    expect(s.visibleQuestions.length).toBe(11)
  })
})

describe("jumps and navigation", () => {
  it("ends the call on a jump to end and resumes the path when the answer changes", () => {
    let s = start(version)
    s = answer(s, "reached", "no", { advance: true })
    expect(s.visibleQuestions).toEqual(["reached"])
    expect(s.currentQuestion).toBeNull()
    expect(s.isComplete).toBe(true)
    expect(explain(s, "score")).toMatchObject({ status: "jumped_over", jump: { from: "reached", to: "end", condition: 'reached == "no"' } })
    s = answer(s, "reached", "yes")
    expect(s.visibleQuestions).toContain("score")
  })

  it("skips the questions between a jump and its target; back returns to the jump's source", () => {
    let s = start(version, { tier: "gold" })
    s = answer(s, "reached", "yes", { advance: true })
    s = answer(s, "reason", "network", { advance: true })
    expect(s.currentQuestion).toBe("skip_to_end")
    s = answer(s, "skip_to_end", "stop", { advance: true })
    expect(s.currentQuestion).toBe("score")
    expect(s.isVisible("detail")).toBe(false)
    expect(s.isVisible("vip")).toBe(false)
    expect(s.isRequired("detail")).toBe(false) // required-if holds, but the question is skipped
    s = back(s)
    expect(s.currentQuestion).toBe("skip_to_end")
    s = back(s)
    expect(s.currentQuestion).toBe("reason")
    s = next(s)
    expect(s.currentQuestion).toBe("skip_to_end")
    s = next(s)
    expect(s.currentQuestion).toBe("score")
  })

  it("next refuses while the current required question is unanswered; back refuses at the start", () => {
    const s = start(version)
    expect(next(s).errors[0]!.code).toBe("required")
    expect(back(s).errors[0]!.code).toBe("at_start")
    expect(goTo(s, "fee").errors[0]!.code).toBe("not_visible")
    expect(goTo(s, "score").currentQuestion).toBe("score")
  })

  it("moves the cursor forward when its question becomes hidden", () => {
    let s = start(version)
    s = answer(s, "reason", "price")
    s = goTo(s, "competitor")
    s = answer(s, "reason", "network")
    expect(s.currentQuestion).toBe("skip_to_end")
  })

  it("finishes only when complete", () => {
    let s = start(version)
    expect(finish(s).errors.map((e) => e.path[0])).toEqual(["reached", "reason", "score"])
    s = answer(s, "reached", "yes")
    s = answer(s, "reason", "network")
    s = answer(s, "detail", "Dropped calls at home")
    s = answer(s, "score", 2)
    const done = finish(s, at(9))
    expect(done.finished).toBe(true)
    expect(answer(done, "score", 3).errors[0]!.code).toBe("finished")
  })
})

describe("log, trace and piping", () => {
  it("keeps an append-only log with who, when and channel", () => {
    let s = start(version, {}, at(0))
    s = answer(s, "reason", "price", at(1))
    s = answer(s, "reason", "network", { at: 1732267800000, by: "agent-9", channel: "sms" })
    expect(s.log).toEqual([
      { seq: 1, kind: "start", at: "2026-11-22T09:00:00Z", by: "agent-7", channel: "phone" },
      { seq: 2, kind: "answer", question: "reason", value: "price", at: "2026-11-22T09:01:00Z", by: "agent-7", channel: "phone" },
      { seq: 3, kind: "answer", question: "reason", value: "network", at: 1732267800000, by: "agent-9", channel: "sms" }
    ])
  })

  it("records cleared answers in the log", () => {
    let s = start(version)
    s = answer(s, "reason", "price")
    s = answer(s, "competitor", "X")
    s = answer(s, "reason", "network")
    expect(s.log.at(-1)!.cleared).toEqual(["competitor"])
  })

  it("explains why a question is shown or hidden with the values its condition read", () => {
    let s = start(version, { tier: "silver" })
    s = answer(s, "reason", "network")
    expect(explain(s, "competitor")).toMatchObject({ status: "hidden_by_condition", condition: 'reason == "price"', inputs: { reason: "network" } })
    expect(explain(s, "vip").reason).toBe('hidden: condition ctx.tier == "gold" is false (ctx.tier = "silver")')
    expect(explain(s, "reason")).toMatchObject({ status: "shown", required: true })
    expect(trace(s).map((e) => e.status)).toEqual(["shown", "shown", "hidden_by_condition", "hidden_by_condition", "shown", "shown", "hidden_by_condition", "shown"])
  })

  it("pipes answers (choice texts in the locale) and context fields into texts", () => {
    let s = start(version, { name: "Li Lei" })
    expect(questionText(s, "reason", "en")).toBe("Why, Li Lei?")
    expect(questionText(s, "reason", "zh-CN")).toBe("为什么？")
    s = answer(s, "reason", "price")
    s = answer(s, "competitor", "AcmeTel")
    expect(questionText(s, "fee", "en")).toBe("What does AcmeTel charge for Price?")
    expect(questionText(s, "fee", "zh-CN")).toBe("What does AcmeTel charge for 资费?")
  })

  it("resolves every question's text at once, hidden questions included, with no raw placeholders", () => {
    let s = start(version, { name: "Li Lei" })
    const before = questionTexts(s, "en")
    expect(Object.keys(before)).toEqual(version.definition.questions.map((q) => q.id))
    expect(before.reason).toBe("Why, Li Lei?")
    expect(before.fee).toBe("What does  charge for ?")
    s = answer(s, "reason", "price")
    s = answer(s, "competitor", "AcmeTel")
    expect(questionTexts(s, "zh-CN").reason).toBe("为什么？")
    expect(questionTexts(s, "en").fee).toBe("What does AcmeTel charge for Price?")
    for (const text of Object.values(questionTexts(s, "en"))) expect(text).not.toMatch(/\{[^}]*\}/)
  })
})

describe("publishing", () => {
  it("freezes the version and identifies it by a content hash", () => {
    expect(version.hash).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(Object.isFrozen(version.definition)).toBe(true)
    expect(Object.isFrozen(version.definition.questions[0])).toBe(true)
  })

  it("hashes the same content the same, whatever the key order or condition spelling", () => {
    const reverseKeys = (x: unknown): unknown =>
      Array.isArray(x) ? x.map(reverseKeys) : x !== null && typeof x === "object" ? Object.fromEntries(Object.entries(x).reverse().map(([k, v]) => [k, reverseKeys(v)])) : x
    const reordered = reverseKeys(callDef)
    expect(Object.keys(reordered as object)[0]).toBe("questions")
    expect(publish(reordered).hash).toBe(version.hash)
    const spelled = structuredClone(callDef)
    spelled.questions[2]!.showIf = "reason='price'"
    expect(publish(spelled).hash).toBe(version.hash)
    const changed = structuredClone(callDef)
    changed.questions[2]!.text = "Which offer exactly?"
    expect(publish(changed).hash).not.toBe(version.hash)
  })

  it("loads a stored version back and refuses one whose hash does not match", () => {
    const stored = JSON.parse(JSON.stringify(version))
    expect(loadPublished(stored).hash).toBe(version.hash)
    stored.definition.questions[1].text = "tampered"
    expect(() => loadPublished(stored)).toThrow(ValidationError)
  })

  it("refuses a definition with analysis errors, listing each with its path", () => {
    try {
      publish({ id: "x", title: "X", questions: [{ id: "a", type: "text", text: "A", showIf: 'b == "1"' }, { id: "b", type: "text", text: "B", showIf: 'zz == "1"' }] })
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError)
      const issues = (e as ValidationError).issues
      expect(issues.map((i) => [i.code, i.path.join(".")])).toEqual([
        ["unknown_question", "questions.1.showIf"],
        ["forward_reference", "questions.0.showIf"]
      ])
    }
  })
})

// --- properties ------------------------------------------------------------------------------

function loadUnchecked(d: unknown): PublishedQuestionnaire {
  // Generated definitions may have analysis errors (e.g. never-shown questions): the runtime must
  // still behave, so load them without publish's analysis gate.
  const def = parseDefinition(d)
  return loadPublished({ hash: contentHash(def), definition: def })
}

function applyStep(s: QuestionnaireState, step: { q: number; value: unknown }, ids: ReadonlyArray<string>, k: number): QuestionnaireState {
  const id = ids[step.q % ids.length]!
  switch (k % 7) {
    case 5:
      return back(s)
    case 6:
      return next(s)
    default:
      return answer(s, id, step.value, { at: k, by: `agent-${k % 2}` })
  }
}

describe("properties", () => {
  it("random definitions and answer sequences never crash; the incremental state equals a full re-evaluation, and the server-side validator agrees", () => {
    fc.assert(
      fc.property(definitionArb, contextArb, stepsArb, (d, ctx, steps) => {
        const v = loadUnchecked(d)
        const ids = v.definition.questions.map((q) => q.id)
        let s = start(v, ctx)
        steps.forEach((step, k) => {
          s = applyStep(s, step, ids, k)
          const r = validateResponse(v, responseOf(s))
          // same visibility, same completeness, no complaint other than missing required answers
          expect(r.visible).toEqual(s.visibleQuestions)
          expect(r.missingRequired).toEqual(s.missingRequired)
          expect(r.complete).toBe(s.isComplete)
          expect(r.valid).toBe(s.isComplete)
          expect(r.issues.every((i) => i.code === "required")).toBe(true)
          expect(r.answers).toEqual(s.answers)
          // the resume token restores the exact state
          const again = resume(v, resumeToken(s))
          expect(again.visibleQuestions).toEqual(s.visibleQuestions)
          expect(again.answers).toEqual(s.answers)
          expect(responseOf(again)).toEqual(responseOf(s))
          expect(again.currentQuestion).toBe(s.currentQuestion)
          expect(again.log).toEqual(s.log)
          expect(again.missingRequired).toEqual(s.missingRequired)
          // why-shown / why-skipped agrees with visibility
          for (const e of trace(s)) expect(e.status === "shown").toBe(s.isVisible(e.question))
        })
      }),
      { numRuns: 250 }
    )
  })

  it("under keep-and-read the incremental state equals a from-scratch evaluation reading every stored answer", () => {
    fc.assert(
      fc.property(definitionArb.map((d) => ({ ...d, hiddenAnswers: "keep-and-read" as const })), contextArb, stepsArb, (d, ctx, steps) => {
        const v = loadUnchecked(d)
        const ids = v.definition.questions.map((q) => q.id)
        let s = start(v, ctx)
        steps.forEach((step, k) => {
          s = applyStep(s, step, ids, k)
          // from scratch: every stored answer, hidden or not, as one fresh call
          const stored = responseOf(s).answers
          const scratch = validateResponse(v, { versionHash: v.hash, context: ctx, answers: stored })
          expect(scratch.visible).toEqual(s.visibleQuestions)
          expect(scratch.missingRequired).toEqual(s.missingRequired)
          expect(scratch.answers).toEqual(s.answers)
          expect([...scratch.ignored].sort()).toEqual(Object.keys(stored).filter((id) => !s.isVisible(id)).sort())
          // the resume token, rebuilt by one forward pass, agrees too
          const fresh = resume(v, resumeToken(s))
          expect(fresh.visibleQuestions).toEqual(s.visibleQuestions)
          for (const id of ids) expect(fresh.isRequired(id)).toBe(s.isRequired(id))
          expect(fresh.isComplete).toBe(s.isComplete)
        })
      }),
      { numRuns: 200 }
    )
  })

  // Dense single-choice definitions where every answer is valid, so answers are often hidden and
  // read again: conditions over one or two earlier questions, some jumps.
  const denseArb = fc
    .array(fc.record({ shape: fc.nat(5), a: fc.nat(), b: fc.nat(), x: fc.nat(2), y: fc.nat(2), jump: fc.nat(4), to: fc.nat() }), { minLength: 2, maxLength: 10 })
    .map((spec) => ({
      id: "dense",
      title: "Dense",
      hiddenAnswers: "keep-and-read" as const,
      questions: spec.map((q, i) => {
        const a = `q${q.a % Math.max(i, 1)}`
        const b = `q${q.b % Math.max(i, 1)}`
        const shows = [undefined, `${a} == "c${q.x}"`, `${a} == "c${q.x}" or ${b} == "c${q.y}"`, `answered(${a}) and ${b} != "c${q.y}"`, `not answered(${a})`, `${a} != "c${q.x}"`]
        const showIf = i === 0 ? undefined : shows[q.shape]
        const to = i + 1 + (q.to % Math.max(spec.length - i - 1, 1))
        return {
          id: `q${i}`,
          type: "singleChoice" as const,
          text: `Q${i}`,
          required: q.shape % 2 === 0,
          choices: [0, 1, 2].map((c) => ({ id: `c${c}`, text: `C${c}` })),
          ...(showIf !== undefined ? { showIf } : {}),
          ...(q.jump === 0 && i < spec.length - 1 ? { jumps: [{ when: `q${i} == "c2"`, to: to >= spec.length ? "end" : `q${to}` }] } : {})
        }
      })
    }))

  it("under keep-and-read, on dense definitions where answers are hidden and read again, the incremental state equals a from-scratch evaluation", () => {
    let withHidden = 0 // answer steps taken while some hidden question holds a remembered answer
    fc.assert(
      fc.property(denseArb, fc.array(fc.record({ q: fc.nat(), v: fc.nat(3) }), { maxLength: 40 }), (d, steps) => {
        const v = loadUnchecked(d)
        let s = start(v)
        for (const step of steps) {
          const shown = s.visibleQuestions // an agent answers what is shown
          if (shown.length === 0) break
          const id = shown[step.q % shown.length]!
          s = answer(s, id, step.v === 3 ? null : `c${step.v}`)
          const stored = responseOf(s).answers
          const scratch = validateResponse(v, { versionHash: v.hash, answers: stored })
          expect(scratch.visible).toEqual(s.visibleQuestions)
          expect(scratch.missingRequired).toEqual(s.missingRequired)
          expect(scratch.complete).toBe(s.isComplete)
          if (scratch.ignored.length > 0) withHidden++
        }
      }),
      { numRuns: 300 }
    )
    expect(withHidden).toBeGreaterThan(40) // the property really exercised remembered hidden answers
  })

  it("a hidden question never holds an answer under the clear policy", () => {
    fc.assert(
      fc.property(definitionArb.map((d) => ({ ...d, hiddenAnswers: "clear" as const })), contextArb, stepsArb, (d, ctx, steps) => {
        const v = loadUnchecked(d)
        const ids = v.definition.questions.map((q) => q.id)
        let s = start(v, ctx)
        steps.forEach((step, k) => (s = applyStep(s, step, ids, k)))
        for (const id of Object.keys(responseOf(s).answers)) expect(s.isVisible(id)).toBe(true)
      }),
      { numRuns: 150 }
    )
  })
})
