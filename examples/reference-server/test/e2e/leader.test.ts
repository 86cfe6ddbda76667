/**
 * The team leader's day in headless Chromium, in zh-CN and in English (the zh demo: names in
 * Chinese characters): work per member with overdue counts, customers transferred between agents
 * (and a conflicting transfer shown as a conflict), a manual import (a bad file refused with its
 * line, a GBK or UTF-8-with-BOM file checked and then imported), a customer group created, grown
 * and used in a campaign task with the leader's settings (an SMS task without a template refused in
 * the page's language), and an agent's offer approved. Every step is checked on screen and
 * then read back over the API. Screenshots of the main screen: docs/images/workbench-leader-*.png.
 */
import type { Page } from "playwright-core"
import { expect } from "vitest"
import { apiAs, logInById as logInAs, runJourney, workbenchForFile, inBothLanguages } from "./support"

const bench = workbenchForFile({ names: "hanzi" })

/** Waits for a message of `kind` (info / error) containing `text`. */
const message = (page: Page, kind: "info" | "error", text: string) => page.locator(`#messages .msg.${kind}`, { hasText: text }).first().waitFor({ timeout: 20_000 })

const texts = {
  en: { memberWork: "Work per member", moved: "customer(s) moved to", conflict: "conflict", refused: "Nothing was imported", checked: "Checked: 2 item(s)", imported: "Imported: 2 item(s)", created: "created with 2 customer(s)", added: "1 customer(s) added", submitted: "awaiting approval", approved: "approved.", needsTemplate: "An SMS task needs an SMS template.", campaign: "renewal calls" },
  "zh-CN": { memberWork: "成员工作量", moved: "位客户转给", conflict: "conflict", refused: "未导入任何数据", checked: "将生成 2 条工单", imported: "生成了 2 条工单", created: "共 2 位客户", added: "加入 1 位客户", submitted: "待审批", approved: "已批准", needsTemplate: "短信任务需要选择短信模板。", campaign: "续约回访" }
} as const

/** CSV bytes: UTF-8 with a BOM (en), GBK with a Chinese header (zh-CN). */
const csvOf = (locale: "en" | "zh-CN", ids: ReadonlyArray<string>): Buffer =>
  locale === "en"
    ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`customer_id\n${ids.join("\n")}\n`)])
    : Buffer.concat([Buffer.from([0xbf, 0xcd, 0xbb, 0xa7, 0xb1, 0xe0, 0xba, 0xc5]), Buffer.from(`\n${ids.join("\n")}\n`)]) // 客户编号 in GBK

/** Customers of the leader's team without any work item yet (free to import), `n` of them, not in `taken`. */
const freeCustomers = async (leaderApi: Awaited<ReturnType<typeof apiAs>>, n: number, taken: Set<string>): Promise<Array<string>> => {
  const wb = bench()
  const busy = new Set<string>()
  for (const state of ["open", "in-progress", "completed"]) {
    for (const w of (await leaderApi.get(`/api/work-items?state=${state}&limit=200`)).body.items as Array<{ customerId: string }>) busy.add(w.customerId)
  }
  const out: Array<string> = []
  for (const id of [wb.logins.agent, ...wb.logins.colleagues]) {
    for (const c of (await leaderApi.get(`/api/customers?ownerManagerId=${id}&limit=200`)).body.items as Array<{ id: string }>) {
      if (!busy.has(c.id) && !taken.has(c.id) && out.length < n) out.push(c.id)
    }
  }
  for (const id of out) taken.add(id)
  return out
}

const used = new Set<string>()

