/**
 * Partitioned extraction in one process (issue 19), over the memory adapter: however many hash
 * partitions a run is written in, and however many workers share them through the in-process
 * queue, the items and the ledger are exactly those of one run in one transaction. The
 * multi-process version runs on PostgreSQL in the adapters' `partitioned.postgres.test.ts`.
 */
import fc from "fast-check"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { type Customer, Extraction, partitionOf, type Task } from "@winback/core"
import { fixtures } from "../../adapters/src/testing/index"
import { customer, T0, task, type World, worldWith } from "./pipelineFixtures"

const owners = ["m-a1", "m-a2", "m-b1", null] as const
const ids = Array.from({ length: 60 }, (_, i) => `c-${String(i + 10).padStart(3, "0")}`)

/** A world with 60 more customers and three campaign tasks over the given member lists. */
const setup = async (members: ReadonlyArray<ReadonlyArray<string>>): Promise<World> => {
  const w = await worldWith((w) =>
    Effect.gen(function* () {
      yield* w.stores.customers.upsertCustomers(ids.map((id, i): Customer => customer(id, owners[i % owners.length]!)))
      for (const [i, m] of members.entries()) {
        yield* w.stores.customerGroups.insert(fixtures.customerGroup(`g-${i}`, { memberIds: [...m], validFrom: "2026-11-01", validUntil: "2026-12-31" }))
        yield* w.stores.tasks.insert(task(`t-${i}`, { source: "campaign", customerGroupId: `g-${i}`, urgency: i + 1, cooldownDays: 30 } as Partial<Task>))
      }
    })
  )
  return w
}

const outcome = async (w: World) => ({
  items: (await Effect.runPromise(w.stores.workItems.list({}, { limit: 1000 }))).items.map((x) => `${x.taskId}|${x.customerId}|${x.assigneeId}`).sort(),
  ledger: (await Effect.runPromise(w.stores.ledger.listByPeriod("2026-11-25", { limit: 1000 }))).items.map((e) => `${e.customerId}|${e.taskId}`).sort()
})

const members = fc.array(fc.subarray(ids), { minLength: 1, maxLength: 3 })

describe("partitionOf", () => {
  it("puts every customer in exactly one partition, the one PostgreSQL computes from md5", () => {
    // ('x' || substr(md5('c-0000042'), 1, 8))::bit(32)::bigint = 711972513, and 711972513 % 7 = 0.
    expect(partitionOf("c-0000042", 7)).toBe(0)
    expect(partitionOf("c-0000042", 1_000_000_007)).toBe(711972513)
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.integer({ min: 1, max: 64 }), (id, count) => {
        const p = partitionOf(id, count)
        expect(Number.isInteger(p) && p >= 0 && p < count).toBe(true)
        expect(partitionOf(id, count)).toBe(p)
      })
    )
  })
})

describe("a run written in partitions", () => {
  it("hands out exactly what one unpartitioned run hands out, for any partition count", async () => {
    await fc.assert(
      fc.asyncProperty(members, fc.integer({ min: 2, max: 9 }), async (lists, count) => {
        const one = await setup(lists)
        const many = await setup(lists)
        const dir1 = await one.actor("m-dir")
        const dirN = await many.actor("m-dir")
        const r1 = await one.run(Effect.flatMap(Extraction, (x) => x.run(dir1, { asOf: "2026-11-25" })))
        const rN = await many.run(Effect.flatMap(Extraction, (x) => x.run(dirN, { asOf: "2026-11-25", partitions: count })))
        expect(await outcome(many)).toEqual(await outcome(one))
        // The report of the partitioned run adds up to the report of the whole run.
        expect(rN.tasks.map(({ warnings: _w, ...t }) => t)).toEqual(r1.tasks.map(({ warnings: _w, ...t }) => t))
        // A re-run of a done period writes nothing.
        const again = await many.run(Effect.flatMap(Extraction, (x) => x.run(dirN, { asOf: "2026-11-25", partitions: count })), T0 + 3_600_000)
        expect(again.created).toBe(0)
      }),
      { numRuns: 20 }
    )
  })

  it("workers sharing the partitions through the in-process queue hand out exactly what one run hands out", async () => {
    await fc.assert(
      fc.asyncProperty(members, fc.integer({ min: 1, max: 4 }), async (lists, workers) => {
        const one = await setup(lists)
        const shared = await setup(lists)
        const dir1 = await one.actor("m-dir")
        await one.run(Effect.flatMap(Extraction, (x) => x.run(dir1, { asOf: "2026-11-25" })))
        const dir = await shared.actor("m-dir")
        const reports = await shared.run(
          Effect.flatMap(Extraction, (x) =>
            Effect.all(
              Array.from({ length: workers }, (_, i) => x.work(dir, { asOf: "2026-11-25", partitions: 6 }, { workerId: `w-${i}` })),
              { concurrency: "unbounded" }
            )
          )
        )
        expect(reports.flatMap((r) => r.done).sort()).toEqual([0, 1, 2, 3, 4, 5])
        expect(await outcome(shared)).toEqual(await outcome(one))
        expect(reports.reduce((n, r) => n + r.created, 0)).toBe((await outcome(one)).items.length)
      }),
      { numRuns: 15 }
    )
  })

  it("a run already split into another partition count is refused, not mixed", async () => {
    const w = await setup([ids])
    const dir = await w.actor("m-dir")
    await w.run(Effect.flatMap(Extraction, (x) => x.work(dir, { asOf: "2026-11-25", partitions: 4 }, { workerId: "w-1" })))
    const e = await w.fail(Effect.flatMap(Extraction, (x) => x.work(dir, { asOf: "2026-11-25", partitions: 5 }, { workerId: "w-2" })))
    expect(e).toMatchObject({ _tag: "Conflict", entity: "ExtractionRun", id: "xr:2026-11-25" })
  })
})
