import { PgliteStorage } from "../src/pg/PgStorage"
import { sqlReportQueries } from "../src/reports/SqlReportQueries"
import { runWorkPlanAdapterSuite } from "./workPlansSupport"

runWorkPlanAdapterSuite({
  name: "pglite",
  open: async () => {
    const storage = await PgliteStorage.open()
    return { stores: storage.stores, reports: sqlReportQueries(storage), close: storage.close }
  }
})
