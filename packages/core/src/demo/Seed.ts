/**
 * Writes a demo data set into any {@link Stores}: org, offers, then customers with their monthly
 * and daily usage and events, chunk by chunk (500 customers per write by default), so memory stays
 * flat however many customers are seeded. Seed into empty stores: ids are fixed, and inserting an
 * existing team, manager or offer fails with `Conflict`.
 */
import { Effect } from "effect"
import { type Conflict, StorageError } from "../shared/Errors"
import type { Stores } from "../ports/Stores"
import type { CustomerEvent, UsageDay, UsageMonth } from "../customer/Usage"
import type { Customer } from "../customer/Customer"
import { generateDemo } from "./Generate"
import type { DemoOptionsInput } from "./Options"
import type { DemoLogins } from "./Org"

/**
 * What {@link seedDemoData} wrote, and who to sign in as.
 *
 * @example
 * ```ts
 * const summary = await seedDemoData(stores, { customers: 200 })
 * summary.logins.agent // "m-beijing-d1-s1-a01"
 * ```
 */
export interface DemoSeedSummary {
  readonly teams: number
  readonly managers: number
  readonly offers: number
  readonly customers: number
  readonly usageMonths: number
  readonly usageDays: number
  readonly events: number
  readonly logins: DemoLogins
}

/**
 * One batch of generated facts for a {@link DemoFactsLoader}: consecutive customers with their
 * monthly and daily usage and their events.
 *
 * @example
 * ```ts
 * const batch: DemoFactsBatch = { customers: [], months: [], days: [], events: [] }
 * ```
 */
export interface DemoFactsBatch {
  readonly customers: ReadonlyArray<Customer>
  readonly months: ReadonlyArray<UsageMonth>
  readonly days: ReadonlyArray<UsageDay>
  readonly events: ReadonlyArray<CustomerEvent>
}

/**
 * A bulk writer for the demo's facts (customers, usage, events), used instead of the stores'
 * batched upserts when a storage has a faster path (PGlite: binary `COPY` in one transaction, see
 * `pgliteDemoLoader` in @winback/adapters). It consumes `batches` lazily, so memory stays flat,
 * and writes all of them or none.
 *
 * @example
 * ```ts
 * import { pgliteDemoLoader } from "@winback/adapters"
 * await seedDemoData(storage.stores, { customers: 100_000 }, { loader: pgliteDemoLoader(storage) })
 * ```
 */
export interface DemoFactsLoader {
  readonly load: (batches: Iterable<DemoFactsBatch>) => Promise<void>
}

/**
 * Options of the seeding itself (the data are chosen by the {@link DemoOptionsInput}).
 *
 * @example
 * ```ts
 * await seedDemoData(stores, { customers: 10_000 }, { batchSize: 1000, onProgress: (n) => console.log(n) })
 * ```
 */
export interface DemoSeedOptions {
  /** Customers per write (their days, months and events go in the same round). Default 500. */
  readonly batchSize?: number
  /** Called after each batch with the number of customers written so far. */
  readonly onProgress?: (customersWritten: number) => void
  /** Writes the facts in bulk instead of through the stores (the org and offers still go through the stores). */
  readonly loader?: DemoFactsLoader
}

/**
 * The Effect version of {@link seedDemoData}.
 *
 * @example
 * ```ts
 * const summary = yield* seedDemo(stores, { customers: 200 })
 * ```
 */
