/**
 * Checking one answer against its question. Shared by the runtime and the server-side validator
 * so both accept and reject exactly the same values.
 */
import type { Question } from "../Questionnaire"

/** A stored answer: text/date/choice id (string), number/rating (number), or choice ids. */
export type StoredValue = string | number | ReadonlyArray<string>

export type ValueCheck =
  | { readonly ok: true; readonly value: StoredValue | null }
  | { readonly ok: false; readonly code: string; readonly message: string }

const bad = (code: string, message: string): ValueCheck => ({ ok: false, code, message })

function isIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false
  const [y, m, d] = s.split("-").map(Number) as [number, number, number]
  if (m < 1 || m > 12 || d < 1) return false
  const days = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!
  return d <= days
}

/**
 * Normalizes and checks `raw` for `q`. `null`, `undefined`, `""` and `[]` mean "no answer" and
 * are accepted (as `null`); whether an answer is required is decided elsewhere.
 */
export function checkValue(q: Question, raw: unknown, patternCache?: Map<string, RegExp>): ValueCheck {
  if (raw === null || raw === undefined || raw === "" || (Array.isArray(raw) && raw.length === 0)) return { ok: true, value: null }
  switch (q.type) {
    case "text":
    case "multilineText": {
      if (typeof raw !== "string") return bad("invalid_type", "Expected text")
      const len = [...raw].length
      if (q.minLength !== undefined && len < q.minLength) return bad("too_short", `At least ${q.minLength} characters`)
      if (q.maxLength !== undefined && len > q.maxLength) return bad("too_long", `At most ${q.maxLength} characters`)
      if (q.type === "text" && q.pattern !== undefined) {
        let re = patternCache?.get(q.pattern)
        if (re === undefined) {
          re = new RegExp(q.pattern, "u")
          patternCache?.set(q.pattern, re)
        }
        if (!re.test(raw)) return bad("pattern_mismatch", `Does not match ${q.pattern}`)
      }
      return { ok: true, value: raw }
    }
    case "singleChoice": {
      if (typeof raw !== "string") return bad("invalid_type", "Expected a choice id")
      if (!q.choices.some((c) => c.id === raw)) return bad("unknown_choice", `"${raw}" is not a choice of ${q.id}`)
      return { ok: true, value: raw }
    }
    case "multipleChoice": {
      if (!Array.isArray(raw) || !raw.every((x) => typeof x === "string")) return bad("invalid_type", "Expected a list of choice ids")
      const set = new Set<string>(raw as string[])
      if (set.size !== raw.length) return bad("duplicate_choice", "A choice is selected twice")
      for (const x of set) if (!q.choices.some((c) => c.id === x)) return bad("unknown_choice", `"${x}" is not a choice of ${q.id}`)
      if (q.minSelected !== undefined && set.size < q.minSelected) return bad("too_few", `Select at least ${q.minSelected}`)
      if (q.maxSelected !== undefined && set.size > q.maxSelected) return bad("too_many", `Select at most ${q.maxSelected}`)
      // Canonical order: the order of the choices in the definition.
      return { ok: true, value: q.choices.filter((c) => set.has(c.id)).map((c) => c.id) }
    }
    case "number": {
      if (typeof raw !== "number" || !Number.isFinite(raw)) return bad("invalid_type", "Expected a finite number")
      if (q.integer === true && !Number.isInteger(raw)) return bad("not_integer", "Expected a whole number")
      if (q.min !== undefined && raw < q.min) return bad("too_small", `At least ${q.min}`)
      if (q.max !== undefined && raw > q.max) return bad("too_big", `At most ${q.max}`)
      return { ok: true, value: raw }
    }
    case "rating": {
      if (typeof raw !== "number" || !Number.isInteger(raw)) return bad("invalid_type", "Expected a whole number")
      if (raw < q.min || raw > q.max) return bad("out_of_scale", `Expected ${q.min}..${q.max}`)
      return { ok: true, value: raw }
    }
    case "date": {
      if (typeof raw !== "string" || !isIsoDate(raw)) return bad("invalid_type", "Expected an ISO date YYYY-MM-DD")
      if (q.min !== undefined && raw < q.min) return bad("too_early", `On or after ${q.min}`)
      if (q.max !== undefined && raw > q.max) return bad("too_late", `On or before ${q.max}`)
      return { ok: true, value: raw }
    }
  }
}
