/**
 * `@winback/adapters/pglite` — embedded PostgreSQL (PGlite, WebAssembly) storage and everything the
 * SQL adapters share. Does not load `pg`, the business calendars or the memory adapter.
 *
 * @example
 * ```ts
 * import { PgliteStorage } from "@winback/adapters/pglite"
 * const storage = await PgliteStorage.open({ dataDir: ".data/winback" })
 * ```
 * @packageDocumentation
 */
export * from "./sql"
export { type PgliteOptions, PgliteStorage } from "./pg/PgStorage"
export { DataDirectoryLocked, type DataDirectoryHolder } from "./pg/DataDirectoryLock"
export { pgliteDemoLoader } from "./pg/bulkLoad"
