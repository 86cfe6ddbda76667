/**
 * What the workbench end-to-end tests share: a real server seeded with a small demo (one region,
 * one squad of three agents) plus the demo work — on memory storage (PGlite takes 5–20 s to open
 * on a loaded machine; `WINBACK_E2E_STORAGE=pglite` runs the same journeys on PGlite) — Debian's Chromium through playwright-core,
 * screenshots under test-artifacts/e2e/, and an API client that reads the stored results back as a
 * given person (bearer token), so every journey is checked on screen AND in storage.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import { type Browser, chromium, type Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { makeMemoryStores, MemoryDb, PgliteStorage } from "@winback/adapters"
import { generateOrg, resolveDemoOptions, seedDemoData } from "@winback/core/demo"
import { standardVersionRecord } from "../../src/questionnaires"
import type { SeedContext } from "../../src/demo"
import { type DemoLogin, type RunningServer, type ServerOptions, startServer } from "../../src/server"
import { seedDemoSms } from "../../src/sms/demo"
import { type DemoWork, seedDemoWork } from "../../src/workbench/demoWork"

/** The business date of the demo. */
export const asOf = "2026-11-25"
/** The demo password every manager gets on a seeded first start. */
export const demoPassword = "winback-demo"

const baseDemoOptions = {
  seed: 11,
  customers: 90,
  asOf,
  regions: ["beijing"],
  districtsPerRegion: 1,
  squadsPerDistrict: 1,
  agentsPerTeam: 3,
  months: 5,
  dailyDays: 35
}

/** The demo people by role. */
export interface Logins {
  readonly agent: string
  readonly teamLeader: string
  readonly director: string
  readonly approver: string
  /** The other agents of the agent's squad. */
  readonly colleagues: ReadonlyArray<string>
}

/** A running workbench: server, browser, the demo work and the people. */
export interface Workbench {
  readonly server: RunningServer
  readonly browser: Browser
  readonly logins: Logins
  readonly work: DemoWork
  readonly close: () => Promise<void>
}

/**
 * Starts the server (port 0, memory or PGlite in a temp dir, small demo + demo work) and Chromium;
 * `names: "hanzi"` writes the demo people's names in Chinese characters (the zh demo); `server`: more
 * options of the server (e.g. the agent screen's dialer and contact policy).
 */
