/**
 * Appointments with a reminder lead, the agent's reminders (due, acknowledged once, shown anew
 * after a reschedule) and the server's own schedule, over real HTTP on a fixed server clock: the
 * reminder sender (in-app, and SMS to the agent where a gateway is configured), the daily job at
 * its time of day in the business time zone, once per business date under a lease that two
 * schedules sharing one storage contend for, taken over after a crash mid-run, and idempotent.
 */
import { Effect, Layer } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { IntegrationState, PostgresStorage } from "@winback/adapters"
import { SmsGateway } from "@winback/core"
import { startDailySchedule } from "../src/dailySchedule"
import { integrationStateFor } from "../src/integrations"
import { type RunningServer, startServer } from "../src/server"
import { demoLogins, demoOrg, direct, loginAs, memoryStorage, startTestServer } from "./support"

type Client = Awaited<ReturnType<typeof loginAs>>
const ms = (iso: string) => Date.parse(iso)
const colleague = demoOrg.managers.find((m) => m.teamId === "t-beijing-d1-s1" && m.roles.includes("agent") && m.id !== demoLogins.agent)!.id
const agentPhone = "+8613900000777"

describe("appointments and reminders over HTTP", () => {
  // 09:00 in Beijing on the demo's business date.
  let clock = ms("2026-11-25T01:00:00Z")
  const texts: Array<{ to: string; text: string }> = []
  let server: RunningServer
  let agent: Client
  let other: Client
  let leader: Client
  let customer: { id: string; name: string }

  beforeAll(async () => {
    const storage = memoryStorage()
    server = await startTestServer(storage, {
      now: () => clock,
      schedule: { intervalMs: 0, dailyAt: "off", smsToAgent: true },
      smsGateway: Layer.succeed(SmsGateway, SmsGateway.of({ send: (m) => Effect.sync(() => (texts.push({ to: m.to, text: m.text }), { messageId: `sms-${texts.length}`, status: "accepted" as const })) }))
    })
    const me = await direct(storage.stores, (s) => s.managers.get(demoLogins.agent))
    await direct(storage.stores, (s) => s.managers.update({ ...me, profile: { ...me.profile, phone: agentPhone } }, me.version))
    agent = await loginAs(server, demoLogins.agent)
    other = await loginAs(server, colleague)
    leader = await loginAs(server, demoLogins.teamLeader)
    const first = (await agent.get("/api/work-list/customers?limit=1")).body.items[0]
    customer = { id: first.customerId, name: (await agent.get(`/api/customers/${first.customerId}`)).body.name }
  }, 120_000)
  afterAll(async () => {
    await server?.close()
  })

  it("books with a reminder lead, lists the agent's open appointments with the customer's name, and shows the reminder from its due time until acknowledged", async () => {
    const booked = await agent.post("/api/appointments", { customerId: customer.id, at: "2026-11-25T02:00:00Z", channel: "phone", note: "bill question", remindMinutesBefore: 30 })
    expect(booked.status).toBe(201)
    expect(booked.body.appointment).toMatchObject({ remindMinutesBefore: 30, reminderAcknowledgedAt: null, state: "booked" })
    const id = booked.body.appointment.id as string
    const plain = await agent.post("/api/appointments", { customerId: customer.id, at: "2026-11-26T02:00:00Z", channel: "phone" })
    expect(plain.body.appointment.remindMinutesBefore).toBe(15)
    expect((await agent.post("/api/appointments", { customerId: customer.id, at: "2026-11-26T02:00:00Z", channel: "phone", remindMinutesBefore: 5000 })).status).toBe(400)

    const mine = await agent.get("/api/my-appointments")
    expect(mine.status).toBe(200)
    expect(mine.body.now).toBe("2026-11-25T01:00:00.000Z")
    expect(mine.body.items.map((r: { appointment: { id: string } }) => r.appointment.id)).toEqual([id, plain.body.appointment.id])
    expect(mine.body.items[0]).toMatchObject({ customer: { id: customer.id, name: customer.name }, reminderDueAt: "2026-11-25T01:30:00.000Z" })
    expect((await other.get("/api/my-appointments")).body.items).toEqual([])

    // 09:00: not yet; 09:31: due.
    expect((await agent.get("/api/reminders")).body.items).toEqual([])
    clock = ms("2026-11-25T01:31:00Z")
    const due = await agent.get("/api/reminders")
    expect(due.body.items).toHaveLength(1)
    expect(due.body.items[0]).toMatchObject({ appointment: { id, note: "bill question" }, customer: { name: customer.name } })
    expect((await other.get("/api/reminders")).body.items).toEqual([])

    // Another agent does not see the appointment (404); the leader sees it but it is not theirs (403).
    expect((await other.post(`/api/reminders/${id}/acknowledge`)).status).toBe(404)
    expect((await leader.post(`/api/reminders/${id}/acknowledge`)).status).toBe(403)
    expect((await other.post(`/api/appointments/${id}/reschedule`, { at: "2026-11-25T06:00:00Z" })).status).toBe(404)

    const acked = await agent.post(`/api/reminders/${id}/acknowledge`)
    expect(acked.status).toBe(200)
    expect(acked.body.reminderAcknowledgedAt).toBe("2026-11-25T01:31:00.000Z")
    expect((await agent.get("/api/reminders")).body.items).toEqual([])
    expect((await agent.post(`/api/reminders/${id}/acknowledge`)).body.reminderAcknowledgedAt).toBe("2026-11-25T01:31:00.000Z")

    // Rescheduled to the afternoon: booked again, its reminder shown anew at its new due time.
    expect((await agent.post(`/api/appointments/${id}/reschedule`, { at: "tomorrow" })).status).toBe(400)
    const moved = await agent.post(`/api/appointments/${id}/reschedule`, { at: "2026-11-25T06:00:00Z", remindMinutesBefore: 10 })
    expect(moved.status).toBe(200)
    expect(moved.body.appointment).toMatchObject({ at: "2026-11-25T06:00:00.000Z", remindMinutesBefore: 10, reminderAcknowledgedAt: null, state: "booked" })
    expect((await agent.get("/api/reminders")).body.items).toEqual([])
    clock = ms("2026-11-25T05:50:00Z")
    expect((await agent.get("/api/reminders")).body.items.map((r: { appointment: { id: string } }) => r.appointment.id)).toEqual([id])

    // Every change is in the audit log under the agent.
    const audit = await leader.get(`/api/audit?customerId=${customer.id}&limit=50`)
    const actions = audit.body.items.filter((e: { recordId: string }) => e.recordId === id).map((e: { action: string }) => e.action)
    expect(actions).toEqual(expect.arrayContaining(["appointment.book", "appointment.update"]))
  })

  it("the schedule's reminder sender notifies and texts the agent once per appointment", async () => {
    clock = ms("2026-11-25T05:51:00Z")
    const first = await server.schedule!.tick()
    expect(first.reminded).toHaveLength(1)
    expect(texts).toEqual([{ to: agentPhone, text: expect.stringContaining("2026-11-25T06:00:00.000Z") }])
    expect(first.daily).toBeNull() // the daily job is off on this server
    const again = await server.schedule!.tick()
    expect(again.reminded).toEqual([])
    expect(texts).toHaveLength(1)
    // Reminded by the job, the banner still shows it until the agent acknowledges it.
    expect((await agent.get("/api/reminders")).body.items.map((r: { appointment: { state: string } }) => r.appointment.state)).toEqual(["reminded"])
  })
})

