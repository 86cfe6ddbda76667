/**
 * Work items: one customer to work within one task, assigned to one manager. An item stays open
 * until it is explicitly completed; not-reached outcomes count attempts and schedule the next one.
 */
import * as z from "zod"
import { Channel } from "../shared/Channel"
import { Id, Instant, Urgency, Version } from "../shared/Primitives"

/**
 * The seven call outcomes of DOMAIN §7. Reached: completed, refused, not-account-holder, reschedule.
 * Not reached: not-in-service, phone-off, no-answer.
 *
 * @example
 * ```ts
 * Disposition.parse("no-answer")
 * ```
 */
export const Disposition = z.enum([
  "completed",
  "refused",
  "not-account-holder",
  "reschedule",
  "not-in-service",
  "phone-off",
  "no-answer"
])
/** @see {@link Disposition} */
export type Disposition = z.infer<typeof Disposition>

/**
 * Dispositions where the customer was reached.
 *
 * @example
 * ```ts
 * reachedDispositions.includes("refused") // true: reached, but said no
 * ```
 */
export const reachedDispositions: ReadonlyArray<Disposition> = ["completed", "refused", "not-account-holder", "reschedule"]

/**
 * True when the disposition means the customer was reached.
 *
 * @example
 * ```ts
 * isReached("phone-off") // false
 * ```
 */
export const isReached = (d: Disposition): boolean => reachedDispositions.includes(d)

/**
 * Dispositions where the customer was not reached (DOMAIN §7). They never complete an item: each
 * one counts an attempt, and the retry policy schedules the next or ends the item as `unreachable`.
 *
 * @example
 * ```ts
 * notReachedDispositions.includes("phone-off") // true
 * ```
 */
export const notReachedDispositions: ReadonlyArray<Disposition> = ["not-in-service", "phone-off", "no-answer"]

/**
 * Work item state: open (not yet attempted), in-progress (attempted, follow-up pending),
 * completed (explicitly closed by the agent), cancelled (reclaimed or DND), expired (task ended),
 * unreachable (the retry policy's attempts are used up without reaching the customer; reported
 * apart from completed work).
 *
 * @example
 * ```ts
 * WorkItemState.parse("in-progress")
 * ```
 */
export const WorkItemState = z.enum(["open", "in-progress", "completed", "cancelled", "expired", "unreachable"])
/** @see {@link WorkItemState} */
export type WorkItemState = z.infer<typeof WorkItemState>

/**
 * States in which an item still waits for work.
 *
 * @example
 * ```ts
 * const open = yield* items.list({ assigneeId: "m-1", states: openWorkItemStates })
 * ```
 */
export const openWorkItemStates: ReadonlyArray<WorkItemState> = ["open", "in-progress"]

/**
 * One contact attempt on an item.
 *
 * @example
 * ```ts
 * Attempt.parse({ at: "2026-11-22T10:00:00.000Z", by: "m-1", disposition: "no-answer", callSerial: "C-000001", note: "" })
 * ```
 */
export const Attempt = z.object({
  at: Instant,
  by: Id,
  disposition: Disposition,
  callSerial: z.string().max(64).nullable(),
  note: z.string().max(4000).default("")
})
/** @see {@link Attempt} */
export type Attempt = z.infer<typeof Attempt>

/**
 * A reference to a file kept by the host (a call recording, a scanned paper questionnaire).
 *
 * @example
 * ```ts
 * Attachment.parse({ kind: "recording", uri: "https://pbx.example.com/rec/C-000001.wav", addedAt: "2026-11-22T10:05:00.000Z", addedBy: "m-1" })
 * ```
 */
export const Attachment = z.object({
  kind: z.enum(["recording", "scanned-questionnaire", "other"]),
  uri: z.string().min(1).max(2000),
  addedAt: Instant,
  addedBy: Id
})
/** @see {@link Attachment} */
export type Attachment = z.infer<typeof Attachment>

/**
 * A work item.
 *
 * @example
 * ```ts
 * WorkItem.parse({
 *   id: "wi-1", taskId: "task-bill-drop", customerId: "cust-42", assigneeId: "m-1", teamId: "t-north",
 *   channel: "phone", urgency: 1, state: "open", period: "2026-11-22", attempts: [], disposition: null,
 *   callSerial: null, nextAttemptAt: null, dueAt: null, completedAt: null, attachments: [],
 *   responseId: null, offerUses: [], createdAt: "2026-11-22T06:00:00.000Z", updatedAt: "2026-11-22T06:00:00.000Z", version: 1
 * })
 * ```
 */
export const WorkItem = z.object({
  id: Id,
  taskId: Id,
  customerId: Id,
  assigneeId: Id.nullable(),
  teamId: Id.nullable(),
  channel: Channel,
  urgency: Urgency,
  state: WorkItemState,
  /** The extraction period that handed the customer out (`2026-11-22`, `2026-W47`, `2026-11`). */
  period: z.string().min(1).max(20),
  attempts: z.array(Attempt),
  /** The final disposition, set on completion. */
  disposition: Disposition.nullable(),
  /** Serial number of the call that completed the item. */
  callSerial: z.string().max(64).nullable(),
  nextAttemptAt: Instant.nullable(),
  dueAt: Instant.nullable(),
  completedAt: Instant.nullable(),
  attachments: z.array(Attachment),
  responseId: Id.nullable(),
  offerUses: z.array(Id),
  createdAt: Instant,
  updatedAt: Instant,
  version: Version
})
/** @see {@link WorkItem} */
export type WorkItem = z.infer<typeof WorkItem>

/**
 * A new, open work item: the fields a hand-out decides, with everything else in its initial state
 * (no attempts, no disposition, version 1). Extraction and manual import both make items this way.
 *
 * @example
 * ```ts
 * const item = newWorkItem({ id: "wi-1", taskId: "task-bill-drop", customerId: "cust-42", assigneeId: "m-1",
 *   teamId: "t-north", channel: "phone", urgency: 1, period: "2026-11-22", at: "2026-11-22T06:00:00.000Z" })
 * ```
 */
export const newWorkItem = (f: {
  readonly id: string
  readonly taskId: string
  readonly customerId: string
  readonly assigneeId: string | null
  readonly teamId: string | null
  readonly channel: WorkItem["channel"]
  readonly urgency: number
  readonly period: string
  readonly at: string
}): WorkItem => ({
  id: f.id,
  taskId: f.taskId,
  customerId: f.customerId,
  assigneeId: f.assigneeId,
  teamId: f.teamId,
  channel: f.channel,
  urgency: f.urgency,
  state: "open",
  period: f.period,
  attempts: [],
  disposition: null,
  callSerial: null,
  nextAttemptAt: null,
  dueAt: null,
  completedAt: null,
  attachments: [],
  responseId: null,
  offerUses: [],
  createdAt: f.at,
  updatedAt: f.at,
  version: 1
})
