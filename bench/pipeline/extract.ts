/**
 * The extraction half of the pipeline benchmark, run in its own process by `index.ts` so that the
 * resident memory measured is the run's alone. Prints one JSON line (`ExtractResult`).
 */
import { Effect, Layer, ManagedRuntime } from "effect"
import { PgBulkLedgerClaims, PostgresStorage, SqlCandidateSource } from "@winback/adapters"
import { Actors, Dialer, directoriesFromStores, Extraction, Notifier, useCaseLayer, defaultPolicy, scopeLayer, SmsGateway, storesLayer } from "@winback/core"

const env = (k: string) => {
  const v = process.env[k]
  if (!v) throw new Error(`${k} is not set`)
  return v
}
const storage = await PostgresStorage.open({ url: env("WINBACK_BENCH_URL"), schema: env("WINBACK_BENCH_SCHEMA") })
const outbound = Layer.mergeAll(
  Layer.succeed(Dialer, Dialer.of({ call: () => Effect.succeed({ callId: "-" }) })),
  Layer.succeed(Notifier, Notifier.of({ notify: () => Effect.void })),
  Layer.succeed(SmsGateway, SmsGateway.of({ send: () => Effect.succeed({ messageId: "-", status: "accepted" as const }) }))
)
const runtime = ManagedRuntime.make(
  useCaseLayer.pipe(
    Layer.provideMerge(scopeLayer(defaultPolicy)),
    Layer.provideMerge(Layer.mergeAll(SqlCandidateSource.layer(storage), PgBulkLedgerClaims.layer(storage), outbound, directoriesFromStores)),
    Layer.provideMerge(storesLayer(storage.stores))
  )
)
const run = () =>
  runtime.runPromise(
    Effect.gen(function* () {
      const actor = yield* (yield* Actors).resolve(env("WINBACK_BENCH_ACTOR"))
      return yield* (yield* Extraction).run(actor, { asOf: env("WINBACK_BENCH_ASOF") })
    })
  )
const rssBefore = process.memoryUsage().rss
let peak = rssBefore
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss)
}, 25)
const t1 = performance.now()
const report = await run()
const extractS = (performance.now() - t1) / 1000
clearInterval(sampler)
peak = Math.max(peak, process.memoryUsage().rss)
const t2 = performance.now()
const rerun = await run()
const rerunS = (performance.now() - t2) / 1000
await runtime.dispose()
await storage.close()
console.log(JSON.stringify({ report, rerun, extractS, rerunS, rssBefore, peak, maxRss: process.resourceUsage().maxRSS * 1024 }))
