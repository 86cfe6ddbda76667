/**
 * The audit trail: every data change appends an entry (who, when, what, before, after) in the same
 * transaction as the change; managers add manual entries. Entries are chained by hash in a few
 * streams (so concurrent writers do not wait on one row), and checkpoints chain every stream's head,
 * so that a modified or deleted entry is detectable (see {@link verifyAuditLog} for exactly what).
 */
import { sha256Hex } from "../shared/Hash"
import * as z from "zod"
import { canonicalJson } from "../shared/canonicalJson"
import { Id, Instant } from "../shared/Primitives"

/**
 * The category of an audit entry, for queries.
 *
 * @example
 * ```ts
 * AuditCategory.parse("work-item")
 * ```
 */
export const AuditCategory = z.enum([
  "customer",
  "work-item",
  "task",
  "rule",
  "dnd",
  "appointment",
  "team",
  "offer",
  "questionnaire",
  "extraction",
  "observation",
  "plan",
  "manual",
  "system"
])
/** @see {@link AuditCategory} */
export type AuditCategory = z.infer<typeof AuditCategory>

/**
 * What to append: the store assigns the sequence number and the hash chain.
 *
 * @example
 * ```ts
 * AuditEntryInput.parse({ actorId: "m-1", at: "2026-11-22T10:00:00.000Z", action: "work-item.complete",
 *   category: "work-item", recordType: "WorkItem", recordId: "wi-1", customerId: "cust-42",
 *   before: { state: "open" }, after: { state: "completed" }, note: "" })
 * ```
 */
export const AuditEntryInput = z.object({
  actorId: Id,
  at: Instant,
  action: z.string().min(1).max(100),
  category: AuditCategory,
  recordType: z.string().min(1).max(60),
  recordId: z.string().min(1).max(200),
  customerId: Id.nullable(),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
  note: z.string().max(4000).default("")
})
/** @see {@link AuditEntryInput} */
export type AuditEntryInput = z.infer<typeof AuditEntryInput>

/**
 * A stored audit entry: the input plus its place in the log. `seq` is the log-wide order (unique,
 * increasing, with gaps where a transaction rolled back); `stream` and `streamSeq` place it in one
 * of the log's hash chains, where `prevHash` is the hash of the stream's previous entry.
 * Concurrent writers append to different streams, so they never wait on one another.
 *
 * @example
 * ```ts
 * const e: AuditEntry = { ...input, seq: 1, stream: 0, streamSeq: 1, prevHash: "0".repeat(64), hash: "9f8e..." }
 * ```
 */
export const AuditEntry = AuditEntryInput.extend({
  seq: z.number().int().min(1),
  stream: z.number().int().min(0),
  streamSeq: z.number().int().min(1),
  prevHash: z.string().length(64),
  hash: z.string().length(64)
})
/** @see {@link AuditEntry} */
export type AuditEntry = z.infer<typeof AuditEntry>

/**
 * The `prevHash` of the first entry of a chain.
 *
 * @example
 * ```ts
 * auditEntryHash(auditGenesisHash, 1, firstEntry)
 * ```
 */
export const auditGenesisHash = "0".repeat(64)

/**
 * The hash of an audit entry: SHA-256 over the previous hash (in its stream) and the canonical JSON
 * of the entry's content and its log-wide sequence number. Every adapter uses this function, so a
 * log written by one can be verified by any. The stream position is not hashed: the `prevHash`
 * links already fix it, and entries written before streams existed (stream 0, `streamSeq` = `seq`)
 * keep their hashes.
 *
 * @example
 * ```ts
 * const hash = auditEntryHash(prev.hash, 2, input)
 * ```
 */
export const auditEntryHash = (prevHash: string, seq: number, input: AuditEntryInput): string =>
  sha256Hex(prevHash, "\n", canonicalJson({ ...input, seq }))

/**
 * Where a stream ends: its last entry's position, log-wide `seq` and hash (`0`, `0` and the genesis
 * hash while the stream is empty).
 *
 * @example
 * ```ts
 * const head: AuditStreamHead = { stream: 3, streamSeq: 12, seq: 118, hash: "…" }
 * ```
 */
export interface AuditStreamHead {
  readonly stream: number
  readonly streamSeq: number
  readonly seq: number
  readonly hash: string
}

/**
 * A checkpoint: every stream's head at one moment, chained to the previous checkpoint by hash.
 * Appends write one every {@link auditCheckpointInterval} entries, in the appending transaction.
 *
 * @example
 * ```ts
 * const c: AuditCheckpoint = { n: 1, at: "2026-11-22T10:00:00.000Z", heads, prevHash: auditGenesisHash, hash: auditCheckpointHash(auditGenesisHash, 1, at, heads) }
 * ```
 */
