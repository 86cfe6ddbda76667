/**
 * The report queries of the SQL adapters (PGlite, PostgreSQL): every report is one GROUP BY query
 * over the work items, responses and observations tables, parameterised through drizzle's `sql`
 * template, so only the groups' figures leave the database. Text comparisons use the "C"
 * collation, so ranges and group order are byte order — the same order the memory adapter uses.
 */
import { Effect, Layer } from "effect"
import { type SQL, sql } from "drizzle-orm"
import {
  type Disposition,
  type FunnelDimension,
  type Grouped,
  type LineStatus,
  type ObservationCounts,
  type ObservationDimension,
  type ObservationOutcome,
  reachedDispositions,
  type ReportFilter,
  ReportQueries,
  StorageError,
  type TaskResponse
} from "@winback/core"
import type { Db } from "../pg/Driver"
import * as s from "../pg/schema"

/**
 * What the SQL report queries need of an open storage: a way to run a query.
 *
 * @example
 * ```ts
 * const runner: ReportSqlRunner = await PostgresStorage.open({ url })
 * ```
 */
export interface ReportSqlRunner {
  readonly run: <A>(f: (db: Db) => Promise<A>) => Promise<A>
}

type Row = Record<string, unknown>

const list = (values: ReadonlyArray<string>): SQL =>
  values.length === 0 ? sql`(null)` : sql`(${sql.join(values.map((v) => sql`${v}`), sql`, `)})`

/** The scope predicate over an agent column and a team column (true when unscoped). */
const scopeSql = (f: ReportFilter, agent: SQL, team: SQL): SQL =>
  f.inScope === undefined
    ? sql`true`
    : sql`(${agent} in ${list(f.inScope.assigneeIds)} or ${team} in ${list(f.inScope.teamIds)})`

const taskSql = (f: ReportFilter, column: SQL): SQL => (f.taskId === undefined ? sql`true` : sql`${column} = ${f.taskId}`)

const rangeSql = (column: SQL, f: ReportFilter): SQL => sql`${column} collate "C" >= ${f.from} and ${column} collate "C" < ${f.to}`

const num = (v: unknown): number => (typeof v === "number" ? v : Number(v ?? 0))
const key = (v: unknown): string | null => (v === null || v === undefined ? null : String(v))

const funnelKeySql = (by: FunnelDimension): SQL =>
  by === "task" ? sql`w.task_id` : by === "team" ? sql`w.team_id` : by === "agent" ? sql`w.assignee_id` : sql`null::text`

const observationKeySql = (by: ObservationDimension): SQL => {
  switch (by) {
    case "total":
      return sql`null::text`
    case "task":
      return sql`o.task_id`
    case "team":
      return sql`(o.data->>'teamId')`
    case "agent":
      return sql`o.manager_id`
    case "disposition":
      return sql`(o.data->>'disposition')`
    case "offer":
      return sql`(o.data->'offerIds'->>0)`
    case "rule":
      return sql`(o.data->>'ruleId')`
    case "tier":
      return sql`(o.data->>'tier')`
    case "month":
      return sql`substr(o.data->>'startedOn', 1, 7)`
  }
}

/** "Reached on some attempt", as a jsonpath over a work item's attempts. */
const reachedPath = `$[*] ? (${reachedDispositions.map((d) => `@.disposition == "${d}"`).join(" || ")})`

const cents = (expr: SQL): SQL => sql`coalesce(round((${expr})::numeric * 100), 0)`

/**
 * The SQL report queries over an open PGlite or PostgreSQL storage.
 *
 * @example
 * ```ts
 * import { PgliteStorage, sqlReportQueries } from "@winback/adapters"
 * const storage = await PgliteStorage.open()
 * const reports = sqlReportQueries(storage)
 * ```
 */
