/**
 * The agent's customer screen in real headless Chromium, in English and in zh-CN: the flagged
 * customer's masked number and Dial (recorded by the dialer port, refused under DND with the
 * reason in the page's language), why the customer was flagged (a bill drop's numbers), an
 * attachment uploaded as a file and downloaded back, and no internal item id on the screen.
 * Screenshots of the screen go to docs/images/workbench-agent-customer-{en,zh-CN}.png.
 */
import { fileURLToPath } from "node:url"
import type { Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { ContactPolicy } from "@winback/core"
import { localDialer } from "../../src/localDialer"
import { flagByBillDrop } from "../agentFixtures"
import { apiAs, asOf, demoPassword, newPage, screenshotter, startWorkbench, type Workbench } from "./support"

const images = fileURLToPath(new URL("../../../../docs/images/", import.meta.url))
const pdf = Buffer.from("%PDF-1.4\n% the customer's signed questionnaire\n")

/** What each language's journey expects to read. */
const languages = [
  {
    locale: "en",
    browser: "en-US",
    names: "pinyin",
    why: "Bill fell 42% against its 3-month average: 58.2 vs 100.35 (threshold 30%).",
    dialled: /^Calling .+ on \d{3}\*+\d{4} \(call local-\d+\)\.$/,
    refused: "the customer is on do-not-disturb for phone calls",
    uploaded: "Attached scan.pdf to “Alert: bill drop”."
  },
  {
    locale: "zh-CN",
    browser: "zh-CN",
    names: "hanzi",
    why: "账单较前 3 个月平均下降 42%：58.2 对比 100.35（阈值 30%）。",
    dialled: /^正在拨打.+的电话 \d{3}\*+\d{4}（呼叫编号 local-\d+）。$/,
    refused: "客户已设置电话免打扰",
    uploaded: "已将 scan.pdf 附加到“预警：账单下降”。"
  }
] as const

/** Logs in through the login screen by ids (the labels are in the page's language). */
const logInAs = async (page: Page, managerId: string) => {
  await page.locator(`button[data-login="${managerId}"]`).click()
  await page.locator("#login-password").fill(demoPassword)
  await page.locator("#login-submit").click()
  await page.locator("#app").waitFor({ state: "visible" })
}

/** Waits for a message of a kind containing `text`; on timeout says what the page showed. */
const message = async (page: Page, kind: "info" | "error", text: string | RegExp): Promise<string> => {
  const loc = page.locator(`.msg.${kind} .msg-text`, { hasText: text })
  try {
    await loc.first().waitFor({ timeout: 20_000 })
  } catch {
    throw new Error(`no ${kind} message matching ${String(text)}; the page shows: ${JSON.stringify(await page.locator(".msg").allTextContents())}`)
  }
  return (await loc.first().textContent()) ?? ""
}

for (const lang of languages) {
  describe(`the agent's customer screen (${lang.locale})`, () => {
    let wb: Workbench
    const dialer = localDialer()
    let flagged: { customerId: string; itemId: string }
    let quiet: string

    beforeAll(async () => {
      wb = await startWorkbench({
        names: lang.names,
        // DND is the only contact rule here: the journey never depends on the wall clock's hour or holidays.
        server: { agent: { dialer: dialer.layer, workConfig: { contact: ContactPolicy.parse({ hours: { phone: null }, holidayChannels: [] }) } }, calendar: null }
      })
      const agent = await apiAs(wb.server.url, wb.logins.agent)
      const customers = (await agent.get("/api/work-list/customers?limit=50")).body.items.map((c: { customerId: string }) => c.customerId) as Array<string>
      const people = { director: wb.logins.director, approver: wb.logins.approver, agent: wb.logins.agent }
      flagged = { customerId: customers[0]!, itemId: (await flagByBillDrop(wb.server.winback, people, customers[0]!, asOf, lang.locale)).itemId }
      quiet = customers[1]!
      expect((await agent.post("/api/dnd", { customerId: quiet, channel: "phone", reason: "asked not to be called" })).status).toBe(201)
    }, 120_000)
    afterAll(async () => {
      await wb?.close()
    })

    it("shows why the customer was flagged, dials with the number masked, uploads a file; DND refuses the dial", async () => {
      const shot = screenshotter(`agent-${lang.locale}`)
      const { page, errors } = await newPage(wb, lang.browser)
      try {
        await page.goto(wb.server.url)
        await logInAs(page, wb.logins.agent)
        await page.locator(`a.customer-link[data-customer="${flagged.customerId}"]`).click()
        await page.locator("section.view.customer").waitFor()

        // Why: the bill drop's numbers in the page's language.
        await expect.poll(() => page.locator(".reasons .reason.rule .why-text").textContent(), { timeout: 20_000 }).toBe(lang.why)

        // The phone line: masked, and the full number is nowhere in the page.
        const full = (await wb.server.winback.stores.customers.get(flagged.customerId)).phones[0]!.replace(/\D/g, "")
        const shown = (await page.locator(".phone").textContent()) ?? ""
        expect(shown).toMatch(/^\d{3}\*+\d{4}$/)
        expect(await page.content()).not.toContain(full.slice(-8))

        // The region by its name (its root team's, as the API lists it), not its code.
        const region = (await wb.server.winback.stores.customers.get(flagged.customerId)).region
        const agentApi = await apiAs(wb.server.url, wb.logins.agent)
        const regionRoot = ((await agentApi.get("/api/teams?parentId=root&limit=200")).body.items as Array<{ region: string; name: string }>).find((x) => x.region === region)!
        const facts = await page.locator("dl.facts").evaluate((dl) => Array.from((dl as unknown as { querySelectorAll: (s: string) => ArrayLike<{ textContent: string }> }).querySelectorAll("dd"), (d) => d.textContent))
        expect(facts).toContain(regionRoot.name)
        expect(facts).not.toContain(region)

        // No internal item id on the screen: items show the task's name and dates.
        const itemIds = await page.locator("li.item").evaluateAll((els) => els.map((e) => (e as unknown as { dataset: { item: string } }).dataset.item))
        expect(itemIds).toContain(flagged.itemId)
        const text = await page.locator("section.view.customer").innerText()
        for (const id of itemIds) expect(text).not.toContain(id)

        await page.locator(".card.reasons").scrollIntoViewIfNeeded()
        await page.screenshot({ path: `${images}workbench-agent-customer-${lang.locale}.png`, fullPage: true })

        // Dial: through the dialer port, the answer masked.
        const before = dialer.dials.length
        await page.locator("button.dial").click()
        expect(await message(page, "info", lang.dialled.source.includes("Calling") ? "Calling" : "正在拨打")).toMatch(lang.dialled)
        expect(dialer.dials.slice(before)).toMatchObject([{ customerId: flagged.customerId, managerId: wb.logins.agent, phone: shown }])
        await shot(page, "dialled")

        // Upload a file to the alert item, then download it back.
        await page.locator("form.upload select[name=item]").selectOption(flagged.itemId)
        await page.locator("form.upload select[name=kind]").selectOption("scanned-questionnaire")
        await page.locator("form.upload input[type=file]").setInputFiles({ name: "scan.pdf", mimeType: "application/pdf", buffer: pdf })
        await page.locator("form.upload button[type=submit]").click()
        await message(page, "info", lang.uploaded)
        await page.locator(".attachment-list li a").first().waitFor({ timeout: 20_000 })
        const href = (await page.locator(".attachment-list li a").first().getAttribute("href"))!
        const bytes = await page.evaluate(async (url) => Array.from(new Uint8Array(await (await fetch(url)).arrayBuffer())), href)
        expect(Buffer.from(bytes)).toEqual(pdf)
        await shot(page, "uploaded")

        // A customer on DND for phone: the dial is refused with the reason, nothing is dialled.
        const dialsBefore = dialer.dials.length
        await page.goto(`${wb.server.url}/#/customers/${encodeURIComponent(quiet)}`)
        await page.locator("button.dial").click()
        expect(await message(page, "error", lang.refused)).toContain(lang.refused)
        expect(dialer.dials.length).toBe(dialsBefore)
        await shot(page, "dnd-refused")
        expect(errors).toEqual([])
      } catch (e) {
        await shot(page, "FAILED").catch(() => undefined)
        throw e
      } finally {
        await page.context().close()
      }
    }, 120_000)
  })
}