describe("appointments a page at a time, the agent's and the team's", () => {
  // 09:00 in Beijing on the demo's business date; "today" there is 2026-11-24T16:00Z – 2026-11-25T15:59:59.999Z.
  const clock = ms("2026-11-25T01:00:00Z")
  const dayStart = "2026-11-24T16:00:00.000Z"
  const dayEnd = "2026-11-25T15:59:59.999Z"
  let server: RunningServer
  let agent: Client
  let leader: Client
  let siblingLeader: Client
  let shanghaiLeader: Client
  /** The agent's booked appointments by id, with their times (earlier: 40, today: 70, upcoming: 120). */
  const booked = new Map<string, string>()
  let cancelled: Array<string> = []
  let colleagueAppointment = ""

  type Row = { appointment: { id: string; at: string; managerId: string; state: string }; customer: { id: string; name: string | null }; manager: { id: string; name: string } }
  /** Every page of `path` (limit `limit`), checking each page's size and envelope on the way. */
  const pages = async (c: Client, path: string, limit: number): Promise<{ rows: Array<Row>; count: number }> => {
    const rows: Array<Row> = []
    let cursor: string | null = null
    let count = 0
    do {
      const sep: string = path.includes("?") ? "&" : "?"
      const res: { status: number; body: { items: Array<Row>; nextCursor: string | null; now: string } } = await c.get(`${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`)
      expect(res.status, path).toBe(200)
      expect(res.body.now).toBe("2026-11-25T01:00:00.000Z")
      expect(res.body.items.length).toBeLessThanOrEqual(limit)
      if (res.body.nextCursor) expect(res.body.items).toHaveLength(limit)
      rows.push(...res.body.items)
      cursor = res.body.nextCursor
      count++
    } while (cursor)
    return { rows, count }
  }
  const ids = (rows: ReadonlyArray<Row>) => rows.map((r) => r.appointment.id)

  beforeAll(async () => {
    server = await startTestServer(memoryStorage(), { now: () => clock, schedule: { intervalMs: 0, dailyAt: "off" } })
    agent = await loginAs(server, demoLogins.agent)
    leader = await loginAs(server, demoLogins.teamLeader)
    siblingLeader = await loginAs(server, "m-beijing-d1-s2-lead")
    shanghaiLeader = await loginAs(server, "m-shanghai-d1-s1-lead")
    const customers = (await agent.get("/api/work-list/customers?limit=20")).body.items.map((c: { customerId: string }) => c.customerId) as Array<string>
    expect(customers.length).toBeGreaterThan(5)
    const me = server.winback.as(demoLogins.agent)
    // 230 open appointments of one agent, spread over 40 earlier ones still open, 70 today and 120 upcoming.
    const times = [
      ...Array.from({ length: 40 }, (_, i) => ms("2026-11-20T01:00:00Z") + i * 2 * 3_600_000),
      ...Array.from({ length: 70 }, (_, i) => ms(dayStart) + i * 13 * 60_000),
      ...Array.from({ length: 120 }, (_, i) => ms("2026-11-25T16:00:00Z") + i * 2 * 3_600_000)
    ]
    for (const [i, t] of times.entries()) {
      const at = new Date(t).toISOString()
      const { appointment } = await me.appointments.book({ customerId: customers[i % customers.length]!, at, channel: "phone", note: `a${i}` })
      booked.set(appointment.id, appointment.at)
    }
    // Three cancelled ones are not open.
    cancelled = [...booked.keys()].slice(0, 3)
    for (const id of cancelled) expect((await agent.post(`/api/appointments/${id}/cancel`)).status).toBe(200)
    for (const id of cancelled) booked.delete(id)
    // A colleague's appointment in the same squad: the leader's, not the agent's.
    const colleagueCustomer = (await server.winback.as(colleague).workList.byCustomer({}, { limit: 1, cursor: null })).items[0]!.customerId
    colleagueAppointment = (await server.winback.as(colleague).appointments.book({ customerId: colleagueCustomer, at: "2026-11-26T03:00:00.000Z", channel: "phone" })).appointment.id
  }, 180_000)
  afterAll(async () => {
    await server?.close()
  })

  it("pages every open appointment of the agent exactly once, by time, with customer names", async () => {
    expect(booked.size).toBe(227)
    const { rows, count } = await pages(agent, "/api/my-appointments", 50)
    expect(count).toBe(5)
    expect(ids(rows).sort()).toEqual([...booked.keys()].sort())
    expect(new Set(ids(rows)).size).toBe(rows.length)
    expect(rows.map((r) => r.appointment.at)).toEqual([...rows.map((r) => r.appointment.at)].sort())
    expect(rows.every((r) => r.customer.name !== null && r.manager.id === demoLogins.agent)).toBe(true)
    // The default page is 50; at most 200 a page.
    expect((await agent.get("/api/my-appointments")).body.items).toHaveLength(50)
    expect((await agent.get("/api/my-appointments?limit=201")).status).toBe(400)
  })

  it("filters by time (earlier still open, today, upcoming) and by state", async () => {
    const earlier = await pages(agent, `/api/my-appointments?until=${new Date(ms(dayStart) - 1).toISOString()}`, 50)
    const today = await pages(agent, `/api/my-appointments?from=${dayStart}&until=${dayEnd}`, 50)
    const upcoming = await pages(agent, `/api/my-appointments?from=2026-11-25T16:00:00.000Z`, 50)
    expect([earlier.rows.length, today.rows.length, upcoming.rows.length]).toEqual([37, 70, 120])
    expect([...ids(earlier.rows), ...ids(today.rows), ...ids(upcoming.rows)].sort()).toEqual([...booked.keys()].sort())
    expect(today.rows.every((r) => r.appointment.at >= dayStart && r.appointment.at <= dayEnd)).toBe(true)
    const gone = await agent.get("/api/my-appointments?state=cancelled")
    expect(ids(gone.body.items).sort()).toEqual([...cancelled].sort())
    expect(gone.body.items.every((r: Row) => r.appointment.state === "cancelled")).toBe(true)
    // Nonsense is refused with a typed error, not answered with an empty page.
    const backwards = await agent.get(`/api/my-appointments?from=${dayEnd}&until=${dayStart}`)
    expect(backwards.status).toBe(400)
    expect(backwards.body.error.code).toBe("validation_failed")
    expect((await agent.get("/api/my-appointments?state=lost")).status).toBe(400)
    expect((await agent.get("/api/my-appointments?from=tomorrow")).status).toBe(400)
  })

  it("gives the leader every appointment of the team a page at a time, by agent and day, and the region's director too; another team's leader sees none of them", async () => {
    const team = await pages(leader, "/api/team-appointments", 100)
    expect(new Set(ids(team.rows)).size).toBe(team.rows.length)
    expect(ids(team.rows)).toEqual(expect.arrayContaining([...booked.keys(), colleagueAppointment]))
    expect(team.rows.length).toBe(booked.size + 1)
    expect(team.rows.find((r) => r.appointment.id === colleagueAppointment)!.manager).toEqual({ id: colleague, name: demoOrg.managers.find((m) => m.id === colleague)!.name })
    const one = await pages(leader, `/api/team-appointments?agentId=${demoLogins.agent}&from=${dayStart}&until=${dayEnd}`, 30)
    expect(one.rows.length).toBe(70)
    expect(one.rows.every((r) => r.appointment.managerId === demoLogins.agent)).toBe(true)
    // The region's director reads the subtree's (the policy's reach for directors).
    const director = await loginAs(server, demoOrg.managers.find((m) => m.id === "m-beijing-director")!.id)
    expect(ids((await pages(director, `/api/team-appointments?agentId=${demoLogins.agent}`, 200)).rows).sort()).toEqual([...booked.keys()].sort())
    // The sibling squad's leader and another region's: not one of them, asked in general or by the agent's id.
    for (const other of [siblingLeader, shanghaiLeader]) {
      const all = await pages(other, "/api/team-appointments", 200)
      expect(all.rows.filter((r) => booked.has(r.appointment.id) || r.appointment.id === colleagueAppointment)).toEqual([])
      const named = await other.get(`/api/team-appointments?agentId=${demoLogins.agent}`)
      expect(named.status).toBe(200)
      expect(named.body).toMatchObject({ items: [], nextCursor: null })
    }
    // An agent's "team" is themself.
    expect(ids((await pages(agent, "/api/team-appointments", 200)).rows).sort()).toEqual([...booked.keys()].sort())
  })
})

