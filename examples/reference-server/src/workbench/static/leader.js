// The leader's views: the team's work per member (open, in progress, overdue), its work items and
// customers moved between agents (assign / transfer), the team's unassigned pool handed out to
// agents, and the reports the API offers. Approvals live in approver.js; imports, groups and offer
// approvals in desk.js.
import { get, itemsOf, post, qs } from "./api.js"
import { taskOf } from "./agent.js"
import { field, h, replace, select, table, uid } from "./dom.js"
import { paths } from "./paths.js"
import { act, go, session, showError, showInfo } from "./ui.js"
import { locale, t, tOr, word } from "./i18n.js"
import { customerTransferCard, memberWorkCard, overdueBadge } from "./desk.js"

// ---- team work ------------------------------------------------------------------------------

/** The team's open work items by agent; tick items and move them to another agent. */
/** The team chosen in the team view (the leader's own by default; directors pick one below theirs). */
let chosenTeam = null

/** The caller's team and every team below it, in tree order (the teams a leader may oversee). */
async function teamsBelow(rootId) {
  const all = itemsOf(await get(paths.teams, { limit: 200 }))
  const out = []
  const walk = (id, depth) => {
    const t = all.find((x) => x.id === id)
    if (!t) return
    out.push({ team: t, depth })
    for (const c of all.filter((x) => x.parentId === id).sort((a, b) => (a.id < b.id ? -1 : 1))) walk(c.id, depth + 1)
  }
  walk(rootId, 0)
  return out
}

export async function teamView() {
  const ownTeam = session.me?.teamId
  const tree = await teamsBelow(ownTeam)
  const teamId = tree.some((t) => t.team.id === chosenTeam) ? chosenTeam : ownTeam
  const teamSelect = select(tree.map(({ team, depth }) => [team.id, `${"· ".repeat(depth)}${team.name ?? team.id}`]), { name: "team" })
  teamSelect.value = teamId
  teamSelect.addEventListener("change", () => {
    chosenTeam = teamSelect.value
    go("#/team")
  })
  const [membersPage, summary] = await Promise.all([get(paths.teamMembers(teamId), { limit: 200 }), get(paths.teamWork, { teamId })])
  const members = itemsOf(membersPage)
  const agents = members.filter((m) => (m.roles ?? []).includes("agent"))
  const who = select(members.map((m) => [m.id, `${m.name} (${m.id})`]), { name: "assignee" })
  who.value = agents[0]?.id ?? ""
  const to = select(agents.map((m) => [m.id, `${m.name} (${m.id})`]), { name: "to" })
  const note = h("input", { type: "text", maxlength: 4000, name: "note" })
  const listHost = h("div", { class: "team-items", "aria-live": "polite" })
  let checks = new Map()

  const load = async () => {
    replace(listHost, h("p", { class: "loading" }, t("view.loading")))
    try {
      const page = await get(paths.workItems, { assigneeId: who.value, state: ["open", "in-progress"], limit: 100 })
      const rows = itemsOf(page)
      checks = new Map()
      const tasks = new Map()
      await Promise.all([...new Set(rows.map((w) => w.taskId))].map(async (id) => tasks.set(id, await taskOf(id))))
      replace(
        listHost,
        rows.length
          ? table(
              [
                {
                  title: t("team.move"),
                  cell: (w) => {
                    const b = h("input", { type: "checkbox", id: uid("wi"), value: w.id, "aria-label": t("team.moveLabel", { task: tasks.get(w.taskId)?.name ?? w.taskId, customer: w.customerId }) })
                    checks.set(w.id, b)
                    return b
                  }
                },
                { title: t("team.customer"), cell: (w) => w.customerId },
                { title: t("team.task"), cell: (w) => tasks.get(w.taskId)?.name ?? w.taskId },
                { title: t("team.urgency"), cell: (w) => h("span", { class: `badge u${Math.min(w.urgency, 5)}` }, `U${w.urgency}`) },
                { title: t("team.state"), cell: (w) => `${word("state", w.state)}${w.attempts?.length ? t("team.attempts", { n: w.attempts.length }) : ""}` },
                { title: t("team.due"), cell: (w) => [w.dueAt ? new Date(w.dueAt).toLocaleString() : "—", overdueBadge(w, summary.asOf)] }
              ],
              rows,
              { class: "team-table", "aria-label": t("team.tableLabel") }
            )
          : h("p", { class: "empty" }, t("team.noItems"))
      )
    } catch (e) {
      replace(listHost, h("p", { class: "empty" }, t("team.loadFailed")))
      showError(e, t("team.itemsError"))
    }
  }
  who.addEventListener("change", () => void load())
  const move = h("button", { type: "submit", class: "primary" }, t("team.moveSubmit"))
  const form = h("form", { class: "card allocate", "aria-labelledby": "mv-h" }, h("h3", { id: "mv-h" }, t("team.allocate")), field(t("team.toAgent"), to), field(t("team.note"), note), move)
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault()
    const ids = [...checks].filter(([, b]) => b.checked).map(([id]) => id)
    if (!ids.length) return showError(new Error(t("team.tickFirst")), t("team.allocate"))
    const r = await act(move, t("team.moveFailed"), () => post(paths.allocateWorkItems, { ids, to: to.value, ...(note.value ? { note: note.value } : {}) }))
    if (!r) return
    showInfo(`${t("team.moved", { n: r.changed.length, to: to.value })}${r.unchanged.length ? t("team.alreadyThere", { n: r.unchanged.length }) : ""}${t("punct.end")}`)
    await load()
  })
  await load()
  const pool = await poolCard(teamId, agents, () => load())
  const overview = memberWorkCard(summary, (id) => {
    who.value = id
    void load()
  })
  return h(
    "section",
    { class: "view", "aria-labelledby": "tm-h" },
    h("h2", { id: "tm-h" }, t("team.title")),
    tree.length > 1 ? h("div", { class: "field inline" }, h("label", { for: "team-select" }, t("team.team")), Object.assign(teamSelect, { id: "team-select" })) : null,
    h("p", { class: "muted" }, t("team.summary", { team: tree.find((x) => x.team.id === teamId)?.team.name ?? teamId ?? "—", members: members.length, agents: agents.length })),
    overview,
    h("div", { class: "grid" }, h("div", { class: "col wide" }, h("div", { class: "card" }, field(t("team.itemsOf"), who), listHost)), h("div", { class: "col" }, form)),
    pool,
    customerTransferCard(agents)
  )
}

