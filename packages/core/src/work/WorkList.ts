/**
 * The agent's work (DOMAIN §5, §7): by task (volume, completed, pending, follow-up) and by
 * customer — all open items of a customer across tasks, whichever task the agent came from —
 * in urgency order, paginated, and always through the acting person's scope (the scoped stores
 * push it into the query). Items on a channel the customer put on do-not-disturb stop being
 * offered at once; items waiting for their next attempt (retry policy or reschedule) are not offered
 * before it — the store query leaves them out (`readyAt`) unless `includeWaiting` asks to see them,
 * marked not ready. The leader's side: the team's pool of open unassigned items, which allocation
 * hands out (DOMAIN §1), under the same rule.
 */
import { Clock, Context, Effect, Layer } from "effect"
import * as z from "zod"
import type { Actor } from "../org/Actor"
import { compareIds } from "../task/Candidates"
import { Forbidden, type NotFound, type StorageError, type ValidationError } from "../shared/Errors"
import { type Page, PageRequest } from "../shared/Page"
import { Id } from "../shared/Primitives"
import { Actions, Permissions } from "../org/Permissions"
import { DndStore } from "./DndStore"
import { TaskStore } from "../task/TaskStore"
import { ScopedStores } from "../facade/ScopedStores"
import type { Task } from "../task/Task"
import { decode } from "../shared/Validation"
import { waitingUntil } from "./RetryPolicy"
import { openWorkItemStates, type WorkItem } from "./WorkItem"
import { serviceLayer } from "../shared/ServiceLayer"
import { readAllPages } from "../shared/ReadAll"

/**
 * One task line of the agent's dashboard.
 *
 * @example
 * ```ts
 * const row: TaskWorkload = { taskId: "task-zero-bill", name: "Zero bill", urgency: 1, channel: "phone", source: "alert",
 *   volume: 40, completed: 12, unreachable: 3, pending: 25, followUp: 5 }
 * ```
 */
export interface TaskWorkload {
  readonly taskId: string
  readonly name: string
  readonly urgency: number
  readonly channel: Task["channel"]
  readonly source: Task["source"]
  /** Every item of the task for the agent (cancelled and expired excluded). */
  readonly volume: number
  readonly completed: number
  /** Ended without reaching the customer once the retry policy was used up (not part of `completed`). */
  readonly unreachable: number
  /** Open or in progress. */
  readonly pending: number
  /** In progress: attempted, waiting for the next attempt or a completion. */
  readonly followUp: number
}

/**
 * An item as the work list offers it.
 *
 * @example
 * ```ts
 * const o: OfferedItem = { item, ready: false, notBefore: "2026-11-22T12:00:00.000Z" }
 * ```
 */
export interface OfferedItem {
  readonly item: WorkItem
  /** False while the retry policy's earliest next attempt lies ahead. */
  readonly ready: boolean
  readonly notBefore: string | null
}

/**
 * A customer in the work list with all their open items in scope (across tasks, urgency order).
 *
 * @example
 * ```ts
 * const g: CustomerWork = { customerId: "c-42", urgency: 1, items: [offered1, offered2], withheld: 0 }
 * ```
 */
export interface CustomerWork {
  readonly customerId: string
  /** The most urgent level among the items. */
  readonly urgency: number
  readonly items: ReadonlyArray<OfferedItem>
  /** Open items not offered because the customer is on DND for their channel. */
  readonly withheld: number
}

/**
 * Whose work list: an assignee (default the acting person). `includeWaiting: true` also lists the
 * items still waiting for their next attempt (marked `ready: false`); by default they are left out
 * until their time.
 *
 * @example
 * ```ts
 * WorkListQuery.parse({ assigneeId: "m-1" })
 * WorkListQuery.parse({ includeWaiting: true })
 * ```
 */
export const WorkListQuery = z.object({ assigneeId: Id.optional(), taskId: Id.optional(), includeWaiting: z.boolean().default(false) }).strict()
/** @see {@link WorkListQuery} */
export type WorkListQuery = z.input<typeof WorkListQuery>

/**
 * Which pool: one team's (default: every team in the actor's scope), optionally one task's.
 * `includeWaiting: true` also lists items waiting for their next attempt.
 *
 * @example
 * ```ts
 * WorkPoolQuery.parse({ teamId: "t-north", taskId: "task-zero-bill" })
 * ```
 */
export const WorkPoolQuery = z.object({ teamId: Id.optional(), taskId: Id.optional(), includeWaiting: z.boolean().default(false) }).strict()
/** @see {@link WorkPoolQuery} */
export type WorkPoolQuery = z.input<typeof WorkPoolQuery>

