/**
 * Reports benchmark (issue 7): funnel and observation reports over 1,000,000 work items on
 * PostgreSQL, computed in the database by `SqlReportQueries` (GROUP BY; only the groups come back).
 * The rows are generated server-side with `generate_series` in the shapes the stores write (work
 * items with attempts, completed questionnaire responses, observations with outcomes), then every
 * report is timed cold (first run) and warm (median of three), unscoped and for one team leader.
 *
 *   pnpm exec tsx --conditions=@winback/source bench/src/reports.ts [work items]
 */
import { Effect } from "effect"
import pg from "pg"
import { PostgresStorage, sqlReportQueries } from "@winback/adapters"
import type { FunnelDimension, ObservationDimension, ReportFilter } from "@winback/core"
import { type Goal, type SectionResult } from "../goals"

const agents = 500
const teams = 40

/** Runs the reports benchmark and returns its markdown section. */
export const runReportsBench = async (opts?: { readonly workItems?: number }): Promise<SectionResult> => {
  const n = opts?.workItems ?? 1_000_000
  const url = process.env.WINBACK_BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test"
  const schema = `bench_reports_${Date.now().toString(36)}`
  const storage = await PostgresStorage.open({ url, schema })
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` })
  await client.connect()
  try {
    const t0 = performance.now()
    // Work items over November 2026: every 10th unreached, the rest reached on their last attempt;
    // 70% completed (on the day after hand-out), the disposition cycling over the outcomes.
    await client.query(
      `
      insert into work_items (id, version, data, task_id, customer_id, assignee_id, team_id, state, urgency, created_at)
      select id, 1, jsonb_build_object(
          'id', id, 'taskId', task_id, 'customerId', customer_id, 'assigneeId', assignee_id, 'teamId', team_id,
          'state', state, 'createdAt', created_at,
          'attempts', jsonb_build_array(jsonb_build_object('at', created_at, 'by', assignee_id, 'disposition', case when i % 10 = 0 then 'no-answer' else 'completed' end, 'callSerial', null, 'note', '')),
          'disposition', case when state = 'completed' then case when i % 10 = 0 then 'no-answer' else 'completed' end end,
          'completedAt', case when state = 'completed' then completed_at end),
        task_id, customer_id, assignee_id, team_id, state, 1 + i % 5, created_at
      from (
        select i, 'wi-' || lpad(i::text, 8, '0') as id, 'task-' || (i % 12) as task_id, 'cust-' || lpad((i % 900000)::text, 7, '0') as customer_id,
          'm-' || (i % $2::int) as assignee_id, 'team-' || ((i % $2::int) % $3::int) as team_id,
          case when i % 10 < 7 then 'completed' else 'in-progress' end as state,
          to_char(timestamp '2026-11-01' + (i % 29) * interval '1 day' + (i % 36000) * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as created_at,
          to_char(timestamp '2026-11-02' + (i % 29) * interval '1 day', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as completed_at
        from generate_series(0, $1::int - 1) i
      ) g`,
      [n, agents, teams]
    )
    // Completed questionnaires on 60% of the items.
    await client.query(`
      insert into responses (id, version, data, work_item_id, questionnaire_id, customer_id)
      select 'resp-' || w.id, 1, jsonb_build_object('id', 'resp-' || w.id, 'workItemId', w.id, 'versionHash', 'hash-v1', 'questionnaireId', 'q-retention', 'answers', jsonb_build_object('reason', 'price'), 'completed', true),
        w.id, 'q-retention', w.customer_id
      from work_items w where right(w.id, 1)::int < 6`)
    // Observations for the worked completions; half evaluated, a quarter of those churned; an offer on every third.
    await client.query(`
      insert into observations (id, version, data, task_id, manager_id, ends_on, evaluated)
      select 'ob-' || w.id, 1, jsonb_build_object(
          'id', 'ob-' || w.id, 'workItemId', w.id, 'customerId', w.customer_id, 'taskId', w.task_id, 'managerId', w.assignee_id, 'teamId', w.team_id,
          'startedOn', substr(w.data->>'completedAt', 1, 10), 'endsOn', '2027-01-31', 'statusAtStart', 'active', 'billBefore', 100 + (k % 50),
          'statusAtEnd', case when k % 2 = 0 then case when k % 8 = 0 then 'cancelled' else 'active' end end,
          'billAfter', case when k % 2 = 0 then 90 + (k % 60) end,
          'outcome', case when k % 2 = 0 then case when k % 8 = 0 then 'churned' else 'stayed' end end,
          'evaluatedAt', null, 'version', 1, 'tier', 'gold', 'disposition', 'completed',
          'offerIds', case when k % 3 = 0 then jsonb_build_array('of-bonus-50') else '[]'::jsonb end, 'offerCost', case when k % 3 = 0 then 50 else 0 end, 'ruleId', null),
        w.task_id, w.assignee_id, '2027-01-31', k % 2 = 0
      from (select w.*, right(w.id, 7)::int as k from work_items w where w.state = 'completed' and w.data->>'disposition' = 'completed') w`)
    await client.query("analyze work_items; analyze responses; analyze observations")
    const loadS = (performance.now() - t0) / 1000
    const counts = await client.query<{ w: number; r: number; o: number }>(
      "select (select count(*) from work_items)::int as w, (select count(*) from responses)::int as r, (select count(*) from observations)::int as o"
    )
    const c = counts.rows[0]!

    const q = sqlReportQueries(storage)
    const month: ReportFilter = { from: "2026-11-01", to: "2026-12-01" }
    // A team leader's scope: one team and its 12–13 agents.
    const leaderScope: ReportFilter = {
      ...month,
      inScope: { teamIds: ["team-3"], assigneeIds: Array.from({ length: agents }, (_, i) => i).filter((i) => i % teams === 3).map((i) => `m-${i}`) }
    }
    const time = async (f: () => Promise<unknown>) => {
      const s = performance.now()
      const r = await f()
      return { ms: performance.now() - s, r }
    }
    const rows: Array<{ label: string; cold: number; warm: number; groups: number }> = []
    const measure = async (label: string, f: () => Promise<ReadonlyArray<unknown> | { readonly transitions: ReadonlyArray<unknown> }>) => {
      const cold = await time(f)
      const warm: Array<number> = []
      for (let i = 0; i < 3; i++) warm.push((await time(f)).ms)
      warm.sort((a, b) => a - b)
      const r = cold.r as ReadonlyArray<unknown> | { readonly transitions: ReadonlyArray<unknown> }
      rows.push({ label, cold: cold.ms, warm: warm[1]!, groups: Array.isArray(r) ? r.length : (r as { transitions: ReadonlyArray<unknown> }).transitions.length })
    }
    const funnel = (f: ReportFilter, by: FunnelDimension) => () => Effect.runPromise(q.funnel(f, by))
    const obs = (f: ReportFilter, by: ObservationDimension) => () => Effect.runPromise(q.observations(f, by))
    await measure("funnel, total (November)", funnel(month, "total"))
    await measure("funnel by agent", funnel(month, "agent"))
    await measure("funnel by team", funnel(month, "team"))
    await measure("funnel by agent, one leader's scope", funnel(leaderScope, "agent"))
    await measure("observations, total", obs(month, "total"))
    await measure("observations by agent", obs(month, "agent"))
    await measure("observations by month", obs(month, "month"))
    await measure("observations by agent, one leader's scope", obs(leaderScope, "agent"))
    await measure("month-end status accounting", () => Effect.runPromise(q.statusAccounting(month, ["completed", "refused", "reschedule"])))

    const markdown = `### Reports: funnel and observations in the database

${c.w.toLocaleString("en")} work items among ${agents} agents in ${teams} teams, handed out over November 2026, with
${c.r.toLocaleString("en")} completed questionnaire responses and ${c.o.toLocaleString("en")} observations (half evaluated), generated
server-side in ${loadS.toFixed(1)} s. Every report is one GROUP BY query through \`SqlReportQueries\`; only the groups
leave the database. Cold = first run; warm = median of the next three.

| report | groups returned | cold (ms) | warm (ms) |
|---|---:|---:|---:|
${rows.map((r) => `| ${r.label} | ${r.groups} | ${r.cold.toFixed(0)} | ${r.warm.toFixed(0)} |`).join("\n")}
`
    const worst = Math.max(...rows.map((r) => r.warm))
    const goals: Array<Goal> = [
      {
        goal: "reports: funnel and observation reports over 1,000,000 work items on PostgreSQL computed in the database, wall time documented (issue 7)",
        measured: `${c.w.toLocaleString("en")} work items: funnel total ${rows[0]!.warm.toFixed(0)} ms, by agent ${rows[1]!.warm.toFixed(0)} ms, observations total ${rows[4]!.warm.toFixed(0)} ms (warm); slowest report ${worst.toFixed(0)} ms`,
        met: c.w >= 1_000_000
      }
    ]
    return { markdown, goals }
  } finally {
    // WINBACK_BENCH_KEEP_SCHEMA=1 keeps the data for EXPLAIN ANALYZE.
    if (process.env.WINBACK_BENCH_KEEP_SCHEMA) console.log(`kept schema ${schema}`)
    else await client.query(`drop schema "${schema}" cascade`).catch(() => undefined)
    await client.end()
    await storage.close()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.argv[2] ?? 1_000_000)
  const r = await runReportsBench({ workItems: n })
  console.log(r.markdown)
  for (const g of r.goals ?? []) console.log(`${g.met ? "MET    " : "NOT MET"}  ${g.goal}: ${g.measured}`)
}
