import { execSync } from "node:child_process"
import { rmSync } from "node:fs"
import { PGlite } from "@electric-sql/pglite"
import { drizzle } from "drizzle-orm/pglite"
import { migrate } from "../../packages/adapters/src/pg/migrate"
import { generateDemo } from "@winback/core/demo"
const n = Number(process.argv[2] ?? 5000)
const mode = process.argv[3] ?? "idx"   // idx | noidx | minimal
const dir = "/tmp/w19/c3"
rmSync(dir, { recursive: true, force: true })
const client = new PGlite(dir, mode === "minimal" ? { startParams: undefined, postgresqlconf: ["wal_level = minimal", "max_wal_senders = 0"] } as any : {})
await client.waitReady
await migrate(drizzle(client) as any)
console.log((await client.query(`select name, setting from pg_settings where name in ('wal_level')`)).rows)
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6 }
const demo = generateDemo({ seed: 1, customers: n, asOf: "2026-11-25" })
const c0 = cpu(), t0 = performance.now()
await client.exec("BEGIN")
if (mode !== "idx") {
  if (mode === "minimal") await client.exec("TRUNCATE usage_daily")
  await client.exec("ALTER TABLE usage_daily DROP CONSTRAINT usage_daily_customer_id_day_pk; DROP INDEX usage_daily_day_idx")
}
let rows = 0, tq = 0, cq = 0
for (const chunk of demo.chunks({ chunkSize: 2000 })) {
  const parts: string[] = []
  for (const c of chunk.customers) for (const d of c.days) {
    parts.push(`${d.customerId}\t${d.day}\t${d.charge}\t${d.dataMb}\t${d.callMinutes}\t${d.outgoingCalls}\t${d.competitorCallSeconds}\t${d.forwardedToOtherOperator ? "t" : "f"}\t${d.reminderSmsDelivered ? "t" : "f"}\n`)
    rows++
  }
  const blob = new Blob(parts)
  const q0 = performance.now(), k0 = cpu()
  await client.query(`COPY usage_daily (customer_id, day, charge, data_mb, call_minutes, outgoing_calls, competitor_call_seconds, forwarded_to_other_operator, reminder_sms_delivered) FROM '/dev/blob'`, [], { blob })
  tq += performance.now() - q0; cq += cpu() - k0
}
let ic = 0
if (mode !== "idx") {
  const k0 = cpu()
  await client.exec(`ALTER TABLE usage_daily ADD CONSTRAINT usage_daily_customer_id_day_pk PRIMARY KEY (customer_id, day); CREATE INDEX usage_daily_day_idx ON usage_daily (day)`)
  ic = cpu() - k0
}
await client.exec("COMMIT")
console.log(mode, "rows", rows, "wall", ((performance.now() - t0) / 1000).toFixed(1), "copy wall", (tq / 1000).toFixed(1), "copy cpu", cq.toFixed(1), "index cpu", ic.toFixed(1), "total cpu", (cpu() - c0).toFixed(1))
console.log(execSync(`du -sh ${dir}/base; du -sh ${dir}/pg_wal`).toString())
await client.close()
console.log(execSync(`du -sh ${dir}`).toString(), (await import("node:os")).loadavg())
