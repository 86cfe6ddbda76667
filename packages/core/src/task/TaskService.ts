/**
 * Tasks from the three sources (DOMAIN §3) with maker-checker approval: an author writes a draft
 * and submits it; an approver who is not the author accepts it (it goes live) or rejects it with a
 * reason; live tasks pause, resume and close. Before deciding, the approver sees the dry-run
 * preview (`TaskService.preview`): how many customers the task would pick today, how many are
 * excluded and why, and the load per agent. Every step is permission-checked and audited in its
 * transaction.
 */
import { Context, Effect, Layer } from "effect"
import * as z from "zod"
import type { Actor } from "../org/Actor"
import { AssignmentPolicy } from "./Assignment"
import { AuditTrail, nowIso } from "../audit/AuditTrail"
import { Conflict, Forbidden, type NotFound, type StorageError, type ValidationError } from "../shared/Errors"
import { Extraction, type TaskExtraction } from "./Extraction"
import { Actions, Permissions } from "../org/Permissions"
import { IsoDate } from "../shared/Primitives"
import { CustomerGroupStore } from "../customer/CustomerGroupStore"
import { RuleInstanceStore } from "../rule/RuleInstanceStore"
import { TaskStore } from "./TaskStore"
import { Transactions } from "../ports/Transactions"
import { WorkItemStore } from "../work/WorkItemStore"
import { ScopedStores } from "../facade/ScopedStores"
import type { Page } from "../shared/Page"
import { openWorkItemStates, type WorkItem } from "../work/WorkItem"
import { canTransitionTask, Task, type TaskStatus } from "./Task"
import { decode } from "../shared/Validation"
import { newId } from "../shared/Ids"
import { serviceLayer } from "../shared/ServiceLayer"

const managed = ["status", "authorId", "approvals", "createdAt", "updatedAt", "version"] as const

/**
 * A new task: every attribute of DOMAIN §3 (the lifecycle fields are set by the service). `id` is
 * generated when absent.
 *
 * @example
 * ```ts
 * const input: NewTask = { source: "alert", ruleInstanceIds: ["zero-bill@1"], name: "Zero bill", type: "retention-callback",
 *   urgency: 1, channel: "phone", executionWindow: { from: "09:00", to: "20:00" }, cycle: "daily",
 *   startsOn: "2026-11-01", expiresOn: null, skipHolidays: true, questionnaireVersion: null }
 * ```
 */
export type NewTask = { readonly id?: string } & DistributiveOmit<z.input<typeof Task>, (typeof managed)[number] | "id">
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

/**
 * A change to a draft task (any attribute but the source and the lifecycle fields).
 *
 * @example
 * ```ts
 * const patch: TaskPatch = { urgency: 2, cooldownDays: 14 }
 * ```
 */
export type TaskPatch = Readonly<Record<string, unknown>>

/**
 * The dry-run preview an approver sees.
 *
 * @example
 * ```ts
 * const p = yield* taskService.preview(approver, "task-zero-bill", { asOf: "2026-11-25" })
 * console.log(`${p.result.handedOut} of ${p.result.candidates}: ${JSON.stringify(p.result.excluded)}`)
 * ```
 */
export interface TaskPreview {
  readonly taskId: string
  readonly asOf: string
  readonly period: string
  readonly result: TaskExtraction
  /** The first customers the task would pick (code-point order). */
  readonly sample: ReadonlyArray<string>
}

/**
 * Options of a preview: the data day and the assignment to simulate.
 *
 * @example
 * ```ts
 * PreviewOptions.parse({ asOf: "2026-11-25", assignment: { kind: "round-robin", agentIds: ["m-1", "m-2"] } })
 * ```
 */
export const PreviewOptions = z.object({ asOf: IsoDate.optional(), assignment: AssignmentPolicy.optional() }).strict()
/** @see {@link PreviewOptions} */
export type PreviewOptions = z.input<typeof PreviewOptions>

type Errors = ValidationError | NotFound | Conflict | Forbidden | StorageError

