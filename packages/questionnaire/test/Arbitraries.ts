/**
 * fast-check arbitraries shared by the property tests: random valid definitions (conditions only
 * read earlier questions, literals fit the question types) and random answer values.
 */
import fc from "fast-check"
import type { QuestionnaireDefinitionInput } from "../src/Questionnaire"

type Q = QuestionnaireDefinitionInput["questions"][number]
const CHOICES = ["c0", "c1", "c2", "c3"]

const questionShape = fc.constantFrom("text", "multilineText", "singleChoice", "multipleChoice", "number", "date", "rating")

function literalFor(q: Q, r: number): string {
  switch (q.type) {
    case "singleChoice":
    case "multipleChoice":
      return JSON.stringify(CHOICES[r % 3])
    case "number":
      return String((r % 7) - 2)
    case "rating":
      return String(1 + (r % 5))
    case "date":
      return JSON.stringify(`2026-0${1 + (r % 3)}-1${r % 3}`)
    default:
      return JSON.stringify(["yes", "no", "maybe"][r % 3])
  }
}

function atomFor(q: Q, r: number): string {
  const lit = literalFor(q, r)
  switch (q.type) {
    case "multipleChoice":
      return [`${q.id} contains ${lit}`, `${q.id} in [${lit}, "c3"]`, `count(${q.id}) >= ${1 + (r % 2)}`, `answered(${q.id})`][r % 4]!
    case "number":
    case "rating":
    case "date":
      return [`${q.id} == ${lit}`, `${q.id} > ${lit}`, `${q.id} <= ${lit}`, `empty(${q.id})`][r % 4]!
    case "singleChoice":
      return [`${q.id} == ${lit}`, `${q.id} != ${lit}`, `${q.id} in [${lit}]`, `answered(${q.id})`][r % 4]!
    default:
      return [`${q.id} == ${lit}`, `${q.id} contains "y"`, `answered(${q.id})`, `${q.id} != ${lit}`][r % 4]!
  }
}

/** A condition over earlier questions (and the tier context field). */
function conditionFor(earlier: Q[], picks: number[]): string | undefined {
  if (earlier.length === 0) return picks[0]! % 3 === 0 ? `ctx.tier in ["gold", "diamond"]` : undefined
  const atoms: string[] = []
  const k = 1 + (picks[0]! % 2)
  for (let a = 0; a < k; a++) {
    const r = picks[a + 1]!
    if (r % 7 === 6) atoms.push(`ctx.tier == "gold"`)
    else atoms.push(atomFor(earlier[r % earlier.length]!, r >> 3))
  }
  const joiner = picks[3]! % 2 === 0 ? " and " : " or "
  const body = atoms.join(joiner)
  return picks[4]! % 5 === 0 ? `not (${body})` : body
}

export const definitionArb: fc.Arbitrary<QuestionnaireDefinitionInput> = fc
  .record({
    n: fc.integer({ min: 1, max: 10 }),
    types: fc.array(questionShape, { minLength: 10, maxLength: 10 }),
    flags: fc.array(fc.array(fc.nat({ max: 1000 }), { minLength: 12, maxLength: 12 }), { minLength: 10, maxLength: 10 }),
    keep: fc.constantFrom("clear" as const, "keep" as const, "keep-and-read" as const)
  })
  .map(({ n, types, flags, keep }) => {
    const qs: Q[] = []
    for (let i = 0; i < n; i++) {
      const f = flags[i]!
      const type = types[i]!
      const base = { id: `q${i}`, text: `Question ${i} {q${Math.max(0, i - 1)}}` }
      let q: Q
      switch (type) {
        case "singleChoice":
          q = { ...base, type, choices: CHOICES.map((c) => ({ id: c, text: c.toUpperCase() })) }
          break
        case "multipleChoice":
          q = { ...base, type, choices: CHOICES.map((c) => ({ id: c, text: c.toUpperCase() })), ...(f[10]! % 4 === 0 ? { maxSelected: 2 } : {}) }
          break
        case "number":
          q = { ...base, type, ...(f[10]! % 2 === 0 ? { min: -5, max: 10 } : {}), ...(f[11]! % 3 === 0 ? { integer: true } : {}) }
          break
        case "rating":
          q = { ...base, type, min: 1, max: 5 }
          break
        case "date":
          q = { ...base, type, ...(f[10]! % 3 === 0 ? { min: "2026-01-01" } : {}) }
          break
        case "text":
          q = { ...base, type, ...(f[10]! % 4 === 0 ? { maxLength: 5 } : {}) }
          break
        default:
          q = { ...base, type: "multilineText" }
      }
      if (f[5]! % 3 === 0) q.required = true
      const show = f[6]! % 2 === 0 ? conditionFor(qs, f.slice(0, 5)) : undefined
      if (show !== undefined) q.showIf = show
      if (f[7]! % 5 === 0 && qs.length > 0) q.requiredIf = conditionFor(qs, f.slice(5, 10))
      if (f[8]! % 4 === 0 && i < n - 1) {
        const self = conditionFor([...qs, q], [f[9]!, f[9]! * 7 + 3, f[8]!, f[1]!, f[2]! + 1])
        const to = f[9]! % 3 === 0 ? "end" : `q${i + 1 + (f[9]! % (n - i - 1 || 1))}`
        if (self !== undefined && (to === "end" || Number(to.slice(1)) < n)) q.jumps = [{ when: self, to }]
      }
      qs.push(q)
    }
    return {
      id: "generated",
      title: "Generated",
      hiddenAnswers: keep,
      context: { tier: { type: "choice" as const, values: ["diamond", "gold", "silver"] } },
      questions: qs
    }
  })

/** A random value for question i: mostly valid, sometimes invalid or null. */
export const valueArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom("c0", "c1", "c2", "c3", "yes", "no", "maybe") },
  { weight: 2, arbitrary: fc.subarray(CHOICES, { minLength: 1 }) },
  { weight: 2, arbitrary: fc.integer({ min: -6, max: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom("2026-01-10", "2026-02-11", "2026-03-12", "2025-12-31") },
  { weight: 1, arbitrary: fc.constantFrom(null, "", 3.5, "not-a-date", ["zz"], true) }
)

export const stepsArb = fc.array(fc.record({ q: fc.nat({ max: 9 }), value: valueArb }), { maxLength: 25 })
export const contextArb = fc.record({ tier: fc.constantFrom("diamond", "gold", "silver", undefined) }).map((c) => (c.tier === undefined ? {} : c))
