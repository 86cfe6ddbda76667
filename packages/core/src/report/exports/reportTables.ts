/**
 * From report results (the `ReportService` answers, see `reports/ReportQueries.ts`) to the export
 * inputs: report tables for CSV and XLSX, and the small chart inputs of the SVG charts. Pure.
 */
import type { QuestionnaireStatistics } from "@winback/questionnaire"
import { LineStatus } from "../../customer/Customer"
import type {
  AgentPerformance,
  AgentPerformanceReport,
  FunnelReport,
  FunnelRow,
  FunnelStage,
  ObservationReport,
  PeriodReport,
  StatusAccounting,
  TaskQuestionnaireReport
} from "../ReportQueries"
import type { AgentChartData, FunnelChartData, RetentionChartData } from "./Charts"
import type { ReportColumn, ReportRow, ReportTable } from "./ReportTable"

/**
 * The display names of the funnel stages (DOMAIN §8).
 *
 * @example
 * ```ts
 * funnelStageLabels.effective // "Effective contact"
 * ```
 */
export const funnelStageLabels: Readonly<Record<FunnelStage, string>> = {
  submitted: "Submitted",
  connected: "Connected",
  effective: "Effective contact",
  success: "Offer accepted"
}

const groupLabel = (by: string): string => ({ total: "Total", task: "Task", team: "Team", agent: "Agent", disposition: "Disposition", offer: "Offer", rule: "Rule", tier: "Tier", month: "Month" })[by] ?? "Group"

const funnelRowCells = (r: FunnelRow): ReportRow => {
  const rate = (s: FunnelStage) => r.stages.find((x) => x.stage === s)?.rate ?? null
  return {
    group: r.label,
    submitted: r.counts.submitted,
    connected: r.counts.connected,
    connectedRate: rate("connected"),
    effective: r.counts.effective,
    effectiveRate: rate("effective"),
    success: r.counts.success,
    successRate: rate("success"),
    completed: r.counts.completed,
    unreachable: r.counts.unreachable
  }
}

/**
 * A funnel report as a table: one row per group, then the total; each rate is against the stage
 * before (DOMAIN §8).
 *
 * @example
 * ```ts
 * const csv = reportCsv(funnelTable(yield* reports.funnel(leader, { from: "2026-11-01", to: "2026-12-01", by: "team" })))
 * ```
 */
export const funnelTable = (report: FunnelReport, name = `Funnel by ${groupLabel(report.by).toLowerCase()}`): ReportTable => {
  const columns: Array<ReportColumn> = [
    { key: "group", label: groupLabel(report.by), type: "text" },
    { key: "submitted", label: funnelStageLabels.submitted, type: "integer" },
    { key: "connected", label: funnelStageLabels.connected, type: "integer" },
    { key: "connectedRate", label: "Connected % of submitted", type: "percent" },
    { key: "effective", label: funnelStageLabels.effective, type: "integer" },
    { key: "effectiveRate", label: "Effective % of connected", type: "percent" },
    { key: "success", label: funnelStageLabels.success, type: "integer" },
    { key: "successRate", label: "Accepted % of effective", type: "percent" },
    { key: "completed", label: "Handled (completed)", type: "integer" },
    { key: "unreachable", label: "Unreachable (attempts used up)", type: "integer" }
  ]
  const rows = report.by === "total" ? [report.total] : [...report.rows, { ...report.total, label: report.total.label || "Total" }]
  return { name, columns, rows: rows.map((r) => ({ ...funnelRowCells(r) }) as Record<string, string | number | null>) }
}

/**
 * An observation (retention effect) report as a table: per group the outcomes, the stay and return
 * rates, bills before and after, retained revenue and offer cost; the total last.
 *
 * @example
 * ```ts
 * const table = observationTable(yield* reports.observations(director, { from: "2026-01-01", to: "2027-01-01", by: "month" }))
 * ```
 */
export const observationTable = (report: ObservationReport, name = `Retention by ${groupLabel(report.by).toLowerCase()}`): ReportTable => {
  const columns: Array<ReportColumn> = [
    { key: "group", label: groupLabel(report.by), type: "text" },
    { key: "observed", label: "Observed", type: "integer" },
    { key: "pending", label: "Pending", type: "integer" },
    { key: "stayed", label: "Stayed", type: "integer" },
    { key: "churned", label: "Churned", type: "integer" },
    { key: "returned", label: "Returned", type: "integer" },
    { key: "stillInactive", label: "Still inactive", type: "integer" },
    { key: "stayRate", label: "Stay rate", type: "percent" },
    { key: "returnRate", label: "Return rate", type: "percent" },
    { key: "billBefore", label: "Bill before", type: "money" },
    { key: "billAfter", label: "Bill after", type: "money" },
    { key: "billChange", label: "Bill change", type: "money" },
    { key: "retainedRevenue", label: "Retained revenue", type: "money" },
    { key: "offerCost", label: "Offer cost", type: "money" }
  ]
  const rows = report.by === "total" ? [report.total] : [...report.rows, { ...report.total, label: report.total.label || "Total" }]
  return {
    name,
    columns,
    rows: rows.map((r) => ({
      group: r.label,
      ...r.counts,
      stayRate: r.stayRate,
      returnRate: r.returnRate,
      billChange: r.billChange
    }))
  }
}

