/**
 * The approver's day in headless Chromium, in zh-CN and in English: a task awaiting approval read
 * through its dry run (customers handed out, split per team and per agent with names, a sample),
 * a rejection refused on screen without a reason and then given one, another task approved, and a
 * rule awaiting approval previewed (how many customers it matches today) and approved. Each
 * decision is read back over the API. Screenshots: docs/images/workbench-approver-*.png.
 */
import { expect } from "vitest"
import { apiAs, logInById, runJourney, workbenchForFile, inBothLanguages } from "./support"

const bench = workbenchForFile({ names: "hanzi" })

const texts = {
  en: { heading: "Tasks awaiting approval", reasonRequired: "Give a reason", rejected: "rejected", approved: "approved: now active" },
  "zh-CN": { heading: "待审批任务", reasonRequired: "驳回时请填写原因", rejected: "已驳回", approved: "进行中" }
} as const

/**
 * Two new alert tasks over a rule in force since the start of the demo month, and a new rule draft,
 * all submitted by the director (the rule of the tasks approved over the API beforehand).
 */
const submitWork = async (suffix: string) => {
  const wb = bench()
  const director = await apiAs(wb.server.url, wb.logins.director)
  const approver = await apiAs(wb.server.url, wb.logins.approver)
  const live = await director.post("/api/rules", { ruleId: `r-live-${suffix}`, name: `Contract ends ${suffix}`, templateId: "contract-expiring" })
  await director.post(`/api/rules/${live.body.id}/submit`, {})
  expect((await approver.post(`/api/rules/${live.body.id}/approve`, { effectiveFrom: "2026-11-01" })).status).toBe(200)
  const base = { ...(await director.get(`/api/tasks/${wb.work.pendingTaskId}`)).body, ruleInstanceIds: [live.body.id] }
  const ids: Array<string> = []
  for (const n of [1, 2]) {
    const { id: _id, status: _s, authorId: _a, approvals: _p, createdAt: _c, updatedAt: _u, version: _v, ...rest } = base
    const created = await director.post("/api/tasks", { ...rest, id: `t-appr-${suffix}-${n}`, name: `${base.name} ${suffix}-${n}` })
    expect(created.status).toBe(201)
    expect((await director.post(`/api/tasks/${created.body.id}/submit`, {})).status).toBe(200)
    ids.push(created.body.id)
  }
  const rule = await director.post("/api/rules", { ruleId: `r-appr-${suffix}`, name: `Silent ${suffix}`, templateId: "zero-bill" })
  expect(rule.status).toBe(201)
  expect((await director.post(`/api/rules/${rule.body.id}/submit`, {})).status).toBe(200)
  return { tasks: ids, rule: rule.body.id as string }
}

const approverDay = async (locale: "en" | "zh-CN") => {
  const wb = bench()
  const tx = texts[locale]
  const work = await submitWork(locale)
  const approverApi = await apiAs(wb.server.url, wb.logins.approver)
  await runJourney(wb, { name: `approver-${locale}`, locale: locale === "en" ? "en-US" : "zh-CN", publishStep: "dry-run", publishAs: `workbench-approver-${locale}` }, async (page, shot) => {
    await page.goto(wb.server.url)
    await logInById(page, wb.logins.approver)
    await page.locator("#ap-h", { hasText: tx.heading }).waitFor()
    // The approver's menu is their work: approvals, not an empty work list, reports or SMS they may not use.
    expect(await page.locator("#nav a:visible").evaluateAll((as) => as.map((a) => a.getAttribute("href")))).toEqual(["#/approvals"])
    // The calendar's missing year is for admins and directors to act on, not the approver's.
    expect(await page.locator("#calendar-gap").count()).toBe(0)

    // The dry run: the numbers and the split are the API's, agents and teams by name.
    const [rejecting, approving] = work.tasks
    const preview = (await approverApi.get(`/api/tasks/${rejecting}/preview`)).body
    const split = (await approverApi.get(`/api/tasks/${rejecting}/preview/split`)).body
    // Who wrote each pending task, by name (never the author's id).
    const authorName = (await approverApi.get("/api/tasks?status=pending-approval")).body.items.find((x: { id: string }) => x.id === rejecting).authorName as string
    const line = await page.locator("li", { has: page.locator(`button.task-open[data-task="${rejecting}"]`) }).textContent()
    expect(line).toContain(authorName)
    expect(line).not.toContain(wb.logins.director)
    await page.locator(`button.task-open[data-task="${rejecting}"]`).click()
    await page.locator("table.split-team").waitFor()
    expect(preview.result.handedOut).toBeGreaterThan(0)
    expect(await page.locator(".handed-out").textContent()).toBe(String(preview.result.handedOut))
    expect(await page.locator("table.split-team tbody td:first-child").allTextContents()).toEqual(split.perTeam.map((r: { name: string }) => r.name))
    expect(await page.locator("table.load tbody td:first-child").allTextContents()).toEqual(split.perAgent.map((r: { name: string }) => r.name))
    await shot(page, "dry-run")

    // Rejecting needs a reason: refused on the page first, then given.
    await page.locator("form.decision button.danger").click()
    await page.locator("#messages .msg.error", { hasText: tx.reasonRequired }).waitFor()
    expect((await approverApi.get(`/api/tasks/${rejecting}`)).body.status).toBe("pending-approval")
    await page.locator("form.decision textarea").fill("target too broad")
    await page.locator("form.decision button.danger").click()
    await page.locator("#messages .msg.info", { hasText: tx.rejected }).waitFor()
    await page.locator(`button.task-open[data-task="${rejecting}"]`).waitFor({ state: "detached" })
    expect((await approverApi.get(`/api/tasks/${rejecting}`)).status).toBe(404) // no longer awaiting approval: out of the approver's reach
    const director = await apiAs(wb.server.url, wb.logins.director)
    expect((await director.get(`/api/tasks/${rejecting}`)).body).toMatchObject({ status: "rejected", approvals: [expect.objectContaining({ by: wb.logins.approver, decision: "rejected", comment: "target too broad" })] })

    // The other task is approved.
    await page.locator(`button.task-open[data-task="${approving}"]`).click()
    await page.locator("table.split-team").waitFor()
    await page.locator("form.decision button.primary").click()
    await page.locator("#messages .msg.info", { hasText: tx.approved }).waitFor()
    expect((await director.get(`/api/tasks/${approving}`)).body.status).toBe("active")

    // The rule: its preview count, then approved.
    const rulePreview = (await approverApi.get(`/api/rules/${work.rule}/preview`)).body
    await page.locator(`button.rule-open[data-rule="${work.rule}"]`).click()
    await page.locator(".rule-count").waitFor()
    expect(await page.locator(".rule-count").textContent()).toBe(String(rulePreview.count))
    await shot(page, "rule")
    await page.locator("form.decision button.primary").click()
    await page.locator(`button.rule-open[data-rule="${work.rule}"]`).waitFor({ state: "detached" })
    expect((await director.get(`/api/rules/${work.rule}`)).body.status).toBe("active")
  })
}

inBothLanguages("the approver's day", approverDay)
