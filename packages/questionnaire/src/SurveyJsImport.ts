/**
 * Import from SurveyJS JSON with SurveyJS's own semantics where our model can carry them, and a
 * named approximation (a warning) where it cannot. Refusals name the SurveyJS element (page,
 * name, property). The supported, approximated and refused features are listed in
 * docs/questionnaire/surveyjs.md.
 */
import { analyzeParsed } from "./Analysis"
import { ValidationError, type ValidationIssue } from "./Errors"
import { RESERVED_WORDS, type ExpressionNode, type LiteralValue } from "./Expression"
import { parseDefinition, type QuestionnaireDefinition } from "./Questionnaire"
import { parseSurveyJsExpression, sjEquals, sjOrder, SjSyntaxError, type SjNode } from "./internal/SurveyJsExpression"

/**
 * Options of {@link importSurveyJs}.
 *
 * @example
 * ```ts
 * importSurveyJs(json, { id: "imported-csat", defaultLocale: "en", triggers: "jumps" })
 * ```
 */
export interface SurveyJsImportOptions {
  /** Id of the resulting questionnaire (default: the survey's `title`, slugged, or "imported"). */
  readonly id?: string
  /** The locale SurveyJS's `default` text key maps to (default "en"). */
  readonly defaultLocale?: string
  /**
   * How skip and complete triggers are imported. `"surveyjs"` (default) keeps SurveyJS's meaning:
   * they are navigation only, every question stays visible, and they are returned in
   * `result.triggers` for the host's Next button. `"jumps"` (opt-in) turns them into jumps, which
   * hide the skipped questions — a different visible set from SurveyJS.
   */
  readonly triggers?: "surveyjs" | "jumps"
}

/** A display-only SurveyJS element (`html`, `expression`, `image`) kept beside the definition. */
export interface SurveyJsStatement {
  readonly name: string
  readonly kind: "html" | "expression" | "image"
  /** The html, the expression source, or the image link. */
  readonly content: string
  /** The question it is shown before (null: after the last question). */
  readonly before: string | null
  /** When it is shown (its own, its panels' and its page's visibleIf). */
  readonly showIf?: ExpressionNode
}

/** A SurveyJS completion outcome: `completedHtmlOnCondition` or `navigateToUrlOnCondition`. */
export interface SurveyJsOutcome {
  readonly kind: "html" | "url"
  readonly when: ExpressionNode
  readonly value: string
}

/** A skip or complete trigger imported in `"surveyjs"` trigger mode. */
export interface SurveyJsTrigger {
  readonly kind: "skip" | "complete"
  readonly when: ExpressionNode
  /** Question id to go to (skip). */
  readonly to?: string
}

/**
 * The imported definition plus what lives beside it: SurveyJS names and choice values (for piping
 * and export back), default answers, display-only statements, completion outcomes, triggers, and
 * warnings naming every approximation.
 *
 * @example
 * ```ts
 * const { definition, names, defaults } = importSurveyJs(json)
 * let s = start(publish(definition))
 * for (const [id, v] of Object.entries(defaults)) s = answer(s, id, v)
 * names[definition.questions[0]!.id] // the SurveyJS name, e.g. "Full name"
 * ```
 */
export interface SurveyJsImportResult {
  readonly definition: QuestionnaireDefinition
  readonly warnings: ReadonlyArray<ValidationIssue>
  /** Question id → SurveyJS value name (`matrix.row`, `multipletext.item` for parts). */
  readonly names: Readonly<Record<string, string>>
  /** Question id → choice id → the SurveyJS choice value it stands for. */
  readonly choiceValues: Readonly<Record<string, Readonly<Record<string, string | number | boolean>>>>
  /** Question id → default answer (from `defaultValue`), in our answer format. */
  readonly defaults: Readonly<Record<string, string | number | ReadonlyArray<string>>>
  readonly statements: ReadonlyArray<SurveyJsStatement>
  readonly outcomes: ReadonlyArray<SurveyJsOutcome>
  readonly triggers: ReadonlyArray<SurveyJsTrigger>
}

type Json = Record<string, unknown>
type Path = Array<string | number>
type Scalar = string | number | boolean

/** Deepest panel nesting accepted. */
const MAX_PANEL_DEPTH = 50

// What a SurveyJS name resolves to, for expressions.
interface Info {
  readonly id: string
  kind: "choice" | "multi" | "number" | "text" | "date" | "group"
  readonly values: Array<{ id: string; value: Scalar }>
  readonly parts: string[]
  readonly q?: Json
  readonly order: number
}

// Properties that change nothing we model (layout, texts shown elsewhere, validation messages).
const COSMETIC = new Set(
  "type name title description isRequired visibleIf requiredIf choices inputType rateMin rateMax rateValues rateCount rateStep elements placeholder placeHolder startWithNewLine labelTrue labelFalse minRateDescription maxRateDescription maxLength min max visible valueName titleLocation hideNumber width colCount rows autoGrow allowResize state indent maxWidth minWidth rateType displayMode questionTitleLocation renderAs allowClear searchEnabled maxSelectedChoices minSelectedChoices step size showOtherItem hasOther otherText otherPlaceholder otherPlaceHolder otherErrorText showNoneItem hasNone noneText showSelectAllItem hasSelectAll selectAllText hasComment showCommentArea commentText commentPlaceholder defaultValue enableIf readOnly choicesOrder swapOrder requiredErrorText minErrorText maxErrorText columns isAllRowRequired cellType items alternateRows verticalAlign rowTitleWidth columnMinWidth html expression imageLink imageHeight imageWidth contentMode labelCount displayStyle currency precision format signatureWidth signatureHeight penColor showPlaceholder textUpdateMode dataList autocomplete inputSize innerIndent showTitle itemSize transposeData horizontalScroll columnLayout hideIfChoicesEmpty separateSpecialChoices choicesVisibleIf choicesEnableIf valueTrue valueFalse rateColorMode scaleColorMode autoGenerate rateDisplayMode showQuestionNumbers innerTitleLocation".split(
    " "
  )
)
// Properties that change values or behaviour we do not run: imported with a warning.
const APPROXIMATED: Readonly<Record<string, string>> = {
  enableIf: "the question is always enabled (enableIf is not run)",
  readOnly: "the question is editable (readOnly is not kept)",
  validators: "validators were dropped",
  resetValueIf: "resetValueIf is not run",
  setValueIf: "setValueIf is not run",
  setValueExpression: "setValueExpression is not run",
  defaultValueExpression: "defaultValueExpression is not run",
  correctAnswer: "correctAnswer (quiz scoring) is not kept",
  choicesVisibleIf: "every choice is offered (choicesVisibleIf is not run)",
  choicesEnableIf: "every choice is enabled (choicesEnableIf is not run)",
  isUnique: "isUnique is not checked",
  maxValueExpression: "maxValueExpression is not run",
  minValueExpression: "minValueExpression is not run"
}
const REFUSED: Readonly<Record<string, string>> = {
  choicesByUrl: "choices loaded from a web service cannot be frozen into a published version",
  choicesFromQuestion: "choices copied from another question's answer are not supported"
}

