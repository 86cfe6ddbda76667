/** The PostgreSQL driver: a node-postgres pool; each transaction gets its own connection. */
import { drizzle } from "drizzle-orm/node-postgres"
import pg from "pg"
import type { Db, PgDriver } from "./Driver"
import { checkSchemaName, chooseSchema, quoted } from "./schemaChoice"

/**
 * Connection options for `PostgresStorage.open` and `PostgresStorage.layer`.
 *
 * @example
 * ```ts
 * const options: PostgresOptions = { url: "postgres://crm@db:5432/crm", schema: "winback_tenant_a", migrate: false }
 * ```
 */
export interface PostgresOptions {
  /** `postgres://user@host:5432/db`. */
  readonly url: string
  /**
   * The schema Winback's tables live in (default `winback`; created by the migrations if missing).
   * One per tenant puts several Winbacks in one database. Lower-case letters, digits and `_`.
   */
  readonly schema?: string
  /**
   * Apply pending migrations on open (default `true`). With `false` open creates nothing and fails
   * with `MigrationsPending` when the schema is behind: run `winback migrate` (or
   * `PostgresStorage.migrate`) from a deployment step instead.
   */
  readonly migrate?: boolean
  /** Where the one-line notice about a database from an earlier release goes (default `console.warn`). */
  readonly onNotice?: (line: string) => void
  /** Pool size (default 10). */
  readonly maxConnections?: number
}

/**
 * Opens a pool against `url` whose connections work in the chosen schema (their `search_path`).
 * One connection first chooses the schema (see schemaChoice.ts): it also makes a wrong URL, user or
 * database fail here, before any pool exists.
 */
export const makePostgresDriver = async (options: PostgresOptions): Promise<PgDriver & { readonly pool: pg.Pool; readonly schema: string }> => {
  if (options.schema !== undefined) checkSchemaName(options.schema)
  const probe = new pg.Client({ connectionString: options.url })
  probe.on("error", () => undefined) // a server going away now fails the query below instead
  let schema: string
  try {
    await probe.connect()
    schema = await chooseSchema(async (text) => (await probe.query(text)).rows, options.schema, options.onNotice ?? console.warn)
  } finally {
    await probe.end().catch(() => undefined)
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    options: `-c search_path=${checkSchemaName(schema)}`
  })
  pool.on("error", () => undefined) // idle-client errors surface on the next query instead
  const db = drizzle(pool) as unknown as Db
  return {
    dialect: "postgres",
    pool,
    schema,
    run: (f) => f(db),
    begin: async () => {
      const client = await pool.connect()
      try {
        await client.query("BEGIN")
      } catch (e) {
        client.release(e as Error)
        throw e
      }
      let broken = false
      return {
        db: drizzle(client) as unknown as Db,
        commit: async () => void (await client.query("COMMIT")),
        rollback: async () => {
          try {
            await client.query("ROLLBACK")
          } catch {
            broken = true
          }
        },
        release: () => client.release(broken)
      }
    },
    close: () => pool.end()
  }
}
