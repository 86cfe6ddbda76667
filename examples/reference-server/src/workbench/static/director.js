// The director's views: the work overview of a subtree (team and manager selectors, a page at a
// time), the reports as tables and charts in the page's language with a default range that
// includes today (CSV and XLSX downloads beside them), and the audit log (filters, pages, and the
// hash-chain verification with a clear verdict).
import { call, itemsOf } from "./api.js"
import { pathOf } from "./client.js"
import { field, h, replace, select, table, when } from "./dom.js"
import { act, showError } from "./ui.js"
import { locale, t, tOr, word } from "./i18n.js"

// ---- shared ---------------------------------------------------------------------------------

/** The business day as the server counts it ({ today, monthStart, tomorrow }), asked once. */
let businessDay = null
const dayOf = async () => (businessDay ??= await call("getApiDirectorToday"))

/** The day after an ISO date (ranges the API takes are half-open; the page's "to" includes its day). */
const nextDay = (day) => {
  const d = new Date(`${day}T00:00:00.000Z`)
  d.setUTCDate(d.getUTCDate() + 1)
  return d.toISOString().slice(0, 10)
}

/**
 * A list read a page at a time with keyset cursors: `fetchPage(cursor)` answers { items,
 * nextCursor }, `render(items)` draws one page. Answers the node and `reload()` (back to page 1).
 */
export function pagedList({ fetchPage, render, label, className }) {
  const host = h("div", { class: "paged-body", "aria-live": "polite" })
  const prev = h("button", { type: "button", class: "secondary page-prev", disabled: true }, t("dir.page.prev"))
  const next = h("button", { type: "button", class: "secondary page-next", disabled: true }, t("dir.page.next"))
  const where = h("span", { class: "page-no" })
  let before = [] // the cursors of the pages before this one
  let cursor = null
  let nextCursor = null
  const show = async (c) => {
    prev.disabled = next.disabled = true
    replace(host, h("p", { class: "loading" }, t("view.loading")))
    try {
      const page = await fetchPage(c)
      cursor = c
      nextCursor = page.nextCursor ?? null
      replace(host, render(itemsOf(page)))
    } catch (e) {
      replace(host, h("p", { class: "empty" }, t("view.failed")))
      showError(e, label)
    }
    where.textContent = t("work.page", { n: before.length + 1 })
    prev.disabled = before.length === 0
    next.disabled = nextCursor === null
  }
  prev.addEventListener("click", () => void show(before.pop() ?? null))
  next.addEventListener("click", () => {
    before.push(cursor)
    void show(nextCursor)
  })
  const reload = () => {
    before = []
    return show(null)
  }
  return { node: h("div", { class: `paged ${className}` }, host, h("nav", { class: "pager", "aria-label": `${label} · ${t("dir.page.nav")}` }, prev, where, next)), reload }
}

/** The teams of a subtree and the managers in them ({ teamId, teams, managers }). */
const peopleOf = (teamId) => call("getApiDirectorPeople", { query: { teamId } })

// ---- the work overview ----------------------------------------------------------------------

/** What the overview shows, kept while the director moves between screens. */
const overview = { teamId: null, assigneeId: "", state: "waiting" }

const stateFilter = (v) => (v === "waiting" ? ["open", "in-progress"] : v === "all" ? [] : [v])

