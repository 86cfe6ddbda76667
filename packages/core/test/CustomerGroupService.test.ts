import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { assign, CustomerGroupService, leastLoaded, roundRobin, RuleService, ValidationError } from "@winback/core"
import { world } from "./pipelineFixtures"

describe("CustomerGroupService", () => {
  it("an imported group checks every id and filters DND on its channel, counting them", async () => {
    const w = await world()
    await Effect.runPromise(w.stores.dnd.add({ id: "d1", customerId: "c-2", channel: "sms", reason: "x", source: "agent", createdBy: "m-a1", createdAt: "2026-11-01T00:00:00.000Z", expiresAt: null, removedAt: null }))
    const leader = await w.actor("m-lead-a")
    const bad = await w.fail(Effect.flatMap(CustomerGroupService, (g) => g.create(leader, { name: "x", validFrom: "2026-11-01", validUntil: "2026-11-30", customerIds: ["c-1", "nope", "c-2", "ghost"] })))
    expect(bad).toBeInstanceOf(ValidationError)
    expect((bad as ValidationError).issues.map((i) => i.path.join("."))).toEqual(["customerIds.1", "customerIds.3"])
    const r = await w.run(Effect.flatMap(CustomerGroupService, (g) => g.create(leader, { name: "Dunning", validFrom: "2026-11-01", validUntil: "2026-11-30", customerIds: ["c-2", "c-1", "c-3"], dndChannel: "sms" })))
    expect(r.group.memberIds).toEqual(["c-1", "c-3"])
    expect(r.filteredDnd).toBe(1)
    const m = await w.run(Effect.flatMap(CustomerGroupService, (g) => g.members(leader, r.group.id, { asOf: "2026-12-01" })))
    expect(m.customerIds).toEqual([]) // outside the validity window
  })

  it("a filter group is evaluated as of a day by the rule, with DND filtered per channel", async () => {
    const w = await world()
    const dir = await w.actor("m-dir")
    const appr = await w.actor("m-appr")
    const rule = await w.run(Effect.flatMap(RuleService, (r) => r.create(dir, { ruleId: "bday", name: "Birthday", templateId: "birthday" })))
    expect((await w.fail(Effect.flatMap(CustomerGroupService, (g) => g.create(dir, { name: "Birthdays", validFrom: "2026-11-01", validUntil: "2026-11-30", ruleInstanceId: rule.id }))))._tag).toBe("Conflict")
    await w.run(Effect.flatMap(RuleService, (r) => r.submit(dir, rule.id)))
    // The approver decides on every customer the rule picks: the whole count, but no customer they may not read.
    expect(await w.run(Effect.flatMap(RuleService, (r) => r.preview(appr, rule.id, "2026-11-25")))).toEqual({ count: 5, sample: [] })
    await w.run(Effect.flatMap(RuleService, (r) => r.approve(appr, rule.id)))
    const preview = await w.run(Effect.flatMap(RuleService, (r) => r.preview(dir, rule.id, "2026-11-25")))
    expect(preview).toEqual({ count: 5, sample: ["c-1", "c-2", "c-3", "c-4", "c-5"] })
    // The same answer before saving, for a template with parameters; authors only, nothing written.
    const draft = { ruleId: "bday-2", name: "Birthday", templateId: "birthday" }
    expect(await w.run(Effect.flatMap(RuleService, (r) => r.previewDraft(dir, draft, "2026-11-25")))).toEqual(preview)
    expect((await w.fail(Effect.flatMap(RuleService, (r) => r.previewDraft(appr, draft, "2026-11-25"))))._tag).toBe("Forbidden")
    expect((await w.fail(Effect.flatMap(RuleService, (r) => r.previewDraft(dir, { ...draft, params: { nope: 1 } }, "2026-11-25"))))._tag).toBe("ValidationError")
    const g = await w.run(Effect.flatMap(CustomerGroupService, (s) => s.create(dir, { name: "Birthdays", validFrom: "2026-11-01", validUntil: "2026-11-30", ruleInstanceId: rule.id })))
    await Effect.runPromise(w.stores.dnd.add({ id: "d1", customerId: "c-4", channel: "sms", reason: "x", source: "agent", createdBy: "m-b1", createdAt: "2026-11-01T00:00:00.000Z", expiresAt: null, removedAt: null }))
    const m = await w.run(Effect.flatMap(CustomerGroupService, (s) => s.members(dir, g.group.id, { asOf: "2026-11-25", channel: "sms" })))
    expect(m).toMatchObject({ customerIds: ["c-1", "c-2", "c-3", "c-5"], filteredDnd: 1 })
    const none = await w.run(Effect.flatMap(CustomerGroupService, (s) => s.members(dir, g.group.id, { asOf: "2026-11-24" })))
    expect(none.customerIds).toEqual([])
  })
})

