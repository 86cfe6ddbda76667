import { rmSync } from "node:fs"
import { PGlite } from "@electric-sql/pglite"
import { drizzle } from "drizzle-orm/pglite"
import { migrate } from "../src/pg/migrate"
import { generateDemo } from "@winback/core/demo"
const n = Number(process.argv[2] ?? 5000)
const fmt = process.argv[3] ?? "text"
const dir = "/tmp/w19/c4"
rmSync(dir, { recursive: true, force: true })
const client = new PGlite(dir, { postgresqlconf: ["wal_level = minimal", "max_wal_senders = 0"] } as any)
await client.waitReady
await migrate(drizzle(client) as any)
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6 }
const demo = generateDemo({ seed: 1, customers: n, asOf: "2026-11-25" })
await client.exec("BEGIN; TRUNCATE usage_daily; ALTER TABLE usage_daily DROP CONSTRAINT usage_daily_customer_id_day_pk; DROP INDEX usage_daily_day_idx")
const EPOCH = Date.UTC(2000, 0, 1) / 86400000
const enc = new TextEncoder()
let cq = 0, cj = 0, rows = 0
for (const chunk of demo.chunks({ chunkSize: 2000 })) {
  const j0 = cpu()
  let blob: Blob
  if (fmt === "text") {
    let s = ""
    for (const c of chunk.customers) for (const d of c.days) {
      s += `${d.customerId}\t${d.day}\t${d.charge}\t${d.dataMb}\t${d.callMinutes}\t${d.outgoingCalls}\t${d.competitorCallSeconds}\t${d.forwardedToOtherOperator ? "t" : "f"}\t${d.reminderSmsDelivered ? "t" : "f"}\n`
      rows++
    }
    blob = new Blob([Buffer.from(s)])
  } else {
    let cnt = 0; for (const c of chunk.customers) cnt += c.days.length
    const buf = new ArrayBuffer(19 + cnt * 120 + 2); const dv = new DataView(buf); const u8 = new Uint8Array(buf)
    u8.set(enc.encode("PGCOPY\n\xff\r\n\0"), 0); // 11 bytes signature
    u8[7] = 0xff; // fix: \xff encodes as 2 bytes in utf8
    const sig = [0x50,0x47,0x43,0x4f,0x50,0x59,0x0a,0xff,0x0d,0x0a,0x00]; u8.set(sig, 0)
    let o = 11; dv.setInt32(o, 0); o += 4; dv.setInt32(o, 0); o += 4
    for (const c of chunk.customers) {
      const idb = enc.encode(c.customer.id)
      for (const d of c.days) {
        dv.setInt16(o, 9); o += 2
        dv.setInt32(o, idb.length); o += 4; u8.set(idb, o); o += idb.length
        dv.setInt32(o, 4); o += 4; dv.setInt32(o, Date.parse(d.day) / 86400000 - EPOCH); o += 4
        dv.setInt32(o, 8); o += 4; dv.setFloat64(o, d.charge); o += 8
        dv.setInt32(o, 8); o += 4; dv.setFloat64(o, d.dataMb); o += 8
        dv.setInt32(o, 8); o += 4; dv.setFloat64(o, d.callMinutes); o += 8
        dv.setInt32(o, 4); o += 4; dv.setInt32(o, d.outgoingCalls); o += 4
        dv.setInt32(o, 4); o += 4; dv.setInt32(o, d.competitorCallSeconds); o += 4
        dv.setInt32(o, 1); o += 4; u8[o++] = d.forwardedToOtherOperator ? 1 : 0
        dv.setInt32(o, 1); o += 4; u8[o++] = d.reminderSmsDelivered ? 1 : 0
        rows++
      }
    }
    dv.setInt16(o, -1); o += 2
    blob = new Blob([u8.subarray(0, o)])
  }
  cj += cpu() - j0
  const k0 = cpu()
  await client.query(`COPY usage_daily (customer_id, day, charge, data_mb, call_minutes, outgoing_calls, competitor_call_seconds, forwarded_to_other_operator, reminder_sms_delivered) FROM '/dev/blob'${fmt === "binary" ? " WITH (FORMAT binary)" : ""}`, [], { blob })
  cq += cpu() - k0
}
const k0 = cpu()
await client.exec(`ALTER TABLE usage_daily ADD CONSTRAINT usage_daily_customer_id_day_pk PRIMARY KEY (customer_id, day); CREATE INDEX usage_daily_day_idx ON usage_daily (day); COMMIT`)
const ic = cpu() - k0
console.log(fmt, rows, "js cpu", cj.toFixed(1), "copy cpu", cq.toFixed(1), "index cpu", ic.toFixed(1))
console.log((await client.query(`select count(*), sum(charge)::numeric(20,2) s, sum(outgoing_calls) o, count(*) filter (where forwarded_to_other_operator) f, min(day)::text a, max(day)::text b from usage_daily`)).rows)
await client.close()
