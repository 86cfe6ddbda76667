/**
 * Generated customers with usage, as the rules package reads them (`CustomerFacts`): the data of
 * the differential tests (memory evaluator vs SQL, read-through vs replica). Days and events lie
 * around BASE (2026-03-15), billing months up to February 2026 by default.
 */
import { type CustomerFacts, dayNumber, isoDay, isoMonth, monthNumber } from "@winback/rules"
import fc from "fast-check"

/** The day the generated data is centred on, as a day number. */
export const BASE = dayNumber("2026-03-15")

// Metric values as hosts feed them: 0 or at least 0.001 (PostgreSQL raises on float overflow and
// underflow where JS yields Infinity or 0, so sub-normal inputs are outside the contract; see README).
const amount = fc.oneof(
  fc.constantFrom(0, 0.1, 0.2, 0.3, 1 / 3, 30, 70, 95, 100, 126, 180, 300, 900),
  fc.double({ min: 0.001, max: 1000, noNaN: true, noDefaultInfinity: true }),
  fc.integer({ min: 0, max: 100_000 }).map((c) => c / 100)
)
const small = fc.integer({ min: 0, max: 40 })
const dayIso = (lo: number, hi: number) => fc.integer({ min: lo, max: hi }).map((o) => isoDay(BASE + o))
export const eventTypes = ["activated", "suspension-requested", "cancel-requested", "complaint-resolved", "payment-reminder-sent"] as const

/** One generated customer with id `id`; `monthOffsets` bounds its billing months around 2026-02. */
export const customerArb = (id: string, monthOffsets: { readonly min: number; readonly max: number } = { min: -10, max: 0 }): fc.Arbitrary<CustomerFacts> =>
  fc
    .record({
      tier: fc.constantFrom("regular", "silver", "gold", "diamond", "vip"),
      region: fc.constantFrom("north", "south", "east"),
      lineStatus: fc.constantFrom("active", "suspended", "pre-cancel", "cancelled"),
      paymentType: fc.constantFrom("prepaid", "postpaid"),
      contractEnd: fc.option(dayIso(-20, 90), { nil: null }),
      birthday: fc.option(fc.oneof(fc.constantFrom("2000-02-29", "1990-03-10", "1985-02-28", "1970-03-01"), dayIso(-9000, -7000)), { nil: null }),
      activatedOn: dayIso(-30, 2),
      preferredChannel: fc.option(fc.constantFrom("phone", "sms", "visit"), { nil: null }),
      days: fc.uniqueArray(fc.integer({ min: -44, max: 2 }), { maxLength: 40 }),
      dayValues: fc.array(
        fc.record({
          charge: amount,
          dataMb: amount,
          callMinutes: amount,
          outgoingCalls: fc.integer({ min: 0, max: 2 }),
          competitorCallSeconds: small,
          forwardedToOtherOperator: fc.boolean(),
          reminderSmsDelivered: fc.boolean()
        }),
        { minLength: 40, maxLength: 40 }
      ),
      months: fc.uniqueArray(fc.integer(monthOffsets), { maxLength: 11 }),
      monthValues: fc.array(
        fc.record({
          billAmount: amount,
          dataMb: amount,
          callMinutes: amount,
          competitorCallSeconds: small,
          forwardedDays: fc.integer({ min: 0, max: 5 }),
          silentDays: fc.integer({ min: 0, max: 5 }),
          billDay: fc.integer({ min: 1, max: 6 }),
          paidAfter: fc.option(fc.integer({ min: 0, max: 40 }), { nil: null })
        }),
        { minLength: 11, maxLength: 11 }
      ),
      events: fc.array(
        fc.record({ type: fc.constantFrom(...eventTypes), offset: fc.integer({ min: -20, max: 1 }), minute: fc.integer({ min: 0, max: 1439 }) }),
        { maxLength: 4 }
      )
    })
    .map((r) => {
      const lastMonth = monthNumber("2026-02")
      return {
        customer: {
          id,
          name: `c ${id}`,
          tier: r.tier,
          region: r.region,
          lineStatus: r.lineStatus,
          paymentType: r.paymentType,
          contractEnd: r.contractEnd,
          birthday: r.birthday,
          activatedOn: r.activatedOn,
          ownerManagerId: null,
          preferredChannel: r.preferredChannel,
          tariffSensitivity: null,
          creditLevel: null,
          timeZone: "UTC"
        },
        daily: r.days.map((o, i) => ({ day: isoDay(BASE + o), ...r.dayValues[i]! })),
        monthly: r.months.map((o, i) => {
          const v = r.monthValues[i]!
          const m = lastMonth + o
          const billDate = `${isoMonth(m + 1)}-0${v.billDay}`
          return {
            month: isoMonth(m),
            billAmount: v.billAmount,
            dataMb: v.dataMb,
            callMinutes: v.callMinutes,
            competitorCallSeconds: v.competitorCallSeconds,
            forwardedDays: v.forwardedDays,
            silentDays: v.silentDays,
            billDate,
            dueDate: isoDay(dayNumber(billDate) + 19),
            paidDate: v.paidAfter === null ? null : isoDay(dayNumber(billDate) + v.paidAfter)
          }
        }),
        events: r.events.map((e) => ({ type: e.type, at: new Date((BASE + e.offset) * 86_400_000 + e.minute * 60_000).toISOString() }))
      }
    })
