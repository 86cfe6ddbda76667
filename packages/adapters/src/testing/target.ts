/**
 * What the conformance suite runs against: an adapter that opens fresh storage, and what it can do.
 * Every suite file takes one; it lives apart so the suites and their composition do not import each other.
 */
import type { Stores } from "@winback/core"

/**
 * An adapter under test.
 *
 * @example
 * ```ts
 * const target: ConformanceTarget = { name: "memory", open: async () => ({ stores: makeMemoryStores(), close: async () => {} }) }
 * ```
 */
export interface ConformanceTarget {
  /** Shown in test names. */
  readonly name: string
  /**
   * Opens fresh, empty storage. Called once per group of tests (a `describe`), closed after it.
   * Groups run one after another.
   */
  readonly open: () => Promise<{ readonly stores: Stores; readonly close: () => Promise<void> }>
  /** What the adapter can do; tests needing a capability the adapter lacks are left out, by capability. */
  readonly capabilities?: {
    /** Transactions on separate connections really run at the same time (a server database). */
    readonly parallelTransactions?: boolean
  }
  /** Concurrency of the race tests (default: 100 claims, 50 completions). */
  readonly races?: { readonly claims?: number; readonly completions?: number }
}
