/**
 * The candidate source of the SQL adapters (PGlite, PostgreSQL): each rule is compiled by
 * `rules-sql` into one parameterised query over the fact tables and streamed through a
 * server-side cursor, so a daily extraction over millions of customers never loads their usage
 * into the process — only the matching ids come back. Asked for one hash partition, the query
 * keeps only that partition's customers, so a partitioned extraction holds one partition's ids.
 */
import { Effect, Layer } from "effect"
import { CandidateSource, CandidateStaging, compareIds, type CustomerPartition, StorageError, ValidationError } from "@winback/core"
import type { Rule } from "@winback/rules"
import { type Db, inTransaction, type PgDriver, useDb } from "../pg/Driver"
import { extractionCandidates } from "../pg/schema"
import { and, eq, inArray, type SQL, sql } from "drizzle-orm"
import { compileRuleSql } from "../rules-sql/RuleSql"

/**
 * What the SQL candidate source needs of an open storage: a way to run a query outside any transaction.
 *
 * @example
 * ```ts
 * const runner: SqlRunner = await PostgresStorage.open({ url })
 * ```
 */
export interface SqlRunner {
  readonly run: <A>(f: (db: Db) => Promise<A>) => Promise<A>
}

/**
 * Options of {@link sqlCandidateSource}.
 *
 * @example
 * ```ts
 * const options: SqlCandidateOptions = { batchSize: 20_000 }
 * ```
 */
export interface SqlCandidateOptions {
  /** Rows fetched per cursor round trip (default 10,000). */
  readonly batchSize?: number
}

/**
 * The SQL candidate source over an open PGlite or PostgreSQL storage.
 *
 * @example
 * ```ts
 * import { PgliteStorage, sqlCandidateSource } from "@winback/adapters"
 * const storage = await PgliteStorage.open()
 * const candidates = sqlCandidateSource(storage)
 * ```
 */
export const sqlCandidateSource = (storage: SqlRunner, options: SqlCandidateOptions = {}): CandidateSource["Service"] => {
  let cursorNo = 0
  return CandidateSource.of({
    matching: Effect.fn("SqlCandidateSource.matching")(function* (rules: ReadonlyArray<Rule>, asOf: string, partition?: CustomerPartition) {
      const out: Array<ReadonlyArray<string>> = []
      for (const rule of rules) {
        const ids = yield* Effect.tryPromise({
          try: async () => {
            // Only the ids leave the database: the rule's query, wrapped, read through a cursor.
            const { query } = compileRuleSql(rule, { asOf })
            const size = Math.max(1, Math.floor(options.batchSize ?? 10_000))
            const cursor = sql.identifier(`wb_candidates_${(cursorNo++).toString(36)}`)
            const found: Array<string> = []
            await storage.run((db) =>
              db.transaction(async (tx) => {
                // One hash partition only: the same value as core's `partitionOf` (MD5's first 32 bits).
                const cut =
                  partition !== undefined && partition.count > 1
                    ? sql` where ${partitionSql(sql`wb_m.customer_id::text`, partition.count)} = ${partition.index}`
                    : sql``
                await tx.execute(sql`declare ${cursor} no scroll cursor for select wb_m.customer_id from (${query}) wb_m${cut}`)
                for (;;) {
                  const rows = (await tx.execute(sql`fetch forward ${sql.raw(String(size))} from ${cursor}`)) as unknown as { rows: Array<{ customer_id: unknown }> }
                  for (const r of rows.rows) found.push(String(r.customer_id))
                  if (rows.rows.length < size) break
                }
                await tx.execute(sql`close ${cursor}`)
              })
            )
            return found
          },
          catch: (e) =>
            e instanceof ValidationError ? e : new StorageError({ reason: "Unknown", operation: "SqlCandidateSource.matching", cause: e })
        })
        out.push([...new Set(ids)].sort(compareIds))
      }
      return out
    })
  })
}

