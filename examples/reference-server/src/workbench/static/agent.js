// The agent's views: the work list by customer (urgency order, paginated), and one customer with
// all their open items, the questionnaire (live branching through the server's evaluation), the
// call that completes several items at once, an appointment, and adding or taking back a
// do-not-disturb entry.
import { call, itemsOf } from "./api.js"
import { act, go, hasRole, meId, showError, showInfo } from "./ui.js"
import { attachmentsPanel, ownerName, phoneLine, reasonsPanel, regionName } from "./customer-panels.js"
import { field, h, replace, select, table, uid, when } from "./dom.js"
import { t, word } from "./i18n.js"
import { smsItemControl } from "./sms.js"
import { refreshReminders, remindSelect } from "./appointments.js"

// ---- shared look-ups ------------------------------------------------------------------------

const taskCache = new Map()
/** The task of an id (cached for the page's life); null, with the error shown, when it cannot be read. */
export async function taskOf(id) {
  if (!taskCache.has(id))
    taskCache.set(
      id,
      call("getApiTasksById", { params: { id } }).catch((e) => {
        showError(e, t("work.taskError", { id }))
        return null
      })
    )
  return taskCache.get(id)
}
export const forgetTask = (id) => taskCache.delete(id)

const channels = ["phone", "sms", "visit", "letter", "email"].map((c) => [c, t(`channel.${c}`)])
const dispositions = ["completed", "refused", "not-account-holder", "reschedule", "not-in-service", "phone-off", "no-answer"].map((d) => [d, t(`disposition.${d}`)])
// Not reached: never completes an item (the retry policy schedules the next attempt or ends it unreachable).
const notReached = new Set(["not-in-service", "phone-off", "no-answer"])

const urgencyBadge = (u) => h("span", { class: `badge u${Math.min(Number(u) || 9, 5)}`, title: t("work.urgencyHint") }, `U${u}`)

// ---- work list ------------------------------------------------------------------------------

// Cursors of the pages seen so far, so "Previous" can go back without the server keeping state.
let cursors = [null]
let pageIndex = 0
let pageSize = 20

/** The work list by customer: most urgent first, about 20 customers a page (10, 20 or 50 by choice). */
export async function workListView(params) {
  if (params.get("reset") !== null || pageIndex >= cursors.length) {
    cursors = [null]
    pageIndex = 0
  }
  // The API pages over items, showing each customer on the page of their lead item, so a page can
  // come back empty (e.g. every customer on it is on DND) while more follow: skip such pages.
  // Waiting customers are listed too, with their next attempt time, so the agent sees the whole day.
  let page = await call("getApiWorkListCustomers", { query: { limit: pageSize, cursor: cursors[pageIndex], includeWaiting: "true" } })
  for (let skipped = 0; itemsOf(page).length === 0 && page?.nextCursor && skipped < 50; skipped++) {
    cursors[pageIndex] = page.nextCursor
    page = await call("getApiWorkListCustomers", { query: { limit: pageSize, cursor: page.nextCursor, includeWaiting: "true" } })
  }
  const rows = itemsOf(page)
  const next = page?.nextCursor ?? null
  const tasks = new Map()
  await Promise.all([...new Set(rows.flatMap((r) => r.items.map((o) => o.item.taskId)))].map(async (id) => tasks.set(id, await taskOf(id))))
  const names = await customerNames(rows)

  const list = rows.length
    ? table(
        [
          { title: t("work.col.urgency"), cell: (r) => urgencyBadge(r.urgency) },
          {
            title: t("work.col.customer"),
            cell: (r) =>
              h("a", { href: `#/customers/${encodeURIComponent(r.customerId)}`, class: "customer-link", dataset: { customer: r.customerId } }, names.get(r.customerId) ?? r.customerId, " ", h("small", { class: "muted" }, r.customerId))
          },
          { title: t("work.col.items"), cell: (r) => String(r.items.length) },
          {
            title: t("work.col.tasks"),
            cell: (r) => h("ul", { class: "plain" }, r.items.map((o) => h("li", {}, tasks.get(o.item.taskId)?.name ?? o.item.taskId, o.ready === false ? h("small", { class: "muted" }, t("work.nextAttempt", { when: when(o.notBefore) })) : null)))
          },
          { title: t("work.col.dnd"), cell: (r) => (r.withheld ? t("work.withheld", { n: r.withheld }) : "") }
        ],
        rows,
        { class: "worklist", "aria-label": t("work.tableLabel") }
      )
    : h("p", { class: "empty" }, t("work.empty"))

  const prev = h("button", { type: "button", class: "secondary", disabled: pageIndex === 0, onclick: () => { pageIndex -= 1; go("#/work") } }, t("work.prev"))
  const more = h(
    "button",
    {
      type: "button",
      class: "secondary",
      disabled: !next,
      onclick: () => {
        cursors = cursors.slice(0, pageIndex + 1).concat([next])
        pageIndex += 1
        go("#/work")
      }
    },
    t("work.next")
  )
  const size = select([["10", "10"], ["20", "20"], ["50", "50"]], { name: "pageSize", value: String(pageSize) })
  size.value = String(pageSize)
  size.addEventListener("change", () => {
    pageSize = Number(size.value)
    cursors = [null]
    pageIndex = 0
    go("#/work")
  })
  return h(
    "section",
    { class: "view", "aria-labelledby": "wl-h" },
    h(
      "div",
      { class: "view-head" },
      h("h2", { id: "wl-h" }, t("work.title")),
      h("span", { class: "muted page-no" }, t("work.page", { n: pageIndex + 1 })),
      h("div", { class: "field inline" }, h("label", { for: "page-size" }, t("work.pageSize")), Object.assign(size, { id: "page-size" }))
    ),
    list,
    h("div", { class: "pager" }, prev, more)
  )
}

