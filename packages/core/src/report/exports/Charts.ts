/**
 * SVG charts of the retention reports: the call funnel, stayed / churned / returned over time, and
 * an agent comparison. Self-contained documents — no script, no external reference, every text
 * escaped — with a `viewBox` (they scale), an accessible `<title>` and `<desc>` (the figures in
 * words, for screen readers), and the Okabe–Ito palette, which stays distinguishable with the
 * common colour-vision deficiencies. Bars carry `data-value` so hosts and tests can read them back.
 */
import * as z from "zod"
import { parse } from "../../shared/Validation"
import { xmlText } from "./Xlsx"

/**
 * The Okabe–Ito colour-blind-safe palette (blue, orange, bluish green, vermillion, reddish purple,
 * sky blue, yellow, black).
 *
 * @example
 * ```ts
 * const fill = chartPalette[0] // "#0072B2"
 * ```
 */
export const chartPalette = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"] as const

const Label = z.string().max(500)
const Count = z.number().int().min(0)

/**
 * Input of {@link funnelChartSvg}: the stages in order with their counts. The chart prints each
 * stage's rate against the stage before.
 *
 * @example
 * ```ts
 * FunnelChartData.parse({ title: "November funnel", stages: [{ label: "Submitted", count: 22171 }, { label: "Connected", count: 16229 }] })
 * ```
 */
export const FunnelChartData = z.object({ title: Label.default("Call funnel"), stages: z.array(z.object({ label: Label, count: Count })).min(1).max(20) })
/** @see {@link FunnelChartData} */
export type FunnelChartData = z.input<typeof FunnelChartData>

/**
 * Input of {@link retentionChartSvg}: per period (a month, a week...), how many observed customers
 * stayed, churned and returned.
 *
 * @example
 * ```ts
 * RetentionChartData.parse({ periods: [{ label: "2026-09", stayed: 120, churned: 14, returned: 9 }] })
 * ```
 */
export const RetentionChartData = z.object({
  title: Label.default("Stayed, churned and returned"),
  periods: z.array(z.object({ label: Label, stayed: Count, churned: Count, returned: Count })).min(1).max(120)
})
/** @see {@link RetentionChartData} */
export type RetentionChartData = z.input<typeof RetentionChartData>

/**
 * Input of {@link agentChartSvg}: one bar per agent for one metric (`format` decides how values
 * print). Values may be negative (a net effect).
 *
 * @example
 * ```ts
 * AgentChartData.parse({ metric: "Net effect", format: "money", agents: [{ label: "Wang Fang", value: 18000 }, { label: "Li Lei", value: -250 }] })
 * ```
 */
export const AgentChartData = z.object({
  title: Label.default("Agent comparison"),
  metric: Label,
  format: z.enum(["integer", "number", "money", "percent"]).default("number"),
  agents: z.array(z.object({ label: Label, value: z.number().finite() })).min(1).max(200)
})
/** @see {@link AgentChartData} */
export type AgentChartData = z.input<typeof AgentChartData>

/**
 * Chart options: `idPrefix` keeps the ids of `<title>`/`<desc>` unique when several charts share a
 * page (default: the chart kind); `width` of the drawing in user units (default 640).
 *
 * @example
 * ```ts
 * const options: ChartOptions = { idPrefix: "nov-funnel", width: 800 }
 * ```
 */
export const ChartOptions = z.object({ idPrefix: z.string().regex(/^[A-Za-z][\w-]{0,60}$/).optional(), width: z.number().int().min(320).max(4000).optional() }).strict()
/** @see {@link ChartOptions} */
export type ChartOptions = z.input<typeof ChartOptions>

// --------------------------------------------------------------------------------------------

const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif"'

