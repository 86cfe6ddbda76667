/**
 * Work plans over the memory adapter and its real report queries: scoped setting and reading,
 * progress against actuals whose ground truth the test builds by hand, period close (archived,
 * read-only, achieved figures frozen), auditing and atomicity.
 */
import { Effect, Exit, Layer, ManagedRuntime } from "effect"
import { TestClock } from "effect/testing"
import { beforeEach, describe, expect, it } from "vitest"
import {
  type Actor,
  Actors,
  Conflict,
  directoriesFromStores,
  Forbidden,
  NotFound,
  defaultPolicy,
  scopeLayer,
  type Stores,
  storesLayer,
  ValidationError,
  type WorkItem,
  WorkPlanService
} from "@winback/core"
// Test-only: core does not depend on adapters, but its services are proven over a real adapter.
import { MemoryDb } from "../../adapters/src/memory/MemoryDb"
import { MemoryReportQueries } from "../../adapters/src/memory/MemoryReportQueries"
import { makeMemoryStores } from "../../adapters/src/memory/MemoryStorage"
import { fixtures } from "../../adapters/src/testing/index"

const NOV_15 = Date.parse("2026-11-16T00:00:00.000Z") // half of November elapsed
const DEC_2 = Date.parse("2026-12-02T09:00:00.000Z")

/** An item of `assignee` in `teamId`, handed out in November; `reached` adds a reached attempt; `done` completes it. */
const item = (id: string, assigneeId: string, teamId: string, o: { reached?: boolean; done?: boolean; createdAt?: string } = {}): WorkItem =>
  fixtures.workItem(id, {
    assigneeId,
    teamId,
    createdAt: o.createdAt ?? "2026-11-05T02:00:00.000Z",
    state: o.done ? "completed" : "open",
    completedAt: o.done ? "2026-11-06T02:00:00.000Z" : null,
    disposition: o.done ? (o.reached ? "completed" : "no-answer") : null,
    attempts: o.reached === undefined ? [] : [{ at: "2026-11-06T02:00:00.000Z", by: assigneeId, disposition: o.reached ? "completed" : "no-answer", callSerial: null, note: "" }]
  })

const setup = async () => {
  const db = new MemoryDb()
  const stores: Stores = makeMemoryStores(db)
  await Effect.runPromise(
    Effect.gen(function* () {
      // t-root ⊃ t-a ⊃ t-a1 ; t-root ⊃ t-b
      for (const t of [
        fixtures.team("t-root", { adminId: "m-dir" }),
        fixtures.team("t-a", { adminId: "m-lead-a", parentId: "t-root" }),
        fixtures.team("t-a1", { adminId: "m-lead-a", parentId: "t-a" }),
        fixtures.team("t-b", { adminId: "m-lead-b", parentId: "t-root" })
      ])
        yield* stores.teams.insert(t)
      for (const [id, roles, teamId] of [
        ["m-dir", ["director"], "t-root"],
        ["m-admin", ["admin"], null],
        ["m-lead-a", ["team-leader"], "t-a"],
        ["m-a1", ["agent"], "t-a"],
        ["m-a2", ["agent"], "t-a1"],
        ["m-lead-b", ["team-leader"], "t-b"],
        ["m-b1", ["agent"], "t-b"]
      ] as const)
        yield* stores.managers.insert(fixtures.manager(id, { roles: [...roles], teamId }))
      // Ground truth for November:
      // m-a1 (t-a): 5 items, 4 completed, 3 reached; m-a2 (t-a1): 2 items, both completed and reached;
      // m-b1 (t-b): 3 items, 1 completed+reached; one m-a1 item of October does not count.
      yield* stores.workItems.insertMany([
        item("w1", "m-a1", "t-a", { reached: true, done: true }),
        item("w2", "m-a1", "t-a", { reached: true, done: true }),
        item("w3", "m-a1", "t-a", { reached: true, done: true }),
        item("w4", "m-a1", "t-a", { reached: false, done: true }),
        item("w5", "m-a1", "t-a"),
        item("w6", "m-a2", "t-a1", { reached: true, done: true }),
        item("w7", "m-a2", "t-a1", { reached: true, done: true }),
        item("w8", "m-b1", "t-b", { reached: true, done: true }),
        item("w9", "m-b1", "t-b"),
        item("w10", "m-b1", "t-b"),
        item("w0", "m-a1", "t-a", { reached: true, done: true, createdAt: "2026-10-20T02:00:00.000Z" })
      ])
      // Observations opened in November: m-a1 stayed ×2, returned ×1, churned ×1, pending ×1; m-a2 stayed ×1; m-b1 stayed ×1.
      const ob = (id: string, managerId: string, teamId: string, outcome: "stayed" | "returned" | "churned" | null) =>
        fixtures.observation(id, { managerId, teamId, startedOn: "2026-11-06", endsOn: "2026-12-06", outcome, statusAtStart: outcome === "returned" ? "suspended" : "active", statusAtEnd: outcome === null ? null : outcome === "churned" ? "cancelled" : "active", evaluatedAt: outcome === null ? null : "2026-12-06T00:00:00.000Z" })
      for (const o of [
        ob("o1", "m-a1", "t-a", "stayed"),
        ob("o2", "m-a1", "t-a", "stayed"),
        ob("o3", "m-a1", "t-a", "returned"),
        ob("o4", "m-a1", "t-a", "churned"),
        ob("o5", "m-a1", "t-a", null),
        ob("o6", "m-a2", "t-a1", "stayed"),
        ob("o7", "m-b1", "t-b", "stayed")
      ])
        yield* stores.observations.insert(o)
    })
  )
  const layer = WorkPlanService.layer.pipe(
    Layer.provideMerge(MemoryReportQueries.layer(db)),
    Layer.provideMerge(scopeLayer(defaultPolicy)),
    Layer.provideMerge(directoriesFromStores),
    Layer.provideMerge(storesLayer(stores))
  )
  const runtime = ManagedRuntime.make(layer)
  type R = typeof runtime extends ManagedRuntime.ManagedRuntime<infer S, infer _E> ? S : never
  const run = <A, E>(eff: Effect.Effect<A, E, R>, ms = NOV_15): Promise<A> =>
    runtime.runPromise(
      Effect.gen(function* () {
        yield* TestClock.setTime(ms)
        return yield* eff
      }).pipe(Effect.provide(TestClock.layer()))
    )
  const fail = async <A, E>(eff: Effect.Effect<A, E, R>, ms = NOV_15): Promise<E> => {
    const exit = await run(Effect.exit(eff), ms)
    if (Exit.isSuccess(exit)) throw new Error("expected a failure")
    return run(Effect.flip(eff), ms)
  }
  /** Runs `f(service, actor)` as `managerId`. */
  const as =
    (managerId: string) =>
    <A, E>(f: (s: WorkPlanService["Service"], actor: Actor) => Effect.Effect<A, E, never>) =>
      Effect.gen(function* () {
        const actor = yield* (yield* Actors).resolve(managerId)
        return yield* f(yield* WorkPlanService, actor)
      })
  return { stores, run, fail, as, dispose: () => runtime.dispose() }
}

