/**
 * The embedded default (PGlite) at 100,000 demo customers, as a user meets it:
 *  1. `WINBACK_DEMO_CUSTOMERS=100000 pnpm start` in a fresh data directory: seconds until the server
 *     listens (the demo seeded with the bulk loader), and the data directory's size (pg_wal apart);
 *  2. the daily job through the running server (`POST /api/jobs/run-daily` as the region director, an
 *     admin), timed, while a probe GETs `/api/me` every 250 ms: does the server answer during the run,
 *     and how slowly;
 *  3. the anchor, in the same run: the stores' batched upserts (what seeding did before) on the
 *     same demo at a small size in its own data directory, as customers per second and the minutes
 *     that rate would take for 100k.
 *
 *   pnpm exec tsx --conditions=@winback/source bench/demo/embedded100k.ts [customers=100000]
 */
import { spawn } from "node:child_process"
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs"
import { loadavg, tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { PgliteStorage } from "@winback/adapters"
import { seedDemoData } from "@winback/core/demo"
import type { Goal, SectionResult } from "../goals"

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..")

/** Bytes under `dir`, and under its `pg_wal`. */
const sizeOf = (dir: string): number => {
  let total = 0
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    total += e.isDirectory() ? sizeOf(p) : statSync(p).size
  }
  return total
}
const mb = (bytes: number) => `${Math.round(bytes / 2 ** 20).toLocaleString("en")} MB`
const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`
const load = () => loadavg()[0]!.toFixed(2)

/**
 * CPU seconds used so far by `pid` and its descendants (Linux /proc; NaN elsewhere): a figure that,
 * unlike the wall time, does not grow with the machine's load.
 */
const cpuSecondsOfTree = (pid: number): number => {
  try {
    const stats = readdirSync("/proc")
      .filter((d) => /^\d+$/.test(d))
      .flatMap((d) => {
        try {
          const f = readFileSync(`/proc/${d}/stat`, "utf8")
          const rest = f.slice(f.lastIndexOf(")") + 2).split(" ")
          return [{ pid: Number(d), ppid: Number(rest[1]), ticks: Number(rest[11]) + Number(rest[12]) }]
        } catch {
          return []
        }
      })
    const tree = new Set([pid])
    for (let grew = true; grew; ) {
      grew = false
      for (const p of stats) if (!tree.has(p.pid) && tree.has(p.ppid)) (tree.add(p.pid), (grew = true))
    }
    return stats.filter((p) => tree.has(p.pid)).reduce((a, p) => a + p.ticks, 0) / 100
  } catch {
    return Number.NaN
  }
}

interface Started {
  readonly url: string
  readonly director: string
  readonly approver: string
  readonly password: string
  readonly readyMs: number
  /** CPU seconds the server's processes used until ready. */
  readonly readyCpu: number
  /** CPU seconds the server's processes have used so far. */
  readonly cpu: () => number
  readonly stop: () => Promise<void>
}

/** Starts the reference server as `pnpm start` does (tsx on src/main.ts) and waits until it listens. */
const startServer = (dataDir: string, customers: number, port?: number): Promise<Started> =>
  new Promise((resolve, reject) => {
    const t0 = performance.now()
    // One process (node with tsx's loader, as `pnpm start`'s tsx runs it), so stopping it stops the server.
    const child = spawn(process.execPath, ["--import", "tsx", "--conditions=@winback/source", "src/main.ts"], {
      cwd: join(root, "examples", "reference-server"),
      env: { ...process.env, WINBACK_DEMO_CUSTOMERS: String(customers), WINBACK_DATA_DIR: dataDir, PORT: String(port ?? 0), HOST: "127.0.0.1" },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let out = ""
    let err = ""
    let url: string | undefined
    const exited = new Promise<void>((r) => child.once("exit", () => r()))
    const stop = async () => {
      child.kill("SIGTERM")
      await exited
    }
    child.stderr.on("data", (d: Buffer) => (err += d.toString()))
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString()
      url ??= /listening on (http:\/\/\S+)/.exec(out)?.[1]
      const director = /^\s+director\s+(\S+)/m.exec(out)?.[1]
      const approver = /^\s+approver\s+(\S+)/m.exec(out)?.[1]
      const password = /password for every demo login: ([^)]+)\)/.exec(out)?.[1]
      if (url && director && approver && password && /API: /.test(out)) resolve({ url, director, approver, password, readyMs: performance.now() - t0, readyCpu: cpuSecondsOfTree(child.pid!), cpu: () => cpuSecondsOfTree(child.pid!), stop })
    })
    child.once("exit", (code) => reject(new Error(`server exited (${code}) before it was ready:\n${out.slice(-2000)}\n${err.slice(-2000)}`)))
  })

interface DailyRun {
  readonly ms: number
  readonly ok: boolean
  readonly steps: string
  readonly probes: number
  readonly answered: number
  readonly maxProbeMs: number
  readonly medianProbeMs: number
  /** The longest stretch of the run with no probe answer. */
  readonly longestSilenceMs: number
}

const loginAs = async (s: Started, login: string): Promise<{ authorization: string }> => {
  const r = await fetch(`${s.url}/api/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ login, password: s.password }) })
  if (!r.ok) throw new Error(`login failed: ${r.status} ${await r.text()}`)
  return { authorization: `Bearer ${((await r.json()) as { token: string }).token}` }
}

