/**
 * Bulk loading of the demo's facts into the embedded default (PGlite): customers, monthly and
 * daily usage and events go in with binary `COPY … FROM '/dev/blob'` in ONE transaction, into
 * tables that are truncated (empty) in that same transaction and whose indexes are dropped before
 * the load and rebuilt, from their catalogue definitions, before the commit. With the driver's
 * `wal_level = minimal` the copied rows write no WAL at all; the rebuilt indexes are sorted once
 * instead of grown row by row; a `CHECKPOINT` afterwards leaves the data directory at the size of
 * the data. The whole load is atomic: a failure or a kill leaves the tables empty, never half seeded.
 */
import { getTableColumns, getTableName } from "drizzle-orm"
import type { AnyPgColumn, PgTable } from "drizzle-orm/pg-core"
import type { PGlite } from "@electric-sql/pglite"
import { StorageError } from "@winback/core"
import type { DemoFactsBatch, DemoFactsLoader } from "@winback/core/demo"
import { rowsOf } from "./Driver"
import type { OpenStorage } from "./PgStorage"
import * as s from "./schema"

// ---- Binary COPY encoding --------------------------------------------------------------------------

type Codec = (w: Writer, v: unknown) => void

const PG_EPOCH_MS = Date.UTC(2000, 0, 1)
const DAY_MS = 86_400_000
const utf8 = new TextEncoder()

/** A growable byte buffer writing PostgreSQL's binary COPY format (big-endian). */
class Writer {
  buf = new Uint8Array(1 << 20)
  view = new DataView(this.buf.buffer)
  at = 0
  ensure(n: number): void {
    if (this.at + n <= this.buf.length) return
    let size = this.buf.length * 2
    while (size < this.at + n) size *= 2
    const next = new Uint8Array(size)
    next.set(this.buf.subarray(0, this.at))
    this.buf = next
    this.view = new DataView(next.buffer)
  }
  i16(v: number): void {
    this.ensure(2)
    this.view.setInt16(this.at, v)
    this.at += 2
  }
  i32(v: number): void {
    this.ensure(4)
    this.view.setInt32(this.at, v)
    this.at += 4
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length)
    this.buf.set(b, this.at)
    this.at += b.length
  }
  /** A text field: length, then the UTF-8 bytes, optionally after a prefix byte (jsonb's version). */
  text(str: string, prefix?: number): void {
    const extra = prefix === undefined ? 0 : 1
    this.ensure(4 + extra + str.length * 3)
    const start = this.at
    this.at += 4
    if (prefix !== undefined) this.buf[this.at++] = prefix
    const { written } = utf8.encodeInto(str, this.buf.subarray(this.at))
    this.at += written
    this.view.setInt32(start, written + extra)
  }
  reset(): void {
    this.at = 0
  }
}

const bad = (type: string, v: unknown): never => {
  throw new TypeError(`bulk load: ${JSON.stringify(v)} is not a valid ${type}`)
}

const isoDay = /^(\d{4})-(\d{2})-(\d{2})$/
const codecs: Record<string, Codec> = {
  text: (w, v) => (typeof v === "string" ? w.text(v) : bad("text", v)),
  jsonb: (w, v) => w.text(JSON.stringify(v), 1),
  "double precision": (w, v) => {
    if (typeof v !== "number") bad("double precision", v)
    w.i32(8)
    w.ensure(8)
    w.view.setFloat64(w.at, v as number)
    w.at += 8
  },
  integer: (w, v) => {
    if (typeof v !== "number" || !Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) bad("integer", v)
    w.i32(4)
    w.i32(v as number)
  },
  boolean: (w, v) => {
    if (typeof v !== "boolean") bad("boolean", v)
    w.i32(1)
    w.ensure(1)
    w.buf[w.at++] = v ? 1 : 0
  },
  date: (w, v) => {
    const m = typeof v === "string" ? isoDay.exec(v) : null
    if (m === null) return bad("date", v)
    const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
    // Date.UTC rolls 2026-02-30 over to March: refuse what PostgreSQL would refuse.
    if (new Date(ms).toISOString().slice(0, 10) !== v) bad("date", v)
    w.i32(4)
    w.i32((ms - PG_EPOCH_MS) / DAY_MS)
  },
  "timestamp with time zone": (w, v) => {
    const ms = v instanceof Date ? v.getTime() : typeof v === "string" ? Date.parse(v) : Number.NaN
    if (!Number.isFinite(ms)) bad("timestamp with time zone", v)
    w.i32(8)
    w.ensure(8)
    w.view.setBigInt64(w.at, BigInt(ms - PG_EPOCH_MS) * 1000n)
    w.at += 8
  }
}

