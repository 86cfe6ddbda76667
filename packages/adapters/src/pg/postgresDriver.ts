/** The PostgreSQL driver: a node-postgres pool; each transaction gets its own connection. */
import { drizzle } from "drizzle-orm/node-postgres"
import pg from "pg"
import type { Db, PgDriver } from "./Driver"

/** Connection options for `PostgresStorage.open` and `PostgresStorage.layer`. */
export interface PostgresOptions {
  /** `postgres://user@host:5432/db`. */
  readonly url: string
  /** A schema to use instead of `public` (created if missing); handy for isolated tests. */
  readonly schema?: string
  /** Pool size (default 10). */
  readonly maxConnections?: number
}

/** Opens a pool against `url`. */
export const makePostgresDriver = async (options: PostgresOptions): Promise<PgDriver & { readonly pool: pg.Pool }> => {
  if (options.schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(options.schema)) {
    throw new Error(`invalid schema name ${options.schema}`)
  }
  if (options.schema) {
    const admin = new pg.Client({ connectionString: options.url })
    await admin.connect()
    try {
      await admin.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`)
    } finally {
      await admin.end()
    }
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {})
  })
  pool.on("error", () => undefined) // idle-client errors surface on the next query instead
  const db = drizzle(pool) as unknown as Db
  return {
    dialect: "postgres",
    pool,
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
