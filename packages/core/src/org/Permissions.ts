/**
 * The one place that answers "may actor A do action X to record R". Permissions are data: a
 * policy is a list of grants (role, actions, reach, optional status condition); the defaults are
 * DOMAIN §1 and a host extends or narrows them. Decisions are results with reasons, not errors.
 */
import { Context, Effect, Layer } from "effect"
import * as z from "zod"
import type { Actor } from "./Actor"
import type { Customer } from "../customer/Customer"
import { Forbidden } from "../shared/Errors"
import { Role } from "./Manager"
import { customerInScope, emptyScope, Reach, type ScopedCustomer, type ScopeSet, unionScopes, workItemInScope } from "./Scope"
import { parse } from "../shared/Validation"
import type { WorkItem } from "../work/WorkItem"

/**
 * The actions the SDK checks. A host may grant its own action names too (for its own endpoints)
 * and ask {@link decide} about them.
 *
 * @example
 * ```ts
 * decide(policy, actor, Actions.customerEdit, { type: "customer", customer })
 * ```
 */
export const Actions = {
  customerRead: "customer.read",
  /** Edit customer master data (DOMAIN §1: leader only, every edit recorded). */
  customerEdit: "customer.edit",
  /**
   * Also needed to change a customer's `region` (it moves the customer into another region's pool
   * and scope), over the customer as it is and as it would be (unowned) in the new region: by
   * default admins whose administered teams span both regions.
   */
  customerMoveRegion: "customer.move-region",
  /** Assign, transfer, reclaim customers. */
  customerAllocate: "customer.allocate",
  /** Read a customer's call records and DND entries. */
  contactHistoryRead: "contact-history.read",
  dndAdd: "dnd.add",
  /** Take back a DND entry of a customer (marked removed, never deleted). */
  dndRemove: "dnd.remove",
  /**
   * Also needed to take back an entry the customer asked for, or one from a complaint or a
   * regulator (`protectedDndSources`): team leaders by default, not agents.
   */
  dndRemoveProtected: "dnd.remove-protected",
  workItemRead: "work-item.read",
  workItemUpdate: "work-item.update",
  workItemComplete: "work-item.complete",
  /** Assign, transfer, reclaim work items. */
  workItemAllocate: "work-item.allocate",
  appointmentRead: "appointment.read",
  /** Book a callback for a customer (the customer must also be readable). */
  appointmentBook: "appointment.book",
  appointmentUpdate: "appointment.update",
  taskRead: "task.read",
  taskApprove: "task.approve",
  ruleRead: "rule.read",
  ruleApprove: "rule.approve",
  managerRead: "manager.read",
  teamCreateRoot: "team.create-root",
  teamCreateChild: "team.create-child",
  teamSetAdmin: "team.set-admin",
  teamMaintainMembers: "team.maintain-members",
  /** Rename a team (its admins, over the teams they administer). */
  teamRename: "team.rename",
  /** Change a manager's roles (the admin role, over the managers of the teams they administer). */
  managerSetRoles: "manager.set-roles",
  /** Deactivate or reactivate a manager (the admin role, over the managers of the teams they administer). */
  managerDeactivate: "manager.deactivate",
  auditRead: "audit.read",
  auditNote: "audit.note",
  auditVerify: "audit.verify",
  // The work: tasks, rules, groups, extraction, import, SMS, offers, usage feed, reports, plans.
  /** Write a task draft, submit it, pause/resume/close it. */
  taskCreate: "task.create",
  /** Run an extraction. */
  extractionRun: "extraction.run",
  /** See a task's dry-run preview (approvers decide on it). */
  taskPreview: "task.preview",
  /** Import a manual task's CSV. */
  taskImport: "task.import",
  /**
   * Import lines for customers already handed out (in this period, within a cool-down, or with an
   * open item in the task) anyway, with a reason that is audited: leaders for their team,
   * directors for their subtree. Never overrides "one agent per customer's open work".
   */
  taskImportOverride: "task.import-override",
  /** Write rule-instance drafts and submit them. */
  ruleCreate: "rule.create",
  /** Build and change customer groups. */
  groupManage: "group.manage",
  /** Send SMS for work items in scope. */
  smsSend: "sms.send",
  /** Write the SMS templates tasks send with (admins and directors). */
  smsTemplateManage: "sms-template.manage",
  /** Propose an offer on a work item in scope. */
  offerUse: "offer.use",
  /** Decide an offer use that needs approval. */
  offerApprove: "offer.approve",
  /** Import the host's usage feed (customers, daily and monthly usage): admins and system jobs. */
  usageImport: "usage.import",
  /** Read reports (funnels, observations, agent performance) over the reach of the grant. */
  reportRead: "report.read",
  /** Evaluate the observations whose window ended. */
  observationEvaluate: "observation.evaluate",
  /** Read work plans (targets and progress) over the reach of the grant. */
  planRead: "plan.read",
  /** Set the work plans of the agents and teams in reach. */
  planManage: "plan.manage",
  /** Close a plan period: archive the plans in reach with their achieved figures. */
  planClose: "plan.close"
} as const
/**
 * A known action name.
 *
 * @example
 * ```ts
 * const a: Action = "work-item.complete"
 * ```
 */
