/**
 * Issue 15, items 2–4 over real HTTP on the embedded default (and PostgreSQL when its URL is set):
 * a task list in GB18030 / GBK / UTF-16 with Chinese headers and quoted ids imports; bytes that do
 * not decode and JSON that is not UTF-8 are refused, never stored as U+FFFD; a lone surrogate is a
 * 400 naming the field; a long error report is capped; a 500 carries a request id that is logged;
 * and the daily job runs through the server for admins only.
 */
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type OpenStorage, PgliteStorage, PostgresStorage } from "@winback/adapters"
import { fixtures } from "@winback/adapters/testing"
import { Router } from "../src/http"
import { demoPassword, type RunningServer } from "../src/server"
import { client, demoLogins, loginAs, startTestServer } from "./support"

// Bytes as the GB18030 standard gives them (checked with iconv): 客户编号 and 坐席工号.
const customerIdGb = [0xbf, 0xcd, 0xbb, 0xa7, 0xb1, 0xe0, 0xba, 0xc5]
const agentIdGb = [0xd7, 0xf8, 0xcf, 0xaf, 0xb9, 0xa4, 0xba, 0xc5]

const suite = (name: string, open: () => Promise<OpenStorage>) =>
  describe(`data integrity over HTTP on ${name}`, () => {
    let server: RunningServer
    let leader: ReturnType<typeof client>
    let token: string
    let customers: Array<string>
    const taskId = "t-import-enc"
    beforeAll(async () => {
      server = await startTestServer(await open())
      token = `Bearer ${(await client(server).post("/api/login", { login: demoLogins.teamLeader, password: demoPassword })).body.token}`
      leader = client(server, token.slice("Bearer ".length))
      await server.winback.stores.tasks.insert(fixtures.task(taskId, { source: "manual", status: "active", channel: "phone", skipHolidays: false } as never))
      const owned = (await leader.get(`/api/customers?ownerManagerId=${demoLogins.agent}&limit=50`)).body.items.map((c: { id: string }) => c.id) as Array<string>
      customers = []
      for (const id of owned) if (customers.length < 2 && (await leader.get(`/api/customers/${id}/dnd`)).body.items.length === 0) customers.push(id)
    }, 300_000)
    afterAll(async () => server?.close())

    // The demo has handed most customers out already: the encoding checks pass the leader's audited
    // override so the dedup report (import-dedup.test.ts) does not hide the lines they count.
    const override = "overrideReason=encoding%20check"
    const upload = (bytes: Uint8Array, contentType: string, query = `dryRun=true&${override}`) =>
      fetch(`${server.url}/api/tasks/${taskId}/import?${query}`, { method: "POST", headers: { authorization: token, "content-type": contentType }, body: bytes }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }))

    it("a GB18030 list with Chinese headers and a quoted id imports by charset or ?encoding=; without either it is refused with the line", async () => {
      const ascii = (t: string) => Array.from(Buffer.from(t, "latin1"))
      const bytes = Uint8Array.from([...customerIdGb, 0x2c, ...agentIdGb, 0x0a, ...ascii(`"${customers[0]}",${demoLogins.agent}\r\n${customers[1]},"${demoLogins.agent}"\r\n`)])
      const byCharset = await upload(bytes, "text/csv; charset=GB18030")
      expect(byCharset.status, JSON.stringify(byCharset.body)).toBe(200)
      expect(byCharset.body).toMatchObject({ dryRun: true, items: 2, perAgent: { [demoLogins.agent]: 2 } })
      expect((await upload(bytes, "text/csv", `dryRun=true&encoding=gbk&${override}`)).body).toMatchObject({ items: 2 })
      const refused = await upload(bytes, "text/csv")
      expect(refused.status).toBe(400)
      expect(refused.body.error.details).toEqual([{ path: ["line", 1], code: "undecodable", message: expect.stringContaining("line 1 is not valid UTF-8") }])
      expect((await upload(bytes, "text/csv; charset=latin9")).body.error.details[0]).toMatchObject({ code: "unsupported_charset" })
    })

    it("a UTF-16LE list with a BOM and camelCase headers imports; a list with a UTF-8 BOM too", async () => {
      const text = `customerId,agentId\n${customers[0]},${demoLogins.agent}\n`
      expect((await upload(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]), "text/csv")).body).toMatchObject({ items: 1 })
      expect((await upload(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, "utf8")]), "text/csv")).body).toMatchObject({ items: 1 })
    })

    it("a list with 500 bad lines answers the first 100 problems and the count, and writes nothing", async () => {
      const lines = Array.from({ length: 500 }, (_, i) => `nobody-${i},${demoLogins.agent}`).join("\n")
      const r = await upload(Buffer.from(lines), "text/csv", "")
      expect(r.status).toBe(400)
      expect(r.body.error.message).toContain("(500 problem(s), nothing imported)")
      expect(r.body.error.details).toHaveLength(101)
      expect(r.body.error.details[0]).toMatchObject({ path: ["line", 1], code: "unknown-customer" })
      expect(r.body.error.details[100]).toEqual({ path: [], code: "more-problems", message: "and 400 more problem(s) not listed (500 in all)" })
      expect((await leader.get(`/api/work-items?taskId=${taskId}`)).body.items).toEqual([])
    })

    it("a JSON body that is not UTF-8 is refused with 400, not stored with U+FFFD", async () => {
      const groups = async () => (await server.winback.stores.customerGroups.list({}, { limit: 500, cursor: null })).items.map((g) => g.name)
      const before = await groups()
      const body = Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xd5, 0xc5]), Buffer.from(`","validFrom":"2026-11-25","validUntil":"2026-12-31","customerIds":["${customers[0]}"]}`)])
      const r = await fetch(`${server.url}/api/groups`, { method: "POST", headers: { authorization: token, "content-type": "application/json" }, body })
      expect(r.status).toBe(400)
      expect(((await r.json()) as any).error.details).toEqual([{ path: ["body"], code: "invalid_encoding", message: "the body is not valid UTF-8" }])
      expect(await groups()).toEqual(before)
    })

    it("a lone UTF-16 surrogate in a text field answers 400 naming the field (it answered 500)", async () => {
      const raw = `{"name":"Group \\ud800","validFrom":"2026-11-25","validUntil":"2026-12-31","customerIds":["${customers[0]}"]}`
      const r = await leader.call("POST", "/api/groups", raw, { "content-type": "application/json" })
      expect(r.status).toBe(400)
      expect(r.body.error.details).toEqual([{ path: ["body", "name"], code: "lone_surrogate", message: expect.stringContaining("lone UTF-16 surrogate") }])
      expect(r.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/)
      // A whole pair is text like any other.
      const ok = await leader.call("POST", "/api/groups", raw.replace("\\ud800", "\\ud83d\\ude00"), { "content-type": "application/json" })
      expect(ok.status, JSON.stringify(ok.body)).toBe(201)
      expect(ok.body.group.name).toBe("Group 😀")
    })

    it("the daily job runs through the server for an admin's API key, and is refused to an agent", async () => {
      const { key } = await server.auth.createApiKey({ name: "cron", managerId: demoLogins.director }, demoLogins.director)
      const r = await client(server, key).post("/api/jobs/run-daily", { asOf: "2026-11-25" })
      expect(r.status, JSON.stringify(r.body)).toBe(200)
      expect(r.body).toMatchObject({ asOf: "2026-11-25", actorId: demoLogins.director })
      expect(r.body.steps.map((s: { name: string }) => s.name)).toEqual(["expire", "extraction", "reminders", "observations"])
      expect(r.body.steps.every((s: { outcome: string }) => s.outcome === "ok"), JSON.stringify(r.body.steps)).toBe(true)
      const agent = await loginAs(server, demoLogins.agent)
      expect((await agent.post("/api/jobs/run-daily", {})).status).toBe(403)
    }, 120_000)
  })

