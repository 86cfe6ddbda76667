import { Layer } from "effect"
import { CandidateSource } from "@winback/core"
import { PgBulkLedgerClaims } from "../src/pipeline/PgBulkLedgerClaims"
import { sqlCandidateSource } from "../src/pipeline/SqlCandidateSource"
import { runModelSuite } from "./modelSupport"
import { pgliteOpener } from "./support"

// One PGlite instance for the file, one fresh schema per run; candidates from the SQL evaluator.
const open = pgliteOpener()
runModelSuite("pglite", async () => {
  const o = await open()
  return { ...o, candidates: Layer.merge(Layer.succeed(CandidateSource, sqlCandidateSource(o.storage)), PgBulkLedgerClaims.layer(o.storage)) }
})
