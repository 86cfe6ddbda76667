/**
 * @winback/adapters — storage adapters (memory, embedded PGlite, PostgreSQL) behind the
 * `@winback/core` ports, and the integrations with the outside world.
 *
 * @example
 * ```ts
 * import { PgliteStorage } from "@winback/adapters"
 * const storage = await PgliteStorage.open({ dataDir: ".data/winback" })
 * ```
 * @packageDocumentation
 */

// Storage: memory
export { MemoryStorage, makeMemoryStores } from "./memory/MemoryStorage"
export { MemoryDb } from "./memory/MemoryDb"

// Storage: PGlite and PostgreSQL (one drizzle schema, one set of migrations)
export { type MigrationReport, type OpenStorage, type PgliteOptions, PgliteStorage, PostgresStorage } from "./pg/PgStorage"
export { MigrationsPending, StorageOpenError, type StorageOpenKind } from "./pg/openErrors"
export { defaultSchema } from "./pg/schemaChoice"
export { DataDirectoryLocked, type DataDirectoryHolder } from "./pg/DataDirectoryLock"
export type { PostgresOptions } from "./pg/postgresDriver"
export { type Db, type PgDriver, type TxHandle } from "./pg/Driver"
export { migrate, type MigrateOptions, pendingMigrations } from "./pg/migrate"
export { makePgStores } from "./pg/PgStores"
export * as schema from "./pg/schema"


// Rules pushed down to SQL, and business calendars
export * from "./rules-sql"
export * from "./calendar"

// Work pipeline
export { SqlCandidateSource, sqlCandidateSource, SqlCandidateStaging, sqlCandidateStaging, type CandidateStagingOptions, type SqlCandidateOptions, type SqlRunner } from "./pipeline/SqlCandidateSource"
export { PgBulkLedgerClaims, pgBulkLedgerClaims } from "./pipeline/PgBulkLedgerClaims"
export { PgExtractionPartitions, pgExtractionPartitions } from "./pipeline/PgExtractionPartitions"

// HTTP integrations: SMS gateway, dialer (call center), outgoing webhooks (an outbox over the audit log)
export * from "./http"

// Reports (DOMAIN §8): aggregates in the database, or over the memory tables
export { type ReportSqlRunner, SqlReportQueries, sqlReportQueries } from "./reports/SqlReportQueries"
export { MemoryReportQueries, memoryReportQueries } from "./memory/MemoryReportQueries"
export { pgliteDemoLoader } from "./pg/bulkLoad"
