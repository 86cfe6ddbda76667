/**
 * Taking back a do-not-disturb entry through the scoped stores: who may (agents their own
 * customers' entries, leaders their team's, and only leaders an entry the customer asked for),
 * what it writes (the entry marked removed, one audit entry with before, after and the reason) and
 * what it leaves alone when refused. Memory stores; the store contract itself is in the adapters'
 * conformance suite.
 */
import { Effect, Exit } from "effect"
import { TestClock } from "effect/testing"
import fc from "fast-check"
import { beforeEach, describe, expect, it } from "vitest"
import {
  actingAs,
  Conflict,
  createWinback,
  defaultContactPolicy,
  type DndEntry,
  type DndSource,
  evaluateContact,
  Forbidden,
  NotFound,
  type Stores,
  storesLayer,
  ValidationError
} from "@winback/core"
import { f, live, seeded } from "./scopeFixtures"

const NOW = Date.UTC(2026, 10, 22, 9, 30, 0)
const iso = (ms: number) => new Date(ms).toISOString()

let stores: Stores
beforeEach(async () => {
  stores = await seeded()
  await Effect.runPromise(
    stores.customers.upsertCustomers([
      f.customer("c-a1", { ownerManagerId: "m-a1" }),
      f.customer("c-a1b", { ownerManagerId: "m-a1" }),
      f.customer("c-a2", { ownerManagerId: "m-a2" }),
      f.customer("c-a3", { ownerManagerId: "m-a3" })
    ])
  )
})

const runAt = <A, E>(at: number, eff: Effect.Effect<A, E, any>) =>
  Effect.runPromise(
    Effect.gen(function* () {
      yield* TestClock.setTime(at)
      return yield* eff
    }).pipe(Effect.provide(live(stores)), Effect.provide(TestClock.layer())) as Effect.Effect<A, E>
  )
const run = <A, E>(eff: Effect.Effect<A, E, any>) => runAt(NOW, eff)
const failure = async <A, E>(eff: Effect.Effect<A, E, any>) => {
  const exit = await run(Effect.exit(eff))
  if (Exit.isSuccess(exit)) throw new Error(`expected a failure, got ${JSON.stringify(exit.value)}`)
  return Effect.runPromise(Effect.flip(Effect.failCause(exit.cause)))
}
const port = <A, E>(eff: Effect.Effect<A, E>) => Effect.runPromise(eff)

/** An entry written straight to the store, created an hour before NOW. */
const seedEntry = async (id: string, customerId: string, over: Partial<DndEntry> = {}) =>
  port(stores.dnd.add(f.dndEntry(id, { customerId, channel: "phone", source: "agent", createdBy: "m-a1", createdAt: iso(NOW - 3_600_000), ...over })))

const removeAs = (managerId: string, input: { customerId: string; entryId: string; reason: string }) =>
  Effect.flatMap(actingAs(managerId), (s) => s.contacts.removeDnd(input))

const blockedNow = async (customerIds: ReadonlyArray<string>, channel: "phone" | "sms", at = NOW) =>
  [...(await port(stores.dnd.blocked(customerIds, channel, iso(at))))].sort()

/** Everything a refused removal must leave as it was: the customers' entries and the audit log. */
const snapshot = async (...customerIds: ReadonlyArray<string>) =>
  JSON.stringify([await Promise.all(customerIds.map((c) => port(stores.dnd.listByCustomer(c)))), (await port(stores.audit.query({}))).items])

