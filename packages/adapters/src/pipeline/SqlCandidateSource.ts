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
import { type Db, inTransaction, type PgDriver, rowsOf, useDb } from "../pg/Driver"
import { customers, extractionCandidates, extractionPartitions } from "../pg/schema"
import { and, desc, eq, exists, gt, gte, inArray, lt, ne, not, or, type SQL, sql } from "drizzle-orm"
import { alias } from "drizzle-orm/pg-core"
import { dbNowIso } from "./dbClock"
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
                // LLVM compilation of these queries costs more than running them (see sqlCandidateStaging).
                await tx.execute(sql`set local jit = off`)
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
 * Options of {@link sqlCandidateStaging}.
 *
 * @example
 * ```ts
 * const options: CandidateStagingOptions = { staleAfterMs: 6 * 3_600_000 }
 * ```
 */
export interface CandidateStagingOptions {
  /**
   * How long (by the database's clock) a run's staged rows are kept when nothing shows the run is
   * still going: a killed `run`, or a shared run none of whose partitions is held under a live
   * lease. The next run to stage removes them (default 12 hours). A shared run whose partitions
   * are all done is removed at once.
   */
  readonly staleAfterMs?: number
}

/** The marker row's rule key of a slice boundary (partition -2 - i holds the lower bound of slice i + 1). */
const SLICE = "#slice"
/** The rule key of the row (partition -1) holding the time a run was staged. */
const STAGED_AT = "#staged-at"

/**
 * Candidate staging on PGlite and PostgreSQL: a partitioned run's rules are evaluated by
 * `INSERT INTO extraction_candidates ... SELECT` from their compiled queries (no id passes through
 * the process), and each partition reads back its own rows by key. `stage` evaluates every rule
 * over every customer at once; `stageSlice` one key range of the customers (`slices` fixes the
 * ranges once per run), so several workers evaluate the rules in parallel, each range read
 * through the fact tables' primary keys. The marker row (partition -1; beside it the time of
 * staging by the database's clock) is inserted first: a concurrent stager of the same run waits on its key and then finds the
 * run staged; a stager killed midway leaves nothing. A run that stages also removes what killed
 * or finished runs left behind ({@link CandidateStagingOptions}). Rule queries run with `jit` off:
 * their cost estimates (a per-customer sub-plan) made PostgreSQL compile them with LLVM, which
 * took longer than the queries.
 *
 * @example
 * ```ts
 * const live = useCaseLayer.pipe(Layer.provideMerge(Layer.mergeAll(SqlCandidateSource.layer(storage), SqlCandidateStaging.layer(storage), ...)))
 * ```
 */
