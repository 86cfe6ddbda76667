/**
 * Names, not ids, in the answers the approver's and the team leader's screens show: tasks and rules
 * carry their author's name; work items (a member's, the team's pool) carry their customer's name
 * and masked phone, read through the caller's scope.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { RunningServer } from "../src/server"
import { demoLogins, demoOrg, loginAs, startTestServer } from "./support"

const nameOf = (id: string) => demoOrg.managers.find((m) => m.id === id)!.name

describe("names beside ids", () => {
  let server: RunningServer
  beforeAll(async () => {
    server = await startTestServer()
  })
  afterAll(async () => {
    await server?.close()
  })

  it("answers the approver's pending tasks and the rules with their author's name", async () => {
    const approver = await loginAs(server, demoLogins.approver)
    const pending = (await approver.get("/api/tasks?status=pending-approval")).body.items as Array<{ id: string; authorId: string; authorName: string }>
    expect(pending.map((t) => [t.id, t.authorName])).toEqual([["demo-win-back-zero-bill", nameOf(demoLogins.director)]])
    // A rule awaiting approval, drafted by the director: the approver reads who wrote it.
    const director = await loginAs(server, demoLogins.director)
    const draft = await director.post("/api/rules", { ruleId: "names-zero-bill", name: "Zero bill (names)", templateId: "zero-bill" })
    expect(draft.status).toBe(201)
    expect((await director.post(`/api/rules/${encodeURIComponent(draft.body.id)}/submit`, {})).status).toBe(200)
    const rules = (await approver.get("/api/rules?status=pending-approval")).body.items as Array<{ id: string; authorName: string }>
    expect(rules.map((r) => [r.id, r.authorName])).toEqual([[draft.body.id, nameOf(demoLogins.director)]])
    for (const r of (await director.get("/api/rules?limit=200")).body.items as Array<{ authorId: string; authorName: string }>) expect(r.authorName).toBe(nameOf(r.authorId))
  })

  it("answers the leader's team work items and pool with each customer's name and masked phone, never more than the scope shows", async () => {
    const leader = await loginAs(server, demoLogins.teamLeader)
    const items = (await leader.get(`/api/work-items?assigneeId=${demoLogins.agent}&state=open&state=in-progress&limit=100`)).body.items as Array<{ customerId: string; customerName: string; customerPhone: string | null }>
    expect(items.length).toBeGreaterThan(3)
    for (const w of items) {
      const customer = (await leader.get(`/api/customers/${w.customerId}`)).body as { name: string; phones: Array<string> }
      expect(w.customerName).toBe(customer.name)
      // Masked as the customer page masks it; the full number never leaves the server here.
      expect(w.customerPhone).toBe(customer.phones[0] ?? null)
      expect(w.customerPhone ?? "").toMatch(/^(|\d{3}\*{4}\d{4})$/)
    }
    const full = (await server.winback.stores.customers.getMany([items[0]!.customerId]))[0]!.phones[0]!
    expect(JSON.stringify(items)).not.toContain(full.replace(/^\+86/, ""))
    const pool = (await leader.get("/api/work-pool?limit=50")).body.items as Array<{ customerName: string | null }>
    expect(pool.length).toBeGreaterThan(0)
    for (const w of pool) expect(w.customerName).toMatch(/\S/)
    // An agent reads the same names for their own items, and no item (so no name) of a colleague.
    const agent = await loginAs(server, demoLogins.agent)
    const mine = (await agent.get("/api/work-items?limit=100")).body.items as Array<{ customerId: string; customerName: string }>
    expect(new Map(mine.map((w) => [w.customerId, w.customerName]))).toEqual(new Map(items.map((w) => [w.customerId, w.customerName])))
  })
})
