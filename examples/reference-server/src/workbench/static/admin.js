// The admin's views: the team tree with each team's members (create a child team, rename, move a
// member, change roles, deactivate), the managers in reach (search, pages), the rule catalogue
// (a template's per-tier parameters, preview before saving, submit), tasks (create from rules or
// a rule-built customer group, submit), the do-not-disturb lists (every entry in scope, filtered and
// paged; import of a DND list file, checked first; CSV export) and a customer's entries per channel.
// Every change is one API call as the logged-in person: the server scopes and audits it.
import { call, itemsOf, qs } from "./api.js"
import { field, h, replace, select, table, when } from "./dom.js"
import { pathOf } from "./client.js"
import { act, go, hasRole, importForm, meId, sendFile, showInfo } from "./ui.js"
import { locale, t, tOr, word } from "./i18n.js"

const enc = encodeURIComponent
const roles = ["agent", "team-leader", "director", "approver", "admin"]
const channels = ["phone", "sms", "visit", "letter", "email"]
const taskTypes = ["retention-callback", "care-callback", "satisfaction-callback", "new-customer-callback", "complaint-follow-up", "dunning", "contract-renewal", "greeting", "visit"]
const dndSources = ["customer-request", "agent", "complaint", "regulator", "import", "system"]
const tabs = [
  ["teams", "#/admin"],
  ["managers", "#/admin/managers"],
  ["rules", "#/admin/rules"],
  ["tasks", "#/admin/tasks"],
  ["dnd", "#/admin/dnd"]
]

/** Whether the admin screens are for the logged-in person (the nav shows them). */
export const isAdmin = () => hasRole("admin")

/** Every page of a paged list (org-sized lists only), by its operation id. */
async function all(op, params = {}) {
  const out = []
  let cursor
  do {
    const page = await call(op, { query: { ...params, limit: 200, cursor } })
    out.push(...itemsOf(page))
    cursor = page.nextCursor ?? undefined
  } while (cursor)
  return out
}

/** The view's frame: heading, the admin sub-navigation (current tab marked) and the body. */
function frame(current, ...body) {
  const nav = h(
    "nav",
    { class: "admin-tabs", "aria-label": t("adm.tabs") },
    tabs.map(([key, href]) => h("a", { href, "aria-current": key === current ? "page" : null }, t(`adm.tab.${key}`)))
  )
  return h("section", { class: "view admin", "aria-labelledby": "adm-h" }, h("h2", { id: "adm-h" }, t(`adm.tab.${current}`)), nav, ...body)
}

const roleWords = (rs) => rs.map((r) => word("role", r)).join(locale === "zh-CN" ? "、" : ", ")
const statusWord = (s) => tOr(`adm.status.${s}`, s)

/** The org as the admin screens need it: every team by id, the teams the caller administers, the managers in reach. */
async function org() {
  const [teams, reach, people] = await Promise.all([all("getApiTeams"), call("getApiOrgReach"), all("getApiOrgManagers", { includeInactive: true })])
  const byId = new Map(teams.map((x) => [x.id, x]))
  const names = new Map(people.map((m) => [m.id, m.name]))
  return { teams, byId, reach, administered: new Set(reach.administered), people, nameOf: (id) => names.get(id) ?? id, teamName: (id) => (id ? (byId.get(id)?.name ?? id) : t("adm.noTeam")) }
}

