/**
 * Demo-data generation rate: customers per second with full usage (13 monthly + 120 daily rows
 * each, the defaults), and with customer rows only. Usage:
 *   pnpm exec tsx --conditions=@winback/source bench/demo/generate.ts [customers=100000]
 */
import { generateDemo } from "@winback/core/demo"

const n = Number(process.argv[2] ?? 100_000)

const time = (label: string, usage: boolean, customers: number): void => {
  const demo = generateDemo({ seed: 1, customers, asOf: "2026-11-25" })
  const t0 = performance.now()
  let days = 0
  let months = 0
  let events = 0
  for (const chunk of demo.chunks({ usage })) {
    for (const c of chunk.customers) {
      days += c.days.length
      months += c.months.length
      events += c.events.length
    }
  }
  const s = (performance.now() - t0) / 1000
  const rate = Math.round(customers / s)
  console.log(
    `${label}: ${customers.toLocaleString("en")} customers in ${s.toFixed(2)} s = ${rate.toLocaleString("en")} customers/s` +
      (usage ? ` (${days.toLocaleString("en")} daily rows, ${months.toLocaleString("en")} monthly rows, ${events.toLocaleString("en")} events; ${Math.round(days / s).toLocaleString("en")} daily rows/s)` : "")
  )
}

time("warm-up", true, 5_000)
time("full usage", true, n)
time("customer rows only", false, n * 10)
console.log(`heap used at end: ${(process.memoryUsage().heapUsed / 1024 / 1024).toFixed(0)} MB`)
