/**
 * The partition queue of partitioned extraction on PGlite and PostgreSQL: the
 * `extraction_partitions` table, one row per (run, partition). A worker claims a partition with one
 * `UPDATE ... WHERE (run_key, partition) = (SELECT ... FOR UPDATE SKIP LOCKED LIMIT 1)`: concurrent
 * claims skip each other's rows instead of waiting, so N workers take N different partitions in
 * one round trip each. A claim holds a lease (`lease_until`); a partition whose worker died (its
 * transaction rolled back by the server when the connection dropped) is claimable again once the
 * lease has run out — by the database's clock (`now()`), which every worker shares, not by the
 * worker's own. The partition's own write transaction marks it done — only while the worker
 * still holds it — so a slow worker overtaken after its lease rolls back instead of writing twice.
 */
import { and, asc, eq, sql } from "drizzle-orm"
import { Effect, Layer } from "effect"
import { Conflict, ExtractionPartitions, type PartitionState } from "@winback/core"
import { type PgDriver, useDb } from "../pg/Driver"
import { toStorageError } from "../pg/errors"
import { extractionPartitions } from "../pg/schema"
import { dbNowIso } from "./dbClock"

/** The partition is running under `workerId`'s lease: only the lease holder completes or releases it. */
const heldBy = (runKey: string, partition: number, workerId: string) =>
  and(
    eq(extractionPartitions.runKey, runKey),
    eq(extractionPartitions.partition, partition),
    eq(extractionPartitions.workerId, workerId),
    eq(extractionPartitions.state, "running")
  )

/**
 * The partition queue over an open SQL storage's driver.
 *
 * @example
 * ```ts
 * const storage = await PostgresStorage.open({ url })
 * const queue = pgExtractionPartitions(storage)
 * ```
 */
export const pgExtractionPartitions = (storage: { readonly driver: PgDriver }): ExtractionPartitions["Service"] => {
  const driver = storage.driver
  return ExtractionPartitions.of({
    open: (runKey, count, at) =>
      useDb(driver, "ExtractionPartitions.open", async (db) => {
        await db
          .insert(extractionPartitions)
          .values(Array.from({ length: count }, (_, partition) => ({ runKey, partition, partitions: count, state: "pending", updatedAt: at })))
          .onConflictDoNothing()
        const rows = await db
          .select({ partitions: extractionPartitions.partitions, n: sql<number>`count(*)::int` })
          .from(extractionPartitions)
          .where(eq(extractionPartitions.runKey, runKey))
          .groupBy(extractionPartitions.partitions)
        return rows
      }).pipe(
        Effect.flatMap((rows) =>
          rows.length === 1 && rows[0]!.partitions === count && rows[0]!.n === count
            ? Effect.void
            : Effect.fail(new Conflict({ kind: "mismatch", entity: "ExtractionRun", id: runKey, reason: `already split into ${rows.map((r) => r.partitions).join(", ")} partitions, not ${count}` }))
        )
      ),
    claim: (runKey, workerId, now, leaseUntil) =>
      // On the driver itself, outside any current transaction: a claim commits at once. The lease
      // is judged by the database's clock: it runs `leaseUntil - now` from the database's `now()`,
      // and a held partition is free again once the database's `now()` has passed it.
      Effect.tryPromise({
        try: () =>
          driver.run(async (db) => {
            const t = extractionPartitions
            const leaseMs = Math.max(0, Date.parse(leaseUntil) - Date.parse(now))
            const rows = await db
              .update(t)
              .set({ state: "running", workerId, leaseUntil: dbNowIso(leaseMs), attempts: sql`${t.attempts} + 1`, updatedAt: now })
              .where(
                sql`(${t.runKey}, ${t.partition}) = (
                  select p.run_key, p.partition from ${t} p
                  where p.run_key = ${runKey} and (p.state = 'pending' or (p.state = 'running' and p.lease_until <= ${dbNowIso()}))
                  order by p.partition
                  limit 1
                  for update skip locked)`
              )
              .returning({ partition: t.partition })
            return rows[0]?.partition
          }),
        catch: (e) => toStorageError("ExtractionPartitions.claim", e)
      }),
    complete: (runKey, partition, workerId, result, at) =>
      useDb(driver, "ExtractionPartitions.complete", async (db) => {
        const rows = await db
          .update(extractionPartitions)
          .set({ state: "done", leaseUntil: null, result, updatedAt: at })
          .where(heldBy(runKey, partition, workerId))
          .returning({ partition: extractionPartitions.partition })
        return rows.length === 1
      }),
    release: (runKey, partition, workerId, at) =>
      useDb(driver, "ExtractionPartitions.release", async (db) => {
        await db
          .update(extractionPartitions)
          .set({ state: "pending", workerId: null, leaseUntil: null, updatedAt: at })
          .where(heldBy(runKey, partition, workerId))
      }),
    list: (runKey) =>
      useDb(driver, "ExtractionPartitions.list", async (db) => {
        const rows = await db.select().from(extractionPartitions).where(eq(extractionPartitions.runKey, runKey)).orderBy(asc(extractionPartitions.partition))
        return rows.map(
          (r): PartitionState => ({
            partition: r.partition,
            partitions: r.partitions,
            state: r.state as PartitionState["state"],
            workerId: r.workerId,
            leaseUntil: r.leaseUntil,
            attempts: r.attempts,
            result: r.result
          })
        )
      })
  })
}

/**
 * The partition queue as a layer: provide it beside the pipeline so `Extraction.work` shares a
 * run's partitions with every other worker on the same database.
 *
 * @example
 * ```ts
 * const live = useCaseLayer.pipe(Layer.provideMerge(Layer.mergeAll(PgExtractionPartitions.layer(storage), PgBulkLedgerClaims.layer(storage), ...)))
 * ```
 */
export const PgExtractionPartitions = {
  layer: (storage: { readonly driver: PgDriver }): Layer.Layer<ExtractionPartitions> => Layer.succeed(ExtractionPartitions, pgExtractionPartitions(storage))
} as const
