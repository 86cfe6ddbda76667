/**
 * Crash safety against PostgreSQL (issue 9, item 1): a worker process runs the real services
 * (extraction, manual CSV import, one call closing several items) and is killed with SIGKILL at a
 * seeded random moment after it started; then the state is checked (all of a change or none of
 * it, ledger and items one-to-one, audit chain intact) and the work is re-run to completion and
 * compared with the ground truth of the demo generator's injected patterns.
 *
 * CI: 50 kills per scenario. `WINBACK_HEAVY=1`: 500. `WINBACK_CRASH_KILLS=n` overrides;
 * `WINBACK_CRASH_SEED=s` replays a printed seed.
 */
import { sql } from "drizzle-orm"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { PostgresStorage, type OpenStorage } from "../src/pg/PgStorage"
import { rowsOf } from "../src/pg/Driver"
import { emptyPhases, type KillPhase, type Launcher, prepareLauncher, aimText, prng, Timing, type Worker, WorkerPool } from "./crash/harness"
import {
  callItems,
  demoCustomers,
  expectedExtraction,
  importCsv,
  importTask,
  seed,
  type Seeded,
  T0
} from "./crash/scenario"
import { freshSchemaName, postgresUrl } from "./support"

const heavy = process.env.WINBACK_HEAVY === "1"
const KILLS = Number(process.env.WINBACK_CRASH_KILLS ?? (heavy ? 500 : 50))
const SEED = Number(process.env.WINBACK_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31))
const DAY = 86_400_000
/** Calls per attempt of the call scenario (the kill lands somewhere in the sequence). */
const CALLS = 6
/** Lines of one import (at most). */
const IMPORT_LINES = 120

