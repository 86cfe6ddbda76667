// The leader's views: tasks awaiting approval with their dry-run preview (approve / reject), the
// team's work items moved between agents (assign / transfer), the team's unassigned pool handed
// out to agents, and the reports the API offers.
import { get, itemsOf, post, qs } from "./api.js"
import { forgetTask, taskOf } from "./agent.js"
import { field, h, replace, select, table, uid } from "./dom.js"
import { paths } from "./paths.js"
import { act, go, session, showError, showInfo } from "./ui.js"

// ---- approvals ------------------------------------------------------------------------------

/** Tasks awaiting approval; choosing one shows its dry-run preview and the decision form. */
export async function approvalsView() {
  const page = await get(paths.tasks, { status: "pending-approval", limit: 50 })
  const tasks = itemsOf(page)
  const detail = h("div", { class: "approval-detail", "aria-live": "polite" })
  const list = tasks.length
    ? h(
        "ul",
        { class: "plain task-list" },
        tasks.map((t) =>
          h(
            "li",
            {},
            h("button", { type: "button", class: "link task-open", dataset: { task: t.id }, onclick: () => void showTask(t, detail) }, t.name),
            " ",
            h("span", { class: "muted" }, `${t.source} · ${t.channel} · urgency ${t.urgency} · by ${t.authorId}`)
          )
        )
      )
    : h("p", { class: "empty" }, "Nothing awaits approval.")
  return h("section", { class: "view", "aria-labelledby": "ap-h" }, h("h2", { id: "ap-h" }, "Tasks awaiting approval"), h("div", { class: "grid" }, h("div", { class: "col card" }, list), h("div", { class: "col" }, detail)))
}

/** Why candidates were left out, in words (the API's keys are the Extraction report's). */
const exclusionNames = {
  scope: "Outside the task's region or its author's scope",
  dnd: "On do-not-disturb for the channel",
  dedupPeriod: "Taken by a more urgent task this period",
  alreadyExtracted: "Already handed out this period",
  dedupCooldown: "Handed out recently (cool-down)",
  stillOpen: "Still has an open item of this task",
  calendar: "Task not due that day"
}

