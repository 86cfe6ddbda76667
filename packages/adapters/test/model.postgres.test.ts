import { Layer } from "effect"
import { describe } from "vitest"
import { CandidateSource } from "@winback/core"
import { PgBulkLedgerClaims } from "../src/pipeline/PgBulkLedgerClaims"
import { sqlCandidateSource } from "../src/pipeline/SqlCandidateSource"
import { runModelSuite } from "./modelSupport"
import { openPostgres, postgresUrl } from "./support"

// Runs whenever the server's URL is set; .ci/run always sets it. One fresh schema per run.
describe.runIf(postgresUrl !== undefined)("postgres", () => {
  runModelSuite("postgres", async () => {
    const o = await openPostgres()
    return { ...o, candidates: Layer.merge(Layer.succeed(CandidateSource, sqlCandidateSource(o.storage)), PgBulkLedgerClaims.layer(o.storage)) }
  })
})