/** One table's COPY target: its columns (those the rows give; the others take their defaults). */
interface Target {
  readonly table: PgTable
  readonly columns: ReadonlyArray<{ readonly key: string; readonly name: string; readonly codec: Codec; readonly nullable: boolean }>
  readonly rowsOf: (b: DemoFactsBatch) => ReadonlyArray<object>
  readonly writer: Writer
  rows: number
}

const target = (table: PgTable, rowsOfBatch: (b: DemoFactsBatch) => ReadonlyArray<object>, omit: ReadonlyArray<string> = []): Target => {
  const columns = Object.entries(getTableColumns(table) as Record<string, AnyPgColumn>)
    .filter(([key]) => !omit.includes(key))
    .map(([key, col]) => {
      const codec = codecs[col.getSQLType()]
      if (codec === undefined) throw new Error(`bulk load: no binary codec for ${getTableName(table)}.${col.name} (${col.getSQLType()})`)
      return { key, name: col.name, codec, nullable: !col.notNull }
    })
  return { table, columns, rowsOf: rowsOfBatch, writer: new Writer(), rows: 0 }
}

const SIGNATURE = new Uint8Array([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00])

const startCopy = (w: Writer): void => {
  w.reset()
  w.bytes(SIGNATURE)
  w.i32(0) // flags
  w.i32(0) // header extension length
}

const encode = (t: Target, row: object): void => {
  const w = t.writer
  const r = row as Record<string, unknown>
  w.i16(t.columns.length)
  for (const c of t.columns) {
    const v = r[c.key]
    if (v === null || v === undefined) {
      if (!c.nullable) throw new TypeError(`bulk load: ${getTableName(t.table)}.${c.name} must not be null`)
      w.i32(-1)
    } else c.codec(w, v)
  }
  t.rows++
}