/** The actions on one manager: move to an administered team, roles (admins), deactivate / reactivate. */
function managerActions(m, o, reload) {
  const out = []
  const targets = o.teams.filter((x) => o.administered.has(x.id) && x.id !== m.teamId)
  if (m.teamId && o.administered.has(m.teamId) && targets.length) {
    // No team is chosen until the admin picks one: a Move click never sends someone to the first team listed.
    const to = select([["", t("adm.chooseTeam")], ...targets.map((x) => [x.id, x.name])], { "aria-label": t("adm.moveTo", { name: m.name }), class: "move-to" })
    const go1 = h("button", { type: "button", class: "secondary move", disabled: true }, t("adm.move"))
    to.addEventListener("change", () => (go1.disabled = to.value === ""))
    go1.addEventListener("click", async () => {
      const r = await act(go1, t("adm.moveFailed"), () => call("putApiManagersByIdTeam", { params: { id: m.id }, body: { teamId: to.value } }))
      if (r) done(t("adm.moved", { name: m.name, team: o.teamName(r.teamId) }), reload)
    })
    out.push(h("span", { class: "inline-action" }, to, go1))
  }
  if (o.reach.canManageRoles && m.id !== meId()) {
    const boxes = roles.map((r) => h("input", { type: "checkbox", value: r, checked: m.roles.includes(r), "aria-label": `${t("adm.rolesOf", { name: m.name })}: ${word("role", r)}` }))
    const save = h("button", { type: "button", class: "secondary save-roles" }, t("adm.saveRoles"))
    save.addEventListener("click", async () => {
      const chosen = boxes.filter((b) => b.checked).map((b) => b.value)
      const r = await act(save, t("adm.rolesFailed"), () => call("putApiManagersByIdRoles", { params: { id: m.id }, body: { roles: chosen } }))
      if (r) done(t("adm.rolesSaved", { name: m.name, roles: roleWords(r.roles) }), reload)
    })
    out.push(h("fieldset", { class: "roles" }, h("legend", {}, t("adm.rolesOf", { name: m.name })), roles.map((r, i) => h("label", { class: "choice" }, boxes[i], word("role", r))), save))
  }
  if (o.reach.canManageRoles && m.id !== meId()) {
    const toggle = h("button", { type: "button", class: m.active ? "danger toggle-active" : "secondary toggle-active" }, m.active ? t("adm.deactivate") : t("adm.reactivate"))
    toggle.addEventListener("click", async () => {
      // Deactivating ends the person's sessions and keys at once: it takes a second click to confirm.
      if (m.active && !toggle.classList.contains("confirm")) {
        toggle.classList.add("confirm")
        toggle.textContent = t("adm.confirmDeactivate", { name: m.name })
        return
      }
      const r = await act(toggle, t("adm.activeFailed"), () => call("putApiManagersByIdActive", { params: { id: m.id }, body: { active: !m.active } }))
      if (r) done(t(r.active ? "adm.reactivated" : "adm.deactivated", { name: m.name }), reload)
    })
    out.push(toggle)
  }
  return h("div", { class: "manager-actions" }, out)
}

function done(message, reload) {
  showInfo(message)
  reload()
}

const managerTable = (rows, o, reload) =>
  table(
    [
      { title: t("adm.col.name"), cell: (m) => m.name },
      { title: t("adm.col.team"), cell: (m) => o.teamName(m.teamId) },
      { title: t("adm.col.roles"), cell: (m) => roleWords(m.roles) },
      { title: t("adm.col.status"), cell: (m) => (m.active ? t("adm.active") : t("adm.inactive")) },
      { title: t("adm.col.actions"), cell: (m) => managerActions(m, o, reload) }
    ],
    rows,
    { class: "team-table managers" }
  )

// ---- teams and members -------------------------------------------------------------------------

/** The team tree; a chosen team shows its members and, where the caller administers it, the rename and new-team forms. */
export async function teamsView(params) {
  const o = await org()
  const chosen = params.get("team") ?? o.reach.administered[0] ?? null
  const children = (parentId) => o.teams.filter((x) => x.parentId === parentId).sort((a, b) => (a.name < b.name ? -1 : 1))
  const node = (x) =>
    h(
      "li",
      {},
      h("a", { href: `#/admin?team=${enc(x.id)}`, class: "team-open", "aria-current": x.id === chosen ? "true" : null }, x.name),
      " ",
      h("span", { class: "muted" }, t("adm.teams.admin", { name: x.adminName ?? o.nameOf(x.adminId) })),
      children(x.id).length ? h("ul", { class: "tree" }, children(x.id).map(node)) : null
    )
  const tree = h("div", { class: "col card" }, h("h3", {}, t("adm.teams.tree")), h("ul", { class: "tree" }, children(null).map(node)))
  const reload = () => go(location.hash)
  const team = chosen ? o.byId.get(chosen) : undefined
  if (!team) return frame("teams", h("div", { class: "grid" }, tree, h("div", { class: "col card" }, h("p", { class: "empty" }, t("adm.teams.pick")))))
  const members = itemsOf(await call("getApiTeamsByIdMembers", { params: { id: team.id }, query: { limit: 200 } }))
  const mine = o.administered.has(team.id)
  const panel = [h("h3", {}, t("adm.teams.members", { team: team.name })), mine ? null : h("p", { class: "muted" }, t("adm.teams.readOnly"))]
  panel.push(members.length ? managerTable(members, mine ? o : { ...o, administered: new Set(), reach: { ...o.reach, canManageRoles: false } }, reload) : h("p", { class: "empty" }, t("adm.teams.none")))
  if (mine) panel.push(renameForm(team, reload), childForm(team, o))
  return frame("teams", h("div", { class: "grid admin-grid" }, tree, h("div", { class: "col wide" }, h("div", { class: "card" }, panel))))
}

function renameForm(team, reload) {
  const name = h("input", { name: "name", value: team.name, required: true, maxlength: 200 })
  const form = h("form", { class: "rename-team" }, field(t("adm.teams.rename", { team: team.name }), name), h("button", { type: "submit", class: "secondary" }, t("adm.teams.renameSubmit")))
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault()
    const r = await act(ev.submitter, t("adm.teams.renameFailed"), () => call("patchApiTeamsById", { params: { id: team.id }, body: { name: name.value } }))
    if (r) done(t("adm.teams.renamed", { name: r.name }), reload)
  })
  return form
}

