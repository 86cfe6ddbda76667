/**
 * The admin's routes: the team tree (create a child team, rename, hand over a team's admin role),
 * managers (search in reach with paging, move to another team, change roles, deactivate or
 * reactivate), the do-not-disturb lists (list, bulk import, export) and the preview of a rule
 * before it is saved. Every call acts as the caller through
 * the SDK's team service, so scope and audit hold there: changes outside the teams the caller
 * administers answer 403, managers outside their reach never appear in a list.
 */
import { randomUUID } from "node:crypto"
import { z } from "zod"
import { uncoveredYears } from "../calendar"
import { Channel, CsvEncoding, DndEntry, DndSource, DndStatus, IsoDate, Manager, NewRuleInstance, Role, Team } from "@winback/core"
import { isXlsx, xlsxToCsv } from "../xlsxImport"
import { uploadEncoding } from "./tasks"
import type { Router } from "../http"
import { auditSystem } from "./auth"
import { ItemCustomer, withCustomers } from "./names"
import { type ApiContext, BoolString, Cursor, IdParams, IdString, Limit, PageOf, actAs } from "./support"

const NewChildTeam = z.object({ parentId: IdString, name: z.string().trim().min(1).max(200), adminId: IdString, id: IdString.optional() }).strict()
const Rename = z.object({ name: z.string().trim().min(1).max(200) }).strict()
const SetAdmin = z.object({ adminId: IdString }).strict()
const SetTeam = z.object({ teamId: IdString.nullable() }).strict()
const SetRoles = z.object({ roles: z.array(Role).min(1).max(Role.options.length) }).strict()
const SetActive = z.object({ active: z.boolean() }).strict()
const ManagersQuery = z.object({
  q: z.string().trim().max(100).optional(),
  teamId: IdString.optional(),
  role: Role.optional(),
  includeInactive: BoolString.optional(),
  limit: Limit,
  cursor: z.string().regex(/^\d{1,9}$/).optional()
})
const DndListParams = z.object({
  channel: z.array(Channel).max(Channel.options.length).optional(),
  source: z.array(DndSource).max(DndSource.options.length).optional(),
  reason: z.string().trim().min(1).max(200).optional(),
  status: DndStatus.optional(),
  q: z.string().trim().min(1).max(100).optional()
})
const DndListQuery = DndListParams.extend({ limit: Limit, cursor: Cursor })
/** The list filter of the DND list routes, from their query. */
const dndFilter = (q: z.infer<typeof DndListParams>) => ({
  ...(q.channel ? { channels: q.channel } : {}),
  ...(q.source ? { sources: q.source } : {}),
  ...(q.reason ? { reason: q.reason } : {}),
  ...(q.status ? { status: q.status } : {}),
  ...(q.q ? { customer: q.q } : {})
})
const DndImportQuery = z.object({ encoding: CsvEncoding.optional() })
const DndImportIssue = z.object({ path: z.array(z.union([z.string(), z.number()])), code: z.string(), message: z.string() })
const DndImportReport = z.object({
  importId: z.string(),
  lines: z.number().int(),
  entries: z.number().int(),
  byChannel: z.record(z.string(), z.number().int()),
  problems: z.array(DndImportIssue),
  applied: z.boolean()
})
const Reach = z.object({
  administered: z.array(z.string()),
  canManageRoles: z.boolean(),
  today: z.string(),
  /** The years of the next 60 days the business calendar has no holiday data for (phone and visit work is refused on their days). */
  calendarGaps: z.array(z.number())
})
type Me = ReturnType<typeof actAs>
const DraftPreview = z.object({ rule: NewRuleInstance, asOf: IsoDate.optional() }).strict()

/**
 * Registers the admin routes (teams, managers, rule draft preview).
 *
 * @example
 * ```ts
 * adminRoutes(router, ctx)
 * ```
 */
