/**
 * Partitioned extraction shared by the test (parent) and its worker processes: the pipeline over
 * PostgreSQL with the SQL candidate source, bulk ledger claims and the `extraction_partitions`
 * queue, and the one program every worker runs (`Extraction.work` at a fixed clock). Plain
 * TypeScript, no vitest: the worker runs it as a bundle.
 */
import { Effect, Layer, ManagedRuntime } from "effect"
import { TestClock } from "effect/testing"
import { Actors, CandidateSource, CandidateStaging, defaultWorkConfig, Extraction, WorkConfig, type Stores } from "@winback/core"
import { PgBulkLedgerClaims } from "../../src/pipeline/PgBulkLedgerClaims"
import { PgExtractionPartitions } from "../../src/pipeline/PgExtractionPartitions"
import { SqlCandidateStaging, sqlCandidateSource, type SqlRunner } from "../../src/pipeline/SqlCandidateSource"
import type { OpenStorage } from "../../src/pg/PgStorage"
import { ASOF } from "../crash/scenario"
import { quietOutbound, useCasesOver } from "../useCaseRuntime"

/** Partitions of every run of the test. */
export const PARTITIONS = 8
/** The lease of a claimed partition (the clock is fixed, so only the takeover moves past it). */
export const LEASE_MS = 60_000

/** How a worker is slowed or stopped, to make the partitions interleave or to kill it midway. */
export interface Hooks {
  /** Real time each partition waits before reading the ledger (workers interleave). */
  readonly delayMs?: number
  /** Called when the first work items of a partition are written, inside its transaction. */
  readonly onWrite?: () => Effect.Effect<void>
  /** Without candidate staging: every partition evaluates the rules for itself. */
  readonly unstaged?: boolean
}

/** The pipeline over an open PostgreSQL storage, with the partition queue. */
export const partitionRuntime = (storage: OpenStorage, hooks: Hooks = {}) => {
  const sqlSource = sqlCandidateSource(storage as unknown as SqlRunner)
  // Each partition waits `delayMs` (real time) when it reads the ledger, so concurrent workers interleave.
  const pause = Effect.promise(() => new Promise<void>((ok) => setTimeout(ok, hooks.delayMs ?? 0)))
  const candidates = CandidateSource.of({ matching: (rules, asOf, partition) => sqlSource.matching(rules, asOf, partition) })
  const stores: Stores = {
    ...storage.stores,
    ledger: { ...storage.stores.ledger, coolingDown: (ids, at) => pause.pipe(Effect.andThen(storage.stores.ledger.coolingDown(ids, at))) },
    workItems: { ...storage.stores.workItems, insertMany: (items) => storage.stores.workItems.insertMany(items).pipe(Effect.tap(() => hooks.onWrite?.() ?? Effect.void)) }
  }
  return ManagedRuntime.make(
    useCasesOver(
      stores,
      Layer.mergeAll(
        Layer.succeed(CandidateSource, candidates),
        PgBulkLedgerClaims.layer(storage),
        PgExtractionPartitions.layer(storage),
        ...(hooks.unstaged
          ? []
          : [
              // Each slice of the shared staging waits `delayMs` too, so one worker does not stage them all.
              Layer.effect(
                CandidateStaging,
                Effect.gen(function* () {
                  const staging = yield* CandidateStaging
                  return CandidateStaging.of({ ...staging, stageSlice: (...args) => pause.pipe(Effect.andThen(staging.stageSlice(...args))) })
                })
              ).pipe(Layer.provide(SqlCandidateStaging.layer(storage)))
            ]),
        quietOutbound
      )
    )
  )
}

/** One worker's share of the run of `ASOF`, with the clock fixed at `clockMs`. */
export const workProgram = (actorId: string, workerId: string, clockMs: number) =>
  Effect.gen(function* () {
    yield* TestClock.setTime(clockMs)
    const actor = yield* (yield* Actors).resolve(actorId)
    return yield* (yield* Extraction).work(actor, { asOf: ASOF, partitions: PARTITIONS }, { workerId, leaseMs: LEASE_MS, pollMs: 20 })
  }).pipe(Effect.provideService(WorkConfig, { ...defaultWorkConfig, writeBatch: 4 }), Effect.provide(TestClock.layer()))
