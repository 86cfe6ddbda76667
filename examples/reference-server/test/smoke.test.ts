/**
 * The smoke set on the SQL storages, as `pnpm start` runs on them: embedded PGlite and PostgreSQL
 * (when its URL is set, as on every machine of this project). Credentials in SQL, the SQL candidate
 * source behind the approver's dry run, and the agent's call, scope and 401s.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { PgliteStorage, PostgresStorage } from "@winback/adapters"
import type { RunningServer } from "../src/server"
import { asOf, client, demoLogins, loginAs, startTestServer } from "./support"

const postgresUrl = process.env.WINBACK_TEST_DATABASE_URL
const schema = (label: string) => `t_srv_${label}_${process.pid}_${Date.now().toString(36)}`

const smoke = (name: string, open: () => Promise<Awaited<ReturnType<typeof PgliteStorage.open>>>) => {
  let server: RunningServer
  beforeAll(async () => {
    server = await startTestServer(await open())
  }, 180_000)
  afterAll(() => server?.close())

  it(`${name}: logs in, keeps anonymous callers out, and hides out-of-scope records`, async () => {
    expect((await client(server).get("/api/work-list/customers")).status).toBe(401)
    expect((await client(server).post("/api/login", { login: demoLogins.agent, password: "wrong" })).status).toBe(401)
    const agent = await loginAs(server, demoLogins.agent)
    expect((await agent.get("/api/me")).body.id).toBe(demoLogins.agent)
    const shanghai = (await (await loginAs(server, "m-shanghai-director")).get("/api/customers?limit=1")).body.items[0].id as string
    expect((await agent.get(`/api/customers/${shanghai}`)).status).toBe(404)
  })

  it(`${name}: the agent records one call completing several items`, async () => {
    const agent = await loginAs(server, demoLogins.agent)
    const c = (await agent.get("/api/work-list/customers?limit=50")).body.items.find((x: { items: Array<unknown> }) => x.items.length === 2)
    const ids = c.items.map((o: { item: { id: string } }) => o.item.id)
    const r = await agent.post("/api/calls", { customerId: c.customerId, itemIds: ids, disposition: "completed", complete: true, responses: [{ workItemId: ids[0], answers: { reached: "not_holder" } }] })
    expect(r.status).toBe(200)
    expect(r.body.items.map((i: { state: string }) => i.state)).toEqual(["completed", "completed"])
    const bad = await agent.post("/api/calls", { customerId: c.customerId, itemIds: ids, disposition: "completed", complete: true })
    expect(bad.status).toBe(409)
  })

  it(`${name}: the approver reads the dry run (SQL candidates) and approves; the director extracts`, async () => {
    const approver = await loginAs(server, demoLogins.approver)
    const preview = await approver.get(`/api/tasks/demo-win-back-zero-bill/preview?asOf=${asOf}`)
    expect(preview.status).toBe(200)
    expect(preview.body.result.candidates).toBeGreaterThanOrEqual(preview.body.result.handedOut)
    expect((await approver.post("/api/tasks/demo-win-back-zero-bill/approve", { comment: "ok" })).body.status).toBe("active")
    const director = await loginAs(server, demoLogins.director)
    const run = await director.post("/api/extractions/run", { asOf })
    expect(run.status).toBe(200)
    expect(run.body.created).toBe(preview.body.result.handedOut)
    expect((await director.get("/api/audit/verify")).body.ok).toBe(true)
  })

  it(`${name}: reports come from the SQL report queries, as JSON and charts`, async () => {
    const director = await loginAs(server, demoLogins.director)
    const funnel = await director.get("/api/reports/funnel?from=2026-11-01&to=2026-12-01")
    expect(funnel.status).toBe(200)
    expect((await director.get("/api/reports/agents.svg?from=2026-11-01&to=2026-12-01")).body).toContain("<svg")
    expect((await (await loginAs(server, demoLogins.approver)).get("/api/reports/funnel?from=2026-11-01&to=2026-12-01")).status).toBe(403)
  })
}

describe("PGlite", () => {
  smoke("pglite", () => PgliteStorage.open())
})

describe.runIf(postgresUrl !== undefined)("PostgreSQL", () => {
  smoke("postgres", () => PostgresStorage.open({ url: postgresUrl!, schema: schema("pg") }))
})
