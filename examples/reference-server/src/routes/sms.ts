/**
 * SMS work over HTTP (DOMAIN §7): the templates admins manage (customer fields checked, length and
 * segments shown), the preview and batch send of an SMS task's items, and the delivery status of
 * each item. Everything acts as the caller through the packages' scoped services: a task outside
 * the caller's scope answers 404; a template belongs to a team (see `../sms/templates`): one outside
 * the caller's reach answers 404, a change without `sms-template.manage` or to a team the caller
 * does not administer 403.
 */
import { z } from "zod"
import type { Router } from "../http"
import { smsWorkOf, type SmsContext } from "../sms/work"
import { checkSmsTemplate, SmsTemplate, SmsTemplateId, SmsTemplateInput, smsTemplateFields } from "../sms/templates"
import { type ApiContext, BoolString, IdParams, IdString, DateString, Ok } from "./support"

const TemplateParams = z.object({ id: SmsTemplateId })
const CheckBody = z.object({ text: z.string().max(1000) }).strict()
const Check = z.object({ fields: z.array(z.string()), unknownFields: z.array(z.string()), sample: z.string(), encoding: z.string(), length: z.number(), segments: z.number() })
/** `everyone`: every item the caller reaches, whoever holds it (a leader's whole team); not with `assigneeId`. */
const oneWhose = (b: { readonly assigneeId?: string | undefined; readonly everyone?: boolean | undefined }) => !(b.everyone && b.assigneeId !== undefined)
const notBoth = { path: ["everyone"], message: "either everyone or one assigneeId, not both" }
const PreviewFields = z.object({ templateId: SmsTemplateId.optional(), assigneeId: IdString.optional(), everyone: z.boolean().optional(), asOf: DateString.optional() }).strict()
const PreviewBody = PreviewFields.refine(oneWhose, notBoth)
const SendBody = PreviewFields.extend({ itemIds: z.array(IdString).min(1).max(1000).optional() }).strict().refine(oneWhose, notBoth)
const Reason = z.object({ code: z.string(), message: z.string() })
const Preview = z.object({
  taskId: z.string(),
  templateId: z.string(),
  sendable: z.number(),
  segments: z.number(),
  items: z.array(
    z.object({
      ...{ itemId: z.string(), customerId: z.string(), customerName: z.string().nullable(), phone: z.string().nullable() },
      ...{ text: z.string().nullable(), encoding: z.string().nullable(), length: z.number(), segments: z.number() },
      missingFields: z.array(z.string()),
      withheld: z.array(Reason),
      notBefore: z.string().nullable(),
      attempts: z.number()
    })
  )
})
const SendReport = z.object({
  templateId: z.string(),
  sent: z.array(z.object({ itemId: z.string(), messageId: z.string(), status: z.string() })),
  skipped: z.array(z.object({ itemId: z.string(), reasons: z.array(Reason) })),
  failed: z.array(z.object({ itemId: z.string(), retryable: z.boolean(), detail: z.string() }))
})
const DeliveryStatus = z.enum(["not-sent", "sent", "delivered", "failed"])
const Deliveries = z.object({
  taskId: z.string(),
  /** The template texts the task's messages went out with (one per template version), of the templates the caller sees. */
  texts: z.array(
    z.object({ templateId: z.string(), teamId: z.string(), version: z.number(), name: z.string(), text: z.string(), archived: z.boolean(), messages: z.number(), firstAt: z.string(), lastAt: z.string() })
  ),
  counts: z.record(DeliveryStatus, z.number()),
  items: z.array(
    z.object({
      itemId: z.string(),
      customerId: z.string(),
      customerName: z.string().nullable(),
      state: z.string(),
      status: DeliveryStatus,
      messages: z.array(z.object({ messageId: z.string(), status: z.enum(["sent", "delivered", "failed"]), at: z.string() }))
    })
  )
})
const ListQuery = z.object({ archived: z.enum(["true", "false"]).optional() })
const AssigneeQuery = z.object({ assigneeId: IdString.optional(), everyone: BoolString.optional() }).refine(oneWhose, notBoth)

/**
 * Registers the SMS routes under `/api/sms`.
 *
 * @example
 * ```ts
 * smsRoutes(router, ctx, { winback, templates: smsTemplates(winback, state), local })
 * ```
 */
