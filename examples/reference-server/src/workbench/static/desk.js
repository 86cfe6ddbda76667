// The team leader's desk: the team's work per member, customers moved between agents, manual
// imports (a CSV in UTF-8 or GBK, checked first, then imported all or nothing, with the report per
// line), customer groups (create, add customers, use in a campaign task) and the offer uses of the
// team awaiting the leader's decision.
import { ApiError, call, itemsOf } from "./api.js"
import { field, h, replace, select, table, uid, when } from "./dom.js"
import { act, go, importForm, sendFile, session, showError, showInfo } from "./ui.js"
import { t, word } from "./i18n.js"

/** The business date in words for "overdue": an item whose due instant falls before `asOf`. */
const isOverdue = (w, asOf) => Boolean(w.dueAt) && w.dueAt.slice(0, 10) < asOf

/** A red "overdue" badge for an item past its due date (nothing otherwise). */
export const overdueBadge = (w, asOf) => (isOverdue(w, asOf) ? h("span", { class: "badge overdue" }, t("ldr.overdue")) : null)

/** The team's work per member (GET /api/team-work); choosing a member shows their items. */
export function memberWorkCard(summary, onPick) {
  const rows = summary.members.filter((m) => m.roles.includes("agent") || m.open + m.inProgress > 0)
  return h(
    "section",
    { class: "card member-work", "aria-labelledby": "mw-h" },
    h("h3", { id: "mw-h" }, t("ldr.memberWork")),
    h("p", { class: "muted" }, t("ldr.memberWorkHint", { asOf: summary.asOf, pool: summary.pool })),
    table(
      [
        { title: t("ldr.member"), cell: (m) => h("button", { type: "button", class: "link member-pick", dataset: { manager: m.managerId }, onclick: () => onPick(m.managerId) }, m.name) },
        { title: word("state", "open"), cell: (m) => String(m.open) },
        { title: word("state", "in-progress"), cell: (m) => String(m.inProgress) },
        { title: t("ldr.overdue"), cell: (m) => (m.overdue ? h("strong", { class: "overdue-count" }, String(m.overdue)) : "0") }
      ],
      rows,
      { class: "member-work-table", "aria-label": t("ldr.memberWork") }
    )
  )
}

/** The ticked checkboxes' values of a Map<id, checkbox>. */
const ticked = (checks) => [...checks].filter(([, b]) => b.checked).map(([id]) => id)

/** Agents as <select> options, by name. */
const agentOptions = (agents) => agents.map((m) => [m.id, m.name])

/**
 * Customers of one agent moved to another (POST /api/allocation/customers, all or nothing). The
 * allocation never hands a customer out twice: a conflicting change answers 409 and the message
 * says so.
 */
export function customerTransferCard(agents) {
  const from = select(agentOptions(agents), { name: "customers-from" })
  const to = select(agentOptions(agents), { name: "customers-to" })
  to.value = agents[1]?.id ?? agents[0]?.id ?? ""
  const listHost = h("div", { class: "customer-items", "aria-live": "polite" })
  let checks = new Map()
  const load = async () => {
    try {
      const rows = itemsOf(await call("getApiCustomers", { query: { ownerManagerId: from.value, limit: 25 } }))
      checks = new Map()
      replace(
        listHost,
        rows.length
          ? table(
              [
                {
                  title: t("team.move"),
                  cell: (c) => {
                    const b = h("input", { type: "checkbox", id: uid("cu"), value: c.id, "aria-label": t("ldr.moveCustomer", { name: c.name }) })
                    checks.set(c.id, b)
                    return b
                  }
                },
                { title: t("team.customer"), cell: (c) => c.name },
                { title: t("ldr.tier"), cell: (c) => word("tier", c.tier) }
              ],
              rows,
              { class: "customer-table" }
            )
          : h("p", { class: "empty" }, t("ldr.noCustomers"))
      )
    } catch (e) {
      showError(e, t("ldr.customersTitle"))
    }
  }
  from.addEventListener("change", () => void load())
  const move = h("button", { type: "submit", class: "primary" }, t("ldr.moveCustomers"))
  const form = h("form", { class: "allocate" }, field(t("ldr.fromAgent"), from), field(t("ldr.toAgent"), to), move)
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault()
    const ids = ticked(checks)
    if (!ids.length) return showError(new Error(t("ldr.tickCustomers")), t("ldr.customersTitle"))
    const r = await act(move, t("ldr.moveCustomersFailed"), () => call("postApiAllocationCustomers", { body: { ids, to: to.value, from: from.value } }))
    if (!r) return
    showInfo(t("ldr.customersMoved", { n: r.changed.length, to: to.selectedOptions[0]?.textContent ?? to.value }))
    await load()
  })
  void load()
  return h("section", { class: "card customer-transfer", "aria-labelledby": "ct-h" }, h("h3", { id: "ct-h" }, t("ldr.customersTitle")), h("div", { class: "grid" }, h("div", { class: "col wide" }, listHost), h("div", { class: "col" }, form)))
}

