/**
 * The workbench page: a static HTML shell (login screen with the demo logins, navigation, message
 * area, view) whose behaviour lives in ES modules under /workbench/. No inline script or style, so
 * the page runs under a strict Content-Security-Policy; every piece of data the server puts in the
 * page is HTML-escaped, and the scripts insert data as text only.
 */

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

/**
 * Renders the workbench page. With demo logins (demo mode) the login screen lists them, each with a
 * button that fills the login form; `demoPassword` is shown beside them when given.
 *
 * @example
 * ```ts
 * const html = workbenchPage({ demoLogins: [{ role: "agent", managerId: "m-1", name: "Li Na" }], demoPassword: "winback-demo" })
 * ```
 */
export const workbenchPage = (o: { readonly demoLogins: ReadonlyArray<PageLogin>; readonly demoPassword?: string }): string => {
  // The CSP as a meta element too: it holds even where a proxy drops the response header.
  // (frame-ancestors is header-only, so the meta copy leaves it out.)
  const metaCsp = workbenchCsp.replace(/; frame-ancestors 'none'/, "")
  const pw = o.demoPassword ? ` data-password="${esc(o.demoPassword)}"` : ""
  const logins = o.demoLogins.length
    ? `<section class="demo-logins" aria-labelledby="demo-h"><h2 id="demo-h">Demo logins</h2>
<p>This server runs with demo data.${o.demoPassword ? ` Every demo login's password is <code>${esc(o.demoPassword)}</code>.` : ""}</p>
<ul>${o.demoLogins
        .map(
          (l) =>
            `<li><button type="button" class="secondary" data-login="${esc(l.managerId)}"${pw}>Use</button> <span class="role">${esc(l.role)}</span> <code>${esc(l.managerId)}</code> <span class="name">${esc(l.name)}</span></li>`
        )
        .join("")}</ul></section>`
    : ""
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${esc(metaCsp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>Winback workbench</title>
<link rel="stylesheet" href="/workbench/app.css">
<script type="module" src="/workbench/app.js"></script>
</head>
<body>
<a class="skip" href="#view">Skip to content</a>
<div id="messages" class="messages" aria-live="polite"></div>
<div id="login" class="login" hidden>
<header class="brand"><h1>Winback workbench</h1><p>Retention and callback work</p></header>
<form id="login-form" class="card" aria-labelledby="login-h" autocomplete="on" method="post" action="/api/login">
<h2 id="login-h">Log in</h2>
<div class="field"><label for="login-id">Login</label><input id="login-id" name="username" autocomplete="username" required spellcheck="false"></div>
<div class="field"><label for="login-password">Password</label><input id="login-password" name="password" type="password" autocomplete="current-password" required></div>
<button id="login-submit" class="primary" type="submit">Log in</button>
</form>
${logins}
</div>
<div id="app" hidden>
<header class="topbar"><span class="logo">Winback</span>
<nav id="nav" aria-label="Main"><a href="#/work">Work list</a><a id="nav-approvals" href="#/approvals">Approvals</a><a id="nav-team" href="#/team">Team work</a><a href="#/reports">Reports</a></nav>
<span id="whoami" class="whoami"></span><button id="logout" type="button" class="secondary">Log out</button></header>
<main id="view" tabindex="-1"></main>
</div>
<p id="booting" class="loading">Loading the workbench…</p>
<noscript>The workbench needs JavaScript.</noscript>
</body></html>`
}
