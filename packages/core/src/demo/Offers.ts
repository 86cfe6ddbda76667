/**
 * The demo offer catalogue: the three kinds of retention offer of DOMAIN §7 (tariff change, bonus
 * credit, device deal) plus a discount, each with its cost; the expensive ones need approval.
 */
import type { Offer } from "../offer/Offer"

/**
 * The demo offers (fixed: they do not depend on the seed).
 *
 * @example
 * ```ts
 * demoOffers().filter((o) => o.kind === "device-deal").map((o) => o.cost) // [600, 1500]
 * ```
 */
export const demoOffers = (): ReadonlyArray<Offer> => [
  { id: "of-tariff-58", name: "Switch to the 58 plan (more data)", kind: "tariff-change", cost: 0, description: "Move to the 58/month plan with 30 GB data; no cost to the company beyond the tariff difference.", active: true, requiresApproval: false, version: 1 },
  { id: "of-tariff-128-loyal", name: "Loyalty 128 plan at 98", kind: "tariff-change", cost: 360, description: "Keep the 128 plan for 98/month for 12 months (cost: 30 × 12 of foregone revenue).", active: true, requiresApproval: true, version: 1 },
  { id: "of-bonus-20", name: "20 bonus credit", kind: "bonus-credit", cost: 20, description: "20 credit added to the balance at once.", active: true, requiresApproval: false, version: 1 },
  { id: "of-bonus-50", name: "50 bonus credit", kind: "bonus-credit", cost: 50, description: "50 credit added to the balance at once.", active: true, requiresApproval: false, version: 1 },
  { id: "of-bonus-100", name: "100 bonus credit", kind: "bonus-credit", cost: 100, description: "100 credit spread over 5 months.", active: true, requiresApproval: true, version: 1 },
  { id: "of-device-midrange", name: "Mid-range phone with 24-month contract", kind: "device-deal", cost: 600, description: "Subsidised mid-range handset against a 24-month contract renewal.", active: true, requiresApproval: true, version: 1 },
  { id: "of-device-flagship", name: "Flagship phone with 24-month contract", kind: "device-deal", cost: 1500, description: "Subsidised flagship handset against a 24-month contract renewal at 198/month or more.", active: true, requiresApproval: true, version: 1 },
  { id: "of-discount-10pct", name: "10% off for 6 months", kind: "discount", cost: 0, description: "10% off the monthly fee for 6 months (cost depends on the bill).", active: true, requiresApproval: false, version: 1 },
  { id: "of-bonus-30-2025", name: "30 bonus credit (2025 campaign)", kind: "bonus-credit", cost: 30, description: "Retired campaign offer, kept for history.", active: false, requiresApproval: false, version: 1 }
]