// ---- imports and groups ---------------------------------------------------------------------

/** The problems of a refused import, one row per line (the API's details carry `path: ["line", n]` or a line in the message). */
const issueRows = (e) => (e instanceof ApiError && Array.isArray(e.details) ? e.details : [])

/** The line number of an import problem: the number in its path (["line", 3]), else the message's "line 3". */
const lineOf = (d) => String((Array.isArray(d.path) ? d.path.map(Number).find(Number.isInteger) : undefined) ?? /line (\d+)/.exec(d.message ?? "")?.[1] ?? "—")

/** The team leader's imports and groups (#/imports). */
export async function importsView() {
  const teamId = session.me?.teamId
  const [tasks, members, groups, options] = await Promise.all([
    call("getApiTasks", { query: { source: "manual", status: "active", limit: 100 } }).then(itemsOf),
    teamId ? call("getApiTeamsByIdMembers", { params: { id: teamId }, query: { limit: 200 } }).then(itemsOf) : [],
    call("getApiGroups"),
    campaignOptions()
  ])
  const agents = members.filter((m) => (m.roles ?? []).includes("agent"))
  return h("section", { class: "view", "aria-labelledby": "im-h" }, h("h2", { id: "im-h" }, t("ldr.importsTitle")), importCard(tasks, agents), groupsCard(itemsOf(groups), groups.asOf, options))
}

function importCard(tasks, agents) {
  const task = select(tasks.map((x) => [x.id, x.name]), { name: "import-task" })
  const file = h("input", { type: "file", name: "import-file", accept: ".csv,.txt,.xlsx,text/csv" })
  const encoding = select([["auto", t("ldr.encAuto")], ["utf-8", "UTF-8"], ["gbk", "GBK"], ["gb18030", "GB18030"]], { name: "import-encoding" })
  const spread = h("select", { name: "import-agents", multiple: true, size: Math.min(6, Math.max(2, agents.length)) }, agentOptions(agents).map(([v, n]) => h("option", { value: v }, n)))
  const check = h("button", { type: "button", class: "secondary" }, t("ldr.check"))
  const run = h("button", { type: "submit", class: "primary" }, t("ldr.import"))
  const report = h("div", { class: "import-report", "aria-live": "polite" })
  const names = new Map(agents.map((m) => [m.id, m.name]))

  const send = (button, dryRun) =>
    sendFile(
      button,
      file,
      t("ldr.importTitle"),
      t("ldr.pickFile"),
      (bytes, type) => call("postApiTasksByIdImport", { params: { id: task.value }, query: { agentId: [...spread.selectedOptions].map((o) => o.value), dryRun: dryRun ? "true" : "false", encoding: encoding.value }, body: new Blob([bytes], { type }) }),
      (r) => {
        replace(report, importReport(r, names))
        showInfo(t(dryRun ? "ldr.checked" : "ldr.imported", { items: r.items, lines: r.lines }))
      },
      (e) => {
        const rows = issueRows(e)
        replace(
          report,
          h("p", { class: "refused" }, t("ldr.refused")),
          rows.length ? table([{ title: t("ldr.line"), cell: (d) => lineOf(d) }, { title: t("appr.reason"), cell: (d) => d.message }], rows, { class: "import-issues" }) : null
        )
      }
    )
  return importForm({
    id: "ic-h",
    title: t("ldr.importTitle"),
    hint: t("ldr.importHint"),
    fields: [
      tasks.length ? field(t("team.task"), task) : h("p", { class: "empty" }, t("ldr.noManualTasks")),
      field(t("ldr.file"), file),
      field(t("ldr.encoding"), encoding),
      field(t("ldr.spread"), spread, t("ldr.spreadHint"))
    ],
    check,
    run,
    report,
    send
  })
}

