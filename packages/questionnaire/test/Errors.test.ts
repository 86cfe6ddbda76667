import { describe, it, expect } from "vitest"
import { z } from "zod"
import { ValidationError, ExpressionSyntaxError, ResumeTokenError } from "../src/index"

describe("ValidationError", () => {
  it("is a tagged Error carrying every issue", () => {
    const e = new ValidationError({
      issues: [
        { path: ["a", 0], message: "bad", code: "x" },
        { path: [], message: "worse", code: "y" }
      ],
      subject: "answers"
    })
    expect(e).toBeInstanceOf(Error)
    expect(e._tag).toBe("ValidationError")
    expect(e.name).toBe("ValidationError")
    expect(e.issues).toHaveLength(2)
    expect(e.subject).toBe("answers")
    expect(e.message).toBe("Invalid answers: a.0: bad; (root): worse")
  })

  it("summarizes long issue lists", () => {
    const issues = Array.from({ length: 12 }, (_, k) => ({ path: [k], message: "m", code: "c" }))
    expect(new ValidationError({ issues }).message).toBe(`Invalid input: ${Array.from({ length: 10 }, (_, k) => `${k}: m`).join("; ")}; and 2 more`)
  })

  it("fromZod keeps every issue with its path and code, under an optional prefix", () => {
    const schema = z.object({ name: z.string(), items: z.array(z.number()) })
    const r = schema.safeParse({ name: 1, items: [1, "two"] })
    expect(r.success).toBe(false)
    if (r.success) return
    const e = ValidationError.fromZod(r.error, "body", ["body"])
    expect(e.issues.map((i) => [i.path.join("."), i.code])).toEqual([
      ["body.name", "invalid_type"],
      ["body.items.1", "invalid_type"]
    ])
  })

  it("survives a Promise boundary with its class", async () => {
    const err = await Promise.reject(new ValidationError({ issues: [] })).catch((x: unknown) => x)
    expect(err).toBeInstanceOf(ValidationError)
  })
})

describe("other errors", () => {
  it("ExpressionSyntaxError points at the position", () => {
    const e = new ExpressionSyntaxError("a == ", 5, "Unexpected end of expression", ["a value"])
    expect(e.message).toBe("Unexpected end of expression at position 5: a == ⟨here⟩")
    expect(e._tag).toBe("ExpressionSyntaxError")
  })
  it("ResumeTokenError carries its reason", () => {
    const e = new ResumeTokenError("VersionMismatch", "other version", "sha256:x")
    expect([e._tag, e.reason, e.tokenVersionHash]).toEqual(["ResumeTokenError", "VersionMismatch", "sha256:x"])
  })
})
