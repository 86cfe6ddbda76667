/**
 * Taking back a DND entry over real HTTP: `DELETE /api/customers/:id/dnd/:entryId` with a reason.
 * The customer's work on that channel comes back at once, the audit log has the removal, and the
 * error model holds (400 / 403 / 404 / 409). The list's documented order ("newest first") is
 * checked on memory, PGlite and PostgreSQL (when its URL is set).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { PgliteStorage, PostgresStorage } from "@winback/adapters"
import { type DndEntry, isDndActive } from "@winback/core"
import type { RunningServer } from "../src/server"
import { demoLogins, demoOrg, loginAs, startTestServer } from "./support"

type Client = Awaited<ReturnType<typeof loginAs>>
const otherSquadAgent = demoOrg.managers.find((m) => m.teamId === "t-beijing-d1-s2" && m.roles.includes("agent"))!.id
const postgresUrl = process.env.WINBACK_TEST_DATABASE_URL
const schema = (label: string) => `t_dnd_${label}_${process.pid}_${Date.now().toString(36)}`

const remove = (c: Client, customerId: string, entryId: string, body: unknown = { reason: "added to the wrong customer" }) =>
  c.call("DELETE", `/api/customers/${customerId}/dnd/${entryId}`, body)

/** The agent's customers in the work list (first 200). */
const workListCustomers = async (c: Client): Promise<Array<string>> =>
  (await c.get("/api/work-list/customers?limit=200")).body.items.map((x: { customerId: string }) => x.customerId)

describe("DELETE /api/customers/:id/dnd/:entryId (memory)", () => {
  let server: RunningServer
  let agent: Client
  let leader: Client
  let stranger: Client
  beforeAll(async () => {
    server = await startTestServer()
    agent = await loginAs(server, demoLogins.agent)
    leader = await loginAs(server, demoLogins.teamLeader)
    stranger = await loginAs(server, otherSquadAgent)
  })
  afterAll(() => server?.close())

  const auditEntries = async () => ((await server.winback.stores.audit.verify()) as { entries: number }).entries

  it("takes back an entry: the customer's phone work comes back, the entry stays as removed, the removal is audited", async () => {
    const c = (await agent.get("/api/work-list/customers?limit=1")).body.items[0].customerId as string
    const added = await agent.post("/api/dnd", { customerId: c, channel: "phone", reason: "asked not to be called" })
    expect(added.status).toBe(201)
    expect(await workListCustomers(agent)).not.toContain(c)
    const dndReasons = async () => {
      const d = await agent.post(`/api/customers/${c}/dial`)
      return ((d.body.reasons ?? []) as Array<{ code: string }>).filter((r) => r.code === "dnd").length
    }
    expect(await dndReasons()).toBe(1)

    const res = await remove(agent, c, added.body.id, { reason: "  wrong customer  " })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ id: added.body.id, customerId: c, channel: "phone", removedAt: expect.any(String) })
    expect(Date.parse(res.body.removedAt)).toBeGreaterThanOrEqual(Date.parse(added.body.createdAt))
    expect(await workListCustomers(agent)).toContain(c)
    expect(await dndReasons()).toBe(0)

    const list = await agent.get(`/api/customers/${c}/dnd`)
    expect(list.body.items.map((e: DndEntry) => [e.id, e.removedAt])).toEqual([[added.body.id, res.body.removedAt]])
    const audit = await agent.get(`/api/audit?customerId=${c}&category=dnd`)
    expect(audit.body.items.map((e: { action: string; actorId: string; note: string }) => [e.action, e.actorId, e.note])).toEqual([
      ["dnd.add", demoLogins.agent, ""],
      ["dnd.remove", demoLogins.agent, "wrong customer"]
    ])
    expect(audit.body.items[1]).toMatchObject({ recordId: added.body.id, before: { removedAt: null }, after: { removedAt: res.body.removedAt } })

    // A second removal is a conflict and changes nothing.
    const before = await auditEntries()
    const again = await remove(agent, c, added.body.id)
    expect(again.status).toBe(409)
    expect(again.body.error.code).toBe("conflict")
    expect(await auditEntries()).toBe(before)
  })

  it("answers 404 for an unknown entry, another customer's or a customer out of scope, 400 without a reason; none changes anything", async () => {
    const [c1, c2] = (await agent.get("/api/customers?limit=2")).body.items.map((x: { id: string }) => x.id) as [string, string]
    const e1 = (await agent.post("/api/dnd", { customerId: c1, channel: "sms", reason: "asked not to be texted" })).body as DndEntry
    const state = async () => JSON.stringify([await server.winback.stores.dnd.listByCustomer(c1), await server.winback.stores.dnd.listByCustomer(c2), await auditEntries()])
    const before = await state()

    const unknown = await remove(agent, c1, "dnd-nope")
    expect([unknown.status, unknown.body.error.code]).toEqual([404, "not_found"])
    expect((await remove(agent, c2, e1.id)).status).toBe(404)
    expect((await remove(agent, "c-nobody", e1.id)).status).toBe(404)
    // A customer the caller cannot read is 404, as an unknown id: the answer says nothing about it.
    const out = await remove(stranger, c1, e1.id)
    expect([out.status, out.body.error.code]).toEqual([404, "not_found"])
    for (const body of [{}, { reason: "" }, { reason: " " }, { reason: "x", extra: 1 }, { reason: "x".repeat(1001) }]) {
      const bad = await remove(agent, c1, e1.id, body)
      expect([bad.status, bad.body.error.code], JSON.stringify(body).slice(0, 60)).toEqual([400, "validation_failed"])
    }
    expect(await state()).toBe(before)
    expect([...(await server.winback.stores.dnd.blocked([c1], "sms", new Date().toISOString()))]).toEqual([c1])
  })

  it("an entry the customer asked for is the team leader's to take back, not the agent's", async () => {
    // One of the agent's own customers (holding open work for one lets them read it, not take back its DND).
    const c = (await agent.get(`/api/customers?ownerManagerId=${demoLogins.agent}&limit=3`)).body.items[2].id as string
    const asked = (await agent.post("/api/dnd", { customerId: c, channel: "letter", reason: "customer asked for no letters", source: "customer-request" })).body as DndEntry
    const refused = await remove(agent, c, asked.id)
    expect([refused.status, refused.body.error.details.action]).toEqual([403, "dnd.remove-protected"])
    const ok = await remove(leader, c, asked.id, { reason: "customer withdrew the request" })
    expect(ok.status).toBe(200)
    expect(isDndActive(ok.body, new Date(Date.now() + 1000).toISOString())).toBe(false)
  })

  it("is described in the API document with its reason body and error answers", async () => {
    const doc = (await agent.get("/api/openapi.json")).body
    const op = doc.paths["/api/customers/{id}/dnd/{entryId}"]?.delete
    expect(op).toBeDefined()
    expect(JSON.stringify(op.requestBody)).toContain("reason")
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(["200", "400", "403", "404", "409"]))
  })
})

