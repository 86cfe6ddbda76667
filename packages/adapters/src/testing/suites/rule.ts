/**
 * Conformance of the rule aggregate: rule instances.
 */
import { expect, it } from "vitest"
import * as f from "../fixtures"
import { type AggregateSuite, type EntityCase, run } from "../harness"

/**
 * The rule part of the conformance suite, composed with the others by {@link runConformanceSuite}.
 *
 * @example
 * ```ts
 * for (const c of ruleConformance.entities) entitySuite(target, c)
 * ```
 */
export const ruleConformance: AggregateSuite = {
  entities: [
    {
      name: "RuleInstanceStore",
      store: (s) => s.ruleInstances,
      make: (i) => f.ruleInstance(`rule-${i % 4}@${i}`),
      change: (a) => ({ ...a, status: "pending-approval" })
    } satisfies EntityCase<ReturnType<typeof f.ruleInstance>, object>
  ],
  filters: (stores) => {
    it("filters rule instances by status and template", async () => {
      const s = stores()
      await run(s.ruleInstances.insert(f.ruleInstance("fr@1", { status: "active" })))
      await run(s.ruleInstances.insert(f.ruleInstance("fr@2", { status: "draft", templateId: "zero-bill" })))
      const ids = async (filter: object) => (await run(s.ruleInstances.list(filter))).items.map((r) => r.id)
      expect(await ids({ statuses: ["active"] })).toEqual(["fr@1"])
      expect(await ids({ templateIds: ["zero-bill"] })).toEqual(["fr@2"])
    })
  }
}
