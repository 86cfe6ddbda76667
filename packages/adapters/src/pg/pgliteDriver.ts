/** The PGlite driver: one embedded connection guarded by one lock. */
import { mkdirSync } from "node:fs"
import { PGlite } from "@electric-sql/pglite"
import { drizzle } from "drizzle-orm/pglite"
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

/** Opens PGlite in `dataDir` (a directory on disk) or in memory when absent. */
export const makePgliteDriver = async (options: {
  readonly dataDir?: string
  readonly client?: PGlite
  /** A schema to use instead of `public` (created if missing). PGlite has one session: one schema at a time. */
  readonly schema?: string
}): Promise<PgDriver & { readonly client: PGlite }> => {
  if (options.dataDir && !options.client) mkdirSync(options.dataDir, { recursive: true })
  const client = options.client ?? (options.dataDir ? new PGlite(options.dataDir) : new PGlite())
  await client.waitReady
  if (options.schema !== undefined) {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(options.schema)) throw new Error(`invalid schema name ${options.schema}`)
    await client.exec(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"; SET search_path TO "${options.schema}"`)
  }
  const db = drizzle(client) as unknown as Db
  const lock = makeLock()
  return {
    dialect: "pglite",
    client,
    run: async (f) => {
      const release = await lock()
      try {
        return await f(db)
      } finally {
        release()
      }
    },
    begin: async () => {
      const release = await lock()
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
      if (!options.client) await client.close()
    }
  }
}
