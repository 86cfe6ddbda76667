/**
 * Governance and production of the work: rules (catalogue, drafts, preview, maker-checker),
 * tasks (create, dry-run preview, submit, approve, reject, pause, resume, close), extraction runs
 * (plan, run), manual CSV import, customer groups and offers — each call as the authenticated person.
 */
import { z } from "zod"
import {
  AlertTask,
  CampaignTask,
  CsvEncoding,
  CustomerGroup,
  ExtractionRequest,
  IsoDate,
  ManualTask,
  NewCustomerGroup,
  NewOfferUse,
  NewRuleInstance,
  Offer,
  OfferUse,
  RuleInstanceRecord,
  Task,
  TaskSource,
  TaskStatus,
  ValidationError
} from "@winback/core"
import { templateCatalogue } from "../catalogue"
import { isXlsx, xlsxToCsv } from "../xlsxImport"
import type { Router } from "../http"
import { AuthorName, withAuthorNames } from "./names"
import { type ApiContext, BoolString, Cursor, IdParams, IdString, Limit, PageOf, PageQuery, pageArray, pageOf, actAs } from "./support"

const managed = { status: true, authorId: true, approvals: true, createdAt: true, updatedAt: true, version: true, id: true } as const
const NewTaskBody = z.discriminatedUnion("source", [
  AlertTask.omit(managed).extend({ id: IdString.optional() }).strict(),
  CampaignTask.omit(managed).extend({ id: IdString.optional() }).strict(),
  ManualTask.omit(managed).extend({ id: IdString.optional() }).strict()
])
const PatchBody = z.object({ patch: z.record(z.string(), z.unknown()), expectedVersion: z.number().int().min(1) }).strict()
const TasksQuery = z.object({ status: z.array(TaskStatus).optional(), source: z.array(TaskSource).optional(), limit: Limit, cursor: Cursor })
const PreviewQuery = z.object({ asOf: IsoDate.optional() })
const TaskExtraction = z.object({ taskId: z.string(), candidates: z.number(), handedOut: z.number(), excluded: z.record(z.string(), z.number()), loadPerAgent: z.record(z.string(), z.number()) }).loose()
const TaskPreview = z.object({ taskId: z.string(), asOf: z.string(), period: z.string(), result: TaskExtraction, sample: z.array(z.string()) })
const Comment = z.object({ comment: z.string().max(2000).optional() }).strict()
const RequiredComment = z.object({ comment: z.string().min(1).max(2000) }).strict()
const RulesQuery = z.object({ status: z.array(z.string().min(1).max(40)).optional(), templateId: z.array(IdString).optional(), limit: Limit, cursor: Cursor })
const RuleApprove = z.object({ effectiveFrom: IsoDate.optional() }).strict()
const RuleReject = z.object({ reason: z.string().min(1).max(2000) }).strict()
const RulePreview = z.object({ count: z.number(), sample: z.array(z.string()) })
const Template = z.object({
  id: z.string(),
  version: z.number(),
  family: z.string(),
  title: z.string(),
  description: z.string(),
  channel: z.string().nullable(),
  defaults: z.unknown(),
  paramsSchema: z.unknown(),
  /** The template's words per locale (en, zh-CN): title, family, description (parameters in `backticks`) and parameter names. */
  labels: z.record(z.string(), z.object({ title: z.string(), family: z.string(), description: z.string(), params: z.record(z.string(), z.string()) }))
})
const ExtractionReport = z.object({ runId: z.string(), period: z.string(), asOf: z.string(), at: z.string(), created: z.number(), tasks: z.array(TaskExtraction) })
const PlannedItem = z.object({ item: z.unknown(), ledger: z.unknown() }).loose()
const PlanAnswer = z.object({ report: ExtractionReport, items: z.array(PlannedItem), nextCursor: z.string().nullable() })
// overrideReason: import customers already handed out anyway (a leader's `task.import-override`, audited per line).
const ImportQuery = z.object({
  agentId: z.array(IdString).max(10_000).optional(),
  dryRun: BoolString.optional(),
  overrideReason: z.string().trim().min(1).max(1000).optional(),
  encoding: CsvEncoding.optional()
})

