/**
 * The rule aggregate in memory: rule instances by status and template.
 */
import type { Stores } from "@winback/core"
import { sortKeys } from "../../internal/sortKeys"
import { matchesList, memoryEntityStore } from "../entityStore"
import type { MemoryDb } from "../MemoryDb"

/**
 * The in-memory `ruleInstances` store over `db` (composed by {@link makeMemoryStores}).
 *
 * @example
 * ```ts
 * const { ruleInstances } = ruleStores(new MemoryDb())
 * await Effect.runPromise(ruleInstances.list({ statuses: ["active"] }))
 * ```
 */
export const ruleStores = (db: MemoryDb): Pick<Stores, "ruleInstances"> => ({
  ruleInstances: memoryEntityStore(db, {
    entity: "RuleInstance",
    table: "rule_instances",
    sortKey: sortKeys.ruleInstance,
    matches: (r, f) => matchesList(f.statuses, r.status) && matchesList(f.templateIds, r.templateId)
  })
})