function childForm(team, o) {
  const name = h("input", { name: "child-name", required: true, maxlength: 200 })
  // The new team's admin is chosen on purpose: nobody is preselected.
  const admin = select([["", t("adm.choosePerson")], ...o.people.filter((m) => m.active).map((m) => [m.id, `${m.name} · ${o.teamName(m.teamId)}`])], { name: "child-admin" })
  admin.required = true
  const form = h("form", { class: "new-team" }, h("h4", {}, t("adm.teams.child", { team: team.name })), field(t("adm.teams.childName"), name), field(t("adm.teams.childAdmin"), admin), h("button", { type: "submit", class: "primary" }, t("adm.teams.create")))
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault()
    const r = await act(ev.submitter, t("adm.teams.createFailed"), () => call("postApiTeams", { body: { parentId: team.id, name: name.value, adminId: admin.value } }))
    if (r) {
      showInfo(t("adm.teams.created", { name: r.name }))
      go(`#/admin?team=${enc(r.id)}`)
    }
  })
  return form
}

// ---- managers -----------------------------------------------------------------------------------

/** The managers in reach: search by name or id, a role, inactive ones on request; pages. */
export async function managersView(params) {
  const o = await org()
  const q = params.get("q") ?? ""
  const role = params.get("role") ?? ""
  const inactive = params.get("inactive") === "1"
  const cursor = params.get("cursor") ?? undefined
  const size = Math.min(200, Math.max(1, Number(params.get("limit")) || 20))
  const page = await call("getApiOrgManagers", { query: { q, role, includeInactive: inactive ? "true" : undefined, cursor, limit: size } })
  const input = h("input", { type: "search", name: "q", value: q, maxlength: 100 })
  const roleSel = select([["", t("adm.mgr.anyRole")], ...roles.map((r) => [r, word("role", r)])], { name: "role" })
  roleSel.value = role
  const box = h("input", { type: "checkbox", name: "inactive", checked: inactive })
  const link = (c) => `#/admin/managers?${new URLSearchParams({ q: input.value, role: roleSel.value, ...(box.checked ? { inactive: "1" } : {}), ...(size !== 20 ? { limit: String(size) } : {}), ...(c ? { cursor: c } : {}) })}`
  const form = h("form", { class: "manager-search card" }, field(t("adm.mgr.search"), input), field(t("adm.mgr.role"), roleSel), h("label", { class: "choice" }, box, t("adm.mgr.inactive")), h("button", { type: "submit", class: "primary" }, t("adm.mgr.submit")))
  form.addEventListener("submit", (ev) => {
    ev.preventDefault()
    go(link())
  })
  const n = cursor ? Math.floor(Number(cursor) / size) + 1 : 1
  const prev = n > 1 ? h("a", { href: link(n > 2 ? String((n - 2) * size) : ""), class: "prev" }, t("adm.prev")) : null
  const next = page.nextCursor ? h("a", { href: link(page.nextCursor), class: "next" }, t("adm.next")) : null
  const rows = itemsOf(page)
  return frame(
    "managers",
    form,
    rows.length ? managerTable(rows, o, () => go(location.hash)) : h("p", { class: "empty" }, t("adm.mgr.none")),
    h("div", { class: "pager" }, prev, h("span", { class: "muted page-no" }, t("adm.page", { n })), next)
  )
}

// ---- rule catalogue ---------------------------------------------------------------------------------

/** One parameter's input: a number or text, or a table with one number per tier (or region) and "otherwise". */
function paramInput(key, value) {
  const label = tOr(`tparam.${key}`, key)
  if (value && typeof value === "object" && value.values) {
    const keys = Object.keys(value.values)
    const inputs = keys.map((k) => h("input", { type: "number", step: "any", name: `${key}.${k}`, value: String(value.values[k]) }))
    const otherwise = h("input", { type: "number", step: "any", name: `${key}.otherwise`, value: value.otherwise == null ? "" : String(value.otherwise) })
    const read = () => ({ by: value.by, values: Object.fromEntries(keys.map((k, i) => [k, Number(inputs[i].value)])), ...(otherwise.value === "" ? {} : { otherwise: Number(otherwise.value) }) })
    const by = t(`adm.rules.by.${value.by}`)
    const node = h(
      "fieldset",
      { class: "per-key", dataset: { param: key } },
      h("legend", {}, t("adm.rules.perKey", { param: label, by })),
      keys.map((k, i) => field(value.by === "tier" ? word("tier", k) : k, inputs[i])),
      field(t("adm.rules.otherwise"), otherwise)
    )
    return { node, read }
  }
  const numeric = typeof value === "number"
  const input = h("input", { type: numeric ? "number" : "text", step: numeric ? "any" : null, name: key, value: String(value ?? "") })
  return { node: field(label, input), read: () => (numeric ? Number(input.value) : input.value) }
}

