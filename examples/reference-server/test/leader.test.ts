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