const KNOWN_TYPES = new Set(["text", "comment", "radiogroup", "dropdown", "checkbox", "tagbox", "boolean", "rating", "slider", "signaturepad", "file", "multipletext", "matrix", "matrixdropdown", "panel", "html", "expression", "image"])
const ID_RE = /^[A-Za-z_][A-Za-z0-9_]*$/
const CHOICE_RE = /^[A-Za-z0-9_.:-]+$/
const TAKEN = new Set([...RESERVED_WORDS, "end", "__proto__"])

/** Converts any SurveyJS name into a question id (identifier, not reserved), unique among `used`. */
function questionId(name: string, used: Set<string>): string {
  let base = name.normalize("NFKD").replace(/[^A-Za-z0-9_]+/g, "_").replace(/^_+|_+$/g, "")
  if (base === "" || /^[0-9]/.test(base)) base = `q_${base}`
  if (TAKEN.has(base)) base = `${base}_q`
  let id = ID_RE.test(name) && !TAKEN.has(name) ? name : base
  for (let k = 2; used.has(id.toLowerCase()); k++) id = `${base}_${k}`
  used.add(id.toLowerCase())
  return id
}

function choiceId(value: Scalar, used: Set<string>): string {
  const s = String(value)
  let base = CHOICE_RE.test(s) ? s : s.normalize("NFKD").replace(/[^A-Za-z0-9_.:-]+/g, "_").replace(/^_+|_+$/g, "") || "choice"
  if (!CHOICE_RE.test(base)) base = "choice"
  let id = base
  for (let k = 2; used.has(id); k++) id = `${base}_${k}`
  used.add(id)
  return id
}

const short = (s: string): string => (s.length > 60 ? `${s.slice(0, 57)}...` : s)

/**
 * Converts SurveyJS JSON to a checked definition. Throws {@link ValidationError} with one issue per
 * refused element, property or expression, each naming the SurveyJS element and its path
 * (`pages.0.elements.3`); approximations are returned as warnings.
 *
 * @example
 * ```ts
 * const { definition } = importSurveyJs({
 *   pages: [{ name: "p1", elements: [
 *     { type: "radiogroup", name: "reason", title: "Why?", isRequired: true, choices: ["price", "network"] },
 *     { type: "text", name: "competitor", visibleIf: "{reason} = 'price'" }
 *   ] }]
 * })
 * definition.questions[1]?.showIf // { type: "compare", op: "==", ... }
 * ```
 */
