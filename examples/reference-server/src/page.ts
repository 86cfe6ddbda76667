/**
 * The workbench page: a static HTML shell (login screen with the demo logins, navigation, message
 * area, view) whose behaviour lives in ES modules under /workbench/. No inline script or style, so
 * the page runs under a strict Content-Security-Policy; every piece of data the server puts in the
 * page is HTML-escaped, and the scripts insert data as text only.
 */

import { type Locale, locales, message, type MessageKey, messageOf } from "./i18n"

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/**
 * The Content-Security-Policy of the page and its assets: only same-origin scripts, styles, fetches
 * and images (the report charts are same-origin SVG); no inline code, no plugins, no framing.
 *
 * @example
 * ```ts
 * res.setHeader("content-security-policy", workbenchCsp)
 * ```
 */
export const workbenchCsp =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

/** A demo login as the login screen lists it. */
export interface PageLogin {
  readonly role: string
  readonly managerId: string
  readonly name: string
}

/** Each locale's name in its own language, for the switch. */
const localeNames: Readonly<Record<Locale, string>> = { en: "English", "zh-CN": "中文" }

/**
 * Renders the workbench page in `locale` (`<html lang>`, every text of the shell; the scripts read
 * the lang attribute and speak the same). With demo logins (demo mode) the login screen lists them,
 * each with a button that fills the login form; `demoPassword` is shown beside them when given. The
 * language switch (one button per locale) sets the `winback_locale` cookie and reloads.
 *
 * @example
 * ```ts
 * const html = workbenchPage({ locale: "zh-CN", demoLogins: [{ role: "agent", managerId: "m-1", name: "李娜" }], demoPassword: "winback-demo" })
 * ```
 */
export const workbenchPage = (o: { readonly locale?: Locale; readonly demoLogins: ReadonlyArray<PageLogin>; readonly demoPassword?: string }): string => {
  const locale = o.locale ?? "en"
  const t = (key: MessageKey) => esc(message(locale, key))
  // The CSP as a meta element too: it holds even where a proxy drops the response header.
  // (frame-ancestors is header-only, so the meta copy leaves it out.)
  const metaCsp = workbenchCsp.replace(/; frame-ancestors 'none'/, "")
  const pw = o.demoPassword ? ` data-password="${esc(o.demoPassword)}"` : ""
  const logins = o.demoLogins.length
    ? `<section class="demo-logins" aria-labelledby="demo-h"><h2 id="demo-h">${t("login.demoHeading")}</h2>
<p>${t("login.demoText")}${o.demoPassword ? ` ${t("login.demoPassword")} <code>${esc(o.demoPassword)}</code>.` : ""}</p>
<ul>${o.demoLogins
        .map(
          (l) =>
            `<li><button type="button" class="secondary" data-login="${esc(l.managerId)}"${pw}>${t("login.use")}</button> <span class="role">${esc(messageOf(locale, `role.${l.role}`) ?? l.role)}</span> <code>${esc(l.managerId)}</code> <span class="name">${esc(l.name)}</span></li>`
        )
        .join("")}</ul></section>`
    : ""
  const switcher = `<nav class="lang-switch" aria-label="${t("page.language")}">${locales
    .map((l) => `<button type="button" class="link" data-locale="${l}" lang="${l}"${l === locale ? ' aria-pressed="true"' : ' aria-pressed="false"'}>${esc(localeNames[l])}</button>`)
    .join(" ")}</nav>`
  return `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${esc(metaCsp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>${t("page.title")}</title>
<link rel="stylesheet" href="/workbench/app.css">
<script type="module" src="/workbench/app.js"></script>
</head>
<body>
<a class="skip" href="#view">${t("page.skip")}</a>
${switcher}
<div id="messages" class="messages" aria-live="polite"></div>
<div id="login" class="login" hidden>
<header class="brand"><h1>${t("page.title")}</h1><p>${t("page.tagline")}</p></header>
<form id="login-form" class="card" aria-labelledby="login-h" autocomplete="on" method="post" action="/api/login">
<h2 id="login-h">${t("login.heading")}</h2>
<div class="field"><label for="login-id">${t("login.login")}</label><input id="login-id" name="username" autocomplete="username" required spellcheck="false"></div>
<div class="field"><label for="login-password">${t("login.password")}</label><input id="login-password" name="password" type="password" autocomplete="current-password" required></div>
<button id="login-submit" class="primary" type="submit">${t("login.submit")}</button>
</form>
${logins}
</div>
<div id="app" hidden>
<header class="topbar"><span class="logo">Winback</span>
<nav id="nav" aria-label="${t("nav.main")}"><a id="nav-work" href="#/work">${t("nav.work")}</a><a id="nav-approvals" href="#/approvals">${t("nav.approvals")}</a><a id="nav-team" href="#/team">${t("nav.team")}</a><a id="nav-imports" href="#/imports" hidden>${t("ldr.navImports")}</a><a id="nav-offers" href="#/offers" hidden>${t("ldr.navOffers")}</a><a id="nav-reports" href="#/reports">${t("nav.reports")}</a><a id="nav-admin" href="#/admin" hidden>${t("nav.admin")}</a><a id="nav-appointments" href="#/appointments" hidden>${t("nav.appointments")}</a><a id="nav-sms" href="#/sms">${t("nav.sms")}</a>
<a id="nav-overview" href="#/overview" hidden>${t("nav.overview")}</a><a id="nav-audit" href="#/audit" hidden>${t("nav.audit")}</a></nav>
<span id="whoami" class="whoami"></span><button id="logout" type="button" class="secondary">${t("nav.logout")}</button></header>
<main id="view" tabindex="-1"></main>
</div>
<p id="booting" class="loading">${t("page.loading")}</p>
<noscript>${t("page.noscript")}</noscript>
</body></html>`
}
