/**
 * `@winback/adapters/postgres` — PostgreSQL storage over `pg` and everything the SQL adapters
 * share. A bundler that follows `"sideEffects": false` leaves PGlite out.
 *
 * @example
 * ```ts
 * import { PostgresStorage } from "@winback/adapters/postgres"
 * const storage = await PostgresStorage.open({ url: "postgres://localhost/crm" })
 * ```
 * @packageDocumentation
 */
export * from "./sql"
export { PostgresStorage } from "./pg/PgStorage"
export type { PostgresOptions } from "./pg/postgresDriver"