type World = Awaited<ReturnType<typeof setup>>
let w: World
beforeEach(async () => {
  await w?.dispose()
  w = await setup()
})

const november = { kind: "month", on: "2026-11-10" } as const

describe("WorkPlanService", () => {
  it("a leader sets an agent's plan for the month containing a day; the id is one per subject and period", async () => {
    const plan = await w.run(w.as("m-lead-a")((s, a) => s.set(a, { subjectKind: "agent", subjectId: "m-a1", period: november, targets: { calls: 8, reach: 6 } })))
    expect(plan).toMatchObject({
      id: "wp:2026-11:agent:m-a1",
      subjectKind: "agent",
      subjectId: "m-a1",
      teamId: "t-a",
      period: { kind: "month", label: "2026-11", from: "2026-11-01", to: "2026-12-01" },
      targets: { calls: 8, reach: 6, retained: null },
      status: "active",
      createdBy: "m-lead-a",
      createdAt: "2026-11-16T00:00:00.000Z",
      version: 1
    })
    // Setting again replaces the targets of the same plan (a new version, not a second plan).
    const again = await w.run(w.as("m-lead-a")((s, a) => s.set(a, { subjectKind: "agent", subjectId: "m-a1", period: { kind: "month", on: "2026-11-30" }, targets: { calls: 10 } })))
    expect(again).toMatchObject({ id: plan.id, version: 2, targets: { calls: 10, reach: null, retained: null } })
    expect((await w.run(w.as("m-lead-a")((s, a) => s.list(a, { period: "2026-11" })))).items.map((p) => p.id)).toEqual([plan.id])
  })

  it("audits every change in the same store, with before and after", async () => {
    await w.run(w.as("m-lead-a")((s, a) => s.set(a, { subjectKind: "team", subjectId: "t-a1", period: november, targets: { retained: 3 } })))
    await w.run(w.as("m-lead-a")((s, a) => s.set(a, { subjectKind: "team", subjectId: "t-a1", period: november, targets: { retained: 4 } })))
    const entries = (await Effect.runPromise(w.stores.audit.query({ actorId: "m-lead-a" }))).items
    expect(entries.map((e) => [e.action, e.recordType, e.recordId])).toEqual([
      ["plan.create", "WorkPlan", "wp:2026-11:team:t-a1"],
      ["plan.update", "WorkPlan", "wp:2026-11:team:t-a1"]
    ])
    expect((entries[1]!.before as { targets: unknown }).targets).toEqual({ calls: null, reach: null, retained: 3 })
    expect((entries[1]!.after as { targets: unknown }).targets).toEqual({ calls: null, reach: null, retained: 4 })
  })

  it("leaders plan only their subtree; agents plan nothing", async () => {
    // m-lead-a reaches t-a and t-a1 (subtree), not t-b.
    await w.run(w.as("m-lead-a")((s, a) => s.set(a, { subjectKind: "agent", subjectId: "m-a2", period: november, targets: { calls: 1 } })))
    expect(await w.fail(w.as("m-lead-a")((s, a) => s.set(a, { subjectKind: "agent", subjectId: "m-b1", period: november, targets: { calls: 1 } })))).toBeInstanceOf(Forbidden)
    expect(await w.fail(w.as("m-lead-a")((s, a) => s.set(a, { subjectKind: "team", subjectId: "t-b", period: november, targets: { calls: 1 } })))).toBeInstanceOf(Forbidden)
    expect(await w.fail(w.as("m-a1")((s, a) => s.set(a, { subjectKind: "agent", subjectId: "m-a1", period: november, targets: { calls: 1 } })))).toBeInstanceOf(Forbidden)
    expect(await w.fail(w.as("m-lead-a")((s, a) => s.set(a, { subjectKind: "agent", subjectId: "m-nobody", period: november, targets: {} })))).toBeInstanceOf(NotFound)
    const bad = await w.fail(w.as("m-lead-a")((s, a) => s.set(a, { subjectKind: "agent", subjectId: "m-a1", period: { kind: "month", on: "2026-13-01" }, targets: { calls: -1 } })))
    expect(bad).toBeInstanceOf(ValidationError)
    expect((bad as ValidationError).issues.map((i) => i.path.join("."))).toEqual(["period.on", "targets.calls"])
    // Nothing was written by the refused calls.
    expect((await Effect.runPromise(w.stores.workPlans.list({}))).items.map((p) => p.id)).toEqual(["wp:2026-11:agent:m-a2"])
  })

  it("agents read their own plans only; leaders their subtree; others see NotFound", async () => {
    const set = (subjectKind: "agent" | "team", subjectId: string) => w.run(w.as("m-dir")((s, a) => s.set(a, { subjectKind, subjectId, period: november, targets: { calls: 1 } })))
    await set("agent", "m-a1")
    await set("agent", "m-a2")
    await set("agent", "m-b1")
    await set("team", "t-a")
    await set("team", "t-b")
    const visible = async (m: string) => (await w.run(w.as(m)((s, a) => s.list(a)))).items.map((p) => p.id).sort()
    expect(await visible("m-a1")).toEqual(["wp:2026-11:agent:m-a1"])
    expect(await visible("m-lead-a")).toEqual(["wp:2026-11:agent:m-a1", "wp:2026-11:agent:m-a2", "wp:2026-11:team:t-a"])
    expect(await visible("m-dir")).toHaveLength(5)
    expect(await w.fail(w.as("m-a1")((s, a) => s.get(a, "wp:2026-11:agent:m-a2")))).toBeInstanceOf(NotFound)
    expect(await w.fail(w.as("m-lead-b")((s, a) => s.progress(a, "wp:2026-11:team:t-a")))).toBeInstanceOf(NotFound)
  })

  it("progress counts the agent's actuals from the report queries against the targets", async () => {
    await w.run(w.as("m-lead-a")((s, a) => s.set(a, { subjectKind: "agent", subjectId: "m-a1", period: november, targets: { calls: 8, reach: 3, retained: 6 } })))
    const p = await w.run(w.as("m-a1")((s, a) => s.progress(a, "wp:2026-11:agent:m-a1")))
    // Ground truth: 4 completed, 3 reached, 2 stayed + 1 returned (the churned and the pending do not count).
    expect(p.actuals).toEqual({ calls: 4, reach: 3, retained: 3 })
    expect(p.elapsed).toBeCloseTo(0.5, 5)
    expect(p.measures).toEqual({
      calls: { target: 8, actual: 4, achieved: 0.5, onTrack: true },
      reach: { target: 3, actual: 3, achieved: 1, onTrack: true },
      retained: { target: 6, actual: 3, achieved: 0.5, onTrack: true }
    })
    // Later in the month the same figures fall behind.
    const late = await w.run(w.as("m-a1")((s, a) => s.progress(a, "wp:2026-11:agent:m-a1")), Date.parse("2026-11-25T00:00:00.000Z"))
    expect(late.measures.calls.onTrack).toBe(false)
    expect(late.measures.reach.onTrack).toBe(true)
  })

  it("a team's progress counts its whole subtree", async () => {
    await w.run(w.as("m-dir")((s, a) => s.set(a, { subjectKind: "team", subjectId: "t-a", period: november, targets: { calls: 12 } })))
    const p = await w.run(w.as("m-lead-a")((s, a) => s.progress(a, "wp:2026-11:team:t-a")))
    // t-a (m-a1: 4 completed, 3 reached, 3 retained) + t-a1 (m-a2: 2, 2, 1).
    expect(p.actuals).toEqual({ calls: 6, reach: 5, retained: 4 })
    expect(p.measures.calls).toEqual({ target: 12, actual: 6, achieved: 0.5, onTrack: true })
    expect(p.measures.reach).toEqual({ target: null, actual: 5, achieved: null, onTrack: null })
  })

  it("closing a period archives its plans with the achieved figures; they are read-only afterwards", async () => {
    await w.run(w.as("m-lead-a")((s, a) => s.set(a, { subjectKind: "agent", subjectId: "m-a1", period: november, targets: { calls: 8 } })))
    await w.run(w.as("m-lead-b")((s, a) => s.set(a, { subjectKind: "agent", subjectId: "m-b1", period: november, targets: { calls: 2 } })))
    // Not before the period has ended, and not by a leader.
    expect(await w.fail(w.as("m-dir")((s, a) => s.closePeriod(a, "2026-11")))).toBeInstanceOf(Conflict)
    expect(await w.fail(w.as("m-lead-a")((s, a) => s.closePeriod(a, "2026-11")), DEC_2)).toBeInstanceOf(Forbidden)
    const closed = await w.run(w.as("m-admin")((s, a) => s.closePeriod(a, "2026-11")), DEC_2)
    expect(closed.archived.map((p) => [p.id, p.status, p.achieved, p.archivedAt])).toEqual([
      ["wp:2026-11:agent:m-a1", "archived", { calls: 4, reach: 3, retained: 3 }, "2026-12-02T09:00:00.000Z"],
      ["wp:2026-11:agent:m-b1", "archived", { calls: 1, reach: 1, retained: 1 }, "2026-12-02T09:00:00.000Z"]
    ])
    // Read-only: setting again is a Conflict; progress answers the frozen figures even if work changes later.
    expect(await w.fail(w.as("m-lead-a")((s, a) => s.set(a, { subjectKind: "agent", subjectId: "m-a1", period: november, targets: { calls: 1 } })), DEC_2)).toBeInstanceOf(Conflict)
    await Effect.runPromise(w.stores.workItems.insertMany([item("w-late", "m-a1", "t-a", { reached: true, done: true })]))
    const p = await w.run(w.as("m-a1")((s, a) => s.progress(a, "wp:2026-11:agent:m-a1")), DEC_2)
    expect(p.actuals).toEqual({ calls: 4, reach: 3, retained: 3 })
    expect(p.elapsed).toBe(1)
    // Closing again archives nothing more; the audit has one archive entry per plan.
    expect((await w.run(w.as("m-admin")((s, a) => s.closePeriod(a, "2026-11")), DEC_2)).archived).toEqual([])
    const archives = (await Effect.runPromise(w.stores.audit.query({ actorId: "m-admin" }))).items.filter((e) => e.action === "plan.archive")
    expect(archives.map((e) => e.recordId)).toEqual(["wp:2026-11:agent:m-a1", "wp:2026-11:agent:m-b1"])
    // Plan changes are found under their own audit category.
    const planEntries = (await Effect.runPromise(w.stores.audit.query({ categories: ["plan"] }))).items
    expect(new Set(planEntries.map((e) => e.recordType))).toEqual(new Set(["WorkPlan"]))
    expect(planEntries.filter((e) => e.action === "plan.archive").map((e) => e.recordId)).toEqual(["wp:2026-11:agent:m-a1", "wp:2026-11:agent:m-b1"])
  })

  it("a director closes only the plans of their subtree", async () => {
    await w.stores.teams.insert(fixtures.team("t-other", { adminId: "m-admin" })).pipe(Effect.runPromise)
    await w.stores.managers.insert(fixtures.manager("m-x", { roles: ["agent"], teamId: "t-other" })).pipe(Effect.runPromise)
    await w.run(w.as("m-admin")((s, a) => s.set(a, { subjectKind: "agent", subjectId: "m-x", period: november, targets: { calls: 1 } })))
    await w.run(w.as("m-dir")((s, a) => s.set(a, { subjectKind: "agent", subjectId: "m-b1", period: november, targets: { calls: 1 } })))
    const closed = await w.run(w.as("m-dir")((s, a) => s.closePeriod(a, "2026-11")), DEC_2)
    expect(closed.archived.map((p) => p.id)).toEqual(["wp:2026-11:agent:m-b1"])
    expect((await Effect.runPromise(w.stores.workPlans.get("wp:2026-11:agent:m-x"))).status).toBe("active")
  })
})
