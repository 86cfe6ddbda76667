/**
 * Import from SurveyJS JSON for the common subset: text (incl. number/date input types), comment,
 * radiogroup, dropdown, checkbox, rating, boolean, panels and pages; visibleIf / requiredIf with
 * the usual operators; skip and complete triggers become jumps. Anything else is refused with an
 * issue naming the element and its path — never silently dropped.
 */
import { ValidationError, type ValidationIssue } from "./Errors"
import { formatExpression, type ExpressionNode, type LiteralValue } from "./Expression"
import { parseDefinition, type QuestionnaireDefinition } from "./Questionnaire"

/**
 * Options of {@link importSurveyJs}.
 *
 * @example
 * ```ts
 * importSurveyJs(json, { id: "imported-csat", defaultLocale: "en" })
 * ```
 */
export interface SurveyJsImportOptions {
  /** Id of the resulting questionnaire (default: the survey's `title`, slugged, or "imported"). */
  readonly id?: string
  /** The locale SurveyJS's `default` text key maps to (default "en"). */
  readonly defaultLocale?: string
}

/**
 * The imported definition plus notes on what was approximated (e.g. dropped validators).
 *
 * @example
 * ```ts
 * const { definition, warnings } = importSurveyJs(json)
 * const version = publish(definition)
 * ```
 */
export interface SurveyJsImportResult {
  readonly definition: QuestionnaireDefinition
  readonly warnings: ReadonlyArray<ValidationIssue>
}

type Json = Record<string, unknown>
type Path = Array<string | number>

const SUPPORTED = new Set(["text", "comment", "radiogroup", "dropdown", "checkbox", "rating", "boolean", "panel"])
const IGNORED_PROPS = new Set(["type", "name", "title", "isRequired", "visibleIf", "requiredIf", "choices", "inputType", "rateMin", "rateMax", "rateValues", "rateCount", "elements", "description", "placeholder", "startWithNewLine", "labelTrue", "labelFalse", "minRateDescription", "maxRateDescription", "maxLength", "min", "max", "visible", "valueName", "titleLocation", "hideNumber", "width", "colCount", "rows", "autoGrow", "state", "showOtherItem", "validators", "enableIf", "defaultValue", "correctAnswer", "indent", "maxWidth", "minWidth", "rateType", "displayMode", "state", "questionTitleLocation", "renderAs", "allowClear", "showNoneItem", "showSelectAllItem", "searchEnabled", "maxSelectedChoices", "minSelectedChoices", "step", "size", "hasOther"])

// ---------- SurveyJS expression → our AST ----------------------------------------------------------

