import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createWinback, Forbidden, defaultPolicy, type Winback } from "@winback/core"
import { fixedCalendar, instantiate, zeroBill } from "@winback/rules"
// Test-only: core does not depend on adapters, but its facade is proven over a real adapter.
import { MemoryStorage } from "../../adapters/src/memory/MemoryStorage"
import { fixtures } from "../../adapters/src/testing/index"

describe("createWinback: the use cases as async methods", () => {
  let winback: Winback
  beforeAll(async () => {
    winback = await createWinback({ storage: MemoryStorage.layer(), policy: defaultPolicy })
    const s = winback.stores
    await s.teams.insert(fixtures.team("t-a", { adminId: "m-lead" }))
    await s.managers.insert(fixtures.manager("m-admin", { roles: ["admin"], teamId: "t-a" }))
    await s.managers.insert(fixtures.manager("m-lead", { roles: ["team-leader"], teamId: "t-a" }))
    await s.managers.insert(fixtures.manager("m-1", { roles: ["agent"], teamId: "t-a" }))
    await s.customers.upsertCustomers([fixtures.customer("c-1", { ownerManagerId: "m-1" }), fixtures.customer("c-2", { ownerManagerId: "m-1" })])
    const month = (customerId: string, month: string, billAmount: number) => ({
      customerId, month, billAmount, dataMb: 1, callMinutes: 1, competitorCallSeconds: 0, forwardedDays: 0, silentDays: 0, billDate: `${month}-28`, dueDate: `${month}-28`, paidDate: null
    })
    // c-1's bill this month (October, as of 25 November) is zero.
    await s.customers.upsertUsageMonths([month("c-1", "2026-10", 0), month("c-2", "2026-10", 80)])
    await s.ruleInstances.insert(fixtures.ruleInstance("zb@1", { status: "active", rule: instantiate(zeroBill).rule }))
    await s.tasks.insert(fixtures.task("t-zb", { source: "alert", ruleInstanceIds: ["zb@1"], status: "active", urgency: 1, skipHolidays: false } as never))
  })
  afterAll(async () => {
    await winback.dispose()
  })

  it("extracts, lists and completes as plain promises, scoped to the acting person", async () => {
    const report = await winback.as("m-admin").extraction.run({ asOf: "2026-11-25" })
    expect(report.created).toBe(1)
    const me = winback.as("m-1")
    const page = await me.workList.byCustomer({})
    expect(page.items.map((g) => g.customerId)).toEqual(["c-1"])
    const call = await me.execution.recordCall({ customerId: "c-1", itemIds: page.items[0]!.items.map((o) => o.item.id), disposition: "completed", complete: true })
    expect(call.items[0]!.state).toBe("completed")
    await expect(me.extraction.run({ asOf: "2026-11-25" })).rejects.toBeInstanceOf(Forbidden)
  })
})

describe("createWinback with a business calendar: a year without holiday data is said, not guessed", () => {
  // The host's calendar knows 2026 only (as chinaCalendar() knows 2004–2026).
  const calendar = fixedCalendar({ name: "CN", holidays: ["2026-10-01"], years: { from: 2026, to: 2026 } })
  let winback: Winback
  beforeAll(async () => {
    winback = await createWinback({ storage: MemoryStorage.layer(), policy: defaultPolicy, config: { calendar } })
    const s = winback.stores
    await s.teams.insert(fixtures.team("t-a", { adminId: "m-lead" }))
    await s.managers.insert(fixtures.manager("m-admin", { roles: ["admin"], teamId: "t-a" }))
    await s.managers.insert(fixtures.manager("m-lead", { roles: ["team-leader"], teamId: "t-a" }))
    await s.managers.insert(fixtures.manager("m-1", { roles: ["agent"], teamId: "t-a" }))
    await s.customers.upsertCustomers([fixtures.customer("c-1", { ownerManagerId: "m-1" })])
    const month = (m: string) => ({ customerId: "c-1", month: m, billAmount: 0, dataMb: 1, callMinutes: 1, competitorCallSeconds: 0, forwardedDays: 0, silentDays: 0, billDate: `${m}-28`, dueDate: `${m}-28`, paidDate: null })
    await s.customers.upsertUsageMonths([month("2026-09"), month("2027-09")])
    await s.ruleInstances.insert(fixtures.ruleInstance("zb@1", { status: "active", rule: instantiate(zeroBill).rule }))
    await s.tasks.insert(fixtures.task("t-zb", { source: "alert", ruleInstanceIds: ["zb@1"], status: "active", urgency: 1, skipHolidays: true, startsOn: "2026-09-01", cooldownDays: 0 } as never))
  })
  afterAll(async () => {
    await winback.dispose()
  })

  it("skips a known holiday, and on a day of a year without data runs the task with a warning that names the year", async () => {
    const holiday = await winback.as("m-admin").extraction.run({ asOf: "2026-10-01" })
    expect(holiday.created).toBe(0)
    expect(holiday.tasks[0]).toMatchObject({ taskId: "t-zb", due: false, warnings: [] })

    const nationalDay2027 = await winback.as("m-admin").extraction.run({ asOf: "2027-10-01" })
    expect(nationalDay2027.tasks[0]!.due).toBe(true)
    expect(nationalDay2027.created).toBe(1)
    expect(nationalDay2027.tasks[0]!.warnings).toHaveLength(1)
    expect(nationalDay2027.tasks[0]!.warnings[0]).toContain("no public-holiday data for 2027")
    expect(nationalDay2027.tasks[0]!.warnings[0]).toContain("holidays are not skipped on 2027-10-01")
  })
})
