/**
 * Manual imports over real HTTP go through the hand-out ledger (issue 14 item 3): a line for a
 * customer already handed out is reported per line and the rest imports; a leader's
 * `overrideReason` imports it anyway and the override is audited per customer; a customer holding
 * open work with another agent is never imported for a second agent; bad input is still all or
 * nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { RunningServer } from "../src/server"
import { asOf, demoLogins, demoOrg, loginAs, startTestServer } from "./support"

type Client = Awaited<ReturnType<typeof loginAs>>
const teammate = demoOrg.managers.find((m) => m.teamId === "t-beijing-d1-s1" && m.roles.includes("agent") && m.id !== demoLogins.agent)!.id
const csv = { "content-type": "text/csv" }
// The server runs on the wall clock: the demo seeded its work "today", so a customer it handed out
// is in this period — or, if the day turned in between, in the cool-down. Either is the constraint.
const handedOut = ["dedup-period", "dedup-cooldown"]

describe("POST /api/tasks/:id/import: customers already handed out", () => {
  let server: RunningServer
  let director: Client
  let approver: Client
  let leader: Client
  let agent: Client
  let taskId: string
  /** A customer of the agent with open demo work, and one without any. */
  let held: string
  let fresh: string
  beforeAll(async () => {
    server = await startTestServer()
    director = await loginAs(server, demoLogins.director)
    approver = await loginAs(server, demoLogins.approver)
    leader = await loginAs(server, demoLogins.teamLeader)
    agent = await loginAs(server, demoLogins.agent)
    const task = await director.post("/api/tasks", {
      source: "manual",
      name: "Complaint follow-up",
      type: "retention-callback",
      urgency: 2,
      channel: "phone",
      executionWindow: { from: "09:00", to: "20:00" },
      cycle: "once",
      startsOn: asOf,
      expiresOn: null,
      skipHolidays: false,
      questionnaireVersion: null
    })
    taskId = task.body.id
    await director.post(`/api/tasks/${taskId}/submit`)
    await approver.post(`/api/tasks/${taskId}/approve`, {})
    held = (await agent.get("/api/work-list/customers?limit=1")).body.items[0].customerId
    const owned = (await leader.get(`/api/customers?ownerManagerId=${demoLogins.agent}&limit=100`)).body.items.map((c: { id: string }) => c.id) as Array<string>
    for (const id of owned) {
      const open = (await leader.get(`/api/work-items?customerId=${id}&state=open&state=in-progress`)).body.items
      const dnd = (await leader.get(`/api/customers/${id}/dnd`)).body.items
      if (open.length === 0 && dnd.length === 0) {
        fresh = id
        break
      }
    }
    expect(fresh).toBeDefined()
  })
  afterAll(() => server?.close())

  const itemsOf = async (customerId: string) => (await leader.get(`/api/work-items?customerId=${customerId}&taskId=${taskId}`)).body.items as Array<{ assigneeId: string }>

  it("reports a handed-out customer's line as skipped, with the constraint, and imports the rest", async () => {
    const r = await leader.post(`/api/tasks/${taskId}/import`, `customer_id,agent_id\n${held},${demoLogins.agent}\n${fresh},${demoLogins.agent}\n`, csv)
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    expect(r.body).toMatchObject({ items: 1, perAgent: { [demoLogins.agent]: 1 }, overridden: [], dryRun: false })
    expect(r.body.skipped).toHaveLength(1)
    expect(r.body.skipped[0]).toMatchObject({ line: 2, customerId: held })
    expect(handedOut).toContain(r.body.skipped[0].reason)
    expect(r.body.skipped[0].message).toMatch(/^line 2: customer \S+ (was already handed out in period|was handed out earlier and the cool-down)/)
    expect(await itemsOf(held)).toEqual([])
    expect((await itemsOf(fresh)).map((w) => w.assigneeId)).toEqual([demoLogins.agent])
  })

  it("a second import of the same customer is skipped too (the task's item is still open)", async () => {
    const r = await leader.post(`/api/tasks/${taskId}/import`, `${fresh},${demoLogins.agent}\n`, csv)
    expect([r.status, r.body.items, r.body.skipped.map((s: { reason: string }) => s.reason)]).toEqual([200, 0, ["open-in-task"]])
  })

  it("a leader's override imports the customer anyway and the audit log has it, with the reason", async () => {
    const before = ((await server.winback.stores.audit.verify()) as { entries: number }).entries
    const dry = await leader.post(`/api/tasks/${taskId}/import?dryRun=true&overrideReason=x`, `${held},${demoLogins.agent}\n`, csv)
    expect([dry.body.items, dry.body.overridden.length]).toEqual([1, 1])
    expect(((await server.winback.stores.audit.verify()) as { entries: number }).entries).toBe(before)

    const reason = "customer called back and asked for a complaint follow-up today"
    const r = await leader.post(`/api/tasks/${taskId}/import?overrideReason=${encodeURIComponent(reason)}`, `${held},${demoLogins.agent}\n`, csv)
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    expect(r.body).toMatchObject({ items: 1, skipped: [] })
    expect(r.body.overridden).toEqual([expect.objectContaining({ line: 1, customerId: held })])
    expect((await itemsOf(held)).map((w) => w.assigneeId)).toEqual([demoLogins.agent])
    const audit = await director.get(`/api/audit?customerId=${held}&category=task`)
    const overrides = (audit.body.items as Array<{ action: string; actorId: string; note: string; after: { taskId: string; constraint: string } }>).filter((e) => e.action === "task.import-override" && e.after.taskId === taskId)
    expect(overrides.map((e) => [e.actorId, e.note, e.after.taskId])).toEqual([[demoLogins.teamLeader, reason, taskId]])
    expect(handedOut).toContain(overrides[0]!.after.constraint)
  })

  it("never hands a customer's open work to a second agent, override or not", async () => {
    const r = await leader.post(`/api/tasks/${taskId}/import?overrideReason=${encodeURIComponent("wants another agent")}`, `${held},${teammate}\n`, csv)
    expect([r.status, r.body.items, r.body.skipped]).toEqual([
      200,
      0,
      [{ line: 1, customerId: held, reason: "open-with-another-agent", message: `line 1: customer ${held} holds open work with another agent` }]
    ])
  })

  it("refuses an empty override reason (400) and an override by someone who may not import (403), writing nothing", async () => {
    const before = ((await server.winback.stores.audit.verify()) as { entries: number }).entries
    const blank = await leader.post(`/api/tasks/${taskId}/import?overrideReason=%20%20`, `${held},${demoLogins.agent}\n`, csv)
    expect([blank.status, blank.body.error.code]).toEqual([400, "validation_failed"])
    const byAgent = await agent.post(`/api/tasks/${taskId}/import?overrideReason=mine`, `${held},${demoLogins.agent}\n`, csv)
    expect(byAgent.status).toBe(403)
    expect(((await server.winback.stores.audit.verify()) as { entries: number }).entries).toBe(before)
  })
})
