/**
 * The HTTP client under the integrations: the backoff schedule (fast-check), `Retry-After`, and
 * which answers are retried, against a third-party server faked with msw.
 */
import { Cause, Effect, Exit } from "effect"
import fc from "fast-check"
import { http, HttpResponse } from "msw"
import { setupServer } from "msw/node"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import type { IntegrationError } from "@winback/core"
import { backoffDelay, defaultRetry, parseRetryAfter, sendWithRetry } from "../src/http/index"

const URL_ = "https://api.thirdparty.test/endpoint"
const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: "error" }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

const fast = { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 40, maxRetryAfterMs: 2_000 }
const send = (retry = fast, timeoutMs = 2_000) =>
  Effect.runPromiseExit(sendWithRetry("sms", { url: URL_, headers: { "content-type": "application/json" }, body: "{}" }, { timeoutMs, retry }))
const failureOf = (exit: Exit.Exit<unknown, IntegrationError>): IntegrationError => {
  if (!Exit.isFailure(exit)) throw new Error("expected a failure")
  const e = Cause.squash(exit.cause) as IntegrationError
  return e
}

describe("backoff schedule", () => {
  it("each delay lies in [d/2, d] with d = min(cap, base * 2^(n-1)) (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 600_000 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (n, base, cap, r) => {
        const d = Math.min(cap, base * 2 ** (n - 1))
        const delay = backoffDelay(n, { baseDelayMs: base, maxDelayMs: cap }, () => r)
        expect(delay).toBeGreaterThanOrEqual(Math.floor(d / 2))
        expect(delay).toBeLessThanOrEqual(Math.ceil(d))
      })
    )
  })

  it("the ceiling doubles until the cap and never shrinks; the floor keeps retries apart (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000 }), fc.integer({ min: 1, max: 100_000 }), (base, cap) => {
        let previousMax = 0
        for (let n = 1; n <= 30; n++) {
          const hi = backoffDelay(n, { baseDelayMs: base, maxDelayMs: cap }, () => 0.999999999)
          const lo = backoffDelay(n, { baseDelayMs: base, maxDelayMs: cap }, () => 0)
          expect(hi).toBeGreaterThanOrEqual(previousMax)
          expect(hi).toBeLessThanOrEqual(cap)
          expect(lo).toBe(Math.round(Math.min(cap, base * 2 ** (n - 1)) / 2))
          previousMax = hi
        }
      })
    )
  })

  it("jitter spreads clients: with random draws, retries of many clients are not in lockstep", () => {
    const delays = Array.from({ length: 50 }, () => backoffDelay(3, defaultRetry, Math.random))
    expect(new Set(delays).size).toBeGreaterThan(10)
  })

  it("reads Retry-After as seconds or an HTTP date", () => {
    const now = Date.parse("2026-11-22T10:00:00Z")
    expect(parseRetryAfter("2", now)).toBe(2000)
    expect(parseRetryAfter("Sun, 22 Nov 2026 10:00:05 GMT", now)).toBe(5000)
    expect(parseRetryAfter("Sun, 22 Nov 2026 09:00:00 GMT", now)).toBe(0)
    expect(parseRetryAfter("soon", now)).toBeUndefined()
    expect(parseRetryAfter(null, now)).toBeUndefined()
  })
})

describe("sendWithRetry against a third-party server", () => {
  it("retries 5xx and succeeds: three requests for two failures", async () => {
    let n = 0
    server.use(http.post(URL_, () => (++n <= 2 ? new HttpResponse("busy", { status: 503 }) : HttpResponse.json({ ok: true }))))
    const exit = await send()
    expect(Exit.isSuccess(exit) && exit.value.attempts).toBe(3)
    expect(n).toBe(3)
  })

  it("does not retry a 4xx (other than 408/429): one request, a non-retryable error", async () => {
    let n = 0
    server.use(http.post(URL_, () => (n++, HttpResponse.json({ error: "bad number" }, { status: 422 }))))
    const e = failureOf(await send())
    expect(n).toBe(1)
    expect(e._tag).toBe("IntegrationError")
    expect(e.retryable).toBe(false)
    expect(e.detail).toContain("422")
  })

  it("gives up after maxAttempts with a retryable error", async () => {
    let n = 0
    server.use(http.post(URL_, () => (n++, new HttpResponse(null, { status: 500 }))))
    const e = failureOf(await send())
    expect(n).toBe(4)
    expect(e.retryable).toBe(true)
  })

  it("honours Retry-After on 429 (waits at least that long)", async () => {
    let n = 0
    const times: Array<number> = []
    server.use(
      http.post(URL_, () => {
        times.push(Date.now())
        return ++n === 1 ? new HttpResponse(null, { status: 429, headers: { "retry-after": "1" } }) : HttpResponse.json({})
      })
    )
    const exit = await send()
    expect(Exit.isSuccess(exit)).toBe(true)
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(950)
  })

  it("a Retry-After beyond the limit ends the attempts (retryable, for later)", async () => {
    let n = 0
    server.use(http.post(URL_, () => (n++, new HttpResponse(null, { status: 503, headers: { "retry-after": "3600" } }))))
    const e = failureOf(await send())
    expect(n).toBe(1)
    expect(e.retryable).toBe(true)
    expect(e.detail).toContain("retry after")
  })

  it("retries network errors and timeouts", async () => {
    let n = 0
    server.use(
      http.post(URL_, async () => {
        n++
        if (n === 1) return HttpResponse.error()
        if (n === 2) await new Promise((r) => setTimeout(r, 300))
        return HttpResponse.json({})
      })
    )
    const exit = await send(fast, 100)
    expect(Exit.isSuccess(exit)).toBe(true)
    expect(n).toBe(3)
  })
})