export interface AuditCheckpoint {
  readonly n: number
  readonly at: string
  readonly heads: ReadonlyArray<AuditStreamHead>
  readonly prevHash: string
  readonly hash: string
}

/**
 * How many log-wide sequence numbers lie between two checkpoints.
 *
 * @example
 * ```ts
 * if (entry.seq % auditCheckpointInterval === 0) writeCheckpoint()
 * ```
 */
export const auditCheckpointInterval = 32

/**
 * The number of streams a new database starts with (a store may hold more: `verify` reads them all).
 *
 * @example
 * ```ts
 * const stream = preferred % auditStreamCount
 * ```
 */
export const auditStreamCount = 16

/**
 * The hash of a checkpoint: SHA-256 over the previous checkpoint's hash and the canonical JSON of
 * its number, time and stream heads (sorted by stream).
 *
 * @example
 * ```ts
 * const hash = auditCheckpointHash(previous.hash, previous.n + 1, at, heads)
 * ```
 */
export const auditCheckpointHash = (prevHash: string, n: number, at: string, heads: ReadonlyArray<AuditStreamHead>): string =>
  sha256Hex(prevHash, "\n", canonicalJson({ n, at, heads: [...heads].sort((a, b) => a.stream - b.stream).map((h) => ({ ...h })) }))

/** The result of {@link verifyAuditChain} and {@link verifyAuditLog}. */
export type AuditChainResult =
  | { readonly ok: true; readonly entries: number }
  | { readonly ok: false; readonly entries: number; readonly firstBrokenSeq: number; readonly problem: string }

/**
 * Recomputes ONE stream's chain, read in `streamSeq` order, and reports the first broken link: a
 * modified entry (its hash no longer matches), a deleted one (a gap in `streamSeq`, or a
 * `prevHash` that does not match its predecessor), or a head that points past the last entry.
 * `firstBrokenSeq` is the log-wide `seq` of the modified entry, or the one after the last intact
 * entry when entries are missing. Entries without `streamSeq` (older callers) count by `seq`.
 *
 * @example
 * ```ts
 * const result = verifyAuditChain(entries, { seq: head.streamSeq, hash: head.hash })
 * if (!result.ok) console.error(`audit chain broken at ${result.firstBrokenSeq}: ${result.problem}`)
 * ```
 */
export const verifyAuditChain = (
  entries: Iterable<Omit<AuditEntry, "stream" | "streamSeq"> & { readonly streamSeq?: number }>,
  head?: { readonly seq: number; readonly hash: string }
): AuditChainResult => {
  let prevHash = auditGenesisHash
  let expected = 1
  let lastSeq = 0
  let count = 0
  for (const e of entries) {
    count++
    const position = e.streamSeq ?? e.seq
    if (position !== expected) {
      return { ok: false, entries: count, firstBrokenSeq: lastSeq + 1, problem: `entry ${expected} of the stream (after seq ${lastSeq}) is missing` }
    }
    if (e.prevHash !== prevHash) {
      return { ok: false, entries: count, firstBrokenSeq: e.seq, problem: "does not chain to the previous entry" }
    }
    const { seq, prevHash: _p, hash, streamSeq: _s, stream: _st, ...input } = e as AuditEntry
    if (auditEntryHash(prevHash, seq, input) !== hash) {
      return { ok: false, entries: count, firstBrokenSeq: e.seq, problem: "content does not match its hash (modified)" }
    }
    prevHash = hash
    lastSeq = seq
    expected++
  }
  if (head && (head.seq !== expected - 1 || (head.seq > 0 && head.hash !== prevHash))) {
    return { ok: false, entries: count, firstBrokenSeq: lastSeq + 1, problem: `the stream head says ${head.seq} entries, found ${expected - 1}` }
  }
  return { ok: true, entries: count }
}

/**
 * Verifies a whole audit log: every stream's chain up to its head ({@link verifyAuditChain}), the
 * checkpoint chain (numbers 1…n without gaps, each hash recomputed), and that every stream head a
 * checkpoint recorded is still in its stream with the same hash. What `ok: true` proves:
 * - no entry up to its stream's head was modified, removed or reordered, and no entry lies outside
 *   a stream head;
 * - no stream was cut back below the position any stored checkpoint recorded for it, and no
 *   checkpoint but the newest ones could be removed unnoticed (a gap or broken link shows);
 * - what it cannot prove on its own: someone able to write the database can delete entries newer
 *   than the newest checkpoint together with rewinding their stream heads, or the newest
 *   checkpoints with them. Keep the newest checkpoint's hash outside the database and compare it
 *   (`verifyAuditLog(…, { checkpoint })`) to close that gap up to that checkpoint.
 * The reported `firstBrokenSeq` is the smallest log-wide `seq` at which any check fails.
 *
 * @example
 * ```ts
 * const result = verifyAuditLog(entries, heads, checkpoints)
 * ```
 */