describe("the daily job on the server's schedule", () => {
  // 05:00 in Beijing on 2026-11-25.
  let clock = ms("2026-11-24T21:00:00Z")
  const storage = memoryStorage()
  let server: RunningServer
  const state = integrationStateFor(storage)
  const readState = (key: string) => Effect.runPromise(Effect.flatMap(IntegrationState, (s) => s.get(key)).pipe(Effect.provide(state)))

  beforeAll(async () => {
    server = await startTestServer(storage, { now: () => clock, schedule: { intervalMs: 0, dailyAt: "06:00", timeZone: "Asia/Shanghai" } })
  }, 120_000)
  afterAll(async () => {
    await server?.close()
  })

  it("runs at its time of day in the business time zone, once per business date, even with two schedules on one storage", async () => {
    expect((await server.schedule!.tick()).daily).toBeNull()
    clock = ms("2026-11-24T22:30:00Z") // 06:30 in Beijing
    // A second process's schedule over the same storage: of the two, exactly one runs the day.
    const second = startDailySchedule(server.winback, state, { intervalMs: 0, dailyAt: "06:00", timeZone: "Asia/Shanghai", now: () => clock, owner: "second-process" })
    const [a, b] = await Promise.all([server.schedule!.tick(), second.tick()])
    const runs = [a.daily, b.daily].filter((d) => d !== null)
    expect(runs).toHaveLength(1)
    expect(runs[0]).toMatchObject({ asOf: "2026-11-25", ok: true })
    expect(runs[0]!.steps.map((s) => s.name)).toEqual(["expire", "extraction", "reminders", "observations"])
    expect(runs[0]!.steps.every((s) => s.outcome === "ok")).toBe(true)
    expect(await readState("daily-run-done:2026-11-25")).toMatchObject({ ok: true })
    // Later the same day, on either: nothing.
    clock = ms("2026-11-25T03:00:00Z")
    expect((await server.schedule!.tick()).daily).toBeNull()
    expect((await second.tick()).daily).toBeNull()
    await second.stop()
  }, 120_000)

  it("a run cut short by a crash is taken over once its lease has run out, and a rerun of the day writes nothing new", async () => {
    // A process took the lease of 2026-11-26 at 06:00 and died before finishing.
    clock = ms("2026-11-25T22:00:00Z")
    await Effect.runPromise(Effect.flatMap(IntegrationState, (s) => s.put("lease:daily-run:2026-11-26", { owner: "crashed", until: clock + 30 * 60_000, generation: 0 })).pipe(Effect.provide(state)))
    clock = ms("2026-11-25T22:10:00Z")
    expect((await server.schedule!.tick()).daily).toBeNull() // still leased to the crashed process
    clock = ms("2026-11-25T22:31:00Z")
    const taken = (await server.schedule!.tick()).daily
    expect(taken).toMatchObject({ asOf: "2026-11-26", ok: true })
    expect(await readState("lease:daily-run:2026-11-26")).toMatchObject({ generation: 1 })
    // The day again by hand: idempotent, nothing new is handed out.
    const admin = await loginAs(server, demoLogins.director)
    const rerun = await admin.post("/api/jobs/run-daily", { asOf: "2026-11-26" })
    expect(rerun.status).toBe(200)
    expect(rerun.body.steps.find((s: { name: string }) => s.name === "extraction").counts.created).toBe(0)
  }, 120_000)
})

