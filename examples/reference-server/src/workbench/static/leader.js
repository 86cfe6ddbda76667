// The leader's views: the team's work per member (open, in progress, overdue), its work items and
// customers moved between agents (assign / transfer), the team's unassigned pool handed out to
// agents. Approvals live in approver.js; imports, groups and offer approvals in desk.js; the reports
// in director.js.
import { call, itemsOf } from "./api.js"
import { taskOf } from "./agent.js"
import { field, h, replace, select, table, uid } from "./dom.js"
import { act, go, hasRole, session, showError, showInfo } from "./ui.js"
import { t, word } from "./i18n.js"
import { customerTransferCard, memberWorkCard, overdueBadge } from "./desk.js"

// ---- team work ------------------------------------------------------------------------------

/** A work item's customer as a leader reads it: the name (a link to the customer) and the masked phone, never the id. */
const customerCell = (w) => [
  h("a", { href: `#/customers/${encodeURIComponent(w.customerId)}`, class: "customer-link", dataset: { customer: w.customerId } }, w.customerName ?? "—"),
  w.customerPhone ? h("small", { class: "muted" }, ` ${w.customerPhone}`) : null
]

/** An agent's display name among `people` (the id only for someone not listed). */
const nameIn = (people, id) => people.find((m) => m.id === id)?.name ?? id

/** The team's open work items by agent; tick items and move them to another agent. */
/** The team chosen in the team view (the leader's own by default; directors pick one below theirs). */
let chosenTeam = null

/** The caller's team and every team below it, in tree order (the teams a leader may oversee). */
async function teamsBelow(rootId) {
  const all = itemsOf(await call("getApiTeams", { query: { limit: 200 } }))
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
  // A director reads the work of the whole subtree; a team leader (a squad's or a district's) their own team's.
  const director = hasRole("director")
  const tree = (await teamsBelow(ownTeam)).filter((t) => director || t.team.id === ownTeam)
  // The default: the caller's own team; a director (who reads the whole subtree) starts on the first
  // squad below, where the agents and their work are (a region's own members are leaders).
  const hasChildren = (id) => tree.some((t) => t.team.parentId === id)
  const firstSquad = tree.find((t) => !hasChildren(t.team.id))?.team.id ?? ownTeam
  const teamId = tree.some((t) => t.team.id === chosenTeam) ? chosenTeam : director && hasChildren(ownTeam) ? firstSquad : ownTeam
  const teamSelect = select(tree.map(({ team, depth }) => [team.id, `${"· ".repeat(depth)}${team.name ?? team.id}`]), { name: "team" })
  teamSelect.value = teamId
  teamSelect.addEventListener("change", () => {
    chosenTeam = teamSelect.value
    go("#/team")
  })
  const [membersPage, summary] = await Promise.all([call("getApiTeamsByIdMembers", { params: { id: teamId }, query: { limit: 200 } }), call("getApiTeamWork", { query: { teamId } })])
  const members = itemsOf(membersPage)
  const agents = members.filter((m) => (m.roles ?? []).includes("agent"))
  const who = select(members.map((m) => [m.id, m.name]), { name: "assignee" })
  who.value = agents[0]?.id ?? ""
  const to = select(agents.map((m) => [m.id, m.name]), { name: "to" })
  const note = h("input", { type: "text", maxlength: 4000, name: "note" })
  const listHost = h("div", { class: "team-items", "aria-live": "polite" })
  let checks = new Map()

  const load = async () => {
    replace(listHost, h("p", { class: "loading" }, t("view.loading")))
    try {
      const page = await call("getApiWorkItems", { query: { assigneeId: who.value, state: ["open", "in-progress"], limit: 100 } })
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
                    const b = h("input", { type: "checkbox", id: uid("wi"), value: w.id, "aria-label": t("team.moveLabel", { task: tasks.get(w.taskId)?.name ?? w.taskId, customer: w.customerName ?? "—" }) })
                    checks.set(w.id, b)
                    return b
                  }
                },
                { title: t("team.customer"), cell: customerCell },
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
    const r = await act(move, t("team.moveFailed"), () => call("postApiAllocationWorkItems", { body: { ids, to: to.value, ...(note.value ? { note: note.value } : {}) } }))
    if (!r) return
    showInfo(`${t("team.moved", { n: r.changed.length, to: nameIn(agents, to.value) })}${r.unchanged.length ? t("team.alreadyThere", { n: r.unchanged.length }) : ""}${t("punct.end")}`)
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
  const to = select(agents.map((m) => [m.id, m.name]), { name: "pool-to" })
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
                  const b = h("input", { type: "checkbox", id: uid("pool"), value: w.id, "aria-label": t("pool.assignLabel", { task: tasks.get(w.taskId)?.name ?? w.taskId, customer: w.customerName ?? "—" }) })
                  checks.set(w.id, b)
                  return b
                }
              },
              { title: t("team.customer"), cell: customerCell },
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
      const page = await call("getApiWorkPool", { query: { teamId, limit: 50, cursor: fresh ? undefined : cursor } })
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
    const r = await act(assign, t("pool.failed"), () => call("postApiAllocationWorkItems", { body: { ids, to: to.value, from: null } }))
    if (!r) return
    showInfo(t("pool.assigned", { n: r.changed.length, to: nameIn(agents, to.value) }))
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
