/**
 * The customer as the retention work sees it: identity, line status, tier and the attributes rules,
 * scope and contactability read. The host CRM stays the system of record; Winback reads customers
 * through the `CustomerDirectory` port (or a mirrored copy fed in daily batches).
 */
import * as z from "zod"
import { Channel } from "../shared/Channel"
import { Id, IsoDate, Version } from "../shared/Primitives"

/**
 * Line status. Status changes drive churn and win-back accounting (DOMAIN §2).
 *
 * @example
 * ```ts
 * LineStatus.parse("arrears-suspended")
 * ```
 */
export const LineStatus = z.enum(["active", "reported-lost", "suspended", "pre-cancel", "arrears-suspended", "cancelled"])
/** @see {@link LineStatus} */
export type LineStatus = z.infer<typeof LineStatus>

/**
 * Prepaid or postpaid billing.
 *
 * @example
 * ```ts
 * PaymentType.parse("postpaid")
 * ```
 */
export const PaymentType = z.enum(["prepaid", "postpaid"])
/** @see {@link PaymentType} */
export type PaymentType = z.infer<typeof PaymentType>

/**
 * A customer segment or tier. Tiers are host data (`diamond`, `gold`, `silver`, `regular`, or
 * `member` and `vip`); their order comes from a {@link TierScale}.
 *
 * @example
 * ```ts
 * Tier.parse("gold")
 * ```
 */
export const Tier = z.string().min(1).max(50)
/** @see {@link Tier} */
export type Tier = z.infer<typeof Tier>

/**
 * Tiers from lowest to highest, so rules can say "tiers >= gold".
 *
 * @example
 * ```ts
 * const scale: TierScale = ["regular", "silver", "gold", "diamond"]
 * ```
 */
export const TierScale = z.array(Tier).min(1)
/** @see {@link TierScale} */
export type TierScale = z.infer<typeof TierScale>

/**
 * The default tier scale: regular < silver < gold < diamond.
 *
 * @example
 * ```ts
 * defaultTierScale.indexOf("gold") > defaultTierScale.indexOf("silver") // true
 * ```
 */
export const defaultTierScale: TierScale = ["regular", "silver", "gold", "diamond"]

/**
 * How sensitive the customer is to price changes.
 *
 * @example
 * ```ts
 * TariffSensitivity.parse("high")
 * ```
 */
export const TariffSensitivity = z.enum(["low", "medium", "high"])
/** @see {@link TariffSensitivity} */
export type TariffSensitivity = z.infer<typeof TariffSensitivity>

/**
 * A customer (one subscriber line or account) with the attributes of DOMAIN §2.
 *
 * @example
 * ```ts
 * const c = Customer.parse({
 *   id: "cust-42", name: "Li Wei", phones: ["+8613800000042"], region: "beijing", tier: "gold",
 *   lineStatus: "active", paymentType: "postpaid", contractEnd: "2027-01-31", birthday: "1985-03-02",
 *   activatedOn: "2019-06-01", ownerManagerId: "m-1", preferredChannel: "phone",
 *   tariffSensitivity: "medium", creditLevel: "A", timeZone: "Asia/Shanghai", version: 1
 * })
 * ```
 */
export const Customer = z.object({
  id: Id,
  name: z.string().min(1).max(200),
  phones: z.array(z.string().min(3).max(32)).max(10),
  region: z.string().min(1).max(100),
  tier: Tier,
  lineStatus: LineStatus,
  paymentType: PaymentType,
  contractEnd: IsoDate.nullable(),
  birthday: IsoDate.nullable(),
  activatedOn: IsoDate,
  ownerManagerId: Id.nullable(),
  preferredChannel: Channel.nullable(),
  tariffSensitivity: TariffSensitivity.nullable(),
  creditLevel: z.string().max(20).nullable(),
  timeZone: z.string().min(1).max(64),
  version: Version
})
/** @see {@link Customer} */
export type Customer = z.infer<typeof Customer>