export type Action = (typeof Actions)[keyof typeof Actions]

/**
 * One grant: every manager holding `role` ("*" = any manager) may do `actions` over records within
 * `reach`. `statuses` (for tasks and rules) limits the grant to records in those statuses.
 *
 * @example
 * ```ts
 * Grant.parse({ role: "approver", actions: ["task.read"], reach: "all", statuses: ["pending-approval"] })
 * ```
 */
export const Grant = z.object({
  role: z.union([Role, z.literal("*")]),
  actions: z.array(z.string().min(1).max(100)).min(1),
  reach: Reach,
  statuses: z.array(z.string().min(1)).min(1).optional()
})
/** @see {@link Grant} */
export type Grant = z.infer<typeof Grant>

/**
 * A permission policy: the grants in force. The union of all grants that match applies.
 *
 * @example
 * ```ts
 * const policy = PermissionPolicy.parse({ grants: [...defaultPolicy.grants, { role: "director", actions: ["customer.edit"], reach: "subtree" }] })
 * ```
 */
export const PermissionPolicy = z.object({ grants: z.array(Grant) })
/** @see {@link PermissionPolicy} */
export type PermissionPolicy = z.infer<typeof PermissionPolicy>

const A = Actions

/**
 * The defaults of DOMAIN §1:
 * - agent: own customers and items (read, work, complete, add and remove DND entries), active
 *   tasks, own audit entries;
 * - team leader: everything of their team, master-data edits and allocation, and removing the DND
 *   entries a customer asked for (or a complaint or regulator set), which agents may not;
 * - director / service manager: reads everything in their subtree, audits, verifies the chain;
 * - approver: reads and decides tasks and rules pending approval;
 * - the admin of a team (any manager set as `Team.adminId`): creates child teams, sets admins,
 *   maintains members, over the teams they administer; the `admin` role creates root teams;
 * - the work (DOMAIN §3, §7, §8): admins and directors run extractions and write tasks, rules and
 *   groups; leaders import manual lists, send SMS and decide offers for their team; agents send
 *   SMS, propose offers and read their own reports and plans; leaders and directors plan their
 *   subtree, directors and admins close plan periods.
 *
 * @example
 * ```ts
 * const winback = await createWinback({ storage, policy: defaultPolicy })
 * ```
 */
