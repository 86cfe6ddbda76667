/**
 * `@winback/adapters/memory` — the in-memory storage (tests, demos, small hosts) and its report
 * queries. Loads neither PGlite, `pg`, drizzle nor the business calendars.
 *
 * @example
 * ```ts
 * import { createWinback } from "@winback/core"
 * import { MemoryStorage } from "@winback/adapters/memory"
 * const winback = await createWinback({ storage: MemoryStorage.layer() })
 * ```
 * @packageDocumentation
 */
export { MemoryStorage, makeMemoryStores } from "./MemoryStorage"
export { MemoryDb } from "./MemoryDb"
export { MemoryReportQueries, memoryReportQueries } from "./MemoryReportQueries"