/** The work items of a team's subtree, of all its managers or one, a page at a time. */
export async function overviewView() {
  const own = await peopleOf(undefined)
  if (!own.teams.some((x) => x.id === overview.teamId)) overview.teamId = own.teamId
  const chosen = overview.teamId === own.teamId ? own : await peopleOf(overview.teamId)
  if (!chosen.managers.some((m) => m.id === overview.assigneeId)) overview.assigneeId = ""
  const teamName = new Map(own.teams.map((x) => [x.id, x.name]))
  const teamSelect = select(own.teams.map((x) => [x.id, `${"· ".repeat(x.depth)}${x.name}`]), { name: "team", id: "ov-team" })
  teamSelect.value = overview.teamId
  const managers = [...chosen.managers].sort((a, b) => a.name.localeCompare(b.name, locale))
  const who = select([["", t("dir.ov.anyManager")], ...managers.map((m) => [m.id, `${m.name} · ${teamName.get(m.teamId) ?? ""}`])], { name: "manager", id: "ov-manager" })
  who.value = overview.assigneeId
  const states = ["open", "in-progress", "completed", "unreachable", "cancelled", "expired"]
  const state = select([["waiting", t("dir.ov.waiting")], ["all", t("dir.ov.allStates")], ...states.map((s) => [s, word("state", s)])], { name: "state", id: "ov-state" })
  state.value = overview.state

  const list = pagedList({
    label: t("dir.ov.error"),
    className: "overview",
    fetchPage: (cursor) => call("getApiDirectorWorkItems", { query: { teamId: overview.teamId, assigneeId: overview.assigneeId, state: stateFilter(overview.state), limit: 20, cursor } }),
    render: (rows) =>
      rows.length
        ? table(
            [
              { title: t("dir.ov.customer"), cell: (w) => h("a", { href: `#/customers/${encodeURIComponent(w.customerId)}`, class: "customer-link", dataset: { customer: w.customerId } }, w.customerName ?? w.customerId) },
              { title: t("dir.ov.task"), cell: (w) => w.taskName ?? w.taskId },
              { title: t("dir.ov.manager"), cell: (w) => (w.assigneeId === null ? h("span", { class: "muted" }, t("dir.ov.unassigned")) : (w.assigneeName ?? w.assigneeId)) },
              { title: t("dir.ov.teamCol"), cell: (w) => w.teamName ?? "—" },
              { title: t("dir.ov.urgency"), cell: (w) => h("span", { class: `badge u${Math.min(w.urgency, 5)}` }, `U${w.urgency}`) },
              { title: t("dir.ov.state"), cell: (w) => word("state", w.state) },
              { title: t("dir.ov.due"), cell: (w) => when(w.dueAt) }
            ],
            rows,
            { class: "overview-table", "aria-label": t("dir.ov.tableLabel") }
          )
        : h("p", { class: "empty" }, t("dir.ov.empty"))
  })
  teamSelect.addEventListener("change", () => {
    overview.teamId = teamSelect.value
    overview.assigneeId = ""
    // The manager choices are the chosen subtree's: draw the view again.
    window.dispatchEvent(new Event("workbench:render"))
  })
  who.addEventListener("change", () => {
    overview.assigneeId = who.value
    void list.reload()
  })
  state.addEventListener("change", () => {
    overview.state = state.value
    void list.reload()
  })
  await list.reload()
  return h(
    "section",
    { class: "view", "aria-labelledby": "ov-h" },
    h("h2", { id: "ov-h" }, t("dir.ov.title")),
    h("div", { class: "card filters" }, field(t("dir.ov.team"), teamSelect), field(t("dir.ov.manager"), who), field(t("dir.ov.state"), state)),
    h("p", { class: "muted ov-summary" }, t("dir.ov.summary", { team: teamName.get(overview.teamId) ?? "—", teams: chosen.teams.length, managers: chosen.managers.length })),
    h("div", { class: "card" }, list.node)
  )
}

// ---- reports --------------------------------------------------------------------------------

/**
 * The reports the API offers (found in its OpenAPI document: /api/report-tables/<name>, with the
 * CSV, XLSX and chart forms of /api/reports/<name>): one form per report, its range by default
 * this month up to and including today; "Show" draws the report's tables (headings in the page's
 * language) and its chart, with the downloads. The call funnel shows at once.
 */
