/**
 * Extraction (DOMAIN §3, §5, §6): for one period, every due task's candidates (rules pushed to the
 * candidate source) → scope (the task's region) → do-not-disturb on the task's channel → the
 * hand-out ledger (most urgent task first; nothing handed out again within a cool-down; a period
 * re-run finds every customer already claimed; a customer whose item in the task is still open is
 * not given a second one) → assignment (a customer already holding open work with an agent gets
 * the new item with that agent: one agent per customer) → work items. Reading and planning
 * happen first; every write of a run (ledger claims, items, audit) is ONE transaction, so a run
 * that dies midway leaves nothing and running it again gives exactly what one clean run gives.
 *
 * A customer on DND for a task's channel is not claimed by that task, so a less urgent task on
 * another channel (an SMS greeting for a customer who refuses calls) may still get them.
 */
import { Clock, Context, Effect, Layer } from "effect"
import { z } from "zod"
import { isCalendarDataMissing, isDue, parseSchedule, type Rule, type Schedule } from "@winback/rules"
import { type Actor, Actors } from "./Actor"
import { assign, AssignmentPolicy } from "./Assignment"
import { AuditTrail } from "./AuditTrail"
import { claimLedger, openWorkHolder, openWorkOf } from "./BulkClaims"
import { CandidateSource, compareIds } from "./Candidates"
import type { Customer } from "./Customer"
import { type Conflict, type Forbidden, type NotFound, type StorageError, ValidationError } from "./Errors"
import type { HandOutLedgerEntry } from "./HandOutLedger"
import type { Page } from "./Page"
import { Permissions, scopeFor } from "./Permissions"
import { PipelineConfig } from "./PipelineConfig"
import { PipelineActions } from "./PipelinePolicy"
import { Id, IsoDate } from "./Primitives"
import {
  CustomerGroupStore,
  CustomerStore,
  DndStore,
  HandOutLedgerStore,
  ManagerStore,
  RuleInstanceStore,
  TaskStore,
  Transactions,
  WorkItemStore
} from "./ports/Storage"
import { customerInScope, type ScopeSet } from "./Scope"
import type { Task } from "./Task"
import { decode } from "./Validation"
import { newWorkItem, type WorkItem } from "./WorkItem"

/**
 * What to extract. `asOf` is the data day the rules look at (default: today, UTC, from `Clock`);
 * `period` the dedup period key (default: `asOf`); `taskIds` limits the run (default: every
 * active task); `assignment` per task id (default: the customer's owner).
 *
 * @example
 * ```ts
 * ExtractionRequest.parse({ asOf: "2026-11-25", assignment: { "task-dunning": { kind: "least-loaded", agentIds: ["m-1", "m-2"] } } })
 * ```
 */
export const ExtractionRequest = z
  .object({
    asOf: IsoDate.optional(),
    period: z.string().min(1).max(20).optional(),
    taskIds: z.array(Id).min(1).optional(),
    assignment: z.record(Id, AssignmentPolicy).default({})
  })
  .strict()
/** @see {@link ExtractionRequest} */
export type ExtractionRequest = z.input<typeof ExtractionRequest>

/**
 * How many candidates of a task were left out, by reason.
 * - `scope`: outside the task's region or its author's scope (or unknown to the customer store);
 * - `dnd`: do-not-disturb on the task's channel;
 * - `dedupPeriod`: a more urgent task took the customer in this period;
 * - `alreadyExtracted`: this task already handed the customer out in this period (a re-run);
 * - `dedupCooldown`: handed out in an earlier period, cool-down still running;
 * - `stillOpen`: the cool-down is over but the customer's item in this task is still open;
 * - `calendar`: the task is not due on the day (cycle, start/expiry, public holiday).
 *
 * @example
 * ```ts
 * const e: Exclusions = { scope: 0, dnd: 3, dedupPeriod: 12, alreadyExtracted: 0, dedupCooldown: 40, stillOpen: 2, calendar: 0 }
 * ```
 */
export interface Exclusions {
  readonly scope: number
  readonly dnd: number
  readonly dedupPeriod: number
  readonly alreadyExtracted: number
  readonly dedupCooldown: number
  readonly stillOpen: number
  readonly calendar: number
}

/**
 * The outcome of one task in a run (or a preview).
 *
 * @example
 * ```ts
 * report.tasks[0] // { taskId: "task-zero-bill", due: true, candidates: 40, handedOut: 37, excluded: {...}, loadPerAgent: { "m-1": 12 } }
 * ```
 */
