// The agent's customer screen, the parts beyond the work: the phone line (masked number, Dial
// through the call center), why the customer was flagged (each item's reasons: an alert rule's
// numbers, an import, a customer group) and the items' attachments (upload a file, download it).
// The page never sees a full phone number nor shows internal ids where a name exists.
import { call } from "./api.js"
import { act, showError, showInfo } from "./ui.js"
import { h, select, uid, when } from "./dom.js"
import { pathOf } from "./client.js"
import { t, word } from "./i18n.js"

/** The owner's name (the API answers managers in the reader's scope), "—" when unknown. */
export async function ownerName(customer, myId) {
  if (!customer.ownerManagerId) return "—"
  const name = await call("getApiManagersById", { params: { id: customer.ownerManagerId } }).then((m) => m.name, () => null)
  if (customer.ownerManagerId === myId) return t("cust.ownerYou", { name: name ?? "—" })
  return name ?? "—"
}

/** The region's roots, fetched once per page load: a region is known by its root team's name (北京大区, not `beijing`). */
let regionRoots = null

/** The region's name (its root team's name), or its code when no root team carries it. */
export async function regionName(code) {
  regionRoots ??= call("getApiTeams", { query: { parentId: "root", limit: 200 } }).then(
    (page) => new Map(page.items.map((team) => [team.region, team.name])),
    () => new Map()
  )
  return (await regionRoots).get(code) ?? code
}

const reasonText = (r) => t(`agent.reason.${r.code}`) === `agent.reason.${r.code}` ? r.message : t(`agent.reason.${r.code}`)

/** The phone line: the first number masked and a Dial button (the server decides whether it may call now). */
export function phoneLine(customer) {
  const phone = customer.phones?.[0]
  if (!phone) return h("span", { class: "muted" }, t("cust.noPhone"))
  const button = h("button", { type: "button", class: "secondary dial", title: t("agent.dialHint") }, t("agent.dial"))
  button.addEventListener("click", async () => {
    const r = await act(button, t("agent.dialFailed"), () => call("postApiCustomersByIdDial", { params: { id: customer.id } }))
    if (!r) return
    const name = customer.name ?? customer.id
    if (r.dialled) showInfo(t("agent.dialled", { name, phone: r.phone, callId: r.callId }))
    else showError(new Error(t("agent.dialRefused", { name, reasons: [...new Set(r.reasons.map(reasonText))].join(t("agent.reasonSep")) })), t("agent.dialFailed"))
  })
  return h("span", { class: "phone-line" }, h("span", { class: "phone", dataset: { phone } }, phone), " ", button)
}

const pct = (v) => (v === null || v === undefined ? "—" : `${Math.abs(Math.round(v * 10) / 10)}%`)
const num = (v) => (v === null || v === undefined ? "—" : String(Math.round(v * 100) / 100))

/** One rule reason in the page's language: a sentence per known template, else the rule's own summary. */
function ruleSentence(r) {
  const v = r.values ?? {}
  if ((r.templateId === "bill-drop" || r.templateId === "data-drop") && "thisMonth" in v && "baseline" in v) {
    return t(`why.t.${r.templateId}`, { drop: pct(v.change), months: 3, thisMonth: num(v.thisMonth), baseline: num(v.baseline), threshold: num(v.threshold) })
  }
  return t("why.t.other", { summary: r.summary })
}

/** Why the customer is on the list: every open item's reasons, with the task's name. */
export async function reasonsPanel(offered, tasks) {
  const rows = await Promise.all(
    offered.map(async (o) => {
      const task = tasks.get(o.item.taskId)
      const name = task?.name ?? "—"
      const answer = await call("getApiWorkItemsByIdReasons", { params: { id: o.item.id } }).catch((e) => (showError(e, t("why.error")), null))
      const reasons = answer?.items ?? []
      return reasons.map((r) =>
        r.kind === "rule"
          ? h("li", { class: "reason rule", dataset: { template: r.templateId ?? "" } }, h("strong", {}, t("why.rule", { rule: r.ruleName, asOf: r.asOf })), " ", h("span", { class: "why-text" }, ruleSentence(r)), r.matched ? null : h("small", { class: "muted" }, ` ${t("why.noLonger")}`))
          : h("li", { class: `reason ${r.kind}` }, t(r.kind === "import" ? "why.import" : r.kind === "group" ? "why.group" : "why.unavailable", { task: name }))
      )
    })
  )
  return h("section", { class: "card reasons", "aria-labelledby": "why-h" }, h("h3", { id: "why-h" }, t("why.title")), h("ul", { class: "plain" }, rows.flat()))
}

const kinds = ["scanned-questionnaire", "recording", "other"]
const maxMb = 10

/** The items' attachments (download links) and an upload form: the file itself, never a typed URI. */
export function attachmentsPanel(offered, tasks, reload) {
  const taskName = (w) => tasks.get(w.taskId)?.name ?? "—"
  const entries = offered.flatMap((o) =>
    o.item.attachments.map((a, i) =>
      h(
        "li",
        { dataset: { attachment: `${i}` } },
        h("a", { href: pathOf("getApiWorkItemsByIdAttachmentsByIndex", { id: o.item.id, index: i }), download: "" }, t("att.entry", { kind: word("att.kind", a.kind), when: when(a.addedAt) })),
        " ",
        h("small", { class: "muted" }, taskName(o.item))
      )
    )
  )
  const item = select(offered.map((o) => [o.item.id, t("ap.itemOption", { task: taskName(o.item), channel: word("channel", o.item.channel) })]), { name: "item" })
  const kind = select(kinds.map((k) => [k, t(`att.kind.${k}`)]), { name: "kind" })
  const file = h("input", { type: "file", name: "file", id: uid("file"), accept: ".pdf,.png,.jpg,.jpeg,.wav,.mp3,.txt,application/pdf,image/png,image/jpeg,audio/wav,audio/mpeg,text/plain" })
  const button = h("button", { type: "submit", class: "primary" }, t("att.upload"))
  const labelled = (text, control) => h("div", { class: "field" }, h("label", { for: control.id || (control.id = uid("att")) }, text), control)
  const form = h(
    "form",
    { class: "upload" },
    labelled(t("att.item"), item),
    labelled(t("att.kind"), kind),
    labelled(t("att.file"), file),
    h("p", { class: "muted" }, t("att.hint")),
    button
  )
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault()
    const f = file.files?.[0]
    if (!f) return showError(new Error(t("att.chooseFile")), t("att.failed"))
    if (f.size > maxMb * 1024 * 1024) return showError(new Error(t("att.tooLarge", { mb: maxMb })), t("att.failed"))
    const r = await act(button, t("att.failed"), () => call("postApiWorkItemsByIdAttachmentsUpload", { params: { id: item.value }, query: { kind: kind.value, name: f.name }, body: f }))
    if (!r) return
    const o = offered.find((x) => x.item.id === item.value)
    showInfo(t("att.uploaded", { name: f.name, task: o ? taskName(o.item) : "—" }))
    reload()
  })
  return h(
    "section",
    { class: "card attachments", "aria-labelledby": "att-h" },
    h("h3", { id: "att-h" }, t("att.title")),
    entries.length ? h("ul", { class: "plain attachment-list" }, entries) : h("p", { class: "empty" }, t("att.none")),
    offered.length ? form : null
  )
}