export async function reportsView() {
  // The OpenAPI document (its route declares no answer schema): the parts read here.
  const [doc, day] = /** @type {[{ paths?: Record<string, any> }, any]} */ (await Promise.all([call("getApiOpenapiJson"), dayOf()]))
  const reports = []
  for (const [p, ops] of Object.entries(doc.paths ?? {})) {
    const m = /^\/api\/report-tables\/([a-z-]+)$/.exec(p)
    if (!m || !ops.get) continue
    // The download forms by their operation ids (the client builds their paths).
    const base = p.replace("/report-tables/", "/reports/")
    const formats = Object.fromEntries(["csv", "xlsx", "svg"].filter((f) => doc.paths[`${base}.${f}`]?.get).map((f) => [f, doc.paths[`${base}.${f}`].get.operationId]))
    reports.push({ name: m[1], base, op: ops.get, formats })
  }
  // Tasks the reader may see, for the reports that take a task id.
  const tasks = reports.some((r) => (r.op.parameters ?? []).some((p) => p.name === "taskId"))
    ? itemsOf(await call("getApiTasks", { query: { status: ["active", "paused", "closed", "expired"], limit: 200 } }).catch((e) => (showError(e, t("rep.tasksError")), [])))
    : []
  const host = h("div", { class: "report-output", "aria-live": "polite" })
  const forms = reports.map((r) => reportForm(r, host, tasks, day))
  const picker = select(
    reports.map((r, i) => [String(i), tOr(`report.${r.name}`, r.name)]),
    { id: "report-picker", name: "report" }
  )
  const show = () => forms.forEach((f, i) => (f.hidden = String(i) !== picker.value))
  // Another report chosen: it shows at once when its form is complete (never the previous report's
  // result beside the new report's form), else the output asks for the form.
  picker.addEventListener("change", () => {
    show()
    const form = forms[Number(picker.value)]
    if (form.checkValidity()) void form.showReport()
    else {
      host.token = (host.token ?? 0) + 1
      replace(host, h("p", { class: "empty report-fill-in" }, t("rep.fillIn")))
    }
  })
  const funnel = reports.findIndex((r) => r.name === "funnel")
  if (funnel >= 0) picker.value = String(funnel)
  show()
  if (funnel >= 0) void forms[funnel].showReport()
  const body = reports.length
    ? h("div", { class: "grid" }, h("div", { class: "col" }, h("div", { class: "card" }, field(t("rep.report"), picker)), forms), h("div", { class: "col wide" }, host))
    : h("p", { class: "empty" }, t("rep.none"))
  return h("section", { class: "view", "aria-labelledby": "rp-h" }, h("h2", { id: "rp-h" }, t("rep.title")), body)
}

/** A YYYY-MM parameter (IsoMonth's pattern), shown as a month picker. */
const isMonth = (name, schema) => name === "month" || schema.pattern === "^\\d{4}-(0[1-9]|1[0-2])$"

/** The first value of a report parameter: this month up to and including today, a month period. */
function defaultFor(name, schema, day) {
  if (name === "from") return day.monthStart
  if (name === "to" || name === "on") return day.today
  if (name === "month") return day.today.slice(0, 7)
  if (name === "kind" && (schema.enum ?? []).includes("month")) return "month"
  return schema.default ?? ""
}

function reportForm({ name, base, op, formats }, host, tasks, day) {
  const controls = (op.parameters ?? [])
    .filter((p) => p.in === "query")
    .map((p) => {
      const s = p.schema ?? {}
      const choices = s.enum ? s.enum.map((v) => [v, tOr(`value.${v}`, v)]) : p.name === "taskId" && tasks.length ? tasks.map((task) => [task.id, task.name]) : null
      const c = choices
        ? select([...(p.required || s.default !== undefined ? [] : [["", t("rep.any")]]), ...choices], { name: p.name })
        : h("input", { name: p.name, type: s.format === "date" ? "date" : isMonth(p.name, s) ? "month" : s.type === "integer" || s.type === "number" ? "number" : "text" })
      c.value = String(defaultFor(p.name, s, day))
      c.required = Boolean(p.required)
      return { p, c }
    })
  const from = controls.find(({ p }) => p.name === "from")?.c
  const to = controls.find(({ p }) => p.name === "to")?.c
  // Quick ranges: today alone, or this month up to today.
  const presets =
    from && to
      ? h(
          "div",
          { class: "buttons presets" },
          h("button", { type: "button", class: "secondary preset-today", onclick: () => ((from.value = day.today), (to.value = day.today), form.requestSubmit()) }, t("dir.rep.today")),
          h("button", { type: "button", class: "secondary preset-month", onclick: () => ((from.value = day.monthStart), (to.value = day.today), form.requestSubmit()) }, t("dir.rep.month"))
        )
      : null
  const button = h("button", { type: "submit", class: "primary" }, t("rep.show"))
  const title = tOr(`report.${name}`, op.summary ?? name)
  const form = h(
    "form",
    { class: "card report-form", dataset: { report: name } },
    h("h3", {}, title),
    controls.map(({ p, c }) => {
      const label = p.name === "to" && from ? t("dir.rep.to") : tOr(`param.${p.name}`, p.name)
      return field(p.required ? `${label} *` : label, c)
    }),
    presets,
    h("div", { class: "buttons" }, button)
  )
  const showReport = async () => {
    // Only the latest report asked for is drawn: an earlier one that answers later is dropped.
    const token = (host.token = (host.token ?? 0) + 1)
    // The page's "to" includes its day; the API's range ends before `to`.
    const values = Object.fromEntries(controls.map(({ p, c }) => [p.name, p.name === "to" && from && c.value ? nextDay(c.value) : c.value]))
    const data = await act(button, title, () => call(op.operationId, { query: values }))
    if (data === undefined || host.token !== token) return
    const downloads = ["csv", "xlsx"].filter((f) => formats[f]).map((f) => h("a", { href: pathOf(formats[f], {}, values), download: `${name}.${f}`, class: "download" }, t("rep.download", { format: f.toUpperCase() })))
    const chart = formats.svg
      ? h("img", {
          src: pathOf(formats.svg, {}, values),
          alt: t("rep.chart", { title }),
          class: "chart",
          // An <img> cannot show the API's error: ask again to put it in the messages.
          onerror: () => void call(formats.svg, { query: values }).catch((e) => showError(e, t("rep.chart", { title })))
        })
      : null
    replace(
      host,
      h(
        "article",
        { class: "card report", dataset: { report: name } },
        h("h3", {}, title),
        from && to ? h("p", { class: "muted report-range" }, t("dir.rep.range", { from: from.value, to: to.value })) : null,
        chart ? h("figure", { class: "chart" }, chart) : null,
        data.tables.map((tb) => reportTable(tb)),
        downloads.length ? h("p", { class: "buttons" }, downloads) : null
      )
    )
  }
  form.addEventListener("submit", (ev) => {
    ev.preventDefault()
    void showReport()
  })
  // The view shows the funnel before the form is in the document (a detached form cannot submit).
  form.showReport = showReport
  return form
}