/** The import report: items per agent, and every skipped or overridden line with its reason. */
function importReport(r, names) {
  const perAgent = Object.entries(r.perAgent)
  const lines = [...r.skipped.map((l) => ({ ...l, kind: "skipped" })), ...r.overridden.map((l) => ({ ...l, kind: "overridden" }))].sort((a, b) => a.line - b.line)
  return h(
    "div",
    { class: "report-lines" },
    h("p", { class: "big" }, h("strong", { class: "import-items" }, String(r.items)), t(r.dryRun ? "ldr.wouldCreate" : "ldr.created", { lines: r.lines })),
    perAgent.length ? table([{ title: t("appr.agent"), cell: ([k]) => (k === "-" ? t("appr.unassigned") : (names.get(k) ?? k)) }, { title: t("appr.items"), cell: ([, v]) => String(v) }], perAgent, { class: "import-per-agent" }) : null,
    lines.length
      ? table(
          [
            { title: t("ldr.line"), cell: (l) => String(l.line) },
            { title: t("team.customer"), cell: (l) => l.customerId },
            { title: t("appr.reason"), cell: (l) => word("importReason", l.reason) },
            { title: t("ldr.outcome"), cell: (l) => t(`ldr.${l.kind}`) }
          ],
          lines,
          { class: "import-lines" }
        )
      : null
  )
}

/** `day` (YYYY-MM-DD) plus `n` calendar days. */
const addDays = (day, n) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10)

/** Customer ids typed or pasted: one per line, or separated by commas or spaces. */
const idsOf = (text) => text.split(/[\s,，]+/).map((s) => s.trim()).filter(Boolean)

/** The groups and a new group's form; its window starts on the business date `asOf` and runs 30 days. */
function groupsCard(groups, asOf, options) {
  const name = h("input", { name: "group-name", required: true, maxlength: 200 })
  const from = h("input", { type: "date", name: "group-from", value: asOf, required: true })
  const until = h("input", { type: "date", name: "group-until", value: addDays(asOf, 30), required: true })
  const ids = h("textarea", { name: "group-customers", rows: 3 })
  const create = h("button", { type: "submit", class: "primary" }, t("ldr.createGroup"))
  const createForm = h("form", { class: "group-create" }, h("h4", {}, t("ldr.newGroup")), field(t("ldr.groupName"), name), field(t("ldr.validFrom"), from), field(t("ldr.validUntil"), until), field(t("ldr.customerIds"), ids, t("ldr.customerIdsHint")), create)
  createForm.addEventListener("submit", async (ev) => {
    ev.preventDefault()
    const r = await act(create, t("ldr.createGroupFailed"), () => call("postApiGroups", { body: { name: name.value.trim(), validFrom: from.value, validUntil: until.value, customerIds: idsOf(ids.value) } }))
    if (!r) return
    showInfo(t("ldr.groupCreated", { name: r.group.name, n: r.group.memberIds.length }))
    go("#/imports")
  })
  const list = groups.length
    ? table(
        [
          { title: t("ldr.groupName"), cell: (g) => g.name },
          { title: t("ldr.members"), cell: (g) => (g.kind === "import" ? String(g.memberIds.length) : t("ldr.byRule")) },
          { title: t("ldr.valid"), cell: (g) => `${g.validFrom} – ${g.validUntil}` },
          { title: t("ldr.actions"), cell: (g) => groupActions(g, asOf, options) }
        ],
        groups,
        { class: "group-table" }
      )
    : h("p", { class: "empty" }, t("ldr.noGroups"))
  return h("section", { class: "card groups", "aria-labelledby": "gr-h" }, h("h3", { id: "gr-h" }, t("ldr.groupsTitle")), h("div", { class: "grid" }, h("div", { class: "col wide" }, list), h("div", { class: "col" }, createForm)))
}