export const adminRoutes = (r: Router, ctx: ApiContext): void => {
  r.route({
    ...{ method: "GET", path: "/api/org/reach", tag: "org" },
    summary: "The teams the caller administers (with every team below them), whether they may change roles, and the business date",
    responses: { 200: { description: "The caller's administered teams", schema: Reach } },
    handler: async ({ principal }) => {
      const actor = await actAs(ctx, principal).actor()
      const calendarGaps = ctx.calendar ? [...uncoveredYears(ctx.calendar, ctx.today(), 60)] : []
      return { json: { administered: [...actor.scopes.administered.teamIds], canManageRoles: actor.roles.includes("admin"), today: ctx.today(), calendarGaps } }
    }
  })
  r.route({
    ...{ method: "POST", path: "/api/teams", tag: "org", body: NewChildTeam },
    summary: "Create a team under a parent the caller administers (id generated unless given)",
    responses: { 201: { description: "The team", schema: Team } },
    handler: async ({ principal, body }) => {
      const id = body.id ?? `t-${randomUUID().slice(0, 8)}`
      return { status: 201, json: await actAs(ctx, principal).teams.createChild(body.parentId, { id, name: body.name, adminId: body.adminId }) }
    }
  })
  r.route({
    ...{ method: "GET", path: "/api/org/managers", tag: "org", query: ManagersQuery },
    summary: "Managers the caller may read, by name, searched by name or id (paged)",
    responses: { 200: { description: "A page of managers", schema: PageOf(Manager) } },
    handler: async ({ principal, query: q }) => {
      const { q: query, includeInactive, ...rest } = q
      return { json: await actAs(ctx, principal).teams.searchManagers({ ...rest, ...(query ? { query } : {}), ...(includeInactive ? { includeInactive } : {}) }) }
    }
  })
  // One change of one team or one manager each, by the team service as the caller.
  const team = { description: "The team", schema: Team }
  const manager = { description: "The manager", schema: Manager }
  const changes = [
    { method: "PATCH", path: "/api/teams/:id", summary: "Rename a team the caller administers (audited)", body: Rename, answer: team, call: (me: Me, id: string, b: z.infer<typeof Rename>) => me.teams.rename(id, b.name) },
    { method: "PUT", path: "/api/teams/:id/admin", summary: "Hand a team's admin role to another active manager (audited)", body: SetAdmin, answer: team, call: (me: Me, id: string, b: z.infer<typeof SetAdmin>) => me.teams.setAdmin(id, b.adminId) },
    { method: "PUT", path: "/api/managers/:id/team", summary: "Move a manager to another team (or out of any: null); the caller administers both teams", body: SetTeam, answer: manager, call: (me: Me, id: string, b: z.infer<typeof SetTeam>) => me.teams.setMember(id, b.teamId) },
    {
      method: "PUT",
      path: "/api/managers/:id/roles",
      summary: "Set a manager's roles (admins, inside the teams they administer; never their own promotion; the region's last admin keeps the role)",
      body: SetRoles,
      answer: manager,
      call: (me: Me, id: string, b: z.infer<typeof SetRoles>) => me.teams.setRoles(id, b.roles)
    }
  ] as const
  for (const c of changes) {
    r.route({
      ...{ method: c.method, path: c.path, tag: "org", summary: c.summary, params: IdParams, body: c.body },
      responses: { 200: c.answer },
      handler: async ({ principal, params, body }) => ({ json: await c.call(actAs(ctx, principal), params.id, body as never) })
    })
  }
  r.route({
    ...{ method: "PUT", path: "/api/managers/:id/active", tag: "org", params: IdParams, body: SetActive },
    summary: "Deactivate (or reactivate) a manager: an inactive manager's sessions end and API keys are revoked at once, and they cannot act",
    description: "Deactivation deletes the manager's sessions and revokes their API keys in the credential store (audited as credentials.end), so reactivating them later revives none: they log in afresh.",
    responses: { 200: manager },
    handler: async ({ principal, params, body }) => {
      const after = await actAs(ctx, principal).teams.setActive(params.id, body.active)
      if (!after.active) {
        const ended = await ctx.auth.endCredentialsOf(after.id)
        const revoked = { sessionsEnded: ended.sessionsEnded, apiKeysRevoked: ended.apiKeysRevoked.map((k) => k.id) }
        await auditSystem(ctx, principal, { action: "credentials.end", recordType: "Manager", recordId: after.id, before: null, after: revoked })
      }
      return { json: after }
    }
  })

  // Do-not-disturb lists (DOMAIN §6): the entries in the caller's scope, the bulk import, the export.
  r.route({
    ...{ method: "GET", path: "/api/dnd", tag: "dnd", query: DndListQuery },
    summary: "DND entries of the customers in the caller's scope, newest first, filtered by channel, source, reason, status now and customer name or phone (paged)",
    responses: { 200: { description: "A page of entries, each with its customer's name and masked phone", schema: PageOf(DndEntry.and(ItemCustomer)) } },
    handler: async ({ principal, query: { limit, cursor, ...q } }) => {
      const me = actAs(ctx, principal)
      return { json: await withCustomers(me, await me.dnd.list(dndFilter(q), { limit, cursor: cursor ?? null })) }
    }
  })
  r.route({
    ...{ method: "GET", path: "/api/dnd/export", tag: "dnd", query: DndListParams },
    summary: "The DND list (same filters) as CSV, UTF-8 with a BOM, formula-guarded",
    responses: { 200: { description: "CSV (RFC 4180, UTF-8 with a BOM)", contentType: "text/csv; charset=utf-8" } },
    handler: async ({ principal, query }) => ({
      text: await actAs(ctx, principal).dnd.exportCsv(dndFilter(query)),
      contentType: "text/csv; charset=utf-8",
      headers: { "content-disposition": `attachment; filename="dnd-list.csv"` }
    })
  })
  const dndImportDescription =
    "A DND list: an .xlsx workbook (its first sheet) or CSV from Excel, with a header naming customer_id (客户编号) or phone (手机号), channels (渠道: phone;sms or 电话、短信, all), reason (原因) and an optional expires_at (到期日: 2027-01-31 blocks through that day, China time); without a header the columns are customer id or phone, channels, reason, expiry. " +
    "The encoding: a byte-order mark, else `?encoding=` or the Content-Type's charset (gbk, gb18030, …), else strict UTF-8. Problems per line: malformed, unknown-customer, out-of-scope, ambiguous-phone, bad-channel, bad-date, missing-reason, duplicate (twice in the file, or already on DND); the first 100 by line, then a count."
  const dndImport = (apply: boolean) =>
    r.route({
      ...{ method: "POST", path: apply ? "/api/dnd/import" : "/api/dnd/import/check", tag: "dnd", query: DndImportQuery },
      summary: apply
        ? "Import a DND list, all or nothing: every entry (source import) in one transaction, each audited; any bad line answers 400 listing the lines, and nothing is written"
        : "Check a DND list without writing anything: the entries it would add and every bad line",
      description: dndImportDescription,
      body: z.instanceof(Uint8Array),
      bodyType: "text",
      responses: { 200: { description: apply ? "What was imported" : "What the import would do, and the bad lines", schema: DndImportReport } },
      handler: async ({ principal, query, body, raw }) => {
        const xlsx = isXlsx(body, raw.headers["content-type"])
        const request = { encoding: xlsx ? ("utf-8" as const) : uploadEncoding(query.encoding, raw.headers["content-type"]) }
        const file = xlsx ? xlsxToCsv(body) : body
        const me = actAs(ctx, principal)
        return { json: apply ? await me.dnd.apply(request, file) : await me.dnd.check(request, file) }
      }
    })
  dndImport(false)
  dndImport(true)

  r.route({
    ...{ method: "POST", path: "/api/rules/preview", tag: "rules", body: DraftPreview },
    summary: "Preview a rule before saving it: how many customers in the caller's scope it matches, with a sample",
    responses: { 200: { description: "Count and sample as of a day", schema: z.object({ count: z.number(), sample: z.array(z.string()), asOf: z.string() }) } },
    handler: async ({ principal, body }) => {
      const asOf = body.asOf ?? ctx.today()
      return { json: { ...(await actAs(ctx, principal).rules.previewDraft(body.rule, asOf)), asOf } }
    }
  })
}
