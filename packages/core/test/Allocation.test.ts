import { Effect, Exit } from "effect"
import { TestClock } from "effect/testing"
import { beforeEach, describe, expect, it } from "vitest"
import { actingAs, Conflict, Forbidden, NotFound, type Stores, ValidationError } from "@winback/core"
import { f, live, seeded } from "./scopeFixtures"

let stores: Stores
beforeEach(async () => {
  stores = await seeded()
  await Effect.runPromise(
    stores.customers.upsertCustomers([
      f.customer("c-1", { ownerManagerId: "m-a1" }),
      f.customer("c-2", { ownerManagerId: "m-a1" }),
      f.customer("c-3", { ownerManagerId: "m-a2" }),
      f.customer("c-pool", { ownerManagerId: null }),
      f.customer("c-south", { ownerManagerId: "m-a3" })
    ])
  )
  await Effect.runPromise(
    stores.workItems.insertMany([
      f.workItem("w-1", { assigneeId: "m-a1", teamId: "t-north", customerId: "c-1" }),
      f.workItem("w-2", { assigneeId: null, teamId: "t-north", customerId: "c-pool" }),
      f.workItem("w-done", { assigneeId: "m-a1", teamId: "t-north", customerId: "c-2", state: "completed" }),
      f.workItem("w-south", { assigneeId: "m-a3", teamId: "t-south", customerId: "c-south" })
    ])
  )
})

const run = <A, E>(eff: Effect.Effect<A, E, any>) =>
  Effect.runPromise(
    Effect.gen(function* () {
      yield* TestClock.setTime(Date.UTC(2026, 10, 22, 10, 0, 0))
      return yield* eff
    }).pipe(Effect.provide(live(stores)), Effect.provide(TestClock.layer())) as Effect.Effect<A, E>
  )
const failure = async <A, E>(eff: Effect.Effect<A, E, any>) => {
  const exit = await run(Effect.exit(eff))
  if (Exit.isSuccess(exit)) throw new Error(`expected a failure, got ${JSON.stringify(exit.value)}`)
  return Effect.runPromise(Effect.flip(Effect.failCause(exit.cause)))
}
const owners = async (ids: ReadonlyArray<string>) => (await Effect.runPromise(stores.customers.getMany(ids))).map((c) => c.ownerManagerId)
const actions = async () => (await Effect.runPromise(stores.audit.query({}))).items.map((e) => [e.action, e.recordId, e.actorId])

describe("Allocation of customers", () => {
  it("transfers in bulk, assigns from the pool, skips what is already there, one entry per change", async () => {
    const r = await run(Effect.flatMap(actingAs("m-lead"), (s) => s.allocation.customers({ ids: ["c-1", "c-pool", "c-3"], to: "m-a2", note: "m-a1 on leave" })))
    expect(r.changed.map((c) => c.id)).toEqual(["c-1", "c-pool"])
    expect(r.unchanged).toEqual(["c-3"])
    expect(await owners(["c-1", "c-pool", "c-3"])).toEqual(["m-a2", "m-a2", "m-a2"])
    expect(await actions()).toEqual([
      ["customer.transfer", "c-1", "m-lead"],
      ["customer.assign", "c-pool", "m-lead"]
    ])
    const [first] = (await Effect.runPromise(stores.audit.query({ customerId: "c-1" }))).items
    expect(first).toMatchObject({ before: { ownerManagerId: "m-a1", version: 1 }, after: { ownerManagerId: "m-a2", version: 2 }, note: "m-a1 on leave", at: "2026-11-22T10:00:00.000Z" })
  })

  it("reclaims to the region's pool, which the leader still sees", async () => {
    await run(Effect.flatMap(actingAs("m-lead"), (s) => s.allocation.customers({ ids: ["c-2"], to: null })))
    expect(await owners(["c-2"])).toEqual([null])
    expect(await actions()).toEqual([["customer.reclaim", "c-2", "m-lead"]])
    expect((await run(Effect.flatMap(actingAs("m-lead"), (s) => s.customers.get("c-2")))).id).toBe("c-2")
  })

  it("is all or nothing: one customer out of scope and nothing moves (NotFound: the caller cannot read it)", async () => {
    const e = await failure(Effect.flatMap(actingAs("m-lead"), (s) => s.allocation.customers({ ids: ["c-1", "c-south", "c-2"], to: "m-a2" })))
    expect(e).toBeInstanceOf(NotFound)
    expect(e).toMatchObject({ entity: "Customer", id: "c-south" })
    expect(String((e as NotFound).message)).not.toContain("m-a3")
    expect(await owners(["c-1", "c-south", "c-2"])).toEqual(["m-a1", "m-a3", "m-a1"])
    expect(await actions()).toEqual([])
    expect(await failure(Effect.flatMap(actingAs("m-lead"), (s) => s.allocation.customers({ ids: ["c-1", "c-ghost"], to: "m-a2" })))).toBeInstanceOf(NotFound)
    expect(await owners(["c-1"])).toEqual(["m-a1"])
  })

  it("hands data only to active managers in the allocator's scope", async () => {
    expect(await failure(Effect.flatMap(actingAs("m-lead"), (s) => s.allocation.customers({ ids: ["c-1"], to: "m-a3" })))).toBeInstanceOf(Forbidden)
    expect(await failure(Effect.flatMap(actingAs("m-lead"), (s) => s.allocation.customers({ ids: ["c-1"], to: "m-gone" })))).toBeInstanceOf(Forbidden)
    expect(await failure(Effect.flatMap(actingAs("m-lead"), (s) => s.allocation.customers({ ids: ["c-1"], to: "m-nobody" })))).toBeInstanceOf(NotFound)
    expect(await failure(Effect.flatMap(actingAs("m-a1"), (s) => s.allocation.customers({ ids: ["c-1"], to: "m-a1" })))).toBeInstanceOf(Forbidden)
    expect(await failure(Effect.flatMap(actingAs("m-lead"), (s) => s.allocation.customers({ ids: ["c-1", "c-1"], to: "m-a2" })))).toBeInstanceOf(ValidationError)
    expect(await owners(["c-1"])).toEqual(["m-a1"])
  })
})

