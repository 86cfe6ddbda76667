/**
 * The work-plan service (issue 7, item 7): leaders and directors set targets for the agents and
 * teams of their subtree; agents read their own plans; progress compares the targets with the
 * actuals of the report queries (counted in the database on the SQL adapters); closing a period
 * archives its plans with the achieved figures frozen, after which they are read-only. Every change
 * is audited in its own transaction.
 */
import { Clock, Context, Effect, Layer } from "effect"
import * as z from "zod"
import type { Actor } from "../org/Actor"
import { Actors } from "../org/Actor"
import { AuditTrail, nowIso } from "../audit/AuditTrail"
import { Conflict, Forbidden, NotFound, type StorageError, type ValidationError } from "../shared/Errors"
import { type Page, PageRequest } from "../shared/Page"
import { Permissions } from "../org/Permissions"
import { Actions } from "../org/Permissions"
import { Id, IsoDate } from "../shared/Primitives"
import { ManagerStore } from "../org/ManagerStore"
import { TeamStore } from "../org/TeamStore"
import { Transactions } from "../ports/Transactions"
import { WorkPlanStore } from "./WorkPlanStore"
import { ReportQueries, type ReportFilter } from "../report/ReportQueries"
import { periodOf } from "../report/ReportService"
import type { ScopeSet } from "../org/Scope"
import { subtreeOf } from "../org/Team"
import { decode } from "../shared/Validation"
import {
  type WorkPlan,
  type WorkPlanActuals,
  type WorkPlanMeasure,
  workPlanId,
  workPlanMeasures,
  type WorkPlanPeriod,
  WorkPlanPeriodKind,
  WorkPlanStatus,
  WorkPlanSubjectKind,
  WorkPlanTargets
} from "./WorkPlan"
import { serviceLayer } from "../shared/ServiceLayer"

/**
 * Setting a plan: whose (`subjectKind` + `subjectId`), for the period of `period.kind` that contains
 * `period.on`, with targets (a missing target is "no target"). Setting the plan of a subject and
 * period that already has one replaces its targets and note.
 *
 * @example
 * ```ts
 * SetWorkPlan.parse({ subjectKind: "agent", subjectId: "m-1", period: { kind: "month", on: "2026-11-01" }, targets: { calls: 400, reach: 300 } })
 * ```
 */
export const SetWorkPlan = z
  .object({
    subjectKind: WorkPlanSubjectKind,
    subjectId: Id,
    period: z.object({ kind: WorkPlanPeriodKind, on: IsoDate }).strict(),
    targets: WorkPlanTargets.partial().transform((t) => ({ calls: t.calls ?? null, reach: t.reach ?? null, retained: t.retained ?? null })),
    note: z.string().max(2000).default("")
  })
  .strict()
/** @see {@link SetWorkPlan} */
export type SetWorkPlan = z.input<typeof SetWorkPlan>

/**
 * A plan list query (all fields optional, ANDed; the reader's scope is always applied).
 *
 * @example
 * ```ts
 * WorkPlanQuery.parse({ period: "2026-11", subjectKind: "agent", statuses: ["active"] })
 * ```
 */
export const WorkPlanQuery = z
  .object({
    period: z.string().min(4).max(10).optional(),
    subjectKind: WorkPlanSubjectKind.optional(),
    subjectIds: z.array(Id).max(1000).optional(),
    statuses: z.array(WorkPlanStatus).optional()
  })
  .strict()
/** @see {@link WorkPlanQuery} */
export type WorkPlanQuery = z.input<typeof WorkPlanQuery>

/**
 * Progress of a plan: the actuals (frozen ones for an archived plan), per measure the share of the
 * target achieved (null without a target; may exceed 1), the share of the period elapsed at the
 * Clock's time, and whether the measure is on track (achieved share ≥ elapsed share).
 *
 * @example
 * ```ts
 * const p: WorkPlanProgress = { plan, actuals: { calls: 212, reach: 160, retained: 58 }, elapsed: 0.5,
 *   measures: { calls: { target: 400, actual: 212, achieved: 0.53, onTrack: true }, ... } }
 * ```
 */
