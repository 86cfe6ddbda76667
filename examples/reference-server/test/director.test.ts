/**
 * The director's routes over real HTTP: the business day, reports as localized tables (the
 * funnel's stages agree with the JSON report, count for count), the people of a subtree, the
 * subtree's work items a page at a time with names — and scope: a team outside the caller's
 * subtree reads as missing (404), a reader without the report right is refused (403).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { demoClockLayer } from "@winback/core/demo"
import type { RunningServer } from "../src/server"
import { asOf, client, demoLogins, demoOrg, loginAs, memoryStorage, startTestServer } from "./support"

let server: RunningServer
let director: Awaited<ReturnType<typeof loginAs>>
let agent: Awaited<ReturnType<typeof loginAs>>
let approver: Awaited<ReturnType<typeof loginAs>>

beforeAll(async () => {
  // The services' clock on the business day, so the demo's work is dated today (asOf).
  server = await startTestServer(memoryStorage(), { clock: demoClockLayer(`${asOf}T02:00:00.000Z`) })
  ;[director, agent, approver] = await Promise.all([loginAs(server, demoLogins.director), loginAs(server, demoLogins.agent), loginAs(server, demoLogins.approver)])
}, 120_000)
afterAll(async () => {
  await server?.close()
})

const directorTeam = demoOrg.managers.find((m) => m.id === demoLogins.director)!.teamId!
/** The root team of the other region: outside the first region's director's subtree. */
const otherRoot = demoOrg.teams.find((t) => t.parentId === null && t.id !== directorTeam)!.id

describe("the business day", () => {
  it("is the server's today, its month's first day and the exclusive end of a range that includes today", async () => {
    const r = await director.get("/api/director/today")
    expect(r.status).toBe(200)
    expect(r.body).toEqual({ today: asOf, monthStart: "2026-11-01", tomorrow: "2026-11-26" })
    expect((await client(server).get("/api/director/today")).status).toBe(401)
  })
})

