// The agent's appointments and reminders: the appointments view (callbacks by time — earlier
// ones still open, today's, upcoming, a chosen day, by state, a page at a time — each with its
// customer, reminder lead, reschedule and cancel; a team leader's shows the team's, by agent), the "remind me" choice of the booking form, and the reminder banner: the page polls the
// due reminders and shows each until the agent acknowledges it (once: the server remembers).
import { ApiError, call } from "./api.js"
import { act, go, hasRole, showInfo } from "./ui.js"
import { pagedList } from "./director.js"
import { field, h, select, table, when } from "./dom.js"
import { t, word } from "./i18n.js"

const leads = [0, 5, 10, 15, 30, 60, 120, 1440]

/** The booking form's "remind me" field (default 15 minutes); `.value` is the minutes. */
export function remindSelect() {
  const s = select(
    leads.map((n) => [String(n), n === 0 ? t("ap.remindAtTime") : t("ap.remindMinutes", { n })]),
    { name: "remindMinutesBefore" }
  )
  // The default survives the form's reset.
  s.querySelector('option[value="15"]').defaultSelected = true
  s.value = "15"
  return { control: s, node: field(t("ap.remind"), s) }
}

const customerName = (row) => row.customer.name ?? row.customer.id
const customerLink = (row) => h("a", { href: `#/customers/${encodeURIComponent(row.customer.id)}`, class: "customer-link" }, customerName(row))
const localDay = (iso) => {
  const d = new Date(iso)
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`
}
/** A datetime-local value for an ISO instant (the browser's time zone, like every time on the page). */
const localInput = (iso) => {
  const d = new Date(iso)
  d.setMinutes(d.getMinutes() - d.getTimezoneOffset())
  return d.toISOString().slice(0, 16)
}

function actions(row) {
  const a = row.appointment
  const at = h("input", { type: "datetime-local", value: localInput(a.at), "aria-label": t("appts.newTime"), class: "reschedule-at" })
  const move = h("button", { type: "button", class: "secondary" }, t("appts.reschedule"))
  const cancel = h("button", { type: "button", class: "secondary danger" }, t("appts.cancel"))
  move.addEventListener("click", async () => {
    if (!at.value) return
    const r = await act(move, t("appts.failed"), () => call("postApiAppointmentsByIdReschedule", { params: { id: a.id }, body: { at: new Date(at.value).toISOString() } }))
    if (!r) return
    showInfo(t("appts.rescheduled", { when: when(r.appointment.at) }))
    refreshReminders()
    go("#/appointments")
  })
  cancel.addEventListener("click", async () => {
    const r = await act(cancel, t("appts.failed"), () => call("postApiAppointmentsByIdCancel", { params: { id: a.id } }))
    if (!r) return
    showInfo(t("appts.cancelled", { customer: customerName(row) }))
    refreshReminders()
    go("#/appointments")
  })
  return h("div", { class: "row-actions" }, at, move, cancel, h("a", { href: `#/customers/${encodeURIComponent(row.customer.id)}` }, t("appts.open")))
}

const columns = (team) => [
  { title: t("appts.when"), cell: (r) => when(r.appointment.at) },
  { title: t("appts.customer"), cell: customerLink },
  team ? { title: t("appts.agent"), cell: (r) => r.manager?.name ?? r.appointment.managerId } : null,
  { title: t("appts.channel"), cell: (r) => word("channel", r.appointment.channel) },
  { title: t("appts.reminder"), cell: (r) => (r.appointment.remindMinutesBefore === 0 ? t("ap.remindAtTime") : t("appts.remindBefore", { n: r.appointment.remindMinutesBefore ?? 15 })) },
  { title: t("appts.note"), cell: (r) => h("span", { class: "appt-note" }, r.appointment.note || "—") },
  { title: t("appts.state"), cell: (r) => word("state", r.appointment.state) },
  { title: t("appts.actions"), cell: (r) => (r.appointment.state === "booked" || r.appointment.state === "reminded" ? actions(r) : "—") }
].filter(Boolean)

const PAGE_SIZE = 50
const DAY_MS = 86_400_000
/** Midnight (the browser's time zone) of the day of `ms`. */
const dayStart = (ms) => {
  const d = new Date(ms)
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime()
}
/** Midnight of a YYYY-MM-DD day in the browser's time zone. */
const startOfDay = (day) => {
  const [y, m, d] = day.split("-").map(Number)
  return new Date(y, m - 1, d).getTime()
}
const iso = (ms) => new Date(ms).toISOString()

