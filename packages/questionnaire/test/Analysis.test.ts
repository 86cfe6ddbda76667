import { describe, it, expect } from "vitest"
import fc from "fast-check"
import { analyze, publish, validateResponse, parseDefinition, loadPublished, contentHash, start, answer, type Finding } from "../src/index"
import { contextArb, definitionArb, stepsArb } from "./Arbitraries"

const choice = (id: string, ids: string[], extra: Record<string, unknown> = {}) => ({ id, type: "singleChoice", text: id, choices: ids.map((c) => ({ id: c, text: c })), ...extra })
const text = (id: string, extra: Record<string, unknown> = {}) => ({ id, type: "text", text: id, ...extra })
const def = (questions: unknown[], extra: Record<string, unknown> = {}) => ({ id: "t", title: "T", questions, ...extra })
const codes = (fs: ReadonlyArray<Finding>) => fs.map((f) => `${f.severity}:${f.code}:${f.questions.join(",")}`)

describe("analyze: references", () => {
  it("flags unknown questions with a suggestion", () => {
    const r = analyze(def([choice("reason", ["a", "b"]), text("x", { showIf: 'reasn == "a"' })]))
    expect(codes(r.findings)).toEqual(["error:unknown_question:x"])
    expect(r.findings[0]!.message).toContain('Did you mean "reason"?')
    expect(r.findings[0]!.path).toEqual(["questions", 1, "showIf"])
    expect(r.ok).toBe(false)
  })

  it("flags unknown choices, including inside lists and contains", () => {
    const r = analyze(def([choice("a", ["x", "y"]), { id: "m", type: "multipleChoice", text: "m", choices: [{ id: "p", text: "p" }] }, text("t", { showIf: 'a in ["x", "zz"] or m contains "q"' })]))
    expect(r.findings.filter((f) => f.code === "unknown_choice").map((f) => f.message)).toEqual([
      expect.stringContaining('"zz", which is not a choice of a'),
      expect.stringContaining('"q", which is not a choice of m')
    ])
  })

  it("flags type mismatches", () => {
    const r = analyze(def([{ id: "n", type: "number", text: "n" }, text("t", { showIf: 'n == "five"' })]))
    expect(codes(r.findings)).toContain("error:type_mismatch:t,n")
  })

  it("checks context fields against their declaration", () => {
    const r = analyze(def([text("t", { showIf: 'ctx.teir == "gold"' }), text("u", { showIf: 'ctx.tier == "platinum"' })], { context: { tier: { type: "choice", values: ["gold", "silver"] } } }))
    expect(codes(r.findings)).toEqual(["error:unknown_context_field:t", "error:unknown_choice:u"])
    expect(r.findings[0]!.message).toContain('Did you mean "tier"?')
  })

  it("flags unknown jump targets", () => {
    const r = analyze(def([choice("a", ["x"], { jumps: [{ when: 'a == "x"', to: "nowhere" }] }), text("b")]))
    expect(codes(r.findings)).toEqual(["error:unknown_jump_target:a"])
    expect(r.findings[0]!.path).toEqual(["questions", 0, "jumps", 0, "to"])
  })

  it("warns about piping references to unknown or later questions", () => {
    const r = analyze(def([text("a", { text: "About {b}" }), text("b", { text: "Hello {ctx.name}, you said {a}" })]))
    expect(codes(r.findings)).toEqual(["warning:unknown_piping_reference:a"])
  })
})

describe("analyze: cycles", () => {
  it("names every question of a condition cycle", () => {
    const r = analyze(def([text("a"), text("b", { showIf: 'c == "1"' }), text("c", { showIf: 'd == "1"' }), text("d", { showIf: 'b == "1"' })]))
    const cycle = r.findings.find((f) => f.code === "cycle")!
    expect(cycle.questions).toEqual(["b", "c", "d"])
    expect(cycle.message).toBe("Conditions depend on each other in a cycle: b → c → d → b")
    expect(r.findings.filter((f) => f.code === "forward_reference")).toEqual([])
  })

  it("reports a question that depends on itself", () => {
    const r = analyze(def([text("a", { showIf: 'a == "1"' })]))
    expect(codes(r.findings)).toContain("error:cycle:a")
  })

  it("names the questions a backward jump loops through", () => {
    const r = analyze(def([text("a"), text("b"), choice("c", ["again", "done"], { jumps: [{ when: 'c == "again"', to: "a" }] })]))
    const f = r.findings.find((x) => x.code === "cycle")!
    expect(f.questions).toEqual(["a", "b", "c"])
    expect(f.message).toBe("Jump from c back to a loops: a → b → c → a")
  })

  it("reports forward references that form no cycle", () => {
    const r = analyze(def([text("a", { showIf: 'b == "1"' }), text("b")]))
    expect(codes(r.findings)).toEqual(["error:forward_reference:a,b"])
  })

  it("lets a jump read its own question", () => {
    expect(analyze(def([choice("a", ["x", "y"], { jumps: [{ when: 'a == "x"', to: "end" }] }), text("b")])).errorCount).toBe(0)
  })
})

