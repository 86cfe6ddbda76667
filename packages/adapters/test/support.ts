/** Opens the storages the adapter tests run against; Postgres only when its URL is set. */
import { PGlite } from "@electric-sql/pglite"
import { afterAll, beforeAll } from "vitest"
import { makeMemoryStores } from "../src/memory/MemoryStorage"
import { type OpenStorage, PgliteStorage, PostgresStorage } from "../src/pg/PgStorage"

/** The PostgreSQL URL of the test server, when set (`.ci/run` always sets it). */
export const postgresUrl = process.env.WINBACK_TEST_DATABASE_URL

let schemaCounter = 0
/** A schema name unique to this process and call. */
export const freshSchemaName = (label: string) => `t_${label}_${process.pid}_${Date.now().toString(36)}_${++schemaCounter}`

/** Fresh memory storage. */
export const openMemory = async () => ({ stores: makeMemoryStores(), close: async () => {} })

/** Fresh PGlite storage: one PGlite instance per test file, one schema per call. */
export const pgliteOpener = () => {
  let client: PGlite | undefined
  return async () => {
    client ??= new PGlite()
    const s = await PgliteStorage.open({ client, schema: freshSchemaName("lite") })
    return { stores: s.stores, close: s.close, storage: s }
  }
}

/** Fresh PostgreSQL storage in its own schema (dropped on close). */
export const openPostgres = async () => {
  const schema = freshSchemaName("pg")
  const s = await PostgresStorage.open({ url: postgresUrl!, schema })
  return {
    stores: s.stores,
    storage: s,
    close: async () => {
      await s.run((db) => db.execute(`DROP SCHEMA "${schema}" CASCADE` as never)).catch(() => undefined)
      await s.close()
    }
  }
}

/**
 * The SQL storages of a differential test, opened before the enclosing `describe` block's tests and
 * closed after them: PGlite always, PostgreSQL when its URL is set. Read `sql()` inside a test.
 */
export const differentialStorages = () => {
  let lite: OpenStorage | undefined
  let pg: Awaited<ReturnType<typeof openPostgres>> | undefined
  beforeAll(async () => {
    lite = await PgliteStorage.open()
    if (postgresUrl) pg = await openPostgres()
  }, 60_000)
  afterAll(async () => {
    await lite?.close()
    await pg?.close()
  })
  return (): { readonly lite: OpenStorage; readonly pg: OpenStorage | undefined } => ({ lite: lite!, pg: pg?.storage })
}
