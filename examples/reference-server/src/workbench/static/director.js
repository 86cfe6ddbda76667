// The director's views: the reports the API offers (tables, charts, exports).
import { get, itemsOf, qs } from "./api.js"
import { field, h, replace, select, table } from "./dom.js"
import { paths } from "./paths.js"
import { act, showError } from "./ui.js"
import { locale, t, tOr } from "./i18n.js"

// ---- reports --------------------------------------------------------------------------------

/**
 * The reports the API offers, found in its OpenAPI document (paths under /api/reports): one form
 * per report with its query parameters; "Show" renders the JSON as tables and, when the report has
 * a chart (`.svg`), the chart; CSV and XLSX downloads where offered.
 */
export async function reportsView() {
  const doc = await get(paths.openapi)
  const byBase = new Map()
  for (const [p, ops] of Object.entries(doc.paths ?? {})) {
    if (!ops.get || p.includes("{") || !p.startsWith("/api/reports")) continue
    const m = /^(.*?)(?:\.(csv|xlsx|svg))?$/.exec(p)
    const entry = byBase.get(m[1]) ?? { base: m[1], formats: {} }
    entry.formats[m[2] ?? "json"] = ops.get
    byBase.set(m[1], entry)
  }
  const reports = [...byBase.values()].filter((r) => r.formats.json)
  // Tasks the reader may see, for the reports that take a task id.
  const tasks = reports.some((r) => (r.formats.json.parameters ?? []).some((p) => p.name === "taskId"))
    ? itemsOf(await get(paths.tasks, { status: ["active", "paused", "closed", "expired"], limit: 200 }).catch((e) => (showError(e, t("rep.tasksError")), [])))
    : []
  const host = h("div", { class: "report-output", "aria-live": "polite" })
  const forms = reports.map((r) => reportForm(r, host, tasks))
  const picker = select(
    reports.map((r, i) => [String(i), reportTitle(r.base, r.formats.json)]),
    { id: "report-picker", name: "report" }
  )
  const show = () => forms.forEach((f, i) => (f.hidden = String(i) !== picker.value))
  picker.addEventListener("change", show)
  show()
  const body = reports.length
    ? h("div", { class: "grid" }, h("div", { class: "col" }, h("div", { class: "card" }, field(t("rep.report"), picker)), forms), h("div", { class: "col wide" }, host))
    : h("p", { class: "empty" }, t("rep.none"))
  return h("section", { class: "view", "aria-labelledby": "rp-h" }, h("h2", { id: "rp-h" }, t("rep.title")), body)
}

/** A report's title in the page's language (the OpenAPI summary for a report the catalogue lacks). */
const reportTitle = (base, op) => tOr(`report.${base.slice("/api/reports/".length)}`, op.summary ?? base)

const isoDay = (d) => d.toISOString().slice(0, 10)

/** A sensible first value for a report parameter: the last 30 days, this month, a month period. */
function defaultFor(name, schema) {
  const now = new Date()
  if (name === "from") return isoDay(new Date(now.getTime() - 30 * 86_400_000))
  if (name === "to" || name === "on") return isoDay(now)
  if (name === "month") return isoDay(now).slice(0, 7)
  if (name === "kind" && (schema.enum ?? []).includes("month")) return "month"
  return schema.default ?? ""
}

/** A YYYY-MM parameter (IsoMonth's pattern), shown as a month picker. */
const isMonth = (name, schema) => name === "month" || schema.pattern === "^\\d{4}-(0[1-9]|1[0-2])$"

function reportForm({ base, formats }, host, tasks) {
  const op = formats.json
  const name = base.slice("/api/reports/".length)
  const controls = (op.parameters ?? [])
    .filter((p) => p.in === "query")
    .map((p) => {
      const s = p.schema ?? {}
      const choices = s.enum ? s.enum.map((v) => [v, tOr(`value.${v}`, v)]) : p.name === "taskId" && tasks.length ? tasks.map((task) => [task.id, task.name]) : null
      const c = choices
        ? select([...(p.required ? [] : [["", t("rep.any")]]), ...choices], { name: p.name })
        : h("input", { name: p.name, type: s.format === "date" ? "date" : isMonth(p.name, s) ? "month" : s.type === "integer" || s.type === "number" ? "number" : "text" })
      c.value = String(defaultFor(p.name, s))
      c.required = Boolean(p.required)
      return { p, c }
    })
  const button = h("button", { type: "submit", class: "secondary" }, t("rep.show"))
  const title = reportTitle(base, op)
  const form = h(
    "form",
    { class: "card report-form", dataset: { report: name } },
    h("h3", {}, title),
    controls.map(({ p, c }) => {
      const label = tOr(`param.${p.name}`, p.name)
      // The OpenAPI descriptions are English: shown as hints on the English page only.
      return field(p.required ? `${label} *` : label, c, locale === "en" ? p.description : undefined)
    }),
    h("div", { class: "buttons" }, button)
  )
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault()
    const query = qs(Object.fromEntries(controls.map(({ p, c }) => [p.name, c.value])))
    const data = await act(button, title, () => get(base + query))
    if (data === undefined) return
    const downloads = ["csv", "xlsx"].filter((f) => formats[f]).map((f) => h("a", { href: `${base}.${f}${query}`, download: `${name}.${f}`, class: "download" }, t("rep.download", { format: f.toUpperCase() })))
    const chart = formats.svg
      ? h("img", {
          src: `${base}.svg${query}`,
          alt: t("rep.chart", { title }),
          class: "chart",
          // An <img> cannot show the API's error: ask again to put it in the messages.
          onerror: () => void get(`${base}.svg${query}`).catch((e) => showError(e, t("rep.chart", { title })))
        })
      : null
    replace(host, h("article", { class: "card report", dataset: { report: name } }, h("h3", {}, title), chart ? h("figure", { class: "chart" }, chart) : null, renderData(data), downloads.length ? h("p", { class: "buttons" }, downloads) : null))
  })
  return form
}

/** JSON as tables: arrays of objects become tables, objects become definition lists. */
function renderData(data, depth = 0) {
  if (Array.isArray(data)) {
    if (!data.length) return h("p", { class: "empty" }, t("rep.noRows"))
    if (data.every((r) => r && typeof r === "object" && !Array.isArray(r))) {
      const cols = [...new Set(data.flatMap((r) => Object.keys(r)))]
      return table(cols.map((k) => ({ title: keyName(k), cell: (r) => cellOf(r[k], k) })), data, { class: "report-table" })
    }
    return h("p", {}, data.map(String).join(", "))
  }
  if (data && typeof data === "object") {
    return h("dl", { class: "facts" }, Object.entries(data).map(([k, v]) => [h("dt", {}, keyName(k)), h("dd", {}, v && typeof v === "object" && depth < 2 ? renderData(v, depth + 1) : cellOf(v, k))]))
  }
  return h("p", {}, String(data))
}

/** A report's field name in words (the catalogue's `key.*`; the key itself when it has none). */
const keyName = (k) => tOr(`key.${k}`, k)

/** Fields whose values are names of stages, dimensions or periods, shown in words. */
const wordFields = new Set(["stage", "by", "kind"])

const cellOf = (v, k) =>
  v === null || v === undefined
    ? "—"
    : typeof v === "number"
      ? Number.isInteger(v) ? String(v) : v.toFixed(2)
      : typeof v === "object"
        ? JSON.stringify(v)
        : wordFields.has(k)
          ? tOr(`key.${v}`, tOr(`value.${v}`, String(v)))
          : k === "label" ? tOr(`value.${String(v).toLowerCase()}`, String(v)) // "All", "Total"; names stay
          : String(v)

