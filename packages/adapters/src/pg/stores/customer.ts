/**
 * The customer aggregate in SQL: customers with their usage history and events (bulk upserts
 * in batches, one statement per batch), and customer groups.
 */
import { and, asc, eq, gte, isNull, lte, or, type SQL, sql } from "drizzle-orm"
import { type Customer, type CustomerGroup, type CustomerScopeFilter, openWorkItemStates, type Stores } from "@winback/core"
import { sortKeys } from "../../internal/sortKeys"
import { type PgDriver, useDb } from "../Driver"
import { anyOf, chunks, maybeAnyOf, maybeEq, pgEntityStore, upsertRows } from "../entityStore"
import * as s from "../schema"

/** Every customer field, each in a column of its own (no `data` column: filters, rules compiled to SQL and reports read the columns). */
const customerKeys = ["id", "name", "phones", "region", "tier", "lineStatus", "paymentType", "contractEnd", "birthday", "activatedOn", "ownerManagerId",
  "preferredChannel", "tariffSensitivity", "creditLevel", "timeZone", "version"] as const

const pickKeys = <O, K extends keyof O>(o: O, keys: ReadonlyArray<K>): Pick<O, K> => Object.fromEntries(keys.map((k) => [k, o[k]])) as Pick<O, K>

const customerRow = (c: Customer) => pickKeys(c, customerKeys)

/** What a customer upsert overwrites on an existing row (the version is bumped, not copied). */
const customerColumns = customerKeys.filter((k) => k !== "id" && k !== "version")

const customerFromRow = (r: typeof s.customers.$inferSelect): Customer => ({ ...pickKeys(r, customerKeys), phones: [...r.phones] }) as Customer

/**
 * The customer row has an open work item assigned to one of `assigneeIds` (the read access that
 * holding work grants; the memory adapter applies the same rule). Served by `work_items_customer_idx`.
 */
const holdsOpenWork = (assigneeIds: ReadonlyArray<string>): SQL =>
  sql`exists (select 1 from ${s.workItems} where ${s.workItems.customerId} = ${s.customers.id} and ${anyOf(s.workItems.state, openWorkItemStates)} and ${anyOf(s.workItems.assigneeId, assigneeIds)})`

/**
 * The condition that the `customers` row is in `inScope` (the memory adapter applies the same rule).
 *
 * @example
 * ```ts
 * db.select().from(s.customers).where(customerInScope({ ownerManagerIds: ["m-1"], unownedRegions: [] }))
 * ```
 */
export const customerInScope = (inScope: CustomerScopeFilter): SQL | undefined =>
  or(
    anyOf(s.customers.ownerManagerId, inScope.ownerManagerIds),
    and(isNull(s.customers.ownerManagerId), anyOf(s.customers.region, inScope.unownedRegions)),
    inScope.openWorkOf === undefined || inScope.openWorkOf.length === 0 ? undefined : holdsOpenWork(inScope.openWorkOf)
  )

/**
 * The SQL `customers` and `customerGroups` stores on `driver` (composed by {@link makePgStores}).
 *
 * @example
 * ```ts
 * const { customers } = customerStores(driver)
 * await Effect.runPromise(customers.upsertCustomers([customer]))
 * ```
 */
export const customerStores = (driver: PgDriver): Pick<Stores, "customers" | "customerGroups"> => {
  const customers = pgEntityStore<Customer, import("@winback/core").CustomerFilter>(driver, {
    entity: "Customer",
    table: s.customers,
    toRow: customerRow,
    fromRow: customerFromRow,
    where: (f) => [
      maybeAnyOf(s.customers.id, f.ids),
      maybeAnyOf(s.customers.ownerManagerId, f.ownerManagerIds),
      maybeEq(s.customers.region, f.region),
      maybeAnyOf(s.customers.tier, f.tiers),
      f.phones === undefined ? undefined : sql`${s.customers.phones} ?| ${sql.param([...f.phones])}::text[]`,
      f.inScope === undefined ? undefined : customerInScope(f.inScope)
    ],
    sortColumns: [s.customers.id],
    sortKey: sortKeys.customer
  })

  return {
    customers: {
      ...customers,
      upsertCustomers: (list) =>
        useDb(driver, "Customer.upsert", (db) =>
          upsertRows(db, s.customers, list.map(customerRow), s.customers.id, customerColumns, { version: sql`${s.customers.version} + 1`, updatedAt: sql`now()` }, 500)
        ),
      upsertUsageDays: (days) =>
        useDb(driver, "UsageDay.upsert", (db) =>
          upsertRows(db, s.usageDaily, days, [s.usageDaily.customerId, s.usageDaily.day], ["charge", "dataMb", "callMinutes", "outgoingCalls", "competitorCallSeconds", "forwardedToOtherOperator", "reminderSmsDelivered"])
        ),
      upsertUsageMonths: (months) =>
        useDb(driver, "UsageMonth.upsert", (db) =>
          upsertRows(db, s.usageMonthly, months, [s.usageMonthly.customerId, s.usageMonthly.month], ["billAmount", "dataMb", "callMinutes", "competitorCallSeconds", "forwardedDays", "silentDays", "billDate", "dueDate", "paidDate"])
        ),
      appendEvents: (events) =>
        useDb(driver, "CustomerEvent.append", async (db) => {
          for (const batch of chunks(events)) {
            await db.insert(s.customerEvents).values(batch.map((e) => ({ customerId: e.customerId, type: e.type, at: new Date(e.at), data: e.data })))
          }
        }),
      usageDays: (id, from, to) =>
        useDb(driver, "UsageDay.list", (db) =>
          db.select().from(s.usageDaily).where(and(eq(s.usageDaily.customerId, id), gte(s.usageDaily.day, from), lte(s.usageDaily.day, to))).orderBy(asc(s.usageDaily.day))
        ),
      usageMonths: (id, from, to) =>
        useDb(driver, "UsageMonth.list", (db) =>
          db.select().from(s.usageMonthly)
            .where(and(eq(s.usageMonthly.customerId, id), gte(s.usageMonthly.month, from), lte(s.usageMonthly.month, to)))
            .orderBy(asc(s.usageMonthly.month))
        ),
      events: (id, since) =>
        useDb(driver, "CustomerEvent.list", async (db) => {
          const rows = await db.select().from(s.customerEvents)
            .where(and(eq(s.customerEvents.customerId, id), gte(s.customerEvents.at, new Date(since))))
            .orderBy(asc(s.customerEvents.at), asc(s.customerEvents.id))
          return rows.map((r) => ({ customerId: r.customerId, type: r.type, at: r.at.toISOString(), data: r.data }))
        }),
      count: () => useDb(driver, "Customer.count", async (db) => (await db.select({ n: sql<number>`count(*)::int` }).from(s.customers))[0]?.n ?? 0)
    },

    customerGroups: pgEntityStore<CustomerGroup, { readonly validOn?: string }>(driver, {
      entity: "CustomerGroup",
      table: s.customerGroups,
      toRow: (g) => ({ id: g.id, version: g.version, data: g, validFrom: g.validFrom, validUntil: g.validUntil }),
      where: (f) => (f.validOn === undefined ? [] : [lte(s.customerGroups.validFrom, f.validOn), gte(s.customerGroups.validUntil, f.validOn)]),
      sortColumns: [s.customerGroups.id],
      sortKey: sortKeys.customerGroup
    })
  }
}
