// SMS work: the SMS screen (the caller's SMS tasks; the templates of their teams, each edited by the
// admins of its team with the fields, length and segments checked as they type, a concurrent save
// answered with the current text), one task's batch send (preview of
// every message, do-not-disturb withheld and shown, then the delivery status of each item), and the
// send / resend control an SMS item gets in the customer view instead of "Record the call".
import { ApiError, call, itemsOf } from "./api.js"
import { act, go, hasRole, meId, showError, showInfo } from "./ui.js"
import { field, h, replace, select, table, when } from "./dom.js"
import { t, tOr, word } from "./i18n.js"

const reasonsText = (reasons) => reasons.map((r) => tOr(`sms.reason.${r.code}`, r.message)).join(", ")
const sizeText = (c) => t("sms.size", { length: c.length, segments: c.segments, encoding: c.encoding === "ucs-2" ? "UCS-2" : "GSM-7" })
const statusBadge = (status) => h("span", { class: `badge sms-${status}`, dataset: { status } }, word("sms.status", status))

/** The delivery status of an item from its attempts' notes (`sms <messageId> <status>`). */
export function smsStatusOf(item) {
  const last = [...(item.attempts ?? [])].reverse().find((a) => /^sms \S+ \w+/.test(a.note ?? ""))
  if (!last) return "not-sent"
  const s = /^sms \S+ (\w+)/.exec(last.note)[1]
  return s === "delivered" || s === "failed" ? s : "sent"
}

/** The SMS tasks of the caller that are active. */
async function smsTasks() {
  const page = await call("getApiTasks", { query: { limit: 200 } })
  return itemsOf(page).filter((task) => task.channel === "sms" && task.status === "active")
}

// ---- the SMS screen ---------------------------------------------------------------------------

/** The teams the caller administers (where they may write templates), by name. */
async function writableTeams() {
  const [teams, reach] = await Promise.all([call("getApiTeams", { query: { limit: 200 } }), call("getApiOrgReach")])
  const mine = new Set(reach.administered ?? [])
  return itemsOf(teams).filter((x) => mine.has(x.id))
}

/** The SMS screen: the caller's SMS tasks and the templates they see (edited where their team's admins). */
export async function smsView() {
  const [tasks, templates, teams, writable] = await Promise.all([smsTasks(), call("getApiSmsTemplates"), call("getApiTeams", { query: { limit: 200 } }), writableTeams()])
  const teamName = new Map(itemsOf(teams).map((x) => [x.id, x.name]))
  const taskList = tasks.length
    ? h("ul", { class: "plain sms-tasks" }, tasks.map((task) => h("li", {}, h("a", { href: `#/sms/tasks/${encodeURIComponent(task.id)}`, dataset: { task: task.id } }, task.name), " ", h("small", { class: "muted" }, t("sms.taskLine", { name: task.description ?? "", urgency: task.urgency })))))
    : h("p", { class: "empty" }, t("sms.noTasks"))
  const editor = writable.length ? templateEditor(templates.fields, writable) : null
  const rows = templates.items
  const list = rows.length
    ? table(
        [
          { title: t("sms.col.name"), cell: (x) => h("strong", {}, x.name) },
          { title: t("sms.col.team"), cell: (x) => teamName.get(x.teamId) ?? x.teamId },
          { title: t("sms.col.text"), cell: (x) => h("span", { class: "sms-text" }, x.text) },
          { title: t("sms.col.size"), cell: (x) => sizeText(x.check) },
          {
            title: "",
            cell: (x) =>
              editor && x.editable
                ? h(
                    "span",
                    { class: "actions" },
                    h("button", { type: "button", class: "secondary", dataset: { edit: x.id }, onclick: () => editor.load(x) }, t("sms.edit")),
                    " ",
                    h("button", { type: "button", class: "secondary", dataset: { delete: x.id }, onclick: async (ev) => {
                      const r = await act(ev.currentTarget, t("sms.saveFailed"), () => call("deleteApiSmsTemplatesById", { params: { id: x.id } }))
                      if (r === undefined) return
                      showInfo(t("sms.deleted", { name: x.name }))
                      go("#/sms")
                    } }, t("sms.delete"))
                  )
                : h("small", { class: "muted", dataset: { readOnly: x.id } }, t("sms.readOnlyRow"))
          }
        ],
        rows,
        { class: "sms-templates", "aria-label": t("sms.templates") }
      )
    : h("p", { class: "empty" }, t("sms.noTemplates"))
  return h(
    "section",
    { class: "view sms", "aria-labelledby": "sms-h" },
    h("div", { class: "view-head" }, h("h2", { id: "sms-h" }, t("sms.title"))),
    h("section", { class: "card", "aria-labelledby": "sms-tasks-h" }, h("h3", { id: "sms-tasks-h" }, t("sms.tasks")), taskList),
    h(
      "section",
      { class: "card", "aria-labelledby": "sms-tpl-h" },
      h("h3", { id: "sms-tpl-h" }, t("sms.templates")),
      h("p", { class: "muted sms-fields" }, t("sms.fieldsHint", { fields: fieldWords(templates.fields) })),
      list,
      editor ? editor.node : h("p", { class: "muted" }, t("sms.readOnly"))
    )
  )
}

