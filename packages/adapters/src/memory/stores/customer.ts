/**
 * The customer aggregate in memory: customers with their usage history and events, and customer groups.
 */
import { type Customer, type CustomerEvent, type CustomerScopeFilter, openWorkItemStates, type Stores, type UsageDay, type UsageMonth, type WorkItem } from "@winback/core"
import { sortKeys } from "../../internal/sortKeys"
import { matchesList, memoryEntityStore, pageOf } from "../entityStore"
import type { MemoryDb } from "../MemoryDb"

const mergeSorted = <A>(current: ReadonlyArray<A> | undefined, incoming: ReadonlyArray<A>, key: (a: A) => string): ReadonlyArray<A> => {
  const m = new Map<string, A>()
  for (const a of current ?? []) m.set(key(a), a)
  for (const a of incoming) m.set(key(a), a)
  return [...m.values()].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
}

const groupBy = <A>(rows: ReadonlyArray<A>, key: (a: A) => string): Map<string, Array<A>> => {
  const m = new Map<string, Array<A>>()
  for (const r of rows) {
    const k = key(r)
    const l = m.get(k)
    if (l) l.push(r)
    else m.set(k, [r])
  }
  return m
}

/**
 * The customers holding open work (state `open` or `in-progress`) assigned to one of `assigneeIds`:
 * the read access that holding work grants (see `CustomerScopeFilter.openWorkOf`).
 *
 * @example
 * ```ts
 * const held = openWorkCustomers(db, inScope.openWorkOf)
 * ```
 */
export const openWorkCustomers = (db: MemoryDb, assigneeIds: ReadonlyArray<string> | undefined): ReadonlySet<string> => {
  const held = new Set<string>()
  if (assigneeIds === undefined || assigneeIds.length === 0) return held
  const who = new Set(assigneeIds)
  for (const w of db.table<WorkItem>("work_items").values()) {
    if (w.assigneeId !== null && who.has(w.assigneeId) && openWorkItemStates.includes(w.state)) held.add(w.customerId)
  }
  return held
}

/**
 * Whether customer `c` is in `inScope`, `held` being {@link openWorkCustomers} of its `openWorkOf`
 * (the SQL stores apply the same rule in their query).
 *
 * @example
 * ```ts
 * inCustomerScope(c, inScope, openWorkCustomers(db, inScope.openWorkOf))
 * ```
 */
export const inCustomerScope = (c: Customer, inScope: CustomerScopeFilter, held: ReadonlySet<string>): boolean =>
  (c.ownerManagerId !== null ? inScope.ownerManagerIds.includes(c.ownerManagerId) : inScope.unownedRegions.includes(c.region)) || held.has(c.id)

/**
 * The in-memory `customers` and `customerGroups` stores over `db` (composed by {@link makeMemoryStores}).
 *
 * @example
 * ```ts
 * const { customers } = customerStores(new MemoryDb())
 * await Effect.runPromise(customers.upsertCustomers([customer]))
 * ```
 */
export const customerStores = (db: MemoryDb): Pick<Stores, "customers" | "customerGroups"> => {
  type CustomerFilter = import("@winback/core").CustomerFilter
  const customerMatches = (c: Customer, f: CustomerFilter, held: ReadonlySet<string>) =>
    matchesList(f.ids, c.id) && (f.ownerManagerIds === undefined || (c.ownerManagerId !== null && f.ownerManagerIds.includes(c.ownerManagerId))) &&
    (f.region === undefined || c.region === f.region) && matchesList(f.tiers, c.tier) &&
    (f.phones === undefined || c.phones.some((p) => f.phones!.includes(p))) &&
    (f.inScope === undefined || inCustomerScope(c, f.inScope, held))
  const customerBase = memoryEntityStore<Customer, CustomerFilter>(db, {
    entity: "Customer",
    table: "customers",
    sortKey: sortKeys.customer,
    matches: (c, f) => customerMatches(c, f, openWorkCustomers(db, f.inScope?.openWorkOf))
  })
  const customers = {
    ...customerBase,
    // The open-work set once per list, not once per customer.
    list: (f: CustomerFilter, page?: import("@winback/core").PageRequest) =>
      db.op(() => {
        const held = openWorkCustomers(db, f.inScope?.openWorkOf)
        return pageOf(db.table<Customer>("customers").values(), (c) => customerMatches(c, f, held), sortKeys.customer, page)
      })
  }

  return {
    customers: {
      ...customers,
      upsertCustomers: (list) =>
        db.op(() => {
          for (const c of list) {
            const current = db.table<Customer>("customers").get(c.id)
            db.write("customers", c.id, current ? { ...c, version: current.version + 1 } : c)
          }
        }),
      upsertUsageDays: (days) =>
        db.op(() => {
          for (const [id, rows] of groupBy(days, (d) => d.customerId)) {
            db.write("usage_days", id, mergeSorted(db.table<ReadonlyArray<UsageDay>>("usage_days").get(id), rows, (d) => d.day))
          }
        }),
      upsertUsageMonths: (months) =>
        db.op(() => {
          for (const [id, rows] of groupBy(months, (m) => m.customerId)) {
            db.write("usage_months", id, mergeSorted(db.table<ReadonlyArray<UsageMonth>>("usage_months").get(id), rows, (m) => m.month))
          }
        }),
      appendEvents: (events) =>
        db.op(() => {
          for (const [id, rows] of groupBy(events, (e) => e.customerId)) {
            const current = db.table<ReadonlyArray<CustomerEvent>>("events").get(id) ?? []
            db.write("events", id, [...current, ...rows].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)))
          }
        }),
      usageDays: (id, from, to) => db.op(() => (db.table<ReadonlyArray<UsageDay>>("usage_days").get(id) ?? []).filter((d) => d.day >= from && d.day <= to)),
      usageMonths: (id, from, to) =>
        db.op(() => (db.table<ReadonlyArray<UsageMonth>>("usage_months").get(id) ?? []).filter((m) => m.month >= from && m.month <= to)),
      events: (id, since) => db.op(() => (db.table<ReadonlyArray<CustomerEvent>>("events").get(id) ?? []).filter((e) => e.at >= since)),
      count: () => db.op(() => db.table("customers").size)
    },

    customerGroups: memoryEntityStore(db, {
      entity: "CustomerGroup",
      table: "customer_groups",
      sortKey: sortKeys.customerGroup,
      matches: (g, f) => f.validOn === undefined || (g.validFrom <= f.validOn && f.validOn <= g.validUntil)
    })
  }
}