type Errors = ValidationError | NotFound | Forbidden | StorageError

/**
 * The work-list service.
 *
 * @example
 * ```ts
 * const list = yield* WorkList
 * const tasks = yield* list.byTask(agent)
 * const page = yield* list.byCustomer(agent, {}, { limit: 20 })
 * const one = yield* list.customer(agent, "c-42")
 * const pool = yield* list.pool(leader, { teamId: "t-north" }, { limit: 50 })
 * ```
 */
export class WorkList extends Context.Service<
  WorkList,
  {
    /** Per task, most urgent first: volume, completed, pending, follow-up. */
    readonly byTask: (actor: Actor, query?: WorkListQuery) => Effect.Effect<ReadonlyArray<TaskWorkload>, Errors>
    /**
     * Customers with open items of the assignee, most urgent first; each customer once across
     * pages, with ALL their open items in the actor's scope (other tasks included). `page.limit`
     * counts the assignee's items a page reads, so a page holds at most that many customers (fewer
     * when a customer has several of them); follow `nextCursor` until it is `null`.
     */
    readonly byCustomer: (actor: Actor, query?: WorkListQuery, page?: PageRequest) => Effect.Effect<Page<CustomerWork>, Errors>
    /** One customer's open items in scope, across tasks (entering from any task). */
    readonly customer: (actor: Actor, customerId: string) => Effect.Effect<CustomerWork, Errors>
    /**
     * The pool: open items with no assignee, in work-list order, of one team (`Forbidden` when the
     * team is outside the actor's work-item scope) or of every team in scope. An agent's scope
     * holds no team, so an agent's pool is empty. Hand items out with `Allocation.workItems`.
     */
    readonly pool: (actor: Actor, query?: WorkPoolQuery, page?: PageRequest) => Effect.Effect<Page<WorkItem>, Errors>
  }
