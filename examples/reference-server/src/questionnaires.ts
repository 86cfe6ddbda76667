/**
 * The questionnaire runtime as the server uses it: evaluating answers against a published version
 * (which questions are visible, what comes next, whether the response is complete, what is wrong)
 * so the workbench does live branching without bundling the package, and publishing the standard
 * questionnaires for the demo.
 *
 * `@winback/questionnaire` is not yet listed in this example's package.json (adding dependencies
 * is the lead's call), so its source is imported by path; the import moves to the package name
 * once it is listed.
 */
import type { QuestionnaireVersionRecord } from "@winback/core"
import { ValidationError } from "@winback/core"
import { loadPublished, publish, retentionCallback, validateResponse } from "@winback/questionnaire"

/** The evaluation of a (partial) set of answers. */
export interface Evaluation {
  readonly versionHash: string
  /** Visible questions in order, given these answers. */
  readonly visible: ReadonlyArray<string>
  /** The first visible question without an answer, `null` when every visible question is answered. */
  readonly next: string | null
  /** Visible required questions still unanswered. */
  readonly missingRequired: ReadonlyArray<string>
  /** True when the answers form a valid, complete response. */
  readonly complete: boolean
  /** The answers that count (answers to hidden questions dropped). */
  readonly answers: Readonly<Record<string, unknown>>
  /** Answers given to questions that are hidden or unknown. */
  readonly ignored: ReadonlyArray<string>
  readonly errors: ReadonlyArray<{ readonly path: ReadonlyArray<string | number>; readonly code: string; readonly message: string }>
}

const load = (record: QuestionnaireVersionRecord) => {
  try {
    return loadPublished({ hash: record.hash, definition: record.definition })
  } catch (e) {
    throw ValidationError.adopt(e) ?? e
  }
}

/**
 * Evaluates answers against a stored published version.
 *
 * @example
 * ```ts
 * const e = evaluateAnswers(record, { reached: "yes" }, { tier: "gold" })
 * e.next // the next question to ask
 * ```
 */
export const evaluateAnswers = (record: QuestionnaireVersionRecord, answers: Readonly<Record<string, unknown>>, context: Readonly<Record<string, unknown>>): Evaluation => {
  const version = load(record)
  const v = validateResponse(version, { versionHash: version.hash, context, answers })
  const answered = (id: string) => {
    const a = v.answers[id]
    return a !== undefined && a !== null && a !== "" && !(Array.isArray(a) && a.length === 0)
  }
  // Missing answers are reported as missingRequired and answers to hidden questions as ignored:
  // while a call is under way neither is a mistake.
  const errors = v.issues.filter((i) => i.code !== "required" && i.code !== "answered_hidden")
  return {
    versionHash: version.hash,
    visible: v.visible,
    next: v.visible.find((q) => !answered(q)) ?? null,
    missingRequired: v.missingRequired,
    complete: v.valid && v.complete,
    answers: v.answers,
    ignored: v.ignored,
    errors: errors.map((i) => ({ path: i.path, code: i.code, message: i.message }))
  }
}

/**
 * Publishes the standard retention-callback questionnaire as a stored version record.
 *
 * @example
 * ```ts
 * await stores.questionnaires.putVersion(standardVersionRecord("m-director", "2026-11-25T00:00:00.000Z"))
 * ```
 */
export const standardVersionRecord = (publishedBy: string, publishedAt: string): QuestionnaireVersionRecord => {
  const version = publish(retentionCallback)
  return {
    hash: version.hash,
    questionnaireId: version.id,
    title: "Retention callback",
    definition: JSON.parse(JSON.stringify(version.definition)),
    publishedAt,
    publishedBy
  }
}
