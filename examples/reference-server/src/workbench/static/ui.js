// Shared by every view: the session (who is logged in), the message area (errors are always shown,
// with the API's code and details) and navigation.
import { ApiError } from "./api.js"
import { h } from "./dom.js"
import { t, tOr } from "./i18n.js"

const $ = (id) => document.getElementById(id)

/** The session: the logged-in manager as GET /api/me answers it (null when logged out). */
export const session = { me: null }

export const roleNames = (me) => me?.roles ?? []
/** Whether the logged-in person holds one of `roles`. */
export const hasRole = (...roles) => roleNames(session.me).some((r) => roles.includes(r))
/** The logged-in manager's id. */
export const meId = () => session.me?.id

// ---- messages -------------------------------------------------------------------------------

/** Shows an error (an ApiError's code, message and details, or any Error) in the alert region. */
export function showError(e, context) {
  if (e instanceof ApiError && e.sessionEnded) return
  const box = $("messages")
  const code = e instanceof ApiError ? e.code : "error"
  const details = e instanceof ApiError && e.details != null ? describeDetails(e.details) : []
  box.appendChild(
    h(
      "div",
      { class: "msg error", role: "alert" },
      h("strong", {}, context ? `${context}${t("punct.colon")}` : ""),
      h("span", { class: "msg-text" }, e instanceof Error ? e.message : String(e)),
      " ",
      h("code", { class: "msg-code" }, code),
      details.length ? h("ul", {}, details.map((d) => h("li", {}, d))) : null,
      h("button", { type: "button", class: "link", "aria-label": t("msg.dismiss"), onclick: (ev) => ev.currentTarget.parentElement.remove() }, "×")
    )
  )
}

/** Shows a success message (polite live region). */
export function showInfo(text) {
  const box = $("messages")
  box.appendChild(
    h("div", { class: "msg info", role: "status" }, h("span", { class: "msg-text" }, text), " ", h("button", { type: "button", class: "link", "aria-label": t("msg.dismiss"), onclick: (ev) => ev.currentTarget.parentElement.remove() }, "×"))
  )
}

export const clearMessages = () => $("messages").replaceChildren()

const describeDetails = (details) => {
  if (Array.isArray(details)) return details.map((d) => (d && typeof d === "object" ? `${Array.isArray(d.path) ? d.path.join(".") + ": " : ""}${d.message ?? JSON.stringify(d)}` : String(d)))
  if (details && typeof details === "object") return Object.entries(details).map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
  return [String(details)]
}

/** Runs an async action with its button disabled, errors shown; resolves with the result or undefined. */
export async function act(button, context, f) {
  // A new attempt: the errors of earlier ones are settled (they stay until then, never swallowed).
  for (const old of document.querySelectorAll("#messages .msg.error")) old.remove()
  if (button) button.disabled = true
  try {
    return await f()
  } catch (e) {
    showError(e, context)
    return undefined
  } finally {
    if (button) button.disabled = false
  }
}

/**
 * Sends the file chosen in `input` (an .xlsx workbook or a CSV) with `button` disabled:
 * `send(bytes, type)` makes the call, `shown(answer)` shows its outcome; a refusal goes to
 * `refused(error)` and is shown under `context`. Without a file it says `pickText`.
 */
export async function sendFile(button, input, context, pickText, send, shown, refused) {
  const f = input.files?.[0]
  if (!f) return showError(new Error(pickText), context)
  const bytes = new Uint8Array(await f.arrayBuffer())
  const type = /\.xlsx$/i.test(f.name) ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv"
  // A new attempt settles the errors of earlier ones (as act() does).
  for (const old of document.querySelectorAll("#messages .msg.error")) old.remove()
  try {
    button.disabled = true
    shown(await send(bytes, type))
  } catch (e) {
    refused(e)
    showError(e, context)
  } finally {
    button.disabled = false
  }
}

/**
 * A check-then-import form: heading, hint, the fields, **Check** and **Import**, the report.
 * `send(button, dryRun)` runs either (a check with `dryRun` true).
 */
export function importForm({ className = "", id, title, hint, fields, check, run, report, send }) {
  check.addEventListener("click", () => void send(check, true))
  const form = h("form", { class: `card import ${className}`.trim(), "aria-labelledby": id }, h("h3", { id }, title), h("p", { class: "muted" }, hint), ...fields, h("div", { class: "buttons" }, check, run), report)
  form.addEventListener("submit", (ev) => {
    ev.preventDefault()
    void send(run, false)
  })
  return form
}

/** Set while the app itself navigates, so the messages it just showed survive the hash change. */
export const navigation = { keepMessages: false }

/** Navigates to a hash route (re-renders even when it is the current one); keeps the messages. */
export function go(hash) {
  if (location.hash === hash) window.dispatchEvent(new Event("workbench:render"))
  else {
    navigation.keepMessages = true
    location.hash = hash
  }
}

/**
 * A rule parameter as a reader sees it: a threshold per tier (`{ by: "tier", values, otherwise }`)
 * becomes "Diamond 10 · Gold 15 · Otherwise 20" in the page's language; a region table shows the
 * region names; lists are joined; other objects become "key: value" pairs. Never raw JSON.
 */
export const paramText = (v) => {
  if (v === null || v === undefined) return "—"
  if (Array.isArray(v)) return v.map(paramText).join(", ")
  if (typeof v !== "object") return String(v)
  if ((v.by === "tier" || v.by === "region") && v.values && typeof v.values === "object") {
    const label = (k) => (v.by === "tier" ? tOr(`tier.${k}`, k) : k)
    const parts = Object.entries(v.values).map(([k, x]) => `${label(k)} ${paramText(x)}`)
    if (v.otherwise !== undefined && v.otherwise !== null) parts.push(`${t("adm.rules.otherwise")} ${paramText(v.otherwise)}`)
    return parts.join(" · ")
  }
  return Object.entries(v).map(([k, x]) => `${tOr(`tparam.${k}`, k)}: ${paramText(x)}`).join("; ")
}
