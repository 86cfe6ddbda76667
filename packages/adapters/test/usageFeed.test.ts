/**
 * The usage-feed import on every adapter (memory, PGlite, PostgreSQL): good files land with exactly
 * the values written in them, every kind of bad line is reported by line and column with nothing
 * written, a bad last line of a 50,000-line file rolls the whole file back, re-imports are no-ops,
 * and fuzzed lines only ever produce line reports.
 */
import { Effect, Layer, ManagedRuntime } from "effect"
import fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  type Actor,
  Actors,
  directoriesFromStores,
  Forbidden,
  defaultPolicy,
  scopeLayer,
  type Stores,
  storesLayer,
  systemActor,
  UsageFeed,
  type UsageFeedFile,
  ValidationError
} from "@winback/core"
import { fixtures } from "../src/testing/index"
import { openMemory, openPostgres, pgliteOpener, postgresUrl } from "./support"

interface Opened {
  readonly stores: Stores
  readonly close: () => Promise<void>
}

const CUSTOMERS_HEADER =
  "id,name,phones,region,tier,line_status,payment_type,contract_end,birthday,activated_on,owner_manager_id,preferred_channel,tariff_sensitivity,credit_level,time_zone"
const DAILY_HEADER = "customer_id,day,charge,data_mb,call_minutes,outgoing_calls,competitor_call_seconds,forwarded_to_other_operator,reminder_sms_delivered"
const MONTHLY_HEADER = "customer_id,month,bill_amount,data_mb,call_minutes,competitor_call_seconds,forwarded_days,silent_days,bill_date,due_date,paid_date"

const dailyLine = (c: string, day: string, charge = "4.20") => `${c},${day},${charge},310,12.5,3,0,false,0`
const monthlyLine = (c: string, month: string, bill = "95.00") => `${c},${month},${bill},8200,310,75,0,2,${month}-28,${month}-28,`

/** Streams `text` as byte chunks of `size`, like a file read stream. */
async function* bytes(text: string, size = 4096): AsyncGenerator<Uint8Array> {
  const all = new TextEncoder().encode(text)
  for (let i = 0; i < all.length; i += size) yield all.slice(i, i + size)
}

