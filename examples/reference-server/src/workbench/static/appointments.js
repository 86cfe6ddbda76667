// The agent's appointments and reminders: the appointments view (open callbacks by time — earlier
// ones still open, today's, upcoming — each with its customer, reminder lead, reschedule and
// cancel), the "remind me" choice of the booking form, and the reminder banner: the page polls the
// due reminders and shows each until the agent acknowledges it (once: the server remembers).
import { ApiError, call } from "./api.js"
import { act, go, showInfo } from "./ui.js"
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

const columns = () => [
  { title: t("appts.when"), cell: (r) => when(r.appointment.at) },
  { title: t("appts.customer"), cell: customerLink },
  { title: t("appts.channel"), cell: (r) => word("channel", r.appointment.channel) },
  { title: t("appts.reminder"), cell: (r) => (r.appointment.remindMinutesBefore === 0 ? t("ap.remindAtTime") : t("appts.remindBefore", { n: r.appointment.remindMinutesBefore ?? 15 })) },
  { title: t("appts.note"), cell: (r) => r.appointment.note || "—" },
  { title: t("appts.state"), cell: (r) => word("state", r.appointment.state) },
  { title: t("appts.actions"), cell: actions }
]

/** The appointments view: the caller's open appointments, grouped by day. */
export async function appointmentsView() {
  const { items, now } = await call("getApiMyAppointments")
  const today = localDay(now)
  const groups = [
    ["earlier", items.filter((r) => localDay(r.appointment.at) < today)],
    ["today", items.filter((r) => localDay(r.appointment.at) === today)],
    ["upcoming", items.filter((r) => localDay(r.appointment.at) > today)]
  ]
  return h(
    "section",
    { class: "appointments-view", "aria-labelledby": "appts-h" },
    h("div", { class: "view-head" }, h("h2", { id: "appts-h" }, t("appts.title"))),
    h("p", { class: "muted" }, t("appts.intro")),
    items.length === 0
      ? h("p", { class: "card empty" }, t("appts.none"))
      : groups
          .filter(([, rows]) => rows.length > 0)
          .map(([name, rows]) => h("section", { class: `card appts-${name}`, "aria-labelledby": `appts-${name}-h` }, h("h3", { id: `appts-${name}-h` }, t(`appts.${name}`)), table(columns(), rows, { class: "appts" })))
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
