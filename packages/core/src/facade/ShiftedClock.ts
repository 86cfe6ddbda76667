/**
 * A clock for a host that pins its business day: the system clock's pace, moved by a fixed
 * offset, so work recorded "now" is dated on the day the host reports as today (a demo set on a
 * fixed date, a test server). `createWinback({ clock })` gives it to every call.
 */
import { Clock, Duration, Effect, Layer } from "effect"

const system = Clock.Clock.defaultValue()

/**
 * A clock `offsetMs` ahead of the system clock (behind when negative); sleeping is the system's.
 *
 * @example
 * ```ts
 * // Now, moved to 10:00 UTC of 2026-11-25 (and running on from there):
 * const clock = shiftedClock(Date.parse("2026-11-25T10:00:00Z") - Date.now())
 * const winback = await createWinback({ storage, clock })
 * ```
 */
export const shiftedClock = (offsetMs: number): Clock.Clock => {
  const millis = () => system.currentTimeMillisUnsafe() + offsetMs
  const nanos = () => system.currentTimeNanosUnsafe() + BigInt(Math.trunc(offsetMs)) * 1_000_000n
  return {
    currentTimeMillisUnsafe: millis,
    currentTimeMillis: Effect.sync(millis),
    currentTimeNanosUnsafe: nanos,
    currentTimeNanos: Effect.sync(nanos),
    // Elapsed time is the system's: only the calendar moves.
    monotonicTimeNanosUnsafe: () => system.monotonicTimeNanosUnsafe(),
    monotonicTimeNanos: system.monotonicTimeNanos,
    sleep: (d: Duration.Duration) => system.sleep(d)
  }
}

/**
 * The layer that makes `clock` the clock of every effect run over it; an empty layer (the system
 * clock) when `clock` is undefined.
 *
 * @example
 * ```ts
 * ManagedRuntime.make(Layer.provideMerge(services, clockLayer(shiftedClock(-86_400_000))))
 * ```
 */
export const clockLayer = (clock: Clock.Clock | undefined): Layer.Layer<never> => (clock === undefined ? Layer.empty : (Layer.succeed(Clock.Clock, clock) as Layer.Layer<never>))
