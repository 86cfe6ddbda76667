import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Clock, Effect } from "effect"
import { Conflict, createWinback, CustomerStore, NotFound, type Winback } from "@winback/core"
import { demoClockLayer } from "@winback/core/demo"
// Test-only: core does not depend on adapters, but its facade is proven over a real adapter.
import { MemoryStorage } from "../../adapters/src/memory/MemoryStorage"
import { PgliteStorage } from "../../adapters/src/pg/PgStorage"
import { fixtures } from "../../adapters/src/testing/index"

describe.each([
  ["memory", () => MemoryStorage.layer()],
  ["pglite", () => PgliteStorage.layer()]
])("createWinback over %s", (_name, storage) => {
  let winback: Winback
  beforeAll(async () => {
    winback = await createWinback({ storage: storage() })
    // PGlite boots a wasm Postgres: slow when the machine is busy with other test files.
  }, 60_000)
  afterAll(async () => {
    await winback.dispose()
  })

  it("exposes the stores as plain async methods", async () => {
    await winback.stores.customers.upsertCustomers([fixtures.customer("c-1", { ownerManagerId: "m-1" })])
    const c = await winback.stores.customers.get("c-1")
    expect(c.ownerManagerId).toBe("m-1")
    const page = await winback.stores.customers.list({ ownerManagerIds: ["m-1"] })
    expect(page.items.map((x) => x.id)).toEqual(["c-1"])
  })

  it("rejects with the same error classes as the Effect API", async () => {
    await expect(winback.stores.tasks.get("nope")).rejects.toBeInstanceOf(NotFound)
    await winback.stores.offers.insert(fixtures.offer("o-1"))
    await expect(winback.stores.offers.insert(fixtures.offer("o-1"))).rejects.toBeInstanceOf(Conflict)
  })

  it("reads customers through the default host directory over the stores", async () => {
    const [c] = await winback.directories.customers.getMany(["c-1", "c-unknown"])
    expect(c?.id).toBe("c-1")
    await winback.stores.customers.upsertUsageMonths([
      { customerId: "c-1", month: "2026-10", billAmount: 95, dataMb: 1, callMinutes: 1, competitorCallSeconds: 0, forwardedDays: 0, silentDays: 0, billDate: "2026-11-01", dueDate: "2026-11-20", paidDate: null }
    ])
    const h = await winback.directories.usage.history("c-1", { asOf: "2026-11-22", dayWindow: 30, monthWindow: 3 })
    expect(h.months.map((m) => m.billAmount)).toEqual([95])
  })

  it("runs Effect programs against the same services", async () => {
    const n = await winback.run(Effect.flatMap(CustomerStore, (s) => s.count()))
    expect(n).toBe(1)
  })
})

describe("dispose", () => {
  it("closes the storage and is idempotent", async () => {
    const w = await createWinback({ storage: MemoryStorage.layer() })
    await Promise.all([w.dispose(), w.dispose()])
    await expect(w.stores.customers.count()).rejects.toBeDefined()
  })
})

describe("clock", () => {
  it("is the clock of every call when given (a demo's or a test server's business day)", async () => {
    const w = await createWinback({ storage: MemoryStorage.layer(), clock: demoClockLayer("2026-11-25T02:00:00.000Z") })
    try {
      const now = await w.run(Clock.currentTimeMillis)
      expect(new Date(now).toISOString().slice(0, 10)).toBe("2026-11-25")
    } finally {
      await w.dispose()
    }
  })
})
