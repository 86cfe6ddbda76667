/**
 * Error classes of the questionnaire package. They are tagged (`_tag`) and extend `Error`, so they
 * survive Promise boundaries and can be matched structurally. `ValidationError` is generic on
 * purpose: `@winback/core` re-exports it as the project-wide validation error.
 */
import type { z } from "zod"

/**
 * One problem found in an input: where (`path`), what (`message`) and a stable machine `code`.
 *
 * @example
 * ```ts
 * const issue: ValidationIssue = { path: ["questions", 2, "showIf"], message: "unknown question q9", code: "unknown_question" }
 * ```
 */
export interface ValidationIssue {
  readonly path: ReadonlyArray<string | number>
  readonly message: string
  readonly code: string
}

/**
 * An input was rejected. Carries EVERY issue found (never only the first), each with its path.
 *
 * @example
 * ```ts
 * try {
 *   parseDefinition({ id: "x", title: "X", questions: [] })
 * } catch (e) {
 *   if (e instanceof ValidationError) console.log(e.issues.map((i) => i.path.join(".")))
 * }
 * ```
 */
export class ValidationError extends Error {
  readonly _tag = "ValidationError" as const
  readonly issues: ReadonlyArray<ValidationIssue>

  constructor(issues: ReadonlyArray<ValidationIssue>, message?: string) {
    super(message ?? ValidationError.summarize(issues))
    this.name = "ValidationError"
    this.issues = issues
  }

  /**
   * Converts a zod error into a ValidationError, keeping every issue with its path and code.
   *
   * @example
   * ```ts
   * const r = QuestionnaireDefinition.safeParse(input)
   * if (!r.success) throw ValidationError.fromZod(r.error)
   * ```
   */
  static fromZod(error: z.ZodError, prefix: ReadonlyArray<string | number> = []): ValidationError {
    return new ValidationError(
      error.issues.map((i) => ({
        path: [...prefix, ...i.path.map((p) => (typeof p === "symbol" ? String(p) : p))],
        message: i.message,
        code: i.code === "custom" && typeof (i as { params?: { code?: unknown } }).params?.code === "string"
          ? String((i as { params?: { code?: unknown } }).params?.code)
          : i.code
      }))
    )
  }

  private static summarize(issues: ReadonlyArray<ValidationIssue>): string {
    if (issues.length === 0) return "Validation failed"
    const shown = issues.slice(0, 5).map((i) => `${i.path.length > 0 ? i.path.join(".") : "(root)"}: ${i.message}`)
    const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : ""
    return `Validation failed with ${issues.length} issue${issues.length === 1 ? "" : "s"}: ${shown.join("; ")}${more}`
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