describe("contacts.removeDnd", () => {
  it("an agent takes back their own customer's entry: removed now, no longer blocking, audited with the reason", async () => {
    await seedEntry("d-1", "c-a1")
    await seedEntry("d-sms", "c-a1", { channel: "sms" })
    const dndBefore = (await port(stores.dnd.listByCustomer("c-a1"))).filter((e) => e.channel === "phone")
    const contactBefore = evaluateContact({ policy: defaultContactPolicy, channel: "phone", at: iso(NOW), timeZone: "Asia/Shanghai", dnd: dndBefore, contactTimes: [] })
    expect(contactBefore.reasons.map((r) => r.code)).toContain("dnd")
    expect(await blockedNow(["c-a1"], "phone")).toEqual(["c-a1"])

    const removed = await run(removeAs("m-a1", { customerId: "c-a1", entryId: "d-1", reason: "added by mistake" }))
    expect(removed).toEqual({ ...(await seedEntryShape("d-1", "c-a1")), removedAt: "2026-11-22T09:30:00.000Z" })

    // Contactability on that channel no longer counts it; the SMS entry still blocks SMS.
    expect(await blockedNow(["c-a1"], "phone")).toEqual([])
    expect(await blockedNow(["c-a1"], "phone", NOW - 1)).toEqual(["c-a1"])
    expect(await blockedNow(["c-a1"], "sms")).toEqual(["c-a1"])
    const dndAfter = await port(stores.dnd.listByCustomer("c-a1"))
    const contactAfter = evaluateContact({ policy: defaultContactPolicy, channel: "phone", at: iso(NOW), timeZone: "Asia/Shanghai", dnd: dndAfter, contactTimes: [] })
    expect(contactAfter.reasons.map((r) => r.code)).not.toContain("dnd")
    expect(evaluateContact({ policy: defaultContactPolicy, channel: "sms", at: iso(NOW), timeZone: "Asia/Shanghai", dnd: dndAfter, contactTimes: [] }).reasons.map((r) => r.code)).toContain("dnd")

    // The record stays (removed, not deleted) and the audit entry carries who, when, before, after, why.
    expect(dndAfter.map((e) => [e.id, e.removedAt])).toEqual(expect.arrayContaining([["d-1", "2026-11-22T09:30:00.000Z"], ["d-sms", null]]))
    const audit = (await port(stores.audit.query({ categories: ["dnd"] }))).items
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({
      actorId: "m-a1",
      at: "2026-11-22T09:30:00.000Z",
      action: "dnd.remove",
      category: "dnd",
      recordType: "DndEntry",
      recordId: "d-1",
      customerId: "c-a1",
      note: "added by mistake",
      before: { id: "d-1", removedAt: null },
      after: { id: "d-1", removedAt: "2026-11-22T09:30:00.000Z" }
    })
  })

  it("a team leader takes back an entry of a team member's customer", async () => {
    await seedEntry("d-2", "c-a2", { createdBy: "m-a2" })
    const removed = await run(removeAs("m-lead", { customerId: "c-a2", entryId: "d-2", reason: "customer changed their mind" }))
    expect(removed.removedAt).toBe("2026-11-22T09:30:00.000Z")
    expect(await blockedNow(["c-a2"], "phone")).toEqual([])
    expect((await port(stores.audit.query({ categories: ["dnd"] }))).items.map((e) => [e.action, e.actorId, e.recordId])).toEqual([["dnd.remove", "m-lead", "d-2"]])
  })

  it("outside the actor's scope it is NotFound (unreadable) or Forbidden (reads only) and changes nothing", async () => {
    await seedEntry("d-3", "c-a1")
    const before = await snapshot("c-a1")
    // another agent of the same squad, an agent and a leader of another squad, an approver: cannot read the customer
    for (const who of ["m-a2", "m-a3", "m-lead-s", "m-appr"]) {
      const e = await failure(removeAs(who, { customerId: "c-a1", entryId: "d-3", reason: "not mine" }))
      expect(e, who).toBeInstanceOf(NotFound)
      expect(await snapshot("c-a1"), who).toBe(before)
    }
    // a director reads the customer but may not change it
    expect(await failure(removeAs("m-dir", { customerId: "c-a1", entryId: "d-3", reason: "not mine" }))).toBeInstanceOf(Forbidden)
    expect(await snapshot("c-a1")).toBe(before)
    expect(await blockedNow(["c-a1"], "phone")).toEqual(["c-a1"])
    // Out of scope, an unknown entry is refused the same way: the answer tells nothing about entries.
    expect(await failure(removeAs("m-a3", { customerId: "c-a1", entryId: "d-nope", reason: "probe" }))).toBeInstanceOf(NotFound)
    expect(await failure(removeAs("m-dir", { customerId: "c-a1", entryId: "d-nope", reason: "probe" }))).toBeInstanceOf(Forbidden)
  })

  it("an entry the customer asked for (or a complaint or regulator set) needs a leader", async () => {
    for (const [i, source] of (["customer-request", "complaint", "regulator"] as const).entries()) {
      await seedEntry(`d-p${i}`, "c-a1", { source })
      const before = await snapshot("c-a1")
      const e = await failure(removeAs("m-a1", { customerId: "c-a1", entryId: `d-p${i}`, reason: "customer called back" }))
      expect(e, source).toBeInstanceOf(Forbidden)
      expect((e as Forbidden).action).toBe("dnd.remove-protected")
      expect(await snapshot("c-a1"), source).toBe(before)
      const removed = await run(removeAs("m-lead", { customerId: "c-a1", entryId: `d-p${i}`, reason: "customer withdrew the request in writing" }))
      expect(removed.removedAt, source).toBe("2026-11-22T09:30:00.000Z")
    }
    // Entries staff or systems set are the agent's to take back.
    for (const [i, source] of (["agent", "import", "system"] as const).entries()) {
      await seedEntry(`d-s${i}`, "c-a1", { source })
      expect((await run(removeAs("m-a1", { customerId: "c-a1", entryId: `d-s${i}`, reason: "set by mistake" }))).removedAt, source).not.toBeNull()
    }
  })

  it("an already removed entry is a Conflict; the first removal stays", async () => {
    await seedEntry("d-4", "c-a1")
    await runAt(NOW - 60_000, removeAs("m-a1", { customerId: "c-a1", entryId: "d-4", reason: "first" }))
    const before = await snapshot("c-a1")
    expect(await failure(removeAs("m-a1", { customerId: "c-a1", entryId: "d-4", reason: "again" }))).toBeInstanceOf(Conflict)
    expect(await failure(removeAs("m-lead", { customerId: "c-a1", entryId: "d-4", reason: "again" }))).toBeInstanceOf(Conflict)
    expect(await snapshot("c-a1")).toBe(before)
    expect((await port(stores.dnd.listByCustomer("c-a1")))[0]!.removedAt).toBe(iso(NOW - 60_000))
  })

  it("an unknown entry, another customer's entry or an unknown customer is NotFound and changes nothing", async () => {
    await seedEntry("d-5", "c-a1b")
    await seedEntry("d-6", "c-a2")
    const before = await snapshot("c-a1", "c-a1b", "c-a2")
    expect(await failure(removeAs("m-a1", { customerId: "c-a1", entryId: "d-none", reason: "x" }))).toBeInstanceOf(NotFound)
    // Both customers are the agent's: the entry still has to be the named customer's.
    expect(await failure(removeAs("m-a1", { customerId: "c-a1", entryId: "d-5", reason: "x" }))).toBeInstanceOf(NotFound)
    // The leader reaches both c-a1 and c-a2, and still cannot remove c-a2's entry through c-a1.
    expect(await failure(removeAs("m-lead", { customerId: "c-a1", entryId: "d-6", reason: "x" }))).toBeInstanceOf(NotFound)
    expect(await failure(removeAs("m-a1", { customerId: "c-nobody", entryId: "d-5", reason: "x" }))).toBeInstanceOf(NotFound)
    expect(await snapshot("c-a1", "c-a1b", "c-a2")).toBe(before)
  })

  it("bad input is a ValidationError and writes nothing", async () => {
    await seedEntry("d-7", "c-a1")
    const before = await snapshot("c-a1")
    for (const input of [
      { customerId: "c-a1", entryId: "d-7", reason: "" },
      { customerId: "c-a1", entryId: "d-7", reason: "   " },
      { customerId: "c-a1", entryId: "d-7" },
      { customerId: "c-a1", entryId: "", reason: "x" },
      { customerId: "c-a1", entryId: "d-7", reason: "x", removedAt: "2020-01-01T00:00:00Z" },
      { customerId: "c-a1", entryId: "d-7", reason: "x".repeat(1001) }
    ]) {
      expect(await failure(removeAs("m-a1", input as never)), JSON.stringify(input).slice(0, 80)).toBeInstanceOf(ValidationError)
    }
    expect(await snapshot("c-a1")).toBe(before)
  })

  it("the Promise facade exposes it as winback.as(id).contacts.removeDnd, with the same error classes", async () => {
    const winback = await createWinback({ storage: storesLayer(stores) })
    try {
      const added = await winback.as("m-a1").contacts.addDnd({ customerId: "c-a1", channel: "sms", reason: "asked not to be texted" })
      expect(await blockedNow(["c-a1"], "sms", Date.now() + 1000)).toEqual(["c-a1"])
      const removed = await winback.as("m-a1").contacts.removeDnd({ customerId: "c-a1", entryId: added.id, reason: "wrong customer" })
      expect(removed.removedAt).not.toBeNull()
      expect(await blockedNow(["c-a1"], "sms", Date.now() + 1000)).toEqual([])
      await expect(winback.as("m-a1").contacts.removeDnd({ customerId: "c-a1", entryId: added.id, reason: "again" })).rejects.toBeInstanceOf(Conflict)
      await expect(winback.as("m-a3").contacts.removeDnd({ customerId: "c-a1", entryId: added.id, reason: "x" })).rejects.toBeInstanceOf(NotFound)
      expect((await winback.as("m-a1").audit.query({ categories: ["dnd"] })).items.map((e) => e.action).sort()).toEqual(["dnd.add", "dnd.remove"])
    } finally {
      await winback.dispose()
    }
  })
})