const registerSuite = (name: string, open: () => Promise<Opened>) => {
  describe(`usage feed on ${name}`, () => {
    let opened: Opened
    let runtime: ManagedRuntime.ManagedRuntime<UsageFeed | Actors, never>
    let admin: Actor
    let agent: Actor
    const run = <A, E>(effect: Effect.Effect<A, E, UsageFeed | Actors>) => runtime.runPromise(effect)
    const importFiles = (actor: Actor, files: ReadonlyArray<UsageFeedFile>, options?: { dryRun?: boolean }) => run(Effect.flatMap(UsageFeed, (f) => f.importFiles(actor, files, options)))
    const failure = (actor: Actor, files: ReadonlyArray<UsageFeedFile>) =>
      run(Effect.flip(Effect.flatMap(UsageFeed, (f) => f.importFiles(actor, files))))
    const s = () => opened.stores
    const days = (c: string) => Effect.runPromise(s().customers.usageDays(c, "2000-01-01", "2100-01-01"))
    const months = (c: string) => Effect.runPromise(s().customers.usageMonths(c, "2000-01", "2100-01"))
    const feedAudit = async () => (await Effect.runPromise(s().audit.query({}, { limit: 1000 }))).items.filter((e) => e.action === "usage.import")
    const customerCount = () => Effect.runPromise(s().customers.count())

    beforeAll(async () => {
      opened = await open()
      runtime = ManagedRuntime.make(
        UsageFeed.layer.pipe(Layer.provideMerge(scopeLayer(defaultPolicy)), Layer.provideMerge(directoriesFromStores), Layer.provideMerge(storesLayer(opened.stores)))
      ) as never
      await Effect.runPromise(
        Effect.gen(function* () {
          yield* s().teams.insert(fixtures.team("t-a", { adminId: "m-admin" }))
          yield* s().managers.insert(fixtures.manager("m-admin", { roles: ["admin"], teamId: "t-a" }))
          yield* s().managers.insert(fixtures.manager("m-1", { roles: ["agent"], teamId: "t-a" }))
          yield* s().managers.insert(fixtures.manager("m-lead", { roles: ["team-leader"], teamId: "t-a" }))
        })
      )
      admin = await run(Effect.flatMap(Actors, (a) => a.resolve("m-admin")))
      agent = await run(Effect.flatMap(Actors, (a) => a.resolve("m-1")))
    }, 120_000)
    afterAll(async () => {
      await runtime?.dispose()
      await opened?.close()
    })

    it("imports the three files with exactly the values written in them (BOM, CRLF, quotes, optional columns)", async () => {
      const customers =
        "\uFEFF" +
        [
          CUSTOMERS_HEADER,
          `c-1,"Li, Wei",+8613800000001;+8613800000002,beijing,gold,active,postpaid,2027-01-31,1985-03-02,2019-06-01,m-1,phone,medium,A,Asia/Shanghai`,
          `c-2, "Zhang ""Xiao"" San" ,,chongqing,silver,suspended,prepaid,,,2020-02-29,,,,,Asia/Chongqing`
        ].join("\r\n") +
        "\r\n"
      // Columns in another order, optional paid_date left out.
      const daily = ["day,customer_id,charge,data_mb,call_minutes,outgoing_calls,competitor_call_seconds,forwarded_to_other_operator,reminder_sms_delivered", "2026-11-21,c-1,4.20,310,12.5,3,75,TRUE,0", "", "2026-11-20,c-2,0,0,0,0,0,false,1"].join("\n")
      const monthly = ["customer_id,month,bill_amount,data_mb,call_minutes,competitor_call_seconds,forwarded_days,silent_days,bill_date,due_date", "c-1,2026-10,129.50,8200,310,75,5,2,2026-11-01,2026-11-20"].join("\n")
      const reports = await importFiles(admin, [
        { kind: "customers", name: "customers.csv", source: bytes(customers, 7) },
        { kind: "daily", name: "daily.csv", source: daily },
        { kind: "monthly", name: "monthly.csv", source: [monthly] }
      ])
      expect(reports.map((r) => [r.kind, r.lines, r.rows, r.inserted, r.updated, r.unchanged])).toEqual([
        ["customers", 3, 2, 2, 0, 0],
        ["daily", 4, 2, 0, 0, 0],
        ["monthly", 2, 1, 0, 0, 0]
      ])
      expect(await Effect.runPromise(s().customers.getMany(["c-1", "c-2"]))).toEqual([
        {
          id: "c-1", name: "Li, Wei", phones: ["+8613800000001", "+8613800000002"], region: "beijing", tier: "gold", lineStatus: "active", paymentType: "postpaid",
          contractEnd: "2027-01-31", birthday: "1985-03-02", activatedOn: "2019-06-01", ownerManagerId: "m-1", preferredChannel: "phone", tariffSensitivity: "medium",
          creditLevel: "A", timeZone: "Asia/Shanghai", version: 1
        },
        {
          id: "c-2", name: 'Zhang "Xiao" San', phones: [], region: "chongqing", tier: "silver", lineStatus: "suspended", paymentType: "prepaid", contractEnd: null,
          birthday: null, activatedOn: "2020-02-29", ownerManagerId: null, preferredChannel: null, tariffSensitivity: null, creditLevel: null, timeZone: "Asia/Chongqing", version: 1
        }
      ])
      expect(await days("c-1")).toEqual([
        { customerId: "c-1", day: "2026-11-21", charge: 4.2, dataMb: 310, callMinutes: 12.5, outgoingCalls: 3, competitorCallSeconds: 75, forwardedToOtherOperator: true, reminderSmsDelivered: false }
      ])
      expect(await days("c-2")).toEqual([
        { customerId: "c-2", day: "2026-11-20", charge: 0, dataMb: 0, callMinutes: 0, outgoingCalls: 0, competitorCallSeconds: 0, forwardedToOtherOperator: false, reminderSmsDelivered: true }
      ])
      expect(await months("c-1")).toEqual([
        { customerId: "c-1", month: "2026-10", billAmount: 129.5, dataMb: 8200, callMinutes: 310, competitorCallSeconds: 75, forwardedDays: 5, silentDays: 2, billDate: "2026-11-01", dueDate: "2026-11-20", paidDate: null }
      ])
      const audit = await feedAudit()
      expect(audit.map((e) => [e.actorId, e.recordType, e.category])).toEqual([
        ["m-admin", "UsageFeed", "customer"],
        ["m-admin", "UsageFeed", "customer"],
        ["m-admin", "UsageFeed", "customer"]
      ])
      expect(audit.map((e) => (e.after as { name: string }).name)).toEqual(["customers.csv", "daily.csv", "monthly.csv"])
    })

    it("re-importing the same files changes nothing; a later line for the same key replaces the earlier one", async () => {
      const customers = [CUSTOMERS_HEADER, `c-3,Wang Fang,+8613800000003,beijing,regular,active,prepaid,,,2021-05-05,,sms,,,Asia/Shanghai`].join("\n")
      const daily = [DAILY_HEADER, dailyLine("c-3", "2026-11-01", "1.00"), dailyLine("c-3", "2026-11-02", "2.00"), dailyLine("c-3", "2026-11-01", "9.99")].join("\n")
      const monthly = [MONTHLY_HEADER, monthlyLine("c-3", "2026-09", "50"), monthlyLine("c-3", "2026-10", "60")].join("\n")
      const files = (): Array<UsageFeedFile> => [
        { kind: "customers", source: customers },
        { kind: "daily", source: daily },
        { kind: "monthly", source: monthly }
      ]
      await importFiles(admin, files())
      const before = { c: await Effect.runPromise(s().customers.get("c-3")), d: await days("c-3"), m: await months("c-3") }
      expect(before.d.map((d) => [d.day, d.charge])).toEqual([
        ["2026-11-01", 9.99],
        ["2026-11-02", 2]
      ])
      const again = await importFiles(admin, files())
      expect(again[0]).toMatchObject({ inserted: 0, updated: 0, unchanged: 1 })
      expect({ c: await Effect.runPromise(s().customers.get("c-3")), d: await days("c-3"), m: await months("c-3") }).toEqual(before)
      expect(before.c.version).toBe(1)

      // A newer file replaces what it names and leaves the rest.
      await importFiles(admin, [
        { kind: "customers", source: customers.replace("regular", "silver") },
        { kind: "daily", source: [DAILY_HEADER, dailyLine("c-3", "2026-11-02", "7.50")].join("\n") },
        { kind: "monthly", source: [MONTHLY_HEADER, monthlyLine("c-3", "2026-10", "0")].join("\n") }
      ])
      const c3 = await Effect.runPromise(s().customers.get("c-3"))
      expect([c3.tier, c3.version]).toEqual(["silver", 2])
      expect((await days("c-3")).map((d) => [d.day, d.charge])).toEqual([
        ["2026-11-01", 9.99],
        ["2026-11-02", 7.5]
      ])
      expect((await months("c-3")).map((m) => [m.month, m.billAmount])).toEqual([
        ["2026-09", 50],
        ["2026-10", 0]
      ])
    })

    it("reports every kind of bad line with its line, column and reason, and writes nothing", async () => {
      const count = await customerCount()
      const auditBefore = (await feedAudit()).length
      const customers = [
        CUSTOMERS_HEADER,
        `c-10,Good One,+8613800000010,beijing,gold,active,postpaid,,,2019-06-01,,,,,Asia/Shanghai`,
        `c-11,Bad Status,,beijing,gold,gone,postpaid,,,2019-06-01,,,,,Asia/Shanghai`,
        `c-12,Bad Zone,,beijing,gold,active,postpaid,,,2019-06-01,,,,,Mars/Olympus`,
        `c-13,Ghost Owner,,beijing,gold,active,postpaid,,,2019-06-01,m-nobody,,,,Asia/Shanghai`,
        `c-14,Short Phone,12,beijing,gold,active,postpaid,,,2019-06-01,,,,,Asia/Shanghai`,
        `c-15,,,beijing,gold,active,postpaid,,,2019-06-01,,,,,Asia/Shanghai`
      ].join("\n")
      const daily = [
        DAILY_HEADER,
        dailyLine("c-10", "2026-11-21"),
        dailyLine("c-1", "2026-11-21", "1e3"),
        dailyLine("c-1", "2026-11-21", "-1"),
        dailyLine("c-1", "2026-02-30"),
        "c-1,2026-11-21,4.20,310,12.5,3,0,maybe,0",
        dailyLine("c-unknown", "2026-11-21"),
        "c-1,2026-11-21,4.20",
        'c-1,20"26-11-21,4.20,310,12.5,3,0,false,0',
        "c-1,2026-11-21,4.20,310,12.5,3.5,0,false,0",
        "c-1,2026-11-21,4.20,310,12.5,3,9999999999,false,0",
        `c-1,2026-11-21,4.20,310,12.5,3,0,false,0\u0000`,
        // RFC 4180: a quoted field may span lines, so a quote never closed takes the rest of the file.
        'c-1,"2026-11-21,4.20,310,12.5,3,0,false,0',
        dailyLine("c-1", "2026-11-22")
      ].join("\n")
      const monthly = [MONTHLY_HEADER, "c-1,2026-13,95,8200,310,75,0,2,2026-11-01,2026-11-20,", "c-1,2026-10,95,8200,310,75,32,2,2026-11-01,2026-11-20,", "c-1,2026-10,95,8200,310,75,0,2,2026-11-20,2026-11-01,"].join("\n")
      const e = await failure(admin, [
        { kind: "customers", source: customers },
        { kind: "daily", source: daily },
        { kind: "monthly", source: monthly }
      ])
      expect(e).toBeInstanceOf(ValidationError)
      const found = (e as ValidationError).issues.map((i) => `${i.path.join(":")} ${i.code}`)
      expect(found).toEqual([
        "customers:line:3:line_status invalid_value",
        "customers:line:4:time_zone custom",
        "customers:line:5:owner_manager_id unknown-manager",
        "customers:line:6:phones too_small",
        "customers:line:7:name required",
        "daily:line:3:charge invalid_format",
        "daily:line:4:charge invalid_format",
        "daily:line:5:day invalid_format",
        "daily:line:6:forwarded_to_other_operator invalid_value",
        "daily:line:7:customer_id unknown-customer",
        "daily:line:8 malformed",
        "daily:line:9 malformed",
        "daily:line:10:outgoing_calls invalid_format",
        "daily:line:11:competitor_call_seconds too_big",
        "daily:line:12 malformed",
        "daily:line:13 malformed",
        "monthly:line:2:month invalid_format",
        "monthly:line:3:forwarded_days too_big",
        "monthly:line:4:due_date inconsistent"
      ])
      // Every message names the line; personal data (names, phones) is never echoed.
      for (const i of (e as ValidationError).issues) expect(i.message).toMatch(/^line \d+/)
      expect((e as ValidationError).issues.find((i) => i.path.includes("phones"))!.message).not.toContain("12'")
      expect(await customerCount()).toBe(count)
      expect(await Effect.runPromise(s().customers.getMany(["c-10"]))).toEqual([])
      expect(await days("c-10")).toEqual([])
      expect((await feedAudit()).length).toBe(auditBefore)
    })

    it("rejects a bad header or an empty file before reading any line", async () => {
      const bad = async (kind: UsageFeedFile["kind"], source: string) => ((await failure(admin, [{ kind, source }])) as ValidationError).issues.map((i) => `${i.path.join(":")} ${i.code}`)
      expect(await bad("daily", "customer_id,day,charge,data_mb,call_minutes,outgoing_calls,competitor_call_seconds,forwarded_to_other_operator,reminder_sms_delivered,colour\nc-1")).toEqual([
        "daily:line:1:colour unknown-column"
      ])
      expect(await bad("monthly", `${MONTHLY_HEADER.replace(",bill_amount", "")}\n`)).toEqual(["monthly:line:1:bill_amount missing-column"])
      expect(await bad("daily", `${DAILY_HEADER},day`)).toEqual(["daily:line:1:day duplicate-column"])
      expect(await bad("customers", "\uFEFF\r\n\r\n")).toEqual(["customers:line:1 missing-header"])
      // A data line where the header should be is a header problem, not a silently skipped row.
      expect(await bad("daily", dailyLine("c-1", "2026-11-21"))).toContain("daily:line:1:c-1 unknown-column")
    })

    it("a bad line in one file of an import writes none of the files", async () => {
      const e = await failure(admin, [
        { kind: "customers", source: [CUSTOMERS_HEADER, `c-20,New Customer,,beijing,gold,active,postpaid,,,2019-06-01,,,,,Asia/Shanghai`].join("\n") },
        { kind: "daily", source: [DAILY_HEADER, dailyLine("c-20", "2026-11-21")].join("\n") },
        { kind: "monthly", source: [MONTHLY_HEADER, monthlyLine("c-20", "2026-10"), monthlyLine("c-20", "2026-11", "ninety")].join("\n") }
      ])
      // c-20 is known to the daily file through the customers file of the same import: no noise.
      expect((e as ValidationError).issues.map((i) => i.path.join(":"))).toEqual(["monthly:line:3:bill_amount"])
      expect(await Effect.runPromise(s().customers.getMany(["c-20"]))).toEqual([])
      expect(await days("c-20")).toEqual([])
      expect(await months("c-20")).toEqual([])
    })

    it("a dry run reports the counts and writes nothing", async () => {
      const auditBefore = (await feedAudit()).length
      const [r] = await importFiles(admin, [{ kind: "customers", source: [CUSTOMERS_HEADER, `c-30,Dry Run,,beijing,gold,active,postpaid,,,2019-06-01,,,,,Asia/Shanghai`, `c-1,"Li, Wei",+8613800000001;+8613800000002,beijing,gold,active,postpaid,2027-01-31,1985-03-02,2019-06-01,m-1,phone,medium,A,Asia/Shanghai`].join("\n") }], { dryRun: true })
      expect(r).toMatchObject({ rows: 2, inserted: 1, unchanged: 1, dryRun: true })
      expect(await Effect.runPromise(s().customers.getMany(["c-30"]))).toEqual([])
      expect((await feedAudit()).length).toBe(auditBefore)
    })

    it("only admins and system actors import", async () => {
      const file: UsageFeedFile = { kind: "daily", source: [DAILY_HEADER, dailyLine("c-1", "2026-11-22")].join("\n") }
      expect(await failure(agent, [file])).toBeInstanceOf(Forbidden)
      expect(await days("c-1")).not.toContainEqual(expect.objectContaining({ day: "2026-11-22" }))
      const [r] = await importFiles(systemActor("system:feed"), [file])
      expect(r!.rows).toBe(1)
      expect((await feedAudit()).at(-1)!.actorId).toBe("system:feed")
    })

    it("a bad last line of a 50,000-line file writes nothing; the same file without it imports in full", async () => {
      const ids = Array.from({ length: 500 }, (_, i) => `big-${String(i).padStart(3, "0")}`)
      await importFiles(admin, [{ kind: "customers", source: [CUSTOMERS_HEADER, ...ids.map((id) => `${id},Big ${id},,beijing,gold,active,postpaid,,,2019-06-01,,,,,Asia/Shanghai`)].join("\n") }])
      const day = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 86_400_000).toISOString().slice(0, 10)
      // Header + 49,998 good lines + 1 bad last line = 50,000 lines.
      async function* file(lastLineBad: boolean): AsyncGenerator<string> {
        yield `${DAILY_HEADER}\n`
        let buf = ""
        for (let n = 0; n < 49_998; n++) {
          buf += `${dailyLine(ids[n % 500]!, day(Math.floor(n / 500)), (n % 97).toFixed(2))}\n`
          if (buf.length > 64_000) {
            yield buf
            buf = ""
          }
        }
        yield buf
        if (lastLineBad) yield dailyLine(ids[0]!, day(120), "12.3.4")
      }
      const t0 = performance.now()
      const e = await failure(admin, [{ kind: "daily", source: file(true) }])
      const failMs = performance.now() - t0
      expect((e as ValidationError).issues.map((i) => i.path.join(":"))).toEqual(["daily:line:50000:charge"])
      expect(await days(ids[0]!)).toEqual([])
      expect(await days(ids[499]!)).toEqual([])
      const t1 = performance.now()
      const [r] = await importFiles(admin, [{ kind: "daily", source: file(false) }])
      const okMs = performance.now() - t1
      expect(r).toMatchObject({ lines: 49_999, rows: 49_998 })
      const first = await days(ids[0]!)
      // 49,998 lines over 500 customers: customer 0 gets days 0..99 (n = 0, 500, ..., 49,500).
      expect(first).toHaveLength(100)
      expect(first[99]).toMatchObject({ day: day(99), charge: Number(((99 * 500) % 97).toFixed(2)) })
      console.log(`[usage feed ${name}] 50,000 lines: bad last line rolled back in ${Math.round(failMs)} ms; 49,998 rows imported in ${Math.round(okMs)} ms`)
    }, 180_000)

    it("fuzz: any line only ever yields a row or a line report, and a failed import writes nothing", async () => {
      const valid = [dailyLine("c-1", "2026-11-21"), dailyLine("c-2", "2026-11-20", "0.5")]
      const line = fc.oneof(
        fc.constantFrom(...valid),
        fc.string({ maxLength: 80 }),
        fc.string({ unit: "binary", maxLength: 40 }),
        fc.tuple(fc.constantFrom(...valid), fc.nat({ max: 60 }), fc.string({ maxLength: 6 })).map(([l, at, ins]) => l.slice(0, at) + ins + l.slice(at)),
        fc.array(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("", '"', '""', "true", "1e9", "-0", "2026-02-29", "c-1", "NaN")), { maxLength: 12 }).map((fs) => fs.join(","))
      )
      const snapshot = async () => [await days("c-1"), await days("c-2")]
      await fc.assert(
        fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 8 }), fc.constantFrom("\n", "\r\n"), async (lines, eol) => {
          const body = lines.map((l) => l.replaceAll("\n", " ").replaceAll("\r", " "))
          const before = await snapshot()
          const result = await run(Effect.result(Effect.flatMap(UsageFeed, (f) => f.importFiles(admin, [{ kind: "daily", source: [DAILY_HEADER, ...body].join(eol) }]))))
          if (result._tag === "Failure") {
            expect(result.failure).toBeInstanceOf(ValidationError)
            for (const i of (result.failure as ValidationError).issues) {
              expect(i.path[0]).toBe("daily")
              expect(i.path[1]).toBe("line")
              expect(Number(i.path[2])).toBeGreaterThanOrEqual(2)
              expect(Number(i.path[2])).toBeLessThanOrEqual(lines.length + 1)
            }
            expect(await snapshot()).toEqual(before)
          }
        }),
        { numRuns: name === "memory" ? 200 : 40 }
      )
    }, 120_000)
  })
}

registerSuite("memory", openMemory)
registerSuite("pglite", pgliteOpener())
// Runs whenever the server's URL is set (the root globalSetup sets it when PostgreSQL is up).
describe.runIf(postgresUrl !== undefined)("postgres", () => {
  registerSuite("postgres", openPostgres)
})
