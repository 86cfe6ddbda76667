/**
 * Appointments and reminders in headless Chromium, in zh-CN and English, on a fixed server clock
 * (10:00 in Beijing on the demo's business date): the agent books a callback with a reminder from
 * the customer screen and sees the reminder appear at the top of the page, acknowledges it (the
 * server keeps it acknowledged), finds the appointment under today in the appointments view,
 * reschedules it (its reminder shows anew) and cancels it (the reminder and the row go).
 * A colleague with more open appointments than a page pages through them (every one reachable, each
 * once) and filters today's; the team leader sees the team's appointments by agent, a page at a time.
 * Screenshots land in test-artifacts/e2e/ (docs/images/workbench-appointments-*.png are copies).
 */
import type { Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it, onTestFailed, onTestFinished } from "vitest"
import { apiAs, demoPassword, newPage, screenshotter, startWorkbench, type Workbench } from "./support"

const serverNow = Date.parse("2026-11-25T02:00:00Z")
let wb: Workbench
beforeAll(async () => {
  wb = await startWorkbench({ names: "hanzi", server: { now: () => serverNow } })
}, 120_000)
afterAll(async () => {
  await wb?.close()
})

const words = {
  "zh-CN": { due: "回访时间到：", ack: "知道了", title: "我的预约", today: "今天", nav: "预约", reschedule: "改期", cancel: "取消", state: "已预约" },
  "en-US": { due: "Callback due: ", ack: "Got it", title: "My appointments", today: "Today", nav: "Appointments", reschedule: "Reschedule", cancel: "Cancel", state: "booked" }
} as const

const logInAs = async (page: Page, managerId: string) => {
  await page.locator(`button[data-login="${managerId}"]`).click()
  await page.locator("#login-password").fill(demoPassword)
  await page.locator("#login-submit").click()
  await page.locator("#app").waitFor({ state: "visible" })
}

const journey = (locale: keyof typeof words, index: number) => async () => {
  const w = words[locale]
  const shot = screenshotter(`appointments-${locale}`)
  const { page, errors } = await newPage(wb, locale)
  const api = await apiAs(wb.server.url, wb.logins.agent)
  // On failure a screenshot of the page as it was; the page closes either way.
  onTestFailed(() => shot(page, "FAILED"))
  onTestFinished(() => page.context().close())
  await page.goto(wb.server.url)
  await logInAs(page, wb.logins.agent)
  await page.locator("table.worklist a.customer-link").nth(index).waitFor()
  const link = page.locator("table.worklist a.customer-link").nth(index)
  const name = (await link.evaluate((a) => (a as unknown as { firstChild: { textContent: string } }).firstChild.textContent)).trim()
  await link.click()

  // Book a callback at 10:10 with a reminder 15 minutes before: due at once (it is 10:00).
  const form = page.locator("form.appointment")
  await form.waitFor()
  await form.locator('input[name="at"]').fill("2026-11-25T10:10")
  expect(await form.locator('select[name="remindMinutesBefore"]').inputValue()).toBe("15")
  await form.locator('input[name="note"]').fill("bill question")
  await form.locator('button[type="submit"]').click()
  const reminder = page.locator("#reminders .reminder").filter({ hasText: name })
  await reminder.waitFor({ timeout: 30_000 })
  expect(await reminder.locator("strong").textContent()).toContain(`${w.due}${name}`)
  await shot(page, "reminder")
  const [booked] = (await api.get("/api/my-appointments")).body.items.filter((r: { customer: { name: string } }) => r.customer.name === name)
  expect(booked.appointment).toMatchObject({ remindMinutesBefore: 15, at: "2026-11-25T02:10:00.000Z", note: "bill question" })

  // Acknowledged once: the banner drops it, and the server keeps it acknowledged.
  await reminder.getByRole("button", { name: w.ack }).click()
  await reminder.waitFor({ state: "detached" })
  expect((await api.get("/api/reminders")).body.items).toEqual([])

  // The appointments view: under today, with its customer's name.
  await page.locator("#nav-appointments").click()
  await page.locator("#appts-h").waitFor()
  expect(await page.locator("#appts-h").textContent()).toBe(w.title)
  expect(await page.locator("#nav-appointments").textContent()).toBe(w.nav)
  const row = page.locator(".appts-today tr").filter({ hasText: name })
  await row.waitFor()
  expect(await page.locator("#appts-today-h").textContent()).toBe(w.today)
  expect(await row.textContent()).toContain(w.state)
  await shot(page, "view")

  // Rescheduled to 10:05: booked again, its reminder shows anew.
  await row.locator("input.reschedule-at").fill("2026-11-25T10:05")
  await row.getByRole("button", { name: w.reschedule }).click()
  await page.locator("#reminders .reminder").filter({ hasText: name }).waitFor({ timeout: 30_000 })
  await page.locator(".appts-today tr").filter({ hasText: name }).waitFor()
  await shot(page, "rescheduled")
  expect((await api.get("/api/my-appointments")).body.items.find((r: { appointment: { id: string } }) => r.appointment.id === booked.appointment.id).appointment.at).toBe("2026-11-25T02:05:00.000Z")

  // Cancelled: the reminder and the row go.
  await page.locator(".appts-today tr").filter({ hasText: name }).getByRole("button", { name: w.cancel }).click()
  await page.locator("#reminders .reminder").filter({ hasText: name }).waitFor({ state: "detached", timeout: 30_000 })
  await page.locator(".appts-today tr").filter({ hasText: name }).waitFor({ state: "detached" })
  expect((await api.get("/api/reminders")).body.items).toEqual([])
  expect(errors).toEqual([])
}