async function showTask(task, detail) {
  replace(detail, h("p", { class: "loading" }, "Running the dry run…"))
  let preview
  try {
    preview = await get(paths.taskPreview(task.id))
  } catch (e) {
    replace(detail, h("p", { class: "empty" }, "The dry run could not be run."))
    return showError(e, `Dry run of ${task.name}`)
  }
  const r = preview.result
  const excluded = Object.entries(r.excluded)
  const load = Object.entries(r.loadPerAgent).sort(([a], [b]) => (a < b ? -1 : 1))
  const comment = h("textarea", { rows: 2, maxlength: 2000, name: "comment" })
  const approve = h("button", { type: "submit", class: "primary", value: "approve" }, "Approve")
  const reject = h("button", { type: "submit", class: "danger", value: "reject" }, "Reject")
  const form = h("form", { class: "decision" }, field("Comment", comment, "Required when rejecting"), h("div", { class: "buttons" }, approve, reject))
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault()
    const rejecting = ev.submitter === reject
    const r2 = await act(ev.submitter, rejecting ? "Rejecting failed" : "Approving failed", () =>
      rejecting ? post(paths.rejectTask(task.id), { comment: comment.value }) : post(paths.approveTask(task.id), { comment: comment.value })
    )
    if (!r2) return
    forgetTask(task.id)
    showInfo(`${task.name} ${rejecting ? "rejected" : "approved"}: now ${r2.status}.`)
    go("#/approvals")
  })
  replace(
    detail,
    h(
      "article",
      { class: "card preview", "aria-labelledby": "pv-h" },
      h("h3", { id: "pv-h" }, task.name),
      task.description ? h("p", {}, task.description) : null,
      h("dl", { class: "facts" }, [
        [h("dt", {}, "Source"), h("dd", {}, task.source)],
        [h("dt", {}, "Channel"), h("dd", {}, task.channel)],
        [h("dt", {}, "Cycle"), h("dd", {}, `${task.cycle}, ${task.startsOn} – ${task.expiresOn ?? "open-ended"}`)],
        [h("dt", {}, "Dry run as of"), h("dd", {}, `${preview.asOf} (period ${preview.period})`)]
      ]),
      h("p", { class: "big" }, h("strong", { class: "handed-out" }, String(r.handedOut)), ` customers would be handed out, of ${r.candidates} candidates.`),
      excluded.length ? h("h4", {}, "Left out") : null,
      excluded.length ? table([{ title: "Reason", cell: ([k]) => exclusionNames[k] ?? k }, { title: "Customers", cell: ([, v]) => String(v) }], excluded, { class: "excluded" }) : null,
      h("h4", {}, "Load per agent"),
      load.length ? table([{ title: "Agent", cell: ([k]) => (k === "-" ? "(unassigned)" : k) }, { title: "Items", cell: ([, v]) => String(v) }], load, { class: "load" }) : h("p", { class: "empty" }, "No items would be created."),
      r.warnings.length ? h("ul", { class: "warnings" }, r.warnings.map((w) => h("li", {}, w))) : null,
      preview.sample.length ? h("p", { class: "muted" }, `First customers: ${preview.sample.join(", ")}`) : null,
      form
    )
  )
  detail.querySelector("h3").focus?.()
}

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
  const membersPage = await get(paths.teamMembers(teamId), { limit: 200 })
  const members = itemsOf(membersPage)
  const agents = members.filter((m) => (m.roles ?? []).includes("agent"))
  const who = select(members.map((m) => [m.id, `${m.name} (${m.id})`]), { name: "assignee" })
  who.value = agents[0]?.id ?? ""
  const to = select(agents.map((m) => [m.id, `${m.name} (${m.id})`]), { name: "to" })
  const note = h("input", { type: "text", maxlength: 4000, name: "note" })
  const listHost = h("div", { class: "team-items", "aria-live": "polite" })
  let checks = new Map()

  const load = async () => {
    replace(listHost, h("p", { class: "loading" }, "Loading…"))
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
                  title: "Move",
                  cell: (w) => {
                    const b = h("input", { type: "checkbox", id: uid("wi"), value: w.id, "aria-label": `Move ${tasks.get(w.taskId)?.name ?? w.taskId} for ${w.customerId}` })
                    checks.set(w.id, b)
                    return b
                  }
                },
                { title: "Customer", cell: (w) => w.customerId },
                { title: "Task", cell: (w) => tasks.get(w.taskId)?.name ?? w.taskId },
                { title: "Urgency", cell: (w) => h("span", { class: `badge u${Math.min(w.urgency, 5)}` }, `U${w.urgency}`) },
                { title: "State", cell: (w) => `${w.state}${w.attempts?.length ? ` · ${w.attempts.length} attempt(s)` : ""}` },
                { title: "Due", cell: (w) => (w.dueAt ? new Date(w.dueAt).toLocaleString() : "—") }
              ],
              rows,
              { class: "team-table", "aria-label": "Open work items" }
            )
          : h("p", { class: "empty" }, "No open items.")
      )
    } catch (e) {
      replace(listHost, h("p", { class: "empty" }, "The items could not be loaded."))
      showError(e, "Work items")
    }
  }
  who.addEventListener("change", () => void load())
  const move = h("button", { type: "submit", class: "primary" }, "Move selected items")
  const form = h("form", { class: "card allocate", "aria-labelledby": "mv-h" }, h("h3", { id: "mv-h" }, "Assign or transfer"), field("To agent", to), field("Note", note), move)
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault()
    const ids = [...checks].filter(([, b]) => b.checked).map(([id]) => id)
    if (!ids.length) return showError(new Error("Tick the items to move first."), "Assign or transfer")
    const r = await act(move, "Moving items failed", () => post(paths.allocateWorkItems, { ids, to: to.value, ...(note.value ? { note: note.value } : {}) }))
    if (!r) return
    showInfo(`${r.changed.length} item(s) moved to ${to.value}${r.unchanged.length ? `, ${r.unchanged.length} already there` : ""}.`)
    await load()
  })
  await load()
  const pool = await poolCard(teamId, agents, () => load())
  return h(
    "section",
    { class: "view", "aria-labelledby": "tm-h" },
    h("h2", { id: "tm-h" }, "Team work"),
    tree.length > 1 ? h("div", { class: "field inline" }, h("label", { for: "team-select" }, "Team"), Object.assign(teamSelect, { id: "team-select" })) : null,
    h("p", { class: "muted" }, `Team ${teamId ?? "—"}: ${members.length} member(s), ${agents.length} agent(s).`),
    h("div", { class: "grid" }, h("div", { class: "col wide" }, h("div", { class: "card" }, field("Items of", who), listHost)), h("div", { class: "col" }, form)),
    pool
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
  const assign = h("button", { type: "submit", class: "primary" }, "Assign selected pool items")
  const more = h("button", { type: "button", class: "secondary", hidden: true }, "More pool items")
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
                title: "Assign",
                cell: (w) => {
                  const b = h("input", { type: "checkbox", id: uid("pool"), value: w.id, "aria-label": `Assign ${tasks.get(w.taskId)?.name ?? w.taskId} for ${w.customerId}` })
                  checks.set(w.id, b)
                  return b
                }
              },
              { title: "Customer", cell: (w) => w.customerId },
              { title: "Task", cell: (w) => tasks.get(w.taskId)?.name ?? w.taskId },
              { title: "Urgency", cell: (w) => h("span", { class: `badge u${Math.min(w.urgency, 5)}` }, `U${w.urgency}`) },
              { title: "State", cell: (w) => w.state },
              { title: "Due", cell: (w) => (w.dueAt ? new Date(w.dueAt).toLocaleString() : "—") }
            ],
            rows,
            { class: "pool-table", "aria-label": "Unassigned pool" }
          )
        : h("p", { class: "empty" }, "The pool is empty.")
    )
    more.hidden = cursor === null
  }

  /** Loads the first page again (`fresh`) or the next one. */
  const load = async (fresh) => {
    if (fresh) replace(listHost, h("p", { class: "loading" }, "Loading…"))
    try {
      const page = await get(paths.workPool, { teamId, limit: 50, cursor: fresh ? undefined : cursor })
      rows = fresh ? itemsOf(page) : rows.concat(itemsOf(page))
      cursor = page.nextCursor ?? null
      await render()
    } catch (e) {
      replace(listHost, h("p", { class: "empty" }, "The pool could not be loaded."))
      showError(e, "Unassigned pool")
    }
  }
  more.addEventListener("click", () => void load(false))

  const form = h("form", { class: "allocate pool-assign", "aria-labelledby": "pl-a" }, h("h4", { id: "pl-a" }, "Hand out"), field("Hand out to", to), assign)
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault()
    const ids = [...checks].filter(([, b]) => b.checked).map(([id]) => id)
    if (!ids.length) return showError(new Error("Tick the pool items to assign first."), "Unassigned pool")
    const r = await act(assign, "Assigning pool items failed", () => post(paths.allocateWorkItems, { ids, to: to.value, from: null }))
    if (!r) return
    showInfo(`${r.changed.length} pool item(s) assigned to ${to.value}.`)
    await Promise.all([load(true), onAssigned()])
  })
  await load(true)
  return h(
    "section",
    { class: "card pool", "aria-labelledby": "pl-h" },
    h("h3", { id: "pl-h" }, "Unassigned pool"),
    h("p", { class: "muted" }, "Open items of the team with no agent, most urgent first."),
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
    ? itemsOf(await get(paths.tasks, { status: ["active", "paused", "closed", "expired"], limit: 200 }).catch((e) => (showError(e, "Tasks for the reports"), [])))
    : []
  const host = h("div", { class: "report-output", "aria-live": "polite" })
  const forms = reports.map((r) => reportForm(r, host, tasks))
  const picker = select(
    reports.map((r, i) => [String(i), r.formats.json.summary ?? r.base]),
    { id: "report-picker", name: "report" }
  )
  const show = () => forms.forEach((f, i) => (f.hidden = String(i) !== picker.value))
  picker.addEventListener("change", show)
  show()
  const body = reports.length
    ? h("div", { class: "grid" }, h("div", { class: "col" }, h("div", { class: "card" }, field("Report", picker)), forms), h("div", { class: "col wide" }, host))
    : h("p", { class: "empty" }, "This server offers no reports yet.")
  return h("section", { class: "view", "aria-labelledby": "rp-h" }, h("h2", { id: "rp-h" }, "Reports"), body)
}

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
      const choices = s.enum ? s.enum.map((v) => [v, v]) : p.name === "taskId" && tasks.length ? tasks.map((t) => [t.id, t.name]) : null
      const c = choices
        ? select([...(p.required ? [] : [["", "(any)"]]), ...choices], { name: p.name })
        : h("input", { name: p.name, type: s.format === "date" ? "date" : isMonth(p.name, s) ? "month" : s.type === "integer" || s.type === "number" ? "number" : "text" })
      c.value = String(defaultFor(p.name, s))
      c.required = Boolean(p.required)
      return { p, c }
    })
  const button = h("button", { type: "submit", class: "secondary" }, "Show")
  const form = h(
    "form",
    { class: "card report-form", dataset: { report: name } },
    h("h3", {}, op.summary ?? name),
    controls.map(({ p, c }) => field(p.required ? `${p.name} *` : p.name, c, p.description)),
    h("div", { class: "buttons" }, button)
  )
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault()
    const query = qs(Object.fromEntries(controls.map(({ p, c }) => [p.name, c.value])))
    const data = await act(button, op.summary ?? name, () => get(base + query))
    if (data === undefined) return
    const downloads = ["csv", "xlsx"].filter((f) => formats[f]).map((f) => h("a", { href: `${base}.${f}${query}`, download: `${name}.${f}`, class: "download" }, `Download ${f.toUpperCase()}`))
    const chart = formats.svg
      ? h("img", {
          src: `${base}.svg${query}`,
          alt: `${op.summary ?? name} (chart)`,
          class: "chart",
          // An <img> cannot show the API's error: ask again to put it in the messages.
          onerror: () => void get(`${base}.svg${query}`).catch((e) => showError(e, `${op.summary ?? name} (chart)`))
        })
      : null
    replace(host, h("article", { class: "card report", dataset: { report: name } }, h("h3", {}, op.summary ?? name), chart ? h("figure", { class: "chart" }, chart) : null, renderData(data), downloads.length ? h("p", { class: "buttons" }, downloads) : null))
  })
  return form
}

/** JSON as tables: arrays of objects become tables, objects become definition lists. */
function renderData(data, depth = 0) {
  if (Array.isArray(data)) {
    if (!data.length) return h("p", { class: "empty" }, "No rows.")
    if (data.every((r) => r && typeof r === "object" && !Array.isArray(r))) {
      const cols = [...new Set(data.flatMap((r) => Object.keys(r)))]
      return table(cols.map((k) => ({ title: k, cell: (r) => cellOf(r[k]) })), data, { class: "report-table" })
    }
    return h("p", {}, data.map(String).join(", "))
  }
  if (data && typeof data === "object") {
    return h("dl", { class: "facts" }, Object.entries(data).map(([k, v]) => [h("dt", {}, k), h("dd", {}, v && typeof v === "object" && depth < 2 ? renderData(v, depth + 1) : cellOf(v))]))
  }
  return h("p", {}, String(data))
}

const cellOf = (v) => (v === null || v === undefined ? "—" : typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : typeof v === "object" ? JSON.stringify(v) : String(v))

