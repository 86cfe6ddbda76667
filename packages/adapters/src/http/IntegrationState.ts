/**
 * The small durable state the HTTP integrations keep: the webhook dispatcher's outbox cursors and
 * the receipts that make inbound call-center events idempotent. A key/value port with an atomic
 * "insert if absent", implemented over the memory database and the drizzle schema
 * (`integration_state`), taking part in the storage `Transactions` like every store.
 */
import { eq, sql } from "drizzle-orm"
import { Context, Effect, Layer } from "effect"
import { nowIso, type StorageError } from "@winback/core"
import type { MemoryDb } from "../memory/MemoryDb"
import { type PgDriver, useDb } from "../pg/Driver"
import { integrationState } from "../pg/schema"

/**
 * Key/value state of the integrations.
 *
 * Contracts: a call inside `Transactions.transaction` takes part in that transaction. `claim`
 * MUST be atomic: of N concurrent claims of one key exactly one answers `true` (and stores
 * `value`); the others answer `false` and change nothing. Values are plain JSON.
 *
 * @example
 * ```ts
 * const state = yield* IntegrationState
 * if (yield* state.claim("callcenter-event:ev-42", { at: now })) {
 *   // first delivery of ev-42: do the work, in the same transaction
 * }
 * ```
 */
export class IntegrationState extends Context.Service<
  IntegrationState,
  {
    /** The value stored under `key`, or `undefined`. */
    readonly get: (key: string) => Effect.Effect<unknown, StorageError>
    /** Stores `value` under `key`, replacing what was there. */
    readonly put: (key: string, value: unknown) => Effect.Effect<void, StorageError>
    /** Stores `value` under `key` only if the key is new; `true` when this call stored it. */
    readonly claim: (key: string, value: unknown) => Effect.Effect<boolean, StorageError>
  }
>()("@winback/adapters/IntegrationState") {
  /**
   * Over the memory database the memory stores use (so it joins their transactions).
   *
   * @example
   * ```ts
   * const db = new MemoryDb()
   * const layer = Layer.merge(storesLayer(makeMemoryStores(db)), IntegrationState.memory(db))
   * ```
   */
  static memory(db: MemoryDb): Layer.Layer<IntegrationState> {
    return Layer.succeed(IntegrationState, memoryIntegrationState(db))
  }

  /**
   * Over PGlite or PostgreSQL: the `integration_state` table (migration `0003_integration_state`).
   *
   * @example
   * ```ts
   * const storage = await PgliteStorage.open({ dataDir: ".data/winback" })
   * const layer = IntegrationState.pg(storage.driver)
   * ```
   */
  static pg(driver: PgDriver): Layer.Layer<IntegrationState> {
    return Layer.succeed(IntegrationState, pgIntegrationState(driver))
  }
}

const TABLE = "integration_state"
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value ?? null))

/**
 * The memory implementation as a value (see {@link IntegrationState.memory}).
 *
 * @example
 * ```ts
 * const state = memoryIntegrationState(db)
 * ```
 */
export const memoryIntegrationState = (db: MemoryDb): IntegrationState["Service"] =>
  IntegrationState.of({
    get: (key) => db.op(() => db.table<{ value: unknown }>(TABLE).get(key)?.value),
    put: (key, value) => Effect.flatMap(nowIso, (at) => db.op(() => db.write(TABLE, key, { value: plain(value), updatedAt: at }))),
    claim: (key, value) =>
      Effect.flatMap(nowIso, (at) =>
        db.op(() => {
          if (db.table(TABLE).has(key)) return false
          db.write(TABLE, key, { value: plain(value), updatedAt: at })
          return true
        })
      )
  })

/**
 * The SQL implementation as a value (see {@link IntegrationState.pg}).
 *
 * @example
 * ```ts
 * const state = pgIntegrationState(storage.driver)
 * ```
 */
export const pgIntegrationState = (driver: PgDriver): IntegrationState["Service"] =>
  IntegrationState.of({
    get: (key) =>
      useDb(driver, "IntegrationState.get", async (db) => {
        const rows = await db.select({ value: integrationState.value }).from(integrationState).where(eq(integrationState.key, key))
        return rows[0]?.value
      }),
    put: (key, value) =>
      Effect.flatMap(nowIso, (at) =>
        useDb(driver, "IntegrationState.put", async (db) => {
          const v = plain(value)
          await db
            .insert(integrationState)
            .values({ key, value: v, updatedAt: at })
            .onConflictDoUpdate({ target: integrationState.key, set: { value: sql`excluded.value`, updatedAt: sql`excluded.updated_at` } })
        })
      ),
    claim: (key, value) =>
      Effect.flatMap(nowIso, (at) =>
        useDb(driver, "IntegrationState.claim", async (db) => {
          const rows = await db.insert(integrationState).values({ key, value: plain(value), updatedAt: at }).onConflictDoNothing().returning({ key: integrationState.key })
          return rows.length === 1
        })
      )
  })
