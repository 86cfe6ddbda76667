import { describe, expect, it } from "vitest"
import {
  type Actor,
  buildActor,
  decide,
  defaultPolicy,
  extendPolicy,
  type Manager,
  PermissionPolicy,
  scopeFor,
  ValidationError
} from "@winback/core"
import { f, managers, teams } from "./scopeFixtures"

const actor = (id: string): Actor => buildActor(managers.find((m) => m.id === id)!, teams, managers)
const customer = (id: string, ownerManagerId: string | null, region = "beijing") => ({ type: "customer" as const, customer: { id, ownerManagerId, region } })
const item = (id: string, assigneeId: string | null, teamId: string | null) => ({ type: "work-item" as const, workItem: { id, assigneeId, teamId } })

describe("buildActor resolves each reach", () => {
  it("an agent reaches themself only", () => {
    const a = actor("m-a1")
    expect(a.scopes.self).toEqual({ all: false, managerIds: ["m-a1"], teamIds: [], poolRegions: [] })
    expect(a.scopes.administered).toEqual({ all: false, managerIds: ["m-a1"], teamIds: [], poolRegions: [] })
  })

  it("a leader's team covers the team's members (inactive ones too: their data stays in scope), the team and its region's pool", () => {
    expect(actor("m-lead").scopes.team).toEqual({
      all: false,
      managerIds: ["m-a1", "m-a2", "m-dir", "m-gone", "m-lead"],
      teamIds: ["t-north"],
      poolRegions: ["beijing"]
    })
  })

  it("a director's subtree covers every team below theirs, not the siblings", () => {
    const d = actor("m-dir").scopes.subtree
    expect(d.teamIds).toEqual(["t-north", "t-north-1"])
    expect(d.managerIds).toEqual(["m-a1", "m-a2", "m-a4", "m-dir", "m-gone", "m-lead", "m-sub"])
  })

  it("administered covers the teams the actor is admin of, with their subtrees", () => {
    expect(actor("m-lead").scopes.administered.teamIds).toEqual(["t-north", "t-north-1"])
    expect(actor("m-sub").scopes.administered.teamIds).toEqual(["t-north-1"])
  })
})

describe("decide: DOMAIN §1 defaults", () => {
  it("an agent reads their own customers and not a teammate's, and says why", () => {
    const a = actor("m-a1")
    expect(decide(defaultPolicy, a, "customer.read", customer("c-1", "m-a1"))).toEqual({
      allowed: true,
      reasons: ["role agent grants customer.read over self, which covers customer:c-1"]
    })
    expect(decide(defaultPolicy, a, "customer.read", customer("c-2", "m-a2"))).toEqual({
      allowed: false,
      reasons: ["role agent grants customer.read over self: customer:c-2 is outside the self scope"]
    })
  })

  it("only leaders edit customer master data, and only in their team", () => {
    expect(decide(defaultPolicy, actor("m-a1"), "customer.edit", customer("c-1", "m-a1"))).toEqual({
      allowed: false,
      reasons: ["no role of m-a1 (agent) grants customer.edit"]
    })
    expect(decide(defaultPolicy, actor("m-lead"), "customer.edit", customer("c-1", "m-a1")).allowed).toBe(true)
    expect(decide(defaultPolicy, actor("m-lead"), "customer.edit", customer("c-4", "m-a4")).allowed).toBe(false)
    expect(decide(defaultPolicy, actor("m-dir"), "customer.edit", customer("c-1", "m-a1")).allowed).toBe(false)
  })

  it("leaders see the unowned customers of their team's region; agents never", () => {
    expect(decide(defaultPolicy, actor("m-lead"), "customer.read", customer("p-1", null, "beijing")).allowed).toBe(true)
    expect(decide(defaultPolicy, actor("m-lead"), "customer.read", customer("p-2", null, "shanghai")).reasons).toEqual([
      "role team-leader grants customer.read over team: customer:p-2 is outside the team scope"
    ])
    expect(decide(defaultPolicy, actor("m-a1"), "customer.read", customer("p-1", null, "beijing")).allowed).toBe(false)
  })

  it("work items: own for agents, team (assigned or not) for leaders, subtree for directors", () => {
    expect(decide(defaultPolicy, actor("m-a1"), "work-item.complete", item("w-1", "m-a1", "t-north")).allowed).toBe(true)
    expect(decide(defaultPolicy, actor("m-a1"), "work-item.complete", item("w-2", null, "t-north")).allowed).toBe(false)
    expect(decide(defaultPolicy, actor("m-lead"), "work-item.allocate", item("w-2", null, "t-north")).allowed).toBe(true)
    expect(decide(defaultPolicy, actor("m-lead"), "work-item.read", item("w-3", "m-a3", "t-south")).allowed).toBe(false)
    expect(decide(defaultPolicy, actor("m-dir"), "work-item.read", item("w-4", "m-a4", "t-north-1")).allowed).toBe(true)
    expect(decide(defaultPolicy, actor("m-dir"), "work-item.update", item("w-4", "m-a4", "t-north-1")).allowed).toBe(false)
  })

  it("approvers read tasks only while pending approval", () => {
    const task = (status: string) => ({ type: "task" as const, task: { id: "k-1", status } })
    expect(decide(defaultPolicy, actor("m-appr"), "task.read", task("pending-approval")).allowed).toBe(true)
    expect(decide(defaultPolicy, actor("m-appr"), "task.read", task("active"))).toEqual({
      allowed: false,
      reasons: ["role approver grants task.read over all only in status pending-approval: task:k-1 is active"]
    })
    expect(decide(defaultPolicy, actor("m-a1"), "task.read", task("active")).allowed).toBe(true)
    expect(decide(defaultPolicy, actor("m-a1"), "task.read", task("draft")).allowed).toBe(false)
  })

  it("team maintenance follows Team.adminId, whatever the role", () => {
    expect(decide(defaultPolicy, actor("m-lead"), "team.maintain-members", { type: "team", team: { id: "t-north-1" } }).allowed).toBe(true)
    expect(decide(defaultPolicy, actor("m-sub"), "team.maintain-members", { type: "team", team: { id: "t-north" } }).allowed).toBe(false)
    expect(decide(defaultPolicy, actor("m-a1"), "team.create-child", { type: "team", team: { id: "t-north" } }).allowed).toBe(false)
    expect(decide(defaultPolicy, actor("m-admin"), "team.create-root", { type: "none" }).allowed).toBe(true)
    expect(decide(defaultPolicy, actor("m-lead"), "team.create-root", { type: "none" }).allowed).toBe(false)
  })

  it("a manager with two roles gets the union", () => {
    const both: Manager = f.manager("m-both", { teamId: "t-north", roles: ["agent", "approver"] })
    const a = buildActor(both, teams, [...managers, both])
    expect(decide(defaultPolicy, a, "task.read", { type: "task", task: { id: "k", status: "pending-approval" } }).allowed).toBe(true)
    expect(decide(defaultPolicy, a, "task.read", { type: "task", task: { id: "k", status: "active" } }).allowed).toBe(true)
    expect(decide(defaultPolicy, a, "task.read", { type: "task", task: { id: "k", status: "draft" } }).reasons).toHaveLength(2)
  })
})

