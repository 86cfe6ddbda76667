/**
 * A host that never imports `effect`: its customers, staff and usage are plain arrays behind plain
 * async functions, passed as `createWinback({ host, mode: "read-through" })`. A day runs over them —
 * rule, task, extraction over the host's customers, a completed call — with no copy of the host's
 * data in Winback's tables. Host failures and bad host rows come back as typed Winback errors.
 * This file imports only from "@winback/core", "@winback/adapters" and the test runner.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  createWinback,
  extendPolicy,
  type HostCustomer,
  type HostUsageHistory,
  defaultPolicy,
  StorageError,
  storesLayer,
  ValidationError,
  type Winback,
  type WinbackHost
} from "@winback/core"
import { makeMemoryStores } from "@winback/adapters"

const asOf = "2026-11-20"

const customer = (id: string, ownerManagerId: string | null, tier = "gold"): HostCustomer => ({
  id, name: `Customer ${id}`, region: "Hamburg", tier, lineStatus: "active", paymentType: "postpaid",
  activatedOn: "2021-03-01", ownerManagerId, timeZone: "Europe/Berlin"
})
const day = (customerId: string, d: string, competitorCallSeconds: number) => ({
  customerId, day: d, charge: 1.5, dataMb: 300, callMinutes: 12, outgoingCalls: 3, competitorCallSeconds, forwardedToOtherOperator: false, reminderSmsDelivered: false
})

describe("read-through mode: a plain async host (no effect import) runs a day", () => {
  // The host's own data: what a CRM keeps in its tables.
  const crmCustomers: Array<HostCustomer> = [
    customer("C-1", "S-ANNA"), // 40 + 35 = 75 s on a rival's service line: at risk
    customer("C-2", "S-BEN"), //  90 s: at risk
    customer("C-3", "S-ANNA"), // exactly 60 s: not more than 60
    customer("C-4", "S-BEN") //   200 s, but 46 days ago
  ]
  const crmUsage = [day("C-1", "2026-11-12", 40), day("C-1", "2026-11-19", 35), day("C-2", "2026-11-05", 90), day("C-3", "2026-11-10", 60), day("C-4", "2026-10-05", 200)]
  const crmStaff = [
    { id: "S-ILSE", name: "Ilse Admin", roles: ["admin" as const], region: "Hamburg", active: true },
    { id: "S-CARLA", name: "Carla Kontrolle", roles: ["approver" as const], region: "Hamburg", active: true },
    { id: "S-ANNA", name: "Anna Berg", roles: ["agent" as const], region: "Hamburg", active: true },
    { id: "S-BEN", name: "Ben Okafor", roles: ["agent" as const], region: "Hamburg", active: true }
  ]
  const calls = { list: 0, historyMany: [] as Array<number>, getMany: 0 }
  let failNext: unknown = undefined
  const host: WinbackHost = {
    customers: {
      getMany: async (ids) => {
        calls.getMany++
        if (failNext !== undefined) {
          const e = failNext
          failNext = undefined
          throw e
        }
        return crmCustomers.filter((c) => ids.includes(c.id))
      },
      list: async ({ cursor, limit }) => {
        calls.list++
        const rest = crmCustomers.filter((c) => cursor === null || c.id > cursor).slice(0, limit)
        return { items: rest, nextCursor: rest.length === limit ? rest.at(-1)!.id : null }
      }
    },
    staff: { getMany: async (ids) => crmStaff.filter((s) => ids.includes(s.id)) },
    usage: {
      historyMany: async (ids, window): Promise<ReadonlyArray<HostUsageHistory>> => {
        calls.historyMany.push(ids.length)
        const from = new Date(Date.parse(`${window.asOf}T00:00:00Z`) - (window.dayWindow - 1) * 86_400_000).toISOString().slice(0, 10)
        return ids.map((id) => ({ customerId: id, days: crmUsage.filter((u) => u.customerId === id && from <= u.day && u.day <= window.asOf) }))
      }
    }
  }
  const raw = makeMemoryStores()
  const policy = extendPolicy(defaultPolicy, { grants: [{ role: "admin", reach: "all", actions: ["customer.read", "task.create"] }] })
  let winback: Winback

  beforeAll(async () => {
    winback = await createWinback({ storage: storesLayer(raw), host, mode: "read-through", policy })
  })
  afterAll(async () => {
    await winback?.dispose()
  })

  it("extracts over the host's customers, in batches, and an agent completes the call", async () => {
    expect(winback.mode).toBe("read-through")
    const admin = winback.as("S-ILSE")
    const rule = await admin.rules.create({ ruleId: "rival-calls", name: "Calls to a rival's service line", templateId: "competitor-calls", params: { minSeconds: 60, periodDays: 30 } })
    await admin.rules.submit(rule.id)
    await winback.as("S-CARLA").rules.approve(rule.id, { effectiveFrom: "2026-11-01" })
    const task = await admin.tasks.create({
      source: "alert", ruleInstanceIds: [rule.id], name: "Courted by a rival", type: "retention-callback", urgency: 1, channel: "phone",
      executionWindow: { from: "09:00", to: "20:00" }, cycle: "daily", startsOn: "2026-11-01", expiresOn: null, skipHolidays: false,
      questionnaireVersion: null, cooldownDays: 30
    })
    await admin.tasks.submit(task.id)
    await winback.as("S-CARLA").tasks.approve(task.id, "two customers")
    calls.historyMany.length = 0
    const report = await admin.extraction.run({ asOf })
    expect(report.created).toBe(2)
    // The usage of the page of four customers was read in one batch.
    expect(calls.historyMany).toEqual([4])
    const items = await winback.stores.workItems.list({ taskId: task.id }, { limit: 50 })
    expect(Object.fromEntries(items.items.map((i) => [i.customerId, i.assigneeId]))).toEqual({ "C-1": "S-ANNA", "C-2": "S-BEN" })

    const anna = winback.as("S-ANNA")
    const [work] = (await anna.workList.byCustomer({})).items
    expect(work!.customerId).toBe("C-1")
    const done = await anna.execution.recordCall({ customerId: "C-1", itemIds: work!.items.map((o) => o.item.id), disposition: "completed", complete: true })
    expect(done.items.map((i) => [i.customerId, i.state])).toEqual([["C-1", "completed"]])
    // Agents read their customers through the host: Anna sees C-1 and C-3, not Ben's.
    expect((await winback.as("S-ANNA").customers.list({})).items.map((c) => c.id)).toEqual(["C-1", "C-3"])
  })

  it("keeps no copy of the host's customers or usage in Winback's tables", async () => {
    const replicaView = await createWinback({ storage: storesLayer(raw), policy })
    try {
      expect(await replicaView.stores.customers.count()).toBe(0)
      expect(await replicaView.stores.customers.usageDays("C-1", "2026-01-01", "2026-12-31")).toEqual([])
    } finally {
      await replicaView.dispose()
    }
    // A write of host data is refused: the host is the system of record.
    await expect(winback.stores.customers.upsertCustomers([])).rejects.toBeInstanceOf(StorageError)
  })

  it("reads fresh host data on the next run: no feed", async () => {
    crmUsage.push(day("C-3", "2026-11-21", 5))
    const report = await winback.as("S-ILSE").extraction.run({ asOf: "2026-11-21" })
    // C-1 and C-2 are cooling down; C-3 crossed 60 s with today's 5 s.
    expect(report.created).toBe(1)
    expect((await winback.as("S-ANNA").workList.byCustomer({})).items.map((c) => c.customerId)).toEqual(["C-3"])
  })

  it("turns a throwing host function into a StorageError naming port and method, with the cause kept", async () => {
    const boom = new Error("connection reset by the CRM database")
    failNext = boom
    const error = await winback.directories.customers.getMany(["C-1"]).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StorageError)
    expect((error as StorageError).operation).toBe("host.customers.getMany")
    expect((error as StorageError).cause).toBe(boom)
  })

  it("turns bad host data into a StorageError whose cause is a ValidationError naming port, method and path", async () => {
    crmCustomers.push({ ...customer("C-9", "S-ANNA"), tier: "" })
    try {
      const error = await winback.directories.customers.get("C-9").catch((e: unknown) => e)
      expect(error).toBeInstanceOf(StorageError)
      expect((error as StorageError).operation).toBe("host.customers.getMany")
      const cause = (error as StorageError).cause
      expect(cause).toBeInstanceOf(ValidationError)
      expect((cause as ValidationError).subject).toBe("result of host customers.getMany")
      expect((cause as ValidationError).issues.map((i) => i.path)).toEqual([[0, "tier"]])
    } finally {
      crmCustomers.pop()
    }
  })
})

describe("plain async host ports in replica mode: get and history alone", () => {
  let winback: Winback
  const host: WinbackHost = {
    customers: {
      getMany: async () => [],
      get: async (id) => (id === "C-1" ? customer("C-1", null) : null)
    },
    staff: { getMany: async () => [], get: async () => undefined },
    // Answers C-2's history whatever it is asked: a host bug Winback must not pass on.
    usage: { history: async (customerId) => ({ customerId: customerId === "C-3" ? "C-2" : customerId, days: [day(customerId, "2026-11-19", 5)] }) }
  }
  beforeAll(async () => {
    winback = await createWinback({ storage: storesLayer(makeMemoryStores()), host, policy: defaultPolicy })
  })
  afterAll(async () => {
    await winback?.dispose()
  })

  it("uses the host's get (null is NotFound) and keeps Winback's own tables writable", async () => {
    expect(winback.mode).toBe("replica")
    expect((await winback.directories.customers.get("C-1")).birthday).toBeNull()
    await expect(winback.directories.customers.get("C-2")).rejects.toMatchObject({ _tag: "NotFound", entity: "Customer", id: "C-2" })
    await expect(winback.directories.staff.get("S-1")).rejects.toMatchObject({ _tag: "NotFound", entity: "Manager", id: "S-1" })
    // Replica mode: the feed writes Winback's copy.
    await winback.stores.customers.upsertCustomers([{ ...(await winback.directories.customers.get("C-1")) }])
    expect((await winback.stores.customers.get("C-1")).id).toBe("C-1")
  })

  it("validates history answers: months and events default to none, another customer's history is refused", async () => {
    const window = { asOf: asOf, dayWindow: 30, monthWindow: 3 }
    const h = await winback.directories.usage.history("C-1", window)
    expect([h.days.length, h.months, h.events]).toEqual([1, [], []])
    const error = await winback.directories.usage.history("C-3", window).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StorageError)
    expect((error as StorageError).operation).toBe("host.usage.history")
    expect(((error as StorageError).cause as ValidationError).issues.map((i) => i.path)).toEqual([["customerId"]])
  })
})