/**
 * Month-end status accounting as a table: one row per line status with the count at hand-out and
 * after the work, then the summary lines (active at start: still active / left / pending; inactive
 * at start: returned / not returned / pending; handed out vs observed) and every reconciliation
 * mismatch — listed, never hidden.
 *
 * @example
 * ```ts
 * const table = statusAccountingTable(yield* reports.statusAccounting(leader, { month: "2026-11" }))
 * ```
 */
export const statusAccountingTable = (s: StatusAccounting, name = `Status accounting ${s.month}`): ReportTable => {
  const columns: Array<ReportColumn> = [
    { key: "item", label: "Item", type: "text" },
    { key: "atStart", label: "At hand-out", type: "integer" },
    { key: "atEnd", label: "After the work", type: "integer" },
    { key: "note", label: "Note", type: "text" }
  ]
  const rows: Array<Record<string, string | number | null>> = LineStatus.options.map((st) => ({ item: `Line status: ${st}`, atStart: s.atStart[st] ?? 0, atEnd: s.atEnd[st] ?? 0, note: null }))
  const line = (item: string, value: number, note: string | null = null) => ({ item, atStart: value, atEnd: null, note })
  rows.push(
    line("Observed", s.observed),
    line("Pending (window still open)", s.pending),
    line("Active at start", s.activeAtStart.total),
    line("  still active", s.activeAtStart.stillActive),
    line("  left", s.activeAtStart.left),
    line("  pending", s.activeAtStart.pending),
    line("Inactive at start", s.inactiveAtStart.total),
    line("  returned", s.inactiveAtStart.returned),
    line("  not returned", s.inactiveAtStart.notReturned),
    line("  pending", s.inactiveAtStart.pending),
    line("Handed out (worked completions)", s.handedOut),
    { item: "Reconciled", atStart: null, atEnd: null, note: s.reconciled ? "yes" : "NO" },
    ...s.mismatches.map((m) => ({ item: `Mismatch: ${m.code}`, atStart: m.expected, atEnd: m.actual, note: m.message }))
  )
  return { name, columns, rows }
}

/**
 * Agent performance as a table, in rank order.
 *
 * @example
 * ```ts
 * const bytes = reportXlsx([agentTable(yield* reports.agents(leader, { from: "2026-11-01", to: "2026-12-01" }))])
 * ```
 */
export const agentTable = (report: AgentPerformanceReport, name = "Agent performance"): ReportTable => {
  const columns: Array<ReportColumn> = [
    { key: "rank", label: "Rank", type: "integer" },
    { key: "agentId", label: "Agent id", type: "text" },
    { key: "name", label: "Agent", type: "text" },
    { key: "teamId", label: "Team", type: "text" },
    { key: "submitted", label: "Submitted", type: "integer" },
    { key: "handled", label: "Handled", type: "integer" },
    { key: "reached", label: "Reached", type: "integer" },
    { key: "reachRate", label: "Reach rate", type: "percent" },
    { key: "effective", label: "Effective contacts", type: "integer" },
    { key: "success", label: "Offers accepted", type: "integer" },
    { key: "successRate", label: "Success rate", type: "percent" },
    { key: "observed", label: "Observed", type: "integer" },
    { key: "stayed", label: "Stayed", type: "integer" },
    { key: "churned", label: "Churned", type: "integer" },
    { key: "returned", label: "Returned", type: "integer" },
    { key: "retainedRevenue", label: "Retained revenue", type: "money" },
    { key: "offerCost", label: "Offer cost", type: "money" },
    { key: "netEffect", label: "Net effect", type: "money" }
  ]
  return { name, columns, rows: report.rows.map((a) => ({ ...a })) }
}

/**
 * Questionnaire statistics of a task as a table: one row per offered choice of every choice
 * question (count and share of the answers), and the mean and median of number and rating
 * questions. Empty (header only) when the task binds no questionnaire.
 *
 * @example
 * ```ts
 * const table = questionnaireTable(yield* reports.questionnaire(leader, { taskId: "task-bill-drop", from: "2026-11-01", to: "2026-12-01" }))
 * ```
 */
export const questionnaireTable = (report: TaskQuestionnaireReport, name = `Questionnaire ${report.taskId}`): ReportTable => {
  const columns: Array<ReportColumn> = [
    { key: "questionId", label: "Question id", type: "text" },
    { key: "question", label: "Question", type: "text" },
    { key: "answered", label: "Answered", type: "integer" },
    { key: "answer", label: "Answer", type: "text" },
    { key: "count", label: "Count", type: "integer" },
    { key: "share", label: "Share", type: "percent" },
    { key: "value", label: "Value", type: "number", decimals: 2 }
  ]
  const stats: QuestionnaireStatistics | null = report.statistics
  const rows: Array<Record<string, string | number | null>> = []
  for (const q of stats?.questions ?? []) {
    const base = { questionId: q.id, question: q.text, answered: q.answered }
    for (const c of q.choices ?? []) rows.push({ ...base, answer: c.text, count: c.count, share: c.share, value: null })
    if (q.numeric) {
      rows.push({ ...base, answer: "mean", count: q.numeric.count, share: null, value: q.numeric.mean })
      rows.push({ ...base, answer: "median", count: q.numeric.count, share: null, value: q.numeric.median })
    }
    if (!q.choices && !q.numeric) rows.push({ ...base, answer: null, count: null, share: null, value: null })
  }
  return { name, columns, rows }
}

