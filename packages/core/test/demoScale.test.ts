/**
 * Streaming at scale: a million customers (rows only) and 100,000 with full usage are generated
 * chunk by chunk while the heap stays flat — holding them would take gigabytes. The retained heap
 * is read as the lowest heap seen over the second half of the run (after garbage collections),
 * which grows linearly if anything is kept.
 */
import { describe, expect, it } from "vitest"
import { generateDemo } from "../src/demo/index"

const MB = 1024 * 1024

const streamHeap = (chunks: Iterable<{ customers: ReadonlyArray<{ days: ReadonlyArray<unknown>; customer: { id: string } }> }>, total: number) => {
  const before = process.memoryUsage().heapUsed
  let peak = before
  let floor = Number.POSITIVE_INFINITY
  let customers = 0
  let days = 0
  let lastId = ""
  for (const chunk of chunks) {
    for (const c of chunk.customers) days += c.days.length
    customers += chunk.customers.length
    lastId = chunk.customers.at(-1)?.customer.id ?? lastId
    const heap = process.memoryUsage().heapUsed
    peak = Math.max(peak, heap)
    if (customers > total / 2) floor = Math.min(floor, heap)
  }
  const growth = { peak: (peak - before) / MB, retained: (floor - before) / MB }
  console.log(`demo stream: ${customers} customers, ${days} daily rows, heap growth peak ${growth.peak.toFixed(1)} MB, retained ${growth.retained.toFixed(1)} MB`)
  return { customers, days, lastId, ...growth }
}

describe("demo generation at scale", () => {
  it("streams 1,000,000 customer rows with bounded heap", () => {
    const demo = generateDemo({ seed: 1, customers: 1_000_000, chunkSize: 2000 })
    const r = streamHeap(demo.chunks({ usage: false }), 1_000_000)
    expect(r.customers).toBe(1_000_000)
    expect(r.lastId).toBe("c-1000000")
    // 1M customer rows held at once would take several hundred MB.
    expect(r.retained).toBeLessThan(64)
    expect(r.peak).toBeLessThan(300)
  }, 120_000)

  it("streams 100,000 customers with full usage (12M daily rows) with bounded heap", () => {
    const demo = generateDemo({ seed: 1, customers: 100_000, chunkSize: 1000 })
    const r = streamHeap(demo.chunks(), 100_000)
    expect(r.customers).toBe(100_000)
    expect(r.days).toBeGreaterThan(100_000 * 115)
    // 12M daily rows held at once would take well over a GB.
    expect(r.retained).toBeLessThan(64)
    expect(r.peak).toBeLessThan(400)
  }, 120_000)
})