export const verifyAuditLog = (
  entries: Iterable<AuditEntry>,
  heads: ReadonlyArray<AuditStreamHead>,
  checkpoints: ReadonlyArray<AuditCheckpoint>,
  options?: { readonly checkpoint?: { readonly n: number; readonly hash: string } }
): AuditChainResult => {
  const byStream = new Map<number, Array<AuditEntry>>()
  let total = 0
  for (const e of entries) {
    total++
    const list = byStream.get(e.stream)
    if (list) list.push(e)
    else byStream.set(e.stream, [e])
  }
  const problems: Array<{ seq: number; problem: string }> = []
  const headOf = new Map(heads.map((h) => [h.stream, h]))
  const byPosition = new Map<number, Map<number, AuditEntry>>()
  for (const [stream, list] of byStream) {
    list.sort((a, b) => a.streamSeq - b.streamSeq)
    byPosition.set(stream, new Map(list.map((e) => [e.streamSeq, e])))
    const head = headOf.get(stream)
    if (head === undefined) {
      problems.push({ seq: Math.min(...list.map((e) => e.seq)), problem: `stream ${stream} has entries but no head` })
      continue
    }
    const r = verifyAuditChain(list, { seq: head.streamSeq, hash: head.hash })
    if (!r.ok) problems.push({ seq: r.firstBrokenSeq, problem: `stream ${stream}: ${r.problem}` })
  }
  for (const head of heads) {
    if (head.streamSeq > 0 && !byStream.has(head.stream)) {
      problems.push({ seq: 1, problem: `stream ${head.stream}: the stream head says ${head.streamSeq} entries, found 0` })
    }
  }
  let prevHash = auditGenesisHash
  const sorted = [...checkpoints].sort((a, b) => a.n - b.n)
  sorted.forEach((c, i) => {
    if (c.n !== i + 1) {
      problems.push({ seq: 1, problem: `checkpoint ${i + 1} is missing` })
      return
    }
    if (c.prevHash !== prevHash || auditCheckpointHash(c.prevHash, c.n, c.at, c.heads) !== c.hash) {
      problems.push({ seq: 1, problem: `checkpoint ${c.n} was modified or does not chain to the previous one` })
    }
    prevHash = c.hash
    for (const h of c.heads) {
      if (h.streamSeq === 0) continue
      const at = byPosition.get(h.stream)?.get(h.streamSeq)
      if (at === undefined || at.hash !== h.hash) {
        const kept = [...(byPosition.get(h.stream)?.values() ?? [])].filter((e) => e.streamSeq < h.streamSeq)
        const after = kept.length === 0 ? 0 : Math.max(...kept.map((e) => e.seq))
        problems.push({
          seq: Math.min(after + 1, h.seq),
          problem: `checkpoint ${c.n} recorded stream ${h.stream} at entry ${h.streamSeq} (seq ${h.seq}); ${at === undefined ? "that entry is gone (the stream was cut back)" : "that entry changed"}`
        })
      }
    }
  })
  const anchor = options?.checkpoint
  if (anchor !== undefined && anchor.n > 0) {
    const c = sorted[anchor.n - 1]
    if (c === undefined || c.n !== anchor.n || c.hash !== anchor.hash) {
      problems.push({ seq: 1, problem: `checkpoint ${anchor.n} kept outside the database is ${c === undefined ? "gone" : "different"}` })
    }
  }
  if (problems.length === 0) return { ok: true, entries: total }
  const first = problems.reduce((a, b) => (b.seq < a.seq ? b : a))
  return { ok: false, entries: total, firstBrokenSeq: first.seq, problem: first.problem }
}

/**
 * The checkpoint that follows `previous` (undefined: the first), over the given stream heads.
 *
 * @example
 * ```ts
 * const next = nextAuditCheckpoint(latest, heads, entry.at)
 * ```
 */
export const nextAuditCheckpoint = (previous: Pick<AuditCheckpoint, "n" | "hash"> | undefined, heads: ReadonlyArray<AuditStreamHead>, at: string): AuditCheckpoint => {
  const n = (previous?.n ?? 0) + 1
  const prevHash = previous?.hash ?? auditGenesisHash
  const sortedHeads = [...heads].sort((a, b) => a.stream - b.stream).map((h) => ({ stream: h.stream, streamSeq: h.streamSeq, seq: h.seq, hash: h.hash }))
  return { n, at, heads: sortedHeads, prevHash, hash: auditCheckpointHash(prevHash, n, at, sortedHeads) }
}
