/**
 * Work plans on every adapter (memory, PGlite, PostgreSQL): progress counted by each adapter's own
 * report queries equals the hand-computed ground truth; a closed period is archived whole; and of
 * concurrent first settings of one plan, none duplicates it and every success is audited.
 */
import { Cause, Effect, Exit, Layer, ManagedRuntime } from "effect"
import { TestClock } from "effect/testing"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  type Actor,
  Actors,
  Conflict,
  directoriesFromStores,
  defaultPolicy,
  ReportQueries,
  scopeLayer,
  type Stores,
  storesLayer,
  type WorkItem,
  WorkPlanService
} from "@winback/core"
import { fixtures } from "../src/testing/index"
import { OPEN_TIMEOUT_MS } from "../src/testing/timeouts"

/** An adapter under test: fresh stores plus the report queries over the same data. */
export interface WorkPlanAdapter {
  readonly name: string
  readonly open: () => Promise<{ readonly stores: Stores; readonly reports: ReportQueries["Service"]; readonly close: () => Promise<void> }>
}

const MID_NOV = Date.parse("2026-11-16T00:00:00.000Z")
const DEC_2 = Date.parse("2026-12-02T00:00:00.000Z")

const item = (id: string, assigneeId: string, teamId: string, reached: boolean | null, done: boolean, createdAt = "2026-11-05T02:00:00.000Z"): WorkItem =>
  fixtures.workItem(id, {
    assigneeId,
    teamId,
    createdAt,
    state: done ? "completed" : "open",
    completedAt: done ? "2026-11-06T02:00:00.000Z" : null,
    disposition: done ? (reached ? "completed" : "no-answer") : null,
    attempts: reached === null ? [] : [{ at: "2026-11-06T02:00:00.000Z", by: assigneeId, disposition: reached ? "completed" : "no-answer", callSerial: null, note: "" }]
  })

