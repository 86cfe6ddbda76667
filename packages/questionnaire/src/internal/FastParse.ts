/**
 * A hand-written fast path for the definition schema (`QuestionnaireDefinition` in
 * ../Questionnaire.ts). It only ever ACCEPTS: for an input it fully understands and that the zod
 * schema would accept, it returns exactly what zod would return (fresh objects, keys in the
 * schema's order, defaults applied); for anything else — an unknown key (zod strips it), an
 * `undefined` member, a condition given as AST data, a non-plain object, any invalid value — it
 * returns `undefined` and the caller runs zod, which produces the output or the error messages.
 * So the schema stays the single source of truth for errors, and the fast path can only be
 * incomplete, never more permissive. Tests compare both on generated definitions.
 */
import { RESERVED_WORDS } from "../Expression"
import type { QuestionnaireDefinition } from "../QuestionnaireDefinition"

type Obj = Record<string, unknown>

const QUESTION_ID = new RegExp(`^(?!(?:${[...RESERVED_WORDS, "end", "__proto__"].join("|")})$)[A-Za-z_][A-Za-z0-9_]*$`)
const CHOICE_ID = /^[A-Za-z0-9_.:-]+$/
const CONTEXT_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/

// Thrown (and caught below) for "not understood here, let zod decide".
const fallback: object = Object.freeze({ fallback: true })
function fail(): never {
  throw fallback
}

function plain(v: unknown): Obj {
  if (v === null || typeof v !== "object" || Array.isArray(v)) fail()
  const p = Object.getPrototypeOf(v) as unknown
  if (p !== Object.prototype && p !== null) fail()
  return v as Obj
}

function array(v: unknown): unknown[] {
  if (!Array.isArray(v) || Object.getPrototypeOf(v) !== Array.prototype) fail()
  return v
}

// Every own key must be one of `allowed` and no member may be undefined (zod would keep or strip).
// (Symbol keys are ignored by zod's objects and not copied, as here.)
function keysWithin(o: Obj, allowed: ReadonlySet<string>): void {
  for (const k in o) {
    if (!allowed.has(k) || o[k] === undefined || !Object.prototype.hasOwnProperty.call(o, k)) fail()
  }
}

function str(v: unknown): string {
  if (typeof v !== "string") fail()
  return v
}

function nonEmpty(v: unknown): string {
  if (typeof v !== "string" || v.length === 0) fail()
  return v
}

function int(v: unknown): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v)) fail()
  return v
}

function num(v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v)) fail()
  return v
}

function bool(v: unknown): boolean {
  if (typeof v !== "boolean") fail()
  return v
}

function localized(v: unknown): string | Record<string, string> {
  if (typeof v === "string") {
    if (v.length === 0) fail()
    return v
  }
  const o = plain(v)
  const out: Record<string, string> = {}
  let n = 0
  for (const k in o) {
    if (!Object.prototype.hasOwnProperty.call(o, k) || k.length === 0 || k === "__proto__") fail()
    out[k] = nonEmpty(o[k])
    n++
  }
  if (n === 0 || Object.getOwnPropertySymbols(o).length > 0) fail()
  return out
}

// Conditions: only text here (AST data goes through zod's recursive schema).
const condition = nonEmpty

const BASE = ["id", "text", "description", "section", "required", "requiredIf", "showIf", "jumps", "type"]
const QUESTION_KEYS: Record<string, ReadonlySet<string>> = {
  text: new Set([...BASE, "minLength", "maxLength", "pattern"]),
  multilineText: new Set([...BASE, "minLength", "maxLength"]),
  singleChoice: new Set([...BASE, "choices"]),
  multipleChoice: new Set([...BASE, "choices", "minSelected", "maxSelected"]),
  number: new Set([...BASE, "min", "max", "integer"]),
  date: new Set([...BASE, "min", "max"]),
  rating: new Set([...BASE, "min", "max", "minLabel", "maxLabel"])
}
const CHOICE_KEYS = new Set(["id", "text"])
const JUMP_KEYS = new Set(["when", "to"])
const SECTION_KEYS = new Set(["id", "title"])
const DEFINITION_KEYS = new Set(["id", "title", "description", "defaultLocale", "hiddenAnswers", "context", "sections", "questions"])
const CONTEXT_KEYS: Record<string, ReadonlySet<string>> = {
  string: new Set(["type", "description"]),
  number: new Set(["type", "description"]),
  boolean: new Set(["type", "description"]),
  choice: new Set(["type", "values", "description"])
}

function choices(v: unknown): Obj[] {
  const a = array(v)
  if (a.length === 0) fail()
  const out: Obj[] = []
  for (let i = 0; i < a.length; i++) {
    const c = plain(a[i])
    keysWithin(c, CHOICE_KEYS)
    const id = str(c.id)
    if (!CHOICE_ID.test(id)) fail()
    out.push({ id, text: localized(c.text) })
  }
  return out
}