/**
 * The demo's alert task awaiting approval ("Win-back: zero bill this month", daily) approved by the
 * demo approver, so the daily run has an extraction over every customer to do. Answers the ms taken.
 */
const approveDemoAlertTask = async (s: Started): Promise<number> => {
  const auth = await loginAs(s, s.approver)
  const t0 = performance.now()
  const r = await fetch(`${s.url}/api/tasks/demo-win-back-zero-bill/approve`, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ comment: "bench" }) })
  if (!r.ok) throw new Error(`approve failed: ${r.status} ${await r.text()}`)
  return performance.now() - t0
}

/** Runs the daily job through the server while probing `GET /api/me` every 250 ms. */
const dailyWithProbe = async (s: Started): Promise<DailyRun> => {
  const auth = await loginAs(s, s.director)
  const latencies: Array<number> = []
  const answeredAt: Array<number> = []
  let running = true
  const t0 = performance.now()
  const probe = (async () => {
    let sent = 0
    while (running && sent < 2400) {
      sent++
      const p0 = performance.now()
      const r = await fetch(`${s.url}/api/me`, { headers: auth }).catch(() => undefined)
      if (r?.ok) {
        await r.arrayBuffer()
        latencies.push(performance.now() - p0)
        answeredAt.push(performance.now() - t0)
      }
      await new Promise((res) => setTimeout(res, 250))
    }
    return sent
  })()
  const r = await fetch(`${s.url}/api/jobs/run-daily`, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: "{}" })
  const ms = performance.now() - t0
  running = false
  const body = (await r.json()) as { ok?: boolean; steps?: Array<{ name: string; outcome: string; ms: number; counts: Record<string, number> }> }
  const probes = await probe
  const sorted = [...latencies].sort((a, b) => a - b)
  let silence = 0
  let last = 0
  for (const at of answeredAt.filter((a) => a <= ms)) {
    silence = Math.max(silence, at - last)
    last = at
  }
  silence = Math.max(silence, ms - last)
  return {
    ms,
    ok: r.ok && body.ok === true,
    steps: (body.steps ?? []).map((x) => `${x.name} ${x.outcome} ${sec(x.ms)} ${JSON.stringify(x.counts)}`).join("; "),
    probes,
    answered: latencies.length,
    maxProbeMs: sorted.at(-1) ?? Number.NaN,
    medianProbeMs: sorted[Math.floor(sorted.length / 2)] ?? Number.NaN,
    longestSilenceMs: silence
  }
}