/** Registers the work-plan suite for one adapter. */
export const runWorkPlanAdapterSuite = (adapter: WorkPlanAdapter): void => {
  describe(`work plans: ${adapter.name}`, () => {
    let opened: Awaited<ReturnType<WorkPlanAdapter["open"]>>
    let runtime: ManagedRuntime.ManagedRuntime<WorkPlanService | Actors, never>
    const run = <A, E>(managerId: string, f: (s: WorkPlanService["Service"], a: Actor) => Effect.Effect<A, E>, ms = MID_NOV) =>
      runtime.runPromiseExit(
        Effect.gen(function* () {
          yield* TestClock.setTime(ms)
          const actor = yield* (yield* Actors).resolve(managerId)
          return yield* f(yield* WorkPlanService, actor)
        }).pipe(Effect.provide(TestClock.layer()))
      )
    const ok = async <A, E>(managerId: string, f: (s: WorkPlanService["Service"], a: Actor) => Effect.Effect<A, E>, ms = MID_NOV): Promise<A> => {
      const exit = await run(managerId, f, ms)
      if (Exit.isFailure(exit)) throw new Error(`failed: ${String(exit.cause)}`)
      return exit.value
    }

    beforeAll(async () => {
      opened = await adapter.open()
      const s = opened.stores
      await Effect.runPromise(
        Effect.gen(function* () {
          for (const t of [fixtures.team("t-root", { adminId: "m-dir" }), fixtures.team("t-a", { adminId: "m-lead", parentId: "t-root" }), fixtures.team("t-a1", { adminId: "m-lead", parentId: "t-a" })]) yield* s.teams.insert(t)
          for (const [id, roles, teamId] of [["m-dir", ["director"], "t-root"], ["m-lead", ["team-leader"], "t-a"], ["m-1", ["agent"], "t-a"], ["m-2", ["agent"], "t-a1"], ["m-3", ["agent"], "t-root"]] as const)
            yield* s.managers.insert(fixtures.manager(id, { roles: [...roles], teamId }))
          yield* s.workItems.insertMany([
            item("w1", "m-1", "t-a", true, true),
            item("w2", "m-1", "t-a", true, true),
            item("w3", "m-1", "t-a", false, true),
            item("w4", "m-1", "t-a", null, false),
            item("w5", "m-2", "t-a1", true, true),
            item("w6", "m-3", "t-root", true, true),
            item("w0", "m-1", "t-a", true, true, "2026-10-31T23:59:59.000Z")
          ])
          const ob = (id: string, managerId: string, teamId: string, outcome: "stayed" | "returned" | "churned" | null, startedOn = "2026-11-06") =>
            fixtures.observation(id, { managerId, teamId, startedOn, endsOn: "2026-12-06", outcome, statusAtStart: outcome === "returned" ? "suspended" : "active", statusAtEnd: outcome === null ? null : outcome === "churned" ? "cancelled" : "active", evaluatedAt: outcome === null ? null : "2026-12-06T00:00:00.000Z" })
          for (const o of [ob("o1", "m-1", "t-a", "stayed"), ob("o2", "m-1", "t-a", "returned"), ob("o3", "m-1", "t-a", "churned"), ob("o4", "m-1", "t-a", null), ob("o5", "m-2", "t-a1", "stayed"), ob("o6", "m-3", "t-root", "returned"), ob("o0", "m-1", "t-a", "stayed", "2026-12-01")])
            yield* s.observations.insert(o)
        })
      )
      runtime = ManagedRuntime.make(
        WorkPlanService.layer.pipe(
          Layer.provideMerge(Layer.succeed(ReportQueries, opened.reports)),
          Layer.provideMerge(scopeLayer(defaultPolicy)),
          Layer.provideMerge(directoriesFromStores),
          Layer.provideMerge(storesLayer(s))
        )
      )
    }, OPEN_TIMEOUT_MS)
    afterAll(async () => {
      await runtime?.dispose()
      await opened?.close()
    }, OPEN_TIMEOUT_MS)

    it("progress of an agent and of a team subtree equals the ground truth", async () => {
      const month = { kind: "month", on: "2026-11-01" } as const
      await ok("m-lead", (s, a) => s.set(a, { subjectKind: "agent", subjectId: "m-1", period: month, targets: { calls: 6, reach: 4, retained: 4 } }))
      await ok("m-dir", (s, a) => s.set(a, { subjectKind: "team", subjectId: "t-a", period: month, targets: { calls: 10 } }))
      await ok("m-dir", (s, a) => s.set(a, { subjectKind: "team", subjectId: "t-root", period: month, targets: { calls: 10 } }))
      // m-1: 3 completed (w1-w3; w0 is October), 2 reached, stayed + returned = 2 (o0 starts in December).
      const agent = await ok("m-1", (s, a) => s.progress(a, "wp:2026-11:agent:m-1"))
      expect(agent.actuals).toEqual({ calls: 3, reach: 2, retained: 2 })
      expect(agent.measures.calls).toEqual({ target: 6, actual: 3, achieved: 0.5, onTrack: true })
      // t-a = t-a + t-a1: m-1 and m-2.
      expect((await ok("m-lead", (s, a) => s.progress(a, "wp:2026-11:team:t-a"))).actuals).toEqual({ calls: 4, reach: 3, retained: 3 })
      // t-root: everyone.
      expect((await ok("m-dir", (s, a) => s.progress(a, "wp:2026-11:team:t-root"))).actuals).toEqual({ calls: 5, reach: 4, retained: 4 })
    }, OPEN_TIMEOUT_MS)

    it("closing the period archives every plan in one go, with the achieved figures", async () => {
      const closed = await ok("m-dir", (s, a) => s.closePeriod(a, "2026-11"), DEC_2)
      expect(closed.archived.map((p) => [p.id, p.achieved])).toEqual([
        ["wp:2026-11:agent:m-1", { calls: 3, reach: 2, retained: 2 }],
        ["wp:2026-11:team:t-a", { calls: 4, reach: 3, retained: 3 }],
        ["wp:2026-11:team:t-root", { calls: 5, reach: 4, retained: 4 }]
      ])
      const stored = await Effect.runPromise(opened.stores.workPlans.list({ period: "2026-11" }))
      expect(stored.items.every((p) => p.status === "archived" && p.version === 2)).toBe(true)
    }, OPEN_TIMEOUT_MS)

    it("race: concurrent first settings of one plan never duplicate it; each success is audited", async () => {
      const week = { kind: "week", on: "2026-11-18" } as const
      const exits = await Promise.all(
        Array.from({ length: 12 }, (_, i) => run("m-lead", (s, a) => s.set(a, { subjectKind: "agent", subjectId: "m-2", period: week, targets: { calls: i } })))
      )
      const wins = exits.filter(Exit.isSuccess)
      expect(wins.length).toBeGreaterThanOrEqual(1)
      // A loser lost the race on the insert: a Conflict, to re-read and decide again.
      for (const e of exits) if (Exit.isFailure(e)) expect(Cause.squash(e.cause)).toBeInstanceOf(Conflict)
      const plans = await Effect.runPromise(opened.stores.workPlans.list({ period: "2026-W47" }))
      expect(plans.items).toHaveLength(1)
      expect(plans.items[0]!.version).toBe(wins.length)
      const audited = await Effect.runPromise(opened.stores.audit.query({ actorId: "m-lead" }, { limit: 1000 }))
      expect(audited.items.filter((e) => e.recordId === "wp:2026-W47:agent:m-2")).toHaveLength(wins.length)
    }, OPEN_TIMEOUT_MS)
  })
}
