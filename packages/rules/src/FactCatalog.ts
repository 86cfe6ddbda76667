/**
 * The fact catalogue: which customer attributes, daily and monthly metrics and event types exist,
 * with their types. Rule validation checks every reference against it; both evaluators read the
 * same names. `defaultFactCatalog` carries the names the core domain model and the SQL tables use.
 */
import * as z from "zod"

/**
 * The type of one fact. `tier` is an ordered scale (the catalogue's `tiers`), `enum` a closed set.
 *
 * @example
 * ```ts
 * FactField.parse({ type: "enum", values: ["prepaid", "postpaid"] })
 * ```
 */
export const FactField = z.strictObject({
  type: z.enum(["string", "number", "int", "boolean", "date", "enum", "tier"]),
  values: z.array(z.string().min(1)).min(1).optional(),
  nullable: z.boolean().optional(),
  /** Smallest possible value of a numeric fact (used to reject impossible thresholds). */
  min: z.number().optional(),
  /**
   * Decimal places of a `number` fact that is a decimal quantity, above all money (`2`: cents).
   * Values are rounded to it when read (half away from zero, from their 15 significant digits),
   * sums and averages are computed on the integer units, and comparisons within a hair of a
   * threshold are decided exactly — so a bill of 0.10 after 0.10, 0.20, 0.30 has dropped by
   * exactly 50%, not by 50.000000000000004%. Facts without it are compared as IEEE doubles.
   */
  scale: z.number().int().min(0).max(6).optional(),
  description: z.string().optional()
})
/** @see {@link FactField} */
export type FactField = z.infer<typeof FactField>

/**
 * A fact catalogue: the vocabulary rules may use.
 *
 * - `tiers`: the tier scale, lowest first (`regular < silver < gold < diamond` by default).
 * - `attributes`: per-customer attributes; `daily` / `monthly`: usage metrics per day / month.
 * - `eventTypes`: single customer events.
 * - `history`: how much history the host keeps; rules may not look further back.
 *
 * @example
 * ```ts
 * import { FactCatalog, defaultFactCatalog } from "@winback/rules"
 * const vip = FactCatalog.parse({ ...defaultFactCatalog, tiers: ["member", "vip"] })
 * ```
 */
export const FactCatalog = z.strictObject({
  tiers: z.array(z.string().min(1)).min(1),
  regions: z.array(z.string().min(1)).optional(),
  attributes: z.record(z.string(), FactField),
  daily: z.record(z.string(), FactField),
  monthly: z.record(z.string(), FactField),
  eventTypes: z.array(z.string().min(1)),
  history: z.strictObject({ days: z.number().int().positive(), months: z.number().int().positive() })
})
/** @see {@link FactCatalog} */
export type FactCatalog = z.infer<typeof FactCatalog>

/**
 * The catalogue of the Winback domain model (DOMAIN §2): the same names as `@winback/core` and the
 * `customers`, `usage_daily`, `usage_monthly` and `customer_events` tables. History kept: 120 days, 24 months.
 *
 * @example
 * ```ts
 * import { defaultFactCatalog } from "@winback/rules"
 * defaultFactCatalog.attributes.lineStatus?.values // ["active", "reported-lost", ...]
 * ```
 */
export const defaultFactCatalog: FactCatalog = {
  tiers: ["regular", "silver", "gold", "diamond"],
  attributes: {
    id: { type: "string", description: "Customer id (the host CRM's key)" },
    name: { type: "string", description: "Customer name" },
    region: { type: "string", description: "Region or branch" },
    tier: { type: "tier", description: "Segment on the tier scale" },
    lineStatus: {
      type: "enum",
      values: ["active", "reported-lost", "suspended", "pre-cancel", "arrears-suspended", "cancelled"],
      description: "Line status"
    },
    paymentType: { type: "enum", values: ["prepaid", "postpaid"], description: "Payment type" },
    contractEnd: { type: "date", nullable: true, description: "End of the contract or device agreement" },
    birthday: { type: "date", nullable: true, description: "Birthday" },
    activatedOn: { type: "date", description: "Activation date" },
    ownerManagerId: { type: "string", nullable: true, description: "Owner customer manager" },
    preferredChannel: { type: "enum", values: ["phone", "sms", "visit", "letter", "email"], nullable: true, description: "Preferred channel" },
    tariffSensitivity: { type: "enum", values: ["low", "medium", "high"], nullable: true, description: "Tariff sensitivity" },
    creditLevel: { type: "string", nullable: true, description: "Credit level" },
    timeZone: { type: "string", description: "IANA time zone" }
  },
  daily: {
    charge: { type: "number", min: 0, scale: 2, description: "Charges of the day" },
    dataMb: { type: "number", min: 0, description: "Data volume (MB)" },
    callMinutes: { type: "number", min: 0, description: "Call minutes" },
    outgoingCalls: { type: "int", min: 0, description: "Number of outgoing calls" },
    competitorCallSeconds: { type: "int", min: 0, description: "Seconds on calls with a competitor's customer-service number" },
    forwardedToOtherOperator: { type: "boolean", description: "Calls forwarded to another operator that day" },
    reminderSmsDelivered: { type: "boolean", description: "A payment reminder SMS was delivered that day" }
  },
  monthly: {
    billAmount: { type: "number", min: 0, scale: 2, description: "Bill amount" },
    dataMb: { type: "number", min: 0, description: "Data volume (MB)" },
    callMinutes: { type: "number", min: 0, description: "Call minutes" },
    competitorCallSeconds: { type: "int", min: 0, description: "Seconds on calls with a competitor's customer-service number" },
    forwardedDays: { type: "int", min: 0, description: "Days call-forwarded to another operator" },
    silentDays: { type: "int", min: 0, description: "Days without outgoing calls" },
    billDate: { type: "date", description: "Bill date" },
    dueDate: { type: "date", description: "Payment due date" },
    paidDate: { type: "date", nullable: true, description: "Date paid (null while unpaid)" }
  },
  eventTypes: ["activated", "suspension-requested", "cancel-requested", "complaint-resolved", "payment-reminder-sent"],
  history: { days: 120, months: 24 }
}

/**
 * Rank of a tier on the catalogue's scale (0 = lowest), or -1 when it is not on the scale.
 *
 * @example
 * ```ts
 * tierRank(defaultFactCatalog, "gold") // 2
 * ```
 */
export const tierRank = (catalog: FactCatalog, tier: unknown): number => (typeof tier === "string" ? catalog.tiers.indexOf(tier) : -1)

/**
 * The attribute that carries the tier (the first attribute typed `tier`).
 *
 * @example
 * ```ts
 * tierAttribute(defaultFactCatalog) // "tier"
 * ```
 */
export const tierAttribute = (catalog: FactCatalog): string | undefined =>
  Object.entries(catalog.attributes).find(([, f]) => f.type === "tier")?.[0]
