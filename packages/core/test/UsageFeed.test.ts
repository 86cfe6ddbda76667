/**
 * The usage-feed parser (pure): CSV fields, headers and lines, with properties over generated
 * lines; and the service's permission and Promise-facade faces over the memory adapter.
 */
import { parse } from "csv-parse/sync"
import fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  createWinback,
  decide,
  Forbidden,
  parseFeedLine,
  Actions,
  defaultPolicy,
  readCsv,
  readFeedHeader,
  systemActor,
  usageFeedColumns,
  ValidationError,
  type Winback
} from "@winback/core"
// Test-only: core does not depend on adapters, but its facade is proven over a real adapter.
import { MemoryStorage } from "../../adapters/src/memory/MemoryStorage"
import { fixtures } from "../../adapters/src/testing/index"

const DAILY = [...usageFeedColumns.daily]
const MONTHLY = [...usageFeedColumns.monthly]
const CUSTOMERS = [...usageFeedColumns.customers]

/** A CSV field as a careful writer would write it (quoted when it holds a comma, quote or edge space). */
const quote = (s: string) => (/[",]|^\s|\s$/.test(s) || s === "" ? `"${s.replaceAll('"', '""')}"` : s)

/** One CSV line's fields (test helper: the same parser and options as the importer). */
const split = (line: string): Array<string> => (parse(line, { trim: true, relax_column_count: true }) as Array<Array<string>>)[0] ?? [""]

const records = async (text: string) => {
  const out: Array<Array<string>> = []
  for await (const r of readCsv(text)) if ("fields" in r) out.push([...r.fields])
  return out
}

describe("CSV fields", () => {
  it("splits quoted and unquoted fields, trims unquoted ones", async () => {
    expect(await records('a, b ,c\n"Li, Wei","say ""hi""",\n  " padded "  ,x\n')).toEqual([
      ["a", "b", "c"],
      ["Li, Wei", 'say "hi"', ""],
      [" padded ", "x"]
    ])
  })

  it("property: records written with RFC 4180 quoting (line breaks inside quotes included) read back identically", async () => {
    const field = fc.string({ maxLength: 20 })
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(field, { minLength: 2, maxLength: 6 }), { minLength: 1, maxLength: 5 }), async (rows) => {
        // Unquoted fields are trimmed, so the writer quotes any field with edge whitespace or a line break.
        const q = (s: string) => (/[",\r\n]|^\s|\s$/.test(s) || s === "" ? `"${s.replaceAll('"', '""')}"` : s)
        expect(await records(rows.map((r) => r.map(q).join(",")).join("\r\n"))).toEqual(rows)
      })
    )
  })
})

describe("feed headers", () => {
  it("takes the columns in any order, lower-cases them, and leaves optional ones out", () => {
    expect(readFeedHeader("monthly", MONTHLY.filter((c) => c !== "paid_date").reverse().map((c) => c.toUpperCase()), 1)).toEqual({
      columns: MONTHLY.filter((c) => c !== "paid_date").reverse()
    })
  })

  it("reports unknown, duplicate and missing columns with their names", () => {
    const r = readFeedHeader("daily", ["customer_id", "day", "day", "colour"], 1)
    expect("issues" in r && r.issues.map((i) => `${i.path.join(":")} ${i.code}`)).toEqual([
      "daily:line:1:day duplicate-column",
      "daily:line:1:colour unknown-column",
      "daily:line:1:charge missing-column",
      "daily:line:1:data_mb missing-column",
      "daily:line:1:call_minutes missing-column",
      "daily:line:1:outgoing_calls missing-column",
      "daily:line:1:competitor_call_seconds missing-column",
      "daily:line:1:forwarded_to_other_operator missing-column",
      "daily:line:1:reminder_sms_delivered missing-column"
    ])
  })
})

describe("feed lines", () => {
  it("reads a daily line into a usage day: decimals, whole numbers, flags", () => {
    expect(parseFeedLine("daily", DAILY, 2, split("c-1,2026-11-21,4.20,310,12.5,3,75,TRUE,0"))).toEqual({
      row: { customerId: "c-1", day: "2026-11-21", charge: 4.2, dataMb: 310, callMinutes: 12.5, outgoingCalls: 3, competitorCallSeconds: 75, forwardedToOtherOperator: true, reminderSmsDelivered: false }
    })
  })

  it("reads a customer line: ';'-separated phones, empty optional columns as null", () => {
    const r = parseFeedLine("customers", CUSTOMERS, 5, split(`c-9,"Zhao, Lei", +861 ; +862 ,shanghai,vip,pre-cancel,prepaid,,1990-01-31,2018-02-28,,sms,high,,Asia/Shanghai`))
    expect(r).toEqual({
      row: {
        id: "c-9", name: "Zhao, Lei", phones: ["+861", "+862"], region: "shanghai", tier: "vip", lineStatus: "pre-cancel", paymentType: "prepaid", contractEnd: null,
        birthday: "1990-01-31", activatedOn: "2018-02-28", ownerManagerId: null, preferredChannel: "sms", tariffSensitivity: "high", creditLevel: null, timeZone: "Asia/Shanghai", version: 1
      }
    })
  })

  it("reports every bad column of a line, and never echoes a name or phone number", () => {
    const r = parseFeedLine("customers", CUSTOMERS, 7, split(`c-9,${"x".repeat(201)},12,shanghai,vip,lost,cash,2026-13-01,,,,fax,extreme,,Nowhere/City`))
    expect("issues" in r && r.issues.map((i) => `${i.path.slice(3).join("")} ${i.code}`)).toEqual([
      "name too_big",
      "phones too_small",
      "line_status invalid_value",
      "payment_type invalid_value",
      "contract_end invalid_format",
      "activated_on required",
      "preferred_channel invalid_value",
      "tariff_sensitivity invalid_value",
      "time_zone custom"
    ])
    const messages = "issues" in r ? r.issues.map((i) => i.message).join("\n") : ""
    expect(messages).not.toContain("xxxx")
    expect(messages).toContain("line 7, column activated_on: is required")
  })

  it("refuses money in other notations and counts out of range", () => {
    for (const money of ["1,5", "1e3", "-1", "12.", ".5", "1 000", "0x10", "Infinity", "12.1234567"]) {
      const r = parseFeedLine("monthly", MONTHLY, 2, split(`c-1,2026-10,${quote(money)},1,1,0,0,0,2026-11-01,2026-11-20,`))
      expect("issues" in r && r.issues[0]!.path).toEqual(["monthly", "line", 2, "bill_amount"])
    }
    const r = parseFeedLine("monthly", MONTHLY, 2, split("c-1,2026-10,1,1,1,2147483648,31,32,2026-11-01,2026-11-20,"))
    expect("issues" in r && r.issues.map((i) => i.path[3])).toEqual(["competitor_call_seconds", "silent_days"])
  })

  it("property: any fields yield a row or typed line issues, never a throw", () => {
    const kinds = [
      ["daily", DAILY],
      ["monthly", MONTHLY],
      ["customers", CUSTOMERS]
    ] as const
    const fieldText = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("", "0", "1", "true", "2026-02-29", "2026-10", "Asia/Shanghai", "active", "1e400", '"', "\u0000", "\uD800"))
    fc.assert(
      fc.property(
        fc.constantFrom(...kinds),
        fc.array(fieldText, { maxLength: 16 }),
        fc.nat({ max: 1_000_000 }),
        ([kind, header], line, no) => {
          const r = parseFeedLine(kind, header, no, line)
          if ("row" in r) return
          expect(r.issues.length).toBeGreaterThan(0)
          for (const i of r.issues) {
            expect(i.path.slice(0, 3)).toEqual([kind, "line", no])
            if (i.path[3] !== undefined) expect(header).toContain(i.path[3])
            expect(i.message.startsWith(`line ${no}`)).toBe(true)
          }
        }
      ),
      { numRuns: 2000 }
    )
  })

  it("property: a valid daily line with its fields in any column order reads to the same row", () => {
    const money = fc.tuple(fc.nat({ max: 99_999 }), fc.nat({ max: 99 })).map(([a, b]) => ({ text: `${a}.${String(b).padStart(2, "0")}`, value: (a * 100 + b) / 100 }))
    fc.assert(
      fc.property(
        money,
        money,
        fc.nat({ max: 5000 }),
        fc.boolean(),
        fc.shuffledSubarray(DAILY, { minLength: DAILY.length, maxLength: DAILY.length }),
        (charge, data, calls, forwarded, order) => {
          const values: Record<string, string> = {
            customer_id: "c-7",
            day: "2026-11-21",
            charge: charge.text,
            data_mb: data.text,
            call_minutes: "0",
            outgoing_calls: String(calls),
            competitor_call_seconds: "0",
            forwarded_to_other_operator: String(forwarded),
            reminder_sms_delivered: "0"
          }
          const r = parseFeedLine("daily", order, 2, split(order.map((c) => values[c]).join(",")))
          expect(r).toEqual({
            row: { customerId: "c-7", day: "2026-11-21", charge: charge.value, dataMb: data.value, callMinutes: 0, outgoingCalls: calls, competitorCallSeconds: 0, forwardedToOtherOperator: forwarded, reminderSmsDelivered: false }
          })
        }
      ),
      { numRuns: 1000 }
    )
  })
})

