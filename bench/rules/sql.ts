/**
 * Rules in PostgreSQL: the whole catalogue compiled to SQL over N generated customers × 12 months
 * (+ 30 days of daily usage), streamed through a cursor, beside hand-written SQL for three
 * templates. Data is generated inside the database (generate_series), in schema wb_rules_bench.
 *
 * Run: pnpm exec tsx --conditions=@winback/source bench/rules/sql.ts [customers]
 */
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { catalogue, instantiate, type Rule } from "@winback/rules"
import { migrate } from "../../packages/adapters/src/pg/migrate"
import { type AnyPgDatabase, countRuleMatches, streamRuleMatches } from "../../packages/adapters/src/rules-sql"
import { type Goal, type SectionResult } from "../goals"

// drizzle-orm and pg are dependencies of @winback/adapters, not of the bench package: load the
// very files the adapters source resolves, so there is one drizzle instance.
const fromAdapters = createRequire(join(dirname(fileURLToPath(import.meta.url)), "../../packages/adapters/package.json"))
const drizzleDir = join(dirname(fileURLToPath(import.meta.url)), "../../packages/adapters/node_modules/drizzle-orm")
const { sql } = (await import(pathToFileURL(join(drizzleDir, "index.js")).href)) as typeof import("../../packages/adapters/node_modules/drizzle-orm")
const { drizzle } = (await import(pathToFileURL(join(drizzleDir, "node-postgres/index.js")).href)) as typeof import("../../packages/adapters/node_modules/drizzle-orm/node-postgres")
const pg = fromAdapters("pg") as typeof import("pg")

const AS_OF = "2026-11-20"
const SCHEMA = "wb_rules_bench"

const rows = (r: unknown) => (r as { rows: Array<Record<string, unknown>> }).rows

/** Generates n customers in `schema` (dropped first) with set-based inserts (generate_series), no row-by-row traffic. */
export const generate = async (db: AnyPgDatabase, n: number, schema = SCHEMA) => {
  await db.execute(sql.raw(`drop schema if exists ${schema} cascade`))
  await db.execute(sql.raw(`create schema ${schema}`))
  await db.execute(sql.raw(`set search_path to ${schema}`))
  await migrate(db as never)
  await db.execute(sql.raw(`select setseed(0.42)`))
  await db.execute(sql.raw(`
    insert into customers (id, name, region, tier, line_status, payment_type, contract_end, birthday, activated_on, time_zone)
    select 'c' || g, 'customer ' || g, (array['north','south','east','west'])[1 + g % 4], (array['regular','silver','gold','diamond'])[1 + (g / 4) % 4],
           'active', (array['prepaid','postpaid'])[1 + (g / 16) % 2],
           case when g % 7 = 0 then date '${AS_OF}' + (g % 120) end,
           date '1960-01-01' + (g % 15000), date '${AS_OF}' - (g % 2000), 'Asia/Shanghai'
    from generate_series(1, ${n}) g`))
  await db.execute(sql.raw(`
    insert into usage_monthly (customer_id, month, bill_amount, data_mb, call_minutes, competitor_call_seconds, forwarded_days, silent_days, bill_date, due_date, paid_date)
    select 'c' || g, to_char(date '2025-11-01' + make_interval(months => m), 'YYYY-MM'),
           case when m = 11 and g % 37 = 0 then 0 else
             round((50 + (g % 300) * case when m = 11 and g % 5 = 0 then 0.4 when m = 11 and g % 41 = 0 then 0.3 else 0.9 + random() * 0.2 end)::numeric, 2)::float8 end,
           round((1000 + random() * 5000)::numeric, 1)::float8, round((100 + random() * 400)::numeric, 1)::float8, (random() * 80)::int, 0, 0,
           (date '2025-11-28' + make_interval(months => m))::date, (date '2025-12-18' + make_interval(months => m))::date,
           case when g % 11 = 0 and m = 11 then null else (date '2025-12-10' + make_interval(months => m))::date end
    from generate_series(1, ${n}) g, generate_series(0, 11) m`))
  await db.execute(sql.raw(`
    insert into usage_daily (customer_id, day, charge, data_mb, call_minutes, outgoing_calls, competitor_call_seconds, forwarded_to_other_operator, reminder_sms_delivered)
    select 'c' || g, date '${AS_OF}' - d, round((random() * 10)::numeric, 2)::float8, round((random() * 300)::numeric, 1)::float8, round((random() * 30)::numeric, 1)::float8,
           case when g % 13 = 0 and d < 12 then 0 else (random() * 5)::int end,
           case when g % 17 = 0 and d < 3 then 40 else 0 end,
           g % 19 = 0 and d < 6, g % 23 = 0 and d = 1
    from generate_series(1, ${n}) g, generate_series(0, 29) d`))
  await db.execute(sql.raw(`
    insert into customer_events (customer_id, type, at)
    select 'c' || g, (array['complaint-resolved','suspension-requested','cancel-requested','activated'])[1 + g % 4], timestamptz '${AS_OF} 08:00:00+00' - make_interval(days => g % 5)
    from generate_series(1, ${n}, 29) g`))
  await db.execute(sql.raw(`analyze`))
}

