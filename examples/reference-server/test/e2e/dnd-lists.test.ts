/**
 * The admin's DND list screen in headless Chromium, in zh-CN and in English: a DND list file with
 * one bad line is checked (the line shows with its problem, nothing is written) and refused on
 * import; the corrected file imports; the list shows the new entries, filters by channel and
 * customer, and offers the CSV export of what it shows. Each step is read back over the API.
 */
import { expect } from "vitest"
import { apiAs, inBothLanguages, logInById, runJourney, workbenchForFile } from "./support"

const wb = workbenchForFile()

inBothLanguages("the admin's DND list: check, import, filter, export", async (locale) => {
  const w = wb()
  await runJourney(w, { name: `dnd-lists-${locale}`, locale, publishStep: locale === "zh-CN" ? "imported" : undefined, publishAs: "admin-dnd-list-zh" }, async (page, shot) => {
    const api = await apiAs(w.server.url, w.logins.director)
    const customers = (await api.get("/api/customers?limit=200")).body.items as Array<{ id: string; name: string; phones: Array<string> }>
    // A customer with no entry yet, per locale (both journeys share one server).
    const taken = new Set(((await api.get("/api/dnd?limit=200")).body.items as Array<{ customerId: string }>).map((e) => e.customerId))
    const [a, b] = customers.filter((c) => !taken.has(c.id) && c.phones.length > 0).slice(locale === "en" ? 0 : 2) as [(typeof customers)[0], (typeof customers)[0]]
    // The page and the API show phone numbers masked: the file carries the real one, as a center's own list does.
    const phone = (await w.server.winback.stores.customers.get(b.id)).phones[0]!
    const good = `客户编号,手机号,渠道,原因,到期日\n${a.id},,电话、短信,客户要求,2027-01-31\n,${phone},letter,moved away (${locale}),\n`
    const bad = `${good}c-nobody,,phone,x,\n`

    await page.goto(w.server.url)
    await logInById(page, w.logins.director)
    await page.goto(`${w.server.url}/#/admin/dnd`)
    await page.locator("form.dnd-import").waitFor()
    const choose = (text: string) => page.locator('input[name="dnd-file"]').setInputFiles({ name: "dnd.csv", mimeType: "text/csv", buffer: Buffer.from(text, "utf8") })

    // Checked: the bad line with its problem, nothing written.
    await choose(bad)
    await page.locator("form.dnd-import button.secondary").click()
    await page.locator("table.import-issues tbody tr").first().waitFor()
    expect(await page.locator("table.import-issues tbody tr").allTextContents()).toEqual([expect.stringMatching(/^4.*c-nobody/)])
    expect((await api.get(`/api/dnd?q=${a.id}`)).body.items).toEqual([])
    await shot(page, "checked")
    // Import of the bad file: refused, still nothing written.
    await page.locator("form.dnd-import button[type=submit]").click()
    await page.locator("form.dnd-import p.refused").waitFor()
    expect((await api.get(`/api/customers/${a.id}/dnd`)).body.items).toEqual([])

    // The corrected file imports; the list shows the entries.
    await choose(good)
    await page.locator("form.dnd-import button[type=submit]").click()
    await page.locator("table.dnd-list tbody tr", { hasText: `moved away (${locale})` }).waitFor()
    const stored = (await api.get(`/api/dnd?source=import&limit=200`)).body.items as Array<{ customerId: string; channel: string; source: string }>
    expect(stored.filter((e) => e.customerId === a.id).map((e) => e.channel).sort()).toEqual(["phone", "sms"])
    expect(stored.filter((e) => e.customerId === b.id).map((e) => e.channel)).toEqual(["letter"])
    await shot(page, "imported")

    // Filters: by channel and by the customer's phone.
    await page.locator('select[name="list-channel"]').selectOption("letter")
    await page.locator('input[name="list-q"]').fill(phone.slice(-8))
    await page.locator("form.dnd-filters button[type=submit]").click()
    await page.waitForURL(/channel=letter/)
    await page.locator("table.dnd-list tbody tr").first().waitFor()
    const rows = await page.locator("table.dnd-list tbody tr").allTextContents()
    expect(rows.length).toBe(1)
    // The customer by name and masked phone, never the raw id or the full number.
    expect(rows[0]).toContain(b.name)
    expect(rows[0]).not.toContain(b.id)
    expect(rows[0]).toMatch(/\d{3}\*{4}\d{4}/)
    // The export link carries the same filters.
    const href = await page.locator("a.dnd-export").getAttribute("href")
    expect(href).toContain("channel=letter")
    const csv = (await api.get(href!)).body as string
    expect(csv.split("\r\n")[0]).toContain("customer_id")
    expect(csv).toContain(`,${b.id},`)
    expect(csv).not.toContain(`,${a.id},`)
  })
})