/** Names of the customers of a work-list page: one read per customer (the list answer carries ids only). */
async function customerNames(rows) {
  const names = new Map()
  await Promise.all(
    rows.map(async (r) => {
      try {
        names.set(r.customerId, (await call("getApiCustomersById", { params: { id: r.customerId } })).name)
      } catch (e) {
        showError(e, t("work.customerError", { id: r.customerId }))
      }
    })
  )
  return names
}

// ---- one customer ---------------------------------------------------------------------------

/** A customer: summary, open items across tasks, questionnaire, call, appointment and DND. */
export async function customerView(customerId) {
  const view = await call("getApiCustomersByIdWork", { params: { id: customerId } })
  const customer = view.customer
  const work = view.work
  const offered = work.items
  const tasks = new Map()
  await Promise.all([...new Set(offered.map((o) => o.item.taskId))].map(async (id) => tasks.set(id, await taskOf(id))))

  const root = h("section", { class: "view customer", "aria-labelledby": "cust-h" })
  const reload = () => go(`#/customers/${encodeURIComponent(customerId)}`)

  // Summary
  const facts = [
    [t("cust.id"), customer.id],
    [t("cust.phone"), phoneLine(customer)],
    [t("cust.tier"), word("tier", customer.tier)],
    [t("cust.lineStatus"), word("line", customer.lineStatus)],
    [t("cust.payment"), word("payment", customer.paymentType)],
    [t("cust.region"), await regionName(customer.region)],
    [t("cust.contractEnd"), customer.contractEnd ?? "—"],
    [t("cust.preferredChannel"), customer.preferredChannel ? word("channel", customer.preferredChannel) : "—"],
    [t("cust.owner"), await ownerName(customer, meId())]
  ]
  const summary = h(
    "div",
    { class: "card summary" },
    h("dl", { class: "facts" }, facts.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v === undefined || v === null ? "—" : v instanceof Node ? v : String(v))]))
  )

  // Items: each with a checkbox (which items this call is about)
  const checks = new Map()
  const itemRows = offered.map((o) => {
    const w = o.item
    // An item waiting for its next attempt is not ticked: an outbound call on it is refused until then.
    // An SMS item is never part of a call: it is sent (or sent again) on its own.
    const sms = w.channel === "sms"
    const box = h("input", { type: "checkbox", id: uid("item"), checked: o.ready !== false && !sms, value: w.id, name: "item", hidden: sms, disabled: sms })
    if (!sms) checks.set(w.id, box)
    return h(
      "li",
      { class: "item", dataset: { item: w.id } },
      box,
      h(
        "label",
        { for: box.id },
        urgencyBadge(w.urgency),
        " ",
        h("strong", {}, tasks.get(w.taskId)?.name ?? w.taskId),
        " ",
        h(
          "span",
          { class: "muted", dataset: { attempts: String(w.attempts?.length ?? 0) } },
          `${t("cust.itemLine", { channel: word("channel", w.channel), state: word("state", w.state), attempts: w.attempts?.length ?? 0 })}${t("cust.handedOut", { when: when(w.createdAt) })}${w.dueAt ? t("cust.due", { when: when(w.dueAt) }) : ""}${w.nextAttemptAt ? `${t("cust.itemNext", { when: when(w.nextAttemptAt) })}${o.ready === false ? t("cust.waiting") : ""}` : ""}`
        )
      ),
      sms ? smsItemControl(w, customer, reload) : null
    )
  })
  const selectedIds = () => [...checks].filter(([, b]) => b.checked).map(([id]) => id)
  const items = h(
    "fieldset",
    { class: "card items" },
    h("legend", {}, t("cust.openItems", { n: offered.length })),
    offered.length ? h("ul", { class: "plain" }, itemRows) : h("p", { class: "empty" }, t("cust.noItems")),
    work?.withheld ? h("p", { class: "muted" }, t("cust.withheld", { n: work.withheld })) : null
  )

  // Questionnaire of the first item whose task has one; the offer catalogue for the call form
  const [q, offers, reasons] = await Promise.all([
    questionnairePanel(offered, tasks, customer),
    call("getApiOffers", { query: { limit: 100 } }).then(itemsOf, (e) => (showError(e, t("cust.offersError")), [])),
    reasonsPanel(offered, tasks)
  ])

  root.append(
    h("div", { class: "view-head" }, h("h2", { id: "cust-h" }, customer.name ?? customer.id), h("a", { href: "#/work", class: "back" }, t("cust.back"))),
    h("div", { class: "grid" }, h("div", { class: "col" }, summary, reasons, items, offered.some((o) => o.item.channel !== "sms") ? callForm(customer, selectedIds, q, offers, reload) : h("p", { class: "card empty" }, t(offered.length ? "sms.item.noCall" : "cust.noCall"))), h("div", { class: "col" }, q.node, attachmentsPanel(offered, tasks, reload), appointmentForm(customer, offered, tasks), dndForm(customer, reload))),
    await historyPanel(customer, view.dnd, reload)
  )
  return root
}

