import { describe } from "vitest"
import { sqlReportQueries } from "../src/reports/SqlReportQueries"
import { openPostgres, postgresUrl } from "./support"
import { runWorkPlanAdapterSuite } from "./workPlansSupport"

// Runs whenever the server's URL is set; .ci/run always sets it.
describe.runIf(postgresUrl !== undefined)("postgres", () => {
  runWorkPlanAdapterSuite({
    name: "postgres",
    open: async () => {
      const s = await openPostgres()
      return { stores: s.stores, reports: sqlReportQueries(s.storage), close: s.close }
    }
  })
})
