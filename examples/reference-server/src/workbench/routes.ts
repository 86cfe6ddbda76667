/**
 * The agent workbench: the page agents and leaders work in, served by the reference server itself.
 * `workbenchRoutes` registers the page and its static assets (plain ES modules and CSS from
 * `./static`, read once at start, no build step) on the server's router; the page talks to the JSON
 * API under `/api` as the logged-in person. Page and assets are public: they hold no data.
 */
import { readdirSync, readFileSync } from "node:fs"
import type { Router } from "../http"
import { clientModule } from "../client"
import { locales, localeOf, messagesModule } from "../i18n"
import { workbenchCsp, workbenchPage } from "../page"

/** What the workbench needs from the server. */
export interface WorkbenchOptions {
  /** Demo logins shown on the login screen (empty outside demos). */
  readonly demoLogins?: ReadonlyArray<{ readonly role: string; readonly managerId: string; readonly name: string }>
  /** The demo password shown beside the demo logins (demo mode only). */
  readonly demoPassword?: string
}

const contentTypes: Readonly<Record<string, string>> = {
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  svg: "image/svg+xml"
}

/** Sent with the page and every asset: the strict CSP, no framing, no referrer, no sniffing. */
const securityHeaders: Readonly<Record<string, string>> = {
  "content-security-policy": workbenchCsp,
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff"
}

/**
 * The workbench's static files by name (`app.js` → its text and content type), read once from
 * `./static` (only plain lowercase names with a known type: nothing else is ever served).
 *
 * @example
 * ```ts
 * workbenchAssets().get("app.js")?.contentType // "text/javascript; charset=utf-8"
 * ```
 */
export const workbenchAssets = (): ReadonlyMap<string, { readonly text: string; readonly contentType: string }> => {
  const dir = new URL("./static/", import.meta.url)
  const out = new Map<string, { text: string; contentType: string }>()
  for (const name of readdirSync(dir)) {
    const type = contentTypes[name.slice(name.lastIndexOf(".") + 1)]
    if (type && /^[a-z][a-z0-9-]*\.[a-z]+$/.test(name)) out.set(name, { text: readFileSync(new URL(name, dir), "utf8"), contentType: type })
  }
  // Both message catalogues, generated from the typed ones (src/i18n), as one more module.
  out.set("messages.js", { text: messagesModule(), contentType: contentTypes.js! })
  return out
}

/**
 * Registers the workbench page (`GET /`) and its assets (`GET /workbench/<file>`) on `router`. The
 * page is rendered once per locale and served in the request's ({@link localeOf}: the language
 * switch's cookie, else `Accept-Language`).
 *
 * @example
 * ```ts
 * workbenchRoutes(router, { demoLogins, demoPassword: "winback-demo" })
 * ```
 */
export const workbenchRoutes = (router: Router, options: WorkbenchOptions = {}): void => {
  const pages = new Map(
    locales.map((locale) => [locale, workbenchPage({ locale, demoLogins: options.demoLogins ?? [], ...(options.demoPassword ? { demoPassword: options.demoPassword } : {}) })])
  )
  const assets = workbenchAssets()
  router.on("GET", "/", async (req) => ({
    text: pages.get(localeOf(req.raw))!,
    contentType: "text/html; charset=utf-8",
    headers: { ...securityHeaders, vary: "Accept-Language, Cookie", "content-language": localeOf(req.raw) }
  }))
  // The API client is generated from the route table on first request, when every route is registered.
  let client: { readonly text: string; readonly contentType: string } | undefined
  router.on("GET", "/workbench/:file", async (req) => {
    const asset = req.params.file === "client.js" ? (client ??= { text: clientModule(router.list()), contentType: contentTypes.js! }) : assets.get(req.params.file ?? "")
    if (!asset) return { status: 404, json: { error: { code: "not_found", message: `no workbench asset ${req.params.file}` } } }
    return { text: asset.text, contentType: asset.contentType, headers: securityHeaders }
  })
}
