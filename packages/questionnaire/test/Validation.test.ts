import { describe, it, expect } from "vitest"
import { publish, validateResponse } from "../src/index"

const v = publish({
  id: "complaint",
  title: "Complaint",
  questions: [
    { id: "resolved", type: "singleChoice", text: "Resolved?", required: true, choices: [{ id: "yes", text: "Yes" }, { id: "no", text: "No" }] },
    { id: "remaining", type: "multilineText", text: "What remains?", required: true, showIf: 'resolved == "no"' },
    { id: "rating", type: "rating", text: "Rate", required: true, min: 1, max: 5 },
    { id: "channels", type: "multipleChoice", text: "Channels", maxSelected: 2, choices: [{ id: "sms", text: "SMS" }, { id: "app", text: "App" }, { id: "mail", text: "Mail" }] },
    { id: "when", type: "date", text: "When", min: "2026-01-01" }
  ]
})

const codes = (r: ReturnType<typeof validateResponse>) => r.issues.map((i) => `${i.code}@${i.path.join(".")}`)

describe("validateResponse", () => {
  it("accepts a complete, consistent response and normalizes multiple choice order", () => {
    const r = validateResponse(v, { versionHash: v.hash, answers: { resolved: "yes", rating: 4, channels: ["app", "sms"] } })
    expect(r.valid).toBe(true)
    expect(r.complete).toBe(true)
    expect(r.visible).toEqual(["resolved", "rating", "channels", "when"])
    expect(r.answers).toEqual({ resolved: "yes", rating: 4, channels: ["sms", "app"] })
  })

  it("reports a missing required answer only where the path shows the question", () => {
    const r = validateResponse(v, { answers: { resolved: "no", rating: 3 } })
    expect(codes(r)).toEqual(["required@answers.remaining"])
    expect(r.complete).toBe(false)
    expect(r.missingRequired).toEqual(["remaining"])
  })

  it("rejects answers to questions the path hides (clear policy)", () => {
    const r = validateResponse(v, { answers: { resolved: "yes", remaining: "still broken", rating: 3 } })
    expect(codes(r)).toEqual(["answered_hidden@answers.remaining"])
    expect(r.complete).toBe(true)
    expect(r.valid).toBe(false)
  })

  it("tolerates and lists hidden answers under the keep policy", () => {
    const keep = publish({ ...v.definition, hiddenAnswers: "keep" })
    const r = validateResponse(keep, { answers: { resolved: "yes", remaining: "still broken", rating: 3 } })
    expect(r.valid).toBe(true)
    expect(r.ignored).toEqual(["remaining"])
  })

  it("reports every bad value, unknown question and version mismatch", () => {
    const r = validateResponse(v, { versionHash: "sha256:other", answers: { resolved: "maybe", rating: 9, channels: ["sms", "app", "mail"], when: "2025-12-31", zz: 1 } })
    expect(codes(r)).toEqual([
      "version_mismatch@versionHash",
      "unknown_choice@answers.resolved",
      "out_of_scale@answers.rating",
      "too_many@answers.channels",
      "too_early@answers.when",
      "unknown_question@answers.zz"
    ])
    expect(r.complete).toBe(false)
  })

  it("rejects a malformed submission", () => {
    const r = validateResponse(v, { answers: "nope" })
    expect(r.valid).toBe(false)
    expect(r.issues[0]!.path).toEqual(["answers"])
  })
})