/** The encodings a `charset` of the upload's Content-Type may name (WHATWG labels; GB2312 files are read as their superset). */
const charsets: Readonly<Record<string, CsvEncoding>> = {
  "utf-8": "utf-8",
  utf8: "utf-8",
  "utf-16le": "utf-16le",
  "utf-16be": "utf-16be",
  gbk: "gbk",
  gb2312: "gbk",
  gb18030: "gb18030"
}
/**
 * The encoding of an upload: `?encoding=` wins, then the Content-Type's charset, else `auto`.
 *
 * @example
 * ```ts
 * uploadEncoding(undefined, "text/csv; charset=gbk") // "gbk"
 * ```
 */
export const uploadEncoding = (query: CsvEncoding | undefined, contentType: string | undefined): CsvEncoding => {
  if (query) return query
  const charset = /;\s*charset="?([^";\s]+)/i.exec(contentType ?? "")?.[1]?.toLowerCase()
  if (charset === undefined) return "auto"
  const known = charsets[charset]
  if (!known) throw new ValidationError({ subject: "content-type", issues: [{ path: ["headers", "content-type"], code: "unsupported_charset", message: `charset ${charset.slice(0, 40)} is not supported (${Object.keys(charsets).join(", ")})` }] })
  return known
}
const ImportLine = z.object({
  line: z.number(),
  customerId: z.string(),
  reason: z.enum(["dedup-period", "dedup-cooldown", "open-in-task", "open-with-another-agent"]),
  message: z.string()
})
const ImportReport = z.object({
  importId: z.string(),
  taskId: z.string(),
  period: z.string(),
  lines: z.number(),
  items: z.number(),
  perAgent: z.record(z.string(), z.number()),
  skipped: z.array(ImportLine),
  overridden: z.array(ImportLine),
  dryRun: z.boolean()
})
const GroupMembersQuery = z.object({ asOf: IsoDate.optional(), channel: z.enum(["phone", "sms", "visit", "letter", "email"]).optional(), limit: Limit, cursor: Cursor })
const GroupMembers = z.object({ groupId: z.string(), asOf: z.string(), filteredDnd: z.number(), items: z.array(z.string()), nextCursor: z.string().nullable() })
const OffersQuery = z.object({ activeOnly: BoolString.default(true), limit: Limit, cursor: Cursor })
const OfferDecisionBody = z.object({ customerId: IdString, decision: z.enum(["approved", "rejected"]), comment: z.string().max(2000).default("") }).strict()

type Lifecycle = "submit" | "pause" | "resume" | "close"

/**
 * Registers the task, rule, extraction, import and group routes.
 *
 * @example
 * ```ts
 * taskRoutes(router, ctx)
 * ```
 */
