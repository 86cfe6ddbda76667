/**
 * The agent workbench: the page agents and leaders work in, served by the reference server itself.
 * `workbenchRoutes` registers the page and its static assets on the server's router; the page talks
 * to the JSON API under `/api` as the logged-in person.
 */
import type { Router } from "../http"
import { workbenchPage } from "../page"

/** What the workbench needs from the server. */
export interface WorkbenchOptions {
  /** Demo logins shown on the login screen (empty outside demos). */
  readonly demoLogins?: ReadonlyArray<{ readonly role: string; readonly managerId: string; readonly name: string }>
}

/**
 * Registers the workbench page (`GET /`) and its assets on `router`.
 *
 * @example
 * ```ts
 * workbenchRoutes(router, { demoLogins })
 * ```
 */
export const workbenchRoutes = (router: Router, options: WorkbenchOptions = {}): void => {
  router.on("GET", "/", async () => ({ text: workbenchPage({ demoLogins: options.demoLogins ?? [] }), contentType: "text/html; charset=utf-8" }))
}