class SjsParser {
  private i = 0
  constructor(
    private readonly s: string,
    private readonly fail: (msg: string) => never
  ) {}
  private ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++
  }
  private peekWord(): string {
    this.ws()
    const m = /^[A-Za-z_!&|=<>]+/.exec(this.s.slice(this.i))
    return m ? m[0] : ""
  }
  private eatWord(...ws: string[]): string | undefined {
    this.ws()
    for (const w of ws) {
      const rest = this.s.slice(this.i, this.i + w.length)
      if (rest.toLowerCase() !== w) continue
      const after = this.s[this.i + w.length] ?? ""
      if (/[A-Za-z]/.test(w[w.length - 1]!) && /[A-Za-z0-9_]/.test(after)) continue
      this.i += w.length
      return w
    }
    return undefined
  }
  parse(): ExpressionNode {
    const e = this.or()
    this.ws()
    if (this.i < this.s.length) this.fail(`unexpected "${this.s.slice(this.i, this.i + 10)}" at position ${this.i}`)
    return e
  }
  private or(): ExpressionNode {
    const items = [this.and()]
    while (this.eatWord("||", "or")) items.push(this.and())
    return items.length === 1 ? items[0]! : { type: "or", items }
  }
  private and(): ExpressionNode {
    const items: ExpressionNode[] = []
    const push = (e: ExpressionNode): void => {
      if (e.type === "and") items.push(...e.items)
      else items.push(e)
    }
    push(this.not())
    while (this.eatWord("&&", "and")) push(this.not())
    return items.length === 1 ? items[0]! : { type: "and", items }
  }
  private not(): ExpressionNode {
    this.ws()
    if (this.s[this.i] === "!" && this.s[this.i + 1] !== "=") {
      this.i++
      return { type: "not", item: this.not() }
    }
    if (this.eatWord("not")) return { type: "not", item: this.not() }
    return this.cmp()
  }
  private cmp(): ExpressionNode {
    const left = this.operand()
    const w = this.eatWord("notempty", "empty", "anyof", "allof", "noneof", "notcontains", "contains", "==", "!=", "<>", ">=", "<=", "=", ">", "<", "equal", "notequal", "greaterorequal", "lessorequal", "greater", "less")
    if (w === undefined) {
      if (left.type === "literal" && typeof left.value === "boolean") return left
      if (left.type === "answer" || left.type === "context") return { type: "call", fn: "answered", arg: left }
      if (left.type === "literal" || (left.type === "call" && left.fn === "count")) return this.fail("expected a comparison")
      return left // a parenthesised condition
    }
    if (w === "empty") return { type: "call", fn: "empty", arg: left }
    if (w === "notempty") return { type: "call", fn: "answered", arg: left }
    if (w === "anyof" || w === "allof" || w === "noneof") {
      const list = this.list()
      if (w === "anyof") return { type: "in", value: left, list }
      if (w === "noneof") return { type: "in", value: left, list, negate: true }
      const items: ExpressionNode[] = list.map((v) => ({ type: "contains", collection: left, value: { type: "literal", value: v } }))
      return items.length === 1 ? items[0]! : { type: "and", items }
    }
    const right = this.operand()
    if (w === "contains") return { type: "contains", collection: left, value: right }
    if (w === "notcontains") return { type: "contains", collection: left, value: right, negate: true }
    const op = ({ "==": "==", "=": "==", equal: "==", "!=": "!=", "<>": "!=", notequal: "!=", ">": ">", greater: ">", "<": "<", less: "<", ">=": ">=", greaterorequal: ">=", "<=": "<=", lessorequal: "<=" } as const)[w as "=="]
    return { type: "compare", op, left, right }
  }
  private list(): LiteralValue[] {
    this.ws()
    if (this.s[this.i] !== "[") this.fail("expected a list [ ... ]")
    this.i++
    const out: LiteralValue[] = []
    for (;;) {
      this.ws()
      if (this.s[this.i] === "]") {
        this.i++
        return out
      }
      const v = this.operand()
      if (v.type !== "literal") this.fail("lists may only hold literal values")
      out.push(v.value)
      this.ws()
      if (this.s[this.i] === ",") this.i++
    }
  }
  private operand(): ExpressionNode {
    this.ws()
    const c = this.s[this.i]
    if (c === "(") {
      this.i++
      const e = this.or()
      this.ws()
      if (this.s[this.i] !== ")") this.fail("expected )")
      this.i++
      return e
    }
    if (c === "{") {
      const end = this.s.indexOf("}", this.i)
      if (end < 0) this.fail("unterminated {")
      const name = this.s.slice(this.i + 1, end).trim()
      this.i = end + 1
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) this.fail(`the reference {${name}} is not supported (only plain question names)`)
      return { type: "answer", question: name }
    }
    if (c === "'" || c === '"') {
      const end = this.s.indexOf(c, this.i + 1)
      if (end < 0) this.fail("unterminated string")
      const v = this.s.slice(this.i + 1, end)
      this.i = end + 1
      return { type: "literal", value: v }
    }
    const num = /^-?\d+(\.\d+)?/.exec(this.s.slice(this.i))
    if (num) {
      this.i += num[0].length
      return { type: "literal", value: Number(num[0]) }
    }
    const word = this.peekWord()
    if (/^(true|false)$/i.test(word)) {
      this.i += word.length
      return { type: "literal", value: word.toLowerCase() === "true" }
    }
    const fn = /^([A-Za-z_][A-Za-z0-9_]*)\s*\(/.exec(this.s.slice(this.i))
    if (fn) this.fail(`the function ${fn[1]}() is not supported`)
    return this.fail(`unexpected "${this.s.slice(this.i, this.i + 10)}"`)
  }
}

// ---------- elements ------------------------------------------------------------------------------

