/**
 * The workbench in zh-CN and English, in headless Chromium over real HTTP: a Chinese browser gets
 * the page in zh-CN (`<html lang="zh-CN">`, the login, the agent's work list and customer, an error
 * message, a report with its table and chart), the switch turns it to English and the choice
 * survives a reload (cookie and localStorage); an English browser gets English, and the director's
 * report page reads in both. The demo people have names in Chinese characters (the zh demo).
 * Screenshots of the agent's main screen in both languages land in test-artifacts/e2e/ (the ones
 * in docs/images/ are copies of them).
 */
import type { Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { demoPassword, runJourney, startWorkbench, type Workbench } from "./support"

let wb: Workbench
beforeAll(async () => {
  wb = await startWorkbench({ names: "hanzi" })
}, 120_000)
afterAll(async () => {
  await wb?.close()
})

const lang = (page: Page) => page.evaluate(() => (globalThis as unknown as { document: { documentElement: { lang: string } } }).document.documentElement.lang)
const headings = (page: Page, selector: string) => page.locator(selector).allTextContents()

/** Logs in through the login screen by ids (the labels are in the page's language). */
const logInAs = async (page: Page, managerId: string) => {
  await page.locator(`button[data-login="${managerId}"]`).click()
  await page.locator("#login-password").fill(demoPassword)
  await page.locator("#login-submit").click()
  await page.locator("#app").waitFor({ state: "visible" })
}

/**
 * Runs one journey on a fresh Chinese browser page (zh-CN: its Accept-Language), with screenshots;
 * a failure saves `…-FAILED.png`; the page must log no errors.
 */
const journey = (name: string, f: Parameters<typeof runJourney>[2]) => runJourney(wb, { name, locale: "zh-CN" }, f)

/** Clicks the language switch and waits for the page in that language. */
const switchTo = async (page: Page, locale: string) => {
  await page.locator(`button[data-locale="${locale}"]`).click()
  await page.waitForFunction((l) => (globalThis as unknown as { document: { documentElement: { lang: string } } }).document.documentElement.lang === l, locale)
}

describe("the workbench in zh-CN and English", () => {
  it("an agent's Chinese browser gets zh-CN; the switch turns it to English and the choice is remembered", async () => {
    await journey("i18n-agent", async (page, shot) => {
      await page.goto(wb.server.url)
      await page.locator("#login").waitFor({ state: "visible" })
      expect(await lang(page)).toBe("zh-CN")
      expect(await page.title()).toBe("Winback 工作台")
      expect(await page.locator("#login-h").textContent()).toBe("登录")
      expect(await page.locator('button[data-locale="zh-CN"]').getAttribute("aria-pressed")).toBe("true")
      // An error from the API: its code, and its message in Chinese.
      await page.locator("#login-id").fill(wb.logins.agent)
      await page.locator("#login-password").fill("not the password")
      await page.locator("#login-submit").click()
      const alert = page.locator("#messages .msg.error")
      await alert.waitFor()
      expect(await alert.locator(".msg-text").textContent()).toBe("登录名或密码错误。")
      expect(await alert.locator(".msg-code").textContent()).toBe("invalid_credentials")
      expect(await alert.locator("strong").textContent()).toBe("登录失败：")

      await logInAs(page, wb.logins.agent)
      await page.locator("table.worklist").waitFor()
      expect(await page.locator("#wl-h").textContent()).toBe("工作列表")
      expect(await headings(page, "table.worklist th")).toEqual(["紧急程度", "客户", "待办事项", "任务", "免打扰"])
      expect(await page.locator('#nav a[href="#/work"]').textContent()).toBe("工作列表")
      // The zh demo's customers have names in Chinese characters.
      const names = await page.locator("a.customer-link").evaluateAll((as) => as.map((a) => (a as unknown as { firstChild: { textContent: string } }).firstChild.textContent))
      expect(names.length).toBeGreaterThan(0)
      for (const n of names) expect(n).toMatch(/^[\u4e00-\u9fff]{2,3}$/)
      expect(await page.locator(".who-roles").textContent()).toContain("坐席")
      // ... and the zh demo's tasks Chinese names.
      expect(await page.locator("table.worklist").textContent()).toContain("挽留回访：账单下降")
      await shot(page, "work-list-zh-CN")

      // One customer: the call form's dispositions and headings in Chinese.
      await page.locator("a.customer-link").first().click()
      await page.locator("#call-h").waitFor()
      expect(await page.locator("#call-h").textContent()).toBe("记录通话")
      expect(await page.locator('select[name="disposition"] option').allTextContents()).toEqual(["已完成", "客户拒绝", "非机主本人", "改约时间", "空号", "关机", "无人接听"])
      expect(await page.locator("#hist-h").textContent()).toBe("历史记录")
      await shot(page, "customer-zh-CN")

      // The switch: English at once, <html lang="en">, and still English after a reload.
      await switchTo(page, "en")
      // A fresh document on the work list: a hash change alone can reach the reloaded page while it still starts up.
      await page.goto("about:blank")
      await page.goto(`${wb.server.url}/#/work`)
      await page.locator("#wl-h").waitFor()
      await page.locator("table.worklist").waitFor()
      expect(await lang(page)).toBe("en")
      expect(await page.locator("#wl-h").textContent()).toBe("Work list")
      expect(await headings(page, "table.worklist th")).toEqual(["Urgency", "Customer", "Open items", "Tasks", "On DND"])
      expect(await page.locator('button[data-locale="en"]').getAttribute("aria-pressed")).toBe("true")
      const remembered = await page.evaluate(() => (globalThis as unknown as { localStorage: { getItem: (k: string) => string | null } }).localStorage.getItem("winback_locale"))
      expect(remembered).toBe("en")
      const cookies = await page.context().cookies()
      expect(cookies.find((c) => c.name === "winback_locale")?.value).toBe("en")
      await shot(page, "work-list-en")

      // And back: the Chinese page again.
      await switchTo(page, "zh-CN")
      await page.locator("#wl-h").waitFor()
      await page.locator("table.worklist").waitFor()
      expect(await page.locator("#wl-h").textContent()).toBe("工作列表")
    })
  }, 120_000)

  const showFunnel = async (page: Page, button: string) => {
    await page.locator('a[href="#/reports"]').click()
    await page.locator("#report-picker").waitFor()
    const funnel = page.locator('form.report-form[data-report="funnel"]')
    await page.locator("#report-picker").selectOption({ index: await page.locator("#report-picker option").evaluateAll((os) => os.findIndex((o) => (o as unknown as { textContent: string }).textContent.match(/^(Call funnel|外呼漏斗)/) !== null)) })
    await funnel.locator('input[name="from"]').fill("2026-11-01")
    await funnel.locator('input[name="to"]').fill("2026-12-01")
    await funnel.getByRole("button", { name: button }).click()
    const article = page.locator('article.report[data-report="funnel"]')
    await article.waitFor()
    await page.waitForFunction(() => {
      const img = (globalThis as unknown as { document: { querySelector: (s: string) => { complete: boolean; naturalWidth: number } | null } }).document.querySelector("article.report img.chart")
      return img !== null && img.complete && img.naturalWidth > 0
    })
    return article
  }

  it("the director's funnel report reads in zh-CN and in English: titles, headings, stages, no raw keys", async () => {
    await journey("i18n-report", async (page, shot) => {
      await page.goto(wb.server.url)
      await logInAs(page, wb.logins.director)
      const zh = await showFunnel(page, "查询")
      expect(await lang(page)).toBe("zh-CN")
      expect(await page.locator("#rp-h").textContent()).toBe("报表")
      expect(await zh.locator("h3").textContent()).toBe("外呼漏斗：派发、外呼、接通、完成、挽留")
      const zhText = (await zh.textContent()) ?? ""
      for (const word of ["派发", "接通", "有效接触", "接受优惠", "占派发比例", "各阶段"]) expect(zhText, word).toContain(word)
      for (const raw of ["ofSubmitted", "stages", "counts", "submitted"]) expect(zhText, raw).not.toContain(raw)
      expect(await zh.locator("a.download").allTextContents()).toEqual(["下载 CSV", "下载 XLSX"])
      expect(await zh.locator("img.chart").getAttribute("alt")).toBe("外呼漏斗：派发、外呼、接通、完成、挽留（图表）")
      await shot(page, "funnel-zh-CN")

      await switchTo(page, "en")
      await page.locator("#app").waitFor({ state: "visible" })
      const en = await showFunnel(page, "Show")
      expect(await page.locator("#rp-h").textContent()).toBe("Reports")
      const enText = (await en.textContent()) ?? ""
      for (const word of ["Submitted", "Connected", "Effective contact", "Offer accepted", "% of submitted", "Stages"]) expect(enText, word).toContain(word)
      expect(enText).not.toContain("ofSubmitted")
      expect(await en.locator("a.download").allTextContents()).toEqual(["Download CSV", "Download XLSX"])
      await shot(page, "funnel-en")
    })
  }, 120_000)
})
