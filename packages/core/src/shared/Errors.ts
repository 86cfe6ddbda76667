/**
 * The error model shared by every Winback package and both faces of the API (Effect and Promise).
 * Every class extends `Error` (all but `ValidationError` through Effect's `Data.TaggedError`), so an
 * Effect failure and a rejected Promise carry the same instance: `catch (e) { if (e instanceof NotFound) ... }`.
 */
import { Data } from "effect"
import { ValidationError, type ValidationIssue } from "@winback/rules"

/**
 * Input that does not fit the model: the one `ValidationError` of every Winback package (this is
 * `@winback/rules`' class; `@winback/questionnaire`'s twin is recognised by `instanceof` too).
 * Carries EVERY issue found, each with its path, never just the first. In Effect code it is
 * failed with `Effect.fail(new ValidationError({ ... }))` and caught with
 * `Effect.catchTag("ValidationError", ...)`.
 *
 * @example
 * ```ts
 * import { Customer, ValidationError, parse } from "@winback/core"
 * try {
 *   parse(Customer, { id: "" })
 * } catch (e) {
 *   if (e instanceof ValidationError) console.log(e.subject, e.issues.map((i) => i.path.join(".")))
 * }
 * ```
 */
export { ValidationError, type ValidationIssue }

/**
 * One problem found in an input, located by its path (`["lines", 3, "agentId"]`): another name
 * of {@link ValidationIssue}.
 *
 * @example
 * ```ts
 * const issue: Issue = { path: ["lines", 3, "agentId"], code: "unknown_agent", message: "line 3: no agent m-9" }
 * ```
 */
export type Issue = ValidationIssue

/**
 * The record asked for does not exist (or is invisible to the caller).
 *
 * @example
 * ```ts
 * yield* new NotFound({ entity: "WorkItem", id: "wi-1" })
 * ```
 */
export class NotFound extends Data.TaggedError("NotFound")<{ readonly entity: string; readonly id: string }> {
  override get message(): string {
    return `${this.entity} ${this.id} not found`
  }
}

/**
 * What kind of conflict a {@link Conflict} is, so callers branch on it and never on message text:
 * - `stale-version`: a versioned write was based on an older version — re-read and decide again
 *   (the one kind worth retrying as is, see {@link Conflict.isRetryable});
 * - `already-exists`: an insert of an id or unique key already taken (a record id, a call's serial
 *   number or call-center call id, a DND entry);
 * - `already-claimed`: another person took the records meanwhile (a racing allocation moved them,
 *   or the customer's open work is with another agent);
 * - `wrong-state`: the record's lifecycle state does not allow it (an item already completed, a task
 *   that cannot go from one status to another, a retired offer, a closed period, a call that
 *   already has its outcome);
 * - `mismatch`: records that do not belong together (an item of another customer, a call-center
 *   call with another customer, an item listed twice);
 * - `not-yet`: allowed later (an item waiting for its next attempt, a period still running);
 * - `not-applicable`: the operation does not apply to this record (an SMS batch on a phone task, an
 *   import into an extracted task, a response on a task without questionnaire).
 *
 * @example
 * ```ts
 * const kind: ConflictKind = "stale-version"
 * if (e instanceof Conflict && e.kind === "already-claimed") showToast("someone else took these customers")
 * ```
 */
export type ConflictKind = "stale-version" | "already-exists" | "already-claimed" | "wrong-state" | "mismatch" | "not-yet" | "not-applicable"

/**
 * Every {@link ConflictKind}, e.g. for an API description or an exhaustive test.
 *
 * @example
 * ```ts
 * conflictKinds.includes("stale-version") // true
 * ```
 */
export const conflictKinds: ReadonlyArray<ConflictKind> = ["stale-version", "already-exists", "already-claimed", "wrong-state", "mismatch", "not-yet", "not-applicable"]

/**
 * The write lost a race or does not fit the records as they are now: `kind` says which
 * ({@link ConflictKind}), `reason` explains it to a person.
 *
 * @example
 * ```ts
 * yield* new Conflict({ kind: "stale-version", entity: "WorkItem", id: "wi-1", reason: "stale version 3, current 4" })
 * effect.pipe(Effect.retry({ times: 3, while: (e) => e._tag === "Conflict" && e.isRetryable }))
 * ```
 */
export class Conflict extends Data.TaggedError("Conflict")<{
  readonly kind: ConflictKind
  readonly entity: string
  readonly id: string
  readonly reason: string
}> {
  /** True for a `stale-version` conflict: re-reading and trying the same change again may succeed. */
  get isRetryable(): boolean {
    return this.kind === "stale-version"
  }
  override get message(): string {
    return `${this.entity} ${this.id}: ${this.reason}`
  }
}

/**
 * The acting person may not do this to this record (outside their scope or role).
 *
 * @example
 * ```ts
 * yield* new Forbidden({ actorId: "m-7", action: "customer.edit", resource: "customer:42", reason: "leader only" })
 * ```
 */
export class Forbidden extends Data.TaggedError("Forbidden")<{
  readonly actorId: string
  readonly action: string
  readonly resource: string
  readonly reason: string
}> {
  override get message(): string {
    return `${this.actorId} may not ${this.action} ${this.resource}: ${this.reason}`
  }
}

/** Why a storage operation failed. */
export type StorageErrorReason = "Unavailable" | "Constraint" | "Unknown"

/**
 * The storage behind a port failed. `Unavailable` failures are retryable; `Constraint` and `Unknown` are not.
 *
 * @example
 * ```ts
 * effect.pipe(Effect.retry({ times: 3, while: (e) => e._tag === "StorageError" && e.isRetryable }))
 * ```
 */
export class StorageError extends Data.TaggedError("StorageError")<{
  readonly reason: StorageErrorReason
  readonly operation: string
  readonly cause?: unknown
}> {
  /** True when trying the same operation again may succeed. */
  get isRetryable(): boolean {
    return this.reason === "Unavailable"
  }
  override get message(): string {
    const detail = this.cause instanceof Error ? `: ${this.cause.message}` : ""
    return `storage ${this.reason.toLowerCase()} in ${this.operation}${detail}`
  }
}

/**
 * True for a failure worth running the same unit of work again from fresh reads: a `stale-version`
 * {@link Conflict} (another writer changed a record since it was read) or a retryable
 * {@link StorageError} (a deadlock or serialization failure PostgreSQL rolled back, a lost
 * connection). Every other failure answers the same on a second try.
 *
 * @example
 * ```ts
 * tx.transaction(unitOfWork).pipe(Effect.retry({ times: 3, while: isRetryable }))
 * ```
 */
export const isRetryable = (e: unknown): boolean => (e instanceof Conflict || e instanceof StorageError) && e.isRetryable

/** Every error a Winback operation can fail with. */
export type WinbackError = ValidationError | NotFound | Conflict | Forbidden | StorageError
