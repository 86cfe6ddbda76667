/**
 * The embedded (PGlite) and server (PostgreSQL) adapters as layers. Winback's tables live in their
 * own schema (`winback` unless chosen, see schemaChoice.ts); opening applies the schema migrations
 * unless told not to; closing the layer's scope closes the database. Every failure of opening is
 * typed (openErrors.ts).
 */
import { Effect, Layer } from "effect"
import type { PGlite } from "@electric-sql/pglite"
import { StorageError, type StoragePorts, type Stores, storesLayer } from "@winback/core"
import type { Db, PgDriver } from "./Driver"
import { applyMigrations, missingMigrations } from "./migrate"
import { migrations } from "./migrations.generated"
import { maskedUrl, MigrationsPending, type OpenContext, toOpenError } from "./openErrors"
import { makePgliteDriver } from "./pgliteDriver"
import { makePgStores } from "./PgStores"
import { makePostgresDriver, type PostgresOptions } from "./postgresDriver"

/** An open SQL storage: the stores, the driver under them, and a way to close it. */
export interface OpenStorage {
  readonly stores: Stores
  readonly driver: PgDriver
  /** The schema Winback's tables are in (`winback`, the one chosen, or `public` for an earlier release's database). */
  readonly schema: string
  /** Runs a raw drizzle call outside any transaction (for hosts' own queries and tests). */
  readonly run: <A>(f: (db: Db) => Promise<A>) => Promise<A>
  readonly close: () => Promise<void>
}

/**
 * What `PgliteStorage.migrate` and `PostgresStorage.migrate` did.
 *
 * @example
 * ```ts
 * const { schema, applied, total } = await PostgresStorage.migrate({ url, schema: "tenant_a" })
 * console.log(applied.length ? `applied ${applied.join(", ")}` : `${schema} up to date (${total})`)
 * ```
 */
export interface MigrationReport {
  /** The schema migrated. */
  readonly schema: string
  /** The migrations applied now, oldest first (empty when the schema was up to date). */
  readonly applied: ReadonlyArray<string>
  /** How many migrations this release knows, every one of them now applied. */
  readonly total: number
}

/** The `winback migrate` line that brings this storage up to date (a URL's password is not shown). */
const migrateCommand = (context: OpenContext, schema: string): string => {
  const where = context.url !== undefined ? `--database-url ${maskedUrl(context.url) ?? "URL"}` : context.dataDir !== undefined ? `--data-dir ${context.dataDir}` : ""
  return where === "" ? "open it once with migrate: true (an in-memory database has nothing to migrate from outside)" : `winback migrate ${where} --schema ${schema}`
}

const open = async (makeDriver: () => Promise<PgDriver & { readonly schema: string }>, context: OpenContext, migrating: boolean): Promise<OpenStorage> => {
  let driver: PgDriver & { readonly schema: string }
  try {
    driver = await makeDriver()
  } catch (e) {
    throw toOpenError(e, context)
  }
  const schema = driver.schema
  try {
    if (migrating) await driver.run((db) => applyMigrations(db, schema))
    else {
      const missing = await driver.run((db) => missingMigrations(db, schema))
      if (missing.length > 0) throw new MigrationsPending({ schema, missing, command: migrateCommand(context, schema), operation: context.operation })
    }
  } catch (e) {
    await driver.close().catch(() => undefined)
    throw toOpenError(e, { ...context, schema })
  }
  return { stores: makePgStores(driver), driver, schema, run: driver.run, close: driver.close }
}

/** Opens, applies the pending migrations, closes: the body of `winback migrate`. */
const migrateOnly = async (makeDriver: () => Promise<PgDriver & { readonly schema: string }>, context: OpenContext): Promise<MigrationReport> => {
  let driver: PgDriver & { readonly schema: string }
  try {
    driver = await makeDriver()
  } catch (e) {
    throw toOpenError(e, context)
  }
  try {
    const schema = driver.schema
    const applied = await driver.run((db) => applyMigrations(db, schema))
    return { schema, applied, total: migrations.length }
  } catch (e) {
    throw toOpenError(e, { ...context, schema: driver.schema })
  } finally {
    await driver.close().catch(() => undefined)
  }
}

