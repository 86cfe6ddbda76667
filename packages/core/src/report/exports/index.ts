/**
 * Report exports: the report table shape, CSV and XLSX writers, SVG charts and the adapters from
 * report results to tables and chart inputs. Pure functions, no I/O.
 */
export { ReportCell, ColumnType, ReportColumn, type ReportRow, ReportTable } from "./ReportTable"
export { csvField, CsvOptions, reportCsv, reportCsvLines } from "./Csv"
export { reportXlsx, xmlText, XlsxOptions } from "./Xlsx"
export {
  AgentChartData,
  agentChartSvg,
  ChartOptions,
  chartPalette,
  FunnelChartData,
  funnelChartSvg,
  RetentionChartData,
  retentionChartSvg
} from "./Charts"
export {
  agentChartData,
  agentTable,
  funnelChartData,
  funnelStageLabels,
  funnelTable,
  observationTable,
  periodReportTables,
  questionnaireTable,
  retentionChartData,
  statusAccountingTable
} from "./reportTables"
