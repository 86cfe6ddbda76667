/**
 * Conformance of the customer aggregate: customers (CRUD, usage history, events, filters and scope)
 * and customer groups.
 */
import { describe, expect, it } from "vitest"
import * as f from "../fixtures"
import { type AggregateSuite, type EntityCase, run, useStorage } from "../harness"
import type { ConformanceTarget } from "../target"

const customerSuite = (target: ConformanceTarget) =>
  describe("CustomerStore usage history", () => {
    const stores = useStorage(target)
    const day = (customerId: string, d: string, charge: number) => ({
      customerId,
      day: d,
      charge,
      dataMb: 100,
      callMinutes: 10,
      outgoingCalls: 2,
      competitorCallSeconds: 0,
      forwardedToOtherOperator: false,
      reminderSmsDelivered: false
    })
    const month = (customerId: string, m: string, billAmount: number) => ({
      customerId,
      month: m,
      billAmount,
      dataMb: 3000,
      callMinutes: 300,
      competitorCallSeconds: 0,
      forwardedDays: 0,
      silentDays: 1,
      billDate: `${m}-28`,
      dueDate: `${m}-28`,
      paidDate: null
    })

    it("upserts customers, bumping the version of an existing one", async () => {
      const s = stores()
      await run(s.customers.upsertCustomers([f.customer("u-1"), f.customer("u-2")]))
      await run(s.customers.upsertCustomers([f.customer("u-1", { tier: "silver" })]))
      const u1 = await run(s.customers.get("u-1"))
      expect(u1.tier).toBe("silver")
      expect(u1.version).toBe(2)
      expect(await run(s.customers.count())).toBe(2)
    })

    it("stores days and months, replacing by key, and reads ranges in ascending order", async () => {
      const s = stores()
      await run(s.customers.upsertUsageDays([day("u-1", "2026-11-03", 3), day("u-1", "2026-11-01", 1), day("u-1", "2026-11-02", 2), day("u-2", "2026-11-02", 9)]))
      await run(s.customers.upsertUsageDays([day("u-1", "2026-11-02", 2.5)]))
      expect((await run(s.customers.usageDays("u-1", "2026-11-02", "2026-11-30"))).map((d) => [d.day, d.charge])).toEqual([
        ["2026-11-02", 2.5],
        ["2026-11-03", 3]
      ])
      await run(s.customers.upsertUsageMonths([month("u-1", "2026-10", 95), month("u-1", "2026-08", 180), month("u-1", "2026-09", 170)]))
      expect((await run(s.customers.usageMonths("u-1", "2026-09", "2026-10"))).map((m) => m.billAmount)).toEqual([170, 95])
    })

    it("appends events and reads those since an instant in time order", async () => {
      const s = stores()
      await run(
        s.customers.appendEvents([
          { customerId: "u-1", type: "complaint-resolved", at: f.at(30), data: { ticket: "T-1" } },
          { customerId: "u-1", type: "activated", at: f.at(-600), data: {} },
          { customerId: "u-1", type: "suspension-requested", at: f.at(10), data: {} }
        ])
      )
      const events = await run(s.customers.events("u-1", f.at(0)))
      expect(events.map((e) => e.type)).toEqual(["suspension-requested", "complaint-resolved"])
      expect(events[1]!.data).toEqual({ ticket: "T-1" })
      expect(events[1]!.at).toBe(f.at(30))
    })
  })

/**
 * The customer part of the conformance suite, composed with the others by {@link runConformanceSuite}.
 *
 * @example
 * ```ts
 * for (const c of customerConformance.entities) entitySuite(target, c)
 * ```
 */