export const startWorkbench = async (o: { readonly names?: "pinyin" | "hanzi"; readonly sms?: { readonly template?: "dunning" | "birthday"; readonly perAgent?: number }; readonly server?: Partial<ServerOptions> } = {}): Promise<Workbench> => {
  const dir = mkdtempSync(join(tmpdir(), "winback-e2e-"))
  const demoOptions = { ...baseDemoOptions, names: o.names ?? "pinyin" }
  const org = generateOrg(resolveDemoOptions(demoOptions))
  const agents = org.managers.filter((m) => m.teamId === org.managers.find((x) => x.id === org.logins.agent)!.teamId && m.roles.includes("agent")).map((m) => m.id)
  const logins: Logins = {
    agent: org.logins.agent,
    teamLeader: org.logins.teamLeader,
    director: org.logins.director,
    approver: org.logins.approver,
    colleagues: agents.filter((a) => a !== org.logins.agent)
  }
  let work: DemoWork | undefined
  const seed = async (ctx: SeedContext): Promise<ReadonlyArray<DemoLogin>> => {
    const stores = ctx.stores
    await seedDemoData(stores, demoOptions, { batchSize: 100 })
    work = await seedDemoWork(ctx, {
      asOf,
      logins,
      questionnaire: standardVersionRecord(logins.director, `${asOf}T00:00:00.000Z`),
      perAgent: 12,
      locale: demoOptions.names === "hanzi" ? "zh-CN" : "en"
    })
    if (o.sms && ctx.smsTemplates) await seedDemoSms(ctx.winback, ctx.smsTemplates, { asOf, logins, locale: demoOptions.names === "hanzi" ? "zh-CN" : "en", ...o.sms })
    const roles: Array<[string, string]> = [
      ["agent", logins.agent],
      ["team leader", logins.teamLeader],
      ["director", logins.director],
      ["approver", logins.approver]
    ]
    const managers = await Effect.runPromise(stores.managers.getMany(roles.map(([, id]) => id)))
    return roles.map(([role, managerId]) => ({ role, managerId, name: managers.find((m) => m.id === managerId)?.name ?? managerId }))
  }
  const db = new MemoryDb()
  const storage = process.env.WINBACK_E2E_STORAGE === "pglite" ? await PgliteStorage.open({ dataDir: dir }) : { stores: makeMemoryStores(db), db, close: async () => {} }
  const server = await startServer({ storage, port: 0, seed, today: () => asOf, demoPassword, scrypt: { N: 1024, r: 8, p: 1 }, ...o.server })
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
  })
  return {
    server,
    browser,
    logins,
    work: work!,
    close: async () => {
      await browser.close()
      await server.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

const artifacts = fileURLToPath(new URL("../../../../test-artifacts/e2e/", import.meta.url))

/** Saves a full-page screenshot as test-artifacts/e2e/<journey>-<nn>-<step>.png. */
export const screenshotter = (journey: string) => {
  mkdirSync(artifacts, { recursive: true })
  for (const f of readdirSync(artifacts)) if (f.startsWith(`${journey}-`)) rmSync(join(artifacts, f))
  let n = 0
  return async (page: Page, step: string): Promise<void> => {
    n += 1
    await page.screenshot({ path: join(artifacts, `${journey}-${String(n).padStart(2, "0")}-${step}.png`), fullPage: true })
  }
}

/** An API client acting as one person (logs in with the demo password, then bearer token). */
export const apiAs = async (baseUrl: string, login: string) => {
  const res = await fetch(`${baseUrl}/api/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ login, password: demoPassword }) })
  if (!res.ok) throw new Error(`login ${login}: ${res.status} ${await res.text()}`)
  const { token } = (await res.json()) as { token: string }
  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const r = await fetch(baseUrl + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) })
    })
    const type = r.headers.get("content-type") ?? ""
    return { status: r.status, body: type.includes("json") ? await r.json() : await r.text() }
  }
  return { get: (path: string) => call("GET", path), post: (path: string, body: unknown) => call("POST", path, body) }
}

/** Logs in through the login screen, using the demo login's "Use" button. */
export const logIn = async (page: Page, managerId: string): Promise<void> => {
  await page.locator(`button[data-login="${managerId}"]`).click()
  await page.getByLabel("Password").fill(demoPassword)
  await page.getByRole("button", { name: "Log in" }).click()
  await page.locator("#app").waitFor({ state: "visible" })
}

/**
 * A fresh browser context and page on the workbench's browser (Shanghai time, en-US unless `locale`
 * says otherwise: it sets the browser's Accept-Language and language), collecting
 * page errors and console errors (Chromium's own "Failed to load resource" lines for non-2xx
 * answers excepted: API errors are asserted through the page's messages instead).
 */
export const newPage = async (wb: Workbench, locale = "en-US"): Promise<{ page: Page; errors: Array<string> }> => {
  const context = await wb.browser.newContext({ viewport: { width: 1280, height: 900 }, locale, timezoneId: "Asia/Shanghai" })
  const page = await context.newPage()
  const errors: Array<string> = []
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`))
  page.on("console", (m) => {
    if (m.type() === "error" && !/^Failed to load resource: the server responded with a status of \d{3}/.test(m.text())) errors.push(`console: ${m.text()}`)
  })
  page.setDefaultTimeout(10_000)
  return { page, errors }
}

/**
 * Starts one workbench for the test file (before all its tests; closed after them) and answers a
 * getter for it.
 */
export const workbenchForFile = (o: Parameters<typeof startWorkbench>[0] = {}): (() => Workbench) => {
  let wb: Workbench | undefined
  beforeAll(async () => {
    wb = await startWorkbench(o)
  }, 120_000)
  afterAll(async () => {
    await wb?.close()
  })
  return () => wb!
}

/** Logs in by ids through the login screen, whatever the page's language. */
export const logInById = async (page: Page, managerId: string): Promise<void> => {
  await page.locator(`button[data-login="${managerId}"]`).click()
  await page.locator("#login-password").fill(demoPassword)
  await page.locator("#login-submit").click()
  await page.locator("#app").waitFor({ state: "visible" })
}

/**
 * Runs one journey on a fresh page in `locale` (its Accept-Language) with screenshots: a failure
 * saves `…-FAILED.png`, the page must log no errors, and the screenshot of step `publishStep`
 * (when given) is copied to docs/images/`publishAs`.png once the journey passed.
 */
export const runJourney = async (
  wb: Workbench,
  o: { readonly name: string; readonly locale: string; readonly publishStep?: string; readonly publishAs?: string },
  f: (page: Page, shot: (page: Page, step: string) => Promise<void>) => Promise<void>
): Promise<void> => {
  const shot = screenshotter(o.name)
  const { page, errors } = await newPage(wb, o.locale)
  try {
    await f(page, shot)
    expect(errors).toEqual([])
  } catch (e) {
    await shot(page, "FAILED")
    throw e
  } finally {
    await page.context().close()
  }
  if (o.publishStep && o.publishAs) {
    const file = readdirSync(artifacts).find((x) => x.startsWith(`${o.name}-`) && x.endsWith(`-${o.publishStep}.png`))
    if (!file) throw new Error(`no screenshot ${o.name} ${o.publishStep}`)
    mkdirSync(images, { recursive: true })
    copyFileSync(join(artifacts, file), join(images, `${o.publishAs}.png`))
  }
}

const images = fileURLToPath(new URL("../../../../docs/images/", import.meta.url))

/** Registers one journey as two tests, in zh-CN and in English (each with a generous timeout). */
export const inBothLanguages = (title: string, run: (locale: "en" | "zh-CN") => Promise<void>): void => {
  describe(title, () => {
    it("in zh-CN", () => run("zh-CN"), 120_000)
    it("in English", () => run("en"), 120_000)
  })
}
