/**
 * The agent's day: the work list (by customer in urgency order, by task), one customer's open
 * items with their summary, work items, the questionnaire of an item with live evaluation,
 * recording a call (several items, responses and offers in one transaction), appointments and DND.
 */
import { z } from "zod"
import {
  Appointment,
  AppointmentState,
  CallOutcome,
  CallRecord,
  Channel,
  Customer,
  DndEntry,
  DndSource,
  Disposition,
  Instant,
  isReached,
  NotFound,
  OfferUse,
  QuestionnaireVersionRecord,
  ResponseRecord,
  WorkItem,
  WorkItemState
} from "@winback/core"
import type { Router } from "../http"
import { pageCustomer, pageDial } from "./agent"
import { evaluateAnswers, questionTextsFor } from "../questionnaires"
import { ItemCustomer, withCustomers } from "./names"
import { type ApiContext, BoolString, Cursor, IdParams, IdString, Limit, PageOf, PageQuery, pageArray, pageOf, actAs } from "./support"

const OfferedItem = z.object({ item: WorkItem, ready: z.boolean(), notBefore: z.string().nullable() })
const CustomerWork = z.object({ customerId: z.string(), urgency: z.number(), items: z.array(OfferedItem), withheld: z.number() })
const TaskWorkload = z.object({
  taskId: z.string(),
  name: z.string(),
  urgency: z.number(),
  channel: Channel,
  source: z.string(),
  volume: z.number(),
  completed: z.number(),
  unreachable: z.number(),
  pending: z.number(),
  followUp: z.number()
})
/** `includeWaiting=true` also lists items waiting for their next attempt (retry policy or reschedule), marked `ready: false`. */
const IncludeWaiting = BoolString.optional()
const WorkListQuery = z.object({ assigneeId: IdString.optional(), taskId: IdString.optional(), includeWaiting: IncludeWaiting, limit: Limit, cursor: Cursor })
const WorkPoolQuery = z.object({ teamId: IdString.optional(), taskId: IdString.optional(), includeWaiting: IncludeWaiting, limit: Limit, cursor: Cursor })
const WorkItemsQuery = z.object({
  assigneeId: IdString.optional(),
  customerId: IdString.optional(),
  taskId: IdString.optional(),
  state: z.array(WorkItemState).optional(),
  limit: Limit,
  cursor: Cursor
})
const Answers = z.record(z.string().max(200), z.unknown())
const Context = z.record(z.string().max(200), z.unknown())
const ResponseBody = z.object({ answers: Answers, context: Context.optional(), completed: z.boolean().default(true) }).strict()
const CallAnswer = z.object({
  call: CallRecord,
  items: z.array(WorkItem),
  retry: z.record(z.string(), z.unknown()),
  responses: z.array(ResponseRecord),
  offerUses: z.array(OfferUse)
})
/** `?locale=en` / `zh-CN`: the locale texts are resolved in (the questionnaire's default when absent or unknown). */
const LocaleQuery = z.object({ locale: z.string().trim().min(1).max(35).regex(/^[A-Za-z0-9-]+$/).optional() }).strict()
const Texts = z.record(z.string(), z.string())
const QuestionnaireAnswer = z.object({ version: QuestionnaireVersionRecord, context: Context, texts: Texts })
const EvaluateBody = z.object({ answers: Answers, context: Context.default({}) }).strict()
const Evaluation = z.object({
  versionHash: z.string(),
  visible: z.array(z.string()),
  next: z.string().nullable(),
  missingRequired: z.array(z.string()),
  complete: z.boolean(),
  answers: Answers,
  ignored: z.array(z.string()),
  errors: z.array(z.object({ path: z.array(z.union([z.string(), z.number()])), code: z.string(), message: z.string() })),
  texts: Texts
})
const NewAppointmentBody = z
  .object({
    customerId: IdString,
    at: Instant,
    channel: Channel,
    note: z.string().max(2000).default(""),
    workItemId: IdString.nullable().default(null),
    managerId: IdString.optional(),
    remindMinutesBefore: z.number().int().min(0).max(1440).optional()
  })
  .strict()
const AppointmentsQuery = z.object({
  managerId: IdString.optional(),
  customerId: IdString.optional(),
  state: z.array(AppointmentState).optional(),
  dueBy: Instant.optional(),
  limit: Limit,
  cursor: Cursor
})
const NewDndBody = z
  .object({ customerId: IdString, channel: Channel, reason: z.string().min(1).max(1000), source: DndSource.default("agent"), expiresAt: Instant.nullable().default(null) })
  .strict()