const grouped = (n: number, decimals = 0): string => {
  const [int, frac] = Math.abs(n).toFixed(decimals).split(".")
  return `${n < 0 && Number(n.toFixed(decimals)) !== 0 ? "-" : ""}${int!.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}${frac ? `.${frac}` : ""}`
}
const pct = (r: number): string => `${(r * 100).toFixed(2)}%`
const formatValue = (v: number, format: "integer" | "number" | "money" | "percent"): string =>
  format === "percent" ? pct(v) : format === "money" ? grouped(v, 2) : format === "integer" ? grouped(Math.round(v)) : grouped(v, Number.isInteger(v) ? 0 : 2)

/** Shortens a label for display (by code points, so no surrogate pair is cut); the full label stays in a tooltip. */
const clip = (s: string, max: number): string => {
  const chars = [...s]
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join("")}…`
}

const num = (n: number): string => String(Math.round(n * 100) / 100)

/** A "nice" axis maximum ≥ `max` for counts (steps of 1, 2, 2.5 or 5 times a power of ten, at least 1). */
const niceScale = (max: number, ticks = 4): { readonly top: number; readonly step: number } => {
  if (max <= 0) return { top: 1, step: 1 }
  const raw = max / ticks
  const pow = 10 ** Math.floor(Math.log10(raw))
  // Counts: never a fractional step.
  const step = Math.max(1, [1, 2, 2.5, 5, 10].map((m) => m * pow).find((s) => s >= raw)!)
  return { top: Math.ceil(max / step) * step, step }
}

const document = (o: { kind: string; idPrefix?: string | undefined; width: number; height: number; title: string; desc: string; body: string }): string => {
  const id = o.idPrefix ?? o.kind
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${o.width} ${o.height}" width="${o.width}" height="${o.height}" ` +
    `role="img" aria-labelledby="${id}-title ${id}-desc" class="winback-chart winback-chart-${o.kind}" ${FONT} font-size="12">` +
    `<title id="${id}-title">${xmlText(o.title)}</title>` +
    `<desc id="${id}-desc">${xmlText(o.desc)}</desc>` +
    `<rect class="background" x="0" y="0" width="${o.width}" height="${o.height}" fill="#ffffff"/>` +
    `<text class="chart-title" x="16" y="24" font-size="15" font-weight="600" fill="#1a1a1a">${xmlText(clip(o.title, 80))}</text>` +
    o.body +
    "</svg>"
  )
}

/**
 * The call funnel as horizontal bars, one per stage, each as long as its count relative to the
 * first (largest) stage, labelled with the count and the rate against the stage before.
 *
 * @example
 * ```ts
 * const svg = funnelChartSvg({ stages: [{ label: "Submitted", count: 22171 }, { label: "Connected", count: 16229 },
 *   { label: "Effective contact", count: 14259 }, { label: "Offer accepted", count: 12329 }] })
 * ```
 */
export const funnelChartSvg = (input: FunnelChartData, options: ChartOptions = {}): string => {
  const d = parse(FunnelChartData, input, "funnel chart data")
  const o = parse(ChartOptions, options, "chart options")
  const width = o.width ?? 640
  const labelW = 170
  const valueW = 170
  const barW = width - labelW - valueW - 16
  const rowH = 40
  const top = 44
  const height = top + d.stages.length * rowH + 16
  const max = Math.max(1, ...d.stages.map((s) => s.count))
  const rates = d.stages.map((s, i) => (i === 0 ? null : d.stages[i - 1]!.count > 0 ? s.count / d.stages[i - 1]!.count : null))
  const bars = d.stages
    .map((s, i) => {
      const y = top + i * rowH
      const w = (s.count / max) * barW
      const rate = rates[i]
      const value = `${grouped(s.count)}${rate === null || rate === undefined ? "" : ` (${pct(rate)} of previous)`}`
      return (
        `<g class="stage" data-index="${i}"><title>${xmlText(`${s.label}: ${value}`)}</title>` +
        `<text class="label" x="${labelW - 8}" y="${num(y + rowH / 2)}" text-anchor="end" dominant-baseline="middle" fill="#1a1a1a">${xmlText(clip(s.label, 20))}</text>` +
        `<rect class="bar" x="${labelW}" y="${num(y + 6)}" width="${num(w)}" height="${rowH - 12}" rx="3" fill="${chartPalette[i % chartPalette.length]}" data-value="${s.count}"${rate === null || rate === undefined ? "" : ` data-rate="${rate}"`}/>` +
        `<text class="value" x="${num(labelW + w + 6)}" y="${num(y + rowH / 2)}" dominant-baseline="middle" fill="#1a1a1a">${xmlText(value)}</text>` +
        "</g>"
      )
    })
    .join("")
  const desc = d.stages.map((s, i) => `${s.label}: ${grouped(s.count)}${rates[i] == null ? "" : ` (${pct(rates[i]!)} of ${d.stages[i - 1]!.label})`}`).join("; ")
  return document({ kind: "funnel", idPrefix: o.idPrefix, width, height, title: d.title, desc: `Funnel. ${desc}.`, body: bars })
}

