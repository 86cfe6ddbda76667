/**
 * Opens the storage a command works on, the same way the server does: PostgreSQL when a URL is
 * given (flag or WINBACK_DATABASE_URL), otherwise embedded PGlite in a data directory. Migrations
 * run on open.
 */
import { resolve } from "node:path"
import { type OpenStorage, PgliteStorage, PostgresStorage } from "@winback/adapters"

/** What was opened, for the header line. */
export interface OpenedStorage {
  readonly storage: OpenStorage
  readonly description: string
}

/** Opens PostgreSQL or PGlite from the flags and the environment. */
export const openStorage = async (flags: { readonly "database-url"?: string | undefined; readonly "data-dir"?: string | undefined }, env: NodeJS.ProcessEnv = process.env): Promise<OpenedStorage> => {
  const url = flags["data-dir"] !== undefined ? undefined : (flags["database-url"] ?? env.WINBACK_DATABASE_URL)
  if (url) {
    const shown = (() => {
      try {
        const u = new URL(url)
        u.password = u.password ? "***" : ""
        return u.toString()
      } catch {
        return "PostgreSQL"
      }
    })()
    return { storage: await PostgresStorage.open({ url }), description: `PostgreSQL ${shown}` }
  }
  const dataDir = resolve(flags["data-dir"] ?? env.WINBACK_DATA_DIR ?? ".data/winback")
  return { storage: await PgliteStorage.open({ dataDir }), description: `PGlite ${dataDir}` }
}
