/**
 * The report service (DOMAIN §8): funnels with stage rates, observation outcomes, month-end status
 * accounting with reconciliation, agent performance and rankings, questionnaire statistics per
 * task, and the weekly / monthly / half-yearly / yearly period reports combining them — all scoped
 * to the reader. The counting happens behind the {@link ReportQueries} port (in the database for
 * the SQL adapters); this service adds labels, rates, team-subtree roll-ups and checks.
 */
import { Context, Effect, Layer } from "effect"
import * as z from "zod"
import { loadPublished, type PublishedQuestionnaire, questionnaireStatistics } from "@winback/questionnaire"
import type { Actor } from "../org/Actor"
import { nowIso } from "../audit/AuditTrail"
import { LineStatus } from "../customer/Customer"
import { Forbidden, type NotFound, type StorageError, ValidationError } from "../shared/Errors"
import { classifyOutcome, ObservationSettings } from "../observation/ObservationService"
import { Permissions } from "../org/Permissions"
import { Actions } from "../org/Permissions"
import { Id, IsoDate, IsoMonth } from "../shared/Primitives"
import { ManagerStore } from "../org/ManagerStore"
import { OfferStore } from "../offer/OfferStore"
import { QuestionnaireStore } from "../work/QuestionnaireStore"
import { TaskStore } from "../task/TaskStore"
import { TeamStore } from "../org/TeamStore"
import { type ScopeSet, workItemScopeFilter } from "../org/Scope"
import { subtreeOf, type Team } from "../org/Team"
import { decode } from "../shared/Validation"
import {
  type AgentPerformance,
  type AgentPerformanceReport,
  FunnelDimension,
  type FunnelCounts,
  type FunnelReport,
  type FunnelRow,
  funnelStages,
  type Grouped,
  ObservationDimension,
  type ObservationCounts,
  type ObservationReport,
  type ObservationRow,
  type PeriodReport,
  ReportPeriodKind,
  ReportQueries,
  ReportRange,
  type ReconciliationMismatch,
  type ReportFilter,
  type StatusAccounting,
  type TaskQuestionnaireReport,
  type TaskResponse
} from "./ReportQueries"
import { serviceLayer } from "../shared/ServiceLayer"

/**
 * The action that lets a person read reports. Default grants: agents over themselves; team
 * leaders, directors and team admins over their subtree.
 *
 * @example
 * ```ts
 * decide(policy, leader, ReportActions.read, { type: "none" })
 * ```
 */
export const ReportActions = { read: Actions.reportRead } as const

const Ranged = { from: IsoDate, to: IsoDate, taskId: Id.optional() }
const rangeOk = { message: "from must be before to", path: ["to"] }

/**
 * A funnel query.
 *
 * @example
 * ```ts
 * FunnelQuery.parse({ from: "2026-11-01", to: "2026-12-01", by: "team" })
 * ```
 */
export const FunnelQuery = z.object({ ...Ranged, by: FunnelDimension.default("total") }).strict().refine((q) => q.from < q.to, rangeOk)
/** @see {@link FunnelQuery} */
export type FunnelQuery = z.input<typeof FunnelQuery>

/**
 * An observation report query.
 *
 * @example
 * ```ts
 * ObservationQuery.parse({ from: "2026-01-01", to: "2027-01-01", by: "month" })
 * ```
 */
export const ObservationQuery = z.object({ ...Ranged, by: ObservationDimension.default("total") }).strict().refine((q) => q.from < q.to, rangeOk)
/** @see {@link ObservationQuery} */
export type ObservationQuery = z.input<typeof ObservationQuery>

/**
 * A range query (agent performance).
 *
 * @example
 * ```ts
 * RangeQuery.parse({ from: "2026-11-01", to: "2026-12-01" })
 * ```
 */
export const RangeQuery = z.object(Ranged).strict().refine((q) => q.from < q.to, rangeOk)
/** @see {@link RangeQuery} */
export type RangeQuery = z.input<typeof RangeQuery>

/**
 * A month-end status accounting query.
 *
 * @example
 * ```ts
 * StatusAccountingQuery.parse({ month: "2026-11" })
 * ```
 */
export const StatusAccountingQuery = z.object({ month: IsoMonth, taskId: Id.optional() }).strict()
/** @see {@link StatusAccountingQuery} */
export type StatusAccountingQuery = z.input<typeof StatusAccountingQuery>

