// The fast indexing (digit-by-digit dates, numeric order checks, reused arrays, raw-facts
// evaluation that indexes only what a rule reads) against a straightforward reference: the
// indexing as first written (string sort, `Date.UTC`, every column), on messy random records.
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { type CustomerFacts, catalogue, compileRule, dayNumber, defaultFactCatalog, type IndexedFacts, indexFacts, instantiate, monthNumber } from "../src"
import { toUnits } from "../src/internal/exact"

const heavy = process.env.WINBACK_HEAVY === "1"
const runs = (n: number) => (heavy ? n * 10 : n)

// ---- the reference ---------------------------------------------------------------------------------
const refDay = (iso: string): number => Math.floor(Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / 86_400_000)
const refMonth = (iso: string): number => +iso.slice(0, 4) * 12 + (+iso.slice(5, 7) - 1)
const toNum = (v: unknown): number => (typeof v === "boolean" ? (v ? 1 : 0) : typeof v === "number" ? v : NaN)
const toDay = (v: unknown): number => (typeof v === "string" ? refDay(v) : NaN)
const byKey = <T>(rows: ReadonlyArray<T>, key: (r: T) => string): T[] => {
  const sorted = rows.slice(1).every((r, i) => !(key(rows[i]!) > key(r)))
  return sorted ? [...rows] : [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
}
const cat = defaultFactCatalog
const scaleOf = (f: { type: string; scale?: number | undefined } | undefined) => (f?.type === "number" ? f.scale : undefined)

const referenceIndex = (c: CustomerFacts): IndexedFacts => {
  const dates: Record<string, number | null> = {}
  for (const [k, f] of Object.entries(cat.attributes)) if (f.type === "date") dates[k] = typeof c.customer[k] === "string" ? refDay(c.customer[k] as string) : null
  const ds = byKey(c.daily ?? [], (r) => r.day)
  const daily: Record<string, number[]> = {}
  for (const [m, f] of Object.entries(cat.daily)) {
    const sc = scaleOf(f)
    daily[m] = ds.map((r) => (sc === undefined ? toNum(r[m]) : toUnits(toNum(r[m]), sc)))
  }
  const ms = byKey(c.monthly ?? [], (r) => r.month)
  const monthly: Record<string, number[]> = {}
  if (ms.length)
    for (const [m, f] of Object.entries(cat.monthly)) {
      if (!(m in ms[0]!)) continue
      const sc = scaleOf(f)
      monthly[m] = ms.map((r) => (f.type === "date" ? toDay(r[m]) : sc === undefined ? toNum(r[m]) : toUnits(toNum(r[m]), sc)))
    }
  const ev = (c.events ?? []).map((e) => ({ type: e.type, ms: typeof e.at === "string" ? Date.parse(e.at) : e.at.getTime() })).sort((a, b) => a.ms - b.ms)
  return {
    id: c.customer.id,
    attrs: c.customer,
    dates,
    days: ds.map((r) => refDay(r.day)),
    daily,
    months: ms.map((r) => refMonth(r.month)),
    billDays: ms.map((r) => toDay(r["billDate"])),
    monthly,
    evAt: ev.map((e) => e.ms),
    evType: ev.map((e) => e.type)
  }
}

// ---- messy records ---------------------------------------------------------------------------------
const digits = (n: number) => fc.array(fc.constantFrom(..."0123456789"), { minLength: n, maxLength: n }).map((d) => d.join(""))
/** Valid days around 2026, impossible days (2026-02-30, day 00), odd shapes. */
const dayString = fc.oneof(
  { arbitrary: fc.integer({ min: 20_000, max: 20_900 }).map((d) => new Date(d * 86_400_000).toISOString().slice(0, 10)), weight: 8 },
  { arbitrary: fc.tuple(fc.constantFrom("2025", "2026", "2024"), fc.constantFrom("01", "02", "04", "12", "13", "00"), fc.constantFrom("00", "28", "29", "30", "31", "32")).map(([y, m, d]) => `${y}-${m}-${d}`), weight: 2 },
  { arbitrary: fc.constantFrom("", "2026-1-01", "2026/11/01", "0099-03-01", "2026-11-01T00:00:00Z"), weight: 1 }
)
const monthString = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 30 }).map((i) => `${2024 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, "0")}`), weight: 8 },
  { arbitrary: fc.constantFrom("2026-00", "2026-13", "2026-1", "26-11", "2026-11-01"), weight: 1 }
)
const customers: fc.Arbitrary<CustomerFacts[]> = fc.array(
  fc.record({
    customer: fc.record({
      id: fc.string({ minLength: 1, maxLength: 4 }),
      tier: fc.constantFrom(...cat.tiers),
      lineStatus: fc.constantFrom("active", "suspended"),
      paymentType: fc.constantFrom("prepaid", "postpaid"),
      birthday: fc.option(dayString, { nil: null }),
      contractEnd: fc.option(dayString, { nil: null }),
      activatedOn: dayString
    }),
    monthly: fc.array(
      fc.record(
        {
          month: monthString,
          billAmount: fc.oneof(fc.integer({ min: 0, max: 500 }), fc.double({ min: 0, max: 500, noNaN: true }).map((x) => Math.round(x * 100) / 100)),
          dataMb: fc.integer({ min: 0, max: 9000 }),
          billDate: dayString,
          dueDate: dayString,
          paidDate: fc.option(dayString, { nil: null })
        },
        { requiredKeys: ["month", "billAmount"] }
      ),
      { maxLength: 7 }
    ),
    daily: fc.array(fc.record({ day: dayString, outgoingCalls: fc.integer({ min: 0, max: 9 }), charge: fc.integer({ min: 0, max: 900 }).map((x) => x / 100), forwardedToOtherOperator: fc.boolean() }), { maxLength: 8 }),
    events: fc.array(fc.record({ type: fc.constantFrom(...cat.eventTypes), at: dayString.map((d) => `${d}T08:00:00Z`) }), { maxLength: 3 })
  }),
  { maxLength: 8 }
)
const asOf = fc.integer({ min: 20_300, max: 20_800 }).map((d) => new Date(d * 86_400_000).toISOString().slice(0, 10))
const rules = catalogue.map((t) => ({ id: t.id, rule: compileRule(instantiate(t).rule) }))

