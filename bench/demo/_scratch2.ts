import { execSync } from "node:child_process"
import { rmSync } from "node:fs"
import { PgliteStorage } from "@winback/adapters"
import { generateDemo } from "@winback/core/demo"
const n = Number(process.argv[2] ?? 5000)
const mode = process.argv[3] ?? "copy"
const dir = "/tmp/w19/copy"
rmSync(dir, { recursive: true, force: true })
const st = await PgliteStorage.open({ dataDir: dir })
const client = (st.driver as any).client
const demo = generateDemo({ seed: 1, customers: n, asOf: "2026-11-25" })
const t0 = performance.now()
let rows = 0
let tq = 0
for (const chunk of demo.chunks({ chunkSize: 2000 })) {
  const parts: string[] = []
  for (const c of chunk.customers) for (const d of c.days) {
    parts.push(`${d.customerId}\t${d.day}\t${d.charge}\t${d.dataMb}\t${d.callMinutes}\t${d.outgoingCalls}\t${d.competitorCallSeconds}\t${d.forwardedToOtherOperator ? "t" : "f"}\t${d.reminderSmsDelivered ? "t" : "f"}\n`)
    rows++
  }
  const blob = new Blob(parts)
  const q0 = performance.now()
  await client.query(`COPY usage_daily (customer_id, day, charge, data_mb, call_minutes, outgoing_calls, competitor_call_seconds, forwarded_to_other_operator, reminder_sms_delivered) FROM '/dev/blob'`, [], { blob })
  tq += performance.now() - q0
}
console.log("rows", rows, "s", ((performance.now() - t0) / 1000).toFixed(1), "copy s", (tq / 1000).toFixed(1), "rows/s", Math.round(rows / (tq / 1000)))
console.log(execSync(`du -sh ${dir}/base; du -sh ${dir}/pg_wal`).toString())
await client.query("CHECKPOINT")
console.log(execSync(`du -sh ${dir}/base; du -sh ${dir}/pg_wal`).toString())
await st.close()
console.log(execSync(`du -sh ${dir}`).toString(), (await import("node:os")).loadavg())
