/**
 * Extraction (DOMAIN §3, §5, §6): for one period, every due task's candidates (rules pushed to the
 * candidate source) → scope (the task's region) → do-not-disturb on the task's channel → the
 * hand-out ledger (most urgent task first; nothing handed out again within a cool-down; a period
 * re-run finds every customer already claimed; a customer whose item in the task is still open is
 * not given a second one) → assignment (a customer already holding open work with an agent gets
 * the new item with that agent: one agent per customer) → work items. A run is planned once
 * (tasks, calendar, rules) and then split into hash partitions of the customers
 * (`partitionOf(id, count)`, one by default): each partition is read, planned and written (ledger
 * claims, items, audit) in ONE transaction of its own, so a partition that dies midway leaves
 * nothing and running it again gives exactly what one clean run gives. `work` lets several worker
 * processes share the partitions of one run through {@link ExtractionPartitions}.
 *
 * A customer on DND for a task's channel is not claimed by that task, so a less urgent task on
 * another channel (an SMS greeting for a customer who refuses calls) may still get them.
 */
import { md5Hex } from "../shared/Hash"
import { Clock, Context, Data, Effect, Layer } from "effect"
import * as z from "zod"
import { isCalendarDataMissing, isDue, parseSchedule, type Rule, type Schedule } from "@winback/rules"
import { type Actor, Actors } from "../org/Actor"
import { assign, AssignmentPolicy } from "./Assignment"
import { AuditTrail } from "../audit/AuditTrail"
import { claimLedger, openWorkHolder, openWorkOf } from "./BulkClaims"
import { CandidateSource, compareIds } from "./Candidates"
import type { Customer } from "../customer/Customer"
import { CandidateStaging, type CustomerPartition, ExtractionPartitions, memoryExtractionPartitions, partitionOf } from "./ExtractionPartitions"
import { type Conflict, type Forbidden, type NotFound, type StorageError, ValidationError } from "../shared/Errors"
import type { HandOutLedgerEntry } from "./HandOutLedger"
import type { Page } from "../shared/Page"
import { Permissions, scopeFor } from "../org/Permissions"
import { WorkConfig } from "../work/WorkConfig"
import { Actions } from "../org/Permissions"
import { Id, IsoDate } from "../shared/Primitives"
import { CustomerGroupStore } from "../customer/CustomerGroupStore"
import { CustomerStore } from "../customer/CustomerStore"
import { DndStore } from "../work/DndStore"
import { HandOutLedgerStore } from "./HandOutLedgerStore"
import { ManagerStore } from "../org/ManagerStore"
import { RuleInstanceStore } from "../rule/RuleInstanceStore"
import { TaskStore } from "./TaskStore"
import { Transactions } from "../ports/Transactions"
import { WorkItemStore } from "../work/WorkItemStore"
import { customerInScope, type ScopeSet } from "../org/Scope"
import type { Task } from "./Task"
import { decode } from "../shared/Validation"
import { newWorkItem, type WorkItem } from "../work/WorkItem"
import { serviceLayer } from "../shared/ServiceLayer"

/**
 * What to extract. `asOf` is the data day the rules look at (default: today, UTC, from `Clock`);
 * `period` the dedup period key (default: `asOf`); `taskIds` limits the run (default: every
 * active task); `assignment` per task id (default: the customer's owner); `partitions` how many
 * hash partitions of the customers the run is written in, each in its own transaction (default:
 * one for `run`, 16 for `work`).
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
    assignment: z.record(Id, AssignmentPolicy).default({}),
    partitions: z.number().int().min(1).max(4096).optional()
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

/** Another worker took a partition over after this worker's lease ran out (internal to `work`). */
class PartitionTakenOver extends Data.TaggedError("PartitionTakenOver")<{ readonly partition: number }> {}

/** What a partition's transaction stores on its queue row: its tasks' counts. */
interface PartitionResult {
  readonly created: number
  readonly tasks: ReadonlyArray<TaskExtraction>
}

/**
 * Options of `Extraction.work`. `workerId` names this worker in the queue (unique per process);
 * `leaseMs` how long a claimed partition is this worker's before another may take it over
 * (default 5 minutes; longer than one partition's planning and write); `untilComplete` keeps the
 * worker polling every `pollMs` (default 1 s) until every partition is done, so it picks up the
 * partition of a worker that died; `runKey` overrides the key of the run (default
 * {@link extractionRunKey} of the period and task ids).
 *
 * @example
 * ```ts
 * const options: WorkerOptions = { workerId: `${hostname()}:${process.pid}`, leaseMs: 120_000, untilComplete: true }
 * ```
 */
