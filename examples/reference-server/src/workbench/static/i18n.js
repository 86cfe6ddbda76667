// The page's language: the <html lang> the server rendered (the language switch's cookie, else
// Accept-Language), and its messages from the typed catalogues (src/i18n, served as messages.js).
// t("work.page", { n: 2 }) → "Page 2" / "第 2 页"; a key without a message shows the English one.
import { catalogues } from "./messages.js"

/** The page's locale: "en" or "zh-CN". */
export const locale = document.documentElement.lang === "zh-CN" ? "zh-CN" : "en"

const fill = (s, vars) => s.replace(/\{([a-zA-Z0-9_]+)\}/g, (m, k) => (vars && k in vars ? String(vars[k]) : m))

/** The message of `key` in the page's locale, placeholders filled. */
export const t = (key, vars) => fill(catalogues[locale][key] ?? catalogues.en[key] ?? key, vars)

/** The message of a key built from data (a channel, a disposition, a report key), or `fallback`. */
export const tOr = (key, fallback, vars) => {
  const s = catalogues[locale][key] ?? catalogues.en[key]
  return s === undefined ? fallback : fill(s, vars)
}

/** A data value in words: tOr(`${prefix}.${value}`, value). */
export const word = (prefix, value) => (value === null || value === undefined ? "—" : tOr(`${prefix}.${value}`, String(value)))

const storageKey = "winback_locale"

/** Switches the page's language: remembered in a cookie (the server reads it) and localStorage; reloads. */
export function setLocale(l) {
  document.cookie = `winback_locale=${encodeURIComponent(l)}; Path=/; Max-Age=31536000; SameSite=Strict`
  try {
    localStorage.setItem(storageKey, l)
  } catch {
    // storage may be off: the cookie alone remembers the choice
  }
  location.reload()
}

// A choice remembered in localStorage whose cookie was cleared: restore the cookie and render again.
try {
  const remembered = localStorage.getItem(storageKey)
  if (remembered && remembered !== locale && !/(?:^|;\s*)winback_locale=/.test(document.cookie) && (remembered === "en" || remembered === "zh-CN")) setLocale(remembered)
} catch {
  // no storage: nothing remembered
}

/** Wires the page's language switch (buttons with data-locale). */
export function wireSwitch() {
  for (const b of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll("button[data-locale]"))) b.addEventListener("click", () => b.dataset.locale !== locale && setLocale(b.dataset.locale))
}

/** Formats an ISO instant in the page's locale. */
export const formatInstant = (iso) => new Date(iso).toLocaleString(locale === "zh-CN" ? "zh-CN" : undefined)
