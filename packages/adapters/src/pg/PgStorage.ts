/**
 * The embedded (PGlite) and server (PostgreSQL) adapters as layers. Opening applies the schema
 * migrations; closing the layer's scope closes the database.
 */
import { Effect, Layer } from "effect"
import type { PGlite } from "@electric-sql/pglite"
import { StorageError, type StoragePorts, type Stores, storesLayer } from "@winback/core"
import type { Db, PgDriver } from "./Driver"
import { migrate } from "./migrate"
import { makePgliteDriver } from "./pgliteDriver"
import { makePgStores } from "./PgStores"
import { makePostgresDriver, type PostgresOptions } from "./postgresDriver"

/** An open SQL storage: the stores, the driver under them, and a way to close it. */
export interface OpenStorage {
  readonly stores: Stores
  readonly driver: PgDriver
  /** Runs a raw drizzle call outside any transaction (for hosts' own queries and tests). */
  readonly run: <A>(f: (db: Db) => Promise<A>) => Promise<A>
  readonly close: () => Promise<void>
}

const open = async (driver: PgDriver): Promise<OpenStorage> => {
  try {
    await driver.run((db) => migrate(db))
  } catch (e) {
    await driver.close().catch(() => undefined)
    throw e
  }
  return { stores: makePgStores(driver), driver, run: driver.run, close: driver.close }
}

const asLayer = (opening: () => Promise<OpenStorage>, name: string): Layer.Layer<StoragePorts, StorageError> =>
  Layer.unwrap(
    Effect.acquireRelease(
      Effect.tryPromise({ try: opening, catch: (cause) => new StorageError({ reason: "Unavailable", operation: `${name}.open`, cause }) }),
      (s) => Effect.promise(() => s.close())
    ).pipe(Effect.map((s) => storesLayer(s.stores)))
  )

/** Options of the embedded adapter. */
export interface PgliteOptions {
  /** A directory to keep the database in; in memory when absent. */
  readonly dataDir?: string
  /** An already open PGlite instance to use (not closed by the adapter). */
  readonly client?: PGlite
  /** A schema to use instead of `public` (created if missing). */
  readonly schema?: string
}

/**
 * The embedded default: PostgreSQL compiled to WebAssembly, in a directory on disk or in memory.
 *
 * @example
 * ```ts
 * import { PgliteStorage } from "@winback/adapters"
 * const storage = await PgliteStorage.open({ dataDir: ".data/winback" })
 * // or, with Effect: program.pipe(Effect.provide(PgliteStorage.layer({ dataDir: ".data/winback" })))
 * ```
 */
export const PgliteStorage = {
  open: async (options: PgliteOptions = {}): Promise<OpenStorage> => open(await makePgliteDriver(options)),
  layer: (options: PgliteOptions = {}): Layer.Layer<StoragePorts, StorageError> => asLayer(() => PgliteStorage.open(options), "pglite")
} as const

/**
 * PostgreSQL through node-postgres.
 *
 * @example
 * ```ts
 * import { PostgresStorage } from "@winback/adapters"
 * const storage = await PostgresStorage.open({ url: process.env.DATABASE_URL! })
 * ```
 */
export const PostgresStorage = {
  open: async (options: PostgresOptions): Promise<OpenStorage> => open(await makePostgresDriver(options)),
  layer: (options: PostgresOptions): Layer.Layer<StoragePorts, StorageError> => asLayer(() => PostgresStorage.open(options), "postgres")
} as const
