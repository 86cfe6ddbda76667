/**
 * Default host read ports over Winback's own stores, for hosts that feed customers, staff and usage
 * in daily batches instead of implementing the ports over their CRM.
 */
import { Effect, Layer } from "effect"
import { CustomerDirectory, StaffDirectory, UsageHistoryReader } from "./HostDirectories"
import { CustomerStore } from "../customer/CustomerStore"
import { ManagerStore } from "../org/ManagerStore"

const shiftDay = (day: string, days: number): string => {
  const d = new Date(`${day}T00:00:00.000Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

const shiftMonth = (month: string, months: number): string => {
  const [y, m] = month.split("-").map(Number) as [number, number]
  const idx = y * 12 + (m - 1) + months
  return `${Math.floor(idx / 12)}-${String((idx % 12) + 1).padStart(2, "0")}`
}

/**
 * The customer directory, staff directory and usage-history reader over the stores.
 *
 * @example
 * ```ts
 * const layer = directoriesFromStores.pipe(Layer.provide(PgliteStorage.layer({ dataDir })))
 * ```
 */
export const directoriesFromStores: Layer.Layer<CustomerDirectory | StaffDirectory | UsageHistoryReader, never, CustomerStore | ManagerStore> =
  Layer.mergeAll(
    Layer.effect(
      CustomerDirectory,
      Effect.map(CustomerStore, (customers) => CustomerDirectory.of({ get: customers.get, getMany: customers.getMany, list: (page) => customers.list({}, page) }))
    ),
    Layer.effect(
      StaffDirectory,
      Effect.map(ManagerStore, (managers) => StaffDirectory.of({ get: managers.get, getMany: managers.getMany }))
    ),
    Layer.effect(
      UsageHistoryReader,
      Effect.map(CustomerStore, (customers) =>
        UsageHistoryReader.of({
          history: (customerId, { asOf, dayWindow, monthWindow }) =>
            Effect.gen(function* () {
              const fromDay = shiftDay(asOf, -(dayWindow - 1))
              const toMonth = asOf.slice(0, 7)
              const days = yield* customers.usageDays(customerId, fromDay, asOf)
              const months = yield* customers.usageMonths(customerId, shiftMonth(toMonth, -monthWindow), toMonth)
              const events = yield* customers.events(customerId, `${shiftDay(asOf, -dayWindow)}T00:00:00.000Z`)
              return { customerId, days: [...days], months: [...months], events: [...events] }
            })
        })
      )
    )
  )