const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`

const flush = async (client: PGlite, t: Target): Promise<void> => {
  if (t.rows === 0) return
  t.writer.i16(-1) // trailer
  const cols = t.columns.map((c) => quoteIdent(c.name)).join(", ")
  // Identifiers come from the drizzle schema, never from input. FREEZE (allowed: the table was
  // truncated in this transaction) writes the rows frozen (and most pages all-visible), so the first
  // reads do not rewrite 1.5 GB of pages to set hint bits, and nothing needs freezing later.
  await client.query(`COPY ${quoteIdent(getTableName(t.table))} (${cols}) FROM '/dev/blob' WITH (FORMAT binary, FREEZE)`, [], {
    blob: new Blob([t.writer.buf.subarray(0, t.writer.at)])
  })
  t.rows = 0
  startCopy(t.writer)
}

/** Bytes buffered per table before a COPY is sent. */
const FLUSH_BYTES = 24 << 20

// ---- The loader -------------------------------------------------------------------------------------

/**
 * The indexes (primary keys included) of `tables` as statements that drop them and that create them
 * again exactly as the migrations made them (`pg_get_indexdef`, `pg_get_constraintdef`).
 */
const indexStatements = async (client: PGlite, tables: ReadonlyArray<string>): Promise<{ drop: Array<string>; create: Array<string> }> => {
  const rows = rowsOf<{ drop: string; create: string }>(
    await client.query(
      `SELECT CASE WHEN con.oid IS NULL THEN format('DROP INDEX %s', x.indexrelid::regclass)
                   ELSE format('ALTER TABLE %s DROP CONSTRAINT %I', x.indrelid::regclass, con.conname) END AS drop,
              CASE WHEN con.oid IS NULL THEN pg_get_indexdef(x.indexrelid)
                   ELSE format('ALTER TABLE %s ADD CONSTRAINT %I %s', x.indrelid::regclass, con.conname, pg_get_constraintdef(con.oid)) END AS create
         FROM pg_index x
         LEFT JOIN pg_constraint con ON con.conindid = x.indexrelid AND con.conrelid = x.indrelid AND con.contype IN ('p', 'u')
        WHERE x.indrelid = ANY (SELECT to_regclass(t) FROM unnest($1::text[]) t)
        ORDER BY x.indexrelid`,
      [tables]
    )
  )
  return { drop: rows.map((r) => r.drop), create: rows.map((r) => r.create) }
}

/** The PGlite client under an open storage, or a typed failure for any other driver. */
const pgliteClient = (storage: Pick<OpenStorage, "driver">): PGlite => {
  const client = (storage.driver as { client?: PGlite }).client
  if (storage.driver.dialect !== "pglite" || client === undefined)
    throw new StorageError({ reason: "Unknown", operation: "Demo.bulkLoad", cause: new Error("the bulk demo loader needs the embedded (PGlite) storage") })
  return client
}

/**
 * A {@link DemoFactsLoader} for the embedded (PGlite) storage: `seedDemoData(stores, options,
 * { loader })` then writes customers, usage and events with binary COPY in one transaction, with
 * the usage indexes built once after the load, and checkpoints afterwards. The fact tables must be
 * empty (a demo seeds empty storage): otherwise it fails with a `StorageError` and writes nothing.
 * At 100,000 customers (13.2M usage rows) this takes a minute or two where the stores' batched
 * upserts take over an hour (docs/storage.md, "Embedded at 100k customers").
 *
 * @example
 * ```ts
 * import { PgliteStorage, pgliteDemoLoader } from "@winback/adapters"
 * import { seedDemoData } from "@winback/core/demo"
 * const storage = await PgliteStorage.open({ dataDir: ".data/winback" })
 * await seedDemoData(storage.stores, { customers: 100_000 }, { batchSize: 2000, loader: pgliteDemoLoader(storage) })
 * ```
 */
export const pgliteDemoLoader = (storage: Pick<OpenStorage, "driver">): DemoFactsLoader => ({
  load: async (batches) => {
    const client = pgliteClient(storage)
    const driver = storage.driver
    const targets = [
      target(s.customers, (b) => b.customers, ["updatedAt"]),
      target(s.usageMonthly, (b) => b.months),
      target(s.usageDaily, (b) => b.days),
      target(s.customerEvents, (b) => b.events.map((e) => ({ customerId: e.customerId, type: e.type, at: e.at, data: e.data })), ["id"])
    ] as const
    const tables = targets.map((t) => getTableName(t.table))
    const tx = await driver.begin()
    try {
      const nonEmpty = rowsOf<{ t: string }>(
        await client.query(tables.map((t, i) => `SELECT $${i + 1}::text AS t WHERE EXISTS (SELECT 1 FROM ${quoteIdent(t)})`).join(" UNION ALL "), [...tables])
      )
      if (nonEmpty.length > 0)
        throw new StorageError({ reason: "Constraint", operation: "Demo.bulkLoad", cause: new Error(`the demo seeds empty storage, but ${nonEmpty.map((r) => r.t).join(", ")} already has rows`) })
      // Empty tables truncated in this transaction get new files: under wal_level = minimal what is
      // copied into them is not written to the WAL (the files are flushed at commit instead).
      await client.exec(`TRUNCATE ${tables.map(quoteIdent).join(", ")}; SET LOCAL maintenance_work_mem = '256MB'`)
      const indexes = await indexStatements(client, tables)
      for (const d of indexes.drop) await client.exec(d)
      for (const t of targets) startCopy(t.writer)
      for (const batch of batches) {
        for (const t of targets) {
          for (const row of t.rowsOf(batch)) encode(t, row)
          if (t.writer.at >= FLUSH_BYTES) await flush(client, t)
        }
      }
      for (const t of targets) await flush(client, t)
      for (const c of indexes.create) await client.exec(c)
      await client.exec(`ANALYZE ${tables.map(quoteIdent).join(", ")}`)
      await tx.commit()
    } catch (e) {
      await tx.rollback().catch(() => undefined)
      throw e instanceof StorageError ? e : new StorageError({ reason: "Unknown", operation: "Demo.bulkLoad", cause: e })
    } finally {
      tx.release()
    }
    // PGlite runs a single backend with no checkpointer: without this the WAL of everything since the
    // open stays in pg_wal until the database is closed.
    await driver.run(() => client.exec("CHECKPOINT"))
  }
})
