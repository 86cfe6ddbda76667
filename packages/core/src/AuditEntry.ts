/**
 * The audit trail: every data change appends an entry (who, when, what, before, after) in the same
 * transaction as the change; managers add manual entries. Entries are chained by hash so that a
 * modified or deleted entry is detectable.
 */
import { createHash } from "node:crypto"
import { z } from "zod"
import { canonicalJson } from "./internal/canonicalJson"
import { Id, Instant } from "./Primitives"

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
 * A stored audit entry: the input plus its position in the chain.
 *
 * @example
 * ```ts
 * const e: AuditEntry = { ...input, seq: 1, prevHash: "0".repeat(64), hash: "9f8e..." }
 * ```
 */
export const AuditEntry = AuditEntryInput.extend({
  seq: z.number().int().min(1),
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
 * The hash of an audit entry: SHA-256 over the previous hash and the canonical JSON of the entry's
 * content and sequence number. Every adapter uses this function, so a chain written by one can be
 * verified by any.
 *
 * @example
 * ```ts
 * const hash = auditEntryHash(prev.hash, 2, input)
 * ```
 */
export const auditEntryHash = (prevHash: string, seq: number, input: AuditEntryInput): string =>
  createHash("sha256").update(prevHash).update("\n").update(canonicalJson({ ...input, seq })).digest("hex")

/**
 * Recomputes a chain read in sequence order and reports the first broken link: a modified entry
 * (its hash no longer matches), a deleted one (a gap in `seq`, or a `prevHash` that does not match
 * its predecessor), or a head that points past the last entry.
 *
 * @example
 * ```ts
 * const result = verifyAuditChain(entries, { seq: head.seq, hash: head.hash })
 * if (!result.ok) console.error(`audit chain broken at ${result.firstBrokenSeq}: ${result.problem}`)
 * ```
 */
export const verifyAuditChain = (
  entries: Iterable<AuditEntry>,
  head?: { readonly seq: number; readonly hash: string }
):
  | { readonly ok: true; readonly entries: number }
  | { readonly ok: false; readonly entries: number; readonly firstBrokenSeq: number; readonly problem: string } => {
  let prevHash = auditGenesisHash
  let expectedSeq = 1
  let count = 0
  for (const e of entries) {
    count++
    if (e.seq !== expectedSeq) {
      return { ok: false, entries: count, firstBrokenSeq: expectedSeq, problem: `entry ${expectedSeq} is missing` }
    }
    if (e.prevHash !== prevHash) {
      return { ok: false, entries: count, firstBrokenSeq: e.seq, problem: "does not chain to the previous entry" }
    }
    const { seq, prevHash: _p, hash, ...input } = e
    if (auditEntryHash(prevHash, seq, input) !== hash) {
      return { ok: false, entries: count, firstBrokenSeq: e.seq, problem: "content does not match its hash (modified)" }
    }
    prevHash = hash
    expectedSeq++
  }
  if (head && (head.seq !== expectedSeq - 1 || (head.seq > 0 && head.hash !== prevHash))) {
    return { ok: false, entries: count, firstBrokenSeq: expectedSeq, problem: `the chain head says ${head.seq} entries, found ${expectedSeq - 1}` }
  }
  return { ok: true, entries: count }
}