/** The list route's "newest first", whatever the order entries were written in. */
const orderSuite = (name: string, open: () => Promise<Awaited<ReturnType<typeof PgliteStorage.open>>>) => {
  let server: RunningServer
  let agent: Client
  beforeAll(async () => {
    server = await startTestServer(await open())
    agent = await loginAs(server, demoLogins.agent)
  }, 180_000)
  afterAll(() => server?.close())

  it(`${name}: GET /api/customers/:id/dnd lists newest first (and removing one keeps the order)`, async () => {
    const c = (await agent.get("/api/customers?limit=1")).body.items[0].id as string
    const written: ReadonlyArray<readonly [string, string, "phone" | "sms"]> = [
      ["dnd-ord-b", "2026-11-20T08:00:00.000Z", "phone"],
      ["dnd-ord-a", "2026-11-24T08:00:00.000Z", "sms"],
      ["dnd-ord-d", "2026-11-20T08:00:00.001Z", "phone"],
      ["dnd-ord-c", "2025-12-31T23:59:59.999Z", "sms"],
      ["dnd-ord-e", "2026-11-24T08:00:00.000Z", "phone"]
    ]
    for (const [id, createdAt, channel] of written) {
      await server.winback.stores.dnd.add({ id, customerId: c, channel, reason: "order", source: "agent", createdBy: demoLogins.agent, createdAt, expiresAt: null, removedAt: null })
    }
    // Newest first; entries of the same instant by id.
    const expected = ["dnd-ord-a", "dnd-ord-e", "dnd-ord-d", "dnd-ord-b", "dnd-ord-c"]
    const ids = async (q = "") => {
      const out: Array<string> = []
      let cursor: string | null = null
      do {
        const r = await agent.get(`/api/customers/${c}/dnd?limit=2${q}${cursor ? `&cursor=${cursor}` : ""}`)
        expect(r.status).toBe(200)
        out.push(...r.body.items.map((e: DndEntry) => e.id))
        cursor = r.body.nextCursor
      } while (cursor)
      return out
    }
    expect(await ids()).toEqual(expected)
    expect(await ids("&channel=phone")).toEqual(["dnd-ord-e", "dnd-ord-d", "dnd-ord-b"])
    expect((await agent.get(`/api/customers/${c}/work`)).body.dnd.map((e: DndEntry) => e.id)).toEqual(expected)

    const removed = await remove(agent, c, "dnd-ord-d")
    expect(removed.status).toBe(200)
    expect(await ids()).toEqual(expected)
    expect((await remove(agent, c, "dnd-ord-d")).status).toBe(409)
  })
}

describe("PGlite", () => {
  orderSuite("pglite", () => PgliteStorage.open())
})

describe.runIf(postgresUrl !== undefined)("PostgreSQL", () => {
  orderSuite("postgres", () => PostgresStorage.open({ url: postgresUrl!, schema: schema("pg") }))
})

describe("memory", () => {
  orderSuite("memory", async () => {
    const { memoryStorage } = await import("./support")
    return memoryStorage() as never
  })
})
