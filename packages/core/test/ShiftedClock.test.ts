import { describe, expect, it } from "vitest"
import { Clock, Effect } from "effect"
import { createWinback, shiftedClock } from "@winback/core"
import { MemoryStorage } from "../../adapters/src/memory/MemoryStorage"

describe("shiftedClock", () => {
  it("reads the system clock moved by the offset, and keeps its pace", async () => {
    const system = Clock.Clock.defaultValue()
    const day = 86_400_000
    const clock = shiftedClock(-3 * day)
    const before = system.currentTimeMillisUnsafe()
    const shifted = Effect.runSync(clock.currentTimeMillis)
    const after = system.currentTimeMillisUnsafe()
    expect(shifted).toBeGreaterThanOrEqual(before - 3 * day)
    expect(shifted).toBeLessThanOrEqual(after - 3 * day)
    expect(Number(clock.currentTimeNanosUnsafe() / 1_000_000n)).toBeGreaterThanOrEqual(before - 3 * day)
  })

  it("is the clock of every call of a Winback created with it", async () => {
    const at = Date.parse("2026-11-25T02:00:00.000Z")
    const winback = await createWinback({ storage: MemoryStorage.layer(), clock: shiftedClock(at - Date.now()) })
    try {
      const now = await winback.run(Clock.currentTimeMillis)
      // The day is the pinned one whatever the wall clock says (a few seconds of run time at most).
      expect(new Date(now).toISOString().slice(0, 10)).toBe("2026-11-25")
      expect(now - at).toBeLessThan(60_000)
    } finally {
      await winback.dispose()
    }
  })
})