const asLayer = (opening: () => Promise<OpenStorage>, name: string): Layer.Layer<StoragePorts, StorageError> =>
  Layer.unwrap(
    Effect.acquireRelease(
      // Typed open failures are StorageErrors already; the rest (DataDirectoryLocked, a bad schema
      // name) travel as the cause of one, so the layer fails with the class every port fails with.
      Effect.tryPromise({ try: opening, catch: (cause) => cause instanceof StorageError ? cause : new StorageError({ reason: "Unavailable", operation: `${name}.open`, cause }) }),
      (s) => Effect.promise(() => s.close())
    ).pipe(Effect.map((s) => storesLayer(s.stores)))
  )

/** Options of the embedded adapter. */
export interface PgliteOptions {
  /** A directory to keep the database in; in memory when absent. */
  readonly dataDir?: string
  /**
   * An already open PGlite instance to use (not closed by the adapter). Winback sets its one
   * session's `search_path` to Winback's schema: a host sharing the instance names its own tables
   * with their schema (`public.crm_customers`), and opens one Winback storage on it at a time.
   */
  readonly client?: PGlite
  /**
   * The schema Winback's tables live in (default `winback`; created by the migrations if missing).
   * A directory made by a release before this default keeps its tables in `public` and is opened
   * there (docs/upgrading.md).
   */
  readonly schema?: string
  /**
   * Apply pending migrations on open (default `true`). With `false` open creates nothing and fails
   * with `MigrationsPending` when the schema is behind (`winback migrate --data-dir DIR` applies them).
   */
  readonly migrate?: boolean
  /** Where the one-line notice about a directory from an earlier release goes (default `console.warn`). */
  readonly onNotice?: (line: string) => void
}

const pgliteContext = (options: PgliteOptions): OpenContext => ({ operation: "pglite.open", schema: options.schema, dataDir: options.dataDir })
const postgresContext = (options: PostgresOptions): OpenContext => ({ operation: "postgres.open", schema: options.schema, url: options.url })

/**
 * The embedded default: PostgreSQL compiled to WebAssembly, in a directory on disk or in memory.
 * `migrate` applies the pending migrations without opening the stores (what `winback migrate` runs).
 *
 * @example
 * ```ts
 * import { PgliteStorage } from "@winback/adapters"
 * const storage = await PgliteStorage.open({ dataDir: ".data/winback" }) // tables in schema "winback"
 * // or, with Effect: program.pipe(Effect.provide(PgliteStorage.layer({ dataDir: ".data/winback" })))
 * const { applied } = await PgliteStorage.migrate({ dataDir: ".data/winback" })
 * ```
 */
export const PgliteStorage = {
  open: (options: PgliteOptions = {}): Promise<OpenStorage> => open(() => makePgliteDriver(options), pgliteContext(options), options.migrate !== false),
  layer: (options: PgliteOptions = {}): Layer.Layer<StoragePorts, StorageError> => asLayer(() => PgliteStorage.open(options), "pglite"),
  migrate: (options: Omit<PgliteOptions, "migrate"> = {}): Promise<MigrationReport> => migrateOnly(() => makePgliteDriver(options), { ...pgliteContext(options), operation: "pglite.migrate" })
} as const

/**
 * PostgreSQL through node-postgres, in its own schema (`winback` unless chosen) so it shares a
 * database with the host's tables. `migrate` applies the pending migrations without opening the
 * stores (what `winback migrate` runs).
 *
 * @example
 * ```ts
 * import { PostgresStorage } from "@winback/adapters"
 * const storage = await PostgresStorage.open({ url: process.env.DATABASE_URL! })
 * const tenantA = await PostgresStorage.open({ url: process.env.DATABASE_URL!, schema: "winback_tenant_a", migrate: false })
 * ```
 */
export const PostgresStorage = {
  open: (options: PostgresOptions): Promise<OpenStorage> => open(() => makePostgresDriver(options), postgresContext(options), options.migrate !== false),
  layer: (options: PostgresOptions): Layer.Layer<StoragePorts, StorageError> => asLayer(() => PostgresStorage.open(options), "postgres"),
  migrate: (options: Omit<PostgresOptions, "migrate">): Promise<MigrationReport> => migrateOnly(() => makePostgresDriver({ ...options, maxConnections: 1 }), { ...postgresContext(options), operation: "postgres.migrate" })
} as const
