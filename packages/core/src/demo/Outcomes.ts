/**
 * Retention outcomes with known ground truth: for a share of customers the generator decides what
 * happens to the line after `asOf` — it stays as it is, churns (active → cancelled or pre-cancel on
 * a known day) or returns (inactive → active on a known day) — so effect tracking (DOMAIN §8) can be
 * tested against answers fixed in advance.
 */
import type { Customer, LineStatus } from "../customer/Customer"
import type { CustomerEvent } from "../customer/Usage"
import type { Random } from "./Random"

/**
 * A customer's line-status trajectory after `asOf`. `on` is the day the status changes (1 to 90
 * days after `asOf`).
 *
 * @example
 * ```ts
 * const o: DemoOutcome = { kind: "churns", on: "2027-01-10", from: "active", to: "cancelled" }
 * ```
 */
export type DemoOutcome =
  | { readonly kind: "stays"; readonly status: LineStatus }
  | { readonly kind: "churns"; readonly on: string; readonly from: "active"; readonly to: "cancelled" | "pre-cancel" }
  | { readonly kind: "returns"; readonly on: string; readonly from: LineStatus; readonly to: "active" }

/**
 * One post-`asOf` status change: the updated customer row and the `status-changed` event to write.
 *
 * @example
 * ```ts
 * for (const change of demo.statusChanges({ until: "2027-01-31" })) console.log(change.customer.id, change.on)
 * ```
 */
export interface DemoStatusChange {
  readonly on: string
  readonly customer: Customer
  readonly event: CustomerEvent
}

/**
 * Decides the outcome of one customer (null: not followed — its status simply never changes).
 * Active customers churn with probability 0.35 (0.55 when a churn pattern was injected); inactive
 * ones return with probability 0.45.
 *
 * @example
 * ```ts
 * decideOutcome(makeRandom(1), { rate: 1, status: "active", atRisk: true, onDay: (n) => `day+${n}` })
 * ```
 */
export const decideOutcome = (
  rng: Random,
  args: { readonly rate: number; readonly status: LineStatus; readonly atRisk: boolean; readonly onDay: (daysAfterAsOf: number) => string }
): DemoOutcome | null => {
  if (!rng.chance(args.rate)) return null
  const on = args.onDay(rng.int(1, 90))
  if (args.status === "active") {
    if (rng.chance(args.atRisk ? 0.55 : 0.35)) return { kind: "churns", on, from: "active", to: rng.chance(0.6) ? "cancelled" : "pre-cancel" }
    return { kind: "stays", status: "active" }
  }
  if (rng.chance(0.45)) return { kind: "returns", on, from: args.status, to: "active" }
  return { kind: "stays", status: args.status }
}
