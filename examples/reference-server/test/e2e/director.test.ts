/**
 * The director's day in real headless Chromium, in English and in zh-CN: the work overview of the
 * region (team and manager selectors with names, pages of 20), the call funnel for today after the
 * agent's calls (non-zero, the API's figures count for count, by team, CSV with its BOM and XLSX
 * downloadable), and the audit log (filtered by who, paged, verified). The services' clock sits on
 * the business day (asOf), so the work the demo and the calls date is today's. Screenshots go to
 * docs/images/workbench-director-*.png (the zh-CN journey on the zh demo: names in Chinese).
 */
import { mkdirSync } from "node:fs"
import { fileURLToPath } from "node:url"
import type { Locator, Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { demoClockLayer } from "@winback/core/demo"
import { apiAs, asOf, demoPassword, newPage, screenshotter, startWorkbench, type Workbench } from "./support"

let wb: Workbench
let directorApi: Awaited<ReturnType<typeof apiAs>>
const tomorrow = "2026-11-26"

/** The server of one language's journey (zh-CN: the zh demo, people and tasks named in Chinese), after the agent's morning calls. */
const start = async (names: "pinyin" | "hanzi") => {
  wb = await startWorkbench({ names, server: { clock: demoClockLayer(`${asOf}T02:00:00.000Z`) } })
  directorApi = await apiAs(wb.server.url, wb.logins.director)
  // The agent's calls of the morning: two customers reached and done, one refused.
  const agentApi = await apiAs(wb.server.url, wb.logins.agent)
  const list = (await agentApi.get("/api/work-list/customers?limit=3")).body.items as Array<{ customerId: string; items: Array<{ item: { id: string } }> }>
  for (const [i, c] of list.entries()) {
    const r = await agentApi.post("/api/calls", { customerId: c.customerId, itemIds: c.items.map((x) => x.item.id), disposition: i === 2 ? "refused" : "completed", complete: true })
    if (r.status !== 200 && r.status !== 201) throw new Error(`call ${c.customerId}: ${r.status} ${JSON.stringify(r.body)}`)
  }
}

/** Logs in through the login screen in either language (by the controls' ids, not their words). */
const logIn = async (page: Page, managerId: string): Promise<void> => {
  await page.locator(`button[data-login="${managerId}"]`).click()
  await page.locator("#login-password").fill(demoPassword)
  await page.locator("#login-submit").click()
  await page.locator("#app").waitFor({ state: "visible" })
}

/** Waits until a table shows rows and every row's third cell (the person) is `name`. */
const everyRowNames = (page: Page, table: string, name: string) =>
  page.waitForFunction(
    ([selector, who]) => {
      const rows = Array.from((globalThis as unknown as { document: { querySelectorAll: (s: string) => ArrayLike<{ cells: ArrayLike<{ textContent: string }> }> } }).document.querySelectorAll(`${selector} tbody tr`))
      return rows.length > 0 && rows.every((r) => r.cells[2]!.textContent === who)
    },
    [table, name] as const,
    { timeout: 30_000 }
  )

const images = fileURLToPath(new URL("../../../../docs/images/", import.meta.url))

/** Texts of the cells of the rows of a table. */
const cells = (table: Locator) =>
  table.locator("tbody tr").evaluateAll((trs) => trs.map((tr) => Array.from((tr as unknown as { cells: ArrayLike<{ textContent: string }> }).cells, (c) => c.textContent)))

/** The words of each language the journey looks for. */
const words = {
  en: { overview: "Work overview", reports: "Reports", audit: "Audit log", show: "Show", next: "Next page", prev: "Previous page", submitted: "Submitted", connected: "Connected", intact: "Intact: all", today: "Today", page2: "Page 2", team: "Team", agentsReport: "Agent performance, in rank order", funnelReport: "Call funnel: handed out, attempted, reached, completed, retained" },
  "zh-CN": { overview: "工作总览", reports: "报表", audit: "审计日志", show: "查询", next: "下一页", prev: "上一页", submitted: "派发", connected: "接通", intact: "完整：全部", today: "今天", page2: "第 2 页", team: "班组", agentsReport: "坐席绩效排名", funnelReport: "外呼漏斗：派发、外呼、接通、完成、挽留" }
} as const

describe.each([
  ["en", "en-US"],
  ["zh-CN", "zh-CN"]
] as const)("the director's day (%s)", (lang, browserLocale) => {
  const w = words[lang]
  beforeAll(() => start(lang === "zh-CN" ? "hanzi" : "pinyin"), 120_000)
  afterAll(async () => {
    await wb?.close()
  })
  it("overview with pages, today's funnel with downloads, the audit log verified", async () => {
    const { page, errors } = await newPage(wb, browserLocale)
    const shot = screenshotter(`director-${lang}`)
    try {
      await page.goto(wb.server.url)
      await logIn(page, wb.logins.director)

      // The overview: the director lands on it; the team selector lists the region's teams by name.
      await page.locator("#ov-h").waitFor()
      // The calendar lacks 2027 (chinese-days has not published it): a director is told on every screen.
      expect(await page.locator("#calendar-gap").textContent()).toContain("2027")
      // A director (and admin) has no work list of their own; every other screen is theirs.
      expect(await page.locator("#nav a:visible").evaluateAll((as) => as.map((a) => a.getAttribute("href")))).toEqual(["#/approvals", "#/team", "#/reports", "#/admin", "#/sms", "#/overview", "#/audit"])
      expect(await page.locator("#ov-h").textContent()).toBe(w.overview)
      const people = (await directorApi.get("/api/director/people")).body as { teams: Array<{ id: string; name: string }>; managers: Array<{ id: string; name: string }> }
      const teamOptions = await page.locator("#ov-team option").allTextContents()
      expect(teamOptions.length).toBe(people.teams.length)
      for (const [i, t] of people.teams.entries()) expect(teamOptions[i]).toContain(t.name)
      expect(await page.locator("#ov-manager option").count()).toBe(people.managers.length + 1)
      // Pages of 20: the first page full, the second different, back again.
      await page.locator("table.overview-table tbody tr").nth(19).waitFor()
      const first = await cells(page.locator("table.overview-table"))
      expect(first.length).toBe(20)
      mkdirSync(images, { recursive: true })
      await page.screenshot({ path: `${images}workbench-director-overview-${lang}.png`, fullPage: true })
      await page.getByRole("button", { name: w.next }).click()
      await page.locator(".page-no", { hasText: w.page2 }).waitFor()
      await page.locator("table.overview-table tbody tr").first().waitFor()
      const second = await cells(page.locator("table.overview-table"))
      expect(second.length).toBeGreaterThan(0)
      expect(second).not.toEqual(first)
      await page.getByRole("button", { name: w.prev }).click()
      await page.waitForFunction((n) => (globalThis as unknown as { document: { querySelectorAll: (s: string) => { length: number } } }).document.querySelectorAll("table.overview-table tbody tr").length === n, 20)
      // One manager: every row is theirs, by name.
      const agentName = people.managers.find((m) => m.id === wb.logins.agent)!.name
      await page.locator("#ov-manager").selectOption(wb.logins.agent)
      await everyRowNames(page, "table.overview-table", agentName)
      await shot(page, "overview-one-manager")

      // Team work opens on a squad (where the agents and their work are), not on the region's root.
      await page.locator('#nav a[href="#/team"]').click()
      await page.locator('select[name="team"]').waitFor()
      const squad = await page.locator('select[name="team"]').inputValue()
      const allTeams = (await directorApi.get("/api/teams?limit=200")).body.items as Array<{ id: string; parentId: string | null }>
      expect(allTeams.some((x) => x.parentId === squad)).toBe(false)
      expect(allTeams.find((x) => x.id === squad)!.parentId).not.toBeNull()
      const squadWork = (await directorApi.get(`/api/team-work?teamId=${squad}`)).body as { members: Array<{ name: string }> }
      expect(squadWork.members.length).toBeGreaterThan(0)
      await page.locator("table.team-table tbody tr").first().waitFor()

      // Reports: the funnel shows at once, this month up to and including today.
      await page.locator('a[href="#/reports"]').click()
      await page.locator("#rp-h").waitFor()
      const article = page.locator('article.report[data-report="funnel"]')
      await article.locator("table.report-table").first().waitFor({ timeout: 30_000 })
      // The report (a chart and a ten-column table) stays within the window: no sideways scrolling of the page.
      expect(await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement.scrollWidth <= (globalThis as unknown as { document: { documentElement: { clientWidth: number } } }).document.documentElement.clientWidth)).toBe(true)
      const funnelForm = page.locator('form.report-form[data-report="funnel"]')
      expect(await funnelForm.locator('input[name="from"]').inputValue()).toBe("2026-11-01")
      expect(await funnelForm.locator('input[name="to"]').inputValue()).toBe(asOf)
      // Today alone: the figures are the API's for [today, tomorrow), and not zero.
      await funnelForm.getByRole("button", { name: w.today }).click()
      await page.locator(".report-range", { hasText: `${asOf}` }).filter({ hasNotText: "2026-11-01" }).waitFor()
      const api = (await directorApi.get(`/api/reports/funnel?from=${asOf}&to=${tomorrow}`)).body as { total: { stages: Array<{ stage: string; count: number }> } }
      const count = (stage: string) => api.total.stages.find((s) => s.stage === stage)!.count
      expect(count("submitted")).toBeGreaterThan(0)
      expect(count("connected")).toBeGreaterThanOrEqual(2)
      const stages = await cells(article.locator("table.report-table").nth(0))
      expect(stages).toContainEqual(expect.arrayContaining([w.submitted, String(count("submitted"))]))
      expect(stages).toContainEqual(expect.arrayContaining([w.connected, String(count("connected"))]))
      // Rates with two decimals, as the chart beside the table prints them.
      const connectedRow = stages.find((row) => row[0] === w.connected)!
      expect(connectedRow[3]).toMatch(/^\d+\.\d\d%$/)
      await page.waitForFunction(() => {
        const img = (globalThis as unknown as { document: { querySelector: (s: string) => { complete: boolean; naturalWidth: number } | null } }).document.querySelector("article.report img.chart")
        return img !== null && img.complete && img.naturalWidth > 0
      })
      await page.screenshot({ path: `${images}workbench-director-${lang}.png`, fullPage: true })
      // The downloads: CSV with its BOM, XLSX a zip; fetched as the page would (same session).
      const [csvHref, xlsxHref] = await article.locator("a.download").evaluateAll((as) => as.map((a) => (a as unknown as { href: string }).href))
      const downloaded = await page.evaluate(
        async ([csv, xlsx]) => {
          const c = new Uint8Array(await (await fetch(csv!)).arrayBuffer())
          const x = new Uint8Array(await (await fetch(xlsx!)).arrayBuffer())
          return { csv: Array.from(c.slice(0, 3)), xlsx: String.fromCharCode(x[0]!, x[1]!) }
        },
        [csvHref, xlsxHref]
      )
      expect(downloaded).toEqual({ csv: [0xef, 0xbb, 0xbf], xlsx: "PK" })
      // By team: a row per team by name.
      await funnelForm.locator('select[name="by"]').selectOption("team")
      await funnelForm.getByRole("button", { name: w.show }).click()
      // The page shows two tables either way (the stages, then the funnel by its grouping): wait for the
      // grouping's table to be headed by the team, not for a count of tables the previous report already met.
      await article.locator("table.report-table").nth(1).locator("thead th").first().filter({ hasText: new RegExp(`^${w.team}$`) }).waitFor()
      const byTeam = await cells(article.locator("table.report-table").nth(1))
      expect(byTeam.some((row) => people.teams.some((t) => t.name === row[0]))).toBe(true)
      expect(await article.locator("table.report-table").nth(1).locator("th").first().textContent()).toBe(w.team)
      await shot(page, "funnel-by-team")
      // Another report chosen shows at once, in place of the funnel (never beside the new report's form).
      await page.locator("#report-picker").selectOption({ label: w.agentsReport })
      await page.locator('article.report[data-report="agents"]').waitFor()
      expect(await page.locator('article.report[data-report="funnel"]').count()).toBe(0)
      await page.locator("#report-picker").selectOption({ label: w.funnelReport })
      await page.locator('article.report[data-report="funnel"]').waitFor()

      // The audit log: this month's entries, a page at a time; the agent's alone; verified.
      await page.locator('a[href="#/audit"]').click()
      await page.locator("#au-h").waitFor()
      expect(await page.locator("#au-h").textContent()).toBe(w.audit)
      await page.locator("table.audit-table tbody tr").nth(19).waitFor({ timeout: 30_000 })
      const auditFirst = await cells(page.locator("table.audit-table"))
      await page.getByRole("button", { name: w.next }).click()
      await page.locator(".page-no", { hasText: w.page2 }).waitFor()
      await page.locator("table.audit-table tbody tr").first().waitFor()
      expect(await cells(page.locator("table.audit-table"))).not.toEqual(auditFirst)
      await page.locator("#au-actor").selectOption(wb.logins.agent)
      await page.locator("form.audit-filters button[type=submit]").click()
      await everyRowNames(page, "table.audit-table", agentName)
      const agentEntries = (await directorApi.get(`/api/audit?actorId=${wb.logins.agent}&from=2026-10-31T16:00:00.000Z&to=2026-11-25T16:00:00.000Z&limit=20`)).body.items as Array<{ seq: number }>
      expect((await cells(page.locator("table.audit-table"))).map((r) => r[0])).toEqual(agentEntries.map((e) => String(e.seq)))
      await page.locator("button.verify").click()
      await page.locator(".verify-ok").waitFor({ timeout: 30_000 })
      const verdict = (await directorApi.get("/api/audit/verify")).body as { ok: boolean; entries: number }
      expect(verdict.ok).toBe(true)
      expect(await page.locator(".verify-ok").textContent()).toContain(w.intact)
      await page.screenshot({ path: `${images}workbench-director-audit-${lang}.png`, fullPage: true })
    } catch (e) {
      await shot(page, "FAILED").catch(() => undefined)
      if (e instanceof Error) e.message += `\nmessages on the page: ${JSON.stringify(await page.locator(".msg").allTextContents().catch(() => []))}\nconsole: ${JSON.stringify(errors)}`
      throw e
    }
    expect(errors).toEqual([])
    await page.context().close()
  }, 120_000)
})
