/**
 * Every storage port over the drizzle schema, for any {@link PgDriver} (PGlite or PostgreSQL),
 * assembled from one file per aggregate under `stores/`. Race contracts rest on the database: the
 * ledger's primary key decides claims, row locks (`FOR UPDATE`) serialise completions, audit appends
 * take a stream head no other transaction holds (each contract is told in its store's file).
 */
import type { Stores } from "@winback/core"
import { inTransaction, type PgDriver } from "./Driver"
import { auditStores } from "./stores/audit"
import { customerStores } from "./stores/customer"
import { observationStores } from "./stores/observation"
import { offerStores } from "./stores/offer"
import { orgStores } from "./stores/org"
import { planStores } from "./stores/plan"
import { questionnaireStores } from "./stores/questionnaire"
import { ruleStores } from "./stores/rule"
import { taskStores } from "./stores/task"
import { workStores } from "./stores/work"

/**
 * Builds the SQL implementations of every storage port on `driver`.
 *
 * @example
 * ```ts
 * const driver = await makePgliteDriver({})
 * const stores = makePgStores(driver)
 * ```
 */
export const makePgStores = (driver: PgDriver): Stores => ({
  transactions: { transaction: (effect) => inTransaction(driver, effect) },
  ...orgStores(driver),
  ...customerStores(driver),
  ...ruleStores(driver),
  ...taskStores(driver),
  ...workStores(driver),
  ...offerStores(driver),
  ...observationStores(driver),
  ...planStores(driver),
  ...questionnaireStores(driver),
  ...auditStores(driver)
})
