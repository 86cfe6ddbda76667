/**
 * The audit log as the caller may read it (agents: their own entries; leaders: their team's),
 * manual notes, and the hash-chain verification.
 */
import { z } from "zod"
import { AuditCategory, AuditEntry, ManualAuditNote } from "@winback/core"
import type { Router } from "../http"
import { type ApiContext, Cursor, IdString, Limit, PageOf, pageOf, actAs } from "./support"

const AuditQueryParams = z.object({
  actorId: IdString.optional(),
  customerId: IdString.optional(),
  category: z.array(AuditCategory).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: Limit,
  cursor: Cursor
})
const Verification = z.object({ ok: z.boolean() }).loose()
/** An audit entry with its customer's name (null without a customer, or when the customer is out of the caller's scope now). */
const AuditRow = AuditEntry.extend({ customerName: z.string().nullable() })

/**
 * Registers the audit routes.
 *
 * @example
 * ```ts
 * auditRoutes(router, ctx)
 * ```
 */
export const auditRoutes = (r: Router, ctx: ApiContext): void => {
  r.route({
    method: "GET",
    path: "/api/audit",
    tag: "audit",
    summary: "Audit entries in the caller's scope, in the order they were written (oldest first); time range [from, to)",
    query: AuditQueryParams,
    responses: { 200: { description: "A page of audit entries, each with `customerName` (read through the caller's scope)", schema: PageOf(AuditRow) } },
    handler: async ({ principal, query: q }) => {
      const filter = {
        ...(q.actorId ? { actorId: q.actorId } : {}),
        ...(q.customerId ? { customerId: q.customerId } : {}),
        ...(q.category ? { categories: q.category } : {}),
        ...(q.from ? { from: new Date(q.from).toISOString() } : {}),
        ...(q.to ? { to: new Date(q.to).toISOString() } : {})
      }
      const me = actAs(ctx, principal)
      const page = await me.audit.query(filter, pageOf(q))
      // The customer by name, as every other screen shows them; read through the caller's scope, so an
      // entry about a customer the caller may not read names no one.
      const ids = [...new Set(page.items.flatMap((e) => (e.customerId ? [e.customerId] : [])))]
      const names = new Map((ids.length ? await me.customers.getMany(ids) : []).map((c) => [c.id, c.name]))
      return { json: { ...page, items: page.items.map((e) => ({ ...e, customerName: e.customerId ? (names.get(e.customerId) ?? null) : null })) } }
    }
  })
  r.route({
    method: "POST",
    path: "/api/audit/notes",
    tag: "audit",
    summary: "Add a manual log entry (about a customer in scope, or general)",
    body: ManualAuditNote,
    responses: { 201: { description: "The entry", schema: AuditEntry } },
    handler: async ({ principal, body }) => ({ status: 201, json: await actAs(ctx, principal).audit.note(body) })
  })
  r.route({
    method: "GET",
    path: "/api/audit/verify",
    tag: "audit",
    summary: "Verify the audit log's hash chain (directors, admins)",
    responses: { 200: { description: "The verification", schema: Verification } },
    handler: async ({ principal }) => ({ json: await actAs(ctx, principal).audit.verify() })
  })
}
