/**
 * SMS work in real headless Chromium, in English and in Chinese: the director writes a template on
 * the SMS screen (an unknown field is flagged as they type, the length and segments shown; a save
 * that lost to a concurrent one says so and loads the stored text); the
 * agent's SMS item offers "Send SMS" instead of recording a call; the agent previews the dunning
 * task (the customer on SMS do-not-disturb withheld and shown), sends the batch, and sees each
 * item delivered — checked on screen and in storage (the in-process gateway's messages and the
 * API's delivery status). Contact hours are off (the server runs on the wall clock).
 */
import { mkdirSync } from "node:fs"
import { fileURLToPath } from "node:url"
import type { Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { ContactPolicy } from "@winback/core"
import { demoSmsIds } from "../../src/sms/demo"
import { apiAs, demoPassword, newPage, screenshotter, startWorkbench, type Workbench } from "./support"

const docsImages = fileURLToPath(new URL("../../../../docs/images/", import.meta.url))
const wait = { timeout: 30_000 }

const logInAs = async (page: Page, managerId: string) => {
  await page.locator(`button[data-login="${managerId}"]`).click()
  await page.locator("#login-password").fill(demoPassword)
  await page.locator("#login-submit").click()
  await page.locator("#app").waitFor({ state: "visible", ...wait })
}

/** A PUT as `login` (another session than the page's); answers the status. */
const putAs = async (baseUrl: string, login: string, path: string, body: unknown): Promise<number> => {
  const res = await fetch(`${baseUrl}/api/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ login, password: demoPassword }) })
  const { token } = (await res.json()) as { token: string }
  return (await fetch(baseUrl + path, { method: "PUT", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) })).status
}

/** Opens a view by its hash once the view the login landed on has rendered (no render race). */
const open = async (page: Page, hash: string, ready: string) => {
  await page.locator("#view h2").first().waitFor(wait)
  await page.evaluate((h) => {
    ;(globalThis as unknown as { location: { hash: string } }).location.hash = h
  }, hash)
  await page.locator(ready).first().waitFor(wait)
}

/** The page's document, as much of it as the waits read (the test compiles without the DOM library). */
type Doc = { readonly document: { querySelector: (s: string) => unknown; querySelectorAll: (s: string) => { readonly length: number } } }

const languages = [
  { locale: "en", browser: "en-US", names: "pinyin" as const, words: { stale: "Someone saved this template while you edited it", unknown: "Unknown fields", send: "Send SMS", sent: "SMS sent to", noCall: "SMS items are sent", delivered: "Delivered", withheld: "Withheld", saved: "saved" } },
  { locale: "zh-CN", browser: "zh-CN", names: "hanzi" as const, words: { stale: "您编辑期间已有他人保存了此模板", unknown: "未知字段", send: "发送短信", sent: "已向", noCall: "短信工单通过发送短信完成", delivered: "已送达", withheld: "暂不发送", saved: "已保存" } }
]

for (const lang of languages) {
  describe(`SMS work in the workbench (${lang.locale})`, () => {
    let wb: Workbench
    beforeAll(async () => {
      wb = await startWorkbench({ names: lang.names, sms: { template: "birthday", perAgent: 5 }, server: { calendar: null, workConfig: { contact: ContactPolicy.parse({ hours: {}, frequency: {} }) } } })
    }, 120_000)
    afterAll(() => wb?.close())

    it("director writes a template; agent sends an SMS item, previews and sends the batch, sees delivery", async () => {
      const shot = screenshotter(`sms-${lang.locale}`)
      const { page, errors } = await newPage(wb, lang.browser)
      page.setDefaultTimeout(30_000)
      try {
        await page.goto(wb.server.url)
        // The director: a template with an unknown field is flagged as it is typed, then fixed and saved.
        await logInAs(page, wb.logins.director)
        await open(page, "#/sms", "#sms-h")
        // The fields are explained in the page's language, not listed as bare placeholders.
        expect(await page.locator(".sms-fields").textContent()).toContain(lang.locale === "en" ? "{{arrears}} unpaid amount" : "{{arrears}} 欠费金额")
        await page.locator('.sms-form input[name="id"]').fill("late-fee")
        await page.locator('.sms-form input[name="name"]').fill(lang.locale === "en" ? "Late fee" : "滞纳金提醒")
        const text = page.locator(".sms-form textarea")
        await text.fill("Dear {{name}}, your {{bill}} is due on {{dueDate}}.")
        await page.locator(".sms-unknown", { hasText: "{{bill}}" }).waitFor(wait)
        expect(await page.locator(".sms-unknown").textContent()).toContain(lang.words.unknown)
        await text.fill(lang.locale === "en" ? "Dear {{name}}, {{arrears}} yuan was due on {{dueDate}}." : "尊敬的{{name}}，您的账单{{arrears}}元已于{{dueDate}}到期。")
        await page.locator(".sms-size").waitFor(wait)
        await page.waitForFunction(() => !(globalThis as unknown as Doc).document.querySelector(".sms-unknown"))
        expect(await page.locator(".sms-size").textContent()).toMatch(lang.locale === "en" ? /GSM-7/ : /UCS-2/)
        await page.locator(".sms-form button[type=submit]").click()
        await page.locator(".msg.info", { hasText: lang.words.saved }).waitFor(wait)
        await page.locator('button[data-edit="late-fee"]').waitFor(wait)
        // A concurrent save: the director opens the template, someone saves it meanwhile; the page's
        // save loses (409), says so in the page's language and loads the text stored now.
        await page.locator('button[data-edit="late-fee"]').click()
        const meanwhile = "Dear {{name}}, please pay {{arrears}} yuan today."
        const other = await apiAs(wb.server.url, wb.logins.director)
        expect(await putAs(wb.server.url, wb.logins.director, "/api/sms/templates/late-fee", { name: lang.locale === "en" ? "Late fee" : "滞纳金提醒", text: meanwhile, version: 1 })).toBe(200)
        await text.fill("Dear {{name}}, a lost edit.")
        await page.locator(".sms-form button[type=submit]").click()
        await page.locator(".msg.error", { hasText: lang.words.stale }).waitFor(wait)
        await page.waitForFunction((v) => ((globalThis as unknown as Doc).document.querySelector(".sms-form textarea") as { value: string }).value === v, meanwhile)
        const stored = (await other.get("/api/sms/templates")).body.items.find((x: { id: string }) => x.id === "late-fee")
        expect(stored).toMatchObject({ text: meanwhile, version: 2, teamId: "t-beijing" })
        await shot(page, "templates")
        mkdirSync(docsImages, { recursive: true })
        await page.screenshot({ path: `${docsImages}workbench-sms-templates-${lang.locale}.png`, fullPage: true })
        await page.locator("#logout").click()
        await page.locator("#login").waitFor({ state: "visible", ...wait })

        // The agent: their SMS items (stored), the first customer on SMS do-not-disturb.
        const api = await apiAs(wb.server.url, wb.logins.agent)
        // The task sends the birthday template here: every customer has a name (the small demo holds few unpaid bills).
        const before = await api.post(`/api/sms/tasks/${demoSmsIds.task}/preview`, {})
        const items = before.body.items as Array<{ itemId: string; customerId: string; customerName: string }>
        expect(items.length).toBeGreaterThanOrEqual(3)
        const [dndOne, single, ...rest] = items
        expect((await api.post("/api/dnd", { customerId: dndOne!.customerId, channel: "sms", reason: "no SMS please", source: "customer-request" })).status).toBe(201)

        await logInAs(page, wb.logins.agent)
        // An SMS item in the customer view: send, not "Record the call".
        await open(page, `#/customers/${encodeURIComponent(single!.customerId)}`, "#cust-h")
        const sendButton = page.locator(`button[data-sms-item="${single!.itemId}"]`)
        await sendButton.waitFor(wait)
        expect(await sendButton.textContent()).toBe(lang.words.send)
        expect(await page.locator(`li[data-item="${single!.itemId}"] input[type=checkbox]`).isHidden()).toBe(true)
        if ((await page.locator("li.item").count()) === 1) expect(await page.locator(".card.empty", { hasText: lang.words.noCall }).count()).toBe(1)
        await sendButton.click()
        await page.locator(".msg.info", { hasText: lang.words.sent }).waitFor(wait)
        expect(wb.server.localSms!.messages.map((m) => m.idempotencyKey)).toEqual([`${single!.itemId}:1`])

        // The batch: preview (the DND customer withheld and shown), send, delivery.
        await open(page, "#/sms", `a[data-task="${demoSmsIds.task}"]`)
        await page.locator(`a[data-task="${demoSmsIds.task}"]`).click()
        await page.locator(".sms-preview-table").waitFor(wait)
        await page.locator(".sms-preview-table .sms-text", { hasText: lang.locale === "en" ? "Happy birthday" : "生日快乐" }).first().waitFor(wait)
        const withheldRow = page.locator(".sms-preview-table tr", { hasText: dndOne!.customerName })
        expect(await withheldRow.locator(".withheld").textContent()).toContain(lang.words.withheld)
        expect(await withheldRow.locator(".withheld").getAttribute("data-withheld")).toBe("dnd")
        await shot(page, "preview")
        const send = page.locator(".sms-task .card button", { hasText: String(rest.length) })
        await send.click()
        await page.locator(".sms-deliveries").waitFor(wait)
        await page.waitForFunction((n) => (globalThis as unknown as Doc).document.querySelectorAll('.sms-deliveries [data-status="delivered"]').length === n, rest.length + 1)
        expect(await page.locator('.sms-deliveries [data-status="not-sent"]').count()).toBe(1)
        expect(await page.locator('.sms-deliveries [data-status="delivered"]').first().textContent()).toBe(lang.words.delivered)
        // The text the messages went out with is shown beside the delivery status.
        expect(await page.locator('.sms-sent-texts li[data-template="birthday"] .sms-text').textContent()).toContain(lang.locale === "en" ? "Happy birthday" : "生日快乐")
        await shot(page, "delivery")
        await page.screenshot({ path: `${docsImages}workbench-sms-send-${lang.locale}.png`, fullPage: true })

        // In storage: one message per sent item, none for the DND customer; the API agrees.
        const keys = wb.server.localSms!.messages.map((m) => m.idempotencyKey).sort()
        expect(keys).toEqual([single!, ...rest].map((i) => `${i.itemId}:1`).sort())
        const deliveries = await api.get(`/api/sms/tasks/${demoSmsIds.task}/deliveries`)
        expect(deliveries.body.counts).toEqual({ "not-sent": 1, sent: 0, delivered: rest.length + 1, failed: 0 })
        expect(errors).toEqual([])
      } catch (e) {
        await page.screenshot({ path: fileURLToPath(new URL(`../../../../test-artifacts/e2e/sms-${lang.locale}-FAILED.png`, import.meta.url)), fullPage: true }).catch(() => undefined)
        throw e
      } finally {
        await page.context().close()
      }
    }, 120_000)
  })
}
