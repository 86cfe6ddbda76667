/**
 * Pipeline benchmark: one daily extraction over many generated customers on PostgreSQL — rules
 * pushed down to SQL (five catalogue rules in five alert tasks), hand-out ledger, do-not-disturb,
 * assignment to the owner and work-item creation, all in one transaction — with wall time and
 * the process's resident memory (sampled every 25 ms). Customers come from the demo generator
 * (monthly usage and events; the five rules read no daily rows, so none are loaded).
 *
 *   pnpm bench -- --only pipeline                          # 200,000 customers
 *   WINBACK_BENCH_CUSTOMERS=1000000 pnpm bench -- --only pipeline
 */
import { spawn } from "node:child_process"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import { PostgresStorage } from "@winback/adapters"
import {
  type Customer,
  type ExtractionReport,
  type CustomerEvent,
  type Task,
  type UsageMonth
} from "@winback/core"
import { generateDemo } from "@winback/core/demo"
import { billDrop, birthday, contractExpiring, dataDrop, instantiate, zeroBill } from "@winback/rules"
import { type Goal, type SectionResult } from "../goals"

const url = process.env.WINBACK_BENCH_DATABASE_URL ?? process.env.WINBACK_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres"
const asOf = "2026-11-25"

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

const mb = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`

/** What the extraction process reports back. */
export interface ExtractResult {
  readonly report: ExtractionReport
  readonly rerun: ExtractionReport
  readonly extractS: number
  readonly rerunS: number
  /** RSS of the extraction process once its modules are loaded, before the run. */
  readonly rssBefore: number
  /** Peak RSS sampled during the run. */
  readonly peak: number
  /** The process's maximum resident set size over its whole life (getrusage). */
  readonly maxRss: number
}

/**
 * Runs the pipeline benchmark and returns its markdown section.
 *
 * @example
 * ```ts
 * const { markdown } = await runPipelineBench({ customers: 20_000 })
 * ```
 */
export const runPipelineBench = async (opts?: { readonly customers?: number }): Promise<SectionResult> => {
  const n = opts?.customers ?? Number(process.env.WINBACK_BENCH_CUSTOMERS ?? 200_000)
  const schema = `bench_pipeline_${process.pid}`
  const storage = await PostgresStorage.open({ url, schema })
  try {
    // ---- Load ------------------------------------------------------------------------------
    const t0 = performance.now()
    const demo = generateDemo({ seed: 7, customers: n, asOf, months: 5, dailyDays: 35, patternRate: 0.3 })
    const s = storage.stores
    await Effect.runPromise(
      Effect.gen(function* () {
        for (const t of demo.org.teams) yield* s.teams.insert(t)
        for (const m of demo.org.managers) yield* s.managers.insert(m)
        const rule = (id: string, r: unknown) =>
          s.ruleInstances.insert({
            id: `${id}@1`,
            ruleId: id,
            versionNo: 1,
            templateId: id,
            name: id,
            status: "active",
            definition: { rule: r },
            authorId: "bench",
            approvedBy: "bench-approver",
            effectiveFrom: "2026-01-01",
            effectiveUntil: null,
            createdAt: "2026-11-01T00:00:00.000Z",
            version: 1
          })
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

    // ---- Extract, in a fresh process so its memory is the run's alone ------------------------
    const child = await new Promise<string>((resolve, reject) => {
      const p = spawn(process.execPath, [...process.execArgv, join(dirname(fileURLToPath(import.meta.url)), "extract.ts")], {
        env: { ...process.env, WINBACK_BENCH_URL: url, WINBACK_BENCH_SCHEMA: schema, WINBACK_BENCH_ASOF: asOf, WINBACK_BENCH_ACTOR: demo.org.logins.director },
        stdio: ["ignore", "pipe", "inherit"]
      })
      let out = ""
      p.stdout.on("data", (d: Buffer) => (out += d.toString()))
      p.on("error", reject)
      p.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`extract.ts exited with ${code}: ${out}`))))
    })
    const result = JSON.parse(child.trim().split("\n").at(-1)!) as ExtractResult
    const { report, rerun, extractS, rerunS, rssBefore, peak, maxRss } = result
    const rows = report.tasks
      .map((t) => `| ${t.taskId} | ${t.urgency} | ${t.candidates.toLocaleString("en")} | ${t.handedOut.toLocaleString("en")} | ${t.excluded.dnd.toLocaleString("en")} | ${t.excluded.dedupPeriod.toLocaleString("en")} |`)
      .join("\n")
    const markdown = `### Pipeline: one daily extraction on PostgreSQL

${n.toLocaleString("en")} generated customers (demo generator, seed 7, 30% with churn/care patterns; 5 monthly rows each; ${dnd.toLocaleString("en")} on phone DND),
${demo.org.managers.length} managers. Five alert tasks (zero bill, bill drop, contract expiring, data drop, birthday), rules pushed down to SQL
and streamed through a cursor (ids only); ledger claims (in batches of 1,000), DND filter, assignment to the owner, work-item inserts and audit entries in one transaction.
The run happens in a fresh Node process (the loader's memory is not counted).

| | |
|---|---|
| load (customers + months + events + DND, not part of the run) | ${loadS.toFixed(1)} s |
| **extraction wall time** | **${extractS.toFixed(1)} s** |
| work items created | ${report.created.toLocaleString("en")} |
| re-run of the same period (creates nothing) | ${rerunS.toFixed(1)} s, ${rerun.created} created |
| RSS of the extraction process before the run (modules loaded) | ${mb(rssBefore)} |
| **peak RSS during the run** (sampled every 25 ms) | **${mb(peak)}** |
| max RSS of the extraction process over its life (getrusage) | ${mb(maxRss)} |

| task | urgency | candidates | handed out | DND | taken by a more urgent task |
|---|---|---|---|---|---|
${rows}
`
    const goals: Array<Goal> = [
      {
        goal: "pipeline: daily extraction over 1,000,000 customers on PostgreSQL, wall time and RSS; RSS < 512 MB (issue 6)",
        measured: `${n.toLocaleString("en")} customers: ${extractS.toFixed(1)} s, ${report.created.toLocaleString("en")} work items, peak RSS ${mb(peak)}`,
        met: n >= 1_000_000 && peak < 512 * 2 ** 20
      }
    ]
    return { markdown, goals }
  } finally {
    await storage.run((db) => db.execute(`DROP SCHEMA "${schema}" CASCADE` as never)).catch(() => undefined)
    await storage.close()
  }
}
