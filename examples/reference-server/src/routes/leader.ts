/**
 * What the team leader's and the approver's screens read that the other route groups do not
 * answer in one call: the team's work per member (open, in progress, overdue) and its pool, the
 * offer uses of the caller's scope awaiting a decision, customer groups (list, add customers, use in
 * a campaign task with the leader's settings, submitted for approval) and
 * a task's dry run split per team and agent with names. Every read goes through the caller's
 * scoped services, so a team outside the scope answers 403 and a task outside it 404.
 */
import { z } from "zod"
import { AddGroupMembers, CustomerGroup, ExecutionWindow, foldOfferUses, Id, IsoDate, NotFound, OfferUse, type Page, Task, TaskType, Urgency, ValidationError, type WorkItem } from "@winback/core"
import type { Router } from "../http"
import { localeOf, message, type MessageKey } from "../i18n"
import type { SmsContext } from "../sms/work"
import { managerNames } from "./names"
import { type ApiContext, IdParams, IdString, actAs } from "./support"

const TeamWorkQuery = z.object({ teamId: IdString.optional() }).strict()
const MemberWork = z.object({
  managerId: z.string(),
  name: z.string(),
  roles: z.array(z.string()),
  open: z.number(),
  inProgress: z.number(),
  overdue: z.number()
})
/** The work of one team, per member, and the size of its unassigned pool. */
const TeamWork = z.object({ teamId: z.string(), asOf: z.string(), members: z.array(MemberWork), pool: z.number() })
const PendingOffer = z.object({
  use: OfferUse,
  offerName: z.string(),
  customerName: z.string(),
  proposerName: z.string()
})
const GroupsQuery = z.object({ validOn: IsoDate.optional() }).strict()
const AddMembersBody = AddGroupMembers.omit({ groupId: true })
const GroupAnswer = z.object({ group: CustomerGroup, added: z.number(), filteredDnd: z.number() })
/**
 * The settings a leader chooses when a customer group becomes a campaign task (DOMAIN §3: a group, a
 * time window and a channel): what the core campaign task takes, with the campaign defaults filled.
 * Who gets the work is the extraction's (the customer's owner, else the team's pool).
 */
const CampaignSettings = z
  .object({
    name: z.string().trim().min(1).max(200),
    description: z.string().max(4000).default(""),
    type: TaskType.default("care-callback"),
    channel: z.enum(["phone", "sms", "visit"]),
    urgency: Urgency.default(3),
    startsOn: IsoDate,
    expiresOn: IsoDate,
    executionWindow: ExecutionWindow.default({ from: "09:00", to: "20:00" }),
    skipHolidays: z.boolean().default(false),
    /** Attempts per customer before the item ends as unreachable (the work config's default when absent). */
    maxAttempts: z.number().int().min(1).max(20).optional(),
    /** The questionnaire agents fill (a published version), for phone and visit work. */
    questionnaireVersion: z.string().min(1).max(200).nullable().default(null),
    /** The SMS template the batch send fills (required for SMS). */
    smsTemplateId: Id.nullable().default(null),
    /** Days before a customer this task handed out may be handed out again. */
    cooldownDays: z.number().int().min(0).max(3650).default(30)
  })
  .strict()
const SplitRow = z.object({ id: z.string(), name: z.string(), items: z.number() })
const TaskSplit = z.object({ taskId: z.string(), asOf: z.string(), perTeam: z.array(SplitRow), perAgent: z.array(SplitRow.extend({ teamId: z.string().nullable() })), unassigned: z.number() })

/** Every page of a paged read, concatenated (the lists here are one team's or one scope's). */
const allPages = async <A>(read: (cursor: string | null) => Promise<Page<A>>): Promise<Array<A>> => {
  const out: Array<A> = []
  let cursor: string | null = null
  do {
    const page: Page<A> = await read(cursor)
    out.push(...page.items)
    cursor = page.nextCursor
  } while (cursor)
  return out
}


/** An item is overdue when its due instant falls before the business date `asOf`. */
const isOverdue = (w: WorkItem, asOf: string) => w.dueAt !== null && w.dueAt.slice(0, 10) < asOf

