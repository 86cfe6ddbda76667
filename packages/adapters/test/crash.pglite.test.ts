/**
 * Crash safety on the embedded default (issue 15): the same worker as the PostgreSQL crash test,
 * in its embedded mode, opens the PGlite data directory for each command and runs the real
 * services (extraction, manual CSV import, calls closing several items); it is SIGKILLed at a
 * seeded random moment after it started — while PGlite opens the directory, before, inside or just
 * after the write transaction. Then this process reopens the directory (it must open every time:
 * the data-directory lock is freed by the kernel, and PGlite must recover from its WAL), checks that
 * nothing is partial (all of a change or none of it, ledger and items one-to-one), verifies the
 * audit chain, re-runs the work to completion, and closes the directory for the next kill.
 *
 * PGlite starts in seconds, not milliseconds, so CI runs 20 + 15 + 15 kills. `WINBACK_HEAVY=1`:
 * 200 + 150 + 150. `WINBACK_CRASH_KILLS=n` sets every scenario to n; `WINBACK_CRASH_SEED=s`
 * replays a printed seed.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { sql } from "drizzle-orm"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { rowsOf } from "../src/pg/Driver"
import { PgliteStorage, type OpenStorage } from "../src/pg/PgStorage"
import { emptyPhases, type KillPhase, type Launcher, prepareLauncher, aimText, prng, Timing, type Worker, WorkerPool } from "./crash/harness"
import {
  callItems,
  type Command,
  crashRuntime,
  demoCustomers,
  expectedExtraction,
  importCsv,
  importTask,
  runCommand,
  seed,
  type Seeded,
  T0
} from "./crash/scenario"

const heavy = process.env.WINBACK_HEAVY === "1"
const override = process.env.WINBACK_CRASH_KILLS === undefined ? undefined : Number(process.env.WINBACK_CRASH_KILLS)
const KILLS = {
  extract: override ?? (heavy ? 200 : 20),
  import: override ?? (heavy ? 150 : 15),
  calls: override ?? (heavy ? 150 : 15)
}
const SEED = Number(process.env.WINBACK_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31))
const DAY = 86_400_000
/** Calls per attempt of the call scenario (the kill lands somewhere in the sequence). */
const CALLS = 6
/** Lines of one import (at most). */
const IMPORT_LINES = 120
/** Per kill: a worker opening the directory and working, then this process reopening it and re-running. */
const PER_KILL_MS = 20_000