// ---- questionnaire --------------------------------------------------------------------------

const textOf = (t, vars) => {
  const s = typeof t === "string" ? t : t && typeof t === "object" ? (t[document.documentElement.lang] ?? t.en ?? Object.values(t)[0] ?? "") : ""
  return s.replace(/\{(ctx\.)?([a-zA-Z0-9_]+)\}/g, (m, ctx, k) => {
    const v = ctx ? vars.context[k] : vars.answers[k]
    return v === undefined || v === null || v === "" ? (ctx ? "" : "…") : Array.isArray(v) ? v.join(", ") : String(v)
  })
}

/**
 * The questionnaire of the customer's first item that has one: every question rendered once, shown
 * or hidden as the server's evaluation of the current answers says (live branching).
 */
async function questionnairePanel(offered, tasks, customer) {
  const locale = document.documentElement.lang || undefined
  const host = offered.find((o) => tasks.get(o.item.taskId)?.questionnaireVersion)
  const none = { node: h("section", { class: "card questionnaire", "aria-labelledby": "q-h" }, h("h3", { id: "q-h" }, t("q.title")), h("p", { class: "empty" }, t("q.none"))), response: () => null }
  if (!host) return none
  let answer
  try {
    answer = await call("getApiWorkItemsByIdQuestionnaire", { params: { id: host.item.id }, query: { locale } })
  } catch (e) {
    showError(e, t("q.error"))
    return none
  }
  const version = answer.version
  const def = version.definition
  const qid = version.hash
  const context = answer.context ?? {}
  // The server resolves {ctx.customerName} and piped answers; the page shows its texts as they are.
  let texts = answer.texts ?? {}
  const answers = {}
  let counted = {}
  let visible = new Set()
  const nodes = new Map()
  const status = h("p", { class: "q-status", role: "status", "aria-live": "polite" })

  const refreshTexts = () => {
    for (const question of def.questions) {
      const n = nodes.get(question.id)
      n.querySelector(".q-text").textContent = (texts[question.id] ?? textOf(question.text, { context, answers })) + (question.required ? " *" : "")
    }
  }
  // Answers can change faster than evaluations come back: only the latest one may touch the page.
  let latest = 0
  const evaluate = async () => {
    const mine = ++latest
    try {
      // Every answer given goes to the server; it answers which count (answers to hidden
      // questions do not), and those are what the call saves.
      const r = await call("postApiQuestionnairesByIdEvaluate", { params: { id: qid }, query: { locale }, body: { answers: givenAnswers(), context } })
      if (mine !== latest) return
      counted = r.answers
      texts = r.texts ?? texts
      const ids = r.visible
      visible = new Set(ids)
      for (const [id, n] of nodes) n.hidden = !visible.has(id)
      const errors = r.errors
      const missing = r.missingRequired
      status.textContent = r.complete ? t("q.complete") : `${missing.length ? t("q.left", { n: missing.length }) : t("q.notComplete")}${errors.length ? t("q.attention", { n: errors.length }) : ""}`
      status.dataset.complete = r.complete ? "true" : "false"
      refreshTexts()
    } catch (e) {
      showError(e, t("q.evalError"))
    }
  }
  const givenAnswers = () => Object.fromEntries(Object.entries(answers).filter(([, v]) => v !== undefined && v !== "" && !(Array.isArray(v) && v.length === 0)))
  const onChange = (id, value) => {
    answers[id] = value
    void evaluate()
  }

  const form = h("div", { class: "q-questions" })
  for (const question of def.questions) {
    const n = questionNode(question, onChange)
    nodes.set(question.id, n)
    form.appendChild(n)
  }
  refreshTexts()
  await evaluate()
  const title = textOf(def.title, { context, answers }) || t("q.title")
  return {
    node: h("section", { class: "card questionnaire", "aria-labelledby": "q-h" }, h("h3", { id: "q-h" }, title), h("p", { class: "muted" }, t("q.forTask", { task: tasks.get(host.item.taskId)?.name ?? "—" })), form, status),
    response: () => ({ workItemId: host.item.id, answers: counted, context, completed: status.dataset.complete === "true" })
  }
}

