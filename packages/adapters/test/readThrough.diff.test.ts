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
import { catalogue, dayNumber, instantiate, isoDay, isoMonth, monthNumber } from "@winback/rules"
import { sqlCandidateSource } from "../src/pipeline/SqlCandidateSource"
import type { OpenStorage } from "../src/pg/PgStorage"
import { differentialStorages } from "./support"

const AS_OF = "2026-03-15"
const BASE = dayNumber(AS_OF)
const rules = catalogue.map((t) => instantiate(t).rule)

const amount = fc.oneof(fc.constantFrom(0, 30, 70, 95, 100, 126, 180, 300, 900), fc.integer({ min: 0, max: 100_000 }).map((c) => c / 100))
const eventTypes = ["activated", "suspension-requested", "cancel-requested", "complaint-resolved", "payment-reminder-sent"] as const

interface Generated {
  readonly customer: Customer
  readonly days: ReadonlyArray<UsageDay>
  readonly months: ReadonlyArray<UsageMonth>
  readonly events: ReadonlyArray<CustomerEvent>
}

const customerArb = (id: string): fc.Arbitrary<Generated> =>
  fc
    .record({
      tier: fc.constantFrom("regular", "silver", "gold", "diamond"),
      lineStatus: fc.constantFrom("active", "suspended", "pre-cancel", "cancelled"),
      paymentType: fc.constantFrom("prepaid", "postpaid"),
      contractEnd: fc.option(fc.integer({ min: -20, max: 90 }), { nil: null }),
      birthday: fc.option(fc.constantFrom("1990-03-15", "1985-03-14", "2000-02-29", "1970-12-01"), { nil: null }),
      activatedOn: fc.integer({ min: -30, max: 2 }),
      days: fc.uniqueArray(fc.integer({ min: -44, max: 2 }), { maxLength: 30 }),
      dayValues: fc.array(
        fc.record({
          charge: amount,
          dataMb: amount,
          callMinutes: amount,
          outgoingCalls: fc.integer({ min: 0, max: 2 }),
          competitorCallSeconds: fc.integer({ min: 0, max: 40 }),
          forwardedToOtherOperator: fc.boolean(),
          reminderSmsDelivered: fc.boolean()
        }),
        { minLength: 30, maxLength: 30 }
      ),
      months: fc.uniqueArray(fc.integer({ min: -10, max: 0 }), { maxLength: 8 }),
      monthValues: fc.array(
        fc.record({
          billAmount: amount,
          dataMb: amount,
          callMinutes: amount,
          forwardedDays: fc.integer({ min: 0, max: 5 }),
          silentDays: fc.integer({ min: 0, max: 12 }),
          billDay: fc.integer({ min: 1, max: 6 }),
          paidAfter: fc.option(fc.integer({ min: 0, max: 40 }), { nil: null })
        }),
        { minLength: 8, maxLength: 8 }
      ),
      events: fc.array(fc.record({ type: fc.constantFrom(...eventTypes), offset: fc.integer({ min: -20, max: 1 }), minute: fc.integer({ min: 0, max: 1439 }) }), {
        maxLength: 3
      })
    })
    .map((r) => {
      const lastMonth = monthNumber("2026-02")
      return {
        customer: {
          id,
          name: `Customer ${id}`,
          phones: ["+4940123456"],
          region: "north",
          tier: r.tier,
          lineStatus: r.lineStatus,
          paymentType: r.paymentType,
          contractEnd: r.contractEnd === null ? null : isoDay(BASE + r.contractEnd),
          birthday: r.birthday,
          activatedOn: isoDay(BASE + r.activatedOn),
          ownerManagerId: null,
          preferredChannel: null,
          tariffSensitivity: null,
          creditLevel: null,
          timeZone: "UTC",
          version: 1
        },
        days: r.days.map((o, i) => ({ customerId: id, day: isoDay(BASE + o), ...r.dayValues[i]! })),
        months: r.months.map((o, i) => {
          const v = r.monthValues[i]!
          const m = lastMonth + o
          const billDate = `${isoMonth(m + 1)}-0${v.billDay}`
          return {
            customerId: id,
            month: isoMonth(m),
            billAmount: v.billAmount,
            dataMb: v.dataMb,
            callMinutes: v.callMinutes,
            competitorCallSeconds: 0,
            forwardedDays: v.forwardedDays,
            silentDays: v.silentDays,
            billDate,
            dueDate: isoDay(dayNumber(billDate) + 19),
            paidDate: v.paidAfter === null ? null : isoDay(dayNumber(billDate) + v.paidAfter)
          }
        }),
        events: r.events.map((e) => ({ customerId: id, type: e.type, at: new Date((BASE + e.offset) * 86_400_000 + e.minute * 60_000).toISOString(), data: {} }))
      }
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

const withId = (g: Generated, id: string): Generated => ({
  customer: { ...g.customer, id },
  days: g.days.map((d) => ({ ...d, customerId: id })),
  months: g.months.map((m) => ({ ...m, customerId: id })),
  events: g.events.map((e) => ({ ...e, customerId: id }))
})

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
        const data = generated.map((g) => withId(g, prefix + g.customer.id))
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