export interface WorkPlanProgress {
  readonly plan: WorkPlan
  readonly actuals: WorkPlanActuals
  readonly elapsed: number
  readonly measures: {
    readonly [M in WorkPlanMeasure]: { readonly target: number | null; readonly actual: number; readonly achieved: number | null; readonly onTrack: boolean | null }
  }
}

/**
 * What closing a period did: the plans archived (in the store's order).
 *
 * @example
 * ```ts
 * const r: ClosedPeriod = { period: "2026-11", archived: [plan1, plan2] }
 * ```
 */
export interface ClosedPeriod {
  readonly period: string
  readonly archived: ReadonlyArray<WorkPlan>
}

type Errors = ValidationError | NotFound | Conflict | Forbidden | StorageError

/** Whether a plan is inside a scope: an agent's plan by its agent, any plan by its team. */
const planInScope = (scope: ScopeSet, p: Pick<WorkPlan, "subjectKind" | "subjectId" | "teamId">): boolean =>
  scope.all || (p.subjectKind === "agent" && scope.managerIds.includes(p.subjectId)) || (p.teamId !== null && scope.teamIds.includes(p.teamId))

const DAY = 86_400_000

/**
 * The work-plan service.
 *
 * @example
 * ```ts
 * const plans = yield* WorkPlanService
 * const plan = yield* plans.set(leader, { subjectKind: "agent", subjectId: "m-1", period: { kind: "month", on: "2026-11-01" }, targets: { calls: 400 } })
 * const p = yield* plans.progress(agent, plan.id) // p.measures.calls.achieved
 * yield* plans.closePeriod(admin, "2026-11")      // archived, read-only
 * ```
 */
export class WorkPlanService extends Context.Service<
  WorkPlanService,
  {
    /** Creates or replaces the plan of a subject for a period (`plan.manage` over the agent or team). */
    readonly set: (actor: Actor, input: SetWorkPlan) => Effect.Effect<WorkPlan, Errors>
    /** One plan the actor may read (`NotFound` otherwise, as if it did not exist). */
    readonly get: (actor: Actor, id: string) => Effect.Effect<WorkPlan, Errors>
    /** The plans the actor may read, scope pushed into the store query. */
    readonly list: (actor: Actor, query?: WorkPlanQuery, page?: PageRequest) => Effect.Effect<Page<WorkPlan>, Errors>
    /** Targets against actuals, at the Clock's time. */
    readonly progress: (actor: Actor, id: string) => Effect.Effect<WorkPlanProgress, Errors>
    /**
     * Archives every active plan of a period within the actor's `plan.close` scope, each with its
     * achieved figures, all in one transaction. The period must have ended (`Conflict` otherwise).
     */
    readonly closePeriod: (actor: Actor, period: string) => Effect.Effect<ClosedPeriod, Errors>
  }
