/**
 * Audited-write throughput on PostgreSQL with 1 and with 4 concurrent writers (issue 19: "audit
 * without a global lock"). Each writer is its own connection pool (as a separate process would
 * be) and runs transactions of one data write (a do-not-disturb entry of its own customer) plus
 * the audit entry of that change, back to back. Rounds alternate 1 and 4 writers so both see the
 * same machine load. The anchor is the same transaction without the audit entry, in the same run:
 * it is what the database gives with no audit at all.
 */
import { Effect } from "effect"
import { PostgresStorage, type OpenStorage } from "@winback/adapters"
import type { DndEntry } from "@winback/core"
import { loadavg } from "node:os"
import { type Goal, type SectionResult } from "../goals"

const dnd = (writer: number, i: number): DndEntry => ({
  id: `dnd-${writer}-${i}-${Math.random().toString(36).slice(2, 8)}`,
  customerId: `cust-${writer}-${i % 1000}`,
  channel: "phone",
  reason: "customer asked",
  source: "agent",
  createdBy: "m-bench",
  createdAt: new Date(Date.UTC(2026, 10, 22, 8, 0, 0) + i * 1000).toISOString(),
  expiresAt: null,
  removedAt: null
})

const write = (s: OpenStorage, writer: number, i: number, audited: boolean) => {
  const e = dnd(writer, i)
  return s.stores.transactions.transaction(
    Effect.gen(function* () {
      yield* s.stores.dnd.add(e)
      if (audited)
        yield* s.stores.audit.append({
          actorId: "m-bench",
          at: e.createdAt,
          action: "dnd.add",
          category: "dnd",
          recordType: "DndEntry",
          recordId: e.id,
          customerId: e.customerId,
          before: null,
          after: e,
          note: ""
        })
    })
  )
}

/** Transactions per second of `writers` concurrent writers for `ms` milliseconds. */
const round = async (pools: ReadonlyArray<OpenStorage>, writers: number, ms: number, audited: boolean): Promise<number> => {
  const end = performance.now() + ms
  const counts = await Promise.all(
    pools.slice(0, writers).map(async (s, w) => {
      let n = 0
      while (performance.now() < end) await Effect.runPromise(write(s, w, n++, audited))
      return n
    })
  )
  return counts.reduce((a, b) => a + b, 0) / (ms / 1000)
}

const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/** Runs the audited-write benchmark and returns its markdown section and goal. */
export const runAuditBench = async (opts?: { readonly rounds?: number; readonly roundMs?: number }): Promise<SectionResult> => {
  const rounds = opts?.rounds ?? 5
  const roundMs = opts?.roundMs ?? 2000
  const url = process.env.WINBACK_BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test"
  const schema = `bench_audit_${Date.now().toString(36)}`
  const load0 = loadavg()
  const pools: Array<OpenStorage> = []
  const r = { a1: [] as Array<number>, a4: [] as Array<number>, p1: [] as Array<number>, p4: [] as Array<number> }
  let verified = "–"
  try {
    for (let w = 0; w < 4; w++) pools.push(await PostgresStorage.open({ url, schema, maxConnections: 1 }))
    await round(pools, 4, 300, true) // warm-up
    for (let k = 0; k < rounds; k++) {
      r.a1.push(await round(pools, 1, roundMs, true))
      r.a4.push(await round(pools, 4, roundMs, true))
      r.p1.push(await round(pools, 1, roundMs, false))
      r.p4.push(await round(pools, 4, roundMs, false))
    }
    const v = await Effect.runPromise(pools[0]!.stores.audit.verify())
    verified = v.ok ? `intact (${v.entries.toLocaleString("en")} entries)` : `BROKEN: ${v.problem}`
  } finally {
    await pools[0]?.run((db) => db.execute(`DROP SCHEMA IF EXISTS "${schema}" CASCADE` as never)).catch(() => undefined)
    for (const p of pools) await p.close()
  }
  const load1 = loadavg()
  const a1 = median(r.a1), a4 = median(r.a4), p1 = median(r.p1), p4 = median(r.p4)
  const fmt = (x: number) => Math.round(x).toLocaleString("en")
  const markdown = `### Storage: audited writes with 1 and 4 concurrent writers (PostgreSQL)

Each writer is its own connection and commits, back to back, transactions of one data write (a
do-not-disturb entry) plus its audit entry. ${rounds} rounds of ${roundMs / 1000} s alternate 1 and 4 writers, audited
and not; medians. The anchor is the same transaction without the audit entry, in the same run.
Load average ${load0.map((x) => x.toFixed(2)).join(" ")} before, ${load1.map((x) => x.toFixed(2)).join(" ")} after (2 cores shared).

| transaction | 1 writer (tx/s) | 4 writers (tx/s) | 4 ÷ 1 |
|---|---:|---:|---:|
| data write + audit entry | ${fmt(a1)} | ${fmt(a4)} | ${(a4 / a1).toFixed(2)}× |
| data write only (anchor) | ${fmt(p1)} | ${fmt(p4)} | ${(p4 / p1).toFixed(2)}× |

Audit chain after the run: ${verified}.
`
  const goals: Array<Goal> = [
    {
      goal: "storage: audited writes do not serialise on one row — 4 writers scale like the same writes without audit (issue 19)",
      measured: `4 ÷ 1 writers: ${(a4 / a1).toFixed(2)}× audited, ${(p4 / p1).toFixed(2)}× without audit (${fmt(a4)} vs ${fmt(p4)} tx/s at 4 writers)`,
      met: a4 / a1 >= 0.8 * (p4 / p1)
    }
  ]
  return { markdown, goals }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const res = await runAuditBench({ rounds: Number(process.argv[2] ?? 5), roundMs: Number(process.argv[3] ?? 2000) })
  console.log(res.markdown)
  console.log(res.goals)
}