>()("@winback/core/WorkList") {
  /**
   * The live implementation over the scoped stores.
   *
   * @example
   * ```ts
   * WorkList.layer.pipe(Layer.provide(scopeLayer(defaultPolicy)), Layer.provide(storesLayer(stores)))
   * ```
   */
  static readonly layer: Layer.Layer<WorkList, never, ScopedStores | TaskStore | DndStore | Permissions> = serviceLayer(
    WorkList,
    { scoped: ScopedStores, tasks: TaskStore, dnd: DndStore, perms: Permissions },
    ({ scoped, tasks, dnd, perms }) => Effect.gen(function* () {
      /** Offers the open items of one customer (already in work-list order), given which channels are blocked. */
      const offerWith = (customerId: string, items: ReadonlyArray<WorkItem>, at: string, blocked: (channel: string) => boolean): CustomerWork => {
        const offered = items
          .filter((w) => !blocked(w.channel))
          .map((item) => ({ item, ready: waitingUntil(item, at) === null, notBefore: item.nextAttemptAt }))
        return {
          customerId,
          urgency: offered.reduce((u, o) => Math.min(u, o.item.urgency), 99),
          items: offered,
          withheld: items.length - offered.length
        } satisfies CustomerWork
      }

      /** Offers the open items of one customer, reading their DND entries. */
      const offer = (customerId: string, items: ReadonlyArray<WorkItem>, at: string) =>
        Effect.gen(function* () {
          const blocked = new Set<string>()
          for (const ch of new Set(items.map((w) => w.channel))) if ((yield* dnd.blocked([customerId], ch, at)).has(customerId)) blocked.add(ch)
          return offerWith(customerId, items, at, (ch) => blocked.has(ch))
        })

      const byTask = Effect.fn("WorkList.byTask")(function* (actor: Actor, input?: WorkListQuery) {
        const q = yield* decode(WorkListQuery, input ?? {}, "work list query")
        const view = scoped.forActor(actor)
        const assigneeId = q.assigneeId ?? actor.id
        const all = q.taskId
          ? yield* tasks.getMany([q.taskId])
          : yield* readAllPages((page) => tasks.list({ statuses: ["active", "paused", "expired", "closed"] }, page))
        const rows: Array<TaskWorkload> = []
        for (const t of all) {
          const c = yield* view.workItems.countByState({ assigneeId, taskId: t.id })
          const volume = c.open + c["in-progress"] + c.completed + c.unreachable
          if (volume === 0) continue
          rows.push({
            taskId: t.id,
            name: t.name,
            urgency: t.urgency,
            channel: t.channel,
            source: t.source,
            volume,
            completed: c.completed,
            unreachable: c.unreachable,
            pending: c.open + c["in-progress"],
            followUp: c["in-progress"]
          })
        }
        return rows.sort((a, b) => a.urgency - b.urgency || compareIds(a.taskId, b.taskId))
      })

      const customerWork = Effect.fn("WorkList.customer")(function* (actor: Actor, customerId: string) {
        const id = yield* decode(Id, customerId, "customer id")
        const view = scoped.forActor(actor)
        const at = new Date(yield* Clock.currentTimeMillis).toISOString()
        const items = yield* readAllPages((page) => view.workItems.list({ customerId: id, states: [...openWorkItemStates] }, page))
        return yield* offer(id, items, at)
      })

      const byCustomer = Effect.fn("WorkList.byCustomer")(function* (actor: Actor, input?: WorkListQuery, pageInput?: PageRequest) {
        const q = yield* decode(WorkListQuery, input ?? {}, "work list query")
        const p = yield* decode(PageRequest, pageInput ?? {}, "page")
        const view = scoped.forActor(actor)
        const assigneeId = q.assigneeId ?? actor.id
        const at = new Date(yield* Clock.currentTimeMillis).toISOString()
        const ready = q.includeWaiting ? {} : { readyAt: at }
        const page = yield* view.workItems.list(
          { assigneeId, states: [...openWorkItemStates], ...ready, ...(q.taskId === undefined ? {} : { taskId: q.taskId }) },
          p
        )
        // One read of every open item of the page's customers and one DND check per channel, instead
        // of two reads per customer: the work list is the page agents load all day.
        const customerIds = [...new Set(page.items.map((w) => w.customerId))]
        const openOfPage =
          customerIds.length === 0
            ? []
            : yield* readAllPages((page) => view.workItems.list({ customerIds, states: [...openWorkItemStates], ...ready }, page))
        const byCustomerId = new Map<string, Array<WorkItem>>()
        for (const w of openOfPage) {
          const list = byCustomerId.get(w.customerId)
          if (list) list.push(w)
          else byCustomerId.set(w.customerId, [w])
        }
        const blockedOn = new Map<string, ReadonlySet<string>>()
        for (const ch of new Set(openOfPage.map((w) => w.channel))) blockedOn.set(ch, yield* dnd.blocked(customerIds, ch, at))
        const groups: Array<CustomerWork> = []
        const done = new Set<string>()
        for (const first of page.items) {
          if (done.has(first.customerId)) continue
          done.add(first.customerId)
          const items = byCustomerId.get(first.customerId) ?? []
          // Each customer once across pages: on the page of their first item in this list.
          const lead = items.find((w) => w.assigneeId === assigneeId && (q.taskId === undefined || w.taskId === q.taskId))
          if (lead !== undefined && lead.id !== first.id) continue
          const g = offerWith(first.customerId, items, at, (ch) => blockedOn.get(ch)?.has(first.customerId) ?? false)
          if (g.items.length > 0) groups.push(g)
        }
        return { items: groups, nextCursor: page.nextCursor } satisfies Page<CustomerWork>
      })

      const pool = Effect.fn("WorkList.pool")(function* (actor: Actor, input?: WorkPoolQuery, pageInput?: PageRequest) {
        const q = yield* decode(WorkPoolQuery, input ?? {}, "work pool query")
        const p = yield* decode(PageRequest, pageInput ?? {}, "page")
        if (q.teamId !== undefined) {
          // Naming a team outside the scope is refused, not answered with an empty page: the
          // caller asked for something they may not see.
          const d = yield* perms.check(actor, Actions.workItemRead, { type: "work-item", workItem: { id: `pool:${q.teamId}`, assigneeId: null, teamId: q.teamId } })
          if (!d.allowed) {
            return yield* new Forbidden({ actorId: actor.id, action: Actions.workItemRead, resource: `team:${q.teamId}`, reason: `the team's pool is outside the actor's scope: ${d.reasons.join("; ")}` })
          }
        }
        return yield* scoped.forActor(actor).workItems.list(
          {
            unassigned: true,
            states: [...openWorkItemStates],
            ...(q.includeWaiting ? {} : { readyAt: new Date(yield* Clock.currentTimeMillis).toISOString() }),
            ...(q.teamId === undefined ? {} : { teamIds: [q.teamId] }),
            ...(q.taskId === undefined ? {} : { taskId: q.taskId })
          },
          p
        )
      })

      return WorkList.of({ byTask, byCustomer, customer: customerWork, pool })
    })
  )
}