/**
 * The SQL candidate source as a layer.
 *
 * @example
 * ```ts
 * const live = SqlCandidateSource.layer(storage)
 * ```
 */
export const SqlCandidateSource = {
  layer: (storage: SqlRunner, options: SqlCandidateOptions = {}): Layer.Layer<CandidateSource> =>
    Layer.succeed(CandidateSource, sqlCandidateSource(storage, options))
} as const

/** The partition of `customer_id` in SQL: the same value as core's `partitionOf` (MD5's first 32 bits). */
const partitionSql = (column: SQL, count: number): SQL => sql`((('x' || substr(md5(${column}), 1, 8))::bit(32)::bigint % ${count})::int)`

/**
 * Candidate staging on PGlite and PostgreSQL: a partitioned run's rules are evaluated once, each
 * by one `INSERT INTO extraction_candidates ... SELECT` from its compiled query (no id passes
 * through the process), and each partition reads back its own rows by key. The marker row
 * (partition -1) is inserted first in the staging transaction: a concurrent stager of the same
 * run waits on its key and then finds it staged; a stager killed midway leaves nothing.
 *
 * @example
 * ```ts
 * const live = pipelineLayer.pipe(Layer.provideMerge(Layer.mergeAll(SqlCandidateSource.layer(storage), SqlCandidateStaging.layer(storage), ...)))
 * ```
 */
export const sqlCandidateStaging = (storage: { readonly driver: PgDriver }): CandidateStaging["Service"] => {
  const driver = storage.driver
  const t = extractionCandidates
  return CandidateStaging.of({
    stage: (runKey, rules, asOf, count) =>
      Effect.gen(function* () {
        const compiled = yield* Effect.forEach(rules, ({ key, rule }) =>
          Effect.try({ try: () => ({ key, query: compileRuleSql(rule, { asOf }).query }), catch: (e) => e instanceof ValidationError ? e : new StorageError({ reason: "Unknown", operation: "CandidateStaging.stage", cause: e }) })
        )
        yield* inTransaction(
          driver,
          Effect.gen(function* () {
            const marked = yield* useDb(driver, "CandidateStaging.stage", (db) =>
              db.insert(t).values({ runKey, partition: -1, ruleKey: "", customerId: "" }).onConflictDoNothing().returning({ partition: t.partition })
            )
            if (marked.length === 0) return
            for (const { key, query } of compiled) {
              yield* useDb(driver, "CandidateStaging.stage", (db) =>
                db.execute(sql`insert into ${t} (run_key, partition, rule_key, customer_id)
                  select distinct ${runKey}, ${partitionSql(sql`wb_m.customer_id::text`, count)}, ${key}, wb_m.customer_id::text from (${query}) wb_m
                  on conflict do nothing`)
              )
            }
          })
        )
      }),
    read: (runKey, keys, partition) =>
      useDb(driver, "CandidateStaging.read", async (db) => {
        const rows = await db
          .select({ ruleKey: t.ruleKey, customerId: t.customerId })
          .from(t)
          .where(and(eq(t.runKey, runKey), eq(t.partition, partition), inArray(t.ruleKey, [...keys])))
        const byKey = new Map<string, Array<string>>(keys.map((k) => [k, []]))
        for (const r of rows) byKey.get(r.ruleKey)?.push(r.customerId)
        return keys.map((k) => byKey.get(k)!.sort(compareIds))
      }),
    drop: (runKey) => useDb(driver, "CandidateStaging.drop", (db) => db.delete(t).where(eq(t.runKey, runKey))).pipe(Effect.asVoid)
  })
}

/**
 * Candidate staging as a layer.
 *
 * @example
 * ```ts
 * SqlCandidateStaging.layer(storage)
 * ```
 */
export const SqlCandidateStaging = {
  layer: (storage: { readonly driver: PgDriver }): Layer.Layer<CandidateStaging> => Layer.succeed(CandidateStaging, sqlCandidateStaging(storage))
} as const
