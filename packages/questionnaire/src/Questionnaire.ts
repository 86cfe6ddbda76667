/**
 * The definition format of a questionnaire (a "work template"): questions, choices with stable
 * ids, optional sections, conditions in the expression language, jumps, per-locale texts and
 * declared context fields. `parseDefinition` checks the structure and reports every issue at once.
 */
import * as z from "zod"
import { Condition, RESERVED_WORDS, toExpression, type ExpressionNode } from "./Expression"
import { ExpressionSyntaxError, ValidationError, type ValidationIssue } from "./Errors"
import { fastParseDefinition } from "./internal/FastParse"

/**
 * A text shown to people: a plain string, or one string per locale (`{ "en": "...", "zh-CN": "..." }`).
 *
 * @example
 * ```ts
 * const t: LocalizedText = { en: "How satisfied are you?", "zh-CN": "您满意吗？" }
 * ```
 */
export const LocalizedText = z.union([
  z.string().min(1),
  z.record(z.string().min(1), z.string().min(1)).refine((r) => Object.keys(r).length > 0, { message: "At least one locale is needed" })
])
/**
 * The type of {@link LocalizedText}: what `LocalizedText.parse(input)` returns.
 *
 * @example
 * ```ts
 * const value: LocalizedText = LocalizedText.parse(input)
 * ```
 */
export type LocalizedText = z.infer<typeof LocalizedText>

/**
 * A question id: an identifier (letters, digits, `_`), not a reserved word of the expression
 * language and not `end`. Ids are stable across versions: statistics merge by them.
 *
 * @example
 * ```ts
 * QuestionId.parse("competitor_offer")
 * ```
 */
export const QuestionId = z
  .string()
  // `__proto__` is refused too: answers are keyed by question id, and that key is an object's prototype.
  .regex(new RegExp(`^(?!(?:${[...RESERVED_WORDS, "end", "__proto__"].join("|")})$)[A-Za-z_][A-Za-z0-9_]*$`), {
    message: `A question id is an identifier (letters, digits and _, not starting with a digit) and not one of: ${[...RESERVED_WORDS, "end", "__proto__"].join(", ")}`
  })
/**
 * The type of {@link QuestionId}: what `QuestionId.parse(input)` returns.
 *
 * @example
 * ```ts
 * const value: QuestionId = QuestionId.parse(input)
 * ```
 */
export type QuestionId = z.infer<typeof QuestionId>

/**
 * A choice of a single- or multiple-choice question. The `id` is what answers and conditions use;
 * texts may change between versions while the id stays.
 *
 * @example
 * ```ts
 * const c: Choice = { id: "price", text: { en: "The price", "zh-CN": "价格" } }
 * ```
 */
export const Choice = z.object({
  id: z.string().regex(/^[A-Za-z0-9_.:-]+$/, { message: "A choice id uses letters, digits and _ . : -" }),
  text: LocalizedText
})
/**
 * The type of {@link Choice}: what `Choice.parse(input)` returns.
 *
 * @example
 * ```ts
 * const value: Choice = Choice.parse(input)
 * ```
 */
export type Choice = z.infer<typeof Choice>

/**
 * A jump evaluated once its question is visible: the first jump whose `when` holds sends the call
 * to `to` (a later question id, or `"end"`); the questions in between are skipped.
 *
 * @example
 * ```ts
 * const j: Jump = { when: 'reached == "no"', to: "end" }
 * ```
 */
export const Jump = z.object({ when: Condition, to: z.string().min(1) })
/**
 * The type of {@link Jump}: what `Jump.parse(input)` returns.
 *
 * @example
 * ```ts
 * const value: Jump = Jump.parse(input)
 * ```
 */
export type Jump = z.infer<typeof Jump>

const base = {
  id: QuestionId,
  text: LocalizedText,
  description: LocalizedText.optional(),
  section: z.string().min(1).optional(),
  required: z.boolean().optional(),
  requiredIf: Condition.optional(),
  showIf: Condition.optional(),
  jumps: z.array(Jump).optional()
}

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: "Dates are ISO YYYY-MM-DD" })

/**
 * One question. `type` is one of `text`, `multilineText`, `singleChoice`, `multipleChoice`,
 * `number`, `date`, `rating`; the other fields depend on it.
 *
 * @example
 * ```ts
 * const q: Question = {
 *   id: "reason", type: "singleChoice", text: "Why do you consider leaving?", required: true,
 *   choices: [{ id: "price", text: "Price" }, { id: "network", text: "Network quality" }]
 * }
 * ```
 */
