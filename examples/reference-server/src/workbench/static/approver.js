// The approver's screen: tasks and rules awaiting approval. Choosing a task runs its dry run (how
// many customers would be handed out, why others were left out, the split per team and agent, a
// sample); choosing a rule previews how many customers it matches today. Approve, or reject with a
// reason (required).
import { call, itemsOf } from "./api.js"
import { forgetTask } from "./agent.js"
import { field, h, replace, table } from "./dom.js"
import { act, go, hasRole, paramText, showError, showInfo } from "./ui.js"
import { t, tOr, word } from "./i18n.js"

/** Tasks and rules awaiting approval; choosing one shows its dry run or preview and the decision form. */
export async function approvalsView() {
  const [taskPage, rulePage] = await Promise.all([call("getApiTasks", { query: { status: "pending-approval", limit: 50 } }), call("getApiRules", { query: { status: "pending-approval", limit: 50 } })])
  const tasks = itemsOf(taskPage)
  const rules = itemsOf(rulePage)
  const detail = h("div", { class: "approval-detail", "aria-live": "polite" })
  const taskList = pendingList(tasks, "task", (task) => t("appr.line", { source: word("source", task.source), channel: word("channel", task.channel), urgency: task.urgency, author: task.authorName ?? "—" }), (task) => showTask(task, detail), t("appr.empty"))
  const ruleList = pendingList(rules, "rule", (rule) => t("appr.ruleLine", { template: tOr(`template.${rule.templateId}`, rule.templateId), version: rule.versionNo, author: rule.authorName ?? "—" }), (rule) => showRule(rule, detail), t("ldr.noRules"))
  return h(
    "section",
    { class: "view", "aria-labelledby": "ap-h" },
    h("h2", { id: "ap-h" }, t("appr.title")),
    h("div", { class: "grid" }, h("div", { class: "col" }, h("div", { class: "card" }, taskList), h("div", { class: "card" }, h("h3", {}, t("ldr.rulesTitle")), ruleList)), h("div", { class: "col wide" }, detail))
  )
}

/** A list of records awaiting approval: each name a button (class `<kind>-open`) that opens it, a line of facts beside it. */
const pendingList = (records, kind, line, open, empty) =>
  records.length
    ? h("ul", { class: `plain ${kind}-list` }, records.map((x) => h("li", {}, h("button", { type: "button", class: `link ${kind}-open`, dataset: { [kind]: x.id }, onclick: () => void open(x) }, x.name), " ", h("span", { class: "muted" }, line(x)))))
    : h("p", { class: "empty" }, empty)

/** Why candidates were left out, in words (the API's keys are the Extraction report's). */
const exclusionName = (k) => tOr(`excl.${k}`, k)

/**
 * The approve / reject form: rejecting needs a reason (checked here before the server says so).
 * Only approvers decide: a leader, admin or director sees the dry run with a note instead.
 */
function decisionForm(onDecide) {
  if (!hasRole("approver")) return h("p", { class: "muted decision-note" }, t("appr.onlyApprovers"))
  const comment = h("textarea", { rows: 2, maxlength: 2000, name: "comment" })
  const approve = h("button", { type: "submit", class: "primary", value: "approve" }, t("appr.approve"))
  const reject = h("button", { type: "submit", class: "danger", value: "reject" }, t("appr.reject"))
  const form = h("form", { class: "decision" }, field(t("appr.comment"), comment, t("appr.commentHint")), h("div", { class: "buttons" }, approve, reject))
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault()
    const rejecting = ev.submitter === reject
    if (rejecting && !comment.value.trim()) {
      showError(new Error(t("ldr.reasonRequired")), t("appr.rejectFailed"))
      comment.focus()
      return
    }
    await onDecide(rejecting, comment.value.trim(), ev.submitter)
  })
  return form
}

