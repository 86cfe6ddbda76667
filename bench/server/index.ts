/**
 * Server load benchmark (issue 8): the reference server on PostgreSQL with many open work items
 * among 200 agents, driven over loopback by autocannon — GET /api/work-list/customers (the agent's
 * work list by customer, first page of 20 items as the workbench asks for it), each request as one
 * of 100 logged-in agents in turn. A steady 200 req/s for ~30 s from an open-loop generator (the
 * goal's load), the same through autocannon's rate limit (bursty), then an unthrottled run for the
 * maximum rate. The anchors, in the same run: the same work list read in process through the
 * WorkList service through the facade (no HTTP), and the first page of the agent's items through the store
 * port (the query the work list starts from).
 *
 * The data is built as bench/storage builds it: a private schema, items written through
 * `insertMany` in batches of 5,000, then ANALYZE; the organisation is the demo organisation (one
 * region, 4 districts × 5 squads × 10 agents) with a few customers. Each agent's items belong to
 * customers of their own, two open items per customer.
 *
 *   pnpm exec tsx --conditions=@winback/source bench/server/index.ts [open items]
 */
import { createRequire } from "node:module"
import { Worker } from "node:worker_threads"
import { Effect } from "effect"
import { PostgresStorage } from "@winback/adapters"
import { newWorkItem, type WorkItem } from "@winback/core"
import { generateOrg, resolveDemoOptions, seedDemoData } from "@winback/core/demo"
import { startServer } from "../../examples/reference-server/src/server"
import type { Goal, SectionResult } from "../goals"

/** The parts of an autocannon result this benchmark reads. */
interface CannonResult {
  readonly requests: { readonly average: number; readonly total: number }
  readonly latency: { readonly p50: number; readonly p99: number; readonly average: number; readonly max: number }
  readonly errors: number
  readonly timeouts: number
  readonly non2xx: number
  readonly duration: number
}
type Cannon = (options: Record<string, unknown>) => Promise<CannonResult>
const autocannon = createRequire(import.meta.url)("autocannon") as Cannon

const asOf = "2026-11-25"
const password = "winback-demo"
const pageLimit = 20
const demo = { seed: 1, customers: 500, asOf, regions: ["beijing"], districtsPerRegion: 4, squadsPerDistrict: 5, agentsPerTeam: 10, months: 4, dailyDays: 35 }

const percentile = (xs: ReadonlyArray<number>, p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!
}

const itemFor = (i: number, agents: ReadonlyArray<{ id: string; teamId: string }>): WorkItem => {
  const a = i % agents.length
  const m = Math.floor(i / agents.length)
  const agent = agents[a]!
  return {
    ...newWorkItem({
      id: `wi-${String(i).padStart(8, "0")}`,
      taskId: `task-${m % 12}`,
      customerId: `cb-${String(a).padStart(3, "0")}-${String(Math.floor(m / 2)).padStart(6, "0")}`,
      assigneeId: agent.id,
      teamId: agent.teamId,
      channel: "phone",
      urgency: 1 + (Math.floor(m / 2) % 5),
      period: "2026-11-22",
      at: new Date(Date.UTC(2026, 10, 22, 6, 0, 0) + (m % 3600) * 1000).toISOString()
    }),
    updatedAt: new Date(Date.UTC(2026, 10, 22, 6, 0, 0)).toISOString()
  }
}

/** What the paced (open-loop) run measured. */
interface PacedResult {
  readonly rate: number
  readonly total: number
  readonly p50: number
  readonly p90: number
  readonly p99: number
  readonly max: number
  readonly errors: number
  readonly non2xx: number
}

/**
 * Sends `rate` requests per second for `seconds`, evenly spaced whatever the answers do (open loop,
 * like wrk2 -R), from a worker thread; latencies count from each request's scheduled time.
 */
const paced = (url: string, rate: number, seconds: number, requests: ReadonlyArray<{ path: string; headers: Record<string, string> }>): Promise<PacedResult> =>
  new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./pacedWorker.mjs", import.meta.url), { workerData: { url, rate, seconds, requests } })
    worker.once("error", reject)
    worker.once("message", (m: { latencies: Array<number>; statuses: Array<number>; errors: number; seconds: number }) => {
      void worker.terminate()
      resolve({
        rate: m.latencies.length / m.seconds,
        total: m.latencies.length,
        p50: percentile(m.latencies, 50),
        p90: percentile(m.latencies, 90),
        p99: percentile(m.latencies, 99),
        max: Math.max(...m.latencies),
        errors: m.errors,
        non2xx: m.statuses.filter((x) => x < 200 || x >= 300).length - m.errors
      })
    })
  })

