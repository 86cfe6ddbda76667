import { describe, it, expect } from "vitest"
import { publish, start, answer, goTo, resumeToken, resume, resumeTokenVersion, responseOf, ResumeTokenError, standardQuestionnaires } from "../src/index"

const v1 = publish(standardQuestionnaires["retention-callback"])
const v2 = publish({ ...standardQuestionnaires["retention-callback"], title: "Retention callback v2" })

function call() {
  let s = start(v1, { tier: "gold", customerName: "王芳" }, { at: "2026-11-22T09:00:00Z", by: "agent-1", channel: "phone" })
  s = answer(s, "reached", "yes", { at: "2026-11-22T09:00:10Z", by: "agent-1", channel: "phone", advance: true })
  s = answer(s, "satisfaction", 2, { at: "2026-11-22T09:00:30Z", by: "agent-1", channel: "phone", advance: true })
  s = answer(s, "leaving_considered", "yes", { advance: true })
  return s
}

describe("resume tokens", () => {
  it("restore the exact state: answers, cursor, context, log", () => {
    const s = call()
    const token = resumeToken(s)
    expect(token.startsWith("wbq1.")).toBe(true)
    const r = resume(v1, token)
    expect(r.answers).toEqual(s.answers)
    expect(r.currentQuestion).toBe("reasons")
    expect(r.context).toEqual({ tier: "gold", customerName: "王芳" })
    expect(r.log).toEqual(s.log)
    expect(r.visibleQuestions).toEqual(s.visibleQuestions)
  })

  it("let a second agent continue and record the hand-off in the log", () => {
    const r = resume(v1, resumeToken(call()), { at: "2026-11-23T10:00:00Z", by: "agent-2", channel: "phone" })
    expect(r.log.at(-1)).toEqual({ seq: 5, kind: "resume", at: "2026-11-23T10:00:00Z", by: "agent-2", channel: "phone" })
    const s = answer(r, "reasons", ["price"], { by: "agent-2" })
    expect(s.isVisible("competitor")).toBe(true)
    expect(s.log.map((e) => e.by)).toEqual(["agent-1", "agent-1", "agent-1", undefined, "agent-2", "agent-2"])
  })

  it("keep remembered hidden answers under the keep policy", () => {
    const keep = publish({ ...standardQuestionnaires["retention-callback"], hiddenAnswers: "keep" })
    let s = start(keep)
    s = answer(s, "leaving_considered", "yes")
    s = answer(s, "reasons", ["moving"])
    s = answer(s, "leaving_considered", "no")
    s = goTo(s, "satisfaction")
    const r = resume(keep, resumeToken(s))
    expect(responseOf(r).answers).toEqual({ leaving_considered: "no", reasons: ["moving"] })
    expect(r.currentQuestion).toBe("satisfaction")
  })

  it("are pinned to the version hash", () => {
    const token = resumeToken(call())
    expect(resumeTokenVersion(token)).toBe(v1.hash)
    try {
      resume(v2, token)
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(ResumeTokenError)
      expect((e as ResumeTokenError).reason).toBe("VersionMismatch")
      expect((e as ResumeTokenError).tokenVersionHash).toBe(v1.hash)
    }
  })

  it("detect tampering and malformed input", () => {
    const token = resumeToken(call())
    const [p, body, sum] = token.split(".") as [string, string, string]
    const flipped = body.slice(0, 10) + (body[10] === "A" ? "B" : "A") + body.slice(11)
    const reasonOf = (t: string) => {
      try {
        resume(v1, t)
      } catch (e) {
        return (e as ResumeTokenError).reason
      }
      return "accepted"
    }
    expect(reasonOf(`${p}.${flipped}.${sum}`)).toBe("Tampered")
    expect(reasonOf(token.slice(0, -3))).toBe("Tampered")
    expect(reasonOf("hello")).toBe("Malformed")
    expect(reasonOf("wbq1.e30.x")).toBe("Tampered")
  })
})
