import { Clock, Effect, Layer } from "effect"

/**
 * A `Clock` layer whose "now" starts at `startsAt` and then advances with real time. Use it with
 * demo data (whose usage ends on its `asOf` day) so that approvals, work lists, retry delays and
 * audit timestamps happen on the data's day whatever today's date is; a host in production
 * leaves the default clock alone. Sleeping still waits real time.
 *
 * @example
 * ```ts
 * import { demoClockLayer } from "@winback/core/demo"
 * const runtime = ManagedRuntime.make(useCaseLayer.pipe(Layer.provideMerge(demoClockLayer("2026-11-25T01:00:00Z")), ...))
 * ```
 */
export const demoClockLayer = (startsAt: string): Layer.Layer<never> => {
  const target = Date.parse(startsAt)
  if (Number.isNaN(target)) throw new TypeError(`demoClockLayer: ${JSON.stringify(startsAt)} is not an ISO instant`)
  return Layer.effect(
    Clock.Clock,
    Clock.clockWith((real) => {
      const offset = target - real.currentTimeMillisUnsafe()
      const millis = () => real.currentTimeMillisUnsafe() + offset
      const nanos = () => BigInt(millis()) * 1_000_000n
      const clock: Clock.Clock = {
        currentTimeMillisUnsafe: millis,
        currentTimeMillis: Effect.sync(millis),
        currentTimeNanosUnsafe: nanos,
        currentTimeNanos: Effect.sync(nanos),
        monotonicTimeNanosUnsafe: () => real.monotonicTimeNanosUnsafe(),
        monotonicTimeNanos: real.monotonicTimeNanos,
        sleep: (d) => real.sleep(d)
      }
      return Effect.succeed(clock)
    })
  )
}
