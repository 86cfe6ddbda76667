/**
 * The audit aggregate in memory: the hash-chained audit log, all on stream 0 (one writer at a time).
 */
import { type AuditCheckpoint, auditCheckpointInterval, type AuditEntry, auditEntryHash, auditGenesisHash, type AuditStreamHead, nextAuditCheckpoint, type Stores, verifyAuditLog } from "@winback/core"
import { sortKeys } from "../../internal/sortKeys"
import { matchesList, pageOf } from "../entityStore"
import type { MemoryDb } from "../MemoryDb"

/**
 * The in-memory `audit` store over `db` (composed by {@link makeMemoryStores}).
 *
 * @example
 * ```ts
 * const { audit } = auditStores(new MemoryDb())
 * await Effect.runPromise(audit.verify()) // { ok: true, entries: n }
 * ```
 */
export const auditStores = (db: MemoryDb): Pick<Stores, "audit"> => {
  const auditRows = () => db.table<AuditEntry>("audit")
  // One process, one writer at a time: every entry goes to stream 0 (the SQL stores spread
  // concurrent transactions over several streams; the log format and `verify` are the same).
  const auditHead = (): AuditStreamHead => db.table<AuditStreamHead>("audit_head").get("0") ?? { stream: 0, streamSeq: 0, seq: 0, hash: auditGenesisHash }
  const auditCheckpoints = () => db.table<AuditCheckpoint>("audit_checkpoints")

  return {
    audit: {
      append: (input) =>
        db.op(() => {
          const head = auditHead()
          const seq = head.seq + 1
          const hash = auditEntryHash(head.hash, seq, input)
          const entry: AuditEntry = { ...input, seq, stream: 0, streamSeq: head.streamSeq + 1, prevHash: head.hash, hash }
          db.write("audit", String(seq), entry)
          const next: AuditStreamHead = { stream: 0, streamSeq: entry.streamSeq, seq, hash }
          db.write("audit_head", "0", next)
          if (seq % auditCheckpointInterval === 0) {
            const latest = auditCheckpoints().get(String(auditCheckpoints().size))
            const c = nextAuditCheckpoint(latest, [next], input.at)
            db.write("audit_checkpoints", String(c.n), c)
          }
          return entry
        }),
      query: (f, page) =>
        db.op(() =>
          pageOf(
            auditRows().values(),
            (e) =>
              (f.from === undefined || e.at >= f.from) && (f.to === undefined || e.at < f.to) && (f.actorId === undefined || e.actorId === f.actorId) && matchesList(f.actorIds, e.actorId) &&
              (f.customerId === undefined || e.customerId === f.customerId) && matchesList(f.categories, e.category),
            sortKeys.audit,
            page
          )
        ),
      verify: () => db.op(() => verifyAuditLog(auditRows().values(), [auditHead()], [...auditCheckpoints().values()]))
    }
  }
}
