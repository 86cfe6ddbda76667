import { Layer } from "effect"
import { describe } from "vitest"
import { CandidateSource } from "@winback/core"
import { sqlCandidateSource, type SqlRunner } from "../src/pipeline/SqlCandidateSource"
import { PgBulkLedgerClaims } from "../src/pipeline/PgBulkLedgerClaims"
import type { OpenStorage } from "../src/pg/PgStorage"
import { runPipelineSuite } from "./pipelineSupport"
import { openPostgres, postgresUrl } from "./support"

// Runs whenever the server's URL is set; .ci/run always sets it.
describe.runIf(postgresUrl !== undefined)("postgres", () => {
  runPipelineSuite({
    name: "postgres",
    open: openPostgres,
    candidates: (o) =>
    Layer.merge(Layer.succeed(CandidateSource, sqlCandidateSource(o.storage as SqlRunner)), PgBulkLedgerClaims.layer(o.storage as OpenStorage))
  })
})
