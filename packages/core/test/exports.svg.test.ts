/**
 * SVG charts parsed back (a strict little XML reader written here, independent of the renderer):
 * structure and accessibility, bar geometry proportional to the values, and labels that stay text
 * whatever they contain.
 */
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { agentChartSvg, chartPalette, funnelChartSvg, retentionChartSvg, ValidationError } from "../src/index"

interface El {
  readonly name: string
  readonly attrs: Record<string, string>
  readonly children: Array<El | string>
}

const decode = (s: string): string => {
  if (/&(?!(amp|lt|gt|quot|apos);)/.test(s)) throw new Error(`bad entity in ${JSON.stringify(s)}`)
  return s.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&quot;", '"').replaceAll("&apos;", "'").replaceAll("&amp;", "&")
}

/** Parses a well-formed XML document without DTD, PI (other than none), comments or CDATA. */
const parseXml = (xml: string): El => {
  let i = 0
  const fail = (why: string): never => {
    throw new Error(`${why} at ${i}: ${JSON.stringify(xml.slice(i, i + 40))}`)
  }
  const element = (): El => {
    const open = /^<([A-Za-z][\w:-]*)/.exec(xml.slice(i)) ?? fail("expected an element")
    i += open[0].length
    const attrs: Record<string, string> = {}
    for (;;) {
      const ws = /^\s*/.exec(xml.slice(i))![0]
      i += ws.length
      if (xml.startsWith("/>", i)) {
        i += 2
        return { name: open[1]!, attrs, children: [] }
      }
      if (xml[i] === ">") {
        i++
        break
      }
      if (!ws) fail("expected whitespace before an attribute")
      const a = /^([A-Za-z_][\w:.-]*)="([^"<]*)"/.exec(xml.slice(i)) ?? fail("bad attribute")
      if (a[1]! in attrs) fail(`duplicate attribute ${a[1]}`)
      attrs[a[1]!] = decode(a[2]!)
      i += a[0].length
    }
    const children: Array<El | string> = []
    for (;;) {
      if (xml.startsWith(`</${open[1]}>`, i)) {
        i += open[1]!.length + 3
        return { name: open[1]!, attrs, children }
      }
      if (xml[i] === "<") children.push(element())
      else {
        const end = xml.indexOf("<", i)
        if (end < 0) fail("unterminated element")
        children.push(decode(xml.slice(i, end)))
        i = end
      }
    }
  }
  const root = element()
  if (i !== xml.length) fail("content after the root element")
  return root
}

const all = (e: El, pred: (e: El) => boolean): Array<El> => [...(pred(e) ? [e] : []), ...e.children.flatMap((c) => (typeof c === "string" ? [] : all(c, pred)))]
const text = (e: El): string => e.children.map((c) => (typeof c === "string" ? c : text(c))).join("")
const cls = (e: El, c: string) => (e.attrs.class ?? "").split(" ").includes(c)
const n = (e: El, a: string) => Number(e.attrs[a])

const checkDocument = (svg: string, kind: string): El => {
  const root = parseXml(svg)
  expect(root.name).toBe("svg")
  expect(root.attrs.xmlns).toBe("http://www.w3.org/2000/svg")
  expect(root.attrs.viewBox).toMatch(/^0 0 \d+ \d+$/)
  expect(root.attrs.role).toBe("img")
  expect(root.attrs["aria-labelledby"]).toBe(`${kind}-title ${kind}-desc`)
  const first = root.children.filter((c): c is El => typeof c !== "string")
  expect(first[0]!.name).toBe("title")
  expect(first[0]!.attrs.id).toBe(`${kind}-title`)
  expect(first[1]!.name).toBe("desc")
  expect(first[1]!.attrs.id).toBe(`${kind}-desc`)
  // Self-contained: nothing executable, nothing fetched.
  expect(all(root, (e) => ["script", "foreignObject", "image", "use", "a", "style"].includes(e.name))).toEqual([])
  for (const e of all(root, () => true)) for (const k of Object.keys(e.attrs)) expect(k.toLowerCase().startsWith("on") || k.includes("href")).toBe(false)
  return root
}

