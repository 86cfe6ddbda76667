/** Report results to tables and chart inputs, and through CSV / XLSX / SVG end to end. */
import ExcelJS from "exceljs"
import { describe, expect, it } from "vitest"
import {
  agentChartData,
  agentChartSvg,
  agentTable,
  funnelChartData,
  funnelTable,
  observationTable,
  periodReportTables,
  reportCsv,
  reportXlsx,
  retentionChartData,
  statusAccountingTable
} from "../src/index"
import type { AgentPerformanceReport, FunnelReport, FunnelRow, ObservationReport, PeriodReport, StatusAccounting } from "../src/report/ReportQueries"

const range = { from: "2026-11-01", to: "2026-12-01" }
const row = (key: string | null, label: string, submitted: number, connected: number, effective: number, success: number): FunnelRow => ({
  key,
  label,
  counts: { submitted, completed: connected + 5, unreachable: 2, connected, effective, success },
  stages: [
    { stage: "submitted", count: submitted, rate: null, ofSubmitted: 1 },
    { stage: "connected", count: connected, rate: submitted ? connected / submitted : null, ofSubmitted: submitted ? connected / submitted : null },
    { stage: "effective", count: effective, rate: connected ? effective / connected : null, ofSubmitted: submitted ? effective / submitted : null },
    { stage: "success", count: success, rate: effective ? success / effective : null, ofSubmitted: submitted ? success / submitted : null }
  ]
})
// DOMAIN §8: 22,171 submitted, 73.20% connected (16,229), 14,259 effective, 12,329 accepted.
const funnel: FunnelReport = {
  range,
  by: "team",
  total: row(null, "Total", 22171, 16229, 14259, 12329),
  rows: [row("t-north", "North", 12000, 9000, 8000, 7000), row("t-south", "South", 10171, 7229, 6259, 5329)]
}
const counts = (stayed: number, churned: number, returned: number) => ({
  observed: stayed + churned + returned + 2,
  pending: 1,
  stayed,
  churned,
  returned,
  stillInactive: 1,
  billBefore: 1000,
  billAfter: 900.5,
  retainedRevenue: 800,
  offerCost: 120.25
})
const observations: ObservationReport = {
  range,
  by: "month",
  total: { key: null, label: "Total", counts: counts(30, 5, 4), stayRate: 30 / 35, returnRate: 0.8, billChange: -99.5 },
  rows: [
    { key: "2026-10", label: "2026-10", counts: counts(10, 2, 1), stayRate: 10 / 12, returnRate: 0.5, billChange: -99.5 },
    { key: "2026-11", label: "2026-11", counts: counts(20, 3, 3), stayRate: 20 / 23, returnRate: 0.75, billChange: -99.5 }
  ]
}
const zeroStatuses = { active: 0, "reported-lost": 0, suspended: 0, "pre-cancel": 0, "arrears-suspended": 0, cancelled: 0 }
const accounting: StatusAccounting = {
  month: "2026-11",
  range,
  atStart: { ...zeroStatuses, active: 40, suspended: 5 },
  atEnd: { ...zeroStatuses, active: 38, cancelled: 4, suspended: 3 },
  observed: 45,
  pending: 0,
  activeAtStart: { total: 40, stillActive: 36, left: 4, pending: 0 },
  inactiveAtStart: { total: 5, returned: 2, notReturned: 3, pending: 0 },
  handedOut: 46,
  reconciled: false,
  mismatches: [{ code: "observations-vs-completions", message: "46 worked completions but 45 observations", expected: 46, actual: 45 }]
}
const agents: AgentPerformanceReport = {
  range,
  rows: [
    { agentId: "m-1", name: "Wang Fang", teamId: "t-north", rank: 1, submitted: 120, handled: 100, reached: 90, reachRate: 0.75, effective: 80, success: 60, successRate: 0.5, observed: 90, stayed: 70, churned: 10, returned: 5, retainedRevenue: 21000, offerCost: 3000, netEffect: 18000 },
    { agentId: "m-2", name: "=Li Lei", teamId: null, rank: 2, submitted: 0, handled: 0, reached: 0, reachRate: null, effective: 0, success: 0, successRate: null, observed: 0, stayed: 0, churned: 0, returned: 0, retainedRevenue: 0, offerCost: 250, netEffect: -250 }
  ]
}

