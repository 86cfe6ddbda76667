/**
 * Cross-site request forgery: a browser sends the session cookie with any request to this server,
 * including a form post or a body-less `fetch` from another site (SameSite=Strict is not enough on
 * its own: an old browser, a sibling subdomain, a `text/plain` body). So a state-changing request
 * that is authenticated by the cookie must also show that it comes from this site: an `Origin` of
 * the server itself (or a configured allowed origin), or the custom `X-Winback-Csrf` header
 * (`X-Requested-With` is accepted too), which no other site can set without a CORS preflight this
 * server never grants. Requests with `Authorization` (session tokens, API keys) carry no ambient
 * credentials and are exempt.
 */
import type { IncomingMessage } from "node:http"
import { HttpError, type Principal } from "../http"

/** The header the workbench sends with every request. */
export const csrfHeader = "x-winback-csrf"

/** Methods that change nothing and are never checked. */
const safeMethods = new Set(["GET", "HEAD", "OPTIONS"])

/** Options of {@link csrfGuard}. */
export interface CsrfOptions {
  /**
   * Origins besides the server's own (`scheme://host[:port]` as the browser sends them), e.g. a
   * host CRM page that embeds the workbench. Default: none.
   */
  readonly allowedOrigins?: ReadonlyArray<string>
}

const normalise = (origin: string): string => origin.trim().replace(/\/+$/, "").toLowerCase()

/**
 * The check the router runs after authentication: throws 403 `csrf_refused` for a cookie-authenticated,
 * state-changing request that neither comes from an allowed origin nor carries the custom header.
 *
 * @example
 * ```ts
 * const router = new Router({ authenticate, guard: csrfGuard({ allowedOrigins: ["https://crm.example.com"] }) })
 * ```
 */
export const csrfGuard = (options: CsrfOptions = {}) => {
  const allowed = new Set((options.allowedOrigins ?? []).map(normalise))
  return (req: IncomingMessage, principal: Principal | null): void => {
    if (principal === null || req.headers.authorization !== undefined) return
    if (safeMethods.has(req.method ?? "GET")) return
    const origin = req.headers.origin
    if (origin !== undefined) {
      const o = normalise(origin)
      const host = (req.headers.host ?? "").toLowerCase()
      const own = host !== "" && (o === `http://${host}` || o === `https://${host}`)
      if (own || allowed.has(o)) return
      throw new HttpError(403, "csrf_refused", "cross-origin request refused: this origin may not act with the session cookie")
    }
    if (req.headers[csrfHeader] !== undefined || req.headers["x-requested-with"] !== undefined) return
    throw new HttpError(403, "csrf_refused", `send the ${csrfHeader} header (or an Origin of this site) with requests that change data`)
  }
}
