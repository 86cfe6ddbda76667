import { formatInstant } from "./i18n.js"

// DOM helpers for the workbench. Every piece of data reaches the page as a text node or an
// attribute value (never parsed as HTML), so a customer name like "<img onerror=…>" stays text.

/**
 * Builds an element: h("button", { type: "button", onclick: f, class: "primary" }, "Save").
 * Attributes starting with "on" become listeners; `dataset` and `hidden`/`disabled`/`checked`/`value`
 * are set as properties; children may be strings, numbers, nodes, arrays or null (skipped).
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v)
    else if (k === "dataset") Object.assign(el.dataset, v)
    else if (k === "hidden" || k === "disabled" || k === "checked" || k === "value" || k === "selected" || k === "multiple") el[k] = v
    else el.setAttribute(k, v === true ? "" : String(v))
  }
  append(el, children)
  return el
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue
    if (Array.isArray(c)) append(el, c)
    else if (c instanceof Node) el.appendChild(c)
    else el.appendChild(document.createTextNode(String(c)))
  }
}

/** Replaces the children of `el`. */
export function replace(el, ...children) {
  el.replaceChildren()
  append(el, children)
  return el
}

let ids = 0
/** A fresh element id, for label/for and aria-describedby pairs. */
export const uid = (prefix = "f") => `${prefix}-${++ids}`

/** A labelled form field: the label wraps nothing, it points at the control by id. */
export function field(labelText, control, hint) {
  if (!control.id) control.id = uid()
  const hintEl = hint ? h("small", { class: "hint", id: control.id + "-hint" }, hint) : null
  if (hintEl) control.setAttribute("aria-describedby", hintEl.id)
  return h("div", { class: "field" }, h("label", { for: control.id }, labelText), control, hintEl)
}

/** A <select> of [value, text] pairs. */
export function select(options, attrs = {}) {
  return h("select", attrs, options.map(([value, text]) => h("option", { value }, text)))
}

/** Formats an ISO instant in the page's locale, or "—". */
export const when = (iso) => (iso ? formatInstant(iso) : "—")

/** Turns a table definition into a <table>: columns [{ title, cell(row) → node|string }]. */
export function table(columns, rows, attrs = {}) {
  return h(
    "table",
    attrs,
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col" }, c.title)))),
    h("tbody", {}, rows.map((r) => h("tr", {}, columns.map((c) => h("td", {}, c.cell(r))))))
  )
}
