/**
 * The one validation error of every Winback package: input that does not fit, with every problem
 * found, each located by its path. `@winback/core` re-exports this very class; `@winback/questionnaire`
 * (which may depend on nothing but zod) holds a structurally identical twin. Both recognise each
 * other's instances (`instanceof` checks the `_tag`), so a host catches one kind of ValidationError
 * from any package, by `instanceof`, `_tag` or Effect's `catchTag("ValidationError")`.
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
 * import { ValidationError, validateRule } from "@winback/rules"
 * const issues = validateRule({ op: "attribute", field: "colour", cmp: "=", value: "red" })
 * if (issues.length) throw new ValidationError({ issues, subject: "rule" })
 * // a host, whichever package threw:
 * try { run() } catch (e) { if (e instanceof ValidationError) for (const i of e.issues) console.log(i.path.join("."), i.message) }
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
   * const r = Schedule.safeParse(input)
   * if (!r.success) throw ValidationError.fromZod(r.error, "schedule")
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
