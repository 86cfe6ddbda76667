/**
 * Partitioned extraction (issue 19): a run splits its candidate customers into hash partitions
 * (`partitionOf(customerId, count)`), plans and writes each partition in its own transaction, and
 * lets several worker processes share the partitions of one run through the database. The
 * {@link ExtractionPartitions} port is the queue they share: claim a partition (with a lease, so a
 * partition whose worker died is claimed again once the lease has run out), mark it done inside the
 * partition's write transaction. Without a database queue, {@link memoryExtractionPartitions}
 * serves the same API inside one process. {@link CandidateStaging} lets a database evaluate a run's
 * rules once for all partitions instead of once per partition.
 */
import { md5Hex } from "../shared/Hash"
import { Context, Effect } from "effect"
import type { Rule } from "@winback/rules"
import { Conflict, type StorageError, type ValidationError } from "../shared/Errors"

/**
 * One hash partition of the customers: those with `partitionOf(id, count) === index`.
 *
 * @example
 * ```ts
 * const p: CustomerPartition = { index: 3, count: 16 }
 * ```
 */
export interface CustomerPartition {
  readonly index: number
  readonly count: number
}

/**
 * The partition of a customer among `count`: the first 32 bits of the MD5 of its id, modulo
 * `count`. The SQL adapters compute the same value in the database
 * (`('x' || substr(md5(customer_id), 1, 8))::bit(32)::bigint % count`), so a rule's query can be
 * cut to one partition where the data is.
 *
 * @example
 * ```ts
 * partitionOf("c-0000042", 7) // 0
 * ```
 */
export const partitionOf = (customerId: string, count: number): number =>
  count <= 1 ? 0 : Number.parseInt(md5Hex(customerId).slice(0, 8), 16) % count

/**
 * The state of one partition of a run: `pending` (nobody has it), `running` (a worker holds it until
 * `leaseUntil`), `done` (written; `result` is what its transaction stored).
 *
 * @example
 * ```ts
 * const s: PartitionState = { partition: 0, partitions: 4, state: "done", workerId: "w-1", leaseUntil: null, attempts: 1, result: { created: 12 } }
 * ```
 */
export interface PartitionState {
  readonly partition: number
  readonly partitions: number
  readonly state: "pending" | "running" | "done"
  readonly workerId: string | null
  readonly leaseUntil: string | null
  readonly attempts: number
  readonly result: unknown
}

/**
 * The queue of a partitioned run's partitions, shared by every worker of the run.
 *
 * Contract:
 * - `open(runKey, count, at)` creates the run's `count` pending partitions unless they exist
 *   (concurrent opens are safe); a run already split into another count fails with `Conflict`.
 * - `claim(runKey, workerId, now, leaseUntil)` hands one partition that is `pending`, or `running`
 *   with `leaseUntil <= now`, to `workerId` until `leaseUntil`, or answers `undefined`. Two
 *   concurrent claims never get the same partition (SQL: `FOR UPDATE SKIP LOCKED`). It commits at
 *   once, outside any current transaction. A queue shared by several machines SHOULD judge leases
 *   by one clock they all share: the SQL queue reads `now` as the database's `now()` and keeps the
 *   lease `leaseUntil - now` long from there, so workers whose clocks disagree cannot take over
 *   each other's live partitions.
 * - `complete(runKey, partition, workerId, result, at)` runs inside the partition's write
 *   transaction: marks the partition `done` when `workerId` still holds it and answers `true`, or
 *   answers `false` (another worker took it over after the lease ran out: roll back). A
 *   concurrent claim skips the partition while this transaction holds it.
 * - `release(runKey, partition, workerId, at)` gives an unfinished partition of `workerId` back
 *   (a failed write), so another worker claims it at once.
 * - `list(runKey)` answers every partition of the run, by partition number.
 *
 * @example
 * ```ts
 * const queue = yield* ExtractionPartitions
 * yield* queue.open("xr:2026-11-25", 16, now)
 * const p = yield* queue.claim("xr:2026-11-25", "w-1", now, leaseUntil) // 0..15 or undefined
 * ```
 */
export class ExtractionPartitions extends Context.Service<
  ExtractionPartitions,
  {
    readonly open: (runKey: string, count: number, at: string) => Effect.Effect<void, Conflict | StorageError>
    readonly claim: (runKey: string, workerId: string, now: string, leaseUntil: string) => Effect.Effect<number | undefined, StorageError>
    readonly complete: (runKey: string, partition: number, workerId: string, result: unknown, at: string) => Effect.Effect<boolean, StorageError>
    readonly release: (runKey: string, partition: number, workerId: string, at: string) => Effect.Effect<void, StorageError>
    readonly list: (runKey: string) => Effect.Effect<ReadonlyArray<PartitionState>, StorageError>
  }
