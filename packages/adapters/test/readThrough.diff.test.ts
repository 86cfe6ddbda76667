/**
 * The differential test of the two data modes: the same generated customers and usage, once fed
 * into Winback's tables (replica: PGlite, and PostgreSQL when WINBACK_TEST_DATABASE_URL is set,
 * rules pushed down by the SQL candidate source) and once behind plain async host ports
 * (read-through: pages of customers and batches of usage, the compiled memory evaluator). For
 * every template of the catalogue with its default parameters, both must pick the same customers.
 */
import { Effect, Layer } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  CandidateSource,
  type Customer,
  type CustomerEvent,
  hostPortsLayer,
  readThroughCandidateSource,
  type UsageDay,
  type UsageMonth,
  type WinbackHost
} from "@winback/core"
import { catalogue, type CustomerFacts, dayNumber, instantiate, isoDay, monthNumber } from "@winback/rules"
import { sqlCandidateSource } from "../src/pipeline/SqlCandidateSource"
import type { OpenStorage } from "../src/pg/PgStorage"
import { BASE, customerArb } from "./customerFactsArb"
import { differentialStorages } from "./support"

const AS_OF = isoDay(BASE)
const rules = catalogue.map((t) => instantiate(t).rule)

interface Generated {
  readonly customer: Customer
  readonly days: ReadonlyArray<UsageDay>
  readonly months: ReadonlyArray<UsageMonth>
  readonly events: ReadonlyArray<CustomerEvent>
}

/** The rules-level facts of the SQL differential test as Winback's records of customer `id`. */
const recordsOf = (f: CustomerFacts, id: string): Generated => ({
  customer: { ...f.customer, id, phones: [], version: 1 } as unknown as Customer,
  days: (f.daily ?? []).map((d) => ({ ...d, customerId: id }) as unknown as UsageDay),
  months: (f.monthly ?? []).map((m) => ({ ...m, customerId: id }) as unknown as UsageMonth),
  events: (f.events ?? []).map((e) => ({ customerId: id, type: e.type, at: new Date(e.at).toISOString(), data: {} }))
})

/** A host over the generated data, keeping the port contracts (pages, windows) as a CRM would. */
const hostOver = (data: ReadonlyArray<Generated>): WinbackHost => {
  const byId = new Map(data.map((g) => [g.customer.id, g]))
  const sorted = [...data].sort((a, b) => (a.customer.id < b.customer.id ? -1 : 1))
  return {
    customers: {
      getMany: async (ids) => ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!.customer] : [])),
      list: async ({ cursor, limit }) => {
        const items = sorted.filter((g) => cursor === null || g.customer.id > cursor).slice(0, limit).map((g) => g.customer)
        return { items, nextCursor: items.length === limit ? items.at(-1)!.id : null }
      }
    },
    staff: { getMany: async () => [] },
    usage: {
      historyMany: async (ids, { asOf, dayWindow, monthWindow }) => {
        const fromDay = isoDay(dayNumber(asOf) - dayWindow + 1)
        const sinceEvents = `${isoDay(dayNumber(asOf) - dayWindow)}T00:00:00.000Z`
        const toMonth = monthNumber(asOf.slice(0, 7))
        return ids.map((id) => {
          const g = byId.get(id)!
          return {
            customerId: id,
            days: g.days.filter((d) => fromDay <= d.day && d.day <= asOf).sort((a, b) => (a.day < b.day ? -1 : 1)),
            months: g.months.filter((m) => toMonth - monthWindow <= monthNumber(m.month) && monthNumber(m.month) <= toMonth).sort((a, b) => (a.month < b.month ? -1 : 1)),
            events: g.events.filter((e) => e.at >= sinceEvents).sort((a, b) => (a.at < b.at ? -1 : 1))
          }
        })
      }
    }
  }
}

const matchingOf = (source: Layer.Layer<CandidateSource>) =>
  Effect.runPromise(Effect.flatMap(CandidateSource, (s) => s.matching(rules, AS_OF)).pipe(Effect.provide(source)))

describe("read-through vs replica: both modes pick the same customers for every catalogue template", () => {
  const sql = differentialStorages()
  let run = 0

  const feed = async (storage: OpenStorage, data: ReadonlyArray<Generated>) => {
    const c = storage.stores.customers
    await Effect.runPromise(
      Effect.all([
        c.upsertCustomers(data.map((g) => g.customer)),
        c.upsertUsageDays(data.flatMap((g) => g.days)),
        c.upsertUsageMonths(data.flatMap((g) => g.months)),
        c.appendEvents(data.flatMap((g) => g.events))
      ], { discard: true })
    )
  }

  it("on generated customers (fixed seed, bounded runs)", async () => {
    // Each run's customers carry its own prefix, so one database serves every run: the replica's
    // answer is read for this run's customers only.
    const datasetArb = fc.integer({ min: 8, max: 20 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => customerArb(`c${String(i).padStart(3, "0")}`))))
    let compared = 0
    await fc.assert(
      fc.asyncProperty(datasetArb, async (generated) => {
        const prefix = `r${++run}-`
        const data = generated.map((f) => recordsOf(f, prefix + f.customer.id))
        // Read-through: through plain async host ports, a page of 7 customers at a time.
        const readThrough = await matchingOf(readThroughCandidateSource({ pageSize: 7 }).pipe(Layer.provide(hostPortsLayer(hostOver(data)))))
        for (const storage of [sql().lite, sql().pg]) {
          if (storage === undefined) continue
          await feed(storage, data)
          const replica = await matchingOf(Layer.succeed(CandidateSource, sqlCandidateSource(storage)))
          const mine = replica.map((ids) => ids.filter((id) => id.startsWith(prefix)))
          rules.forEach((_, i) => expect([catalogue[i]!.id, readThrough[i]]).toEqual([catalogue[i]!.id, mine[i]]))
        }
        compared += readThrough.reduce((n, ids) => n + ids.length, 0)
      }),
      { numRuns: 12 }
    )
    // The property is not vacuous: the runs picked customers.
    expect(compared).toBeGreaterThan(0)
  })
})
