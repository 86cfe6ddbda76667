/**
 * Partitioned extraction over several workers on one PostgreSQL (issue 19): a run of 160 demo
 * customers in 8 hash partitions, worked by 1, 2 and 4 workers — real child processes beside
 * workers in this process, each on its own connections — gives exactly what one worker gives (the
 * same items, the same ledger, no customer twice, each partition written once), and the partition
 * of a worker SIGKILLed inside its write transaction is claimed by another once its lease has run
 * out. The clock is fixed (`TestClock`) in every worker; only the takeover moves it past the lease.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { dirname, join, resolve } from "node:path"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"
import { sql } from "drizzle-orm"
import { Effect } from "effect"
import { Actors, Extraction, type ExtractionWorkReport } from "@winback/core"
import { TestClock } from "effect/testing"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { rowsOf } from "../src/pg/Driver"
import { type OpenStorage, PostgresStorage } from "../src/pg/PgStorage"
import { type Launcher, prepareLauncher } from "./crash/harness"
import { ASOF, demoCustomers, expectedExtraction, seed, type Seeded, T0 } from "./crash/scenario"
import { LEASE_MS, PARTITIONS, partitionRuntime, workProgram } from "./partition/scenario"
import { freshSchemaName, postgresUrl } from "./support"

const here = dirname(fileURLToPath(import.meta.url))
const all = Array.from({ length: PARTITIONS }, (_, i) => i)

describe.runIf(postgresUrl !== undefined)("partitioned extraction over N workers on PostgreSQL", () => {
  const schema = freshSchemaName("part")
  let storage: OpenStorage
  let seeded: Seeded
  let launcher: Launcher
  const children: Array<ChildProcess> = []
  const truth = expectedExtraction(demoCustomers())
  let baseline: { items: Array<string>; ledger: Array<string> }

  const query = <R>(q: ReturnType<typeof sql>) => storage.run(async (db) => rowsOf<R>(await db.execute(q)))
  const reset = () => query(sql`DELETE FROM work_items; DELETE FROM hand_out_ledger; DELETE FROM extraction_partitions; DELETE FROM extraction_candidates`)
  const snapshot = async () => ({
    items: (await query<{ l: string }>(sql`SELECT task_id || '|' || customer_id || '|' || coalesce(assignee_id, 'null') AS l FROM work_items ORDER BY 1`)).map((r) => r.l),
    ledger: (await query<{ l: string }>(sql`SELECT customer_id || '|' || period || '|' || task_id || '|' || run_id AS l FROM hand_out_ledger ORDER BY 1`)).map((r) => r.l)
  })
  const partitions = () => query<{ partition: number; state: string; worker_id: string | null; attempts: number }>(sql`SELECT partition, state, worker_id, attempts FROM extraction_partitions ORDER BY partition`)

  /** A worker in this process, on its own runtime (its own pool connections). */
  const inProcess = async (workerId: string, clockMs = T0, delayMs = 0): Promise<ExtractionWorkReport> => {
    const runtime = partitionRuntime(storage, { delayMs })
    try {
      return await runtime.runPromise(workProgram(seeded.director, workerId, clockMs))
    } finally {
      await runtime.dispose()
    }
  }

  /** A worker process: started now, working after `go()`. */
  const child = (workerId: string, options: { readonly delayMs?: number; readonly hang?: boolean } = {}) => {
    const app = `winback-part-${process.pid}-${workerId}`
    const proc = spawn(launcher.command, [...launcher.args], {
      cwd: resolve(here, "../../.."),
      env: {
        ...process.env,
        PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}`,
        WINBACK_PART_URL: postgresUrl!,
        WINBACK_PART_SCHEMA: schema,
        WINBACK_PART_APP: app,
        WINBACK_PART_WORKER: workerId,
        WINBACK_PART_ACTOR: seeded.director,
        WINBACK_PART_CLOCK: String(T0),
        WINBACK_PART_DELAY: String(options.delayMs ?? 0),
        WINBACK_PART_MODE: options.hang ? "hang" : "work"
      },
      stdio: ["pipe", "pipe", "pipe"],
      detached: true
    })
    children.push(proc)
    let stderr = ""
    proc.stderr!.on("data", (d) => void (stderr += String(d)))
    const events: Array<{ ev: string; result?: ExtractionWorkReport; message?: string }> = []
    const waiters: Array<() => void> = []
    createInterface({ input: proc.stdout! }).on("line", (line) => {
      try {
        events.push(JSON.parse(line))
      } catch {
        stderr += `${line}\n`
      }
      for (const w of waiters.splice(0)) w()
    })
    const exited = new Promise<void>((ok) => proc.on("close", () => ok()))
    void exited.then(() => {
      for (const w of waiters.splice(0)) w()
    })
    const waitFor = async (ev: string) => {
      for (;;) {
        const e = events.find((x) => x.ev === ev || x.ev === "error")
        if (e) {
          if (e.ev === "error") throw new Error(`worker ${workerId}: ${e.message}`)
          return e
        }
        if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`worker ${workerId} exited before "${ev}": ${stderr}`)
        await new Promise<void>((ok) => waiters.push(ok))
      }
    }
    return {
      app,
      ready: () => waitFor("ready"),
      go: () => void proc.stdin!.write("go\n"),
      done: async () => (await waitFor("done")).result!,
      waitFor,
      kill: async () => {
        process.kill(-proc.pid!, "SIGKILL")
        await exited
      }
    }
  }

  /** Waits until PostgreSQL has ended a killed worker's connections (and rolled back its transaction). */
  const settle = async (app: string) => {
    for (let i = 0; i < 500; i++) {
      if ((await query<{ n: number }>(sql`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = ${app}`))[0]!.n === 0) return
      await new Promise((ok) => setTimeout(ok, 10))
    }
    throw new Error(`the connections of ${app} outlived it by 5 s`)
  }

  const expectWholeRun = async (reports: ReadonlyArray<ExtractionWorkReport>) => {
    const done = reports.flatMap((r) => r.done).sort((a, b) => a - b)
    expect(done, "every partition written by exactly one worker").toEqual(all)
    expect((await partitions()).map((p) => p.state)).toEqual(all.map(() => "done"))
    const snap = await snapshot()
    expect(snap).toEqual(baseline)
    expect(new Set(snap.items.map((l) => l.split("|")[1])).size, "no customer twice").toBe(snap.items.length)
    expect(reports.reduce((n, r) => n + r.created, 0)).toBe(truth.length)
  }

  beforeAll(async () => {
    launcher = await prepareLauncher(join(here, "partition/worker.ts"))
    storage = await PostgresStorage.open({ url: postgresUrl!, schema })
    seeded = await seed(storage.stores)
  }, 120_000)

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) process.kill(-c.pid!, "SIGKILL")
    launcher?.dispose()
    await storage?.run((db) => db.execute(sql.raw(`DROP SCHEMA "${schema}" CASCADE`))).catch(() => undefined)
    await storage?.close()
  })

  it("one worker writes every partition, each once: the ground truth; re-running a done run changes nothing", async () => {
    await reset()
    const r = await inProcess("w-one")
    expect(r.done).toEqual(all)
    expect(r.remaining).toBe(0)
    expect(r.report!.created).toBe(truth.length)
    baseline = await snapshot()
    expect(baseline.items).toEqual(truth)
    expect(baseline.ledger).toHaveLength(truth.length)
    expect(baseline.ledger.every((l) => l.endsWith(`|${ASOF}|${l.split("|")[2]}|xr:${ASOF}`)), "one run id for the whole run").toBe(true)

    // Another worker of the same run finds nothing left; the report of the whole run is the same.
    const again = await inProcess("w-late")
    expect(again.done).toEqual([])
    expect(again.report!.created).toBe(truth.length)
    // The run's staged candidates are gone once it is done.
    expect(await query(sql`SELECT 1 FROM extraction_candidates`)).toEqual([])
    // And a plain re-run of the period (partitioned, no queue) hands out nothing and writes nothing.
    const rerun = await partitionRuntime(storage).runPromise(
      Effect.gen(function* () {
        yield* TestClock.setTime(T0 + 3_600_000)
        const actor = yield* (yield* Actors).resolve(seeded.director)
        return yield* (yield* Extraction).run(actor, { asOf: ASOF, partitions: PARTITIONS })
      }).pipe(Effect.provide(TestClock.layer()))
    )
    expect(rerun.created).toBe(0)
    expect(rerun.tasks.reduce((n, t) => n + t.excluded.alreadyExtracted, 0)).toBe(truth.length)
    expect(await snapshot()).toEqual(baseline)
  }, 60_000)

  it("without candidate staging (each partition evaluates its rules in SQL) one worker gives the same result", async () => {
    await reset()
    const runtime = partitionRuntime(storage, { unstaged: true })
    try {
      const r = await runtime.runPromise(workProgram(seeded.director, "w-unstaged", T0))
      expect(r.done).toEqual(all)
    } finally {
      await runtime.dispose()
    }
    expect(await snapshot()).toEqual(baseline)
  }, 60_000)

  it("two workers (a child process and this process) give exactly the one-worker result", async () => {
    await reset()
    const other = child("w-child", { delayMs: 40 })
    await other.ready()
    other.go()
    const [a, b] = await Promise.all([other.done(), inProcess("w-main", T0, 40)])
    await expectWholeRun([a, b])
  }, 60_000)

  it("four workers (a child process and three in this process, each on its own connections) give exactly the one-worker result", async () => {
    await reset()
    const other = child("w-child4", { delayMs: 40 })
    await other.ready()
    other.go()
    const reports = await Promise.all([other.done(), inProcess("w-a", T0, 40), inProcess("w-b", T0, 40), inProcess("w-c", T0, 40)])
    await expectWholeRun(reports)
    expect(reports.filter((r) => r.done.length > 0).length, "the partitions are shared").toBeGreaterThan(1)
  }, 60_000)

  it("a worker SIGKILLed inside a partition's transaction: nothing of it remains, and another worker takes the partition over after the lease", async () => {
    await reset()
    const doomed = child("w-doomed", { hang: true })
    await doomed.ready()
    doomed.go()
    await doomed.waitFor("writing")
    const held = (await partitions()).filter((p) => p.state === "running")
    expect(held).toHaveLength(1)
    expect(held[0]!.worker_id).toBe("w-doomed")
    await doomed.kill()
    await settle(doomed.app)
    // Its uncommitted writes are gone with its connection.
    expect((await snapshot()).items).toEqual([])

    // Within the lease the partition stays the dead worker's: a live worker does all the others.
    const first = await inProcess("w-live", T0 + 1_000)
    expect(first.done).toEqual(all.filter((p) => p !== held[0]!.partition))
    expect(first.remaining).toBe(1)
    expect(first.report).toBeUndefined()

    // Once the lease has run out, it is claimed again and the run completes to the same result.
    const second = await inProcess("w-rescue", T0 + LEASE_MS + 1)
    expect(second.done).toEqual([held[0]!.partition])
    expect(second.report!.created).toBe(truth.length)
    expect((await partitions()).find((p) => p.partition === held[0]!.partition)).toMatchObject({ state: "done", worker_id: "w-rescue", attempts: 2 })
    await expectWholeRun([first, second])
  }, 60_000)
})