>()("@winback/core/ExtractionPartitions") {}

/**
 * The partition queue inside one process (the memory adapter, tests, a single worker): the same
 * contract as the SQL table, without crossing processes.
 *
 * @example
 * ```ts
 * Layer.succeed(ExtractionPartitions, memoryExtractionPartitions())
 * ```
 */
export const memoryExtractionPartitions = (): ExtractionPartitions["Service"] => {
  const runs = new Map<string, Array<{ -readonly [K in keyof PartitionState]: PartitionState[K] }>>()
  return ExtractionPartitions.of({
    open: (runKey, count, _at) =>
      Effect.suspend(() => {
        const existing = runs.get(runKey)
        if (existing && existing.length !== count) return Effect.fail(new Conflict({ kind: "mismatch", entity: "ExtractionRun", id: runKey, reason: `already split into ${existing.length} partitions, not ${count}` }))
        if (!existing) runs.set(runKey, Array.from({ length: count }, (_, partition) => ({ partition, partitions: count, state: "pending" as const, workerId: null, leaseUntil: null, attempts: 0, result: null })))
        return Effect.void
      }),
    claim: (runKey, workerId, now, leaseUntil) =>
      Effect.sync(() => {
        const p = runs.get(runKey)?.find((s) => s.state === "pending" || (s.state === "running" && s.leaseUntil !== null && s.leaseUntil <= now))
        if (!p) return undefined
        Object.assign(p, { state: "running", workerId, leaseUntil, attempts: p.attempts + 1 })
        return p.partition
      }),
    complete: (runKey, partition, workerId, result, _at) =>
      Effect.sync(() => {
        const p = runs.get(runKey)?.[partition]
        if (!p || p.state !== "running" || p.workerId !== workerId) return false
        Object.assign(p, { state: "done", leaseUntil: null, result })
        return true
      }),
    release: (runKey, partition, workerId, _at) =>
      Effect.sync(() => {
        const p = runs.get(runKey)?.[partition]
        // In memory `complete` is not rolled back with the transaction: a failed write undoes it here.
        if (p && p.workerId === workerId) Object.assign(p, { state: "pending", workerId: null, leaseUntil: null, result: null })
      }),
    list: (runKey) => Effect.sync(() => (runs.get(runKey) ?? []).map((s) => ({ ...s })))
  })
}

/**
 * Staging of a partitioned run's candidates, an optional accelerator of the SQL adapters: the rules
 * are evaluated ONCE per run where the data is, each match stored with its hash partition, and each
 * partition reads back only its own matches. Without it every partition asks the
 * `CandidateSource` for its partition (one evaluation of every rule per partition).
 *
 * Contract: `stage(runKey, rules, asOf, count)` stores, once per `runKey` (concurrent and repeated
 * calls stage once; a call that failed or was killed midway leaves nothing), the ids matching each
 * rule as of `asOf` under its `key`, with `partitionOf(id, count)`. `read(runKey, keys, partition)`
 * answers, per key in order, the staged ids of that partition sorted by id. `drop(runKey)` removes
 * the run's staged rows.
 *
 * Several workers stage one run together in key-range slices of the customers:
 * `slices(runKey, wanted)` fixes the run's slices once (the first caller decides; every caller gets
 * the same number, at most `wanted`), and `stageSlice(runKey, rules, asOf, count, slice)` stores
 * the matches of one slice, in the current transaction, so the slice's queue entry can be marked
 * done with it. Once every slice is staged, `read` answers as after `stage`.
 *
 * @example
 * ```ts
 * const staging = yield* CandidateStaging
 * yield* staging.stage("xr:2026-11-25", [{ key: "zero-bill@1", rule }], "2026-11-25", 16)
 * const [zeroBill] = yield* staging.read("xr:2026-11-25", ["zero-bill@1"], 3)
 * ```
 */
export class CandidateStaging extends Context.Service<
  CandidateStaging,
  {
    readonly stage: (
      runKey: string,
      rules: ReadonlyArray<{ readonly key: string; readonly rule: Rule }>,
      asOf: string,
      count: number
    ) => Effect.Effect<void, ValidationError | StorageError>
    readonly slices: (runKey: string, wanted: number) => Effect.Effect<number, StorageError>
    readonly stageSlice: (
      runKey: string,
      rules: ReadonlyArray<{ readonly key: string; readonly rule: Rule }>,
      asOf: string,
      count: number,
      slice: number
    ) => Effect.Effect<void, ValidationError | StorageError>
    readonly read: (runKey: string, keys: ReadonlyArray<string>, partition: number) => Effect.Effect<ReadonlyArray<ReadonlyArray<string>>, StorageError>
    readonly drop: (runKey: string) => Effect.Effect<void, StorageError>
  }
>()("@winback/core/CandidateStaging") {}
