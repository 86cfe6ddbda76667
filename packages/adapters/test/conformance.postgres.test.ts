import { describe } from "vitest"
import { runConformanceSuite } from "@winback/adapters/testing"
import { openPostgres, postgresUrl } from "./support"

// Runs whenever the server's URL is set; .ci/run always sets it.
describe.runIf(postgresUrl !== undefined)("postgres", () => {
  runConformanceSuite({ name: "postgres", open: openPostgres, capabilities: { parallelTransactions: true } })
})
