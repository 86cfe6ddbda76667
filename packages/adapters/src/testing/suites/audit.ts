/**
 * Conformance of the audit log: the hash chain, queries and concurrent appends.
 */
import { describe, expect, it } from "vitest"
import * as f from "../fixtures"
import { type AggregateSuite, allPages, run, useStorage } from "../harness"
import type { ConformanceTarget } from "../target"

const auditSuite = (target: ConformanceTarget) =>
  describe("AuditLogStore", () => {
    const stores = useStorage(target)
    const entry = (i: number, over: object = {}) => ({
      actorId: i % 2 === 0 ? "m-even" : "m-odd",
      at: f.at(i),
      action: "work-item.update",
      category: (i % 3 === 0 ? "dnd" : "work-item") as "dnd" | "work-item",
      recordType: "WorkItem",
      recordId: `wi-${i}`,
      customerId: `cust-${i % 4}`,
      before: { state: "open" },
      after: { state: "completed", n: i },
      note: "",
      ...over
    })

    it("appends entries with consecutive sequence numbers chained by hash", async () => {
      const s = stores()
      const appended = []
      for (let i = 1; i <= 12; i++) appended.push(await run(s.audit.append(entry(i))))
      expect(appended.map((e) => e.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1))
      for (let i = 1; i < appended.length; i++) expect(appended[i]!.prevHash).toBe(appended[i - 1]!.hash)
      expect(await run(s.audit.verify())).toEqual({ ok: true, entries: 12 })
    })

    it("queries by time range, actor, customer and category, in sequence order across pages", async () => {
      const s = stores()
      const seqs = async (filter: object) => (await allPages((cursor) => s.audit.query(filter, { limit: 2, cursor }))).map((e) => e.seq)
      expect(await seqs({ actorId: "m-even" })).toEqual([2, 4, 6, 8, 10, 12])
      expect(await seqs({ from: f.at(3), to: f.at(6) })).toEqual([3, 4, 5])
      expect(await seqs({ customerId: "cust-1" })).toEqual([1, 5, 9])
      expect(await seqs({ categories: ["dnd"] })).toEqual([3, 6, 9, 12])
      expect(await seqs({ actorIds: ["m-odd", "m-nobody"], categories: ["dnd"] })).toEqual([3, 9])
      expect(await seqs({ actorIds: [] })).toEqual([])
      const one = (await run(s.audit.query({ customerId: "cust-1" }, { limit: 1 }))).items[0]!
      expect(one).toMatchObject({ ...entry(1), seq: 1 })
    })

    it("keeps the chain consistent under concurrent appends", async () => {
      const s = stores()
      await Promise.all(Array.from({ length: 30 }, (_, i) => run(s.audit.append(entry(100 + i)))))
      expect(await run(s.audit.verify())).toEqual({ ok: true, entries: 42 })
    })
  })

/**
 * The audit log part of the conformance suite, composed with the others by {@link runConformanceSuite}.
 *
 * @example
 * ```ts
 * for (const c of auditConformance.entities) entitySuite(target, c)
 * ```
 */
export const auditConformance: AggregateSuite = {
  entities: [],
  groups: (target) => {
    auditSuite(target)
  }
}
