// The workbench shell: who is logged in, the navigation, the message area and a tiny hash router.
// Views live in agent.js (work list, customer, questionnaire, call, appointment, DND) and
// leader.js (approvals, team work), director.js (reports); each renders into <main> and reports errors here.
import { ApiError, call, setUnauthenticatedHandler } from "./api.js"
import { h, replace } from "./dom.js"
import { act, clearMessages, go, hasRole, meId, navigation, roleNames, session, showError } from "./ui.js"
import { customerView, workListView } from "./agent.js"
import { teamView } from "./leader.js"
import { approvalsView } from "./approver.js"
import { importsView, offersView } from "./desk.js"
import { auditView, overviewView, reportsView } from "./director.js"
import { t, tOr, wireSwitch } from "./i18n.js"
import { smsTaskView, smsView } from "./sms.js"
import { dndView, isAdmin, managersView, rulesView, tasksView, teamsView } from "./admin.js"
import { appointmentsView, startReminders } from "./appointments.js"

/** @type {(id: string) => any} */
const $ = (id) => document.getElementById(id)

// ---- routing --------------------------------------------------------------------------------

/** @type {Array<[RegExp, (m: RegExpExecArray) => any]>} */
const routes = [
  [/^#\/work(?:\?(.*))?$/, (m) => workListView(new URLSearchParams(m[1] ?? ""))],
  [/^#\/customers\/([^/?]+)$/, (m) => customerView(decodeURIComponent(m[1]))],
  [/^#\/approvals$/, () => approvalsView()],
  [/^#\/team$/, () => teamView()],
  [/^#\/reports$/, () => reportsView()],
  // The admin's screens (admin.js)
  [/^#\/admin(?:\?(.*))?$/, (m) => teamsView(new URLSearchParams(m[1] ?? ""))],
  [/^#\/admin\/managers(?:\?(.*))?$/, (m) => managersView(new URLSearchParams(m[1] ?? ""))],
  [/^#\/admin\/rules(?:\?(.*))?$/, (m) => rulesView(new URLSearchParams(m[1] ?? ""))],
  [/^#\/admin\/tasks(?:\?(.*))?$/, (m) => tasksView(new URLSearchParams(m[1] ?? ""))],
  [/^#\/admin\/dnd(?:\?(.*))?$/, (m) => dndView(new URLSearchParams(m[1] ?? ""))],
  [/^#\/imports$/, () => importsView()],
  [/^#\/offers$/, () => offersView()],
  [/^#\/appointments$/, () => appointmentsView()],
  [/^#\/sms$/, () => smsView()],
  [/^#\/sms\/tasks\/([^/?]+)(?:\?(.*))?$/, (m) => smsTaskView(decodeURIComponent(m[1]), new URLSearchParams(m[2] ?? ""))],
  // the director's screens (director.js)
  [/^#\/overview$/, () => overviewView()],
  [/^#\/audit$/, () => auditView()]
]

const defaultRoute = () =>
  hasRole("director") && !hasRole("agent", "team-leader")
    ? "#/overview"
    : hasRole("approver") && !hasRole("agent", "team-leader")
      ? "#/approvals"
      : hasRole("team-leader", "director") && !hasRole("agent")
        ? "#/team"
        : isAdmin() && !hasRole("agent")
          ? "#/admin"
          : "#/work"

/** The latest render: a view that finishes loading after the user moved on is dropped, not shown under another screen's tab. */
let renders = 0

async function render() {
  const mine = ++renders
  if (!session.me) return showLogin()
  if (!location.hash) history.replaceState(null, "", defaultRoute())
  const hash = location.hash
  const route = routes.find(([re]) => re.test(hash))
  if (!route) return go(defaultRoute())
  const main = $("view")
  for (const a of document.querySelectorAll("#nav a")) a.toggleAttribute("aria-current", hash.startsWith(a.getAttribute("href")))
  replace(main, h("p", { class: "loading" }, t("view.loading")))
  try {
    const node = await route[1](route[0].exec(hash))
    if (mine !== renders) return
    replace(main, node)
    const heading = main.querySelector("h2")
    if (heading) {
      heading.tabIndex = -1
      heading.focus({ preventScroll: true })
    }
  } catch (e) {
    if (mine !== renders) return
    replace(main, h("p", { class: "empty" }, t("view.failed")))
    if (!(e instanceof ApiError)) console.error(e) // a bug of the page: keep its stack for the console
    showError(e)
  }
}
window.addEventListener("hashchange", () => {
  if (!navigation.keepMessages) clearMessages()
  navigation.keepMessages = false
  void render()
})
// go() to the current hash asks for a re-render without clearing the messages it just showed.
window.addEventListener("workbench:render", () => void render())

// ---- login ----------------------------------------------------------------------------------

function showLogin() {
  $("booting")?.remove()
  $("app").hidden = true
  $("login").hidden = false
  $("login").prepend($("messages")) // messages sit above the login form, or under the top bar
  $("login-id").focus()
}

/**
 * Admins and directors are told, on every screen, when the business calendar lacks a coming year's
 * holidays: from its first day phone and visit work is refused until an operator supplies them.
 */
async function calendarWarning() {
  document.getElementById("calendar-gap")?.remove()
  if (!isAdmin() && !hasRole("director")) return
  const reach = await call("getApiOrgReach").catch(() => null)
  if (!reach?.calendarGaps.length) return
  $("app").insertBefore(h("div", { id: "calendar-gap", class: "msg warn", role: "status" }, t("cal.gap", { years: reach.calendarGaps.join(", ") })), $("messages"))
}

async function showApp() {
  $("booting")?.remove()
  $("login").hidden = true
  $("app").hidden = false
  $("app").insertBefore($("messages"), $("view"))
  const me = session.me
  replace($("whoami"), h("span", { class: "who-name" }, me.name ?? meId()), " ", h("span", { class: "who-roles" }, roleNames(me).map((r) => tOr(`role.${r}`, r)).join(", ")))
  // Each screen shows for the roles that can use it (the server refuses the rest anyway): an
  // approver sees approvals, not an empty work list, a report they may not read or SMS they do not send.
  $("nav-work").hidden = !hasRole("agent", "team-leader") && (isAdmin() || hasRole("approver", "director"))
  $("nav-reports").hidden = !hasRole("agent", "team-leader", "director", "admin")
  $("nav-sms").hidden = !hasRole("agent", "team-leader", "director", "admin")
  $("nav-approvals").hidden = !hasRole("approver", "admin", "director", "team-leader")
  $("nav-team").hidden = !hasRole("team-leader", "director")
  $("nav-admin").hidden = !isAdmin()
  $("nav-imports").hidden = !hasRole("team-leader")
  $("nav-offers").hidden = !hasRole("team-leader")
  $("nav-appointments").hidden = !hasRole("agent", "team-leader")
  startReminders()
  void calendarWarning()
  // the director's screens
  $("nav-overview").hidden = !hasRole("director")
  $("nav-audit").hidden = !hasRole("director", "admin")
  await render()
}

$("login-form").addEventListener("submit", async (ev) => {
  ev.preventDefault()
  clearMessages()
  const button = ev.submitter ?? $("login-submit")
  await act(button, t("login.failed"), async () => {
    // The session cookie the answer sets is what every later request carries (the token in the
    // body is for API clients; the page never stores it).
    await call("postApiLogin", { body: { login: $("login-id").value.trim(), password: $("login-password").value } })
    $("login-password").value = ""
    session.me = await call("getApiMe")
    history.replaceState(null, "", location.pathname)
    await showApp()
  })
})

for (const b of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll("button[data-login]"))) {
  b.addEventListener("click", () => {
    $("login-id").value = b.dataset.login
    if (b.dataset.password) $("login-password").value = b.dataset.password
    $("login-password").focus()
  })
}

$("logout").addEventListener("click", async (ev) => {
  const done = await act(ev.currentTarget, t("logout.failed"), () => call("postApiLogout"))
  if (done === undefined) return
  // A fresh page: nothing of this person's session (cached tasks, pages seen) outlives it.
  location.replace(location.pathname)
})

setUnauthenticatedHandler(() => {
  if (!session.me) return
  session.me = null
  showLogin()
  showError(new Error(t("session.ended")))
})

wireSwitch()

// Start: resume the session the cookie carries, or ask for a login.
try {
  session.me = await call("getApiMe")
  await showApp()
} catch (e) {
  if (!(e instanceof ApiError && e.status === 401)) showError(e)
  showLogin()
}