export const defaultPolicy: PermissionPolicy = {
  grants: [
    {
      role: "agent",
      reach: "self",
      actions: [
        A.customerRead,
        A.contactHistoryRead,
        A.dndAdd,
        A.dndRemove,
        A.workItemRead,
        A.workItemUpdate,
        A.workItemComplete,
        A.appointmentRead,
        A.appointmentBook,
        A.appointmentUpdate,
        A.auditRead,
        A.auditNote
      ]
    },
    { role: "agent", reach: "all", actions: [A.taskRead], statuses: ["active", "paused"] },
    {
      role: "team-leader",
      reach: "team",
      actions: [
        A.customerRead,
        A.customerEdit,
        A.customerAllocate,
        A.contactHistoryRead,
        A.dndAdd,
        A.dndRemove,
        A.dndRemoveProtected,
        A.workItemRead,
        A.workItemUpdate,
        A.workItemComplete,
        A.workItemAllocate,
        A.appointmentRead,
        A.appointmentBook,
        A.appointmentUpdate,
        A.managerRead,
        A.auditRead,
        A.auditNote
      ]
    },
    { role: "team-leader", reach: "all", actions: [A.taskRead] },
    {
      role: "director",
      reach: "subtree",
      actions: [A.customerRead, A.contactHistoryRead, A.workItemRead, A.appointmentRead, A.managerRead, A.auditRead, A.auditNote]
    },
    { role: "director", reach: "all", actions: [A.taskRead, A.ruleRead, A.auditVerify] },
    { role: "approver", reach: "all", actions: [A.taskRead, A.ruleRead, A.taskApprove, A.ruleApprove], statuses: ["pending-approval"] },
    { role: "approver", reach: "self", actions: [A.auditRead, A.auditNote] },
    { role: "admin", reach: "all", actions: [A.teamCreateRoot, A.auditVerify] },
    // A region move takes the customer out of one region's scope into another's: only an admin
    // over both regions (the teams they administer span them) may make it.
    { role: "admin", reach: "administered", actions: [A.customerMoveRegion] },
    { role: "*", reach: "administered", actions: [A.teamCreateChild, A.teamSetAdmin, A.teamMaintainMembers, A.managerRead] },
    { role: "*", reach: "administered", actions: [A.teamRename] },
    { role: "admin", reach: "administered", actions: [A.managerSetRoles, A.managerDeactivate] },
    // Admins keep the do-not-disturb lists of the customers their administered teams hold (DOMAIN §6).
    { role: "admin", reach: "administered", actions: [A.dndAdd, A.dndRemove, A.dndRemoveProtected] },
    // The work (DOMAIN §3, §7, §8): admins and directors run extractions and write tasks, rules and
    // groups; leaders import manual lists for their team (directors for their subtree); agents work
    // their own customers. Managing a task follows its author's `task.create` reach.
    { role: "admin", reach: "all", actions: [A.extractionRun, A.ruleCreate, A.groupManage] },
    { role: "admin", reach: "administered", actions: [A.taskCreate] },
    // Importing hands work to agents: the importer's reach bounds whom (a leader: their team).
    { role: "director", reach: "subtree", actions: [A.taskImport, A.taskImportOverride] },
    { role: "director", reach: "all", actions: [A.extractionRun, A.ruleCreate, A.groupManage] },
    { role: "director", reach: "subtree", actions: [A.taskCreate] },
    { role: "team-leader", reach: "all", actions: [A.groupManage] },
    { role: "team-leader", reach: "subtree", actions: [A.taskCreate] },
    { role: "team-leader", reach: "team", actions: [A.taskImport, A.taskImportOverride, A.smsSend, A.offerUse, A.offerApprove] },
    { role: "agent", reach: "self", actions: [A.smsSend, A.offerUse] },
    { role: "admin", reach: "all", actions: [A.smsTemplateManage] },
    { role: "director", reach: "all", actions: [A.smsTemplateManage] },
    { role: "approver", reach: "all", actions: [A.taskPreview] },
    { role: "admin", reach: "all", actions: [A.taskPreview] },
    { role: "director", reach: "all", actions: [A.taskPreview] },
    { role: "team-leader", reach: "all", actions: [A.taskPreview] },
    { role: "admin", reach: "all", actions: [A.usageImport] },
    // Reports: agents see their own figures; leaders, directors and team admins their subtree.
    { role: "agent", reach: "self", actions: [A.reportRead] },
    { role: "team-leader", reach: "subtree", actions: [A.reportRead] },
    { role: "director", reach: "subtree", actions: [A.reportRead] },
    { role: "admin", reach: "subtree", actions: [A.reportRead] },
    { role: "admin", reach: "all", actions: [A.observationEvaluate] },
    { role: "director", reach: "all", actions: [A.observationEvaluate] },
    // Work plans: agents read their own; leaders and directors plan their subtree; directors and admins close periods.
    { role: "agent", reach: "self", actions: [A.planRead] },
    { role: "team-leader", reach: "subtree", actions: [A.planRead, A.planManage] },
    { role: "director", reach: "subtree", actions: [A.planRead, A.planManage, A.planClose] },
    { role: "admin", reach: "all", actions: [A.planRead, A.planManage, A.planClose] }
  ]
}

/**
 * Extends a policy: adds grants, and removes every grant of `revoke` (role + action) from the
 * result. Validated, so a host's typo fails fast with a `ValidationError`.
 *
 * @example
 * ```ts
 * // Directors may also edit master data in their subtree; agents may not add DND entries.
 * const policy = extendPolicy(defaultPolicy, {
 *   grants: [{ role: "director", actions: ["customer.edit"], reach: "subtree" }],
 *   revoke: [{ role: "agent", action: "dnd.add" }]
 * })
 * ```
 */
export const extendPolicy = (
  base: PermissionPolicy,
  change: { readonly grants?: ReadonlyArray<unknown>; readonly revoke?: ReadonlyArray<{ readonly role: string; readonly action: string }> }
): PermissionPolicy => {
  const added = parse(z.array(Grant), change.grants ?? [], "grants")
  const revoke = change.revoke ?? []
  const grants = [...base.grants, ...added].flatMap((g): Array<Grant> => {
    const actions = g.actions.filter((a) => !revoke.some((r) => r.role === g.role && r.action === a))
    return actions.length ? [{ ...g, actions }] : []
  })
  return { grants }
}