/** The work of `teamId` (the caller's own team when absent) per member, as the scoped caller reads it. */
const teamWork = async (ctx: ApiContext, me: ReturnType<typeof actAs>, requested: string | undefined): Promise<z.infer<typeof TeamWork>> => {
  const teamId = requested ?? (await me.actor()).teamId
  const asOf = ctx.today()
  if (teamId === null) return { teamId: "", asOf, members: [], pool: 0 }
  const members = await me.teams.members(teamId)
  const rows = await Promise.all(
    members.map(async (m) => {
      const items = await allPages((cursor) => me.workItems.list({ assigneeId: m.id, states: ["open", "in-progress"] }, { limit: 500, cursor }))
      const count = (f: (w: WorkItem) => boolean) => items.filter(f).length
      return { managerId: m.id, name: m.name, roles: [...m.roles], open: count((w) => w.state === "open"), inProgress: count((w) => w.state === "in-progress"), overdue: count((w) => isOverdue(w, asOf)) }
    })
  )
  const pool = await allPages((cursor) => me.workList.pool({ teamId }, { limit: 200, cursor }))
  return { teamId, asOf, members: rows, pool: pool.length }
}

/**
 * The checks of a campaign's settings against its group (the window lies in the group's validity) and
 * its channel (SMS needs a template the caller sees, not archived; no questionnaire on SMS), in the caller's language.
 */
const campaignIssues = async (settings: z.output<typeof CampaignSettings>, group: CustomerGroup, managerId: string, sms: SmsContext | undefined, say: (key: MessageKey, vars?: Record<string, string>) => string) => {
  const issues: Array<{ path: Array<string>; code: string; message: string }> = []
  const issue = (field: string, code: string, text: string) => issues.push({ path: ["body", field], code, message: text })
  if (settings.expiresOn < settings.startsOn) issue("expiresOn", "invalid_range", say("ldr.use.err.range"))
  if (settings.startsOn < group.validFrom || settings.expiresOn > group.validUntil) {
    issue(settings.startsOn < group.validFrom ? "startsOn" : "expiresOn", "outside_group_window", say("ldr.use.err.window", { from: group.validFrom, until: group.validUntil }))
  }
  if (settings.channel === "sms") {
    if (settings.smsTemplateId === null) issue("smsTemplateId", "required", say("ldr.use.err.smsTemplate"))
    else if (sms && !(await sms.templates.list(managerId)).some((t) => t.id === settings.smsTemplateId)) issue("smsTemplateId", "unknown_sms_template", say("ldr.use.err.unknownTemplate", { id: settings.smsTemplateId }))
    if (settings.questionnaireVersion !== null) issue("questionnaireVersion", "not_for_sms", say("ldr.use.err.smsQuestionnaire"))
  }
  return issues
}

/**
 * Registers the leader and approver routes (`sms`: the SMS work, when mounted, checks a campaign's template).
 *
 * @example
 * ```ts
 * leaderRoutes(router, ctx)
 * ```
 */
