/**
 * Login, logout, who am I, and API keys (admins create them for machine clients; a key acts with
 * the scope of the manager it is bound to). Key creation and revocation are written to the audit log.
 */
import { Effect } from "effect"
import { z } from "zod"
import { type Actor, AuditTrail, Forbidden, NotFound, Role } from "@winback/core"
import type { Principal, Router } from "../http"
import { type ApiContext, IdParams, IdString, PageOf, PageQuery, pageOf, actAs } from "./support"

const LoginBody = z.object({ login: z.string().min(1).max(200), password: z.string().min(1).max(1000) }).strict()
const LoginAnswer = z.object({ token: z.string(), managerId: z.string(), expiresAt: z.string() })
const Me = z.object({
  id: z.string(),
  name: z.string(),
  roles: z.array(Role),
  teamId: z.string().nullable(),
  region: z.string(),
  via: z.enum(["session", "api-key"])
})
const ApiKeyInfo = z.object({
  id: z.string(),
  name: z.string(),
  managerId: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  revokedAt: z.string().nullable()
})
const ChangePassword = z
  .object({ currentPassword: z.string().min(1).max(1000), newPassword: z.string().min(12, "at least 12 characters").max(1000) })
  .strict()
  .refine((b) => b.currentPassword !== b.newPassword, { message: "the new password must differ from the current one", path: ["newPassword"] })
const NewApiKey = z.object({ name: z.string().min(1).max(200), managerId: IdString }).strict()

const requireAdmin = async (ctx: ApiContext, p: Principal): Promise<Actor> => {
  const actor = await actAs(ctx, p).actor()
  if (!actor.roles.includes("admin")) throw new Forbidden({ actorId: p.managerId, action: "api-key.manage", resource: "API keys", reason: "only admins manage API keys" })
  return actor
}

/**
 * Whom an admin may bind a key to: themselves or a manager of a team they administer, so a key
 * never reaches further than its creator (no leader mints a director's key).
 */
const mayBind = (actor: Actor, managerId: string): boolean =>
  managerId === actor.id || actor.scopes.administered.all || actor.scopes.administered.managerIds.includes(managerId)

/** Writes the server's own event (credentials are the server's, not the SDK's) to the audit trail as the caller. */
/**
 * Writes a system audit entry (credentials, passwords) as the caller.
 *
 * @example
 * ```ts
 * await auditSystem(ctx, principal, { action: "password.change", recordType: "Password", before: null, after })
 * ```
 */
export const auditSystem = (ctx: ApiContext, p: Principal, entry: { readonly action: string; readonly recordType: string; readonly recordId?: string; readonly before: unknown; readonly after: unknown }) =>
  ctx.winback.runAs(p.managerId, (actor) =>
    Effect.gen(function* () {
      const trail = yield* AuditTrail
      return yield* trail.record(actor, { category: "system", customerId: null, ...entry, recordId: entry.recordId ?? actor.id })
    })
  )

const auditKey = (ctx: ApiContext, p: Principal, action: string, info: z.infer<typeof ApiKeyInfo>, before: unknown) =>
  auditSystem(ctx, p, { action, recordType: "ApiKey", recordId: info.id, before, after: info })

/**
 * Registers the authentication routes.
 *
 * @example
 * ```ts
 * authRoutes(router, ctx)
 * ```
 */