/**
 * What a decision is about. Records carry the fields scope needs; a list or a creation without a
 * record yet is `{ type: "none" }` (only the grant is checked).
 *
 * @example
 * ```ts
 * const r: Resource = { type: "work-item", workItem: item }
 * ```
 */
export type Resource =
  | { readonly type: "customer"; readonly customer: Pick<Customer, "id"> & ScopedCustomer }
  | { readonly type: "work-item"; readonly workItem: Pick<WorkItem, "id" | "assigneeId" | "teamId"> }
  | { readonly type: "appointment"; readonly appointment: { readonly id: string; readonly managerId: string } }
  | { readonly type: "task"; readonly task: { readonly id: string; readonly status: string; readonly authorId?: string } }
  | { readonly type: "rule"; readonly rule: { readonly id: string; readonly status: string } }
  | { readonly type: "team"; readonly team: { readonly id: string } }
  | { readonly type: "manager"; readonly manager: { readonly id: string } }
  | { readonly type: "audit-entry"; readonly entry: { readonly seq?: number; readonly actorId: string } }
  | { readonly type: "none" }

/**
 * A reasoned decision. `reasons` says which grant allowed it, or why each candidate grant did not.
 *
 * @example
 * ```ts
 * const d = decide(policy, actor, "customer.edit", { type: "customer", customer })
 * if (!d.allowed) console.log(d.reasons.join("; "))
 * ```
 */
export interface Decision {
  readonly allowed: boolean
  readonly reasons: ReadonlyArray<string>
}

/**
 * A short, log-friendly name of a resource.
 *
 * @example
 * ```ts
 * describeResource({ type: "customer", customer }) // "customer:cust-42"
 * ```
 */
export const describeResource = (r: Resource): string => {
  switch (r.type) {
    case "customer":
      return `customer:${r.customer.id}`
    case "work-item":
      return `work-item:${r.workItem.id}`
    case "appointment":
      return `appointment:${r.appointment.id}`
    case "task":
      return `task:${r.task.id}`
    case "rule":
      return `rule:${r.rule.id}`
    case "team":
      return `team:${r.team.id}`
    case "manager":
      return `manager:${r.manager.id}`
    case "audit-entry":
      return `audit-entry:${r.entry.seq ?? "new"}`
    case "none":
      return "-"
  }
}

const inScope = (scope: ScopeSet, r: Resource): boolean => {
  if (scope.all) return true
  switch (r.type) {
    case "customer":
      return customerInScope(scope, r.customer)
    case "work-item":
      return workItemInScope(scope, r.workItem)
    case "team":
      return scope.teamIds.includes(r.team.id)
    case "manager":
      return scope.managerIds.includes(r.manager.id)
    case "appointment":
      return scope.managerIds.includes(r.appointment.managerId)
    case "audit-entry":
      return scope.managerIds.includes(r.entry.actorId)
    // A task with its author is in the reach of its author (managing a task follows the author's
    // team tree); otherwise tasks and rules are organisation-wide. Statuses narrow.
    case "task":
      return r.task.authorId === undefined || scope.managerIds.includes(r.task.authorId)
    case "rule":
    case "none":
      return true
  }
}

// Says nothing about the record beyond its id: a refusal must not name an owner, assignee, team
// or region the caller may not read.
const whyOut = (reach: Reach, r: Resource): string => {
  switch (r.type) {
    case "customer":
      return `is outside the ${reach} scope`
    case "work-item":
      return `is outside the ${reach} scope`
    case "task":
      return `was written outside the ${reach} scope`
    default:
      return `outside ${reach}`
  }
}

const statusOf = (r: Resource): string | undefined => (r.type === "task" ? r.task.status : r.type === "rule" ? r.rule.status : undefined)

const grantsFor = (policy: PermissionPolicy, actor: Actor, action: string): ReadonlyArray<Grant> =>
  policy.grants.filter((g) => (g.role === "*" || actor.roles.includes(g.role)) && g.actions.includes(action))

/**
 * Decides whether `actor` may do `action` to `resource` under `policy`. Pure and synchronous.
 *
 * @example
 * ```ts
 * decide(defaultPolicy, agent, "customer.edit", { type: "customer", customer })
 * // { allowed: false, reasons: ["no role of m-1 (agent) grants customer.edit"] }
 * ```
 */
