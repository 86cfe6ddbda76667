/** The PGlite driver: one embedded connection guarded by one lock. */
import { mkdirSync } from "node:fs"
import { PGlite } from "@electric-sql/pglite"
import { drizzle } from "drizzle-orm/pglite"
import { lockDataDirectory } from "./DataDirectoryLock"
import type { Db, PgDriver } from "./Driver"

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
 * close.
 */
export const makePgliteDriver = async (options: {
  readonly dataDir?: string
  readonly client?: PGlite
  /** A schema to use instead of `public` (created if missing). PGlite has one session: one schema at a time. */
  readonly schema?: string
}): Promise<PgDriver & { readonly client: PGlite }> => {
  if (options.schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(options.schema)) throw new Error(`invalid schema name ${options.schema}`)
  if (options.dataDir && !options.client) mkdirSync(options.dataDir, { recursive: true })
  const lock = options.dataDir && !options.client ? await lockDataDirectory(options.dataDir) : undefined
  let client: PGlite
  try {
    client = options.client ?? (options.dataDir ? new PGlite(options.dataDir, { startParams }) : new PGlite({ startParams }))
    await client.waitReady
    if (options.schema !== undefined) await client.exec(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"; SET search_path TO "${options.schema}"`)
  } catch (e) {
    await lock?.release()
    throw e
  }
  const db = drizzle(client) as unknown as Db
  const queue = makeLock()
  return {
    dialect: "pglite",
    client,
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