export const authRoutes = (r: Router, ctx: ApiContext): void => {
  r.route({
    method: "POST",
    path: "/api/login",
    tag: "auth",
    summary: "Log in with login and password",
    description:
      "Answers a session token (also set as an HttpOnly SameSite=Strict cookie) and a device cookie. 10 failures per login (100 per address) in 15 minutes answer 429 with Retry-After; a device that logged in as this login before is counted on its own, so others' failures do not lock it out. A deactivated manager gets the same 401 as a wrong password.",
    access: "public",
    body: LoginBody,
    responses: { 200: { description: "A session", schema: LoginAnswer } },
    handler: async ({ body, raw }) => {
      const s = await ctx.auth.login(body.login, body.password, ctx.auth.addressOf(raw), raw)
      return { json: { token: s.token, managerId: s.managerId, expiresAt: s.expiresAt }, headers: { "set-cookie": [s.cookie, s.deviceCookie] } }
    }
  })
  r.route({
    method: "POST",
    path: "/api/logout",
    tag: "auth",
    summary: "End the current session",
    responses: { 200: { description: "Logged out", schema: z.object({ ok: z.literal(true) }) } },
    handler: async ({ raw }) => ({ json: { ok: true }, headers: { "set-cookie": await ctx.auth.logout(raw) } })
  })
  r.route({
    method: "GET",
    path: "/api/me",
    tag: "auth",
    summary: "The authenticated person: roles, team, region",
    responses: { 200: { description: "The caller", schema: Me } },
    handler: async ({ principal }) => {
      const a = await actAs(ctx, principal).actor()
      return { json: { id: a.id, name: a.name, roles: a.roles, teamId: a.teamId, region: a.region, via: principal.via } }
    }
  })
  r.route({
    method: "POST",
    path: "/api/me/password",
    tag: "auth",
    summary: "Change your own password (the current one is checked; at least 12 characters); ends your other sessions and revokes your API keys",
    body: ChangePassword,
    responses: {
      200: {
        description: "Changed: how many other sessions ended and which API keys were revoked",
        schema: z.object({ ok: z.literal(true), sessionsEnded: z.number().int(), apiKeysRevoked: z.array(z.string()) })
      }
    },
    handler: async ({ principal, body, raw }) => {
      if (principal.via !== "session") throw new Forbidden({ actorId: principal.managerId, action: "password.change", resource: "password", reason: "log in with a password to change it" })
      const actor = await actAs(ctx, principal).actor()
      const ended = await ctx.auth.changePassword(actor.id, body.currentPassword, body.newPassword, ctx.auth.addressOf(raw), principal.credentialId)
      const after = { sessionsEnded: ended.sessionsEnded, apiKeysRevoked: ended.apiKeysRevoked.map((k) => k.id) }
      await auditSystem(ctx, principal, { action: "password.change", recordType: "Password", before: null, after })
      return { json: { ok: true, ...after } }
    }
  })
  r.route({
    method: "POST",
    path: "/api/managers/:id/login-reset",
    tag: "auth",
    summary: "Lift the login lockout of a manager you lead or administer (team leaders, admins)",
    description: "After failed logins lock a login, its owner's next attempt from any device is checked again. Audited as login.reset.",
    params: IdParams,
    responses: { 200: { description: "The logins reset", schema: z.object({ managerId: z.string(), logins: z.number().int() }) } },
    handler: async ({ principal, params }) => {
      const actor = await actAs(ctx, principal).actor()
      const s = actor.scopes
      const leads = actor.roles.includes("team-leader") && (s.team.all || s.team.managerIds.includes(params.id))
      const administers = actor.roles.includes("admin") && (s.administered.all || s.administered.managerIds.includes(params.id))
      // Nothing is said about managers outside the caller's reach.
      if (!leads && !administers) throw new NotFound({ entity: "Manager", id: params.id })
      const logins = await ctx.auth.resetLockout(params.id)
      await auditSystem(ctx, principal, { action: "login.reset", recordType: "Password", recordId: params.id, before: null, after: { logins: logins.length } })
      return { json: { managerId: params.id, logins: logins.length } }
    }
  })
  r.route({
    method: "GET",
    path: "/api/api-keys",
    tag: "auth",
    summary: "API keys the admin may manage (never the keys themselves)",
    query: PageQuery,
    responses: { 200: { description: "A page of keys", schema: PageOf(ApiKeyInfo) } },
    handler: async ({ principal, query }) => {
      const actor = await requireAdmin(ctx, principal)
      const page = await ctx.auth.listApiKeys(pageOf(query))
      return { json: { items: page.items.filter((k) => k.createdBy === actor.id || mayBind(actor, k.managerId)), nextCursor: page.nextCursor } }
    }
  })
  r.route({
    method: "POST",
    path: "/api/api-keys",
    tag: "auth",
    summary: "Create an API key bound to yourself or a manager of a team you administer (admins); the key is shown once",
    body: NewApiKey,
    responses: { 201: { description: "The key (shown once) and its record", schema: z.object({ key: z.string(), apiKey: ApiKeyInfo }) } },
    handler: async ({ principal, body }) => {
      const actor = await requireAdmin(ctx, principal)
      await ctx.winback.as(body.managerId).actor() // the manager must exist: NotFound otherwise
      if (!mayBind(actor, body.managerId)) {
        throw new Forbidden({ actorId: actor.id, action: "api-key.manage", resource: `manager:${body.managerId}`, reason: "a key may act only as you or a manager of a team you administer" })
      }
      const { key, info } = await ctx.auth.createApiKey(body, principal.managerId)
      await auditKey(ctx, principal, "api-key.create", info, null)
      return { status: 201, json: { key, apiKey: info } }
    }
  })
  r.route({
    method: "DELETE",
    path: "/api/api-keys/:id",
    tag: "auth",
    summary: "Revoke an API key (admins only)",
    params: IdParams,
    responses: { 200: { description: "The revoked key", schema: ApiKeyInfo } },
    handler: async ({ principal, params }) => {
      const actor = await requireAdmin(ctx, principal)
      const found = await ctx.auth.getApiKey(params.id)
      const before = found && (found.createdBy === actor.id || mayBind(actor, found.managerId)) ? found : null
      const info = before ? await ctx.auth.revokeApiKey(params.id) : null
      if (!before || !info) throw new NotFound({ entity: "ApiKey", id: params.id })
      if (before.revokedAt === null) await auditKey(ctx, principal, "api-key.revoke", info, before)
      return { json: info }
    }
  })
}
