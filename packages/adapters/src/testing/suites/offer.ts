/**
 * Conformance of the offer aggregate: the offer catalogue. (Its filter test also reads observations due
 * for evaluation: one test, kept whole so its name stays.)
 */
import { expect, it } from "vitest"
import * as f from "../fixtures"
import { type AggregateSuite, type EntityCase, run } from "../harness"

/**
 * The offer part of the conformance suite, composed with the others by {@link runConformanceSuite}.
 *
 * @example
 * ```ts
 * for (const c of offerConformance.entities) entitySuite(target, c)
 * ```
 */
export const offerConformance: AggregateSuite = {
  entities: [
    {
      name: "OfferStore",
      store: (s) => s.offers,
      make: (i) => f.offer(`of-${i}`),
      change: (a) => ({ ...a, cost: 80 })
    } satisfies EntityCase<ReturnType<typeof f.offer>, object>
  ],
  filters: (stores) => {
    it("filters offers by activity and observations due for evaluation", async () => {
      const s = stores()
      await run(s.offers.insert(f.offer("fo-1")))
      await run(s.offers.insert(f.offer("fo-2", { active: false })))
      expect((await run(s.offers.list({ activeOnly: true }))).items.map((o) => o.id)).toEqual(["fo-1"])
      await run(s.observations.insert(f.observation("fob-1", { endsOn: "2026-12-01" })))
      await run(s.observations.insert(f.observation("fob-2", { endsOn: "2026-12-01", outcome: "stayed", taskId: "k-2" })))
      await run(s.observations.insert(f.observation("fob-3", { endsOn: "2027-01-01" })))
      expect((await run(s.observations.list({ dueOn: "2026-12-15" }))).items.map((o) => o.id)).toEqual(["fob-1"])
      expect((await run(s.observations.list({ taskId: "k-2" }))).items.map((o) => o.id)).toEqual(["fob-2"])
    })
  }
}
