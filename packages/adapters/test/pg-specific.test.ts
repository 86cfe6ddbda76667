/**
 * What only the SQL adapters promise: migrations that match drizzle-kit's output, an audit log kept
 * append-only by privileges rather than triggers, hash chains per stream anchored by checkpoints,
 * and tampering that `verify` detects.
 */
import { sql } from "drizzle-orm"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type AuditEntryInput, auditEntryHash, auditGenesisHash } from "@winback/core"
import { PGlite } from "@electric-sql/pglite"
import { drizzle } from "drizzle-orm/pglite"
import { migrations } from "../src/pg/migrations.generated"
import { renderMigrations } from "../scripts/embed-migrations"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { randomUUID } from "node:crypto"
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
  const append = async (n: number, from = 1) => {
    for (let i = from; i < from + n; i++) await Effect.runPromise(s.stores.audit.append(entry(i)))
  }
  const verify = () => Effect.runPromise(s.stores.audit.verify())

  it.runIf(enabled)("keeps append-only without triggers: no trigger on audit_log, and a role granted INSERT and SELECT only is refused", async () => {
    await append(5)
    const triggers = await s.run((db) => db.execute(sql`SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass AND NOT tgisinternal`))
    expect((triggers as { rows: Array<unknown> }).rows).toEqual([])
    // The deployment recipe of docs/scale-out.md: the application role may only add and read.
    const role = `winback_app_${randomUUID().replaceAll("-", "").slice(0, 12)}`
    const refused = async (statement: ReturnType<typeof sql>) => {
      const e = await s.run((db) =>
        db.transaction(async (tx: any) => {
          await tx.execute(sql.raw(`SET LOCAL ROLE ${role}`))
          await tx.execute(statement)
        })
      ).then(() => undefined, (err: unknown) => err)
      expect(String((e as { cause?: { message?: string } } | undefined)?.cause?.message ?? (e as Error | undefined)?.message ?? e)).toMatch(/permission denied/)
    }
    await s.run(async (db) => {
      await db.execute(sql.raw(`CREATE ROLE ${role} NOLOGIN`))
      await db.execute(sql.raw(`GRANT USAGE ON SCHEMA ${String((await db.execute(sql`SELECT current_schema() AS s`)).rows[0].s)} TO ${role}`))
      await db.execute(sql.raw(`GRANT SELECT, INSERT ON audit_log TO ${role}`))
    })
    try {
      await refused(sql`UPDATE audit_log SET actor_id = 'mallory' WHERE seq = 2`)
      await refused(sql`DELETE FROM audit_log WHERE seq = 2`)
      await refused(sql`TRUNCATE audit_log`)
    } finally {
      await s.run(async (db) => {
        await db.execute(sql.raw(`REVOKE ALL ON audit_log FROM ${role}`))
        await db.execute(sql.raw(`REVOKE ALL ON SCHEMA ${String((await db.execute(sql`SELECT current_schema() AS s`)).rows[0].s)} FROM ${role}`))
        await db.execute(sql.raw(`DROP ROLE ${role}`))
      })
    }
    expect(await verify()).toEqual({ ok: true, entries: 5 })
  })

  it.runIf(enabled)("verify detects an entry modified in the table", async () => {
    await s.run((db) => db.execute(sql`UPDATE audit_log SET data = jsonb_set(data, '{after,state}', '"cancelled"') WHERE seq = 3`))
    expect(await verify()).toMatchObject({ ok: false, firstBrokenSeq: 3 })
    // Put it back as it was, so the next test starts from an intact chain.
    await s.run((db) => db.execute(sql`UPDATE audit_log SET data = jsonb_set(data, '{after,state}', '"completed"') WHERE seq = 3`))
    expect(await verify()).toEqual({ ok: true, entries: 5 })
  })

  it.runIf(enabled)("verify detects a deleted entry, in the middle or at the end", async () => {
    const del = (seq: number) => s.run((db) => db.execute(sql`DELETE FROM audit_log WHERE seq = ${seq}`))
    await del(5)
    expect(await verify()).toMatchObject({ ok: false, firstBrokenSeq: 5 })
    await del(2)
    expect(await verify()).toMatchObject({ ok: false, firstBrokenSeq: 2 })
  })
})

