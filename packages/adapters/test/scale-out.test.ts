/**
 * The schema is ready for a distributed engine (Citus, YugabyteDB), checked on the catalog of a
 * migrated database (PGlite always, PostgreSQL when its URL is set), as docs/scale-out.md states:
 * - every unique index (primary keys included) of a table distributed by customer contains the
 *   distribution column, so the engine can enforce it on one shard;
 * - no table has a trigger, and neither the migrator nor the stores take a table lock;
 * - docs/scale-out.md names every table with its distribution column (or "reference").
 */
import { sql } from "drizzle-orm"
import { readFileSync, readdirSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { migrations } from "../src/pg/migrations.generated"
import { type OpenStorage, PgliteStorage } from "../src/pg/PgStorage"
import { openPostgres, postgresUrl } from "./support"

/** Tables keyed by something other than a `customer_id` column; every other table with one is keyed by it. */
const otherKeys: Record<string, string> = { customers: "id", audit_log: "stream" }

const docs = readFileSync(join(__dirname, "../../../docs/scale-out.md"), "utf8")
/** `| \`table\` | \`column\` or reference | …` rows of the distribution table in docs/scale-out.md. */
const documented = new Map(
  [...docs.matchAll(/^\| `([a-z_]+)` \| ([^|]+) \|/gm)].map((m) => [m[1]!, m[2]!.trim().replace(/`/g, "")])
)

const targets: Array<[string, () => Promise<{ storage: OpenStorage; close: () => Promise<void> }>, boolean]> = [
  ["pglite", async () => { const s = await PgliteStorage.open(); return { storage: s, close: s.close } }, true],
  ["postgres", async () => { const o = await openPostgres(); return { storage: o.storage, close: o.close } }, postgresUrl !== undefined]
]

describe.each(targets)("distributed-engine-ready schema on %s", (_name, open, enabled) => {
  let s: { storage: OpenStorage; close: () => Promise<void> }
  const rows = async <R>(q: ReturnType<typeof sql>) => ((await s.storage.run((db) => db.execute(q))) as { rows: Array<R> }).rows
  beforeAll(async () => {
    if (enabled) s = await open()
  }, 120_000)
  afterAll(async () => {
    if (enabled) await s.close()
  })

  it.runIf(enabled)("every unique index of a customer-keyed table contains its distribution column", async () => {
    const tables = await rows<{ table: string; columns: Array<string> }>(sql`
      SELECT c.relname AS table, array_agg(a.attname::text ORDER BY a.attnum) AS columns
      FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
      GROUP BY c.relname`)
    const uniques = await rows<{ table: string; index: string; columns: Array<string> }>(sql`
      SELECT t.relname AS table, i.relname AS index,
             array(SELECT a.attname::text FROM unnest(x.indkey) k JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k) AS columns
      FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
      WHERE t.relnamespace = current_schema()::regnamespace AND x.indisunique`)
    const keyOf = (table: string, columns: ReadonlyArray<string>) => otherKeys[table] ?? (columns.includes("customer_id") ? "customer_id" : undefined)
    const keyed = tables.filter((t) => keyOf(t.table, t.columns) !== undefined)
    expect(keyed.map((t) => t.table).sort()).toEqual(
      ["appointments", "audit_log", "call_records", "customer_events", "customers", "dnd_entries", "extraction_candidates", "hand_out_ledger", "responses", "usage_daily", "usage_monthly", "work_items"].filter((t) =>
        tables.some((x) => x.table === t)
      )
    )
    const offending = uniques
      .filter((u) => {
        const t = keyed.find((k) => k.table === u.table)
        return t !== undefined && !u.columns.includes(keyOf(t.table, t.columns)!)
      })
      .map((u) => `${u.table}.${u.index} (${u.columns.join(", ")})`)
    expect(offending).toEqual([])
    // The documentation names each table's distribution column as the catalog has it.
    for (const t of tables) {
      const key = keyOf(t.table, t.columns)
      expect(documented.get(t.table), `docs/scale-out.md names the distribution of ${t.table}`).toBe(key ?? "reference")
    }
  })

  it.runIf(enabled)("no table has a trigger", async () => {
    const triggers = await rows<{ table: string; name: string }>(sql`
      SELECT c.relname AS table, t.tgname AS name FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
      WHERE c.relnamespace = current_schema()::regnamespace AND NOT t.tgisinternal`)
    expect(triggers).toEqual([])
  })
})

it("no migration statement the migrator still runs takes a table lock, and neither does any store", () => {
  // Statements of migrations: CREATE TRIGGER in 0001 is dropped by 0008 (checked on the catalog above).
  const locking = migrations.flatMap((m) => m.statements.filter((st) => /\bLOCK\s+TABLE\b/i.test(st)).map((st) => `${m.tag}: ${st.slice(0, 60)}`))
  expect(locking).toEqual([])
  const dir = join(__dirname, "../src/pg")
  const sources = readdirSync(dir).filter((f) => f.endsWith(".ts") && f !== "migrations.generated.ts")
  const offenders = sources.filter((f) => /\bLOCK\s+TABLE\b/i.test(readFileSync(join(dir, f), "utf8").replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, "")))
  expect(offenders).toEqual([])
})
