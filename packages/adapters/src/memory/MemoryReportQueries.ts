/**
 * The report queries of the memory adapter: the same aggregates the SQL adapters compute with
 * GROUP BY, folded over the memory tables in one pass each. It is the reference the differential
 * tests hold PGlite and PostgreSQL to.
 */
import { Layer } from "effect"
import {
  type Disposition,
  type FunnelCounts,
  type FunnelDimension,
  type Grouped,
  isReached,
  type Observation,
  type ObservationCounts,
  type ObservationDimension,
  type Page,
  type ReportFilter,
  ReportQueries,
  type ResponseRecord,
  type StatusTransition,
  type TaskResponse,
  type WorkItem,
  type WorkItemScopeFilter
} from "@winback/core"
import { MemoryDb } from "./MemoryDb"

const inScope = (scope: WorkItemScopeFilter | undefined, assigneeId: string | null, teamId: string | null) =>
  scope === undefined || (assigneeId !== null && scope.assigneeIds.includes(assigneeId)) || (teamId !== null && scope.teamIds.includes(teamId))

const inRange = (f: ReportFilter, at: string) => at >= f.from && at < f.to

const byKey = <A>(groups: Map<string | null, A>): ReadonlyArray<Grouped<A>> =>
  [...groups.entries()]
    .sort(([a], [b]) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1))
    .map(([key, counts]) => ({ key, counts }))

const cents = (v: number | null | undefined) => (v === null || v === undefined ? 0 : Math.round(v * 100))

const funnelKey = (w: WorkItem, by: FunnelDimension): string | null =>
  by === "task" ? w.taskId : by === "team" ? w.teamId : by === "agent" ? w.assigneeId : null

const observationKey = (o: Observation, by: ObservationDimension): string | null => {
  switch (by) {
    case "total":
      return null
    case "task":
      return o.taskId
    case "team":
      return o.teamId
    case "agent":
      return o.managerId
    case "disposition":
      return o.disposition ?? null
    case "offer":
      return o.offerIds?.[0] ?? null
    case "rule":
      return o.ruleId ?? null
    case "tier":
      return o.tier ?? null
    case "month":
      return o.startedOn.slice(0, 7)
  }
}

/**
 * The report queries over a {@link MemoryDb} (the one `makeMemoryStores(db)` writes).
 *
 * @example
 * ```ts
 * const db = new MemoryDb()
 * const stores = makeMemoryStores(db)
 * const reports = memoryReportQueries(db)
 * ```
 */