describe("fast indexing against the reference", () => {
  it(`days and months read digit by digit equal Date.UTC's reading of any string (${runs(3000)} cases)`, () => {
    const s = fc.oneof(dayString, fc.tuple(digits(4), digits(2), digits(2)).map(([y, m, d]) => `${y}-${m}-${d}`), fc.string({ maxLength: 11 }))
    fc.assert(
      fc.property(s, (iso) => {
        expect(Object.is(dayNumber(iso), refDay(iso)), iso).toBe(true)
        const m = iso.slice(0, 7)
        expect(Object.is(monthNumber(m), refMonth(m)), m).toBe(true)
      }),
      { numRuns: runs(3000) }
    )
  })

  it(`every catalogue rule: raw facts, indexFacts and the reference indexing pick the same customers and read the same values (${runs(300)} cases)`, () => {
    fc.assert(
      fc.property(customers, asOf, (cs, day) => {
        const fast = indexFacts(cs)
        const ref = cs.map(referenceIndex)
        for (const { id, rule } of rules) {
          const want = ref.map((f) => rule.matches(f, day))
          expect(fast.map((f) => rule.matches(f, day)), id).toEqual(want)
          const test = rule.atRaw(day)
          expect(cs.map((c) => test(c)), id).toEqual(want)
          expect(rule.countRaw(cs, day), id).toBe(want.filter(Boolean).length)
          expect(rule.filterRaw(cs, day), id).toEqual(cs.filter((_, i) => want[i]))
          fast.forEach((f, i) => expect(rule.leafValues(f, day), id).toEqual(rule.leafValues(ref[i]!, day)))
        }
      }),
      { numRuns: runs(300) }
    )
  })

  it("a customer evaluated raw twice in a row, after its records changed, is read afresh", () => {
    const rule = rules.find((r) => r.id === "bill-drop")!.rule
    const c = {
      customer: { id: "1", tier: "gold", lineStatus: "active", paymentType: "postpaid" },
      monthly: [
        { month: "2026-07", billAmount: 100, billDate: "2026-08-01" },
        { month: "2026-08", billAmount: 100, billDate: "2026-09-01" },
        { month: "2026-09", billAmount: 100, billDate: "2026-10-01" },
        { month: "2026-10", billAmount: 100, billDate: "2026-11-01" }
      ]
    }
    const test = rule.atRaw("2026-11-20")
    expect(test(c)).toBe(false)
    c.monthly[3]!.billAmount = 10
    expect(test(c)).toBe(true)
    expect(rule.matches(indexFacts([c])[0]!, "2026-11-20")).toBe(true)
  })
})