describe("crash safety on the embedded default (PGlite data directory): SIGKILL at random points", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "winback-crash-pglite-"))
  let seeded: Seeded
  let pool: WorkerPool
  let launcher: Launcher | undefined
  const customers = demoCustomers()
  const truth = expectedExtraction(customers)
  const callAttempt = (k: number) =>
    Array.from({ length: CALLS }, (_, j) => {
      const customerId = customers[(k * CALLS + j) % customers.length]!.customer.id
      return { customerId, items: callItems(k, j, customerId, seeded) }
    })

  /**
   * Opens the directory in this process (the killed worker's lock must be gone and PGlite must
   * recover), runs `body`, verifies the audit chain and closes it again.
   */
  const withDirectory = async <A>(why: string, body: (storage: OpenStorage) => Promise<A>): Promise<A> => {
    const storage = await PgliteStorage.open({ dataDir }).catch((e: unknown) => {
      throw new Error(`${why}: the data directory does not open: ${String(e)}`)
    })
    try {
      const out = await body(storage)
      expect(await Effect.runPromise(storage.stores.audit.verify()), `${why}: audit chain`).toMatchObject({ ok: true })
      return out
    } finally {
      await storage.close()
    }
  }
  /** Runs a command to its end in this process, on the open directory (the re-run after a kill). */
  const rerun = async (storage: OpenStorage, cmd: Command) => {
    const runtime = crashRuntime(storage, storage.stores)
    try {
      return await runCommand(runtime, cmd)
    } finally {
      await runtime.dispose()
    }
  }
  const query = <R>(storage: OpenStorage, q: ReturnType<typeof sql>) => storage.run(async (db) => rowsOf<R>(await db.execute(q)))
  const count = async (storage: OpenStorage, q: ReturnType<typeof sql>) => Number((await query<{ n: number }>(storage, q))[0]!.n)
  const report = (name: string, kills: number, phases: Record<KillPhase, number>, started: number) =>
    console.log(
      `[crash/pglite] ${name}: ${kills} kills survived (seed ${SEED}) in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
        `died ${Object.entries(phases).map(([p, n]) => `${p} ${n}`).join(", ")}`
    )
  /** Kills a worker during `cmd` after a delay drawn from `timing`, and waits until it is gone. */
  const killOne = async (cmd: Command, timing: Timing, rng: () => number, phases: Record<KillPhase, number>) => {
    const w: Worker = await pool.take()
    const delay = timing.delay(rng)
    const { phase } = await w.killDuring(cmd, delay, timing)
    phases[phase]++
    return { phase, delay }
  }

  beforeAll(async () => {
    console.log(`[crash/pglite] seed ${SEED}, kills ${JSON.stringify(KILLS)} (replay: WINBACK_CRASH_SEED=${SEED}); directory ${dataDir}`)
    const storage = await PgliteStorage.open({ dataDir })
    try {
      seeded = await seed(storage.stores)
      await Effect.runPromise(Effect.forEach(Array.from({ length: KILLS.import + 1 }, (_, k) => importTask(k)), (t) => storage.stores.tasks.insert(t)))
      // Every attempt's open items up front: the directory is the worker's while it runs.
      await Effect.runPromise(storage.stores.workItems.insertMany(Array.from({ length: KILLS.calls + 1 }, (_, k) => callAttempt(k).flatMap((c) => c.items)).flat()))
    } finally {
      await storage.close()
    }
    launcher = await prepareLauncher()
    console.log(`[crash/pglite] workers: ${launcher.mode}`)
    pool = new WorkerPool(launcher, { WINBACK_CRASH_DATADIR: dataDir }, 1)
  }, 180_000)

  afterAll(async () => {
    await pool?.close()
    launcher?.dispose()
    rmSync(dataDir, { recursive: true, force: true })
  })

  // ---- extraction (the daily run) ------------------------------------------------------------------
  /** All of a period or none of it; ledger and items one-to-one. Returns whether it is there. */
  const checkPeriod = async (storage: OpenStorage, period: string, why: string): Promise<boolean> => {
    const items = await query<{ id: string; task_id: string; customer_id: string; assignee_id: string | null; state: string }>(
      storage,
      sql`SELECT id, task_id, customer_id, assignee_id, state FROM work_items WHERE data->>'period' = ${period}`
    )
    const ledger = await query<{ customer_id: string; task_id: string }>(storage, sql`SELECT customer_id, task_id FROM hand_out_ledger WHERE period = ${period}`)
    const audits = await count(storage, sql`SELECT count(*)::int AS n FROM audit_log WHERE data->>'action' = 'extraction.run' AND data->'after'->>'period' = ${period}`)
    if (items.length === 0) {
      expect(ledger, `${why}: ledger without items`).toEqual([])
      expect(audits, `${why}: audit of an unwritten run`).toBe(0)
      return false
    }
    // The injected patterns' ground truth (task and customer). Who gets each item is the pipeline's
    // business (tested elsewhere); here the point is that a period is whole.
    expect(items.map((w) => `${w.task_id}|${w.customer_id}`).sort(), `${why}: items`).toEqual(truth.map((t) => t.split("|").slice(0, 2).join("|")))
    expect(ledger.map((l) => `${l.task_id}|${l.customer_id}`).sort(), `${why}: ledger`).toEqual(truth.map((t) => t.split("|").slice(0, 2).join("|")))
    for (const w of items) expect(w.id).toBe(`wi:${w.task_id}:${period}:${w.customer_id}`)
    expect(audits % 3, `${why}: one audit entry per task and run`).toBe(0)
    expect(audits).toBeGreaterThan(0)
    return true
  }

  /**
   * Expires a period's items once checked: an open item in a task keeps its customer from a second
   * one, so without this the next period would hand out nothing (and leave nothing to kill inside).
   */
  const expirePeriod = async (s: OpenStorage, period: string) => {
    const ids = (await query<{ id: string }>(s, sql`SELECT id FROM work_items WHERE data->>'period' = ${period}`)).map((r) => r.id)
    const items = await Effect.runPromise(s.stores.workItems.getMany(ids))
    await Effect.runPromise(Effect.forEach(items, (w) => s.stores.workItems.update({ ...w, state: "expired", nextAttemptAt: null }, w.version), { discard: true }))
  }

  it(`a daily run (extraction) killed ${KILLS.extract} times: the directory opens, each period all or nothing, a re-run completes it`, async () => {
    expect(truth.length).toBeGreaterThan(30)
    const started = performance.now()
    const rng = prng(SEED)
    const phases = emptyPhases()
    const extract = (k: number) => ({ op: "extract" as const, period: `p${k}`, clockMs: T0 + k * 31 * DAY, actorId: seeded.director })
    const timing = new Timing()
    // A clean run in a worker first: the ground truth holds, and it shows where the run spends its time.
    const first = await pool.take()
    expect(await first.run(extract(0), timing)).toEqual({ created: truth.length })
    await first.stop()
    await withDirectory("clean run", async (s) => {
      expect(await checkPeriod(s, "p0", "clean run")).toBe(true)
      await expirePeriod(s, "p0")
    })
    let survived = 0
    try {
      for (let k = 1; k <= KILLS.extract; k++) {
        const { phase, delay } = await killOne(extract(k), timing, rng, phases)
        const why = `extraction kill ${k} (seed ${SEED}, ${aimText(delay)}, died ${phase})`
        await withDirectory(why, async (s) => {
          const written = await checkPeriod(s, `p${k}`, why)
          if (phase === "during-open" || phase === "before-transaction" || phase === "inside-transaction") expect(written, why).toBe(false)
          if (phase === "after-commit") expect(written, why).toBe(true)
          expect(await rerun(s, extract(k)), why).toEqual({ created: written ? 0 : truth.length })
          expect(await checkPeriod(s, `p${k}`, `${why}, re-run`)).toBe(true)
          await expirePeriod(s, `p${k}`)
        })
        survived++
      }
      await withDirectory("after every kill", async (s) => {
        expect(await query(s, sql`SELECT customer_id, period FROM hand_out_ledger GROUP BY 1, 2 HAVING count(*) > 1`)).toEqual([])
        expect(
          await query(s, sql`SELECT l.customer_id, l.period FROM hand_out_ledger l LEFT JOIN work_items w ON w.id = 'wi:' || l.task_id || ':' || l.period || ':' || l.customer_id WHERE w.id IS NULL`)
        ).toEqual([])
        expect(await count(s, sql`SELECT count(*)::int AS n FROM work_items WHERE data->>'period' LIKE 'p%'`)).toBe((KILLS.extract + 1) * truth.length)
      })
      if (KILLS.extract >= 20) expect(phases["inside-transaction"], "some kills must land inside the write transaction").toBeGreaterThan(0)
    } finally {
      report("daily run (extraction)", survived, phases, started)
    }
  }, KILLS.extract * PER_KILL_MS + 120_000)

  // ---- manual CSV import -------------------------------------------------------------------------
  it(`a manual CSV import killed ${KILLS.import} times: the directory opens, all lines or none, a re-run imports every line`, async () => {
    const started = performance.now()
    const rng = prng(SEED + 1)
    const phases = emptyPhases()
    // The leader imports customers of the own team (an import refuses customers outside its scope).
    const ids = customers
      .filter((c) => seeded.agents.includes(c.customer.ownerManagerId ?? ""))
      .slice(0, IMPORT_LINES)
      .map((c) => c.customer.id)
    const csv = importCsv(ids)
    // Every line, each to one of the picked agents (how they are spread is tested elsewhere).
    const imp = (k: number) => ({ op: "import" as const, taskId: `t-imp-${k}`, csv, agentIds: seeded.agents, clockMs: T0 + k * 1000, actorId: seeded.leader })
    const imported = async (s: OpenStorage, k: number, why: string): Promise<boolean> => {
      const items = await query<{ customer_id: string; assignee_id: string }>(s, sql`SELECT customer_id, assignee_id FROM work_items WHERE task_id = ${`t-imp-${k}`}`)
      const audits = await count(s, sql`SELECT count(*)::int AS n FROM audit_log WHERE data->>'action' = 'task.import' AND data->>'recordId' = ${`t-imp-${k}`}`)
      if (items.length === 0) {
        expect(audits, `${why}: audit of an unwritten import`).toBe(0)
        return false
      }
      expect(items.map((w) => w.customer_id).sort(), `${why}: items`).toEqual([...ids].sort())
      for (const w of items) expect(seeded.agents, `${why}: ${w.customer_id} assigned outside the picked agents`).toContain(w.assignee_id)
      expect(audits, `${why}: audit entries`).toBe(1)
      return true
    }
    const timing = new Timing()
    const first = await pool.take()
    expect(await first.run(imp(0), timing)).toMatchObject({ items: ids.length })
    await first.stop()
    await withDirectory("clean import", async (s) => expect(await imported(s, 0, "clean import")).toBe(true))
    let survived = 0
    try {
      for (let k = 1; k <= KILLS.import; k++) {
        const { phase, delay } = await killOne(imp(k), timing, rng, phases)
        const why = `import kill ${k} (seed ${SEED + 1}, ${aimText(delay)}, died ${phase})`
        await withDirectory(why, async (s) => {
          const written = await imported(s, k, why)
          if (phase === "during-open" || phase === "before-transaction" || phase === "inside-transaction") expect(written, why).toBe(false)
          if (phase === "after-commit") expect(written, why).toBe(true)
          // An import is not idempotent by design (a second import is a second list): re-run only what died unwritten.
          if (!written) expect(await rerun(s, imp(k)), why).toMatchObject({ items: ids.length })
          expect(await imported(s, k, `${why}, re-run`)).toBe(true)
        })
        survived++
      }
    } finally {
      report("manual import", survived, phases, started)
    }
  }, KILLS.import * PER_KILL_MS + 120_000)

  // ---- calls, each closing three items -----------------------------------------------------------
  it(`calls closing three items each, killed ${KILLS.calls} times: the directory opens, a call and all its completions or none`, async () => {
    const started = performance.now()
    const rng = prng(SEED + 2)
    const phases = emptyPhases()
    const command = (k: number, calls: ReturnType<typeof callAttempt>) => ({
      op: "calls" as const,
      calls: calls.map((c) => ({ customerId: c.customerId, itemIds: c.items.map((i) => i.id) })),
      clockMs: T0 + k * 60_000,
      actorId: seeded.leader
    })
    /** Per call of the attempt: whether it happened; checks all-or-none. */
    const callState = async (s: OpenStorage, calls: ReturnType<typeof callAttempt>, why: string): Promise<Array<boolean>> => {
      const out: Array<boolean> = []
      for (const c of calls) {
        const ids = c.items.map((i) => i.id)
        const records = (await query<{ serial_number: string; data: { workItemIds: Array<string> } }>(s, sql`SELECT serial_number, data FROM call_records WHERE customer_id = ${c.customerId}`)).filter(
          (r) => r.data.workItemIds.some((id) => ids.includes(id))
        )
        const items = await Effect.runPromise(s.stores.workItems.getMany(ids))
        expect(items, why).toHaveLength(3)
        expect(records.length, `${why}: call records of ${ids[0]}`).toBeLessThanOrEqual(1)
        if (records.length === 1) {
          const serial = records[0]!.serial_number
          expect([...records[0]!.data.workItemIds].sort(), why).toEqual([...ids].sort())
          for (const i of items) expect({ state: i.state, callSerial: i.callSerial, disposition: i.disposition }, `${why}: ${i.id}`).toEqual({ state: "completed", callSerial: serial, disposition: "completed" })
          expect(await count(s, sql`SELECT count(*)::int AS n FROM audit_log WHERE data->>'action' = 'call.record' AND data->>'recordId' = ${serial}`), `${why}: audit of call ${serial}`).toBe(1)
          out.push(true)
        } else {
          for (const i of items) expect({ state: i.state, callSerial: i.callSerial, version: i.version }, `${why}: ${i.id} half-closed`).toEqual({ state: "open", callSerial: null, version: 1 })
          out.push(false)
        }
      }
      return out
    }
    const timing = new Timing()
    const first = await pool.take()
    const clean = callAttempt(0)
    expect(((await first.run(command(0, clean), timing)) as { serials: Array<string> }).serials).toHaveLength(CALLS)
    await first.stop()
    await withDirectory("clean calls", async (s) => expect(await callState(s, clean, "clean calls")).toEqual(clean.map(() => true)))
    let interrupted = 0
    let survived = 0
    try {
      for (let k = 1; k <= KILLS.calls; k++) {
        const calls = callAttempt(k)
        const { phase, delay } = await killOne(command(k, calls), timing, rng, phases)
        const why = `calls kill ${k} (seed ${SEED + 2}, ${aimText(delay)}, died ${phase})`
        await withDirectory(why, async (s) => {
          const done = await callState(s, calls, why)
          // Calls run one after another: the done ones are a prefix.
          expect(done, why).toEqual([...done].sort((a, b) => Number(b) - Number(a)))
          if (phase === "during-open") expect(done, why).toEqual(calls.map(() => false))
          const rest = calls.filter((_, j) => !done[j])
          if (rest.length > 0) {
            interrupted++
            expect(((await rerun(s, command(k, rest))) as { serials: Array<string> }).serials, why).toHaveLength(rest.length)
          }
          expect(await callState(s, calls, `${why}, re-run`)).toEqual(calls.map(() => true))
        })
        survived++
      }
      if (KILLS.calls >= 15) expect(interrupted).toBeGreaterThan(0)
    } finally {
      report("calls", survived, phases, started)
    }
  }, KILLS.calls * PER_KILL_MS + 120_000)
})