describe("analyze: never true, never shown", () => {
  it("finds contradictions", () => {
    const r = analyze(def([choice("a", ["x", "y"]), text("b", { showIf: 'a == "x" and a == "y"' })]))
    expect(codes(r.findings)).toEqual(["error:never_shown:b"])
    expect(r.findings[0]!.message).toContain("can never be true")
  })

  it("finds comparisons outside a rating's scale or a number's range", () => {
    const r = analyze(def([{ id: "r", type: "rating", text: "r" }, text("b", { showIf: "r > 7" }), { id: "n", type: "number", text: "n", min: 0, max: 10, integer: true }, text("c", { showIf: "n > 4 and n < 5" })]))
    expect(codes(r.findings)).toEqual(["error:never_shown:b", "error:never_shown:c"])
    expect(r.findings[0]!.message).toContain("r takes 1, 2, 3, 4, 5")
  })

  it("does not flag a satisfiable range on real numbers", () => {
    expect(analyze(def([{ id: "n", type: "number", text: "n" }, text("c", { showIf: "n > 4 and n < 5" })])).findings).toEqual([])
  })

  it("propagates: a condition that needs an answer to a never-shown question is never true", () => {
    const r = analyze(def([choice("a", ["x", "y"]), text("b", { showIf: 'a == "x" and a == "y"' }), text("c", { showIf: "answered(b)" })]))
    expect(codes(r.findings)).toEqual(["error:never_shown:b", "error:never_shown:c,b"])
    expect(r.findings[1]!.message).toContain("because b is never shown")
  })

  it("flags a dead alternative inside an or as never_true (warning)", () => {
    const r = analyze(def([{ id: "r", type: "rating", text: "r" }, text("b", { showIf: "r > 7 or r == 1" })]))
    expect(codes(r.findings)).toEqual(["warning:never_true:b"])
  })

  it("flags questions always skipped by an unconditional jump", () => {
    const r = analyze(def([text("a", { jumps: [{ when: "answered(a) or empty(a)", to: "c" }] }), text("b"), text("c")]))
    expect(codes(r.findings)).toContain("error:never_shown:b,a")
  })

  it("flags dead jumps and always-true conditions", () => {
    const r = analyze(def([choice("a", ["x", "y"], { jumps: [{ when: 'a == "x" and a == "y"', to: "end" }] }), text("b", { showIf: 'a == "x" or a != "x"' })]))
    expect(codes(r.findings)).toEqual(["warning:never_true:a", "info:always_true:b"])
  })

  it("warns about required questions a jump can skip", () => {
    const r = analyze(def([choice("a", ["x", "y"], { jumps: [{ when: 'a == "x"', to: "c" }] }), text("b", { required: true }), text("c", { required: true })]))
    expect(codes(r.findings)).toEqual(["warning:required_may_be_skipped:b"])
  })
})

