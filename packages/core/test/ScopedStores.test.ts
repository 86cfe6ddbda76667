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
      f.customer("c-a1", { ownerManagerId: "m-a1" }),
      f.customer("c-a2", { ownerManagerId: "m-a2" }),
      f.customer("c-a3", { ownerManagerId: "m-a3" }),
      f.customer("c-a4", { ownerManagerId: "m-a4" }),
      f.customer("c-pool", { ownerManagerId: null }),
      f.customer("c-pool-sh", { ownerManagerId: null, region: "shanghai" })
    ])
  )
  await Effect.runPromise(
    stores.workItems.insertMany([
      f.workItem("w-a1", { assigneeId: "m-a1", teamId: "t-north", customerId: "c-a1" }),
      f.workItem("w-a1b", { assigneeId: "m-a1", teamId: "t-north", customerId: "c-a1", state: "completed" }),
      f.workItem("w-a2", { assigneeId: "m-a2", teamId: "t-north", customerId: "c-a2" }),
      f.workItem("w-team", { assigneeId: null, teamId: "t-north", customerId: "c-pool" }),
      f.workItem("w-a3", { assigneeId: "m-a3", teamId: "t-south", customerId: "c-a3" }),
      f.workItem("w-a4", { assigneeId: "m-a4", teamId: "t-north-1", customerId: "c-a4" })
    ])
  )
})

const NOW = Date.UTC(2026, 10, 22, 9, 30, 0)
const run = <A, E>(eff: Effect.Effect<A, E, any>) =>
  Effect.runPromise(
    Effect.gen(function* () {
      yield* TestClock.setTime(NOW)
      return yield* eff
    }).pipe(Effect.provide(live(stores)), Effect.provide(TestClock.layer())) as Effect.Effect<A, E>
  )
const failure = async <A, E>(eff: Effect.Effect<A, E, any>) => {
  const exit = await run(Effect.exit(eff))
  if (Exit.isSuccess(exit)) throw new Error(`expected a failure, got ${JSON.stringify(exit.value)}`)
  return Effect.runPromise(Effect.flip(Effect.failCause(exit.cause)))
}
const as = actingAs

describe("scoped reads", () => {
  it("lists only what is in scope, per role", async () => {
    const customers = async (id: string) => (await run(Effect.flatMap(as(id), (s) => s.customers.list()))).items.map((c) => c.id)
    expect(await customers("m-a1")).toEqual(["c-a1"])
    expect(await customers("m-lead")).toEqual(["c-a1", "c-a2", "c-pool"])
    expect(await customers("m-dir")).toEqual(["c-a1", "c-a2", "c-a4", "c-pool"])
    expect(await customers("m-appr")).toEqual([])
    const items = async (id: string) => (await run(Effect.flatMap(as(id), (s) => s.workItems.list({ states: ["open"] })))).items.map((w) => w.id).sort()
    expect(await items("m-a1")).toEqual(["w-a1"])
    expect(await items("m-lead")).toEqual(["w-a1", "w-a2", "w-team"])
    expect(await items("m-dir")).toEqual(["w-a1", "w-a2", "w-a4", "w-team"])
  })

  it("a host filter narrows the scope and can never widen it", async () => {
    const page = await run(Effect.flatMap(as("m-a1"), (s) => s.customers.list({ ownerManagerIds: ["m-a2", "m-a3"] })))
    expect(page.items).toEqual([])
    const items = await run(Effect.flatMap(as("m-a1"), (s) => s.workItems.list({ teamIds: ["t-south"] })))
    expect(items.items).toEqual([])
    // A scope smuggled into the filter is refused, not merged.
    expect(await failure(Effect.flatMap(as("m-a1"), (s) => s.customers.list({ inScope: { ownerManagerIds: ["m-a3"], unownedRegions: [] } } as never)))).toBeInstanceOf(
      ValidationError
    )
  })

  it("out-of-scope single reads answer NotFound, like a missing record", async () => {
    const e1 = await failure(Effect.flatMap(as("m-a1"), (s) => s.customers.get("c-a2")))
    const e2 = await failure(Effect.flatMap(as("m-a1"), (s) => s.customers.get("c-nope")))
    expect(e1).toBeInstanceOf(NotFound)
    expect(e2).toBeInstanceOf(NotFound)
    expect(await run(Effect.flatMap(as("m-a1"), (s) => s.customers.getMany(["c-a2", "c-a1", "c-nope"])))).toEqual([
      await Effect.runPromise(stores.customers.get("c-a1"))
    ])
  })

  it("counts by state for an assignee in scope only", async () => {
    expect(await run(Effect.flatMap(as("m-a1"), (s) => s.workItems.countByState()))).toEqual({ open: 1, "in-progress": 0, completed: 1, cancelled: 0, expired: 0, unreachable: 0 })
    expect((await run(Effect.flatMap(as("m-lead"), (s) => s.workItems.countByState({ assigneeId: "m-a2" })))).open).toBe(1)
    expect(await failure(Effect.flatMap(as("m-a1"), (s) => s.workItems.countByState({ assigneeId: "m-a2" })))).toBeInstanceOf(Forbidden)
  })

  it("approvers list the tasks pending approval, even when asking for more", async () => {
    await Effect.runPromise(stores.tasks.insert(f.task("k-pending", { status: "pending-approval" })))
    await Effect.runPromise(stores.tasks.insert(f.task("k-active", { status: "active" })))
    const ids = async (id: string, filter: object) => (await run(Effect.flatMap(as(id), (s) => s.tasks.list(filter)))).items.map((t) => t.id).sort()
    expect(await ids("m-appr", {})).toEqual(["k-pending"])
    expect(await ids("m-appr", { statuses: ["active", "pending-approval"] })).toEqual(["k-pending"])
    expect(await ids("m-appr", { statuses: ["active"] })).toEqual([])
    expect(await ids("m-a1", {})).toEqual(["k-active"])
    expect(await ids("m-lead", {})).toEqual(["k-active", "k-pending"])
  })
})