const postgresUrl = process.env.WINBACK_TEST_DATABASE_URL
describe.runIf(postgresUrl !== undefined)("two server processes on one PostgreSQL database", () => {
  const schema = `t_reminders_${process.pid}_${Date.now().toString(36)}`
  let clock = ms("2026-11-24T22:05:00Z") // 06:05 in Beijing
  const servers: Array<RunningServer> = []
  beforeAll(async () => {
    // Each server its own connection pool, as two processes would have; one schema between them.
    const first = await startTestServer(await PostgresStorage.open({ url: postgresUrl!, schema }), { now: () => clock, schedule: { intervalMs: 0, owner: "process-1" } })
    servers.push(first)
    servers.push(
      await startServer({ storage: await PostgresStorage.open({ url: postgresUrl!, schema }), port: 0, today: () => "2026-11-25", now: () => clock, scrypt: { N: 1024, r: 8, p: 1 }, demoPassword: null, schedule: { intervalMs: 0, owner: "process-2" } })
    )
  }, 180_000)
  afterAll(async () => {
    for (const s of servers) await s.close()
    const admin = await PostgresStorage.open({ url: postgresUrl!, schema: `${schema}_admin` })
    await admin.run((db) => db.execute(`DROP SCHEMA IF EXISTS "${schema}" CASCADE` as never))
    await admin.run((db) => db.execute(`DROP SCHEMA IF EXISTS "${schema}_admin" CASCADE` as never))
    await admin.close()
  })

  it("runs the day once between them, and a due reminder goes out once", async () => {
    const agent = await loginAs(servers[1]!, demoLogins.agent)
    const c = (await agent.get("/api/work-list/customers?limit=1")).body.items[0]
    const booked = await agent.post("/api/appointments", { customerId: c.customerId, at: "2026-11-24T22:15:00Z", channel: "phone" })
    expect(booked.status).toBe(201)
    const [a, b] = await Promise.all(servers.map((s) => s.schedule!.tick()))
    expect([a!.daily, b!.daily].filter((d) => d !== null).map((d) => d!.asOf)).toEqual(["2026-11-25"])
    // The reminder sender is leased too: one process sends, the other leaves it alone.
    expect([...a!.reminded, ...b!.reminded]).toEqual([booked.body.appointment.id])
    clock = ms("2026-11-24T22:06:00Z")
    const again = await Promise.all(servers.map((s) => s.schedule!.tick()))
    expect(again.map((t) => t.daily)).toEqual([null, null])
  }, 180_000)
})
