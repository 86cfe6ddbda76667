/**
 * Bulk hand-out ledger claims on PGlite and PostgreSQL: one `INSERT ... ON CONFLICT DO NOTHING
 * RETURNING` per batch instead of one round trip per customer. The primary key (customer, period)
 * decides every race exactly as a single claim does; inside the extraction's transaction the
 * statement joins it (a conflicting row of a concurrent, uncommitted run makes it wait, then skip).
 */
import { Effect, Layer } from "effect"
import { BulkLedgerClaims, type HandOutLedgerEntry } from "@winback/core"
import { type PgDriver, useDb } from "../pg/Driver"
import { handOutLedger } from "../pg/schema"

/**
 * The bulk-claim service over an open SQL storage's driver.
 *
 * @example
 * ```ts
 * const storage = await PostgresStorage.open({ url })
 * const live = useCaseLayer.pipe(Layer.provideMerge(PgBulkLedgerClaims.layer(storage)), ...)
 * ```
 */
export const pgBulkLedgerClaims = (storage: { readonly driver: PgDriver }): BulkLedgerClaims["Service"] =>
  BulkLedgerClaims.of({
    claimMany: (entries: ReadonlyArray<HandOutLedgerEntry>) =>
      entries.length === 0
        ? Effect.succeed(new Set<string>())
        : useDb(storage.driver, "HandOutLedger.claimMany", async (db) => {
            const won = new Set<string>()
            for (let i = 0; i < entries.length; i += 1000) {
              const rows = await db
                .insert(handOutLedger)
                .values(entries.slice(i, i + 1000).map((e) => ({ ...e })))
                .onConflictDoNothing()
                .returning({ customerId: handOutLedger.customerId })
              for (const r of rows) won.add(r.customerId)
            }
            return won as ReadonlySet<string>
          })
  })

/**
 * The bulk-claim service as a layer.
 *
 * @example
 * ```ts
 * PgBulkLedgerClaims.layer(storage)
 * ```
 */
export const PgBulkLedgerClaims = {
  layer: (storage: { readonly driver: PgDriver }): Layer.Layer<BulkLedgerClaims> => Layer.succeed(BulkLedgerClaims, pgBulkLedgerClaims(storage))
} as const
