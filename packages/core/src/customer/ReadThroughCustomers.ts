/**
 * Read-through mode's customer store: every customer and usage read of the pipeline (scope checks,
 * extraction's owners and regions, work lists, contact checks) goes to the host ports, so Winback
 * holds no copy of the host's customers or usage. Writes are refused: the host is the system of
 * record, and a customer edit belongs in the host's own screens.
 */
import { Clock, Effect, Layer } from "effect"
import { CustomerDirectory, UsageHistoryReader } from "../ports/HostDirectories"
import { StorageError } from "../shared/Errors"
import { decodeCursor, encodeCursor, type Page, type PageRequest } from "../shared/Page"
import { compareIds } from "../task/Candidates"
import { openWorkItemStates } from "../work/WorkItem"
import { WorkItemStore } from "../work/WorkItemStore"
import type { Customer } from "./Customer"
import { type CustomerFilter, CustomerStore } from "./CustomerStore"
import { serviceLayer } from "../shared/ServiceLayer"
import { readAllPages } from "../shared/ReadAll"

const DAY_MS = 86_400_000
const dayNo = (day: string): number => Math.floor(Date.parse(`${day.slice(0, 10)}T00:00:00.000Z`) / DAY_MS)
const monthNo = (month: string): number => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1
/** The last day of a `YYYY-MM` month. */
const monthEnd = (month: string): string => {
  const next = monthNo(month) + 1
  return new Date(Date.UTC(Math.floor(next / 12), next % 12, 0)).toISOString().slice(0, 10)
}

const refused = (method: string) =>
  Effect.fail(
    new StorageError({
      reason: "Constraint",
      operation: `CustomerStore.${method}`,
      cause: new Error("read-through mode: the host owns customers and usage; change them in the host, Winback reads them through its ports")
    })
  )

/**
 * The customer store of read-through mode over `CustomerDirectory` (which must have `list` for
 * unfiltered lists and counts), `UsageHistoryReader`, and Winback's `WorkItemStore` for the
 * open-work part of a scope. Lists keep the store contract (id order, keyset pages); a list
 * without `ids` reads every customer from the host, so agents' unfiltered customer lists cost a
 * full read of the host's customers (lists by id, the pipeline's common case, read only those).
 *
 * @example
 * ```ts
 * const customers = readThroughCustomerStore.pipe(Layer.provide(Layer.merge(hostPortsLayer(host), storesLayer(stores))))
 * ```
 */
export const readThroughCustomerStore: Layer.Layer<CustomerStore, never, CustomerDirectory | UsageHistoryReader | WorkItemStore> = serviceLayer(
  CustomerStore,
  { directory: CustomerDirectory, usage: UsageHistoryReader, workItems: WorkItemStore },
  ({ directory, usage, workItems }) => Effect.gen(function* () {
    const everyCustomer = Effect.gen(function* () {
      const list = directory.list
      if (list === undefined)
        return yield* new StorageError({ reason: "Unknown", operation: "CustomerStore.list", cause: new Error("read-through mode needs the host's customers.list to list customers") })
      return yield* readAllPages((page) => list(page))
    })

    /** Of `ids`, those with an open work item held by one of `assignees`. */
    const heldBy = (ids: ReadonlyArray<string>, assignees: ReadonlyArray<string> | undefined) =>
      Effect.gen(function* () {
        const held = new Set<string>()
        if (assignees === undefined || assignees.length === 0 || ids.length === 0) return held
        const who = new Set(assignees)
        for (let i = 0; i < ids.length; i += 500) {
          let cursor: string | null = null
          do {
            const page: Page<{ readonly customerId: string; readonly assigneeId: string | null }> = yield* workItems.list(
              { customerIds: ids.slice(i, i + 500), states: openWorkItemStates },
              { limit: 1000, cursor }
            )
            for (const w of page.items) if (w.assigneeId !== null && who.has(w.assigneeId)) held.add(w.customerId)
            cursor = page.nextCursor
          } while (cursor)
        }
        return held
      })

    const list = Effect.fn("ReadThroughCustomerStore.list")(function* (f: CustomerFilter, page?: PageRequest) {
      const limit = page?.limit ?? 50
      const after = decodeCursor(page?.cursor)?.[0]
      const pool = f.ids !== undefined ? yield* directory.getMany(f.ids) : yield* everyCustomer
      const plain = pool.filter(
        (c) =>
          (typeof after !== "string" || c.id > after) &&
          (f.ownerManagerIds === undefined || (c.ownerManagerId !== null && f.ownerManagerIds.includes(c.ownerManagerId))) &&
          (f.region === undefined || c.region === f.region) &&
          (f.tiers === undefined || f.tiers.includes(c.tier))
      )
      const scope = f.inScope
      const owned = (c: Customer) =>
        scope === undefined || (c.ownerManagerId !== null ? scope.ownerManagerIds.includes(c.ownerManagerId) : scope.unownedRegions.includes(c.region))
      const held = yield* heldBy(plain.filter((c) => !owned(c)).map((c) => c.id), scope?.openWorkOf)
      const sorted = [...new Map(plain.filter((c) => owned(c) || held.has(c.id)).map((c) => [c.id, c])).values()].sort((a, b) => compareIds(a.id, b.id))
      const items = sorted.slice(0, limit)
      return { items, nextCursor: sorted.length > limit ? encodeCursor([items.at(-1)!.id]) : null }
    })

    const history = (customerId: string, asOf: string, dayWindow: number, monthWindow: number) =>
      usage.history(customerId, { asOf, dayWindow: Math.max(1, dayWindow), monthWindow: Math.max(0, monthWindow) })

    return CustomerStore.of({
      get: directory.get,
      getMany: directory.getMany,
      list,
      count: () => Effect.map(everyCustomer, (all) => all.length),
      usageDays: (customerId, fromDay, toDay) =>
        Effect.map(history(customerId, toDay, dayNo(toDay) - dayNo(fromDay) + 1, 0), (h) => h.days.filter((d) => fromDay <= d.day && d.day <= toDay)),
      usageMonths: (customerId, fromMonth, toMonth) =>
        Effect.map(history(customerId, monthEnd(toMonth), 1, monthNo(toMonth) - monthNo(fromMonth) + 1), (h) =>
          h.months.filter((m) => fromMonth <= m.month && m.month <= toMonth)
        ),
      events: (customerId, since) =>
        Effect.gen(function* () {
          const today = new Date(yield* Clock.currentTimeMillis).toISOString().slice(0, 10)
          const h = yield* history(customerId, today, dayNo(today) - dayNo(since) + 1, 0)
          return h.events.filter((e) => e.at >= since)
        }),
      insert: () => refused("insert"),
      update: () => refused("update"),
      upsertCustomers: () => refused("upsertCustomers"),
      upsertUsageDays: () => refused("upsertUsageDays"),
      upsertUsageMonths: () => refused("upsertUsageMonths"),
      appendEvents: () => refused("appendEvents")
    })
  })
)