export const smsRoutes = (r: Router, ctx: ApiContext, sms: SmsContext): void => {
  r.route({
    method: "GET",
    path: "/api/sms/templates",
    tag: "sms",
    summary: "The SMS templates and the customer fields they may use",
    description:
      "The templates of the caller's own team and its ancestors (usable, read-only unless the caller administers their team) and of the teams the caller reaches; `editable` says which the caller may change. Archived ones only with `archived=true`.",
    query: ListQuery,
    responses: { 200: { description: "The visible templates, by team and name", schema: z.object({ items: z.array(SmsTemplate.extend({ editable: z.boolean(), check: Check })), fields: z.array(z.string()) }) } },
    handler: async ({ principal, query }) => ({
      json: { items: (await sms.templates.list(principal.managerId, { includeArchived: query.archived === "true" })).map((t) => ({ ...t, check: checkSmsTemplate(t.text) })), fields: [...smsTemplateFields] }
    })
  })
  r.route({
    method: "POST",
    path: "/api/sms/templates/check",
    tag: "sms",
    summary: "Check a template text: its fields, unknown fields, length and segments (filled with sample values)",
    body: CheckBody,
    responses: { 200: { description: "The check", schema: Check } },
    handler: async ({ body }) => ({ json: checkSmsTemplate(body.text) })
  })
  r.route({
    method: "PUT",
    path: "/api/sms/templates/:id",
    tag: "sms",
    summary: "Create or change a template of a team the caller administers (sms-template.manage)",
    description:
      "A new template (no `version`) belongs to `teamId`, default the caller's team. Unknown fields answer 400 (`unknown-field` per field); a template outside the caller's reach 404; one of an ancestor team or a team the caller does not administer 403; a stale `version`, a taken id or a name the team already uses 409. Audited as `sms-template.save`.",
    params: TemplateParams,
    body: SmsTemplateInput,
    responses: { 200: { description: "The stored template", schema: SmsTemplate } },
    handler: async ({ principal, params, body }) => ({ json: await sms.templates.save(principal.managerId, params.id, body) })
  })
  r.route({
    method: "DELETE",
    path: "/api/sms/templates/:id",
    tag: "sms",
    summary: "Archive a template (sms-template.manage): no longer offered for sending, still readable",
    description: "Scope as for the change (404 outside reach, 403 not administered); an archived template 409. Restore with a change carrying `archived: false`. Audited as `sms-template.archive`.",
    params: TemplateParams,
    responses: { 200: { description: "The archived template", schema: SmsTemplate } },
    handler: async ({ principal, params }) => ({ json: await sms.templates.archive(principal.managerId, params.id) })
  })
  r.route({
    method: "POST",
    path: "/api/sms/tasks/:id/preview",
    tag: "sms",
    summary: "The messages a batch send would send now: each open item's text, length and segments, or why it is withheld",
    params: IdParams,
    body: PreviewBody,
    responses: { 200: { description: "The preview", schema: Preview } },
    handler: async ({ principal, params, body }) => ({ json: await smsWorkOf(sms, principal.managerId).preview(params.id, { templateId: body.templateId, assigneeId: body.assigneeId, everyone: body.everyone, asOf: body.asOf ?? ctx.today() }) })
  })
  r.route({
    method: "POST",
    path: "/api/sms/tasks/:id/send",
    tag: "sms",
    summary: "Send the task's open items (or itemIds) through the SMS gateway",
    description:
      "One message per item attempt, keyed `<itemId>:<attempt>`: a retry after a gateway failure sends nothing twice. Items on SMS do-not-disturb, outside the contact rules or waiting for their next attempt are skipped with their reasons.",
    params: IdParams,
    body: SendBody,
    responses: { 200: { description: "What was sent, skipped and failed", schema: SendReport } },
    handler: async ({ principal, params, body }) => ({
      json: await smsWorkOf(sms, principal.managerId).send(params.id, { templateId: body.templateId, assigneeId: body.assigneeId, everyone: body.everyone, itemIds: body.itemIds, asOf: body.asOf ?? ctx.today() })
    })
  })
  r.route({
    method: "GET",
    path: "/api/sms/tasks/:id/deliveries",
    tag: "sms",
    summary: "The delivery status of each item of an SMS task (not sent, sent, delivered, failed)",
    params: IdParams,
    query: AssigneeQuery,
    responses: { 200: { description: "Every item with its messages", schema: Deliveries } },
    handler: async ({ principal, params, query }) => ({ json: await smsWorkOf(sms, principal.managerId).deliveries(params.id, { assigneeId: query.assigneeId, everyone: query.everyone }) })
  })
}