/** Hand-written SQL computing the same matches for three templates (defaults), for comparison. */
const handWritten: Record<string, string> = {
  "bill-drop": `
    with ref as (select customer_id, max(month) m0 from usage_monthly where bill_date <= date '${AS_OF}' group by customer_id),
    w as (select u.customer_id, r.m0, u.month, u.bill_amount from usage_monthly u join ref r using (customer_id)
          where u.month >= to_char(to_date(r.m0, 'YYYY-MM') - interval '3 months', 'YYYY-MM') and u.month <= r.m0),
    agg as (select customer_id, max(bill_amount) filter (where month = m0) cur,
                   sum(bill_amount order by month) filter (where month < m0) s, count(*) filter (where month < m0) n from w group by customer_id)
    select count(*) from agg join customers c on c.id = agg.customer_id
    where n = 3 and s <> 0 and (cur - s / 3) / (s / 3) * 100 < -(case c.tier when 'diamond' then 30 when 'gold' then 30 when 'silver' then 50 when 'regular' then 50 end)`,
  "silent-high-value": `
    with s as (select customer_id, day, day - row_number() over (partition by customer_id order by day)::int as g
               from usage_daily where day between date '${AS_OF}' - 30 and date '${AS_OF}' and outgoing_calls = 0),
    i as (select customer_id, count(*) n from s group by customer_id, g having max(day) = date '${AS_OF}')
    select count(*) from i join customers c on c.id = i.customer_id where n >= 10 and c.tier in ('gold', 'diamond')`,
  "competitor-calls": `
    select count(*) from (select customer_id from usage_daily where day between date '${AS_OF}' - 29 and date '${AS_OF}'
                          group by customer_id having sum(competitor_call_seconds) > 60) x`
}

const time = async <T>(f: () => Promise<T>) => {
  const t0 = performance.now()
  const value = await f()
  return { ms: performance.now() - t0, value }
}

/**
 * Runs the SQL benchmark and returns a markdown section.
 *
 * @example
 * ```ts
 * const { markdown } = await runRulesSqlBench({ customers: 100_000 })
 * ```
 */