/**
 * Every table of a periodic report, ready for one XLSX workbook (a sheet each) or one CSV each:
 * funnel (total, by task, by team), retention (total, by month, by team), status accounting per
 * month, agent performance and questionnaire statistics per task.
 *
 * @example
 * ```ts
 * const report = yield* reports.period(leader, { kind: "month", on: "2026-11-15" })
 * await fs.promises.writeFile(`report-${report.label}.xlsx`, reportXlsx(periodReportTables(report)))
 * ```
 */
export const periodReportTables = (report: PeriodReport): ReadonlyArray<ReportTable> => [
  funnelTable(report.funnel, "Funnel"),
  funnelTable(report.funnelByTask, "Funnel by task"),
  funnelTable(report.funnelByTeam, "Funnel by team"),
  observationTable(report.observations, "Retention"),
  observationTable(report.observationsByMonth, "Retention by month"),
  observationTable(report.observationsByTeam, "Retention by team"),
  ...report.statusAccounting.map((s) => statusAccountingTable(s)),
  agentTable(report.agents),
  ...report.questionnaires.map((q) => questionnaireTable(q))
]

// --------------------------------------------------------------------------------------------
// Chart inputs
// --------------------------------------------------------------------------------------------

/**
 * The funnel chart input of a funnel report's total (or of one of its rows).
 *
 * @example
 * ```ts
 * const svg = funnelChartSvg(funnelChartData(report, { title: "November" }))
 * ```
 */
export const funnelChartData = (source: FunnelReport | FunnelRow, options: { readonly title?: string } = {}): FunnelChartData => {
  const row = "total" in source ? source.total : source
  return { ...(options.title === undefined ? {} : { title: options.title }), stages: row.stages.map((s) => ({ label: funnelStageLabels[s.stage], count: s.count })) }
}

/**
 * The stayed / churned / returned chart input of an observation report grouped by month (or by any
 * dimension: one column per row, in the report's order).
 *
 * @example
 * ```ts
 * const svg = retentionChartSvg(retentionChartData(yield* reports.observations(director, { from: "2026-01-01", to: "2027-01-01", by: "month" })))
 * ```
 */
export const retentionChartData = (report: ObservationReport, options: { readonly title?: string } = {}): RetentionChartData => {
  const rows = report.rows.length > 0 ? report.rows : [report.total]
  return {
    ...(options.title === undefined ? {} : { title: options.title }),
    periods: rows.map((r) => ({ label: r.label || (r.key ?? "Total"), stayed: r.counts.stayed, churned: r.counts.churned, returned: r.counts.returned }))
  }
}

/** Numeric metrics of {@link AgentPerformance} a chart can compare. */
type AgentMetric = { [K in keyof AgentPerformance]: AgentPerformance[K] extends number | null ? K : never }[keyof AgentPerformance]

const agentMetrics: Readonly<Record<AgentMetric, { readonly label: string; readonly format: "integer" | "money" | "percent" }>> = {
  rank: { label: "Rank", format: "integer" },
  submitted: { label: "Submitted", format: "integer" },
  handled: { label: "Handled", format: "integer" },
  reached: { label: "Reached", format: "integer" },
  reachRate: { label: "Reach rate", format: "percent" },
  effective: { label: "Effective contacts", format: "integer" },
  success: { label: "Offers accepted", format: "integer" },
  successRate: { label: "Success rate", format: "percent" },
  observed: { label: "Observed", format: "integer" },
  stayed: { label: "Stayed", format: "integer" },
  churned: { label: "Churned", format: "integer" },
  returned: { label: "Returned", format: "integer" },
  retainedRevenue: { label: "Retained revenue", format: "money" },
  offerCost: { label: "Offer cost", format: "money" },
  netEffect: { label: "Net effect (retained revenue − offer cost)", format: "money" }
}

/**
 * The agent comparison chart input of an agent performance report for one metric (default: net
 * effect), in rank order; a null rate shows as 0.
 *
 * @example
 * ```ts
 * const svg = agentChartSvg(agentChartData(report, "reachRate", { top: 10 }))
 * ```
 */
export const agentChartData = (
  report: AgentPerformanceReport,
  metric: AgentMetric = "netEffect",
  options: { readonly title?: string; readonly top?: number } = {}
): AgentChartData => {
  const m = agentMetrics[metric]
  const rows = report.rows.slice(0, options.top ?? 200)
  return {
    ...(options.title === undefined ? {} : { title: options.title }),
    metric: m.label,
    format: m.format,
    agents: rows.length === 0 ? [{ label: "(no agents)", value: 0 }] : rows.map((a) => ({ label: a.name || a.agentId, value: a[metric] ?? 0 }))
  }
}
