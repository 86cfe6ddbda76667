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

// Storage: memory (also `@winback/adapters/memory`, which loads no SQL driver)
export * from "./memory/index"

// Storage: PGlite and PostgreSQL, one drizzle schema, one set of migrations (also
// `@winback/adapters/pglite` and `@winback/adapters/postgres`); rules pushed down to SQL
export * from "./pglite"
export { PostgresStorage, type PostgresOptions } from "./postgres"

// Business calendars (also `@winback/adapters/calendars`)
export * from "./calendar"

// HTTP integrations: SMS gateway, dialer (call center), outgoing webhooks (an outbox over the audit log)
export * from "./http"


// Attachment files: the local-directory file storage (the default of the reference server)
export { defaultAttachmentTypes, LocalFileStorage, type LocalFileStorageOptions } from "./files/LocalFileStorage"