export const leaderRoutes = (r: Router, ctx: ApiContext, sms?: SmsContext): void => {
  r.route({
    method: "GET",
    path: "/api/team-work",
    tag: "work",
    summary: "A team's open work per member (open, in progress, overdue as of the business date) and its pool size (default: the caller's team)",
    query: TeamWorkQuery,
    responses: { 200: { description: "The team's work", schema: TeamWork } },
    description: "Overdue: an open or in-progress item whose due instant falls before the business date. 403 for a team outside the caller's scope.",
    handler: async ({ principal, query }) => ({ json: await teamWork(ctx, actAs(ctx, principal), query.teamId) })
  })

  r.route({
    method: "GET",
    path: "/api/offer-uses/pending",
    tag: "offers",
    summary: "Offer uses awaiting a decision that the caller's audit scope shows (a leader: their team's), oldest first, with offer, customer and proposer names",
    responses: { 200: { description: "The pending offer uses", schema: z.object({ items: z.array(PendingOffer), nextCursor: z.null() }) } },
    handler: async ({ principal }) => {
      const me = actAs(ctx, principal)
      const entries = await allPages((cursor) => me.audit.query({ categories: ["offer"] }, { limit: 500, cursor }))
      const pending = foldOfferUses(entries).filter((u) => u.status === "proposed")
      const customers = new Map((await me.customers.getMany([...new Set(pending.map((u) => u.customerId))])).map((c) => [c.id, c.name]))
      const visible = pending.filter((u) => customers.has(u.customerId))
      const offers = new Map((await allPages((cursor) => ctx.winback.stores.offers.list({ activeOnly: false }, { limit: 200, cursor }))).map((o) => [o.id, o.name]))
      const names = await managerNames(ctx, visible.map((u) => u.managerId))
      return {
        json: {
          items: visible.map((use) => ({
            use,
            offerName: offers.get(use.offerId) ?? use.offerId,
            customerName: customers.get(use.customerId) ?? use.customerId,
            proposerName: names.get(use.managerId)?.name ?? use.managerId
          })),
          nextCursor: null
        }
      }
    }
  })

  r.route({
    method: "GET",
    path: "/api/groups",
    tag: "groups",
    summary: "Customer groups (those valid on validOn when given), newest first, with the business date (asOf) a new group's window starts from",
    query: GroupsQuery,
    responses: { 200: { description: "The groups", schema: z.object({ items: z.array(CustomerGroup), asOf: IsoDate, nextCursor: z.null() }) } },
    handler: async ({ principal, query }) => ({ json: { items: [...(await actAs(ctx, principal).groups.list(query.validOn ? { validOn: query.validOn } : {}))], asOf: ctx.today(), nextCursor: null } })
  })
  r.route({
    method: "POST",
    path: "/api/groups/:id/members",
    tag: "groups",
    summary: "Add customers to an imported group, all or nothing (every unknown or out-of-scope id reported); 409 on a stale version or a filter group",
    params: IdParams,
    body: AddMembersBody,
    description: "Customers on DND for `dndChannel`, when given, are left out and counted; customers already members are not counted as added.",
    responses: { 200: { description: "The group and how many were added", schema: GroupAnswer } },
    handler: async ({ principal, params, body }) => ({ json: await actAs(ctx, principal).groups.addMembers({ ...body, groupId: params.id }) })
  })

  r.route({
    method: "POST",
    path: "/api/groups/:id/campaign-task",
    tag: "groups",
    summary: "Use a customer group in a campaign task with the settings the leader chose (name, channel, window, attempts, questionnaire or SMS template), submitted for approval",
    params: IdParams,
    body: CampaignSettings,
    description:
      "Creates the campaign task and submits it: it goes live only when an approver (not its author) accepts it. The window must lie in the group's validity; SMS needs a template. 404 for a group outside the caller's reach. Validation messages follow the caller's language.",
    responses: { 201: { description: "The task, awaiting approval", schema: Task } },
    handler: async ({ principal, params, body, raw }) => {
      const me = actAs(ctx, principal)
      // Only a group the caller's list holds (an imported one: every customer in the caller's scope); else not found, as unknown.
      const group = (await me.groups.list()).find((g) => g.id === params.id)
      if (!group) throw new NotFound({ entity: "CustomerGroup", id: params.id })
      const locale = localeOf(raw)
      const issues = await campaignIssues(body, group, principal.managerId, sms, (key, vars) => message(locale, key, vars))
      if (issues.length) throw new ValidationError({ subject: "campaign task", issues })
      const { maxAttempts, ...settings } = body
      const draft = await me.tasks.create({
        ...settings,
        source: "campaign",
        customerGroupId: group.id,
        cycle: "once",
        ...(maxAttempts === undefined ? {} : { retryPolicy: { maxAttempts } })
      })
      return { status: 201, json: await me.tasks.submit(draft.id) }
    }
  })

  r.route({
    method: "GET",
    path: "/api/tasks/:id/preview/split",
    tag: "tasks",
    summary: "A task's dry run split per team and per agent, with names (what an approver weighs)",
    params: IdParams,
    query: z.object({ asOf: IsoDate.optional() }).strict(),
    responses: { 200: { description: "The split", schema: TaskSplit } },
    handler: async ({ principal, params, query }) => {
      const asOf = query.asOf ?? ctx.today()
      const preview = await actAs(ctx, principal).tasks.preview(params.id, { asOf })
      const load = Object.entries(preview.result.loadPerAgent)
      const unassigned = load.filter(([id]) => id === "-").reduce((n, [, v]) => n + v, 0)
      const agents = load.filter(([id]) => id !== "-")
      const names = await managerNames(ctx, agents.map(([id]) => id))
      const perAgent = agents.map(([id, items]) => ({ id, name: names.get(id)?.name ?? id, teamId: names.get(id)?.teamId ?? null, items })).sort((a, b) => b.items - a.items || (a.id < b.id ? -1 : 1))
      const teams = new Map((await actAs(ctx, principal).teams.list()).map((t) => [t.id, t.name]))
      const perTeamMap = new Map<string, number>()
      for (const a of perAgent) perTeamMap.set(a.teamId ?? "-", (perTeamMap.get(a.teamId ?? "-") ?? 0) + a.items)
      const perTeam = [...perTeamMap].map(([id, items]) => ({ id, name: teams.get(id) ?? id, items })).sort((a, b) => b.items - a.items || (a.id < b.id ? -1 : 1))
      return { json: { taskId: params.id, asOf, perTeam, perAgent, unassigned } }
    }
  })
}
