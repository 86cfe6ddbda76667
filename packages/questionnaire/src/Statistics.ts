/**
 * Statistics over many responses, possibly given on several versions of a questionnaire. Questions
 * are merged by their stable id; every rate is taken over the responses that could have shown the
 * question (those on a version that contains it), and every choice share over the answers given on
 * versions that offered that choice.
 */
import * as z from "zod"
import { ValidationError } from "./Errors"
import { planOf, type PublishedQuestionnaire } from "./Publish"
import { localize, type Question } from "./Questionnaire"
import { validateResponse } from "./Validation"

/**
 * A stored response to summarize.
 *
 * @example
 * ```ts
 * const r: StoredResponse = { versionHash: v1.hash, context: { tier: "gold" }, answers: { reason: "price" } }
 * ```
 */
export const StoredResponse = z.object({
  versionHash: z.string(),
  context: z.record(z.string(), z.unknown()).optional(),
  answers: z.record(z.string(), z.unknown())
})
/**
 * The type of {@link StoredResponse}: what `StoredResponse.parse(input)` returns.
 *
 * @example
 * ```ts
 * const value: StoredResponse = StoredResponse.parse(input)
 * ```
 */
export type StoredResponse = z.infer<typeof StoredResponse>

/**
 * One choice's count and share. `offered`: answers to the question on versions that offered this
 * choice (the honest denominator when choices were added or removed between versions).
 *
 * @example
 * ```ts
 * const c: ChoiceCount = { id: "price", text: "Price", count: 42, offered: 100, share: 0.42 }
 * ```
 */
export interface ChoiceCount {
  readonly id: string
  readonly text: string
  readonly count: number
  readonly offered: number
  readonly share: number
}

/**
 * Figures of numeric answers (number and rating questions).
 *
 * @example
 * ```ts
 * const n: NumericSummary = { count: 3, min: 1, max: 5, mean: 3, median: 3, histogram: [{ from: 1, to: 1, count: 1 }] }
 * ```
 */
export interface NumericSummary {
  readonly count: number
  readonly min: number
  readonly max: number
  readonly mean: number
  readonly median: number
  /** Bins with inclusive `from` and `to` (exclusive `to` for all but the last bin of a continuous range). */
  readonly histogram: ReadonlyArray<{ readonly from: number; readonly to: number; readonly count: number }>
}

/**
 * Per-question statistics, merged across versions by question id.
 *
 * - `eligible`: responses on a version containing the question.
 * - `shown`: of those, responses whose path shows it; `skippedByLogic` = eligible − shown.
 * - `answered` / `unanswered`: of the shown, answered or not.
 *
 * @example
 * ```ts
 * const q = stats.questions.find((q) => q.id === "reason")!
 * console.log(q.answered / q.shown, q.choices?.map((c) => `${c.text}: ${(c.share * 100).toFixed(1)}%`))
 * ```
 */
export interface QuestionStatistics {
  readonly id: string
  readonly type: Question["type"]
  readonly text: string
  readonly versions: ReadonlyArray<string>
  readonly eligible: number
  readonly shown: number
  readonly answered: number
  readonly unanswered: number
  readonly skippedByLogic: number
  readonly choices?: ReadonlyArray<ChoiceCount> | undefined
  readonly numeric?: NumericSummary | undefined
  readonly dates?: { readonly min: string; readonly max: string; readonly byMonth: Readonly<Record<string, number>> } | undefined
  readonly texts?: { readonly count: number; readonly samples: ReadonlyArray<string> } | undefined
}

/**
 * The statistics of a questionnaire over its responses.
 *
 * @example
 * ```ts
 * const stats = questionnaireStatistics([v1, v2], responses)
 * stats.completionRate // completed / responses
 * ```
 */
export interface QuestionnaireStatistics {
  readonly responses: number
  readonly completed: number
  readonly completionRate: number
  readonly byVersion: Readonly<Record<string, { readonly responses: number; readonly completed: number }>>
  readonly questions: ReadonlyArray<QuestionStatistics>
}

