/**
 * What every benchmark section returns: its markdown and the issue goals it measures, so
 * `pnpm bench` can put one summary table of goals against figures at the top of docs/benchmarks.md.
 */

/** One goal of an issue and what this run measured for it. */
export interface Goal {
  /** The goal as the issue states it, e.g. "bill-drop rule ≥ 100× json-rules-engine". */
  readonly goal: string
  /** The figures of this run, e.g. "254× at 200k, 202× at 1M customers". */
  readonly measured: string
  /** Whether this run meets the goal. */
  readonly met: boolean
}

/** A section's result. */
export interface SectionResult {
  readonly markdown: string
  readonly goals?: ReadonlyArray<Goal>
}

/** Formats a ratio as "12.3×". */
export const times = (x: number): string => `${x >= 100 ? Math.round(x).toLocaleString("en") : x.toFixed(x >= 10 ? 1 : 2)}×`