/** The fixture entry as `seedEntry` writes it (what a removal must return, bar `removedAt`). */
const seedEntryShape = async (id: string, customerId: string) =>
  f.dndEntry(id, { customerId, channel: "phone", source: "agent", createdBy: "m-a1", createdAt: iso(NOW - 3_600_000) })

describe("add and remove sequences (fast-check)", () => {
  type Op =
    | { readonly kind: "add"; readonly customer: number; readonly channel: "phone" | "sms"; readonly source: DndSource; readonly expiresInMin: number | null }
    | { readonly kind: "remove"; readonly pick: number }
  const customerIds = ["c-a1", "c-a1b", "c-a2"] as const
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({
      kind: fc.constant("add" as const),
      customer: fc.nat({ max: customerIds.length - 1 }),
      channel: fc.constantFrom("phone" as const, "sms" as const),
      source: fc.constantFrom<DndSource>("agent", "customer-request", "import"),
      expiresInMin: fc.option(fc.integer({ min: 1, max: 10 }), { nil: null })
    }),
    fc.record({ kind: fc.constant("remove" as const), pick: fc.nat({ max: 30 }) })
  )

  it("leave `blocked` equal to a model of active entries after every step", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
        stores = await seeded()
        await port(stores.customers.upsertCustomers(customerIds.map((id) => f.customer(id, { ownerManagerId: id === "c-a2" ? "m-a2" : "m-a1" }))))
        // The model: what was added (customer, channel, expiry in ms) and whether it was removed.
        const model: Array<{ id: string; customer: string; channel: "phone" | "sms"; expiresAt: number | null; removed: boolean }> = []
        for (const [step, o] of ops.entries()) {
          const at = NOW + step * 60_000
          if (o.kind === "add") {
            const e = await runAt(
              at,
              Effect.flatMap(actingAs("m-lead"), (s) =>
                s.contacts.addDnd({
                  customerId: customerIds[o.customer]!,
                  channel: o.channel,
                  reason: "property",
                  source: o.source,
                  expiresAt: o.expiresInMin === null ? null : iso(at + o.expiresInMin * 60_000)
                })
              )
            )
            model.push({ id: e.id, customer: customerIds[o.customer]!, channel: o.channel, expiresAt: o.expiresInMin === null ? null : at + o.expiresInMin * 60_000, removed: false })
          } else if (model.length > 0) {
            const target = model[o.pick % model.length]!
            const exit = await runAt(at, Effect.exit(removeAs("m-lead", { customerId: target.customer, entryId: target.id, reason: "property" })))
            if (target.removed) expect(Exit.isFailure(exit) && String(exit.cause).includes("Conflict")).toBe(true)
            else expect(Exit.isSuccess(exit)).toBe(true)
            target.removed = true
          }
          for (const channel of ["phone", "sms"] as const) {
            const expected = [
              ...new Set(model.filter((m) => m.channel === channel && !m.removed && (m.expiresAt === null || m.expiresAt > at)).map((m) => m.customer))
            ].sort()
            expect(await blockedNow(customerIds, channel, at)).toEqual(expected)
          }
        }
        // One audit entry per successful add and per first removal.
        const audit = (await port(stores.audit.query({ categories: ["dnd"] }, { limit: 200 }))).items
        expect(audit.filter((e) => e.action === "dnd.add")).toHaveLength(model.length)
        expect(audit.filter((e) => e.action === "dnd.remove")).toHaveLength(model.filter((m) => m.removed).length)
      }),
      { numRuns: 60 }
    )
  })
})