// The programme's campaign of DOMAIN §8.
const campaign = [
  { label: "Submitted", count: 22171 },
  { label: "Connected", count: 16229 },
  { label: "Effective contact", count: 14259 },
  { label: "Offer accepted", count: 12329 }
]

describe("funnelChartSvg", () => {
  it("is a self-contained, accessible SVG whose description reads the figures", () => {
    const root = checkDocument(funnelChartSvg({ title: "November", stages: campaign }), "funnel")
    const desc = text(all(root, (e) => e.name === "desc")[0]!)
    expect(desc).toContain("Connected: 16,229 (73.20% of Submitted)")
    expect(desc).toContain("Effective contact: 14,259 (87.86% of Connected)")
    expect(desc).toContain("Offer accepted: 12,329 (86.46% of Effective contact)")
  })

  it("draws bars proportional to the counts, with stage-over-stage rates", () => {
    const root = parseXml(funnelChartSvg({ stages: campaign }))
    const bars = all(root, (e) => e.name === "rect" && cls(e, "bar"))
    expect(bars.map((b) => n(b, "data-value"))).toEqual([22171, 16229, 14259, 12329])
    const w0 = n(bars[0]!, "width")
    expect(w0).toBeGreaterThan(100)
    for (const [i, b] of bars.entries()) expect(n(b, "width") / w0).toBeCloseTo(campaign[i]!.count / 22171, 3)
    expect(bars.map((b) => b.attrs["data-rate"])).toEqual([undefined, String(16229 / 22171), String(14259 / 16229), String(12329 / 14259)])
    // Stacked top to bottom, distinct colours from the palette.
    const ys = bars.map((b) => n(b, "y"))
    expect([...ys].sort((a, b) => a - b)).toEqual(ys)
    expect(bars.map((b) => b.attrs.fill)).toEqual(chartPalette.slice(0, 4))
    const values = all(root, (e) => e.name === "text" && cls(e, "value")).map(text)
    expect(values).toEqual(["22,171", "16,229 (73.20% of previous)", "14,259 (87.86% of previous)", "12,329 (86.46% of previous)"])
  })

  it("handles a zero stage without dividing by zero", () => {
    const root = parseXml(funnelChartSvg({ stages: [{ label: "a", count: 0 }, { label: "b", count: 0 }] }))
    const bars = all(root, (e) => e.name === "rect" && cls(e, "bar"))
    expect(bars.map((b) => n(b, "width"))).toEqual([0, 0])
    expect(bars[1]!.attrs["data-rate"]).toBeUndefined()
  })
})

describe("retentionChartSvg", () => {
  const periods = [
    { label: "2026-08", stayed: 100, churned: 20, returned: 5 },
    { label: "2026-09", stayed: 60, churned: 0, returned: 40 },
    { label: "2026-10", stayed: 0, churned: 0, returned: 0 }
  ]

  it("stacks stayed, returned, churned per period with heights proportional to the counts", () => {
    const root = checkDocument(retentionChartSvg({ periods }), "retention")
    const groups = all(root, (e) => e.name === "g" && cls(e, "period"))
    expect(groups).toHaveLength(3)
    const seg = (g: El, s: string) => all(g, (e) => e.name === "rect" && e.attrs["data-series"] === s)[0]!
    const unit = n(seg(groups[0]!, "stayed"), "height") / 100
    expect(unit).toBeGreaterThan(0)
    for (const [i, p] of periods.entries()) {
      for (const s of ["stayed", "returned", "churned"] as const) {
        expect(n(seg(groups[i]!, s), "data-value")).toBe(p[s])
        expect(n(seg(groups[i]!, s), "height")).toBeCloseTo(p[s] * unit, 1)
      }
      // Stacked: each segment sits on the one below.
      const st = seg(groups[i]!, "stayed")
      const re = seg(groups[i]!, "returned")
      const ch = seg(groups[i]!, "churned")
      expect(n(re, "y") + n(re, "height")).toBeCloseTo(n(st, "y"), 1)
      expect(n(ch, "y") + n(ch, "height")).toBeCloseTo(n(re, "y"), 1)
    }
    // The tallest column (125) fits under the axis maximum.
    const ticks = all(root, (e) => e.name === "text" && cls(e, "tick")).map((t) => Number(text(t).replaceAll(",", "")))
    expect(ticks[0]).toBe(0)
    expect(Math.max(...ticks)).toBeGreaterThanOrEqual(125)
    expect(all(root, (e) => cls(e, "legend-item")).map(text)).toEqual(["Stayed", "Returned", "Churned"])
  })
})

