/**
 * Observations: after work, each customer is observed (3 months for VIP/member tiers, 1 month for
 * others by default) and compared with the start: stayed, churned or returned; bill before vs after.
 */
import * as z from "zod"
import { LineStatus, Tier } from "../customer/Customer"
import { Id, Instant, IsoDate, Money, Version } from "../shared/Primitives"
import { Disposition } from "../work/WorkItem"

/**
 * The outcome of an observation window.
 *
 * @example
 * ```ts
 * ObservationOutcome.parse("returned")
 * ```
 */
export const ObservationOutcome = z.enum(["stayed", "churned", "returned", "still-inactive"])
/** @see {@link ObservationOutcome} */
export type ObservationOutcome = z.infer<typeof ObservationOutcome>

/**
 * One observed customer after one completed work item. The attribution fields (tier, disposition,
 * accepted offers and their cost, rule) are snapshotted when the observation opens; they are
 * optional so that observations written before they existed still read (absent = unknown).
 *
 * @example
 * ```ts
 * Observation.parse({ id: "ob-1", workItemId: "wi-1", customerId: "cust-42", taskId: "task-bill-drop", managerId: "m-1",
 *   teamId: "t-north", startedOn: "2026-11-22", endsOn: "2027-02-22", statusAtStart: "active", billBefore: 95,
 *   statusAtEnd: null, billAfter: null, outcome: null, evaluatedAt: null, version: 1 })
 * ```
 */
export const Observation = z.object({
  id: Id,
  workItemId: Id,
  customerId: Id,
  taskId: Id,
  managerId: Id.nullable(),
  teamId: Id.nullable(),
  startedOn: IsoDate,
  endsOn: IsoDate,
  statusAtStart: LineStatus,
  billBefore: Money.nullable(),
  statusAtEnd: LineStatus.nullable(),
  billAfter: Money.nullable(),
  outcome: ObservationOutcome.nullable(),
  evaluatedAt: Instant.nullable(),
  version: Version,
  /** The customer's tier at the start (it decides the window length). */
  tier: Tier.nullable().optional(),
  /** The disposition the item was completed with. */
  disposition: Disposition.nullable().optional(),
  /** The offers the customer accepted on the item (not rejected at completion), first one first. */
  offerIds: z.array(Id).optional(),
  /** The summed cost of those offers. */
  offerCost: Money.optional(),
  /** The rule that handed the customer out (an alert task's first rule instance), if any. */
  ruleId: Id.nullable().optional()
})
/** @see {@link Observation} */
export type Observation = z.infer<typeof Observation>