/** The anchor: the stores' batched upserts (the seeding before the bulk loader), customers per second. */
const anchorRate = async (customers: number): Promise<{ perSecond: number; ms: number }> => {
  const dir = mkdtempSync(join(tmpdir(), "winback-embedded-anchor-"))
  try {
    const storage = await PgliteStorage.open({ dataDir: dir })
    const t0 = performance.now()
    await seedDemoData(storage.stores, { seed: 1, customers, asOf: "2026-11-25" }, { batchSize: 250 })
    const ms = performance.now() - t0
    await storage.close()
    return { perSecond: customers / (ms / 1000), ms }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * Runs the section: time to ready and size at `customers`, the daily run with its probe, and the
 * anchor at `anchorCustomers`.
 *
 * @example
 * ```ts
 * const { markdown } = await runEmbeddedBench({ customers: 100_000 })
 * ```
 */
export const runEmbeddedBench = async (o: { readonly customers: number; readonly anchorCustomers?: number; readonly port?: number }): Promise<SectionResult> => {
  const anchorCustomers = o.anchorCustomers ?? Math.min(2000, o.customers)
  const dataDir = mkdtempSync(join(tmpdir(), "winback-embedded-"))
  const lines: Array<string> = []
  const log = (l: string) => {
    console.log(l)
    lines.push(l)
  }
  try {
    const loadBefore = load()
    const server = await startServer(dataDir, o.customers, o.port)
    const loadAfterStart = load()
    const size = sizeOf(dataDir)
    const wal = sizeOf(join(dataDir, "pg_wal"))
    log(`ready: ${sec(server.readyMs)} (${server.readyCpu.toFixed(0)} CPU s) for ${o.customers.toLocaleString("en")} customers (load ${loadBefore} → ${loadAfterStart}); data directory ${mb(size)} (pg_wal ${mb(wal)})`)
    let daily: DailyRun
    let approveMs: number
    let dailyCpu = Number.NaN
    try {
      approveMs = await approveDemoAlertTask(server)
      log(`approved the demo's daily alert task (zero bill) in ${sec(approveMs)}`)
      const cpu0 = server.cpu()
      daily = await dailyWithProbe(server)
      dailyCpu = server.cpu() - cpu0
    } finally {
      await server.stop()
    }
    const loadAfterDaily = load()
    const sizeAfter = sizeOf(dataDir)
    log(
      `daily run: ${sec(daily.ms)} (${dailyCpu.toFixed(0)} CPU s; ok ${daily.ok}; load ${loadAfterDaily}); probe GET /api/me answered ${daily.answered} of ${daily.probes}, ` +
        `median ${daily.medianProbeMs.toFixed(0)} ms, max ${daily.maxProbeMs.toFixed(0)} ms, longest silence ${sec(daily.longestSilenceMs)}; data directory after it and close ${mb(sizeAfter)}`
    )
    log(`daily steps: ${daily.steps}`)
    const anchor = await anchorRate(anchorCustomers)
    const anchorMinutes = o.customers / anchor.perSecond / 60
    log(
      `anchor (stores' batched upserts, ${anchorCustomers.toLocaleString("en")} customers): ${sec(anchor.ms)} = ${anchor.perSecond.toFixed(0)} customers/s → ${anchorMinutes.toFixed(0)} min for ${o.customers.toLocaleString("en")} (load ${load()})`
    )
    const bulkRate = o.customers / (server.readyMs / 1000)
    const markdown = `| figure | embedded default (bulk load) | anchor: stores' batched upserts |
|---|---|---|
| time to ready, \`WINBACK_DEMO_CUSTOMERS=${o.customers}\` (start, migrate, seed, demo work, listen) | ${sec(server.readyMs)} wall, ${server.readyCpu.toFixed(0)} CPU s (${bulkRate.toFixed(0)} customers/s overall) | ${anchor.perSecond.toFixed(0)} customers/s at ${anchorCustomers.toLocaleString("en")} → ~${anchorMinutes.toFixed(0)} min for ${o.customers.toLocaleString("en")} (extrapolated) |
| data directory after seeding | ${mb(size)} (pg_wal ${mb(wal)}) | — |
| data directory after the daily run and close | ${mb(sizeAfter)} | — |
| approving the demo's daily alert task (zero bill) | ${sec(approveMs)} | — |
| daily run (\`POST /api/jobs/run-daily\`) with that task due | ${sec(daily.ms)} wall, ${dailyCpu.toFixed(0)} CPU s (server), ok: ${daily.ok} | — |
| probe \`GET /api/me\` every 250 ms during the run | ${daily.answered} of ${daily.probes} answered; median ${daily.medianProbeMs.toFixed(0)} ms, max ${daily.maxProbeMs.toFixed(0)} ms; longest stretch without an answer ${sec(daily.longestSilenceMs)} | — |

Load average (1 min): ${loadBefore} before the start, ${loadAfterStart} when ready, ${loadAfterDaily} after the daily run.
Daily steps: ${daily.steps}.
`
    const goals: Array<Goal> = [
      { goal: `Embedded: \`WINBACK_DEMO_CUSTOMERS=${o.customers} pnpm start\` ready in < 3 min`, measured: `${sec(server.readyMs)} wall, ${server.readyCpu.toFixed(0)} CPU s (load ${loadAfterStart}); anchor ~${anchorMinutes.toFixed(0)} min`, met: server.readyMs < 180_000 },
      { goal: `Embedded: daily run at ${o.customers.toLocaleString("en")} customers < 2 min`, measured: `${sec(daily.ms)} wall, ${dailyCpu.toFixed(0)} CPU s (load ${loadAfterDaily})`, met: daily.ok && daily.ms < 120_000 },
      {
        goal: "Embedded: the server keeps answering during the daily run",
        measured: `${daily.answered}/${daily.probes} probes answered, max ${daily.maxProbeMs.toFixed(0)} ms, longest silence ${sec(daily.longestSilenceMs)}`,
        met: daily.longestSilenceMs < 2000
      }
    ]
    return { markdown, goals }
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const customers = Number(process.argv[2] ?? 100_000)
  const r = await runEmbeddedBench({ customers })
  console.log(`\n${r.markdown}`)
  for (const g of r.goals ?? []) console.log(`${g.met ? "MET    " : "NOT MET"}  ${g.goal}: ${g.measured}`)
}
