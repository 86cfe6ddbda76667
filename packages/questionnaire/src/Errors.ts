/**
 * Error classes of the questionnaire package. They are tagged (`_tag`) and extend `Error`, so they
 * survive Promise boundaries and can be matched structurally. `ValidationError` is the twin of
 * `@winback/rules`' (which `@winback/core` re-exports): the same fields, constructor, message and
 * `fromZod`, and each recognises the other's instances, so a host catches one kind of
 * ValidationError from any package. This package may depend on nothing but zod, hence a twin and
 * not an import; keep the two identical (`packages/core/test/ValidationError.test.ts` checks it).
 */
import type { z } from "zod"

/**
 * One problem, located by its path in the input (`["when", "of", 1, "right", "months"]`), with a
 * stable machine `code` and a message for a person.
 *
 * @example
 * ```ts
 * const issue: ValidationIssue = { path: ["when", "field"], message: "Unknown attribute 'colour'", code: "unknown_field" }
 * ```
 */
export interface ValidationIssue {
  readonly path: ReadonlyArray<string | number>
  readonly message: string
  readonly code: string
}

/**
 * Input that does not fit: carries every issue found, never just the first, and what was being
 * checked (`subject`, e.g. "rule", "customer"). The message lists the first ten issues.
 *
 * @example
 * ```ts
 * import { ValidationError, parseDefinition } from "@winback/questionnaire"
 * try { parseDefinition({ id: "x", title: "X", questions: [] }) } catch (e) {
 *   // also true for a ValidationError thrown by @winback/rules or @winback/core
 *   if (e instanceof ValidationError) for (const i of e.issues) console.log(i.path.join("."), i.message)
 * }
 * ```
 */
export class ValidationError extends Error {
  readonly _tag = "ValidationError" as const
  readonly issues: ReadonlyArray<ValidationIssue>
  readonly subject: string | undefined

  constructor(input: { readonly issues: ReadonlyArray<ValidationIssue>; readonly subject?: string | undefined }) {
    const lines = input.issues.slice(0, 10).map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`)
    const more = input.issues.length > 10 ? `; and ${input.issues.length - 10} more` : ""
    super(`Invalid ${input.subject ?? "input"}: ${lines.join("; ")}${more}`)
    this.name = "ValidationError"
    this.issues = input.issues
    this.subject = input.subject
  }

  /**
   * Builds a ValidationError from a zod error, keeping every issue with its path (under
   * `pathPrefix`) and code (a custom issue's `params.code` when it has one).
   *
   * @example
   * ```ts
   * const r = QuestionnaireDefinition.safeParse(input)
   * if (!r.success) throw ValidationError.fromZod(r.error, "questionnaire")
   * ```
   */
  static fromZod(error: z.ZodError, subject?: string, pathPrefix: ReadonlyArray<string | number> = []): ValidationError {
    return new ValidationError({
      subject,
      issues: error.issues.map((i) => {
        const custom = i.code === "custom" ? (i as { params?: { code?: unknown } }).params?.code : undefined
        return {
          path: [...pathPrefix, ...i.path.map((p) => (typeof p === "symbol" ? String(p) : p))],
          message: i.message,
          code: typeof custom === "string" ? custom : i.code
        }
      })
    })
  }

  /** Any Winback package's ValidationError is an instance: recognised by its `_tag` and `issues`. */
  static override [Symbol.hasInstance](value: unknown): value is ValidationError {
    return value instanceof Error && (value as { _tag?: unknown })._tag === "ValidationError" && Array.isArray((value as { issues?: unknown }).issues)
  }
}

/**
 * An expression string could not be parsed. `position` is the 0-based offset in `source` where the
 * problem starts; `expected` lists what the parser would have accepted there.
 *
 * @example
 * ```ts
 * try { parseExpression('q1 == ') } catch (e) {
 *   if (e instanceof ExpressionSyntaxError) console.log(e.position, e.expected) // 6 ["a value"]
 * }
 * ```
 */
export class ExpressionSyntaxError extends Error {
  readonly _tag = "ExpressionSyntaxError" as const
  constructor(
    readonly source: string,
    readonly position: number,
    readonly reason: string,
    readonly expected: ReadonlyArray<string> = []
  ) {
    super(`${reason} at position ${position}: ${source.slice(0, position)}⟨here⟩${source.slice(position)}`)
    this.name = "ExpressionSyntaxError"
  }
}

/**
 * A resume token could not be used: malformed, tampered with, or pinned to another version.
 *
 * @example
 * ```ts
 * try { resume(version, token) } catch (e) {
 *   if (e instanceof ResumeTokenError && e.reason === "VersionMismatch") console.log("the call was started on", e.tokenVersionHash)
 * }
 * ```
 */
export class ResumeTokenError extends Error {
  readonly _tag = "ResumeTokenError" as const
  constructor(
    readonly reason: "Malformed" | "Tampered" | "VersionMismatch",
    message: string,
    readonly tokenVersionHash?: string
  ) {
    super(message)
    this.name = "ResumeTokenError"
  }
}