describe("analyze: path space", () => {
  const branching = def([
    choice("reached", ["yes", "no"], { required: true, jumps: [{ when: 'reached == "no"', to: "end" }] }),
    choice("reason", ["price", "network", "other"], { required: true }),
    text("competitor", { showIf: 'reason == "price"', required: true }),
    text("detail", { showIf: 'reason == "other"' }),
    { id: "score", type: "rating", text: "score", required: true },
    text("why_low", { showIf: "score <= 2" })
  ])

  it("computes exact min and max questions per call", () => {
    const ps = analyze(branching).pathSpace!
    expect(ps.exact).toBe(true)
    expect(ps.minQuestions).toBe(1) // reached = no
    expect(ps.maxQuestions).toBe(5) // reached, reason, competitor or detail, score, why_low
  })

  it("covers every branch outcome with test cases the validator accepts", () => {
    const ps = analyze(branching).pathSpace!
    expect(ps.branches.total).toBe(8) // 3 show-ifs + 1 jump, true and false each
    expect(ps.branches.covered).toBe(8)
    expect(ps.branches.uncovered).toEqual([])
    expect(ps.testCases.length).toBeLessThanOrEqual(6)
    const covered = new Set(ps.testCases.flatMap((t) => t.covers))
    expect(covered.size).toBe(8)
    const v = publish(branching)
    for (const t of ps.testCases) {
      const r = validateResponse(v, { versionHash: v.hash, context: t.context, answers: t.answers })
      expect(r.valid).toBe(true)
      expect(r.visible).toEqual(t.visible)
    }
  })

  it("explores context fields too", () => {
    const ps = analyze(def([text("vip", { showIf: 'ctx.tier == "gold"' })], { context: { tier: { type: "choice", values: ["gold", "silver"] } } })).pathSpace!
    expect(ps.minQuestions).toBe(0)
    expect(ps.maxQuestions).toBe(1)
    expect(ps.branches.covered).toBe(2)
  })

  it("falls back to guided walks on large definitions and says so", () => {
    const questions = Array.from({ length: 300 }, (_, i) => choice(`q${i}`, ["a", "b"], i > 0 ? { showIf: `q${i - 1} == "a"` } : {}))
    const ps = analyze(def(questions), { maxSteps: 2000 }).pathSpace!
    expect(ps.exact).toBe(false)
    expect(ps.maxQuestions).toBe(300)
    expect(ps.minQuestions).toBe(1)
    expect(ps.branches.covered).toBe(ps.branches.total)
  })
})

describe("analyze: properties", () => {
  it("never crashes on random definitions, and every test case it generates is accepted by the validator", () => {
    fc.assert(
      fc.property(definitionArb, (d) => {
        const r = analyze(d, { maxSteps: 5000, maxTestCases: 8 })
        expect(r.errorCount + r.warningCount + r.infoCount).toBe(r.findings.length)
        const dead = new Set(r.findings.filter((f) => f.code === "never_shown").map((f) => f.questions[0]!))
        for (const t of r.pathSpace!.testCases) for (const q of t.visible) expect(dead.has(q)).toBe(false)
        expect(r.pathSpace!.minQuestions).toBeLessThanOrEqual(r.pathSpace!.maxQuestions)
        for (const f of r.findings) expect(f.path.length).toBeGreaterThan(0)
        if (r.ok) {
          const v = publish(d)
          for (const t of r.pathSpace!.testCases) {
            const res = validateResponse(v, { context: t.context, answers: t.answers })
            expect(res.visible).toEqual(t.visible)
            expect(res.issues.filter((i) => i.code !== "required")).toEqual([])
          }
        }
      }),
      { numRuns: 200 }
    )
  })

  it("is sound: a question reported never shown is never visible at run time, whatever the answers", () => {
    fc.assert(
      fc.property(definitionArb, contextArb, stepsArb, (d, ctx, steps) => {
        const r = analyze(d, { pathSpace: false })
        const dead = new Set(r.findings.filter((f) => f.code === "never_shown").map((f) => f.questions[0]!))
        const def = parseDefinition(d)
        const v = loadPublished({ hash: contentHash(def), definition: def })
        const ids = def.questions.map((q) => q.id)
        let s = start(v, ctx)
        const check = () => {
          for (const q of dead) expect(s.isVisible(q)).toBe(false)
        }
        check()
        for (const step of steps) {
          s = answer(s, ids[step.q % ids.length]!, step.value)
          check()
        }
      }),
      { numRuns: 300 }
    )
  })
})

describe("analyze: jumps that always fire", () => {
  it("only the range every path skips is never shown when an earlier jump may fire first", () => {
    const r = analyze({
      id: "t",
      title: "T",
      questions: [
        { id: "a", type: "singleChoice", text: "a", choices: [{ id: "x", text: "x" }, { id: "y", text: "y" }], jumps: [{ when: 'a == "x"', to: "c" }, { when: "answered(a) or empty(a)", to: "d" }] },
        { id: "b", type: "text", text: "b" },
        { id: "c", type: "text", text: "c" },
        { id: "d", type: "text", text: "d" }
      ]
    })
    expect(r.findings.filter((f) => f.code === "never_shown").map((f) => f.questions[0])).toEqual(["b"])
  })
})
