/**
 * The retry policy for not-reached outcomes (DOMAIN §7): after "no answer" or "phone off" the item
 * stays open and the next attempt is not offered before a delay; once the not-reached attempts
 * reach the maximum (or at once after a disposition the policy never retries, such as a number not
 * in service) the item ends as `unreachable`. A task may override the default policy of `WorkConfig`.
 */
import * as z from "zod"
import type { Attempt, Disposition, WorkItem } from "./WorkItem"

// Kept here rather than imported from WorkItem: Task.ts imports this module for a task's policy,
// and WorkItem.ts imports Task.ts, so a value import back into WorkItem would be a cycle.
const notReached: ReadonlySet<Disposition> = new Set<Disposition>(["not-in-service", "phone-off", "no-answer"])

const Delay = z.number().int().min(0).max(100_000).nullable()

/**
 * A retry policy. `maxAttempts` counts not-reached attempts (the last one ends the item as
 * `unreachable`); `delayMinutes[d]` is the wait after a not-reached disposition `d` (null: do not
 * retry — the item is unreachable at once, e.g. a number not in service); `backoff` multiplies the
 * delay per earlier not-reached attempt.
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
        "no-answer": Delay.default(120),
        "phone-off": Delay.default(240),
        "not-in-service": Delay.default(null)
      })
      .strict()
      .default({ "no-answer": 120, "phone-off": 240, "not-in-service": null }),
    backoff: z.number().min(1).max(10).default(1)
  })
  .strict()
/** @see {@link RetryPolicy} */
export type RetryPolicy = z.output<typeof RetryPolicy>

/**
 * A task's own retry policy: any field given replaces the `WorkConfig` default's (see
 * {@link effectiveRetryPolicy}); fields left out keep the default.
 *
 * @example
 * ```ts
 * RetryPolicyOverride.parse({ maxAttempts: 5, delayMinutes: { "no-answer": 30 } })
 * ```
 */
export const RetryPolicyOverride = z
  .object({
    maxAttempts: z.number().int().min(1).max(100).optional(),
    delayMinutes: z.object({ "no-answer": Delay.optional(), "phone-off": Delay.optional(), "not-in-service": Delay.optional() }).strict().optional(),
    backoff: z.number().min(1).max(10).optional()
  })
  .strict()
/** @see {@link RetryPolicyOverride} */
export type RetryPolicyOverride = z.output<typeof RetryPolicyOverride>

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
 * The policy in force for a task: the `WorkConfig` default with the task's override laid over it.
 *
 * @example
 * ```ts
 * effectiveRetryPolicy(defaultRetryPolicy, { maxAttempts: 5 }).maxAttempts // 5
 * effectiveRetryPolicy(defaultRetryPolicy, undefined) // defaultRetryPolicy
 * ```
 */
export const effectiveRetryPolicy = (base: RetryPolicy, override: RetryPolicyOverride | null | undefined): RetryPolicy => {
  if (!override) return base
  const delays = { ...base.delayMinutes }
  for (const [d, m] of Object.entries(override.delayMinutes ?? {})) if (m !== undefined) delays[d as keyof typeof delays] = m
  return { maxAttempts: override.maxAttempts ?? base.maxAttempts, delayMinutes: delays, backoff: override.backoff ?? base.backoff }
}

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
  /** True when the maximum number of attempts is used up (or the disposition forbids retrying): the item is unreachable. */
  readonly exhausted: boolean
  /** The number of this attempt (1 = first). */
  readonly attemptNo: number
}

/**
 * Decides the next attempt after an attempt with `disposition` at `at`, given the earlier attempts.
 * Reached outcomes schedule nothing (a reschedule carries its own time). Only not-reached attempts
 * count towards `maxAttempts`.
 *
 * @example
 * ```ts
 * nextAttempt(defaultRetryPolicy, [], "no-answer", "2026-11-22T10:00:00.000Z")
 * // { nextAttemptAt: "2026-11-22T12:00:00.000Z", exhausted: false, attemptNo: 1 }
 * ```
 */
