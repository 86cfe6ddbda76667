/**
 * Rules in PostgreSQL: the whole catalogue compiled to SQL over N generated customers × 12 months
 * (+ 30 days of daily usage), streamed through a cursor, beside hand-written SQL for three
 * templates. Data is generated inside the database (generate_series), in schema wb_rules_bench.
 *
 * Run: pnpm exec tsx --conditions=@winback/source bench/rules/sql.ts [sizes…] (default 100000 1000000;
 * WINBACK_BENCH_REUSE=1 reuses data left by WINBACK_BENCH_KEEP=1 or `sql.ts generate <n> wb_rules_bench_<n>`)
 */
import { createRequire } from "node:module"
import { writeFileSync } from "node:fs"
import { loadavg } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { catalogue, instantiate, type Rule } from "@winback/rules"
import { migrate } from "../../packages/adapters/src/pg/migrate"
import { type AnyPgDatabase, compileRuleSql, countRuleMatches, streamRuleMatches } from "../../packages/adapters/src/rules-sql"
import { type Goal, type SectionResult } from "../goals"

// drizzle-orm and pg are dependencies of @winback/adapters, not of the bench package: load the
// very files the adapters source resolves, so there is one drizzle instance.
const fromAdapters = createRequire(join(dirname(fileURLToPath(import.meta.url)), "../../packages/adapters/package.json"))
const drizzleDir = join(dirname(fileURLToPath(import.meta.url)), "../../packages/adapters/node_modules/drizzle-orm")
const { sql } = (await import(pathToFileURL(join(drizzleDir, "index.js")).href)) as typeof import("../../packages/adapters/node_modules/drizzle-orm")
type SQL = import("../../packages/adapters/node_modules/drizzle-orm").SQL
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

/**
 * The first anchor (issue 3), kept for comparison and labelled "shape-alike": hand-written SQL with
 * the same plan shape as the compiler had then (two full reads of usage_monthly, the month window
 * computed with substr() arithmetic in a join filter), for three templates.
 */