export const taskRoutes = (r: Router, ctx: ApiContext): void => {
  // Tasks
  r.route({
    method: "GET",
    path: "/api/tasks",
    tag: "tasks",
    summary: "Tasks the caller may read (approvers: those awaiting approval), each with its author's name",
    query: TasksQuery,
    responses: { 200: { description: "A page of tasks", schema: PageOf(Task.and(AuthorName)) } },
    handler: async ({ principal, query: q }) => ({
      json: await withAuthorNames(ctx, await actAs(ctx, principal).tasks.list({ ...(q.status ? { statuses: q.status } : {}), ...(q.source ? { sources: q.source } : {}) }, pageOf(q)))
    })
  })
  r.route({
    method: "GET",
    path: "/api/tasks/:id",
    tag: "tasks",
    summary: "One task",
    params: IdParams,
    responses: { 200: { description: "The task", schema: Task } },
    handler: async ({ principal, params }) => ({ json: await actAs(ctx, principal).tasks.get(params.id) })
  })
  r.route({
    method: "POST",
    path: "/api/tasks",
    tag: "tasks",
    summary: "Create a task draft",
    body: NewTaskBody,
    responses: { 201: { description: "The draft", schema: Task } },
    handler: async ({ principal, body }) => ({ status: 201, json: await actAs(ctx, principal).tasks.create(body as never) })
  })
  r.route({
    method: "PATCH",
    path: "/api/tasks/:id",
    tag: "tasks",
    summary: "Change a draft task",
    params: IdParams,
    body: PatchBody,
    responses: { 200: { description: "The task", schema: Task } },
    handler: async ({ principal, params, body }) => ({ json: await actAs(ctx, principal).tasks.update(params.id, body.patch, body.expectedVersion) })
  })
  r.route({
    method: "GET",
    path: "/api/tasks/:id/preview",
    tag: "tasks",
    summary: "The dry run an approver reads: candidates, exclusions, hand-outs, load per agent",
    params: IdParams,
    query: PreviewQuery,
    responses: { 200: { description: "The preview", schema: TaskPreview } },
    handler: async ({ principal, params, query }) => ({ json: await actAs(ctx, principal).tasks.preview(params.id, { asOf: query.asOf ?? ctx.today() }) })
  })
  for (const action of ["submit", "pause", "resume", "close"] as const satisfies ReadonlyArray<Lifecycle>) {
    r.route({
      method: "POST",
      path: `/api/tasks/:id/${action}`,
      tag: "tasks",
      summary: `${action[0]!.toUpperCase()}${action.slice(1)} a task`,
      params: IdParams,
      responses: { 200: { description: "The task", schema: Task } },
      handler: async ({ principal, params }) => ({ json: await actAs(ctx, principal).tasks[action](params.id) })
    })
  }
  r.route({
    method: "POST",
    path: "/api/tasks/:id/approve",
    tag: "tasks",
    summary: "Approve a task awaiting approval (not its author)",
    params: IdParams,
    body: Comment,
    responses: { 200: { description: "The active task", schema: Task } },
    handler: async ({ principal, params, body }) => ({ json: await actAs(ctx, principal).tasks.approve(params.id, body.comment) })
  })
  r.route({
    method: "POST",
    path: "/api/tasks/:id/reject",
    tag: "tasks",
    summary: "Reject a task awaiting approval, with a reason",
    params: IdParams,
    body: RequiredComment,
    responses: { 200: { description: "The rejected task", schema: Task } },
    handler: async ({ principal, params, body }) => ({ json: await actAs(ctx, principal).tasks.reject(params.id, body.comment) })
  })
  r.route({
    method: "POST",
    path: "/api/tasks/:id/import",
    tag: "tasks",
    summary:
      "Import a manual task's CSV (customer id[,agent id] per line); all or nothing for bad lines, every bad line reported; customers already handed out are skipped and reported per line unless a leader gives overrideReason",
    description:
      "An .xlsx workbook (its first sheet; by Content-Type or its ZIP signature) or RFC 4180 CSV (quoted fields), an optional header (customer_id / customerId / 客户编号, agent_id / 坐席工号, …). The encoding: a byte-order mark, else `?encoding=` or the Content-Type's charset (gbk, gb18030, utf-16le, …), else strict UTF-8; bytes that do not decode are refused with their line. Problems: the first 100 by line, then a count.",
    params: IdParams,
    query: ImportQuery,
    body: z.instanceof(Uint8Array),
    bodyType: "text",
    responses: { 200: { description: "The import report", schema: ImportReport } },
    handler: async ({ principal, params, query, body, raw }) => {
      // An .xlsx workbook's first sheet is read as UTF-8 CSV: one import path for both formats.
      const xlsx = isXlsx(body, raw.headers["content-type"])
      return {
        json: await actAs(ctx, principal).imports.importCsv(
          {
            taskId: params.id,
            agentIds: query.agentId ?? [],
            dryRun: query.dryRun ?? false,
            encoding: xlsx ? "utf-8" : uploadEncoding(query.encoding, raw.headers["content-type"]),
            ...(query.overrideReason === undefined ? {} : { override: { reason: query.overrideReason } })
          },
          xlsx ? xlsxToCsv(body) : body
        )
      }
    }
  })

  // Rules
  r.route({
    method: "GET",
    path: "/api/rule-templates",
    tag: "rules",
    summary: "The rule template catalogue",
    query: PageQuery,
    responses: { 200: { description: "A page of templates", schema: PageOf(Template) } },
    handler: async ({ query }) => ({ json: pageArray(templateCatalogue(), query) })
  })
  r.route({
    method: "GET",
    path: "/api/rules",
    tag: "rules",
    summary: "Rule instances the caller may read, each with its author's name",
    query: RulesQuery,
    responses: { 200: { description: "A page of rule instances", schema: PageOf(RuleInstanceRecord.extend(AuthorName.shape)) } },
    handler: async ({ principal, query: q }) => ({
      json: await withAuthorNames(ctx, await actAs(ctx, principal).ruleInstances.list({ ...(q.status ? { statuses: q.status } : {}), ...(q.templateId ? { templateIds: q.templateId } : {}) }, pageOf(q)))
    })
  })
  r.route({
    method: "GET",
    path: "/api/rules/:id",
    tag: "rules",
    summary: "One rule instance (`ruleId@version`)",
    params: IdParams,
    responses: { 200: { description: "The rule instance", schema: RuleInstanceRecord } },
    handler: async ({ principal, params }) => ({ json: await actAs(ctx, principal).ruleInstances.get(params.id) })
  })
  r.route({
    method: "POST",
    path: "/api/rules",
    tag: "rules",
    summary: "Create a rule draft from a template with parameters (or a hand-written rule)",
    body: NewRuleInstance,
    responses: { 201: { description: "The draft", schema: RuleInstanceRecord } },
    handler: async ({ principal, body }) => ({ status: 201, json: await actAs(ctx, principal).rules.create(body) })
  })
  r.route({
    method: "GET",
    path: "/api/rules/:id/preview",
    tag: "rules",
    summary: "How many customers the rule matches as of a date, with a sample",
    params: IdParams,
    query: z.object({ asOf: IsoDate.optional() }),
    responses: { 200: { description: "Count and sample", schema: RulePreview } },
    handler: async ({ principal, params, query }) => ({ json: await actAs(ctx, principal).rules.preview(params.id, query.asOf ?? ctx.today()) })
  })
  for (const action of ["submit", "retire", "revise"] as const) {
    r.route({
      method: "POST",
      path: `/api/rules/:id/${action}`,
      tag: "rules",
      summary: action === "revise" ? "Start a new draft version of a rule" : `${action[0]!.toUpperCase()}${action.slice(1)} a rule instance`,
      params: IdParams,
      responses: { 200: { description: "The rule instance", schema: RuleInstanceRecord } },
      handler: async ({ principal, params }) => ({ json: await actAs(ctx, principal).rules[action](params.id) })
    })
  }
  r.route({
    method: "POST",
    path: "/api/rules/:id/approve",
    tag: "rules",
    summary: "Approve a submitted rule (not its author)",
    params: IdParams,
    body: RuleApprove,
    responses: { 200: { description: "The approved rule", schema: RuleInstanceRecord } },
    handler: async ({ principal, params, body }) => ({ json: await actAs(ctx, principal).rules.approve(params.id, body.effectiveFrom ? { effectiveFrom: body.effectiveFrom } : {}) })
  })
  r.route({
    method: "POST",
    path: "/api/rules/:id/reject",
    tag: "rules",
    summary: "Reject a submitted rule, with a reason",
    params: IdParams,
    body: RuleReject,
    responses: { 200: { description: "The rejected rule", schema: RuleInstanceRecord } },
    handler: async ({ principal, params, body }) => ({ json: await actAs(ctx, principal).rules.reject(params.id, body.reason) })
  })

  // Extraction
  r.route({
    method: "POST",
    path: "/api/extractions/plan",
    tag: "extraction",
    summary: "Plan an extraction run without writing: the report and the planned items (paged)",
    query: PageQuery,
    body: ExtractionRequest,
    responses: { 200: { description: "The plan", schema: PlanAnswer } },
    handler: async ({ principal, query, body }) => {
      const plan = await actAs(ctx, principal).extraction.plan({ asOf: ctx.today(), ...body })
      const page = pageArray(plan.items, query)
      return { json: { report: plan.report, items: page.items, nextCursor: page.nextCursor } }
    }
  })
  r.route({
    method: "POST",
    path: "/api/extractions/run",
    tag: "extraction",
    summary: "Run an extraction: hand out the work items of every due task, atomically (a period once)",
    body: ExtractionRequest,
    responses: { 200: { description: "The run report", schema: ExtractionReport } },
    handler: async ({ principal, body }) => ({ json: await actAs(ctx, principal).extraction.run({ asOf: ctx.today(), ...body }) })
  })

  // Customer groups
  r.route({
    method: "POST",
    path: "/api/groups",
    tag: "groups",
    summary: "Build a customer group (a campaign's population) from a rule or a list",
    body: NewCustomerGroup,
    responses: { 201: { description: "The group", schema: z.object({ group: CustomerGroup, filteredDnd: z.number() }) } },
    handler: async ({ principal, body }) => ({ status: 201, json: await actAs(ctx, principal).groups.create(body) })
  })
  r.route({
    method: "GET",
    path: "/api/groups/:id/members",
    tag: "groups",
    summary: "A group's members as of a date (DND on a channel filtered out)",
    params: IdParams,
    query: GroupMembersQuery,
    responses: { 200: { description: "A page of customer ids", schema: GroupMembers } },
    handler: async ({ principal, params, query }) => {
      const m = await actAs(ctx, principal).groups.members(params.id, { asOf: query.asOf ?? ctx.today(), ...(query.channel ? { channel: query.channel } : {}) })
      const page = pageArray(m.customerIds, query)
      return { json: { groupId: m.groupId, asOf: m.asOf, filteredDnd: m.filteredDnd, items: page.items, nextCursor: page.nextCursor } }
    }
  })

  // Offers
  r.route({
    method: "GET",
    path: "/api/offers",
    tag: "offers",
    summary: "The offer catalogue",
    query: OffersQuery,
    responses: { 200: { description: "A page of offers", schema: PageOf(Offer) } },
    handler: async ({ query }) => ({ json: await ctx.winback.stores.offers.list({ activeOnly: query.activeOnly }, pageOf(query)) })
  })
  r.route({
    method: "POST",
    path: "/api/offer-uses",
    tag: "offers",
    summary: "Present an offer on a work item (accepted or not); some offers then need a leader's decision",
    body: NewOfferUse,
    responses: { 201: { description: "The offer use", schema: OfferUse } },
    handler: async ({ principal, body }) => ({ status: 201, json: await actAs(ctx, principal).offers.use(body) })
  })
  r.route({
    method: "POST",
    path: "/api/offer-uses/:id/decision",
    tag: "offers",
    summary: "Approve or reject an offer use awaiting a decision",
    params: IdParams,
    body: OfferDecisionBody,
    responses: { 200: { description: "The offer use", schema: OfferUse } },
    handler: async ({ principal, params, body }) => ({ json: await actAs(ctx, principal).offers.decide({ ...body, offerUseId: params.id }) })
  })
}
