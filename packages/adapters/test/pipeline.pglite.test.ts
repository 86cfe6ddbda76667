import { Layer } from "effect"
import { CandidateSource } from "@winback/core"
import { PgliteStorage } from "../src/pg/PgStorage"
import { sqlCandidateSource, type SqlRunner } from "../src/pipeline/SqlCandidateSource"
import { PgBulkLedgerClaims } from "../src/pipeline/PgBulkLedgerClaims"
import type { OpenStorage } from "../src/pg/PgStorage"
import { runPipelineSuite } from "./pipelineSupport"

// One PGlite instance per storage: a PGlite session has one search_path, and this suite keeps
// several storages open at once (a dirty run next to a clean one).
runPipelineSuite({
  name: "pglite",
  open: async () => {
    const storage = await PgliteStorage.open()
    return { stores: storage.stores, close: storage.close, storage }
  },
  candidates: (o) =>
    Layer.merge(Layer.succeed(CandidateSource, sqlCandidateSource(o.storage as SqlRunner)), PgBulkLedgerClaims.layer(o.storage as OpenStorage))
})