/** What a template picks, in the page's language, each `parameter` by its name (“Baseline months”, not `baselineMonths`). */
const describe = (tpl) => {
  const labels = tpl.labels?.[locale]
  return (labels?.description ?? tpl.description).replace(/`([A-Za-z]+)`/g, (_, key) => `“${labels?.params?.[key] ?? tOr(`tparam.${key}`, key)}”`)
}

/** The catalogue: a template's parameters (per tier where it has them), a preview before saving, save and submit. */
export async function rulesView(params) {
  const [templates, rules] = await Promise.all([all("getApiRuleTemplates"), call("getApiRules", { query: { limit: 100 } })])
  const current = templates.find((x) => x.id === params.get("template")) ?? templates[0]
  const tplSel = select(templates.map((x) => [x.id, x.labels?.[locale]?.title ?? x.title]), { name: "template" })
  tplSel.value = current.id
  tplSel.addEventListener("change", () => go(`#/admin/rules?template=${enc(tplSel.value)}`))
  const inputs = Object.entries(current.defaults ?? {}).map(([k, v]) => /** @type {[string, any]} */ ([k, paramInput(k, v)]))
  const ruleId = h("input", { name: "ruleId", required: true, pattern: "[A-Za-z0-9][A-Za-z0-9\\-]*", maxlength: 100, value: `${current.id}-${Date.now().toString(36)}` })
  const name = h("input", { name: "ruleName", required: true, maxlength: 200, value: current.labels?.[locale]?.title ?? current.title })
  const result = h("div", { class: "preview-result", "aria-live": "polite" })
  const draft = () => ({ ruleId: ruleId.value, name: name.value, templateId: current.id, params: Object.fromEntries(inputs.map(([k, p]) => [k, p.read()])) })
  const previewBtn = h("button", { type: "button", class: "secondary preview" }, t("adm.rules.preview"))
  previewBtn.addEventListener("click", async () => {
    const r = await act(previewBtn, t("adm.rules.previewFailed"), () => call("postApiRulesPreview", { body: { rule: draft() } }))
    if (!r) return
    const sample = await Promise.all(r.sample.map((id) => call("getApiCustomersById", { params: { id } }).then((c) => c.name, () => id)))
    replace(result, h("p", { class: "big" }, t("adm.rules.previewResult", { count: r.count, day: r.asOf })), sample.length ? h("p", {}, h("strong", {}, t("adm.rules.sample")), " ", sample.join(locale === "zh-CN" ? "、" : ", ")) : null)
  })
  const form = h(
    "form",
    { class: "rule-form card" },
    h("h3", {}, t("adm.rules.new")),
    field(t("adm.rules.template"), tplSel, describe(current)),
    field(t("adm.rules.ruleId"), ruleId),
    field(t("adm.rules.name"), name),
    h("fieldset", { class: "params" }, h("legend", {}, t("adm.rules.params")), inputs.length ? inputs.map(([, p]) => p.node) : h("p", { class: "muted" }, t("adm.rules.noParams"))),
    h("div", { class: "buttons" }, previewBtn, h("button", { type: "submit", class: "primary" }, t("adm.rules.save"))),
    result
  )
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault()
    const r = await act(ev.submitter, t("adm.rules.saveFailed"), () => call("postApiRules", { body: draft() }))
    if (r) done(t("adm.rules.saved", { name: r.name }), () => go(location.hash))
  })
  const titleOf = (id) => templates.find((x) => x.id === id)?.labels?.[locale]?.title ?? id ?? "—"
  const list = itemsOf(rules)
  const listNode = list.length
    ? table(
        [
          { title: t("adm.rules.name"), cell: (r) => r.name },
          { title: t("adm.col.template"), cell: (r) => titleOf(r.templateId) },
          { title: t("adm.col.version"), cell: (r) => String(r.versionNo) },
          { title: t("adm.col.status"), cell: (r) => statusWord(r.status) },
          { title: t("adm.col.actions"), cell: (r) => (r.status === "draft" ? submitButton(() => call("postApiRulesByIdSubmit", { params: { id: r.id } }), r.name) : "") }
        ],
        list,
        { class: "team-table rules" }
      )
    : h("p", { class: "empty" }, t("adm.rules.none"))
  return frame("rules", h("div", { class: "grid" }, h("div", { class: "col" }, form), h("div", { class: "col card" }, h("h3", {}, t("adm.rules.list")), listNode)))
}

function submitButton(submit, name) {
  const b = h("button", { type: "button", class: "secondary submit" }, t("adm.submit"))
  b.addEventListener("click", async () => {
    const r = await act(b, t("adm.submitFailed"), submit)
    if (r) done(t("adm.submitted", { name }), () => go(location.hash))
  })
  return b
}

