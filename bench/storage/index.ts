/**
 * Storage benchmark: an agent's work list through the WorkItemStore port, with many open items
 * among 500 agents, on PGlite and (when reachable) PostgreSQL. The anchor is the same keyset query
 * written by hand in SQL over the same table, run in the same process.
 */
import { Effect } from "effect"
import pg from "pg"
import { PgliteStorage, PostgresStorage, type OpenStorage } from "@winback/adapters"
import { newWorkItem, type WorkItem } from "@winback/core"
import { type Goal, type SectionResult } from "../goals"

const agents = 500

const item = (i: number): WorkItem => ({
  ...newWorkItem({
    id: `wi-${String(i).padStart(8, "0")}`,
    taskId: `task-${i % 12}`,
    customerId: `cust-${String(i % 900_000).padStart(7, "0")}`,
    assigneeId: `m-${i % agents}`,
    teamId: `team-${(i % agents) % 40}`,
    channel: "phone",
    urgency: 1 + (i % 5),
    period: "2026-11-22",
    at: new Date(Date.UTC(2026, 10, 22, 6, 0, 0) + (i % 3600) * 1000).toISOString()
  }),
  state: i % 10 === 0 ? "in-progress" : "open",
  updatedAt: new Date(Date.UTC(2026, 10, 22, 6, 0, 0)).toISOString()
})

const percentile = (xs: Array<number>, p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!
}

const measure = async (label: string, storage: OpenStorage, openItems: number, rawQuery?: (agent: string) => Promise<unknown>) => {
  const t0 = performance.now()
  const batch = 5000
  for (let i = 0; i < openItems; i += batch) {
    const items = Array.from({ length: Math.min(batch, openItems - i) }, (_, k) => item(i + k))
    await Effect.runPromise(storage.stores.workItems.insertMany(items))
  }
  const loadS = (performance.now() - t0) / 1000
  await storage.run((db) => db.execute("ANALYZE work_items" as never))
  const lat: Array<number> = []
  const raw: Array<number> = []
  // Warm-up: JIT, connection pool and buffer cache, not measured.
  for (let r = 0; r < 100; r++) {
    await Effect.runPromise(storage.stores.workItems.list({ assigneeId: `m-${r % agents}`, states: ["open", "in-progress"] }, { limit: 50 }))
    if (rawQuery) await rawQuery(`m-${r % agents}`)
  }
  // Port and hand-written query alternate which goes first, so neither always reads pages the other warmed.
  const timePort = async (agent: string) => {
    const s = performance.now()
    const page = await Effect.runPromise(storage.stores.workItems.list({ assigneeId: agent, states: ["open", "in-progress"] }, { limit: 50 }))
    lat.push(performance.now() - s)
    if (page.items.length === 0) throw new Error("empty work list")
  }
  const timeRaw = async (agent: string) => {
    if (!rawQuery) return
    const s = performance.now()
    await rawQuery(agent)
    raw.push(performance.now() - s)
  }
  for (let r = 0; r < 400; r++) {
    const agent = `m-${(r * 37) % agents}`
    if (r % 2 === 0) {
      await timePort(agent)
      await timeRaw(agent)
    } else {
      await timeRaw(agent)
      await timePort(agent)
    }
  }
  return { label, openItems, loadS, p50: percentile(lat, 50), p99: percentile(lat, 99), rawP50: raw.length ? percentile(raw, 50) : undefined, rawP99: raw.length ? percentile(raw, 99) : undefined }
}

/** Runs the storage benchmark and returns its markdown section. */
export const runStorageBench = async (opts?: { readonly openItems?: number }): Promise<SectionResult> => {
  const openItems = opts?.openItems ?? 200_000
  const rows = []
  const lite = await PgliteStorage.open()
  try {
    rows.push(await measure("PGlite (in memory)", lite, Math.min(openItems, 200_000)))
  } finally {
    await lite.close()
  }
  const url = process.env.WINBACK_BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test"
  const schema = `bench_${Date.now().toString(36)}`
  try {
    const server = await PostgresStorage.open({ url, schema })
    const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` })
    await client.connect()
    try {
      rows.push(
        await measure("PostgreSQL", server, openItems, (agent) =>
          client.query(
            `SELECT data FROM work_items WHERE assignee_id = $1 AND state = ANY($2::text[]) ORDER BY urgency, created_at COLLATE "C", id COLLATE "C" LIMIT 51`,
            [agent, ["open", "in-progress"]]
          )
        )
      )
    } finally {
      await client.end()
      await server.run((db) => db.execute(`DROP SCHEMA "${schema}" CASCADE` as never))
      await server.close()
    }
  } catch (e) {
    rows.push({ label: `PostgreSQL unavailable (${(e as Error).message})`, openItems: 0, loadS: 0, p50: NaN, p99: NaN, rawP50: undefined, rawP99: undefined })
  }
  const fmt = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? "–" : n.toFixed(2))
  const markdown = `### Storage: an agent's work list through the port

First page (50 items) of one of ${agents} agents' open work, ordered by urgency, creation time, id;
400 measured requests per store (after 100 warm-up requests) after loading the items in batches of 5,000 through \`insertMany\`.
The anchor is the same keyset query hand-written in SQL on its own connection; the two alternate which runs first.

| store | open items | load (s) | port p50 (ms) | port p99 (ms) | hand-written SQL p50 (ms) | hand-written SQL p99 (ms) |
|---|---:|---:|---:|---:|---:|---:|
${rows.map((r) => `| ${r.label} | ${r.openItems.toLocaleString("en")} | ${r.loadS.toFixed(1)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.rawP50)} | ${fmt(r.rawP99)} |`).join("\n")}
`
  const pgRow = rows.find((r) => r.label === "PostgreSQL")
  const goals: Array<Goal> = [
    {
      goal: "storage: work list p99 through the store port < 20 ms at 1,000,000 open items among 500 agents on PostgreSQL (issue 6)",
      measured: pgRow
        ? `p99 ${pgRow.p99.toFixed(1)} ms (p50 ${pgRow.p50.toFixed(1)} ms) at ${pgRow.openItems.toLocaleString("en")} open items; hand-written SQL p99 ${fmt(pgRow.rawP99)} ms in the same run`
        : "PostgreSQL unavailable",
      met: pgRow !== undefined && pgRow.openItems >= 1_000_000 && pgRow.p99 < 20
    }
  ]
  return { markdown, goals }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.argv[2] ?? 200_000)
  console.log((await runStorageBench({ openItems: n })).markdown)
}