describe("scopeFor: what a list pushes down", () => {
  it("unions the reaches of every matching grant", () => {
    expect(scopeFor(defaultPolicy, actor("m-a1"), "customer.read")).toEqual({
      scope: { all: false, managerIds: ["m-a1"], teamIds: [], poolRegions: [] },
      statuses: undefined
    })
    expect(scopeFor(defaultPolicy, actor("m-appr"), "customer.read")).toBeUndefined()
    expect(scopeFor(defaultPolicy, actor("m-appr"), "task.read")?.statuses).toEqual(["pending-approval"])
    expect(scopeFor(defaultPolicy, actor("m-dir"), "task.read")?.statuses).toBeUndefined()
  })
})

describe("policies are data a host extends", () => {
  it("adds and revokes grants", () => {
    const policy = extendPolicy(defaultPolicy, {
      grants: [{ role: "director", actions: ["customer.edit"], reach: "subtree" }],
      revoke: [{ role: "agent", action: "dnd.add" }]
    })
    expect(decide(policy, actor("m-dir"), "customer.edit", customer("c-4", "m-a4")).allowed).toBe(true)
    expect(decide(policy, actor("m-a1"), "dnd.add", customer("c-1", "m-a1")).allowed).toBe(false)
    expect(decide(policy, actor("m-a1"), "customer.read", customer("c-1", "m-a1")).allowed).toBe(true)
  })

  it("a host's own action names work like ours", () => {
    const policy = extendPolicy(defaultPolicy, { grants: [{ role: "team-leader", actions: ["export.customers"], reach: "team" }] })
    expect(decide(policy, actor("m-lead"), "export.customers", customer("c-1", "m-a1")).allowed).toBe(true)
    expect(decide(policy, actor("m-a1"), "export.customers", customer("c-1", "m-a1")).allowed).toBe(false)
  })

  it("refuses a malformed grant with every issue", () => {
    expect(() => extendPolicy(defaultPolicy, { grants: [{ role: "boss", actions: [], reach: "galaxy" }] })).toThrow(ValidationError)
    const r = PermissionPolicy.safeParse({ grants: [{ role: "boss", actions: [], reach: "galaxy" }] })
    expect(r.success ? [] : r.error.issues.map((i) => i.path.join("."))).toEqual(["grants.0.role", "grants.0.actions", "grants.0.reach"])
  })
})