const numbers = {
  // Two decimals, as the charts beside the tables print their rates.
  percent: new Intl.NumberFormat(locale, { style: "percent", minimumFractionDigits: 2, maximumFractionDigits: 2 }),
  money: new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 })
}

/** One cell of a report table, by its column's type. */
const cellText = (v, type) => {
  if (v === null || v === undefined || v === "") return "—"
  if (typeof v === "boolean") return v ? "✓" : "✗"
  if (typeof v !== "number") return type === "datetime" ? when(v) : String(v)
  if (type === "percent") return numbers.percent.format(v)
  if (type === "money") return numbers.money.format(v)
  return String(v)
}

/** A report table as the server localized it: its name as the caption, headings, typed cells. */
const reportTable = (tb) => {
  const el = table(
    tb.columns.map((c) => ({ title: c.label, cell: (row) => cellText(row[c.key], c.type) })),
    tb.rows,
    { class: "report-table" }
  )
  el.prepend(h("caption", {}, tb.name))
  tb.columns.forEach((c, i) => {
    if (c.type !== "text" && c.type !== "date" && c.type !== "datetime") for (const row of el.rows) row.cells[i]?.classList.add("num")
  })
  return tb.rows.length ? el : h("div", {}, h("h4", {}, tb.name), h("p", { class: "empty" }, t("rep.noRows")))
}

// ---- the audit log --------------------------------------------------------------------------

const auditCategories = ["customer", "work-item", "task", "rule", "dnd", "appointment", "team", "offer", "questionnaire", "extraction", "observation", "plan", "manual", "system"]

/** The audit filters, kept while the director moves between screens. */
/** @type {{ actorId: string, from: string, to: string, category: import("./client.js").ArgsOf<"getApiAudit">["query"]["category"], customerId: string }} */
const auditFilter = { actorId: "", from: "", to: "", category: "", customerId: "" }

/** The start of a calendar day in the page's time zone, as an instant. */
const startOf = (day) => new Date(`${day}T00:00:00`).toISOString()