/**
 * Converts SurveyJS JSON to a checked definition. Throws {@link ValidationError} with one issue per
 * unsupported element, property that changes behaviour, or unconvertible expression, each naming
 * the element (`pages.0.elements.3 (matrix "m1")`).
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
  if (json === null || typeof json !== "object") throw new ValidationError([{ path: [], code: "invalid_type", message: "Expected a SurveyJS JSON object" }])
  const survey = json as Json
  const text = (v: unknown): unknown => {
    if (v === null || typeof v !== "object") return v
    const out: Record<string, string> = {}
    for (const [k, s] of Object.entries(v as Record<string, unknown>)) if (typeof s === "string") out[k === "default" ? defaultLocale : k] = s
    return out
  }
  const questions: Json[] = []
  const sections: Json[] = []
  const kinds = new Map<string, string>() // question name -> our type
  const choiceIds = new Map<string, Set<string>>()
  const pendingConds: Array<{ q: Json; key: "showIf" | "requiredIf"; src: string; path: Path; extra?: ExpressionNode | undefined }> = []

  const convert = (src: string, path: Path): ExpressionNode | undefined => {
    try {
      return new SjsParser(src, (msg) => {
        throw new Error(msg)
      }).parse()
    } catch (e) {
      issues.push({ path, code: "unsupported_expression", message: `Cannot convert "${src}": ${(e as Error).message}` })
      return undefined
    }
  }

  const walk = (elements: unknown, path: Path, inherited: ExpressionNode | undefined, section: string | undefined): void => {
    if (!Array.isArray(elements)) return
    elements.forEach((raw, k) => {
      const ep = [...path, k]
      const el = raw as Json
      const type = String(el.type ?? "")
      const name = String(el.name ?? "")
      const label = `${type || "element"} "${name}"`
      if (!SUPPORTED.has(type)) {
        issues.push({ path: ep, code: "unsupported_element", message: `${label} is not supported (supported: text, comment, radiogroup, dropdown, checkbox, rating, boolean, panel)` })
        return
      }
      for (const p of Object.keys(el)) {
        if (p === "enableIf" || p === "defaultValue" || p === "correctAnswer" || p === "valueName") issues.push({ path: [...ep, p], code: "unsupported_property", message: `${label}: "${p}" is not supported` })
        else if (p === "validators") warnings.push({ path: [...ep, p], code: "dropped_property", message: `${label}: validators were dropped` })
        else if (!IGNORED_PROPS.has(p) && !p.startsWith("loc")) warnings.push({ path: [...ep, p], code: "ignored_property", message: `${label}: "${p}" was ignored` })
      }
      if (el.showOtherItem === true || el.hasOther === true || el.showNoneItem === true || el.showSelectAllItem === true)
        issues.push({ path: ep, code: "unsupported_property", message: `${label}: "other"/"none"/"select all" items are not supported; add them as choices` })
      if (el.visible === false) issues.push({ path: [...ep, "visible"], code: "unsupported_property", message: `${label}: visible: false (never shown) is not supported; remove the element` })
      let vis = inherited
      if (typeof el.visibleIf === "string") {
        const c = convert(el.visibleIf, [...ep, "visibleIf"])
        if (c !== undefined) vis = vis === undefined ? c : { type: "and", items: [vis, c] }
      }
      if (type === "panel") {
        walk(el.elements, [...ep, "elements"], vis, section)
        return
      }
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        issues.push({ path: [...ep, "name"], code: "unsupported_name", message: `${label}: the name must be an identifier (letters, digits, _) to be referenced` })
        return
      }
      const q: Json = { id: name, text: text(el.title) ?? name }
      if (el.description !== undefined) q.description = text(el.description)
      if (section !== undefined) q.section = section
      if (el.isRequired === true) q.required = true
      const choices = (): Json[] =>
        (Array.isArray(el.choices) ? el.choices : []).map((c) => {
          if (c !== null && typeof c === "object") {
            const o = c as Json
            return { id: String(o.value), text: text(o.text) ?? String(o.value) }
          }
          return { id: String(c), text: String(c) }
        })
      switch (type) {
        case "text": {
          const it = String(el.inputType ?? "text")
          if (it === "number" || it === "range") {
            q.type = "number"
            if (typeof el.min === "number") q.min = el.min
            if (typeof el.max === "number") q.max = el.max
          } else if (it === "date") {
            q.type = "date"
            if (typeof el.min === "string") q.min = el.min
            if (typeof el.max === "string") q.max = el.max
          } else if (["text", "email", "tel", "url"].includes(it)) {
            q.type = "text"
            if (typeof el.maxLength === "number" && el.maxLength > 0) q.maxLength = el.maxLength
          } else {
            issues.push({ path: [...ep, "inputType"], code: "unsupported_property", message: `${label}: inputType "${it}" is not supported` })
            return
          }
          break
        }
        case "comment":
          q.type = "multilineText"
          if (typeof el.maxLength === "number" && el.maxLength > 0) q.maxLength = el.maxLength
          break
        case "radiogroup":
        case "dropdown":
          q.type = "singleChoice"
          q.choices = choices()
          break
        case "checkbox":
          q.type = "multipleChoice"
          q.choices = choices()
          if (typeof el.maxSelectedChoices === "number" && el.maxSelectedChoices > 0) q.maxSelected = el.maxSelectedChoices
          if (typeof el.minSelectedChoices === "number" && el.minSelectedChoices > 0) q.minSelected = el.minSelectedChoices
          break
        case "boolean":
          q.type = "singleChoice"
          q.choices = [
            { id: "true", text: text(el.labelTrue) ?? "Yes" },
            { id: "false", text: text(el.labelFalse) ?? "No" }
          ]
          break
        case "rating": {
          q.type = "rating"
          if (Array.isArray(el.rateValues) && el.rateValues.length > 0) {
            const vals = el.rateValues.map((v) => (v !== null && typeof v === "object" ? (v as Json).value : v))
            const nums = vals.map(Number)
            const min = Math.min(...nums)
            const consecutive = nums.every((x, idx) => Number.isInteger(x) && x === min + idx)
            if (!consecutive) {
              issues.push({ path: [...ep, "rateValues"], code: "unsupported_property", message: `${label}: rateValues must be consecutive whole numbers` })
              return
            }
            q.min = min
            q.max = min + nums.length - 1
          } else {
            q.min = typeof el.rateMin === "number" ? el.rateMin : 1
            const count = typeof el.rateCount === "number" ? el.rateCount : undefined
            q.max = typeof el.rateMax === "number" ? el.rateMax : count !== undefined ? (q.min as number) + count - 1 : 5
          }
          if (el.minRateDescription !== undefined) q.minLabel = text(el.minRateDescription)
          if (el.maxRateDescription !== undefined) q.maxLabel = text(el.maxRateDescription)
          break
        }
      }
      kinds.set(name, type === "boolean" ? "boolean" : String(q.type))
      if (Array.isArray(q.choices)) choiceIds.set(name, new Set((q.choices as Json[]).map((c) => String(c.id))))
      if (vis !== undefined) pendingConds.push({ q, key: "showIf", src: "", path: [...ep, "visibleIf"], extra: vis })
      if (typeof el.requiredIf === "string") {
        const c = convert(el.requiredIf, [...ep, "requiredIf"])
        if (c !== undefined) pendingConds.push({ q, key: "requiredIf", src: el.requiredIf, path: [...ep, "requiredIf"], extra: c })
      }
      questions.push(q)
    })
  }

  if (Array.isArray(survey.pages)) {
    survey.pages.forEach((p, pi) => {
      const page = p as Json
      const sid = typeof page.name === "string" && page.name.length > 0 ? page.name : `page${pi + 1}`
      const pageVis = typeof page.visibleIf === "string" ? convert(page.visibleIf, ["pages", pi, "visibleIf"]) : undefined
      if (survey.pages && (survey.pages as unknown[]).length > 1) sections.push({ id: sid, title: text(page.title) ?? sid })
      walk(page.elements, ["pages", pi, "elements"], pageVis, (survey.pages as unknown[]).length > 1 ? sid : undefined)
    })
  } else walk(survey.elements, ["elements"], undefined, undefined)

  for (const key of ["calculatedValues", "completedHtmlOnCondition", "navigateToUrlOnCondition"]) {
    if (Array.isArray(survey[key]) && (survey[key] as unknown[]).length > 0) issues.push({ path: [key], code: "unsupported_element", message: `"${key}" is not supported` })
  }

  // Literal fix-ups: choice ids are strings (SurveyJS allows numbers/booleans as values).
  const fix = (e: ExpressionNode): ExpressionNode => {
    const kindOf = (x: ExpressionNode): string | undefined => (x.type === "answer" ? kinds.get(x.question) : undefined)
    const lit = (k: string | undefined, v: LiteralValue): LiteralValue => {
      if (k === "singleChoice" || k === "multipleChoice" || k === "boolean") return v === null ? null : String(v)
      if ((k === "number" || k === "rating") && typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v)
      return v
    }
    switch (e.type) {
      case "compare": {
        const l = fix(e.left)
        const r = fix(e.right)
        const kl = kindOf(l)
        const kr = kindOf(r)
        return {
          ...e,
          left: l.type === "literal" ? { type: "literal", value: lit(kr, l.value) } : l,
          right: r.type === "literal" ? { type: "literal", value: lit(kl, r.value) } : r
        }
      }
      case "in":
        return { ...e, list: e.list.map((v) => lit(kindOf(e.value), v)) }
      case "contains":
        return { ...e, value: e.value.type === "literal" ? { type: "literal", value: lit(kindOf(e.collection), e.value.value) } : e.value }
      case "not":
        return { ...e, item: fix(e.item) }
      case "and":
      case "or":
        return { ...e, items: e.items.map(fix) }
      default:
        return e
    }
  }
  for (const pc of pendingConds) if (pc.extra !== undefined) pc.q[pc.key] = formatExpression(fix(pc.extra))

  // Triggers: skip → jump on the last question the expression reads; complete → jump to the end.
  if (Array.isArray(survey.triggers)) {
    survey.triggers.forEach((t, ti) => {
      const tr = t as Json
      const tp = ["triggers", ti]
      if (tr.type !== "skip" && tr.type !== "complete") {
        issues.push({ path: tp, code: "unsupported_element", message: `trigger "${String(tr.type)}" is not supported (supported: skip, complete)` })
        return
      }
      if (typeof tr.expression !== "string") {
        issues.push({ path: [...tp, "expression"], code: "unsupported_expression", message: "a trigger needs an expression" })
        return
      }
      const e = convert(tr.expression, [...tp, "expression"])
      if (e === undefined) return
      const fixed = fix(e)
      const names = new Set<string>()
      const collect = (x: ExpressionNode): void => {
        if (x.type === "answer") names.add(x.question)
        else if (x.type === "compare") (collect(x.left), collect(x.right))
        else if (x.type === "in" || x.type === "call") collect(x.type === "in" ? x.value : x.arg)
        else if (x.type === "contains") (collect(x.collection), collect(x.value))
        else if (x.type === "not") collect(x.item)
        else if (x.type === "and" || x.type === "or") x.items.forEach(collect)
      }
      collect(fixed)
      const owner = [...questions].reverse().find((q) => names.has(String(q.id)))
      if (owner === undefined) {
        issues.push({ path: [...tp, "expression"], code: "unsupported_expression", message: "a trigger must read at least one question" })
        return
      }
      const to = tr.type === "complete" ? "end" : String(tr.gotoName ?? "")
      if (to === "") {
        issues.push({ path: [...tp, "gotoName"], code: "unsupported_property", message: "a skip trigger needs gotoName" })
        return
      }
      owner.jumps = [...((owner.jumps as Json[] | undefined) ?? []), { when: formatExpression(fixed), to }]
    })
  }

  if (questions.length === 0 && issues.length === 0) issues.push({ path: ["pages"], code: "empty", message: "The survey has no questions" })
  if (issues.length > 0) throw new ValidationError(issues)
  const title = text(survey.title) ?? "Imported survey"
  const slug = typeof survey.title === "string" ? survey.title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") : ""
  const definition = parseDefinition({
    id: options.id ?? (slug || "imported"),
    title,
    ...(typeof survey.locale === "string" ? { defaultLocale: survey.locale } : { defaultLocale }),
    hiddenAnswers: survey.clearInvisibleValues === "none" ? "keep" : "clear",
    ...(sections.length > 0 ? { sections } : {}),
    questions
  })
  void choiceIds
  return { definition, warnings }
}