// ---- the unassigned pool --------------------------------------------------------------------

/**
 * The team's unassigned pool (open items with no assignee, most urgent first, a page at a time);
 * tick items and hand them to an agent of the team. `onAssigned` refreshes the other lists.
 */
async function poolCard(teamId, agents, onAssigned) {
  const listHost = h("div", { class: "pool-items", "aria-live": "polite" })
  const to = select(agents.map((m) => [m.id, `${m.name} (${m.id})`]), { name: "pool-to" })
  to.value = agents[0]?.id ?? ""
  const assign = h("button", { type: "submit", class: "primary" }, t("pool.submit"))
  const more = h("button", { type: "button", class: "secondary", hidden: true }, t("pool.more"))
  let checks = new Map()
  let rows = []
  let cursor = null

  const render = async () => {
    const tasks = new Map()
    await Promise.all([...new Set(rows.map((w) => w.taskId))].map(async (id) => tasks.set(id, await taskOf(id))))
    checks = new Map()
    replace(
      listHost,
      rows.length
        ? table(
            [
              {
                title: t("pool.assign"),
                cell: (w) => {
                  const b = h("input", { type: "checkbox", id: uid("pool"), value: w.id, "aria-label": t("pool.assignLabel", { task: tasks.get(w.taskId)?.name ?? w.taskId, customer: w.customerId }) })
                  checks.set(w.id, b)
                  return b
                }
              },
              { title: t("team.customer"), cell: (w) => w.customerId },
              { title: t("team.task"), cell: (w) => tasks.get(w.taskId)?.name ?? w.taskId },
              { title: t("team.urgency"), cell: (w) => h("span", { class: `badge u${Math.min(w.urgency, 5)}` }, `U${w.urgency}`) },
              { title: t("team.state"), cell: (w) => word("state", w.state) },
              { title: t("team.due"), cell: (w) => (w.dueAt ? new Date(w.dueAt).toLocaleString() : "—") }
            ],
            rows,
            { class: "pool-table", "aria-label": t("pool.tableLabel") }
          )
        : h("p", { class: "empty" }, t("pool.empty"))
    )
    more.hidden = cursor === null
  }

  /** Loads the first page again (`fresh`) or the next one. */
  const load = async (fresh) => {
    if (fresh) replace(listHost, h("p", { class: "loading" }, t("view.loading")))
    try {
      const page = await get(paths.workPool, { teamId, limit: 50, cursor: fresh ? undefined : cursor })
      rows = fresh ? itemsOf(page) : rows.concat(itemsOf(page))
      cursor = page.nextCursor ?? null
      await render()
    } catch (e) {
      replace(listHost, h("p", { class: "empty" }, t("pool.loadFailed")))
      showError(e, t("pool.title"))
    }
  }
  more.addEventListener("click", () => void load(false))

  const form = h("form", { class: "allocate pool-assign", "aria-labelledby": "pl-a" }, h("h4", { id: "pl-a" }, t("pool.handOut")), field(t("pool.handOutTo"), to), assign)
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault()
    const ids = [...checks].filter(([, b]) => b.checked).map(([id]) => id)
    if (!ids.length) return showError(new Error(t("pool.tickFirst")), t("pool.title"))
    const r = await act(assign, t("pool.failed"), () => post(paths.allocateWorkItems, { ids, to: to.value, from: null }))
    if (!r) return
    showInfo(t("pool.assigned", { n: r.changed.length, to: to.value }))
    await Promise.all([load(true), onAssigned()])
  })
  await load(true)
  return h(
    "section",
    { class: "card pool", "aria-labelledby": "pl-h" },
    h("h3", { id: "pl-h" }, t("pool.title")),
    h("p", { class: "muted" }, t("pool.hint")),
    h("div", { class: "grid" }, h("div", { class: "col wide" }, listHost, more), h("div", { class: "col" }, form))
  )
}

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