/** Per group: add customers (imported groups) and use the group in a campaign task (submitted for approval). */
function groupActions(g, asOf, options) {
  const add = h("textarea", { rows: 1, name: "group-add", "aria-label": t("ldr.addTo", { name: g.name }) })
  const addButton = h("button", { type: "submit", class: "secondary" }, t("ldr.add"))
  const addForm = h("form", { class: "group-add inline" }, add, addButton)
  addForm.addEventListener("submit", async (ev) => {
    ev.preventDefault()
    const r = await act(addButton, t("ldr.addFailed"), () => call("postApiGroupsByIdMembers", { params: { id: g.id }, body: { customerIds: idsOf(add.value), expectedVersion: g.version } }))
    if (!r) return
    showInfo(t("ldr.added", { n: r.added, name: g.name }))
    go("#/imports")
  })
  return h("div", { class: "group-actions" }, g.kind === "import" ? addForm : null, campaignForm(g, asOf, options))
}

const taskTypes = ["care-callback", "retention-callback", "satisfaction-callback", "new-customer-callback", "complaint-follow-up", "dunning", "contract-renewal", "greeting", "visit"]

/**
 * "Use in a task": the campaign's settings the leader chooses (name, channel, type, urgency, the
 * window within the group's validity, the daily hours, attempts, the questionnaire or, for SMS, the
 * template), sent as one request that creates the task and submits it for approval.
 */
function campaignForm(g, asOf, options) {
  const first = g.validFrom > asOf ? g.validFrom : asOf
  const input = (name, attrs) => h("input", { name, ...attrs })
  const name = input("campaign-name", { required: true, maxlength: 200, value: t("ldr.campaignName", { name: g.name }) })
  const channel = select(["phone", "sms", "visit"].map((c) => [c, word("channel", c)]), { name: "campaign-channel" })
  const type = select(taskTypes.map((x) => [x, t(`adm.type.${x}`)]), { name: "campaign-type" })
  const urgency = input("campaign-urgency", { type: "number", min: 1, max: 9, value: "3", required: true })
  const startsOn = input("campaign-starts", { type: "date", value: first, min: g.validFrom, max: g.validUntil, required: true })
  const expiresOn = input("campaign-expires", { type: "date", value: g.validUntil, min: g.validFrom, max: g.validUntil, required: true })
  const from = input("campaign-from", { type: "time", value: "09:00", required: true })
  const to = input("campaign-to", { type: "time", value: "20:00", required: true })
  const attempts = input("campaign-attempts", { type: "number", min: 1, max: 20, placeholder: t("ldr.use.attemptsDefault") })
  const questionnaire = select([["", t("adm.tasks.noQuestionnaire")], ...options.questionnaires.map((q) => [q.version, t("ldr.use.questionnaireOf", { task: q.task })])], { name: "campaign-questionnaire" })
  questionnaire.value = options.questionnaires[0]?.version ?? ""
  const template = select([["", t("ldr.use.noTemplate")], ...options.templates.map((x) => [x.id, x.name ?? x.id])], { name: "campaign-template" })
  const holidays = input("campaign-holidays", { type: "checkbox" })
  const questionnaireField = field(t("adm.tasks.questionnaire"), questionnaire)
  const templateField = field(t("ldr.use.template"), template)
  const showChannel = () => {
    questionnaireField.hidden = channel.value === "sms"
    templateField.hidden = channel.value !== "sms"
  }
  channel.addEventListener("change", showChannel)
  showChannel()
  const use = h("button", { type: "submit", class: "primary" }, t("ldr.use.submit"))
  const form = h(
    "form",
    { class: "group-use-form" },
    field(t("adm.tasks.name"), name),
    h("div", { class: "buttons" }, field(t("adm.tasks.channel"), channel), field(t("adm.tasks.type"), type), field(t("adm.tasks.urgency"), urgency)),
    h("div", { class: "buttons" }, field(t("adm.tasks.startsOn"), startsOn), field(t("ldr.use.lastDay"), expiresOn)),
    h("div", { class: "buttons" }, field(t("adm.tasks.from"), from), field(t("adm.tasks.to"), to)),
    field(t("ldr.use.attempts"), attempts, t("ldr.use.attemptsHint")),
    questionnaireField,
    templateField,
    h("label", { class: "choice" }, holidays, t("adm.tasks.skipHolidays")),
    h("p", { class: "muted" }, t("ldr.use.assignment")),
    use
  )
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault()
    const sms = channel.value === "sms"
    const r = await act(use, t("ldr.useFailed"), () =>
      call("postApiGroupsByIdCampaignTask", { params: { id: g.id }, body: {
        name: name.value.trim(),
        channel: channel.value,
        type: type.value,
        urgency: Number(urgency.value),
        startsOn: startsOn.value,
        expiresOn: expiresOn.value,
        executionWindow: { from: from.value, to: to.value },
        skipHolidays: holidays.checked,
        ...(attempts.value ? { maxAttempts: Number(attempts.value) } : {}),
        questionnaireVersion: sms ? null : questionnaire.value || null,
        smsTemplateId: sms ? template.value || null : null
      } })
    )
    if (!r) return
    showInfo(t("ldr.taskSubmitted", { name: r.name, status: word("status", r.status) }))
    details.open = false
  })
  const details = h("details", { class: "group-use" }, h("summary", {}, t("ldr.useInTask")), form)
  return details
}

