/** The PGlite driver: one embedded connection guarded by one lock. */
import { mkdirSync } from "node:fs"
import { PGlite } from "@electric-sql/pglite"
import { drizzle } from "drizzle-orm/pglite"
import { lockDataDirectory } from "./DataDirectoryLock"
import type { Db, PgDriver } from "./Driver"
import { checkSchemaName, chooseSchema, quoted } from "./schemaChoice"

/** A tiny FIFO lock: PGlite runs one statement stream, so transactions must not interleave. */
const makeLock = () => {
  let tail: Promise<void> = Promise.resolve()
  return (): Promise<() => void> => {
    let release!: () => void
    const next = new Promise<void>((r) => (release = r))
    const acquired = tail.then(() => release)
    tail = tail.then(() => next)
    return acquired
  }
}

/**
 * PGlite's own start parameters plus a WAL fit for one embedded process: nothing replicates from it,
 * so `wal_level = minimal` (a bulk load into a table created or truncated in the same transaction
 * writes no WAL, see bulkLoad.ts), and a small `max_wal_size` so a checkpoint keeps few WAL files
 * (PGlite runs one backend without a checkpointer: WAL is trimmed only at an explicit CHECKPOINT
 * or on close).
 */
const startParams = [...PGlite.defaultStartParams, "-c", "wal_level=minimal", "-c", "max_wal_senders=0", "-c", "max_wal_size=64MB", "-c", "min_wal_size=32MB"]

/**
 * Opens PGlite in `dataDir` (a directory on disk) or in memory when absent. A directory is locked
 * for this process first (`DataDirectoryLocked` when another process has it open) and released on
 * close. The session's `search_path` is set to the chosen schema (see schemaChoice.ts); the schema
 * itself is created by `migrate`.
 */
export const makePgliteDriver = async (options: {
  readonly dataDir?: string
  readonly client?: PGlite
  /** The schema to use (default `winback`). PGlite has one session: one schema per client at a time. */
  readonly schema?: string
  /** Where the one-line notice about a data directory from an earlier release goes (default `console.warn`). */
  readonly onNotice?: (line: string) => void
}): Promise<PgDriver & { readonly client: PGlite; readonly schema: string }> => {
  if (options.schema !== undefined) checkSchemaName(options.schema)
  if (options.dataDir && !options.client) mkdirSync(options.dataDir, { recursive: true })
  const lock = options.dataDir && !options.client ? await lockDataDirectory(options.dataDir) : undefined
  let client: PGlite | undefined
  let schema: string
  try {
    client = options.client ?? (options.dataDir ? new PGlite(options.dataDir, { startParams }) : new PGlite({ startParams }))
    await client.waitReady
    const c = client
    schema = await chooseSchema(async (text) => (await c.query<Record<string, unknown>>(text)).rows, options.schema, options.onNotice ?? console.warn)
    await client.exec(`SET search_path TO ${quoted(schema)}`)
  } catch (e) {
    if (client && !options.client) await client.close().catch(() => undefined)
    await lock?.release()
    throw e
  }
  const db = drizzle(client) as unknown as Db
  const queue = makeLock()
  return {
    dialect: "pglite",
    client,
    schema,
    run: async (f) => {
      const release = await queue()
      try {
        return await f(db)
      } finally {
        release()
      }
    },
    begin: async () => {
      const release = await queue()
      try {
        await client.exec("BEGIN")
      } catch (e) {
        release()
        throw e
      }
      return {
        db,
        commit: async () => void (await client.exec("COMMIT")),
        rollback: async () => void (await client.exec("ROLLBACK")),
        release
      }
    },
    close: async () => {
      try {
        if (!options.client) await client.close()
      } finally {
        await lock?.release()
      }
    }
  }
}