describe("permission and the Promise facade", () => {
  let winback: Winback
  beforeAll(async () => {
    winback = await createWinback({ storage: MemoryStorage.layer(), policy: defaultPolicy })
    await winback.stores.teams.insert(fixtures.team("t-a", { adminId: "m-admin" }))
    await winback.stores.managers.insert(fixtures.manager("m-admin", { roles: ["admin"], teamId: "t-a" }))
    await winback.stores.managers.insert(fixtures.manager("m-lead", { roles: ["team-leader"], teamId: "t-a" }))
    await winback.stores.managers.insert(fixtures.manager("m-dir", { roles: ["director"], teamId: "t-a" }))
  })
  afterAll(async () => {
    await winback.dispose()
  })

  it("grants the import to admins (and so to the system actor) only", () => {
    expect(decide(defaultPolicy, systemActor(), Actions.usageImport, { type: "none" }).allowed).toBe(true)
    expect(systemActor("system:cron").id).toBe("system:cron")
  })

  it("imports through winback.as(admin).feeds and refuses a leader or director with Forbidden", async () => {
    const customers = `${CUSTOMERS.join(",")}\nc-1,Li Wei,,beijing,gold,active,postpaid,,,2019-06-01,,,,,Asia/Shanghai\n`
    const report = await winback.as("m-admin").feeds.importFile({ kind: "customers", name: "c.csv", source: customers })
    expect(report).toEqual({ kind: "customers", name: "c.csv", lines: 2, rows: 1, inserted: 1, updated: 0, unchanged: 0, dryRun: false })
    expect((await winback.stores.customers.get("c-1")).name).toBe("Li Wei")
    await expect(winback.as("m-lead").feeds.importFile({ kind: "customers", source: customers })).rejects.toBeInstanceOf(Forbidden)
    await expect(winback.as("m-dir").feeds.importFiles([{ kind: "customers", source: customers }])).rejects.toBeInstanceOf(Forbidden)
    // A bad file kind or no file at all is a validation error, before any reading.
    await expect(winback.as("m-admin").feeds.importFiles([])).rejects.toBeInstanceOf(ValidationError)
    await expect(winback.as("m-admin").feeds.importFile({ kind: "weekly" as never, source: "" })).rejects.toBeInstanceOf(ValidationError)
  })
})
