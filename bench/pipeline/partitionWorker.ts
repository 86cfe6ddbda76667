/**
 * One worker process of the partitioned-extraction benchmark: builds the pipeline over PostgreSQL
 * (SQL candidates, bulk claims, the `extraction_partitions` queue), says `ready`, waits for `go`
 * on stdin, then runs its share and prints one JSON line (`WorkerResult`).
 * `WINBACK_BENCH_MODE=run`: the unpartitioned run in one transaction (the anchor) instead.
 */
import { createInterface } from "node:readline"
import { Effect, Layer, ManagedRuntime } from "effect"
import { PgBulkLedgerClaims, PgExtractionPartitions, PostgresStorage, SqlCandidateSource, SqlCandidateStaging } from "@winback/adapters"
import { Actors, Dialer, directoriesFromStores, Extraction, Notifier, useCaseLayer, defaultPolicy, scopeLayer, SmsGateway, storesLayer } from "@winback/core"

const env = (k: string) => {
  const v = process.env[k]
  if (!v) throw new Error(`${k} is not set`)
  return v
}
const storage = await PostgresStorage.open({ url: env("WINBACK_BENCH_URL"), schema: env("WINBACK_BENCH_SCHEMA"), maxConnections: 4 })
const outbound = Layer.mergeAll(
  Layer.succeed(Dialer, Dialer.of({ call: () => Effect.succeed({ callId: "-" }) })),
  Layer.succeed(Notifier, Notifier.of({ notify: () => Effect.void })),
  Layer.succeed(SmsGateway, SmsGateway.of({ send: () => Effect.succeed({ messageId: "-", status: "accepted" as const }) }))
)
const runtime = ManagedRuntime.make(
  useCaseLayer.pipe(
    Layer.provideMerge(scopeLayer(defaultPolicy)),
    Layer.provideMerge(Layer.mergeAll(SqlCandidateSource.layer(storage), PgBulkLedgerClaims.layer(storage), PgExtractionPartitions.layer(storage), SqlCandidateStaging.layer(storage), outbound, directoriesFromStores)),
    Layer.provideMerge(storesLayer(storage.stores))
  )
)
const asOf = env("WINBACK_BENCH_ASOF")
const partitions = Number(env("WINBACK_BENCH_PARTITIONS"))
const program = Effect.gen(function* () {
  const actor = yield* (yield* Actors).resolve(env("WINBACK_BENCH_ACTOR"))
  const extraction = yield* Extraction
  if (process.env.WINBACK_BENCH_MODE === "run") {
    const r = yield* extraction.run(actor, { asOf })
    return { created: r.created, done: [] as ReadonlyArray<number> }
  }
  const r = yield* extraction.work(actor, { asOf, partitions }, { workerId: env("WINBACK_BENCH_WORKER"), untilComplete: true, pollMs: 200 })
  return { created: r.created, done: r.done }
})
// Modules loaded and the pool ready: warm one connection so start-up is not timed.
await storage.run((db) => db.execute("select 1" as never))
process.stdout.write(`${JSON.stringify({ ev: "ready" })}\n`)
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() !== "go") continue
  let peak = process.memoryUsage().rss
  const sampler = setInterval(() => void (peak = Math.max(peak, process.memoryUsage().rss)), 25)
  const t0 = performance.now()
  const r = await runtime.runPromise(program)
  const ms = performance.now() - t0
  clearInterval(sampler)
  process.stdout.write(`${JSON.stringify({ ev: "done", ms, ...r, peak: Math.max(peak, process.memoryUsage().rss) })}\n`)
  break
}
await runtime.dispose()
await storage.close()
process.exit(0)
