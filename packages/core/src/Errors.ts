/**
 * The error model shared by every Winback package and both faces of the API (Effect and Promise).
 * Every class extends `Error` (through Effect's `Data.TaggedError`), so an Effect failure and a
 * rejected Promise carry the same instance: `catch (e) { if (e instanceof NotFound) ... }`.
 */
import { Data } from "effect"
import type { z } from "zod"

/** One problem found in an input, located by its path (`["lines", 3, "agentId"]`). */
export interface Issue {
  readonly path: ReadonlyArray<string | number>
  readonly message: string
  readonly code: string
}

/**
 * Input that does not fit the model. Carries EVERY issue found, each with its path, never just the first.
 *
 * @example
 * ```ts
 * import { Customer, ValidationError, parse } from "@winback/core"
 * try {
 *   parse(Customer, { id: "" })
 * } catch (e) {
 *   if (e instanceof ValidationError) console.log(e.issues.map((i) => i.path.join(".")))
 * }
 * ```
 */
export class ValidationError extends Data.TaggedError("ValidationError")<{
  readonly issues: ReadonlyArray<Issue>
  readonly subject?: string | undefined
}> {
  override get message(): string {
    const head = this.subject ? `Invalid ${this.subject}` : "Invalid input"
    const lines = this.issues.slice(0, 10).map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`)
    const more = this.issues.length > 10 ? `; and ${this.issues.length - 10} more` : ""
    return `${head}: ${lines.join("; ")}${more}`
  }

  /**
   * Builds a ValidationError from a zod error, keeping every issue and its path.
   *
   * @example
   * ```ts
   * const r = Customer.safeParse(input)
   * if (!r.success) throw ValidationError.fromZod(r.error, "customer")
   * ```
   */
  static fromZod(error: z.ZodError, subject?: string, pathPrefix: ReadonlyArray<string | number> = []): ValidationError {
    return new ValidationError({
      subject,
      issues: error.issues.map((i) => ({
        path: [...pathPrefix, ...i.path.map((p) => (typeof p === "symbol" ? String(p) : p))],
        message: i.message,
        code: i.code
      }))
    })
  }

  /**
   * Adopts a validation error of another Winback package (`@winback/rules`, `@winback/questionnaire`)
   * or anything shaped `{ _tag: "ValidationError", issues }`, so hosts catch one class.
   *
   * @example
   * ```ts
   * try { compileRule(rule) } catch (e) { throw ValidationError.adopt(e) ?? e }
   * ```
   */
  static adopt(error: unknown): ValidationError | undefined {
    if (error instanceof ValidationError) return error
    if (isValidationErrorLike(error)) return new ValidationError({ issues: error.issues })
    return undefined
  }
}

/**
 * True for a ValidationError of any Winback package (they share the `_tag` and `issues` shape).
 *
 * @example
 * ```ts
 * if (isValidationErrorLike(e)) for (const i of e.issues) console.log(i.path, i.message)
 * ```
 */
export const isValidationErrorLike = (e: unknown): e is { readonly _tag: "ValidationError"; readonly issues: ReadonlyArray<Issue> } =>
  typeof e === "object" && e !== null && (e as { _tag?: unknown })._tag === "ValidationError" &&
  Array.isArray((e as { issues?: unknown }).issues)

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
 * The write lost a race or was based on a stale version: re-read and decide again.
 *
 * @example
 * ```ts
 * yield* new Conflict({ entity: "WorkItem", id: "wi-1", reason: "stale version 3, current 4" })
 * ```
 */
export class Conflict extends Data.TaggedError("Conflict")<{
  readonly entity: string
  readonly id: string
  readonly reason: string
}> {
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

/** Every error a Winback operation can fail with. */
export type WinbackError = ValidationError | NotFound | Conflict | Forbidden | StorageError