export interface TaskExtraction {
  readonly taskId: string
  readonly urgency: number
  readonly due: boolean
  readonly candidates: number
  /** Customers handed out (work items created; in a preview: that would be created). */
  readonly handedOut: number
  readonly excluded: Exclusions
  /** Items per assignee (`"-"` for unassigned). */
  readonly loadPerAgent: Readonly<Record<string, number>>
  readonly warnings: ReadonlyArray<string>
}

/**
 * The report of a run.
 *
 * @example
 * ```ts
 * const r = yield* extraction.run(admin, { asOf: "2026-11-25" })
 * console.log(`${r.created} items in ${r.tasks.length} tasks, period ${r.period}`)
 * ```
 */
export interface ExtractionReport {
  readonly runId: string
  readonly period: string
  readonly asOf: string
  readonly at: string
  readonly created: number
  readonly tasks: ReadonlyArray<TaskExtraction>
}

/**
 * One work item a plan would create, with its ledger entry.
 *
 * @example
 * ```ts
 * plan.items.filter((p) => p.item.taskId === "task-zero-bill").map((p) => p.item.customerId)
 * ```
 */
export interface PlannedItem {
  readonly item: WorkItem
  readonly ledger: HandOutLedgerEntry
}

/**
 * A computed but unwritten run: the report and the items. `Extraction.plan` returns it (the
 * dry-run preview uses it); `Extraction.run` writes it.
 *
 * @example
 * ```ts
 * const plan = yield* extraction.plan(actor, { asOf: "2026-11-25" }, { extraTasks: [draft] })
 * ```
 */
export interface ExtractionPlan {
  readonly report: ExtractionReport
  readonly items: ReadonlyArray<PlannedItem>
}

const emptyExclusions = (): { -readonly [K in keyof Exclusions]: number } => ({ scope: 0, dnd: 0, dedupPeriod: 0, alreadyExtracted: 0, dedupCooldown: 0, stillOpen: 0, calendar: 0 })

const chunk = <A>(xs: ReadonlyArray<A>, n: number): Array<ReadonlyArray<A>> => {
  const out: Array<ReadonlyArray<A>> = []
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n))
  return out
}

const weekday = (day: string): number => {
  const d = new Date(`${day}T00:00:00.000Z`).getUTCDay()
  return d === 0 ? 7 : d
}

/**
 * The schedule of a task as `@winback/rules` reads it (a `once` task runs daily within its dates;
 * weekly on the weekday of its start, monthly on the day of month of its start).
 *
 * @example
 * ```ts
 * isDue(taskSchedule(task, true), "2026-11-25", calendar)
 * ```
 */
export const taskSchedule = (t: Task, withCalendar: boolean): Schedule =>
  parseSchedule({
    cycle: t.cycle === "once" ? "daily" : t.cycle,
    ...(t.cycle === "weekly" ? { weekdays: [weekday(t.startsOn)] } : {}),
    ...(t.cycle === "monthly" ? { daysOfMonth: [Number(t.startsOn.slice(8, 10))] } : {}),
    window: { start: t.executionWindow.from, end: t.executionWindow.to },
    startsOn: t.startsOn,
    expiresOn: t.expiresOn,
    skipHolidays: t.skipHolidays && withCalendar
  })

/**
 * The deterministic id of the item a task creates for a customer in a period.
 *
 * @example
 * ```ts
 * workItemId("task-zero-bill", "2026-11-25", "c-0000042") // "wi:task-zero-bill:2026-11-25:c-0000042"
 * ```
 */
export const workItemId = (taskId: string, period: string, customerId: string): string => `wi:${taskId}:${period}:${customerId}`

const readAll = <A, E>(read: (cursor: string | null) => Effect.Effect<Page<A>, E>): Effect.Effect<Array<A>, E> =>
  Effect.gen(function* () {
    const out: Array<A> = []
    let cursor: string | null = null
    do {
      const page: Page<A> = yield* read(cursor)
      out.push(...page.items)
      cursor = page.nextCursor
    } while (cursor)
    return out
  })

/**
 * The rule of a stored rule instance (a `@winback/rules` RuleInstance, or `{ rule }`).
 *
 * @example
 * ```ts
 * const rule = ruleOfDefinition((yield* ruleInstances.get("zero-bill@1")).definition)
 * ```
 */
