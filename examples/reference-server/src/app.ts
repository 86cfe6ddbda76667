/**
 * The reference server's routes: health, the workbench page, the API index and OpenAPI document,
 * and every API group (auth, work, customers and org, tasks and rules, audit, reports). Every API route but login
 * acts as the authenticated person through the packages' scoped services; the inbound integrations
 * (when configured) are signed routes called by the SMS gateway and the call center.
 */
import { z } from "zod"
import { csrfGuard } from "./auth/csrf"
import type { Authenticate, RouterOptions } from "./http"
import { type InboundIntegrations, integrationRoutes } from "./integrations"
import { Router } from "./http"
import { openApiDocument } from "./openapi"
import { adminRoutes } from "./routes/admin"
import { auditRoutes } from "./routes/audit"
import { jobRoutes } from "./routes/jobs"
import { leaderRoutes } from "./routes/leader"
import { authRoutes } from "./routes/auth"
import { orgRoutes } from "./routes/org"
import { taskRoutes } from "./routes/tasks"
import { reportRoutes } from "./routes/reports"
import { reminderRoutes } from "./routes/reminders"
import { directorRoutes } from "./routes/director"
import type { ApiContext } from "./routes/support"
import { workRoutes } from "./routes/work"
import { smsRoutes } from "./routes/sms"
import type { SmsContext } from "./sms/work"
import { workbenchRoutes } from "./workbench/routes"
import { agentRoutes, type AgentFiles } from "./routes/agent"

/** Options of {@link createRouter}. */
export interface AppOptions extends ApiContext {
  /** Shown on the login screen of the workbench. */
  readonly demoLogins?: ReadonlyArray<{ readonly role: string; readonly managerId: string; readonly name: string }>
  /** The demo password, shown beside the demo logins (demo data only). */
  readonly demoPassword?: string
  /** The inbound integrations to mount as signed routes (none by default). */
  readonly integrations?: InboundIntegrations
  /** Extra route groups (added after the built-in ones, before the OpenAPI document is built). */
  readonly extraRoutes?: ReadonlyArray<(router: Router, ctx: ApiContext) => void>
  /** The check run on every request after authentication (default: the CSRF check, auth/csrf.ts, with no extra origins). */
  readonly guard?: RouterOptions["guard"]
  /** The SMS work (templates, gateway receipts); mounts the `/api/sms` routes when given. */
  readonly sms?: SmsContext
  /** Where attachment files go (uploads answer 503 without it). */
  readonly files?: AgentFiles
}

/**
 * Builds the router of the reference server.
 *
 * @example
 * ```ts
 * const router = createRouter({ winback, auth, today: () => "2026-11-25" })
 * createServer((req, res) => void router.handle(req, res)).listen(3000)
 * ```
 */
export const createRouter = (options: AppOptions): Router => {
  const { demoLogins = [], demoPassword, extraRoutes = [], integrations, guard, files, sms, ...ctx } = options
  const authenticate: Authenticate = (req) => ctx.auth.authenticate(req)
  const r = new Router({ authenticate, guard: guard ?? csrfGuard() })

  r.route({
    method: "GET",
    path: "/health",
    tag: "meta",
    summary: "Liveness",
    access: "public",
    responses: { 200: { description: "Up", schema: z.object({ status: z.literal("ok") }) } },
    handler: async () => ({ json: { status: "ok" } })
  })
  workbenchRoutes(r, { demoLogins, ...(demoPassword !== undefined ? { demoPassword } : {}) })
  r.route({
    method: "GET",
    path: "/api",
    tag: "meta",
    summary: "The route table",
    responses: { 200: { description: "Every route", schema: z.object({ routes: z.array(z.object({ method: z.string(), path: z.string(), summary: z.string(), access: z.string() })) }) } },
    handler: async () => ({ json: { routes: r.list().map((x) => ({ method: x.method, path: x.path, summary: x.summary, access: x.access })) } })
  })
  let document: unknown
  r.route({
    method: "GET",
    path: "/api/openapi.json",
    tag: "meta",
    summary: "This API's OpenAPI 3.1 document",
    responses: { 200: { description: "The OpenAPI document" } },
    handler: async () => ({ json: (document ??= openApiDocument(r.app)) })
  })
  authRoutes(r, ctx)
  workRoutes(r, ctx)
  orgRoutes(r, ctx)
  taskRoutes(r, ctx)
  auditRoutes(r, ctx)
  reportRoutes(r, ctx)
  directorRoutes(r, ctx)
  jobRoutes(r, ctx)
  adminRoutes(r, ctx)
  agentRoutes(r, ctx, files)
  leaderRoutes(r, ctx, sms)
  if (sms) smsRoutes(r, ctx, sms)
  reminderRoutes(r, ctx)
  if (integrations) integrationRoutes(r, integrations)
  for (const add of extraRoutes) add(r, ctx)
  return r
}