const DndQuery = z.object({ channel: Channel.optional(), limit: Limit, cursor: Cursor })
const DndEntryParams = z.object({ id: IdString, entryId: IdString })
const RemoveDndBody = z.object({ reason: z.string().trim().min(1).max(1000) }).strict()
const CustomerWorkView = z.object({ customer: Customer, work: CustomerWork, dnd: z.array(DndEntry) })

/** The questionnaire context the host can fill from the customer record. */
const contextFor = (record: QuestionnaireVersionRecord, customer: Customer): Record<string, unknown> => {
  const declared = ((record.definition as { context?: Record<string, { type: string; values?: ReadonlyArray<string> }> } | null)?.context ?? {}) as Record<
    string,
    { type: string; values?: ReadonlyArray<string> }
  >
  const known: Record<string, unknown> = { customerName: customer.name, tier: customer.tier, region: customer.region }
  const out: Record<string, unknown> = {}
  for (const [field, spec] of Object.entries(declared)) {
    const v = known[field]
    if (v === undefined) continue
    if (spec.type === "choice" ? typeof v === "string" && (spec.values ?? []).includes(v) : typeof v === spec.type) out[field] = v
  }
  return out
}

/** A published version by hash, or the newest version of a questionnaire id. */
const versionOf = async (ctx: ApiContext, id: string): Promise<QuestionnaireVersionRecord> => {
  if (id.includes(":")) return ctx.winback.stores.questionnaires.getVersion(id)
  const versions = await ctx.winback.stores.questionnaires.listVersions(id)
  const newest = [...versions].sort((a, b) => (a.publishedAt < b.publishedAt ? 1 : -1))[0]
  if (!newest) throw new NotFound({ entity: "Questionnaire", id })
  return newest
}

/**
 * Registers the work routes.
 *
 * @example
 * ```ts
 * workRoutes(router, ctx)
 * ```
 */
