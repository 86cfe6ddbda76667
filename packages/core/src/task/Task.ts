/**
 * Tasks: where work comes from (DOMAIN §3). Alert tasks are rule-driven and long-running, campaign
 * tasks target a customer group in a window, manual tasks are imported lists. A new or changed
 * task goes live only after an approver (not its author) accepts it.
 */
import * as z from "zod"
import { Channel } from "../shared/Channel"
import { Id, Instant, IsoDate, Urgency, Version } from "../shared/Primitives"
import { RetryPolicyOverride } from "../work/RetryPolicy"

/**
 * Where a task's customers come from.
 *
 * @example
 * ```ts
 * TaskSource.parse("alert")
 * ```
 */
export const TaskSource = z.enum(["alert", "campaign", "manual"])
/** @see {@link TaskSource} */
export type TaskSource = z.infer<typeof TaskSource>

/**
 * Lifecycle: draft → pending-approval → active ⇄ paused → expired | closed; pending-approval → rejected.
 *
 * @example
 * ```ts
 * TaskStatus.parse("pending-approval")
 * ```
 */
export const TaskStatus = z.enum(["draft", "pending-approval", "active", "paused", "expired", "closed", "rejected"])
/** @see {@link TaskStatus} */
export type TaskStatus = z.infer<typeof TaskStatus>

/**
 * How often an alert task extracts.
 *
 * @example
 * ```ts
 * TaskCycle.parse("daily")
 * ```
 */
export const TaskCycle = z.enum(["once", "daily", "weekly", "monthly"])
/** @see {@link TaskCycle} */
export type TaskCycle = z.infer<typeof TaskCycle>

/**
 * The kind of work (what the agent does for the customer).
 *
 * @example
 * ```ts
 * TaskType.parse("retention-callback")
 * ```
 */
export const TaskType = z.enum([
  "retention-callback",
  "care-callback",
  "satisfaction-callback",
  "new-customer-callback",
  "complaint-follow-up",
  "dunning",
  "contract-renewal",
  "greeting",
  "visit"
])
/** @see {@link TaskType} */
export type TaskType = z.infer<typeof TaskType>


/**
 * The daily execution window in the customer's local time (`"09:00"`–`"20:00"`).
 *
 * @example
 * ```ts
 * ExecutionWindow.parse({ from: "09:00", to: "20:00" })
 * ```
 */
export const ExecutionWindow = z
  .object({
    from: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "expected HH:MM"),
    to: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "expected HH:MM")
  })
  .refine((w) => w.from < w.to, { message: "window must end after it starts", path: ["to"] })
/** @see {@link ExecutionWindow} */
export type ExecutionWindow = z.infer<typeof ExecutionWindow>

/**
 * The approval trail entry of a task or rule: who decided, when, and why.
 *
 * @example
 * ```ts
 * Approval.parse({ by: "m-approver", at: "2026-11-22T09:00:00.000Z", decision: "approved", comment: "" })
 * ```
 */
export const Approval = z.object({
  by: Id,
  at: Instant,
  decision: z.enum(["approved", "rejected"]),
  comment: z.string().max(2000).default("")
})
/** @see {@link Approval} */
export type Approval = z.infer<typeof Approval>

const TaskBase = z.object({
  id: Id,
  name: z.string().min(1).max(200),
  description: z.string().max(4000).default(""),
  type: TaskType,
  urgency: Urgency,
  channel: Channel,
  /** Who the task targets, in words or a population key (e.g. "postpaid gold customers, Beijing"). */
  target: z.string().max(1000).default(""),
  region: z.string().min(1).max(100).nullable().default(null),
  executionWindow: ExecutionWindow,
  cycle: TaskCycle,
  startsOn: IsoDate,
  expiresOn: IsoDate.nullable(),
  skipHolidays: z.boolean(),
  /** The questionnaire (work template) agents fill, as a published version hash. */
  questionnaireVersion: z.string().min(1).nullable(),
  smsTemplateId: Id.nullable().default(null),
  knowledgeLinks: z.array(z.object({ title: z.string().min(1).max(200), url: z.url() })).default([]),
  /** Cool-down in days before a customer handed out by this task may be handed out again. */
  cooldownDays: z.number().int().min(0).max(3650).default(30),
  /**
   * The task's retry policy for not-reached outcomes (maximum attempts, delays); fields left out
   * come from the work config's default (`WorkConfig.retry`).
   */
  retryPolicy: RetryPolicyOverride.optional(),
  status: TaskStatus,
  authorId: Id,
  approvals: z.array(Approval).default([]),
  createdAt: Instant,
  updatedAt: Instant,
  version: Version
})

/**
 * An alert task: rule instances evaluated each cycle.
 *
 * @example
 * ```ts
 * const t: AlertTask = AlertTask.parse({ ...base, source: "alert", ruleInstanceIds: ["ri-bill-drop@3"] })
 * ```
 */
export const AlertTask = TaskBase.extend({ source: z.literal("alert"), ruleInstanceIds: z.array(Id).min(1) })
/** @see {@link AlertTask} */
export type AlertTask = z.infer<typeof AlertTask>

/**
 * A campaign task: a customer group within a time window.
 *
 * @example
 * ```ts
 * const t = CampaignTask.parse({ ...base, source: "campaign", customerGroupId: "g-birthdays-nov" })
 * ```
 */
export const CampaignTask = TaskBase.extend({ source: z.literal("campaign"), customerGroupId: Id })
/** @see {@link CampaignTask} */
export type CampaignTask = z.infer<typeof CampaignTask>

/**
 * A manual task: an imported list (`customer_id` or `customer_id,agent_id` lines).
 *
 * @example
 * ```ts
 * const t = ManualTask.parse({ ...base, source: "manual" })
 * ```
 */
export const ManualTask = TaskBase.extend({ source: z.literal("manual") })
/** @see {@link ManualTask} */
export type ManualTask = z.infer<typeof ManualTask>

/**
 * A task of any source.
 *
 * @example
 * ```ts
 * const t = Task.parse(json); if (t.source === "alert") console.log(t.ruleInstanceIds)
 * ```
 */
export const Task = z.discriminatedUnion("source", [AlertTask, CampaignTask, ManualTask])
/** @see {@link Task} */
export type Task = z.infer<typeof Task>

const transitions: Record<TaskStatus, ReadonlyArray<TaskStatus>> = {
  draft: ["pending-approval", "closed"],
  "pending-approval": ["active", "rejected", "draft"],
  active: ["paused", "expired", "closed"],
  paused: ["active", "expired", "closed"],
  expired: [],
  closed: [],
  rejected: ["draft"]
}

/**
 * Whether a task may move from one status to another.
 *
 * @example
 * ```ts
 * canTransitionTask("active", "paused") // true
 * canTransitionTask("draft", "active")  // false: approval first
 * ```
 */
export const canTransitionTask = (from: TaskStatus, to: TaskStatus): boolean => transitions[from].includes(to)