describe("Allocation of work items", () => {
  it("assigns the team's unassigned item, transfers, reclaims (the item stays with the team)", async () => {
    await run(Effect.flatMap(actingAs("m-lead"), (s) => s.allocation.workItems({ ids: ["w-2"], to: "m-a1" })))
    await run(Effect.flatMap(actingAs("m-lead"), (s) => s.allocation.workItems({ ids: ["w-1"], to: "m-a2" })))
    await run(Effect.flatMap(actingAs("m-lead"), (s) => s.allocation.workItems({ ids: ["w-2"], to: null })))
    const items = await Effect.runPromise(stores.workItems.getMany(["w-1", "w-2"]))
    expect(items.map((w) => [w.id, w.assigneeId, w.teamId, w.updatedAt])).toEqual([
      ["w-1", "m-a2", "t-north", "2026-11-22T10:00:00.000Z"],
      ["w-2", null, "t-north", "2026-11-22T10:00:00.000Z"]
    ])
    expect(await actions()).toEqual([
      ["work-item.assign", "w-2", "m-lead"],
      ["work-item.transfer", "w-1", "m-lead"],
      ["work-item.reclaim", "w-2", "m-lead"]
    ])
  })

  it("moves the item to the receiver's team", async () => {
    // An item of m-a4 (t-north-1) handed out under t-north: m-sub, leader of t-north-1, reaches it
    // through its assignee and takes it over; the item follows the receiver's team.
    await Effect.runPromise(stores.workItems.insertMany([f.workItem("w-x", { assigneeId: "m-a4", teamId: "t-north", customerId: "c-x" })]))
    await run(Effect.flatMap(actingAs("m-sub"), (s) => s.allocation.workItems({ ids: ["w-x"], to: "m-sub" })))
    expect((await Effect.runPromise(stores.workItems.get("w-x"))).teamId).toBe("t-north-1")
  })

  it("hands out from the pool only what is still in it (from: null), all or nothing", async () => {
    // Another leader assigned w-2 meanwhile: the pool hand-out of w-2 is refused, nothing moves.
    await run(Effect.flatMap(actingAs("m-lead"), (s) => s.allocation.workItems({ ids: ["w-2"], to: "m-a1" })))
    const e = await failure(Effect.flatMap(actingAs("m-lead"), (s) => s.allocation.workItems({ ids: ["w-2"], to: "m-a2", from: null })))
    expect(e).toBeInstanceOf(Conflict)
    expect((e as Conflict).id).toBe("w-2")
    expect((await Effect.runPromise(stores.workItems.get("w-2"))).assigneeId).toBe("m-a1")
    // Transfers can name the current holder the same way; a wrong holder refuses the whole batch.
    const mixed = await failure(Effect.flatMap(actingAs("m-lead"), (s) => s.allocation.workItems({ ids: ["w-1", "w-2"], to: "m-a2", from: "m-a2" })))
    expect(mixed).toBeInstanceOf(Conflict)
    const moved = await run(Effect.flatMap(actingAs("m-lead"), (s) => s.allocation.workItems({ ids: ["w-1", "w-2"], to: "m-a2", from: "m-a1" })))
    expect(moved.changed.map((w) => [w.id, w.assigneeId])).toEqual([["w-1", "m-a2"], ["w-2", "m-a2"]])
    expect(await actions()).toEqual([
      ["work-item.assign", "w-2", "m-lead"],
      ["work-item.transfer", "w-1", "m-lead"],
      ["work-item.transfer", "w-2", "m-lead"]
    ])
    // Customers take the same guard: c-pool is in the region's pool, c-3 is m-a2's.
    expect(await failure(Effect.flatMap(actingAs("m-lead"), (s) => s.allocation.customers({ ids: ["c-pool", "c-3"], to: "m-a1", from: null })))).toBeInstanceOf(Conflict)
    expect((await Effect.runPromise(stores.customers.get("c-pool"))).ownerManagerId).toBeNull()
  })

  it("refuses closed items with Conflict, and nothing changes", async () => {
    const e = await failure(Effect.flatMap(actingAs("m-lead"), (s) => s.allocation.workItems({ ids: ["w-1", "w-done"], to: "m-a2" })))
    expect(e).toBeInstanceOf(Conflict)
    expect((await Effect.runPromise(stores.workItems.get("w-1"))).assigneeId).toBe("m-a1")
    expect(await actions()).toEqual([])
  })
})