const timeSequential = async (n: number, f: (k: number) => Promise<void>): Promise<{ p50: number; p99: number }> => {
  const lat: Array<number> = []
  for (let k = 0; k < n; k++) {
    const s = performance.now()
    await f(k)
    lat.push(performance.now() - s)
  }
  return { p50: percentile(lat, 50), p99: percentile(lat, 99) }
}

/** Runs the server load benchmark and returns its markdown section and goal. */
export const runServerBench = async (opts?: { readonly openItems?: number; readonly seconds?: number }): Promise<SectionResult> => {
  const openItems = opts?.openItems ?? 1_000_000
  const seconds = opts?.seconds ?? 30
  const url = process.env.WINBACK_BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test"
  const schema = `bench_server_${Date.now().toString(36)}`
  const opened = await PostgresStorage.open({ url, schema, maxConnections: 20 })
  const storage = {
    ...opened,
    close: async () => {
      await opened.run((db) => db.execute(`DROP SCHEMA "${schema}" CASCADE` as never)).catch(() => undefined)
      await opened.close()
    }
  }
  let closeServer: (() => Promise<void>) | undefined
  try {
    const t0 = performance.now()
    await seedDemoData(storage.stores, demo, { batchSize: 250 })
    const agents = generateOrg(resolveDemoOptions(demo))
      .managers.filter((m) => m.roles.includes("agent"))
      .map((m) => ({ id: m.id, teamId: m.teamId! }))
    for (let i = 0; i < openItems; i += 5000) {
      const batch = Array.from({ length: Math.min(5000, openItems - i) }, (_, k) => itemFor(i + k, agents))
      await Effect.runPromise(storage.stores.workItems.insertMany(batch))
    }
    await storage.run((db) => db.execute("ANALYZE" as never))
    const loadS = (performance.now() - t0) / 1000

    const server = await startServer({ storage, port: 0, demoPassword: password, scrypt: { N: 1024, r: 8, p: 1 }, today: () => asOf })
    closeServer = server.close
    const callers = agents.slice(0, 100)
    const tokens: Array<string> = []
    for (const a of callers) {
      const r = await fetch(`${server.url}/api/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ login: a.id, password }) })
      if (r.status !== 200) throw new Error(`login ${a.id}: ${r.status}`)
      tokens.push(((await r.json()) as { token: string }).token)
    }
    const path = `/api/work-list/customers?limit=${pageLimit}`
    // Warm-up (not measured): JIT, pool, buffer cache; and a check that every page holds work.
    for (let k = 0; k < 200; k++) {
      const r = await fetch(server.url + path, { headers: { authorization: `Bearer ${tokens[k % tokens.length]}` } })
      const body = (await r.json()) as { items: Array<unknown> }
      if (r.status !== 200 || body.items.length === 0) throw new Error(`work list: ${r.status}`)
    }

    // The anchors, in process: the WorkList service (what the endpoint runs) and the store port.
    const service = await timeSequential(400, async (k) => {
      const page = await server.winback.as(callers[(k * 37) % callers.length]!.id).workList.byCustomer({}, { limit: pageLimit })
      if (page.items.length === 0) throw new Error("empty work list")
    })
    const port = await timeSequential(400, async (k) => {
      await Effect.runPromise(storage.stores.workItems.list({ assigneeId: callers[(k * 37) % callers.length]!.id, states: ["open", "in-progress"] }, { limit: pageLimit }))
    })

    // Over HTTP: autocannon in a worker thread, the server on this thread; the requests cycle through the agents.
    const requests = tokens.map((t) => ({ method: "GET", path, headers: { authorization: `Bearer ${t}` } }))
    const steady = await paced(server.url, 200, seconds, tokens.map((t) => ({ path, headers: { authorization: `Bearer ${t}` } })))
    const fixed = await autocannon({ url: server.url, connections: 20, overallRate: 200, duration: seconds, requests, workers: 1 })
    const max = await autocannon({ url: server.url, connections: 20, duration: Math.max(5, Math.round(seconds / 2)), requests, workers: 1 })
    // What authentication and HTTP alone cost: the cheapest authenticated endpoint, unthrottled.
    const me = await autocannon({ url: server.url, connections: 20, duration: 5, requests: tokens.map((t) => ({ method: "GET", path: "/api/me", headers: { authorization: `Bearer ${t}` } })), workers: 1 })

    const row = (label: string, r: CannonResult) =>
      `| ${label} | ${r.requests.average.toFixed(0)} | ${r.requests.total.toLocaleString("en")} | ${r.latency.p50.toFixed(1)} | ${r.latency.p99.toFixed(1)} | ${r.latency.max.toFixed(0)} | ${r.errors + r.timeouts} | ${r.non2xx} |`
    const steadyErrors = steady.errors + steady.non2xx
    const markdown = `### Server: the work-list endpoint under load on PostgreSQL

\`GET ${path}\` (the work list by customer, first page, as the workbench asks for it) on the reference
server (\`startServer\`, PostgreSQL, ${openItems.toLocaleString("en")} open work items among ${agents.length} agents,
two per customer), over loopback, the requests cycling through ${callers.length} logged-in agents, after 200
warm-up requests. Data load (demo organisation and items through \`insertMany\`, then ANALYZE): ${loadS.toFixed(0)} s.
The load generators run in a worker thread of the benchmark process, on the same 2 cores as the
server and PostgreSQL.

- **Steady 200 req/s** (the goal's load): an open-loop generator (bench/server/pacedWorker.mjs, what
  \`wrk2 -R 200\` does) sends one request every 5 ms whatever the answers before it did, over as many
  keep-alive connections as are in flight, and measures each latency from the request's scheduled
  time, so queueing behind a slow answer counts (no coordinated omission).
- **autocannon, 20 connections, \`overallRate: 200\`**: autocannon limits the rate with a per-connection
  quota per second (10 requests here) reset by a 1-second timer, so each second starts with all 20
  connections sending back to back until their quota is spent: bursts at the unthrottled rate, then
  idle. Its latencies are those of the bursts.
- **autocannon unthrottled** (20 connections): the maximum rate; and \`GET /api/me\` unthrottled, what
  authentication and HTTP cost alone.

| run | requests/s | requests | p50 (ms) | p99 (ms) | max (ms) | errors | non-2xx |
|---|---:|---:|---:|---:|---:|---:|---:|
| steady 200 req/s, open loop, ${seconds} s | ${steady.rate.toFixed(0)} | ${steady.total.toLocaleString("en")} | ${steady.p50.toFixed(1)} | ${steady.p99.toFixed(1)} | ${steady.max.toFixed(0)} | ${steady.errors} | ${steady.non2xx} |
${row(`autocannon \`overallRate: 200\` (1-second quotas, bursty), ${seconds} s`, fixed)}
${row(`autocannon unthrottled, ${Math.max(5, Math.round(seconds / 2))} s`, max)}
${row("for comparison: `GET /api/me` (authentication and HTTP only), autocannon unthrottled, 5 s", me)}

Anchors in the same run, 400 sequential reads in process (no HTTP):

| read | p50 (ms) | p99 (ms) |
|---|---:|---:|
| the same work list through the WorkList service (\`winback.as(agent).workList.byCustomer\`) | ${service.p50.toFixed(2)} | ${service.p99.toFixed(2)} |
| the agent's first ${pageLimit} open items through the store port (\`workItems.list\`) | ${port.p50.toFixed(2)} | ${port.p99.toFixed(2)} |
`
    const goals: Array<Goal> = [
      {
        goal: "server: work-list endpoint p99 < 50 ms at 200 req/s with 1,000,000 open items (issue 8)",
        measured: `steady 200 req/s (open loop): p99 ${steady.p99.toFixed(1)} ms (p50 ${steady.p50.toFixed(1)} ms) at ${steady.rate.toFixed(0)} req/s with ${openItems.toLocaleString("en")} open items, ${steadyErrors} errors; autocannon's bursty 200 req/s: p99 ${fixed.latency.p99.toFixed(1)} ms; max ${max.requests.average.toFixed(0)} req/s unthrottled; in-process WorkList p99 ${service.p99.toFixed(1)} ms`,
        met: openItems >= 1_000_000 && steady.p99 < 50 && steadyErrors === 0 && steady.rate >= 195
      }
    ]
    return { markdown, goals }
  } finally {
    if (closeServer) await closeServer()
    else await storage.close()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.argv[2] ?? 100_000)
  const r = await runServerBench({ openItems: n, seconds: Number(process.argv[3] ?? 30) })
  console.log(r.markdown)
  for (const g of r.goals ?? []) console.log(`${g.met ? "MET" : "NOT MET"}: ${g.goal}: ${g.measured}`)
  process.exit(0)
}
