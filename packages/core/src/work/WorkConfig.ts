/**
 * The operator's settings of the work: the business calendar (public holidays), the retry policy
 * and the contact policy. A `Context.Reference` with defaults, so a host overrides only what it
 * needs (`createWinback({ config: { calendar } })`, or `Effect.provideService(WorkConfig, ...)`).
 */
import { Context } from "effect"
import type { BusinessCalendar } from "@winback/rules"
import { type ContactPolicy, defaultContactPolicy } from "./ContactPolicy"
import { defaultRetryPolicy, type RetryPolicy } from "./RetryPolicy"

/**
 * Work settings. Without a calendar, "skip holidays" skips nothing and no holiday warnings are given.
 *
 * @example
 * ```ts
 * const config: WorkConfig = { ...defaultWorkConfig, calendar: fixedCalendar({ holidays: ["2026-10-01"] }) }
 * ```
 */
export interface WorkConfig {
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
 * Effect.provideService(WorkConfig, { ...defaultWorkConfig, writeBatch: 5000 })
 * ```
 */
export const defaultWorkConfig: WorkConfig = {
  calendar: undefined,
  retry: defaultRetryPolicy,
  contact: defaultContactPolicy,
  writeBatch: 1000
}

/**
 * The work settings in force.
 *
 * @example
 * ```ts
 * const { retry } = yield* WorkConfig
 * ```
 */
export const WorkConfig = Context.Reference<WorkConfig>("@winback/core/WorkConfig", { defaultValue: () => defaultWorkConfig })
