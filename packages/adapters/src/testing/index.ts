/**
 * @winback/adapters/testing — the storage conformance suite every adapter must pass, and the
 * record factories it uses. Needs vitest (a peer dependency).
 *
 * @example
 * ```ts
 * import { runConformanceSuite } from "@winback/adapters/testing"
 * runConformanceSuite({ name: "my-adapter", open: async () => ({ stores: makeMyStores(), close: async () => {} }) })
 * ```
 * @packageDocumentation
 */
export { type ConformanceTarget, runConformanceSuite } from "./conformance"
export { runScopeMatrix, scopeMatrixCaseCount } from "./scopeMatrix"
export * as fixtures from "./fixtures"
