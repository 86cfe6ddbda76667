/**
 * The charts in a real browser (headless Chromium through playwright-core): each SVG parses as
 * XML, renders with the boxes the geometry promises, runs nothing, and is saved as a PNG
 * screenshot under test-artifacts/ for a person to look at.
 */
import { mkdirSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { type Browser, chromium, type Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { agentChartSvg, funnelChartSvg, retentionChartSvg } from "../src/index"

// The callbacks below run in the browser; core compiles without the DOM library, so declare the
// little of it they use (module-scoped).
interface DomBox { x: number; y: number; width: number; height: number }
interface DomElement {
  getBoundingClientRect(): DomBox
  getAttribute(name: string): string | null
  querySelector(selector: string): DomElement | null
  querySelectorAll(selector: string): ArrayLike<DomElement> & Iterable<DomElement>
  textContent: string | null
  nodeName: string
}
declare const DOMParser: new () => { parseFromString(s: string, type: string): { getElementsByTagName(n: string): ArrayLike<unknown>; documentElement: DomElement } }
declare const document: DomElement & { getElementById(id: string): DomElement | null }
declare const window: unknown
type Element = DomElement

const artifacts = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "test-artifacts")

let browser: Browser
let page: Page

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true })
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
  })
  page = await browser.newPage({ viewport: { width: 800, height: 600 } })
}, 60_000)

afterAll(async () => {
  await browser?.close()
})

/** Shows one SVG alone on a page (as a host's report page would inline it) and reads it back. */
const show = async (svg: string) => {
  const parsed = await page.evaluate((s) => {
    const doc = new DOMParser().parseFromString(s, "image/svg+xml")
    return { error: doc.getElementsByTagName("parsererror").length > 0, root: doc.documentElement.nodeName }
  }, svg)
  expect(parsed).toEqual({ error: false, root: "svg" })
  await page.setContent(`<!doctype html><html><body style="margin:0;background:#fff">${svg}</body></html>`)
  return page.evaluate(() => {
    const svg = document.querySelector("svg")!
    const box = (e: Element) => {
      const r = e.getBoundingClientRect()
      return { x: r.x, y: r.y, width: r.width, height: r.height }
    }
    return {
      svg: box(svg),
      bars: [...svg.querySelectorAll("rect.bar")].map((e) => ({ ...box(e), value: Number(e.getAttribute("data-value")), series: e.getAttribute("data-series") })),
      labels: [...svg.querySelectorAll("text.label")].map((e) => ({ ...box(e), text: e.textContent })),
      title: svg.querySelector("title")?.textContent,
      accessibleName: svg.getAttribute("aria-labelledby")!.split(" ").map((id: string) => document.getElementById(id)?.textContent),
      scripts: document.querySelectorAll("script").length,
      alerted: (window as unknown as { alerted?: boolean }).alerted === true
    }
  })
}

describe("charts in headless Chromium", () => {
  it("renders the funnel with bar widths proportional to the counts", async () => {
    const r = await show(
      funnelChartSvg({
        title: "Retention programme: call funnel",
        stages: [
          { label: "Submitted", count: 22171 },
          { label: "Connected", count: 16229 },
          { label: "Effective contact", count: 14259 },
          { label: "Offer accepted", count: 12329 }
        ]
      })
    )
    expect(r.svg.width).toBe(640)
    expect(r.bars).toHaveLength(4)
    for (const b of r.bars) expect(b.width / r.bars[0]!.width).toBeCloseTo(b.value / 22171, 2)
    for (let i = 1; i < 4; i++) expect(r.bars[i]!.y).toBeGreaterThan(r.bars[i - 1]!.y + r.bars[i - 1]!.height - 0.5)
    // Labels are laid out left of their bars, inside the drawing.
    for (const [i, l] of r.labels.entries()) {
      expect(l.width).toBeGreaterThan(10)
      expect(l.x + l.width).toBeLessThanOrEqual(r.bars[i]!.x)
      expect(l.x).toBeGreaterThanOrEqual(0)
    }
    expect(r.accessibleName[0]).toBe("Retention programme: call funnel")
    expect(r.accessibleName[1]).toContain("73.20% of Submitted")
    await page.screenshot({ path: join(artifacts, "chart-funnel.png"), clip: { x: 0, y: 0, width: r.svg.width, height: r.svg.height } })
  }, 30_000)

  it("renders stayed / returned / churned stacked per month", async () => {
    const periods = ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"].map((label, i) => ({ label, stayed: 80 + i * 9, returned: 5 + i * 2, churned: 20 - i * 2 }))
    const r = await show(retentionChartSvg({ title: "Retention effect by month", periods }))
    expect(r.bars).toHaveLength(18)
    const unit = r.bars[0]!.height / r.bars[0]!.value
    for (const b of r.bars) expect(b.height).toBeCloseTo(b.value * unit, 0)
    // Each column's segments touch: returned sits on stayed, churned on returned.
    for (let p = 0; p < periods.length; p++) {
      const [stayed, returned, churned] = r.bars.slice(p * 3, p * 3 + 3)
      expect([stayed!.series, returned!.series, churned!.series]).toEqual(["stayed", "returned", "churned"])
      expect(returned!.y + returned!.height).toBeCloseTo(stayed!.y, 0)
      expect(churned!.y + churned!.height).toBeCloseTo(returned!.y, 0)
    }
    expect(r.labels.map((l) => l.text)).toEqual(periods.map((p) => p.label))
    await page.screenshot({ path: join(artifacts, "chart-retention.png"), clip: { x: 0, y: 0, width: r.svg.width, height: r.svg.height } })
  }, 30_000)

  it("renders the agent comparison, and a hostile label runs nothing", async () => {
    const hostile = `<img src=x onerror="window.alerted=true"><script>window.alerted=true</script>`
    const r = await show(
      agentChartSvg({
        title: "Net effect per agent, November",
        metric: "Retained revenue − offer cost",
        format: "money",
        agents: [
          { label: "Wang Fang", value: 18000 },
          { label: "Li Lei", value: 12500 },
          { label: hostile, value: 9000 },
          { label: "Zhao Min", value: -2500 }
        ]
      })
    )
    expect(r.scripts).toBe(0)
    expect(r.alerted).toBe(false)
    expect(r.labels[2]!.text!.startsWith("<img src=x")).toBe(true)
    for (const l of r.labels) expect(l.x).toBeGreaterThanOrEqual(0)
    expect(r.bars[0]!.width / r.bars[1]!.width).toBeCloseTo(18000 / 12500, 2)
    expect(r.bars[3]!.x + r.bars[3]!.width).toBeCloseTo(r.bars[0]!.x, 0)
    await page.screenshot({ path: join(artifacts, "chart-agents.png"), clip: { x: 0, y: 0, width: r.svg.width, height: r.svg.height } })
  }, 30_000)
})