/** One question as form controls; calls onChange(id, value) on every change. */
function questionNode(q, onChange) {
  const wrap = h("div", { class: "question", dataset: { question: q.id } })
  const text = h("span", { class: "q-text" })
  const name = `q-${q.id}`
  const choices = q.choices ?? []
  if (q.type === "singleChoice" || q.type === "rating") {
    const opts = q.type === "rating" ? Array.from({ length: (q.max ?? 5) - (q.min ?? 1) + 1 }, (_, i) => ({ id: String((q.min ?? 1) + i), text: String((q.min ?? 1) + i) })) : choices
    wrap.appendChild(
      h(
        "fieldset",
        { class: q.type === "rating" ? "choices rating" : "choices" },
        h("legend", {}, text),
        opts.map((c) => {
          const input = h("input", { type: "radio", name, id: uid("c"), value: c.id, onchange: () => onChange(q.id, q.type === "rating" ? Number(c.id) : c.id) })
          return h("span", { class: "choice" }, input, h("label", { for: input.id }, textOf(c.text, { context: {}, answers: {} })))
        })
      )
    )
  } else if (q.type === "multipleChoice") {
    const fs = h("fieldset", { class: "choices" }, h("legend", {}, text))
    const boxes = choices.map((c) => {
      const input = h("input", { type: "checkbox", name, id: uid("c"), value: c.id })
      fs.appendChild(h("span", { class: "choice" }, input, h("label", { for: input.id }, textOf(c.text, { context: {}, answers: {} }))))
      return input
    })
    fs.addEventListener("change", () => onChange(q.id, boxes.filter((b) => b.checked).map((b) => b.value)))
    wrap.appendChild(fs)
  } else {
    const control =
      q.type === "multilineText"
        ? h("textarea", { rows: 3, name, maxlength: q.maxLength })
        : h("input", { name, type: q.type === "number" ? "number" : q.type === "date" ? "date" : "text", maxlength: q.maxLength, min: q.min, max: q.max })
    control.id = uid("q")
    control.addEventListener("change", () => onChange(q.id, q.type === "number" ? (control.value === "" ? undefined : Number(control.value)) : control.value))
    wrap.appendChild(h("div", { class: "field" }, h("label", { for: control.id }, text), control))
  }
  return wrap
}