// ---- tasks --------------------------------------------------------------------------------------------

/** A questionnaire's title in the page's language (a definition's title is text or text per language). */
const questionnaireTitle = (record) => {
  const title = /** @type {any} */ (record.definition)?.title
  const text = typeof title === "string" ? title : title && typeof title === "object" ? (title[locale] ?? title.en ?? Object.values(title)[0]) : null
  return typeof text === "string" && text ? text : record.title
}

/**
 * A task's lifecycle buttons: submit a draft (or a rejected one), pause or close an active task,
 * resume or close a paused one. Closing is final, so it takes a second click.
 */
function taskActions(x) {
  if (x.status === "draft" || x.status === "rejected") return submitButton(() => call("postApiTasksByIdSubmit", { params: { id: x.id } }), x.name)
  const reload = () => go(location.hash)
  const button = (action, cls, run, doneKey) => {
    const b = h("button", { type: "button", class: `${cls} task-${action}` }, t(`adm.task.${action}`))
    b.addEventListener("click", async () => {
      if (action === "close" && !b.classList.contains("confirm")) {
        b.classList.add("confirm")
        b.textContent = t("adm.task.confirmClose", { name: x.name })
        return
      }
      const r = await act(b, t("adm.task.failed"), run)
      if (r) done(t(doneKey, { name: x.name }), reload)
    })
    return b
  }
  const params = { params: { id: x.id } }
  const out = []
  if (x.status === "active") out.push(button("pause", "secondary", () => call("postApiTasksByIdPause", params), "adm.task.paused"))
  if (x.status === "paused") out.push(button("resume", "secondary", () => call("postApiTasksByIdResume", params), "adm.task.resumed"))
  if (x.status === "active" || x.status === "paused") out.push(button("close", "danger", () => call("postApiTasksByIdClose", params), "adm.task.closed"))
  return out.length ? h("div", { class: "buttons" }, out) : ""
}

