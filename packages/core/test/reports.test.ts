import { Effect, Layer, ManagedRuntime } from "effect"
import fc from "fast-check"
import { beforeEach, describe, expect, it } from "vitest"
import {
  accountStatuses,
  Actors,
  Forbidden,
  type FunnelCounts,
  funnelRow,
  type Grouped,
  type ObservationCounts,
  periodOf,
  defaultPolicy,
  type ReportFilter,
  ReportQueries,
  ReportService,
  scopeLayer,
  storesLayer,
  directoriesFromStores,
  ValidationError
} from "@winback/core"
import { world, type World } from "./pipelineFixtures"

describe("report arithmetic (pure)", () => {
  it("reproduces the rates of DOMAIN §8's campaign, each against the stage before", () => {
    // 22,171 submitted; connected 73.20% of submitted; 14,259 effective (87.86%); 12,329 accepted (86.46%).
    const connected = Math.round(22171 * 0.732)
    const row = funnelRow(null, "All", { submitted: 22171, completed: connected, unreachable: 0, connected, effective: 14259, success: 12329 })
    expect(row.stages.map((s) => s.stage)).toEqual(["submitted", "connected", "effective", "success"])
    expect(row.stages[0]!.rate).toBeNull()
    expect(row.stages[1]!.rate!.toFixed(4)).toBe("0.7320")
    expect(row.stages[2]!.rate!.toFixed(4)).toBe("0.8786")
    expect(row.stages[3]!.rate!.toFixed(4)).toBe("0.8646")
    expect(row.stages[3]!.ofSubmitted!.toFixed(4)).toBe((12329 / 22171).toFixed(4))
  })

  it("every rate of a nested funnel lies in [0, 1], and a stage after an empty one has no rate", () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.nat(1000), fc.nat(1000), fc.nat(1000), (a, b, c, d) => {
        const [submitted, connected, effective, success] = [a + b + c + d, b + c + d, c + d, d]
        const row = funnelRow("k", "k", { submitted, completed: 0, unreachable: 0, connected, effective, success })
        for (const s of row.stages.slice(1)) {
          const before = row.stages[row.stages.indexOf(s) - 1]!.count
          if (before === 0) expect(s.rate).toBeNull()
          else expect(s.rate).toBe(s.count / before)
        }
      })
    )
  })

  it("names and bounds the periods", () => {
    expect(periodOf("week", "2026-11-18")).toEqual({ label: "2026-W47", range: { from: "2026-11-16", to: "2026-11-23" } })
    expect(periodOf("week", "2027-01-01")).toEqual({ label: "2026-W53", range: { from: "2026-12-28", to: "2027-01-04" } })
    expect(periodOf("week", "2026-01-01")).toEqual({ label: "2026-W01", range: { from: "2025-12-29", to: "2026-01-05" } })
    expect(periodOf("month", "2026-12-31")).toEqual({ label: "2026-12", range: { from: "2026-12-01", to: "2027-01-01" } })
    expect(periodOf("half-year", "2026-06-30")).toEqual({ label: "2026-H1", range: { from: "2026-01-01", to: "2026-07-01" } })
    expect(periodOf("half-year", "2026-07-01")).toEqual({ label: "2026-H2", range: { from: "2026-07-01", to: "2027-01-01" } })
    expect(periodOf("year", "2026-03-03")).toEqual({ label: "2026", range: { from: "2026-01-01", to: "2027-01-01" } })
  })

  it("status accounting adds up, and reports every kind of mismatch", () => {
    const ok = accountStatuses("2026-11", {
      transitions: [
        { from: "active", to: "active", outcome: "stayed", count: 7 },
        { from: "active", to: "cancelled", outcome: "churned", count: 2 },
        { from: "active", to: null, outcome: null, count: 1 },
        { from: "suspended", to: "active", outcome: "returned", count: 3 },
        { from: "arrears-suspended", to: "cancelled", outcome: "still-inactive", count: 1 }
      ],
      workedCompletions: 14
    })
    expect(ok.reconciled).toBe(true)
    expect(ok.atStart).toEqual({ active: 10, "reported-lost": 0, suspended: 3, "pre-cancel": 0, "arrears-suspended": 1, cancelled: 0 })
    expect(ok.atEnd).toEqual({ active: 10, "reported-lost": 0, suspended: 0, "pre-cancel": 0, "arrears-suspended": 0, cancelled: 3 })
    expect(ok.activeAtStart).toEqual({ total: 10, stillActive: 7, left: 2, pending: 1 })
    expect(ok.inactiveAtStart).toEqual({ total: 4, returned: 3, notReturned: 1, pending: 0 })
    const bad = accountStatuses("2026-11", {
      transitions: [
        { from: "active", to: "cancelled", outcome: "stayed", count: 2 },
        { from: "active", to: null, outcome: "churned", count: 1 }
      ],
      workedCompletions: 4
    })
    expect(bad.reconciled).toBe(false)
    expect(bad.mismatches.map((m) => [m.code, m.expected, m.actual])).toEqual([
      ["observations-vs-completions", 4, 3],
      ["outcome-vs-status", 0, 2],
      ["evaluated-without-status", 0, 1]
    ])
  })
})

