/**
 * The reference server over real HTTP on PGlite in a data directory, as `pnpm start` runs it: demo
 * data and demo passwords seeded on first start, credentials in the server's own SQL tables (only
 * hashes), paging, the JSON error model, and a restart that keeps data, passwords and sessions.
 */
import { createHash } from "node:crypto"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { PgliteStorage } from "@winback/adapters"
import { seedIfEmpty } from "../src/demo"
import { demoPassword, type RunningServer, startServer } from "../src/server"
import { asOf, client, loginAs } from "./support"

let server: RunningServer
let dir: string
let storage: Awaited<ReturnType<typeof PgliteStorage.open>>
const open = (d: string) => PgliteStorage.open({ dataDir: d })
const scrypt = { N: 1024, r: 8, p: 1 }

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "winback-server-"))
  storage = await open(dir)
  server = await startServer({ storage, port: 0, seed: seedIfEmpty({ customers: 120, asOf }), today: () => asOf, scrypt })
})
afterAll(async () => {
  await server?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe("reference server on PGlite", () => {
  it("answers health and serves the start page anonymously, and nothing else", async () => {
    expect(await client(server).get("/health")).toMatchObject({ status: 200, body: { status: "ok" } })
    const page = await client(server).get("/")
    expect(page.status).toBe(200)
    expect(page.headers.get("content-type")).toContain("text/html")
    expect(server.demoLogins.map((l) => l.role)).toEqual(["agent", "team leader", "district leader", "director", "approver"])
    for (const path of ["/api", "/api/customers", "/api/openapi.json", "/api/nothing-here"]) expect((await client(server).get(path)).status, path).toBe(401)
  })

  it("gives every demo manager the demo password; its own SQL tables hold only hashes", async () => {
    const managers = await server.winback.stores.managers.list({}, { limit: 1000 })
    expect(await server.auth.countPasswords()).toBe(managers.items.length)
    for (const m of managers.items.slice(0, 3)) expect((await client(server).post("/api/login", { login: m.id, password: demoPassword })).status).toBe(200)
    const login = server.demoLogins[0]!.managerId
    const token = (await client(server).post("/api/login", { login, password: demoPassword })).body.token as string
    type Rows = Array<Record<string, string>>
    type Client = { query: (t: string, p: Array<unknown>) => Promise<{ rows: Rows }> }
    const query = (text: string, params: Array<unknown> = []) => storage.run(async (db) => (await (db as unknown as { $client: Client }).$client.query(text, params)).rows)
    const [pw] = await query("SELECT * FROM winback_server_passwords WHERE login = $1", [login])
    expect(pw!.hash).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/)
    const sessions = await query("SELECT * FROM winback_server_sessions WHERE manager_id = $1", [login])
    expect(sessions.map((r) => r.token_hash)).toContain(createHash("sha256").update(token).digest("hex"))
    const everything = JSON.stringify([await query("SELECT * FROM winback_server_passwords"), await query("SELECT * FROM winback_server_sessions")])
    expect(everything).not.toContain(token)
    expect(everything).not.toContain(demoPassword)
  })

  it("pages through every seeded customer exactly once as the director", async () => {
    const director = await loginAs(server, server.demoLogins[3]!.managerId)
    const seen: Array<string> = []
    let cursor: string | null = null
    do {
      const r = await director.get(`/api/customers?limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`)
      expect(r.status).toBe(200)
      seen.push(...r.body.items.map((c: { id: string }) => c.id))
      cursor = r.body.nextCursor
    } while (cursor)
    expect(seen.length).toBeGreaterThan(10)
    expect(new Set(seen).size).toBe(seen.length)
    expect([...seen].sort()).toEqual(seen)
  })

  it("answers typed errors as JSON with a stable code", async () => {
    const agent = await loginAs(server, server.demoLogins[0]!.managerId)
    expect(await agent.get("/api/customers/no-such")).toMatchObject({ status: 404, body: { error: { code: "not_found" } } })
    const bad = await agent.get("/api/customers?limit=0")
    expect(bad.status).toBe(400)
    expect(bad.body.error.code).toBe("validation_failed")
    expect(bad.body.error.details[0].path).toEqual(["query", "limit"])
    expect(await agent.get("/api/nothing-here")).toMatchObject({ status: 404, body: { error: { code: "not_found" } } })
    expect((await agent.call("PUT", "/api/customers")).status).toBe(405)
  })
})

describe("restart", () => {
  it("keeps data, passwords and sessions, and seeds neither twice", async () => {
    const d = mkdtempSync(join(tmpdir(), "winback-restart-"))
    try {
      const a = await startServer({ storage: await open(d), port: 0, seed: seedIfEmpty({ customers: 20, asOf }), today: () => asOf, scrypt })
      const n1 = await a.winback.stores.customers.count()
      const login = a.demoLogins[0]!.managerId
      const token = (await client(a).post("/api/login", { login, password: demoPassword })).body.token as string
      const key = (await (await loginAs(a, a.demoLogins[3]!.managerId)).post("/api/api-keys", { name: "k", managerId: a.demoLogins[3]!.managerId })).body.key as string
      await a.close()
      const b = await startServer({ storage: await open(d), port: 0, seed: seedIfEmpty({ customers: 50, asOf }), today: () => asOf, scrypt, demoPassword: "changed-not-applied" })
      try {
        expect(await b.winback.stores.customers.count()).toBe(n1)
        expect(n1).toBe(20)
        expect((await client(b, token).get("/api/me")).body.id).toBe(login)
        expect((await client(b, key).get("/api/me")).status).toBe(200)
        expect((await client(b).post("/api/login", { login, password: demoPassword })).status).toBe(200)
        expect((await client(b).post("/api/login", { login, password: "changed-not-applied" })).status).toBe(401)
      } finally {
        await b.close()
      }
    } finally {
      rmSync(d, { recursive: true, force: true })
    }
  })
})
