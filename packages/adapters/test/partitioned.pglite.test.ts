/**
 * On the embedded default (PGlite: one connection, one lock) a partitioned run releases the
 * connection between partitions: a query the server sends while the first partition is being
 * written is answered before the run's later partitions write, not after the whole run. With one
 * partition (one transaction) the same query waits for the end of the run.
 */
import { sql } from "drizzle-orm"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { Actors, Extraction } from "@winback/core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type OpenStorage, PgliteStorage } from "../src/pg/PgStorage"
import { ASOF, demoCustomers, expectedExtraction, seed, type Seeded, T0 } from "./crash/scenario"
import { partitionRuntime } from "./partition/scenario"

describe("partitioned extraction on PGlite", () => {
  let storage: OpenStorage
  let seeded: Seeded
  const truth = expectedExtraction(demoCustomers())

  beforeAll(async () => {
    storage = await PgliteStorage.open()
    seeded = await seed(storage.stores)
  }, 120_000)
  afterAll(() => storage?.close())

  /** Runs the extraction in `partitions`; a query is sent when the first items are written. Answers the order of events. */
  const runWithQuery = async (partitions: number) => {
    await storage.run((db) => db.execute(sql`DELETE FROM work_items`))
    await storage.run((db) => db.execute(sql`DELETE FROM hand_out_ledger`))
    const events: Array<string> = []
    let sent: Promise<unknown> | undefined
    const runtime = partitionRuntime(storage, {
      onWrite: () =>
        Effect.sync(() => {
          events.push("write")
          sent ??= storage.run((db) => db.execute(sql`SELECT count(*) FROM customers`)).then(() => events.push("query answered"))
        })
    })
    try {
      const report = await runtime.runPromise(
        Effect.gen(function* () {
          yield* TestClock.setTime(T0)
          const actor = yield* (yield* Actors).resolve(seeded.director)
          return yield* (yield* Extraction).run(actor, { asOf: ASOF, partitions })
        }).pipe(Effect.provide(TestClock.layer()))
      )
      await sent
      return { report, events }
    } finally {
      await runtime.dispose()
    }
  }

  it("a query sent during the first partition is answered before the later partitions write", async () => {
    const { report, events } = await runWithQuery(4)
    expect(report.created).toBe(truth.length)
    const answered = events.indexOf("query answered")
    expect(answered).toBeGreaterThan(0)
    expect(events.slice(answered + 1), "partitions written after the query was answered").toContain("write")
  }, 60_000)

  it("in one transaction the same query waits for the whole run", async () => {
    const { report, events } = await runWithQuery(1)
    expect(report.created).toBe(truth.length)
    expect(events.at(-1)).toBe("query answered")
  }, 60_000)
})