/**
 * The task service.
 *
 * @example
 * ```ts
 * const tasks = yield* TaskService
 * const draft = yield* tasks.create(admin, input)
 * yield* tasks.submit(admin, draft.id)
 * const preview = yield* tasks.preview(approver, draft.id)
 * yield* tasks.approve(approver, draft.id, "reviewed the preview: 412 customers, load even")
 * ```
 */
export class TaskService extends Context.Service<
  TaskService,
  {
    readonly create: (actor: Actor, input: NewTask) => Effect.Effect<Task, Errors>
    /** Edits a draft (or a rejected task, which goes back to draft). */
    readonly update: (actor: Actor, id: string, patch: TaskPatch, expectedVersion: number) => Effect.Effect<Task, Errors>
    readonly submit: (actor: Actor, id: string) => Effect.Effect<Task, Errors>
    /** Maker-checker: the approver must not be the author; alert tasks need active rule instances. */
    readonly approve: (actor: Actor, id: string, comment?: string) => Effect.Effect<Task, Errors>
    readonly reject: (actor: Actor, id: string, comment: string) => Effect.Effect<Task, Errors>
    readonly pause: (actor: Actor, id: string) => Effect.Effect<Task, Errors>
    readonly resume: (actor: Actor, id: string) => Effect.Effect<Task, Errors>
    /** Closes a task; its open items are cancelled (in the same transaction, audited). */
    readonly close: (actor: Actor, id: string) => Effect.Effect<Task, Errors>
    /**
     * Expires every active or paused task whose expiry date lies before `asOf` (default: today),
     * and its open items. Run it daily, before the extraction.
     */
    readonly expireDue: (actor: Actor, asOf?: string) => Effect.Effect<ReadonlyArray<{ readonly taskId: string; readonly items: number }>, Errors>
    /** The dry-run preview of a task (any status): extraction planned as of a day, nothing written. */
    readonly preview: (actor: Actor, id: string, options?: PreviewOptions) => Effect.Effect<TaskPreview, Errors>
  }
