/**
 * The tiny process the data-directory lock test runs: opens PgliteStorage on the directory given
 * as argument, writes one row, and says `open <pid>` (then waits to be killed), or says
 * `locked <json>` when another process holds the directory.
 */
import { sql } from "drizzle-orm"
import { DataDirectoryLocked } from "../../src/pg/DataDirectoryLock"
import { PgliteStorage } from "../../src/pg/PgStorage"

const dir = process.argv[2]!
try {
  const storage = await PgliteStorage.open({ dataDir: dir })
  await storage.run((db) => db.execute(sql`CREATE TABLE IF NOT EXISTS lock_probe (pid int)`))
  await storage.run((db) => db.execute(sql`INSERT INTO lock_probe VALUES (${process.pid})`))
  process.stdout.write(`open ${process.pid}\n`)
  setInterval(() => undefined, 60_000)
} catch (e) {
  if (!(e instanceof DataDirectoryLocked)) throw e
  process.stdout.write(`locked ${JSON.stringify({ holder: e.holder, message: e.message })}\n`)
  process.exit(3)
}
