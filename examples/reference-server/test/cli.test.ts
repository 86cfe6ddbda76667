/**
 * The `winback` command, spawned for real (the bin: node + tsx with the workspace source
 * condition) against a PGlite data directory in a temp directory and against PostgreSQL: output,
 * exit codes and what is in the database afterwards.
 */
import { spawn } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type OpenStorage, PgliteStorage, PostgresStorage } from "@winback/adapters"
import { fixtures } from "@winback/adapters/testing"
import type { Stores } from "@winback/core"
import type { Rule } from "@winback/rules"
import { startServer } from "../src/server"

const here = dirname(fileURLToPath(import.meta.url))
const bin = join(here, "../src/cli/winback.mjs")
const ASOF = "2026-11-25"
/** The migration tags as drizzle-kit's journal lists them. */
const journalTags: ReadonlyArray<string> = (
  JSON.parse(readFileSync(join(here, "../../../packages/adapters/drizzle/meta/_journal.json"), "utf8")) as { entries: Array<{ tag: string }> }
).entries.map((e) => e.tag)

/** Runs `winback args`; answers the exit code and the output. */
const winback = (args: ReadonlyArray<string>, extraEnv: Readonly<Record<string, string>> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve, reject) => {
    const env = { ...process.env, ...extraEnv }
    delete env.WINBACK_DATABASE_URL
    delete env.WINBACK_DATA_DIR
    const child = spawn(process.execPath, [bin, ...args], { cwd: join(here, ".."), env, stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (d) => (stdout += String(d)))
    child.stderr.on("data", (d) => (stderr += String(d)))
    child.on("error", reject)
    child.on("close", (code) => resolve({ code, stdout, stderr }))
  })

// The zero-bill rule as data (what `instantiate(zeroBill).rule` of @winback/rules produces).
const zeroBillRule: Rule = {
  label: "zero bill",
  summary: "bill this month {bill}",
  when: {
    op: "compare",
    left: { kind: "monthly", fn: "value", metric: "billAmount", months: 1, as: "bill" },
    cmp: "<=",
    right: { kind: "arith", op: "*", left: 1, right: 0, as: "limit" }
  }
}

/** A small organisation with one of everything the daily job handles. */
const seed = (stores: Stores) =>
  Effect.runPromise(
    Effect.gen(function* () {
      yield* stores.teams.insert(fixtures.team("t-a", { adminId: "m-admin" }))
      yield* stores.managers.insert(fixtures.manager("m-admin", { roles: ["admin"], teamId: "t-a" }))
      yield* stores.managers.insert(fixtures.manager("m-1", { roles: ["agent"], teamId: "t-a" }))
      yield* stores.customers.upsertCustomers(["c-1", "c-2", "c-3"].map((id) => fixtures.customer(id, { ownerManagerId: "m-1" })))
      const month = (customerId: string, billAmount: number) => ({
        customerId, month: "2026-10", billAmount, dataMb: 1, callMinutes: 1, competitorCallSeconds: 0, forwardedDays: 0, silentDays: 0, billDate: "2026-10-28", dueDate: "2026-11-15", paidDate: null
      })
      // c-1 and c-2 had a zero bill in October; c-3 did not.
      yield* stores.customers.upsertUsageMonths([month("c-1", 0), month("c-2", 0), month("c-3", 80)])
      yield* stores.ruleInstances.insert(fixtures.ruleInstance("zb@1", { ruleId: "zb", status: "active", templateId: "zero-bill", rule: zeroBillRule, effectiveFrom: "2026-01-01" }))
      yield* stores.tasks.insert(fixtures.task("t-zb", { source: "alert", ruleInstanceIds: ["zb@1"], status: "active", urgency: 1, skipHolidays: false } as never))
      // A manual task that expired on the 20th, with one open item.
      yield* stores.tasks.insert(fixtures.task("t-old", { status: "active", expiresOn: "2026-11-20", skipHolidays: false }))
      yield* stores.workItems.insertMany([fixtures.workItem("wi-old", { taskId: "t-old", customerId: "c-3", assigneeId: "m-1", teamId: "t-a", state: "open" })])
      // A callback due in five minutes (reminders run on the real clock), and an observation whose window ended.
      yield* stores.appointments.insert(fixtures.appointment("ap-1", { customerId: "c-1", managerId: "m-1", at: new Date(Date.now() + 5 * 60_000).toISOString(), state: "booked" }))
      yield* stores.observations.insert(
        fixtures.observation("ob-1", { workItemId: "wi-done", customerId: "c-3", taskId: "t-old", managerId: "m-1", teamId: "t-a", startedOn: "2026-09-01", endsOn: "2026-10-01" })
      )
    })
  )

