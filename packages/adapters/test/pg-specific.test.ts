/**
 * What only the SQL adapters promise: migrations that match drizzle-kit's output, an audit log the
 * schema itself keeps append-only, and tampering that `verify` detects.
 */
import { sql } from "drizzle-orm"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { AuditEntryInput } from "@winback/core"
import { renderMigrations } from "../scripts/embed-migrations"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { PgliteStorage } from "../src/pg/PgStorage"
import { openPostgres, postgresUrl } from "./support"

it("the embedded migrations are exactly drizzle-kit's (run `pnpm db:generate` after a schema change)", () => {
  expect(readFileSync(join(__dirname, "../src/pg/migrations.generated.ts"), "utf8")).toBe(renderMigrations())
})

const entry = (i: number): AuditEntryInput => ({
  actorId: "m-1",
  at: new Date(Date.UTC(2026, 10, 22, 8, i)).toISOString(),
  action: "work-item.complete",
  category: "work-item",
  recordType: "WorkItem",
  recordId: `wi-${i}`,
  customerId: "cust-1",
  before: { state: "open" },
  after: { state: "completed" },
  note: ""
})

type Opened = { run: <A>(f: (db: any) => Promise<A>) => Promise<A>; stores: import("@winback/core").Stores; close: () => Promise<void> }

const targets: Array<[string, () => Promise<Opened>, boolean]> = [
  ["pglite", async () => PgliteStorage.open(), true],
  ["postgres", async () => { const o = await openPostgres(); return { run: o.storage.run, stores: o.stores, close: o.close } }, postgresUrl !== undefined]
]

describe.each(targets)("audit log on %s", (_name, open, enabled) => {
  let s: Opened
  beforeAll(async () => {
    if (enabled) s = await open()
  }, 120_000)
  afterAll(async () => {
    if (enabled) await s.close()
  })
  const refused = async (statement: ReturnType<typeof sql>) => {
    const e = await s.run((db) => db.execute(statement)).then(() => undefined, (err: unknown) => err)
    expect(String((e as { cause?: { message?: string } } | undefined)?.cause?.message ?? e)).toMatch(/append-only/)
  }
  const append = async (n: number) => {
    for (let i = 1; i <= n; i++) await Effect.runPromise(s.stores.audit.append(entry(i)))
  }

  it.runIf(enabled)("refuses UPDATE, DELETE and TRUNCATE in the schema itself", async () => {
    await append(5)
    await refused(sql`UPDATE audit_log SET actor_id = 'mallory' WHERE seq = 2`)
    await refused(sql`DELETE FROM audit_log WHERE seq = 2`)
    await refused(sql`TRUNCATE audit_log`)
    expect(await Effect.runPromise(s.stores.audit.verify())).toEqual({ ok: true, entries: 5 })
  })

  it.runIf(enabled)("verify detects an entry modified behind the trigger's back", async () => {
    await s.run(async (db) => {
      await db.execute(sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete`)
      await db.execute(sql`UPDATE audit_log SET data = jsonb_set(data, '{after,state}', '"cancelled"') WHERE seq = 3`)
      await db.execute(sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete`)
    })
    const r = await Effect.runPromise(s.stores.audit.verify())
    expect(r).toMatchObject({ ok: false, firstBrokenSeq: 3 })
    // Put it back as it was, so the next test starts from an intact chain.
    await s.run(async (db) => {
      await db.execute(sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete`)
      await db.execute(sql`UPDATE audit_log SET data = jsonb_set(data, '{after,state}', '"completed"') WHERE seq = 3`)
      await db.execute(sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete`)
    })
    expect(await Effect.runPromise(s.stores.audit.verify())).toEqual({ ok: true, entries: 5 })
  })

  it.runIf(enabled)("verify detects a deleted entry, in the middle or at the end", async () => {
    const del = (seq: number) =>
      s.run(async (db) => {
        await db.execute(sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete`)
        await db.execute(sql`DELETE FROM audit_log WHERE seq = ${seq}`)
        await db.execute(sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete`)
      })
    await del(5)
    expect(await Effect.runPromise(s.stores.audit.verify())).toMatchObject({ ok: false, firstBrokenSeq: 5 })
    await del(2)
    expect(await Effect.runPromise(s.stores.audit.verify())).toMatchObject({ ok: false, firstBrokenSeq: 2 })
  })
})

describe("PGlite on disk", () => {
  it("keeps data in its directory across reopen, migrating once", async () => {
    const { mkdtempSync, rmSync } = await import("node:fs")
    const { tmpdir } = await import("node:os")
    const dir = mkdtempSync(join(tmpdir(), "winback-pglite-"))
    try {
      const first = await PgliteStorage.open({ dataDir: dir })
      await Effect.runPromise(first.stores.offers.insert({ id: "o-1", name: "Bonus", kind: "bonus-credit", cost: 50, description: "", active: true, requiresApproval: false, version: 1 }))
      await first.close()
      const second = await PgliteStorage.open({ dataDir: dir })
      expect((await Effect.runPromise(second.stores.offers.get("o-1"))).name).toBe("Bonus")
      await second.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)
})
