/**
 * Questionnaire definitions (a "work template"), read and checked: `parseDefinition` checks the
 * shapes of `QuestionnaireDefinition.ts` (re-exported here) and the structural rules, and reports
 * every issue at once; `definitionConditions` lists the conditions; `localize` picks a text.
 */
import { toExpression, type Condition, type ExpressionNode } from "./Expression"
import { ExpressionSyntaxError, ValidationError, type ValidationIssue } from "./Errors"
import { fastParseDefinition } from "./internal/FastParse"
import { Choice, ContextField, Jump, LocalizedText, Question, QuestionId, QuestionnaireDefinition, type QuestionnaireDefinitionInput, type QuestionType, Section } from "./QuestionnaireDefinition"

export { Choice, ContextField, Jump, LocalizedText, Question, QuestionId, QuestionnaireDefinition, type QuestionnaireDefinitionInput, type QuestionType, Section }

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
    if (!r.success) throw ValidationError.fromZod(r.error, "questionnaire")
    def = r.data
  }
  const parsed = new Map<string, ExpressionNode>()
  const issues = structuralIssues(def, parsed)
  if (issues.length > 0) throw new ValidationError({ issues, subject: "questionnaire" })
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
