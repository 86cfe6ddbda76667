import { Effect, Exit } from "effect"
import { TestClock } from "effect/testing"
import { beforeEach, describe, expect, it } from "vitest"
import { actingAs, AuditTrail, Forbidden, NotFound, type Stores, ValidationError } from "@winback/core"
import { f, live, seeded } from "./scopeFixtures"

let stores: Stores
beforeEach(async () => {
  stores = await seeded()
  await Effect.runPromise(
    stores.customers.upsertCustomers([f.customer("c-a1", { ownerManagerId: "m-a1" }), f.customer("c-a3", { ownerManagerId: "m-a3" })])
  )
})

const START = Date.UTC(2026, 10, 22, 8, 0, 0)
const run = <A, E>(eff: Effect.Effect<A, E, any>) =>
  Effect.runPromise(eff.pipe(Effect.provide(live(stores)), Effect.provide(TestClock.layer())) as Effect.Effect<A, E>)
const failure = async <A, E>(eff: Effect.Effect<A, E, any>) => {
  const exit = await run(Effect.exit(eff))
  if (Exit.isSuccess(exit)) throw new Error(`expected a failure, got ${JSON.stringify(exit.value)}`)
  return Effect.runPromise(Effect.flip(Effect.failCause(exit.cause)))
}

/** Writes a small history: notes by three managers an hour apart, one master-data edit. */
const history = Effect.gen(function* () {
  yield* TestClock.setTime(START)
  yield* Effect.flatMap(actingAs("m-a1"), (s) => s.audit.note({ note: "customer asked for the contract", customerId: "c-a1" }))
  yield* TestClock.adjust("1 hour")
  yield* Effect.flatMap(actingAs("m-a3"), (s) => s.audit.note({ note: "south side note", customerId: "c-a3" }))
  yield* TestClock.adjust("1 hour")
  yield* Effect.flatMap(actingAs("m-lead"), (s) => s.customers.update("c-a1", { creditLevel: "B" }, 1))
  yield* TestClock.adjust("1 hour")
  yield* Effect.flatMap(actingAs("m-a2"), (s) => s.audit.note({ note: "general remark" }))
})

describe("AuditTrail", () => {
  it("manual notes carry the actor and the Clock's time", async () => {
    await run(history)
    const all = (await Effect.runPromise(stores.audit.query({}))).items
    expect(all.map((e) => [e.seq, e.actorId, e.at, e.action, e.category, e.customerId, e.note])).toEqual([
      [1, "m-a1", "2026-11-22T08:00:00.000Z", "audit.note", "manual", "c-a1", "customer asked for the contract"],
      [2, "m-a3", "2026-11-22T09:00:00.000Z", "audit.note", "manual", "c-a3", "south side note"],
      [3, "m-lead", "2026-11-22T10:00:00.000Z", "customer.edit", "customer", "c-a1", ""],
      [4, "m-a2", "2026-11-22T11:00:00.000Z", "audit.note", "manual", null, "general remark"]
    ])
  })

  it("a note about a customer out of scope is refused; a bad note is a ValidationError", async () => {
    expect(await failure(Effect.flatMap(actingAs("m-a1"), (s) => s.audit.note({ note: "peek", customerId: "c-a3" })))).toBeInstanceOf(NotFound)
    expect(await failure(Effect.flatMap(actingAs("m-a1"), (s) => s.audit.note({ note: "", customerId: "c-a1" })))).toBeInstanceOf(ValidationError)
    expect(await failure(Effect.flatMap(actingAs("m-a1"), (s) => s.audit.note({ note: "x", customerId: "c-ghost" })))).toBeInstanceOf(NotFound)
    expect((await Effect.runPromise(stores.audit.verify())).entries).toBe(0)
  })

  it("queries by time range, actor, customer and category, limited to the actor's audit scope", async () => {
    await run(history)
    const seqs = (id: string, q: object) => run(Effect.flatMap(actingAs(id), (s) => s.audit.query(q))).then((p) => p.items.map((e) => e.seq))
    // The director of t-north sees entries by t-north members (m-a1, m-lead, m-a2), not m-a3's.
    expect(await seqs("m-dir", {})).toEqual([1, 3, 4])
    expect(await seqs("m-dir", { from: "2026-11-22T09:00:00Z", to: "2026-11-22T11:00:00Z" })).toEqual([3])
    expect(await seqs("m-dir", { categories: ["manual"] })).toEqual([1, 4])
    expect(await seqs("m-dir", { customerId: "c-a1" })).toEqual([1, 3])
    expect(await seqs("m-dir", { actorId: "m-a3" })).toEqual([])
    // An agent sees their own entries only; the leader of t-south sees m-a3's.
    expect(await seqs("m-a1", {})).toEqual([1])
    expect(await seqs("m-lead-s", {})).toEqual([2])
    expect(await failure(Effect.flatMap(actingAs("m-dir"), (s) => s.audit.query({ from: "last week" })))).toBeInstanceOf(ValidationError)
  })

  it("verifies the chain for directors and admins only", async () => {
    await run(history)
    expect(await run(Effect.flatMap(actingAs("m-dir"), (s) => s.audit.verify()))).toEqual({ ok: true, entries: 4 })
    expect(await run(Effect.flatMap(actingAs("m-admin"), (s) => s.audit.verify()))).toEqual({ ok: true, entries: 4 })
    expect(await failure(Effect.flatMap(actingAs("m-a1"), (s) => s.audit.verify()))).toBeInstanceOf(Forbidden)
  })

  it("offers no way to change or remove an entry", async () => {
    const trail = await run(Effect.map(AuditTrail, (t) => t))
    expect(Object.keys(trail).sort()).toEqual(["note", "query", "record", "verify"])
    const session = await run(actingAs("m-admin"))
    expect(Object.keys(session.audit).sort()).toEqual(["note", "query", "verify"])
  })
})
