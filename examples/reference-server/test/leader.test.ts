/**
 * The leader and approver routes over real HTTP (src/routes/leader.ts): the team's work per
 * member, pending offer uses with names and their decision, customer groups listed and grown, the
 * dry run split per team and agent — and the scope: another team 403, an agent sees no pending
 * offers of others, a group id the caller cannot read is refused per line.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { RunningServer } from "../src/server"
import { reportXlsx } from "@winback/core"
import { demoPassword } from "../src/server"
import { xlsxType } from "../src/xlsxImport"
import { asOf, client, demoLogins, demoOrg, loginAs, startTestServer } from "./support"

type Client = ReturnType<typeof client>
let server: RunningServer
let agent: Client
let leader: Client
let approver: Client
const team = "t-beijing-d1-s1"
const otherTeam = demoOrg.managers.find((m) => m.teamId !== null && m.teamId.startsWith("t-shanghai") && m.roles.includes("agent"))!.teamId!
let outOfScopeCustomer: string

beforeAll(async () => {
  server = await startTestServer()
  const [a, l, p] = await Promise.all([demoLogins.agent, demoLogins.teamLeader, demoLogins.approver].map((id) => loginAs(server, id)))
  agent = a!
  leader = l!
  approver = p!
  // Set-up read straight from the store: a customer of another region, outside the leader's scope.
  outOfScopeCustomer = (await server.winback.stores.customers.list({ region: "shanghai" }, { limit: 1 })).items[0]!.id
}, 120_000)
afterAll(async () => server?.close())

describe("team work", () => {
  it("counts each member's open, in-progress and overdue items and the pool; another team is 403", async () => {
    const r = await leader.get("/api/team-work")
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ teamId: team, asOf })
    const mine = r.body.members.find((m: { managerId: string }) => m.managerId === demoLogins.agent)
    const listed = await leader.get(`/api/work-items?assigneeId=${demoLogins.agent}&state=open&state=in-progress&limit=200`)
    expect(mine.open + mine.inProgress).toBe(listed.body.items.length)
    expect(mine.open + mine.inProgress).toBeGreaterThan(0)
    expect(mine.overdue).toBe(listed.body.items.filter((w: { dueAt: string | null }) => w.dueAt !== null && w.dueAt.slice(0, 10) < asOf).length)
    const pool = await leader.get(`/api/work-pool?teamId=${team}&limit=200`)
    expect(r.body.pool).toBe(pool.body.items.length)
    expect((await leader.get(`/api/team-work?teamId=${otherTeam}`)).status).toBe(403)
    expect((await leader.get("/api/team-work?teamId=x&extra=1")).status).toBe(400)
  })
})

describe("offer approvals", () => {
  it("lists the team's proposed offer uses with names; the leader approves one, the agent cannot decide their own", async () => {
    const c = (await agent.get("/api/work-list/customers?limit=1")).body.items[0]
    const used = await agent.post("/api/offer-uses", { workItemId: c.items[0].item.id, offerId: "of-bonus-100", accepted: true })
    expect(used.status).toBe(201)
    expect(used.body.status).toBe("proposed")
    const pending = await leader.get("/api/offer-uses/pending")
    expect(pending.status).toBe(200)
    const row = pending.body.items.find((p: { use: { id: string } }) => p.use.id === used.body.id)
    const customer = await leader.get(`/api/customers/${c.customerId}`)
    expect(row).toMatchObject({ offerName: "100 bonus credit", customerName: customer.body.name, proposerName: expect.any(String) })
    expect(row.proposerName).not.toBe(demoLogins.agent)
    expect((await agent.post(`/api/offer-uses/${used.body.id}/decision`, { customerId: c.customerId, decision: "approved" })).status).toBe(403)
    const decided = await leader.post(`/api/offer-uses/${used.body.id}/decision`, { customerId: c.customerId, decision: "rejected", comment: "over budget" })
    expect(decided.body).toMatchObject({ status: "rejected" })
    expect((await leader.get("/api/offer-uses/pending")).body.items.map((p: { use: { id: string } }) => p.use.id)).not.toContain(used.body.id)
    // The approver's audit scope is their own entries: nothing of the team's.
    expect((await approver.get("/api/offer-uses/pending")).body.items).toEqual([])
  })
})

describe("customer groups", () => {
  it("creates, lists and grows an imported group; an out-of-scope customer is refused per line and nothing changes; stale versions are 409", async () => {
    const customers = (await leader.get("/api/customers?limit=3")).body.items.map((c: { id: string }) => c.id) as Array<string>
    const created = await leader.post("/api/groups", { name: "Dunning list", validFrom: asOf, validUntil: "2026-12-31", customerIds: [customers[0]] })
    expect(created.status).toBe(201)
    const id = created.body.group.id
    const listed = await leader.get(`/api/groups?validOn=${asOf}`)
    expect(listed.body.asOf).toBe(asOf)
    expect(listed.body.items.map((g: { id: string }) => g.id)).toContain(id)
    expect((await leader.get("/api/groups?validOn=2027-02-01")).body.items.map((g: { id: string }) => g.id)).not.toContain(id)
    const refused = await leader.post(`/api/groups/${id}/members`, { customerIds: [customers[1], outOfScopeCustomer], expectedVersion: 1 })
    expect(refused.status).toBe(400)
    expect(refused.body.error.details.map((d: { path: Array<string | number> }) => d.path.join("."))).toEqual(["customerIds.1"])
    const added = await leader.post(`/api/groups/${id}/members`, { customerIds: [customers[1], customers[2], customers[0]], expectedVersion: 1 })
    expect(added.status).toBe(200)
    expect(added.body).toMatchObject({ added: 2, group: { version: 2 } })
    expect((await leader.post(`/api/groups/${id}/members`, { customerIds: [customers[1]], expectedVersion: 1 })).status).toBe(409)
    expect((await leader.post(`/api/groups/${id}/members`, { customerIds: [], expectedVersion: 2 })).status).toBe(400)
    expect((await agent.get("/api/groups")).status).toBe(403)
  })
})

describe("a customer group used in a campaign task", () => {
  const settings = { name: "Year-end care calls", channel: "phone", startsOn: asOf, expiresOn: "2026-12-15", urgency: 2, executionWindow: { from: "10:00", to: "18:00" }, maxAttempts: 5 }
  const group = async (validUntil = "2026-12-31") => {
    const customers = (await leader.get(`/api/work-items?assigneeId=${demoLogins.agent}&limit=3`)).body.items.map((w: { customerId: string }) => w.customerId)
    return (await leader.post("/api/groups", { name: `Care ${validUntil}`, validFrom: asOf, validUntil, customerIds: [...new Set(customers)] })).body.group as { id: string; memberIds: Array<string> }
  }
  const taskCount = async () => (await server.winback.stores.tasks.list({}, { limit: 500 })).items.length

  it("creates the task with the leader's settings and submits it; only an approver (not the leader) makes it live", async () => {
    const g = await group()
    const questionnaire = (await leader.get("/api/tasks?limit=200")).body.items.find((t: { questionnaireVersion: string | null }) => t.questionnaireVersion)!.questionnaireVersion as string
    const r = await leader.post(`/api/groups/${g.id}/campaign-task`, { ...settings, questionnaireVersion: questionnaire, type: "contract-renewal", skipHolidays: true })
    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({
      source: "campaign",
      customerGroupId: g.id,
      name: "Year-end care calls",
      type: "contract-renewal",
      channel: "phone",
      urgency: 2,
      startsOn: asOf,
      expiresOn: "2026-12-15",
      executionWindow: { from: "10:00", to: "18:00" },
      skipHolidays: true,
      cycle: "once",
      questionnaireVersion: questionnaire,
      retryPolicy: { maxAttempts: 5 },
      status: "pending-approval",
      authorId: demoLogins.teamLeader
    })
    // Maker-checker: the leader who made it cannot approve it; the approver sees the group's customers in the dry run and approves.
    expect((await leader.post(`/api/tasks/${r.body.id}/approve`, {})).status).toBe(403)
    const preview = await approver.get(`/api/tasks/${r.body.id}/preview`)
    expect(preview.status).toBe(200)
    expect(preview.body.result.candidates).toBe(g.memberIds.length)
    const approved = await approver.post(`/api/tasks/${r.body.id}/approve`, {})
    expect(approved.status).toBe(200)
    expect(approved.body.status).toBe("active")
  })

  it("takes an SMS template for SMS work; defaults fill what the leader left out", async () => {
    const g = await group()
    expect((await leader.call("PUT", "/api/sms/templates/care-greeting", { name: "Care greeting", text: "Dear {{name}}, thank you for staying with us." })).status).toBe(200)
    const templates = (await leader.get("/api/sms/templates")).body.items as Array<{ id: string }>
    expect(templates.map((t) => t.id)).toContain("care-greeting")
    const r = await leader.post(`/api/groups/${g.id}/campaign-task`, { name: "Birthday SMS", channel: "sms", startsOn: asOf, expiresOn: asOf, smsTemplateId: "care-greeting" })
    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({ channel: "sms", smsTemplateId: "care-greeting", questionnaireVersion: null, type: "care-callback", urgency: 3, executionWindow: { from: "09:00", to: "20:00" }, status: "pending-approval" })
    expect(r.body.retryPolicy).toBeUndefined()
  })

  it("refuses settings that cannot work, in the caller's language, and writes nothing", async () => {
    const g = await group("2026-12-10")
    const before = await taskCount()
    const zh = { "accept-language": "zh-CN" }
    const noTemplate = await leader.post(`/api/groups/${g.id}/campaign-task`, { ...settings, channel: "sms", expiresOn: "2026-12-01" }, zh)
    expect(noTemplate.status).toBe(400)
    expect(noTemplate.body.error.message).toBe("部分字段不正确。")
    expect(JSON.stringify(noTemplate.body.error.details)).toContain("短信任务需要选择短信模板。")
    const outside = await leader.post(`/api/groups/${g.id}/campaign-task`, settings)
    expect(outside.status).toBe(400)
    expect(JSON.stringify(outside.body.error.details)).toContain("The task must run within the group's validity, 2026-11-25 – 2026-12-10.")
    const backwards = await leader.post(`/api/groups/${g.id}/campaign-task`, { ...settings, startsOn: "2026-12-05", expiresOn: "2026-12-01" }, zh)
    expect(JSON.stringify(backwards.body.error.details)).toContain("结束日期不能早于开始日期。")
    const unknown = await leader.post(`/api/groups/${g.id}/campaign-task`, { ...settings, expiresOn: "2026-12-01", channel: "sms", smsTemplateId: "no-such-template" })
    expect(JSON.stringify(unknown.body.error.details)).toContain("There is no SMS template no-such-template.")
    for (const bad of [
      { ...settings, expiresOn: "2026-12-01", channel: "letter" },
      { ...settings, expiresOn: "2026-12-01", maxAttempts: 0 },
      { ...settings, expiresOn: "2026-12-01", name: "  " },
      { ...settings, expiresOn: "2026-12-01", executionWindow: { from: "20:00", to: "09:00" } },
      { ...settings, expiresOn: "2026-12-01", assignee: demoLogins.agent }
    ]) {
      const res = await leader.post(`/api/groups/${g.id}/campaign-task`, bad)
      expect(res.status, JSON.stringify(bad)).toBe(400)
      expect(res.body.error.code).toBe("validation_failed")
    }
    expect(await taskCount()).toBe(before)
  })

  it("is the leader's: an agent is refused, another region's group is not found, and nothing is written", async () => {
    const before = await taskCount()
    const g = await group()
    expect((await agent.post(`/api/groups/${g.id}/campaign-task`, { ...settings })).status).toBe(403)
    const shDirector = demoOrg.managers.find((m) => m.id.startsWith("m-shanghai") && m.roles.includes("director"))!.id
    const shCustomer = (await server.winback.stores.customers.list({ region: "shanghai" }, { limit: 1 })).items[0]!.id
    const theirs = await server.winback.as(shDirector).groups.create({ name: "Shanghai care", validFrom: asOf, validUntil: "2026-12-31", customerIds: [shCustomer] })
    expect((await leader.get("/api/groups")).body.items.map((x: { id: string }) => x.id)).not.toContain(theirs.group.id)
    const res = await leader.post(`/api/groups/${theirs.group.id}/campaign-task`, { ...settings })
    expect(res.status).toBe(404)
    expect(JSON.stringify(res.body)).not.toContain(shCustomer)
    expect(await taskCount()).toBe(before)
  })
})

describe("dry run split", () => {
  it("splits the pending task's hand-outs per team and per agent with names; the sums match the preview", async () => {
    const preview = await approver.get("/api/tasks/demo-win-back-zero-bill/preview")
    const split = await approver.get("/api/tasks/demo-win-back-zero-bill/preview/split")
    expect(split.status).toBe(200)
    const total = Object.values<number>(preview.body.result.loadPerAgent).reduce((a, b) => a + b, 0)
    const sum = (rows: Array<{ items: number }>) => rows.reduce((n, r) => n + r.items, 0)
    expect(sum(split.body.perAgent) + split.body.unassigned).toBe(total)
    expect(sum(split.body.perTeam)).toBe(sum(split.body.perAgent))
    for (const a of split.body.perAgent) expect(a.name).not.toBe(a.id)
    expect((await approver.get("/api/tasks/no-such-task/preview/split")).status).toBe(404)
  })
})

describe("manual import from an .xlsx workbook", () => {
  it("reads the first sheet as the import list: bad rows reported by row number, nothing written; a good workbook imported", async () => {
    const busy = new Set(((await leader.get("/api/work-items?limit=200")).body.items as Array<{ customerId: string }>).map((w) => w.customerId))
    const free = ((await leader.get(`/api/customers?ownerManagerId=${demoLogins.agent}&limit=200`)).body.items as Array<{ id: string }>).map((c) => c.id).filter((id) => !busy.has(id)).slice(0, 2)
    expect(free).toHaveLength(2)
    // The workbook as the project's own XLSX writer makes it (shared strings, deflated parts).
    const book = (ids: ReadonlyArray<string>) =>
      reportXlsx([{ name: "List", columns: [{ key: "c", label: "customer_id", type: "text" }, { key: "a", label: "agent_id", type: "text" }], rows: ids.map((id) => ({ c: id, a: demoLogins.agent })) }])
    const { token } = (await client(server).post("/api/login", { login: demoLogins.teamLeader, password: demoPassword })).body as { token: string }
    const upload = async (bytes: Uint8Array, dryRun: boolean) => {
      const r = await fetch(`${server.url}/api/tasks/demo-retention-bill-drop/import?dryRun=${dryRun}`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": xlsxType }, body: bytes })
      return { status: r.status, body: (await r.json()) as any }
    }
    const bad = await upload(book([free[0]!, "no-such-customer"]), false)
    expect(bad.status).toBe(400)
    expect(bad.body.error.details.map((d: { path: Array<string | number> }) => d.path)).toEqual([["line", 3]])
    expect((await leader.get(`/api/work-items?customerId=${free[0]}`)).body.items).toEqual([])
    const checked = await upload(book(free), true)
    expect(checked.body).toMatchObject({ dryRun: true, lines: 3, items: 2 })
    const done = await upload(book(free), false)
    expect(done.body).toMatchObject({ dryRun: false, items: 2, perAgent: { [demoLogins.agent]: 2 } })
    for (const id of free) expect((await leader.get(`/api/work-items?customerId=${id}`)).body.items).toHaveLength(1)
  })
})
