/**
 * What PGlite and PostgreSQL storage share: the drizzle schema and migrations, the SQL stores, rules
 * pushed down to SQL, the SQL work-pipeline helpers and report queries. Re-exported by
 * `@winback/adapters/pglite` and `@winback/adapters/postgres`.
 *
 * @example
 * ```ts
 * import { PostgresStorage, SqlCandidateSource } from "@winback/adapters/postgres"
 * const storage = await PostgresStorage.open({ url: process.env.DATABASE_URL! })
 * const candidates = SqlCandidateSource.layer(storage)
 * ```
 * @packageDocumentation
 */
export { type MigrationReport, type OpenStorage } from "./pg/PgStorage"
export { MigrationsPending, StorageOpenError, type StorageOpenKind } from "./pg/openErrors"
export { defaultSchema } from "./pg/schemaChoice"
export { type Db, type PgDriver, type TxHandle } from "./pg/Driver"
export { migrate, type MigrateOptions, pendingMigrations } from "./pg/migrate"
export { makePgStores } from "./pg/PgStores"
export * as schema from "./pg/schema"
export * from "./rules-sql"
export { SqlCandidateSource, sqlCandidateSource, SqlCandidateStaging, sqlCandidateStaging, type CandidateStagingOptions, type SqlCandidateOptions, type SqlRunner } from "./pipeline/SqlCandidateSource"
export { PgBulkLedgerClaims, pgBulkLedgerClaims } from "./pipeline/PgBulkLedgerClaims"
export { PgExtractionPartitions, pgExtractionPartitions } from "./pipeline/PgExtractionPartitions"
export { type ReportSqlRunner, SqlReportQueries, sqlReportQueries } from "./reports/SqlReportQueries"
