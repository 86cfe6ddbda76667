/**
 * Reports as the caller may read them (agents: themselves; leaders and directors: their subtree),
 * each as JSON and as a CSV or XLSX download, with SVG charts for the funnel, retention and agent
 * comparison — from `@winback/core`'s report service and exports.
 */
import { z } from "zod"
import {
  agentChartData,
  agentChartSvg,
  agentTable,
  FunnelQuery,
  funnelChartData,
  funnelChartSvg,
  funnelTable,
  ObservationQuery,
  observationTable,
  PeriodQuery,
  periodReportTables,
  QuestionnaireReportQuery,
  questionnaireTable,
  RangeQuery,
  type ReportTable,
  reportXlsx,
  retentionChartData,
  retentionChartSvg,
  StatusAccountingQuery,
  statusAccountingTable
} from "@winback/core"
import type { Reply, Router } from "../http"
import { type Locale, localeOf } from "../i18n"
import { localizeAgentChart, localizeFunnelChart, localizeFunnelRates, localizeRetentionChart, localizeRetentionLegend, localizeTable, reportCsvExport, reportWord } from "../i18n/reports"
import { type ApiContext, actAs } from "./support"

type Format = "json" | "csv" | "xlsx" | "svg"

const download = (name: string, ext: string) => ({ "content-disposition": `attachment; filename="${name.replace(/[^A-Za-z0-9._-]+/g, "-")}.${ext}"` })

