/**
 * Preview and backtest for approvers: how many customers a draft would pick as of each of the
 * last N days, how it overlaps the other active instances, and a few explained samples.
 */
import type { CompiledRule, IndexedFacts } from "./Evaluator"
import type { Explanation } from "./Explanation"
import { dayNumber, isoDay } from "./internal/dates"

/**
 * The result of {@link preview}.
 *
 * @example
 * ```ts
 * const p: PreviewResult = { asOf: "2026-11-20", days: [{ day: "2026-11-20", count: 412 }], overlap: [], samples: [] }
 * ```
 */
export interface PreviewResult {
  readonly asOf: string
  /** Count of customers picked as of each day, oldest first. */
  readonly days: ReadonlyArray<{ readonly day: string; readonly count: number }>
  /** For each other instance, as of `asOf`: picked by both, and by the draft only. */
  readonly overlap: ReadonlyArray<{ readonly id: string; readonly both: number; readonly draftOnly: number; readonly otherOnly: number }>
  /** Explanations of the first `samples` matches as of `asOf`. */
  readonly samples: ReadonlyArray<Explanation>
}

/**
 * Backtests a draft over the last `days` days (ending at `asOf`) and compares it with other instances.
 *
 * @example
 * ```ts
 * import { compileRule, indexFacts, preview } from "@winback/rules"
 * const p = preview({ rule: compileRule(draft.rule), facts: indexFacts(customers), asOf: "2026-11-20", days: 7,
 *   others: [{ id: "silent", rule: compileRule(active.rule) }] })
 * ```
 */
export const preview = (input: {
  readonly rule: CompiledRule
  readonly facts: ReadonlyArray<IndexedFacts>
  readonly asOf: string
  readonly days?: number | undefined
  readonly others?: ReadonlyArray<{ readonly id: string; readonly rule: CompiledRule }> | undefined
  readonly samples?: number | undefined
}): PreviewResult => {
  const n = input.days ?? 7
  const end = dayNumber(input.asOf)
  const days = []
  for (let d = end - n + 1; d <= end; d++) {
    const day = isoDay(d)
    days.push({ day, count: input.rule.count(input.facts, day) })
  }
  const picked = input.rule.at(input.asOf)
  const mine = new Uint8Array(input.facts.length)
  input.facts.forEach((f, i) => {
    mine[i] = picked(f) ? 1 : 0
  })
  const overlap = (input.others ?? []).map((o) => {
    const test = o.rule.at(input.asOf)
    let both = 0
    let draftOnly = 0
    let otherOnly = 0
    input.facts.forEach((f, i) => {
      const t = test(f)
      if (t && mine[i]) both++
      else if (mine[i]) draftOnly++
      else if (t) otherOnly++
    })
    return { id: o.id, both, draftOnly, otherOnly }
  })
  const samples: Explanation[] = []
  const want = input.samples ?? 5
  for (let i = 0; i < input.facts.length && samples.length < want; i++) if (mine[i]) samples.push(input.rule.explain(input.facts[i]!, input.asOf))
  return { asOf: input.asOf, days, overlap, samples }
}
