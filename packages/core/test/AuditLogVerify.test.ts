/**
 * The audit log's verifier over several streams and checkpoints (`verifyAuditLog`): property tests
 * that any modification or removal is found, and exactly where the documented limit lies (entries
 * after the newest checkpoint, cut together with their stream head).
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  type AuditCheckpoint,
  auditCheckpointInterval,
  type AuditEntry,
  auditEntryHash,
  type AuditEntryInput,
  auditGenesisHash,
  type AuditStreamHead,
  nextAuditCheckpoint,
  verifyAuditLog
} from "../src/index"

const input = (i: number): AuditEntryInput => ({
  actorId: `m-${i % 3}`,
  at: new Date(Date.UTC(2026, 10, 22, 8, 0, i)).toISOString(),
  action: "work-item.update",
  category: "work-item",
  recordType: "WorkItem",
  recordId: `wi-${i}`,
  customerId: `cust-${i % 5}`,
  before: { state: "open" },
  after: { state: "completed", n: i },
  note: ""
})

/** Builds a log as the SQL stores do: entry `seq` goes to `streams[seq - 1]`, a checkpoint every interval. */
const build = (streams: ReadonlyArray<number>) => {
  const heads = new Map<number, AuditStreamHead>()
  const entries: Array<AuditEntry> = []
  const checkpoints: Array<AuditCheckpoint> = []
  streams.forEach((stream, k) => {
    const seq = k + 1
    const head = heads.get(stream) ?? { stream, streamSeq: 0, seq: 0, hash: auditGenesisHash }
    const hash = auditEntryHash(head.hash, seq, input(seq))
    entries.push({ ...input(seq), seq, stream, streamSeq: head.streamSeq + 1, prevHash: head.hash, hash })
    heads.set(stream, { stream, streamSeq: head.streamSeq + 1, seq, hash })
    if (seq % auditCheckpointInterval === 0) checkpoints.push(nextAuditCheckpoint(checkpoints.at(-1), [...heads.values()], input(seq).at))
  })
  return { entries, heads: [...heads.values()], checkpoints }
}

const streamsArb = fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 120 })

describe("verifyAuditLog", () => {
  it("accepts an intact log of several streams, whatever order the entries are read in", () => {
    fc.assert(
      fc.property(streamsArb, fc.integer(), (streams, seed) => {
        const log = build(streams)
        const shuffled = [...log.entries].sort((a, b) => ((a.seq * 7919 + seed) % 101) - ((b.seq * 7919 + seed) % 101))
        expect(verifyAuditLog(shuffled, log.heads, log.checkpoints)).toEqual({ ok: true, entries: streams.length })
      })
    )
  })

  it("finds any modified entry, at its seq", () => {
    fc.assert(
      fc.property(streamsArb, fc.nat(), (streams, pick) => {
        const log = build(streams)
        const victim = log.entries[pick % log.entries.length]!
        const entries = log.entries.map((e) => (e === victim ? { ...e, note: "edited" } : e))
        expect(verifyAuditLog(entries, log.heads, log.checkpoints)).toMatchObject({ ok: false, firstBrokenSeq: victim.seq })
      })
    )
  })

  it("finds any removed entry that is not its stream's newest (heads untouched: any entry at all)", () => {
    fc.assert(
      fc.property(streamsArb, fc.nat(), (streams, pick) => {
        const log = build(streams)
        const victim = log.entries[pick % log.entries.length]!
        const r = verifyAuditLog(log.entries.filter((e) => e !== victim), log.heads, log.checkpoints)
        expect(r.ok).toBe(false)
        if (!r.ok) expect(r.firstBrokenSeq).toBeLessThanOrEqual(victim.seq)
      })
    )
  })

  it("finds a stream cut back with its head rewound exactly when the cut reaches below the newest checkpoint of that stream", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: auditCheckpointInterval, maxLength: 150 }), fc.nat(), fc.nat(), (streams, s, cut) => {
        const log = build(streams)
        const stream = streams[s % streams.length]!
        const own = log.entries.filter((e) => e.stream === stream)
        const keep = cut % own.length // entries of the stream kept: 0..length-1
        const kept = own.slice(0, keep)
        const removed = new Set(own.slice(keep))
        const last = kept.at(-1)
        const heads = log.heads.map((h) => (h.stream !== stream ? h : last ? { stream, streamSeq: last.streamSeq, seq: last.seq, hash: last.hash } : { stream, streamSeq: 0, seq: 0, hash: auditGenesisHash }))
        const r = verifyAuditLog(log.entries.filter((e) => !removed.has(e)), heads, log.checkpoints)
        const anchored = Math.max(0, ...log.checkpoints.flatMap((c) => c.heads.filter((h) => h.stream === stream).map((h) => h.streamSeq)))
        expect(r.ok).toBe(keep >= anchored)
        // Reported at the first seq the log can no longer vouch for: just after the stream's last kept entry.
        if (!r.ok) expect(r.firstBrokenSeq).toBe((last?.seq ?? 0) + 1)
      })
    )
  })

  it("finds a removed or altered checkpoint, and a newest checkpoint that no longer matches the one kept outside", () => {
    const log = build(Array.from({ length: 3 * auditCheckpointInterval }, (_, i) => i % 3))
    expect(log.checkpoints).toHaveLength(3)
    expect(verifyAuditLog(log.entries, log.heads, log.checkpoints.filter((c) => c.n !== 2))).toMatchObject({ ok: false, problem: "checkpoint 2 is missing" })
    const altered = log.checkpoints.map((c) => (c.n === 2 ? { ...c, at: "2026-11-23T00:00:00.000Z" } : c))
    expect(verifyAuditLog(log.entries, log.heads, altered)).toMatchObject({ ok: false })
    const newest = log.checkpoints.at(-1)!
    expect(verifyAuditLog(log.entries, log.heads, log.checkpoints, { checkpoint: { n: newest.n, hash: newest.hash } })).toMatchObject({ ok: true })
    // Dropping the newest checkpoint passes on its own, but not against the hash kept outside.
    expect(verifyAuditLog(log.entries, log.heads, log.checkpoints.slice(0, 2))).toMatchObject({ ok: true })
    expect(verifyAuditLog(log.entries, log.heads, log.checkpoints.slice(0, 2), { checkpoint: { n: newest.n, hash: newest.hash } })).toMatchObject({ ok: false })
  })
})