// ---- call, appointment, DND -----------------------------------------------------------------

function callForm(customer, selectedIds, questionnaire, offers, reload) {
  const disposition = select(dispositions, { name: "disposition" })
  const complete = h("input", { type: "checkbox", id: uid("complete"), checked: true })
  const rescheduleAt = h("input", { type: "datetime-local", name: "rescheduleAt" })
  const rescheduleField = field(t("call.callBackAt"), rescheduleAt, t("call.localTime"))
  rescheduleField.hidden = true
  // A not-reached outcome never completes an item: untick and disable "complete" for it, and give
  // the agent's own choice back when they pick a reached outcome again.
  let wantComplete = complete.checked
  complete.addEventListener("change", () => {
    wantComplete = complete.checked
  })
  disposition.addEventListener("change", () => {
    rescheduleField.hidden = disposition.value !== "reschedule"
    const reached = !notReached.has(disposition.value)
    complete.disabled = !reached
    complete.checked = reached && wantComplete
  })
  const offer = select([["", t("call.noOffer")], ...offers.map((o) => [o.id, `${o.name}${o.requiresApproval ? t("call.needsApproval") : ""}`])], { name: "offer" })
  const accepted = h("input", { type: "checkbox", id: uid("accepted") })
  const note = h("textarea", { rows: 2, maxlength: 4000, name: "note" })
  const button = h("button", { type: "submit", class: "primary" }, t("call.submit"))
  const form = h(
    "form",
    { class: "card call", "aria-labelledby": "call-h" },
    h("h3", { id: "call-h" }, t("call.title")),
    h("p", { class: "muted" }, t("call.hint")),
    field(t("call.disposition"), disposition),
    rescheduleField,
    h("div", { class: "field inline" }, complete, h("label", { for: complete.id }, t("call.complete"))),
    field(t("call.offer"), offer, t("call.offerHint")),
    h("div", { class: "field inline" }, accepted, h("label", { for: accepted.id }, t("call.accepted"))),
    field(t("call.note"), note),
    button
  )
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault()
    const itemIds = selectedIds()
    const response = questionnaire.response()
    const body = {
      customerId: customer.id,
      itemIds,
      disposition: disposition.value,
      complete: complete.checked,
      note: note.value,
      ...(disposition.value === "reschedule" && rescheduleAt.value ? { rescheduleAt: new Date(rescheduleAt.value).toISOString() } : {}),
      ...(response && itemIds.includes(response.workItemId) && Object.keys(response.answers).length ? { responses: [response] } : {}),
      ...(offer.value && itemIds.length ? { offers: [{ workItemId: itemIds[0], offerId: offer.value, accepted: accepted.checked }] } : {})
    }
    const r = await act(button, t("call.failed"), () => call("postApiCalls", { body }))
    if (!r) return
    const done = r.items.filter((i) => i.state === "completed").length
    const unreachable = r.items.filter((i) => i.state === "unreachable").length
    const next = r.items.map((i) => i.nextAttemptAt).filter(Boolean).sort()[0]
    const uses = r.offerUses
    showInfo(`${t("call.recorded", { serial: r.call.serialNumber, n: itemIds.length, done })}${unreachable ? t("call.unreachable", { n: unreachable }) : ""}${next ? t("call.next", { when: when(next) }) : ""}${t("punct.end")}${uses.length ? t("call.offerRecorded", { statuses: uses.map((u) => u.status).join(", ") }) : ""}`)
    reload()
  })
  return form
}