/** Audit entries in scope, filtered by who, when and which record; a page at a time; and "verify". */
export async function auditView() {
  const day = await dayOf()
  if (!auditFilter.from) Object.assign(auditFilter, { from: day.monthStart, to: day.today })
  const people = await peopleOf(undefined).catch(() => ({ managers: [] }))
  const names = new Map(people.managers.map((m) => /** @type {[string, string]} */ ([m.id, m.name])))
  const actor = select([["", t("dir.audit.anyone")], ...[...people.managers].sort((a, b) => a.name.localeCompare(b.name, locale)).map((m) => [m.id, m.name])], { name: "actor", id: "au-actor" })
  const from = h("input", { type: "date", name: "from", id: "au-from" })
  const to = h("input", { type: "date", name: "to", id: "au-to" })
  const category = select([["", t("dir.audit.anyCategory")], ...auditCategories.map((c) => [c, t(`audit.cat.${c}`)])], { name: "category", id: "au-category" })
  const customer = h("input", { type: "text", name: "customerId", id: "au-customer", maxlength: 200, spellcheck: "false" })
  actor.value = auditFilter.actorId
  from.value = auditFilter.from
  to.value = auditFilter.to
  category.value = auditFilter.category
  customer.value = auditFilter.customerId

  const list = pagedList({
    label: t("dir.audit.error"),
    className: "audit",
    fetchPage: (cursor) =>
      call("getApiAudit", { query: {
        actorId: auditFilter.actorId,
        category: auditFilter.category,
        customerId: auditFilter.customerId,
        from: auditFilter.from ? startOf(auditFilter.from) : "",
        to: auditFilter.to ? startOf(nextDay(auditFilter.to)) : "",
        limit: 20,
        cursor
      } }),
    render: (rows) =>
      rows.length
        ? table(
            [
              { title: t("dir.audit.seq"), cell: (e) => String(e.seq) },
              { title: t("dir.audit.when"), cell: (e) => when(e.at) },
              { title: t("dir.audit.actor"), cell: (e) => names.get(e.actorId) ?? e.actorId },
              { title: t("dir.audit.action"), cell: (e) => tOr(`audit.action.${e.action}`, e.action) },
              { title: t("dir.audit.record"), cell: (e) => [h("span", { class: "badge" }, tOr(`audit.cat.${e.category}`, e.category)), " ", h("code", {}, e.recordId)] },
              { title: t("dir.audit.customerCol"), cell: (e) => (e.customerId ? (e.customerName ? [e.customerName, " ", h("small", { class: "muted" }, e.customerId)] : e.customerId) : "—") },
              { title: t("dir.audit.note"), cell: (e) => e.note || "—" }
            ],
            rows,
            { class: "audit-table", "aria-label": t("dir.audit.tableLabel") }
          )
        : h("p", { class: "empty" }, t("dir.audit.empty"))
  })

  const filter = h("button", { type: "submit", class: "primary" }, t("dir.audit.filter"))
  const form = h(
    "form",
    { class: "card filters audit-filters" },
    field(t("dir.audit.actor"), actor),
    field(t("dir.audit.from"), from),
    field(t("dir.audit.to"), to),
    field(t("dir.audit.category"), category),
    field(t("dir.audit.customer"), customer),
    h("div", { class: "buttons" }, filter)
  )
  form.addEventListener("submit", (ev) => {
    ev.preventDefault()
    Object.assign(auditFilter, { actorId: actor.value, from: from.value, to: to.value, category: category.value, customerId: customer.value.trim() })
    void list.reload()
  })

  const verdict = h("div", { class: "verify-result", role: "status" })
  const verify = h("button", { type: "button", class: "secondary verify" }, t("dir.audit.verify"))
  verify.addEventListener("click", async () => {
    replace(verdict, h("p", { class: "loading" }, t("dir.audit.verifying")))
    const r = await act(verify, t("dir.audit.verifyFailed"), () => call("getApiAuditVerify"))
    if (r === undefined) return replace(verdict)
    const at = when(new Date().toISOString())
    replace(
      verdict,
      r.ok
        ? h("p", { class: "verify-ok", dataset: { ok: "true" } }, h("strong", {}, "✓ "), t("dir.audit.ok", { n: r.entries }), " ", h("span", { class: "muted" }, t("dir.audit.checkedAt", { at })))
        : h("p", { class: "verify-broken", dataset: { ok: "false" } }, h("strong", {}, "✗ "), t("dir.audit.broken", { seq: r.firstBrokenSeq, problem: r.problem, n: r.entries }), " ", h("span", { class: "muted" }, t("dir.audit.checkedAt", { at })))
    )
  })

  await list.reload()
  return h(
    "section",
    { class: "view", "aria-labelledby": "au-h" },
    h("h2", { id: "au-h" }, t("dir.audit.title")),
    h("section", { class: "card verify-card", "aria-labelledby": "av-h" }, h("h3", { id: "av-h" }, t("dir.audit.verifyHeading")), h("p", { class: "muted" }, t("dir.audit.verifyHint")), verify, verdict),
    form,
    h("div", { class: "card" }, list.node)
  )
}
