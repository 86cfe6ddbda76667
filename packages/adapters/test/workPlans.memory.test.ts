import { MemoryDb } from "../src/memory/MemoryDb"
import { memoryReportQueries } from "../src/memory/MemoryReportQueries"
import { makeMemoryStores } from "../src/memory/MemoryStorage"
import { runWorkPlanAdapterSuite } from "./workPlansSupport"

runWorkPlanAdapterSuite({
  name: "memory",
  open: async () => {
    const db = new MemoryDb()
    return { stores: makeMemoryStores(db), reports: memoryReportQueries(db), close: async () => {} }
  }
})
