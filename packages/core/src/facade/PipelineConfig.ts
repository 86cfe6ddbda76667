/**
 * The operator's settings of the work pipeline: the business calendar (public holidays), the retry
 * policy and the contact policy. A `Context.Reference` with defaults, so a host overrides only what
 * it needs (`Effect.provideService(PipelineConfig, { ...defaultPipelineConfig, calendar })`).
 */
import { Context } from "effect"
import type { BusinessCalendar } from "@winback/rules"
import { type ContactPolicy, defaultContactPolicy } from "../work/ContactPolicy"
import { defaultRetryPolicy, type RetryPolicy } from "../work/RetryPolicy"

/**
 * Pipeline settings. Without a calendar, "skip holidays" skips nothing and no holiday warnings are given.
 *
 * @example
 * ```ts
 * const config: PipelineConfig = { ...defaultPipelineConfig, calendar: fixedCalendar({ holidays: ["2026-10-01"] }) }
 * ```
 */
export interface PipelineConfig {
  readonly calendar: BusinessCalendar | undefined
  readonly retry: RetryPolicy
  readonly contact: ContactPolicy
  /** Work items written per `insertMany` call during an extraction. */
  readonly writeBatch: number
}

/**
 * The defaults: no calendar, `defaultRetryPolicy`, `defaultContactPolicy`, batches of 1,000.
 *
 * @example
 * ```ts
 * Effect.provideService(PipelineConfig, { ...defaultPipelineConfig, writeBatch: 5000 })
 * ```
 */
export const defaultPipelineConfig: PipelineConfig = {
  calendar: undefined,
  retry: defaultRetryPolicy,
  contact: defaultContactPolicy,
  writeBatch: 1000
}

/**
 * The pipeline settings in force.
 *
 * @example
 * ```ts
 * const { retry } = yield* PipelineConfig
 * ```
 */
export const PipelineConfig = Context.Reference<PipelineConfig>("@winback/core/PipelineConfig", { defaultValue: () => defaultPipelineConfig })