const SERIES = [
  { key: "stayed", label: "Stayed", color: chartPalette[2] },
  { key: "returned", label: "Returned", color: chartPalette[0] },
  { key: "churned", label: "Churned", color: chartPalette[3] }
] as const

/**
 * Stayed, returned and churned customers per period as stacked columns (stayed at the bottom), with
 * a value axis and a legend.
 *
 * @example
 * ```ts
 * const svg = retentionChartSvg({ periods: [
 *   { label: "2026-09", stayed: 120, churned: 14, returned: 9 },
 *   { label: "2026-10", stayed: 131, churned: 11, returned: 12 }
 * ] })
 * ```
 */
export const retentionChartSvg = (input: RetentionChartData, options: ChartOptions = {}): string => {
  const d = parse(RetentionChartData, input, "retention chart data")
  const o = parse(ChartOptions, options, "chart options")
  const width = o.width ?? 640
  const height = 360
  const left = 64
  const right = 16
  const top = 70
  const bottom = 44
  const plotW = width - left - right
  const plotH = height - top - bottom
  const totals = d.periods.map((p) => p.stayed + p.churned + p.returned)
  const { top: yMax, step } = niceScale(Math.max(0, ...totals))
  const y = (v: number) => top + plotH - (v / yMax) * plotH
  const slot = plotW / d.periods.length
  const barW = Math.max(2, Math.min(48, slot * 0.6))
  const ticks: Array<string> = []
  for (let v = 0; v <= yMax + step / 2; v += step) {
    ticks.push(
      `<line class="grid" x1="${left}" x2="${width - right}" y1="${num(y(v))}" y2="${num(y(v))}" stroke="#d9d9d9" stroke-width="1"/>` +
        `<text class="tick" x="${left - 6}" y="${num(y(v))}" text-anchor="end" dominant-baseline="middle" fill="#4d4d4d">${grouped(v, Number.isInteger(step) ? 0 : 1)}</text>`
    )
  }
  const labelEvery = Math.ceil(d.periods.length / Math.max(1, Math.floor(plotW / 56)))
  const columns = d.periods
    .map((p, i) => {
      const x = left + i * slot + (slot - barW) / 2
      let base = 0
      const segments = SERIES.map((s) => {
        const v = p[s.key]
        const rect = `<rect class="bar ${s.key}" x="${num(x)}" y="${num(y(base + v))}" width="${num(barW)}" height="${num((v / yMax) * plotH)}" fill="${s.color}" data-series="${s.key}" data-value="${v}"/>`
        base += v
        return rect
      }).join("")
      const label =
        i % labelEvery === 0
          ? `<text class="label" x="${num(x + barW / 2)}" y="${top + plotH + 18}" text-anchor="middle" fill="#1a1a1a">${xmlText(clip(p.label, 12))}</text>`
          : ""
      return `<g class="period" data-index="${i}"><title>${xmlText(`${p.label}: stayed ${grouped(p.stayed)}, returned ${grouped(p.returned)}, churned ${grouped(p.churned)}`)}</title>${segments}${label}</g>`
    })
    .join("")
  const legend = SERIES.map(
    (s, i) =>
      `<g class="legend-item" transform="translate(${left + i * 110},46)"><rect x="0" y="-9" width="12" height="12" fill="${s.color}"/><text x="18" y="0" dominant-baseline="middle" fill="#1a1a1a">${s.label}</text></g>`
  ).join("")
  const axis = `<line class="axis" x1="${left}" x2="${width - right}" y1="${top + plotH}" y2="${top + plotH}" stroke="#4d4d4d" stroke-width="1"/>`
  const desc = d.periods.map((p) => `${p.label}: stayed ${grouped(p.stayed)}, returned ${grouped(p.returned)}, churned ${grouped(p.churned)}`).join("; ")
  return document({
    kind: "retention",
    idPrefix: o.idPrefix,
    width,
    height,
    title: d.title,
    desc: `Stacked columns per period. ${desc}.`,
    body: `<g class="legend">${legend}</g>${ticks.join("")}${columns}${axis}`
  })
}