async function showTask(task, detail) {
  replace(detail, h("p", { class: "loading" }, t("appr.running")))
  let preview
  let split
  try {
    ;[preview, split] = await Promise.all([call("getApiTasksByIdPreview", { params: { id: task.id } }), call("getApiTasksByIdPreviewSplit", { params: { id: task.id } })])
  } catch (e) {
    replace(detail, h("p", { class: "empty" }, t("appr.failedRun")))
    return showError(e, t("appr.dryRunOf", { name: task.name }))
  }
  const r = preview.result
  const excluded = Object.entries(r.excluded)
  const form = decisionForm(async (rejecting, comment, button) => {
    const r2 = await act(button, rejecting ? t("appr.rejectFailed") : t("appr.approveFailed"), () =>
      rejecting ? call("postApiTasksByIdReject", { params: { id: task.id }, body: { comment } }) : call("postApiTasksByIdApprove", { params: { id: task.id }, body: comment ? { comment } : {} })
    )
    if (!r2) return
    forgetTask(task.id)
    showInfo(t(rejecting ? "appr.rejected" : "appr.approved", { name: task.name, status: word("status", r2.status) }))
    go("#/approvals")
  })
  const splitTable = (rows, cls, label) => table([{ title: label, cell: (x) => x.name }, { title: t("appr.items"), cell: (x) => String(x.items) }], rows, { class: cls })
  replace(
    detail,
    h(
      "article",
      { class: "card preview", "aria-labelledby": "pv-h" },
      h("h3", { id: "pv-h", tabindex: "-1" }, task.name),
      task.description ? h("p", {}, task.description) : null,
      h("dl", { class: "facts" }, [
        [h("dt", {}, t("appr.source")), h("dd", {}, word("source", task.source))],
        [h("dt", {}, t("appr.channel")), h("dd", {}, word("channel", task.channel))],
        [h("dt", {}, t("appr.cycle")), h("dd", {}, `${word("cycle", task.cycle)}, ${task.startsOn} – ${task.expiresOn ?? t("appr.openEnded")}`)],
        [h("dt", {}, t("appr.asOf")), h("dd", {}, t("appr.period", { asOf: preview.asOf, period: preview.period }))]
      ]),
      h("p", { class: "big" }, h("strong", { class: "handed-out" }, String(r.handedOut)), t("appr.handedOut", { n: r.candidates })),
      excluded.length ? h("h4", {}, t("appr.leftOut")) : null,
      excluded.length ? table([{ title: t("appr.reason"), cell: ([k]) => exclusionName(k) }, { title: t("appr.customers"), cell: ([, v]) => String(v) }], excluded, { class: "excluded" }) : null,
      h("h4", {}, t("ldr.perTeam")),
      split.perTeam.length ? splitTable(split.perTeam, "split-team", t("team.team")) : h("p", { class: "empty" }, t("appr.noItems")),
      h("h4", {}, t("appr.load")),
      split.perAgent.length ? splitTable(split.perAgent, "load", t("appr.agent")) : null,
      split.unassigned ? h("p", { class: "muted" }, t("ldr.unassignedItems", { n: split.unassigned })) : null,
      r.warnings.length ? h("ul", { class: "warnings" }, r.warnings.map((w) => h("li", {}, w))) : null,
      preview.sample.length ? h("p", { class: "muted sample" }, t("appr.first", { list: preview.sample.join(", ") })) : null,
      form
    )
  )
  detail.querySelector("h3").focus?.()
}

async function showRule(rule, detail) {
  replace(detail, h("p", { class: "loading" }, t("appr.running")))
  let preview
  try {
    preview = await call("getApiRulesByIdPreview", { params: { id: rule.id } })
  } catch (e) {
    replace(detail, h("p", { class: "empty" }, t("appr.failedRun")))
    return showError(e, t("appr.dryRunOf", { name: rule.name }))
  }
  const params = Object.entries(rule.definition?.params ?? {})
  const form = decisionForm(async (rejecting, reason, button) => {
    const r2 = await act(button, rejecting ? t("appr.rejectFailed") : t("appr.approveFailed"), () => (rejecting ? call("postApiRulesByIdReject", { params: { id: rule.id }, body: { reason } }) : call("postApiRulesByIdApprove", { params: { id: rule.id }, body: {} })))
    if (!r2) return
    showInfo(t(rejecting ? "appr.rejected" : "appr.approved", { name: rule.name, status: word("status", r2.status) }))
    go("#/approvals")
  })
  replace(
    detail,
    h(
      "article",
      { class: "card preview rule-preview", "aria-labelledby": "rv-h" },
      h("h3", { id: "rv-h", tabindex: "-1" }, rule.name),
      h("dl", { class: "facts" }, [
        [h("dt", {}, t("ldr.template")), h("dd", {}, tOr(`template.${rule.templateId}`, rule.templateId))],
        params.map(([k, v]) => [h("dt", {}, tOr(`tparam.${k}`, k)), h("dd", {}, paramText(v))])
      ]),
      h("p", { class: "big" }, h("strong", { class: "rule-count" }, String(preview.count)), t("ldr.ruleMatches")),
      preview.sample.length ? h("p", { class: "muted sample" }, t("appr.first", { list: preview.sample.join(", ") })) : null,
      form
    )
  )
  detail.querySelector("h3").focus?.()
}