describe.each(targets)("audit streams and checkpoints on %s", (_name, open, enabled) => {
  let s: Opened
  beforeAll(async () => {
    if (enabled) s = await open()
  }, 120_000)
  afterAll(async () => {
    if (enabled) await s.close()
  })
  const verify = () => Effect.runPromise(s.stores.audit.verify())
  const rewindHead = (stream: number, to: { streamSeq: number; seq: number; hash: string }) =>
    s.run((db) => db.execute(sql`UPDATE audit_streams SET stream_seq = ${to.streamSeq}, seq = ${to.seq}, hash = ${to.hash} WHERE stream = ${stream}`))

  it.runIf(enabled)("writes a checkpoint every 32 entries, chaining every stream's head", async () => {
    for (let i = 1; i <= 70; i++) await Effect.runPromise(s.stores.audit.append(entry(i)))
    const cps = (await s.run((db) => db.execute(sql`SELECT n, heads FROM audit_checkpoints ORDER BY n`))) as { rows: Array<{ n: unknown; heads: Array<{ stream: number; streamSeq: number }> }> }
    expect(cps.rows.map((r) => Number(r.n))).toEqual([1, 2])
    expect(cps.rows[1]!.heads.find((h) => h.stream === 0)).toMatchObject({ streamSeq: 64, seq: 64 })
    expect(cps.rows[1]!.heads).toHaveLength(16)
    expect(await verify()).toEqual({ ok: true, entries: 70 })
  })

  it.runIf(enabled)("detects the newest entries cut off with the stream head rewound, back to the last checkpoint", async () => {
    const at = async (seq: number) =>
      ((await s.run((db) => db.execute(sql`SELECT stream_seq, seq, hash FROM audit_log WHERE seq = ${seq}`))) as { rows: Array<{ stream_seq: unknown; seq: unknown; hash: string }> }).rows[0]!
    // Cutting entries 66..70 and rewinding the head to 65: newer than the last checkpoint (64), so
    // the log alone cannot tell. That is the documented limit.
    const e65 = await at(65)
    await s.run((db) => db.execute(sql`DELETE FROM audit_log WHERE seq > 65`))
    await rewindHead(0, { streamSeq: Number(e65.stream_seq), seq: Number(e65.seq), hash: e65.hash })
    expect(await verify()).toEqual({ ok: true, entries: 65 })
    // Cutting back past the checkpoint (to 60) is detected, at the first entry removed.
    const e60 = await at(60)
    await s.run((db) => db.execute(sql`DELETE FROM audit_log WHERE seq > 60`))
    await rewindHead(0, { streamSeq: Number(e60.stream_seq), seq: Number(e60.seq), hash: e60.hash })
    expect(await verify()).toMatchObject({ ok: false, firstBrokenSeq: 61, problem: expect.stringMatching(/checkpoint 2 recorded stream 0 at entry 64/) })
    // Removing the checkpoint too leaves a checkpoint chain whose newest link is gone; the
    // checkpoint kept outside the database is what proves it then (see verifyAuditLog).
    await s.run((db) => db.execute(sql`DELETE FROM audit_checkpoints WHERE n = 1`))
    expect(await verify()).toMatchObject({ ok: false, problem: expect.stringMatching(/checkpoint 1 is missing/) })
  })
})