/** The template form: id, team, name and text, checked on the server as the admin types. */
/** The customer fields a template may use, each with what it holds: "{{arrears}} unpaid amount · …". */
const fieldWords = (fields) => fields.map((f) => `{{${f}}} ${tOr(`sms.field.${f}`, f)}`).join(" · ")

function templateEditor(fields, teams) {
  const id = h("input", { type: "text", name: "id", required: true, maxlength: 63, pattern: "[a-z0-9][a-z0-9\\-]*" })
  const team = select(teams.map((x) => [x.id, x.name]), { name: "teamId" })
  const name = h("input", { type: "text", name: "name", required: true, maxlength: 100 })
  const text = h("textarea", { name: "text", required: true, maxlength: 1000, rows: 4 })
  const check = h("p", { class: "sms-check", role: "status", "aria-live": "polite" })
  const title = h("h4", { id: "sms-form-h" }, t("sms.new"))
  let version
  let latest = 0
  const recheck = async () => {
    const mine = ++latest
    if (!text.value.trim()) return replace(check)
    try {
      const c = await call("postApiSmsTemplatesCheck", { body: { text: text.value } })
      if (mine !== latest) return
      replace(
        check,
        h("span", { class: "sms-size" }, sizeText(c)),
        c.unknownFields.length ? h("strong", { class: "sms-unknown" }, " ", t("sms.unknownFields", { fields: c.unknownFields.map((f) => `{{${f}}}`).join(" ") })) : null,
        h("br"),
        h("small", { class: "muted" }, t("sms.checkSample", { sample: c.sample }))
      )
    } catch (e) {
      showError(e, t("sms.saveFailed"))
    }
  }
  text.addEventListener("input", () => void recheck())
  const load = (x) => {
    id.value = x.id
    id.readOnly = true
    if ([...team.options].some((o) => o.value === x.teamId)) team.value = x.teamId
    name.value = x.name
    text.value = x.text
    version = x.version
    title.textContent = t("sms.editTitle", { name: x.name })
    void recheck()
    text.focus()
  }
  const save = h("button", { type: "submit" }, t("sms.save"))
  const form = h("form", { class: "sms-form", "aria-labelledby": "sms-form-h" }, title, field(t("sms.id"), id), field(t("sms.team"), team), field(t("sms.name"), name), field(t("sms.text"), text, fieldWords(fields)), check, save)
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault()
    const body = { name: name.value, text: text.value, teamId: team.value, ...(version ? { version } : {}) }
    let r
    save.disabled = true
    try {
      r = await call("putApiSmsTemplatesById", { params: { id: id.value.trim() }, body })
    } catch (e) {
      for (const old of document.querySelectorAll("#messages .msg.error")) old.remove()
      const kind = e instanceof ApiError && e.status === 409 ? e.details?.kind : undefined
      // Someone else saved first: say so in the person's language and load what is stored now.
      if (kind === "stale-version") {
        const now = (await call("getApiSmsTemplates")).items.find((x) => x.id === id.value.trim())
        showError(new Error(t("sms.stale")), t("sms.saveFailed"))
        if (now) load(now)
      } else if (kind === "already-exists") showError(new Error(t("sms.nameTaken")), t("sms.saveFailed"))
      else showError(e, t("sms.saveFailed"))
      return
    } finally {
      save.disabled = false
    }
    showInfo(t("sms.saved", { name: r.name, version: r.version }))
    go("#/sms")
  })
  return { node: form, load }
}