function question(v: unknown): Obj {
  const q = plain(v)
  const type = q.type
  if (typeof type !== "string" || !Object.prototype.hasOwnProperty.call(QUESTION_KEYS, type)) fail()
  keysWithin(q, QUESTION_KEYS[type]!)
  const id = str(q.id)
  if (!QUESTION_ID.test(id)) fail()
  // Keys in the schema's order, present only when given (as zod does for optional members).
  const out: Obj = { id, text: localized(q.text) }
  if ("description" in q) out.description = localized(q.description)
  if ("section" in q) out.section = nonEmpty(q.section)
  if ("required" in q) out.required = bool(q.required)
  if ("requiredIf" in q) out.requiredIf = condition(q.requiredIf)
  if ("showIf" in q) out.showIf = condition(q.showIf)
  if ("jumps" in q) {
    const a = array(q.jumps)
    const js: Obj[] = []
    for (let i = 0; i < a.length; i++) {
      const j = plain(a[i])
      keysWithin(j, JUMP_KEYS)
      js.push({ when: condition(j.when), to: nonEmpty(j.to) })
    }
    out.jumps = js
  }
  out.type = type
  switch (type) {
    case "text":
    case "multilineText":
      if ("minLength" in q && int(q.minLength) < 0) fail()
      if ("maxLength" in q && int(q.maxLength) < 1) fail()
      if ("minLength" in q) out.minLength = q.minLength
      if ("maxLength" in q) out.maxLength = q.maxLength
      if ("pattern" in q) out.pattern = str(q.pattern)
      break
    case "singleChoice":
      out.choices = choices(q.choices)
      break
    case "multipleChoice":
      out.choices = choices(q.choices)
      if ("minSelected" in q && int(q.minSelected) < 0) fail()
      if ("maxSelected" in q && int(q.maxSelected) < 1) fail()
      if ("minSelected" in q) out.minSelected = q.minSelected
      if ("maxSelected" in q) out.maxSelected = q.maxSelected
      break
    case "number":
      if ("min" in q) out.min = num(q.min)
      if ("max" in q) out.max = num(q.max)
      if ("integer" in q) out.integer = bool(q.integer)
      break
    case "date":
      if ("min" in q && !ISO_DATE.test(str(q.min))) fail()
      if ("max" in q && !ISO_DATE.test(str(q.max))) fail()
      if ("min" in q) out.min = q.min
      if ("max" in q) out.max = q.max
      break
    case "rating":
      out.min = "min" in q ? int(q.min) : 1
      out.max = "max" in q ? int(q.max) : 5
      if ("minLabel" in q) out.minLabel = localized(q.minLabel)
      if ("maxLabel" in q) out.maxLabel = localized(q.maxLabel)
      break
  }
  return out
}

function contextFields(v: unknown): Obj {
  const o = plain(v)
  if (Object.getOwnPropertySymbols(o).length > 0) fail()
  const out: Obj = {}
  for (const k in o) {
    if (!Object.prototype.hasOwnProperty.call(o, k) || k === "__proto__" || !CONTEXT_KEY.test(k)) fail()
    const f = plain(o[k])
    const type = f.type
    if (typeof type !== "string" || !Object.prototype.hasOwnProperty.call(CONTEXT_KEYS, type)) fail()
    keysWithin(f, CONTEXT_KEYS[type]!)
    const field: Obj = { type }
    if (type === "choice") {
      const a = array(f.values)
      if (a.length === 0) fail()
      const vs: string[] = []
      for (let i = 0; i < a.length; i++) vs.push(str(a[i]))
      field.values = vs
    }
    if ("description" in f) field.description = str(f.description)
    out[k] = field
  }
  return out
}

/**
 * The parsed definition zod would return, or `undefined` when the input needs zod (to strip or
 * default something this path does not handle, or to report issues).
 */
export function fastParseDefinition(input: unknown): QuestionnaireDefinition | undefined {
  try {
    const d = plain(input)
    keysWithin(d, DEFINITION_KEYS)
    const out: Obj = { id: nonEmpty(d.id), title: localized(d.title) }
    if ("description" in d) out.description = localized(d.description)
    if ("defaultLocale" in d) out.defaultLocale = nonEmpty(d.defaultLocale)
    if ("hiddenAnswers" in d) {
      if (d.hiddenAnswers !== "clear" && d.hiddenAnswers !== "keep" && d.hiddenAnswers !== "keep-and-read") fail()
      out.hiddenAnswers = d.hiddenAnswers
    } else out.hiddenAnswers = "clear"
    if ("context" in d) out.context = contextFields(d.context)
    if ("sections" in d) {
      const a = array(d.sections)
      const ss: Obj[] = []
      for (let i = 0; i < a.length; i++) {
        const s = plain(a[i])
        keysWithin(s, SECTION_KEYS)
        ss.push({ id: nonEmpty(s.id), title: localized(s.title) })
      }
      out.sections = ss
    }
    const qa = array(d.questions)
    if (qa.length === 0) fail()
    const qs: Obj[] = []
    for (let i = 0; i < qa.length; i++) qs.push(question(qa[i]))
    out.questions = qs
    return out as unknown as QuestionnaireDefinition
  } catch (e) {
    if (e === fallback) return undefined
    throw e
  }
}