/**
 * A questionnaire statistics query for one task.
 *
 * @example
 * ```ts
 * QuestionnaireReportQuery.parse({ taskId: "task-bill-drop", from: "2026-11-01", to: "2026-12-01" })
 * ```
 */
export const QuestionnaireReportQuery = z.object({ from: IsoDate, to: IsoDate, taskId: Id }).strict().refine((q) => q.from < q.to, rangeOk)
/** @see {@link QuestionnaireReportQuery} */
export type QuestionnaireReportQuery = z.input<typeof QuestionnaireReportQuery>

/**
 * A periodic report query: the period of `kind` that contains the day `on`.
 *
 * @example
 * ```ts
 * PeriodQuery.parse({ kind: "week", on: "2026-11-18" })
 * ```
 */
export const PeriodQuery = z.object({ kind: ReportPeriodKind, on: IsoDate }).strict()
/** @see {@link PeriodQuery} */
export type PeriodQuery = z.input<typeof PeriodQuery>

// ---------------------------------------------------------------------------------------------
// Pure helpers
// ---------------------------------------------------------------------------------------------

const shiftDay = (day: string, days: number): string => {
  const d = new Date(`${day}T00:00:00.000Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}
const nextMonth = (month: string): string => {
  const [y, m] = month.split("-").map(Number) as [number, number]
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, "0")}`
}

/**
 * The range and label of the period of `kind` containing `on` (weeks are ISO weeks, Monday first).
 *
 * @example
 * ```ts
 * periodOf("half-year", "2026-11-18") // { label: "2026-H2", range: { from: "2026-07-01", to: "2027-01-01" } }
 * ```
 */
export const periodOf = (kind: ReportPeriodKind, on: string): { readonly label: string; readonly range: ReportRange } => {
  const y = Number(on.slice(0, 4))
  switch (kind) {
    case "week": {
      const d = new Date(`${on}T00:00:00.000Z`)
      const dow = (d.getUTCDay() + 6) % 7
      const monday = shiftDay(on, -dow)
      const thursday = new Date(`${shiftDay(monday, 3)}T00:00:00.000Z`)
      const wy = thursday.getUTCFullYear()
      const jan1 = Date.UTC(wy, 0, 1)
      const week = Math.floor((thursday.getTime() - jan1) / 86_400_000 / 7) + 1
      return { label: `${wy}-W${String(week).padStart(2, "0")}`, range: { from: monday, to: shiftDay(monday, 7) } }
    }
    case "month": {
      const m = on.slice(0, 7)
      return { label: m, range: { from: `${m}-01`, to: `${nextMonth(m)}-01` } }
    }
    case "half-year":
      return Number(on.slice(5, 7)) <= 6
        ? { label: `${y}-H1`, range: { from: `${y}-01-01`, to: `${y}-07-01` } }
        : { label: `${y}-H2`, range: { from: `${y}-07-01`, to: `${y + 1}-01-01` } }
    case "year":
      return { label: String(y), range: { from: `${y}-01-01`, to: `${y + 1}-01-01` } }
  }
}

const ratio = (n: number, d: number): number | null => (d > 0 ? n / d : null)

/**
 * A funnel row from counts: each stage with its rate against the stage before.
 *
 * @example
 * ```ts
 * funnelRow(null, "All", { submitted: 22171, completed: 16229, connected: 16229, effective: 14259, success: 12329 }).stages[2].rate // 0.8786
 * ```
 */
export const funnelRow = (key: string | null, label: string, counts: FunnelCounts): FunnelRow => ({
  key,
  label,
  counts,
  stages: funnelStages.map((stage, i) => ({
    stage,
    count: counts[stage],
    rate: i === 0 ? null : ratio(counts[stage], counts[funnelStages[i - 1]!]),
    ofSubmitted: i === 0 ? null : ratio(counts[stage], counts.submitted)
  }))
})

/**
 * An observation row from counts, with its rates.
 *
 * @example
 * ```ts
 * observationRow("t-north", "North", counts).stayRate // stayed / (stayed + churned)
 * ```
 */
export const observationRow = (key: string | null, label: string, c: ObservationCounts): ObservationRow => ({
  key,
  label,
  counts: c,
  stayRate: ratio(c.stayed, c.stayed + c.churned),
  returnRate: ratio(c.returned, c.returned + c.stillInactive),
  billChange: Math.round((c.billAfter - c.billBefore) * 100) / 100
})

const zeroFunnel: FunnelCounts = { submitted: 0, completed: 0, unreachable: 0, connected: 0, effective: 0, success: 0 }
const zeroObs: ObservationCounts = { observed: 0, pending: 0, stayed: 0, churned: 0, returned: 0, stillInactive: 0, billBefore: 0, billAfter: 0, retainedRevenue: 0, offerCost: 0 }
const addFunnel = (a: FunnelCounts, b: FunnelCounts): FunnelCounts => ({
  submitted: a.submitted + b.submitted,
  completed: a.completed + b.completed,
  unreachable: a.unreachable + b.unreachable,
  connected: a.connected + b.connected,
  effective: a.effective + b.effective,
  success: a.success + b.success
})
const money = (x: number) => Math.round(x * 100) / 100
const addObs = (a: ObservationCounts, b: ObservationCounts): ObservationCounts => ({
  observed: a.observed + b.observed,
  pending: a.pending + b.pending,
  stayed: a.stayed + b.stayed,
  churned: a.churned + b.churned,
  returned: a.returned + b.returned,
  stillInactive: a.stillInactive + b.stillInactive,
  billBefore: money(a.billBefore + b.billBefore),
  billAfter: money(a.billAfter + b.billAfter),
  retainedRevenue: money(a.retainedRevenue + b.retainedRevenue),
  offerCost: money(a.offerCost + b.offerCost)
})

/**
 * Month-end status accounting from the port's raw figures, with reconciliation: observations must
 * equal worked completions, and every evaluated outcome must follow from its statuses. Mismatches
 * are listed, never hidden.
 *
 * @example
 * ```ts
 * const s = accountStatuses("2026-11", { transitions, workedCompletions: 41 })
 * s.reconciled // false when 41 completions opened only 40 observations
 * ```
 */
export const accountStatuses = (month: string, raw: { readonly transitions: ReadonlyArray<{ readonly from: LineStatus; readonly to: LineStatus | null; readonly outcome: string | null; readonly count: number }>; readonly workedCompletions: number }): StatusAccounting => {
  const zero = () => Object.fromEntries(LineStatus.options.map((s) => [s, 0])) as Record<LineStatus, number>
  const atStart = zero()
  const atEnd = zero()
  let observed = 0
  let pending = 0
  const active = { total: 0, stillActive: 0, left: 0, pending: 0 }
  const inactive = { total: 0, returned: 0, notReturned: 0, pending: 0 }
  let badOutcome = 0
  let noStatus = 0
  for (const t of raw.transitions) {
    observed += t.count
    atStart[t.from] += t.count
    const side = t.from === "active" ? active : inactive
    side.total += t.count
    if (t.to === null) {
      pending += t.count
      side.pending += t.count
      if (t.outcome !== null) noStatus += t.count
      continue
    }
    atEnd[t.to] += t.count
    if (t.outcome !== classifyOutcome(t.from, t.to)) badOutcome += t.count
    if (t.from === "active") {
      if (t.to === "active") active.stillActive += t.count
      else active.left += t.count
    } else if (t.to === "active") inactive.returned += t.count
    else inactive.notReturned += t.count
  }
  const mismatches: Array<ReconciliationMismatch> = []
  if (observed !== raw.workedCompletions) {
    mismatches.push({
      code: "observations-vs-completions",
      message: `${raw.workedCompletions} items were completed with a worked disposition but ${observed} observations started`,
      expected: raw.workedCompletions,
      actual: observed
    })
  }
  if (badOutcome > 0) {
    mismatches.push({ code: "outcome-vs-status", message: `${badOutcome} observations carry an outcome that does not follow from their line status`, expected: 0, actual: badOutcome })
  }
  if (noStatus > 0) {
    mismatches.push({ code: "evaluated-without-status", message: `${noStatus} observations have an outcome but no status at the end`, expected: 0, actual: noStatus })
  }
  return {
    month,
    range: { from: `${month}-01`, to: `${nextMonth(month)}-01` },
    atStart,
    atEnd,
    observed,
    pending,
    activeAtStart: active,
    inactiveAtStart: { total: inactive.total, returned: inactive.returned, notReturned: inactive.notReturned, pending: inactive.pending },
    handedOut: raw.workedCompletions,
    reconciled: mismatches.length === 0,
    mismatches
  }
}

type Errors = ValidationError | NotFound | Forbidden | StorageError

/**
 * The report service.
 *
 * @example
 * ```ts
 * const reports = yield* ReportService
 * const funnel = yield* reports.funnel(leader, { from: "2026-11-01", to: "2026-12-01", by: "agent" })
 * const monthly = yield* reports.period(leader, { kind: "month", on: "2026-11-30" })
 * ```
 */
export class ReportService extends Context.Service<
  ReportService,
  {
    readonly funnel: (actor: Actor, query: FunnelQuery) => Effect.Effect<FunnelReport, Errors>
    readonly observations: (actor: Actor, query: ObservationQuery) => Effect.Effect<ObservationReport, Errors>
    readonly statusAccounting: (actor: Actor, query: StatusAccountingQuery) => Effect.Effect<StatusAccounting, Errors>
    readonly agents: (actor: Actor, query: RangeQuery) => Effect.Effect<AgentPerformanceReport, Errors>
    readonly questionnaire: (actor: Actor, query: QuestionnaireReportQuery) => Effect.Effect<TaskQuestionnaireReport, Errors>
    readonly period: (actor: Actor, query: PeriodQuery) => Effect.Effect<PeriodReport, Errors>
  }
>()("@winback/core/ReportService") {
  /**
   * The live implementation over a {@link ReportQueries} port.
   *
   * @example
   * ```ts
   * ReportService.layer.pipe(Layer.provide(MemoryReportQueries.layer(db)), Layer.provide(scopeLayer(defaultPolicy)), Layer.provide(storesLayer(stores)))
   * ```
   */
  static readonly layer: Layer.Layer<ReportService, never, ReportQueries | Permissions | TeamStore | ManagerStore | TaskStore | OfferStore | QuestionnaireStore> = serviceLayer(
      ReportService,
      { q: ReportQueries, perms: Permissions, teams: TeamStore, managers: ManagerStore, tasks: TaskStore, offers: OfferStore, questionnaires: QuestionnaireStore },
      ({ q, perms, teams, managers, tasks, offers, questionnaires }) => Effect.gen(function* () {
        const scopeOf = Effect.fn("ReportService.scope")(function* (actor: Actor) {
          const s = yield* perms.scopeFor(actor, ReportActions.read)
          if (s === undefined) return yield* new Forbidden({ actorId: actor.id, action: ReportActions.read, resource: "-", reason: `no role of ${actor.id} grants ${ReportActions.read}` })
          return s.scope
        })
        const filterOf = (scope: ScopeSet, r: { readonly from: string; readonly to: string; readonly taskId?: string | undefined }): ReportFilter => {
          const inScope = workItemScopeFilter(scope)
          return { from: r.from, to: r.to, ...(r.taskId === undefined ? {} : { taskId: r.taskId }), ...(inScope === undefined ? {} : { inScope }) }
        }
        const allTeams = Effect.gen(function* () {
          const out: Array<Team> = []
          let cursor: string | null = null
          for (;;) {
            const page: { items: ReadonlyArray<Team>; nextCursor: string | null } = yield* teams.list({}, { limit: 1000, cursor })
            out.push(...page.items)
            if (page.nextCursor === null) return out
            cursor = page.nextCursor
          }
        })
        const labels = Effect.fn("ReportService.labels")(function* (dimension: string, keys: ReadonlyArray<string | null>) {
          const ids = keys.filter((k): k is string => k !== null)
          const names = new Map<string, string>()
          if (dimension === "task") for (const t of yield* tasks.getMany(ids)) names.set(t.id, t.name)
          if (dimension === "agent") for (const m of yield* managers.getMany(ids)) names.set(m.id, m.name)
          if (dimension === "team") for (const t of yield* teams.getMany(ids)) names.set(t.id, t.name)
          if (dimension === "offer") for (const o of yield* offers.getMany(ids)) names.set(o.id, o.name)
          return (k: string | null) => (k === null ? (dimension === "total" ? "All" : "(none)") : (names.get(k) ?? k))
        })

        /** Team groups rolled up into subtrees: one row per team in scope whose subtree has data. */
        const rollUp = <A>(scope: ScopeSet, groups: ReadonlyArray<Grouped<A>>, zero: A, add: (a: A, b: A) => A, isEmpty: (a: A) => boolean) =>
          Effect.gen(function* () {
            const tree = yield* allTeams
            const direct = new Map(groups.map((g) => [g.key, g.counts]))
            const visible = scope.all ? tree.map((t) => t.id) : scope.teamIds
            const out: Array<Grouped<A>> = []
            for (const id of [...visible].sort()) {
              let acc = zero
              for (const sub of subtreeOf(tree, id)) {
                const c = direct.get(sub)
                if (c !== undefined) acc = add(acc, c)
              }
              if (!isEmpty(acc)) out.push({ key: id, counts: acc })
            }
            const none = direct.get(null)
            if (none !== undefined) out.push({ key: null, counts: none })
            return out
          })

        const funnelFor = Effect.fn("ReportService.funnelFor")(function* (scope: ScopeSet, r: { from: string; to: string; taskId?: string | undefined; by: FunnelDimension }) {
          const f = filterOf(scope, r)
          const total = (yield* q.funnel(f, "total"))[0]?.counts ?? zeroFunnel
          let groups = r.by === "total" ? [] : yield* q.funnel(f, r.by)
          if (r.by === "team") groups = yield* rollUp(scope, groups, zeroFunnel, addFunnel, (c) => c.submitted === 0)
          const label = yield* labels(r.by, groups.map((g) => g.key))
          return { range: { from: r.from, to: r.to }, by: r.by, total: funnelRow(null, "All", total), rows: groups.map((g) => funnelRow(g.key, label(g.key), g.counts)) } satisfies FunnelReport
        })

        const observationsFor = Effect.fn("ReportService.observationsFor")(function* (
          scope: ScopeSet,
          r: { from: string; to: string; taskId?: string | undefined; by: ObservationDimension }
        ) {
          const f = filterOf(scope, r)
          const total = (yield* q.observations(f, "total"))[0]?.counts ?? zeroObs
          let groups = r.by === "total" ? [] : yield* q.observations(f, r.by)
          if (r.by === "team") groups = yield* rollUp(scope, groups, zeroObs, addObs, (c) => c.observed === 0)
          const label = yield* labels(r.by, groups.map((g) => g.key))
          return {
            range: { from: r.from, to: r.to },
            by: r.by,
            total: observationRow(null, "All", total),
            rows: groups.map((g) => observationRow(g.key, label(g.key), g.counts))
          } satisfies ObservationReport
        })

        const accountingFor = Effect.fn("ReportService.accountingFor")(function* (scope: ScopeSet, month: string, taskId: string | undefined) {
          const { workedDispositions } = yield* ObservationSettings
          const raw = yield* q.statusAccounting(filterOf(scope, { from: `${month}-01`, to: `${nextMonth(month)}-01`, taskId }), workedDispositions)
          return accountStatuses(month, raw)
        })

        const agentsFor = Effect.fn("ReportService.agentsFor")(function* (scope: ScopeSet, r: { from: string; to: string; taskId?: string | undefined }) {
          const f = filterOf(scope, r)
          const funnel = new Map((yield* q.funnel(f, "agent")).map((g) => [g.key, g.counts]))
          const obs = new Map((yield* q.observations(f, "agent")).map((g) => [g.key, g.counts]))
          const ids = [...new Set([...funnel.keys(), ...obs.keys()])].filter((k): k is string => k !== null)
          const staff = new Map((yield* managers.getMany(ids)).map((m) => [m.id, m]))
          const rows = ids.map((id) => {
            const fc = funnel.get(id) ?? zeroFunnel
            const oc = obs.get(id) ?? zeroObs
            return {
              agentId: id,
              name: staff.get(id)?.name ?? id,
              teamId: staff.get(id)?.teamId ?? null,
              rank: 0,
              submitted: fc.submitted,
              handled: fc.completed,
              reached: fc.connected,
              reachRate: ratio(fc.connected, fc.submitted),
              effective: fc.effective,
              success: fc.success,
              successRate: ratio(fc.success, fc.submitted),
              observed: oc.observed,
              stayed: oc.stayed,
              churned: oc.churned,
              returned: oc.returned,
              retainedRevenue: oc.retainedRevenue,
              offerCost: oc.offerCost,
              netEffect: money(oc.retainedRevenue - oc.offerCost)
            } satisfies AgentPerformance
          })
          rows.sort((a, b) => b.netEffect - a.netEffect || b.success - a.success || (a.agentId < b.agentId ? -1 : 1))
          return { range: { from: r.from, to: r.to }, rows: rows.map((row, i) => ({ ...row, rank: i + 1 })) } satisfies AgentPerformanceReport
        })

        const questionnaireFor = Effect.fn("ReportService.questionnaireFor")(function* (scope: ScopeSet, r: { from: string; to: string; taskId: string }) {
          const task = yield* tasks.get(r.taskId)
          const range = { from: r.from, to: r.to }
          if (task.questionnaireVersion === null) return { taskId: task.id, questionnaireId: null, range, statistics: null } satisfies TaskQuestionnaireReport
          const bound = yield* questionnaires.getVersion(task.questionnaireVersion)
          const responses: Array<TaskResponse> = []
          let cursor: string | null = null
          for (;;) {
            const page: { items: ReadonlyArray<TaskResponse>; nextCursor: string | null } = yield* q.responses({ ...filterOf(scope, r), taskId: task.id }, { limit: 1000, cursor })
            responses.push(...page.items)
            if (page.nextCursor === null) break
            cursor = page.nextCursor
          }
          const used = new Set([bound.hash, ...responses.map((x) => x.versionHash)])
          const records = (yield* questionnaires.listVersions(bound.questionnaireId)).filter((v) => used.has(v.hash))
          const statistics = yield* Effect.try({
            try: () => {
              const versions: Array<PublishedQuestionnaire> = records.map((v) => loadPublished({ hash: v.hash, definition: v.definition }))
              return questionnaireStatistics(versions, responses.map((x) => ({ versionHash: x.versionHash, answers: { ...x.answers } })))
            },
            catch: (e) => e instanceof ValidationError ? e : new ValidationError({ issues: [{ path: ["responses"], code: "unreadable", message: String(e) }] })
          })
          return { taskId: task.id, questionnaireId: bound.questionnaireId, range, statistics } satisfies TaskQuestionnaireReport
        })

        const funnel = Effect.fn("ReportService.funnel")(function* (actor: Actor, input: FunnelQuery) {
          const r = yield* decode(FunnelQuery, input, "funnel query")
          return yield* funnelFor(yield* scopeOf(actor), r)
        })
        const observations = Effect.fn("ReportService.observations")(function* (actor: Actor, input: ObservationQuery) {
          const r = yield* decode(ObservationQuery, input, "observation query")
          return yield* observationsFor(yield* scopeOf(actor), r)
        })
        const statusAccounting = Effect.fn("ReportService.statusAccounting")(function* (actor: Actor, input: StatusAccountingQuery) {
          const r = yield* decode(StatusAccountingQuery, input, "status accounting query")
          return yield* accountingFor(yield* scopeOf(actor), r.month, r.taskId)
        })
        const agents = Effect.fn("ReportService.agents")(function* (actor: Actor, input: RangeQuery) {
          const r = yield* decode(RangeQuery, input, "agent performance query")
          return yield* agentsFor(yield* scopeOf(actor), r)
        })
        const questionnaire = Effect.fn("ReportService.questionnaire")(function* (actor: Actor, input: QuestionnaireReportQuery) {
          const r = yield* decode(QuestionnaireReportQuery, input, "questionnaire report query")
          return yield* questionnaireFor(yield* scopeOf(actor), r)
        })
        const period = Effect.fn("ReportService.period")(function* (actor: Actor, input: PeriodQuery) {
          const p = yield* decode(PeriodQuery, input, "period query")
          const scope = yield* scopeOf(actor)
          const { label, range } = periodOf(p.kind, p.on)
          const byTask = yield* funnelFor(scope, { ...range, by: "task" })
          const months: Array<string> = []
          for (let m = range.from.slice(0, 7); m <= shiftDay(range.to, -1).slice(0, 7); m = nextMonth(m)) months.push(m)
          const taskIds = byTask.rows.flatMap((row) => (row.key === null ? [] : [row.key]))
          return {
            kind: p.kind,
            label,
            range,
            readerId: actor.id,
            generatedAt: yield* nowIso,
            funnel: yield* funnelFor(scope, { ...range, by: "total" }),
            funnelByTask: byTask,
            funnelByTeam: yield* funnelFor(scope, { ...range, by: "team" }),
            observations: yield* observationsFor(scope, { ...range, by: "total" }),
            observationsByMonth: yield* observationsFor(scope, { ...range, by: "month" }),
            observationsByTeam: yield* observationsFor(scope, { ...range, by: "team" }),
            statusAccounting: yield* Effect.forEach(months, (m) => accountingFor(scope, m, undefined)),
            agents: yield* agentsFor(scope, range),
            questionnaires: yield* Effect.forEach(taskIds, (taskId) => questionnaireFor(scope, { ...range, taskId }))
          } satisfies PeriodReport
        })

        return ReportService.of({ funnel, observations, statusAccounting, agents, questionnaire, period })
      })
    )
}