export const ruleOfDefinition = (definition: unknown): Rule | undefined => {
  if (definition && typeof definition === "object" && "rule" in definition) return (definition as { rule: Rule }).rule
  return undefined
}

/**
 * Options of `Extraction.plan`: `extraTasks` are planned as if active (a task under approval);
 * `includeNotDue` counts the candidates of tasks not due as excluded by the calendar;
 * `anyRuleStatus` evaluates rule instances that are not active yet; `action` is the permission checked.
 *
 * @example
 * ```ts
 * const options: PlanOptions = { extraTasks: [draft], includeNotDue: true, anyRuleStatus: true, action: "task.preview" }
 * ```
 */
export interface PlanOptions {
  readonly extraTasks?: ReadonlyArray<Task>
  readonly includeNotDue?: boolean
  readonly anyRuleStatus?: boolean
  readonly action?: string
}

type ExtractionErrors = ValidationError | Forbidden | NotFound | Conflict | StorageError

/**
 * The extraction service.
 *
 * @example
 * ```ts
 * const extraction = yield* Extraction
 * const report = yield* extraction.run(admin, { asOf: "2026-11-25" })
 * const again = yield* extraction.run(admin, { asOf: "2026-11-25" }) // again.created === 0
 * ```
 */
export class Extraction extends Context.Service<
  Extraction,
  {
    /** Plans and writes one run, atomically. */
    readonly run: (actor: Actor, request?: ExtractionRequest) => Effect.Effect<ExtractionReport, ExtractionErrors>
    /**
     * Plans a run without writing. `extraTasks` are planned as if active (a draft under approval);
     * `includeNotDue` counts the candidates of tasks not due as excluded by the calendar.
     */
    readonly plan: (
      actor: Actor,
      request?: ExtractionRequest,
      options?: PlanOptions
    ) => Effect.Effect<ExtractionPlan, ExtractionErrors>
  }
