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
import { instantiate, zeroBill } from "@winback/rules"
import { rowsOf } from "../src/pg/Driver"
import { pgExtractionPartitions } from "../src/pipeline/PgExtractionPartitions"
import { sqlCandidateStaging } from "../src/pipeline/SqlCandidateSource"
import { type OpenStorage, PostgresStorage } from "../src/pg/PgStorage"
import { type Launcher, prepareLauncher } from "./crash/harness"
import { ASOF, demoCustomers, expectedExtraction, seed, type Seeded, T0 } from "./crash/scenario"
import { PARTITIONS, partitionRuntime, workProgram } from "./partition/scenario"
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
  const partitions = () =>
    query<{ partition: number; state: string; worker_id: string | null; attempts: number }>(
      sql`SELECT partition, state, worker_id, attempts FROM extraction_partitions WHERE run_key = ${`xr:${ASOF}`} ORDER BY partition`
    )
  const stageSlices = () => query<{ partition: number; state: string; worker_id: string }>(sql`SELECT partition, state, worker_id FROM extraction_partitions WHERE run_key = ${`xr:${ASOF}#stage`} ORDER BY partition`)

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
    // The rules were evaluated in key ranges of the customers, each range once.
    const slices = await stageSlices()
    expect(slices.map((x) => x.partition)).toEqual(all)
    expect(slices.every((x) => x.state === "done")).toBe(true)
  }, 60_000)

  it("four workers (a child process and three in this process, each on its own connections) give exactly the one-worker result", async () => {
    await reset()
    const other = child("w-child4", { delayMs: 40 })
    await other.ready()
    // The three in-process workers start first (they build their runtimes), the child with them.
    const here = [inProcess("w-a", T0, 40), inProcess("w-b", T0, 40), inProcess("w-c", T0, 40)]
    other.go()
    const reports = await Promise.all([other.done(), ...here])
    await expectWholeRun(reports)
    expect(reports.filter((r) => r.done.length > 0).length, "the partitions are shared").toBeGreaterThan(1)
    const slices = await stageSlices()
    expect(slices.every((x) => x.state === "done")).toBe(true)
    expect(new Set(slices.map((x) => x.worker_id)).size, "the staging is shared too").toBeGreaterThan(1)
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

    // Once the lease has run out it is claimed again, and the run completes to the same result.
    // Leases are judged by the database's clock, so the lease is moved into the past there.
    await query(sql`UPDATE extraction_partitions SET lease_until = '2000-01-01T00:00:00.000Z' WHERE state = 'running'`)
    const second = await inProcess("w-rescue", T0 + 1_000)
    expect(second.done).toEqual([held[0]!.partition])
    expect(second.report!.created).toBe(truth.length)
    expect((await partitions()).find((p) => p.partition === held[0]!.partition)).toMatchObject({ state: "done", worker_id: "w-rescue", attempts: 2 })
    await expectWholeRun([first, second])
  }, 60_000)

  it("leases are judged by the database's clock: a worker whose clock runs ahead cannot take a live partition, one whose clock lags takes an expired one", async () => {
    const queue = pgExtractionPartitions(storage)
    const run = async (f: Effect.Effect<unknown, unknown>) => Effect.runPromise(f as Effect.Effect<unknown>)
    const iso = (ms: number) => new Date(ms).toISOString()
    // Worker A's clock is 20 years behind; it claims the only partition for one minute.
    const behind = Date.parse("2006-11-25T10:00:00.000Z")
    const ahead = Date.parse("2046-11-25T10:00:00.000Z")
    await run(queue.open("xr:clocks-a", 1, iso(behind)))
    expect(await run(queue.claim("xr:clocks-a", "w-behind", iso(behind), iso(behind + 60_000)))).toBe(0)
    // By A's clock its lease ended in 2006; worker B, 20 years ahead, still may not take it.
    expect(await run(queue.claim("xr:clocks-a", "w-ahead", iso(ahead), iso(ahead + 60_000)))).toBeUndefined()
    const [held] = await query<{ lease_until: string; worker_id: string; ok: boolean }>(
      sql`SELECT lease_until, worker_id, lease_until > to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ok FROM extraction_partitions WHERE run_key = 'xr:clocks-a'`
    )
    expect(held).toMatchObject({ worker_id: "w-behind", ok: true })
    // A lease of no length has run out by the database's clock at once: the lagging worker takes it
    // over, though by its own clock the lease (stamped by a clock 40 years ahead) has decades to run.
    await run(queue.open("xr:clocks-b", 1, iso(ahead)))
    expect(await run(queue.claim("xr:clocks-b", "w-ahead", iso(ahead), iso(ahead)))).toBe(0)
    expect(await run(queue.claim("xr:clocks-b", "w-behind", iso(behind), iso(behind + 60_000)))).toBe(0)
    await query(sql`DELETE FROM extraction_partitions WHERE run_key LIKE 'xr:clocks-%'`)
  }, 60_000)

  it("staged candidates left behind by killed runs are removed by the next run that stages; a live run's are kept", async () => {
    await reset()
    const staging = sqlCandidateStaging(storage, { staleAfterMs: 3_600_000 })
    const rules = [{ key: "zero-bill@1", rule: instantiate(zeroBill).rule }]
    const run = <A>(f: Effect.Effect<A, unknown>) => Effect.runPromise(f as Effect.Effect<A>)
    const staged = async () => (await query<{ run_key: string }>(sql`SELECT DISTINCT run_key FROM extraction_candidates ORDER BY run_key`)).map((r) => r.run_key)
    const age = (runKey: string) => query(sql`UPDATE extraction_candidates SET customer_id = '2000-01-01T00:00:00.000Z' WHERE run_key = ${runKey} AND partition = -1 AND rule_key = '#staged-at'`)
    for (const key of ["run:killed", "run:fresh", "xr:finished", "xr:held"]) await run(staging.stage(key, rules, ASOF, 4))
    // A `run` killed after staging, long ago (its marker is older than `staleAfterMs`).
    await age("run:killed")
    // "run:fresh": a `run` that staged a moment ago and is still writing.
    // A shared run whose last worker was killed after the last partition was written.
    await query(sql`INSERT INTO extraction_partitions (run_key, partition, partitions, state, attempts, updated_at) VALUES ('xr:finished', 0, 1, 'done', 1, '2026-11-25T00:00:00.000Z')`)
    // A shared run staged long ago whose partition a worker still holds under a live lease.
    await age("xr:held")
    await query(sql`INSERT INTO extraction_partitions (run_key, partition, partitions, state, worker_id, lease_until, attempts, updated_at) VALUES ('xr:held', 0, 1, 'running', 'w', '2999-01-01T00:00:00.000Z', 1, '2026-11-25T00:00:00.000Z')`)
    expect(await staged()).toEqual(["run:fresh", "run:killed", "xr:finished", "xr:held"])
    const killedRows = (await query<{ n: number }>(sql`SELECT count(*)::int AS n FROM extraction_candidates WHERE run_key = 'run:killed' AND partition >= 0`))[0]!.n
    expect(killedRows, "the killed run had staged matches").toBeGreaterThan(0)

    // The next run that stages (here: a shared run cut into slices) removes the dead runs' rows.
    expect(await run(staging.slices("xr:next", 4))).toBe(4)
    expect(await staged()).toEqual(["run:fresh", "xr:held", "xr:next"])
    // A partition of a run whose rows were removed fails instead of reading "no matches".
    await expect(run(staging.read("run:killed", ["zero-bill@1"], 0))).rejects.toThrow()
    await query(sql`DELETE FROM extraction_partitions WHERE run_key IN ('xr:finished', 'xr:held')`)
    await reset()
  }, 60_000)
})