export interface WorkerOptions {
  readonly workerId: string
  readonly leaseMs?: number
  readonly untilComplete?: boolean
  readonly pollMs?: number
  readonly runKey?: string
}

/**
 * What one worker did in a partitioned run: the partitions it wrote (`done`), those another worker
 * took over while it planned them, the items it created, how many partitions of the run are not
 * done yet, and — once every partition is done — the report of the whole run.
 *
 * @example
 * ```ts
 * const w = yield* extraction.work(admin, { asOf: "2026-11-25", partitions: 16 }, { workerId: "w-1" })
 * if (w.report) console.log(`run ${w.runKey}: ${w.report.created} items`)
 * ```
 */
export interface ExtractionWorkReport {
  readonly runKey: string
  readonly workerId: string
  readonly partitions: number
  readonly done: ReadonlyArray<number>
  readonly takenOver: ReadonlyArray<number>
  readonly created: number
  readonly remaining: number
  readonly report: ExtractionReport | undefined
}

/**
 * The key every worker of one partitioned run shares: the period, plus a digest of the task ids
 * when the run is limited to some tasks. It is also the run id on the ledger entries of the run.
 *
 * @example
 * ```ts
 * extractionRunKey("2026-11-25") // "xr:2026-11-25"
 * ```
 */
export const extractionRunKey = (period: string, taskIds?: ReadonlyArray<string>): string =>
  taskIds === undefined ? `xr:${period}` : `xr:${period}:${md5Hex([...new Set(taskIds)].sort(compareIds).join("\n")).slice(0, 12)}`

/** Adds up the task reports of a run's partitions into the report of the run. */
const mergeReports = (
  head: { readonly runId: string; readonly period: string; readonly asOf: string; readonly at: string },
  parts: ReadonlyArray<ReadonlyArray<TaskExtraction>>
): ExtractionReport => {
  const order: Array<string> = []
  const byTask = new Map<string, TaskExtraction>()
  for (const part of parts) {
    for (const t of part) {
      const prior = byTask.get(t.taskId)
      if (!prior) {
        order.push(t.taskId)
        byTask.set(t.taskId, t)
        continue
      }
      const excluded = { ...prior.excluded }
      for (const k of Object.keys(excluded) as Array<keyof Exclusions>) excluded[k] += t.excluded[k]
      const loadPerAgent: Record<string, number> = { ...prior.loadPerAgent }
      for (const [a, n] of Object.entries(t.loadPerAgent)) loadPerAgent[a] = (loadPerAgent[a] ?? 0) + n
      byTask.set(t.taskId, {
        ...prior,
        due: prior.due || t.due,
        candidates: prior.candidates + t.candidates,
        handedOut: prior.handedOut + t.handedOut,
        excluded,
        loadPerAgent,
        warnings: [...new Set([...prior.warnings, ...t.warnings])]
      })
    }
  }
  const tasks = order.map((id) => byTask.get(id)!)
  return { runId: head.runId, period: head.period, asOf: head.asOf, at: head.at, created: tasks.reduce((n, t) => n + t.handedOut, 0), tasks }
}

/**
 * The extraction service.
 *
 * @example
 * ```ts
 * const extraction = yield* Extraction
 * const report = yield* extraction.run(admin, { asOf: "2026-11-25" })
 * const again = yield* extraction.run(admin, { asOf: "2026-11-25" }) // again.created === 0
 * // or, from every worker process of a run:
 * yield* extraction.work(admin, { asOf: "2026-11-25", partitions: 16 }, { workerId: "w-1", untilComplete: true })
 * ```
 */
