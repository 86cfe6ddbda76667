/**
 * Reports in the caller's language: table column headings, sheet names and the total row, chart
 * titles and labels, and the CSV export (which starts with a UTF-8 BOM so Excel reads Chinese as
 * written). The report figures are the packages'; only the words around them change. English
 * labels are looked up in the English catalogue (`key.*`, `value.*`, `chart.*`) and replaced by the
 * same key's message in the locale; a label the catalogue lacks stays as it is.
 */
import { type AgentChartData, type FunnelChartData, type ReportTable, reportCsv, type RetentionChartData } from "@winback/core"
import { catalogues, en, type Locale, type MessageKey } from "./index"

/** English label → message key, for the words reports are written in. */
const keyOfEnglish: ReadonlyMap<string, MessageKey> = (() => {
  const m = new Map<string, MessageKey>()
  for (const prefix of ["key.", "value.", "chart."]) {
    for (const [k, v] of Object.entries(en)) if (k.startsWith(prefix) && !m.has(v)) m.set(v, k as MessageKey)
  }
  return m
})()

/**
 * A report word in `locale`: `label` itself in English or when the catalogue has no such English word.
 *
 * @example
 * ```ts
 * reportWord("Submitted", "zh-CN") // "派发"
 * reportWord("Li Na", "zh-CN") // "Li Na"
 * ```
 */
export const reportWord = (label: string, locale: Locale): string => {
  if (locale === "en") return label
  const key = keyOfEnglish.get(label)
  return key === undefined ? label : catalogues[locale][key]
}

/** The status accounting's items, by their English words (the indented sub-lines keep their indent). */
const accountingItems: Readonly<Record<string, MessageKey>> = {
  Observed: "sa.observed",
  "Pending (window still open)": "sa.pending",
  "Active at start": "sa.activeAtStart",
  "still active": "sa.stillActive",
  left: "sa.left",
  pending: "sa.pendingShort",
  "Inactive at start": "sa.inactiveAtStart",
  returned: "sa.returned",
  "not returned": "sa.notReturned",
  "Handed out (worked completions)": "sa.handedOut",
  Reconciled: "sa.reconciled"
}

/** One status-accounting item in `locale` ("Line status: active" → "号码状态：正常"); an unknown item stays. */
const accountingItem = (item: string, locale: Locale): string => {
  const c = catalogues[locale]
  const indent = /^\s*/.exec(item)![0]
  const text = item.slice(indent.length)
  const line = /^Line status: (.+)$/.exec(text)
  if (line) return `${c["sa.lineStatus"]}${locale === "zh-CN" ? "：" : ": "}${c[`line.${line[1]}` as MessageKey] ?? line[1]}`
  const mismatch = /^Mismatch: (.+)$/.exec(text)
  if (mismatch) return `${indent}${c["sa.mismatch"]}${locale === "zh-CN" ? "：" : ": "}${mismatch[1]}`
  const key = accountingItems[text]
  return key === undefined ? item : `${indent}${c[key]}`
}

/** The reconciliation's yes / NO in `locale`. */
const accountingNote = <A>(note: A, locale: Locale): A | string => (note === "yes" ? catalogues[locale]["sa.yes"] : note === "NO" ? catalogues[locale]["sa.no"] : note)

/**
 * A report table's name in `locale`: "Funnel by team" → "班组 · 漏斗", "Status accounting 2026-11"
 * → "工作事项状态统计 2026-11", "Agent performance" → "坐席绩效"; a name it does not know stays.
 *
 * @example
 * ```ts
 * tableName("Questionnaire task-7", "zh-CN") // "问卷 task-7"
 * ```
 */
export const tableName = (name: string, locale: Locale): string => {
  if (locale === "en") return name
  const c = catalogues[locale]
  const by = /^(Funnel|Retention) by (\w+)$/.exec(name)
  if (by) return `${reportWord(by[2]![0]!.toUpperCase() + by[2]!.slice(1), locale)} · ${c[by[1] === "Funnel" ? "key.funnel" : "key.observations"]}`
  const titled = /^(Status accounting|Questionnaire) (.+)$/.exec(name)
  if (titled) return `${c[titled[1] === "Questionnaire" ? "key.questionnaireTable" : "key.statusAccounting"]} ${titled[2]}`
  return reportWord(name, locale)
}