export const sqlReportQueries = (storage: ReportSqlRunner): ReportQueries["Service"] => {
  const query = (operation: string, q: SQL): Effect.Effect<ReadonlyArray<Row>, StorageError> =>
    Effect.tryPromise({
      try: async () => ((await storage.run((db) => db.execute(q))) as unknown as { rows: Array<Row> }).rows,
      catch: (e) => new StorageError({ reason: "Unknown", operation, cause: e })
    })

  return ReportQueries.of({
    funnel: Effect.fn("SqlReportQueries.funnel")(function* (f: ReportFilter, by: FunnelDimension) {
      const k = funnelKeySql(by)
      // One scan of the range's items; narrow hash joins (only ids and flags are hashed); the
      // reached test is a jsonpath over the attempts, evaluated in the (parallel) scan.
      const rows = yield* query(
        "ReportQueries.funnel",
        sql`
        select w.k,
          count(*)::int as submitted,
          count(*) filter (where w.state = 'completed')::int as completed,
          count(*) filter (where w.state = 'unreachable')::int as unreachable,
          count(*) filter (where w.connected)::int as connected,
          count(*) filter (where w.connected and r.work_item_id is not null)::int as effective,
          count(*) filter (where w.connected and r.work_item_id is not null and o.has_offer)::int as success
        from (
          select ${k} as k, w.id, w.state, (w.data->'attempts') @? ${reachedPath}::jsonpath as connected
          from ${s.workItems} w
          where ${rangeSql(sql`w.created_at`, f)} and ${taskSql(f, sql`w.task_id`)} and ${scopeSql(f, sql`w.assignee_id`, sql`w.team_id`)}
        ) w
        left join (select work_item_id from ${s.responses} where (data->>'completed')::boolean group by work_item_id) r on r.work_item_id = w.id
        left join (select id, coalesce(jsonb_array_length(data->'offerIds'), 0) > 0 as has_offer from ${s.observations}) o on o.id = 'ob-' || w.id
        group by w.k order by w.k collate "C" nulls last`
      )
      return rows.map((r) => ({
        key: key(r["k"]),
        counts: { submitted: num(r["submitted"]), completed: num(r["completed"]), unreachable: num(r["unreachable"]), connected: num(r["connected"]), effective: num(r["effective"]), success: num(r["success"]) }
      }))
    }),

    observations: Effect.fn("SqlReportQueries.observations")(function* (f: ReportFilter, by: ObservationDimension) {
      const k = observationKeySql(by)
      const outcome = sql`(o.data->>'outcome')`
      const evaluated = sql`${outcome} is not null`
      const rows = yield* query(
        "ReportQueries.observations",
        sql`
        select * from (select ${k} as k,
          count(*)::int as observed,
          count(*) filter (where ${outcome} is null)::int as pending,
          count(*) filter (where ${outcome} = 'stayed')::int as stayed,
          count(*) filter (where ${outcome} = 'churned')::int as churned,
          count(*) filter (where ${outcome} = 'returned')::int as returned,
          count(*) filter (where ${outcome} = 'still-inactive')::int as still_inactive,
          (coalesce(sum(${cents(sql`o.data->>'billBefore'`)}) filter (where ${evaluated}), 0) / 100)::float8 as bill_before,
          (coalesce(sum(${cents(sql`o.data->>'billAfter'`)}) filter (where ${evaluated}), 0) / 100)::float8 as bill_after,
          (coalesce(sum(${cents(sql`o.data->>'billAfter'`)}) filter (where ${outcome} in ('stayed', 'returned')), 0) / 100)::float8 as retained,
          (coalesce(sum(${cents(sql`o.data->>'offerCost'`)}), 0) / 100)::float8 as offer_cost
        from ${s.observations} o
        where ${rangeSql(sql`(o.data->>'startedOn')`, f)} and ${taskSql(f, sql`o.task_id`)} and ${scopeSql(f, sql`o.manager_id`, sql`(o.data->>'teamId')`)}
        group by 1) g order by k collate "C" nulls last`
      )
      return rows.map(
        (r): Grouped<ObservationCounts> => ({
          key: key(r["k"]),
          counts: {
            observed: num(r["observed"]),
            pending: num(r["pending"]),
            stayed: num(r["stayed"]),
            churned: num(r["churned"]),
            returned: num(r["returned"]),
            stillInactive: num(r["still_inactive"]),
            billBefore: num(r["bill_before"]),
            billAfter: num(r["bill_after"]),
            retainedRevenue: num(r["retained"]),
            offerCost: num(r["offer_cost"])
          }
        })
      )
    }),

    statusAccounting: Effect.fn("SqlReportQueries.statusAccounting")(function* (f: ReportFilter, worked: ReadonlyArray<Disposition>) {
      const cells = yield* query(
        "ReportQueries.statusAccounting",
        sql`
        select * from (select o.data->>'statusAtStart' as s_from, o.data->>'statusAtEnd' as s_to, o.data->>'outcome' as outcome, count(*)::int as n
        from ${s.observations} o
        where ${rangeSql(sql`(o.data->>'startedOn')`, f)} and ${taskSql(f, sql`o.task_id`)} and ${scopeSql(f, sql`o.manager_id`, sql`(o.data->>'teamId')`)}
        group by 1, 2, 3) g
        order by s_from collate "C", s_to collate "C" nulls last, outcome collate "C" nulls last`
      )
      const done = yield* query(
        "ReportQueries.statusAccounting",
        sql`
        select count(*)::int as n from ${s.workItems} w
        where w.state = 'completed' and w.data->>'callSerial' is not null and w.data->>'disposition' in ${list(worked)}
          and ${rangeSql(sql`(w.data->>'completedAt')`, f)} and ${taskSql(f, sql`w.task_id`)} and ${scopeSql(f, sql`w.assignee_id`, sql`w.team_id`)}`
      )
      return {
        transitions: cells.map((r) => ({
          from: String(r["s_from"]) as LineStatus,
          to: key(r["s_to"]) as LineStatus | null,
          outcome: key(r["outcome"]) as ObservationOutcome | null,
          count: num(r["n"])
        })),
        workedCompletions: num(done[0]?.["n"])
      }
    }),

    responses: Effect.fn("SqlReportQueries.responses")(function* (f: ReportFilter & { readonly taskId: string }, page?: { readonly limit?: number; readonly cursor?: string | null }) {
      const limit = page?.limit ?? 50
      const after = page?.cursor ?? null
      const rows = yield* query(
        "ReportQueries.responses",
        sql`
        select r.id, r.data from ${s.responses} r join ${s.workItems} w on w.id = r.work_item_id
        where (r.data->>'completed')::boolean and w.task_id = ${f.taskId}
          and ${rangeSql(sql`w.created_at`, f)} and ${scopeSql(f, sql`w.assignee_id`, sql`w.team_id`)}
          ${after === null ? sql`` : sql`and r.id collate "C" > ${after}`}
        order by r.id collate "C" limit ${limit + 1}`
      )
      const items = rows.slice(0, limit).map((r): TaskResponse => {
        const d = r["data"] as { versionHash: string; questionnaireId: string; answers: Record<string, unknown> }
        return { id: String(r["id"]), versionHash: d.versionHash, questionnaireId: d.questionnaireId, answers: d.answers }
      })
      return { items, nextCursor: rows.length > limit ? items[items.length - 1]!.id : null }
    })
  })
}

/**
 * The SQL report queries as a layer.
 *
 * @example
 * ```ts
 * const storage = await PgliteStorage.open()
 * const live = Layer.mergeAll(storesLayer(storage.stores), SqlReportQueries.layer(storage))
 * ```
 */
export const SqlReportQueries = {
  layer: (storage: ReportSqlRunner): Layer.Layer<ReportQueries> => Layer.succeed(ReportQueries, sqlReportQueries(storage)),
  make: sqlReportQueries
} as const
