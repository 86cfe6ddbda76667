/**
 * The data of the pipeline benchmarks: `n` generated demo customers (seed 7, 30% with patterns,
 * 5 monthly rows each, 1% on phone DND), the organisation, five catalogue rules in five alert tasks.
 */
import { Effect } from "effect"
import type { OpenStorage } from "@winback/adapters"
import { fixtures } from "@winback/adapters/testing"
import type { Customer, CustomerEvent, Task, UsageMonth } from "@winback/core"
import { generateDemo } from "@winback/core/demo"
import { billDrop, birthday, contractExpiring, dataDrop, instantiate, type Rule, zeroBill } from "@winback/rules"

/** The PostgreSQL the pipeline benchmarks run on. */
export const url = process.env.WINBACK_BENCH_DATABASE_URL ?? process.env.WINBACK_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres"
/** The data day of every run. */
export const asOf = "2026-11-25"

const task = (id: string, urgency: number, channel: Task["channel"], ruleInstanceId: string): Task => ({
  id,
  name: id,
  description: "",
  type: "retention-callback",
  urgency,
  channel,
  target: "",
  region: null,
  executionWindow: { from: "09:00", to: "20:00" },
  cycle: "daily",
  startsOn: "2026-11-01",
  expiresOn: null,
  skipHolidays: false,
  questionnaireVersion: null,
  smsTemplateId: null,
  knowledgeLinks: [],
  cooldownDays: 30,
  status: "active",
  authorId: "bench",
  approvals: [],
  createdAt: "2026-11-01T00:00:00.000Z",
  updatedAt: "2026-11-01T00:00:00.000Z",
  version: 1,
  source: "alert",
  ruleInstanceIds: [ruleInstanceId]
})

/** Loads the benchmark's data into an open storage; answers the generator, the DND count and the load time. */
export const seedPipeline = async (storage: OpenStorage, n: number) => {
  const t0 = performance.now()
  const demo = generateDemo({ seed: 7, customers: n, asOf, months: 5, dailyDays: 35, patternRate: 0.3 })
  const s = storage.stores
  await Effect.runPromise(
    Effect.gen(function* () {
      for (const t of demo.org.teams) yield* s.teams.insert(t)
      for (const m of demo.org.managers) yield* s.managers.insert(m)
      const rule = (id: string, r: Rule) =>
        s.ruleInstances.insert(
          fixtures.ruleInstance(`${id}@1`, {
            templateId: id,
            name: id,
            status: "active",
            authorId: "bench",
            approvedBy: "bench-approver",
            effectiveFrom: "2026-01-01",
            createdAt: "2026-11-01T00:00:00.000Z",
            rule: r
          })
        )
      yield* rule("zero-bill", instantiate(zeroBill).rule)
      yield* rule("bill-drop", instantiate(billDrop).rule)
      yield* rule("contract-expiring", instantiate(contractExpiring).rule)
      yield* rule("data-drop", instantiate(dataDrop).rule)
      yield* rule("birthday", instantiate(birthday).rule)
      yield* s.tasks.insert(task("t1-zero-bill", 1, "phone", "zero-bill@1"))
      yield* s.tasks.insert(task("t2-bill-drop", 2, "phone", "bill-drop@1"))
      yield* s.tasks.insert(task("t3-contract", 3, "phone", "contract-expiring@1"))
      yield* s.tasks.insert(task("t4-data-drop", 4, "phone", "data-drop@1"))
      yield* s.tasks.insert(task("t5-birthday", 5, "sms", "birthday@1"))
    })
  )
  let dnd = 0
  for (const chunk of demo.chunks({ chunkSize: 5000 })) {
    const cs: Array<Customer> = []
    const ms: Array<UsageMonth> = []
    const es: Array<CustomerEvent> = []
    for (const c of chunk.customers) {
      cs.push(c.customer)
      ms.push(...c.months)
      es.push(...c.events)
    }
    await Effect.runPromise(
      Effect.gen(function* () {
        yield* s.customers.upsertCustomers(cs)
        yield* s.customers.upsertUsageMonths(ms)
        if (es.length) yield* s.customers.appendEvents(es)
        // 1% of customers refuse calls.
        for (const c of cs.filter((_, i) => i % 100 === 0)) {
          yield* s.dnd.add({ id: `dnd-${c.id}`, customerId: c.id, channel: "phone", reason: "bench", source: "import", createdBy: "bench", createdAt: "2026-11-01T00:00:00.000Z", expiresAt: null, removedAt: null })
          dnd++
        }
      })
    )
  }
  await storage.run((db) => db.execute("ANALYZE" as never))
  const loadS = (performance.now() - t0) / 1000

  return { demo, dnd, loadS }
}