let dir: string
suite("PGlite", async () => {
  dir = mkdtempSync(join(tmpdir(), "winback-integrity-"))
  return PgliteStorage.open({ dataDir: join(dir, "data") })
})
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})
const postgresUrl = process.env.WINBACK_TEST_DATABASE_URL
describe.runIf(postgresUrl !== undefined)("PostgreSQL", () => {
  suite("PostgreSQL", () => PostgresStorage.open({ url: postgresUrl!, schema: `integrity_${process.pid}` }))
})

describe("a 500 answer", () => {
  it("carries a request id in its body and header, and the failure is logged under that id", async () => {
    const logged: Array<{ requestId: string; method: string; path: string; error: unknown }> = []
    const router = new Router({ logError: (x) => logged.push(x) })
    router.route({ method: "GET", path: "/boom", tag: "t", summary: "fails", access: "public", handler: async () => Effect.runPromise(Effect.die(new Error("boom"))) })
    const http = createServer((req, res) => void router.handle(req, res))
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve))
    try {
      const res = await fetch(`http://127.0.0.1:${(http.address() as AddressInfo).port}/boom?secret=1`)
      const body = (await res.json()) as any
      expect(res.status).toBe(500)
      const id = res.headers.get("x-request-id")
      expect(body.error).toEqual({ code: "internal", message: `internal error (request ${id})`, details: { requestId: id } })
      expect(logged).toHaveLength(1)
      expect(logged[0]).toMatchObject({ requestId: id, method: "GET", path: "/boom" })
      expect(String(logged[0]!.error)).toContain("boom")
    } finally {
      http.close()
    }
  })
})