/** Everything the daily job may touch, for before/after comparisons. */
const snapshot = async (stores: Stores) =>
  Effect.runPromise(
    Effect.gen(function* () {
      const items = (yield* stores.workItems.list({}, { limit: 1000 })).items.map((w) => `${w.id}|${w.taskId}|${w.customerId}|${w.state}|v${w.version}`).sort()
      const tasks = (yield* stores.tasks.list({}, { limit: 100 })).items.map((t) => `${t.id}|${t.status}|v${t.version}`).sort()
      const appointment = yield* stores.appointments.get("ap-1")
      const observation = yield* stores.observations.get("ob-1")
      const audit = (yield* stores.audit.query({}, { limit: 1000 })).items.map((e) => `${e.seq}|${e.actorId}|${e.action}|${e.recordId}`)
      return { items, tasks, appointment: `${appointment.state}|v${appointment.version}`, observation: `${observation.outcome}|v${observation.version}`, audit }
    })
  )

interface Target {
  readonly name: string
  /** Opens the target's storage from the test (never while the command runs: PGlite is one process). */
  readonly open: () => Promise<OpenStorage>
  readonly flags: () => Array<string>
  readonly setup: () => Promise<void>
  readonly teardown: () => Promise<void>
}

const pgliteTarget = (): Target => {
  let dir = ""
  return {
    name: "PGlite",
    open: () => PgliteStorage.open({ dataDir: join(dir, "data") }),
    flags: () => ["--data-dir", join(dir, "data")],
    setup: async () => {
      dir = mkdtempSync(join(tmpdir(), "winback-cli-"))
    },
    teardown: async () => rmSync(dir, { recursive: true, force: true })
  }
}