/**
 * The time bounds of a filter against the server's time `now` (both inclusive, as the API takes
 * them): a chosen day wins over earlier / today / upcoming; "all" has none.
 */
export function boundsOf(filter, now) {
  if (filter.day) {
    const from = startOfDay(filter.day)
    return { from: iso(from), until: iso(dayStart(from + DAY_MS + 3_600_000) - 1) }
  }
  const today = dayStart(Date.parse(now))
  const tomorrow = dayStart(today + DAY_MS + 3_600_000) // an hour past: a day of 25 hours still ends at the next midnight
  if (filter.when === "earlier") return { until: iso(today - 1) }
  if (filter.when === "today") return { from: iso(today), until: iso(tomorrow - 1) }
  if (filter.when === "upcoming") return { from: iso(tomorrow) }
  return {}
}

/** What the appointments view shows, kept while the person moves between screens. */
/** @type {{ when: string, day: string, state: "open" | "booked" | "reminded" | "done" | "cancelled", agentId: string }} */
const chosen = { when: "all", day: "", state: "open", agentId: "" }
/** The server's time of the last answer (the page's "today"), never the browser's clock. */
let serverNow = null

/** A page's rows grouped by day against the server's time: earlier (still open), today, upcoming. */
function byDay(rows, now, team) {
  if (rows.length === 0) return h("p", { class: "card empty" }, t(chosen.state === "open" && chosen.when === "all" && !chosen.day && !chosen.agentId ? "appts.none" : "appts.noneFiltered"))
  const today = localDay(now)
  const groups = [
    ["earlier", rows.filter((r) => localDay(r.appointment.at) < today)],
    ["today", rows.filter((r) => localDay(r.appointment.at) === today)],
    ["upcoming", rows.filter((r) => localDay(r.appointment.at) > today)]
  ]
  return groups
    .filter(([, g]) => g.length > 0)
    .map(([name, g]) => h("section", { class: `card appts-${name}`, "aria-labelledby": `appts-${name}-h` }, h("h3", { id: `appts-${name}-h` }, t(name === "earlier" && chosen.state !== "open" ? "appts.before" : `appts.${name}`)), table(columns(team), g, { class: "appts" })))
}

/**
 * The appointments view: an agent's own appointments, or — for a team leader or director — those of
 * their team subtree with the agent as a column and a filter; earlier / today / upcoming / a day, by
 * state, a page at a time (each page grouped by day).
 */
export async function appointmentsView() {
  const team = !hasRole("agent")
  // The agents of the caller's team subtree (a district leader's include the squads below).
  const people = team ? await call("getApiDirectorPeople") : { teams: [], managers: [] }
  const teamNames = new Map(people.teams.map((x) => /** @type {[string, string]} */ ([x.id, x.name])))
  const agents = people.managers.filter((m) => m.roles.includes("agent")).map((m) => ({ id: m.id, name: people.teams.length > 1 ? `${m.name} · ${teamNames.get(m.teamId) ?? m.teamId}` : m.name }))
  const whenSel = select(["all", "earlier", "today", "upcoming"].map((w) => [w, t(`appts.filter.${w}`)]), { name: "appts-when", id: "appts-when" })
  const day = h("input", { type: "date", name: "appts-day", id: "appts-day" })
  const stateSel = select([["open", t("appts.filter.open")], ...["booked", "reminded", "done", "cancelled"].map((s) => [s, word("state", s)])], { name: "appts-state", id: "appts-state" })
  const agentSel = team ? select([["", t("appts.filter.allAgents")], ...agents.map((m) => [m.id, m.name])], { name: "appts-agent", id: "appts-agent" }) : null
  Object.assign(whenSel, { value: chosen.when })
  Object.assign(day, { value: chosen.day })
  Object.assign(stateSel, { value: chosen.state })
  if (agentSel) agentSel.value = agents.some((m) => m.id === chosen.agentId) ? chosen.agentId : ""
  const list = pagedList({
    label: t(team ? "appts.teamTitle" : "appts.title"),
    className: "appts-pages",
    fetchPage: async (cursor) => {
      // The first answer carries the server's time; a time filter needs it, so ask once without.
      if (serverNow === null && (chosen.when !== "all" || chosen.day)) serverNow = (await call(team ? "getApiTeamAppointments" : "getApiMyAppointments", { query: { limit: 1 } })).now
      const page = await call(team ? "getApiTeamAppointments" : "getApiMyAppointments", { query: {
        ...(serverNow ? boundsOf(chosen, serverNow) : {}),
        ...(chosen.state === "open" ? {} : { state: [chosen.state] }),
        ...(team && chosen.agentId ? { agentId: chosen.agentId } : {}),
        limit: PAGE_SIZE,
        cursor: cursor ?? undefined
      } })
      serverNow = page.now
      return page
    },
    render: (rows) => byDay(rows, serverNow, team)
  })
  const changed = () => {
    chosen.when = whenSel.value
    chosen.day = day.value
    chosen.state = stateSel.value
    chosen.agentId = agentSel?.value ?? ""
    void list.reload()
  }
  for (const c of [whenSel, day, stateSel, agentSel]) c?.addEventListener("change", changed)
  await list.reload()
  return h(
    "section",
    { class: "appointments-view", "aria-labelledby": "appts-h" },
    h("div", { class: "view-head" }, h("h2", { id: "appts-h" }, t(team ? "appts.teamTitle" : "appts.title"))),
    h("p", { class: "muted" }, t(team ? "appts.teamIntro" : "appts.intro")),
    h(
      "form",
      { class: "card filters appts-filters", onsubmit: (ev) => ev.preventDefault() },
      agentSel ? field(t("appts.agent"), agentSel) : null,
      field(t("appts.filter.when"), whenSel),
      field(t("appts.filter.day"), day, t("appts.filter.dayHint")),
      field(t("appts.state"), stateSel)
    ),
    list.node
  )
}

