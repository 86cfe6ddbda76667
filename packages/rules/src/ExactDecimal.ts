/**
 * Exact decimal comparisons, the part other evaluators need: which tolerance makes two doubles a
 * possible tie (then both sides are recomputed exactly), and how a leaf's exact value is recovered.
 * The SQL compiler of `@winback/adapters` uses these to decide every tie as the memory evaluator does.
 */
import { TIE } from "./internal/exact"

export type { ExactSpec } from "./internal/exact"

/**
 * Relative distance under which a comparison of two doubles is decided in exact arithmetic:
 * `|a - b| <= exactTie * (|a| + |b|)`.
 *
 * @example
 * ```ts
 * import { exactTie } from "@winback/rules"
 * Math.abs(0.1 - 0.10000000000000002) <= exactTie * (0.1 + 0.10000000000000002) // true: decided exactly
 * ```
 */
export const exactTie: number = TIE