describe("ReportService: scope in every query, team subtrees, validation", () => {
  let w: World
  let seen: Array<ReportFilter>
  let runtime: ManagedRuntime.ManagedRuntime<ReportService | Actors, never>
  const funnelOf = (submitted: number): FunnelCounts => ({ submitted, completed: submitted, unreachable: 0, connected: submitted, effective: 0, success: 0 })
  const obsOf = (observed: number): ObservationCounts => ({ observed, pending: observed, stayed: 0, churned: 0, returned: 0, stillInactive: 0, billBefore: 0, billAfter: 0, retainedRevenue: 10, offerCost: 4 })
  beforeEach(async () => {
    w = await world()
    seen = []
    // A fake port: it answers fixed groups and records the filters it was given.
    const fake = ReportQueries.of({
      funnel: (f, by) =>
        Effect.sync(() => {
          seen.push(f)
          const groups: Record<string, ReadonlyArray<Grouped<FunnelCounts>>> = {
            total: [{ key: null, counts: funnelOf(10) }],
            team: [{ key: "t-a", counts: funnelOf(6) }, { key: "t-b", counts: funnelOf(3) }, { key: "t-root", counts: funnelOf(1) }],
            agent: [{ key: "m-a1", counts: funnelOf(4) }, { key: "m-a2", counts: funnelOf(2) }],
            task: [{ key: "t-1", counts: funnelOf(10) }]
          }
          return groups[by]!
        }),
      observations: (f, by) => Effect.sync(() => (seen.push(f), by === "agent" ? [{ key: "m-a1", counts: obsOf(2) }] : [{ key: null, counts: obsOf(3) }])),
      statusAccounting: (f) => Effect.sync(() => (seen.push(f), { transitions: [], workedCompletions: 0 })),
      responses: (f) => Effect.sync(() => (seen.push(f), { items: [], nextCursor: null }))
    })
    runtime = ManagedRuntime.make(
      ReportService.layer.pipe(
        Layer.provideMerge(Layer.succeed(ReportQueries, fake)),
        Layer.provideMerge(scopeLayer(defaultPolicy)),
        Layer.provideMerge(directoriesFromStores),
        Layer.provideMerge(storesLayer(w.stores))
      )
    )
  })
  const as = (id: string) => runtime.runPromise(Effect.flatMap(Actors, (a) => a.resolve(id)))

  it("a leader's query carries their subtree; their team rows roll up their subtree only", async () => {
    const leader = await as("m-lead-a")
    const r = await runtime.runPromise(Effect.flatMap(ReportService, (s) => s.funnel(leader, { from: "2026-11-01", to: "2026-12-01", by: "team" })))
    expect(seen.every((f) => f.inScope !== undefined && f.inScope.teamIds.join() === "t-a")).toBe(true)
    expect(seen[0]!.inScope!.assigneeIds).toEqual(["m-a1", "m-a2", "m-lead-a"])
    expect(r.rows.map((x) => [x.key, x.counts.submitted])).toEqual([["t-a", 6]])
  })

  it("a director's team rows are subtree sums, labelled by team name", async () => {
    const director = await as("m-dir")
    const r = await runtime.runPromise(Effect.flatMap(ReportService, (s) => s.funnel(director, { from: "2026-11-01", to: "2026-12-01", by: "team" })))
    expect(r.rows.map((x) => [x.key, x.counts.submitted])).toEqual([["t-a", 6], ["t-b", 3], ["t-root", 10]])
    expect(r.rows[0]!.label).toBe((await runtime.runPromise(Effect.flatMap(Actors, () => w.stores.teams.get("t-a")))).name)
  })

  it("ranks agents by net effect (retained revenue − offer cost)", async () => {
    const leader = await as("m-lead-a")
    const r = await runtime.runPromise(Effect.flatMap(ReportService, (s) => s.agents(leader, { from: "2026-11-01", to: "2026-12-01" })))
    expect(r.rows.map((x) => [x.agentId, x.rank, x.netEffect, x.reachRate])).toEqual([
      ["m-a1", 1, 6, 1],
      ["m-a2", 2, 0, 1]
    ])
  })

  it("refuses readers without the grant and bad input", async () => {
    const approver = await as("m-appr")
    const denied = await runtime.runPromise(Effect.flip(Effect.flatMap(ReportService, (s) => s.funnel(approver, { from: "2026-11-01", to: "2026-12-01" }))))
    expect(denied).toBeInstanceOf(Forbidden)
    const leader = await as("m-lead-a")
    const bad = await runtime.runPromise(Effect.flip(Effect.flatMap(ReportService, (s) => s.funnel(leader, { from: "2026-12-01", to: "2026-11-01" }))))
    expect(bad).toBeInstanceOf(ValidationError)
    const badMonth = await runtime.runPromise(Effect.flip(Effect.flatMap(ReportService, (s) => s.statusAccounting(leader, { month: "2026-13" }))))
    expect(badMonth).toBeInstanceOf(ValidationError)
    expect(seen).toEqual([])
  })
})
