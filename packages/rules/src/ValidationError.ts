/**
 * The one error a host sees when a rule, a parameter set or a schedule does not fit: every
 * problem found, each located by the path of the offending node. Same shape as the
 * `ValidationError` of `@winback/questionnaire` and `@winback/core`, so they are interchangeable.
 */

/**
 * One problem, located by its path in the input (`["when", "of", 1, "right", "months"]`).
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
 * Input that does not fit: carries every issue found, never just the first.
 *
 * @example
 * ```ts
 * import { ValidationError, validateRule } from "@winback/rules"
 * const issues = validateRule({ op: "attribute", field: "colour", cmp: "=", value: "red" })
 * if (issues.length) throw new ValidationError(issues)
 * ```
 */
export class ValidationError extends Error {
  readonly _tag = "ValidationError" as const
  readonly issues: ReadonlyArray<ValidationIssue>

  constructor(issues: ReadonlyArray<ValidationIssue>, subject = "rule") {
    const lines = issues.slice(0, 10).map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`)
    super(`Invalid ${subject}: ${lines.join("; ")}${issues.length > 10 ? `; and ${issues.length - 10} more` : ""}`)
    this.name = "ValidationError"
    this.issues = issues
  }
}
