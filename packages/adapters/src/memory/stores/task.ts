/**
 * The task aggregate in memory: tasks, and the hand-out ledger keyed by (customer, period).
 */
import type { ClaimResult, HandOutLedgerEntry, Stores } from "@winback/core"
import { sortKeys } from "../../internal/sortKeys"
import { matchesList, memoryEntityStore, pageOf } from "../entityStore"
import type { MemoryDb } from "../MemoryDb"

/**
 * The in-memory `tasks` and `ledger` stores over `db` (composed by {@link makeMemoryStores}).
 *
 * @example
 * ```ts
 * const { ledger } = taskStores(new MemoryDb())
 * const result = await Effect.runPromise(ledger.claim(entry)) // { claimed: true, entry } for the first claimant
 * ```
 */
export const taskStores = (db: MemoryDb): Pick<Stores, "tasks" | "ledger"> => {
  const ledgerKey = (customerId: string, period: string) => `${customerId}\u0000${period}`
  const ledgerRows = () => db.table<HandOutLedgerEntry>("ledger")

  return {
    tasks: memoryEntityStore(db, {
      entity: "Task",
      table: "tasks",
      sortKey: sortKeys.task,
      matches: (t, f) => matchesList(f.statuses, t.status) && matchesList(f.sources, t.source)
    }),

    ledger: {
      claim: (entry) =>
        db.op((): ClaimResult => {
          const key = ledgerKey(entry.customerId, entry.period)
          const holder = ledgerRows().get(key)
          if (holder) return { claimed: false, holder }
          db.write("ledger", key, entry)
          return { claimed: true, entry }
        }),
      get: (customerId, period) => db.op(() => ledgerRows().get(ledgerKey(customerId, period))),
      coolingDown: (ids, at) =>
        db.op(() => {
          const wanted = new Set(ids)
          return [...ledgerRows().values()].filter((e) => wanted.has(e.customerId) && e.cooldownUntil > at)
            .sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : a.period < b.period ? -1 : 1))
        }),
      listByPeriod: (period, page) => db.op(() => pageOf(ledgerRows().values(), (e) => e.period === period, sortKeys.ledger, page))
    }
  }
}
