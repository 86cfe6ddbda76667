/**
 * One day in the call center, walked across the roles in headless Chromium, in English and in zh-CN
 * (each on a fresh demo, the zh one with names in Chinese characters), where every step uses what
 * the step before produced: the admin writes a bill-drop rule with per-tier thresholds (preview
 * count, submit), the approver approves it, the admin makes a phone task and an SMS task of it, the
 * approver reads the phone task's dry run (split per team and agent) and approves both; the
 * server's own schedule runs the day's extraction at 08:30 (the page has no "run now": the daily job
 * is triggered by a schedule tick on the injected clock); the agent finds a customer of the new
 * task in the work list, reads why they were flagged, dials, records the call through the
 * questionnaire and books a callback with a 15-minute reminder; the clock moves on and the
 * reminder banner shows, acknowledged once; the team leader sends the SMS task's batch and sees
 * each message delivered; the director's funnel for today shows the API's figures, which moved by
 * exactly what the journey did. Every step is checked over the API as well as on screen;
 * screenshots go to test-artifacts/e2e/day-<locale>-<step>.png.
 *
 * The server runs on a controllable clock (`now` and the services' `clock` read the same variable)
 * on the demo's business date, 2026-11-25 (a Wednesday), starting 08:00 in Beijing.
 */
import { Clock, Layer } from "effect"
import type { Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { ContactPolicy } from "@winback/core"
import { clockOf } from "../../src/dailySchedule"
import { apiAs, asOf, demoPassword, newPage, screenshotter, startWorkbench, type Workbench } from "./support"

const tomorrow = "2026-11-26"
/** Beijing wall time on the business date as an instant. */
const at = (hhmm: string) => Date.parse(`${asOf}T${hhmm}:00+08:00`)

const words = {
  "en-US": {
    names: "pinyin" as const,
    rule: "Bill drop 15%",
    smsRule: "Contract ends soon",
    template: "Contract reminder",
    templateText: "Dear {{name}}, your contract ends on {{contractEnd}}. Call us for a renewal offer.",
    phoneTask: "Bill drop callbacks",
    smsTask: "Bill drop SMS",
    preview: /^\d+ customers in your scope match as of 2026-11-25\.$/,
    why: /^Bill fell [\d.]+% against its 3-month average: .+ \(threshold (\d+)%\)\.$/,
    dialled: "Calling",
    ack: "Got it",
    due: "Callback due: ",
    completed: "Handled (completed)"
  },
  "zh-CN": {
    names: "hanzi" as const,
    rule: "账单下降 15%",
    smsRule: "合约即将到期",
    template: "合约到期提醒",
    templateText: "尊敬的{{name}}，您的合约将于{{contractEnd}}到期，欢迎来电咨询续约优惠。",
    phoneTask: "账单下降回访",
    smsTask: "账单下降短信",
    preview: /^截至 2026-11-25，您权限范围内有 \d+ 位客户符合。$/,
    why: /^账单较前 3 个月平均下降 [\d.]+%：.+（阈值 (\d+)%）。$/,
    dialled: "正在拨打",
    ack: "知道了",
    due: "回访时间到：",
    completed: "已处理（完成）"
  }
}

/** The bill-drop rule's threshold per customer tier (percent). */
const thresholds: Record<string, number> = { diamond: 10, gold: 15, silver: 15, regular: 20 }

const stages = ["submitted", "connected", "effective", "success"] as const

type Api = Awaited<ReturnType<typeof apiAs>>

const logIn = async (page: Page, managerId: string) => {
  await page.locator(`button[data-login="${managerId}"]`).click()
  await page.locator("#login-password").fill(demoPassword)
  await page.locator("#login-submit").click()
  await page.locator("#app").waitFor({ state: "visible" })
}

const logOut = async (page: Page) => {
  await page.locator("#logout").click()
  await page.locator("#login").waitFor({ state: "visible" })
}

/** Waits for the newest success message containing `text`; on timeout says what the page showed. */
const info = async (page: Page, text: string | RegExp) => {
  const loc = page.locator("#messages .msg.info", { hasText: text }).last()
  try {
    await loc.waitFor({ timeout: 20_000 })
  } catch {
    throw new Error(`no message ${String(text)}; the page shows: ${JSON.stringify(await page.locator(".msg").allTextContents())}`)
  }
}

/** Words of three or more latin letters in the page's controls and headings (zh-CN must have none but these). */
const latinWords = (page: Page) =>
  page.locator("#app").evaluate((root) => {
    const texts = Array.from((root as unknown as { querySelectorAll: (s: string) => ArrayLike<{ textContent: string | null }> }).querySelectorAll("h2, h3, legend, label, th, button, nav a, .msg-text"))
      .map((e) => e.textContent ?? "")
      .join(" ")
    // Ids (the local dialer's call ids, local-1) are not words.
    return texts.replace(/\b[a-z]+-\d+\b/g, "").match(/[A-Za-z]{3,}/g) ?? []
  })
/** Latin words a zh-CN page may show: units, formats and product names. */
const allowedLatin = new Set(["SMS", "CSV", "XLSX", "GSM", "UCS", "Winback"])

describe.each(["en-US", "zh-CN"] as const)("a day in the center (%s)", (locale) => {
  const w = words[locale]
  let clock = at("08:00")
  let wb: Workbench
  beforeAll(async () => {
    wb = await startWorkbench({
      names: w.names,
      server: {
        now: () => clock,
        clock: Layer.succeed(Clock.Clock, clockOf(() => clock)),
        schedule: { dailyAt: "08:30", intervalMs: 0 },
        // The contact rules that matter here: DND and the working hours of the injected clock; no SMS frequency cap.
        workConfig: { contact: ContactPolicy.parse({ frequency: {} }) }
      }
    })
  }, 120_000)
  afterAll(async () => {
    await wb?.close()
  })

  it("rule → approved task → extraction → call, appointment and reminder → SMS batch → today's funnel", async () => {
    const tag = locale === "en-US" ? "en" : "zh-CN"
    const shot = screenshotter(`day-${tag}`)
    const { page, errors } = await newPage(wb, locale)
    page.setDefaultTimeout(20_000)
    const director: Api = await apiAs(wb.server.url, wb.logins.director)
    const checkLanguage = async () => {
      if (locale !== "zh-CN") return
      expect((await latinWords(page)).filter((x) => !allowedLatin.has(x))).toEqual([])
    }
    const funnelOf = async () => {
      const r = (await director.get(`/api/reports/funnel?from=${asOf}&to=${tomorrow}`)).body as { total: { stages: Array<{ stage: string; count: number }> } }
      return Object.fromEntries(r.total.stages.map((s) => [s.stage, s.count])) as Record<"submitted" | "connected" | "effective" | "success", number>
    }
    try {
      const funnelBefore = await funnelOf()
      await page.goto(wb.server.url)

      // 1. The admin (the director holds the admin role): a bill-drop rule, per tier, previewed, submitted.
      await logIn(page, wb.logins.director)
      await page.locator("#nav-admin").click()
      await page.locator('.admin-tabs a[href="#/admin/rules"]').click()
      await page.locator("form.rule-form").waitFor()
      await page.locator('select[name="template"]').selectOption("bill-drop")
      await page.locator('fieldset.per-key[data-param="dropPercent"]').waitFor()
      for (const [tier, pct] of Object.entries(thresholds)) await page.locator(`input[name="dropPercent.${tier}"]`).fill(String(pct))
      await page.locator('input[name="ruleId"]').fill("day-bill-drop")
      await page.locator('input[name="ruleName"]').fill(w.rule)
      await page.locator("button.preview").click()
      await page.locator(".preview-result p.big").waitFor()
      const previewText = (await page.locator(".preview-result p.big").textContent()) ?? ""
      expect(previewText).toMatch(w.preview)
      const previewCount = Number(/\d+/.exec(previewText.replace("2026-11-25", ""))![0])
      expect(previewCount).toBeGreaterThan(0)
      await checkLanguage()
      await shot(page, "1-rule-preview")
      await page.locator("form.rule-form button[type=submit]").click()
      await info(page, w.rule)
      await page.locator("table.rules tbody tr", { hasText: w.rule }).locator("button.submit").click()
      await page.locator("table.rules tbody tr", { hasText: w.rule }).locator("button.submit").waitFor({ state: "detached" })
      const ruleId = "day-bill-drop@1"
      expect((await director.get(`/api/rules/${ruleId}`)).body).toMatchObject({ status: "pending-approval", definition: { params: { dropPercent: { by: "tier", values: thresholds } } } })
      // The SMS work of the day comes from a second rule (one customer is handed out once a period, to the most urgent task).
      await page.locator('select[name="template"]').selectOption("contract-expiring")
      await page.locator('input[name="ruleId"]').fill("day-contract")
      await page.locator('input[name="ruleName"]').fill(w.smsRule)
      await page.locator("form.rule-form button[type=submit]").click()
      await info(page, w.smsRule)
      await page.locator("table.rules tbody tr", { hasText: w.smsRule }).locator("button.submit").click()
      await page.locator("table.rules tbody tr", { hasText: w.smsRule }).locator("button.submit").waitFor({ state: "detached" })
      const smsRuleId = "day-contract@1"
      expect((await director.get(`/api/rules/${smsRuleId}`)).body.status).toBe("pending-approval")
      await logOut(page)

      // 2a. The approver approves the rule (its preview count is the API's for the approver's own scope).
      await logIn(page, wb.logins.approver)
      const approverApi = await apiAs(wb.server.url, wb.logins.approver)
      await page.locator(`button.rule-open[data-rule="${ruleId}"]`).click()
      await page.locator(".rule-count").waitFor()
      expect(await page.locator(".rule-count").textContent()).toBe(String((await approverApi.get(`/api/rules/${ruleId}/preview`)).body.count))
      // The per-tier thresholds read as words in the page's language, never as raw JSON.
      const params = (await page.locator(".rule-preview dl.facts").textContent())!
      expect(params).not.toContain("{")
      expect(params).toContain(locale === "zh-CN" ? "钻石 10 · 金卡 15 · 银卡 15 · 普通 20" : "Diamond 10 · Gold 15 · Silver 15 · Regular 20")
      await shot(page, "2-rule-review")
      await page.locator("form.decision button.primary").click()
      await page.locator(`button.rule-open[data-rule="${ruleId}"]`).waitFor({ state: "detached" })
      await page.locator(`button.rule-open[data-rule="${smsRuleId}"]`).click()
      await page.locator(".rule-count").waitFor()
      await page.locator("form.decision button.primary").click()
      await page.locator(`button.rule-open[data-rule="${smsRuleId}"]`).waitFor({ state: "detached" })
      for (const id of [ruleId, smsRuleId]) expect((await director.get(`/api/rules/${id}`)).body.status).toBe("active")
      await logOut(page)

      // 2b. The admin makes two tasks of it, a phone callback and an SMS, and submits them.
      await logIn(page, wb.logins.director)
      await page.locator("#nav-admin").click()
      await page.locator('.admin-tabs a[href="#/admin/tasks"]').click()
      for (const [name, channel, rule] of [[w.phoneTask, "phone", ruleId], [w.smsTask, "sms", smsRuleId]] as const) {
        await page.locator("form.task-form").waitFor()
        await page.locator('input[name="taskName"]').fill(name)
        await page.locator('select[name="rules"]').selectOption(rule)
        await page.locator('select[name="type"]').selectOption("retention-callback")
        await page.locator('select[name="channel"]').selectOption(channel)
        if (channel === "sms") await page.locator('select[name="questionnaire"]').selectOption("")
        await page.locator("form.task-form button[type=submit]").click()
        await info(page, name)
        await page.locator("table.tasks tbody tr", { hasText: name }).locator("button.submit").click()
        await page.locator("table.tasks tbody tr", { hasText: name }).locator("button.submit").waitFor({ state: "detached" })
      }
      await checkLanguage()
      await shot(page, "2-tasks-submitted")
      // And the SMS text the batch will send, on the SMS screen.
      await page.evaluate(() => ((globalThis as unknown as { location: { hash: string } }).location.hash = "#/sms"))
      await page.locator("#sms-h").waitFor()
      await page.locator('.sms-form input[name="id"]').fill("contract-reminder")
      await page.locator('.sms-form input[name="name"]').fill(w.template)
      await page.locator(".sms-form textarea").fill(w.templateText)
      await page.locator(".sms-size").waitFor()
      await page.locator(".sms-form button[type=submit]").click()
      await page.locator('button[data-edit="contract-reminder"]').waitFor()
      const tasks = (await director.get("/api/tasks?limit=200")).body.items as Array<{ id: string; name: string; status: string; channel: string; ruleInstanceIds: Array<string> }>
      const phoneTask = tasks.find((x) => x.name === w.phoneTask)!
      const smsTask = tasks.find((x) => x.name === w.smsTask)!
      expect(phoneTask).toMatchObject({ status: "pending-approval", channel: "phone", ruleInstanceIds: [ruleId] })
      expect(smsTask).toMatchObject({ status: "pending-approval", channel: "sms", ruleInstanceIds: [smsRuleId] })
      await logOut(page)

      // 2c. The approver reads the phone task's dry run (per team and agent) and approves both tasks.
      await logIn(page, wb.logins.approver)
      const dryRun = (await approverApi.get(`/api/tasks/${phoneTask.id}/preview`)).body
      const split = (await approverApi.get(`/api/tasks/${phoneTask.id}/preview/split`)).body
      await page.locator(`button.task-open[data-task="${phoneTask.id}"]`).click()
      await page.locator("table.split-team").waitFor()
      expect(dryRun.result.handedOut).toBeGreaterThan(0)
      expect(await page.locator(".handed-out").textContent()).toBe(String(dryRun.result.handedOut))
      expect(await page.locator("table.split-team tbody td:first-child").allTextContents()).toEqual(split.perTeam.map((r: { name: string }) => r.name))
      expect(await page.locator("table.load tbody td:first-child").allTextContents()).toEqual(split.perAgent.map((r: { name: string }) => r.name))
      await checkLanguage()
      await shot(page, "2-dry-run")
      await page.locator("form.decision button.primary").click()
      await page.locator(`button.task-open[data-task="${phoneTask.id}"]`).waitFor({ state: "detached" })
      await page.locator(`button.task-open[data-task="${smsTask.id}"]`).click()
      await page.locator("form.decision button.primary").waitFor()
      await page.locator("form.decision button.primary").click()
      await page.locator(`button.task-open[data-task="${smsTask.id}"]`).waitFor({ state: "detached" })
      for (const t of [phoneTask, smsTask]) expect((await director.get(`/api/tasks/${t.id}`)).body.status).toBe("active")
      await logOut(page)

      // 3. The day's extraction: the server's schedule at 08:30 (no "run now" in the page; a tick on the moved clock).
      clock = at("08:30")
      const tick = await wb.server.schedule!.tick()
      expect(tick.daily).toMatchObject({ asOf, ok: true })
      const phoneItems = (await director.get(`/api/work-items?taskId=${phoneTask.id}&limit=200`)).body.items as Array<{ id: string; customerId: string; assigneeId: string }>
      const smsItems = (await director.get(`/api/work-items?taskId=${smsTask.id}&limit=200`)).body.items as Array<{ id: string; customerId: string; assigneeId: string }>
      expect(phoneItems.length).toBe(dryRun.result.handedOut)
      expect(smsItems.length).toBeGreaterThan(0)
      // The daily job runs once a day: a second tick does nothing.
      expect((await wb.server.schedule!.tick()).daily).toBeNull()

      // 4. The agent, at 10:00: the new items in the work list; a customer of the task; why; dial; the call; a callback.
      clock = at("10:00")
      const agentApi = await apiAs(wb.server.url, wb.logins.agent)
      const mine = phoneItems.filter((i) => i.assigneeId === wb.logins.agent)
      expect(mine.length).toBeGreaterThan(0)
      const item = mine[0]!
      await logIn(page, wb.logins.agent)
      const link = page.locator(`table.worklist a.customer-link[data-customer="${item.customerId}"]`)
      await link.waitFor()
      const customerName = (await link.evaluate((a) => (a as unknown as { firstChild: { textContent: string } }).firstChild.textContent)).trim()
      // The new task's items in the work list: each of the agent's customers of it, by the task's name.
      expect(await page.locator("table.worklist tbody tr", { hasText: w.phoneTask }).count()).toBe(mine.length)
      expect(await page.locator("table.worklist tbody tr", { has: page.locator(`a.customer-link[data-customer="${item.customerId}"]`) }).textContent()).toContain(w.phoneTask)
      await checkLanguage()
      await shot(page, "4-work-list")
      await link.click()
      await page.locator("section.view.customer").waitFor()
      await page.locator(`li.item[data-item="${item.id}"]`, { hasText: w.phoneTask }).waitFor()
      // Why: the bill drop's numbers, against the threshold of the customer's tier.
      await expect.poll(() => page.locator(".reasons .reason.rule .why-text").first().textContent(), { timeout: 20_000 }).toMatch(w.why)
      const tier = (await agentApi.get(`/api/customers/${item.customerId}`)).body.tier as string
      expect(Number(w.why.exec((await page.locator(".reasons .reason.rule .why-text").first().textContent())!)![1])).toBe(thresholds[tier])
      await page.locator("button.dial").click()
      await info(page, w.dialled)
      // The questionnaire: the account holder, satisfied, not thinking of leaving — complete.
      await page.locator('.question[data-question="reached"] input[value="yes"]').check()
      await page.locator('.question[data-question="satisfaction"] input[value="4"]').check()
      await page.locator('.question[data-question="leaving_considered"] input[value="no"]').check()
      await page.locator('.q-status[data-complete="true"]').waitFor()
      await page.locator('form.call select[name="disposition"]').selectOption("completed")
      await checkLanguage()
      await shot(page, "4-call")
      await page.locator("form.call button[type=submit]").click()
      await page.locator("#messages .msg.info").filter({ hasNotText: w.dialled }).last().waitFor()
      await page.locator(`li.item[data-item="${item.id}"]`).waitFor({ state: "detached" })
      const stored = (await agentApi.get(`/api/work-items/${item.id}`)).body
      expect(stored.state).toBe("completed")
      const calls = (await agentApi.get(`/api/customers/${item.customerId}/calls`)).body.items as Array<{ disposition: string; itemIds: Array<string> }>
      expect(calls[0]).toMatchObject({ disposition: "completed" })
      // A callback at 10:30 with a reminder 15 minutes before: not due at 10:00.
      const form = page.locator("form.appointment")
      await form.waitFor()
      await form.locator('input[name="at"]').fill(`${asOf}T10:30`)
      expect(await form.locator('select[name="remindMinutesBefore"]').inputValue()).toBe("15")
      await form.locator('input[name="note"]').fill(locale === "zh-CN" ? "确认新套餐" : "confirm the new plan")
      await form.locator('button[type="submit"]').click()
      await info(page, "10:30")
      const booked = ((await agentApi.get("/api/my-appointments")).body.items as Array<{ appointment: { id: string; customerId: string; at: string; remindMinutesBefore: number } }>).find((r) => r.appointment.customerId === item.customerId)!
      expect(booked.appointment).toMatchObject({ at: new Date(at("10:30")).toISOString(), remindMinutesBefore: 15 })
      expect((await agentApi.get("/api/reminders")).body.items).toEqual([])
      expect(await page.locator("#reminders .reminder").count()).toBe(0)
      await shot(page, "4-booked")

      // The clock moves to 10:16: the banner shows the reminder (on the next poll: a view change), acknowledged once.
      clock = at("10:16")
      await page.locator("#nav-appointments").click()
      const reminder = page.locator("#reminders .reminder").filter({ hasText: customerName })
      await reminder.waitFor({ timeout: 30_000 })
      expect(await reminder.locator("strong").textContent()).toContain(`${w.due}${customerName}`)
      await checkLanguage()
      await shot(page, "4-reminder")
      await reminder.getByRole("button", { name: w.ack }).click()
      await reminder.waitFor({ state: "detached" })
      expect((await agentApi.get("/api/reminders")).body.items).toEqual([])
      await page.locator('a[href="#/work"]').first().click()
      await page.locator("table.worklist").waitFor()
      expect(await page.locator("#reminders .reminder").count()).toBe(0)
      await logOut(page)

      // 5. The team leader sends an agent's SMS batch of the new task (templated) and sees each item's delivery.
      clock = at("11:00")
      const smsAgent = smsItems.some((i) => i.assigneeId === wb.logins.agent) ? wb.logins.agent : smsItems[0]!.assigneeId
      const theirs = smsItems.filter((i) => i.assigneeId === smsAgent)
      await logIn(page, wb.logins.teamLeader)
      await page.locator("#view h2").first().waitFor()
      await page.locator("#nav a[href='#/sms']").click()
      await page.locator(`a[data-task="${smsTask.id}"]`).click()
      // The leader starts on the whole team's batch; here they send one agent's.
      await page.locator('.sms-task select[name="assignee"]').waitFor()
      expect(await page.locator('.sms-task select[name="assignee"]').inputValue()).toBe("team")
      await page.locator('.sms-task select[name="assignee"]').selectOption(smsAgent)
      await page.locator('.sms-task select[name="template"]').selectOption("contract-reminder")
      await page.locator(".sms-preview-table .sms-text", { hasText: locale === "zh-CN" ? "合约将于" : "your contract ends on" }).first().waitFor()
      const preview = (await director.post(`/api/sms/tasks/${smsTask.id}/preview`, { templateId: "contract-reminder", assigneeId: smsAgent })).body as { sendable: number }
      expect(preview.sendable).toBe(theirs.length)
      const send = page.locator(".sms-task .card button", { hasText: String(preview.sendable) })
      await checkLanguage()
      await shot(page, "5-sms-preview")
      await send.click()
      await page.locator(".sms-deliveries").waitFor()
      await page.waitForFunction((n) => (globalThis as unknown as { document: { querySelectorAll: (s: string) => { length: number } } }).document.querySelectorAll('.sms-deliveries [data-status="delivered"]').length === n, theirs.length)
      // Sent: nothing of that agent's is left to send, and the page says whose batch it was.
      const smsAgentName = (await director.get(`/api/managers/${smsAgent}`)).body.name as string
      expect(await page.locator(".sms-preview .empty").textContent()).toContain(smsAgentName)
      const deliveries = (await director.get(`/api/sms/tasks/${smsTask.id}/deliveries?assigneeId=${smsAgent}`)).body as { counts: Record<string, number> }
      expect(deliveries.counts).toMatchObject({ delivered: theirs.length, failed: 0, "not-sent": 0 })
      const sent = wb.server.localSms!.messages.filter((m) => theirs.some((i) => m.idempotencyKey === `${i.id}:1`))
      expect(sent.length).toBe(theirs.length)
      expect(sent[0]!.text).toContain(locale === "zh-CN" ? "合约将于" : "your contract ends on")
      await checkLanguage()
      await shot(page, "5-sms-delivered")
      await logOut(page)

      // 6. The director: today's funnel, the API's figures, moved by what the day did.
      await logIn(page, wb.logins.director)
      await page.locator('a[href="#/reports"]').click()
      await page.locator("#rp-h").waitFor()
      const article = page.locator('article.report[data-report="funnel"]')
      await article.locator("table.report-table").first().waitFor({ timeout: 30_000 })
      const funnelForm = page.locator('form.report-form[data-report="funnel"]')
      await funnelForm.locator("button.today, button[data-range=today]").or(funnelForm.getByRole("button", { name: locale === "zh-CN" ? "今天" : "Today" })).first().click()
      await page.locator(".report-range", { hasText: asOf }).filter({ hasNotText: "2026-11-01" }).waitFor()
      const after = await funnelOf()
      // Today's figures moved by exactly what the day did: both tasks' items handed out, one call reached, its questionnaire complete.
      expect(after.submitted - funnelBefore.submitted).toBe(phoneItems.length + smsItems.length)
      expect(after.connected - funnelBefore.connected).toBe(1)
      expect(after.effective - funnelBefore.effective).toBe(1)
      const stageRows = () => article.locator("table.report-table").first().locator("tbody tr").evaluateAll((trs) => trs.map((tr) => Array.from((tr as unknown as { cells: ArrayLike<{ textContent: string }> }).cells, (c) => c.textContent)[1]))
      expect(await stageRows()).toEqual(stages.map((x) => String(after[x])))
      // The phone task alone: handed out, reached, completed, as the API counts them.
      await funnelForm.locator('select[name="taskId"]').selectOption(phoneTask.id)
      await funnelForm.locator("button[type=submit]").click()
      const ofTask = (await director.get(`/api/reports/funnel?from=${asOf}&to=${tomorrow}&taskId=${phoneTask.id}`)).body as { total: { stages: Array<{ stage: string; count: number }>; counts: Record<string, number> } }
      expect(ofTask.total.counts).toMatchObject({ submitted: phoneItems.length, connected: 1, completed: 1 })
      const taskCounts = Object.fromEntries(ofTask.total.stages.map((x) => [x.stage, x.count])) as Record<(typeof stages)[number], number>
      expect(taskCounts).toEqual({ submitted: phoneItems.length, connected: 1, effective: 1, success: 0 })
      await expect.poll(stageRows, { timeout: 20_000 }).toEqual(stages.map((x) => String(taskCounts[x])))
      // The totals table: the completed (handled) column is the API's.
      const totals = article.locator("table.report-table").nth(1)
      const headers = await totals.locator("thead th").allTextContents()
      const completedAt = headers.indexOf(w.completed)
      expect(completedAt).toBeGreaterThan(0)
      expect(await totals.locator("tbody tr").first().locator("td").nth(completedAt).textContent()).toBe(String(ofTask.total.counts.completed))
      await checkLanguage()
      await shot(page, "6-funnel")
      // Every change of the day is in the audit log, under who made it.
      const audit = (await director.get(`/api/audit?from=${new Date(at("00:00")).toISOString()}&to=${new Date(at("23:59")).toISOString()}&limit=200`)).body.items as Array<{ action: string; actorId: string }>
      const did = new Set(audit.map((e) => `${e.actorId} ${e.action}`))
      const expected = [
        ...["rule.create", "rule.submit", "task.create", "task.submit", "sms-template.save"].map((a) => `${wb.logins.director} ${a}`),
        ...["rule.approve", "task.approve"].map((a) => `${wb.logins.approver} ${a}`),
        ...["customer.dial", "response.save", "call.record", "work-item.complete", "appointment.book", "appointment.update"].map((a) => `${wb.logins.agent} ${a}`),
        `${wb.logins.teamLeader} work-item.update`
      ]
      for (const e of expected) expect(did.has(e), e).toBe(true)
      expect(errors).toEqual([])
    } catch (e) {
      await shot(page, "FAILED").catch(() => undefined)
      throw e
    } finally {
      await page.context().close()
    }
  }, 300_000)
})