export const Question = z.discriminatedUnion("type", [
  z.object({ ...base, type: z.literal("text"), minLength: z.int().min(0).optional(), maxLength: z.int().min(1).optional(), pattern: z.string().optional() }),
  z.object({ ...base, type: z.literal("multilineText"), minLength: z.int().min(0).optional(), maxLength: z.int().min(1).optional() }),
  z.object({ ...base, type: z.literal("singleChoice"), choices: z.array(Choice).min(1) }),
  z.object({
    ...base,
    type: z.literal("multipleChoice"),
    choices: z.array(Choice).min(1),
    minSelected: z.int().min(0).optional(),
    maxSelected: z.int().min(1).optional()
  }),
  z.object({ ...base, type: z.literal("number"), min: z.number().optional(), max: z.number().optional(), integer: z.boolean().optional() }),
  z.object({ ...base, type: z.literal("date"), min: IsoDate.optional(), max: IsoDate.optional() }),
  z.object({
    ...base,
    type: z.literal("rating"),
    min: z.int().default(1),
    max: z.int().default(5),
    minLabel: LocalizedText.optional(),
    maxLabel: LocalizedText.optional()
  })
])
/**
 * The type of {@link Question}: what `Question.parse(input)` returns.
 *
 * @example
 * ```ts
 * const value: Question = Question.parse(input)
 * ```
 */
export type Question = z.infer<typeof Question>

/**
 * The question types.
 *
 * @example
 * ```ts
 * const t: QuestionType = "rating"
 * ```
 */
export type QuestionType = Question["type"]

/**
 * A context field the host supplies when a call starts (customer tier, task type, ...). Declaring
 * fields lets analysis catch typos and impossible comparisons (`ctx.tier == "platinium"`).
 *
 * @example
 * ```ts
 * const f: ContextField = { type: "choice", values: ["diamond", "gold", "silver", "regular"] }
 * ```
 */
export const ContextField = z.discriminatedUnion("type", [
  z.object({ type: z.literal("string"), description: z.string().optional() }),
  z.object({ type: z.literal("number"), description: z.string().optional() }),
  z.object({ type: z.literal("boolean"), description: z.string().optional() }),
  z.object({ type: z.literal("choice"), values: z.array(z.string()).min(1), description: z.string().optional() })
])
/**
 * The type of {@link ContextField}: what `ContextField.parse(input)` returns.
 *
 * @example
 * ```ts
 * const value: ContextField = ContextField.parse(input)
 * ```
 */
export type ContextField = z.infer<typeof ContextField>

/**
 * A section (page) grouping consecutive questions, for display and outline only.
 *
 * @example
 * ```ts
 * const s: Section = { id: "intro", title: "Introduction" }
 * ```
 */
export const Section = z.object({ id: z.string().min(1), title: LocalizedText })
/**
 * The type of {@link Section}: what `Section.parse(input)` returns.
 *
 * @example
 * ```ts
 * const value: Section = Section.parse(input)
 * ```
 */
export type Section = z.infer<typeof Section>

/**
 * A whole questionnaire definition.
 *
 * - `hiddenAnswers`: what happens to the answer of a question that becomes hidden. `"clear"`
 *   (default) drops it; `"keep"` remembers it and restores it if the question shows again, but
 *   conditions read a hidden question as unanswered; `"keep-and-read"` remembers it and conditions
 *   still read it (SurveyJS's default, `clearInvisibleValues: "onComplete"`).
 * - `defaultLocale`: the locale used when a text has no entry for the requested one.
 *
 * @example
 * ```ts
 * const def: QuestionnaireDefinition = {
 *   id: "retention-callback", title: "Retention callback", hiddenAnswers: "clear",
 *   context: { tier: { type: "choice", values: ["gold", "silver"] } },
 *   questions: [
 *     { id: "reason", type: "singleChoice", text: "Why?", required: true, choices: [{ id: "price", text: "Price" }, { id: "other", text: "Other" }] },
 *     { id: "competitor", type: "text", text: "Which offer?", showIf: 'reason == "price"' }
 *   ]
 * }
 * ```
 */
export const QuestionnaireDefinition = z.object({
  id: z.string().min(1),
  title: LocalizedText,
  description: LocalizedText.optional(),
  defaultLocale: z.string().min(1).optional(),
  hiddenAnswers: z.enum(["clear", "keep", "keep-and-read"]).default("clear"),
  context: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), ContextField).optional(),
  sections: z.array(Section).optional(),
  questions: z.array(Question).min(1)
})
/**
 * The type of {@link QuestionnaireDefinition}: what `QuestionnaireDefinition.parse(input)` returns.
 *
 * @example
 * ```ts
 * const value: QuestionnaireDefinition = QuestionnaireDefinition.parse(input)
 * ```
 */
