/**
 * The agent's customer screen over real HTTP: phone numbers only masked, the dial through the
 * dialer port (audited, refused with its reason under DND), why an item exists (a bill-drop
 * alert's numbers), and attachment files: upload limits and types, no path traversal, downloads
 * scoped to the item's customer (404 out of scope).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { ContactPolicy } from "@winback/core"
import { localDialer } from "../src/localDialer"
import type { RunningServer } from "../src/server"
import { flagByBillDrop } from "./agentFixtures"
import { asOf, demoLogins, demoOrg, loginAs, startTestServer } from "./support"

type Client = Awaited<ReturnType<typeof loginAs>>
const otherSquadAgent = demoOrg.managers.find((m) => m.teamId === "t-beijing-d1-s2" && m.roles.includes("agent"))!.id
const pdf = new TextEncoder().encode("%PDF-1.4\n% a scanned questionnaire\n")
const dialer = localDialer()

let server: RunningServer
let agent: Client
let stranger: Client
let customerId: string
let itemId: string

const upload = (c: Client, item: string, bytes: Uint8Array | string, type: string, query = "kind=scanned-questionnaire&name=scan.pdf") =>
  fetch(`${server.url}/api/work-items/${item}/attachments/upload?${query}`, {
    method: "POST",
    headers: { authorization: (c as unknown as { token: string }).token, "content-type": type },
    body: bytes
  })

beforeAll(async () => {
  server = await startTestServer(undefined, {
    // Dials are checked against DND only: no calling hours or holidays, so nothing here reads the wall clock.
    agent: { dialer: dialer.layer, maxUploadBytes: 64 * 1024, workConfig: { contact: ContactPolicy.parse({ hours: { phone: null }, holidayChannels: [] }) } },
    calendar: null
  })
  agent = await loginAs(server, demoLogins.agent)
  stranger = await loginAs(server, otherSquadAgent)
  Object.assign(agent, { token: await bearer(demoLogins.agent) })
  Object.assign(stranger, { token: await bearer(otherSquadAgent) })
  customerId = (await agent.get("/api/work-list/customers?limit=1")).body.items[0].customerId
  itemId = (await flagByBillDrop(server.winback, demoLogins, customerId, asOf)).itemId
}, 120_000)
afterAll(() => server?.close())

/** The agent's other customers on the work list (not the flagged one). */
const othersOnTheList = async (): Promise<Array<{ customerId: string; items: Array<{ item: { id: string } }> }>> =>
  (await agent.get("/api/work-list/customers?limit=50")).body.items.filter((c: { customerId: string }) => c.customerId !== customerId)

