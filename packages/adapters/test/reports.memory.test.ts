import { makeMemoryStores } from "../src/memory/MemoryStorage"
import { MemoryDb } from "../src/memory/MemoryDb"
import { memoryReportQueries } from "../src/memory/MemoryReportQueries"
import { runReportsSuite } from "./reportsSupport"

runReportsSuite({
  name: "memory",
  open: async () => {
    const db = new MemoryDb()
    return { stores: makeMemoryStores(db), reports: memoryReportQueries(db), close: async () => {} }
  }
})
