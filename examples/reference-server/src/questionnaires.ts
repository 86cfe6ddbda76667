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
import { answer, loadPublished, publish, questionTexts, retentionCallback, start, validateResponse, type PublishedQuestionnaire } from "@winback/questionnaire"

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
  /** Every question's text in the requested locale with context and counted answers piped in. */
  readonly texts: Readonly<Record<string, string>>
}

const load = (record: QuestionnaireVersionRecord) => loadPublished({ hash: record.hash, definition: record.definition })

/**
 * The questions' texts as the agent reads them: `{ctx.customerName}` and `{competitor}` resolved
 * from the context and the answers that count. A context the version does not accept (wrong type)
 * pipes in nothing rather than failing: evaluation reports it, texts stay readable.
 */
const textsOf = (version: PublishedQuestionnaire, answers: Readonly<Record<string, unknown>>, visible: ReadonlyArray<string>, context: Readonly<Record<string, unknown>>, locale: string | undefined) => {
  let s
  try {
    s = start(version, context)
  } catch {
    s = start(version)
  }
  // In path order each counted answer's question is visible once the earlier ones are answered.
  for (const id of visible) if (answers[id] !== undefined) s = answer(s, id, answers[id])
  return questionTexts(s, locale)
}

/**
 * The resolved question texts of a stored version for a context, before any answer.
 *
 * @example
 * ```ts
 * questionTextsFor(record, { customerName: "Li Lei" }, "zh-CN").reached // "请问是机主Li Lei本人吗？"
 * ```
 */
export const questionTextsFor = (record: QuestionnaireVersionRecord, context: Readonly<Record<string, unknown>>, locale?: string): Readonly<Record<string, string>> =>
  textsOf(load(record), {}, [], context, locale)

/**
 * Evaluates answers against a stored published version.
 *
 * @example
 * ```ts
 * const e = evaluateAnswers(record, { reached: "yes" }, { tier: "gold" })
 * e.next // the next question to ask
 * ```
 */
export const evaluateAnswers = (
  record: QuestionnaireVersionRecord,
  answers: Readonly<Record<string, unknown>>,
  context: Readonly<Record<string, unknown>>,
  locale?: string
): Evaluation => {
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
    errors: errors.map((i) => ({ path: i.path, code: i.code, message: i.message })),
    texts: textsOf(version, v.answers, v.visible, context, locale)
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