// ---- one task: preview, send, delivery ----------------------------------------------------------

/**
 * One SMS task: the template, the preview of every message, the send, and the delivery status. A
 * team leader picks whose items (their own or a team member's: `?assignee=` in the hash) and sends
 * that batch.
 */
export async function smsTaskView(taskId, query = new URLSearchParams()) {
  // A team leader sends the whole team's batch by default (`?assignee=` picks one member, or themselves).
  const leader = hasRole("team-leader")
  const picked = query.get("assignee") || (leader ? "team" : meId())
  const everyone = leader && picked === "team"
  const assigneeId = everyone || picked === meId() ? undefined : picked
  const whose = everyone ? { everyone: true } : assigneeId ? { assigneeId } : {}
  const [task, templates, deliveries, team] = await Promise.all([
    call("getApiTasksById", { params: { id: taskId } }),
    call("getApiSmsTemplates"),
    call("getApiSmsTasksByIdDeliveries", { params: { id: taskId }, query: everyone ? { everyone: "true" } : assigneeId ? { assigneeId } : {} }),
    leader ? call("getApiTeamWork").catch(() => null) : null
  ])
  const here = (id) => `#/sms/tasks/${encodeURIComponent(taskId)}${(leader ? id !== "team" : id !== meId()) ? `?assignee=${encodeURIComponent(id)}` : ""}`
  const assignee = team
    ? select([["team", t("sms.whoseTeam")], [meId(), t("sms.whoseMine")], ...team.members.filter((m) => m.managerId !== meId()).map((m) => [m.managerId, m.name])], { name: "assignee" })
    : null
  if (assignee) {
    assignee.value = picked
    assignee.addEventListener("change", () => go(here(assignee.value)))
  }
  // "No item of yours", of the team, or of the team member picked.
  const other = assigneeId ? team?.members.find((m) => m.managerId === assigneeId) : undefined
  const noItems = () => h("p", { class: "empty" }, everyone ? t("sms.noItemsTeam") : other ? t("sms.noItemsOf", { name: other.name }) : t("sms.noItems"))
  const choice = select(templates.items.map((x) => [x.id, x.name]), { name: "template" })
  if (task.smsTemplateId) choice.value = task.smsTemplateId
  const previewBox = h("div", { class: "sms-preview" })
  const send = h("button", { type: "button", disabled: true }, t("sms.send", { n: 0 }))
  const showPreview = async () => {
    let p
    try {
      p = await call("postApiSmsTasksByIdPreview", { params: { id: taskId }, body: { templateId: choice.value, ...whose } })
    } catch (e) {
      showError(e, t("sms.preview"))
      return
    }
    const withheld = p.items.filter((i) => i.text === null || i.withheld.length > 0).length
    send.textContent = t("sms.send", { n: p.sendable })
    send.disabled = p.sendable === 0
    replace(
      previewBox,
      h("p", { class: "sms-count" }, t("sms.previewCount", { n: p.sendable, segments: p.segments, withheld })),
      p.items.length
        ? table(
            [
              { title: t("sms.col.customer"), cell: (i) => i.customerName ?? "—" },
              { title: t("sms.col.phone"), cell: (i) => i.phone ?? "—" },
              { title: t("sms.col.message"), cell: (i) => (i.text ? h("span", { class: "sms-text" }, i.text) : h("em", {}, t("sms.missing", { fields: i.missingFields.join(", ") }))) },
              { title: t("sms.col.size"), cell: (i) => (i.text ? sizeText(i) : "—") },
              {
                title: t("sms.col.status"),
                cell: (i) =>
                  i.withheld.length
                    ? h("span", { class: "withheld", dataset: { withheld: i.withheld.map((w) => w.code).join(" ") } }, t("sms.withheld", { reasons: reasonsText(i.withheld) }))
                    : i.notBefore
                      ? t("sms.waiting", { when: when(i.notBefore) })
                      : t("sms.ready")
              }
            ],
            p.items,
            { class: "sms-preview-table", "aria-label": t("sms.preview") }
          )
        : noItems()
    )
  }
  choice.addEventListener("change", () => void showPreview())
  send.addEventListener("click", async () => {
    const r = await act(send, t("sms.sendFailed"), () => call("postApiSmsTasksByIdSend", { params: { id: taskId }, body: { templateId: choice.value, ...whose } }))
    if (r === undefined) return
    showInfo(t("sms.sentReport", { sent: r.sent.length, skipped: r.skipped.length, failed: r.failed.length }))
    go(here(picked))
  })
  await showPreview()
  const c = deliveries.counts
  const deliveryTable = deliveries.items.length
    ? table(
        [
          { title: t("sms.col.customer"), cell: (i) => i.customerName ?? "—" },
          { title: t("sms.col.status"), cell: (i) => statusBadge(i.status) },
          { title: t("sms.col.messages"), cell: (i) => i.messages.map((m) => `${when(m.at)} ${word("sms.status", m.status)}`).join("; ") || "—" }
        ],
        deliveries.items,
        { class: "sms-deliveries", "aria-label": t("sms.deliveries") }
      )
    : noItems()
  return h(
    "section",
    { class: "view sms-task", "aria-labelledby": "sms-task-h" },
    h("div", { class: "view-head" }, h("h2", { id: "sms-task-h" }, t("sms.taskTitle", { name: task.name })), h("a", { href: "#/sms", class: "back" }, t("sms.back"))),
    h("section", { class: "card", "aria-labelledby": "sms-prev-h" }, h("h3", { id: "sms-prev-h" }, t("sms.preview")), assignee ? field(t("sms.whose"), assignee) : null, field(t("sms.template"), choice), previewBox, send),
    h(
      "section",
      { class: "card", "aria-labelledby": "sms-del-h" },
      h("h3", { id: "sms-del-h" }, t("sms.deliveries")),
      deliveries.texts.length
        ? h(
            "ul",
            { class: "plain sms-sent-texts", "aria-label": t("sms.sentTexts") },
            deliveries.texts.map((x) =>
              h("li", { dataset: { template: x.templateId, version: String(x.version) } }, h("strong", {}, t("sms.sentText", { name: x.name, version: x.version, n: x.messages })), x.archived ? h("span", { class: "badge" }, t("sms.archivedTag")) : null, " ", h("span", { class: "sms-text" }, x.text))
            )
          )
        : null,
      h("p", { class: "sms-counts" }, t("sms.counts", { notSent: c["not-sent"], sent: c.sent, delivered: c.delivered, failed: c.failed })),
      deliveryTable
    )
  )
}

// ---- an SMS item in the customer view ---------------------------------------------------------

/** The send / resend control of an SMS item (in place of the call's checkbox), with its status. */
export function smsItemControl(item, customer, reload) {
  const status = smsStatusOf(item)
  const button = h("button", { type: "button", class: "secondary sms-send", dataset: { smsItem: item.id } }, status === "not-sent" ? t("sms.item.send") : t("sms.item.resend"))
  button.addEventListener("click", async () => {
    const r = await act(button, t("sms.sendFailed"), () => call("postApiSmsTasksByIdSend", { params: { id: item.taskId }, body: { itemIds: [item.id] } }))
    if (r === undefined) return
    if (r.sent.length) showInfo(t("sms.item.sent", { name: customer.name ?? customer.id }))
    else showError(new Error(t("sms.item.notSent", { reasons: reasonsText([...r.skipped.flatMap((s) => s.reasons), ...r.failed.map((f) => ({ code: "failed", message: f.detail }))]) })), t("sms.sendFailed"))
    reload()
  })
  return h("span", { class: "sms-item" }, statusBadge(status), " ", button)
}
