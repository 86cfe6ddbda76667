/**
 * Retention offers (tariff change, bonus credit, device deal) with a cost, and their use on work
 * items with the approval trail.
 */
import * as z from "zod"
import { Id, Instant, Money, Version } from "../shared/Primitives"

/**
 * An offer of the catalogue.
 *
 * @example
 * ```ts
 * Offer.parse({ id: "of-bonus-50", name: "50 bonus credit", kind: "bonus-credit", cost: 50, description: "", active: true,
 *   requiresApproval: false, version: 1 })
 * ```
 */
export const Offer = z.object({
  id: Id,
  name: z.string().min(1).max(200),
  kind: z.enum(["tariff-change", "bonus-credit", "device-deal", "discount", "other"]),
  cost: Money.min(0),
  description: z.string().max(4000),
  active: z.boolean(),
  requiresApproval: z.boolean(),
  version: Version
})
/** @see {@link Offer} */
export type Offer = z.infer<typeof Offer>

/**
 * One use of an offer on a work item, with its approval trail.
 *
 * @example
 * ```ts
 * OfferUse.parse({ id: "ou-1", offerId: "of-bonus-50", workItemId: "wi-1", customerId: "cust-42", managerId: "m-1",
 *   cost: 50, accepted: true, status: "approved", approvals: [], at: "2026-11-22T10:03:00.000Z" })
 * ```
 */
export const OfferUse = z.object({
  id: Id,
  offerId: Id,
  workItemId: Id,
  customerId: Id,
  managerId: Id,
  cost: Money.min(0),
  accepted: z.boolean(),
  status: z.enum(["proposed", "approved", "rejected"]),
  approvals: z.array(z.object({ by: Id, at: Instant, decision: z.enum(["approved", "rejected"]), comment: z.string().max(2000) })),
  at: Instant
})
/** @see {@link OfferUse} */
export type OfferUse = z.infer<typeof OfferUse>
