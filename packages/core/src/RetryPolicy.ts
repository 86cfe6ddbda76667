/**
 * The retry policy for not-reached outcomes (DOMAIN §7): after "no answer" or "phone off" the item
 * stays open and the next attempt is not offered before a delay; after the maximum number of
 * attempts no further attempt is scheduled (the item still waits for an explicit completion).
 */
import { z } from "zod"
import type { Attempt, Disposition } from "./WorkItem"
import { isReached } from "./WorkItem"

/**
 * A retry policy. `delayMinutes[d]` is the wait after a not-reached disposition `d` (null: do not
 * retry, e.g. a number not in service); `backoff` multiplies the delay per earlier attempt.
 *
 * @example
 * ```ts
 * RetryPolicy.parse({ maxAttempts: 5, delayMinutes: { "no-answer": 60, "phone-off": 240, "not-in-service": null } })
 * ```
 */
export const RetryPolicy = z
  .object({
    maxAttempts: z.number().int().min(1).max(100).default(3),
    delayMinutes: z
      .object({
        "no-answer": z.number().int().min(0).max(100_000).nullable().default(120),
        "phone-off": z.number().int().min(0).max(100_000).nullable().default(240),
        "not-in-service": z.number().int().min(0).max(100_000).nullable().default(null)
      })
      .strict()
      .default({ "no-answer": 120, "phone-off": 240, "not-in-service": null }),
    backoff: z.number().min(1).max(10).default(1)
  })
  .strict()
/** @see {@link RetryPolicy} */
export type RetryPolicy = z.output<typeof RetryPolicy>

/**
 * The default policy: 3 attempts; retry after 2 h (no answer) or 4 h (phone off); never after "not in service".
 *
 * @example
 * ```ts
 * nextAttempt(defaultRetryPolicy, item.attempts, "no-answer", now)
 * ```
 */
export const defaultRetryPolicy: RetryPolicy = RetryPolicy.parse({})

/**
 * What happens after an attempt.
 *
 * @example
 * ```ts
 * const d: RetryDecision = { nextAttemptAt: "2026-11-22T12:00:00.000Z", exhausted: false, attemptNo: 1 }
 * ```
 */
export interface RetryDecision {
  /** Earliest next attempt; null when no retry is scheduled. */
  readonly nextAttemptAt: string | null
  /** True when the maximum number of attempts is used up (or the disposition forbids retrying). */
  readonly exhausted: boolean
  /** The number of this attempt (1 = first). */
  readonly attemptNo: number
}

/**
 * Decides the next attempt after an attempt with `disposition` at `at`, given the earlier attempts.
 * Reached outcomes schedule nothing (a reschedule carries its own time).
 *
 * @example
 * ```ts
 * nextAttempt(defaultRetryPolicy, [], "no-answer", "2026-11-22T10:00:00.000Z")
 * // { nextAttemptAt: "2026-11-22T12:00:00.000Z", exhausted: false, attemptNo: 1 }
 * ```
 */
export const nextAttempt = (policy: RetryPolicy, earlier: ReadonlyArray<Attempt>, disposition: Disposition, at: string): RetryDecision => {
  const attemptNo = earlier.length + 1
  if (isReached(disposition)) return { nextAttemptAt: null, exhausted: false, attemptNo }
  const delay = policy.delayMinutes[disposition as "no-answer" | "phone-off" | "not-in-service"]
  if (delay === null || attemptNo >= policy.maxAttempts) return { nextAttemptAt: null, exhausted: true, attemptNo }
  const notReachedBefore = earlier.filter((a) => !isReached(a.disposition)).length
  const minutes = delay * Math.pow(policy.backoff, notReachedBefore)
  return { nextAttemptAt: new Date(Date.parse(at) + Math.round(minutes) * 60_000).toISOString(), exhausted: false, attemptNo }
}