/** Tasks: the list (drafts submitted from here) and a new task from active rules, or from a customer group a rule builds. */
export async function tasksView(params) {
  const [tasks, active, { today }] = await Promise.all([call("getApiTasks", { query: { limit: 100 } }), all("getApiRules", { status: "active" }), call("getApiOrgReach")])
  const list = itemsOf(tasks)
  // The questionnaires the center's tasks use, by their titles (never a hash or "Questionnaire 1").
  const questionnaires = await Promise.all(
    [...new Set(list.map((x) => x.questionnaireVersion).filter(Boolean))].map((hash) =>
      call("getApiQuestionnairesById", { params: { id: hash } }).then(
        (record) => [hash, questionnaireTitle(record)],
        () => [hash, hash]
      )
    )
  )
  const source = params.get("source") === "campaign" ? "campaign" : "alert"
  const name = h("input", { name: "taskName", required: true, maxlength: 200 })
  const sourceSel = select(["alert", "campaign"].map((s) => [s, t(`adm.source.${s}`)]), { name: "source" })
  sourceSel.value = source
  sourceSel.addEventListener("change", () => go(`#/admin/tasks?source=${sourceSel.value}`))
  const ruleSel = select(active.map((r) => [r.id, r.name]), { name: "rules", multiple: source === "alert", size: source === "alert" ? Math.min(6, Math.max(2, active.length)) : null })
  const type = select(taskTypes.map((x) => [x, t(`adm.type.${x}`)]), { name: "type" })
  const urgency = h("input", { type: "number", name: "urgency", min: 1, max: 9, value: "2", required: true })
  const channel = select(channels.map((c) => [c, word("channel", c)]), { name: "channel" })
  const cycle = select(["daily", "weekly", "monthly", "once"].map((c) => [c, t(`adm.cycle.${c}`)]), { name: "cycle" })
  const from = h("input", { type: "time", name: "from", value: "09:00", required: true })
  const to = h("input", { type: "time", name: "to", value: "20:00", required: true })
  const startsOn = h("input", { type: "date", name: "startsOn", value: today, required: true })
  const expiresOn = h("input", { type: "date", name: "expiresOn" })
  const holidays = h("input", { type: "checkbox", name: "skipHolidays", checked: true })
  const questionnaire = select([...questionnaires, ["", t("adm.tasks.noQuestionnaire")]], { name: "questionnaire" })
  const form = h(
    "form",
    { class: "task-form card" },
    h("h3", {}, t("adm.tasks.new")),
    field(t("adm.tasks.name"), name),
    field(t("adm.tasks.source"), sourceSel),
    active.length ? field(source === "alert" ? t("adm.tasks.rules") : t("adm.tasks.groupRule"), ruleSel) : h("p", { class: "empty" }, t("adm.tasks.noRules")),
    field(t("adm.tasks.type"), type),
    field(t("adm.tasks.urgency"), urgency),
    field(t("adm.tasks.channel"), channel),
    field(t("adm.tasks.cycle"), cycle),
    h("div", { class: "buttons" }, field(t("adm.tasks.from"), from), field(t("adm.tasks.to"), to)),
    h("div", { class: "buttons" }, field(t("adm.tasks.startsOn"), startsOn), field(t("adm.tasks.expiresOn"), expiresOn)),
    h("label", { class: "choice" }, holidays, t("adm.tasks.skipHolidays")),
    field(t("adm.tasks.questionnaire"), questionnaire),
    h("button", { type: "submit", class: "primary", disabled: !active.length }, t("adm.tasks.create"))
  )
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault()
    const chosen = [...ruleSel.selectedOptions].map((o) => o.value)
    const base = {
      name: name.value,
      type: type.value,
      urgency: Number(urgency.value),
      channel: channel.value,
      executionWindow: { from: from.value, to: to.value },
      cycle: cycle.value,
      startsOn: startsOn.value,
      expiresOn: expiresOn.value || null,
      skipHolidays: holidays.checked,
      questionnaireVersion: questionnaire.value || null
    }
    const r = await act(ev.submitter, t("adm.tasks.createFailed"), async () => {
      if (source === "alert") return call("postApiTasks", { body: { ...base, source: "alert", ruleInstanceIds: chosen } })
      const validUntil = expiresOn.value || startsOn.value.replace(/^(\d{4})/, (y) => String(Number(y) + 1))
      const g = await call("postApiGroups", { body: { name: t("adm.tasks.groupName", { task: name.value }), validFrom: startsOn.value, validUntil, ruleInstanceId: chosen[0], dndChannel: channel.value } })
      return call("postApiTasks", { body: { ...base, source: "campaign", customerGroupId: g.group.id } })
    })
    if (r) done(t("adm.tasks.created", { name: r.name }), () => go(location.hash))
  })
  const listNode = list.length
    ? table(
        [
          { title: t("adm.tasks.name"), cell: (x) => x.name },
          { title: t("adm.col.source"), cell: (x) => tOr(`adm.source.${x.source}`, x.source) },
          { title: t("adm.col.type"), cell: (x) => tOr(`adm.type.${x.type}`, x.type) },
          { title: t("adm.col.channel"), cell: (x) => word("channel", x.channel) },
          { title: t("adm.col.urgency"), cell: (x) => h("span", { class: `badge u${x.urgency}` }, String(x.urgency)) },
          { title: t("adm.col.status"), cell: (x) => statusWord(x.status) },
          { title: t("adm.col.actions"), cell: (x) => taskActions(x) }
        ],
        list,
        { class: "team-table tasks" }
      )
    : h("p", { class: "empty" }, t("adm.tasks.none"))
  return frame("tasks", h("div", { class: "grid" }, h("div", { class: "col" }, form), h("div", { class: "col wide card" }, h("h3", {}, t("adm.tasks.list")), listNode)))
}

// ---- do-not-disturb ----------------------------------------------------------------------------------

