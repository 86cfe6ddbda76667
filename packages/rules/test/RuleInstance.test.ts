import { describe, expect, it } from "vitest"
import { RuleInstance, RuleLifecycleError, ValidationError, approve, billDrop, createDraft, effectiveVersion, instantiate, reject, retire, revise, submitForApproval, updateDraft } from "../src"

const now = "2026-11-20T08:00:00Z"
const draft = () => createDraft({ id: "r-1", name: "Bill drop", authorId: "alice", now, from: instantiate(billDrop) })
const code = (f: () => unknown) => {
  try {
    f()
  } catch (e) {
    return e instanceof RuleLifecycleError ? e.code : e instanceof ValidationError ? "validation" : "other"
  }
  return "none"
}

describe("rule instance lifecycle", () => {
  it("goes draft → pending approval → active → retired, and is valid data at every step", () => {
    const d = draft()
    expect(d).toMatchObject({ version: 1, status: "draft", templateId: "bill-drop", templateVersion: 1 })
    const p = submitForApproval(d, { now })
    expect(p.status).toBe("pending-approval")
    const a = approve(p, { approverId: "bob", now: "2026-11-21T09:00:00Z" })
    expect(a).toMatchObject({ status: "active", approverId: "bob", effectiveFrom: "2026-11-21" })
    const r = retire(a, { now: "2026-12-01T00:00:00Z" })
    expect(r).toMatchObject({ status: "retired", effectiveTo: "2026-12-01" })
    for (const i of [d, p, a, r]) expect(RuleInstance.safeParse(i).success).toBe(true)
  })
  it("enforces maker-checker", () => {
    expect(code(() => approve(submitForApproval(draft(), { now }), { approverId: "alice", now }))).toBe("self-approval")
  })
  it("keeps versions that left draft immutable; changes make a new version", () => {
    const a = approve(submitForApproval(draft(), { now }), { approverId: "bob", now })
    expect(code(() => updateDraft(a, { name: "x" }))).toBe("immutable")
    const v2 = revise(a, { authorId: "carol", now: "2026-11-25T00:00:00Z" })
    expect(v2).toMatchObject({ id: "r-1", version: 2, status: "draft", authorId: "carol", approverId: null })
    expect(a.status).toBe("active")
    const edited = updateDraft(v2, { from: instantiate(billDrop, { dropPercent: 25 }) })
    expect(edited.params).toMatchObject({ dropPercent: 25 })
  })
  it("rejects invalid transitions and validates before approval", () => {
    expect(code(() => approve(draft(), { approverId: "bob", now }))).toBe("invalid-transition")
    expect(code(() => retire(draft(), { now }))).toBe("invalid-transition")
    expect(code(() => revise(draft(), { authorId: "bob", now }))).toBe("invalid-transition")
    const bad = createDraft({ id: "r-2", name: "bad", authorId: "alice", now, rule: { when: { op: "tier", cmp: ">=", value: "platinum" } } })
    expect(code(() => submitForApproval(bad, { now }))).toBe("validation")
    const back = reject(submitForApproval(draft(), { now }), { by: "bob", now, reason: "too aggressive" })
    expect(back).toMatchObject({ status: "draft", rejection: { by: "bob", reason: "too aggressive" } })
  })
  it("picks the version in force on a day", () => {
    const v1 = approve(submitForApproval(draft(), { now }), { approverId: "bob", now, effectiveFrom: "2026-11-01" })
    const v2 = approve(submitForApproval(revise(v1, { authorId: "carol", now }), { now }), { approverId: "bob", now, effectiveFrom: "2026-12-01" })
    const v1r = retire(v1, { now, effectiveTo: "2026-12-01" })
    expect(effectiveVersion([v1r, v2], "2026-10-31")).toBeUndefined()
    expect(effectiveVersion([v1r, v2], "2026-11-30")?.version).toBe(1)
    expect(effectiveVersion([v1r, v2], "2026-12-01")?.version).toBe(2)
  })
})