export const nextAttempt = (policy: RetryPolicy, earlier: ReadonlyArray<Attempt>, disposition: Disposition, at: string): RetryDecision => {
  const attemptNo = earlier.length + 1
  if (!notReached.has(disposition)) return { nextAttemptAt: null, exhausted: false, attemptNo }
  const delay = policy.delayMinutes[disposition as "no-answer" | "phone-off" | "not-in-service"]
  const notReachedBefore = earlier.filter((a) => notReached.has(a.disposition)).length
  if (delay === null || notReachedBefore + 1 >= policy.maxAttempts) return { nextAttemptAt: null, exhausted: true, attemptNo }
  const minutes = delay * Math.pow(policy.backoff, notReachedBefore)
  return { nextAttemptAt: new Date(Date.parse(at) + Math.round(minutes) * 60_000).toISOString(), exhausted: false, attemptNo }
}

/**
 * Records one attempt that does not complete the item: the attempt is appended and the item is
 * `in-progress` with its earliest next attempt — or, when a not-reached attempt uses up the policy,
 * `unreachable` (terminal, with that disposition and no next attempt). A reached outcome that does
 * not complete (e.g. a reschedule) keeps the item in progress, `rescheduleAt` as its next attempt.
 * The caller writes the returned item (its version is not bumped here).
 *
 * @example
 * ```ts
 * const { item: next, decision } = applyAttempt(policy, item, { at, by: "m-1", disposition: "no-answer", callSerial: "C-1", note: "" })
 * next.state // "in-progress", or "unreachable" after the last attempt
 * ```
 */
export const applyAttempt = (
  policy: RetryPolicy,
  item: WorkItem,
  attempt: Attempt,
  rescheduleAt?: string | null
): { readonly item: WorkItem; readonly decision: RetryDecision } => {
  const decision = nextAttempt(policy, item.attempts, attempt.disposition, attempt.at)
  const attempts = [...item.attempts, attempt]
  if (decision.exhausted) {
    return { decision, item: { ...item, state: "unreachable", attempts, disposition: attempt.disposition, nextAttemptAt: null, updatedAt: attempt.at } }
  }
  const nextAttemptAt = attempt.disposition === "reschedule" ? (rescheduleAt ?? null) : decision.nextAttemptAt
  return { decision, item: { ...item, state: "in-progress", attempts, nextAttemptAt, updatedAt: attempt.at } }
}

/**
 * When the item waits for its next attempt at `at` (retry policy, reschedule or appointment): its
 * earliest next attempt while that lies ahead, else null. The work list does not offer a waiting
 * item before its time.
 *
 * @example
 * ```ts
 * waitingUntil(item, "2026-11-22T10:02:00.000Z") // "2026-11-22T12:00:00.000Z" two minutes after a no-answer
 * ```
 */
export const waitingUntil = (item: Pick<WorkItem, "nextAttemptAt">, at: string): string | null =>
  item.nextAttemptAt !== null && item.nextAttemptAt > at ? item.nextAttemptAt : null

/**
 * When the retry policy holds the item back at `at`: its earliest next attempt while that lies
 * ahead and the last attempt did not reach the customer, else null. An outbound call or a dial on
 * such an item is refused; the customer calling in is not. (A time the customer agreed to — a
 * reschedule — only keeps the item out of the work list; the agent may still bring it forward.)
 *
 * @example
 * ```ts
 * retryWaitUntil(item, "2026-11-22T10:02:00.000Z") // "2026-11-22T12:00:00.000Z" two minutes after a no-answer
 * ```
 */
export const retryWaitUntil = (item: Pick<WorkItem, "nextAttemptAt" | "attempts">, at: string): string | null => {
  const last = item.attempts[item.attempts.length - 1]
  return last !== undefined && notReached.has(last.disposition) ? waitingUntil(item, at) : null
}