export type QuestionnaireDefinition = z.infer<typeof QuestionnaireDefinition>
/**
 * What a caller may pass as a definition (defaults not yet applied).
 *
 * @example
 * ```ts
 * const input: QuestionnaireDefinitionInput = { id: "x", title: "X", questions: [{ id: "q1", type: "rating", text: "Rate us" }] }
 * ```
 */
export type QuestionnaireDefinitionInput = z.input<typeof QuestionnaireDefinition>

/**
 * Where a condition sits in a definition, with its parsed AST.
 *
 * @example
 * ```ts
 * for (const c of definitionConditions(def)) console.log(c.questionId, c.kind, c.path.join("."))
 * ```
 */
export interface ConditionSite {
  readonly questionIndex: number
  readonly questionId: string
  readonly kind: "showIf" | "requiredIf" | "jump"
  readonly jumpIndex?: number
  readonly path: ReadonlyArray<string | number>
  readonly expression: ExpressionNode
}

/**
 * Lists every condition of a parsed definition with its path and AST.
 *
 * @example
 * ```ts
 * definitionConditions(parseDefinition(input)).filter((c) => c.kind === "jump")
 * ```
 */
export function definitionConditions(def: QuestionnaireDefinition): ConditionSite[] {
  const out: ConditionSite[] = []
  def.questions.forEach((q, qi) => {
    if (q.showIf !== undefined) out.push({ questionIndex: qi, questionId: q.id, kind: "showIf", path: ["questions", qi, "showIf"], expression: toExpression(q.showIf) })
    if (q.requiredIf !== undefined) out.push({ questionIndex: qi, questionId: q.id, kind: "requiredIf", path: ["questions", qi, "requiredIf"], expression: toExpression(q.requiredIf) })
    q.jumps?.forEach((j, ji) =>
      out.push({ questionIndex: qi, questionId: q.id, kind: "jump", jumpIndex: ji, path: ["questions", qi, "jumps", ji, "when"], expression: toExpression(j.when) })
    )
  })
  return out
}

/**
 * Checks a definition's structure and returns it parsed (defaults applied, condition text parsed
 * into ASTs). Throws {@link ValidationError} listing EVERY issue with its path: schema errors,
 * duplicate question/choice/section ids, unknown sections, sections that are not contiguous,
 * empty ranges, invalid patterns and expression syntax errors (with their position).
 * Semantic problems (unknown references, cycles, never-shown questions) are the job of `analyze`.
 *
 * @example
 * ```ts
 * const def = parseDefinition({
 *   id: "nps", title: "NPS", questions: [{ id: "score", type: "rating", text: "Would you recommend us?", min: 0, max: 10 }]
 * })
 * ```
 */
export function parseDefinition(input: unknown): QuestionnaireDefinition {
  // Definitions this function produced are trusted as they are (analysis and outline re-enter here).
  if (input !== null && typeof input === "object" && produced.has(input)) return input as QuestionnaireDefinition
  // A hand-written fast path accepts the common case and returns what zod would; anything it does
  // not fully understand (or any invalid input) goes through the schema, which reports the issues.
  let def = fastParseDefinition(input)
  if (def === undefined) {
    const r = QuestionnaireDefinition.safeParse(input)
    if (!r.success) throw ValidationError.fromZod(r.error)
    def = r.data
  }
  const parsed = new Map<string, ExpressionNode>()
  const issues = structuralIssues(def, parsed)
  if (issues.length > 0) throw new ValidationError(issues)
  // Conditions given as text become ASTs, so everything downstream works on data.
  const ast = (c: Condition): ExpressionNode => (typeof c === "string" ? parsed.get(c)! : c)
  // zod returned fresh objects, so the conditions can be replaced in place.
  for (const q of def.questions) {
    if (q.showIf !== undefined) q.showIf = ast(q.showIf)
    if (q.requiredIf !== undefined) q.requiredIf = ast(q.requiredIf)
    if (q.jumps !== undefined) for (const j of q.jumps) j.when = ast(j.when)
  }
  produced.add(def)
  return def
}

const produced = new WeakSet<object>()

