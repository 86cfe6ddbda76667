/**
 * The retention-effect and reports suite run on every adapter (memory, PGlite, PostgreSQL): the
 * demo generator decides which customers stay, churn or return after the as-of date; the suite
 * hands work out, works and completes it through the pipeline, lets the outcomes happen, evaluates,
 * and checks every count against answers computed from the generator's ground truth and the
 * suite's own work plan — never from the code under test.
 */
import { Cause, Effect, Exit, Layer, ManagedRuntime } from "effect"
import { TestClock } from "effect/testing"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  Actors,
  Execution,
  Forbidden,
  ManualImport,
  memoryCandidateSource,
  ObservationService,
  OfferService,
  ReportQueries,
  ReportService,
  type Stores,
  type Task,
} from "@winback/core"
import { applyDemoOutcomes, type DemoCustomer, seedDemoData } from "@winback/core/demo"
import { fixtures } from "../src/testing/index"
import { allPages, demoCustomersOf, recorders, useCasesOver } from "./useCaseRuntime"

/** An adapter under test: fresh stores plus the report queries over the same data. */
export interface ReportsAdapter {
  readonly name: string
  readonly open: () => Promise<{ readonly stores: Stores; readonly reports: ReportQueries["Service"]; readonly close: () => Promise<void> }>
}

const ASOF = "2026-11-25"
/** Work happens on the as-of day, 10:00 UTC. */
const T_WORK = Date.parse("2026-11-25T10:00:00.000Z")
const T_EVAL = Date.parse("2027-03-01T06:00:00.000Z")
/** The demo data every adapter gets (small, one region, most customers with a decided future). */
export const reportDemo = {
  seed: 707,
  customers: 400,
  asOf: ASOF,
  months: 5,
  dailyDays: 35,
  outcomeRate: 0.9,
  regions: ["beijing"],
  districtsPerRegion: 1,
  squadsPerDistrict: 2,
  agentsPerTeam: 3
}

/** The suite's own work plan: what happens to the i-th imported customer (by customer id). */
export const planFor = (i: number) => ({
  disposition: i % 10 === 0 ? ("no-answer" as const) : i % 10 === 1 ? ("not-account-holder" as const) : ("completed" as const),
  complete: i % 10 !== 0,
  questionnaire: i % 3 === 0,
  offer: i % 10 >= 2 && i % 4 === 0 ? ("accepted" as const) : i % 10 >= 2 && i % 4 === 2 ? ("declined" as const) : null
})

const longTiers = new Set(["gold", "diamond"])
/** The expected outcome of an observed customer, from the generator's ground truth. */
export const expectedOutcome = (c: DemoCustomer): "stayed" | "churned" | "returned" | "still-inactive" => {
  const endsOn = longTiers.has(c.customer.tier) ? "2027-02-25" : "2026-12-25"
  const start = c.customer.lineStatus
  const o = c.outcome
  if (start === "active") return o !== null && o.kind === "churns" && o.on <= endsOn ? "churned" : "stayed"
  return o !== null && o.kind === "returns" && o.on <= endsOn ? "returned" : "still-inactive"
}

const task = (id: string): Task => fixtures.task(id, { status: "active", source: "manual", startsOn: "2026-11-01", skipHolidays: false, cooldownDays: 30, channel: "phone", urgency: 4 } as Partial<Task>)

