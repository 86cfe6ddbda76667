/**
 * The reference server over real HTTP: PGlite storage, demo data seeded on first start, read
 * endpoints with validation and the JSON error model.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { PgliteStorage } from "@winback/adapters"
import { seedIfEmpty } from "../src/demo"
import { type RunningServer, startServer } from "../src/server"

const asOf = "2026-11-25"
let server: RunningServer
let dir: string

// JSON bodies are read loosely on purpose: the assertions state their shape.
const get = async (path: string): Promise<{ status: number; type: string; body: any }> => {
  const res = await fetch(server.url + path)
  const type = res.headers.get("content-type") ?? ""
  return { status: res.status, type, body: type.includes("json") ? await res.json() : await res.text() }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "winback-server-"))
  server = await startServer({ storage: await PgliteStorage.open({ dataDir: dir }), port: 0, seed: seedIfEmpty({ customers: 120, asOf }), today: () => asOf })
})
afterAll(async () => {
  await server?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe("reference server", () => {
  it("answers health and serves the start page with the demo logins", async () => {
    expect(await get("/health")).toMatchObject({ status: 200, body: { status: "ok" } })
    const page = await get("/")
    expect(page.type).toContain("text/html")
    for (const l of server.demoLogins) expect(page.body).toContain(l.managerId)
    expect(server.demoLogins.map((l) => l.role)).toEqual(["agent", "team leader", "district leader", "director", "approver"])
  })

  it("pages through every seeded customer exactly once", async () => {
    const seen: Array<string> = []
    let cursor: string | null = null
    do {
      const r = await get(`/api/customers?limit=37${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`)
      expect(r.status).toBe(200)
      seen.push(...r.body.items.map((c: { id: string }) => c.id))
      cursor = r.body.nextCursor
    } while (cursor)
    expect(seen).toHaveLength(120)
    expect(new Set(seen).size).toBe(120)
    expect([...seen].sort()).toEqual(seen)
  })

  it("filters customers by owner manager", async () => {
    const all = (await get("/api/customers?limit=200")).body.items as Array<{ ownerManagerId: string | null }>
    const agent = all.find((c) => c.ownerManagerId !== null)!.ownerManagerId!
    const expected = all.filter((c) => c.ownerManagerId === agent).length
    const r = await get(`/api/customers?ownerManagerId=${agent}&limit=200`)
    expect(r.status).toBe(200)
    expect(r.body.items).toHaveLength(expected)
    for (const c of r.body.items) expect(c.ownerManagerId).toBe(agent)
  })

  it("returns a customer's usage history as of the business date", async () => {
    const r = await get("/api/customers/c-0000001/usage?days=30&months=3")
    expect(r.status).toBe(200)
    expect(r.body.days).toHaveLength(30)
    expect(r.body.days.at(-1).day).toBe(asOf)
    expect(r.body.months.length).toBeGreaterThan(0)
    for (const m of r.body.months) expect(m.month < "2026-11").toBe(true)
  })

  it("serves the team tree and the staff of a team", async () => {
    const roots = await get("/api/teams?parentId=root")
    expect(roots.status).toBe(200)
    expect(roots.body.items.length).toBe(3)
    const leader = server.demoLogins[1]!.managerId
    const m = await get(`/api/managers/${leader}`)
    expect(m.body.roles).toContain("team-leader")
    const team = await get(`/api/managers?teamId=${m.body.teamId}`)
    expect(team.body.items.map((x: { id: string }) => x.id)).toContain(leader)
  })

  it("answers typed errors as JSON with a stable code", async () => {
    expect(await get("/api/customers/no-such")).toMatchObject({ status: 404, body: { error: { code: "not_found" } } })
    const bad = await get("/api/customers?limit=0")
    expect(bad.status).toBe(400)
    expect(bad.body.error.code).toBe("validation_failed")
    expect(bad.body.error.details[0].path).toEqual(["query", "limit"])
    expect(await get("/api/work-items?state=done")).toMatchObject({ status: 400 })
    expect(await get("/api/nothing-here")).toMatchObject({ status: 404, body: { error: { code: "not_found" } } })
    const post = await fetch(server.url + "/api/customers", { method: "POST" })
    expect(post.status).toBe(405)
  })

  it("lists the offer catalogue and verifies the audit chain", async () => {
    const offers = await get("/api/offers")
    expect(offers.body.items.length).toBeGreaterThan(0)
    expect((await get("/api/audit/verify")).body.ok).toBe(true)
  })
})

describe("restart", () => {
  it("keeps the data and does not seed twice", async () => {
    const d = mkdtempSync(join(tmpdir(), "winback-restart-"))
    try {
      const a = await startServer({ storage: await PgliteStorage.open({ dataDir: d }), port: 0, seed: seedIfEmpty({ customers: 20, asOf }) })
      const n1 = await a.winback.stores.customers.count()
      await a.close()
      const b = await startServer({ storage: await PgliteStorage.open({ dataDir: d }), port: 0, seed: seedIfEmpty({ customers: 50, asOf }) })
      expect(await b.winback.stores.customers.count()).toBe(n1)
      expect(n1).toBe(20)
      await b.close()
    } finally {
      rmSync(d, { recursive: true, force: true })
    }
  })
})