export const decide = (policy: PermissionPolicy, actor: Actor, action: string, resource: Resource): Decision => {
  const grants = grantsFor(policy, actor, action)
  if (grants.length === 0) return { allowed: false, reasons: [`no role of ${actor.id} (${actor.roles.join(", ")}) grants ${action}`] }
  const denied: Array<string> = []
  for (const g of grants) {
    const label = `${g.role === "*" ? "any manager" : `role ${g.role}`} grants ${action} over ${g.reach}`
    if (g.reach === "none") {
      denied.push(`${label}: reaches nothing`)
      continue
    }
    const status = statusOf(resource)
    if (g.statuses && status !== undefined && !g.statuses.includes(status)) {
      denied.push(`${label} only in status ${g.statuses.join("/")}: ${describeResource(resource)} is ${status}`)
      continue
    }
    if (!inScope(actor.scopes[g.reach], resource)) {
      denied.push(`${label}: ${describeResource(resource)} ${whyOut(g.reach, resource)}`)
      continue
    }
    return { allowed: true, reasons: [`${label}, which covers ${describeResource(resource)}`] }
  }
  return { allowed: false, reasons: denied }
}

/**
 * What `action` lets `actor` reach, as one scope (the union over matching grants) plus the task or
 * rule statuses it is limited to (undefined = any status). Undefined when no grant matches. The
 * scoped stores push this into every list.
 *
 * @example
 * ```ts
 * const s = scopeFor(defaultPolicy, leader, "customer.read")
 * customers.list({ inScope: customerScopeFilter(s!.scope) })
 * ```
 */
export const scopeFor = (
  policy: PermissionPolicy,
  actor: Actor,
  action: string
): { readonly scope: ScopeSet; readonly statuses: ReadonlyArray<string> | undefined } | undefined => {
  const grants = grantsFor(policy, actor, action).filter((g) => g.reach !== "none")
  if (grants.length === 0) return undefined
  const statuses = grants.some((g) => g.statuses === undefined) ? undefined : [...new Set(grants.flatMap((g) => g.statuses ?? []))]
  return { scope: unionScopes(grants.map((g) => (g.reach === "none" ? emptyScope : actor.scopes[g.reach]))), statuses }
}

/**
 * The permission service: the policy in force and the checks every scoped operation makes.
 *
 * @example
 * ```ts
 * const perms = yield* Permissions
 * const d = yield* perms.check(actor, "work-item.complete", { type: "work-item", workItem: item })
 * yield* perms.require(actor, "customer.edit", { type: "customer", customer }) // fails with Forbidden
 * ```
 */
export class Permissions extends Context.Service<
  Permissions,
  {
    readonly policy: PermissionPolicy
    readonly check: (actor: Actor, action: string, resource: Resource) => Effect.Effect<Decision>
    readonly require: (actor: Actor, action: string, resource: Resource) => Effect.Effect<void, Forbidden>
    readonly scopeFor: (actor: Actor, action: string) => Effect.Effect<ReturnType<typeof scopeFor>>
  }
>()("@winback/core/Permissions") {
  /**
   * The service over a policy (default: {@link defaultPolicy}); the policy is validated.
   *
   * @example
   * ```ts
   * program.pipe(Effect.provide(Permissions.layer(extendPolicy(defaultPolicy, { grants: [...] }))))
   * ```
   */
  static readonly layer = (policy: PermissionPolicy = defaultPolicy): Layer.Layer<Permissions> =>
    Layer.sync(Permissions, () => Permissions.make(policy))

  /**
   * The service value over a validated policy (for hand-wiring without layers).
   *
   * @example
   * ```ts
   * const perms = Permissions.make(defaultPolicy)
   * ```
   */
  static readonly make = (input: PermissionPolicy): Permissions["Service"] => {
    const policy = parse(PermissionPolicy, input, "permission policy")
    return Permissions.of({
      policy,
      check: Effect.fn("Permissions.check")(function* (actor: Actor, action: string, resource: Resource) {
        return decide(policy, actor, action, resource)
      }),
      require: Effect.fn("Permissions.require")(function* (actor: Actor, action: string, resource: Resource) {
        const d = decide(policy, actor, action, resource)
        if (!d.allowed) return yield* new Forbidden({ actorId: actor.id, action, resource: describeResource(resource), reason: d.reasons.join("; ") })
      }),
      scopeFor: Effect.fn("Permissions.scopeFor")(function* (actor: Actor, action: string) {
        return scopeFor(policy, actor, action)
      })
    })
  }
}