/** A customer's DND entries (all channels or one), with the add form and a removal with its reason per entry. */
export async function dndView(params) {
  const id = params.get("customer") ?? ""
  const channel = params.get("channel") ?? ""
  const idInput = h("input", { name: "customer", value: id, required: true, maxlength: 200, spellcheck: "false" })
  const chSel = select([["", t("adm.dnd.allChannels")], ...channels.map((c) => [c, word("channel", c)])], { name: "channel" })
  chSel.value = channel
  const open = h("form", { class: "dnd-open card" }, field(t("adm.dnd.customer"), idInput), field(t("dnd.channel"), chSel), h("button", { type: "submit", class: "primary" }, t("adm.dnd.open")))
  open.addEventListener("submit", (ev) => {
    ev.preventDefault()
    go(`#/admin/dnd?${new URLSearchParams({ customer: idInput.value.trim(), ...(chSel.value ? { channel: chSel.value } : {}) })}`)
  })
  if (!id) return frame("dnd", await dndList(params), h("div", { class: "grid" }, h("div", { class: "col wide" }, dndImportCard()), h("div", { class: "col card" }, h("h3", {}, t("adm.dnd.openOne")), open)))
  const [customer, entries] = await Promise.all([call("getApiCustomersById", { params: { id } }), call("getApiCustomersByIdDnd", { params: { id }, query: { channel, limit: 200 } })])
  const reload = () => go(location.hash)
  const removeCell = (e) => {
    if (e.removedAt) return ""
    const reason = h("input", { name: "remove-reason", required: true, maxlength: 1000, "aria-label": t("dnd.removeLabel", { channel: word("channel", e.channel) }), placeholder: t("dnd.removeReason") })
    const form = h("form", { class: "dnd-remove inline-action" }, reason, h("button", { type: "submit", class: "secondary" }, t("dnd.remove")))
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault()
      const r = await act(ev.submitter, t("dnd.removeFailed"), () => call("deleteApiCustomersByIdDndByEntryId", { params: { id, entryId: e.id }, body: { reason: reason.value } }))
      if (r) done(t("dnd.removed", { name: customer.name, channel: word("channel", e.channel) }), reload)
    })
    return form
  }
  const rows = itemsOf(entries)
  const listNode = rows.length
    ? table(
        [
          { title: t("dnd.channel"), cell: (e) => word("channel", e.channel) },
          { title: t("adm.dnd.col.reason"), cell: (e) => e.reason },
          { title: t("adm.col.source"), cell: (e) => tOr(`adm.dnd.src.${e.source}`, e.source) },
          { title: t("adm.dnd.col.since"), cell: (e) => when(e.createdAt) },
          { title: t("adm.dnd.col.until"), cell: (e) => when(e.expiresAt) },
          { title: t("adm.dnd.col.state"), cell: (e) => (e.removedAt ? t("adm.dnd.removedAt", { when: when(e.removedAt) }) : t("adm.dnd.inForce")) },
          { title: t("adm.col.actions"), cell: removeCell }
        ],
        rows,
        { class: "team-table dnd-entries" }
      )
    : h("p", { class: "empty" }, t("adm.dnd.none"))
  const addCh = select(channels.map((c) => [c, word("channel", c)]), { name: "add-channel" })
  if (channel) addCh.value = channel
  const addSrc = select(dndSources.map((s) => [s, t(`adm.dnd.src.${s}`)]), { name: "add-source" })
  addSrc.value = "customer-request"
  const addReason = h("input", { name: "add-reason", required: true, maxlength: 1000 })
  const addExpires = h("input", { type: "date", name: "add-expires" })
  const add = h("form", { class: "dnd-add card" }, h("h3", {}, t("adm.dnd.add")), field(t("dnd.channel"), addCh), field(t("adm.col.source"), addSrc), field(t("dnd.reason"), addReason), field(t("dnd.expires"), addExpires), h("button", { type: "submit", class: "primary" }, t("dnd.submit")))
  add.addEventListener("submit", async (ev) => {
    ev.preventDefault()
    const body = { customerId: id, channel: addCh.value, reason: addReason.value, source: addSrc.value, expiresAt: addExpires.value ? `${addExpires.value}T23:59:59.000Z` : null }
    const r = await act(ev.submitter, t("dnd.failed"), () => call("postApiDnd", { body }))
    if (r) done(t("dnd.added", { name: customer.name, channel: word("channel", r.channel) }), reload)
  })
  return frame("dnd", open, h("div", { class: "grid" }, h("div", { class: "col wide card" }, h("h3", {}, t("adm.dnd.of", { name: customer.name })), listNode), h("div", { class: "col" }, add)))
}

const dndStatuses = ["active", "expired", "removed"]
/** The list filters a DND list URL carries (`#/admin/dnd?channel=…&status=…`), as API query parameters. */
const dndFilterOf = (params) => Object.fromEntries(["channel", "source", "status", "reason", "q"].map((k) => [k, params.get(k) ?? ""]).filter(([, v]) => v !== ""))