>()("@winback/core/Extraction") {
  /**
   * The live implementation.
   *
   * @example
   * ```ts
   * Extraction.layer.pipe(Layer.provide(memoryCandidateSource()), Layer.provide(scopeLayer(pipelinePolicy)), Layer.provide(storesLayer(stores)))
   * ```
   */
  static readonly layer: Layer.Layer<
    Extraction,
    never,
    | Transactions
    | TaskStore
    | RuleInstanceStore
    | CustomerGroupStore
    | CustomerStore
    | HandOutLedgerStore
    | WorkItemStore
    | DndStore
    | ManagerStore
    | CandidateSource
    | Permissions
    | Actors
    | AuditTrail
  > = Layer.effect(
    Extraction,
    Effect.gen(function* () {
      const tx = yield* Transactions
      const tasks = yield* TaskStore
      const rules = yield* RuleInstanceStore
      const groups = yield* CustomerGroupStore
      const customers = yield* CustomerStore
      const ledger = yield* HandOutLedgerStore
      const workItems = yield* WorkItemStore
      const dnd = yield* DndStore
      const managers = yield* ManagerStore
      const candidates = yield* CandidateSource
      const perms = yield* Permissions
      const actors = yield* Actors
      const trail = yield* AuditTrail

      /**
       * The customers a task may reach: its author's `task.create` reach (a director's task stays in
       * their tree). A task whose author is not a known manager was written by a system job
       * straight to the store (only `TaskService` sets authors from actors): its region bounds it.
       * An author who is no longer active reaches nobody.
       */
      const authorScope = (t: Task) =>
        actors.resolve(t.authorId).pipe(
          Effect.map((author): ScopeSet | "unbounded" | string => scopeFor(perms.policy, author, PipelineActions.taskCreate)?.scope ?? `the task's author ${t.authorId} may not manage tasks: it reaches no customers`),
          Effect.catchTags({
            NotFound: () => Effect.succeed("unbounded" as const),
            Forbidden: () => Effect.succeed(`the task's author ${t.authorId} is not active: it reaches no customers`)
          })
        )

      const plan = Effect.fn("Extraction.plan")(function* (
        actor: Actor,
        input?: ExtractionRequest,
        options?: PlanOptions
      ) {
        const req = yield* decode(ExtractionRequest, input ?? {}, "extraction request")
        yield* perms.require(actor, options?.action ?? PipelineActions.extractionRun, { type: "none" })
        const config = yield* PipelineConfig
        const nowMs = yield* Clock.currentTimeMillis
        const at = new Date(nowMs).toISOString()
        const asOf = req.asOf ?? at.slice(0, 10)
        const period = req.period ?? asOf
        const runId = `run:${period}:${nowMs.toString(36)}`

        // The tasks of the run, most urgent first.
        const active = req.taskIds
          ? (yield* tasks.getMany(req.taskIds)).filter((t) => t.status === "active")
          : yield* readAll((cursor) => tasks.list({ statuses: ["active"] }, { limit: 1000, cursor }))
        const extra = options?.extraTasks ?? []
        const runTasks = [...active.filter((t) => !extra.some((e) => e.id === t.id)), ...extra]
          .filter((t) => t.source !== "manual")
          .sort((a, b) => a.urgency - b.urgency || compareIds(a.id, b.id))

        // Which tasks are due, and the rules and groups they read.
        const warnings = new Map<string, Array<string>>(runTasks.map((t) => [t.id, []]))
        const due = new Map<string, boolean>()
        for (const t of runTasks) {
          if (t.skipHolidays && config.calendar === undefined) warnings.get(t.id)!.push("skipHolidays is set but no business calendar is configured: holidays are not skipped")
          try {
            due.set(t.id, isDue(taskSchedule(t, config.calendar !== undefined), asOf, config.calendar))
          } catch (e) {
            if (isCalendarDataMissing(e)) {
              // The calendar has no holiday data for this year: the task runs on its cycle as if
              // no calendar were configured, and says so on the task instead of guessing.
              warnings.get(t.id)!.push(`skipHolidays could not be applied: ${e.message}; holidays are not skipped on ${asOf}`)
              due.set(t.id, isDue(taskSchedule(t, false), asOf))
            } else {
              warnings.get(t.id)!.push(`the task's schedule is invalid: ${adoptRulesError(e).message}`)
              due.set(t.id, false)
            }
          }
        }
        const wanted = runTasks.filter((t) => due.get(t.id) || options?.includeNotDue)
        const ruleIds = [...new Set(wanted.flatMap((t) => (t.source === "alert" ? t.ruleInstanceIds : [])))]
        const groupIds = [...new Set(wanted.flatMap((t) => (t.source === "campaign" ? [t.customerGroupId] : [])))]
        const groupList = yield* groups.getMany(groupIds)
        const groupById = new Map(groupList.map((g) => [g.id, g]))
        const groupRuleIds = groupList.flatMap((g) => (g.ruleInstanceId !== null ? [g.ruleInstanceId] : []))
        const records = yield* rules.getMany([...new Set([...ruleIds, ...groupRuleIds])])
        const usable = new Map<string, Rule>()
        const unusable = new Map<string, string>()
        for (const r of records) {
          const rule = ruleOfDefinition(r.definition)
          const effective = (r.effectiveFrom === null || r.effectiveFrom <= asOf) && (r.effectiveUntil === null || asOf < r.effectiveUntil)
          if (r.status !== "active" && !options?.anyRuleStatus) unusable.set(r.id, `rule instance ${r.id} is ${r.status}`)
          else if (!effective) unusable.set(r.id, `rule instance ${r.id} is not in force on ${asOf}`)
          else if (!rule) unusable.set(r.id, `rule instance ${r.id} has no rule in its definition`)
          else usable.set(r.id, rule)
        }
        const ruleKeys = [...usable.keys()]
        const matched = yield* candidates.matching(
          ruleKeys.map((k) => usable.get(k)!),
          asOf
        )
        const matchesOf = new Map(ruleKeys.map((k, i) => [k, matched[i]!]))

        const candidatesOf = (t: Task): ReadonlyArray<string> => {
          const w = warnings.get(t.id)!
          const fromRule = (id: string): ReadonlyArray<string> => {
            const m = matchesOf.get(id)
            if (m === undefined) w.push(unusable.get(id) ?? `rule instance ${id} not found`)
            return m ?? []
          }
          if (t.source === "alert") return [...new Set(t.ruleInstanceIds.flatMap(fromRule))].sort(compareIds)
          if (t.source === "campaign") {
            const g = groupById.get(t.customerGroupId)
            if (!g) {
              w.push(`customer group ${t.customerGroupId} not found`)
              return []
            }
            if (!(g.validFrom <= asOf && asOf <= g.validUntil)) {
              w.push(`customer group ${g.id} is valid ${g.validFrom}..${g.validUntil}, not on ${asOf}`)
              return []
            }
            return g.ruleInstanceId !== null ? fromRule(g.ruleInstanceId) : [...new Set(g.memberIds)].sort(compareIds)
          }
          return []
        }

        const perTask = runTasks.map((t) => ({ task: t, ids: due.get(t.id) || options?.includeNotDue ? candidatesOf(t) : [] }))
        const allIds = [...new Set(perTask.flatMap((p) => p.ids))].sort(compareIds)
        // Only what scope and assignment read is kept per candidate (memory stays flat at scale).
        type Slim = Pick<Customer, "id" | "region" | "ownerManagerId">
        const customerById = new Map<string, Slim>()
        const holderOf = new Map<string, HandOutLedgerEntry>()
        for (const ids of chunk(allIds, 1000)) {
          for (const c of yield* customers.getMany(ids)) customerById.set(c.id, { id: c.id, region: c.region, ownerManagerId: c.ownerManagerId })
          for (const e of yield* ledger.coolingDown(ids, at)) {
            const prior = holderOf.get(e.customerId)
            // The entry of this period decides; otherwise the longest-running cool-down.
            if (e.period === period || !prior || (prior.period !== period && prior.cooldownUntil < e.cooldownUntil)) holderOf.set(e.customerId, e)
          }
        }

        const load = new Map<string, number>()
        const loadKnown = new Set<string>()
        const teamOf = new Map<string, string | null>()
        const taken = new Set<string>()
        const items: Array<PlannedItem> = []
        const reports: Array<TaskExtraction> = []
        for (const { task: t, ids } of perTask) {
          const ex = emptyExclusions()
          const isDueToday = due.get(t.id)!
          if (!isDueToday) {
            ex.calendar = ids.length
            reports.push({ taskId: t.id, urgency: t.urgency, due: false, candidates: ids.length, handedOut: 0, excluded: ex, loadPerAgent: {}, warnings: warnings.get(t.id)! })
            continue
          }
          const bound = yield* authorScope(t)
          if (typeof bound === "string" && bound !== "unbounded") warnings.get(t.id)!.push(bound)
          const inScope = ids.filter((id) => {
            const c = customerById.get(id)
            const ok =
              c !== undefined && (t.region === null || c.region === t.region) &&
              (bound === "unbounded" || (typeof bound !== "string" && customerInScope(bound, c)))
            if (!ok) ex.scope++
            return ok
          })
          const blocked = new Set<string>()
          for (const part of chunk(inScope, 1000)) for (const id of yield* dnd.blocked(part, t.channel, at)) blocked.add(id)
          const tentative: Array<string> = []
          for (const id of inScope) {
            if (blocked.has(id)) {
              ex.dnd++
              continue
            }
            if (taken.has(id)) {
              ex.dedupPeriod++
              continue
            }
            const holder = holderOf.get(id)
            if (holder && holder.period === period) {
              if (holder.taskId === t.id) ex.alreadyExtracted++
              else ex.dedupPeriod++
              continue
            }
            if (holder) {
              ex.dedupCooldown++
              continue
            }
            taken.add(id)
            tentative.push(id)
          }
          // Open work decides the rest: no second open item in this task (after a cool-down the
          // first may still be open), and the agent already holding the customer keeps them.
          const open = yield* openWorkOf(workItems, tentative)
          const selected: Array<Slim> = []
          const held = new Map<string, string>()
          for (const id of tentative) {
            const mine = open.get(id)
            if (mine?.some((w) => w.taskId === t.id)) {
              ex.stillOpen++
              continue
            }
            const holder = openWorkHolder(mine)
            if (holder !== null) held.set(id, holder)
            selected.push(customerById.get(id)!)
          }

          const policy = req.assignment[t.id] ?? { kind: "owner" as const, fallbackAgentIds: [] }
          const pool = policy.kind === "owner" ? policy.fallbackAgentIds : policy.kind === "unassigned" ? [] : policy.agentIds
          for (const a of pool) {
            if (loadKnown.has(a)) continue
            const counts = yield* workItems.countByState({ assigneeId: a })
            load.set(a, (load.get(a) ?? 0) + counts.open + counts["in-progress"])
            loadKnown.add(a)
          }
          const assignees = assign(
            policy,
            selected.filter((c) => !held.has(c.id)),
            load
          )
          for (const [id, holder] of held) assignees.set(id, holder)
          const unknownTeams = [...new Set([...assignees.values()].filter((a): a is string => a !== null && !teamOf.has(a)))]
          for (const part of chunk(unknownTeams, 1000)) {
            const found = yield* managers.getMany(part)
            for (const m of found) teamOf.set(m.id, m.teamId)
            for (const id of part) if (!teamOf.has(id)) teamOf.set(id, null)
          }
          const perAgent: Record<string, number> = {}
          const cooldownUntil = new Date(nowMs + t.cooldownDays * 86_400_000).toISOString()
          for (const c of selected) {
            const assigneeId = assignees.get(c.id) ?? null
            if (assigneeId !== null) load.set(assigneeId, (load.get(assigneeId) ?? 0) + 1)
            perAgent[assigneeId ?? "-"] = (perAgent[assigneeId ?? "-"] ?? 0) + 1
            items.push({
              ledger: { customerId: c.id, period, taskId: t.id, urgency: t.urgency, runId, handedOutAt: at, cooldownUntil },
              item: newWorkItem({
                id: workItemId(t.id, period, c.id),
                taskId: t.id,
                customerId: c.id,
                assigneeId,
                teamId: assigneeId === null ? null : (teamOf.get(assigneeId) ?? null),
                channel: t.channel,
                urgency: t.urgency,
                period,
                at
              })
            })
          }
          reports.push({
            taskId: t.id,
            urgency: t.urgency,
            due: true,
            candidates: ids.length,
            handedOut: selected.length,
            excluded: ex,
            loadPerAgent: perAgent,
            warnings: warnings.get(t.id)!
          })
        }
        return {
          report: { runId, period, asOf, at, created: items.length, tasks: reports },
          items
        } satisfies ExtractionPlan
      })

      const run = Effect.fn("Extraction.run")(function* (actor: Actor, input?: ExtractionRequest) {
        const planned = yield* plan(actor, input)
        const config = yield* PipelineConfig
        const { report } = planned
        // Every write of the run in one transaction: claims, items, audit.
        const lostByTask = yield* tx.transaction(
          Effect.gen(function* () {
            const lost = new Map<string, number>()
            const byTask = new Map<string, Array<PlannedItem>>()
            for (const p of planned.items) {
              const list = byTask.get(p.item.taskId) ?? []
              list.push(p)
              byTask.set(p.item.taskId, list)
            }
            for (const t of report.tasks) {
              const mine = byTask.get(t.taskId) ?? []
              const won: Array<WorkItem> = []
              const claimed = yield* claimLedger(
                ledger,
                mine.map((p) => p.ledger),
                config.writeBatch
              )
              for (const p of mine) {
                if (claimed.has(p.ledger.customerId)) won.push(p.item)
                else lost.set(t.taskId, (lost.get(t.taskId) ?? 0) + 1)
              }
              for (const part of chunk(won, config.writeBatch)) yield* workItems.insertMany(part)
              if (!t.due && t.candidates === 0) continue
              yield* trail.record(actor, {
                action: "extraction.run",
                category: "extraction",
                recordType: "Task",
                recordId: t.taskId,
                customerId: null,
                before: null,
                after: {
                  runId: report.runId,
                  period: report.period,
                  asOf: report.asOf,
                  due: t.due,
                  candidates: t.candidates,
                  created: won.length,
                  excluded: { ...t.excluded, dedupPeriod: t.excluded.dedupPeriod + (lost.get(t.taskId) ?? 0) },
                  loadPerAgent: t.loadPerAgent
                }
              })
            }
            return lost
          })
        )
        if (lostByTask.size === 0) return report
        // Claims lost to a concurrent run of the same period: not created, counted as dedup.
        const tasksOut = report.tasks.map((t) => {
          const lost = lostByTask.get(t.taskId) ?? 0
          return lost === 0 ? t : { ...t, handedOut: t.handedOut - lost, excluded: { ...t.excluded, dedupPeriod: t.excluded.dedupPeriod + lost } }
        })
        return { ...report, tasks: tasksOut, created: tasksOut.reduce((n, t) => n + t.handedOut, 0) }
      })

      return Extraction.of({ run, plan })
    })
  )
}

/**
 * Turns a thrown rules `ValidationError` into core's (used where rules are compiled eagerly).
 *
 * @example
 * ```ts
 * Effect.try({ try: () => parseSchedule(input), catch: adoptRulesError })
 * ```
 */
export const adoptRulesError = (e: unknown): ValidationError =>
  ValidationError.adopt(e) ?? new ValidationError({ issues: [{ path: [], message: String(e), code: "invalid" }] })