const shapeAlike: Record<string, string> = {
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

// The expert anchor: what a PostgreSQL expert writes for each template (defaults), returning each
// matching customer with the figures its explanation shows. Windows are range predicates on the
// key columns (day, month), each template is one pass with FILTER aggregates, money is compared
// in exact numeric, dates as dates. The monthly templates take "this month" as the newest month
// whose bill is issued by the as-of day (one index lookup) and check that it is each customer's
// own latest issued month — the expert's assumption of one billing cycle; the compiled queries
// make no such assumption (customers lagging further are computed exactly through the primary key).
const D = `date '${AS_OF}'`
const hm = `(select max(month) from usage_monthly where bill_date <= ${D})`
const monthsBack = (k: number) => `to_char(to_date(${hm}, 'YYYY-MM') - interval '${k} months', 'YYYY-MM')`
/** Trailing ones of a day mask (bit i = the day i days before the as-of day): the current streak. */
const streak = (m: string) => `round(ln(((${m} + 1) & -(${m} + 1))::float8) / ln(2::float8))`
const dayMask = (pred: string) => `coalesce(bit_or(1::int8 << (${D} - day)) filter (where ${pred}), 0)`
const billWindow = (metric: string) => `
  select customer_id,
         max(month) filter (where bill_date <= ${D}) as m0,
         max(${metric}) filter (where month = ${hm}) as cur,
         sum(${metric}::numeric) filter (where month < ${hm}) as s,
         sum(${metric}) filter (where month < ${hm}) as sf,
         count(*) filter (where month < ${hm}) as n
  from usage_monthly where month between ${monthsBack(3)} and ${hm} group by customer_id`
const expert: Record<string, string> = {
  "competitor-calls": `
    select c.id, x.seconds from customers c join (
      select customer_id, sum(competitor_call_seconds) seconds from usage_daily
      where day between ${D} - 29 and ${D} group by customer_id having sum(competitor_call_seconds) > 60) x on x.customer_id = c.id`,
  "dunning-follow-up": `
    select c.id from usage_daily u join customers c on c.id = u.customer_id
    where u.day = ${D} - 1 and u.reminder_sms_delivered and c.payment_type = 'prepaid'`,
  "call-forwarding": `
    select c.id, x.streak from customers c join (
      select customer_id, ${streak(dayMask("forwarded_to_other_operator"))} streak from usage_daily
      where day between ${D} - 30 and ${D} and forwarded_to_other_operator group by customer_id) x on x.customer_id = c.id where x.streak >= 5`,
  "silent-high-value": `
    select c.id, c.tier, x.streak from customers c join (
      select customer_id, ${streak(dayMask("outgoing_calls = 0"))} streak from usage_daily
      where day between ${D} - 30 and ${D} and outgoing_calls = 0 group by customer_id) x on x.customer_id = c.id where x.streak >= 10 and c.tier in ('gold', 'diamond')`,
  "suspension-requested": `
    select c.id, x.n from customers c join (
      select customer_id, count(*) n from customer_events where type = 'suspension-requested'
      and at >= timestamptz '${AS_OF} 00:00+00' and at < timestamptz '${AS_OF} 00:00+00' + interval '1 day' group by customer_id) x on x.customer_id = c.id`,
  "bill-unpaid": `
    select c.id, ${D} - u.bill_date days from usage_monthly u join customers c on c.id = u.customer_id
    where u.month = ${hm} and u.bill_date <= ${D} - 20 and (u.paid_date is null or u.paid_date > ${D}) and c.payment_type = 'postpaid'`,
  "zero-bill": `
    select c.id, u.bill_amount from usage_monthly u join customers c on c.id = u.customer_id
    where u.month = ${hm} and u.bill_date <= ${D} and u.bill_amount <= 0`,
  "bill-drop": `
    select c.id, c.tier, x.cur, x.s / 3 baseline, (x.cur::numeric - x.s / 3) / (x.s / 3) * 100 change from customers c join (${billWindow("bill_amount")}) x on x.customer_id = c.id
    where x.m0 = ${hm} and x.n = 3 and x.s <> 0
      and x.cur::numeric * 300 - x.s * 100 < -x.s * (case c.tier when 'diamond' then 30 when 'gold' then 30 when 'silver' then 50 when 'regular' then 50 end)`,
  "data-drop": `
    select c.id, x.cur, x.sf / 3 baseline from customers c join (${billWindow("data_mb")}) x on x.customer_id = c.id
    where x.m0 = ${hm} and x.n = 3 and x.sf <> 0 and (x.cur - x.sf / 3) / (x.sf / 3) * 100 < -50`,
  "contract-expiring": `
    select id, contract_end - ${D} days_left from customers where contract_end >= ${D} and contract_end < (${D} + interval '2 months')::date`,
  birthday: `
    select id from customers where extract(month from birthday) = extract(month from ${D}) and extract(day from birthday) = extract(day from ${D})`,
  "bill-anomaly": `
    select c.id, x.cur, x.s / 3 baseline from customers c join (${billWindow("bill_amount")}) x on x.customer_id = c.id
    where x.m0 = ${hm} and x.n = 3 and (x.cur::numeric > x.s or x.cur::numeric * 9 < x.s)`,
  "complaint-resolved": `
    select c.id, ${D} - (max(e.at) at time zone 'UTC')::date days_ago from customer_events e join customers c on c.id = e.customer_id
    where e.type = 'complaint-resolved' and e.at >= timestamptz '${AS_OF} 00:00+00' - interval '2 days' and e.at < timestamptz '${AS_OF} 00:00+00' + interval '1 day'
    group by c.id`,
  "new-customer": `
    select id, ${D} - activated_on days from customers where activated_on >= ${D} - 2 and activated_on <= ${D}`,
  "cancel-requested": `
    select c.id, c.tier, x.n from customers c join (
      select customer_id, count(*) n from customer_events where type = 'cancel-requested'
      and at >= timestamptz '${AS_OF} 00:00+00' and at < timestamptz '${AS_OF} 00:00+00' + interval '1 day' group by customer_id) x on x.customer_id = c.id
    where c.tier in ('gold', 'diamond')`
}

const time = async <T>(f: () => Promise<T>) => {
  const t0 = performance.now()
  const value = await f()
  return { ms: performance.now() - t0, value }
}

interface SizeResult {
  readonly n: number
  readonly lines: ReadonlyArray<string>
  /** Sum over the catalogue of each query's best time (ms): compiled, expert anchor. */
  readonly compiled: number
  readonly expert: number
  readonly shapeRatios: ReadonlyArray<number>
  readonly streamedMs: number
  readonly peakRss: number
}

const countOf = async (db: AnyPgDatabase, q: string) => Number(rows(await db.execute(sql.raw(`select count(*) as n from (${q}) wb_anchor`)))[0]?.["n"])

/** Data in `wb_rules_bench_<n>`: reused when it holds n customers and WINBACK_BENCH_REUSE=1, generated otherwise. */
const prepare = async (db: AnyPgDatabase, n: number): Promise<{ schema: string; generatedMs: number | undefined }> => {
  const schema = `${SCHEMA}_${n}`
  if (process.env.WINBACK_BENCH_REUSE === "1") {
    const found = rows(await db.execute(sql`select 1 from information_schema.tables where table_schema = ${schema} and table_name = 'customers'`))
    if (found.length) {
      await db.execute(sql.raw(`set search_path to ${schema}`))
      if (Number(rows(await db.execute(sql.raw(`select count(*) as n from customers`)))[0]?.["n"]) === n) return { schema, generatedMs: undefined }
    }
  }
  const gen = await time(() => generate(db, n, schema))
  return { schema, generatedMs: gen.ms }
}

const runSize = async (db: AnyPgDatabase, n: number, rounds: number): Promise<SizeResult> => {
  const { schema, generatedMs } = await prepare(db, n)
  await db.execute(sql.raw(`set search_path to ${schema}`))
  await db.execute(sql.raw(`select count(*) from usage_daily where charge >= 0`)) // warm the cache
  await db.execute(sql.raw(`select count(*) from usage_monthly where bill_amount >= 0`))
  const lines = [
    `### ${n.toLocaleString("en")} customers`,
    "",
    `${n.toLocaleString("en")} customers × 12 months of bills + 30 days of daily usage (${(n * 42).toLocaleString("en")} usage rows), ${generatedMs === undefined ? "generated earlier (WINBACK_BENCH_REUSE=1)" : `generated in ${(generatedMs / 1000).toFixed(1)} s`}.`,
    "",
    "| template | matches | compiled (ms) | expert anchor (ms) | compiled ÷ expert | shape-alike anchor (ms) | compiled ÷ shape-alike | compiled + streamed (ms) |",
    "|---|---:|---:|---:|---:|---:|---:|---:|"
  ]
  let compiled = 0
  let expertTotal = 0
  let streamedMs = 0
  let peakRss = process.memoryUsage().rss
  const shapeRatios: Array<number> = []
  for (const t of catalogue) {
    const rule: Rule = instantiate(t).rule
    // Interleaved rounds: compiled, expert, shape-alike; each query's best round counts.
    let best = Infinity
    let bestExpert = Infinity
    let bestShape = Infinity
    let matches = -1
    let shapeMatches = -1
    for (let r = 0; r < rounds; r++) {
      const c = await time(() => countRuleMatches(db, rule, { asOf: AS_OF }))
      best = Math.min(best, c.ms)
      matches = c.value
      const e = await time(() => countOf(db, expert[t.id]!))
      if (e.value !== c.value) throw new Error(`${t.id}: expert anchor ${e.value} ≠ compiled ${c.value}`)
      bestExpert = Math.min(bestExpert, e.ms)
      const h = shapeAlike[t.id]
      if (h) {
        const x = await time(async () => Number(rows(await db.execute(sql.raw(h)))[0]?.["count"]))
        // Its float arithmetic may count a customer exactly on a threshold that exact money excludes.
        shapeMatches = x.value
        bestShape = Math.min(bestShape, x.ms)
      }
    }
    const streamed = await time(() =>
      streamRuleMatches(db, rule, { asOf: AS_OF, batchSize: 5000 }, () => {
        peakRss = Math.max(peakRss, process.memoryUsage().rss)
      })
    )
    if (streamed.value.count !== matches) throw new Error(`${t.id}: streamed ${streamed.value.count} ≠ counted ${matches}`)
    streamedMs += streamed.ms
    compiled += best
    expertTotal += bestExpert
    if (Number.isFinite(bestShape)) shapeRatios.push(best / bestShape)
    const differs = shapeMatches >= 0 && shapeMatches !== matches ? ` (counts ${shapeMatches.toLocaleString("en")}: float ties)` : ""
    const shape = Number.isFinite(bestShape) ? `| ${bestShape.toFixed(0)}${differs} | ${(best / bestShape).toFixed(2)}× ` : "| | "
    console.error(`rules-sql ${n}: ${t.id} compiled ${best.toFixed(0)} ms, expert ${bestExpert.toFixed(0)} ms, load ${loadavg()[0]!.toFixed(1)}`)
    lines.push(`| ${t.id} | ${matches.toLocaleString("en")} | ${best.toFixed(0)} | ${bestExpert.toFixed(0)} | ${(best / bestExpert).toFixed(2)}× ${shape}| ${streamed.ms.toFixed(0)} |`)
  }
  lines.push(
    `| **whole catalogue** | | **${compiled.toFixed(0)}** | **${expertTotal.toFixed(0)}** | **${(compiled / expertTotal).toFixed(2)}×** | | | ${streamedMs.toFixed(0)} |`,
    "",
    `Best of ${rounds} interleaved rounds per query (count of the matches); streamed once through a cursor (batches of 5,000, explanations built for every match), peak process RSS ${(peakRss / 2 ** 20).toFixed(0)} MB; load average ${loadavg().map((x) => x.toFixed(2)).join(" ")} after.`
  )
  if (process.env.WINBACK_BENCH_KEEP !== "1") await db.execute(sql.raw(`drop schema if exists ${schema} cascade`))
  return { n, lines, compiled, expert: expertTotal, shapeRatios, streamedMs, peakRss }
}

/**
 * Runs the SQL benchmark at each size (default 100k and 1M customers) and returns a markdown
 * section: every catalogue template compiled, beside the expert anchor and the shape-alike anchor
 * from the same run, and the goals of issues 3 and 19.
 *
 * @example
 * ```ts
 * const { markdown, goals } = await runRulesSqlBench({ sizes: [100_000, 1_000_000] })
 * ```
 */
export async function runRulesSqlBench(opts: { sizes?: ReadonlyArray<number>; customers?: number; url?: string; rounds?: number } = {}): Promise<SectionResult> {
  const sizes = opts.sizes ?? (opts.customers !== undefined ? [opts.customers] : [100_000, 1_000_000])
  const client = new pg.Client({ connectionString: opts.url ?? process.env.WINBACK_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test" })
  await client.connect()
  const db = drizzle(client) as unknown as AnyPgDatabase
  const version = rows(await db.execute(sql`show server_version`))[0]?.["server_version"]
  const workMem = rows(await db.execute(sql`show work_mem`))[0]?.["work_mem"]
  const results: Array<SizeResult> = []
  for (const n of sizes) results.push(await runSize(db, n, opts.rounds ?? (n >= 1_000_000 ? 1 : 2)))
  await client.end()
  const lines = [
    "## Rules in PostgreSQL: the catalogue over generated customers",
    "",
    `PostgreSQL ${version} at its defaults (work_mem ${workMem}); as of ${AS_OF}. Data generated inside the database (generate_series).`,
    "For every template of the catalogue (defaults): the compiled query (`countRuleMatches`), the **expert anchor** (what a PostgreSQL expert writes: range predicates on the key columns, one pass with FILTER aggregates, exact numeric money, dates as dates; see bench/rules/sql.ts), and for three templates the **shape-alike anchor** of issue 3 (hand-written with the plan shape the compiler had then: two full reads of usage_monthly, the month window in a join filter). Each pair agrees on the number of matches, or the run fails.",
    "",
    ...results.flatMap((r) => [...r.lines, ""])
  ]
  const goals: Array<Goal> = []
  const last = results[results.length - 1]!
  const worstShape = Math.max(...results.flatMap((r) => r.shapeRatios))
  goals.push({
    goal: "rules: whole catalogue in PostgreSQL ≤ 2× hand-written SQL, streamed, RSS < 512 MB (issue 3)",
    measured: `${last.n.toLocaleString("en")} customers: ${last.shapeRatios.map((r) => r.toFixed(2)).join(", ")}× the shape-alike anchor on its ${last.shapeRatios.length} templates; catalogue streamed in ${(last.streamedMs / 1000).toFixed(1)} s, peak RSS ${(last.peakRss / 2 ** 20).toFixed(0)} MB`,
    met: worstShape <= 2 && Math.max(...results.map((r) => r.peakRss)) < 512 * 2 ** 20
  })
  const big = results.find((r) => r.n >= 1_000_000)
  goals.push({
    goal: "rules in SQL: compiled catalogue within 1.5× of the expert anchor at 1M customers (issue 19)",
    measured: results.map((r) => `${r.n.toLocaleString("en")}: ${(r.compiled / 1000).toFixed(2)} s vs ${(r.expert / 1000).toFixed(2)} s = ${(r.compiled / r.expert).toFixed(2)}×`).join("; "),
    met: big !== undefined && big.compiled / big.expert <= 1.5
  })
  const small = results.find((r) => r.n === 100_000)
  if (small && big) {
    const growth = big.compiled / small.compiled / (big.n / small.n)
    const expertGrowth = big.expert / small.expert / (big.n / small.n)
    goals.push({
      goal: "rules in SQL: catalogue time grows no worse than 1.3× linear from 100k to 1M customers (issue 19)",
      measured: `compiled ${(small.compiled / 1000).toFixed(2)} s → ${(big.compiled / 1000).toFixed(2)} s for 10× the customers: ${growth.toFixed(2)}× linear (expert anchor ${expertGrowth.toFixed(2)}×)`,
      met: growth <= 1.3
    })
  }
  return { markdown: lines.join("\n"), goals }
}

if (import.meta.url === `file://${process.argv[1]}` && process.argv[2] === "generate") {
  // Development aid: `sql.ts generate <n> <schema> [url]` leaves generated data in place.
  const client = new pg.Client({ connectionString: process.argv[5] ?? process.env.WINBACK_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test" })
  await client.connect()
  const t = await time(() => generate(drizzle(client) as unknown as AnyPgDatabase, Number(process.argv[3]), process.argv[4]))
  console.log(`generated in ${(t.ms / 1000).toFixed(1)} s`)
  await client.end()
} else if (import.meta.url === `file://${process.argv[1]}` && process.argv[2] === "explain") {
  // `sql.ts explain <n> <file>`: EXPLAIN (ANALYZE, BUFFERS) of every template's compiled count query
  // and its expert anchor, over data left in wb_rules_bench_<n>, written as markdown to <file>.
  const client = new pg.Client({ connectionString: process.env.WINBACK_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test" })
  await client.connect()
  const db = drizzle(client) as unknown as AnyPgDatabase
  const n = Number(process.argv[3])
  await db.execute(sql.raw(`set search_path to ${SCHEMA}_${n}`))
  const plan = async (q: SQL | string, jit: boolean) => {
    await db.execute(sql.raw(`set jit = ${jit ? "on" : "off"}`))
    const r = rows(await db.execute(typeof q === "string" ? sql.raw(`explain (analyze, buffers) ${q}`) : sql`explain (analyze, buffers) ${q}`))
    await db.execute(sql.raw(`reset jit`))
    return r.map((x) => String(x["QUERY PLAN"])).filter((l) => !l.includes("(never executed)")).join("\n")
  }
  const out = [
    "# Rules in SQL: query plans of the catalogue",
    "",
    `EXPLAIN (ANALYZE, BUFFERS) of each template's compiled count query (\`compileRuleSql(...).countQuery\`, run as the library runs it: JIT off) and of its expert anchor (bench/rules/sql.ts, server defaults), over ${n.toLocaleString("en")} generated customers (\`bench/rules/sql.ts explain ${n} <file>\`), as of ${AS_OF}; PostgreSQL ${rows(await db.execute(sql`show server_version`))[0]?.["server_version"]}, work_mem ${rows(await db.execute(sql`show work_mem`))[0]?.["work_mem"]}; written ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, load average ${loadavg().map((x) => x.toFixed(2)).join(" ")}. Sub-plans that never ran (the per-customer fallback for lagging customers) are left out.`,
    ""
  ]
  for (const t of catalogue) {
    const c = compileRuleSql(instantiate(t).rule, { asOf: AS_OF })
    out.push(`## ${t.id}`, "", "Compiled:", "", "```", await plan(c.countQuery, false), "```", "", "Expert anchor:", "", "```", await plan(`select count(*) from (${expert[t.id]!}) wb_anchor`, true), "```", "")
  }
  writeFileSync(process.argv[4]!, out.join("\n"))
  await client.end()
} else if (import.meta.url === `file://${process.argv[1]}` && process.argv[2] === "compare") {
  // Development aid: `sql.ts compare <n> <template,…>`: one compiled and one expert run each, reusing data.
  const client = new pg.Client({ connectionString: process.env.WINBACK_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test" })
  await client.connect()
  const db = drizzle(client) as unknown as AnyPgDatabase
  await db.execute(sql.raw(`set search_path to ${SCHEMA}_${process.argv[3]}`))
  for (const t of catalogue.filter((x) => !process.argv[4] || process.argv[4].split(",").includes(x.id))) {
    const c = await time(() => countRuleMatches(db, instantiate(t).rule, { asOf: AS_OF }))
    const e = await time(() => countOf(db, expert[t.id]!))
    console.log(`${t.id}: compiled ${c.ms.toFixed(0)} ms (${c.value}), expert ${e.ms.toFixed(0)} ms (${e.value}), ${(c.ms / e.ms).toFixed(2)}×  load ${loadavg()[0]!.toFixed(1)}`)
  }
  await client.end()
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const sizes = process.argv.slice(2).map(Number).filter((x) => x > 0)
  const r = await runRulesSqlBench(sizes.length ? { sizes } : {})
  console.log(r.markdown)
  for (const g of r.goals ?? []) console.log(`${g.met ? "MET    " : "NOT MET"}  ${g.goal}: ${g.measured}`)
}