export const sqlCandidateStaging = (storage: { readonly driver: PgDriver }, options: CandidateStagingOptions = {}): CandidateStaging["Service"] => {
  const driver = storage.driver
  const t = extractionCandidates
  const p = extractionPartitions
  const staleAfterMs = options.staleAfterMs ?? 12 * 3_600_000
  const compile = (rules: ReadonlyArray<{ readonly key: string; readonly rule: Rule }>, asOf: string, range?: { from?: string; to?: string }) =>
    Effect.forEach(rules, ({ key, rule }) =>
      Effect.try({
        try: () => ({ key, query: compileRuleSql(rule, { asOf, ...(range ? { customerRange: range } : {}) }).query }),
        catch: (e) => (e instanceof ValidationError ? e : new StorageError({ reason: "Unknown", operation: "CandidateStaging.stage", cause: e }))
      })
    )
  const insertMatches = (runKey: string, count: number, compiled: ReadonlyArray<{ readonly key: string; readonly query: SQL }>) =>
    useDb(driver, "CandidateStaging.stage", async (db) => {
      await db.execute(sql`set local jit = off`)
      for (const { key, query } of compiled) {
        await db.execute(sql`insert into ${t} (run_key, partition, rule_key, customer_id)
          select distinct ${runKey}, ${partitionSql(sql`wb_m.customer_id::text`, count)}, ${key}, wb_m.customer_id::text from (${query}) wb_m
          on conflict do nothing`)
      }
    })
  /** Inserts the run's marker; when this call did, removes what stale runs left behind. Answers whether it did. */
  const mark = (runKey: string) =>
    useDb(driver, "CandidateStaging.stage", async (db) => {
      const marked = await db.insert(t).values({ runKey, partition: -1, ruleKey: "", customerId: "" }).onConflictDoNothing().returning({ partition: t.partition })
      if (marked.length === 0) return false
      // The time it was staged, by the database's clock, beside the marker (the marker's key must not vary).
      await db.insert(t).values({ runKey, partition: -1, ruleKey: STAGED_AT, customerId: dbNowIso() })
      const others = and(eq(t.partition, -1), eq(t.ruleKey, ""), ne(t.runKey, runKey))
      const s = alias(t, "wb_s")
      const recent = exists(db.select({ one: sql`1` }).from(s).where(and(eq(s.runKey, t.runKey), eq(s.partition, -1), eq(s.ruleKey, STAGED_AT), gte(s.customerId, dbNowIso(-staleAfterMs)))))
      const hasParts = exists(db.select({ one: sql`1` }).from(p).where(eq(p.runKey, t.runKey)))
      const unfinished = exists(db.select({ one: sql`1` }).from(p).where(and(eq(p.runKey, t.runKey), ne(p.state, "done"))))
      const live = exists(db.select({ one: sql`1` }).from(p).where(and(eq(p.runKey, t.runKey), eq(p.state, "running"), gt(p.leaseUntil, dbNowIso()))))
      const stale = await db
        .select({ runKey: t.runKey })
        .from(t)
        .where(and(others, or(and(hasParts, not(unfinished)), and(not(recent), not(live)))))
      if (stale.length > 0) await db.delete(t).where(inArray(t.runKey, stale.map((r) => r.runKey)))
      return true
    })
  const boundaries = (runKey: string) =>
    useDb(driver, "CandidateStaging.slices", (db) =>
      db.select({ partition: t.partition, customerId: t.customerId }).from(t).where(and(eq(t.runKey, runKey), lt(t.partition, -1), eq(t.ruleKey, SLICE))).orderBy(desc(t.partition))
    ).pipe(Effect.map((rows) => rows.map((r) => r.customerId)))
  return CandidateStaging.of({
    stage: (runKey, rules, asOf, count) =>
      Effect.gen(function* () {
        const compiled = yield* compile(rules, asOf)
        yield* inTransaction(
          driver,
          Effect.gen(function* () {
            if (yield* mark(runKey)) yield* insertMatches(runKey, count, compiled)
          })
        )
      }),
    slices: (runKey, wanted) =>
      inTransaction(
        driver,
        Effect.gen(function* () {
          if (!(yield* mark(runKey))) return (yield* boundaries(runKey)).length + 1
          // Equal shares of the customers by id; repeated bounds (fewer customers than slices) fold.
          const n = Math.max(1, Math.floor(wanted))
          if (n === 1) return 1
          const bounds = yield* useDb(driver, "CandidateStaging.slices", async (db) => {
            const fractions = Array.from({ length: n - 1 }, (_, i) => (i + 1) / n)
            const rows = rowsOf<{ b: Array<string> | null }>(
              await db.execute(sql`select percentile_disc(${sql`array[${sql.join(fractions.map((f) => sql`${f}::float8`), sql`, `)}]`}) within group (order by ${customers.id}) as b from ${customers}`)
            )
            return [...new Set(rows[0]?.b ?? [])]
          })
          if (bounds.length > 0)
            yield* useDb(driver, "CandidateStaging.slices", (db) => db.insert(t).values(bounds.map((b, i) => ({ runKey, partition: -2 - i, ruleKey: SLICE, customerId: b }))))
          return bounds.length + 1
        })
      ),
    stageSlice: (runKey, rules, asOf, count, slice) =>
      Effect.gen(function* () {
        const bounds = yield* boundaries(runKey)
        const range = { ...(slice > 0 ? { from: bounds[slice - 1] } : {}), ...(slice < bounds.length ? { to: bounds[slice] } : {}) }
        yield* insertMatches(runKey, count, yield* compile(rules, asOf, range))
      }),
    read: (runKey, keys, partition) =>
      useDb(driver, "CandidateStaging.read", async (db) => {
        const rows = await db
          .select({ partition: t.partition, ruleKey: t.ruleKey, customerId: t.customerId })
          .from(t)
          .where(and(eq(t.runKey, runKey), or(and(eq(t.partition, partition), inArray(t.ruleKey, [...keys])), and(eq(t.partition, -1), eq(t.ruleKey, "")))))
        const byKey = new Map<string, Array<string>>(keys.map((k) => [k, []]))
        let marked = false
        for (const r of rows) {
          if (r.partition === -1) marked = true
          else byKey.get(r.ruleKey)?.push(r.customerId)
        }
        // Without its marker the run's rows were removed (taken for stale): empty would read as "no match".
        if (!marked) throw new Error(`the staged candidates of run ${runKey} are gone (removed as stale?); run it again`)
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
  layer: (storage: { readonly driver: PgDriver }, options: CandidateStagingOptions = {}): Layer.Layer<CandidateStaging> =>
    Layer.succeed(CandidateStaging, sqlCandidateStaging(storage, options))
} as const