describe("report tables", () => {
  it("a funnel report prints the DOMAIN §8 figures in CSV, total last, rates against the stage before", () => {
    const lines = reportCsv(funnelTable(funnel)).split("\r\n")
    expect(lines[0]).toBe("Team,Submitted,Connected,Connected % of submitted,Effective contact,Effective % of connected,Offer accepted,Accepted % of effective,Handled (completed),Unreachable (attempts used up)")
    expect(lines[3]).toBe("Total,22171,16229,73.20%,14259,87.86%,12329,86.46%,16234,2")
    expect(lines).toHaveLength(5) // header, two teams, total, and the empty string after the last CRLF
  })

  it("an observation report carries outcomes, rates and money", () => {
    const t = observationTable(observations)
    expect(t.rows.map((r) => r.group)).toEqual(["2026-10", "2026-11", "Total"])
    expect(t.rows[2]).toMatchObject({ stayed: 30, churned: 5, returned: 4, stayRate: 30 / 35, billChange: -99.5, offerCost: 120.25 })
  })

  it("status accounting lists every line status and the reconciliation mismatch, never hiding it", () => {
    const t = statusAccountingTable(accounting)
    const csv = reportCsv(t)
    expect(csv).toContain("Line status: active,40,38,\r\n")
    expect(csv).toContain("Line status: cancelled,0,4,\r\n")
    expect(csv).toContain("Reconciled,,,NO\r\n")
    expect(csv).toContain("Mismatch: observations-vs-completions,46,45,46 worked completions but 45 observations\r\n")
  })

  it("agent performance in rank order; a hostile name is guarded in CSV", () => {
    const csv = reportCsv(agentTable(agents))
    expect(csv.split("\r\n")[2]!.startsWith("2,m-2,'=Li Lei,,0,0,0,,")).toBe(true)
  })

  it("a period report becomes one workbook with a sheet per table", async () => {
    const period: PeriodReport = {
      kind: "month",
      label: "2026-11",
      range,
      readerId: "m-9",
      generatedAt: "2026-12-01T00:00:00.000Z",
      funnel: { ...funnel, by: "total", rows: [] },
      funnelByTask: { ...funnel, by: "task" },
      funnelByTeam: funnel,
      observations: { ...observations, by: "total", rows: [] },
      observationsByMonth: observations,
      observationsByTeam: { ...observations, by: "team" },
      statusAccounting: [accounting],
      agents,
      questionnaires: [{ taskId: "task-1", questionnaireId: null, range, statistics: null }]
    }
    const tables = periodReportTables(period)
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(Buffer.from(reportXlsx(tables)) as unknown as ArrayBuffer)
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      "Funnel",
      "Funnel by task",
      "Funnel by team",
      "Retention",
      "Retention by month",
      "Retention by team",
      "Status accounting 2026-11",
      "Agent performance",
      "Questionnaire task-1"
    ])
    const f = wb.getWorksheet("Funnel")!
    expect(f.getRow(2).values).toEqual([undefined, "Total", 22171, 16229, 16229 / 22171, 14259, 14259 / 16229, 12329, 12329 / 14259, 16234, 2])
    expect(f.getRow(2).getCell(4).numFmt).toBe("0.00%")
    expect(wb.getWorksheet("Agent performance")!.getRow(3).getCell(18).value).toBe(-250)
  })
})

describe("chart inputs", () => {
  it("funnel, retention and agent inputs carry the report's figures", () => {
    expect(funnelChartData(funnel, { title: "Nov" })).toEqual({
      title: "Nov",
      stages: [
        { label: "Submitted", count: 22171 },
        { label: "Connected", count: 16229 },
        { label: "Effective contact", count: 14259 },
        { label: "Offer accepted", count: 12329 }
      ]
    })
    expect(retentionChartData(observations).periods).toEqual([
      { label: "2026-10", stayed: 10, churned: 2, returned: 1 },
      { label: "2026-11", stayed: 20, churned: 3, returned: 3 }
    ])
    const a = agentChartData(agents, "reachRate")
    expect(a).toEqual({ metric: "Reach rate", format: "percent", agents: [{ label: "Wang Fang", value: 0.75 }, { label: "=Li Lei", value: 0 }] })
    expect(agentChartSvg(agentChartData(agents))).toContain("-250.00")
  })
})