/**
 * Options of {@link questionnaireStatistics}.
 *
 * @example
 * ```ts
 * questionnaireStatistics(versions, responses, { textSamples: 10, histogramBins: 5, locale: "zh-CN" })
 * ```
 */
export interface StatisticsOptions {
  /** How many text answers to keep as samples per question (default 5, first seen). */
  readonly textSamples?: number
  /** Bins for number questions (default 10). Ratings always get one bin per scale point. */
  readonly histogramBins?: number
  /** Locale of question and choice texts (default: each version's default). */
  readonly locale?: string
}

interface Acc {
  id: string
  question: Question
  versions: string[]
  eligible: number
  shown: number
  answered: number
  choiceCounts: Map<string, number>
  choiceOffered: Map<string, number>
  choiceText: Map<string, string>
  numbers: number[]
  ratingScale: { min: number; max: number } | undefined
  dates: string[]
  samples: string[]
  textCount: number
}

function median(sorted: number[]): number {
  const m = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[m]! : (sorted[m - 1]! + sorted[m]!) / 2
}

/**
 * Computes per-question statistics over responses given on any of `versions` (later versions in
 * the array win for texts and question order). Throws {@link ValidationError} naming each response
 * that is malformed or whose `versionHash` matches none of the versions — nothing is silently
 * dropped.
 *
 * @example
 * ```ts
 * const stats = questionnaireStatistics([v1, v2], [
 *   { versionHash: v1.hash, answers: { reason: "price" } },
 *   { versionHash: v2.hash, answers: { reason: "network", score: 4 } }
 * ])
 * ```
 */
