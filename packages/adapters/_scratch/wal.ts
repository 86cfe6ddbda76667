import { execSync } from "node:child_process"
import { rmSync } from "node:fs"
import { PGlite } from "@electric-sql/pglite"
const conf = process.argv[2] === "small" ? ["max_wal_size = 64MB", "min_wal_size = 32MB"] : []
const dir = "/tmp/w19/wal"
rmSync(dir, { recursive: true, force: true })
const client = new PGlite(dir, { postgresqlconf: conf } as any)
await client.waitReady
await client.exec("create table t (a int primary key, b text)")
for (let i = 0; i < 10; i++) {
  await client.exec(`insert into t select g, repeat('x', 100) from generate_series(${i * 300000}, ${(i + 1) * 300000 - 1}) g`)
  console.log(i, execSync(`du -sh ${dir}/pg_wal ${dir}/base | tr '\\n' ' '`).toString(), (await client.query("select checkpoints_timed + checkpoints_req n from pg_stat_bgwriter").catch(() => client.query("select num_timed+num_requested n from pg_stat_checkpointer"))).rows)
}
await client.exec("CHECKPOINT")
console.log("after checkpoint", execSync(`du -sh ${dir}/pg_wal`).toString())
await client.close()
console.log("after close", execSync(`du -sh ${dir}/pg_wal`).toString())
