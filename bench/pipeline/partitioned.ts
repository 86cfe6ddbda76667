/**
 * Partitioned extraction over N worker processes on one PostgreSQL (issue 19): the same daily
 * extraction as the pipeline benchmark (five catalogue rules pushed down to SQL, ledger, DND,
 * assignment, items, audit), split into hash partitions that 1, 2 and 4 worker processes claim
 * through `extraction_partitions` (FOR UPDATE SKIP LOCKED). The anchor, from the same run and the
 * same data: today's unpartitioned run in ONE transaction in one process. Each configuration
 * starts from an empty ledger; the results must be identical (same items, same ledger).
 *
 *   pnpm bench -- --only pipeline-partitioned                  # 200,000 customers
 *   pnpm exec tsx --conditions=@winback/source bench/pipeline/partitioned.ts 50000
 */
import { type ChildProcess, spawn } from "node:child_process"
import { readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"
import { PostgresStorage } from "@winback/adapters"
import { type Goal, type SectionResult } from "../goals"
import { mb } from "./index"
import { asOf, seedPipeline, url } from "./seed"

const PARTITIONS = Number(process.env.WINBACK_BENCH_PARTITIONS ?? 16)
const script = join(dirname(fileURLToPath(import.meta.url)), "partitionWorker.ts")

interface WorkerResult {
  readonly ms: number
  readonly created: number
  readonly done: ReadonlyArray<number>
  readonly peak: number
}

/** Starts `n` worker processes, waits until all are ready, then says `go` to all at once; answers the wall time and their results. */
const runWorkers = async (n: number, env: Record<string, string>, mode: "work" | "run") => {
  const procs: Array<ChildProcess> = []
  const ready: Array<Promise<void>> = []
  const done: Array<Promise<WorkerResult>> = []
  for (let i = 0; i < n; i++) {
    const p = spawn(process.execPath, [...process.execArgv, script], {
      env: { ...process.env, ...env, WINBACK_BENCH_WORKER: `bench-w${i}`, WINBACK_BENCH_MODE: mode },
      stdio: ["pipe", "pipe", "inherit"]
    })
    procs.push(p)
    const lines = createInterface({ input: p.stdout! })
    let onReady!: () => void
    let onDone!: (r: WorkerResult) => void
    ready.push(new Promise((ok) => (onReady = ok)))
    done.push(
      new Promise((ok, fail) => {
        onDone = ok
        p.on("exit", (code) => code !== 0 && fail(new Error(`worker ${i} exited with ${code}`)))
      })
    )
    lines.on("line", (l) => {
      const e = JSON.parse(l) as { ev: string } & WorkerResult
      if (e.ev === "ready") onReady()
      if (e.ev === "done") onDone(e)
    })
  }
  await Promise.all(ready)
  const t0 = performance.now()
  for (const p of procs) p.stdin!.write("go\n")
  const results = await Promise.all(done)
  return { s: (performance.now() - t0) / 1000, results }
}

/**
 * Runs the partitioned-extraction benchmark and returns its markdown section and goals.
 *
 * @example
 * ```ts
 * const { markdown } = await runPartitionedBench({ customers: 20_000 })
 * ```
 */
export const runPartitionedBench = async (opts?: { readonly customers?: number; readonly workers?: ReadonlyArray<number> }): Promise<SectionResult> => {
  const n = opts?.customers ?? Number(process.env.WINBACK_BENCH_CUSTOMERS ?? 200_000)
  const workerCounts = opts?.workers ?? [1, 2, 4]
  const schema = `bench_partitioned_${process.pid}`
  const storage = await PostgresStorage.open({ url, schema })
  const query = async <R>(q: string) => (await storage.run((db) => db.execute(q as never)) as unknown as { rows: Array<R> }).rows
  try {
    const { demo, loadS } = await seedPipeline(storage, n)
    const env = { WINBACK_BENCH_URL: url, WINBACK_BENCH_SCHEMA: schema, WINBACK_BENCH_ASOF: asOf, WINBACK_BENCH_ACTOR: demo.org.logins.director, WINBACK_BENCH_PARTITIONS: String(PARTITIONS) }
    const reset = async () => {
      await query("DELETE FROM work_items; DELETE FROM hand_out_ledger; DELETE FROM extraction_partitions")
      await query("VACUUM ANALYZE work_items, hand_out_ledger")
    }
    const fingerprint = async () =>
      (
        await query<{ items: string; ledger: string; n: number }>(
          `SELECT (SELECT md5(string_agg(task_id || '|' || customer_id || '|' || coalesce(assignee_id, '-'), ',' ORDER BY id)) FROM work_items) AS items,
                  (SELECT md5(string_agg(customer_id || '|' || task_id, ',' ORDER BY customer_id)) FROM hand_out_ledger) AS ledger,
                  (SELECT count(*)::int FROM hand_out_ledger) AS n`
        )
      )[0]!
    const rows: Array<{ label: string; s: number; created: number; peak: number; fp: Awaited<ReturnType<typeof fingerprint>>; shares: string }> = []
    const load = readFileLoad
    // The anchor: one process, one transaction (today's run). The load is read right before each line.
    await reset()
    const loads = [load()]
    const anchor = await runWorkers(1, env, "run")
    rows.push({ label: "anchor: unpartitioned run, one transaction, 1 process", s: anchor.s, created: anchor.results[0]!.created, peak: anchor.results[0]!.peak, fp: await fingerprint(), shares: "-" })
    for (const w of workerCounts) {
      await reset()
      loads.push(load())
      const r = await runWorkers(w, env, "work")
      rows.push({
        label: `${w} worker process${w > 1 ? "es" : ""}, ${PARTITIONS} partitions`,
        s: r.s,
        created: r.results.reduce((k, x) => k + x.created, 0),
        peak: Math.max(...r.results.map((x) => x.peak)),
        fp: await fingerprint(),
        shares: r.results.map((x) => x.done.length).join(" + ")
      })
    }
    const identical = rows.every((r) => r.fp.items === rows[0]!.fp.items && r.fp.ledger === rows[0]!.fp.ledger && r.created === rows[0]!.created)
    const one = rows.find((r) => r.label.startsWith("1 worker"))
    const speedup = (w: number) => {
      const r = rows.find((x) => x.label.startsWith(`${w} worker`))
      return one && r ? one.s / r.s : Number.NaN
    }
    const table = rows
      .map((r) => `| ${r.label} | ${r.s.toFixed(1)} s | ${one ? (one.s / r.s).toFixed(2) : "-"}× | ${(rows[0]!.s / r.s).toFixed(2)}× | ${r.created.toLocaleString("en")} | ${r.shares} | ${mb(r.peak)} | ${r.fp.items === rows[0]!.fp.items && r.fp.ledger === rows[0]!.fp.ledger ? "yes" : "**NO**"} |`)
      .join("\n")
    const markdown = `### Partitioned extraction over N worker processes on PostgreSQL

${n.toLocaleString("en")} generated customers (load ${loadS.toFixed(1)} s, not timed), the five alert tasks of the pipeline benchmark. Each line starts
from an empty ledger; the workers are started and ready (modules loaded, one connection open) before the clock starts.
Speed-up "vs 1" is against one worker over the same ${PARTITIONS} partitions; "vs anchor" against the unpartitioned run in one transaction.
Load average (1 min) before each line: ${loads.join(", ")}. This machine kind has 2 cores shared with the PostgreSQL server, so more than ~2× cannot be expected here.

| configuration | wall time | vs 1 | vs anchor | items | partitions per worker | peak RSS (max of workers) | same items and ledger as the anchor |
|---|---|---|---|---|---|---|---|
${table}
`
    const goals: Array<Goal> = [
      {
        goal: "partitioned extraction: 1, 2 and 4 worker processes give the result of one worker (no customer twice, same ledger), speed-up measured (issue 19)",
        measured: `${n.toLocaleString("en")} customers, ${PARTITIONS} partitions: ${identical ? "identical" : "DIFFERENT"}; speed-up ${workerCounts.map((w) => `${w}: ${speedup(w).toFixed(2)}×`).join(", ")} (vs anchor ${(rows[0]!.s / (rows.find((r) => r.label.startsWith("4 worker"))?.s ?? Number.NaN)).toFixed(2)}× with 4)`,
        met: identical
      },
      {
        goal: "partitioned extraction: 2 workers measurably faster than 1 (≥ 1.1×), one partitioned worker close to the one-transaction run (issue 19)",
        measured: `2 workers ${speedup(2).toFixed(2)}× of 1; 1 worker ${one ? (one.s / rows[0]!.s).toFixed(2) : "-"}× the anchor's time (${rows[0]!.s.toFixed(1)} s); load ${loads.join(", ")}`,
        met: speedup(2) >= 1.1
      },
      {
        goal: "partitioned extraction: memory bounded by the partition size, not by the number of matches (issue 19)",
        measured: `peak RSS ${mb(rows[0]!.peak)} unpartitioned vs ${mb(one?.peak ?? 0)} in ${PARTITIONS} partitions`,
        met: one !== undefined && one.peak <= rows[0]!.peak
      }
    ]
    return { markdown, goals }
  } finally {
    await storage.run((db) => db.execute(`DROP SCHEMA "${schema}" CASCADE` as never)).catch(() => undefined)
    await storage.close()
  }
}

const readFileLoad = () => {
  try {
    return readFileSync("/proc/loadavg", "utf8").split(" ")[0]!
  } catch {
    return "?"
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await runPartitionedBench(process.argv[2] ? { customers: Number(process.argv[2]) } : undefined)
  console.log(r.markdown)
  for (const g of r.goals ?? []) console.log(`${g.met ? "met" : "NOT met"}: ${g.goal} — ${g.measured}`)
}