describe.runIf(postgresUrl !== undefined)("crash safety on PostgreSQL: SIGKILL at random points", () => {
  const schema = freshSchemaName("crash")
  let storage: OpenStorage
  let seeded: Seeded
  let pool: WorkerPool
  let launcher: Launcher | undefined
  const customers = demoCustomers()
  const truth = expectedExtraction(customers)

  const query = <R>(q: ReturnType<typeof sql>) => storage.run(async (db) => rowsOf<R>(await db.execute(q)))
  /**
   * Waits until PostgreSQL has ended the killed worker's connections. A worker killed after sending
   * COMMIT leaves a backend that still commits; until it is gone the outcome is not final.
   */
  const settle = async (w: Worker) => {
    for (let i = 0; i < 500; i++) {
      const n = (await query<{ n: number }>(sql`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = ${w.app}`))[0]!.n
      if (n === 0) return
      await new Promise((ok) => setTimeout(ok, 10))
    }
    throw new Error(`the connections of ${w.app} outlived it by 5 s`)
  }
  const verifyAudit = async () => expect(await Effect.runPromise(storage.stores.audit.verify())).toMatchObject({ ok: true })
  const report = (name: string, kills: number, phases: Record<KillPhase, number>, started: number, spawned: number) =>
    console.log(
      `[crash] ${name}: ${kills} kills survived (seed ${SEED}) in ${((performance.now() - started) / 1000).toFixed(1)} s, ${spawned} workers; ` +
        `died ${Object.entries(phases).map(([p, n]) => `${p} ${n}`).join(", ")}`
    )

  beforeAll(async () => {
    console.log(`[crash] seed ${SEED}, ${KILLS} kills per scenario (replay: WINBACK_CRASH_SEED=${SEED})`)
    storage = await PostgresStorage.open({ url: postgresUrl!, schema })
    seeded = await seed(storage.stores)
    await Effect.runPromise(Effect.forEach(Array.from({ length: KILLS + 1 }, (_, k) => importTask(k)), (t) => storage.stores.tasks.insert(t)))
    launcher = await prepareLauncher()
    console.log(`[crash] workers: ${launcher.mode} (${[launcher.command, ...launcher.args].join(" ")})`)
    pool = new WorkerPool(launcher, { WINBACK_CRASH_URL: postgresUrl!, WINBACK_CRASH_SCHEMA: schema }, launcher.mode === "tsx" ? 2 : 1)
  }, 120_000)

  afterAll(async () => {
    await pool?.close()
    launcher?.dispose()
    await storage?.run((db) => db.execute(sql.raw(`DROP SCHEMA "${schema}" CASCADE`))).catch(() => undefined)
    await storage?.close()
  })

  // ---- extraction ------------------------------------------------------------------------------
  const periodItems = async (period: string) =>
    (
      await query<{ id: string; task_id: string; customer_id: string; assignee_id: string | null; state: string }>(
        sql`SELECT id, task_id, customer_id, assignee_id, state FROM work_items WHERE data->>'period' = ${period}`
      )
    )
  const periodLedger = (period: string) => query<{ customer_id: string; task_id: string }>(sql`SELECT customer_id, task_id FROM hand_out_ledger WHERE period = ${period}`)
  const periodAudits = async (period: string) =>
    Number(
      (await query<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log WHERE data->>'action' = 'extraction.run' AND data->'after'->>'period' = ${period}`))[0]!.n
    )

  /** All of a period or none of it; ledger and items one-to-one. Returns whether it is there. */
  const checkPeriod = async (period: string, why: string): Promise<boolean> => {
    const items = await periodItems(period)
    const ledger = await periodLedger(period)
    const audits = await periodAudits(period)
    if (items.length === 0) {
      expect(ledger, `${why}: ledger without items`).toEqual([])
      expect(audits, `${why}: audit of an unwritten run`).toBe(0)
      return false
    }
    // Exactly the ground truth, one item per ledger entry and one ledger entry per item.
    expect(items.map((w) => `${w.task_id}|${w.customer_id}|${w.assignee_id}`).sort(), `${why}: items`).toEqual(truth)
    expect(ledger.map((l) => `${l.task_id}|${l.customer_id}`).sort(), `${why}: ledger`).toEqual(truth.map((t) => t.split("|").slice(0, 2).join("|")))
    for (const w of items) {
      expect(w.id).toBe(`wi:${w.task_id}:${period}:${w.customer_id}`)
      expect(w.state).toBe("open")
    }
    expect(audits % 3, `${why}: one audit entry per task and run`).toBe(0)
    expect(audits).toBeGreaterThan(0)
    return true
  }

  /**
   * Expires a period's items once checked: an open item in a task keeps its customer from a second
   * one, so without this the next period would hand out nothing (and leave nothing to kill inside).
   */
  const expirePeriod = async (period: string) => {
    const ids = (await periodItems(period)).map((r) => r.id)
    const items = await Effect.runPromise(storage.stores.workItems.getMany(ids))
    await Effect.runPromise(Effect.forEach(items, (w) => storage.stores.workItems.update({ ...w, state: "expired", nextAttemptAt: null }, w.version), { discard: true }))
  }

  it(`an extraction killed ${KILLS} times: each period all or nothing, a re-run completes it to the ground truth`, async () => {
    expect(truth.length).toBeGreaterThan(30)
    const started = performance.now()
    const rng = prng(SEED)
    const phases = emptyPhases()
    const extract = (k: number) => ({ op: "extract" as const, period: `p${k}`, clockMs: T0 + k * 31 * DAY, actorId: seeded.director })
    const before = pool.spawned
    const timing = new Timing()
    let w: Worker = await pool.take()
    // A clean run first: the ground truth holds, and it shows where the run spends its time.
    expect(await w.run(extract(0), timing)).toEqual({ created: truth.length })
    expect(await checkPeriod("p0", "clean run")).toBe(true)
    await expirePeriod("p0")
    let survived = 0
    try {
      for (let k = 1; k <= KILLS; k++) {
        const delay = timing.delay(rng)
        const why = `kill ${k} (seed ${SEED}, ${aimText(delay)})`
        const { phase } = await w.killDuring(extract(k), delay, timing)
        await settle(w)
        phases[phase]++
        const written = await checkPeriod(`p${k}`, `${why}, died ${phase}`)
        if (phase === "before-transaction" || phase === "inside-transaction") expect(written, why).toBe(false)
        if (phase === "after-commit") expect(written, why).toBe(true)
        await verifyAudit()
        // Re-run to completion in a fresh worker (it then runs the next attempt, and dies in it).
        w = await pool.take()
        expect(await w.run(extract(k), written ? undefined : timing), why).toEqual({ created: written ? 0 : truth.length })
        expect(await checkPeriod(`p${k}`, `${why}, re-run`)).toBe(true)
        await expirePeriod(`p${k}`)
        survived++
      }
      await w.stop()
      // Nobody handed out twice in any period, anywhere.
      expect(await query(sql`SELECT customer_id, data->>'period' AS period FROM work_items WHERE data->>'period' LIKE 'p%' GROUP BY 1, 2 HAVING count(*) > 1`)).toEqual([])
      expect(await query(sql`SELECT customer_id, period FROM hand_out_ledger GROUP BY 1, 2 HAVING count(*) > 1`)).toEqual([])
      // Every ledger entry of every period has its item (and the counts agree).
      expect(await query(sql`SELECT l.customer_id, l.period FROM hand_out_ledger l LEFT JOIN work_items w ON w.id = 'wi:' || l.task_id || ':' || l.period || ':' || l.customer_id WHERE w.id IS NULL`)).toEqual([])
      const [counts] = await query<{ items: number; ledger: number }>(
        sql`SELECT (SELECT count(*)::int FROM work_items WHERE data->>'period' LIKE 'p%') AS items, (SELECT count(*)::int FROM hand_out_ledger) AS ledger`
      )
      expect(counts).toEqual({ items: (KILLS + 1) * truth.length, ledger: (KILLS + 1) * truth.length })
      await verifyAudit()
      // With enough kills some must land inside the write transaction (60% of the delays aim there).
      if (KILLS >= 20) expect(phases["inside-transaction"], "some kills must land inside the write transaction").toBeGreaterThan(0)
    } finally {
      report("extraction", survived, phases, started, pool.spawned - before)
    }
  }, KILLS * 6_000 + 120_000)

  // ---- manual CSV import -----------------------------------------------------------------------
  it(`a manual CSV import killed ${KILLS} times: all lines or none, a re-run imports every line`, async () => {
    const started = performance.now()
    const rng = prng(SEED + 1)
    const phases = emptyPhases()
    // The leader imports customers of the own team (an import refuses customers outside its scope).
    const ids = customers
      .filter((c) => seeded.agents.includes(c.customer.ownerManagerId ?? ""))
      .slice(0, IMPORT_LINES)
      .map((c) => c.customer.id)
    const csv = importCsv(ids)
    // Round robin in file order over the picked agents, written out independently of the service.
    const expected = ids.map((c, i) => `${c}|${seeded.agents[i % seeded.agents.length]}`).sort()
    const imp = (k: number) => ({ op: "import" as const, taskId: `t-imp-${k}`, csv, agentIds: seeded.agents, clockMs: T0 + k * 1000, actorId: seeded.leader })
    const taskState = async (k: number, why: string): Promise<boolean> => {
      const items = await query<{ customer_id: string; assignee_id: string; state: string }>(
        sql`SELECT customer_id, assignee_id, state FROM work_items WHERE task_id = ${`t-imp-${k}`}`
      )
      const audits = Number((await query<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log WHERE data->>'action' = 'task.import' AND data->>'recordId' = ${`t-imp-${k}`}`))[0]!.n)
      if (items.length === 0) {
        expect(audits, `${why}: audit of an unwritten import`).toBe(0)
        return false
      }
      expect(items.map((w) => `${w.customer_id}|${w.assignee_id}`).sort(), `${why}: items`).toEqual(expected)
      expect(audits, `${why}: audit entries`).toBe(1)
      return true
    }
    const before = pool.spawned
    const timing = new Timing()
    let w: Worker = await pool.take()
    expect(await w.run(imp(0), timing)).toMatchObject({ items: ids.length })
    expect(await taskState(0, "clean import")).toBe(true)
    let survived = 0
    try {
      for (let k = 1; k <= KILLS; k++) {
        const delay = timing.delay(rng)
        const why = `kill ${k} (seed ${SEED + 1}, ${aimText(delay)})`
        const { phase } = await w.killDuring(imp(k), delay, timing)
        await settle(w)
        phases[phase]++
        const written = await taskState(k, `${why}, died ${phase}`)
        if (phase === "before-transaction" || phase === "inside-transaction") expect(written, why).toBe(false)
        if (phase === "after-commit") expect(written, why).toBe(true)
        await verifyAudit()
        w = await pool.take()
        // An import is not idempotent by design (a second import is a second list): re-run only what died unwritten.
        if (!written) expect(await w.run(imp(k), timing), why).toMatchObject({ items: ids.length })
        expect(await taskState(k, `${why}, re-run`)).toBe(true)
        survived++
      }
      await w.stop()
      await verifyAudit()
      if (KILLS >= 20) expect(phases["inside-transaction"]).toBeGreaterThan(0)
    } finally {
      report("manual import", survived, phases, started, pool.spawned - before)
    }
  }, KILLS * 6_000 + 120_000)

  // ---- one call, many items ----------------------------------------------------------------------
  it(`calls closing three items each, killed ${KILLS} times: a call and all its completions, or none`, async () => {
    const started = performance.now()
    const rng = prng(SEED + 2)
    const phases = emptyPhases()
    const attemptOf = (k: number) =>
      Array.from({ length: CALLS }, (_, j) => {
        const customerId = customers[(k * CALLS + j) % customers.length]!.customer.id
        return { customerId, items: callItems(k, j, customerId, seeded) }
      })
    const prepare = async (k: number) => {
      const calls = attemptOf(k)
      await Effect.runPromise(storage.stores.workItems.insertMany(calls.flatMap((c) => c.items)))
      return calls
    }
    const command = (k: number, calls: ReturnType<typeof attemptOf>) => ({
      op: "calls" as const,
      calls: calls.map((c) => ({ customerId: c.customerId, itemIds: c.items.map((i) => i.id) })),
      clockMs: T0 + k * 60_000,
      actorId: seeded.leader
    })
    /** Per call of the attempt: whether it happened; checks all-or-none. */
    const callState = async (calls: ReturnType<typeof attemptOf>, why: string): Promise<Array<boolean>> => {
      const out: Array<boolean> = []
      for (const c of calls) {
        const ids = c.items.map((i) => i.id)
        const records = (await query<{ serial_number: string; data: { workItemIds: Array<string> } }>(sql`SELECT serial_number, data FROM call_records WHERE customer_id = ${c.customerId}`)).filter(
          (r) => r.data.workItemIds.some((id) => ids.includes(id))
        )
        const items = await Effect.runPromise(storage.stores.workItems.getMany(ids))
        expect(items, why).toHaveLength(3)
        expect(records.length, `${why}: call records of ${ids[0]}`).toBeLessThanOrEqual(1)
        if (records.length === 1) {
          const serial = records[0]!.serial_number
          expect([...records[0]!.data.workItemIds].sort(), why).toEqual([...ids].sort())
          for (const i of items) expect({ state: i.state, callSerial: i.callSerial, disposition: i.disposition }, `${why}: ${i.id}`).toEqual({ state: "completed", callSerial: serial, disposition: "completed" })
          const audits = await query(sql`SELECT seq FROM audit_log WHERE data->>'action' = 'call.record' AND data->>'recordId' = ${serial}`)
          expect(audits, `${why}: audit of call ${serial}`).toHaveLength(1)
          out.push(true)
        } else {
          for (const i of items) expect({ state: i.state, callSerial: i.callSerial, version: i.version }, `${why}: ${i.id} half-closed`).toEqual({ state: "open", callSerial: null, version: 1 })
          out.push(false)
        }
      }
      return out
    }
    const before = pool.spawned
    const timing = new Timing()
    let w: Worker = await pool.take()
    const first = await prepare(0)
    expect(((await w.run(command(0, first), timing)) as { serials: Array<string> }).serials).toHaveLength(CALLS)
    expect(await callState(first, "clean run")).toEqual(first.map(() => true))
    let interrupted = 0
    let survived = 0
    try {
      for (let k = 1; k <= KILLS; k++) {
        const calls = await prepare(k)
        const delay = timing.delay(rng)
        const why = `kill ${k} (seed ${SEED + 2}, ${aimText(delay)})`
        const { phase } = await w.killDuring(command(k, calls), delay, timing)
        await settle(w)
        phases[phase]++
        const done = await callState(calls, `${why}, died ${phase}`)
        // Calls run one after another: the done ones are a prefix.
        expect(done, why).toEqual([...done].sort((a, b) => Number(b) - Number(a)))
        await verifyAudit()
        w = await pool.take()
        const rest = calls.filter((_, j) => !done[j])
        if (rest.length > 0) {
          interrupted++
          expect(((await w.run(command(k, rest), rest.length === CALLS ? timing : undefined)) as { serials: Array<string> }).serials, why).toHaveLength(rest.length)
        }
        expect(await callState(calls, `${why}, re-run`)).toEqual(calls.map(() => true))
        survived++
      }
      await w.stop()
      await verifyAudit()
      if (KILLS >= 20) expect(interrupted).toBeGreaterThan(0)
    } finally {
      report("one call, many items", survived, phases, started, pool.spawned - before)
    }
  }, KILLS * 6_000 + 120_000)
})
