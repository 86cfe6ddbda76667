/**
 * Storage ports: one store per aggregate, and the unit of work that makes several store calls one
 * atomic transaction. Every adapter (memory, PGlite, PostgreSQL, or a host's own) implements these
 * and proves it with the conformance suite in `@winback/adapters/testing`.
 *
 * Contracts that hold for every store below:
 * - A store method called inside `Transactions.transaction(effect)` takes part in that transaction:
 *   if the effect fails (or the fiber is interrupted) nothing it wrote remains.
 * - `update(record, expectedVersion)` succeeds only while the stored version equals
 *   `expectedVersion`; it stores `expectedVersion + 1` and returns the stored record. A stale
 *   write fails with `Conflict`, a missing record with `NotFound`.
 * - `insert` of an existing id fails with `Conflict`.
 * - Lists are keyset-paginated in the documented order; every item appears on exactly one page,
 *   even when equal sort keys span a page boundary.
 * - Infrastructure failures surface as `StorageError` (`Unavailable` is retryable).
 */
import { Context, type Effect } from "effect"
import { type Conflict, type NotFound, type StorageError } from "../shared/Errors"
import { type Page, type PageRequest } from "../shared/Page"

/**
 * The generic shape of a versioned aggregate store.
 *
 * @example
 * ```ts
 * const tasks = yield* TaskStore
 * const t = yield* tasks.get("task-1")
 * yield* tasks.update({ ...t, status: "paused" }, t.version)
 * ```
 */
export interface EntityStore<A extends { readonly version: number }, Filter> {
  /** Stores a new record (its `version` must be 1). Fails with `Conflict` if the id exists. */
  readonly insert: (record: A) => Effect.Effect<A, Conflict | StorageError>
  /** Reads one record by id. */
  readonly get: (id: string) => Effect.Effect<A, NotFound | StorageError>
  /** Reads many records by id; missing ids are left out. Order follows `ids`. */
  readonly getMany: (ids: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<A>, StorageError>
  /** Optimistic write: see the module contract. */
  readonly update: (record: A, expectedVersion: number) => Effect.Effect<A, NotFound | Conflict | StorageError>
  /** Lists records matching `filter`, in the store's documented order, one page at a time. */
  readonly list: (filter: Filter, page?: PageRequest) => Effect.Effect<Page<A>, StorageError>
}

/**
 * The unit of work. `transaction(effect)` runs `effect` so that every store call inside it commits
 * together or not at all. Nested calls join the outer transaction. Implementations MUST roll back
 * on failure, defect and interruption.
 *
 * @example
 * ```ts
 * const tx = yield* Transactions
 * yield* tx.transaction(Effect.gen(function* () {
 *   yield* items.update(next, item.version)
 *   yield* audit.append(entry)      // both or neither
 * }))
 * ```
 */
export class Transactions extends Context.Service<
  Transactions,
  {
    readonly transaction: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | StorageError, R>
  }
>()("@winback/core/Transactions") {}
