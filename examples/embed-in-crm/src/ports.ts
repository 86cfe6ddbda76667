/**
 * Winback's three host read ports over the CRM's own tables, as plain async functions: customers
 * (crm_customers), staff (crm_staff) and usage (crm_usage_daily). No `effect` import: Winback wraps
 * them itself. The CRM stays the system of record: every call reads its tables as they are now.
 * Winback validates every row these functions return with its own zod schemas, so a CRM row it
 * cannot use fails as a typed `StorageError` (with the `ValidationError` as its cause), never as a crash.
 */
import {
  extendPolicy,
  type HostCustomer,
  type HostManager,
  defaultPolicy,
  type PermissionPolicy,
  type Role,
  type UsageDay,
  type WinbackHost
} from "@winback/core"
import type { Crm, CrmCustomerRow, CrmStaffRow, CrmUsageRow } from "./crm"

// The CRM's codes in Winback's words.
const tiers: Record<string, string> = { bronze: "regular", silver: "silver", gold: "gold", platinum: "diamond" }
const lineStatuses: Record<string, string> = { live: "active", frozen: "suspended", closed: "cancelled" }
const paymentTypes: Record<string, string> = { prepay: "prepaid", contract: "postpaid" }
const roles: Record<string, Role> = { "sales-rep": "agent", "sales-manager": "team-leader", compliance: "approver", "it-admin": "admin" }

/**
 * A `crm_customers` row as a Winback customer. Attributes the CRM does not keep (birthday,
 * preferred channel, ...) are left out: Winback reads them as `null`.
 *
 * @example
 * ```ts
 * toCustomer(row).tier // "diamond" for a platinum customer
 * ```
 */
export const toCustomer = (r: CrmCustomerRow): HostCustomer => ({
  id: r.cust_no,
  name: r.display_name,
  phones: r.mobile ? [r.mobile] : [],
  region: r.city,
  tier: tiers[r.segment] ?? r.segment,
  lineStatus: (lineStatuses[r.status] ?? r.status) as HostCustomer["lineStatus"],
  paymentType: (paymentTypes[r.billing] ?? r.billing) as HostCustomer["paymentType"],
  contractEnd: r.contract_ends,
  activatedOn: r.signed_up,
  ownerManagerId: r.account_manager,
  timeZone: "Europe/Berlin"
})

/**
 * A `crm_staff` row as a Winback manager. An employee who left (`employed = false`) is inactive,
 * so Winback refuses to act for them. Winback keeps team membership itself.
 *
 * @example
 * ```ts
 * toManager(row).roles // ["agent"] for a sales rep
 * ```
 */
export const toManager = (r: CrmStaffRow): HostManager => ({
  id: r.staff_code,
  name: r.full_name,
  roles: roles[r.crm_role] ? [roles[r.crm_role]!] : [],
  region: r.city,
  active: r.employed,
  profile: { email: r.email, phone: null, trainingRecords: [], workHistory: [] }
})

/**
 * A `crm_usage_daily` row as a Winback usage day (the CRM keeps cents, Winback currency units).
 *
 * @example
 * ```ts
 * toUsageDay(row).competitorCallSeconds // row.rival_support_secs
 * ```
 */
export const toUsageDay = (r: CrmUsageRow): UsageDay => ({
  customerId: r.cust_no,
  day: r.usage_date,
  charge: r.spend_cents / 100,
  dataMb: r.mobile_data_mb,
  callMinutes: r.voice_mins,
  outgoingCalls: r.calls_made,
  competitorCallSeconds: r.rival_support_secs,
  forwardedToOtherOperator: false,
  reminderSmsDelivered: false
})

const shiftDay = (day: string, days: number): string => new Date(Date.parse(`${day}T00:00:00.000Z`) + days * 86_400_000).toISOString().slice(0, 10)

/**
 * The three host ports over the CRM, for `createWinback({ host })`: customers by number and page
 * by page (read-through mode lists them), staff by code, and the usage of a page of customers in
 * one query. The CRM keeps daily usage only: no billing months, no events.
 *
 * @example
 * ```ts
 * const winback = await createWinback({ storage, host: crmHost(crm), mode: "read-through" })
 * ```
 */
export const crmHost = (crm: Crm): WinbackHost => ({
  customers: {
    getMany: async (ids) => (await crm.customers(ids)).map(toCustomer),
    list: async ({ cursor, limit }) => {
      const rows = await crm.customerPage(cursor, limit)
      return { items: rows.map(toCustomer), nextCursor: rows.length === limit ? rows.at(-1)!.cust_no : null }
    }
  },
  staff: { getMany: async (ids) => (await crm.staff(ids)).map(toManager) },
  usage: {
    historyMany: async (ids, { asOf, dayWindow }) => {
      const days = (await crm.usage(ids, shiftDay(asOf, -(dayWindow - 1)), asOf)).map(toUsageDay)
      return ids.map((customerId) => ({ customerId, days: days.filter((d) => d.customerId === customerId) }))
    }
  }
})

/**
 * Winback's permission policy for this CRM: the default grants, plus one for a CRM without a
 * team tree. Winback scopes admins to the teams they administer; this CRM keeps no teams, so its
 * IT admin (who writes the rules and the tasks) reads and targets every customer. Sales reps still
 * read only the customers they own or hold open work for, and compliance approves by the figures.
 *
 * @example
 * ```ts
 * const winback = await createWinback({ storage, host: crmHost(crm), mode: "read-through", policy: crmPolicy })
 * ```
 */
export const crmPolicy: PermissionPolicy = extendPolicy(defaultPolicy, {
  grants: [{ role: "admin", reach: "all", actions: ["customer.read", "task.create"] }]
})
