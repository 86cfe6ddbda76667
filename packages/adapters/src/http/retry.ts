/**
 * The HTTP client under every outbound integration: `fetch` with a timeout, and retries with
 * exponential backoff and jitter on network errors, timeouts, 429 and 5xx (a `Retry-After` the
 * server sends is honoured); any other 4xx fails at once, since repeating a refused request cannot
 * help. Callers send an idempotency key, so a retry of a request that did arrive is harmless.
 */
import { Duration, Effect } from "effect"
import { IntegrationError } from "@winback/core"
import * as z from "zod"

/**
 * How to retry: at most `maxAttempts` requests in all; before retry `n` (1-based) wait a delay
 * drawn from `[d/2, d]` with `d = min(maxDelayMs, baseDelayMs * 2^(n-1))` ("equal jitter": a
 * floor so retries really back off, randomness so many clients do not retry in step). A
 * `Retry-After` longer than the drawn delay wins; one longer than `maxRetryAfterMs` ends the
 * attempts (a retryable failure, for the caller to try again later).
 *
 * @example
 * ```ts
 * const retry: RetryOptions = { maxAttempts: 4, baseDelayMs: 250, maxDelayMs: 5_000, maxRetryAfterMs: 30_000 }
 * ```
 */
export interface RetryOptions {
  readonly maxAttempts: number
  readonly baseDelayMs: number
  readonly maxDelayMs: number
  readonly maxRetryAfterMs: number
}

/**
 * The `retry` part of an integration's configuration: any of {@link RetryOptions}' fields, each
 * bounded; what is left out comes from {@link defaultRetry}.
 *
 * @example
 * ```ts
 * const retry: RetryOptions = { ...defaultRetry, ...RetryConfig.parse({ maxAttempts: 6 }) }
 * ```
 */
export const RetryConfig = z
  .object({
    maxAttempts: z.number().int().min(1).max(20),
    baseDelayMs: z.number().int().min(0).max(60_000),
    maxDelayMs: z.number().int().min(0).max(600_000),
    maxRetryAfterMs: z.number().int().min(0).max(3_600_000)
  })
  .partial()
  .default({})

/**
 * The defaults: 4 attempts, 250 ms base, 5 s cap, `Retry-After` up to 30 s.
 *
 * @example
 * ```ts
 * const retry = { ...defaultRetry, maxAttempts: 6 }
 * ```
 */
export const defaultRetry: RetryOptions = { maxAttempts: 4, baseDelayMs: 250, maxDelayMs: 5_000, maxRetryAfterMs: 30_000 }

/**
 * The wait before retry `retry` (1-based), given a random number in `[0, 1)`.
 *
 * @example
 * ```ts
 * backoffDelay(3, defaultRetry, Math.random) // between 500 and 1000 ms
 * ```
 */
export const backoffDelay = (retry: number, options: Pick<RetryOptions, "baseDelayMs" | "maxDelayMs">, random: () => number): number => {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.min(Math.max(retry - 1, 0), 52))
  const r = Math.min(Math.max(random(), 0), 1)
  return Math.round(ceiling / 2 + (ceiling / 2) * r)
}

/**
 * A `Retry-After` header in milliseconds from `nowMs`: delta seconds or an HTTP date; `undefined`
 * when absent or unreadable, 0 for a date in the past.
 *
 * @example
 * ```ts
 * parseRetryAfter("2", Date.now())                               // 2000
 * parseRetryAfter("Sun, 22 Nov 2026 10:00:05 GMT", Date.parse("2026-11-22T10:00:00Z")) // 5000
 * ```
 */
export const parseRetryAfter = (header: string | null | undefined, nowMs: number): number | undefined => {
  if (header === null || header === undefined) return undefined
  const h = header.trim()
  if (/^\d+$/.test(h)) return Number(h) * 1000
  const at = Date.parse(h)
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs)
}

/** One request to send. */
export interface HttpRequest {
  readonly url: string
  readonly method?: "POST" | "PUT" | "GET"
  readonly headers: Readonly<Record<string, string>>
  readonly body?: string
}

/** A successful (2xx) answer. */
export interface HttpAnswer {
  readonly status: number
  readonly text: string
  /** How many requests it took (1 = no retry). */
  readonly attempts: number
}

type Outcome =
  | { readonly _tag: "ok"; readonly status: number; readonly text: string }
  | { readonly _tag: "retry"; readonly detail: string; readonly retryAfterMs: number | undefined }
  | { readonly _tag: "fail"; readonly detail: string }

const isRetryableStatus = (status: number) => status === 408 || status === 425 || status === 429 || status >= 500

const once = (request: HttpRequest, timeoutMs: number): Effect.Effect<Outcome> =>
  Effect.promise(async (signal): Promise<Outcome> => {
    try {
      const res = await fetch(request.url, {
        method: request.method ?? "POST",
        headers: request.headers,
        ...(request.body === undefined ? {} : { body: request.body }),
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
        redirect: "error"
      })
      const text = await res.text().catch(() => "")
      if (res.ok) return { _tag: "ok", status: res.status, text }
      const detail = `${request.url} answered ${res.status}${text ? `: ${text.slice(0, 200)}` : ""}`
      if (isRetryableStatus(res.status)) return { _tag: "retry", detail, retryAfterMs: parseRetryAfter(res.headers.get("retry-after"), Date.now()) }
      return { _tag: "fail", detail }
    } catch (e) {
      const name = (e as Error)?.name
      const detail = name === "TimeoutError" ? `${request.url} timed out after ${timeoutMs} ms` : `${request.url} unreachable: ${(e as Error)?.message ?? String(e)}`
      return { _tag: "retry", detail, retryAfterMs: undefined }
    }
  })

/**
 * Sends `request` with retries (see {@link RetryOptions}); fails with an `IntegrationError` whose
 * `retryable` says whether a later try may succeed (true after exhausted retries of a transient
 * failure, false for a refused request).
 *
 * @example
 * ```ts
 * const answer = yield* sendWithRetry("sms", { url, headers: { "content-type": "application/json" }, body }, { timeoutMs: 5_000, retry: defaultRetry })
 * ```
 */
export const sendWithRetry = (
  integration: IntegrationError["integration"],
  request: HttpRequest,
  options: { readonly timeoutMs: number; readonly retry: RetryOptions; readonly random?: () => number }
): Effect.Effect<HttpAnswer, IntegrationError> =>
  Effect.gen(function* () {
    const random = options.random ?? Math.random
    const max = Math.max(1, options.retry.maxAttempts)
    for (let attempt = 1; ; attempt++) {
      const out = yield* once(request, options.timeoutMs)
      if (out._tag === "ok") return { status: out.status, text: out.text, attempts: attempt }
      if (out._tag === "fail") return yield* new IntegrationError({ integration, retryable: false, detail: out.detail })
      if (attempt >= max) return yield* new IntegrationError({ integration, retryable: true, detail: `${out.detail} (after ${attempt} attempts)` })
      if (out.retryAfterMs !== undefined && out.retryAfterMs > options.retry.maxRetryAfterMs) {
        return yield* new IntegrationError({ integration, retryable: true, detail: `${out.detail} (asked to retry after ${out.retryAfterMs} ms)` })
      }
      const wait = Math.max(backoffDelay(attempt, options.retry, random), out.retryAfterMs ?? 0)
      yield* Effect.sleep(Duration.millis(wait))
    }
  })