describe("Assignment", () => {
  it("round robin, least loaded and owner with fallback", () => {
    expect(roundRobin(5, ["a", "b"])).toEqual(["a", "b", "a", "b", "a"])
    expect(leastLoaded(4, ["a", "b"], new Map([["a", 2]]))).toEqual(["b", "b", "a", "b"])
    const owners = assign({ kind: "owner", fallbackAgentIds: ["x", "y"] }, [
      { id: "c1", ownerManagerId: "m1" },
      { id: "c2", ownerManagerId: null },
      { id: "c3", ownerManagerId: null }
    ], new Map([["x", 1]]))
    expect([...owners]).toEqual([["c1", "m1"], ["c2", "y"], ["c3", "x"]])
    expect([...assign({ kind: "unassigned" }, [{ id: "c1", ownerManagerId: "m1" }])]).toEqual([["c1", null]])
  })
})

describe("CustomerGroupService.list and addMembers", () => {
  it("lists groups and adds readable customers to an imported group, all or nothing, version-checked", async () => {
    const w = await world()
    const leader = await w.actor("m-lead-a")
    const g = await w.run(Effect.flatMap(CustomerGroupService, (s) => s.create(leader, { name: "Dunning", validFrom: "2026-11-01", validUntil: "2026-11-30", customerIds: ["c-1"] })))
    const bad = await w.fail(Effect.flatMap(CustomerGroupService, (s) => s.addMembers(leader, { groupId: g.group.id, customerIds: ["c-3", "ghost"], expectedVersion: 1 })))
    expect((bad as ValidationError).issues.map((i) => i.path.join("."))).toEqual(["customerIds.1"])
    const r = await w.run(Effect.flatMap(CustomerGroupService, (s) => s.addMembers(leader, { groupId: g.group.id, customerIds: ["c-3", "c-1"], expectedVersion: 1 })))
    expect(r).toMatchObject({ added: 1, filteredDnd: 0, group: { memberIds: ["c-1", "c-3"], version: 2 } })
    expect((await w.fail(Effect.flatMap(CustomerGroupService, (s) => s.addMembers(leader, { groupId: g.group.id, customerIds: ["c-2"], expectedVersion: 1 }))))._tag).toBe("Conflict")
    const listed = await w.run(Effect.flatMap(CustomerGroupService, (s) => s.list(leader, { validOn: "2026-11-25" })))
    expect(listed.map((x) => x.id)).toEqual([g.group.id])
    expect(await w.run(Effect.flatMap(CustomerGroupService, (s) => s.list(leader, { validOn: "2026-12-25" })))).toEqual([])
    // Another team's leader does not see a group of this team's customers; the director above both does.
    const [other, dir] = [await w.actor("m-lead-b"), await w.actor("m-dir")]
    expect(await w.run(Effect.flatMap(CustomerGroupService, (s) => s.list(other)))).toEqual([])
    expect((await w.run(Effect.flatMap(CustomerGroupService, (s) => s.list(dir)))).map((x) => x.id)).toEqual([g.group.id])
  })
})