function appointmentForm(customer, offered, tasks) {
  const at = h("input", { type: "datetime-local", required: true, name: "at" })
  const channel = select(channels, { name: "channel" })
  const item = select([["", t("ap.noItem")], ...offered.map((o) => [o.item.id, t("ap.itemOption", { task: tasks.get(o.item.taskId)?.name ?? "—", channel: word("channel", o.item.channel) })])], { name: "workItemId" })
  const note = h("input", { type: "text", maxlength: 2000, name: "note" })
  const remind = remindSelect()
  const button = h("button", { type: "submit", class: "primary" }, t("ap.submit"))
  const form = h("form", { class: "card appointment", "aria-labelledby": "ap-h" }, h("h3", { id: "ap-h" }, t("ap.title")), field(t("ap.when"), at, t("call.localTime")), field(t("ap.channel"), channel), field(t("ap.item"), item), field(t("ap.note"), note), remind.node, button)
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault()
    if (!at.value) return showError(new Error(t("ap.chooseWhen")), t("ap.context"))
    const body = { customerId: customer.id, at: new Date(at.value).toISOString(), channel: channel.value, note: note.value, remindMinutesBefore: Number(remind.control.value), ...(item.value ? { workItemId: item.value } : {}) }
    const r = await act(button, t("ap.failed"), () => call("postApiAppointments", { body }))
    if (!r) return
    const warnings = r.warnings ?? []
    showInfo(`${t("ap.booked", { when: when(r.appointment.at) })}${warnings.length ? t("ap.warnings", { warnings: warnings.map((w) => w.message ?? w.code).join("; ") }) : ""}${t("punct.end")}`)
    form.reset()
    void refreshReminders()
  })
  return form
}

const dndSources = ["customer-request", "agent"].map((s) => [s, t(`dnd.source.${s}`)])
/** Entries only a team leader may take back (the server's `protectedDndSources`). */
const protectedDndSources = ["customer-request", "complaint", "regulator"]

function dndForm(customer, reload) {
  const channel = select(channels, { name: "channel" })
  const source = select(dndSources, { name: "source" })
  const reason = h("input", { type: "text", required: true, maxlength: 1000, name: "reason" })
  const expires = h("input", { type: "date", name: "expiresOn" })
  const button = h("button", { type: "submit", class: "danger" }, t("dnd.submit"))
  const form = h(
    "form",
    { class: "card dnd", "aria-labelledby": "dnd-h" },
    h("h3", { id: "dnd-h" }, t("dnd.title")),
    h("p", { class: "muted" }, t("dnd.hint")),
    field(t("dnd.channel"), channel),
    field(t("dnd.source"), source, t("dnd.sourceHint")),
    field(t("dnd.reason"), reason),
    field(t("dnd.expires"), expires),
    button
  )
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault()
    const body = { customerId: customer.id, channel: channel.value, reason: reason.value.trim(), source: source.value, ...(expires.value ? { expiresAt: new Date(`${expires.value}T23:59:59`).toISOString() } : {}) }
    const r = await act(button, t("dnd.failed"), () => call("postApiDnd", { body }))
    if (!r) return
    showInfo(t("dnd.added", { name: customer.name ?? customer.id, channel: word("channel", channel.value) }))
    reload()
  })
  return form
}

