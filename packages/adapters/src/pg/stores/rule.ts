/**
 * The rule aggregate in SQL: rule instances (a template with its parameter values) by status and template.
 */
import { RuleInstanceRecord, type Stores } from "@winback/core"
import { sortKeys } from "../../internal/sortKeys"
import type { PgDriver } from "../Driver"
import { maybeAnyOf, pgEntityStore } from "../entityStore"
import * as s from "../schema"

/**
 * The SQL `ruleInstances` store on `driver` (composed by {@link makePgStores}).
 *
 * @example
 * ```ts
 * const { ruleInstances } = ruleStores(driver)
 * await Effect.runPromise(ruleInstances.list({ statuses: ["active"] }))
 * ```
 */
export const ruleStores = (driver: PgDriver): Pick<Stores, "ruleInstances"> => ({
  ruleInstances: pgEntityStore<RuleInstanceRecord, import("@winback/core").RuleInstanceFilter>(driver, {
    entity: "RuleInstance",
    table: s.ruleInstances,
    toRow: (r) => ({ id: r.id, version: r.version, data: r, status: r.status, templateId: r.templateId }),
    // The json column holds the rules package's data: read back through its schema, typed.
    fromRow: (row) => RuleInstanceRecord.parse(row.data),
    where: (f) => [maybeAnyOf(s.ruleInstances.status, f.statuses), maybeAnyOf(s.ruleInstances.templateId, f.templateIds)],
    sortColumns: [s.ruleInstances.id],
    sortKey: sortKeys.ruleInstance
  })
})
