import { PgliteStorage } from "../src/pg/PgStorage"
import { sqlReportQueries } from "../src/reports/SqlReportQueries"
import { runReportsSuite } from "./reportsSupport"

runReportsSuite({
  name: "pglite",
  open: async () => {
    const storage = await PgliteStorage.open()
    return { stores: storage.stores, reports: sqlReportQueries(storage), close: storage.close }
  }
})