/**
 * A report table with its column headings, its name and the words of its group column ("All",
 * "Total") in `locale`; keys, types and figures unchanged.
 *
 * @example
 * ```ts
 * localizeTable(funnelTable(report), "zh-CN").columns[1]!.label // "派发"
 * ```
 */
export const localizeTable = (table: ReportTable, locale: Locale): ReportTable => {
  if (locale === "en") return table
  const c = catalogues[locale]
  const heading = (key: string, label: string) => {
    const byLabel = keyOfEnglish.get(label)
    if (byLabel !== undefined) return c[byLabel]
    return Object.hasOwn(c, `key.${key}`) && en[`key.${key}` as MessageKey] === label ? c[`key.${key}` as MessageKey] : label
  }
  return {
    ...table,
    name: tableName(table.name, locale),
    columns: table.columns.map((col) => ({ ...col, label: heading(col.key, col.label) })),
    // The group column holds names (agents, teams) and a few words ("All", "Total"): only words change.
    // A status accounting's item column and note are words too.
    rows: table.rows.map((row) => {
      const out = typeof row.group === "string" ? { ...row, group: reportWord(row.group, locale) } : row
      return table.columns.some((col) => col.key === "item") && typeof row.item === "string" ? { ...out, item: accountingItem(row.item, locale), note: accountingNote(row.note ?? null, locale) } : out
    })
  }
}

/**
 * The CSV export of one report table: headings in `locale`, and a UTF-8 BOM first (U+FEFF,
 * bytes EF BB BF) so Excel opens it as UTF-8.
 *
 * @example
 * ```ts
 * reportCsvExport(funnelTable(report), "zh-CN").startsWith("\uFEFF") // true
 * ```
 */
export const reportCsvExport = (table: ReportTable, locale: Locale): string => reportCsv(localizeTable(table, locale), { bom: true })

/**
 * Chart input in `locale`: the title (the chart's default English title when none was given),
 * stage, period and metric labels.
 *
 * @example
 * ```ts
 * funnelChartSvg(localizeFunnelChart(funnelChartData(report), "zh-CN")) // titled "外呼漏斗"
 * ```
 */
export const localizeFunnelChart = (d: FunnelChartData, locale: Locale): FunnelChartData => ({
  ...d,
  title: d.title === undefined ? catalogues[locale]["chart.funnel"] : reportWord(d.title, locale),
  stages: d.stages.map((s) => ({ ...s, label: reportWord(s.label, locale) }))
})

/** @see {@link localizeFunnelChart} (retention: the title and the period labels). */
export const localizeRetentionChart = (d: RetentionChartData, locale: Locale): RetentionChartData => ({
  ...d,
  title: d.title === undefined ? catalogues[locale]["chart.retention"] : reportWord(d.title, locale),
  periods: d.periods.map((p) => ({ ...p, label: reportWord(p.label, locale) }))
})

/** @see {@link localizeFunnelChart} (agents: the title and the metric). */
export const localizeAgentChart = (d: AgentChartData, locale: Locale): AgentChartData => ({
  ...d,
  title: d.title === undefined ? catalogues[locale]["chart.agents"] : reportWord(d.title, locale),
  metric: reportWord(d.metric, locale)
})

/**
 * The retention chart's legend in `locale` (the chart draws its three series names itself).
 *
 * @example
 * ```ts
 * localizeRetentionLegend(retentionChartSvg(data), "zh-CN") // legend "留存", "回流", "流失"
 * ```
 */
export const localizeRetentionLegend = (svg: string, locale: Locale): string =>
  locale === "en" ? svg : svg.replace(/>(Stayed|Returned|Churned)<\/text>/g, (_, w: string) => `>${reportWord(w, locale)}</text>`)

/**
 * The funnel chart's rate notes in `locale` (the chart writes "(73.20% of previous)" itself).
 *
 * @example
 * ```ts
 * localizeFunnelRates(funnelChartSvg(data), "zh-CN") // "(占上一阶段比例 73.20%)"
 * ```
 */
export const localizeFunnelRates = (svg: string, locale: Locale): string =>
  locale === "en" ? svg : svg.replace(/\(([0-9.,]+%) of previous\)/g, (_, rate: string) => `(${catalogues[locale]["key.ofPrevious"]} ${rate})`)