>()("@winback/core/TaskService") {
  /**
   * The live implementation.
   *
   * @example
   * ```ts
   * TaskService.layer.pipe(Layer.provide(Extraction.layer), Layer.provide(scopeLayer(defaultPolicy)), Layer.provide(storesLayer(stores)))
   * ```
   */
  static readonly layer: Layer.Layer<TaskService, never, Transactions | TaskStore | RuleInstanceStore | CustomerGroupStore | WorkItemStore | Extraction | Permissions | ScopedStores | AuditTrail> = serviceLayer(
    TaskService,
    { tx: Transactions, tasks: TaskStore, rules: RuleInstanceStore, groups: CustomerGroupStore, workItems: WorkItemStore, extraction: Extraction, perms: Permissions, scoped: ScopedStores, trail: AuditTrail },
    ({ tx, tasks, rules, groups, workItems, extraction, perms, scoped, trail }) => Effect.gen(function* () {
      const audit = (actor: Actor, action: string, before: Task | null, after: Task, note?: string) =>
        trail.record(actor, { action, category: "task", recordType: "Task", recordId: after.id, customerId: null, before, after, ...(note ? { note } : {}) })

      const move = (actor: Actor, id: string, to: TaskStatus, action: string, check: (t: Task) => Effect.Effect<void, Errors>, extra: (t: Task, now: string) => Partial<Task> = () => ({}), note?: string) =>
        tx.transaction(
          Effect.gen(function* () {
            const before = yield* tasks.get(id)
            yield* check(before)
            if (!canTransitionTask(before.status, to)) return yield* new Conflict({ kind: "wrong-state", entity: "Task", id, reason: `cannot go from ${before.status} to ${to}` })
            const now = yield* nowIso
            const after = yield* tasks.update({ ...before, ...extra(before, now), status: to, updatedAt: now } as Task, before.version)
            yield* audit(actor, action, before, after, note)
            return after
          })
        )

      // Managing a task (edit, submit, pause, resume, close) follows its author: the actor's
      // task.create reach must hold the author (a leader: their own team tree).
      const mayManage = (actor: Actor) => (t: Task) =>
        perms.require(actor, Actions.taskCreate, { type: "task", task: { id: t.id, status: t.status, authorId: t.authorId } })

      const create = Effect.fn("TaskService.create")(function* (actor: Actor, input: NewTask) {
        yield* perms.require(actor, Actions.taskCreate, { type: "none" })
        const now = yield* nowIso
        const task = yield* decode(
          Task,
          { id: yield* newId("task"), ...input, status: "draft", authorId: actor.id, approvals: [], createdAt: now, updatedAt: now, version: 1 },
          "task"
        )
        return yield* tx.transaction(
          Effect.gen(function* () {
            const stored = yield* tasks.insert(task)
            yield* audit(actor, "task.create", null, stored)
            return stored
          })
        )
      })

      const update = Effect.fn("TaskService.update")(function* (actor: Actor, id: string, patch: TaskPatch, expectedVersion: number) {
        yield* perms.require(actor, Actions.taskCreate, { type: "none" })
        const blocked = Object.keys(patch).filter((k) => (managed as ReadonlyArray<string>).includes(k) || k === "id" || k === "source")
        if (blocked.length) {
          return yield* new Forbidden({ actorId: actor.id, action: Actions.taskCreate, resource: `task:${id}`, reason: `${blocked.join(", ")} cannot be edited` })
        }
        return yield* tx.transaction(
          Effect.gen(function* () {
            const before = yield* tasks.get(id)
            yield* mayManage(actor)(before)
            if (before.status !== "draft" && before.status !== "rejected") {
              return yield* new Conflict({ kind: "wrong-state", entity: "Task", id, reason: `a ${before.status} task cannot be edited; only drafts (a change to a live task is a new task that goes through approval)` })
            }
            const now = yield* nowIso
            const next = yield* decode(Task, { ...before, ...patch, status: "draft", updatedAt: now }, "task")
            const after = yield* tasks.update(next, expectedVersion)
            yield* audit(actor, "task.update", before, after)
            return after
          })
        )
      })

      const submit = Effect.fn("TaskService.submit")(function* (actor: Actor, id: string) {
        return yield* move(actor, id, "pending-approval", "task.submit", mayManage(actor))
      })

      const approve = Effect.fn("TaskService.approve")(function* (actor: Actor, id: string, comment = "") {
        return yield* move(
          actor,
          id,
          "active",
          "task.approve",
          (t) =>
            Effect.gen(function* () {
              yield* perms.require(actor, Actions.taskApprove, { type: "task", task: t })
              if (t.authorId === actor.id) {
                return yield* new Forbidden({ actorId: actor.id, action: Actions.taskApprove, resource: `task:${t.id}`, reason: "maker-checker: the author cannot approve their own task" })
              }
              if (t.source === "alert") {
                const found = yield* rules.getMany(t.ruleInstanceIds)
                const bad = t.ruleInstanceIds.filter((rid) => found.find((r) => r.id === rid)?.status !== "active")
                if (bad.length) return yield* new Conflict({ kind: "wrong-state", entity: "Task", id: t.id, reason: `rule instance(s) ${bad.join(", ")} are not active: approve them first` })
              }
              if (t.source === "campaign") {
                const g = yield* groups.getMany([t.customerGroupId])
                if (g.length === 0) return yield* new Conflict({ kind: "mismatch", entity: "Task", id: t.id, reason: `customer group ${t.customerGroupId} does not exist` })
              }
            }),
          (t, now) => ({ approvals: [...t.approvals, { by: actor.id, at: now, decision: "approved" as const, comment }] }),
          comment
        )
      })

      const reject = Effect.fn("TaskService.reject")(function* (actor: Actor, id: string, comment: string) {
        return yield* move(
          actor,
          id,
          "rejected",
          "task.reject",
          (t) => perms.require(actor, Actions.taskApprove, { type: "task", task: t }),
          (t, now) => ({ approvals: [...t.approvals, { by: actor.id, at: now, decision: "rejected" as const, comment }] }),
          comment
        )
      })

      const pause = Effect.fn("TaskService.pause")(function* (actor: Actor, id: string) {
        return yield* move(actor, id, "paused", "task.pause", mayManage(actor))
      })
      const resume = Effect.fn("TaskService.resume")(function* (actor: Actor, id: string) {
        return yield* move(actor, id, "active", "task.resume", (t) =>
          t.status === "paused" ? mayManage(actor)(t) : Effect.fail(new Conflict({ kind: "wrong-state", entity: "Task", id: t.id, reason: `only a paused task resumes; this one is ${t.status}` }))
        )
      })
      /** Moves the open items of a task to `state`; one audit entry lists them. */
      const endItems = (actor: Actor, taskId: string, state: "cancelled" | "expired") =>
        Effect.gen(function* () {
          const now = yield* nowIso
          const open: Array<WorkItem> = []
          let cursor: string | null = null
          do {
            const page: Page<WorkItem> = yield* workItems.list({ taskId, states: [...openWorkItemStates] }, { limit: 1000, cursor })
            open.push(...page.items)
            cursor = page.nextCursor
          } while (cursor)
          for (const w of open) yield* workItems.update({ ...w, state, nextAttemptAt: null, updatedAt: now }, w.version)
          if (open.length > 0) {
            yield* trail.record(actor, {
              action: `work-item.${state === "expired" ? "expire" : "cancel"}`,
              category: "work-item",
              recordType: "Task",
              recordId: taskId,
              customerId: null,
              before: { state: "open", itemIds: open.map((w) => w.id) },
              after: { state, items: open.length }
            })
          }
          return open.length
        })

      const close = Effect.fn("TaskService.close")(function* (actor: Actor, id: string) {
        return yield* tx.transaction(
          Effect.gen(function* () {
            const closed = yield* move(actor, id, "closed", "task.close", mayManage(actor))
            yield* endItems(actor, id, "cancelled")
            return closed
          })
        )
      })

      const expireDue = Effect.fn("TaskService.expireDue")(function* (actor: Actor, asOf?: string) {
        yield* perms.require(actor, Actions.taskCreate, { type: "none" })
        const day = asOf ?? (yield* nowIso).slice(0, 10)
        const live: Array<Task> = []
        let cursor: string | null = null
        do {
          const page: Page<Task> = yield* tasks.list({ statuses: ["active", "paused"] }, { limit: 1000, cursor })
          live.push(...page.items)
          cursor = page.nextCursor
        } while (cursor)
        const out: Array<{ taskId: string; items: number }> = []
        for (const t of live.filter((t) => t.expiresOn !== null && t.expiresOn < day)) {
          const items = yield* tx.transaction(
            Effect.gen(function* () {
              yield* move(actor, t.id, "expired", "task.expire", () => Effect.void)
              return yield* endItems(actor, t.id, "expired")
            })
          )
          out.push({ taskId: t.id, items })
        }
        return out
      })

      const preview = Effect.fn("TaskService.preview")(function* (actor: Actor, id: string, input?: PreviewOptions) {
        const o = yield* decode(PreviewOptions, input ?? {}, "preview options")
        yield* perms.require(actor, Actions.taskPreview, { type: "none" })
        const task = yield* tasks.get(id)
        const plan = yield* extraction.plan(
          actor,
          { ...(o.asOf ? { asOf: o.asOf } : {}), ...(o.assignment ? { assignment: { [id]: o.assignment } } : {}) },
          { extraTasks: [task], includeNotDue: true, action: Actions.taskPreview, anyRuleStatus: true }
        )
        const result = plan.report.tasks.find((t) => t.taskId === id)
        if (!result) return yield* new Conflict({ kind: "not-applicable", entity: "Task", id, reason: "manual tasks take imports, not extractions: nothing to preview" })
        // The figures are the task's own population (bounded by its author's scope, as the run);
        // the sample names only customers the previewer may read.
        const picked = plan.items.filter((p) => p.item.taskId === id).map((p) => p.item.customerId)
        const sample: Array<string> = []
        for (let i = 0; i < picked.length && sample.length < 10; i += 100) {
          for (const c of yield* scoped.forActor(actor).customers.getMany(picked.slice(i, i + 100))) if (sample.length < 10) sample.push(c.id)
        }
        return { taskId: id, asOf: plan.report.asOf, period: plan.report.period, result, sample } satisfies TaskPreview
      })

      return TaskService.of({ create, update, submit, approve, reject, pause, resume, close, expireDue, preview })
    })
  )
}
