/**
 * The audit aggregate in SQL: the hash-chained audit log. Appends take one of several stream heads
 * no other transaction holds (`FOR UPDATE SKIP LOCKED`), so concurrent writers do not serialise.
 */
import { desc, eq, gte, lt, type SQL, sql } from "drizzle-orm"
import { auditCheckpointInterval, type AuditEntry, auditEntryHash, type AuditStreamHead, nextAuditCheckpoint, type Stores, verifyAuditLog } from "@winback/core"
import { sortKeys } from "../../internal/sortKeys"
import { inTransaction, type PgDriver, rowsOf, useDb } from "../Driver"
import { keysetPage, maybeAnyOf, maybeEq } from "../entityStore"
import * as s from "../schema"

/**
 * The SQL `audit` store on `driver` (composed by {@link makePgStores}).
 *
 * @example
 * ```ts
 * const { audit } = auditStores(driver)
 * await Effect.runPromise(audit.verify()) // { ok: true, entries: n }
 * ```
 */
export const auditStores = (driver: PgDriver): Pick<Stores, "audit"> => {
  const streamHead = (r: Record<string, unknown>): AuditStreamHead => ({
    stream: Number(r.stream),
    streamSeq: Number(r.streamSeq ?? r.stream_seq),
    seq: Number(r.seq),
    hash: String(r.hash)
  })
  const auditEntryOf = (r: typeof s.auditLog.$inferSelect): AuditEntry => ({
    ...(r.data as AuditEntry),
    seq: Number(r.seq),
    stream: Number(r.stream),
    streamSeq: Number(r.streamSeq),
    prevHash: r.prevHash,
    hash: r.hash
  })

  return {
    audit: {
      append: (input) =>
        inTransaction(
          driver,
          useDb(driver, "AuditLog.append", async (db) => {
            // The first stream head no other transaction holds (this transaction's own count as
            // free): concurrent writers take different streams and never queue on one row. Only
            // when every stream is held does a writer wait, for stream 0.
            const pick = (skipLocked: boolean) =>
              db.execute(
                skipLocked
                  ? sql`WITH h AS (SELECT stream, stream_seq, hash FROM audit_streams ORDER BY stream LIMIT 1 FOR UPDATE SKIP LOCKED) SELECT h.stream, h.stream_seq, h.hash, nextval('audit_seq') AS seq FROM h`
                  : sql`WITH h AS (SELECT stream, stream_seq, hash FROM audit_streams ORDER BY stream LIMIT 1 FOR UPDATE) SELECT h.stream, h.stream_seq, h.hash, nextval('audit_seq') AS seq FROM h`
              )
            type Head = { stream: string | number; stream_seq: string | number; hash: string; seq: string | number }
            const head = rowsOf<Head>(await pick(true))[0] ?? rowsOf<Head>(await pick(false))[0]!
            const seq = Number(head.seq)
            const stream = Number(head.stream)
            const streamSeq = Number(head.stream_seq) + 1
            const hash = auditEntryHash(head.hash, seq, input)
            const entry: AuditEntry = { ...input, seq, stream, streamSeq, prevHash: head.hash, hash }
            await db.insert(s.auditLog).values({
              seq,
              stream,
              streamSeq,
              at: input.at,
              actorId: input.actorId,
              category: input.category,
              customerId: input.customerId,
              prevHash: head.hash,
              hash,
              data: entry
            })
            await db.update(s.auditStreams).set({ streamSeq, seq, hash }).where(eq(s.auditStreams.stream, stream))
            if (seq % auditCheckpointInterval === 0) {
              // Every stream's committed head (and this transaction's own), chained to the newest
              // checkpoint. A concurrent checkpoint with the same number wins; this one is skipped.
              const latest = (await db.select({ n: s.auditCheckpoints.n, hash: s.auditCheckpoints.hash }).from(s.auditCheckpoints).orderBy(desc(s.auditCheckpoints.n)).limit(1))[0]
              const heads = (await db.select().from(s.auditStreams)).map(streamHead)
              const c = nextAuditCheckpoint(latest === undefined ? undefined : { n: Number(latest.n), hash: latest.hash }, heads, input.at)
              await db.insert(s.auditCheckpoints).values({ n: c.n, at: c.at, heads: c.heads, prevHash: c.prevHash, hash: c.hash }).onConflictDoNothing()
            }
            return entry
          })
        ),
      query: (f, page) =>
        useDb(driver, "AuditLog.query", (db) =>
          keysetPage(
            db,
            s.auditLog,
            [
              f.from === undefined ? undefined : gte(s.auditLog.at, f.from),
              f.to === undefined ? undefined : lt(s.auditLog.at, f.to),
              maybeEq(s.auditLog.actorId, f.actorId),
              maybeAnyOf(s.auditLog.actorId, f.actorIds),
              maybeEq(s.auditLog.customerId, f.customerId),
              maybeAnyOf(s.auditLog.category, f.categories)
            ] as ReadonlyArray<SQL | undefined>,
            [s.auditLog.seq],
            auditEntryOf,
            sortKeys.audit,
            page
          )
        ),
      verify: () =>
        useDb(driver, "AuditLog.verify", async (db) => {
          // Heads and checkpoints in one statement (one snapshot), then the entries; entries
          // appended after that snapshot lie past their stream's head and are left to the next verify.
          const state = rowsOf<{ heads: Array<Record<string, unknown>> | null; checkpoints: Array<Record<string, unknown>> | null }>(
            await db.execute(sql`SELECT
              (SELECT json_agg(json_build_object('stream', stream, 'streamSeq', stream_seq, 'seq', seq, 'hash', hash)) FROM audit_streams) AS heads,
              (SELECT json_agg(json_build_object('n', n, 'at', at, 'heads', heads, 'prevHash', prev_hash, 'hash', hash)) FROM audit_checkpoints) AS checkpoints`)
          )[0]!
          const heads = (state.heads ?? []).map(streamHead)
          const checkpoints = (state.checkpoints ?? []).map((c) => ({
            n: Number(c.n),
            at: String(c.at),
            heads: (c.heads as Array<Record<string, unknown>>).map(streamHead),
            prevHash: String(c.prevHash),
            hash: String(c.hash)
          }))
          const end = new Map(heads.map((h) => [h.stream, h.streamSeq]))
          // The stored columns are what the chain protects: rebuild each entry from its columns and data.
          const entries = (await db.select().from(s.auditLog)).map(auditEntryOf).filter((e) => e.streamSeq <= (end.get(e.stream) ?? Number.POSITIVE_INFINITY))
          return verifyAuditLog(entries, heads, checkpoints)
        })
    }
  }
}