// ---- the reminder banner --------------------------------------------------------------------

const POLL_MS = 15_000
let timer = null
let polling = null
let wired = false
const shown = new Map()

function banner() {
  let box = document.getElementById("reminders")
  if (!box) {
    box = h("section", { id: "reminders", class: "reminders", "aria-label": t("remind.heading") })
    const app = document.getElementById("app")
    app.insertBefore(box, document.getElementById("messages"))
  }
  return box
}

function reminderNode(row) {
  const a = row.appointment
  const ack = h("button", { type: "button", class: "primary" }, t("remind.ack"))
  const node = h(
    "div",
    { class: "reminder", role: "alert", dataset: { appointment: a.id } },
    h("strong", {}, t("remind.text", { customer: customerName(row), when: when(a.at) })),
    a.note ? h("span", { class: "muted" }, ` · ${a.note}`) : null,
    " ",
    h("a", { href: `#/customers/${encodeURIComponent(row.customer.id)}` }, t("remind.open")),
    " ",
    ack
  )
  ack.addEventListener("click", async () => {
    const r = await act(ack, t("remind.failed"), () => call("postApiRemindersByIdAcknowledge", { params: { id: a.id } }))
    if (!r) return
    shown.delete(a.id)
    node.remove()
  })
  return node
}

async function poll() {
  let due
  try {
    due = (await call("getApiReminders")).items
  } catch (e) {
    // A session that ended shows the login screen; other failures are retried on the next poll.
    if (e instanceof ApiError && e.status === 401) stopReminders()
    else console.warn("reminders:", e)
    return
  }
  const box = banner()
  const ids = new Set(due.map((r) => r.appointment.id))
  for (const [id, node] of shown) if (!ids.has(id)) (node.remove(), shown.delete(id))
  for (const row of due) {
    if (shown.has(row.appointment.id)) continue
    const node = reminderNode(row)
    shown.set(row.appointment.id, node)
    box.appendChild(node)
  }
}

/** Looks for due reminders now (after a booking, a reschedule or a cancel). */
export function refreshReminders() {
  if (timer === null) return Promise.resolve()
  polling ??= poll().finally(() => (polling = null))
  return polling
}

/** Starts the reminder banner: polls now, every 15 s and on every view change. */
export function startReminders() {
  if (timer !== null) return
  timer = setInterval(() => void refreshReminders(), POLL_MS)
  if (!wired) window.addEventListener("hashchange", () => void refreshReminders())
  wired = true
  void refreshReminders()
}

/** Stops polling (the session ended). */
export function stopReminders() {
  if (timer !== null) clearInterval(timer)
  timer = null
}
