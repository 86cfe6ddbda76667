import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest"
import {
  type AllocationResult,
  createWinback,
  type Customer,
  defaultPolicy,
  extendPolicy,
  Forbidden,
  NotFound,
  type ScopedWinback,
  type Winback
} from "@winback/core"
// Test-only: core does not depend on adapters, but its facade is proven over real adapters.
import { MemoryStorage } from "../../adapters/src/memory/MemoryStorage"
import { PgliteStorage } from "../../adapters/src/pg/PgStorage"
import { f, managers, teams } from "./scopeFixtures"

describe.each([
  ["memory", () => MemoryStorage.layer()],
  ["pglite", () => PgliteStorage.layer()]
])("winback.as(managerId) over %s", (_name, storage) => {
  let winback: Winback
  beforeAll(async () => {
    winback = await createWinback({ storage: storage() })
    for (const t of teams) await winback.stores.teams.insert(t)
    for (const m of managers) await winback.stores.managers.insert(m)
    await winback.stores.customers.upsertCustomers([
      f.customer("c-a1", { ownerManagerId: "m-a1" }),
      f.customer("c-a2", { ownerManagerId: "m-a2" }),
      f.customer("c-a4", { ownerManagerId: "m-a4" })
    ])
    // PGlite boots a wasm Postgres: slow when the machine is busy with other test files.
  }, 60_000)
  afterAll(async () => {
    await winback.dispose()
  })

  it("lists in scope, hides the rest with NotFound, rejects out-of-scope writes with Forbidden", async () => {
    const agent = winback.as("m-a1")
    expect((await agent.customers.list()).items.map((c) => c.id)).toEqual(["c-a1"])
    await expect(agent.customers.get("c-a2")).rejects.toBeInstanceOf(NotFound)
    await expect(agent.customers.update("c-a1", { tier: "diamond" }, 1)).rejects.toBeInstanceOf(Forbidden)
    const actor = await agent.actor()
    expect([actor.id, actor.teamId, actor.roles]).toEqual(["m-a1", "t-north", ["agent"]])
  })

  it("resolves the actor on every call: a move changes the scope at once", async () => {
    const leader = winback.as("m-lead")
    expect((await leader.customers.list()).items.map((c) => c.id)).toEqual(["c-a1", "c-a2"])
    await winback.as("m-sub").teams.setMember("m-a4", null)
    await leader.teams.setMember("m-a4", "t-north")
    expect((await leader.customers.list()).items.map((c) => c.id)).toEqual(["c-a1", "c-a2", "c-a4"])
    const moves = await winback.as("m-dir").audit.query({ categories: ["team"] })
    expect(moves.items.map((e) => [e.action, e.actorId, e.note])).toEqual([
      ["team.member.remove", "m-sub", "t-north-1 -> (no team)"],
      ["team.member.add", "m-lead", "(no team) -> t-north"]
    ])
  })

  it("allocates in bulk and the audit trail verifies", async () => {
    const r = await winback.as("m-lead").allocation.customers({ ids: ["c-a1", "c-a2"], to: "m-a4" })
    expect(r.changed.map((c) => c.ownerManagerId)).toEqual(["m-a4", "m-a4"])
    expect(await winback.as("m-dir").audit.verify()).toEqual({ ok: true, entries: 4 })
  })
})

describe("types of the scoped facade", () => {
  it("every scoped operation is a plain async method", () => {
    expectTypeOf<ScopedWinback["customers"]["get"]>().toEqualTypeOf<(id: string) => Promise<Customer>>()
    expectTypeOf<ReturnType<ScopedWinback["allocation"]["customers"]>>().toEqualTypeOf<Promise<AllocationResult<Customer>>>()
    expectTypeOf<ScopedWinback["teams"]["setMember"]>().parameters.toEqualTypeOf<[managerId: string, teamId: string | null]>()
  })
})

describe("createWinback({ policy })", () => {
  it("applies the host's policy", async () => {
    const w = await createWinback({
      storage: MemoryStorage.layer(),
      policy: extendPolicy(defaultPolicy, { grants: [{ role: "director", actions: ["customer.edit"], reach: "subtree" }] })
    })
    for (const t of teams) await w.stores.teams.insert(t)
    for (const m of managers) await w.stores.managers.insert(m)
    await w.stores.customers.upsertCustomers([f.customer("c-a4", { ownerManagerId: "m-a4" })])
    expect((await w.as("m-dir").customers.update("c-a4", { tier: "silver" }, 1)).tier).toBe("silver")
    await w.dispose()
  })
})