export const seedDemo = (
  stores: Stores,
  input: DemoOptionsInput = {},
  seedOptions: DemoSeedOptions = {}
): Effect.Effect<DemoSeedSummary, StorageError | Conflict> =>
  Effect.gen(function* () {
    const demo = generateDemo(input)
    for (const m of demo.org.managers) yield* stores.managers.insert(m)
    for (const t of demo.org.teams) yield* stores.teams.insert(t)
    for (const o of demo.offers) yield* stores.offers.insert(o)
    let customers = 0
    let usageMonths = 0
    let usageDays = 0
    let events = 0
    const batches = function* (): Generator<DemoFactsBatch> {
      for (const chunk of demo.chunks({ chunkSize: seedOptions.batchSize ?? 500 })) {
        const cs: Array<Customer> = []
        const ms: Array<UsageMonth> = []
        const ds: Array<UsageDay> = []
        const es: Array<CustomerEvent> = []
        for (const c of chunk.customers) {
          cs.push(c.customer)
          for (const m of c.months) ms.push(m)
          for (const d of c.days) ds.push(d)
          for (const e of c.events) es.push(e)
        }
        yield { customers: cs, months: ms, days: ds, events: es }
        customers += cs.length
        usageMonths += ms.length
        usageDays += ds.length
        events += es.length
        seedOptions.onProgress?.(customers)
      }
    }
    const loader = seedOptions.loader
    if (loader !== undefined) {
      yield* Effect.tryPromise({
        try: () => loader.load(batches()),
        catch: (cause) => (cause instanceof StorageError ? cause : new StorageError({ reason: "Unknown", operation: "Demo.bulkLoad", cause }))
      })
    } else {
      for (const b of batches()) {
        yield* stores.customers.upsertCustomers(b.customers)
        if (b.months.length > 0) yield* stores.customers.upsertUsageMonths(b.months)
        if (b.days.length > 0) yield* stores.customers.upsertUsageDays(b.days)
        if (b.events.length > 0) yield* stores.customers.appendEvents(b.events)
      }
    }
    return {
      teams: demo.org.teams.length,
      managers: demo.org.managers.length,
      offers: demo.offers.length,
      customers,
      usageMonths,
      usageDays,
      events,
      logins: demo.org.logins
    }
  })

/**
 * Seeds a demo data set into any {@link Stores} (memory, PGlite, PostgreSQL or a host's own) and
 * resolves with a summary: counts and the demo logins.
 *
 * @example
 * ```ts
 * import { makeMemoryStores } from "@winback/adapters"
 * import { seedDemoData } from "@winback/core/demo"
 * const stores = makeMemoryStores()
 * const summary = await seedDemoData(stores, { seed: 1, customers: 2000, asOf: "2026-11-25" })
 * console.log(summary.customers, summary.usageDays, summary.logins.director)
 * ```
 */
export const seedDemoData = (stores: Stores, input: DemoOptionsInput = {}, seedOptions: DemoSeedOptions = {}): Promise<DemoSeedSummary> =>
  Effect.runPromise(seedDemo(stores, input, seedOptions))

/**
 * Applies the demo outcomes that happen after `after` (default asOf) and up to `until`: upserts
 * each changed customer row and appends its `status-changed` event, so effect tracking can be run
 * "later". Resolves with the number of customers changed.
 *
 * @example
 * ```ts
 * await seedDemoData(stores, options)
 * const changed = await applyDemoOutcomes(stores, options, { until: "2027-02-25" })
 * ```
 */
export const applyDemoOutcomes = (
  stores: Stores,
  input: DemoOptionsInput,
  range: { readonly until: string; readonly after?: string },
  seedOptions: Pick<DemoSeedOptions, "batchSize"> = {}
): Promise<number> =>
  Effect.runPromise(
    Effect.gen(function* () {
      const demo = generateDemo(input)
      const size = seedOptions.batchSize ?? 500
      let cs: Array<Customer> = []
      let es: Array<CustomerEvent> = []
      let changed = 0
      const flush = Effect.gen(function* () {
        if (cs.length === 0) return
        yield* stores.customers.upsertCustomers(cs)
        yield* stores.customers.appendEvents(es)
        changed += cs.length
        cs = []
        es = []
      })
      for (const change of demo.statusChanges(range)) {
        cs.push(change.customer)
        es.push(change.event)
        if (cs.length >= size) yield* flush
      }
      yield* flush
      return changed
    })
  )
