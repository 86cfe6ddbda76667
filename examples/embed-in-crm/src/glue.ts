/**
 * The glue: all the CRM writes to run Winback beside it (README.md explains each line; a test keeps
 * it under 30 lines). Winback's work data (rules, tasks, work items, calls, audit) lives in its own
 * PGlite database; customers, staff and usage stay in the CRM and are read through the host ports.
 */
import { Effect } from "effect"
import { PgliteStorage, SqlCandidateSource } from "@winback/adapters"
import { createWinback, CustomerStore, IsoDate, parse, storesLayer, Transactions } from "@winback/core"
import type { Crm } from "./crm"
import { crmDirectories, crmPolicy } from "./ports"

/**
 * Starts Winback over the CRM: `as(staffCode)` is everything Winback does, acting as a CRM employee,
 * `feedDay(asOf)` hands the day's customers and usage to the rules (read through the ports).
 *
 * @example
 * ```ts
 * const { as, feedDay, dispose } = await embedWinback(crm, { dataDir: ".data/winback" })
 * ```
 */
export const embedWinback = async (crm: Crm, options: { readonly dataDir?: string } = {}) => {
  const storage = await PgliteStorage.open(options)
  const winback = await createWinback({
    storage: storesLayer(storage.stores),
    directories: crmDirectories(crm),
    policy: crmPolicy,
    candidates: SqlCandidateSource.layer(storage)
  }).catch((e: unknown) => storage.close().then(() => Promise.reject(e)))
  const feedDay = async (day: string) => {
    const asOf = parse(IsoDate, day, "feed day")
    const ids = await crm.customerNumbers()
    const customers = await winback.directories.customers.getMany(ids)
    const histories = await Promise.all(ids.map((id) => winback.directories.usage.history(id, { asOf, dayWindow: 90, monthWindow: 13 })))
    await winback.run(
      Effect.gen(function* () {
        const store = yield* CustomerStore
        yield* (yield* Transactions).transaction(Effect.andThen(store.upsertCustomers(customers), store.upsertUsageDays(histories.flatMap((h) => h.days))))
      })
    )
  }
  return { winback, as: winback.as, feedDay, dispose: () => winback.dispose().then(storage.close) }
}
