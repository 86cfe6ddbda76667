import { execSync } from "node:child_process"
import { rmSync } from "node:fs"
import { PgliteStorage } from "@winback/adapters"
import { seedDemoData } from "@winback/core/demo"
const n = Number(process.argv[2] ?? 5000)
const dir = "/tmp/w19/base"
rmSync(dir, { recursive: true, force: true })
const st = await PgliteStorage.open({ dataDir: dir })
const t0 = performance.now()
await seedDemoData(st.stores, { seed: 1, customers: n, asOf: "2026-11-25" }, { batchSize: 250 })
console.log("seed s", ((performance.now() - t0) / 1000).toFixed(1))
const r = await (st.driver as any).client.query(`select relname, pg_size_pretty(pg_relation_size(c.oid)) sz from pg_class c join pg_namespace n on n.oid=c.relnamespace where n.nspname='public' order by pg_relation_size(c.oid) desc limit 12`)
console.log(r.rows)
console.log((await (st.driver as any).client.query(`select name, setting from pg_settings where name in ('max_wal_size','min_wal_size','wal_level','full_page_writes','checkpoint_timeout','fsync','synchronous_commit','shared_buffers','wal_keep_size','maintenance_work_mem','work_mem')`)).rows)
console.log(execSync(`du -sh ${dir} ${dir}/base ${dir}/pg_wal`).toString())
await st.close()
console.log(execSync(`du -sh ${dir} ${dir}/base ${dir}/pg_wal`).toString())