const formats: Record<Exclude<Format, "json">, { contentType: string; description: string }> = {
  csv: { contentType: "text/csv; charset=utf-8", description: "CSV (RFC 4180, formula-guarded, UTF-8 with a BOM)" },
  xlsx: { contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", description: "An XLSX workbook" },
  svg: { contentType: "image/svg+xml", description: "An SVG chart" }
}

/**
 * One report as the routes serve it: its name (the path under /api/reports), query schema, how to
 * load it as the caller, its tables (CSV, XLSX, the page's tables) and optional chart.
 *
 * @example
 * ```ts
 * const funnel = reportSpecs().find((s) => s.name === "funnel")!
 * ```
 */
export interface ReportSpec<Q extends z.ZodObject = z.ZodObject, R = any> {
  readonly name: string
  readonly summary: string
  readonly query: Q
  readonly load: (ctx: ApiContext, managerId: string, query: z.output<Q>) => Promise<R>
  readonly tables: (report: R) => ReadonlyArray<ReportTable>
  readonly chart?: (report: R, locale: Locale) => string
}

type Texts = Readonly<Record<string, string>> | string
interface DefinitionTexts {
  readonly questions?: ReadonlyArray<{ readonly id: string; readonly text?: Texts; readonly choices?: ReadonlyArray<{ readonly text?: Texts }> }>
}
/** A text of a definition in `locale` (its English text when the locale has none). */
const textIn = (text: Texts | undefined, locale: Locale): string | undefined => (typeof text === "string" ? text : text?.[locale] ?? text?.en)

/** One questionnaire-statistics row in `locale`: the question's text and the chosen answer's, from the definition. */
const questionRow = (row: Record<string, string | number | boolean | null>, definition: unknown, locale: Locale): Record<string, string | number | boolean | null> => {
  const q = (definition as DefinitionTexts).questions?.find((x) => x.id === row.questionId)
  if (!q) return row
  const choice = q.choices?.find((c) => textIn(c.text, "en") === row.answer)
  const answer = choice ? textIn(choice.text, locale) : typeof row.answer === "string" ? reportWord(row.answer, locale) : row.answer
  return { ...row, question: textIn(q.text, locale) ?? row.question ?? null, answer: answer ?? null }
}

/**
 * A report's tables as people read them: in `locale`, with each `teamId` cell showing the team's
 * name and a questionnaire table named by its task's name (the page's tables and the CSV and XLSX
 * downloads alike; an unknown id stays).
 *
 * @example
 * ```ts
 * const tables = await tablesFor(ctx, "m-beijing-director", spec, report, "zh-CN") // teamId "朝阳营业部一组"
 * ```
 */
export const tablesFor = async (ctx: ApiContext, managerId: string, spec: ReportSpec, report: unknown, locale: Locale): Promise<Array<ReportTable>> => {
  const me = ctx.winback.as(managerId)
  // A questionnaire table is named by its task (its name, not its id), its questions and answers in
  // the caller's language from the questionnaire the task binds.
  const named = await Promise.all(
    spec.tables(report).map(async (t) => {
      const taskId = /^Questionnaire (.+)$/.exec(t.name)?.[1]
      if (taskId === undefined) return t
      const task = await me.tasks.get(taskId).catch(() => null)
      if (task === null) return t
      const definition = task.questionnaireVersion ? (await ctx.winback.stores.questionnaires.getVersion(task.questionnaireVersion).catch(() => null))?.definition : undefined
      return { ...t, name: `Questionnaire ${task.name}`, rows: definition && locale !== "en" ? t.rows.map((row) => questionRow(row, definition, locale)) : t.rows }
    })
  )
  const tables = named.map((t) => localizeTable(t, locale))
  if (!tables.some((t) => t.columns.some((c) => c.key === "teamId"))) return tables
  const names = new Map((await me.teams.list()).map((t) => [t.id, t.name]))
  return tables.map((t) =>
    t.columns.some((c) => c.key === "teamId") ? { ...t, rows: t.rows.map((row) => (typeof row.teamId === "string" ? { ...row, teamId: names.get(row.teamId) ?? row.teamId } : row)) } : t
  )
}

const register = <Q extends z.ZodObject, R>(r: Router, ctx: ApiContext, spec: ReportSpec<Q, R>): void => {
  const wanted: ReadonlyArray<Format> = ["json", "csv", "xlsx", ...(spec.chart ? (["svg"] as const) : [])]
  for (const format of wanted) {
    if (format === "csv" && spec.name === "period") continue // several tables: XLSX sheets, not one CSV
    r.route({
      method: "GET",
      path: `/api/reports/${spec.name}${format === "json" ? "" : `.${format}`}`,
      tag: "reports",
      summary: format === "json" ? spec.summary : `${spec.summary} (${format === "svg" ? "chart" : format.toUpperCase()})`,
      query: spec.query,
      responses: { 200: format === "json" ? { description: "The report", schema: z.object({}).loose() } : { description: formats[format].description, contentType: formats[format].contentType } },
      handler: async ({ principal, query, raw }): Promise<Reply> => {
        const report = await spec.load(ctx, principal.managerId, query as z.output<Q>)
        if (format === "json") return { json: report }
        // Charts, sheets and CSV in the caller's language (cookie, else Accept-Language).
        const locale = localeOf(raw)
        if (format === "svg") return { text: spec.chart!(report, locale), contentType: formats.svg.contentType }
        const tables = await tablesFor(ctx, principal.managerId, spec as unknown as ReportSpec, report, locale)
        if (format === "csv") return { text: reportCsvExport(tables[0]!, locale), contentType: formats.csv.contentType, headers: download(`${spec.name}-report`, "csv") }
        return { bytes: reportXlsx(tables), contentType: formats.xlsx.contentType, headers: download(`${spec.name}-report`, "xlsx") }
      }
    })
  }
}

/** A spec with its own query and result types, kept as the list's common type. */
const spec = <Q extends z.ZodObject, R>(s: ReportSpec<Q, R>): ReportSpec => s as unknown as ReportSpec

/**
 * Every report the server offers, in the order the page lists them.
 *
 * @example
 * ```ts
 * reportSpecs().map((s) => s.name) // ["funnel", "observations", "status-accounting", "agents", "questionnaire", "period"]
 * ```
 */
export const reportSpecs = (): ReadonlyArray<ReportSpec> => {
  const as = (ctx: ApiContext, id: string) => actAs(ctx, { managerId: id, via: "session", credentialId: "-" }).reports
  return [
    spec({
      name: "funnel",
      summary: "Call funnel: handed out, attempted, reached, completed, retained",
      query: FunnelQuery,
      load: (c, id, q) => as(c, id).funnel(q),
      tables: (x) => [funnelTable(x)],
      chart: (x, l) => localizeFunnelRates(funnelChartSvg(localizeFunnelChart(funnelChartData(x), l)), l)
    }),
    spec({
      name: "observations",
      summary: "Retention effect of the calls (observations), by a dimension",
      query: ObservationQuery,
      load: (c, id, q) => as(c, id).observations(q),
      tables: (x) => [observationTable(x)],
      chart: (x, l) => localizeRetentionLegend(retentionChartSvg(localizeRetentionChart(retentionChartData(x), l)), l)
    }),
    spec({
      name: "status-accounting",
      summary: "Monthly status accounting of the work items",
      query: StatusAccountingQuery,
      load: (c, id, q) => as(c, id).statusAccounting(q),
      tables: (x) => [statusAccountingTable(x)]
    }),
    spec({
      name: "agents",
      summary: "Agent performance, in rank order",
      query: RangeQuery,
      load: (c, id, q) => as(c, id).agents(q),
      tables: (x) => [agentTable(x)],
      chart: (x, l) => agentChartSvg(localizeAgentChart(agentChartData(x), l))
    }),
    spec({
      name: "questionnaire",
      summary: "A task's questionnaire answers, summarised",
      query: QuestionnaireReportQuery,
      load: (c, id, q) => as(c, id).questionnaire(q),
      tables: (x) => [questionnaireTable(x)]
    }),
    spec({
      name: "period",
      summary: "The period report (week, month, half-year, year)",
      query: PeriodQuery,
      load: (c, id, q) => as(c, id).period(q),
      tables: (x) => periodReportTables(x)
    })
  ]
}

/**
 * Registers the report routes.
 *
 * @example
 * ```ts
 * reportRoutes(router, ctx)
 * ```
 */
export const reportRoutes = (r: Router, ctx: ApiContext): void => {
  for (const s of reportSpecs()) register(r, ctx, s)
}