const postgresTarget = (baseUrl: string): Target => {
  const name = `winback_cli_${process.pid}_${Date.now().toString(36)}`
  const url = new URL(baseUrl)
  url.pathname = `/${name}`
  // The test database's own connection, in a private schema, only to create and drop the database.
  const admin = () => PostgresStorage.open({ url: baseUrl, schema: `${name}_admin` })
  const adminSql = async (statement: string) => {
    const s = await admin()
    try {
      await s.run((db) => db.execute(statement as never))
      await s.run((db) => db.execute(`DROP SCHEMA IF EXISTS "${name}_admin" CASCADE` as never))
    } finally {
      await s.close()
    }
  }
  return {
    name: "PostgreSQL",
    open: () => PostgresStorage.open({ url: url.toString() }),
    flags: () => ["--database-url", url.toString()],
    setup: () => adminSql(`CREATE DATABASE "${name}"`),
    teardown: () => adminSql(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
  }
}

const withStorage = async <A>(target: Target, f: (stores: Stores) => Promise<A>): Promise<A> => {
  const s = await target.open()
  try {
    return await f(s.stores)
  } finally {
    await s.close()
  }
}

const registerSuite = (target: Target, options: { readonly extra: boolean }) => {
  describe(`winback on ${target.name}`, () => {
    let dir: string
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), "winback-cli-files-"))
      await target.setup()
      await withStorage(target, seed)
    }, 120_000)
    afterAll(async () => {
      await target.teardown()
      rmSync(dir, { recursive: true, force: true })
    })

    it("migrate applies and prints every pending migration of a schema once, then says it is up to date", async () => {
      const first = await winback(["migrate", ...target.flags(), "--schema", "cli_tenant"])
      expect(first.stderr).toBe("")
      expect(first.code).toBe(0)
      expect(first.stdout).toContain(`Winback migrate on ${target.name}`)
      expect(first.stdout).toContain(`Applied ${journalTags.length} migration(s) to schema cli_tenant:`)
      expect(first.stdout.split("\n").filter((l) => l.startsWith("  ")).map((l) => l.trim())).toEqual(journalTags)
      const again = await winback(["migrate", ...target.flags(), "--schema", "cli_tenant"])
      expect(again.code).toBe(0)
      expect(again.stdout).toContain(`Schema cli_tenant is up to date (${journalTags.length} migrations); nothing applied.`)
      // The seeded default schema was migrated when it was opened.
      const seeded = await winback(["migrate", ...target.flags()])
      expect(seeded.stdout).toContain(`Schema winback is up to date (${journalTags.length} migrations); nothing applied.`)
      const bad = await winback(["migrate", ...target.flags(), "--schema", "Tenant-A"])
      expect(bad.code).toBe(1)
      expect(bad.stderr).toContain("schema")
    }, 120_000)

    it("run-daily expires, extracts, reminds and evaluates, then a second run of the day changes nothing", async () => {
      const first = await winback(["run-daily", "--as-of", ASOF, ...target.flags()])
      expect(first.stderr).toBe("")
      expect(first.code).toBe(0)
      expect(first.stdout).toContain(`Winback daily job for ${ASOF} on ${target.name}`)
      // Plain progress lines when stdout is not a terminal.
      expect(first.stdout).toMatch(/^\[1\/4\] Expire due tasks: started$/m)
      expect(first.stdout).toMatch(/^\[4\/4\] Evaluate observations: ok in \d/m)
      expect(first.stdout).toMatch(/expire\s+ok\s+.*1 task\(s\) expired, 1 open item\(s\) closed/)
      expect(first.stdout).toMatch(/extraction\s+ok\s+.*2 work item\(s\) created over 1 due task\(s\)/)
      expect(first.stdout).toMatch(/reminders\s+ok\s+.*1 reminder\(s\) sent/)
      expect(first.stdout).toMatch(/observations\s+ok\s+.*1 evaluated/)
      expect(first.stdout).toMatch(/Total .*: ok$/m)

      const after = await withStorage(target, snapshot)
      expect(after.tasks).toEqual(["t-old|expired|v2", "t-zb|active|v1"])
      expect(after.items.filter((i) => i.includes("|t-zb|")).map((i) => i.split("|")[2])).toEqual(["c-1", "c-2"])
      expect(after.items.find((i) => i.startsWith("wi-old|"))).toMatch(/\|expired\|/)
      expect(after.appointment).toBe("reminded|v2")
      expect(after.observation).not.toMatch(/^null\|/)
      expect(new Set(after.audit.map((a) => a.split("|")[1]))).toEqual(new Set(["system:run-daily"]))

      const second = await winback(["run-daily", "--as-of", ASOF, ...target.flags()])
      expect(second.code).toBe(0)
      expect(second.stdout).toMatch(/expire\s+ok\s+.*0 task\(s\) expired/)
      expect(second.stdout).toMatch(/extraction\s+ok\s+.*nothing new to hand out \(1 task\(s\) due\)/)
      expect(second.stdout).toMatch(/reminders\s+ok\s+.*0 reminder\(s\) sent/)
      expect(second.stdout).toMatch(/observations\s+ok\s+.*0 evaluated/)
      expect(await withStorage(target, snapshot)).toEqual(after)
    }, 120_000)

    it("import-usage streams the three files in, prints the counts, and a re-import changes nothing", async () => {
      writeFileSync(
        join(dir, "customers.csv"),
        "\uFEFFid,name,phones,region,tier,line_status,payment_type,contract_end,birthday,activated_on,owner_manager_id,preferred_channel,tariff_sensitivity,credit_level,time_zone\r\n" +
          "c-10,\"Li, Wei\",+8613800000010,beijing,gold,active,postpaid,2027-01-31,,2019-06-01,m-1,phone,,,Asia/Shanghai\r\n" +
          "c-11,Wang Fang,,beijing,silver,active,prepaid,,,2020-01-01,,,,,Asia/Shanghai\r\n"
      )
      writeFileSync(
        join(dir, "daily.csv"),
        "customer_id,day,charge,data_mb,call_minutes,outgoing_calls,competitor_call_seconds,forwarded_to_other_operator,reminder_sms_delivered\n" +
          "c-10,2026-11-24,4.20,310,12.5,3,75,false,false\nc-1,2026-11-24,0,0,0,0,0,true,false\n"
      )
      writeFileSync(
        join(dir, "monthly.csv"),
        "customer_id,month,bill_amount,data_mb,call_minutes,competitor_call_seconds,forwarded_days,silent_days,bill_date,due_date,paid_date\n" +
          "c-11,2026-10,129.50,8200,310,0,0,2,2026-10-28,2026-11-15,2026-11-10\n"
      )
      const files = ["--customers", join(dir, "customers.csv"), "--daily", join(dir, "daily.csv"), "--monthly", join(dir, "monthly.csv")]
      const r = await winback(["import-usage", ...files, ...target.flags()])
      expect(r.stderr).toBe("")
      expect(r.code).toBe(0)
      expect(r.stdout).toContain("customers.csv: 3 line(s), 2 customer(s): 2 new, 0 changed, 0 unchanged")
      expect(r.stdout).toContain("daily.csv: 3 line(s), 2 daily usage row(s) upserted")
      expect(r.stdout).toContain("monthly.csv: 2 line(s), 1 monthly usage row(s) upserted")
      const state = () =>
        withStorage(target, (s) =>
          Effect.runPromise(
            Effect.gen(function* () {
              const customers = (yield* s.customers.getMany(["c-10", "c-11"])).map((c) => `${c.id}|${c.name}|${c.tier}|${c.ownerManagerId}|v${c.version}`)
              const days = yield* s.customers.usageDays("c-10", "2026-11-01", "2026-11-30")
              const forwarded = (yield* s.customers.usageDays("c-1", "2026-11-24", "2026-11-24")).map((d) => d.forwardedToOtherOperator)
              const months = (yield* s.customers.usageMonths("c-11", "2026-10", "2026-10")).map((m) => `${m.billAmount}|${m.paidDate}`)
              const feeds = (yield* s.audit.query({}, { limit: 1000 })).items.filter((e) => e.action === "usage.import").map((e) => e.actorId)
              return { customers, days, forwarded, months, feeds }
            })
          )
        )
      const after = await state()
      expect(after.customers).toEqual(["c-10|Li, Wei|gold|m-1|v1", "c-11|Wang Fang|silver|null|v1"])
      expect(after.days).toEqual([
        { customerId: "c-10", day: "2026-11-24", charge: 4.2, dataMb: 310, callMinutes: 12.5, outgoingCalls: 3, competitorCallSeconds: 75, forwardedToOtherOperator: false, reminderSmsDelivered: false }
      ])
      expect(after.forwarded).toEqual([true])
      expect(after.months).toEqual(["129.5|2026-11-10"])
      expect(after.feeds).toEqual(["system:import-usage", "system:import-usage", "system:import-usage"])

      const again = await winback(["import-usage", ...files, ...target.flags()])
      expect(again.code).toBe(0)
      expect(again.stdout).toContain("customers.csv: 3 line(s), 2 customer(s): 0 new, 0 changed, 2 unchanged")
      const twice = await state()
      expect({ ...twice, feeds: [] }).toEqual({ ...after, feeds: [] })
    }, 120_000)

    it("import-usage with a bad line prints every problem by file, line and column, writes nothing and exits 1", async () => {
      writeFileSync(
        join(dir, "customers-bad.csv"),
        "id,name,region,tier,line_status,payment_type,activated_on,time_zone\nc-20,New Customer,beijing,gold,active,postpaid,2019-06-01,Asia/Shanghai\n"
      )
      writeFileSync(
        join(dir, "daily-bad.csv"),
        "customer_id,day,charge,data_mb,call_minutes,outgoing_calls,competitor_call_seconds,forwarded_to_other_operator,reminder_sms_delivered\n" +
          "c-20,2026-11-24,4.20,310,12.5,3,75,false,false\nc-20,2026-11-31,abc,310,12.5,3,75,false,false\nc-nobody,2026-11-24,1,1,1,1,1,false,false"
      )
      const r = await winback(["import-usage", "--customers", join(dir, "customers-bad.csv"), "--daily", join(dir, "daily-bad.csv"), ...target.flags()])
      expect(r.code).toBe(1)
      expect(r.stdout).toContain("3 problem(s); nothing was imported:")
      expect(r.stdout).toMatch(/^ {2}daily-bad\.csv:3 \[day\]: .*'2026-11-31'/m)
      expect(r.stdout).toMatch(/^ {2}daily-bad\.csv:3 \[charge\]: expected a non-negative decimal number/m)
      expect(r.stdout).toMatch(/^ {2}daily-bad\.csv:4 \[customer_id\]: customer c-nobody is unknown/m)
      const written = await withStorage(target, (s) => Effect.runPromise(Effect.all([s.customers.getMany(["c-20"]), s.customers.usageDays("c-20", "2026-11-01", "2026-11-30")])))
      expect(written).toEqual([[], []])
    }, 120_000)

    it("import-usage decodes GBK, GB18030, UTF-8 with a BOM and UTF-16LE files: the stored names are the names written, byte for byte", async () => {
      const header = "id,name,region,tier,line_status,payment_type,activated_on,time_zone\n"
      const row = (id: string) => `${id},NAME,beijing,gold,active,postpaid,2019-06-01,Asia/Shanghai\n`
      // Each name's bytes in its file, as the GB18030 standard and Unicode give them (checked with iconv).
      const cases = [
        { id: "c-gbk", encoding: "gbk", name: "张三", bytes: [0xd5, 0xc5, 0xc8, 0xfd] },
        // 𠀀 (U+20000) is a four-byte GB18030 sequence; € is A2 E3.
        { id: "c-gb18030", encoding: "gb18030", name: "李伟𠀀王芳€", bytes: [0xc0, 0xee, 0xce, 0xb0, 0x95, 0x32, 0x82, 0x36, 0xcd, 0xf5, 0xb7, 0xbc, 0xa2, 0xe3] },
        { id: "c-utf8bom", encoding: null, name: "张三", bytes: [0xef, 0xbb, 0xbf] },
        { id: "c-utf16", encoding: null, name: "王芳𠀀", bytes: [] }
      ] as const
      const ascii = (t: string) => Buffer.from(t, "latin1")
      for (const c of cases) {
        const [before, after] = row(c.id).split("NAME") as [string, string]
        const file =
          c.id === "c-utf8bom"
            ? Buffer.concat([Buffer.from(c.bytes), Buffer.from(header + before + c.name + after, "utf8")])
            : c.id === "c-utf16"
              ? Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(header + before + c.name + after, "utf16le")])
              : Buffer.concat([ascii(header + before), Buffer.from(c.bytes), ascii(after)])
        const path = join(dir, `customers-${c.id}.csv`)
        writeFileSync(path, file)
        const r = await winback(["import-usage", "--customers", path, ...(c.encoding ? ["--encoding", c.encoding] : []), ...target.flags()])
        expect(r.stderr, c.id).toBe("")
        expect(r.code, c.id).toBe(0)
        const [stored] = await withStorage(target, (s) => Effect.runPromise(s.customers.getMany([c.id])))
        expect(Buffer.from(stored!.name, "utf8").equals(Buffer.from(c.name, "utf8")), `${c.id}: ${stored!.name}`).toBe(true)
      }
      // Without --encoding a GBK file is refused with the line, and nothing is written.
      const r = await winback(["import-usage", "--customers", join(dir, "customers-c-gbk.csv"), ...target.flags()])
      expect(r.code).toBe(1)
      expect(r.stdout).toMatch(/customers-c-gbk\.csv:2: line 2 is not valid UTF-8; name the file's encoding \(gb18030/)
    }, 240_000)

    if (options.extra) {
      it("the data directory is locked while the server runs on it: run-daily says to use --server, and --server runs the job in the server", async () => {
        const storage = await PgliteStorage.open({ dataDir: target.flags()[1]! })
        const server = await startServer({ storage, port: 0, scrypt: { N: 1024, r: 8, p: 1 }, today: () => ASOF })
        try {
          const locked = await winback(["run-daily", "--as-of", ASOF, ...target.flags()])
          expect(locked.code).toBe(1)
          expect(locked.stderr).toContain(`is in use by process ${process.pid}`)
          expect(locked.stderr).toContain("winback run-daily --server")
          const { key } = await server.auth.createApiKey({ name: "cron", managerId: "m-admin" }, "m-admin")
          const viaServer = await winback(["run-daily", "--as-of", ASOF, "--server", server.url], { WINBACK_API_KEY: key })
          expect(viaServer.stderr).toBe("")
          expect(viaServer.code).toBe(0)
          expect(viaServer.stdout).toMatch(/extraction\s+ok\s+.*nothing new to hand out/)
          expect(viaServer.stdout).toMatch(/Summary of 2026-11-25 \(as m-admin\)/)
          const refused = await winback(["run-daily", "--server", server.url], { WINBACK_API_KEY: "not-a-key" })
          expect(refused.code).toBe(1)
          expect(refused.stderr).toContain("the server refused the job (401)")
        } finally {
          await server.close()
        }
      }, 240_000)

      it("exits 1 with the reason when a step fails (an agent may not run the job), and still runs the other steps", async () => {
        const r = await winback(["run-daily", "--as-of", ASOF, "--as", "m-1", ...target.flags()])
        expect(r.code).toBe(1)
        expect(r.stdout).toMatch(/expire\s+failed\s+.*Forbidden/)
        expect(r.stdout).toMatch(/reminders\s+ok/)
        expect(r.stdout).toMatch(/Total .*: FAILED \(expire, extraction, observations\)$/m)
      }, 120_000)

      it("answers --help, refuses a bad command line with exit 2 and a missing file with exit 1", async () => {
        const help = await winback(["--help"])
        expect(help.code).toBe(0)
        expect(help.stdout).toContain("winback run-daily [--as-of YYYY-MM-DD]")
        expect(help.stdout).toContain("winback import-usage [--customers FILE]")
        const bad = await winback(["run-daily", "--as-of", "25/11/2026"])
        expect(bad.code).toBe(2)
        expect(bad.stderr).toContain("--as-of")
        const typo = await winback(["run-daily", "--asof", ASOF])
        expect(typo.code).toBe(2)
        expect(typo.stderr).toContain("unknown option --asof")
        const missing = await winback(["import-usage", "--daily", join(dir, "nope.csv"), ...target.flags()])
        expect(missing.code).toBe(1)
        expect(missing.stderr).toContain("nope.csv: no such file")
      }, 120_000)
    }
  })
}

registerSuite(pgliteTarget(), { extra: true })
const postgresUrl = process.env.WINBACK_TEST_DATABASE_URL
describe.runIf(postgresUrl !== undefined)("PostgreSQL", () => {
  registerSuite(postgresTarget(postgresUrl ?? "postgres://unused"), { extra: false })
})