export function importSurveyJs(json: unknown, options: SurveyJsImportOptions = {}): SurveyJsImportResult {
  const issues: ValidationIssue[] = []
  const warnings: ValidationIssue[] = []
  const defaultLocale = options.defaultLocale ?? "en"
  const triggerMode = options.triggers ?? "surveyjs"
  if (json === null || typeof json !== "object" || Array.isArray(json))
    throw new ValidationError({ issues: [{ path: [], code: "invalid_type", message: "Expected a SurveyJS JSON object" }], subject: "SurveyJS survey" })
  const survey = json as Json
  const text = (v: unknown): unknown => {
    if (typeof v === "string") return v.trim() === "" ? undefined : v
    if (v === null || typeof v !== "object") return undefined
    const out: Record<string, string> = {}
    for (const [k, s] of Object.entries(v as Record<string, unknown>)) if (typeof s === "string" && s !== "") out[k === "default" ? defaultLocale : k] = s
    return Object.keys(out).length > 0 ? out : undefined
  }

  const questions: Json[] = []
  const origin: Array<{ path: Path; label: string }> = [] // per question: where it came from
  const sections: Json[] = []
  const usedIds = new Set<string>()
  const byName = new Map<string, Info>() // lower-cased SurveyJS name → info
  const names: Record<string, string> = {}
  const choiceValues: Record<string, Record<string, Scalar>> = {}
  const defaults: Record<string, string | number | ReadonlyArray<string>> = {}
  const statements: Array<{ name: string; kind: SurveyJsStatement["kind"]; content: string; beforeIndex: number; cond: Cond }> = []
  // Conditions are converted once every question is known (types, choices, later names).
  interface Cond {
    readonly parts: ReadonlyArray<{ src: string; path: Path; label: string }>
  }
  const pending: Array<{ q: Json; key: "showIf" | "requiredIf"; cond: Cond; self: string; extra?: ExpressionNode }> = []
  const context: Record<string, { type: "string" | "number" | "boolean" }> = {}
  const typed = new Set<string>()
  const variables = new Map<string, string>()
  const usedVariables = new Set<string>()

  const addInfo = (sjName: string, info: Info): void => {
    if (!byName.has(sjName.toLowerCase())) byName.set(sjName.toLowerCase(), info)
  }

  const newQuestion = (sjName: string, label: string, path: Path, q: Json, kind: Info["kind"], values: Array<{ id: string; value: Scalar }>): Info => {
    const id = questionId(sjName, usedIds)
    q.id = id
    names[id] = sjName
    if (values.length > 0) choiceValues[id] = Object.fromEntries(values.map((v) => [v.id, v.value]))
    questions.push(q)
    origin.push({ path, label })
    return { id, kind, values, parts: [id], q, order: questions.length - 1 }
  }

  const choicesOf = (raw: unknown, el: Json, ep: Path, label: string, withSpecial: boolean): { choices: Json[]; values: Array<{ id: string; value: Scalar }> } => {
    const used = new Set<string>()
    const choices: Json[] = []
    const values: Array<{ id: string; value: Scalar }> = []
    const add = (value: Scalar, t: unknown): void => {
      if (values.some((v) => sjEquals(v.value, value))) return // SurveyJS keeps the first of equal values
      const id = choiceId(value, used)
      choices.push({ id, text: text(t) ?? String(value) })
      values.push({ id, value })
    }
    if (Array.isArray(raw))
      raw.forEach((c, ci) => {
        if (c !== null && typeof c === "object") {
          const o = c as Json
          const v = o.value
          if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") {
            issues.push({ path: [...ep, "choices", ci, "value"], code: "unsupported_property", message: `${label}: choice ${ci + 1} has no value` })
            return
          }
          if (typeof o.visibleIf === "string") warnings.push({ path: [...ep, "choices", ci, "visibleIf"], code: "approximated", message: `${label}: choice "${short(String(v))}" is always offered (its visibleIf is not run)` })
          add(v, o.text)
        } else if (typeof c === "string" || typeof c === "number" || typeof c === "boolean") {
          // SurveyJS Creator's "value|text" shorthand
          if (typeof c === "string" && c.includes("|")) add(c.slice(0, c.indexOf("|")), c.slice(c.indexOf("|") + 1))
          else add(c, undefined)
        }
      })
    if (withSpecial) {
      if (el.showNoneItem === true || el.hasNone === true) add(String(el.noneValue ?? "none"), el.noneText ?? "None")
      if (el.showOtherItem === true || el.hasOther === true) add("other", el.otherText ?? "Other (describe)")
    }
    return { choices, values }
  }

  const condOf = (parts: Cond["parts"], src: unknown, path: Path, label: string): Cond =>
    typeof src === "string" && src.trim() !== "" ? { parts: [...parts, { src, path, label }] } : { parts }

  const walk = (elements: unknown, path: Path, cond: Cond, section: string | undefined, depth: number, pageLabel: string): void => {
    if (elements === undefined) return
    if (!Array.isArray(elements)) {
      issues.push({ path, code: "invalid_type", message: `${pageLabel}: "elements" must be a list` })
      return
    }
    if (depth > MAX_PANEL_DEPTH) {
      issues.push({ path, code: "too_deep", message: `${pageLabel}: panels are nested deeper than ${MAX_PANEL_DEPTH} levels` })
      return
    }
    elements.forEach((raw, k) => {
      const ep = [...path, k]
      if (raw === null || typeof raw !== "object") {
        issues.push({ path: ep, code: "invalid_type", message: `${pageLabel}: element ${k + 1} is not an object` })
        return
      }
      const el = raw as Json
      const type = String(el.type ?? "")
      const sjName = typeof el.name === "string" ? el.name : typeof el.name === "number" ? String(el.name) : ""
      const label = `${pageLabel}, ${type || "element"} "${short(sjName)}"`
      let refused = false
      for (const p of Object.keys(el)) {
        if (REFUSED[p] !== undefined && el[p] !== undefined && el[p] !== null && el[p] !== "") {
          issues.push({ path: [...ep, p], code: "unsupported_property", message: `${label}: "${p}": ${REFUSED[p]}` })
          refused = true
        }
        else if (APPROXIMATED[p] !== undefined && el[p] !== undefined && !(Array.isArray(el[p]) && (el[p] as unknown[]).length === 0) && el[p] !== false)
          warnings.push({ path: [...ep, p], code: "approximated", message: `${label}: ${APPROXIMATED[p]}` })
        else if (!COSMETIC.has(p) && REFUSED[p] === undefined && APPROXIMATED[p] === undefined && !p.startsWith("loc"))
          warnings.push({ path: [...ep, p], code: "ignored_property", message: `${label}: "${p}" was ignored` })
      }
      if (refused) return
      if (el.visible === false && typeof el.visibleIf !== "string") {
        warnings.push({ path: [...ep, "visible"], code: "never_shown", message: `${label}: visible: false without visibleIf is never shown; it was left out` })
        return
      }
      const c = condOf(cond.parts, el.visibleIf, [...ep, "visibleIf"], label)
      if (type === "panel") {
        walk(el.elements, [...ep, "elements"], c, section, depth + 1, label)
        return
      }
      if (type === "html" || type === "expression" || type === "image") {
        const content = type === "html" ? el.html : type === "expression" ? (el.expression ?? el.title) : el.imageLink
        statements.push({ name: sjName, kind: type, content: typeof content === "string" ? content : String(text(content) ? JSON.stringify(text(content)) : ""), beforeIndex: questions.length, cond: c })
        return
      }
      if (!KNOWN_TYPES.has(type)) {
        issues.push({ path: [...ep, "type"], code: "unsupported_element", message: `${label}: "${type}" is not supported (supported: ${[...KNOWN_TYPES].join(", ")})` })
        return
      }
      if (sjName.trim() === "") {
        issues.push({ path: [...ep, "name"], code: "missing_name", message: `${label}: a question needs a name` })
        return
      }
      if (byName.has(sjName.toLowerCase()))
        warnings.push({ path: [...ep, "name"], code: "approximated", message: `${label}: the name is used twice; SurveyJS shares one value between both, here they are separate questions and conditions read the first` })
      const base = (): Json => {
        const q: Json = { text: text(el.title) ?? sjName }
        if (text(el.description) !== undefined) q.description = text(el.description)
        if (section !== undefined) q.section = section
        if (el.isRequired === true) q.required = true
        return q
      }
      const finish = (info: Info, requiredIf: unknown = el.requiredIf): void => {
        addInfo(sjName, info)
        const q = info.q!
        if (c.parts.length > 0) pending.push({ q, key: "showIf", cond: c, self: sjName })
        if (typeof requiredIf === "string" && requiredIf.trim() !== "") pending.push({ q, key: "requiredIf", cond: { parts: [{ src: requiredIf, path: [...ep, "requiredIf"], label }] }, self: sjName })
        if (el.defaultValue !== undefined && el.defaultValue !== null) setDefault(info, el.defaultValue, [...ep, "defaultValue"], label)
      }
      // A comment box beside the question (hasComment) or the text of its "other" item.
      const companion = (info: Info, kind: "other" | "comment"): void => {
        const cq: Json = { type: "text", text: text(kind === "other" ? (el.otherPlaceholder ?? el.otherPlaceHolder ?? el.otherText) : el.commentText) ?? (kind === "other" ? "Please describe" : "Comment") }
        if (section !== undefined) cq.section = section
        const cinfo = newQuestion(`${sjName}-Comment`, `${label} (${kind})`, [...ep, kind === "other" ? "showOtherItem" : "hasComment"], cq, "text", [])
        addInfo(`${sjName}-Comment`, cinfo)
        const other = info.values.find((v) => v.value === "other")
        const otherCond: ExpressionNode | undefined =
          kind === "other" && other !== undefined
            ? info.kind === "multi"
              ? { type: "contains", collection: { type: "answer", question: info.id }, value: { type: "literal", value: other.id } }
              : { type: "compare", op: "==", left: { type: "answer", question: info.id }, right: { type: "literal", value: other.id } }
            : undefined
        // SurveyJS asks for the other text whenever "other" is chosen, and keeps it (as the
        // question's comment) when "other" is unticked and ticked again: so the box shows with its
        // question and is required while "other" is chosen.
        if (otherCond !== undefined) cq.requiredIf = otherCond
        if (c.parts.length > 0) pending.push({ q: cq, key: "showIf", cond: c, self: "" })
      }
      switch (type) {
        case "text": {
          const it = String(el.inputType ?? "text")
          const q = base()
          let kind: Info["kind"] = "text"
          if (it === "number" || it === "range") {
            q.type = "number"
            kind = "number"
            if (typeof el.min === "number") q.min = el.min
            if (typeof el.max === "number") q.max = el.max
          } else if (it === "date") {
            q.type = "date"
            kind = "date"
            if (typeof el.min === "string" && /^\d{4}-\d{2}-\d{2}$/.test(el.min)) q.min = el.min
            if (typeof el.max === "string" && /^\d{4}-\d{2}-\d{2}$/.test(el.max)) q.max = el.max
          } else {
            q.type = "text"
            if (!["text", "email", "tel", "url", "password", "search", "color", "datetime-local", "month", "week", "time", "datetime"].includes(it))
              warnings.push({ path: [...ep, "inputType"], code: "approximated", message: `${label}: inputType "${it}" is imported as plain text` })
            else if (it !== "text" && it !== "email" && it !== "tel" && it !== "url")
              warnings.push({ path: [...ep, "inputType"], code: "approximated", message: `${label}: inputType "${it}" is imported as plain text` })
            if (typeof el.maxLength === "number" && el.maxLength > 0) q.maxLength = el.maxLength
          }
          const info = newQuestion(sjName, label, ep, q, kind, [])
          finish(info)
          if (el.hasComment === true || el.showCommentArea === true) companion(info, "comment")
          return
        }
        case "comment": {
          const q = { ...base(), type: "multilineText" } as Json
          if (typeof el.maxLength === "number" && el.maxLength > 0) q.maxLength = el.maxLength
          finish(newQuestion(sjName, label, ep, q, "text", []))
          return
        }
        case "radiogroup":
        case "dropdown":
        case "checkbox":
        case "tagbox": {
          const { choices, values } = choicesOf(el.choices, el, ep, label, true)
          if (choices.length === 0) {
            issues.push({ path: [...ep, "choices"], code: "unsupported_property", message: `${label}: a choice question needs at least one choice` })
            return
          }
          const multi = type === "checkbox" || type === "tagbox"
          const q = { ...base(), type: multi ? "multipleChoice" : "singleChoice", choices } as Json
          if (multi && typeof el.maxSelectedChoices === "number" && el.maxSelectedChoices > 0) q.maxSelected = el.maxSelectedChoices
          if (multi && typeof el.minSelectedChoices === "number" && el.minSelectedChoices > 0) {
            q.minSelected = Math.min(el.minSelectedChoices, choices.length)
            // survey-core asks for the minimum even when nothing is ticked: the question is required.
            q.required = true
          }
          if (multi && (el.showNoneItem === true || el.hasNone === true))
            warnings.push({ path: [...ep, "showNoneItem"], code: "approximated", message: `${label}: "none" is an ordinary choice (not exclusive of the others)` })
          if (el.showSelectAllItem === true || el.hasSelectAll === true)
            warnings.push({ path: [...ep, "showSelectAllItem"], code: "approximated", message: `${label}: "select all" is a UI shortcut; the agent ticks the choices` })
          const info = newQuestion(sjName, label, ep, q, multi ? "multi" : "choice", values)
          finish(info)
          if (el.showOtherItem === true || el.hasOther === true) companion(info, "other")
          if (el.hasComment === true || el.showCommentArea === true) companion(info, "comment")
          return
        }
        case "boolean": {
          const values = [
            { id: "true", value: true as Scalar },
            { id: "false", value: false as Scalar }
          ]
          const q = { ...base(), type: "singleChoice", choices: [{ id: "true", text: text(el.labelTrue) ?? "Yes" }, { id: "false", text: text(el.labelFalse) ?? "No" }] } as Json
          finish(newQuestion(sjName, label, ep, q, "choice", values))
          return
        }
        case "signaturepad":
        case "file": {
          warnings.push({ path: [...ep, "type"], code: "approximated", message: `${label}: the ${type === "file" ? "file" : "signature"} is recorded as text (a reference to the stored attachment)` })
          finish(newQuestion(sjName, label, ep, { ...base(), type: "text" }, "text", []))
          return
        }
        case "rating":
        case "slider": {
          const q = { ...base(), type: type === "slider" ? "number" : "rating" } as Json
          if (type === "slider") {
            q.min = typeof el.min === "number" ? el.min : 0
            q.max = typeof el.max === "number" ? el.max : 100
          } else if (Array.isArray(el.rateValues) && el.rateValues.length > 0) {
            const nums = el.rateValues.map((v) => Number(v !== null && typeof v === "object" ? (v as Json).value : v))
            const min = Math.min(...nums)
            if (!nums.every((x, idx) => Number.isInteger(x) && x === min + idx)) {
              const { choices, values } = choicesOf(el.rateValues, el, ep, label, false)
              warnings.push({ path: [...ep, "rateValues"], code: "approximated", message: `${label}: rateValues that are not consecutive whole numbers become a single choice` })
              finish(newQuestion(sjName, label, ep, { ...base(), type: "singleChoice", choices }, "choice", values))
              return
            }
            q.min = min
            q.max = min + nums.length - 1
          } else {
            const step = typeof el.rateStep === "number" ? el.rateStep : 1
            q.min = typeof el.rateMin === "number" ? el.rateMin : 1
            const count = typeof el.rateCount === "number" ? el.rateCount : undefined
            q.max = count !== undefined ? (q.min as number) + (count - 1) * step : typeof el.rateMax === "number" ? el.rateMax : 5
            if (step !== 1) warnings.push({ path: [...ep, "rateStep"], code: "approximated", message: `${label}: rateStep ${step} is imported as a scale of whole numbers` })
          }
          if (text(el.minRateDescription) !== undefined) q.minLabel = text(el.minRateDescription)
          if (text(el.maxRateDescription) !== undefined) q.maxLabel = text(el.maxRateDescription)
          finish(newQuestion(sjName, label, ep, q, "number", []))
          return
        }
        case "multipletext": {
          const items = Array.isArray(el.items) ? (el.items as unknown[]).filter((x): x is Json => x !== null && typeof x === "object") : []
          const parts: string[] = []
          items.forEach((it, ii) => {
            const iname = String(it?.name ?? "")
            if (iname === "") return
            const q: Json = { type: it.inputType === "number" ? "number" : "text", text: `${String(text(el.title) ?? sjName)}: ${String(text(it.title) ?? iname)}` }
            if (section !== undefined) q.section = section
            if (it.isRequired === true || el.isRequired === true) q.required = true
            const info = newQuestion(`${sjName}.${iname}`, `${label} item "${iname}"`, [...ep, "items", ii], q, q.type === "number" ? "number" : "text", [])
            addInfo(`${sjName}.${iname}`, info)
            parts.push(info.id)
            if (c.parts.length > 0) pending.push({ q, key: "showIf", cond: c, self: sjName })
          })
          addInfo(sjName, { id: parts[0] ?? "", kind: "group", values: [], parts, order: questions.length - 1 })
          if (el.isRequired === true) warnings.push({ path: [...ep, "isRequired"], code: "approximated", message: `${label}: isRequired makes every item required` })
          return
        }
        case "matrix": {
          const { choices, values } = choicesOf(el.columns, el, ep, label, false)
          const rows = Array.isArray(el.rows) ? el.rows : []
          if (choices.length === 0 || rows.length === 0) {
            issues.push({ path: ep, code: "unsupported_property", message: `${label}: a matrix needs rows and columns` })
            return
          }
          const parts: string[] = []
          rows.forEach((r, ri) => {
            const rv = r !== null && typeof r === "object" ? (r as Json).value : r
            const rt = r !== null && typeof r === "object" ? (r as Json).text : undefined
            const q: Json = { type: "singleChoice", text: `${String(text(el.title) ?? sjName)}: ${String(text(rt) ?? rv)}`, choices: choices.map((x) => ({ ...x })) }
            if (section !== undefined) q.section = section
            // isAllRowRequired: every row; isRequired: at least one row, carried by the last row.
            if (el.isAllRowRequired === true) q.required = true
            else if (el.isRequired === true && ri === rows.length - 1 && parts.length > 0)
              q.requiredIf = { type: "and", items: parts.map((p) => ({ type: "call", fn: "empty", arg: { type: "answer", question: p } })) }
            else if (el.isRequired === true && rows.length === 1) q.required = true
            const info = newQuestion(`${sjName}.${String(rv)}`, `${label} row "${short(String(rv))}"`, [...ep, "rows", ri], q, "choice", values)
            addInfo(`${sjName}.${String(rv)}`, info)
            parts.push(info.id)
            if (c.parts.length > 0) pending.push({ q, key: "showIf", cond: c, self: sjName })
          })
          addInfo(sjName, { id: parts[0]!, kind: "group", values: [], parts, order: questions.length - 1 })
          return
        }
        case "matrixdropdown": {
          const rows = Array.isArray(el.rows) ? el.rows : []
          const cols = Array.isArray(el.columns) ? (el.columns as unknown[]).filter((x): x is Json => x !== null && typeof x === "object") : []
          const parts: string[] = []
          rows.forEach((r, ri) => {
            const rv = String(r !== null && typeof r === "object" ? (r as Json).value : r)
            const rt = r !== null && typeof r === "object" ? (r as Json).text : undefined
            cols.forEach((col, ci) => {
              const cn = String(col?.name ?? "")
              const cell = String(col.cellType ?? el.cellType ?? "dropdown")
              const cp = [...ep, "columns", ci]
              const q: Json = { text: `${String(text(el.title) ?? sjName)}: ${String(text(rt) ?? rv)} / ${String(text(col.title) ?? cn)}` }
              if (section !== undefined) q.section = section
              if (col.isRequired === true) q.required = true
              let kind: Info["kind"] = "text"
              let values: Array<{ id: string; value: Scalar }> = []
              if (cell === "dropdown" || cell === "radiogroup" || cell === "checkbox" || cell === "tagbox") {
                const ch = choicesOf(col.choices ?? el.choices, col, cp, label, false)
                if (ch.choices.length === 0) {
                  if (ri === 0) issues.push({ path: cp, code: "unsupported_property", message: `${label} column "${cn}": a choice column needs choices` })
                  return
                }
                kind = cell === "checkbox" || cell === "tagbox" ? "multi" : "choice"
                q.type = kind === "multi" ? "multipleChoice" : "singleChoice"
                q.choices = ch.choices
                values = ch.values
              } else if (cell === "boolean") {
                kind = "choice"
                q.type = "singleChoice"
                q.choices = [{ id: "true", text: "Yes" }, { id: "false", text: "No" }]
                values = [{ id: "true", value: true }, { id: "false", value: false }]
              } else if (cell === "text" || cell === "comment") {
                q.type = cell === "comment" ? "multilineText" : col.inputType === "number" ? "number" : "text"
                kind = q.type === "number" ? "number" : "text"
              } else if (cell === "rating") {
                q.type = "rating"
                kind = "number"
              } else {
                if (ri === 0) issues.push({ path: [...cp, "cellType"], code: "unsupported_element", message: `${label} column "${cn}": cellType "${cell}" is not supported` })
                return
              }
              const info = newQuestion(`${sjName}.${rv}.${cn}`, `${label} row "${short(rv)}" column "${short(cn)}"`, cp, q, kind, values)
              addInfo(`${sjName}.${rv}.${cn}`, info)
              parts.push(info.id)
              if (c.parts.length > 0) pending.push({ q, key: "showIf", cond: c, self: sjName })
            })
          })
          if (parts.length === 0) {
            if (!issues.some((x) => x.path.length > ep.length && ep.every((p, pi) => x.path[pi] === p))) issues.push({ path: ep, code: "unsupported_property", message: `${label}: a matrix needs rows and columns` })
            return
          }
          if (el.isRequired === true) warnings.push({ path: [...ep, "isRequired"], code: "approximated", message: `${label}: isRequired on the matrix is not kept; mark columns required` })
          addInfo(sjName, { id: parts[0]!, kind: "group", values: [], parts, order: questions.length - 1 })
          return
        }
        default:
          return
      }
    })
  }

  const setDefault = (info: Info, v: unknown, path: Path, label: string): void => {
    const bad = (): void => {
      warnings.push({ path, code: "approximated", message: `${label}: defaultValue ${short(JSON.stringify(v) ?? "")} does not fit the question and was dropped` })
    }
    const pick = (x: unknown): string | undefined => info.values.find((c) => (typeof x === "string" || typeof x === "number" || typeof x === "boolean") && sjEquals(c.value, x))?.id
    if (info.kind === "choice") {
      const id = pick(v)
      if (id === undefined) return bad()
      defaults[info.id] = id
    } else if (info.kind === "multi") {
      const ids = (Array.isArray(v) ? v : [v]).map(pick)
      if (ids.some((x) => x === undefined)) return bad()
      defaults[info.id] = ids as string[]
    } else if (info.kind === "number") {
      const n = typeof v === "number" ? v : Number(v)
      if (!Number.isFinite(n)) return bad()
      defaults[info.id] = n
    } else if (typeof v === "string" || typeof v === "number") defaults[info.id] = String(v)
    else bad()
  }

  // ---- pages --------------------------------------------------------------------------------------
  const pageList: unknown[] | undefined = Array.isArray(survey.pages) ? survey.pages : undefined
  if (pageList !== undefined && pageList.length > 0) {
    const usedSections = new Set<string>()
    pageList.forEach((p, pi) => {
      if (p === null || typeof p !== "object") {
        issues.push({ path: ["pages", pi], code: "invalid_type", message: `page ${pi + 1} is not an object` })
        return
      }
      const page = p as Json
      const pname = typeof page.name === "string" && page.name.length > 0 ? page.name : `page${pi + 1}`
      let sid = pname
      for (let k = 2; usedSections.has(sid); k++) sid = `${pname}_${k}`
      usedSections.add(sid)
      const multi = pageList.length > 1
      if (multi) sections.push({ id: sid, title: text(page.title) ?? pname })
      const pageLabel = `page "${short(pname)}"`
      const c = condOf([], page.visibleIf, ["pages", pi, "visibleIf"], pageLabel)
      const key = Array.isArray(page.elements) ? "elements" : "questions" // legacy pages[].questions
      const before = questions.length
      walk(page[key], ["pages", pi, key], c, multi ? sid : undefined, 0, pageLabel)
      if (multi && questions.length === before) sections.pop()
    })
  } else if (Array.isArray(survey.elements)) walk(survey.elements, ["elements"], { parts: [] }, undefined, 0, "survey")
  else if (Array.isArray(survey.questions)) walk(survey.questions, ["questions"], { parts: [] }, undefined, 0, "survey") // legacy top-level questions

  if (Array.isArray(survey.calculatedValues) && survey.calculatedValues.length > 0)
    issues.push({ path: ["calculatedValues"], code: "unsupported_element", message: '"calculatedValues" are not supported (expressions cannot compute values here)' })

  // ---- expressions ------------------------------------------------------------------------------------
  const retyped = new Set<string>()
  // Text questions compared by order with a number hold numbers in SurveyJS's eyes: import them as numbers.
  const scanRetype = (e: SjNode): void => {
    if (e.k === "bin" && (e.op === "<" || e.op === "<=" || e.op === ">" || e.op === ">=")) {
      for (const [a, b] of [
        [e.l, e.r],
        [e.r, e.l]
      ] as const) {
        if (a.k === "ref" && b.k === "lit" && typeof b.v === "number") {
          const info = byName.get(a.name.toLowerCase())
          if (info?.kind === "text" && info.q !== undefined && info.q.type === "text") {
            info.kind = "number"
            info.q.type = "number"
            delete info.q.maxLength
            retyped.add(info.id)
          }
        }
      }
    } else if (e.k === "and" || e.k === "or") e.items.forEach(scanRetype)
    else if (e.k === "not" || e.k === "empty") scanRetype(e.x)
  }
  const parsed = new Map<string, SjNode | null>()
  const parse = (src: string, path: Path, label: string, prop: string): SjNode | undefined => {
    const key = `${path.join(".")}`
    if (parsed.has(key)) return parsed.get(key) ?? undefined
    try {
      const e = parseSurveyJsExpression(src)
      parsed.set(key, e)
      return e
    } catch (err) {
      if (!(err instanceof SjSyntaxError) && !(err instanceof RangeError)) throw err
      const msg = err instanceof RangeError ? "nested too deeply" : err.message
      if (err instanceof SjSyntaxError && !/not supported|nested deeper/.test(msg)) {
        // survey-core cannot parse it either and evaluates it as false: keep that meaning.
        warnings.push({ path, code: "invalid_expression", message: `${label}, ${prop}: "${short(src)}" is not a valid expression (${msg}); like SurveyJS, it reads as false` })
        const f: SjNode = { k: "lit", v: false }
        parsed.set(key, f)
        return f
      }
      issues.push({ path, code: "unsupported_expression", message: `${label}, ${prop}: cannot convert "${short(src)}": ${msg}` })
      parsed.set(key, null)
      return undefined
    }
  }
  const allConds = [...pending.flatMap((p) => p.cond.parts)]
  const triggerList = Array.isArray(survey.triggers) ? (survey.triggers as unknown[]) : []
  for (const part of allConds) {
    const e = parse(part.src, part.path, part.label, String(part.path[part.path.length - 1]))
    if (e !== undefined) scanRetype(e)
  }
  for (const r of retyped)
    warnings.push({ path: origin[questions.findIndex((q) => q.id === r)]!.path, code: "approximated", message: `${origin[questions.findIndex((q) => q.id === r)]!.label}: compared with numbers, so it is imported as a number question` })

  const convert = (e: SjNode, self: string, fail: (m: string) => never): ExpressionNode => {
    const F: ExpressionNode = { type: "literal", value: false }
    const T: ExpressionNode = { type: "literal", value: true }
    const ans = (id: string): ExpressionNode => ({ type: "answer", question: id })
    const or = (items: ExpressionNode[]): ExpressionNode => (items.length === 0 ? F : items.length === 1 ? items[0]! : { type: "or", items })
    const and = (xs: ExpressionNode[]): ExpressionNode => {
      const items = xs.flatMap((x) => (x.type === "and" ? x.items : x.type === "literal" && x.value === true ? [] : [x]))
      return items.length === 0 ? T : items.length === 1 ? items[0]! : { type: "and", items }
    }
    const not = (x: ExpressionNode): ExpressionNode => (x.type === "literal" ? { type: "literal", value: x.value !== true } : { type: "not", item: x })
    type Resolved = { k: "q"; info: Info } | { k: "ctx"; field: string } | { k: "null" }
    const resolve = (name: string): Resolved => {
      if (name.toLowerCase() === self.toLowerCase() && self !== "") return { k: "null" } // a condition reading its own question: its value while hidden
      const info = byName.get(name.toLowerCase())
      if (info !== undefined) return { k: "q", info }
      // Not a question: a survey variable the host may set (survey.setVariable), read from the context.
      let field = variables.get(name.toLowerCase())
      if (field === undefined) {
        field = questionId(name, usedVariables)
        variables.set(name.toLowerCase(), field)
        context[field] = { type: "string" }
        warnings.push({ path: [], code: "variable", message: `{${short(name)}} is not a question: it is read from the context field ctx.${field} (a SurveyJS variable)` })
      }
      return { k: "ctx", field }
    }
    const empty = (r: Resolved): ExpressionNode => {
      if (r.k === "null") return T
      if (r.k === "ctx") return { type: "call", fn: "empty", arg: { type: "context", field: r.field } }
      return and(r.info.parts.map((p) => ({ type: "call", fn: "empty", arg: ans(p) })))
    }
    const single = (r: Resolved): Info => {
      if (r.k !== "q") return fail("internal")
      if (r.info.kind === "group") fail(`{${names[r.info.id] ?? r.info.id}} is a group of answers; compare one of its parts ({name.row})`)
      return r.info
    }
    // Compares a question with a constant using SurveyJS's value rules.
    const withConst = (r: Resolved, op: string, v: Scalar | null | ReadonlyArray<Scalar | null>): ExpressionNode => {
      const list = Array.isArray(v) ? (v as Array<Scalar | null>) : undefined
      if (r.k === "null") {
        if (op === "==") return list !== undefined ? (list.length === 0 ? T : F) : v === null || v === "" ? T : F
        if (op === "!=") return not(withConst(r, "==", v))
        return op === "noneof" || op === "notcontains" ? T : F
      }
      if (r.k === "ctx") {
        const ctx: ExpressionNode = { type: "context", field: r.field }
        const lits = (list ?? [v as Scalar | null]).filter((x): x is Scalar => x !== null)
        const first = lits[0]
        if (first !== undefined && context[r.field]!.type === "string" && !typed.has(r.field)) {
          context[r.field] = { type: typeof first === "number" ? "number" : typeof first === "boolean" ? "boolean" : "string" }
          typed.add(r.field)
        }
        if (op === "anyof" || op === "==") return lits.length === 0 ? { type: "call", fn: "empty", arg: ctx } : lits.length === 1 ? { type: "compare", op: "==", left: ctx, right: { type: "literal", value: lits[0]! } } : { type: "in", value: ctx, list: lits }
        if (op === "!=" || op === "noneof") return not(withConst(r, "==", v))
        if (op === "<" || op === "<=" || op === ">" || op === ">=") return { type: "compare", op, left: ctx, right: { type: "literal", value: v as LiteralValue } }
        if (op === "contains" || op === "notcontains") {
          const hit = and(lits.map((x) => ({ type: "contains", collection: ctx, value: { type: "literal", value: String(x) } }) as ExpressionNode))
          return op === "contains" ? hit : not(hit)
        }
        return fail(`"${op}" on the variable {${r.field}} is not supported`)
      }
      const info = single(r)
      const q = ans(info.id)
      const isEmptyConst = v === null || v === "" || (list !== undefined && list.length === 0)
      if (info.kind === "choice" || info.kind === "multi") {
        const ids = (pred: (cv: Scalar) => boolean): string[] => info.values.filter((c) => pred(c.value)).map((c) => c.id)
        const inIds = (xs: string[]): ExpressionNode => (xs.length === 0 ? F : xs.length === 1 && info.kind === "choice" ? { type: "compare", op: "==", left: q, right: { type: "literal", value: xs[0]! } } : { type: "in", value: q, list: xs })
        const has = (id: string): ExpressionNode => ({ type: "contains", collection: q, value: { type: "literal", value: id } })
        const items = list ?? [v as Scalar | null]
        const idOf = (x: Scalar | null): string | undefined => (x === null ? undefined : ids((cv) => sjEquals(cv, x))[0])
        switch (op) {
          case "==":
            if (isEmptyConst) return { type: "call", fn: "empty", arg: q }
            if (info.kind === "multi") {
              if (list === undefined) return F // a checkbox answer never equals a single value
              // SurveyJS compares a checkbox answer with a list as sets (order ignored).
              const want = items.map(idOf)
              if (want.some((x) => x === undefined)) return F
              const uniq = [...new Set(want as string[])]
              return and([{ type: "compare", op: "==", left: { type: "call", fn: "count", arg: q }, right: { type: "literal", value: uniq.length } }, ...uniq.map(has)])
            }
            if (list !== undefined) return F // a single answer never equals a list
            return inIds(ids((cv) => sjEquals(cv, v as Scalar)))
          case "!=":
            return not(withConst(r, "==", v))
          case "<":
          case "<=":
          case ">":
          case ">=":
            if (info.kind === "multi") return F
            return inIds(ids((cv) => sjOrder(op, cv, v as Scalar)))
          case "contains":
          case "anyof": {
            const want = items.map(idOf).filter((x): x is string => x !== undefined)
            if (op === "contains" && info.kind === "choice") {
              // a single answer "contains" a text: substring of the stored value
              const hits = info.values.filter((c) => items.some((x) => x !== null && String(c.value).includes(String(x)))).map((c) => c.id)
              return inIds(hits)
            }
            return want.length === 0 ? F : info.kind === "multi" && op === "contains" && want.length === 1 ? has(want[0]!) : { type: "in", value: q, list: [...new Set(want)] }
          }
          case "notcontains":
            return not(withConst(r, "contains", v))
          case "noneof":
            return not(withConst(r, "anyof", v))
          case "allof": {
            const want = items.map(idOf)
            if (want.some((x) => x === undefined)) return F
            if (info.kind === "choice") return new Set(want).size === 1 ? inIds([want[0]!]) : F
            return and([...new Set(want as string[])].map(has))
          }
          default:
            return fail(`operator ${op} is not supported`)
        }
      }
      // number, text, date
      const items = (list ?? [v as Scalar | null]).filter((x): x is Scalar => x !== null && x !== "")
      const lit = (x: Scalar): ExpressionNode | undefined => {
        if (info.kind === "number") {
          const n = typeof x === "number" ? x : typeof x === "string" && x.trim() !== "" && Number.isFinite(Number(x)) ? Number(x) : undefined
          return n === undefined ? undefined : { type: "literal", value: n }
        }
        return { type: "literal", value: String(x) }
      }
      switch (op) {
        case "==":
          if (isEmptyConst) return { type: "call", fn: "empty", arg: q }
          if (list !== undefined) return F
          {
            const l = lit(v as Scalar)
            return l === undefined ? F : { type: "compare", op: "==", left: q, right: l }
          }
        case "!=":
          return not(withConst(r, "==", v))
        case "<":
        case "<=":
        case ">":
        case ">=": {
          if (isEmptyConst || list !== undefined) return F
          const l = lit(v as Scalar)
          if (l === undefined) return F
          return { type: "compare", op, left: q, right: l }
        }
        case "anyof":
          return or(items.map((x) => lit(x)).filter((x): x is ExpressionNode => x !== undefined).map((l) => ({ type: "compare", op: "==", left: q, right: l })))
        case "noneof":
          return not(withConst(r, "anyof", v))
        case "contains":
        case "notcontains": {
          if (info.kind === "number") return fail(`"${op}" on the number question {${names[info.id]}} is not supported`)
          const hit = and(items.map((x) => ({ type: "contains", collection: q, value: { type: "literal", value: String(x) } }) as ExpressionNode))
          return op === "contains" ? hit : not(hit)
        }
        default:
          return fail(`"${op}" on {${names[info.id]}} is not supported`)
      }
    }
    // `[list] contains {q}` reads as `{q} anyof [list]`.
    const flip: Record<string, string> = { "<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!=", anyof: "anyof", contains: "anyof", notcontains: "noneof", noneof: "noneof" }
    const constOf = (n: SjNode): Scalar | null | ReadonlyArray<Scalar | null> | undefined => (n.k === "lit" ? n.v : n.k === "list" ? n.items : undefined)
    const go = (n: SjNode): ExpressionNode => {
      switch (n.k) {
        case "and":
          return and(n.items.map(go))
        case "or":
          return or(n.items.map(go))
        case "not":
          return not(go(n.x))
        case "empty": {
          if (n.x.k !== "ref") return fail("empty/notempty needs a {name}")
          const e = empty(resolve(n.x.name))
          return n.negate ? not(e) : e
        }
        case "ref": {
          // a bare {name} is true when its value is truthy: answered, and not false or 0
          const r = resolve(n.name)
          if (r.k === "q" && r.info.kind === "choice") {
            const truthy = r.info.values.filter((c) => c.value !== false && c.value !== 0 && c.value !== "").map((c) => c.id)
            if (truthy.length < r.info.values.length) return truthy.length === 0 ? F : { type: "in", value: ans(r.info.id), list: truthy }
          }
          if (r.k === "q" && r.info.kind === "number") return and([not(empty(r)), not({ type: "compare", op: "==", left: ans(r.info.id), right: { type: "literal", value: 0 } })])
          return not(empty(r))
        }
        case "lit":
          return { type: "literal", value: n.v === true || (typeof n.v === "number" && n.v !== 0) || (typeof n.v === "string" && n.v !== "" && n.v !== "false") }
        case "list":
          return fail("a list is not a condition")
        case "bin": {
          const lc = constOf(n.l)
          const rc = constOf(n.r)
          if (n.l.k === "ref" && rc !== undefined) return withConst(resolve(n.l.name), n.op, rc)
          if (n.r.k === "ref" && lc !== undefined) {
            const op = flip[n.op]
            if (op !== undefined) return withConst(resolve(n.r.name), op, lc)
            return fail(`a constant on the left of "${n.op}" is not supported`)
          }
          if (n.l.k === "ref" && n.r.k === "ref") {
            const a = resolve(n.l.name)
            const b = resolve(n.r.name)
            if (a.k === "q" && b.k === "q" && (n.op === "==" || n.op === "!=" || n.op === "<" || n.op === "<=" || n.op === ">" || n.op === ">=")) {
              const ia = single(a)
              const ib = single(b)
              const comparable = (ia.kind === "number" && ib.kind === "number") || ((ia.kind === "text" || ia.kind === "date") && (ib.kind === "text" || ib.kind === "date"))
              if (!comparable) return fail(`comparing {${names[ia.id]}} with {${names[ib.id]}} (different kinds of answer) is not supported`)
              const cmp: ExpressionNode = { type: "compare", op: n.op === "!=" ? "==" : n.op, left: ans(ia.id), right: ans(ib.id) }
              return n.op === "!=" ? not(cmp) : cmp
            }
            return fail(`"${n.op}" between two names is not supported`)
          }
          if (lc !== undefined && rc !== undefined && !Array.isArray(lc) && !Array.isArray(rc)) {
            const a = lc as Scalar | null
            const b = rc as Scalar | null
            const r = n.op === "==" ? sjEquals(a, b) : n.op === "!=" ? !sjEquals(a, b) : n.op === "<" || n.op === "<=" || n.op === ">" || n.op === ">=" ? sjOrder(n.op, a, b) : fail(`"${n.op}" between constants is not supported`)
            return { type: "literal", value: r }
          }
          return fail(`this form of "${n.op}" is not supported`)
        }
      }
    }
    return go(e)
  }

  const conditionOf = (cond: Cond, self: string): ExpressionNode | undefined => {
    const out: ExpressionNode[] = []
    for (const part of cond.parts) {
      const e = parse(part.src, part.path, part.label, String(part.path[part.path.length - 1]))
      if (e === undefined) return undefined
      try {
        const c = convert(e, self, (m) => {
          throw new SjSyntaxError(m)
        })
        if (c.type === "literal" && c.value === true) continue
        if (c.type === "and") out.push(...c.items)
        else out.push(c)
      } catch (err) {
        if (!(err instanceof SjSyntaxError)) throw err
        issues.push({ path: part.path, code: "unsupported_expression", message: `${part.label}, ${String(part.path[part.path.length - 1])}: cannot convert "${short(part.src)}": ${err.message}` })
        return undefined
      }
    }
    return out.length === 0 ? undefined : out.length === 1 ? out[0] : { type: "and", items: out }
  }

  for (const p of pending) {
    let e = conditionOf(p.cond, p.self)
    if (p.extra !== undefined) e = e === undefined ? p.extra : { type: "and", items: [...(e.type === "and" ? e.items : [e]), p.extra] }
    if (e === undefined) continue
    if (e.type === "literal" && e.value === true) continue
    p.q[p.key] = e
  }

  const triggers: SurveyJsTrigger[] = []
  triggerList.forEach((t, ti) => {
    const tr = (t ?? {}) as Json
    const tp = ["triggers", ti]
    const label = `trigger ${ti + 1} (${String(tr.type)})`
    if (tr.type !== "skip" && tr.type !== "complete") {
      issues.push({ path: [...tp, "type"], code: "unsupported_element", message: `${label}: only skip and complete triggers are supported (others change answers)` })
      return
    }
    if (typeof tr.expression !== "string") {
      issues.push({ path: [...tp, "expression"], code: "unsupported_expression", message: `${label}: a trigger needs an expression` })
      return
    }
    const when = conditionOf({ parts: [{ src: tr.expression, path: [...tp, "expression"], label }] }, "") ?? (parsed.get([...tp, "expression"].join(".")) === null ? undefined : ({ type: "literal", value: true } as ExpressionNode))
    if (when === undefined) return
    let to: string | undefined
    if (tr.type === "skip") {
      const target = byName.get(String(tr.gotoName ?? "").toLowerCase())
      if (target === undefined) {
        issues.push({ path: [...tp, "gotoName"], code: "unsupported_property", message: `${label}: gotoName "${short(String(tr.gotoName ?? ""))}" is not a question` })
        return
      }
      to = target.id
    }
    if (triggerMode === "surveyjs") {
      triggers.push({ kind: tr.type, when, ...(to !== undefined ? { to } : {}) })
      return
    }
    // "jumps": a jump on the last question the expression reads.
    const readIds = new Set<string>()
    const collect = (x: ExpressionNode): void => {
      if (x.type === "answer") readIds.add(x.question)
      else if (x.type === "compare") (collect(x.left), collect(x.right))
      else if (x.type === "in") collect(x.value)
      else if (x.type === "call") collect(x.arg)
      else if (x.type === "contains") (collect(x.collection), collect(x.value))
      else if (x.type === "not") collect(x.item)
      else if (x.type === "and" || x.type === "or") x.items.forEach(collect)
    }
    collect(when)
    const owner = [...questions].reverse().find((q) => readIds.has(String(q.id)))
    if (owner === undefined) {
      issues.push({ path: [...tp, "expression"], code: "unsupported_expression", message: `${label}: a trigger must read at least one question to become a jump` })
      return
    }
    owner.jumps = [...((owner.jumps as Json[] | undefined) ?? []), { when, to: to ?? "end" }]
  })

  const outcomes: SurveyJsOutcome[] = []
  for (const [key, kind, field] of [
    ["completedHtmlOnCondition", "html", "html"],
    ["navigateToUrlOnCondition", "url", "url"]
  ] as const) {
    const list = survey[key]
    if (!Array.isArray(list)) continue
    list.forEach((item, ii) => {
      const o = (item ?? {}) as Json
      if (typeof o.expression !== "string") return
      const when = conditionOf({ parts: [{ src: o.expression, path: [key, ii, "expression"], label: `${key} ${ii + 1}` }] }, "")
      const value = o[field]
      if (when !== undefined || parsed.get([key, ii, "expression"].join(".")) !== null)
        outcomes.push({ kind, when: when ?? { type: "literal", value: true }, value: typeof value === "string" ? value : JSON.stringify(text(value) ?? "") })
    })
  }

  const stmts: SurveyJsStatement[] = statements.map((s) => {
    const showIf = conditionOf(s.cond, "")
    return { name: s.name, kind: s.kind, content: s.content, before: (questions[s.beforeIndex]?.id as string | undefined) ?? null, ...(showIf !== undefined ? { showIf } : {}) }
  })

  if (questions.length === 0 && issues.length === 0)
    issues.push({
      path: Array.isArray(survey.pages) ? ["pages"] : Array.isArray(survey.questions) ? ["questions"] : ["elements"],
      code: "empty",
      message: "The survey has no questions (looked in pages[].elements, pages[].questions, elements and questions)"
    })
  if (issues.length > 0) throw new ValidationError({ issues, subject: "SurveyJS survey" })

  const title = text(survey.title) ?? "Imported survey"
  const slug = typeof survey.title === "string" ? survey.title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") : ""
  // SurveyJS keeps hidden answers until completion ("onComplete", the default) or for good
  // ("none"), and its conditions keep reading them: our "keep-and-read".
  const clear = survey.clearInvisibleValues === "onHidden" || survey.clearInvisibleValues === "onHiddenContainer"
  const raw = {
    id: options.id ?? (slug || "imported"),
    title,
    defaultLocale: typeof survey.locale === "string" && survey.locale !== "" ? survey.locale : defaultLocale,
    hiddenAnswers: clear ? "clear" : "keep-and-read",
    ...(Object.keys(context).length > 0 ? { context } : {}),
    ...(sections.length > 0 ? { sections } : {}),
    questions
  }
  // Problems found after conversion are reported against the SurveyJS element they came from.
  const back = (i: ValidationIssue): ValidationIssue => {
    if (i.path[0] === "questions" && typeof i.path[1] === "number" && origin[i.path[1]] !== undefined) {
      const o = origin[i.path[1]]!
      const prop = i.path[2] === "showIf" ? "visibleIf" : i.path[2] === "requiredIf" ? "requiredIf" : i.path[2] === "jumps" ? "triggers" : i.path[2]
      return { path: [...o.path, ...(prop !== undefined ? [prop] : [])], code: i.code, message: `${o.label}: ${i.message}` }
    }
    return i
  }
  let definition: QuestionnaireDefinition
  try {
    definition = parseDefinition(raw)
  } catch (e) {
    if (e instanceof ValidationError) throw new ValidationError({ issues: e.issues.map(back), subject: "SurveyJS survey" })
    throw e
  }
  const errors = analyzeParsed(definition, { pathSpace: false }).findings.filter((f) => f.severity === "error")
  if (errors.length > 0) throw new ValidationError({ issues: errors.map((f) => back({ path: f.path, code: f.code, message: f.message })), subject: "SurveyJS survey" })
  return { definition, warnings, names, choiceValues, defaults, statements: stmts, outcomes, triggers }
}