describe("scoped writes", () => {
  it("a leader edits master data; the entry carries actor, Clock time, before and after", async () => {
    const after = await run(Effect.flatMap(as("m-lead"), (s) => s.customers.update("c-a1", { tier: "diamond", phones: ["+8613800000001"] }, 1, "customer upgraded")))
    expect(after).toMatchObject({ tier: "diamond", phones: ["+8613800000001"], version: 2, ownerManagerId: "m-a1" })
    const [entry] = (await Effect.runPromise(stores.audit.query({ customerId: "c-a1" }))).items
    expect(entry).toMatchObject({
      actorId: "m-lead",
      at: "2026-11-22T09:30:00.000Z",
      action: "customer.edit",
      category: "customer",
      recordType: "Customer",
      recordId: "c-a1",
      note: "customer upgraded",
      before: { tier: "gold", version: 1 },
      after: { tier: "diamond", version: 2 }
    })
  })

  it("master data cannot carry the owner (allocation does that) and must be valid", async () => {
    expect(await failure(Effect.flatMap(as("m-lead"), (s) => s.customers.update("c-a1", { ownerManagerId: "m-a2" } as never, 1)))).toBeInstanceOf(ValidationError)
    expect(await failure(Effect.flatMap(as("m-lead"), (s) => s.customers.update("c-a1", { birthday: "yesterday" }, 1)))).toBeInstanceOf(ValidationError)
    expect(await failure(Effect.flatMap(as("m-lead"), (s) => s.customers.update("c-a1", { tier: "silver" }, 7)))).toBeInstanceOf(Conflict)
    expect((await Effect.runPromise(stores.audit.verify())).entries).toBe(0)
  })

  it("an agent works their item but cannot move it to someone else", async () => {
    const w = await Effect.runPromise(stores.workItems.get("w-a1"))
    const next = await run(Effect.flatMap(as("m-a1"), (s) => s.workItems.update({ ...w, state: "in-progress", nextAttemptAt: "2026-11-23T02:00:00.000Z" }, w.version)))
    expect(next).toMatchObject({ state: "in-progress", updatedAt: "2026-11-22T09:30:00.000Z", version: 2 })
    const e = await failure(Effect.flatMap(as("m-a1"), (s) => s.workItems.update({ ...next, assigneeId: "m-a2" }, next.version)))
    expect(e).toBeInstanceOf(Forbidden)
    expect((e as Forbidden).reason).toBe("assigneeId cannot change in an update: use allocation")
    const done = await failure(Effect.flatMap(as("m-a1"), (s) => s.workItems.update({ ...next, state: "completed" }, next.version)))
    expect(done).toBeInstanceOf(Forbidden)
    expect((await Effect.runPromise(stores.workItems.get("w-a1"))).state).toBe("in-progress")
  })

  it("completes as the actor, now; one entry per item; all or nothing when one item is out of scope", async () => {
    await Effect.runPromise(stores.workItems.insertMany([f.workItem("w-a1c", { assigneeId: "m-a1", teamId: "t-north", customerId: "c-a1" })]))
    const done = await run(
      Effect.flatMap(as("m-a1"), (s) => s.workItems.complete({ ids: ["w-a1", "w-a1c"], customerId: "c-a1", disposition: "completed", callSerial: "C-9" }))
    )
    expect(done.map((w) => [w.id, w.state, w.completedAt, w.callSerial, w.attempts.at(-1)?.by])).toEqual([
      ["w-a1", "completed", "2026-11-22T09:30:00.000Z", "C-9", "m-a1"],
      ["w-a1c", "completed", "2026-11-22T09:30:00.000Z", "C-9", "m-a1"]
    ])
    expect((await Effect.runPromise(stores.audit.query({ categories: ["work-item"] }))).items.map((e) => e.recordId)).toEqual(["w-a1", "w-a1c"])
    await Effect.runPromise(stores.workItems.insertMany([f.workItem("w-a2b", { assigneeId: "m-a2", teamId: "t-north", customerId: "c-a1" })]))
    await Effect.runPromise(stores.workItems.insertMany([f.workItem("w-a1d", { assigneeId: "m-a1", teamId: "t-north", customerId: "c-a1" })]))
    const e = await failure(Effect.flatMap(as("m-a1"), (s) => s.workItems.complete({ ids: ["w-a1d", "w-a2b"], customerId: "c-a1", disposition: "refused" })))
    expect(e).toBeInstanceOf(NotFound)
    expect((await Effect.runPromise(stores.workItems.get("w-a1d"))).state).toBe("open")
    expect((await Effect.runPromise(stores.audit.verify())).entries).toBe(2)
  })

  it("adds a DND entry for a customer in scope, effective now, audited", async () => {
    const added = await run(Effect.flatMap(as("m-a1"), (s) => s.contacts.addDnd({ customerId: "c-a1", channel: "phone", reason: "asked not to be called" })))
    expect(added).toMatchObject({ customerId: "c-a1", createdBy: "m-a1", createdAt: "2026-11-22T09:30:00.000Z", source: "agent", removedAt: null })
    expect([...(await Effect.runPromise(stores.dnd.blocked(["c-a1"], "phone", "2026-11-22T09:30:00.000Z")))]).toEqual(["c-a1"])
    expect((await Effect.runPromise(stores.audit.query({ categories: ["dnd"] }))).items.map((e) => [e.action, e.actorId])).toEqual([["dnd.add", "m-a1"]])
  })

  it("books a callback for a customer in scope (for the actor by default), and hides others' appointments", async () => {
    const booked = await run(Effect.flatMap(as("m-a1"), (s) => s.appointments.book({ customerId: "c-a1", at: "2026-11-23T10:00:00+08:00", channel: "phone", note: "after work" })))
    expect(booked).toMatchObject({ managerId: "m-a1", customerId: "c-a1", at: "2026-11-23T02:00:00.000Z", state: "booked", createdAt: "2026-11-22T09:30:00.000Z", version: 1 })
    expect(await failure(Effect.flatMap(as("m-a1"), (s) => s.appointments.book({ customerId: "c-a2", at: "2026-11-23T02:00:00Z", channel: "phone" })))).toBeInstanceOf(NotFound)
    expect(await failure(Effect.flatMap(as("m-a1"), (s) => s.appointments.book({ customerId: "c-a1", at: "2026-11-23T02:00:00Z", channel: "phone", managerId: "m-a2" })))).toBeInstanceOf(Forbidden)
    expect(await failure(Effect.flatMap(as("m-a2"), (s) => s.appointments.get(booked.id)))).toBeInstanceOf(NotFound)
    expect((await run(Effect.flatMap(as("m-lead"), (s) => s.appointments.list({ states: ["booked"] })))).items.map((a) => a.id)).toEqual([booked.id])
    const moved = await failure(Effect.flatMap(as("m-lead"), (s) => s.appointments.update({ ...booked, managerId: "m-a2" }, 1)))
    expect(moved).toBeInstanceOf(Forbidden)
    const cancelled = await run(Effect.flatMap(as("m-lead"), (s) => s.appointments.update({ ...booked, state: "cancelled" }, 1)))
    expect(cancelled.state).toBe("cancelled")
    expect((await Effect.runPromise(stores.audit.query({ categories: ["appointment"] }))).items.map((e) => [e.action, e.actorId])).toEqual([
      ["appointment.book", "m-a1"],
      ["appointment.update", "m-lead"]
    ])
  })
})