>()("@winback/core/WorkPlanService") {
  /**
   * The live implementation over the work-plan, manager and team stores and the report queries.
   *
   * @example
   * ```ts
   * WorkPlanService.layer.pipe(Layer.provide(MemoryReportQueries.layer(db)), Layer.provide(scopeLayer(defaultPolicy)), Layer.provide(storesLayer(stores)))
   * ```
   */
  static readonly layer: Layer.Layer<WorkPlanService, never, Transactions | WorkPlanStore | ManagerStore | TeamStore | ReportQueries | Actors | Permissions | AuditTrail> = serviceLayer(
    WorkPlanService,
    { tx: Transactions, plans: WorkPlanStore, managers: ManagerStore, teams: TeamStore, reports: ReportQueries, actors: Actors, perms: Permissions, trail: AuditTrail },
    ({ tx, plans, managers, teams, reports, actors, perms, trail }) => Effect.gen(function* () {
      const audit = (actor: Actor, action: string, before: WorkPlan | null, after: WorkPlan) =>
        trail.record(actor, { action, category: "plan", recordType: "WorkPlan", recordId: after.id, customerId: null, before, after })

      const readScope = (actor: Actor) => Effect.map(perms.scopeFor(actor, Actions.planRead), (s) => s?.scope)

      const readable = (actor: Actor, id: string) =>
        Effect.gen(function* () {
          const plan = yield* plans.get(id)
          const scope = yield* readScope(actor)
          if (!scope || !planInScope(scope, plan)) return yield* new NotFound({ entity: "WorkPlan", id })
          return plan
        })

      /** The actuals of a plan's subject in its period, counted by the report queries. */
      const actualsOf = (plan: WorkPlan) =>
        Effect.gen(function* () {
          const scope =
            plan.subjectKind === "agent"
              ? { assigneeIds: [plan.subjectId], teamIds: [] }
              : { assigneeIds: [], teamIds: subtreeOf(yield* actors.teams(), plan.subjectId) }
          const filter: ReportFilter = { from: plan.period.from, to: plan.period.to, inScope: scope }
          const [funnel] = yield* reports.funnel(filter, "total")
          const [observed] = yield* reports.observations(filter, "total")
          return {
            calls: funnel?.counts.completed ?? 0,
            reach: funnel?.counts.connected ?? 0,
            retained: (observed?.counts.stayed ?? 0) + (observed?.counts.returned ?? 0)
          } satisfies WorkPlanActuals
        })

      const set = Effect.fn("WorkPlanService.set")(function* (actor: Actor, input: SetWorkPlan) {
        const n = yield* decode(SetWorkPlan, input, "work plan")
        const p = periodOf(n.period.kind, n.period.on)
        const period: WorkPlanPeriod = { kind: n.period.kind, label: p.label, from: p.range.from, to: p.range.to }
        return yield* tx.transaction(
          Effect.gen(function* () {
            let teamId: string | null
            if (n.subjectKind === "agent") {
              const agent = yield* managers.get(n.subjectId)
              yield* perms.require(actor, Actions.planManage, { type: "manager", manager: { id: agent.id } })
              teamId = agent.teamId
            } else {
              const team = yield* teams.get(n.subjectId)
              yield* perms.require(actor, Actions.planManage, { type: "team", team: { id: team.id } })
              teamId = team.id
            }
            const id = workPlanId(period.label, n.subjectKind, n.subjectId)
            const at = yield* nowIso
            const existing = yield* plans.get(id).pipe(
              Effect.map((x): WorkPlan | undefined => x),
              Effect.catchTag("NotFound", () => Effect.succeed(undefined))
            )
            if (existing === undefined) {
              const created = yield* plans.insert({
                id,
                subjectKind: n.subjectKind,
                subjectId: n.subjectId,
                teamId,
                period,
                targets: n.targets,
                note: n.note,
                status: "active",
                achieved: null,
                createdBy: actor.id,
                createdAt: at,
                updatedBy: actor.id,
                updatedAt: at,
                archivedAt: null,
                version: 1
              })
              yield* audit(actor, "plan.create", null, created)
              return created
            }
            if (existing.status === "archived") return yield* new Conflict({ kind: "wrong-state", entity: "WorkPlan", id, reason: `period ${period.label} is closed: the plan is archived and read-only` })
            const updated = yield* plans.update({ ...existing, teamId, targets: n.targets, note: n.note, updatedBy: actor.id, updatedAt: at }, existing.version)
            yield* audit(actor, "plan.update", existing, updated)
            return updated
          })
        )
      })

      const get = Effect.fn("WorkPlanService.get")(function* (actor: Actor, id: string) {
        const planId = yield* decode(z.string().min(1).max(300), id, "work plan id")
        return yield* readable(actor, planId)
      })

      const list = Effect.fn("WorkPlanService.list")(function* (actor: Actor, query: WorkPlanQuery = {}, page?: PageRequest) {
        const q = yield* decode(WorkPlanQuery, query, "work plan query")
        const pg = page === undefined ? undefined : yield* decode(PageRequest, page, "page")
        const scope = yield* readScope(actor)
        if (!scope) return { items: [], nextCursor: null } satisfies Page<WorkPlan>
        return yield* plans.list({ ...q, ...(scope.all ? {} : { inScope: { managerIds: scope.managerIds, teamIds: scope.teamIds } }) }, pg)
      })

      const progress = Effect.fn("WorkPlanService.progress")(function* (actor: Actor, id: string) {
        const plan = yield* get(actor, id)
        const actuals = plan.status === "archived" && plan.achieved ? plan.achieved : yield* actualsOf(plan)
        const now = yield* Clock.currentTimeMillis
        const from = Date.parse(`${plan.period.from}T00:00:00.000Z`)
        const to = Date.parse(`${plan.period.to}T00:00:00.000Z`)
        const elapsed = Math.min(1, Math.max(0, (now - from) / Math.max(DAY, to - from)))
        const measure = (m: WorkPlanMeasure) => {
          const target = plan.targets[m]
          const achieved = target === null ? null : target === 0 ? 1 : actuals[m] / target
          return { target, actual: actuals[m], achieved, onTrack: achieved === null ? null : achieved >= elapsed }
        }
        const measures = Object.fromEntries(workPlanMeasures.map((m) => [m, measure(m)])) as unknown as WorkPlanProgress["measures"]
        return { plan, actuals, elapsed, measures } satisfies WorkPlanProgress
      })

      const closePeriod = Effect.fn("WorkPlanService.closePeriod")(function* (actor: Actor, period: string) {
        const label = yield* decode(z.string().min(4).max(10), period, "period")
        const grant = yield* perms.scopeFor(actor, Actions.planClose)
        if (!grant) {
          return yield* new Forbidden({ actorId: actor.id, action: Actions.planClose, resource: `period:${label}`, reason: `no role of ${actor.id} grants ${Actions.planClose}` })
        }
        const scope = grant.scope
        const today = new Date(yield* Clock.currentTimeMillis).toISOString().slice(0, 10)
        const open: Array<WorkPlan> = []
        let cursor: string | null = null
        do {
          const pageOf: Page<WorkPlan> = yield* plans.list(
            { period: label, statuses: ["active"], ...(scope.all ? {} : { inScope: { managerIds: scope.managerIds, teamIds: scope.teamIds } }) },
            { limit: 500, cursor }
          )
          open.push(...pageOf.items)
          cursor = pageOf.nextCursor
        } while (cursor)
        const stillOpen = open.find((p) => p.period.to > today)
        if (stillOpen) return yield* new Conflict({ kind: "not-yet", entity: "WorkPlanPeriod", id: label, reason: `the period runs until ${stillOpen.period.to} (exclusive); it can be closed from that day` })
        // The report queries run before the transaction: on a single-connection database (PGlite)
        // they could not run beside it. The versioned updates below then fail with Conflict, and
        // archive nothing, if any plan changed in between.
        const achieved: Array<WorkPlanActuals> = []
        for (const p of open) achieved.push(yield* actualsOf(p))
        const at = yield* nowIso
        return yield* tx.transaction(
          Effect.gen(function* () {
            const archived: Array<WorkPlan> = []
            for (const [i, p] of open.entries()) {
              const after = yield* plans.update({ ...p, status: "archived", achieved: achieved[i]!, archivedAt: at, updatedBy: actor.id, updatedAt: at }, p.version)
              yield* audit(actor, "plan.archive", p, after)
              archived.push(after)
            }
            return { period: label, archived } satisfies ClosedPeriod
          })
        )
      })

      return WorkPlanService.of({ set, get, list, progress, closePeriod })
    })
  )
}