export const customerConformance: AggregateSuite = {
  entities: [
    {
      name: "CustomerStore",
      store: (s) => s.customers,
      make: (i) => f.customer(`cust-${String((i * 7) % 11).padStart(3, "0")}-${i}`),
      change: (a) => ({ ...a, tier: "diamond" })
    } satisfies EntityCase<ReturnType<typeof f.customer>, object>,
    {
      name: "CustomerGroupStore",
      store: (s) => s.customerGroups,
      make: (i) => f.customerGroup(`g-${i}`),
      change: (a) => ({ ...a, memberIds: ["c9"] })
    } satisfies EntityCase<ReturnType<typeof f.customerGroup>, object>
  ],
  filters: (stores) => {
    it("filters customers by ids, owner, region and tier", async () => {
      const s = stores()
      await run(
        s.customers.upsertCustomers([
          f.customer("fc-1", { ownerManagerId: "m-1", tier: "gold" }),
          f.customer("fc-2", { ownerManagerId: "m-2", tier: "silver", region: "shanghai" }),
          f.customer("fc-3", { ownerManagerId: null, tier: "gold" })
        ])
      )
      const ids = async (filter: object) => (await run(s.customers.list(filter))).items.map((c) => c.id)
      expect(await ids({ ownerManagerIds: ["m-1", "m-2"] })).toEqual(["fc-1", "fc-2"])
      expect(await ids({ tiers: ["gold"] })).toEqual(["fc-1", "fc-3"])
      expect(await ids({ region: "shanghai" })).toEqual(["fc-2"])
      expect(await ids({ ids: ["fc-3", "fc-1"] })).toEqual(["fc-1", "fc-3"])
      expect(await ids({ ids: [] })).toEqual([])
    })

    it("filters customers by phone number: any of their numbers, exactly", async () => {
      const s = stores()
      await run(
        s.customers.upsertCustomers([
          f.customer("fp-1", { phones: ["+8613811110001", "010-55550001"] }),
          f.customer("fp-2", { phones: ["+8613811110002"] }),
          f.customer("fp-3", { phones: [] })
        ])
      )
      const ids = async (phones: ReadonlyArray<string>) => (await run(s.customers.list({ phones, ids: ["fp-1", "fp-2", "fp-3"] }))).items.map((c) => c.id)
      expect(await ids(["010-55550001"])).toEqual(["fp-1"])
      expect(await ids(["+8613811110002", "+8613811110001"])).toEqual(["fp-1", "fp-2"])
      expect(await ids(["13811110001"])).toEqual([])
      expect(await ids([])).toEqual([])
    })

    it("filters customers by scope: owner among the managers, or no owner in a pool region (ANDed with the rest)", async () => {
      const s = stores()
      await run(
        s.customers.upsertCustomers([
          f.customer("sc-1", { ownerManagerId: "sm-1", region: "beijing" }),
          f.customer("sc-2", { ownerManagerId: "sm-2", region: "beijing" }),
          f.customer("sc-3", { ownerManagerId: null, region: "beijing", tier: "silver" }),
          f.customer("sc-4", { ownerManagerId: null, region: "shanghai" }),
          f.customer("sc-5", { ownerManagerId: "sm-3", region: "shanghai" })
        ])
      )
      const ids = async (filter: object) => (await run(s.customers.list(filter))).items.map((c) => c.id).filter((id) => id.startsWith("sc-"))
      expect(await ids({ inScope: { ownerManagerIds: ["sm-1"], unownedRegions: [] } })).toEqual(["sc-1"])
      expect(await ids({ inScope: { ownerManagerIds: ["sm-1", "sm-3"], unownedRegions: ["beijing"] } })).toEqual(["sc-1", "sc-3", "sc-5"])
      // An owned customer is not in the pool of its region.
      expect(await ids({ inScope: { ownerManagerIds: [], unownedRegions: ["beijing", "shanghai"] } })).toEqual(["sc-3", "sc-4"])
      expect(await ids({ inScope: { ownerManagerIds: [], unownedRegions: [] } })).toEqual([])
      expect(await ids({ tiers: ["gold"], inScope: { ownerManagerIds: ["sm-2"], unownedRegions: ["beijing"] } })).toEqual(["sc-2"])
      const page1 = await run(s.customers.list({ inScope: { ownerManagerIds: ["sm-1", "sm-2", "sm-3"], unownedRegions: [] } }, { limit: 2 }))
      const page2 = await run(s.customers.list({ inScope: { ownerManagerIds: ["sm-1", "sm-2", "sm-3"], unownedRegions: [] } }, { limit: 2, cursor: page1.nextCursor }))
      expect([...page1.items, ...page2.items].map((c) => c.id)).toEqual(["sc-1", "sc-2", "sc-5"])
    })

    it("filters customer groups valid on a date, bounds included", async () => {
      const s = stores()
      await run(s.customerGroups.insert(f.customerGroup("fg-nov")))
      await run(s.customerGroups.insert(f.customerGroup("fg-dec", { validFrom: "2026-12-01", validUntil: "2026-12-31" })))
      const ids = async (validOn: string) => (await run(s.customerGroups.list({ validOn }))).items.map((g) => g.id)
      expect(await ids("2026-11-30")).toEqual(["fg-nov"])
      expect(await ids("2026-12-01")).toEqual(["fg-dec"])
      expect(await ids("2027-01-01")).toEqual([])
    })
  },
  groups: (target) => {
    customerSuite(target)
  }
}
