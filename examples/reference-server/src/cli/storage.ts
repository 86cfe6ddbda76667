/**
 * Opens the storage a command works on, the same way the server does: PostgreSQL when a URL is
 * given (flag or WINBACK_DATABASE_URL), otherwise embedded PGlite in a data directory; Winback's
 * tables in schema `winback` unless --schema (or WINBACK_SCHEMA) names another. Migrations run on
 * open; `winback migrate` runs only them.
 */
import { resolve } from "node:path"
import { type MigrationReport, type OpenStorage, PgliteStorage, PostgresStorage } from "@winback/adapters"

/** What was opened, for the header line. */
export interface OpenedStorage {
  readonly storage: OpenStorage
  readonly description: string
}

/** The storage flags every command takes. */
export interface StorageFlags {
  readonly "database-url"?: string | undefined
  readonly "data-dir"?: string | undefined
  readonly schema?: string | undefined
}

/** A PostgreSQL URL with its password masked, for printing. */
const shownUrl = (url: string): string => {
  try {
    const u = new URL(url)
    u.password = u.password ? "***" : ""
    return u.toString()
  } catch {
    return "PostgreSQL"
  }
}

/** Where the flags and the environment point: PostgreSQL or a PGlite directory, and the schema asked for. */
const targetOf = (flags: StorageFlags, env: NodeJS.ProcessEnv) => {
  const url = flags["data-dir"] !== undefined ? undefined : (flags["database-url"] ?? env.WINBACK_DATABASE_URL)
  const schema = flags.schema ?? (env.WINBACK_SCHEMA || undefined)
  const options = schema === undefined ? {} : { schema }
  if (url) return { kind: "postgres", url, options, description: `PostgreSQL ${shownUrl(url)}` } as const
  const dataDir = resolve(flags["data-dir"] ?? env.WINBACK_DATA_DIR ?? ".data/winback")
  return { kind: "pglite", dataDir, options, description: `PGlite ${dataDir}` } as const
}

/** Opens PostgreSQL or PGlite from the flags and the environment. */
export const openStorage = async (flags: StorageFlags, env: NodeJS.ProcessEnv = process.env): Promise<OpenedStorage> => {
  const t = targetOf(flags, env)
  const storage = t.kind === "postgres" ? await PostgresStorage.open({ url: t.url, ...t.options }) : await PgliteStorage.open({ dataDir: t.dataDir, ...t.options })
  return { storage, description: `${t.description} (schema ${storage.schema})` }
}

/** Applies the pending migrations of the storage the flags point at (the body of `winback migrate`). */
export const migrateStorage = async (flags: StorageFlags, env: NodeJS.ProcessEnv = process.env): Promise<{ readonly report: MigrationReport; readonly description: string }> => {
  const t = targetOf(flags, env)
  const report = t.kind === "postgres" ? await PostgresStorage.migrate({ url: t.url, ...t.options }) : await PgliteStorage.migrate({ dataDir: t.dataDir, ...t.options })
  return { report, description: t.description }
}

/** The lines `winback migrate` prints. */
export const formatMigration = (r: MigrationReport): string =>
  r.applied.length === 0
    ? `Schema ${r.schema} is up to date (${r.total} migrations); nothing applied.`
    : [`Applied ${r.applied.length} migration(s) to schema ${r.schema}:`, ...r.applied.map((tag) => `  ${tag}`), `Schema ${r.schema} is up to date (${r.total} migrations).`].join("\n")