describe("report tables", () => {
  const range = `from=2026-11-01&to=2026-11-26`

  it("the funnel: a stages table that agrees with the JSON report, then the breakdown, in English", async () => {
    const [json, tables] = await Promise.all([director.get(`/api/reports/funnel?${range}&by=team`), director.get(`/api/report-tables/funnel?${range}&by=team`)])
    expect(tables.status).toBe(200)
    expect(tables.body.name).toBe("funnel")
    expect(tables.body.title).toBe("Call funnel: handed out, attempted, reached, completed, retained")
    const [stages, byTeam] = tables.body.tables
    expect(stages.name).toBe("Stages")
    expect(stages.columns.map((c: { label: string }) => c.label)).toEqual(["Stage", "Count", "% of the stage before", "% of submitted"])
    expect(stages.rows.map((r: { stage: string; count: number }) => [r.stage, r.count])).toEqual(
      json.body.total.stages.map((s: { stage: string; count: number }) => [{ submitted: "Submitted", connected: "Connected", effective: "Effective contact", success: "Offer accepted" }[s.stage], s.count])
    )
    expect(json.body.total.counts.submitted).toBeGreaterThan(0) // the demo's work was handed out this month
    expect(byTeam.columns[0].label).toBe("Team")
    // One row per team with data (by name, never an id), then the total ("All").
    expect(byTeam.rows.at(-1).group).toBe("All")
    for (const row of byTeam.rows.slice(0, -1)) expect(demoOrg.teams.some((t) => t.name === row.group)).toBe(true)
  })

  it("every report's tables speak zh-CN (names and headings, no English left) and name teams, never their ids", async () => {
    const task = (await director.get("/api/tasks?status=active&limit=1")).body.items[0] as { id: string; name: string }
    const taskNames = ((await director.get("/api/tasks?limit=200")).body.items as Array<{ name: string }>).map((t) => t.name)
    const queries = [
      `funnel?${range}&by=team`,
      `observations?${range}&by=team`,
      "status-accounting?month=2026-11",
      `agents?${range}`,
      `questionnaire?${range}&taskId=${task.id}`,
      "period?kind=month&on=2026-11-25"
    ]
    const teamIds = new Set(demoOrg.teams.map((t) => t.id))
    for (const q of queries) {
      const r = await director.call("GET", `/api/report-tables/${q}`, undefined, { "accept-language": "zh-CN" })
      expect(r.status, q).toBe(200)
      for (const table of r.body.tables as Array<{ name: string; columns: Array<{ key: string; label: string }>; rows: Array<Record<string, unknown>> }>) {
        // A table's name may end with its month (status accounting) or its task's name (data, as written): the words are Chinese.
        if (q.startsWith("questionnaire")) expect(table.name).toBe(`问卷 ${task.name}`)
        if (table.name.startsWith("问卷 ")) expect(taskNames, `${q}: ${table.name}`).toContain(table.name.slice(3))
        else expect(table.name.replace(/ \d{4}-\d{2}$/, ""), `${q}: ${table.name}`).not.toMatch(/[A-Za-z]{2}/)
        for (const c of table.columns) expect(c.label, `${q}: ${c.key}`).not.toMatch(/[A-Za-z]{2}/)
        for (const row of table.rows) if (typeof row.teamId === "string") expect(teamIds.has(row.teamId), `${q}: ${row.teamId}`).toBe(false)
        // The status accounting's items are words too (a mismatch names its code).
        for (const row of table.rows) if (typeof row.item === "string" && !row.item.startsWith("不一致")) expect(row.item, q).not.toMatch(/[A-Za-z]{2}/)
        for (const row of table.rows) if (row.item === "对账一致") expect(["是", "否"]).toContain(row.note)
        // A questionnaire's questions and answers as the agent reads them in Chinese (placeholders aside).
        for (const row of table.rows) for (const cell of [row.question, row.answer]) if (typeof cell === "string") expect(cell.replace(/\{[^}]*\}/g, ""), q).not.toMatch(/[A-Za-z]{2}/)
      }
    }
    // The agents' teams by name.
    const agents = await director.call("GET", `/api/report-tables/agents?${range}`, undefined, { "accept-language": "zh-CN" })
    const names = new Set(demoOrg.teams.map((t) => t.name))
    expect(agents.body.tables[0].rows.length).toBeGreaterThan(0)
    for (const row of agents.body.tables[0].rows as Array<{ teamId: string }>) expect(names.has(row.teamId)).toBe(true)
    // And the agents' chart names its measure in Chinese.
    const chart = await director.call("GET", `/api/reports/agents.svg?${range}`, undefined, { "accept-language": "zh-CN" })
    expect(chart.body).toContain("净效果（挽留收入 − 优惠成本）")
    expect(chart.body).not.toContain("Net effect")
  })

  it("speaks zh-CN: headings, stage names and group words", async () => {
    const r = await director.call("GET", `/api/report-tables/funnel?${range}&by=agent`, undefined, { "accept-language": "zh-CN" })
    expect(r.status).toBe(200)
    expect(r.body.title).toBe("外呼漏斗：派发、外呼、接通、完成、挽留")
    const [stages, byAgent] = r.body.tables
    expect(stages.name).toBe("各阶段")
    expect(stages.rows.map((x: { stage: string }) => x.stage)).toEqual(["派发", "接通", "有效接触", "接受优惠"])
    expect(byAgent.columns.map((c: { label: string }) => c.label)).toContain("派发")
    // No English left in the words around the figures (names stay as written).
    for (const table of r.body.tables as Array<{ name: string; columns: Array<{ label: string }> }>) {
      for (const word of [table.name, ...table.columns.map((c) => c.label)]) expect(word).not.toMatch(/[A-Za-z]{2}/)
    }
    expect(byAgent.rows.at(-1).group).toBe("全部")
    // The funnel chart's rate notes too.
    const svg = await director.call("GET", `/api/reports/funnel.svg?${range}`, undefined, { "accept-language": "zh-CN" })
    expect(svg.body).toContain("占上一阶段比例")
    expect(svg.body).not.toContain("of previous")
  })

  it("by rule, by manager and every other report answer tables; bad input is 400; the approver is refused", async () => {
    const rules = await director.get(`/api/report-tables/observations?${range}&by=rule`)
    expect(rules.status).toBe(200)
    expect(rules.body.tables[0].columns[0].label).toBe("Rule")
    const agents = await director.get(`/api/report-tables/agents?${range}`)
    expect(agents.status).toBe(200)
    expect(agents.body.tables[0].rows.length).toBeGreaterThan(0)
    expect((await director.get("/api/report-tables/status-accounting?month=2026-11")).status).toBe(200)
    const period = await director.get("/api/report-tables/period?kind=month&on=2026-11-25")
    expect(period.status).toBe(200)
    expect(period.body.tables.length).toBeGreaterThan(1)
    expect((await director.get("/api/report-tables/funnel?from=2026-11-26&to=2026-11-01")).status).toBe(400)
    expect((await director.get("/api/report-tables/funnel?from=2026-11-01&to=2026-11-26&by=planet")).status).toBe(400)
    expect((await approver.get(`/api/report-tables/funnel?${range}`)).status).toBe(403)
    // An agent reads their own figures only.
    const mine = await agent.get(`/api/report-tables/agents?${range}`)
    expect(mine.status).toBe(200)
    for (const row of mine.body.tables[0].rows) expect([demoOrg.managers.find((m) => m.id === demoLogins.agent)!.name, "Total"]).toContain(row.name ?? row.group)
  })
})

