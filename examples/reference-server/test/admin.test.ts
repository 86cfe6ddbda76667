/**
 * The admin routes over real HTTP (memory storage, the two-region test demo): teams (create under
 * a parent, rename), managers (search with paging, move, roles, deactivate) and the rule preview
 * before saving — each change audited, each scoped to the teams the caller administers (changes
 * outside answer 403, reads outside 404 or simply absent from lists).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { RunningServer } from "../src/server"
import { fixedCalendar } from "@winback/rules"
import { demoLogins, demoOrg, loginAs, memoryStorage, startTestServer } from "./support"

type Client = Awaited<ReturnType<typeof loginAs>>
const director = demoLogins.director // admin of t-beijing (the region root)
const squadLead = demoLogins.teamLeader // admin of t-beijing-d1-s1
const agentsOf = (teamId: string) => demoOrg.managers.filter((m) => m.teamId === teamId && m.roles.includes("agent")).map((m) => m.id)
const [, a2, a3] = agentsOf("t-beijing-d1-s1") as [string, string, string]
const otherSquadAgent = agentsOf("t-beijing-d1-s2")[0]!
const shanghaiDirector = "m-shanghai-director"
const shanghaiAgent = agentsOf("t-shanghai-d1-s1")[0]!

describe("admin routes", () => {
  let server: RunningServer
  let dir: Client, lead: Client, agent: Client, sh: Client
  beforeAll(async () => {
    server = await startTestServer()
    ;[dir, lead, agent, sh] = await Promise.all([director, squadLead, demoLogins.agent, shanghaiDirector].map((id) => loginAs(server, id))) as [Client, Client, Client, Client]
  })
  afterAll(() => server?.close())

  /** The caller's audit entries of category `team`, newest last. */
  const teamAudit = async (c: Client) => (await c.get("/api/audit?category=team&limit=200")).body.items as Array<{ action: string; recordId: string; actorId: string; before: any; after: any }>

  it("answers the teams the caller administers", async () => {
    const r = await dir.get("/api/org/reach")
    expect(r.status).toBe(200)
    expect(r.body.canManageRoles).toBe(true)
    expect(r.body.administered).toContain("t-beijing-d1-s2")
    expect(r.body.administered).not.toContain("t-shanghai")
    // The default China calendar has no 2027 data yet (chinese-days 1.5.7): the coming year is named.
    expect((await agent.get("/api/org/reach")).body).toEqual({ administered: [], canManageRoles: false, today: "2026-11-25", calendarGaps: [2027] })
  })

  it("names no gap when the calendar covers the next 60 days, or when the server runs without one", async () => {
    const covered = await startTestServer(memoryStorage(), { calendar: fixedCalendar({ name: "CN 2026–2027", years: { from: 2026, to: 2027 }, holidays: ["2027-01-01"] }) })
    const none = await startTestServer(memoryStorage(), { calendar: null })
    try {
      expect((await (await loginAs(covered, director)).get("/api/org/reach")).body.calendarGaps).toEqual([])
      expect((await (await loginAs(none, director)).get("/api/org/reach")).body.calendarGaps).toEqual([])
    } finally {
      await Promise.all([covered.close(), none.close()])
    }
  })

  it("names every team's admin in the tree, other regions' teams too: the page shows people, not ids", async () => {
    const teams = (await agent.get("/api/teams?limit=200")).body.items as Array<{ id: string; adminId: string; adminName: string | null }>
    expect(teams.length).toBe(demoOrg.teams.length)
    const nameOf = new Map(demoOrg.managers.map((m) => [m.id, m.name]))
    for (const team of teams) expect([team.id, team.adminName]).toEqual([team.id, nameOf.get(team.adminId)])
    expect(teams.some((x) => x.id === "t-shanghai" && x.adminName !== null)).toBe(true)
  })

  it("creates a team under a parent the caller administers and renames it, both audited; outsiders get 403", async () => {
    const created = await dir.post("/api/teams", { parentId: "t-beijing-d1", name: "Night shift", adminId: squadLead })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ parentId: "t-beijing-d1", region: "beijing", name: "Night shift", adminId: squadLead, version: 1 })
    const id = created.body.id as string
    const renamed = await dir.patch(`/api/teams/${id}`, { name: "Evening shift" })
    expect(renamed.status).toBe(200)
    expect(renamed.body).toMatchObject({ id, name: "Evening shift", version: 2 })
    const entries = (await teamAudit(dir)).filter((e) => e.recordId === id)
    expect(entries.map((e) => [e.action, e.actorId])).toEqual([
      ["team.create", director],
      ["team.rename", director]
    ])
    expect(entries[1]!.before.name).toBe("Night shift")

    expect((await sh.patch(`/api/teams/${id}`, { name: "Mine" })).status).toBe(403)
    expect((await sh.post("/api/teams", { parentId: "t-beijing", name: "Mine", adminId: shanghaiDirector })).status).toBe(403)
    expect((await agent.patch("/api/teams/t-beijing-d1-s1", { name: "Mine" })).status).toBe(403)
    expect((await dir.patch("/api/teams/t-nowhere", { name: "X" })).status).toBe(404)
    expect((await dir.patch(`/api/teams/${id}`, { name: "   " })).status).toBe(400)
    expect((await dir.post("/api/teams", { parentId: "t-beijing-d1", name: "X", adminId: squadLead, extra: 1 })).status).toBe(400)
  })

  it("lists managers in reach, searched and paged; others are absent (and 404 one by one)", async () => {
    const first = await dir.get("/api/org/managers?limit=5")
    expect(first.status).toBe(200)
    expect(first.body.items).toHaveLength(5)
    expect(first.body.nextCursor).toBe("5")
    const second = await dir.get(`/api/org/managers?limit=5&cursor=${first.body.nextCursor}`)
    expect(second.body.items.map((m: { id: string }) => m.id)).not.toContain(first.body.items[0].id)
    const all = await dir.get("/api/org/managers?limit=200")
    expect(all.body.items.every((m: { region: string }) => m.region === "beijing")).toBe(true)
    const names = all.body.items.map((m: { name: string }) => m.name)
    expect(names).toEqual([...names].sort())

    const byId = await dir.get(`/api/org/managers?q=${encodeURIComponent(a3.toUpperCase())}`)
    expect(byId.body.items.map((m: { id: string }) => m.id)).toEqual([a3])
    const byName = await dir.get(`/api/org/managers?q=${encodeURIComponent(demoOrg.managers.find((m) => m.id === a3)!.name)}`)
    expect(byName.body.items.map((m: { id: string }) => m.id)).toContain(a3)
    expect((await dir.get("/api/org/managers?role=approver")).body.items.map((m: { id: string }) => m.id)).toEqual(["m-beijing-approver"])

    expect((await dir.get(`/api/org/managers?q=${shanghaiAgent}`)).body.items).toEqual([])
    expect((await dir.get(`/api/managers/${shanghaiAgent}`)).status).toBe(404)
    expect((await lead.get(`/api/org/managers?q=${otherSquadAgent}`)).body.items).toEqual([])
    expect((await agent.get("/api/org/managers")).body.items).toEqual([])
    expect((await dir.get("/api/org/managers?cursor=abc")).status).toBe(400)
    expect((await dir.get("/api/org/managers?role=king")).status).toBe(400)
  })

  it("moves a member to another team (admin of both), audited; a squad leader cannot take another squad's agent", async () => {
    const moved = await dir.call("PUT", `/api/managers/${a2}/team`, { teamId: "t-beijing-d1-s2" })
    expect(moved.status).toBe(200)
    expect(moved.body.teamId).toBe("t-beijing-d1-s2")
    expect(moved.body.profile.workHistory.at(-1)).toMatchObject({ kind: "team-move", detail: "t-beijing-d1-s1 -> t-beijing-d1-s2" })
    const entry = (await teamAudit(dir)).find((e) => e.action === "team.member.move" && e.recordId === a2)
    expect(entry).toMatchObject({ actorId: director, before: { teamId: "t-beijing-d1-s1" }, after: { teamId: "t-beijing-d1-s2" } })
    expect((await lead.call("PUT", `/api/managers/${otherSquadAgent}/team`, { teamId: "t-beijing-d1-s1" })).status).toBe(403)
    expect((await sh.call("PUT", `/api/managers/${a2}/team`, { teamId: "t-shanghai" })).status).toBe(403)
    const back = await dir.call("PUT", `/api/managers/${a2}/team`, { teamId: "t-beijing-d1-s1" })
    expect(back.body.teamId).toBe("t-beijing-d1-s1")
  })

  it("changes roles inside reach, audited; nobody promotes themselves; outsiders and agents get 403", async () => {
    const r = await dir.call("PUT", `/api/managers/${a3}/roles`, { roles: ["agent", "team-leader"] })
    expect(r.status).toBe(200)
    expect(r.body.roles).toEqual(["agent", "team-leader"])
    const entry = (await teamAudit(dir)).find((e) => e.action === "manager.set-roles" && e.recordId === a3)
    expect(entry).toMatchObject({ actorId: director, before: { roles: ["agent"] }, after: { roles: ["agent", "team-leader"] } })
    // The new leader's next call already carries the role.
    const a3Client = await loginAs(server, a3)
    expect((await a3Client.get("/api/me")).body.roles).toEqual(["agent", "team-leader"])

    const self = await lead.call("PUT", `/api/managers/${squadLead}/roles`, { roles: ["team-leader", "admin", "director"] })
    expect(self.status).toBe(403)
    expect(self.body.error.code).toBe("forbidden")
    expect((await lead.get("/api/me")).body.roles).toEqual(["team-leader", "admin"])
    expect((await sh.call("PUT", `/api/managers/${a3}/roles`, { roles: ["agent"] })).status).toBe(403)
    expect((await agent.call("PUT", `/api/managers/${a3}/roles`, { roles: ["agent"] })).status).toBe(403)
    expect((await lead.call("PUT", `/api/managers/${otherSquadAgent}/roles`, { roles: ["team-leader"] })).status).toBe(403)
    expect((await dir.call("PUT", "/api/managers/m-nobody/roles", { roles: ["agent"] })).status).toBe(404)
    expect((await dir.call("PUT", `/api/managers/${a3}/roles`, { roles: ["king"] })).status).toBe(400)
    expect((await dir.call("PUT", `/api/managers/${a3}/roles`, { roles: [] })).status).toBe(400)
    await dir.call("PUT", `/api/managers/${a3}/roles`, { roles: ["agent"] })
  })

  it("deactivates a manager (whose session ends at once) and reactivates; never oneself or a team's admin", async () => {
    const a3Client = await loginAs(server, a3)
    const off = await dir.call("PUT", `/api/managers/${a3}/active`, { active: false })
    expect(off.status).toBe(200)
    expect(off.body.active).toBe(false)
    // Their session ends at once.
    expect((await a3Client.get("/api/work-list/customers")).status).toBe(401)
    expect((await teamAudit(dir)).find((e) => e.action === "manager.deactivate" && e.recordId === a3)).toMatchObject({ before: { active: true }, after: { active: false } })
    // Inactive managers appear on request only.
    expect((await dir.get(`/api/org/managers?q=${a3}`)).body.items).toEqual([])
    expect((await dir.get(`/api/org/managers?q=${a3}&includeInactive=true`)).body.items.map((m: { id: string }) => m.id)).toEqual([a3])

    const lead409 = await dir.call("PUT", `/api/managers/${squadLead}/active`, { active: false })
    expect(lead409.status).toBe(409)
    expect(lead409.body.error.details.reason).toContain("t-beijing-d1-s1")
    expect((await dir.call("PUT", `/api/managers/${director}/active`, { active: false })).status).toBe(403)
    expect((await sh.call("PUT", `/api/managers/${a2}/active`, { active: false })).status).toBe(403)
    expect((await lead.call("PUT", `/api/managers/${a2}/active`, { active: "no" })).status).toBe(400)

    const on = await dir.call("PUT", `/api/managers/${a3}/active`, { active: true })
    expect(on.body.active).toBe(true)
    expect((await (await loginAs(server, a3)).get("/api/work-list/customers")).status).toBe(200)
  })

  it("previews a rule before saving it: count and sample in the caller's scope; agents 403, bad parameters 400", async () => {
    const rule = { ruleId: "bill-drop-preview", name: "Bill drop", templateId: "bill-drop", params: { dropPercent: { by: "tier", values: { diamond: 10, gold: 10, silver: 10, regular: 10 } } } }
    const all = await dir.post("/api/rules/preview", { rule })
    expect(all.status).toBe(200)
    expect(all.body).toMatchObject({ count: expect.any(Number), asOf: "2026-11-25" })
    expect(all.body.count).toBeGreaterThan(0)
    expect(all.body.sample.length).toBe(Math.min(10, all.body.count))
    const mine = await lead.post("/api/rules/preview", { rule, asOf: "2026-11-25" })
    expect(mine.status).toBe(200)
    expect(mine.body.count).toBeLessThan(all.body.count)
    for (const id of mine.body.sample) expect((await lead.get(`/api/customers/${id}`)).status).toBe(200)
    // Nothing was saved.
    expect((await dir.get("/api/rules/bill-drop-preview@1")).status).toBe(404)
    expect((await agent.post("/api/rules/preview", { rule })).status).toBe(403)
    expect((await dir.post("/api/rules/preview", { rule: { ...rule, params: { dropPercent: "a lot" } } })).status).toBe(400)
    expect((await dir.post("/api/rules/preview", { rule: { ...rule, templateId: "nope" } })).status).toBe(400)
  })

  it("the region's last active admin keeps the admin role", async () => {
    const admins = demoOrg.managers.filter((m) => m.region === "beijing" && m.roles.includes("admin") && m.id !== director)
    for (const m of admins) expect((await dir.call("PUT", `/api/managers/${m.id}/roles`, { roles: ["team-leader"] })).status).toBe(200)
    const last = await dir.call("PUT", `/api/managers/${director}/roles`, { roles: ["director"] })
    expect(last.status).toBe(409)
    expect(last.body.error.details).toMatchObject({ kind: "wrong-state", entity: "Manager", id: director })
    expect((await dir.get("/api/me")).body.roles).toEqual(["director", "admin"])
  })
})