export async function runRulesSqlBench(opts: { customers?: number; url?: string } = {}): Promise<SectionResult> {
  const n = opts.customers ?? 100_000
  const client = new pg.Client({ connectionString: opts.url ?? process.env.WINBACK_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test" })
  await client.connect()
  const db = drizzle(client) as unknown as AnyPgDatabase
  const gen = await time(() => generate(db, n))
  const lines = [
    "## Rules in PostgreSQL: the catalogue over generated customers",
    "",
    `${n.toLocaleString("en")} customers × 12 months of bills + 30 days of daily usage (${(n * 42).toLocaleString("en")} usage rows), generated in ${(gen.ms / 1000).toFixed(1)} s; PostgreSQL ${rows(await db.execute(sql`show server_version`))[0]?.["server_version"]}; as of ${AS_OF}.`,
    "Each template's compiled query is streamed through a cursor (batches of 5,000, explanations built for every match); hand-written SQL counts the same matches.",
    "",
    "| template | matches | compiled + streamed (ms) | compiled count(*) (ms) | hand-written SQL (ms) | ratio |",
    "|---|---:|---:|---:|---:|---:|"
  ]
  await db.execute(sql.raw(`select count(*) from usage_daily, (select 1) x where charge >= 0`)) // warm the cache
  await db.execute(sql.raw(`select count(*) from usage_monthly where bill_amount >= 0`))
  let total = 0
  const handRatios: Array<number> = []
  let peakRss = process.memoryUsage().rss
  for (const t of catalogue) {
    const rule: Rule = instantiate(t).rule
    const streamed = await time(() =>
      streamRuleMatches(db, rule, { asOf: AS_OF, batchSize: 5000 }, () => {
        peakRss = Math.max(peakRss, process.memoryUsage().rss)
      })
    )
    total += streamed.ms
    const counted = await time(() => countRuleMatches(db, rule, { asOf: AS_OF }))
    if (counted.value !== streamed.value.count) throw new Error(`${t.id}: count ${counted.value} ≠ streamed ${streamed.value.count}`)
    let hand = ""
    let ratio = ""
    const h = handWritten[t.id]
    if (h) {
      const r = await time(async () => Number(rows(await db.execute(sql.raw(h)))[0]?.["count"]))
      if (r.value !== counted.value) throw new Error(`${t.id}: hand-written ${r.value} ≠ compiled ${counted.value}`)
      hand = r.ms.toFixed(0)
      ratio = `${(counted.ms / r.ms).toFixed(2)}×`
      handRatios.push(counted.ms / r.ms)
    }
    lines.push(`| ${t.id} | ${counted.value.toLocaleString("en")} | ${streamed.ms.toFixed(0)} | ${counted.ms.toFixed(0)} | ${hand} | ${ratio} |`)
  }
  lines.push("", `Whole catalogue streamed: ${(total / 1000).toFixed(1)} s; peak process RSS while streaming ${(peakRss / 2 ** 20).toFixed(0)} MB.`)
  await db.execute(sql.raw(`drop schema if exists ${SCHEMA} cascade`))
  await client.end()
  const worst = Math.max(...handRatios)
  const goals: Array<Goal> = [
    {
      goal: "rules: whole catalogue in PostgreSQL ≤ 2× hand-written SQL, streamed, RSS < 512 MB (issue 3)",
      measured: `${n.toLocaleString("en")} customers × 12 months: ${handRatios.map((r) => r.toFixed(2)).join(", ")}× on the ${handRatios.length} templates with a hand-written twin; catalogue streamed in ${(total / 1000).toFixed(1)} s, peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MB`,
      met: worst <= 2 && peakRss < 512 * 2 ** 20
    }
  ]
  return { markdown: lines.join("\n"), goals }
}

if (import.meta.url === `file://${process.argv[1]}` && process.argv[2] === "generate") {
  // Development aid: `sql.ts generate <n> <schema> [url]` leaves generated data in place.
  const client = new pg.Client({ connectionString: process.argv[5] ?? process.env.WINBACK_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test" })
  await client.connect()
  const t = await time(() => generate(drizzle(client) as unknown as AnyPgDatabase, Number(process.argv[3]), process.argv[4]))
  console.log(`generated in ${(t.ms / 1000).toFixed(1)} s`)
  await client.end()
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.argv[2] ?? 100_000)
  console.log((await runRulesSqlBench({ customers: n })).markdown)
}