export function questionnaireStatistics(
  versions: ReadonlyArray<PublishedQuestionnaire>,
  responses: Iterable<StoredResponse>,
  options: StatisticsOptions = {}
): QuestionnaireStatistics {
  const byHash = new Map<string, PublishedQuestionnaire>()
  for (const v of versions) byHash.set(v.hash, v)
  const maxSamples = options.textSamples ?? 5
  const accs = new Map<string, Acc>()
  const order: string[] = []
  // Later versions define texts and order; earlier-only questions follow.
  for (let vi = versions.length - 1; vi >= 0; vi--) {
    const v = versions[vi]!
    for (const q of v.definition.questions) {
      let a = accs.get(q.id)
      if (a === undefined) {
        a = { id: q.id, question: q, versions: [], eligible: 0, shown: 0, answered: 0, choiceCounts: new Map(), choiceOffered: new Map(), choiceText: new Map(), numbers: [], ratingScale: undefined, dates: [], samples: [], textCount: 0 }
        accs.set(q.id, a)
        order.push(q.id)
      }
      a.versions.unshift(v.hash)
      if (q.type === "singleChoice" || q.type === "multipleChoice")
        for (const c of q.choices) if (!a.choiceText.has(c.id)) a.choiceText.set(c.id, localize(c.text, options.locale, v.definition.defaultLocale))
      if (q.type === "rating") a.ratingScale = a.ratingScale === undefined ? { min: q.min, max: q.max } : { min: Math.min(a.ratingScale.min, q.min), max: Math.max(a.ratingScale.max, q.max) }
    }
  }
  const byVersion: Record<string, { responses: number; completed: number }> = {}
  let total = 0
  let completed = 0
  const unmatched: Array<{ path: Array<string | number>; message: string; code: string }> = []
  let k = -1
  for (const raw of responses) {
    k++
    const parsed = StoredResponse.safeParse(raw)
    if (!parsed.success) {
      for (const i of parsed.error.issues) unmatched.push({ path: [k, ...i.path.map((p) => (typeof p === "symbol" ? String(p) : p))], code: i.code, message: i.message })
      continue
    }
    const r = parsed.data
    const v = byHash.get(r.versionHash)
    if (v === undefined) {
      unmatched.push({ path: [k, "versionHash"], code: "unknown_version", message: `Response ${k} was given on ${r.versionHash}, which is not among the versions` })
      continue
    }
    const res = validateResponse(v, { versionHash: r.versionHash, context: r.context ?? {}, answers: r.answers })
    total++
    const bv = (byVersion[v.hash] ??= { responses: 0, completed: 0 })
    bv.responses++
    if (res.complete) {
      completed++
      bv.completed++
    }
    const visible = new Set(res.visible)
    const plan = planOf(v)
    for (const q of plan.questions) {
      const a = accs.get(q.id)!
      a.eligible++
      if (!visible.has(q.id)) continue
      a.shown++
      const val = res.answers[q.id]
      if (val === undefined || val === null) continue
      a.answered++
      if (q.type === "singleChoice" || q.type === "multipleChoice") {
        for (const c of q.choices) a.choiceOffered.set(c.id, (a.choiceOffered.get(c.id) ?? 0) + 1)
        for (const id of Array.isArray(val) ? val : [String(val)]) a.choiceCounts.set(id, (a.choiceCounts.get(id) ?? 0) + 1)
      } else if ((q.type === "number" || q.type === "rating") && typeof val === "number") a.numbers.push(val)
      else if (q.type === "date" && typeof val === "string") a.dates.push(val)
      else if (typeof val === "string") {
        a.textCount++
        if (a.samples.length < maxSamples) a.samples.push(val)
      }
    }
  }
  if (unmatched.length > 0) throw new ValidationError({ issues: unmatched, subject: "responses" })
  const questions: QuestionStatistics[] = order.map((id) => {
    const a = accs.get(id)!
    const q = a.question
    const latest = versions.find((v) => v.hash === a.versions[a.versions.length - 1])!
    const base = {
      id,
      type: q.type,
      text: localize(q.text, options.locale, latest.definition.defaultLocale),
      versions: a.versions,
      eligible: a.eligible,
      shown: a.shown,
      answered: a.answered,
      unanswered: a.shown - a.answered,
      skippedByLogic: a.eligible - a.shown
    }
    if (q.type === "singleChoice" || q.type === "multipleChoice") {
      const choices = [...a.choiceText.entries()].map(([cid, text]) => {
        const count = a.choiceCounts.get(cid) ?? 0
        const offered = a.choiceOffered.get(cid) ?? 0
        return { id: cid, text, count, offered, share: offered === 0 ? 0 : count / offered }
      })
      return { ...base, choices }
    }
    if (q.type === "number" || q.type === "rating") {
      if (a.numbers.length === 0) return base
      const sorted = [...a.numbers].sort((x, y) => x - y)
      const min = sorted[0]!
      const max = sorted[sorted.length - 1]!
      const mean = sorted.reduce((s, x) => s + x, 0) / sorted.length
      let histogram: Array<{ from: number; to: number; count: number }>
      if (q.type === "rating" && a.ratingScale !== undefined && a.ratingScale.max - a.ratingScale.min <= 100) {
        histogram = []
        for (let p = a.ratingScale.min; p <= a.ratingScale.max; p++) histogram.push({ from: p, to: p, count: 0 })
        for (const x of sorted) histogram[x - a.ratingScale.min]!.count++
      } else {
        const bins = Math.max(1, options.histogramBins ?? 10)
        const width = max === min ? 1 : (max - min) / bins
        histogram = Array.from({ length: max === min ? 1 : bins }, (_, b) => ({ from: min + b * width, to: b === bins - 1 || max === min ? max : min + (b + 1) * width, count: 0 }))
        for (const x of sorted) histogram[Math.min(histogram.length - 1, Math.floor((x - min) / width))]!.count++
      }
      return { ...base, numeric: { count: sorted.length, min, max, mean, median: median(sorted), histogram } }
    }
    if (q.type === "date") {
      if (a.dates.length === 0) return base
      const sorted = [...a.dates].sort()
      const byMonth: Record<string, number> = {}
      for (const d of sorted) byMonth[d.slice(0, 7)] = (byMonth[d.slice(0, 7)] ?? 0) + 1
      return { ...base, dates: { min: sorted[0]!, max: sorted[sorted.length - 1]!, byMonth } }
    }
    return { ...base, texts: { count: a.textCount, samples: a.samples } }
  })
  return { responses: total, completed, completionRate: total === 0 ? 0 : completed / total, byVersion, questions }
}
