/** Work plans through the Promise facade: `createWinback({ storage, reports }).as(id).plans`. */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createWinback, Forbidden, defaultPolicy, storesLayer, type Winback } from "@winback/core"
// Test-only: core does not depend on adapters, but its facade is proven over a real adapter.
import { MemoryDb } from "../../adapters/src/memory/MemoryDb"
import { MemoryReportQueries } from "../../adapters/src/memory/MemoryReportQueries"
import { makeMemoryStores } from "../../adapters/src/memory/MemoryStorage"
import { fixtures } from "../../adapters/src/testing/index"

describe("createWinback(...).as(id).plans", () => {
  const db = new MemoryDb()
  let winback: Winback
  beforeAll(async () => {
    winback = await createWinback({ storage: storesLayer(makeMemoryStores(db)), policy: defaultPolicy, reports: MemoryReportQueries.layer(db) })
    const s = winback.stores
    await s.teams.insert(fixtures.team("t-a", { adminId: "m-lead" }))
    await s.managers.insert(fixtures.manager("m-lead", { roles: ["team-leader"], teamId: "t-a" }))
    await s.managers.insert(fixtures.manager("m-1", { roles: ["agent"], teamId: "t-a" }))
    // Two items handed out to m-1 this week, one completed after reaching the customer.
    await s.workItems.insertMany([
      fixtures.workItem("w-1", { assigneeId: "m-1", teamId: "t-a", createdAt: "2026-11-17T02:00:00.000Z", state: "completed", completedAt: "2026-11-17T03:00:00.000Z", disposition: "completed", attempts: [{ at: "2026-11-17T03:00:00.000Z", by: "m-1", disposition: "completed", callSerial: null, note: "" }] }),
      fixtures.workItem("w-2", { assigneeId: "m-1", teamId: "t-a", createdAt: "2026-11-18T02:00:00.000Z" })
    ])
  })
  afterAll(async () => {
    await winback.dispose()
  })

  it("a leader sets a weekly plan, the agent reads its progress, both as plain promises", async () => {
    const plan = await winback.as("m-lead").plans.set({ subjectKind: "agent", subjectId: "m-1", period: { kind: "week", on: "2026-11-18" }, targets: { calls: 4, reach: 2 } })
    expect(plan.period).toEqual({ kind: "week", label: "2026-W47", from: "2026-11-16", to: "2026-11-23" })
    const me = winback.as("m-1")
    expect((await me.plans.list()).items.map((p) => p.id)).toEqual(["wp:2026-W47:agent:m-1"])
    const progress = await me.plans.progress(plan.id)
    expect(progress.actuals).toEqual({ calls: 1, reach: 1, retained: 0 })
    expect(progress.measures.calls.achieved).toBe(0.25)
    expect(progress.measures.reach.achieved).toBe(0.5)
    await expect(me.plans.set({ subjectKind: "agent", subjectId: "m-1", period: { kind: "week", on: "2026-11-18" }, targets: { calls: 1 } })).rejects.toBeInstanceOf(Forbidden)
    await expect(me.plans.closePeriod("2026-W47")).rejects.toBeInstanceOf(Forbidden)
  })
})
