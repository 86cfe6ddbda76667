/**
 * The definition format of a questionnaire (a "work template") as zod schemas: questions, choices
 * with stable ids, optional sections, conditions in the expression language, jumps, per-locale
 * texts and declared context fields. `parseDefinition` (in `Questionnaire.ts`) checks a definition
 * against them and the structural rules; this module holds only the shapes, so the fast parser
 * reads them without importing the parser that calls it.
 */
import * as z from "zod"
import { Condition, RESERVED_WORDS } from "./Expression"

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
