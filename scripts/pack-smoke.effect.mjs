// An Effect host embedding the packed Winback tarballs: it shares the project's one `effect` with
// Winback, provides the storage as a layer, runs its own program against Winback's ports, and traces
// and logs through createWinback's options. Imports the slim subpaths as a host would.
// Run by scripts/pack-smoke.sh in a blank project outside the workspace: node pack-smoke.effect.mjs
import assert from "node:assert/strict"
import { Effect, Tracer } from "effect"
import { createWinback, currentStores, CustomerStore, NotFound } from "@winback/core"
import { MemoryStorage } from "@winback/adapters/memory"
import { reportCsv } from "@winback/core/exports"

const customer = {
  id: "C-1", name: "Hafenkontor KG", phones: ["+4940123456"], region: "Hamburg", tier: "gold", lineStatus: "active",
  paymentType: "postpaid", contractEnd: null, birthday: null, activatedOn: "2021-03-01", ownerManagerId: null,
  preferredChannel: null, tariffSensitivity: null, creditLevel: null, timeZone: "Europe/Berlin", version: 1
}

// 1. A plain Effect program over Winback's ports, the storage provided as a layer.
const program = Effect.gen(function* () {
  const customers = yield* CustomerStore
  yield* customers.upsertCustomers([customer])
  const missing = yield* Effect.flip(customers.get("C-404"))
  return { found: yield* customers.get("C-1"), missing }
})
const { found, missing } = await Effect.runPromise(program.pipe(Effect.provide(MemoryStorage.layer())))
assert.equal(found.name, "Hafenkontor KG")
assert.ok(missing instanceof NotFound, "a typed NotFound from the host's own effect copy")

// 2. The same storage layer behind the Promise facade, with the host's tracer and logger.
const spans = []
const tracer = Tracer.make({ span: (o) => { const s = new Tracer.NativeSpan(o); spans.push(s); return s } })
const lines = []
const winback = await createWinback({ storage: MemoryStorage.layer(), tracer, logger: (l) => lines.push(l) })
await winback.run(Effect.gen(function* () {
  const stores = yield* currentStores
  yield* stores.customers.upsertCustomers([customer])
  yield* Effect.logInfo("host imported one customer")
}).pipe(Effect.withSpan("crm.import")))
assert.ok(spans.some((s) => s.name === "crm.import"), "the host's span reached its tracer")
assert.deepEqual(lines.map((l) => l.level), ["INFO"])
await winback.dispose()

// 3. A subpath export, for the record.
assert.match(reportCsv({ name: "t", columns: [{ key: "a", label: "A", type: "text" }], rows: [{ a: "x" }] }), /A/)
console.log("Effect host: one effect shared with Winback; program over the ports, tracer and logger options, @winback/core/exports: ran")
