import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createWinback, Forbidden, defaultPolicy, storesLayer, StorageError, type Winback } from "@winback/core"
// Test-only: core does not depend on adapters, but its facade is proven over a real adapter.
import { MemoryDb } from "../../adapters/src/memory/MemoryDb"
import { makeMemoryStores } from "../../adapters/src/memory/MemoryStorage"
import { MemoryReportQueries } from "../../adapters/src/memory/MemoryReportQueries"
import { fixtures } from "../../adapters/src/testing/index"

describe("createWinback: observations and reports as async methods", () => {
  let winback: Winback
  const db = new MemoryDb()
  beforeAll(async () => {
    winback = await createWinback({ storage: storesLayer(makeMemoryStores(db)), policy: defaultPolicy, reports: MemoryReportQueries.layer(db) })
    const s = winback.stores
    await s.teams.insert(fixtures.team("t-a", { adminId: "m-lead" }))
    await s.managers.insert(fixtures.manager("m-dir", { roles: ["director"], teamId: "t-a" }))
    await s.managers.insert(fixtures.manager("m-lead", { roles: ["team-leader"], teamId: "t-a" }))
    await s.managers.insert(fixtures.manager("m-1", { roles: ["agent"], teamId: "t-a" }))
    await s.customers.upsertCustomers([fixtures.customer("c-1", { ownerManagerId: "m-1", tier: "regular" })])
    await s.tasks.insert(fixtures.task("t-1", { status: "active" }))
    const now = new Date().toISOString()
    await s.workItems.insertMany([fixtures.workItem("wi-1", { taskId: "t-1", customerId: "c-1", assigneeId: "m-1", teamId: "t-a", createdAt: now })])
  })
  afterAll(async () => {
    await winback.dispose()
  })

  it("a completion opens an observation that the reports count; the facade rejects with the same errors", async () => {
    await winback.as("m-1").execution.recordCall({ customerId: "c-1", itemIds: ["wi-1"], disposition: "completed", complete: true })
    const ob = await winback.stores.observations.get("ob-wi-1")
    const today = ob.startedOn
    const to = new Date(Date.parse(`${today}T00:00:00.000Z`) + 86_400_000).toISOString().slice(0, 10)
    const funnel = await winback.as("m-lead").reports.funnel({ from: today, to })
    expect(funnel.total.counts).toEqual({ submitted: 1, completed: 1, unreachable: 0, connected: 1, effective: 0, success: 0 })
    const outcomes = await winback.as("m-lead").reports.observations({ from: today, to, by: "agent" })
    expect(outcomes.rows.map((r) => [r.key, r.counts.observed, r.counts.pending])).toEqual([["m-1", 1, 1]])
    // Nothing is due yet; agents may not run the evaluation.
    expect((await winback.as("m-dir").observations.evaluateDue({ asOf: today })).evaluated).toBe(0)
    await expect(winback.as("m-1").observations.evaluateDue({ asOf: today })).rejects.toBeInstanceOf(Forbidden)
    // Without report queries configured, reports reject with StorageError.
    const bare = await createWinback({ storage: storesLayer(makeMemoryStores(db)) })
    try {
      await expect(bare.as("m-lead").reports.funnel({ from: today, to })).rejects.toBeInstanceOf(StorageError)
    } finally {
      await bare.dispose()
    }
  })
})