/** What a campaign may use: the questionnaires of the tasks the leader reads (by a task using each) and the SMS templates. */
async function campaignOptions() {
  const [tasks, templates] = await Promise.all([
    call("getApiTasks", { query: { limit: 200 } }).then(itemsOf, () => []),
    call("getApiSmsTemplates").then(itemsOf, () => [])
  ])
  const questionnaires = new Map()
  for (const x of tasks) if (x.questionnaireVersion && !questionnaires.has(x.questionnaireVersion)) questionnaires.set(x.questionnaireVersion, x.name)
  return { questionnaires: [...questionnaires].map(([version, task]) => ({ version, task })), templates }
}


// ---- offer approvals ------------------------------------------------------------------------

/** Offer uses of the team awaiting the leader's decision (#/offers): approve or reject each. */
export async function offersView() {
  const pending = itemsOf(await call("getApiOfferUsesPending"))
  const body = pending.length
    ? table(
        [
          { title: t("team.customer"), cell: (p) => h("a", { href: `#/customers/${encodeURIComponent(p.use.customerId)}` }, p.customerName) },
          { title: t("ldr.offer"), cell: (p) => p.offerName },
          { title: t("ldr.cost"), cell: (p) => String(p.use.cost) },
          { title: t("ldr.proposer"), cell: (p) => p.proposerName },
          { title: t("ldr.accepted"), cell: (p) => t(p.use.accepted ? "ldr.yes" : "ldr.no") },
          { title: t("ldr.when"), cell: (p) => when(p.use.at) },
          { title: t("ldr.decision"), cell: (p) => offerDecision(p) }
        ],
        pending,
        { class: "offer-table" }
      )
    : h("p", { class: "empty" }, t("ldr.noOffers"))
  return h("section", { class: "view", "aria-labelledby": "of-h" }, h("h2", { id: "of-h" }, t("ldr.offersTitle")), h("div", { class: "card" }, body))
}

function offerDecision(p) {
  const comment = h("input", { name: "offer-comment", maxlength: 2000, "aria-label": t("ldr.commentFor", { offer: p.offerName, customer: p.customerName }) })
  const approve = h("button", { type: "submit", class: "primary", value: "approved" }, t("appr.approve"))
  const reject = h("button", { type: "submit", class: "danger", value: "rejected" }, t("appr.reject"))
  const form = h("form", { class: "offer-decision inline", dataset: { use: p.use.id } }, comment, approve, reject)
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault()
    const decision = ev.submitter?.value === "rejected" ? "rejected" : "approved"
    const r = await act(ev.submitter, t("ldr.decideFailed"), () => call("postApiOfferUsesByIdDecision", { params: { id: p.use.id }, body: { customerId: p.use.customerId, decision, comment: comment.value.trim() } }))
    if (!r) return
    showInfo(t(decision === "approved" ? "ldr.offerApproved" : "ldr.offerRejected", { offer: p.offerName, customer: p.customerName }))
    go("#/offers")
  })
  return form
}
