/**
 * The storage conformance suite: the behaviour every Winback storage adapter must show — CRUD and
 * queries of every store port, ordering and pagination, transactions that roll back whole,
 * optimistic versioning, and the race contracts. The memory, PGlite and PostgreSQL adapters run it
 * in every `pnpm test`; a host that writes its own adapter runs it the same way.
 *
 * Composed here from one file per aggregate under `suites/` (its entity stores, its list filters, its
 * own groups), the cross-store transaction tests and the scope matrix.
 */
import { describe } from "vitest"
import { type AggregateSuite, entitySuite, useStorage } from "./harness"
import { runScopeMatrix } from "./scopeMatrix"
import { auditConformance } from "./suites/audit"
import { customerConformance } from "./suites/customer"
import { observationConformance } from "./suites/observation"
import { offerConformance } from "./suites/offer"
import { orgConformance } from "./suites/org"
import { planConformance } from "./suites/plan"
import { questionnaireConformance } from "./suites/questionnaire"
import { ruleConformance } from "./suites/rule"
import { taskConformance } from "./suites/task"
import { transactionSuite } from "./suites/transactions"
import { workConformance } from "./suites/work"
import type { ConformanceTarget } from "./target"

export type { ConformanceTarget } from "./target"

/** Every aggregate's part of the suite; a new aggregate adds its file's export here. */
const aggregates: ReadonlyArray<AggregateSuite> = [
  customerConformance,
  orgConformance,
  taskConformance,
  ruleConformance,
  workConformance,
  offerConformance,
  observationConformance,
  questionnaireConformance,
  planConformance,
  auditConformance
]

/**
 * Registers the whole conformance suite for `target` with vitest.
 *
 * @example
 * ```ts
 * // my-adapter.test.ts
 * import { runConformanceSuite } from "@winback/adapters/testing"
 * runConformanceSuite({ name: "my-adapter", open: async () => ({ stores: makeMyStores(), close: async () => {} }) })
 * ```
 */
export const runConformanceSuite = (target: ConformanceTarget): void => {
  describe(`storage conformance: ${target.name}`, () => {
    for (const a of aggregates) for (const c of a.entities) entitySuite(target, c)
    for (const a of aggregates) a.groups?.(target)
    // One storage for every aggregate's filter tests: each test writes records of its own ids.
    describe("list filters", () => {
      const stores = useStorage(target)
      for (const a of aggregates) a.filters?.(stores)
    })
    transactionSuite(target)
    runScopeMatrix(target)
  })
}