const bearer = async (login: string) => {
  const r = await fetch(`${server.url}/api/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ login, password: "winback-demo" }) })
  return `Bearer ${((await r.json()) as { token: string }).token}`
}

describe("the customer as the page sees it", () => {
  it("never carries a full phone number: the customer list, one customer and the work view are masked", async () => {
    const stored = await server.winback.as(demoLogins.agent).customers.get(customerId)
    const full = stored.phones[0]!
    expect(full.replace(/\D/g, "").length).toBeGreaterThanOrEqual(11)
    const one = await agent.get(`/api/customers/${customerId}`)
    const work = await agent.get(`/api/customers/${customerId}/work`)
    const list = await agent.get("/api/customers?limit=50")
    expect(list.body.items.length).toBeGreaterThan(0)
    for (const c of list.body.items) expect(c.phones.every((p: string) => /^\d{3}\*+\d{4}$/.test(p))).toBe(true)
    for (const body of [one.body, work.body.customer]) {
      expect(body.phones[0]).toMatch(/^\d{3}\*+\d{4}$/)
      expect(JSON.stringify(body)).not.toContain(full.replace(/\D/g, "").slice(-8))
    }
  })
})

describe("POST /api/customers/:id/dial", () => {
  it("dials through the dialer port, answers the number masked and audits the dial", async () => {
    const before = dialer.dials.length
    const r = await agent.post(`/api/customers/${customerId}/dial`)
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ dialled: true, callId: expect.stringMatching(/^local-\d+$/), phone: expect.stringMatching(/^\d{3}\*+\d{4}$/) })
    expect(dialer.dials.slice(before)).toEqual([{ callId: r.body.callId, customerId, managerId: demoLogins.agent, phone: r.body.phone, itemIds: [] }])
    const audit = await agent.get(`/api/audit?customerId=${customerId}&category=customer`)
    const entry = audit.body.items.find((e: { action: string }) => e.action === "customer.dial")
    expect(entry).toMatchObject({ actorId: demoLogins.agent, after: { callId: r.body.callId, phone: r.body.phone } })
  })

  it("is refused with the DND reason while the customer is on DND for phone, and 404 out of scope", async () => {
    const before = dialer.dials.length
    const other = (await othersOnTheList())[0]!.customerId
    expect((await agent.post("/api/dnd", { customerId: other, channel: "phone", reason: "asked not to be called" })).status).toBe(201)
    const r = await agent.post(`/api/customers/${other}/dial`)
    expect(r.body).toMatchObject({ dialled: false, reasons: [{ code: "dnd" }] })
    expect(dialer.dials.length).toBe(before)
    expect((await stranger.post(`/api/customers/${customerId}/dial`)).status).toBe(404)
    expect(dialer.dials.length).toBe(before)
  })
})

describe("GET /api/work-items/:id/reasons", () => {
  it("explains the alert with the rule's numbers; a manual item by its import; 404 out of scope", async () => {
    const r = await agent.get(`/api/work-items/${itemId}/reasons`)
    expect(r.status).toBe(200)
    const [why] = r.body.items
    expect(why).toMatchObject({ kind: "rule", ruleName: "Bill drop", templateId: "bill-drop", asOf, matched: true, values: { thisMonth: 58.2, baseline: 100.35, threshold: 30 } })
    expect(why.values.change).toBeCloseTo(-42, 0)
    expect(why.summary).toBe("bill 58.2 vs 3-month average 100.35, −42%, threshold for gold 30%")
    const manual = (await agent.get("/api/work-list/customers?limit=50")).body.items.flatMap((c: { items: Array<{ item: { id: string; taskId: string } }> }) => c.items).find((o: { item: { id: string } }) => o.item.id !== itemId)
    expect((await agent.get(`/api/work-items/${manual.item.id}/reasons`)).body.items).toEqual([{ kind: "import", taskId: manual.item.taskId }])
    expect((await stranger.get(`/api/work-items/${itemId}/reasons`)).status).toBe(404)
  })
})

describe("attachments", () => {
  it("uploads a file to the item, audited, and serves it back to whoever may open the item", async () => {
    const res = await upload(agent, itemId, pdf, "application/pdf")
    expect(res.status).toBe(200)
    const body = (await res.json()) as { item: { attachments: Array<{ kind: string; uri: string }> }; index: number }
    expect(body.item.attachments[body.index]).toMatchObject({ kind: "scanned-questionnaire", uri: expect.stringMatching(/^local-file:/) })
    const down = await fetch(`${server.url}/api/work-items/${itemId}/attachments/${body.index}`, { headers: { authorization: (agent as unknown as { token: string }).token } })
    expect(down.status).toBe(200)
    expect(down.headers.get("content-type")).toBe("application/pdf")
    expect(down.headers.get("content-disposition")).toContain('filename="scan.pdf"')
    expect(down.headers.get("x-content-type-options")).toBe("nosniff")
    expect(new Uint8Array(await down.arrayBuffer())).toEqual(pdf)
    const audit = await agent.get(`/api/audit?customerId=${customerId}&category=work-item`)
    expect(audit.body.items.some((e: { recordId: string; after: { attachments?: Array<unknown> } }) => e.recordId === itemId && (e.after.attachments?.length ?? 0) > 0)).toBe(true)
    // Out of scope: neither the upload nor the download is possible, and nothing says the item exists.
    expect((await upload(stranger, itemId, pdf, "application/pdf")).status).toBe(404)
    const theirs = await fetch(`${server.url}/api/work-items/${itemId}/attachments/${body.index}`, { headers: { authorization: (stranger as unknown as { token: string }).token } })
    expect(theirs.status).toBe(404)
  })

  it("refuses a file over the limit (413), another type or bytes that are not the type (415), and unknown attachments (404)", async () => {
    expect((await upload(agent, itemId, new Uint8Array(64 * 1024 + 1).fill(0x25), "application/pdf")).status).toBe(413)
    expect((await upload(agent, itemId, "MZ\u0090\u0000", "application/x-msdownload")).status).toBe(415)
    expect((await upload(agent, itemId, "<html>not a pdf</html>", "application/pdf")).status).toBe(415)
    expect((await upload(agent, itemId, pdf, "application/pdf", "kind=contract&name=x.pdf")).status).toBe(400)
    expect((await agent.get(`/api/work-items/${itemId}/attachments/99`)).status).toBe(404)
  })

  it("never serves a file outside the storage or of another customer through an item", async () => {
    const me = server.winback.as(demoLogins.agent)
    // URIs a host might have attached by the JSON route: a path, a traversal, another customer's file.
    const otherItem = (await othersOnTheList())[0]!.items[0]!.item.id
    const res = await upload(agent, otherItem, pdf, "application/pdf")
    const otherUri = ((await res.json()) as { item: { attachments: Array<{ uri: string }> } }).item.attachments.at(-1)!.uri
    for (const uri of ["/etc/passwd", "local-file:../../etc/passwd", "file:///etc/passwd", otherUri]) {
      const item = await me.execution.attach(itemId, { kind: "other", uri })
      const index = item.attachments.length - 1
      const r = await agent.get(`/api/work-items/${itemId}/attachments/${index}`)
      expect(r.status, uri).toBe(404)
    }
  })
})