export const memoryReportQueries = (db: MemoryDb): ReportQueries["Service"] => {
  const items = () => db.table<WorkItem>("work_items").values()
  const observations = () => db.table<Observation>("observations")
  const responses = () => db.table<ResponseRecord>("responses").values()
  const completedResponseItems = () => {
    const s = new Set<string>()
    for (const r of responses()) if (r.completed && r.workItemId !== null) s.add(r.workItemId)
    return s
  }
  const itemMatches = (f: ReportFilter, w: WorkItem) => inRange(f, w.createdAt) && (f.taskId === undefined || w.taskId === f.taskId) && inScope(f.inScope, w.assigneeId, w.teamId)
  const observationMatches = (f: ReportFilter, o: Observation) =>
    inRange(f, o.startedOn) && (f.taskId === undefined || o.taskId === f.taskId) && inScope(f.inScope, o.managerId, o.teamId)

  return ReportQueries.of({
    funnel: (f, by) =>
      db.op(() => {
        const effective = completedResponseItems()
        const obs = observations()
        const groups = new Map<string | null, { submitted: number; completed: number; unreachable: number; connected: number; effective: number; success: number }>()
        for (const w of items()) {
          if (!itemMatches(f, w)) continue
          const key = funnelKey(w, by)
          let g = groups.get(key)
          if (!g) groups.set(key, (g = { submitted: 0, completed: 0, unreachable: 0, connected: 0, effective: 0, success: 0 }))
          g.submitted++
          if (w.state === "completed") g.completed++
          else if (w.state === "unreachable") g.unreachable++
          if (!w.attempts.some((a) => isReached(a.disposition))) continue
          g.connected++
          if (!effective.has(w.id)) continue
          g.effective++
          if ((obs.get(`ob-${w.id}`)?.offerIds?.length ?? 0) > 0) g.success++
        }
        return byKey<FunnelCounts>(groups)
      }),

    observations: (f, by) =>
      db.op(() => {
        type Acc = { observed: number; pending: number; stayed: number; churned: number; returned: number; stillInactive: number; billBefore: number; billAfter: number; retainedRevenue: number; offerCost: number }
        const groups = new Map<string | null, Acc>()
        for (const o of observations().values()) {
          if (!observationMatches(f, o)) continue
          const key = observationKey(o, by)
          let g = groups.get(key)
          if (!g) groups.set(key, (g = { observed: 0, pending: 0, stayed: 0, churned: 0, returned: 0, stillInactive: 0, billBefore: 0, billAfter: 0, retainedRevenue: 0, offerCost: 0 }))
          g.observed++
          g.offerCost += cents(o.offerCost)
          if (o.outcome === null) {
            g.pending++
            continue
          }
          if (o.outcome === "stayed") g.stayed++
          else if (o.outcome === "churned") g.churned++
          else if (o.outcome === "returned") g.returned++
          else g.stillInactive++
          g.billBefore += cents(o.billBefore)
          g.billAfter += cents(o.billAfter)
          if (o.outcome === "stayed" || o.outcome === "returned") g.retainedRevenue += cents(o.billAfter)
        }
        const out = new Map<string | null, ObservationCounts>()
        for (const [k, g] of groups) {
          out.set(k, { ...g, billBefore: g.billBefore / 100, billAfter: g.billAfter / 100, retainedRevenue: g.retainedRevenue / 100, offerCost: g.offerCost / 100 })
        }
        return byKey(out)
      }),

    statusAccounting: (f, worked: ReadonlyArray<Disposition>) =>
      db.op(() => {
        const cells = new Map<string, StatusTransition>()
        for (const o of observations().values()) {
          if (!observationMatches(f, o)) continue
          const k = JSON.stringify([o.statusAtStart, o.statusAtEnd, o.outcome])
          const c = cells.get(k)
          cells.set(k, { from: o.statusAtStart, to: o.statusAtEnd, outcome: o.outcome, count: (c?.count ?? 0) + 1 })
        }
        let workedCompletions = 0
        for (const w of items()) {
          if (w.state !== "completed" || w.completedAt === null || w.callSerial === null || w.disposition === null || !worked.includes(w.disposition)) continue
          if (inRange(f, w.completedAt) && (f.taskId === undefined || w.taskId === f.taskId) && inScope(f.inScope, w.assigneeId, w.teamId)) workedCompletions++
        }
        const order = (t: StatusTransition) => [t.from, t.to ?? "\uffff", t.outcome ?? "\uffff"].join("\u0000")
        const transitions = [...cells.values()].sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0))
        return { transitions, workedCompletions }
      }),

    responses: (f, page) =>
      db.op(() => {
        const limit = page?.limit ?? 50
        const after = page?.cursor ?? null
        const wanted = new Set<string>()
        for (const w of items()) if (w.taskId === f.taskId && itemMatches(f, w)) wanted.add(w.id)
        const rows = [...responses()]
          .filter((r) => r.completed && r.workItemId !== null && wanted.has(r.workItemId) && (after === null || r.id > after))
          .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        const slice = rows.slice(0, limit)
        return {
          items: slice.map((r): TaskResponse => ({ id: r.id, versionHash: r.versionHash, questionnaireId: r.questionnaireId, answers: r.answers })),
          nextCursor: rows.length > limit ? slice[slice.length - 1]!.id : null
        } satisfies Page<TaskResponse>
      })
  })
}

/**
 * The memory report queries as a layer.
 *
 * @example
 * ```ts
 * const db = new MemoryDb()
 * const live = Layer.mergeAll(storesLayer(makeMemoryStores(db)), MemoryReportQueries.layer(db))
 * ```
 */
export const MemoryReportQueries = {
  layer: (db: MemoryDb): Layer.Layer<ReportQueries> => Layer.succeed(ReportQueries, memoryReportQueries(db)),
  make: memoryReportQueries
} as const