function structuralIssues(def: QuestionnaireDefinition, parsed: Map<string, ExpressionNode>): ValidationIssue[] {
  const issues: ValidationIssue[] = []
  const seen = new Map<string, number>()
  const sectionIds = new Set<string>()
  def.sections?.forEach((s, si) => {
    if (sectionIds.has(s.id)) issues.push({ path: ["sections", si, "id"], code: "duplicate_section_id", message: `Section id "${s.id}" is used twice` })
    sectionIds.add(s.id)
  })
  const closedSections = new Set<string>()
  let openSection: string | undefined
  def.questions.forEach((q, qi) => {
    const first = seen.get(q.id)
    if (first !== undefined) issues.push({ path: ["questions", qi, "id"], code: "duplicate_question_id", message: `Question id "${q.id}" is already used by questions[${first}]` })
    else seen.set(q.id, qi)
    if (q.section !== undefined) {
      if (!sectionIds.has(q.section)) issues.push({ path: ["questions", qi, "section"], code: "unknown_section", message: `Unknown section "${q.section}"` })
      if (q.section !== openSection) {
        if (closedSections.has(q.section)) issues.push({ path: ["questions", qi, "section"], code: "section_not_contiguous", message: `The questions of section "${q.section}" must be consecutive` })
        if (openSection !== undefined) closedSections.add(openSection)
        openSection = q.section
      }
    } else if (openSection !== undefined) {
      closedSections.add(openSection)
      openSection = undefined
    }
    if (q.type === "singleChoice" || q.type === "multipleChoice") {
      // Short lists (the usual case) are checked pairwise; long ones with a Set.
      const cs = q.choices
      const ids = cs.length > 16 ? new Set<string>() : undefined
      for (let ci = 0; ci < cs.length; ci++) {
        const id = cs[ci]!.id
        let dup = false
        if (ids !== undefined) {
          dup = ids.has(id)
          ids.add(id)
        } else for (let cj = 0; cj < ci && !dup; cj++) dup = cs[cj]!.id === id
        if (dup) issues.push({ path: ["questions", qi, "choices", ci, "id"], code: "duplicate_choice_id", message: `Choice id "${id}" is used twice in "${q.id}"` })
      }
    }
    if (q.type === "multipleChoice") {
      if (q.minSelected !== undefined && q.maxSelected !== undefined && q.minSelected > q.maxSelected)
        issues.push({ path: ["questions", qi, "minSelected"], code: "empty_range", message: "minSelected is greater than maxSelected" })
      if (q.minSelected !== undefined && q.minSelected > q.choices.length)
        issues.push({ path: ["questions", qi, "minSelected"], code: "empty_range", message: `minSelected ${q.minSelected} exceeds the ${q.choices.length} choices` })
    }
    if ((q.type === "number" || q.type === "rating" || q.type === "date") && q.min !== undefined && q.max !== undefined && q.min > q.max)
      issues.push({ path: ["questions", qi, "min"], code: "empty_range", message: "min is greater than max" })
    if ((q.type === "text" || q.type === "multilineText") && q.minLength !== undefined && q.maxLength !== undefined && q.minLength > q.maxLength)
      issues.push({ path: ["questions", qi, "minLength"], code: "empty_range", message: "minLength is greater than maxLength" })
    if (q.type === "text" && q.pattern !== undefined) {
      try {
        new RegExp(q.pattern, "u")
      } catch {
        issues.push({ path: ["questions", qi, "pattern"], code: "invalid_pattern", message: `Not a valid regular expression: ${q.pattern}` })
      }
    }
    const cond = (c: Condition | undefined, path: Array<string | number>): void => {
      if (typeof c !== "string" || parsed.has(c)) return
      try {
        parsed.set(c, toExpression(c))
      } catch (e) {
        if (e instanceof ExpressionSyntaxError)
          issues.push({ path, code: "expression_syntax", message: `${e.reason} at position ${e.position}${e.expected.length > 0 ? ` (expected ${e.expected.join(", ")})` : ""}: ${c}` })
        else throw e
      }
    }
    cond(q.showIf, ["questions", qi, "showIf"])
    cond(q.requiredIf, ["questions", qi, "requiredIf"])
    q.jumps?.forEach((j, ji) => cond(j.when, ["questions", qi, "jumps", ji, "when"]))
  })
  return issues
}

/**
 * Picks the text for a locale: the exact locale, then its language (`zh` for `zh-CN`), then the
 * default locale, then the first text given.
 *
 * @example
 * ```ts
 * localize({ en: "Hello", zh: "你好" }, "zh-CN") // "你好"
 * ```
 */
export function localize(text: LocalizedText, locale?: string, defaultLocale?: string): string {
  if (typeof text === "string") return text
  if (locale !== undefined) {
    const exact = text[locale]
    if (exact !== undefined) return exact
    const lang = locale.split("-")[0]!
    const byLang = text[lang]
    if (byLang !== undefined) return byLang
  }
  if (defaultLocale !== undefined && text[defaultLocale] !== undefined) return text[defaultLocale]!
  return Object.values(text)[0] ?? ""
}