describe("the people of a subtree", () => {
  it("lists the director's teams in tree order and the managers in them", async () => {
    const r = await director.get("/api/director/people")
    expect(r.status).toBe(200)
    expect(r.body.teamId).toBe(directorTeam)
    expect(r.body.teams[0]).toMatchObject({ id: directorTeam, depth: 0, parentId: null })
    const region = demoOrg.teams.filter((t) => t.region === demoOrg.teams.find((x) => x.id === directorTeam)!.region)
    expect(r.body.teams.map((t: { id: string }) => t.id).sort()).toEqual(region.map((t) => t.id).sort())
    const ids = r.body.managers.map((m: { id: string }) => m.id)
    expect(ids).toContain(demoLogins.agent)
    expect(ids).toContain(demoLogins.director)
    expect(ids.length).toBe(demoOrg.managers.filter((m) => region.some((t) => t.id === m.teamId)).length)
  })

  it("answers 404 for a team outside the caller's scope and 400 for a bad id", async () => {
    const outside = await director.get(`/api/director/people?teamId=${otherRoot}`)
    expect(outside.status).toBe(404)
    expect((await agent.get(`/api/director/people?teamId=${directorTeam}`)).status).toBe(404)
    expect((await director.get("/api/director/people?teamId=no-such-team")).status).toBe(404)
    expect((await director.get(`/api/director/people?teamId=${"x".repeat(201)}`)).status).toBe(400)
  })
})

describe("the subtree's work items", () => {
  it("pages through them with names, every page disjoint, all of the subtree's items", async () => {
    const seen: Array<string> = []
    let cursor: string | null = null
    let pages = 0
    do {
      const r: { status: number; body: { items: Array<Record<string, unknown>>; nextCursor: string | null } } = await director.get(
        `/api/director/work-items?limit=7&state=open&state=in-progress${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`
      )
      expect(r.status).toBe(200)
      expect(r.body.items.length).toBeLessThanOrEqual(7)
      for (const w of r.body.items) {
        expect(typeof w.customerName).toBe("string")
        expect(typeof w.taskName).toBe("string")
        expect(w.customerName).not.toBe(w.customerId)
        if (w.assigneeId !== null) expect(w.assigneeName).toBe(demoOrg.managers.find((m) => m.id === w.assigneeId)!.name)
        seen.push(w.id as string)
      }
      cursor = r.body.nextCursor
      pages += 1
    } while (cursor !== null && pages < 100)
    expect(pages).toBeGreaterThan(1)
    expect(new Set(seen).size).toBe(seen.length)
    const all = await director.get("/api/work-items?state=open&state=in-progress&limit=200")
    expect(seen.sort()).toEqual(all.body.items.map((w: { id: string }) => w.id).sort())
  })

  it("narrows to one manager and one team; a team outside the scope is 404", async () => {
    const mine = await director.get(`/api/director/work-items?assigneeId=${demoLogins.agent}&limit=200`)
    expect(mine.status).toBe(200)
    expect(mine.body.items.length).toBeGreaterThan(0)
    for (const w of mine.body.items) expect(w.assigneeId).toBe(demoLogins.agent)
    const agentTeam = demoOrg.managers.find((m) => m.id === demoLogins.agent)!.teamId!
    const squad = await director.get(`/api/director/work-items?teamId=${agentTeam}&limit=200`)
    expect(squad.status).toBe(200)
    for (const w of squad.body.items) expect(w.teamId).toBe(agentTeam)
    expect((await director.get(`/api/director/work-items?teamId=${otherRoot}`)).status).toBe(404)
    expect((await agent.get(`/api/director/work-items?teamId=${directorTeam}`)).status).toBe(404)
    expect((await director.get("/api/director/work-items?limit=0")).status).toBe(400)
    expect((await director.get("/api/director/work-items?state=sleeping")).status).toBe(400)
  })
})
