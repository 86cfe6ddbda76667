/**
 * The differential test of the report queries: random work items, responses and observations ×
 * random filters (range, task, scope) → the memory adapter, PGlite and (when its URL is set)
 * PostgreSQL must answer every report query identically, group for group, cent for cent, and page
 * through responses the same way.
 */
import { Effect } from "effect"
import { sql } from "drizzle-orm"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  type Attempt,
  type Disposition,
  FunnelDimension,
  LineStatus,
  type Observation,
  ObservationDimension,
  type ReportFilter,
  type ReportQueries,
  type ResponseRecord,
  type Stores,
  type WorkItem
} from "@winback/core"
import { MemoryDb } from "../src/memory/MemoryDb"
import { makeMemoryStores } from "../src/memory/MemoryStorage"
import { memoryReportQueries } from "../src/memory/MemoryReportQueries"
import type { OpenStorage } from "../src/pg/PgStorage"
import { sqlReportQueries } from "../src/reports/SqlReportQueries"
import { fixtures } from "../src/testing/index"
import { differentialStorages } from "./support"

const dispositions: ReadonlyArray<Disposition> = ["completed", "refused", "not-account-holder", "reschedule", "not-in-service", "phone-off", "no-answer"]
const days = ["2026-10-31", "2026-11-01", "2026-11-02", "2026-11-15", "2026-11-30", "2026-12-01"]
const instant = fc.tuple(fc.constantFrom(...days), fc.constantFrom("00:00:00.000Z", "09:30:00.000Z", "23:59:59.999Z")).map(([d, t]) => `${d}T${t}`)
const maybe = <A>(a: fc.Arbitrary<A>) => fc.option(a, { nil: null })
const money = fc.integer({ min: 0, max: 300_000 }).map((c) => c / 100)

const attempt: fc.Arbitrary<Attempt> = fc.record({ at: instant, by: fc.constant("m-1"), disposition: fc.constantFrom(...dispositions), callSerial: fc.constant(null), note: fc.constant("") })

const itemArb = (i: number) =>
  fc
    .record({
      taskId: fc.constantFrom("t-1", "t-2", "t-3"),
      assigneeId: maybe(fc.constantFrom("m-1", "m-2", "m-3")),
      teamId: maybe(fc.constantFrom("team-a", "team-b")),
      state: fc.constantFrom("open", "in-progress", "completed", "cancelled", "unreachable"),
      createdAt: instant,
      completedAt: instant,
      disposition: fc.constantFrom(...dispositions),
      attempts: fc.array(attempt, { maxLength: 3 }),
      response: fc.constantFrom("none", "completed", "draft"),
      observed: fc.boolean(),
      serial: fc.boolean()
    })
    .map((r) => ({ ...r, id: `wi-${String(i).padStart(3, "0")}` }))

const observationArb = fc.record({
  startedOn: fc.constantFrom(...days),
  statusAtStart: fc.constantFrom(...LineStatus.options),
  statusAtEnd: maybe(fc.constantFrom(...LineStatus.options)),
  outcome: maybe(fc.constantFrom("stayed" as const, "churned" as const, "returned" as const, "still-inactive" as const)),
  billBefore: maybe(money),
  billAfter: maybe(money),
  offerIds: fc.constantFrom([], ["of-a"], ["of-b", "of-a"]),
  offerCost: money,
  tier: fc.option(fc.constantFrom("gold", "silver"), { nil: undefined }),
  ruleId: maybe(fc.constantFrom("r-1@1", "r-2@1")),
  disposition: maybe(fc.constantFrom(...dispositions))
})

const dataArb = fc.integer({ min: 0, max: 40 }).chain((n) =>
  fc.tuple(fc.tuple(...Array.from({ length: n }, (_, i) => itemArb(i))), fc.array(observationArb, { minLength: n, maxLength: n }))
)

const filterArb: fc.Arbitrary<ReportFilter> = fc
  .record({
    range: fc.constantFrom<[string, string]>(["2026-11-01", "2026-12-01"], ["2026-10-01", "2027-01-01"], ["2026-11-02", "2026-11-03"], ["2026-11-30", "2026-12-02"]),
    taskId: fc.option(fc.constantFrom("t-1", "t-2"), { nil: undefined }),
    scope: fc.option(fc.record({ assigneeIds: fc.subarray(["m-1", "m-2", "m-3"]), teamIds: fc.subarray(["team-a", "team-b"]) }), { nil: undefined })
  })
  .map((r) => ({ from: r.range[0], to: r.range[1], ...(r.taskId ? { taskId: r.taskId } : {}), ...(r.scope ? { inScope: r.scope } : {}) }))

type Data = typeof dataArb extends fc.Arbitrary<infer A> ? A : never

const rows = ([items, observations]: Data) => {
  const ws: Array<WorkItem> = []
  const rs: Array<ResponseRecord> = []
  const os: Array<Observation> = []
  items.forEach((g, i) => {
    ws.push(
      fixtures.workItem(g.id, {
        taskId: g.taskId,
        customerId: `c-${i % 7}`,
        assigneeId: g.assigneeId,
        teamId: g.teamId,
        state: g.state as WorkItem["state"],
        createdAt: g.createdAt,
        attempts: g.attempts,
        completedAt: g.state === "completed" ? g.completedAt : null,
        disposition: g.state === "completed" ? g.disposition : null,
        callSerial: g.state === "completed" && g.serial ? `C-${g.id}` : null
      })
    )
    if (g.response !== "none") rs.push({ ...fixtures.response(`resp-${g.id}`), workItemId: g.id, customerId: `c-${i % 7}`, completed: g.response === "completed" })
    if (g.observed) {
      const o = observations[i]!
      const { tier, ...rest } = o
      os.push({
        ...fixtures.observation(`ob-${g.id}`),
        workItemId: g.id,
        taskId: g.taskId,
        managerId: g.assigneeId,
        teamId: g.teamId,
        ...rest,
        ...(tier === undefined ? {} : { tier })
      } as unknown as Observation)
    }
  })
  return { ws, rs, os }
}

