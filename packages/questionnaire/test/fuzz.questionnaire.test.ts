/**
 * Fuzzing questionnaire definitions and answers (issue 9, item 3). The property tests of
 * Runtime/Analysis/Questionnaire/FastParse cover *valid* generated definitions, well-typed answer
 * values and five fixed corruptions; this adds what they leave out: arbitrary JSON everywhere a host
 * hands the package data (definitions, SurveyJS documents, stored versions, responses, resume
 * tokens, condition text), nearly-valid definitions (random JSON-level mutations of generated ones,
 * identifiers such as `__proto__`), and arbitrary values, ids and navigation on the runtime. The
 * only failures allowed are the package's typed errors; a refused runtime step leaves the state as
 * it was.
 *
 * CI: about 3,700 cases. `WINBACK_HEAVY=1`: ten times as many.
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  analyze,
  answer,
  back,
  ExpressionSyntaxError,
  explain,
  finish,
  goTo,
  importSurveyJs,
  loadPublished,
  next,
  outline,
  parseDefinition,
  parseExpression,
  publish,
  type PublishedQuestionnaire,
  questionnaireStatistics,
  type QuestionnaireState,
  responseOf,
  resume,
  resumeToken,
  ResumeTokenError,
  start,
  validateResponse,
  ValidationError
} from "../src/index"
import { definitionArb, valueArb } from "./Arbitraries"

const heavy = process.env.WINBACK_HEAVY === "1"
const runs = (n: number) => (heavy ? n * 10 : n)

/** Runs `f`; a throw must be one of the package's typed errors. */
const typed = <A>(f: () => A): A | undefined => {
  try {
    return f()
  } catch (e) {
    const ok = e instanceof ValidationError || e instanceof ExpressionSyntaxError || e instanceof ResumeTokenError
    if (!ok) throw new Error(`untyped failure: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, { cause: e })
    if (e instanceof ValidationError) {
      expect(e.issues.length).toBeGreaterThan(0)
      for (const i of e.issues) expect(Array.isArray(i.path)).toBe(true)
    }
    return undefined
  }
}

const awkwardIds = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "prototype"]
const anyJson = fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.anything({ maxDepth: 3, withNullPrototype: true, withMap: true, withSet: true }))

// ---- nearly-valid definitions: generated ones with JSON-level mutations -------------------------
type Mutation = { readonly kind: "delete" | "replace" | "extraKey" | "wrap" | "awkwardId" | "condition"; readonly at: number; readonly value: unknown; readonly text: string }
const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom("delete", "replace", "extraKey", "wrap", "awkwardId", "condition"),
  at: fc.nat(),
  value: fc.jsonValue({ maxDepth: 2 }),
  text: fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('q0 == "c0" and', "not not (q0)", "count(q0) >= 1e999", "ctx.", '"\\u0000"', "q0 in []", "((((((((((q0))))))))))", "answered(__proto__)"))
})
const slots = (root: unknown) => {
  const out: Array<{ parent: Record<string, unknown> | Array<unknown>; key: string | number }> = []
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach((x, i) => (out.push({ parent: v, key: i }), walk(x)))
    else if (v !== null && typeof v === "object") for (const [k, x] of Object.entries(v)) out.push({ parent: v as Record<string, unknown>, key: k }), walk(x)
  }
  walk(root)
  return out
}
const mutate = (def: unknown, ms: ReadonlyArray<Mutation>): unknown => {
  const copy = structuredClone(def) as { questions: Array<Record<string, unknown>> }
  for (const m of ms) {
    if (m.kind === "awkwardId" || m.kind === "condition") {
      const q = copy.questions?.[m.at % Math.max(1, copy.questions?.length ?? 1)]
      if (!q || typeof q !== "object") continue
      if (m.kind === "awkwardId") {
        // Rename a question and every reference to it in condition text.
        const old = q.id
        if (typeof old !== "string" || !/^q\d+$/.test(old)) continue // renamed or mangled already
        const fresh = awkwardIds[m.at % awkwardIds.length]!
        const text = JSON.stringify(copy).replace(new RegExp(`\\b${old}\\b`, "g"), fresh)
        Object.assign(copy, JSON.parse(text))
      } else q[["showIf", "requiredIf"][m.at % 2]!] = m.text
      continue
    }
    const all = slots(copy)
    if (all.length === 0) break
    const { parent, key } = all[m.at % all.length]!
    const p = parent as Record<string | number, unknown>
    if (m.kind === "delete") Array.isArray(parent) ? parent.splice(key as number, 1) : delete p[key]
    else if (m.kind === "replace") p[key] = m.value
    else if (m.kind === "wrap") p[key] = [p[key]]
    else if (p[key] !== null && typeof p[key] === "object" && !Array.isArray(p[key])) (p[key] as Record<string, unknown>).extra = m.value
  }
  return copy
}
const nearlyValid = fc.tuple(definitionArb, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([d, ms]) => mutate(d, ms))

// ---- runtime operations with arbitrary ids and values ---------------------------------------------
type Op = { readonly kind: "answer" | "next" | "back" | "goTo" | "finish" | "explain"; readonly q: number; readonly id: string; readonly value: unknown }
const op: fc.Arbitrary<Op> = fc.record({
  kind: fc.constantFrom("answer", "answer", "answer", "next", "back", "goTo", "finish", "explain"),
  q: fc.nat(),
  id: fc.oneof(fc.constant(""), fc.constantFrom(...awkwardIds), fc.string({ maxLength: 6 })),
  value: fc.oneof(valueArb, fc.anything({ maxDepth: 2 }), fc.string({ maxLength: 2000 }), fc.constantFrom(Number.NaN, Infinity, -0, 1e308, [], {}, [null], ["c0", "c0"]))
})

const snapshot = (s: QuestionnaireState) => JSON.stringify({ r: responseOf(s), c: s.currentQuestion, v: s.visibleQuestions, f: s.core.finished })

/** Plays ops on a started call: no crash; a refused step changes nothing; a token restores the state. */
const play = (v: PublishedQuestionnaire, s0: QuestionnaireState, ops: ReadonlyArray<Op>) => {
  const ids = v.definition.questions.map((q) => q.id)
  let s = s0
  for (const o of ops) {
    const id = o.q % 4 === 0 ? o.id : ids[o.q % ids.length]!
    const before = snapshot(s)
    let after: QuestionnaireState | undefined
    switch (o.kind) {
      case "answer":
        after = answer(s, id, o.value, { at: "2026-11-22T09:00:00Z", by: "agent-1" })
        break
      case "next":
        after = next(s)
        break
      case "back":
        after = back(s)
        break
      case "goTo":
        after = goTo(s, id)
        break
      case "finish":
        after = finish(s)
        break
      case "explain":
        typed(() => explain(s, id))
        break
    }
    if (after === undefined) continue
    if (after.errors.length > 0) expect(snapshot(after), `a refused ${o.kind} changed the call`).toBe(before)
    s = after
  }
  // What a host stores holds every answer the call holds (none lost to an awkward key) ...
  const held = s.core.answers.filter((a) => a !== undefined).length
  expect(Object.keys(responseOf(s).answers), "every answer reaches the stored response").toHaveLength(held)
  // ... validates without throwing, and the token round-trips.
  // (Compared as JSON, which is how they are stored: -0 and 0 are one number there.)
  const r = validateResponse(v, responseOf(s))
  expect(JSON.stringify(r.answers)).toBe(JSON.stringify(s.answers))
  const again = resume(v, resumeToken(s))
  expect(JSON.stringify(responseOf(again))).toBe(JSON.stringify(responseOf(s)))
  return s
}

describe("fuzz: questionnaire definitions and answers", { timeout: heavy ? 900_000 : 90_000 }, () => {
  it(`arbitrary JSON as a definition, a SurveyJS document or a stored version: typed errors only (${runs(800)} cases)`, () => {
    fc.assert(
      fc.property(anyJson, (input) => {
        typed(() => parseDefinition(input))
        typed(() => analyze(input))
        typed(() => publish(input))
        typed(() => outline(input))
        typed(() => importSurveyJs(input))
        typed(() => loadPublished(input))
        typed(() => loadPublished({ hash: "x", definition: input }))
      }),
      { numRuns: runs(800) }
    )
  })

  it(`condition text: arbitrary strings and mangled conditions parse or raise ExpressionSyntaxError (${runs(1000)} cases)`, () => {
    const tokens = fc.constantFrom("q0", "q1", "ctx.tier", "==", "!=", ">", "<=", "and", "or", "not", "(", ")", "[", "]", ",", '"c0"', "1", "-2.5", "in", "contains", "answered(", "count(", "empty(", "true", "null", "\\", '"', "1e999", "__proto__")
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 60 }), fc.array(tokens, { maxLength: 12 }).map((t) => t.join(" "))), (text) => {
        typed(() => parseExpression(text))
      }),
      { numRuns: runs(1000) }
    )
  })

  it(`nearly-valid definitions: publish refuses with typed errors or the result runs any answers, ids and navigation (${runs(1200)} cases)`, () => {
    let published = 0
    fc.assert(
      fc.property(nearlyValid, fc.oneof(fc.constant({}), fc.record({ tier: fc.oneof(fc.constantFrom("gold", "diamond"), fc.anything({ maxDepth: 1 })) })), fc.array(op, { maxLength: 15 }), (def, ctx, ops) => {
        typed(() => analyze(def))
        const v = typed(() => publish(def))
        if (!v) return
        published++
        const s0 = typed(() => start(v, ctx as Record<string, unknown>))
        if (s0) play(v, s0, ops)
      }),
      { numRuns: runs(1200) }
    )
    expect(published).toBeGreaterThan(runs(1200) / 20)
  })

  it(`valid definitions with arbitrary answers, ids and navigation: refused steps change nothing (${runs(400)} cases)`, () => {
    fc.assert(
      fc.property(definitionArb, fc.array(op, { maxLength: 25 }), (def, ops) => {
        const v = typed(() => publish(def, { allowWarnings: true }))
        if (v) play(v, start(v), ops)
      }),
      { numRuns: runs(400) }
    )
  })

  it(`stored data: arbitrary responses, statistics inputs and resume tokens give typed errors or results (${runs(300)} cases)`, () => {
    fc.assert(
      fc.property(definitionArb, anyJson, fc.array(anyJson, { maxLength: 4 }), fc.string({ maxLength: 80 }), fc.nat(), (def, response, stored, token, flip) => {
        const v = typed(() => publish(def, { allowWarnings: true }))
        if (!v) return
        const r = typed(() => validateResponse(v, response))
        if (r) expect(typeof r.valid).toBe("boolean")
        typed(() => questionnaireStatistics([v], stored as never))
        typed(() => questionnaireStatistics([v], stored.map((answers) => ({ versionHash: v.hash, answers })) as never))
        typed(() => resume(v, token))
        // A real token with one character changed: refused as tampered or malformed, or (if the
        // change fell in padding) the same call.
        const real = resumeToken(start(v))
        const i = flip % real.length
        const bent = real.slice(0, i) + (real[i] === "A" ? "B" : "A") + real.slice(i + 1)
        typed(() => resume(v, bent))
      }),
      { numRuns: runs(300) }
    )
  })
})

describe("regressions found by the fuzzer", () => {
  it("a question id of __proto__ is refused (its answer used to vanish from responses while the call counted it as answered)", () => {
    // Found by "nearly-valid definitions" (awkward-id mutation): `answers["__proto__"] = v` sets
    // the object's prototype instead of a key, so the stored response lost the answer and the
    // server-side validator then refused the completed call as missing a required answer.
    const def = (id: string) => ({ id: "p", title: "P", questions: [{ id, type: "text", text: "T", required: true }] })
    expect(() => publish(def("__proto__"))).toThrow(ValidationError)
    try {
      parseDefinition(def("__proto__"))
    } catch (e) {
      expect((e as ValidationError).issues.map((i) => i.path)).toEqual([["questions", 0, "id"]])
    }
    // Other Object.prototype names are plain keys and keep their answers.
    for (const id of ["constructor", "toString", "hasOwnProperty"]) {
      const v = publish(def(id))
      const s = answer(start(v), id, "hello")
      expect(responseOf(s).answers).toEqual({ [id]: "hello" })
      expect(validateResponse(v, responseOf(s)).valid).toBe(true)
    }
  })
})
