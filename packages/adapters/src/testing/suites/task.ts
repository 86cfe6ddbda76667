/**
 * Conformance of the task aggregate: tasks, and the hand-out ledger with its claim race.
 */
import { describe, expect, it } from "vitest"
import * as f from "../fixtures"
import { type AggregateSuite, allPages, byText, type EntityCase, run, useStorage } from "../harness"
import type { ConformanceTarget } from "../target"

const ledgerSuite = (target: ConformanceTarget) =>
  describe("HandOutLedgerStore", () => {
    const stores = useStorage(target)

    it("claims a free (customer, period) key and answers the holder afterwards", async () => {
      const s = stores()
      const first = await run(s.ledger.claim(f.ledgerEntry("l-1", { taskId: "urgent" })))
      expect(first).toEqual({ claimed: true, entry: f.ledgerEntry("l-1", { taskId: "urgent" }) })
      const second = await run(s.ledger.claim(f.ledgerEntry("l-1", { taskId: "other" })))
      expect(second).toEqual({ claimed: false, holder: f.ledgerEntry("l-1", { taskId: "urgent" }) })
      expect(await run(s.ledger.get("l-1", "2026-11-22"))).toEqual(f.ledgerEntry("l-1", { taskId: "urgent" }))
      expect(await run(s.ledger.get("l-1", "2026-11-23"))).toBeUndefined()
      expect((await run(s.ledger.claim(f.ledgerEntry("l-1", { period: "2026-11-23" })))).claimed).toBe(true)
    })

    it("reports the entries still cooling down at an instant", async () => {
      const s = stores()
      await run(s.ledger.claim(f.ledgerEntry("l-2", { period: "2026-10-01", cooldownUntil: f.at(-1) })))
      await run(s.ledger.claim(f.ledgerEntry("l-3", { period: "2026-10-01", cooldownUntil: f.at(60) })))
      const cooling = await run(s.ledger.coolingDown(["l-2", "l-3", "l-none"], f.at(0)))
      expect(cooling.map((e) => e.customerId)).toEqual(["l-3"])
      expect(await run(s.ledger.coolingDown([], f.at(0)))).toEqual([])
    })

    it("lists a period's entries by customer across pages", async () => {
      const s = stores()
      for (const c of ["p-3", "p-1", "p-2", "p-5", "p-4"]) await run(s.ledger.claim(f.ledgerEntry(c, { period: "2026-W47" })))
      const got = await allPages((cursor) => s.ledger.listByPeriod("2026-W47", { limit: 2, cursor }))
      expect(got.map((e) => e.customerId)).toEqual(["p-1", "p-2", "p-3", "p-4", "p-5"])
    })

    it("race: of many concurrent claims of one key exactly one succeeds", async () => {
      const s = stores()
      const n = target.races?.claims ?? 100
      const results = await Promise.all(
        Array.from({ length: n }, (_, i) => run(s.transactions.transaction(s.ledger.claim(f.ledgerEntry("race-1", { taskId: `task-${i}`, runId: `run-${i}` })))))
      )
      const winners = results.filter((r) => r.claimed)
      expect(winners).toHaveLength(1)
      const holder = winners[0]!.claimed ? winners[0]!.entry : undefined
      for (const r of results) if (!r.claimed) expect(r.holder).toEqual(holder)
      expect(await run(s.ledger.get("race-1", "2026-11-22"))).toEqual(holder)
    })
  })

/**
 * The task (tasks, hand-out ledger) part of the conformance suite, composed with the others by {@link runConformanceSuite}.
 *
 * @example
 * ```ts
 * for (const c of taskConformance.entities) entitySuite(target, c)
 * ```
 */
export const taskConformance: AggregateSuite = {
  entities: [
    {
      name: "TaskStore",
      store: (s) => s.tasks,
      make: (i) => f.task(`task-${i}`, { urgency: 1 + (i % 3) }),
      compare: (a, b) => a.urgency - b.urgency || byText(a.id, b.id),
      change: (a) => ({ ...a, status: "pending-approval" })
    } satisfies EntityCase<ReturnType<typeof f.task>, object>
  ],
  filters: (stores) => {
    it("filters tasks by status and source", async () => {
      const s = stores()
      await run(s.tasks.insert(f.task("fk-1", { status: "active", urgency: 2 })))
      await run(s.tasks.insert(f.task("fk-2", { status: "draft" })))
      await run(s.tasks.insert(f.task("fk-3", { status: "active", urgency: 1, source: "campaign", customerGroupId: "g-1" } as never)))
      const ids = async (filter: object) => (await run(s.tasks.list(filter))).items.map((t) => t.id)
      expect(await ids({ statuses: ["active"] })).toEqual(["fk-3", "fk-1"])
      expect(await ids({ sources: ["manual"] })).toEqual(["fk-1", "fk-2"])
    })
  },
  groups: (target) => {
    ledgerSuite(target)
  }
}