/** A fresh page on the workbench in `locale` with its screenshotter (a failure saves one; the page closes either way). */
const journeyPage = async (journey: string, locale: "en-US" | "zh-CN") => {
  const shot = screenshotter(`${journey}-${locale}`)
  const { page, errors } = await newPage(wb, locale)
  onTestFailed(() => shot(page, "FAILED"))
  onTestFinished(() => page.context().close())
  await page.goto(wb.server.url)
  return { page, errors, shot }
}

/** Logs in by typing the login (people without a demo button on the login screen). */
const logInTyped = async (page: Page, managerId: string) => {
  await page.locator("#login-id").fill(managerId)
  await page.locator("#login-password").fill(demoPassword)
  await page.locator("#login-submit").click()
  await page.locator("#app").waitFor({ state: "visible" })
}

/** The rows of the appointments view's current page, as their notes (each booking below has its own). */
const notesOnPage = async (page: Page) => page.locator(".appts-pages table.appts tbody tr .appt-note").allTextContents()

/** Books `n` appointments for `managerId` through the facade (test set-up): a few today, the rest on the days after. */
const bookMany = async (managerId: string, n: number, prefix: string) => {
  const me = wb.server.winback.as(managerId)
  const customers = (await me.workList.byCustomer({}, { limit: 20, cursor: null })).items.map((c) => c.customerId)
  const notes: Array<string> = []
  for (let i = 0; i < n; i++) {
    // 3 today (14:00–16:00 in Beijing), the rest from tomorrow on, one an hour.
    const at = i < 3 ? Date.parse("2026-11-25T06:00:00Z") + i * 3_600_000 : Date.parse("2026-11-26T01:00:00Z") + i * 3_600_000
    const note = `${prefix}-${String(i).padStart(2, "0")}`
    await me.appointments.book({ customerId: customers[i % customers.length]!, at: new Date(at).toISOString(), channel: "phone", note })
    notes.push(note)
  }
  return notes
}

describe("appointments a page at a time", () => {
  it("English: an agent with more appointments than a page reaches every one, each once, and filters today's", async () => {
    const colleague = wb.logins.colleagues[0]!
    const notes = await bookMany(colleague, 62, "pg")
    const api = await apiAs(wb.server.url, colleague)
    const total = (await api.get("/api/my-appointments?limit=200")).body.items.length as number
    expect(total).toBeGreaterThan(50)
    const { page, errors, shot } = await journeyPage("appointments-pages", "en-US")
    await logInTyped(page, colleague)
    await page.locator("#nav-appointments").click()
    await page.locator(".appts-pages .page-no").getByText("Page 1").waitFor()
    const first = await notesOnPage(page)
    expect(first).toHaveLength(50)
    await shot(page, "page-1")
    await page.getByRole("button", { name: "Next page" }).click()
    await page.locator(".appts-pages .page-no").getByText("Page 2").waitFor()
    const second = await notesOnPage(page)
    expect(second).toHaveLength(total - 50)
    expect(await page.getByRole("button", { name: "Next page" }).isDisabled()).toBe(true)
    // Every booking reachable, each once across the pages.
    const seen = [...first, ...second].filter((n) => n.startsWith("pg-"))
    expect(seen.sort()).toEqual(notes)
    await shot(page, "page-2")
    await page.getByRole("button", { name: "Previous page" }).click()
    await page.locator(".appts-pages .page-no").getByText("Page 1").waitFor()
    // Today's only: the three booked this afternoon are among them, none of the later ones.
    await page.locator("#appts-when").selectOption("today")
    await page.locator(".appts-pages .page-no").getByText("Page 1").waitFor()
    await page.locator(".appts-today tr").filter({ hasText: "pg-02" }).waitFor()
    const today = await notesOnPage(page)
    expect(today.filter((n) => n.startsWith("pg-")).sort()).toEqual(["pg-00", "pg-01", "pg-02"])
    expect(await page.locator(".appts-upcoming").count()).toBe(0)
    await shot(page, "today")
    expect(errors).toEqual([])
  }, 120_000)

  it("zh-CN: the team leader sees the team's appointments, chooses an agent and pages through them", async () => {
    const colleague = wb.logins.colleagues[1]!
    const notes = await bookMany(colleague, 55, "tm")
    const { page, errors, shot } = await journeyPage("appointments-team", "zh-CN")
    await logInAs(page, wb.logins.teamLeader)
    await page.locator("#nav-appointments").click()
    await page.locator("#appts-h").getByText("团队预约").waitFor()
    await page.locator(".appts-pages .page-no").getByText("第 1 页").waitFor()
    expect(await page.locator(".appts-pages table.appts thead").first().textContent()).toContain("坐席")
    await page.locator("#appts-agent").selectOption(colleague)
    await page.locator(".appts-pages tbody tr").filter({ hasText: "tm-00" }).waitFor()
    const first = await notesOnPage(page)
    expect(first).toHaveLength(50)
    await shot(page, "team")
    await page.getByRole("button", { name: "下一页" }).click()
    await page.locator(".appts-pages .page-no").getByText("第 2 页").waitFor()
    const second = await notesOnPage(page)
    expect([...first, ...second].filter((n) => n.startsWith("tm-")).sort()).toEqual(notes)
    expect(errors).toEqual([])
  }, 120_000)
})

describe("appointments and reminders in the workbench", () => {
  it("zh-CN: book a callback with a reminder, see it appear, acknowledge, reschedule and cancel", journey("zh-CN", 0), 120_000)
  it("English: the same day in English", journey("en-US", 1), 120_000)
})
