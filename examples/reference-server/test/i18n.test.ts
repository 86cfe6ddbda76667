/**
 * zh-CN and English: the two catalogues agree, the locale comes from the switch's cookie or
 * Accept-Language, and over real HTTP the page, error messages, report CSV (with its UTF-8 BOM,
 * byte for byte), charts and rule template labels speak the caller's language.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { en, localeOf, negotiateLocale, zhCN } from "../src/i18n"
import type { RunningServer } from "../src/server"
import { demoLogins, loginAs, startTestServer } from "./support"

const placeholders = (s: string) => [...s.matchAll(/\{([a-zA-Z0-9_]+)\}/g)].map((m) => m[1]).sort()

describe("the catalogues", () => {
  it("have the same keys, no empty message and the same placeholders", () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort())
    for (const [key, text] of [...Object.entries(en), ...Object.entries(zhCN)]) expect(text.trim(), key).not.toBe("")
    for (const key of Object.keys(en) as Array<keyof typeof en>) expect(placeholders(zhCN[key]), key).toEqual(placeholders(en[key]))
  })

  it("zh-CN is Chinese where English is words (not left untranslated)", () => {
    const same = (Object.keys(en) as Array<keyof typeof en>).filter((k) => /[a-z]{3}/i.test(en[k]) && zhCN[k] === en[k])
    expect(same).toEqual([])
  })
})

describe("the locale of a request", () => {
  it.each([
    ["zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"],
    ["zh", "zh-CN"],
    ["zh-Hans", "zh-CN"],
    ["zh-Hans-CN", "zh-CN"],
    ["en-US,en;q=0.9", "en"],
    ["fr-FR, zh;q=0.5", "zh-CN"],
    ["en;q=0.9, zh-CN;q=0.8", "en"],
    ["zh-CN;q=0.3, en;q=0.8", "en"],
    ["zh-TW", "en"],
    ["zh-CN;q=0", "en"],
    ["de", "en"],
    ["", "en"]
  ])("Accept-Language %j → %s", (header, locale) => {
    expect(negotiateLocale(header)).toBe(locale)
  })

  it("the switch's cookie wins over Accept-Language; a cookie naming no locale is ignored", () => {
    expect(localeOf({ headers: { cookie: "a=1; winback_locale=en", "accept-language": "zh-CN" } })).toBe("en")
    expect(localeOf({ headers: { cookie: "winback_locale=zh-CN", "accept-language": "en" } })).toBe("zh-CN")
    expect(localeOf({ headers: { cookie: "winback_locale=xx", "accept-language": "zh" } })).toBe("zh-CN")
  })
})

describe("over HTTP", () => {
  let server: RunningServer
  let token: string
  beforeAll(async () => {
    server = await startTestServer()
    token = ((await (await fetch(`${server.url}/api/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ login: demoLogins.director, password: "winback-demo" }) })).json()) as { token: string }).token
  })
  afterAll(() => server?.close())
  const get = (path: string, headers: Record<string, string> = {}) => fetch(server.url + path, { headers: { authorization: `Bearer ${token}`, ...headers } })

  it("serves the page in the request's language, with <html lang> and the switch", async () => {
    const zh = await (await fetch(`${server.url}/`, { headers: { "accept-language": "zh-CN,zh;q=0.9" } })).text()
    expect(zh).toContain('<html lang="zh-CN">')
    expect(zh).toContain("<title>Winback 工作台</title>")
    expect(zh).toContain('<a id="nav-work" href="#/work">工作列表</a>')
    expect(zh).toContain('data-locale="en" lang="en" aria-pressed="false">English</button>')
    expect(zh).toContain('data-locale="zh-CN" lang="zh-CN" aria-pressed="true">中文</button>')
    expect(zh).toContain('<span class="role">坐席</span>')
    const enPage = await fetch(`${server.url}/`, { headers: { "accept-language": "zh-CN", cookie: "winback_locale=en" } })
    expect(enPage.headers.get("vary")).toContain("Accept-Language")
    const text = await enPage.text()
    expect(text).toContain('<html lang="en">')
    expect(text).toContain('<a id="nav-work" href="#/work">Work list</a>')
    const messages = await (await fetch(`${server.url}/workbench/messages.js`)).text()
    expect(messages).toContain('"work.title":"工作列表"')
  })

  it("keeps each error's code and gives its message in the caller's language", async () => {
    const zh = await fetch(`${server.url}/api/work-list/customers`, { headers: { "accept-language": "zh-CN" } })
    expect(zh.status).toBe(401)
    expect(await zh.json()).toMatchObject({ error: { code: "unauthenticated", message: "请先登录。" } })
    const bad = await get("/api/reports/funnel?from=2026-12-01&to=2026-11-01", { "accept-language": "zh" })
    expect(bad.status).toBe(400)
    const body = (await bad.json()) as { error: { code: string; message: string; details: unknown } }
    expect(body.error.code).toBe("validation_failed")
    expect(body.error.message).toBe("部分字段不正确。")
    expect(body.error.details).not.toBeNull()
    const enAnswer = (await (await fetch(`${server.url}/api/work-list/customers`, { headers: { "accept-language": "en" } })).json()) as { error: { code: string; message: string } }
    expect(enAnswer.error.code).toBe("unauthenticated")
    expect(enAnswer.error.message).not.toBe("请先登录。")
  })

  it("CSV exports start with the UTF-8 BOM and carry headings in the caller's language, byte for byte", async () => {
    const range = "from=2026-11-01&to=2026-12-01"
    const bytesOf = async (headers: Record<string, string>) => Buffer.from(await (await get(`/api/reports/funnel.csv?${range}`, headers)).arrayBuffer())
    const zhHeader = "合计,派发,接通,接通率（占派发）,有效接触,有效率（占接通）,接受优惠,成功率（占有效）,已处理（完成）,无法联系（尝试次数用完）\r\n"
    const enHeader = "Total,Submitted,Connected,Connected % of submitted,Effective contact,Effective % of connected,Offer accepted,Accepted % of effective,Handled (completed),Unreachable (attempts used up)\r\n"
    const zh = await bytesOf({ "accept-language": "zh-CN" })
    expect([...zh.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    expect(zh.subarray(0, 3 + Buffer.byteLength(zhHeader))).toEqual(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(zhHeader, "utf8")]))
    // Exactly one BOM: the header follows it at once, and the all-customers row (last) is named in Chinese.
    expect([...zh.subarray(3, 6)]).not.toEqual([0xef, 0xbb, 0xbf])
    expect(zh.toString("utf8").split("\r\n").at(-2)).toMatch(/^全部,\d+,/)
    const enBytes = await bytesOf({ "accept-language": "en-US" })
    expect(enBytes.subarray(0, 3 + Buffer.byteLength(enHeader))).toEqual(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(enHeader, "utf8")]))
  })

  it("charts and sheets are titled in the caller's language", async () => {
    const range = "from=2026-11-01&to=2026-12-01"
    const funnel = await (await get(`/api/reports/funnel.svg?${range}`, { "accept-language": "zh-CN" })).text()
    expect(funnel).toContain(">外呼漏斗</title>")
    expect(funnel).toContain(">派发</text>")
    const retention = await (await get(`/api/reports/observations.svg?${range}`, { cookie: "winback_locale=zh-CN" })).text()
    expect(retention).toContain(">留存、流失与回流</title>")
    expect(retention).toContain(">留存</text>")
    const agents = await (await get(`/api/reports/agents.svg?${range}`, { "accept-language": "zh-CN" })).text()
    expect(agents).toContain(">坐席对比</title>")
    const enFunnel = await (await get(`/api/reports/funnel.svg?${range}`, { "accept-language": "en" })).text()
    expect(enFunnel).toContain(">Call funnel</title>")
  })

  it("rule templates carry their title, family and parameter names in both languages", async () => {
    const director = await loginAs(server, demoLogins.director)
    const r = await director.get("/api/rule-templates?limit=200")
    expect(r.status).toBe(200)
    const items = Array.isArray(r.body) ? r.body : r.body.items
    const drop = items.find((t: { id: string }) => t.id === "bill-drop")
    expect(drop.labels["zh-CN"]).toMatchObject({ title: "账单下降", family: "流失风险", params: { dropPercent: "下降幅度（%）", baselineMonths: "基线月数" } })
    expect(drop.labels.en).toMatchObject({ title: "Bill drop", family: "Churn risk", params: { dropPercent: "Drop (%)", baselineMonths: "Baseline months" } })
    expect(drop.labels.en.description).toBe(drop.description)
    const backticked = (text: string) => [...new Set([...text.matchAll(/`([A-Za-z]+)`/g)].map((m) => m[1]))].sort()
    for (const t of items) {
      expect(t.labels["zh-CN"].title, t.id).toMatch(/[\u4e00-\u9fff]/)
      // What the template picks, in Chinese, naming the same parameters as the English text, each one the template has.
      expect(t.labels["zh-CN"].description, t.id).toMatch(/[\u4e00-\u9fff]/)
      expect(backticked(t.labels["zh-CN"].description), t.id).toEqual(backticked(t.description))
      for (const p of backticked(t.description)) expect(Object.keys(t.labels.en.params), `${t.id}: ${p}`).toContain(p)
    }
  })
})