const load = (stores: Stores, d: ReturnType<typeof rows>) =>
  Effect.runPromise(
    Effect.gen(function* () {
      if (d.ws.length) yield* stores.workItems.insertMany(d.ws)
      for (const r of d.rs) yield* stores.questionnaires.responses.insert(r)
      for (const o of d.os) yield* stores.observations.insert(o)
    })
  )

/** Every answer of the port for one filter (responses paged 3 at a time). */
const answers = (q: ReportQueries["Service"], f: ReportFilter, worked: ReadonlyArray<Disposition>) =>
  Effect.runPromise(
    Effect.gen(function* () {
      const funnel = yield* Effect.forEach(FunnelDimension.options, (by) => q.funnel(f, by))
      const observations = yield* Effect.forEach(ObservationDimension.options, (by) => q.observations(f, by))
      const accounting = yield* q.statusAccounting(f, worked)
      const pages: Array<ReadonlyArray<string>> = []
      let cursor: string | null = null
      do {
        const page: { items: ReadonlyArray<{ id: string }>; nextCursor: string | null } = yield* q.responses({ ...f, taskId: f.taskId ?? "t-1" }, { limit: 3, cursor })
        pages.push(page.items.map((r) => r.id))
        cursor = page.nextCursor
      } while (cursor !== null && pages.length < 50)
      return { funnel, observations, accounting, pages }
    })
  )

const truncate = (s: OpenStorage) => s.run((db) => db.execute(sql`truncate work_items, responses, observations`))

describe("report queries: memory = PGlite = PostgreSQL", () => {
  const storages = differentialStorages()

  it("answer identically on random data and filters", async () => {
    await fc.assert(
      fc.asyncProperty(dataArb, fc.array(filterArb, { minLength: 1, maxLength: 3 }), fc.subarray([...dispositions], { minLength: 1 }), async (data, filters, worked) => {
        const d = rows(data)
        const db = new MemoryDb()
        await load(makeMemoryStores(db), d)
        const { lite, pg } = storages()
        await truncate(lite)
        await load(lite.stores, d)
        if (pg) {
          await truncate(pg)
          await load(pg.stores, d)
        }
        for (const f of filters) {
          const expected = await answers(memoryReportQueries(db), f, worked)
          expect(await answers(sqlReportQueries(lite), f, worked)).toEqual(expected)
          if (pg) expect(await answers(sqlReportQueries(pg), f, worked)).toEqual(expected)
        }
      }),
      { numRuns: 30 }
    )
  }, 240_000)

  it("the memory answers are right on a hand-made case", async () => {
    const item = (id: string, over: Partial<WorkItem>) => fixtures.workItem(id, { createdAt: "2026-11-10T08:00:00.000Z", ...over })
    const reached: Attempt = { at: "2026-11-10T09:00:00.000Z", by: "m-1", disposition: "refused", callSerial: null, note: "" }
    const db = new MemoryDb()
    const stores = makeMemoryStores(db)
    await load(stores, {
      ws: [
        item("w1", { attempts: [reached], state: "completed", disposition: "completed", completedAt: "2026-11-10T09:00:00.000Z", callSerial: "C-1" }),
        item("w2", { attempts: [reached] }),
        item("w3", { attempts: [{ ...reached, disposition: "no-answer" }] }),
        item("w4", { createdAt: "2026-12-01T00:00:00.000Z" }),
        // Three no-answers: unreachable, counted apart from the completed work and never connected.
        item("w5", { state: "unreachable", disposition: "no-answer", attempts: [1, 2, 3].map(() => ({ ...reached, disposition: "no-answer" as const })) })
      ],
      rs: [
        { ...fixtures.response("r1"), workItemId: "w1", completed: true },
        { ...fixtures.response("r3"), workItemId: "w3", completed: true }
      ],
      os: [{ ...fixtures.observation("ob-w1"), workItemId: "w1", startedOn: "2026-11-10", offerIds: ["of-a"], offerCost: 20.1, outcome: "stayed", statusAtEnd: "active", billBefore: 10.05, billAfter: 12.1 }]
    })
    const q = memoryReportQueries(db)
    const f = { from: "2026-11-01", to: "2026-12-01" }
    const a = await Effect.runPromise(q.funnel(f, "total"))
    expect(a).toEqual([{ key: null, counts: { submitted: 4, completed: 1, unreachable: 1, connected: 2, effective: 1, success: 1 } }])
    const o = await Effect.runPromise(q.observations(f, "offer"))
    expect(o).toEqual([{ key: "of-a", counts: { observed: 1, pending: 0, stayed: 1, churned: 0, returned: 0, stillInactive: 0, billBefore: 10.05, billAfter: 12.1, retainedRevenue: 12.1, offerCost: 20.1 } }])
    const s = await Effect.runPromise(q.statusAccounting(f, ["completed"]))
    expect(s).toEqual({ transitions: [{ from: "active", to: "active", outcome: "stayed", count: 1 }], workedCompletions: 1 })
  })
})