export class Extraction extends Context.Service<
  Extraction,
  {
    /**
     * Plans one run once and writes it partition by partition (`request.partitions`, default one),
     * each partition in one transaction; idempotent per partition.
     */
    readonly run: (actor: Actor, request?: ExtractionRequest) => Effect.Effect<ExtractionReport, ExtractionErrors>
    /**
     * Works on a partitioned run shared with other workers (other processes, other machines):
     * claims partitions from {@link ExtractionPartitions} (the in-process queue when none is
     * provided) and writes each in one transaction until none is left to claim.
     */
    readonly work: (actor: Actor, request: ExtractionRequest | undefined, options: WorkerOptions) => Effect.Effect<ExtractionWorkReport, ExtractionErrors>
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
   * Extraction.layer.pipe(Layer.provide(memoryCandidateSource()), Layer.provide(scopeLayer(defaultPolicy)), Layer.provide(storesLayer(stores)))
   * ```
   */
  static readonly layer: Layer.Layer<Extraction, never, Transactions | TaskStore | RuleInstanceStore | CustomerGroupStore | CustomerStore | HandOutLedgerStore | WorkItemStore | DndStore | ManagerStore | CandidateSource | Permissions | Actors | AuditTrail> = serviceLayer(
    Extraction,
    { tx: Transactions, tasks: TaskStore, rules: RuleInstanceStore, groups: CustomerGroupStore, customers: CustomerStore, ledger: HandOutLedgerStore, workItems: WorkItemStore, dnd: DndStore, managers: ManagerStore, candidates: CandidateSource, perms: Permissions, actors: Actors, trail: AuditTrail },
    ({ tx, tasks, rules, groups, customers, ledger, workItems, dnd, managers, candidates, perms, actors, trail }) => Effect.gen(function* () {
      const staging = yield* Effect.serviceOption(CandidateStaging)
      const sharedQueue = yield* Effect.serviceOption(ExtractionPartitions)

      /** Stages the run's candidates once (when the storage can), so partitions do not each evaluate every rule. */
      const stage = <P extends { readonly usable: ReadonlyMap<string, Rule>; readonly asOf: string; readonly stagedAs: string | undefined }>(
        prep: P,
        key: string,
        count: number
      ): Effect.Effect<P, ValidationError | StorageError> =>
        staging._tag === "None" || count <= 1 || prep.usable.size === 0
          ? Effect.succeed(prep)
          : staging.value.stage(key, [...prep.usable].map(([k, rule]) => ({ key: k, rule })), prep.asOf, count).pipe(Effect.as({ ...prep, stagedAs: key }))
      const unstage = (prep: { readonly stagedAs: string | undefined }) =>
        staging._tag === "Some" && prep.stagedAs !== undefined ? staging.value.drop(prep.stagedAs) : Effect.void

      /**
       * The customers a task may reach: its author's `task.create` reach (a director's task stays in
       * their tree). A task whose author is not a known manager was written by a system job
       * straight to the store (only `TaskService` sets authors from actors): its region bounds it.
       * An author who is no longer active reaches nobody.
       */
      const authorScope = (t: Task) =>
        actors.resolve(t.authorId).pipe(
          Effect.map((author): ScopeSet | "unbounded" | string => scopeFor(perms.policy, author, Actions.taskCreate)?.scope ?? `the task's author ${t.authorId} may not manage tasks: it reaches no customers`),
          Effect.catchTags({
            NotFound: () => Effect.succeed("unbounded" as const),
            Forbidden: () => Effect.succeed(`the task's author ${t.authorId} is not active: it reaches no customers`)
          })
        )

      /** The part of a run planned once: the request, the tasks and which are due, the rules they read. */
      const prepare = Effect.fn("Extraction.prepare")(function* (
        actor: Actor,
        input?: ExtractionRequest,
        options?: PlanOptions
      ) {
        const req = yield* decode(ExtractionRequest, input ?? {}, "extraction request")
        yield* perms.require(actor, options?.action ?? Actions.extractionRun, { type: "none" })
        const config = yield* WorkConfig
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
              warnings.get(t.id)!.push(`the task's schedule is invalid: ${e instanceof Error ? e.message : String(e)}`)
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
          const effective = (r.effectiveFrom === null || r.effectiveFrom <= asOf) && (r.effectiveUntil === null || asOf < r.effectiveUntil)
          if (r.status !== "active" && !options?.anyRuleStatus) unusable.set(r.id, `rule instance ${r.id} is ${r.status}`)
          else if (!effective) unusable.set(r.id, `rule instance ${r.id} is not in force on ${asOf}`)
          else usable.set(r.id, r.definition.rule)
        }
        // `stagedAs`: set once the run's candidates are staged under this key (`CandidateStaging`).
        // Each due task's reach, resolved once per run rather than once per partition.
        const bounds = new Map<string, ScopeSet | "unbounded" | string>()
        for (const t of runTasks) if (due.get(t.id)) bounds.set(t.id, yield* authorScope(t))
        return { req, nowMs, at, asOf, period, runId, runTasks, warnings, due, bounds, usable, unusable, groupById, options, stagedAs: undefined as string | undefined }
      })
      type Prepared = Effect.Success<ReturnType<typeof prepare>>

      /**
       * Plans one partition of a prepared run (`undefined`: every customer). Everything read and
       * held here is the partition's: its candidates, customers, ledger entries and items.
       */
      const planPartition = Effect.fn("Extraction.planPartition")(function* (prep: Prepared, partition: CustomerPartition | undefined) {
        const { req, nowMs, at, asOf, period, runId, runTasks, due, bounds, usable, unusable, groupById, options } = prep
        const warnings = new Map([...prep.warnings].map(([k, v]) => [k, [...v]]))
        const cut = partition !== undefined && partition.count > 1 ? partition : undefined
        const inPartition = (id: string) => cut === undefined || partitionOf(id, cut.count) === cut.index
        const ruleKeys = [...usable.keys()]
        const matched =
          cut !== undefined && prep.stagedAs !== undefined && staging._tag === "Some"
            ? yield* staging.value.read(prep.stagedAs, ruleKeys, cut.index)
            : yield* candidates.matching(
                ruleKeys.map((k) => usable.get(k)!),
                asOf,
                cut
              )
        // A source that does not cut by partition is cut here, so the partitions never overlap.
        const matchesOf = new Map(ruleKeys.map((k, i) => [k, cut === undefined ? matched[i]! : matched[i]!.filter(inPartition)]))

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
            return g.ruleInstanceId !== null ? fromRule(g.ruleInstanceId) : [...new Set(g.memberIds)].filter(inPartition).sort(compareIds)
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
          const bound = bounds.get(t.id)!
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

      const plan = (actor: Actor, input?: ExtractionRequest, options?: PlanOptions) =>
        Effect.flatMap(prepare(actor, input, options), (prep) => planPartition(prep, undefined))

      /**
       * Writes one planned partition in one transaction: ledger claims, the items won, one audit
       * entry per task; with a queue, marks the partition done in the same transaction (or rolls it
       * all back when another worker took the partition over). A partition with nothing to hand
       * out writes nothing (a re-run of a done period writes nothing at all).
       */
      const write = Effect.fn("Extraction.write")(function* (
        actor: Actor,
        planned: ExtractionPlan,
        partition: CustomerPartition | undefined,
        queue: { readonly service: ExtractionPartitions["Service"]; readonly runKey: string; readonly workerId: string } | undefined
      ) {
        const config = yield* WorkConfig
        const { report } = planned
        if (planned.items.length === 0 && queue === undefined) return report
        const cut = partition !== undefined && partition.count > 1 ? partition : undefined
        const tasksOut = yield* tx.transaction(
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
              if (planned.items.length === 0 || (!t.due && t.candidates === 0)) continue
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
                  ...(cut ? { partition: `${cut.index}/${cut.count}` } : {}),
                  due: t.due,
                  candidates: t.candidates,
                  created: won.length,
                  excluded: { ...t.excluded, dedupPeriod: t.excluded.dedupPeriod + (lost.get(t.taskId) ?? 0) },
                  loadPerAgent: t.loadPerAgent
                }
              })
            }
            // Claims lost to a concurrent run of the same period: not created, counted as dedup.
            const out = report.tasks.map((t) => {
              const n = lost.get(t.taskId) ?? 0
              return n === 0 ? t : { ...t, handedOut: t.handedOut - n, excluded: { ...t.excluded, dedupPeriod: t.excluded.dedupPeriod + n } }
            })
            if (queue !== undefined && partition !== undefined) {
              const result: PartitionResult = { created: out.reduce((n, t) => n + t.handedOut, 0), tasks: out }
              const mine = yield* queue.service.complete(queue.runKey, partition.index, queue.workerId, result, report.at)
              if (!mine) return yield* new PartitionTakenOver({ partition: partition.index })
            }
            return out
          })
        )
        return { ...report, tasks: tasksOut, created: tasksOut.reduce((n, t) => n + t.handedOut, 0) }
      })

      const run = Effect.fn("Extraction.run")(function* (actor: Actor, input?: ExtractionRequest) {
        const planned = yield* prepare(actor, input)
        const count = planned.req.partitions ?? 1
        const prep = yield* stage(planned, planned.runId, count)
        return yield* writeAll(actor, prep, count).pipe(Effect.ensuring(Effect.ignore(unstage(prep))))
      })

      const writeAll = Effect.fn("Extraction.writeAll")(function* (actor: Actor, prep: Prepared, count: number) {
        const parts: Array<ReadonlyArray<TaskExtraction>> = []
        for (let index = 0; index < count; index++) {
          // Between two partitions no transaction is open: PGlite's one connection serves others.
          const part = count > 1 ? { index, count } : undefined
          // Without a queue no partition can be taken over.
          const written = yield* write(actor, yield* planPartition(prep, part), part, undefined).pipe(Effect.catchTag("PartitionTakenOver", (e) => Effect.die(e)))
          if (count === 1) return written
          parts.push(written.tasks)
        }
        return mergeReports(prep, parts)
      })

      /**
       * Stages a shared run's candidates with the other workers: the customers are cut into key
       * ranges (`CandidateStaging.slices`), queued as the run `<runKey>#stage` beside its
       * partitions, and each worker stages the ranges it claims, each in one transaction that also
       * marks the range done. Answers once every range is staged; a range whose worker died is
       * taken over when its lease runs out, as a partition is.
       */
      const stageTogether = Effect.fn("Extraction.stageTogether")(function* (
        prep: Prepared,
        runKey: string,
        count: number,
        queue: ExtractionPartitions["Service"],
        workerId: string,
        leaseMs: number,
        pollMs: number
      ) {
        if (staging._tag === "None") return
        const st = staging.value
        const stageKey = `${runKey}#stage`
        const slices = yield* st.slices(runKey, count)
        yield* queue.open(stageKey, slices, prep.at)
        const rules = [...prep.usable].map(([key, rule]) => ({ key, rule }))
        for (;;) {
          const now = yield* Clock.currentTimeMillis
          const s = yield* queue.claim(stageKey, workerId, new Date(now).toISOString(), new Date(now + leaseMs).toISOString())
          if (s === undefined) {
            if ((yield* queue.list(stageKey)).every((x) => x.state === "done")) return
            // Waiting on other processes, not on the run's time: a real timer (a TestClock would never fire).
            yield* Effect.promise(() => new Promise<void>((ok) => setTimeout(ok, pollMs)))
            continue
          }
          yield* tx
            .transaction(
              Effect.gen(function* () {
                yield* st.stageSlice(runKey, rules, prep.asOf, count, s)
                if (!(yield* queue.complete(stageKey, s, workerId, { slice: s }, prep.at))) return yield* new PartitionTakenOver({ partition: s })
              })
            )
            .pipe(
              Effect.catchTag("PartitionTakenOver", () => Effect.void),
              Effect.tapError(() => Effect.ignore(queue.release(stageKey, s, workerId, new Date(now).toISOString())))
            )
        }
      })

      const fallbackQueue = memoryExtractionPartitions()
      const work = Effect.fn("Extraction.work")(function* (actor: Actor, input: ExtractionRequest | undefined, options: WorkerOptions) {
        const prep = yield* prepare(actor, input)
        const count = prep.req.partitions ?? 16
        const queue = sharedQueue._tag === "Some" ? sharedQueue.value : fallbackQueue
        const runKey = options.runKey ?? extractionRunKey(prep.period, prep.req.taskIds)
        // Every worker of the run stamps the same run id on the ledger entries it writes.
        let prepared: Prepared = { ...prep, runId: runKey }
        yield* queue.open(runKey, count, prep.at)
        const leaseMs = options.leaseMs ?? 300_000
        // The rules are evaluated first, by every worker together, one key range of the customers
        // each (a worker that finds the run done evaluates nothing).
        if (staging._tag === "Some" && count > 1 && prep.usable.size > 0 && !(yield* queue.list(runKey)).every((s) => s.state === "done")) {
          yield* stageTogether(prepared, runKey, count, queue, options.workerId, leaseMs, options.pollMs ?? 1000)
          prepared = { ...prepared, stagedAs: runKey }
        }
        const done: Array<number> = []
        const takenOver: Array<number> = []
        let created = 0
        for (;;) {
          const now = yield* Clock.currentTimeMillis
          const p = yield* queue.claim(runKey, options.workerId, new Date(now).toISOString(), new Date(now + leaseMs).toISOString())
          if (p === undefined) {
            if (!options.untilComplete) break
            if ((yield* queue.list(runKey)).every((s) => s.state === "done")) break
            yield* Effect.sleep(options.pollMs ?? 1000)
            continue
          }
          const part = { index: p, count }
          const written = yield* planPartition(prepared, part).pipe(
            Effect.flatMap((planned) => write(actor, planned, part, { service: queue, runKey, workerId: options.workerId })),
            Effect.catchTag("PartitionTakenOver", () => Effect.succeed(undefined)),
            Effect.tapError(() => Effect.ignore(queue.release(runKey, p, options.workerId, new Date(now).toISOString())))
          )
          if (written === undefined) takenOver.push(p)
          else {
            done.push(p)
            created += written.created
          }
        }
        const states = yield* queue.list(runKey)
        const complete = states.every((s) => s.state === "done")
        if (complete) yield* Effect.ignore(unstage({ stagedAs: runKey }))
        return {
          runKey,
          workerId: options.workerId,
          partitions: count,
          done,
          takenOver,
          created,
          remaining: states.filter((s) => s.state !== "done").length,
          report: complete ? mergeReports(prepared, states.map((s) => (s.result as PartitionResult).tasks)) : undefined
        } satisfies ExtractionWorkReport
      })

      return Extraction.of({ run, plan, work })
    })
  )
}