/**
 * One horizontal bar per agent for one metric, on a shared scale with a zero line (negative values
 * extend left), labelled with the agent and, in a column on the right, the formatted value.
 *
 * @example
 * ```ts
 * const svg = agentChartSvg({ metric: "Retained customers", format: "integer",
 *   agents: [{ label: "Wang Fang", value: 70 }, { label: "Li Lei", value: 52 }] })
 * ```
 */
export const agentChartSvg = (input: AgentChartData, options: ChartOptions = {}): string => {
  const d = parse(AgentChartData, input, "agent chart data")
  const o = parse(ChartOptions, options, "chart options")
  const width = o.width ?? 640
  const labelW = 170
  const valueW = 110
  const rowH = 28
  const top = 52
  const height = top + d.agents.length * rowH + 16
  const lo = Math.min(0, ...d.agents.map((a) => a.value))
  const hi = Math.max(0, ...d.agents.map((a) => a.value))
  const span = hi - lo || 1
  const plotW = width - labelW - valueW - 16
  const x = (v: number) => labelW + ((v - lo) / span) * plotW
  const zero = x(0)
  const bars = d.agents
    .map((a, i) => {
      const y = top + i * rowH
      const x0 = Math.min(zero, x(a.value))
      const w = Math.abs(x(a.value) - zero)
      const text = formatValue(a.value, d.format)
      return (
        `<g class="agent" data-index="${i}"><title>${xmlText(`${a.label}: ${text}`)}</title>` +
        `<text class="label" x="${labelW - 8}" y="${num(y + rowH / 2)}" text-anchor="end" dominant-baseline="middle" fill="#1a1a1a">${xmlText(clip(a.label, 20))}</text>` +
        `<rect class="bar" x="${num(x0)}" y="${num(y + 4)}" width="${num(w)}" height="${rowH - 8}" rx="2" fill="${a.value < 0 ? chartPalette[3] : chartPalette[0]}" data-value="${a.value}"/>` +
        `<text class="value" x="${labelW + plotW + 8}" y="${num(y + rowH / 2)}" dominant-baseline="middle" fill="#1a1a1a">${xmlText(text)}</text>` +
        "</g>"
      )
    })
    .join("")
  const zeroLine = `<line class="zero" x1="${num(zero)}" x2="${num(zero)}" y1="${top}" y2="${top + d.agents.length * rowH}" stroke="#4d4d4d" stroke-width="1"/>`
  const metric = `<text class="metric" x="${labelW}" y="42" fill="#4d4d4d">${xmlText(clip(d.metric, 60))}</text>`
  const desc = d.agents.map((a) => `${a.label}: ${formatValue(a.value, d.format)}`).join("; ")
  return document({ kind: "agents", idPrefix: o.idPrefix, width, height, title: d.title, desc: `${d.metric} per agent. ${desc}.`, body: `${metric}${bars}${zeroLine}` })
}