/** Every DND entry in the caller's scope: filters, a page of entries (newest first), the next page, the CSV export. */
async function dndList(params) {
  const filter = dndFilterOf(params)
  const cursor = params.get("cursor") ?? undefined
  const page = await call("getApiDnd", { query: { ...filter, limit: 50, cursor } })
  const chSel = select([["", t("adm.dnd.allChannels")], ...channels.map((c) => [c, word("channel", c)])], { name: "list-channel" })
  const srcSel = select([["", t("adm.dnd.allSources")], ...dndSources.map((x) => [x, t(`adm.dnd.src.${x}`)])], { name: "list-source" })
  const stSel = select([["", t("adm.dnd.allStatuses")], ...dndStatuses.map((x) => [x, t(`adm.dnd.status.${x}`)])], { name: "list-status" })
  const reason = h("input", { name: "list-reason", maxlength: 200, value: filter.reason ?? "" })
  const q = h("input", { name: "list-q", maxlength: 100, value: filter.q ?? "", spellcheck: "false" })
  chSel.value = filter.channel ?? ""
  srcSel.value = filter.source ?? ""
  stSel.value = filter.status ?? ""
  const form = h(
    "form",
    { class: "dnd-filters filters", "aria-label": t("adm.dnd.filters") },
    field(t("dnd.channel"), chSel),
    field(t("adm.col.source"), srcSel),
    field(t("adm.dnd.status"), stSel),
    field(t("adm.dnd.reasonFilter"), reason),
    field(t("adm.dnd.customerFilter"), q),
    h("button", { type: "submit", class: "primary" }, t("adm.dnd.search"))
  )
  form.addEventListener("submit", (ev) => {
    ev.preventDefault()
    const next = { channel: chSel.value, source: srcSel.value, status: stSel.value, reason: reason.value.trim(), q: q.value.trim() }
    go(`#/admin/dnd${qs(next)}`)
  })
  const rows = itemsOf(page)
  const statusOf = (e) => (e.removedAt ? "removed" : e.expiresAt && e.expiresAt <= new Date().toISOString() ? "expired" : "active")
  const list = rows.length
    ? table(
        [
          { title: t("adm.dnd.col.customer"), cell: (e) => [h("a", { href: `#/admin/dnd?${new URLSearchParams({ customer: e.customerId })}` }, e.customerName ?? e.customerId), e.customerPhone ? h("span", { class: "muted" }, ` ${e.customerPhone}`) : null] },
          { title: t("dnd.channel"), cell: (e) => word("channel", e.channel) },
          { title: t("adm.dnd.col.reason"), cell: (e) => e.reason },
          { title: t("adm.col.source"), cell: (e) => tOr(`adm.dnd.src.${e.source}`, e.source) },
          { title: t("adm.dnd.col.since"), cell: (e) => when(e.createdAt) },
          { title: t("adm.dnd.col.until"), cell: (e) => when(e.expiresAt) },
          { title: t("adm.dnd.col.state"), cell: (e) => t(`adm.dnd.status.${statusOf(e)}`) }
        ],
        rows,
        { class: "team-table dnd-list" }
      )
    : h("p", { class: "empty" }, t("adm.dnd.none"))
  const pager = h(
    "p",
    { class: "pager" },
    cursor ? h("a", { href: `#/admin/dnd${qs(filter)}`, class: "first-page" }, t("adm.dnd.first")) : null,
    page.nextCursor ? h("a", { href: `#/admin/dnd${qs({ ...filter, cursor: page.nextCursor })}`, class: "next-page" }, t("adm.dnd.next")) : null,
    h("a", { href: pathOf("getApiDndExport", {}, filter), download: "dnd-list.csv", class: "dnd-export" }, t("adm.dnd.export"))
  )
  return h("div", { class: "card dnd-list-card" }, h("h3", {}, t("adm.dnd.listTitle")), form, list, pager)
}

/** The import of a DND list file: check (writes nothing), then import (all or nothing); the report lists every bad line. */
function dndImportCard() {
  const file = h("input", { type: "file", name: "dnd-file", accept: ".csv,.txt,.xlsx,text/csv" })
  const encoding = select([["auto", t("ldr.encAuto")], ["utf-8", "UTF-8"], ["gbk", "GBK"], ["gb18030", "GB18030"]], { name: "dnd-encoding" })
  const check = h("button", { type: "button", class: "secondary" }, t("adm.dnd.check"))
  const run = h("button", { type: "submit", class: "primary" }, t("adm.dnd.import"))
  const report = h("div", { class: "import-report", "aria-live": "polite" })
  const problemTable = (problems) =>
    table(
      [
        { title: t("adm.dnd.line"), cell: (p) => (p.path?.[0] === "line" ? String(p.path[1]) : "") },
        { title: t("adm.dnd.problem"), cell: (p) => tOr(`adm.dnd.problem.${p.code}`, p.code) },
        { title: t("appr.reason"), cell: (p) => p.message }
      ],
      problems,
      { class: "import-issues" }
    )
  const send = (button, dry) =>
    sendFile(
      button,
      file,
      t("adm.dnd.importFailed"),
      t("adm.dnd.pickFile"),
      (bytes, type) => call(dry ? "postApiDndImportCheck" : "postApiDndImport", { query: { encoding: encoding.value }, body: new Blob([bytes], { type }) }),
      (r) => {
        replace(report, r.problems.length ? problemTable(r.problems) : h("p", { class: "big" }, h("strong", { class: "dnd-import-entries" }, String(r.entries))))
        showInfo(t(dry ? "adm.dnd.checked" : "adm.dnd.imported", { lines: r.lines, entries: r.entries, problems: r.problems.length }))
        if (!dry) go(location.hash)
      },
      (e) => {
        const problems = Array.isArray(e.details) ? e.details : []
        replace(report, h("p", { class: "refused" }, t("adm.dnd.refused")), problems.length ? problemTable(problems) : null)
      }
    )
  return importForm({
    className: "dnd-import",
    id: "dnd-im-h",
    title: t("adm.dnd.importTitle"),
    hint: t("adm.dnd.importHint"),
    fields: [field(t("adm.dnd.file"), file), field(t("adm.dnd.encoding"), encoding)],
    check,
    run,
    report,
    send
  })
}
