/**
 * The terms a rule plan is made of: leaves (the reads of a customer's history and attributes) and
 * numeric expressions over them. Their own module so that the exact-arithmetic helper
 * (`internal/exact.ts`) reads them without importing the planner, which imports it.
 */
import type { AggregateFn, DailyCondition, DateRef } from "./Rule"

/**
 * One read of a customer's history or attributes, evaluated to a number (or null).
 * Windows are resolved to ranges of "days/months ago": `lo` (newest) … `hi` (oldest), inclusive.
 * Date leaves evaluate to day numbers (days since 1970-01-01).
 *
 * @example
 * ```ts
 * const leaf: Leaf = { id: 0, kind: "monthly", fn: "avg", metric: "billAmount", lo: 1, hi: 3, complete: false }
 * ```
 */
export type Leaf =
  | { readonly id: number; readonly kind: "daily"; readonly fn: AggregateFn; readonly metric: string | undefined; readonly where: DailyCondition | undefined; readonly lo: number; readonly hi: number; readonly complete: boolean }
  | { readonly id: number; readonly kind: "monthly"; readonly fn: AggregateFn; readonly metric: string; readonly lo: number; readonly hi: number; readonly complete: boolean }
  | { readonly id: number; readonly kind: "streak"; readonly where: DailyCondition; readonly days: number; readonly mode: "current" | "longest" }
  | { readonly id: number; readonly kind: "events"; readonly types: ReadonlyArray<string>; readonly lo: number; readonly hi: number }
  | { readonly id: number; readonly kind: "date"; readonly ref: DateRef }
  | { readonly id: number; readonly kind: "attribute"; readonly field: string }

/**
 * A numeric expression over leaves.
 *
 * @example
 * ```ts
 * const e: PlanNum = { t: "arith", op: "*", l: { t: "const", v: 0.7 }, r: { t: "leaf", leaf: 1 } }
 * ```
 */
export type PlanNum =
  | { readonly t: "const"; readonly v: number; readonly as?: string | undefined }
  | { readonly t: "leaf"; readonly leaf: number; readonly as?: string | undefined }
  | { readonly t: "table"; readonly field: string; readonly values: ReadonlyMap<string, number>; readonly otherwise: number | null; readonly as?: string | undefined }
  | { readonly t: "arith"; readonly op: "+" | "-" | "*" | "/"; readonly l: PlanNum; readonly r: PlanNum; readonly as?: string | undefined }
  | { readonly t: "pct"; readonly from: PlanNum; readonly to: PlanNum; readonly as?: string | undefined }
  | { readonly t: "daysSince"; readonly leaf: number; readonly as?: string | undefined }
