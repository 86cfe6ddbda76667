/**
 * Server-side validation of a whole submitted response, with exactly the runtime's semantics (the
 * same compiled plan, the same value checks, the same forward evaluation). A host never has to
 * trust a client's idea of which questions were shown.
 */
import type { ValidationIssue } from "./Errors"
import { planOf, type PublishedQuestionnaire } from "./Publish"
import { SubmittedResponse, type AnswerValue } from "./Runtime"
import { forwardPass, isAnsweredValue } from "./internal/Plan"
import { checkValue, type StoredValue } from "./internal/Values"

/**
 * The verdict on a submitted response.
 *
 * - `valid`: no issues at all (complete, every value acceptable, nothing unknown).
 * - `complete`: every visible required question is answered.
 * - `visible`: the questions the response's path shows, in order.
 * - `answers`: the accepted answers of visible questions (normalized).
 * - `ignored`: answers to hidden questions that the `"keep"` and `"keep-and-read"` policies tolerate
 *   (under `"keep-and-read"` they still feed conditions, so they can decide what is visible).
 *
 * @example
 * ```ts
 * const v = validateResponse(version, { answers: { reason: "price" } })
 * if (!v.valid) console.log(v.issues)
 * ```
 */
export interface ResponseValidation {
  readonly valid: boolean
  readonly complete: boolean
  readonly issues: ReadonlyArray<ValidationIssue>
  readonly visible: ReadonlyArray<string>
  readonly missingRequired: ReadonlyArray<string>
  readonly answers: Readonly<Record<string, AnswerValue>>
  readonly ignored: ReadonlyArray<string>
}

/**
 * Validates a whole response against a version. Issues (each with a path `["answers", id]`):
 * `version_mismatch`, `unknown_question`, value problems (`invalid_type`, `unknown_choice`,
 * `too_big`, ...), `answered_hidden` (an answer to a question the path hides, under the
 * `"clear"` policy) and `required`.
 *
 * @example
 * ```ts
 * const r = validateResponse(version, { versionHash: version.hash, context: { tier: "gold" }, answers: { reason: "price", competitor: "AcmeTel" } })
 * r.valid // true when complete and consistent
 * ```
 */
export function validateResponse(version: PublishedQuestionnaire, response: unknown): ResponseValidation {
  const plan = planOf(version)
  const issues: ValidationIssue[] = []
  const parsed = SubmittedResponse.safeParse(response)
  if (!parsed.success) {
    return {
      valid: false,
      complete: false,
      issues: parsed.error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === "symbol" ? String(p) : p)), message: i.message, code: i.code })),
      visible: [],
      missingRequired: [],
      answers: {},
      ignored: []
    }
  }
  const r = parsed.data
  if (r.versionHash !== undefined && r.versionHash !== version.hash)
    issues.push({ path: ["versionHash"], code: "version_mismatch", message: `The response was given on ${r.versionHash}, not ${version.hash}` })
  const stored = new Array<StoredValue | undefined>(plan.n).fill(undefined)
  const invalid = new Set<number>()
  for (const [id, raw] of Object.entries(r.answers)) {
    const i = plan.index.get(id)
    if (i === undefined) {
      issues.push({ path: ["answers", id], code: "unknown_question", message: `Unknown question "${id}"` })
      continue
    }
    const c = checkValue(plan.questions[i]!, raw, plan.patterns)
    if (!c.ok) {
      invalid.add(i)
      issues.push({ path: ["answers", id], code: c.code, message: c.message })
      continue
    }
    stored[i] = c.value ?? undefined
  }
  const ev = forwardPass(plan, stored, r.context ?? {})
  const visible: string[] = []
  const missingRequired: string[] = []
  const answers: Record<string, AnswerValue> = {}
  const ignored: string[] = []
  for (let i = 0; i < plan.n; i++) {
    const id = plan.ids[i]!
    if (ev.visible[i] === 1) {
      visible.push(id)
      const v = stored[i]
      if (v !== undefined) answers[id] = Array.isArray(v) ? [...(v as string[])] : (v as string | number)
      if (ev.required[i] === 1 && !isAnsweredValue(v) && !invalid.has(i)) {
        missingRequired.push(id)
        issues.push({ path: ["answers", id], code: "required", message: `"${id}" is shown and required but not answered` })
      }
    } else if (stored[i] !== undefined) {
      if (plan.keepHidden) ignored.push(id)
      else issues.push({ path: ["answers", id], code: "answered_hidden", message: `"${id}" is not shown on this response's path but has an answer` })
    }
  }
  return { valid: issues.length === 0, complete: missingRequired.length === 0 && invalid.size === 0, issues, visible, missingRequired, answers, ignored }
}
