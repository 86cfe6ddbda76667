/**
 * Winback's three host read ports over the CRM's own tables: `CustomerDirectory` (crm_customers),
 * `StaffDirectory` (crm_staff) and `UsageHistoryReader` (crm_usage_daily). The CRM stays the
 * system of record: every call reads its tables as they are now. Each row is mapped to Winback's
 * shape and validated with Winback's own zod schema on the way out, so a CRM row Winback cannot
 * use fails as a typed `StorageError` (with the `ValidationError` as its cause), never as a crash.
 */
import { Effect, Layer } from "effect"
import {
  Customer,
  CustomerDirectory,
  type HostPorts,
  Manager,
  NotFound,
  parse,
  type Role,
  StaffDirectory,
  StorageError,
  UsageDay,
  UsageHistoryReader,
  extendPolicy,
  defaultPolicy,
  type PermissionPolicy
} from "@winback/core"
import type { Crm, CrmCustomerRow, CrmStaffRow, CrmUsageRow } from "./crm"

// The CRM's codes in Winback's words.
const tiers: Record<string, string> = { bronze: "regular", silver: "silver", gold: "gold", platinum: "diamond" }
const lineStatuses: Record<string, string> = { live: "active", frozen: "suspended", closed: "cancelled" }
const paymentTypes: Record<string, string> = { prepay: "prepaid", contract: "postpaid" }
const roles: Record<string, Role> = { "sales-rep": "agent", "sales-manager": "team-leader", compliance: "approver", "it-admin": "admin" }

/**
 * A `crm_customers` row as a Winback customer. Attributes the CRM does not keep (birthday,
 * preferred channel, ...) are `null`; the CRM has no row versions, so `version` is 1.
 *
 * @example
 * ```ts
 * toCustomer(row).tier // "diamond" for a platinum customer
 * ```
 */
export const toCustomer = (r: CrmCustomerRow): Customer =>
  parse(
    Customer,
    {
      id: r.cust_no,
      name: r.display_name,
      phones: r.mobile ? [r.mobile] : [],
      region: r.city,
      tier: tiers[r.segment] ?? r.segment,
      lineStatus: lineStatuses[r.status] ?? r.status,
      paymentType: paymentTypes[r.billing] ?? r.billing,
      contractEnd: r.contract_ends,
      birthday: null,
      activatedOn: r.signed_up,
      ownerManagerId: r.account_manager,
      preferredChannel: null,
      tariffSensitivity: null,
      creditLevel: null,
      timeZone: "Europe/Berlin",
      version: 1
    },
    `crm customer ${r.cust_no}`
  )

/**
 * A `crm_staff` row as a Winback manager. An employee who left (`employed = false`) is inactive,
 * so Winback refuses to act for them. Winback keeps team membership itself.
 *
 * @example
 * ```ts
 * toManager(row).roles // ["agent"] for a sales rep
 * ```
 */
export const toManager = (r: CrmStaffRow): Manager =>
  parse(
    Manager,
    {
      id: r.staff_code,
      name: r.full_name,
      roles: roles[r.crm_role] ? [roles[r.crm_role]] : [],
      teamId: null,
      region: r.city,
      active: r.employed,
      profile: { email: r.email, phone: null, trainingRecords: [], workHistory: [] },
      version: 1
    },
    `crm staff ${r.staff_code}`
  )

/**
 * A `crm_usage_daily` row as a Winback usage day (the CRM keeps cents, Winback currency units).
 *
 * @example
 * ```ts
 * toUsageDay(row).competitorCallSeconds // row.rival_support_secs
 * ```
 */
export const toUsageDay = (r: CrmUsageRow): UsageDay =>
  parse(UsageDay, {
    customerId: r.cust_no,
    day: r.usage_date,
    charge: r.spend_cents / 100,
    dataMb: r.mobile_data_mb,
    callMinutes: r.voice_mins,
    outgoingCalls: r.calls_made,
    competitorCallSeconds: r.rival_support_secs,
    forwardedToOtherOperator: false,
    reminderSmsDelivered: false
  }, `crm usage ${r.cust_no} ${r.usage_date}`)

/** Runs one CRM read as an Effect: a failure (database or mapping) becomes a `StorageError`. */
const read = <A>(operation: string, f: () => Promise<A>): Effect.Effect<A, StorageError> =>
  Effect.tryPromise({ try: f, catch: (cause) => new StorageError({ reason: "Unknown", operation: `crm.${operation}`, cause }) })

/** Keeps the order of `ids` and leaves out unknown ones (the directory contract). */
const inOrder = <A>(ids: ReadonlyArray<string>, found: ReadonlyArray<A>, idOf: (a: A) => string): ReadonlyArray<A> => {
  const byId = new Map(found.map((a) => [idOf(a), a]))
  return ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []))
}

const shiftDay = (day: string, days: number): string => new Date(Date.parse(`${day}T00:00:00.000Z`) + days * 86_400_000).toISOString().slice(0, 10)

/**
 * The three host ports over the CRM, as one layer for `createWinback({ directories })`.
 *
 * @example
 * ```ts
 * const winback = await createWinback({ storage: PgliteStorage.layer(), directories: crmDirectories(crm) })
 * ```
 */
export const crmDirectories = (crm: Crm): Layer.Layer<HostPorts> => {
  const customers = (ids: ReadonlyArray<string>) => read("customers", async () => inOrder(ids, (await crm.customers(ids)).map(toCustomer), (c) => c.id))
  const staff = (ids: ReadonlyArray<string>) => read("staff", async () => inOrder(ids, (await crm.staff(ids)).map(toManager), (m) => m.id))
  const one = <A>(entity: string, id: string, many: (ids: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<A>, StorageError>) =>
    Effect.flatMap(many([id]), ([a]) => (a === undefined ? Effect.fail(new NotFound({ entity, id })) : Effect.succeed(a)))
  return Layer.mergeAll(
    Layer.succeed(CustomerDirectory, CustomerDirectory.of({ get: (id) => one("Customer", id, customers), getMany: customers })),
    Layer.succeed(StaffDirectory, StaffDirectory.of({ get: (id) => one("Manager", id, staff), getMany: staff })),
    Layer.succeed(
      UsageHistoryReader,
      UsageHistoryReader.of({
        // The CRM keeps daily usage only: no billing months, no events.
        history: (customerId, { asOf, dayWindow }) =>
          read("usage", async () => ({
            customerId,
            days: (await crm.usage(customerId, shiftDay(asOf, -(dayWindow - 1)), asOf)).map(toUsageDay),
            months: [],
            events: []
          }))
      })
    )
  )
}

/**
 * Winback's permission policy for this CRM: the default grants, plus one for a CRM without a
 * team tree. Winback scopes admins to the teams they administer; this CRM keeps no teams, so its
 * IT admin (who writes the rules and the tasks) reads and targets every customer. Sales reps still
 * read only the customers they own or hold open work for, and compliance approves by the figures.
 *
 * @example
 * ```ts
 * const winback = await createWinback({ storage, directories: crmDirectories(crm), policy: crmPolicy })
 * ```
 */
export const crmPolicy: PermissionPolicy = extendPolicy(defaultPolicy, {
  grants: [{ role: "admin", reach: "all", actions: ["customer.read", "task.create"] }]
})