/** Registers the suite for one adapter. */
export const runReportsSuite = (adapter: ReportsAdapter) => {
  describe(`retention effect and reports on ${adapter.name}`, () => {
    const truth: Array<DemoCustomer> = demoCustomersOf(reportDemo)
    const owned = truth.filter((c) => c.customer.ownerManagerId !== null).sort((a, b) => (a.customer.id < b.customer.id ? -1 : 1))
    const plan = new Map(owned.map((c, i) => [c.customer.id, { ...planFor(i), customer: c }]))
    const worked = owned.filter((c) => plan.get(c.customer.id)!.complete && plan.get(c.customer.id)!.disposition === "completed")

    let opened: Awaited<ReturnType<ReportsAdapter["open"]>>
    let runtime: ManagedRuntime.ManagedRuntime<any, any>
    let director: string
    let leader: string
    const run = <A, E>(ms: number, effect: Effect.Effect<A, E, any>): Promise<A> =>
      runtime.runPromise(
        Effect.gen(function* () {
          yield* TestClock.setTime(ms)
          return yield* effect
        }).pipe(Effect.provide(TestClock.layer()))
      )
    const as = (id: string) => Effect.flatMap(Actors, (a) => a.resolve(id))

    beforeAll(async () => {
      opened = await adapter.open()
      const summary = await seedDemoData(opened.stores, reportDemo)
      director = summary.logins.director
      leader = summary.logins.teamLeader
      await Effect.runPromise(opened.stores.tasks.insert(task("t-retain")))
      runtime = ManagedRuntime.make(
        ReportService.layer.pipe(Layer.provideMerge(useCasesOver(opened.stores, Layer.mergeAll(memoryCandidateSource(), recorders().layer, Layer.succeed(ReportQueries, opened.reports)))))
      )
      // Hand out: every owned customer to its owner, in one import by the region's director.
      const csv = owned.map((c) => `${c.customer.id},${c.customer.ownerManagerId}`).join("\n") + "\n"
      const imported = await run(T_WORK, Effect.flatMap(as(director), (a) => Effect.flatMap(ManualImport, (m) => m.importCsv(a, { taskId: "t-retain" }, csv))))
      expect(imported.items).toBe(owned.length)
      // Work: each owner records the planned outcome, answers the questionnaire, uses offers.
      const items = await allItems(opened.stores)
      for (const w of items) {
        const p = plan.get(w.customerId)!
        await run(
          T_WORK + 3_600_000,
          Effect.gen(function* () {
            const agent = yield* as(w.assigneeId!)
            if (p.questionnaire) {
              yield* opened.stores.questionnaires.responses.insert({
                id: `resp-${w.id}`,
                versionHash: "hash-retention-v1",
                questionnaireId: "retention-callback",
                workItemId: w.id,
                customerId: w.customerId,
                answers: { reason: "price" },
                completed: true,
                savedAt: "2026-11-25T11:00:00.000Z",
                savedBy: agent.id,
                version: 1
              })
            }
            if (p.offer !== null) yield* (yield* OfferService).use(agent, { workItemId: w.id, offerId: "of-bonus-50", accepted: p.offer === "accepted" })
            yield* (yield* Execution).recordCall(agent, { customerId: w.customerId, itemIds: [w.id], disposition: p.disposition, complete: p.complete })
          })
        )
      }
    }, 240_000)
    afterAll(async () => {
      await runtime?.dispose()
      await opened?.close()
    })

    it("opens one observation per worked completion, with the snapshot taken at the start", async () => {
      const obs = await allObservations(opened.stores)
      expect(obs.map((o) => o.customerId).sort()).toEqual(worked.map((c) => c.customer.id).sort())
      for (const o of obs) {
        const c = plan.get(o.customerId)!.customer
        expect(o.statusAtStart).toBe(c.customer.lineStatus)
        expect(o.endsOn).toBe(longTiers.has(c.customer.tier) ? "2027-02-25" : "2026-12-25")
        expect(o.offerIds).toEqual(plan.get(o.customerId)!.offer === "accepted" ? ["of-bonus-50"] : [])
        expect(o.outcome).toBeNull()
      }
    })

    it("evaluates exactly the generator's stayed / churned / returned counts, once", async () => {
      await applyDemoOutcomes(opened.stores, reportDemo, { until: "2027-03-31" })
      const expected = { stayed: 0, churned: 0, returned: 0, stillInactive: 0 }
      for (const c of worked) {
        const e = expectedOutcome(c)
        if (e === "still-inactive") expected.stillInactive++
        else expected[e]++
      }
      expect(expected.churned).toBeGreaterThan(3)
      expect(expected.returned).toBeGreaterThan(0)
      const r = await run(T_EVAL, Effect.flatMap(as(director), (a) => Effect.flatMap(ObservationService, (s) => s.evaluateDue(a, { asOf: "2027-03-01", batchSize: 7 }))))
      expect({ stayed: r.stayed, churned: r.churned, returned: r.returned, stillInactive: r.stillInactive }).toEqual(expected)
      expect(r.evaluated).toBe(worked.length)
      for (const o of await allObservations(opened.stores)) expect(o.outcome).toBe(expectedOutcome(plan.get(o.customerId)!.customer))
      // Idempotent: a second run finds nothing due.
      const again = await run(T_EVAL, Effect.flatMap(as(director), (a) => Effect.flatMap(ObservationService, (s) => s.evaluateDue(a, { asOf: "2027-03-01" }))))
      expect(again.evaluated).toBe(0)
      // One audit entry per outcome, e.g. `observation.churned`, for a webhook outbox to pick up.
      const audit = await Effect.runPromise(opened.stores.audit.query({ categories: ["observation"] }, { limit: 1000 }))
      expect(audit.items.filter((e) => e.action === "observation.churned").length).toBe(expected.churned)
      expect(audit.items.filter((e) => e.action === "observation.open").length).toBe(worked.length)
      // The report agrees.
      const report = await run(T_EVAL, Effect.flatMap(as(director), (a) => Effect.flatMap(ReportService, (s) => s.observations(a, { from: "2026-11-01", to: "2026-12-01" }))))
      expect(report.total.counts).toMatchObject({ observed: worked.length, pending: 0, ...expected })
    }, 120_000)

    it("the funnel counts each stage against the plan, and a leader sees only their subtree", async () => {
      const count = (keep: (c: DemoCustomer) => boolean) => {
        // One no-answer each, far from the retry policy's maximum: nothing ends unreachable here.
        const n = { submitted: 0, completed: 0, unreachable: 0, connected: 0, effective: 0, success: 0 }
        for (const [, p] of plan) {
          if (!keep(p.customer)) continue
          n.submitted++
          if (p.complete) n.completed++
          if (p.disposition === "no-answer") continue
          n.connected++
          if (!p.questionnaire) continue
          n.effective++
          if (p.offer === "accepted") n.success++
        }
        return n
      }
      const all = await run(T_EVAL, Effect.flatMap(as(director), (a) => Effect.flatMap(ReportService, (s) => s.funnel(a, { from: "2026-11-25", to: "2026-11-26", by: "agent" }))))
      expect(all.total.counts).toEqual(count(() => true))
      expect(all.total.stages.map((s) => s.count)).toEqual([all.total.counts.submitted, all.total.counts.connected, all.total.counts.effective, all.total.counts.success])
      expect(all.total.stages[2]!.rate).toBeCloseTo(all.total.counts.effective / all.total.counts.connected, 12)
      for (const row of all.rows) expect(row.counts).toEqual(count((c) => c.customer.ownerManagerId === row.key))
      // The day before the work: nothing.
      const empty = await run(T_EVAL, Effect.flatMap(as(director), (a) => Effect.flatMap(ReportService, (s) => s.funnel(a, { from: "2026-11-24", to: "2026-11-25" }))))
      expect(empty.total.counts.submitted).toBe(0)

      const leaderActor = await run(T_EVAL, as(leader))
      const team = new Set(leaderActor.scopes.subtree.managerIds)
      const mine = await run(T_EVAL, Effect.flatMap(ReportService, (s) => s.funnel(leaderActor, { from: "2026-11-01", to: "2026-12-01", by: "team" })))
      expect(mine.total.counts).toEqual(count((c) => team.has(c.customer.ownerManagerId!)))
      expect(mine.rows.map((r) => r.key)).toEqual([leaderActor.teamId])
      const agents = await run(T_EVAL, Effect.flatMap(ReportService, (s) => s.agents(leaderActor, { from: "2026-11-01", to: "2026-12-01" })))
      expect(agents.rows.length).toBeGreaterThan(0)
      for (const r of agents.rows) expect(team.has(r.agentId)).toBe(true)
      expect(agents.rows.map((r) => r.rank)).toEqual(agents.rows.map((_, i) => i + 1))
      for (let i = 1; i < agents.rows.length; i++) expect(agents.rows[i - 1]!.netEffect).toBeGreaterThanOrEqual(agents.rows[i]!.netEffect)
    })

    it("month-end status accounting reconciles with what was handed out, and reports an injected mismatch", async () => {
      const s = await run(T_EVAL, Effect.flatMap(as(director), (a) => Effect.flatMap(ReportService, (r) => r.statusAccounting(a, { month: "2026-11" }))))
      expect(s.mismatches).toEqual([])
      expect(s.reconciled).toBe(true)
      expect(s.handedOut).toBe(worked.length)
      const activeStart = worked.filter((c) => c.customer.lineStatus === "active")
      expect(s.atStart.active).toBe(activeStart.length)
      expect(s.activeAtStart).toEqual({
        total: activeStart.length,
        stillActive: activeStart.filter((c) => expectedOutcome(c) === "stayed").length,
        left: activeStart.filter((c) => expectedOutcome(c) === "churned").length,
        pending: 0
      })
      expect(s.inactiveAtStart.returned).toBe(worked.filter((c) => expectedOutcome(c) === "returned").length)

      // Inject: an item completed by a call behind the service's back (no observation opened).
      const open = (await allItems(opened.stores)).find((w) => w.state !== "completed")!
      await Effect.runPromise(
        opened.stores.workItems.complete({ ids: [open.id], customerId: open.customerId, by: open.assigneeId!, at: "2026-11-25T12:00:00.000Z", disposition: "completed", callSerial: "C-INJECTED" })
      )
      const bad = await run(T_EVAL, Effect.flatMap(as(director), (a) => Effect.flatMap(ReportService, (r) => r.statusAccounting(a, { month: "2026-11" }))))
      expect(bad.reconciled).toBe(false)
      expect(bad.mismatches).toEqual([expect.objectContaining({ code: "observations-vs-completions", expected: worked.length + 1, actual: worked.length })])
    })

    it("a period report combines it all for the reader; a reader without the grant is refused", async () => {
      const p = await run(T_EVAL, Effect.flatMap(as(director), (a) => Effect.flatMap(ReportService, (r) => r.period(a, { kind: "month", on: "2026-11-10" }))))
      expect(p.label).toBe("2026-11")
      expect(p.range).toEqual({ from: "2026-11-01", to: "2026-12-01" })
      expect(p.funnelByTask.rows.map((r) => r.key)).toEqual(["t-retain"])
      expect(p.observationsByMonth.rows.map((r) => [r.key, r.counts.observed])).toEqual([["2026-11", worked.length]])
      expect(p.statusAccounting.map((s) => s.month)).toEqual(["2026-11"])
      expect(p.questionnaires).toEqual([{ taskId: "t-retain", questionnaireId: null, range: p.range, statistics: null }])
      const approver = (await Effect.runPromise(opened.stores.managers.list({ roles: ["approver"] }, { limit: 1 }))).items[0]!.id
      const exit = await runtime.runPromiseExit(Effect.flatMap(as(approver), (a) => Effect.flatMap(ReportService, (r) => r.funnel(a, { from: "2026-11-01", to: "2026-12-01" }))))
      expect(Exit.isFailure(exit) && Cause.squash(exit.cause)).toBeInstanceOf(Forbidden)
    })
  })
}

const allItems = (stores: Stores) => allPages((page) => stores.workItems.list({}, page)).then((items) => items.sort((a, b) => (a.id < b.id ? -1 : 1)))

const allObservations = (stores: Stores) => allPages((page) => stores.observations.list({}, page))