describe("audit streams under concurrent writers on PostgreSQL", () => {
  it.runIf(postgresUrl !== undefined)("spreads concurrent transactions over several streams, each intact, and detects tampering in any of them", async () => {
    const o = await openPostgres()
    try {
      // Eight transactions at once, each holding its stream while it appends five entries.
      await Promise.all(
        Array.from({ length: 8 }, (_, w) =>
          Effect.runPromise(
            o.stores.transactions.transaction(
              Effect.gen(function* () {
                for (let i = 0; i < 5; i++) yield* o.stores.audit.append(entry(w * 10 + i))
                yield* Effect.promise(() => new Promise((r) => setTimeout(r, 20)))
              })
            )
          )
        )
      )
      const streams = (await o.storage.run((db) => db.execute(sql`SELECT stream, count(*)::int AS n FROM audit_log GROUP BY stream ORDER BY stream`))) as { rows: Array<{ stream: number; n: number }> }
      expect(streams.rows.length).toBeGreaterThan(1)
      expect(streams.rows.reduce((a, r) => a + r.n, 0)).toBe(40)
      expect(await Effect.runPromise(o.stores.audit.verify())).toEqual({ ok: true, entries: 40 })
      const victim = streams.rows.find((r) => r.stream !== 0)!.stream
      const target = ((await o.storage.run((db) => db.execute(sql`SELECT seq FROM audit_log WHERE stream = ${victim} AND stream_seq = 2`))) as { rows: Array<{ seq: unknown }> }).rows[0]!
      await o.storage.run((db) => db.execute(sql`UPDATE audit_log SET data = jsonb_set(data, '{note}', '"edited"') WHERE stream = ${victim} AND stream_seq = 2`))
      expect(await Effect.runPromise(o.stores.audit.verify())).toMatchObject({ ok: false, firstBrokenSeq: Number(target.seq) })
    } finally {
      await o.close()
    }
  }, 60_000)
})

describe("a database audited before streams existed", () => {
  it("migrates its single chain into stream 0, still verifiable, and keeps appending", async () => {
    const client = new PGlite()
    const db = drizzle(client)
    // The schema as migrations 0000..0007 left it, with a chain of 40 entries written the old way.
    const before = migrations.filter((m) => m.tag < "0008")
    await db.execute(sql`CREATE TABLE winback_migrations (tag text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`)
    for (const m of before) {
      for (const st of m.statements) await db.execute(sql.raw(st))
      await db.execute(sql`INSERT INTO winback_migrations (tag) VALUES (${m.tag})`)
    }
    let prev = auditGenesisHash
    for (let seq = 1; seq <= 40; seq++) {
      const hash = auditEntryHash(prev, seq, entry(seq))
      await db.execute(sql`INSERT INTO audit_log (seq, at, actor_id, category, customer_id, prev_hash, hash, data)
        VALUES (${seq}, ${entry(seq).at}, 'm-1', 'work-item', 'cust-1', ${prev}, ${hash}, ${JSON.stringify({ ...entry(seq), seq, prevHash: prev, hash })}::jsonb)`)
      await db.execute(sql`UPDATE audit_head SET seq = ${seq}, hash = ${hash} WHERE id = 1`)
      prev = hash
    }
    const s = await PgliteStorage.open({ client })
    try {
      expect(await Effect.runPromise(s.stores.audit.verify())).toEqual({ ok: true, entries: 40 })
      const next = await Effect.runPromise(s.stores.audit.append(entry(41)))
      expect(next).toMatchObject({ seq: 41, stream: 0, streamSeq: 41, prevHash: prev })
      expect(await Effect.runPromise(s.stores.audit.verify())).toEqual({ ok: true, entries: 41 })
      const old = (await Effect.runPromise(s.stores.audit.query({}, { limit: 1 }))).items[0]!
      expect(old).toMatchObject({ seq: 1, stream: 0, streamSeq: 1 })
      // Tampering with a migrated entry is still found.
      await s.run((d) => d.execute(sql`UPDATE audit_log SET data = jsonb_set(data, '{note}', '"edited"') WHERE seq = 7`))
      expect(await Effect.runPromise(s.stores.audit.verify())).toMatchObject({ ok: false, firstBrokenSeq: 7 })
    } finally {
      await s.close()
    }
  }, 60_000)
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
