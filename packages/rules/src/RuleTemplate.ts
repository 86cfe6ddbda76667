/**
 * Rule templates: a rule with parameters, a parameter schema with defaults, a description and
 * worked examples. Admins instantiate a template with values (possibly one per tier or region)
 * and get a plain {@link Rule} — data that can be versioned, validated, previewed and explained.
 */
import * as z from "zod"
import type { CustomerFacts } from "./Evaluator"
import type { FactCatalog } from "./FactCatalog"
import { defaultFactCatalog } from "./FactCatalog"
import type { NumExpr, Rule } from "./Rule"
import { validateRule } from "./Validate"
import { ValidationError, type ValidationIssue } from "./ValidationError"

/**
 * A threshold given once, or per tier / per region (`otherwise` for the rest; without it,
 * customers outside the table never match).
 *
 * @example
 * ```ts
 * const drop: Threshold = { by: "tier", values: { gold: 30, silver: 50 }, otherwise: 40 }
 * ```
 */
export const Threshold = z.union([
  z.number(),
  z.strictObject({
    by: z.enum(["tier", "region"]),
    values: z.record(z.string(), z.number()),
    otherwise: z.number().nullable().optional()
  })
])
/** @see {@link Threshold} */
export type Threshold = z.infer<typeof Threshold>

/**
 * Turns a {@link Threshold} into a numeric expression (a literal or a parameter table).
 *
 * @example
 * ```ts
 * thresholdExpr(30, "threshold") // { kind: "arith", op: "*", left: 1, right: 30, as: "threshold" }
 * thresholdExpr({ by: "tier", values: { gold: 30 } }, "threshold")
 * // { kind: "byAttribute", field: "tier", values: { gold: 30 }, otherwise: null, as: "threshold" }
 * ```
 */
export const thresholdExpr = (t: Threshold, as: string): NumExpr =>
  typeof t === "number"
    ? { kind: "arith", op: "*", left: 1, right: t, as }
    : { kind: "byAttribute", field: t.by, values: t.values, otherwise: t.otherwise ?? null, as }

/**
 * A worked example: facts, an as-of day and the expected outcome. Documentation shows them and
 * the test suite checks them.
 *
 * @example
 * ```ts
 * const ex: TemplateExample = { title: "no calls for 12 days", asOf: "2026-11-20", facts, matches: true }
 * ```
 */
export interface TemplateExample {
  readonly title: string
  readonly params?: Readonly<Record<string, unknown>> | undefined
  readonly asOf: string
  readonly facts: CustomerFacts
  readonly matches: boolean
}

/**
 * A rule template of the catalogue.
 *
 * @example
 * ```ts
 * import { catalogue } from "@winback/rules"
 * const t = catalogue.find((t) => t.id === "bill-drop")!
 * t.defaults // { dropPercent: { by: "tier", values: { ... } }, baselineMonths: 3 }
 * ```
 */
export interface RuleTemplate<P extends Record<string, unknown> = Record<string, unknown>> {
  readonly id: string
  readonly version: number
  readonly family: "churn" | "contract" | "care" | "service"
  readonly title: string
  readonly description: string
  /** Parameters with their defaults (every field optional on input). */
  readonly params: z.ZodType<P, Partial<P>>
  readonly defaults: P
  /** Suggested channel (e.g. SMS for birthdays). */
  readonly channel?: "phone" | "sms" | "visit" | "letter" | "email" | undefined
  /** Event types on which the rule also fires immediately (event rules). */
  readonly triggers?: ReadonlyArray<string> | undefined
  readonly build: (params: P, catalog: FactCatalog) => Rule
  readonly examples: ReadonlyArray<TemplateExample>
}

/**
 * A template instantiated with parameters: the resolved parameters and the rule.
 *
 * @example
 * ```ts
 * const { rule, params } = instantiate(billDropTemplate, { dropPercent: 40 })
 * ```
 */
export interface Instantiated {
  readonly templateId: string
  readonly templateVersion: number
  readonly params: Readonly<Record<string, unknown>>
  readonly rule: Rule
}

/**
 * Instantiates a template: parameters are checked (paths under `params`), defaults filled in,
 * the rule built and validated against the catalogue (paths under `rule`). Throws `ValidationError`.
 *
 * @example
 * ```ts
 * import { catalogue, instantiate } from "@winback/rules"
 * const silent = instantiate(catalogue.find((t) => t.id === "silent-high-value")!, { minDays: 14 })
 * ```
 */
export const instantiate = <P extends Record<string, unknown>>(
  template: RuleTemplate<P>,
  params: Partial<P> | Readonly<Record<string, unknown>> = {},
  catalog: FactCatalog = defaultFactCatalog
): Instantiated => {
  const parsed = template.params.safeParse(params)
  if (!parsed.success) {
    throw ValidationError.fromZod(parsed.error, `parameters of '${template.id}'`, ["params"])
  }
  const rule = template.build(parsed.data, catalog)
  const issues: ReadonlyArray<ValidationIssue> = validateRule(rule, { catalog })
  if (issues.length) throw new ValidationError({ issues: issues.map((i) => ({ ...i, path: ["rule", ...i.path] })), subject: `instance of '${template.id}'` })
  return { templateId: template.id, templateVersion: template.version, params: parsed.data, rule }
}
