/**
 * A host catches one kind of ValidationError, whichever package threw it: rules, questionnaire or
 * core, by `instanceof`, by `_tag`, or with Effect's `catchTag`, and each carries the same shape.
 */
import { describe, expect, it } from "vitest"
import { Effect } from "effect"
import { Customer, decode, NotFound, parse, ValidationError } from "@winback/core"
import { assertValidRule, ValidationError as RulesValidationError } from "@winback/rules"
import { parseDefinition, ValidationError as QuestionnaireValidationError } from "@winback/questionnaire"

const thrown = (f: () => unknown): unknown => {
  try {
    f()
  } catch (e) {
    return e
  }
  throw new Error("expected a throw")
}

const fromRules = () => thrown(() => assertValidRule({ when: { op: "all", of: [{ op: "attribute", field: "colour", cmp: "=", value: "red" }] } }))
const fromQuestionnaire = () => thrown(() => parseDefinition({ id: "x", title: "X", questions: [] }))
const fromCore = () => thrown(() => parse(Customer, { id: "" }, "customer"))

/** What a host's error handler does: one check for every package. */
const hostReply = (e: unknown): { status: number; paths: ReadonlyArray<string> } =>
  e instanceof ValidationError ? { status: 400, paths: e.issues.map((i) => i.path.join(".")) } : { status: 500, paths: [] }

describe("one ValidationError for every package", () => {
  it("a rules, a questionnaire and a core error are all caught by the same instanceof check", () => {
    expect(hostReply(fromRules())).toEqual({ status: 400, paths: ["when.of.0.field"] })
    expect(hostReply(fromQuestionnaire())).toEqual({ status: 400, paths: ["questions"] })
    expect(hostReply(fromCore()).status).toBe(400)
    expect(hostReply(fromCore()).paths).toContain("id")
  })

  it("core's class is rules' class, and the questionnaire's twin recognises the others (and vice versa)", () => {
    expect(ValidationError).toBe(RulesValidationError)
    for (const e of [fromRules(), fromQuestionnaire(), fromCore()]) {
      expect(e).toBeInstanceOf(Error)
      expect(e).toBeInstanceOf(RulesValidationError)
      expect(e).toBeInstanceOf(QuestionnaireValidationError)
    }
  })

  it("every one has the same shape: _tag, name, subject and issues with path, code and message", () => {
    const subjects = [fromRules(), fromQuestionnaire(), fromCore()].map((e) => {
      const v = e as ValidationError
      expect(v._tag).toBe("ValidationError")
      expect(v.name).toBe("ValidationError")
      for (const i of v.issues) expect(Object.keys(i).sort()).toEqual(["code", "message", "path"])
      expect(v.message.startsWith(`Invalid ${v.subject}: `)).toBe(true)
      return v.subject
    })
    expect(subjects).toEqual(["rule", "questionnaire", "customer"])
  })

  it("the two classes are twins: same input, same message, fields and zod reading", () => {
    const input = { issues: [{ path: ["a", 0], code: "x", message: "bad" }], subject: "answers" }
    const r = new RulesValidationError(input)
    const q = new QuestionnaireValidationError(input)
    expect([q.message, q.subject, q.issues, Object.keys(q).sort()]).toEqual([r.message, r.subject, r.issues, Object.keys(r).sort()])
    expect(r.message).toBe("Invalid answers: a.0: bad")
    // Assignable both ways: a function typed with one class takes the other.
    const rulesTyped: RulesValidationError = q
    const questionnaireTyped: QuestionnaireValidationError = r
    expect([rulesTyped, questionnaireTyped]).toHaveLength(2)
  })

  it("Effect's catchTag('ValidationError') catches each of them, and a rejected facade Promise carries the instance", async () => {
    for (const e of [fromRules(), fromQuestionnaire(), fromCore()]) {
      const caught = await Effect.runPromise(
        Effect.fail(e as ValidationError).pipe(Effect.catchTag("ValidationError", (v) => Effect.succeed(v.issues.length)))
      )
      expect(caught).toBeGreaterThan(0)
    }
    const rejected = await Effect.runPromise(decode(Customer, { id: "" }, "customer")).catch((x: unknown) => x)
    expect(rejected).toBeInstanceOf(ValidationError)
    expect(rejected).toBeInstanceOf(QuestionnaireValidationError)
  })

  it("is not fooled: other errors and error-shaped plain objects are not ValidationErrors", () => {
    expect(new Error("Invalid input") instanceof ValidationError).toBe(false)
    expect(new NotFound({ entity: "Customer", id: "c-1" }) instanceof ValidationError).toBe(false)
    expect(({ _tag: "ValidationError", issues: [] } as unknown) instanceof ValidationError).toBe(false)
    expect(({ _tag: "ValidationError", issues: [] } as unknown) instanceof QuestionnaireValidationError).toBe(false)
    expect(hostReply(new Error("boom"))).toEqual({ status: 500, paths: [] })
  })
})
