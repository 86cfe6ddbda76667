/**
 * The demo as `pnpm start` seeds it (zh by default, SMS work included), walked as its users: the
 * team names are Chinese, and the demo login agent starts the day with a realistic mix — phone
 * callbacks for several customers (some holding two items, merged), a follow-up due, SMS items —
 * at the default size and in a small demo with fewer customers than agents own.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { demoClockLayer } from "@winback/core/demo"
import { seedIfEmpty } from "../src/demo"
import type { RunningServer } from "../src/server"
import { asOf, loginAs, memoryStorage, startTestServer } from "./support"

interface TaskLine {
  readonly taskId: string
  readonly channel: string
  readonly pending: number
  readonly followUp: number
}
interface Offered {
  readonly item: { readonly id: string; readonly channel: string; readonly state: string }
  readonly ready: boolean
}

describe.each([
  { label: "the default demo (1000 customers)", customers: 1000 },
  { label: "a 200-customer demo", customers: 200 }
])("$label in zh", ({ customers }) => {
  let server: RunningServer
  beforeAll(async () => {
    const seed = seedIfEmpty({ customers, asOf, sms: true, appointments: true, demo: { names: "hanzi" } })
    // 10:00 in Beijing on the demo's business day.
    server = await startTestServer(memoryStorage(), { seed, clock: demoClockLayer(`${asOf}T02:00:00.000Z`) })
  }, 120_000)
  afterAll(async () => {
    await server?.close()
  })
  const login = (role: string) => loginAs(server, server.demoLogins.find((l) => l.role === role)!.managerId)

  it("names the teams in Chinese, as a carrier's retention centre does, on the same ids", async () => {
    const teams = (await (await login("director")).get("/api/teams?limit=200")).body.items as Array<{ id: string; name: string }>
    const name = new Map(teams.map((t) => [t.id, t.name]))
    expect([name.get("t-beijing"), name.get("t-beijing-d1"), name.get("t-beijing-d1-s1"), name.get("t-beijing-d2-s2")]).toEqual(["北京大区", "朝阳营业部", "朝阳营业部一组", "海淀营业部二组"])
    for (const t of teams) expect(t.name, t.id).toMatch(/^[\u4e00-\u9fff]+$/)
  })

  it("starts the login agent's day with phone callbacks (some merged per customer), a follow-up due and SMS items", async () => {
    const agent = await login("agent")
    const tasks = (await agent.get("/api/work-list/tasks")).body.items as Array<TaskLine>
    const pending = (channel: string) => tasks.filter((t) => t.channel === channel).reduce((n, t) => n + t.pending, 0)
    expect(pending("phone")).toBeGreaterThanOrEqual(6)
    expect(pending("sms")).toBeGreaterThanOrEqual(1)
    expect(tasks.reduce((n, t) => n + t.followUp, 0)).toBeGreaterThanOrEqual(1)

    // The work list as the page shows it: several customers to call, one with two phone items, and
    // the follow-up among them, ready now (its callback time has come).
    const list = (await agent.get("/api/work-list/customers?limit=100")).body.items as Array<{ customerId: string; items: Array<Offered> }>
    const phone = list.map((c) => c.items.filter((o) => o.item.channel === "phone")).filter((xs) => xs.length > 0)
    expect(phone.length).toBeGreaterThanOrEqual(4)
    expect(phone.some((xs) => xs.length === 2)).toBe(true)
    expect(phone.flat().some((o) => o.item.state === "in-progress" && o.ready)).toBe(true)
    expect(list.some((c) => c.items.some((o) => o.item.channel === "sms"))).toBe(true)
  })

  it("books the login agent's callbacks: the follow-up's this morning (its reminder due at login) and one tomorrow, 15 minutes' notice each", async () => {
    const agent = await login("agent")
    type Row = { appointment: { id: string; customerId: string; at: string; workItemId: string | null; remindMinutesBefore: number; state: string } }
    const rows = ((await agent.get("/api/my-appointments")).body as { items: Array<Row> }).items.map((r) => r.appointment)
    expect(rows.map((a) => a.at)).toEqual([`${asOf}T00:00:00.000Z`, expect.stringMatching(/T02:00:00\.000Z$/)])
    for (const a of rows) expect(a).toMatchObject({ state: "booked", remindMinutesBefore: 15 })
    // The morning callback belongs to the follow-up: its item is the in-progress one, and ready.
    const item = (await agent.get(`/api/work-items/${encodeURIComponent(rows[0]!.workItemId!)}`)).body as { state: string; customerId: string }
    expect(item).toMatchObject({ state: "in-progress", customerId: rows[0]!.customerId })
    // At 10:00 the morning callback's reminder is due (the banner); tomorrow's is not.
    const due = ((await agent.get("/api/reminders")).body as { items: Array<Row> }).items.map((r) => r.appointment.id)
    expect(due).toEqual([rows[0]!.id])
  })
})