export const workRoutes = (r: Router, ctx: ApiContext): void => {
  r.route({
    method: "GET",
    path: "/api/work-list/customers",
    tag: "work",
    summary:
      "The work list by customer, most urgent first, each customer with all their open items in scope; items waiting for their next attempt are left out until then (includeWaiting=true lists them, not ready)",
    query: WorkListQuery,
    responses: { 200: { description: "A page of customers with their items", schema: PageOf(CustomerWork) } },
    handler: async ({ principal, query }) => {
      const { limit, cursor, ...q } = query
      return { json: await actAs(ctx, principal).workList.byCustomer(q, pageOf({ limit, cursor })) }
    }
  })
  r.route({
    method: "GET",
    path: "/api/work-list/tasks",
    tag: "work",
    summary: "The work list by task: volume, completed, unreachable (attempts used up), pending, follow-up",
    query: WorkListQuery,
    responses: { 200: { description: "A page of task workloads", schema: PageOf(TaskWorkload) } },
    handler: async ({ principal, query }) => {
      const { limit, cursor, ...q } = query
      return { json: pageArray(await actAs(ctx, principal).workList.byTask(q), { limit, cursor }) }
    }
  })
  r.route({
    method: "GET",
    path: "/api/work-pool",
    tag: "work",
    summary:
      "The unassigned pool: open items with no assignee of one team (403 outside the caller's scope) or of every team in scope, most urgent first; hand them out with POST /api/allocation/work-items",
    query: WorkPoolQuery,
    responses: { 200: { description: "A page of unassigned open work items, each with its customer's name and masked phone", schema: PageOf(WorkItem.and(ItemCustomer)) } },
    handler: async ({ principal, query }) => {
      const { limit, cursor, ...q } = query
      const me = actAs(ctx, principal)
      return { json: await withCustomers(me, await me.workList.pool(q, pageOf({ limit, cursor }))) }
    }
  })
  r.route({
    method: "GET",
    path: "/api/customers/:id/work",
    tag: "work",
    summary: "One customer: the customer record, all open items in scope (urgency order) and DND entries",
    params: IdParams,
    responses: { 200: { description: "The customer's work view", schema: CustomerWorkView } },
    handler: async ({ principal, params }) => {
      const me = actAs(ctx, principal)
      const customer = await me.customers.get(params.id)
      const [items, dnd] = await Promise.all([actAs(ctx, principal).workList.customer(params.id), me.contacts.dnd(params.id)])
      return { json: { customer: pageCustomer(customer), work: items, dnd } }
    }
  })
  r.route({
    method: "GET",
    path: "/api/work-items",
    tag: "work",
    summary: "Work items in scope, each with its customer's name and masked phone",
    query: WorkItemsQuery,
    responses: { 200: { description: "A page of work items", schema: PageOf(WorkItem.and(ItemCustomer)) } },
    handler: async ({ principal, query }) => {
      const { limit, cursor, state, ...f } = query
      const me = actAs(ctx, principal)
      return { json: await withCustomers(me, await me.workItems.list({ ...f, ...(state ? { states: state } : {}) }, pageOf({ limit, cursor }))) }
    }
  })
  r.route({
    method: "GET",
    path: "/api/work-items/:id",
    tag: "work",
    summary: "One work item",
    params: IdParams,
    responses: { 200: { description: "The work item", schema: WorkItem } },
    handler: async ({ principal, params }) => ({ json: await actAs(ctx, principal).workItems.get(params.id) })
  })
  r.route({
    method: "GET",
    path: "/api/work-items/:id/questionnaire",
    tag: "questionnaires",
    summary: "The questionnaire version the item's task binds, with the context filled from the customer and the question texts resolved",
    params: IdParams,
    query: LocaleQuery,
    responses: { 200: { description: "The published version, its context and the resolved question texts", schema: QuestionnaireAnswer } },
    handler: async ({ principal, params, query }) => {
      const me = actAs(ctx, principal)
      const item = await me.workItems.get(params.id)
      const task = await me.tasks.get(item.taskId)
      if (task.questionnaireVersion === null) throw new NotFound({ entity: "Questionnaire", id: `of task ${task.id}` })
      const version = await ctx.winback.stores.questionnaires.getVersion(task.questionnaireVersion)
      const context = contextFor(version, await me.customers.get(item.customerId))
      return { json: { version, context, texts: questionTextsFor(version, context, query.locale) } }
    }
  })
  r.route({
    method: "POST",
    path: "/api/work-items/:id/responses",
    tag: "work",
    summary: "Save the item's questionnaire response (a draft with completed: false)",
    params: IdParams,
    body: ResponseBody,
    responses: { 200: { description: "The saved response", schema: ResponseRecord } },
    handler: async ({ principal, params, body }) => ({
      json: await actAs(ctx, principal).execution.saveResponse({ workItemId: params.id, answers: body.answers, context: body.context ?? {}, completed: body.completed })
    })
  })
  r.route({
    method: "POST",
    path: "/api/work-items/:id/attachments",
    tag: "work",
    summary: "Attach a recording or a scanned questionnaire to an item",
    params: IdParams,
    body: z.object({ kind: z.string().min(1).max(60), uri: z.string().min(1).max(2000) }).strict(),
    responses: { 200: { description: "The item", schema: WorkItem } },
    handler: async ({ principal, params, body }) => ({ json: await actAs(ctx, principal).execution.attach(params.id, body as never) })
  })
  r.route({
    method: "GET",
    path: "/api/questionnaires/:id",
    tag: "questionnaires",
    summary: "A published questionnaire version (by hash), or the newest version of a questionnaire id",
    params: IdParams,
    responses: { 200: { description: "The version", schema: QuestionnaireVersionRecord } },
    handler: async ({ params }) => ({ json: await versionOf(ctx, params.id) })
  })
  r.route({
    method: "POST",
    path: "/api/questionnaires/:id/evaluate",
    tag: "questionnaires",
    summary: "Evaluate answers: visible questions, the next question, completeness and errors (live branching)",
    params: IdParams,
    query: LocaleQuery,
    body: EvaluateBody,
    responses: { 200: { description: "The evaluation, with the question texts resolved from the context and answers", schema: Evaluation } },
    handler: async ({ params, query, body }) => ({ json: evaluateAnswers(await versionOf(ctx, params.id), body.answers, body.context, query.locale) })
  })
  r.route({
    method: "POST",
    path: "/api/calls",
    tag: "work",
    summary:
      "Record one call about several items of one customer, with questionnaire responses and offers, all or nothing. A not-reached outcome (no-answer, phone-off, not-in-service) with complete: true is 400; an outbound call on an item waiting for its next attempt is 409 (inbound: true, the customer calling in, is allowed); the last attempt the task's retry policy allows ends the item unreachable",
    // Core's schema of a call (with its checks): the route adds nothing to the use case.
    body: CallOutcome,
    responses: { 200: { description: "The call record, the items, the saved responses and offer uses", schema: CallAnswer } },
    handler: async ({ principal, body }) => ({ json: await actAs(ctx, principal).execution.recordCall(body) })
  })
  r.route({
    method: "POST",
    path: "/api/customers/:id/dial",
    tag: "work",
    summary: "Click-to-call through the dialer, when the customer may be called now (audited as customer.dial; the answer carries the number masked)",
    params: IdParams,
    responses: { 200: { description: "Dialled, or why not", schema: z.object({ dialled: z.boolean() }).loose() } },
    handler: async ({ principal, params }) => ({ json: pageDial(await actAs(ctx, principal).execution.dial({ customerId: params.id })) })
  })

  r.route({
    method: "GET",
    path: "/api/dispositions",
    tag: "work",
    summary: "The call dispositions, and which of them mean the customer was reached",
    responses: { 200: { description: "Every disposition", schema: z.object({ items: z.array(z.object({ disposition: Disposition, reached: z.boolean() })), nextCursor: z.null() }) } },
    handler: async () => ({ json: { items: Disposition.options.map((d) => ({ disposition: d, reached: isReached(d) })), nextCursor: null } })
  })

  // Appointments
  r.route({
    method: "GET",
    path: "/api/appointments",
    tag: "appointments",
    summary: "Appointments in scope, by time",
    query: AppointmentsQuery,
    responses: { 200: { description: "A page of appointments", schema: PageOf(Appointment) } },
    handler: async ({ principal, query }) => {
      const { limit, cursor, state, ...f } = query
      return { json: await actAs(ctx, principal).appointments.list({ ...f, ...(state ? { states: state } : {}) }, pageOf({ limit, cursor })) }
    }
  })
  r.route({
    method: "POST",
    path: "/api/appointments",
    tag: "appointments",
    summary: "Book a callback appointment",
    body: NewAppointmentBody,
    responses: { 201: { description: "The booking", schema: z.object({ appointment: Appointment }).loose() } },
    handler: async ({ principal, body }) => ({ status: 201, json: await actAs(ctx, principal).appointments.book(body) })
  })
  r.route({
    method: "POST",
    path: "/api/appointments/:id/cancel",
    tag: "appointments",
    summary: "Cancel an appointment",
    params: IdParams,
    responses: { 200: { description: "The appointment", schema: Appointment } },
    handler: async ({ principal, params }) => ({ json: await actAs(ctx, principal).appointments.cancel(params.id) })
  })
  r.route({
    method: "POST",
    path: "/api/appointments/:id/done",
    tag: "appointments",
    summary: "Mark an appointment done",
    params: IdParams,
    responses: { 200: { description: "The appointment", schema: Appointment } },
    handler: async ({ principal, params }) => ({ json: await actAs(ctx, principal).appointments.markDone(params.id) })
  })

  // Do-not-disturb
  r.route({
    method: "POST",
    path: "/api/dnd",
    tag: "dnd",
    summary: "Add a DND entry for a customer in scope (effective now)",
    body: NewDndBody,
    responses: { 201: { description: "The entry", schema: DndEntry } },
    handler: async ({ principal, body }) => ({ status: 201, json: await actAs(ctx, principal).contacts.addDnd(body) })
  })
  r.route({
    method: "GET",
    path: "/api/customers/:id/dnd",
    tag: "dnd",
    summary: "A customer's DND entries, newest first",
    params: IdParams,
    query: DndQuery,
    responses: { 200: { description: "A page of entries", schema: PageOf(DndEntry) } },
    handler: async ({ principal, params, query }) => {
      const entries = await actAs(ctx, principal).contacts.dnd(params.id)
      return { json: pageArray(query.channel ? entries.filter((e) => e.channel === query.channel) : entries, query) }
    }
  })
  r.route({
    method: "DELETE",
    path: "/api/customers/:id/dnd/:entryId",
    tag: "dnd",
    summary: "Take back a DND entry of a customer in scope (marked removed now, kept for the record)",
    description:
      "The entry stops blocking its channel at once; the change is audited (`dnd.remove`, category `dnd`) with the entry before and after and the reason as note. " +
      "Agents take back entries of their own customers, team leaders those of their team's; an entry the customer asked for, or from a complaint or a regulator, " +
      "also needs `dnd.remove-protected` (team leaders by default). 403 out of scope or without the action, 404 when the customer is unknown or the entry is not this " +
      "customer's, 409 when the entry is already removed.",
    params: DndEntryParams,
    body: RemoveDndBody,
    responses: { 200: { description: "The entry, with `removedAt` set", schema: DndEntry } },
    handler: async ({ principal, params, body }) => ({
      json: await actAs(ctx, principal).contacts.removeDnd({ customerId: params.id, entryId: params.entryId, reason: body.reason })
    })
  })
  r.route({
    method: "GET",
    path: "/api/customers/:id/calls",
    tag: "customers",
    summary: "A customer's call records, oldest first",
    params: IdParams,
    query: PageQuery,
    responses: { 200: { description: "A page of call records", schema: PageOf(CallRecord) } },
    handler: async ({ principal, params, query }) => ({ json: await actAs(ctx, principal).contacts.calls(params.id, pageOf(query)) })
  })
}