/** One DND entry: what it blocks, and (while it is active) a reason field and a Remove button. */
function dndRow(customer, d, reload) {
  const text = `${t("dnd.entry", { channel: word("channel", d.channel), reason: d.reason, since: when(d.createdAt) })}${d.expiresAt ? t("dnd.until", { when: when(d.expiresAt) }) : ""}${d.removedAt ? t("dnd.removedAt", { when: when(d.removedAt) }) : ""}${t("punct.close")}`
  const active = d.removedAt === null && (d.expiresAt === null || Date.parse(d.expiresAt) > Date.now())
  if (!active) return h("li", { dataset: { dnd: d.id } }, text)
  // The server decides (dnd.remove / dnd.remove-protected); the page only leaves out a button that would be refused.
  const isProtected = protectedDndSources.includes(d.source)
  if (isProtected && !hasRole("team-leader")) {
    return h("li", { dataset: { dnd: d.id } }, text, " ", h("span", { class: "muted" }, t("dnd.leaderOnly", { why: t(`dnd.why.${d.source}`) })))
  }
  if (!hasRole("agent", "team-leader")) return h("li", { dataset: { dnd: d.id } }, text)
  const reason = h("input", { type: "text", required: true, maxlength: 1000, name: "reason", placeholder: t("dnd.removeReason"), "aria-label": t("dnd.removeLabel", { channel: word("channel", d.channel) }) })
  const button = h("button", { type: "submit", class: "secondary" }, t("dnd.remove"))
  const form = h("form", { class: "field inline dnd-remove" }, reason, button)
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault()
    const why = reason.value.trim()
    if (!why) return showError(new Error(t("dnd.sayWhy")), t("dnd.removeContext"))
    const r = await act(button, t("dnd.removeFailed"), () => call("deleteApiCustomersByIdDndByEntryId", { params: { id: customer.id, entryId: d.id }, body: { reason: why } }))
    if (!r) return
    showInfo(t("dnd.removed", { name: customer.name ?? customer.id, channel: word("channel", d.channel) }))
    reload()
  })
  return h("li", { dataset: { dnd: d.id } }, text, " ", form)
}

/** Recent calls, appointments and DND entries of the customer (whatever the API lets this person read). */
async function historyPanel(customer, dndRows, reload) {
  const customerId = customer.id
  const [calls, appointments] = await Promise.all([
    call("getApiCustomersByIdCalls", { params: { id: customerId }, query: { limit: 20 } }).catch((e) => (showError(e, t("hist.calls")), null)),
    call("getApiAppointments", { query: { customerId, limit: 20 } }).catch((e) => (showError(e, t("hist.appointments")), null))
  ])
  const callRows = itemsOf(calls)
  const apRows = itemsOf(appointments)
  return h(
    "section",
    { class: "card history", "aria-labelledby": "hist-h" },
    h("h3", { id: "hist-h" }, t("hist.title")),
    h("h4", {}, t("hist.calls")),
    callRows.length
      ? table(
          [
            { title: t("hist.serial"), cell: (c) => h("code", {}, c.serialNumber) },
            { title: t("hist.when"), cell: (c) => when(c.startedAt) },
            { title: t("hist.disposition"), cell: (c) => word("disposition", c.disposition) },
            { title: t("hist.items"), cell: (c) => h("span", { title: c.workItemIds.join("\n") }, t("hist.itemCount", { n: c.workItemIds.length })) }
          ],
          callRows,
          { class: "calls" }
        )
      : h("p", { class: "empty" }, t("hist.noCalls")),
    h("h4", {}, t("hist.appointments")),
    apRows.length
      ? h("ul", { class: "plain appointments" }, apRows.map((a) => h("li", {}, `${when(a.at)} · ${word("channel", a.channel)} · ${word("state", a.state)}${a.note ? ` · ${a.note}` : ""}`)))
      : h("p", { class: "empty" }, t("hist.none")),
    h("h4", {}, t("hist.dnd")),
    dndRows.length ? h("ul", { class: "plain dnd-list" }, dndRows.map((d) => dndRow(customer, d, reload))) : h("p", { class: "empty" }, t("hist.none"))
  )
}