const leaderDay = async (locale: "en" | "zh-CN") => {
  const wb = bench()
  const tx = texts[locale]
  const leaderApi = await apiAs(wb.server.url, wb.logins.teamLeader)
  const agentApi = await apiAs(wb.server.url, wb.logins.agent)
  await runJourney(wb, { name: `leader-${locale}`, locale: locale === "en" ? "en-US" : "zh-CN", publishStep: "team", publishAs: `workbench-leader-${locale}` }, async (page, shot) => {
    await page.goto(wb.server.url)
    await logInAs(page, wb.logins.teamLeader)

    // Work per member: the counts are the API's.
    await page.locator("table.member-work-table").waitFor()
    expect(await page.locator("#mw-h").textContent()).toBe(tx.memberWork)
    const summary = (await leaderApi.get("/api/team-work")).body as { members: Array<{ managerId: string; name: string; open: number; inProgress: number; overdue: number }> }
    const me = summary.members.find((m) => m.managerId === wb.logins.agent)!
    const row = page.locator("table.member-work-table tbody tr", { has: page.locator(`button[data-manager="${wb.logins.agent}"]`) })
    expect((await row.locator("td").allTextContents()).slice(1)).toEqual([String(me.open), String(me.inProgress), String(me.overdue)])
    expect(await row.locator("td").first().textContent()).toBe(me.name)
    await page.locator("table.team-table tbody tr").first().waitFor()
    // The member's items by customer name and masked phone, never the customer's id.
    const shown = (await leaderApi.get(`/api/work-items?assigneeId=${await page.locator('select[name="assignee"]').inputValue()}&state=open&state=in-progress&limit=100`)).body.items as Array<{ customerId: string; customerName: string; customerPhone: string }>
    const cells = await page.locator("table.team-table tbody td:nth-child(2)").allTextContents()
    expect(cells).toEqual(shown.map((w) => `${w.customerName} ${w.customerPhone}`))
    for (const w of shown) expect(cells.join("\n")).not.toContain(w.customerId)
    await shot(page, "team")

    // Transfer one customer between agents; the owner changes in storage.
    const transfer = page.locator("section.customer-transfer")
    await transfer.locator("table.customer-table tbody tr").first().waitFor()
    const [from, to] = [wb.logins.agent, wb.logins.colleagues[0]!]
    await transfer.locator('select[name="customers-from"]').selectOption(from)
    await transfer.locator('select[name="customers-to"]').selectOption(to)
    const first = transfer.locator("table.customer-table tbody input[type=checkbox]").first()
    const customerId = (await first.getAttribute("value"))!
    await first.check()
    await transfer.locator("form.allocate button[type=submit]").click()
    await message(page, "info", tx.moved)
    expect((await leaderApi.get(`/api/customers/${customerId}`)).body.ownerManagerId).toBe(to)

    // A conflicting transfer: another session moves the customer first; the page says conflict, nothing moves.
    await transfer.locator('select[name="customers-from"]').selectOption(to)
    await transfer.locator(`table.customer-table input[value="${customerId}"]`).waitFor()
    await leaderApi.post("/api/allocation/customers", { ids: [customerId], to: from })
    await transfer.locator('select[name="customers-to"]').selectOption(wb.logins.colleagues[1]!)
    await transfer.locator(`table.customer-table input[value="${customerId}"]`).check()
    await transfer.locator("form.allocate button[type=submit]").click()
    await page.locator("#messages .msg.error .msg-code", { hasText: tx.conflict }).waitFor()
    expect((await leaderApi.get(`/api/customers/${customerId}`)).body.ownerManagerId).toBe(from)

    // Manual import: a bad file is refused with its line; a good one is checked, then imported.
    await page.locator('#nav a[href="#/imports"]').click()
    const imp = page.locator("form.import")
    await imp.waitFor()
    await imp.locator('select[name="import-task"]').selectOption(wb.work.activeTaskIds[0]!)
    const ids = await freeCustomers(leaderApi, 2, used)
    await imp.locator('input[name="import-file"]').setInputFiles({ name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from(`customer_id\n${ids[0]}\nno-such-customer\n`) })
    await imp.locator('select[name="import-encoding"]').selectOption("utf-8")
    await imp.locator('button[type="button"]').click()
    await imp.locator(".refused", { hasText: tx.refused }).waitFor()
    expect(await imp.locator("table.import-issues tbody tr td:first-child").allTextContents()).toContain("3")
    await imp.locator('input[name="import-file"]').setInputFiles({ name: "list.csv", mimeType: "text/csv", buffer: csvOf(locale, ids) })
    await imp.locator('select[name="import-encoding"]').selectOption(locale === "en" ? "auto" : "gbk")
    await imp.locator('select[name="import-agents"]').selectOption([wb.logins.agent])
    await imp.locator('button[type="button"]').click()
    await message(page, "info", tx.checked)
    expect((await leaderApi.get(`/api/work-items?customerId=${ids[0]}`)).body.items).toEqual([])
    await imp.locator('button[type="submit"]').click()
    await message(page, "info", tx.imported)
    for (const id of ids) expect((await leaderApi.get(`/api/work-items?customerId=${id}`)).body.items).toEqual([expect.objectContaining({ assigneeId: wb.logins.agent, taskId: wb.work.activeTaskIds[0] })])

    // A customer group: created, grown by one, used in a campaign task (submitted for approval).
    const members = await freeCustomers(leaderApi, 3, used)
    const groupName = `G-${locale}`
    const create = page.locator("form.group-create")
    await create.locator('input[name="group-name"]').fill(groupName)
    await create.locator('textarea[name="group-customers"]').fill(`${members[0]}\n${members[1]}`)
    await create.locator("button[type=submit]").click()
    await message(page, "info", tx.created)
    const groupRow = page.locator("table.group-table tbody tr", { hasText: groupName })
    await groupRow.waitFor()
    await groupRow.locator('textarea[name="group-add"]').fill(members[2]!)
    await groupRow.locator("form.group-add button").click()
    await message(page, "info", tx.added)
    const group = ((await leaderApi.get("/api/groups")).body.items as Array<{ id: string; name: string; memberIds: Array<string> }>).find((g) => g.name === groupName)!
    expect(group).toMatchObject({ memberIds: [...members].sort(), validFrom: "2026-11-25", validUntil: "2026-12-25" })
    // "Use in a task" with the leader's settings: SMS without a template is refused in the page's language; then phone calls.
    const useForm = page.locator("table.group-table tbody tr", { hasText: groupName }).locator("details.group-use")
    await useForm.locator("summary").click()
    const campaign = useForm.locator("form.group-use-form")
    await campaign.locator('select[name="campaign-channel"]').selectOption("sms")
    expect(await campaign.locator('select[name="campaign-questionnaire"]').isVisible()).toBe(false)
    await campaign.locator('button[type="submit"]').click()
    await message(page, "error", tx.needsTemplate)
    const campaignName = `${groupName} ${tx.campaign}`
    await campaign.locator('input[name="campaign-name"]').fill(campaignName)
    await campaign.locator('select[name="campaign-channel"]').selectOption("phone")
    await campaign.locator('select[name="campaign-type"]').selectOption("contract-renewal")
    await campaign.locator('input[name="campaign-urgency"]').fill("2")
    await campaign.locator('input[name="campaign-expires"]').fill("2026-12-20")
    await campaign.locator('input[name="campaign-from"]').fill("10:00")
    await campaign.locator('input[name="campaign-attempts"]').fill("4")
    await shot(page, "campaign")
    await campaign.locator('button[type="submit"]').click()
    await message(page, "info", tx.submitted)
    const campaigns = (await leaderApi.get("/api/tasks?source=campaign&status=pending-approval&limit=200")).body.items as Array<Record<string, unknown>>
    expect(campaigns.find((c) => c.customerGroupId === group.id)).toMatchObject({
      name: campaignName,
      channel: "phone",
      type: "contract-renewal",
      urgency: 2,
      startsOn: "2026-11-25",
      expiresOn: "2026-12-20",
      executionWindow: { from: "10:00", to: "20:00" },
      retryPolicy: { maxAttempts: 4 },
      questionnaireVersion: expect.any(String),
      smsTemplateId: null
    })
    await shot(page, "imports")

    // An agent's offer awaiting the leader: approved on screen, approved in storage.
    const c = (await agentApi.get("/api/work-list/customers?limit=1")).body.items[0]
    const use = (await agentApi.post("/api/offer-uses", { workItemId: c.items[0].item.id, offerId: "of-bonus-100", accepted: true })).body as { id: string }
    await page.locator('#nav a[href="#/offers"]').click()
    const form = page.locator(`form.offer-decision[data-use="${use.id}"]`)
    await form.waitFor()
    await form.locator("input").fill("ok")
    await shot(page, "offers")
    await form.locator('button[value="approved"]').click()
    await message(page, "info", tx.approved)
    await form.waitFor({ state: "detached" })
    const uses = (await leaderApi.get(`/api/customers/${c.customerId}/offer-uses`)).body.items as Array<{ id: string; status: string }>
    expect(uses.find((u) => u.id === use.id)?.status).toBe("approved")
  })
}

inBothLanguages("the team leader's day", leaderDay)
