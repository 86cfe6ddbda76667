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
import { PostgresStorage } from "@winback/adapters"
import type { ExtractionReport } from "@winback/core"
import { type Goal, type SectionResult } from "../goals"
import { asOf, seedPipeline, url } from "./seed"

/** Bytes as whole MB. */
export const mb = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`

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
    const { demo, dnd, loadS } = await seedPipeline(storage, n)

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
