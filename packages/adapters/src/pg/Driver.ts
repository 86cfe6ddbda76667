/**
 * The one seam between the PostgreSQL-family stores and a concrete driver. PGlite is a single
 * connection, so every call and every transaction takes one lock; PostgreSQL uses a pool and
 * gives each transaction its own connection.
 */
import { Context, Effect, Exit } from "effect"
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core"
import { StorageError } from "@winback/core"
import { toStorageError } from "./errors"

/** A drizzle database of either driver. */
export type Db = PgDatabase<PgQueryResultHKT, Record<string, never>>

/** A connection in an open transaction. */
export interface TxHandle {
  readonly db: Db
  readonly commit: () => Promise<void>
  readonly rollback: () => Promise<void>
  readonly release: () => void
}

/** What a driver provides to the stores. */
export interface PgDriver {
  readonly dialect: "pglite" | "postgres"
  /** Runs `f` outside any transaction (PGlite: under the connection lock). */
  readonly run: <A>(f: (db: Db) => Promise<A>) => Promise<A>
  /** Opens a transaction on a dedicated connection (PGlite: holding the lock until release). */
  readonly begin: () => Promise<TxHandle>
  readonly close: () => Promise<void>
}

/** The transaction the current fiber runs in, if any. */
export const CurrentTx = Context.Reference<Db | undefined>("@winback/adapters/CurrentTx", { defaultValue: () => undefined })

/** Runs one storage call, in the current transaction when there is one. */
export const useDb = <A>(driver: PgDriver, operation: string, f: (db: Db) => Promise<A>): Effect.Effect<A, StorageError> =>
  Effect.flatMap(CurrentTx, (tx) =>
    Effect.tryPromise({ try: () => (tx ? f(tx) : driver.run(f)), catch: (e) => toStorageError(operation, e) })
  )

/** Runs `f` in the current transaction, or in a new one that commits when `f` succeeds. */
export const inTransaction = <A, E, R>(driver: PgDriver, effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | StorageError, R> =>
  Effect.flatMap(CurrentTx, (current) =>
    current
      ? effect
      : Effect.acquireUseRelease(
          Effect.tryPromise({ try: () => driver.begin(), catch: (e) => toStorageError("transaction.begin", e) }),
          (h) =>
            effect.pipe(
              Effect.provideService(CurrentTx, h.db),
              Effect.tap(() => Effect.tryPromise({ try: () => h.commit(), catch: (e) => toStorageError("transaction.commit", e) }))
            ),
          (h, exit) =>
            Effect.promise(async () => {
              if (Exit.isFailure(exit)) await h.rollback().catch(() => undefined)
              h.release()
            })
        )
  )

/** The rows of a raw `execute` result (both drivers answer `{ rows }`). */
export const rowsOf = <R>(result: unknown): Array<R> => (result as { rows: Array<R> }).rows
