/**
 * Usage history: what the host feeds per customer per day and per month, plus single customer
 * events. Rules read it (window aggregates, baselines, streaks); effect tracking compares bills
 * before and after the work. Field names match `@winback/rules`' default fact catalogue.
 */
import * as z from "zod"
import { Id, Instant, IsoDate, IsoMonth } from "../shared/Primitives"

/**
 * One customer-day of usage.
 *
 * @example
 * ```ts
 * UsageDay.parse({
 *   customerId: "cust-42", day: "2026-11-21", charge: 4.2, dataMb: 310, callMinutes: 12,
 *   outgoingCalls: 3, competitorCallSeconds: 0, forwardedToOtherOperator: false, reminderSmsDelivered: false
 * })
 * ```
 */
export const UsageDay = z.object({
  customerId: Id,
  day: IsoDate,
  charge: z.number().finite().min(0),
  dataMb: z.number().finite().min(0),
  callMinutes: z.number().finite().min(0),
  outgoingCalls: z.number().int().min(0),
  competitorCallSeconds: z.number().int().min(0),
  forwardedToOtherOperator: z.boolean(),
  reminderSmsDelivered: z.boolean()
})
/** @see {@link UsageDay} */
export type UsageDay = z.infer<typeof UsageDay>

/**
 * One customer-month: the bill and the month's totals.
 *
 * @example
 * ```ts
 * UsageMonth.parse({
 *   customerId: "cust-42", month: "2026-10", billAmount: 95, dataMb: 8200, callMinutes: 310,
 *   competitorCallSeconds: 75, forwardedDays: 0, silentDays: 2, billDate: "2026-11-01",
 *   dueDate: "2026-11-20", paidDate: null
 * })
 * ```
 */
export const UsageMonth = z.object({
  customerId: Id,
  month: IsoMonth,
  billAmount: z.number().finite().min(0),
  dataMb: z.number().finite().min(0),
  callMinutes: z.number().finite().min(0),
  competitorCallSeconds: z.number().int().min(0),
  forwardedDays: z.number().int().min(0).max(31),
  silentDays: z.number().int().min(0).max(31),
  billDate: IsoDate,
  dueDate: IsoDate,
  paidDate: IsoDate.nullable()
})
/** @see {@link UsageMonth} */
export type UsageMonth = z.infer<typeof UsageMonth>

/**
 * The kinds of single customer events Winback knows (a host may send others).
 *
 * @example
 * ```ts
 * CustomerEventType.parse("suspension-requested")
 * ```
 */
export const CustomerEventType = z.string().min(1).max(60)
/** @see {@link CustomerEventType} */
export type CustomerEventType = z.infer<typeof CustomerEventType>

/**
 * Event types the template catalogue uses.
 *
 * @example
 * ```ts
 * knownCustomerEventTypes.includes("complaint-resolved") // true
 * ```
 */
export const knownCustomerEventTypes = [
  "activated",
  "suspension-requested",
  "cancel-requested",
  "complaint-resolved",
  "payment-reminder-sent",
  "status-changed"
] as const

/**
 * A single customer event (a suspension request, a resolved complaint, an activation).
 *
 * @example
 * ```ts
 * CustomerEvent.parse({ customerId: "cust-42", type: "complaint-resolved", at: "2026-11-20T10:00:00.000Z", data: {} })
 * ```
 */
export const CustomerEvent = z.object({
  customerId: Id,
  type: CustomerEventType,
  at: Instant,
  data: z.record(z.string(), z.unknown()).default({})
})
/** @see {@link CustomerEvent} */
export type CustomerEvent = z.infer<typeof CustomerEvent>

/**
 * A customer's history as the rules and effect tracking read it: days and months sorted ascending.
 *
 * @example
 * ```ts
 * const h: UsageHistory = { customerId: "cust-42", days: [], months: [], events: [] }
 * ```
 */
export const UsageHistory = z.object({
  customerId: Id,
  days: z.array(UsageDay),
  months: z.array(UsageMonth),
  events: z.array(CustomerEvent)
})
/** @see {@link UsageHistory} */
export type UsageHistory = z.infer<typeof UsageHistory>
