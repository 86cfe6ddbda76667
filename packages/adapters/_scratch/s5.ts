import { execSync } from "node:child_process"
import { rmSync } from "node:fs"
import { PgliteStorage, pgliteDemoLoader } from "../src/index"
import { seedDemoData } from "@winback/core/demo"
const n = Number(process.argv[2] ?? 5000)
const dir = "/tmp/w19/s5"
rmSync(dir, { recursive: true, force: true })
const st = await PgliteStorage.open({ dataDir: dir })
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6 }
const c0 = cpu(), t0 = performance.now()
const sum = await seedDemoData(st.stores, { seed: 1, customers: n, asOf: "2026-11-25" }, { batchSize: 2000, loader: pgliteDemoLoader(st) })
console.log(sum.customers, sum.usageDays, sum.usageMonths, sum.events, "wall", ((performance.now() - t0) / 1000).toFixed(1), "cpu", (cpu() - c0).toFixed(1))
console.log(execSync(`du -sh ${dir}/base; du -sh ${dir}/pg_wal`).toString())
console.log((await st.run((db: any) => db.execute("select (select count(*) from usage_daily) d, (select count(*) from customers) c, (select max(id) from customer_events) e"))).rows)
await st.close()
console.log(execSync(`du -sh ${dir}`).toString(), (await import("node:os")).loadavg())
