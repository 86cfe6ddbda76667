/**
 * The admin's day in headless Chromium, in English and in zh-CN (each on its own demo, the zh one
 * with names in Chinese characters): the team tree and its members (a new team under the squad,
 * renamed; an agent moved into it; another given the team-leader role, then deactivated and
 * reactivated from the managers list, paged), the rule catalogue (per-tier parameters, preview
 * before saving, save, submit), a task from the approved rule (save, submit) and a customer's
 * do-not-disturb entries (add, take back). Every change is read back over the API as stored, and
 * the audit log holds it. Screenshots of the team and rule screens land in test-artifacts/e2e/.
 */
import type { Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { apiAs, demoPassword, newPage, screenshotter, startWorkbench, type Workbench } from "./support"

const words = {
  "en-US": { names: "pinyin", teams: "Teams and members", admin: "Administration", preview: /^\d+ customers in your scope match as of 2026-11-25\.$/, awaiting: "Awaiting approval", questionnaire: "Retention callback", draft: "Draft", inForce: "In force", removed: /^Removed / },
  "zh-CN": { names: "hanzi", teams: "团队与成员", admin: "管理", preview: /^截至 2026-11-25，您权限范围内有 \d+ 位客户符合。$/, awaiting: "待审批", questionnaire: "挽留回访", draft: "草稿", inForce: "生效中", removed: /^已于 .+ 撤销$/ }
} as const

/** Waits for the success message that contains `text` (the newest one). */
const info = (page: Page, text: string) => page.locator("#messages .msg.info", { hasText: text }).last().waitFor({ timeout: 20_000 })

describe.each(["en-US", "zh-CN"] as const)("the admin's day (%s)", (locale) => {
  const w = words[locale]
  let wb: Workbench
  beforeAll(async () => {
    wb = await startWorkbench({ names: w.names })
  }, 120_000)
  afterAll(async () => {
    await wb?.close()
  })

  it("teams and members, managers, rules with preview, a task, DND — each stored, scoped and audited", async () => {
    const shot = screenshotter(`admin-${locale}`)
    const { page, errors } = await newPage(wb, locale)
    page.setDefaultTimeout(20_000)
    const api = await apiAs(wb.server.url, wb.logins.director)
    const [moving, promoted] = wb.logins.colleagues as [string, string]
    const nameOf = async (id: string) => (await api.get(`/api/managers/${id}`)).body.name as string
    try {
      await page.goto(wb.server.url)
      // By ids: the login screen's labels are in the page's language.
      await page.locator(`button[data-login="${wb.logins.director}"]`).click()
      await page.locator("#login-password").fill(demoPassword)
      await page.locator("#login-submit").click()
      await page.locator("#app").waitFor({ state: "visible" })
      const nav = page.locator("#nav-admin")
      expect(await nav.textContent()).toBe(w.admin)
      await nav.click()
      await page.locator("section.admin ul.tree").first().waitFor()
      expect(await page.locator("#adm-h").textContent()).toBe(w.teams)

      // The squad: its members, then a new team under it, renamed.
      const squad = (await api.get(`/api/managers/${moving}`)).body.teamId as string
      await page.locator(`a.team-open[href="#/admin?team=${squad}"]`).click()
      await page.locator("table.managers").waitFor()
      for (const id of [moving, promoted]) expect(await page.locator("table.managers").textContent()).toContain(await nameOf(id))
      await shot(page, "teams")
      await page.locator('input[name="child-name"]').fill("Night shift")
      // Nobody is preselected as the new team's admin.
      expect(await page.locator('select[name="child-admin"]').inputValue()).toBe("")
      await page.locator('select[name="child-admin"]').selectOption(wb.logins.teamLeader)
      await page.locator("form.new-team button[type=submit]").click()
      await info(page, "Night shift")
      await page.locator('input[name="name"]').waitFor()
      expect(await page.locator('input[name="name"]').inputValue()).toBe("Night shift")
      await page.locator('input[name="name"]').fill("Evening shift")
      await page.locator("form.rename-team button[type=submit]").click()
      await info(page, "Evening shift")
      const teams = (await api.get("/api/teams?limit=200")).body.items as Array<{ id: string; name: string; parentId: string; adminId: string }>
      const shift = teams.find((x) => x.name === "Evening shift")!
      expect(shift).toMatchObject({ parentId: squad, adminId: wb.logins.teamLeader })

      // Move an agent into it from the squad's members.
      await page.locator(`a.team-open[href="#/admin?team=${squad}"]`).click()
      const row = (id: string) => nameOf(id).then((n) => page.locator("table.managers tbody tr", { hasText: n }))
      const movingRow = await row(moving)
      // Nothing is chosen at first: Move waits for a team.
      expect(await movingRow.locator("button.move").isDisabled()).toBe(true)
      await movingRow.locator("select.move-to").selectOption(shift.id)
      await movingRow.locator("button.move").click()
      await info(page, "Evening shift")
      expect((await api.get(`/api/managers/${moving}`)).body.teamId).toBe(shift.id)

      // Another agent becomes a team leader too.
      const promotedRow = await row(promoted)
      await promotedRow.locator('fieldset.roles input[value="team-leader"]').check()
      await promotedRow.locator("button.save-roles").click()
      await info(page, await nameOf(promoted))
      expect((await api.get(`/api/managers/${promoted}`)).body.roles).toEqual(["agent", "team-leader"])

      // The managers list, three a page: deactivate and reactivate.
      await page.locator('.admin-tabs a[href="#/admin/managers"]').click()
      await page.locator("form.manager-search").waitFor()
      await page.evaluate(() => ((globalThis as unknown as { location: { hash: string } }).location.hash = "#/admin/managers?limit=3"))
      await page.locator("a.next").waitFor()
      expect(await page.locator("table.managers tbody tr").count()).toBe(3)
      await page.locator("a.next").click()
      await page.locator("a.prev").waitFor()
      await page.locator('input[name="q"]').fill(promoted)
      await page.locator("form.manager-search button[type=submit]").click()
      await page.locator("table.managers tbody tr").first().waitFor()
      expect(await page.locator("table.managers tbody tr").count()).toBe(1)
      // Deactivating takes a second click: the first only asks for it (nothing is changed yet).
      await page.locator("table.managers button.toggle-active").click()
      await page.locator("table.managers button.toggle-active.confirm").waitFor()
      expect((await api.get(`/api/managers/${promoted}`)).body.active).toBe(true)
      await page.locator("table.managers button.toggle-active.confirm").click()
      await info(page, await nameOf(promoted))
      expect((await api.get(`/api/org/managers?q=${promoted}&includeInactive=true`)).body.items[0].active).toBe(false)
      await page.locator('input[name="inactive"]').check()
      await page.locator("form.manager-search button[type=submit]").click()
      await page.locator("table.managers button.toggle-active.secondary").click()
      await page.locator("table.managers button.toggle-active.danger").waitFor()
      expect((await api.get(`/api/managers/${promoted}`)).body.active).toBe(true)

      // The rule catalogue: bill drop with its per-tier thresholds, previewed, saved, submitted.
      await page.locator('.admin-tabs a[href="#/admin/rules"]').click()
      await page.locator("form.rule-form").waitFor()
      await page.locator('select[name="template"]').selectOption("bill-drop")
      await page.locator('fieldset.per-key[data-param="dropPercent"]').waitFor()
      for (const tier of ["diamond", "gold", "silver", "regular"]) await page.locator(`input[name="dropPercent.${tier}"]`).fill("10")
      await page.locator('input[name="ruleId"]').fill("bill-drop-10")
      await page.locator('input[name="ruleName"]').fill("Bill drop 10%")
      await page.locator("button.preview").click()
      await page.locator(".preview-result p.big").waitFor()
      expect(await page.locator(".preview-result p.big").textContent()).toMatch(w.preview)
      await shot(page, "rules")
      await page.locator("form.rule-form button[type=submit]").click()
      await info(page, "Bill drop 10%")
      const draftRow = page.locator("table.rules tbody tr", { hasText: "Bill drop 10%" })
      expect(await draftRow.locator("td").nth(3).textContent()).toBe(w.draft)
      await draftRow.locator("button.submit").click()
      await page.locator("table.rules tbody tr", { hasText: w.awaiting }).waitFor()
      const rule = (await api.get("/api/rules/bill-drop-10@1")).body
      expect(rule).toMatchObject({ status: "pending-approval", definition: { params: { dropPercent: { by: "tier", values: { gold: 10 } } } } })
      // The approver approves elsewhere.
      const approver = await apiAs(wb.server.url, wb.logins.approver)
      expect((await approver.post(`/api/rules/${rule.id}/approve`, {})).status).toBe(200)

      // A task from the approved rule: saved as a draft, submitted.
      await page.locator('.admin-tabs a[href="#/admin/tasks"]').click()
      await page.locator("form.task-form").waitFor()
      await page.locator('input[name="taskName"]').fill("Bill drop callbacks")
      await page.locator('select[name="rules"]').selectOption(rule.id)
      await page.locator('select[name="type"]').selectOption("retention-callback")
      await page.locator("form.task-form button[type=submit]").click()
      await info(page, "Bill drop callbacks")
      const taskRow = page.locator("table.tasks tbody tr", { hasText: "Bill drop callbacks" })
      await taskRow.locator("button.submit").click()
      await page.locator("table.tasks tbody tr", { hasText: w.awaiting }).filter({ hasText: "Bill drop callbacks" }).waitFor()
      const task = ((await api.get("/api/tasks?limit=200")).body.items as Array<{ name: string }>).find((x) => x.name === "Bill drop callbacks")
      expect(task).toMatchObject({ source: "alert", ruleInstanceIds: [rule.id], status: "pending-approval", authorId: wb.logins.director, startsOn: "2026-11-25" })
      // The questionnaire is offered by its title, in the page's language.
      expect(await page.locator('select[name="questionnaire"] option').first().textContent()).toBe(w.questionnaire)

      // Approved, the task runs; the admin pauses it, resumes it, and closes it (a second click confirms).
      const taskId = (task as unknown as { id: string }).id
      expect((await approver.post(`/api/tasks/${taskId}/approve`, {})).status).toBe(200)
      await page.locator('.admin-tabs a[href="#/admin/rules"]').click()
      await page.locator("form.rule-form").waitFor()
      await page.locator('.admin-tabs a[href="#/admin/tasks"]').click()
      const statusOf = async () => ((await api.get(`/api/tasks/${taskId}`)).body as { status: string }).status
      await taskRow.locator("button.task-pause").click()
      await taskRow.locator("button.task-resume").waitFor()
      expect(await statusOf()).toBe("paused")
      await taskRow.locator("button.task-resume").click()
      await taskRow.locator("button.task-pause").waitFor()
      expect(await statusOf()).toBe("active")
      await taskRow.locator("button.task-close").click()
      await taskRow.locator("button.task-close.confirm").waitFor()
      expect(await statusOf()).toBe("active")
      await taskRow.locator("button.task-close.confirm").click()
      await taskRow.locator("button.task-close").waitFor({ state: "detached" })
      expect(await statusOf()).toBe("closed")

      // A customer's do-not-disturb entries: add one for SMS, then take it back.
      const customer = (await api.get("/api/customers?limit=1")).body.items[0] as { id: string; name: string }
      await page.locator('.admin-tabs a[href="#/admin/dnd"]').click()
      await page.locator("form.dnd-open").waitFor()
      await page.locator('form.dnd-open input[name="customer"]').fill(customer.id)
      await page.locator("form.dnd-open button[type=submit]").click()
      await page.locator("form.dnd-add").waitFor()
      await page.locator('select[name="add-channel"]').selectOption("sms")
      await page.locator('input[name="add-reason"]').fill("asked for no SMS")
      await page.locator("form.dnd-add button[type=submit]").click()
      await info(page, customer.name)
      const entryRow = page.locator("table.dnd-entries tbody tr", { hasText: "asked for no SMS" })
      expect(await entryRow.locator("td").nth(5).textContent()).toBe(w.inForce)
      await entryRow.locator('input[name="remove-reason"]').fill("added by mistake")
      await entryRow.locator("form.dnd-remove button[type=submit]").click()
      await page.locator("table.dnd-entries tbody tr td", { hasText: w.removed }).waitFor()
      const entries = (await api.get(`/api/customers/${customer.id}/dnd`)).body.items
      expect(entries).toMatchObject([{ channel: "sms", source: "customer-request", removedAt: expect.any(String) }])

      // Everything is in the audit log, as the director.
      const audit = (await api.get("/api/audit?limit=200")).body.items as Array<{ action: string; actorId: string }>
      const mine = audit.filter((e) => e.actorId === wb.logins.director).map((e) => e.action)
      for (const a of ["team.create", "team.rename", "team.member.move", "manager.set-roles", "manager.deactivate", "manager.reactivate", "rule.create", "rule.submit", "task.create", "task.submit", "task.pause", "task.resume", "task.close", "dnd.add", "dnd.remove"]) {
        expect(mine, a).toContain(a)
      }
    } catch (e) {
      await shot(page, "FAILED").finally(() => page.context().close())
      throw e
    }
    await page.context().close()
    expect(errors).toEqual([])
  }, 180_000)
})