describe("agentChartSvg", () => {
  it("draws bars from a zero line, negative values to the left, lengths proportional to the values", () => {
    const root = checkDocument(
      agentChartSvg({ metric: "Net effect", format: "money", agents: [{ label: "Wang Fang", value: 18000 }, { label: "Li Lei", value: 9000 }, { label: "Zhao Min", value: -4500 }] }),
      "agents"
    )
    const bars = all(root, (e) => e.name === "rect" && cls(e, "bar"))
    const zero = n(all(root, (e) => e.name === "line" && cls(e, "zero"))[0]!, "x1")
    expect(n(bars[0]!, "x")).toBeCloseTo(zero, 1)
    expect(n(bars[0]!, "width") / n(bars[1]!, "width")).toBeCloseTo(2, 2)
    expect(n(bars[2]!, "width") / n(bars[1]!, "width")).toBeCloseTo(0.5, 2)
    expect(n(bars[2]!, "x") + n(bars[2]!, "width")).toBeCloseTo(zero, 1)
    expect(all(root, (e) => e.name === "text" && cls(e, "value")).map(text)).toEqual(["18,000.00", "9,000.00", "-4,500.00"])
  })

  it("prints percentages", () => {
    const root = parseXml(agentChartSvg({ metric: "Reach", format: "percent", agents: [{ label: "a", value: 0.7325 }] }))
    expect(all(root, (e) => e.name === "text" && cls(e, "value")).map(text)).toEqual(["73.25%"])
  })
})

describe("labels are text, never markup", () => {
  const xss = ['<script>alert(1)</script>', '"><svg onload=alert(1)>', "&lt;b&gt; & ]]> '\u0000\u0007", "</text><a href='javascript:alert(1)'>x</a>"]

  it("escapes hostile labels and titles in every chart", () => {
    for (const label of xss) {
      const svgs = [
        funnelChartSvg({ title: label, stages: [{ label, count: 3 }] }),
        retentionChartSvg({ title: label, periods: [{ label, stayed: 1, churned: 1, returned: 1 }] }),
        agentChartSvg({ title: label, metric: label, agents: [{ label, value: 1 }] })
      ]
      for (const svg of svgs) {
        const root = parseXml(svg)
        expect(all(root, (e) => ["script", "a"].includes(e.name) || Object.keys(e.attrs).some((k) => k.startsWith("on")))).toEqual([])
        expect(text(all(root, (e) => e.name === "title")[0]!)).toBe(label.replace(/[\u0000-\u0008]/g, ""))
      }
    }
  })

  it("any label round-trips as text (fast-check)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 30 }), (label) => {
        const root = parseXml(funnelChartSvg({ title: label, stages: [{ label, count: 1 }] }))
        const clean = label.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "")
        expect(text(all(root, (e) => e.name === "title")[0]!)).toBe(clean)
        expect(all(root, (e) => e.name === "rect" && cls(e, "bar"))).toHaveLength(1)
      })
    )
  })

  it("refuses bad input with a ValidationError", () => {
    expect(() => funnelChartSvg({ stages: [] })).toThrow(ValidationError)
    expect(() => retentionChartSvg({ periods: [{ label: "x", stayed: -1, churned: 0, returned: 0 }] })).toThrow(ValidationError)
    expect(() => agentChartSvg({ metric: "m", agents: [{ label: "a", value: Number.POSITIVE_INFINITY }] })).toThrow(ValidationError)
    expect(() => funnelChartSvg({ stages: [{ label: "a", count: 1 }] }, { idPrefix: '"><script>' })).toThrow(ValidationError)
  })
})
