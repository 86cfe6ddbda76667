/**
 * The storage conformance suite: the behaviour every Winback storage adapter must show — CRUD and
 * queries of every store port, ordering and pagination, transactions that roll back whole,
 * optimistic versioning, and the race contracts. The memory, PGlite and PostgreSQL adapters run it
 * in every `pnpm test`; a host that writes its own adapter runs it the same way.
 */
import { Effect, Exit } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { CallRecordStore, Conflict, type EntityStore, linkCallRecord, NotFound, type Page, type Stores } from "@winback/core"
import * as f from "./fixtures"
import { runScopeMatrix } from "./scopeMatrix"
import { OPEN_TIMEOUT_MS } from "./timeouts"
import { runWorkPlanSuite, workPlan } from "./workPlans"

/** An adapter under test. */
export interface ConformanceTarget {
  /** Shown in test names. */
  readonly name: string
  /**
   * Opens fresh, empty storage. Called once per group of tests (a `describe`), closed after it.
   * Groups run one after another.
   */
  readonly open: () => Promise<{ readonly stores: Stores; readonly close: () => Promise<void> }>
  /** What the adapter can do; tests needing a capability the adapter lacks are left out, by capability. */
  readonly capabilities?: {
    /** Transactions on separate connections really run at the same time (a server database). */
    readonly parallelTransactions?: boolean
  }
  /** Concurrency of the race tests (default: 100 claims, 50 completions). */
  readonly races?: { readonly claims?: number; readonly completions?: number }
}

const run = <A, E>(eff: Effect.Effect<A, E>): Promise<A> => Effect.runPromise(eff)
const fail = async <A, E>(eff: Effect.Effect<A, E>): Promise<E> => {
  const exit = await Effect.runPromiseExit(eff)
  if (Exit.isSuccess(exit)) throw new Error(`expected a failure, got ${JSON.stringify(exit.value)}`)
  return Effect.runPromise(Effect.flip(eff as Effect.Effect<A, E>)).catch(() => {
    throw new Error("the effect failed with a defect, not a typed error")
  })
}

/** Reads every page of a list. */
const allPages = async <A>(read: (cursor: string | null) => Effect.Effect<Page<A>, unknown>): Promise<Array<A>> => {
  const out: Array<A> = []
  let cursor: string | null = null
  for (let i = 0; i < 1000; i++) {
    const page: Page<A> = await run(read(cursor))
    out.push(...page.items)
    if (!page.nextCursor) return out
    cursor = page.nextCursor
  }
  throw new Error("pagination did not end")
}

/** Opens storage for a describe block and closes it after. */
const useStorage = (target: ConformanceTarget): (() => Stores) => {
  let opened: { stores: Stores; close: () => Promise<void> } | undefined
  beforeAll(async () => {
    opened = await target.open()
  }, OPEN_TIMEOUT_MS)
  afterAll(async () => {
    await opened?.close()
  }, OPEN_TIMEOUT_MS)
  return () => {
    if (!opened) throw new Error("storage not open")
    return opened.stores
  }
}

interface EntityCase<A extends { readonly version: number }, F> {
  readonly name: string
  readonly store: (s: Stores) => EntityStore<A, F>
  readonly make: (i: number) => A
  readonly id: (a: A) => string
  /** A filter matching every record `make` makes. */
  readonly all: F
  /** The documented order, written independently of the adapters. */
  readonly compare: (a: A, b: A) => number
  /** A change to write with `update`. */
  readonly change: (a: A) => A
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

const entityCases = (): ReadonlyArray<EntityCase<any, any>> => [
  {
    name: "CustomerStore",
    store: (s) => s.customers,
    make: (i) => f.customer(`cust-${String((i * 7) % 11).padStart(3, "0")}-${i}`),
    id: (a) => a.id,
    all: {},
    compare: (a, b) => byText(a.id, b.id),
    change: (a) => ({ ...a, tier: "diamond" })
  } satisfies EntityCase<ReturnType<typeof f.customer>, object>,
  {
    name: "ManagerStore",
    store: (s) => s.managers,
    make: (i) => f.manager(`m-${(i * 5) % 9}-${i}`),
    id: (a) => a.id,
    all: {},
    compare: (a, b) => byText(a.id, b.id),
    change: (a) => ({ ...a, active: false })
  } satisfies EntityCase<ReturnType<typeof f.manager>, object>,
  {
    name: "TeamStore",
    store: (s) => s.teams,
    make: (i) => f.team(`team-${(i * 3) % 7}-${i}`),
    id: (a) => a.id,
    all: {},
    compare: (a, b) => byText(a.id, b.id),
    change: (a) => ({ ...a, name: "Renamed" })
  } satisfies EntityCase<ReturnType<typeof f.team>, object>,
  {
    name: "TaskStore",
    store: (s) => s.tasks,
    make: (i) => f.task(`task-${i}`, { urgency: 1 + (i % 3) }),
    id: (a) => a.id,
    all: {},
    compare: (a, b) => a.urgency - b.urgency || byText(a.id, b.id),
    change: (a) => ({ ...a, status: "pending-approval" })
  } satisfies EntityCase<ReturnType<typeof f.task>, object>,
  {
    name: "RuleInstanceStore",
    store: (s) => s.ruleInstances,
    make: (i) => f.ruleInstance(`rule-${i % 4}@${i}`),
    id: (a) => a.id,
    all: {},
    compare: (a, b) => byText(a.id, b.id),
    change: (a) => ({ ...a, status: "pending-approval" })
  } satisfies EntityCase<ReturnType<typeof f.ruleInstance>, object>,
  {
    name: "CustomerGroupStore",
    store: (s) => s.customerGroups,
    make: (i) => f.customerGroup(`g-${i}`),
    id: (a) => a.id,
    all: {},
    compare: (a, b) => byText(a.id, b.id),
    change: (a) => ({ ...a, memberIds: ["c9"] })
  } satisfies EntityCase<ReturnType<typeof f.customerGroup>, object>,
  {
    name: "WorkItemStore",
    store: (s) => s.workItems,
    // Equal urgency and equal creation times across the page boundary on purpose.
    make: (i) => f.workItem(`wi-${i}`, { urgency: 1 + (i % 2), createdAt: f.at(i % 3) }),
    id: (a) => a.id,
    all: {},
    compare: (a, b) => a.urgency - b.urgency || byText(a.createdAt, b.createdAt) || byText(a.id, b.id),
    change: (a) => ({ ...a, state: "in-progress" })
  } satisfies EntityCase<ReturnType<typeof f.workItem>, object>,
  {
    name: "AppointmentStore",
    store: (s) => s.appointments,
    make: (i) => f.appointment(`ap-${i}`, { at: f.at(60 + (i % 3)) }),
    id: (a) => a.id,
    all: {},
    compare: (a, b) => byText(a.at, b.at) || byText(a.id, b.id),
    change: (a) => ({ ...a, state: "done" })
  } satisfies EntityCase<ReturnType<typeof f.appointment>, object>,
  {
    name: "OfferStore",
    store: (s) => s.offers,
    make: (i) => f.offer(`of-${i}`),
    id: (a) => a.id,
    all: {},
    compare: (a, b) => byText(a.id, b.id),
    change: (a) => ({ ...a, cost: 80 })
  } satisfies EntityCase<ReturnType<typeof f.offer>, object>,
  {
    name: "ObservationStore",
    store: (s) => s.observations,
    make: (i) => f.observation(`ob-${i}`, { endsOn: `2026-12-2${i % 3}` }),
    id: (a) => a.id,
    all: {},
    compare: (a, b) => byText(a.endsOn, b.endsOn) || byText(a.id, b.id),
    change: (a) => ({ ...a, outcome: "stayed" })
  } satisfies EntityCase<ReturnType<typeof f.observation>, object>,
  {
    name: "QuestionnaireStore.responses",
    store: (s) => s.questionnaires.responses,
    make: (i) => f.response(`resp-${i}`),
    id: (a) => a.id,
    all: {},
    compare: (a, b) => byText(a.id, b.id),
    change: (a) => ({ ...a, completed: false })
  } satisfies EntityCase<ReturnType<typeof f.response>, object>,
  {
    name: "WorkPlanStore",
    store: (s) => s.workPlans,
    // Equal period starts across the page boundary on purpose.
    make: (i) => workPlan(`wp-${i}`, { period: { kind: "month", label: `2026-1${i % 3}`, from: `2026-1${i % 3}-01`, to: `2026-1${i % 3}-28` } }),
    id: (a) => a.id,
    all: {},
    compare: (a, b) => byText(a.period.from, b.period.from) || byText(a.id, b.id),
    change: (a) => ({ ...a, targets: { calls: 1, reach: 2, retained: 3 } })
  } satisfies EntityCase<ReturnType<typeof workPlan>, object>
]

/**
 * Registers the whole conformance suite for `target` with vitest.
 *
 * @example
 * ```ts
 * // my-adapter.test.ts
 * import { runConformanceSuite } from "@winback/adapters/testing"
 * runConformanceSuite({ name: "my-adapter", open: async () => ({ stores: makeMyStores(), close: async () => {} }) })
 * ```
 */
export const runConformanceSuite = (target: ConformanceTarget): void => {
  describe(`storage conformance: ${target.name}`, () => {
    for (const c of entityCases()) entitySuite(target, c)
    customerSuite(target)
    filterSuite(target)
    ledgerSuite(target)
    workItemSuite(target)
    callSuite(target)
    dndSuite(target)
    questionnaireSuite(target)
    auditSuite(target)
    transactionSuite(target)
    runScopeMatrix(target)
    runWorkPlanSuite(target)
  })
}

const entitySuite = <A extends { readonly version: number }, F>(target: ConformanceTarget, c: EntityCase<A, F>) =>
  describe(c.name, () => {
    const stores = useStorage(target)
    const records = Array.from({ length: 11 }, (_, i) => c.make(i))

    it("inserts and reads back records unchanged", async () => {
      for (const r of records) expect(await run(c.store(stores()).insert(r))).toEqual(r)
      expect(await run(c.store(stores()).get(c.id(records[3]!)))).toEqual(records[3])
    })

    it("refuses a second insert of an id with Conflict", async () => {
      const e = await fail(c.store(stores()).insert(records[0]!))
      expect(e).toBeInstanceOf(Conflict)
      expect((e as Conflict).kind).toBe("already-exists")
    })

    it("fails get of an unknown id with NotFound", async () => {
      const e = await fail(c.store(stores()).get("no-such-id"))
      expect(e).toBeInstanceOf(NotFound)
    })

    it("getMany keeps the order asked for and leaves out unknown ids", async () => {
      const ids = [c.id(records[5]!), "no-such-id", c.id(records[1]!)]
      expect((await run(c.store(stores()).getMany(ids))).map(c.id)).toEqual([c.id(records[5]!), c.id(records[1]!)])
    })

    it("lists every record exactly once, in the documented order, across pages", async () => {
      const expected = [...records].sort(c.compare).map(c.id)
      for (const limit of [1, 3, 4, 50]) {
        const got = await allPages((cursor) => c.store(stores()).list(c.all, { limit, cursor }))
        expect(got.map(c.id)).toEqual(expected)
      }
    })

    it("updates with the current version, storing version + 1", async () => {
      const current = await run(c.store(stores()).get(c.id(records[2]!)))
      const next = await run(c.store(stores()).update(c.change(current), current.version))
      expect(next.version).toBe(current.version + 1)
      expect(await run(c.store(stores()).get(c.id(records[2]!)))).toEqual(next)
    })

    it("refuses a stale update with Conflict and keeps the stored record", async () => {
      const current = await run(c.store(stores()).get(c.id(records[4]!)))
      await run(c.store(stores()).update(c.change(current), current.version))
      const stored = await run(c.store(stores()).get(c.id(records[4]!)))
      const e = await fail(c.store(stores()).update(c.change(current), current.version))
      expect(e).toBeInstanceOf(Conflict)
      // Callers retry by kind, never by message text.
      expect((e as Conflict).kind).toBe("stale-version")
      expect((e as Conflict).isRetryable).toBe(true)
      expect(await run(c.store(stores()).get(c.id(records[4]!)))).toEqual(stored)
    })

    it("fails update of an unknown id with NotFound", async () => {
      const ghost = c.make(999)
      const e = await fail(c.store(stores()).update(ghost, 1))
      expect(e).toBeInstanceOf(NotFound)
    })

    it("lets exactly one of 20 concurrent updates from the same version win", async () => {
      const current = await run(c.store(stores()).get(c.id(records[6]!)))
      const exits = await Promise.all(
        Array.from({ length: 20 }, () => Effect.runPromiseExit(c.store(stores()).update(c.change(current), current.version)))
      )
      expect(exits.filter(Exit.isSuccess)).toHaveLength(1)
      expect((await run(c.store(stores()).get(c.id(records[6]!)))).version).toBe(current.version + 1)
    })
  })

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

const filterSuite = (target: ConformanceTarget) =>
  describe("list filters", () => {
    const stores = useStorage(target)

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

    it("filters work items by scope: assignee among the managers OR team among the teams", async () => {
      const s = stores()
      await run(
        s.workItems.insertMany([
          f.workItem("sw-1", { assigneeId: "sa-1", teamId: "st-1" }),
          f.workItem("sw-2", { assigneeId: "sa-2", teamId: "st-2" }),
          f.workItem("sw-3", { assigneeId: null, teamId: "st-1" }),
          f.workItem("sw-4", { assigneeId: "sa-1", teamId: "st-2", state: "completed" }),
          f.workItem("sw-5", { assigneeId: null, teamId: null })
        ])
      )
      const ids = async (filter: object) => (await run(s.workItems.list(filter))).items.map((w) => w.id).filter((id) => id.startsWith("sw-")).sort()
      expect(await ids({ inScope: { assigneeIds: ["sa-1"], teamIds: [] } })).toEqual(["sw-1", "sw-4"])
      expect(await ids({ inScope: { assigneeIds: [], teamIds: ["st-1"] } })).toEqual(["sw-1", "sw-3"])
      expect(await ids({ inScope: { assigneeIds: ["sa-2"], teamIds: ["st-1"] } })).toEqual(["sw-1", "sw-2", "sw-3"])
      expect(await ids({ states: ["open"], inScope: { assigneeIds: ["sa-1"], teamIds: [] } })).toEqual(["sw-1"])
      expect(await ids({ inScope: { assigneeIds: [], teamIds: [] } })).toEqual([])
    })

    it("filters managers by team, role and activity", async () => {
      const s = stores()
      await run(s.managers.insert(f.manager("fm-1", { teamId: "t-a", roles: ["agent"] })))
      await run(s.managers.insert(f.manager("fm-2", { teamId: "t-a", roles: ["team-leader", "agent"] })))
      await run(s.managers.insert(f.manager("fm-3", { teamId: "t-b", roles: ["director"], active: false })))
      const ids = async (filter: object) => (await run(s.managers.list(filter))).items.map((m) => m.id)
      expect(await ids({ teamIds: ["t-a"] })).toEqual(["fm-1", "fm-2"])
      expect(await ids({ roles: ["team-leader", "director"] })).toEqual(["fm-2", "fm-3"])
      expect(await ids({ activeOnly: true })).toEqual(["fm-1", "fm-2"])
    })

    it("filters teams by region and parent (null = roots)", async () => {
      const s = stores()
      await run(s.teams.insert(f.team("ft-root")))
      await run(s.teams.insert(f.team("ft-child", { parentId: "ft-root" })))
      await run(s.teams.insert(f.team("ft-sh", { region: "shanghai" })))
      const ids = async (filter: object) => (await run(s.teams.list(filter))).items.map((t) => t.id)
      expect(await ids({ parentId: null })).toEqual(["ft-root", "ft-sh"])
      expect(await ids({ parentId: "ft-root" })).toEqual(["ft-child"])
      expect(await ids({ region: "shanghai" })).toEqual(["ft-sh"])
    })

    it("filters tasks by status and source", async () => {
      const s = stores()
      await run(s.tasks.insert(f.task("fk-1", { status: "active", urgency: 2 })))
      await run(s.tasks.insert(f.task("fk-2", { status: "draft" })))
      await run(s.tasks.insert(f.task("fk-3", { status: "active", urgency: 1, source: "campaign", customerGroupId: "g-1" } as never)))
      const ids = async (filter: object) => (await run(s.tasks.list(filter))).items.map((t) => t.id)
      expect(await ids({ statuses: ["active"] })).toEqual(["fk-3", "fk-1"])
      expect(await ids({ sources: ["manual"] })).toEqual(["fk-1", "fk-2"])
    })

    it("filters rule instances by status and template", async () => {
      const s = stores()
      await run(s.ruleInstances.insert(f.ruleInstance("fr@1", { status: "active" })))
      await run(s.ruleInstances.insert(f.ruleInstance("fr@2", { status: "draft", templateId: "zero-bill" })))
      const ids = async (filter: object) => (await run(s.ruleInstances.list(filter))).items.map((r) => r.id)
      expect(await ids({ statuses: ["active"] })).toEqual(["fr@1"])
      expect(await ids({ templateIds: ["zero-bill"] })).toEqual(["fr@2"])
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

    it("filters work items by assignee, customer, task, teams and states", async () => {
      const s = stores()
      await run(
        s.workItems.insertMany([
          f.workItem("fw-1", { assigneeId: "a-1", customerId: "c-1", taskId: "k-1", teamId: "t-1" }),
          f.workItem("fw-2", { assigneeId: "a-1", customerId: "c-2", taskId: "k-2", teamId: "t-1", state: "completed" }),
          f.workItem("fw-3", { assigneeId: "a-2", customerId: "c-1", taskId: "k-1", teamId: "t-2" }),
          f.workItem("fw-4", { assigneeId: null, customerId: "c-3", taskId: "k-1", teamId: null })
        ])
      )
      const ids = async (filter: object) => (await run(s.workItems.list(filter))).items.map((w) => w.id)
      expect(await ids({ assigneeId: "a-1" })).toEqual(["fw-1", "fw-2"])
      expect(await ids({ assigneeId: "a-1", states: ["open", "in-progress"] })).toEqual(["fw-1"])
      expect(await ids({ customerId: "c-1" })).toEqual(["fw-1", "fw-3"])
      expect(await ids({ customerIds: ["c-1", "c-3"] })).toEqual(["fw-1", "fw-3", "fw-4"])
      expect(await ids({ customerIds: ["c-2"], states: ["open", "in-progress"] })).toEqual([])
      expect(await ids({ customerIds: [] })).toEqual([])
      expect(await ids({ taskId: "k-1", teamIds: ["t-2", "t-9"] })).toEqual(["fw-3"])
      expect(await run(s.workItems.countByState({ assigneeId: "a-1" }))).toEqual({ open: 1, "in-progress": 0, completed: 1, cancelled: 0, expired: 0, unreachable: 0 })
      expect((await run(s.workItems.countByState({ taskId: "k-1" }))).open).toBe(3)
    })

    it("filters the unassigned pool: no assignee, ANDed with team, state, scope and paging", async () => {
      const s = stores()
      await run(
        s.workItems.insertMany([
          f.workItem("pw-1", { assigneeId: null, teamId: "pt-1", urgency: 2, createdAt: f.at(1) }),
          f.workItem("pw-2", { assigneeId: "pa-1", teamId: "pt-1", urgency: 1 }),
          f.workItem("pw-3", { assigneeId: null, teamId: "pt-1", urgency: 1, createdAt: f.at(5) }),
          f.workItem("pw-4", { assigneeId: null, teamId: "pt-1", state: "completed" }),
          f.workItem("pw-5", { assigneeId: null, teamId: "pt-2", urgency: 1 }),
          f.workItem("pw-6", { assigneeId: null, teamId: null }),
          f.workItem("pw-7", { assigneeId: null, teamId: "pt-1", urgency: 2, createdAt: f.at(1), state: "in-progress" })
        ])
      )
      const ids = async (filter: object) => (await run(s.workItems.list(filter))).items.map((w) => w.id).filter((id) => id.startsWith("pw-"))
      const open = ["open", "in-progress"] as const
      // Work-list order: urgency, then creation time, then id.
      expect(await ids({ unassigned: true, teamIds: ["pt-1"], states: open })).toEqual(["pw-3", "pw-1", "pw-7"])
      expect(await ids({ unassigned: true, teamIds: ["pt-1"] })).toEqual(["pw-3", "pw-1", "pw-7", "pw-4"])
      expect(await ids({ unassigned: true, teamIds: ["pt-1", "pt-2"], states: ["open"] })).toEqual(["pw-5", "pw-3", "pw-1"])
      expect(await ids({ unassigned: true })).toEqual(expect.arrayContaining(["pw-1", "pw-3", "pw-4", "pw-5", "pw-6", "pw-7"]))
      expect(await ids({ unassigned: true })).not.toContain("pw-2")
      // Scope: a leader of pt-1 whose agent is pa-1 sees pt-1's pool only, never the assigned item.
      expect(await ids({ unassigned: true, inScope: { assigneeIds: ["pa-1"], teamIds: ["pt-1"] } })).toEqual(["pw-3", "pw-1", "pw-7", "pw-4"])
      // An agent's scope (no teams) holds no pool at all.
      expect(await ids({ unassigned: true, inScope: { assigneeIds: ["pa-1"], teamIds: [] } })).toEqual([])
      // With an assignee the pool filter matches nothing.
      expect(await ids({ unassigned: true, assigneeId: "pa-1" })).toEqual([])
      // Paging: every pool item of pt-1 exactly once, in order, two at a time.
      const paged = await allPages((cursor) => s.workItems.list({ unassigned: true, teamIds: ["pt-1"], states: [...open] }, { limit: 2, cursor }))
      expect(paged.map((w) => w.id)).toEqual(["pw-3", "pw-1", "pw-7"])
      expect(paged.every((w) => w.assigneeId === null && w.teamId === "pt-1")).toBe(true)
    })

    it("filters work items ready at an instant: no next attempt, or one at or before it (waiting items left out), ANDed with the rest", async () => {
      const s = stores()
      await run(
        s.workItems.insertMany([
          f.workItem("rw-1", { assigneeId: "ra-1", urgency: 1, createdAt: f.at(1) }),
          f.workItem("rw-2", { assigneeId: "ra-1", urgency: 1, createdAt: f.at(2), state: "in-progress", nextAttemptAt: f.at(120) }),
          f.workItem("rw-3", { assigneeId: "ra-1", urgency: 2, createdAt: f.at(3), state: "in-progress", nextAttemptAt: f.at(60) }),
          f.workItem("rw-4", { assigneeId: "ra-1", urgency: 2, createdAt: f.at(4), state: "unreachable" }),
          f.workItem("rw-5", { assigneeId: null, teamId: "rt-1", urgency: 1, createdAt: f.at(5), state: "in-progress", nextAttemptAt: f.at(90) }),
          f.workItem("rw-6", { assigneeId: null, teamId: "rt-1", urgency: 1, createdAt: f.at(6) })
        ])
      )
      const ids = async (filter: object) => (await run(s.workItems.list(filter))).items.map((w) => w.id).filter((id) => id.startsWith("rw-"))
      const open = ["open", "in-progress"] as const
      expect(await ids({ assigneeId: "ra-1", states: open })).toEqual(["rw-1", "rw-2", "rw-3"])
      expect(await ids({ assigneeId: "ra-1", states: open, readyAt: f.at(59) })).toEqual(["rw-1"])
      // Exactly at the next attempt the item is ready again.
      expect(await ids({ assigneeId: "ra-1", states: open, readyAt: f.at(60) })).toEqual(["rw-1", "rw-3"])
      expect(await ids({ assigneeId: "ra-1", states: open, readyAt: f.at(200) })).toEqual(["rw-1", "rw-2", "rw-3"])
      expect(await ids({ assigneeId: "ra-1", readyAt: f.at(0) })).toEqual(["rw-1", "rw-4"])
      // The pool honours it too, with scope and paging.
      expect(await ids({ unassigned: true, teamIds: ["rt-1"], states: open, readyAt: f.at(30) })).toEqual(["rw-6"])
      expect(await ids({ unassigned: true, teamIds: ["rt-1"], states: open, readyAt: f.at(90), inScope: { assigneeIds: [], teamIds: ["rt-1"] } })).toEqual(["rw-5", "rw-6"])
      const paged = await allPages((cursor) => s.workItems.list({ assigneeId: "ra-1", readyAt: f.at(100) }, { limit: 1, cursor }))
      expect(paged.map((w) => w.id)).toEqual(["rw-1", "rw-3", "rw-4"])
    })

    it("filters appointments by manager, customer, state and due time", async () => {
      const s = stores()
      await run(s.appointments.insert(f.appointment("fa-1", { managerId: "a-1", at: f.at(10) })))
      await run(s.appointments.insert(f.appointment("fa-2", { managerId: "a-1", at: f.at(20), state: "done" })))
      await run(s.appointments.insert(f.appointment("fa-3", { managerId: "a-2", customerId: "c-9", at: f.at(5) })))
      const ids = async (filter: object) => (await run(s.appointments.list(filter))).items.map((a) => a.id)
      expect(await ids({ states: ["booked"], dueBy: f.at(10) })).toEqual(["fa-3", "fa-1"])
      expect(await ids({ managerId: "a-1" })).toEqual(["fa-1", "fa-2"])
      expect(await ids({ managerIds: ["a-2", "a-9"] })).toEqual(["fa-3"])
      expect(await ids({ managerIds: [] })).toEqual([])
      expect(await ids({ customerId: "c-9" })).toEqual(["fa-3"])
    })

    it("filters offers by activity and observations due for evaluation", async () => {
      const s = stores()
      await run(s.offers.insert(f.offer("fo-1")))
      await run(s.offers.insert(f.offer("fo-2", { active: false })))
      expect((await run(s.offers.list({ activeOnly: true }))).items.map((o) => o.id)).toEqual(["fo-1"])
      await run(s.observations.insert(f.observation("fob-1", { endsOn: "2026-12-01" })))
      await run(s.observations.insert(f.observation("fob-2", { endsOn: "2026-12-01", outcome: "stayed", taskId: "k-2" })))
      await run(s.observations.insert(f.observation("fob-3", { endsOn: "2027-01-01" })))
      expect((await run(s.observations.list({ dueOn: "2026-12-15" }))).items.map((o) => o.id)).toEqual(["fob-1"])
      expect((await run(s.observations.list({ taskId: "k-2" }))).items.map((o) => o.id)).toEqual(["fob-2"])
    })
  })

const ledgerSuite = (target: ConformanceTarget) =>
  describe("HandOutLedgerStore", () => {
    const stores = useStorage(target)

    it("claims a free (customer, period) key and answers the holder afterwards", async () => {
      const s = stores()
      const first = await run(s.ledger.claim(f.ledgerEntry("l-1", { taskId: "urgent" })))
      expect(first).toEqual({ claimed: true, entry: f.ledgerEntry("l-1", { taskId: "urgent" }) })
      const second = await run(s.ledger.claim(f.ledgerEntry("l-1", { taskId: "other" })))
      expect(second).toEqual({ claimed: false, holder: f.ledgerEntry("l-1", { taskId: "urgent" }) })
      expect(await run(s.ledger.get("l-1", "2026-11-22"))).toEqual(f.ledgerEntry("l-1", { taskId: "urgent" }))
      expect(await run(s.ledger.get("l-1", "2026-11-23"))).toBeUndefined()
      expect((await run(s.ledger.claim(f.ledgerEntry("l-1", { period: "2026-11-23" })))).claimed).toBe(true)
    })

    it("reports the entries still cooling down at an instant", async () => {
      const s = stores()
      await run(s.ledger.claim(f.ledgerEntry("l-2", { period: "2026-10-01", cooldownUntil: f.at(-1) })))
      await run(s.ledger.claim(f.ledgerEntry("l-3", { period: "2026-10-01", cooldownUntil: f.at(60) })))
      const cooling = await run(s.ledger.coolingDown(["l-2", "l-3", "l-none"], f.at(0)))
      expect(cooling.map((e) => e.customerId)).toEqual(["l-3"])
      expect(await run(s.ledger.coolingDown([], f.at(0)))).toEqual([])
    })

    it("lists a period's entries by customer across pages", async () => {
      const s = stores()
      for (const c of ["p-3", "p-1", "p-2", "p-5", "p-4"]) await run(s.ledger.claim(f.ledgerEntry(c, { period: "2026-W47" })))
      const got = await allPages((cursor) => s.ledger.listByPeriod("2026-W47", { limit: 2, cursor }))
      expect(got.map((e) => e.customerId)).toEqual(["p-1", "p-2", "p-3", "p-4", "p-5"])
    })

    it("race: of many concurrent claims of one key exactly one succeeds", async () => {
      const s = stores()
      const n = target.races?.claims ?? 100
      const results = await Promise.all(
        Array.from({ length: n }, (_, i) => run(s.transactions.transaction(s.ledger.claim(f.ledgerEntry("race-1", { taskId: `task-${i}`, runId: `run-${i}` })))))
      )
      const winners = results.filter((r) => r.claimed)
      expect(winners).toHaveLength(1)
      const holder = winners[0]!.claimed ? winners[0]!.entry : undefined
      for (const r of results) if (!r.claimed) expect(r.holder).toEqual(holder)
      expect(await run(s.ledger.get("race-1", "2026-11-22"))).toEqual(holder)
    })
  })

const workItemSuite = (target: ConformanceTarget) =>
  describe("WorkItemStore", () => {
    const stores = useStorage(target)
    const complete = (ids: ReadonlyArray<string>, customerId = "cust-1", callSerial: string | null = "C-1") => ({
      ids,
      customerId,
      by: "m-1",
      at: f.at(90),
      disposition: "completed" as const,
      callSerial,
      note: "done"
    })

    it("a not-reached disposition never completes an item: refused, nothing written", async () => {
      const s = stores()
      await run(s.workItems.insertMany([f.workItem("w-nr")]))
      const e = await fail(s.workItems.complete({ ...complete(["w-nr"]), disposition: "no-answer" }))
      expect(e).toBeInstanceOf(Conflict)
      expect(await run(s.workItems.get("w-nr"))).toMatchObject({ state: "open", attempts: [], version: 1 })
    })

    it("insertMany is all-or-nothing: one existing id writes nothing", async () => {
      const s = stores()
      await run(s.workItems.insertMany([f.workItem("w-a")]))
      const e = await fail(s.workItems.insertMany([f.workItem("w-b"), f.workItem("w-a"), f.workItem("w-c")]))
      expect(e).toBeInstanceOf(Conflict)
      expect(await run(s.workItems.getMany(["w-b", "w-c"]))).toEqual([])
    })

    it("one call completes several items of a customer, each carrying the call serial", async () => {
      const s = stores()
      await run(s.workItems.insertMany([f.workItem("w-1"), f.workItem("w-2", { taskId: "task-2" }), f.workItem("w-3", { taskId: "task-3", state: "in-progress" })]))
      const done = await run(s.workItems.complete(complete(["w-1", "w-2", "w-3"], "cust-1", "C-0000000042")))
      expect(done.map((w) => w.id)).toEqual(["w-1", "w-2", "w-3"])
      for (const id of ["w-1", "w-2", "w-3"]) {
        const w = await run(s.workItems.get(id))
        expect(w.state).toBe("completed")
        expect(w.callSerial).toBe("C-0000000042")
        expect(w.disposition).toBe("completed")
        expect(w.completedAt).toBe(f.at(90))
        expect(w.attempts.at(-1)).toEqual({ at: f.at(90), by: "m-1", disposition: "completed", callSerial: "C-0000000042", note: "done" })
        expect(w.version).toBe(2)
      }
    })

    it("completion is atomic: one completed item in the set changes none", async () => {
      const s = stores()
      await run(s.workItems.insertMany([f.workItem("w-4"), f.workItem("w-5", { state: "completed" }), f.workItem("w-6")]))
      const e = await fail(s.workItems.complete(complete(["w-4", "w-5", "w-6"])))
      expect(e).toBeInstanceOf(Conflict)
      for (const id of ["w-4", "w-6"]) expect((await run(s.workItems.get(id))).state).toBe("open")
    })

    it("refuses to complete another customer's item, or an unknown one", async () => {
      const s = stores()
      await run(s.workItems.insertMany([f.workItem("w-7", { customerId: "cust-7" }), f.workItem("w-8")]))
      expect(await fail(s.workItems.complete(complete(["w-8", "w-7"])))).toBeInstanceOf(Conflict)
      expect(await fail(s.workItems.complete(complete(["w-8", "w-missing"])))).toBeInstanceOf(NotFound)
      expect((await run(s.workItems.get("w-8"))).state).toBe("open")
    })

    it("race: of many concurrent completions of one item exactly one succeeds", async () => {
      const s = stores()
      const n = target.races?.completions ?? 50
      await run(s.workItems.insert(f.workItem("w-race")))
      const exits = await Promise.all(
        Array.from({ length: n }, (_, i) => Effect.runPromiseExit(s.workItems.complete({ ...complete(["w-race"]), by: `m-${i}` })))
      )
      const wins = exits.filter(Exit.isSuccess)
      expect(wins).toHaveLength(1)
      for (const e of exits.filter(Exit.isFailure)) expect(String(e.cause)).toContain("Conflict")
      const stored = await run(s.workItems.get("w-race"))
      expect(stored.attempts).toHaveLength(1)
      expect(stored.attempts[0]!.by).toBe(wins[0]!.value[0]!.attempts[0]!.by)
    })

    it("race: two overlapping multi-item completions never both succeed", async () => {
      const s = stores()
      await run(s.workItems.insertMany([f.workItem("w-o1"), f.workItem("w-o2"), f.workItem("w-o3")]))
      const exits = await Promise.all([
        Effect.runPromiseExit(s.workItems.complete(complete(["w-o1", "w-o2"]))),
        Effect.runPromiseExit(s.workItems.complete(complete(["w-o3", "w-o2"])))
      ])
      expect(exits.filter(Exit.isSuccess)).toHaveLength(1)
      const states = (await run(s.workItems.getMany(["w-o1", "w-o2", "w-o3"]))).map((w) => w.state)
      expect(states.filter((x) => x === "completed")).toHaveLength(2)
    })
  })

const callSuite = (target: ConformanceTarget) =>
  describe("CallRecordStore", () => {
    const stores = useStorage(target)

    it("never hands out the same serial number twice, even concurrently", async () => {
      const s = stores()
      const serials = await Promise.all(Array.from({ length: 50 }, () => run(s.calls.nextSerial())))
      expect(new Set(serials).size).toBe(50)
    })

    it("stores, reads and lists calls of a customer oldest first", async () => {
      const s = stores()
      await run(s.calls.insert(f.callRecord("C-b", { startedAt: f.at(20) })))
      await run(s.calls.insert(f.callRecord("C-a", { startedAt: f.at(10), workItemIds: ["w-1", "w-2"] })))
      await run(s.calls.insert(f.callRecord("C-c", { customerId: "cust-2" })))
      expect(await run(s.calls.get("C-a"))).toEqual(f.callRecord("C-a", { startedAt: f.at(10), workItemIds: ["w-1", "w-2"] }))
      expect(await fail(s.calls.insert(f.callRecord("C-a")))).toBeInstanceOf(Conflict)
      expect(await fail(s.calls.get("C-zz"))).toBeInstanceOf(NotFound)
      const got = await allPages((cursor) => s.calls.listByCustomer("cust-1", { limit: 1, cursor }))
      expect(got.map((c) => c.serialNumber)).toEqual(["C-a", "C-b"])
    })

    it("keeps one record per call-center call id; an update keeps its customer and call id", async () => {
      const s = stores()
      const linked = f.callRecord("C-x1", { customerId: "cust-x", startedAt: f.at(30), disposition: null, externalCallId: "pbx-x1" })
      await run(s.calls.insert(linked))
      expect(await fail(s.calls.insert(f.callRecord("C-x2", { customerId: "cust-x", externalCallId: "pbx-x1" })))).toBeInstanceOf(Conflict)
      expect(await fail(s.calls.get("C-x2"))).toBeInstanceOf(NotFound)
      await run(s.calls.insert(f.callRecord("C-x3", { customerId: "cust-x", startedAt: f.at(20), externalCallId: "pbx-x3" })))
      expect(await run(s.calls.findByExternalCallId("pbx-x1"))).toEqual(linked)
      expect(await run(s.calls.findByExternalCallId("pbx-none"))).toBeUndefined()
      // The call center's times move the record in the customer's history.
      const completed = { ...linked, startedAt: f.at(10), disposition: "completed" as const, recordingUri: "https://pbx.example.com/rec/x1.mp3", connected: true }
      expect(await run(s.calls.update(completed))).toEqual(completed)
      expect(await run(s.calls.get("C-x1"))).toEqual(completed)
      expect(await run(s.calls.findByExternalCallId("pbx-x1"))).toEqual(completed)
      expect((await allPages((cursor) => s.calls.listByCustomer("cust-x", { limit: 1, cursor }))).map((c) => c.serialNumber)).toEqual(["C-x1", "C-x3"])
      expect(await fail(s.calls.update({ ...completed, customerId: "cust-y" }))).toBeInstanceOf(Conflict)
      expect(await fail(s.calls.update({ ...completed, externalCallId: "pbx-other" }))).toBeInstanceOf(Conflict)
      expect(await fail(s.calls.update(f.callRecord("C-missing")))).toBeInstanceOf(NotFound)
      expect(await run(s.calls.get("C-x1"))).toEqual(completed)
    })

    it("race: of many concurrent transactions linking one call, exactly one inserts the record and the others read it", async () => {
      const s = stores()
      const n = 12
      const results = await Promise.all(
        Array.from({ length: n }, () =>
          run(
            s.transactions.transaction(
              linkCallRecord("pbx-race", (serialNumber) => f.callRecord(serialNumber, { customerId: "cust-race", disposition: null, externalCallId: "pbx-race" })).pipe(
                Effect.provideService(CallRecordStore, s.calls)
              )
            )
          )
        )
      )
      expect(results.filter((r) => r.created)).toHaveLength(1)
      expect(new Set(results.map((r) => r.record.serialNumber)).size).toBe(1)
      expect((await run(s.calls.listByCustomer("cust-race"))).items).toHaveLength(1)
    })
  })

const dndSuite = (target: ConformanceTarget) =>
  describe("DndStore", () => {
    const stores = useStorage(target)

    it("blocks only the entry's channel, from its creation until removal or expiry", async () => {
      const s = stores()
      await run(s.dnd.add(f.dndEntry("d-1", { customerId: "dc-1", channel: "phone", createdAt: f.at(0) })))
      await run(s.dnd.add(f.dndEntry("d-2", { customerId: "dc-2", channel: "phone", expiresAt: f.at(60) })))
      await run(s.dnd.add(f.dndEntry("d-3", { customerId: "dc-3", channel: "sms" })))
      const blocked = async (channel: "phone" | "sms", minute: number) =>
        [...(await run(s.dnd.blocked(["dc-1", "dc-2", "dc-3", "dc-4"], channel, f.at(minute))))].sort()
      expect(await blocked("phone", 30)).toEqual(["dc-1", "dc-2"])
      expect(await blocked("phone", -1)).toEqual([])
      expect(await blocked("phone", 60)).toEqual(["dc-1"])
      expect(await blocked("sms", 30)).toEqual(["dc-3"])
      const removed = await run(s.dnd.remove("d-1", f.at(45)))
      expect(removed.removedAt).toBe(f.at(45))
      expect(await blocked("phone", 44)).toEqual(["dc-1", "dc-2"])
      expect(await blocked("phone", 45)).toEqual(["dc-2"])
      expect(await fail(s.dnd.remove("d-none", f.at(0)))).toBeInstanceOf(NotFound)
      expect(await fail(s.dnd.add(f.dndEntry("d-1")))).toBeInstanceOf(Conflict)
    })

    it("lists a customer's entries newest first, removed ones included", async () => {
      const s = stores()
      await run(s.dnd.add(f.dndEntry("d-10", { customerId: "dc-9", createdAt: f.at(1) })))
      await run(s.dnd.add(f.dndEntry("d-11", { customerId: "dc-9", createdAt: f.at(2), channel: "sms" })))
      await run(s.dnd.remove("d-10", f.at(3)))
      expect((await run(s.dnd.listByCustomer("dc-9"))).map((e) => [e.id, e.removedAt])).toEqual([
        ["d-11", null],
        ["d-10", f.at(3)]
      ])
    })

    it("lists newest first by instant, then by id, whatever the insertion order", async () => {
      const s = stores()
      // Instants across milliseconds, minutes, days and years; two share an instant (then by id).
      const created: ReadonlyArray<readonly [string, string]> = [
        ["d-o-3", "2026-11-22T06:00:00.001Z"],
        ["d-o-1", "2025-12-31T23:59:59.999Z"],
        ["d-o-6", "2026-11-22T06:00:00.000Z"],
        ["d-o-2", "2026-11-23T00:00:00.000Z"],
        ["d-o-5", "2026-11-22T06:00:00.001Z"],
        ["d-o-4", "2026-02-01T00:00:00.000Z"]
      ]
      for (const [id, at] of created) await run(s.dnd.add(f.dndEntry(id, { customerId: "dc-order", createdAt: at })))
      await run(s.dnd.add(f.dndEntry("d-o-other", { customerId: "dc-order-2", createdAt: "2027-01-01T00:00:00.000Z" })))
      const expected = [...created]
        .sort(([ia, a], [ib, b]) => Date.parse(b) - Date.parse(a) || (ia < ib ? -1 : 1))
        .map(([id]) => id)
      expect(expected).toEqual(["d-o-2", "d-o-3", "d-o-5", "d-o-6", "d-o-4", "d-o-1"])
      expect((await run(s.dnd.listByCustomer("dc-order"))).map((e) => e.id)).toEqual(expected)
    })

    it("removing an entry twice is a Conflict and keeps the first removal", async () => {
      const s = stores()
      await run(s.dnd.add(f.dndEntry("d-20", { customerId: "dc-20", createdAt: f.at(0) })))
      const first = await run(s.dnd.remove("d-20", f.at(10)))
      expect(first).toEqual({ ...f.dndEntry("d-20", { customerId: "dc-20", createdAt: f.at(0) }), removedAt: f.at(10) })
      expect(await fail(s.dnd.remove("d-20", f.at(20)))).toBeInstanceOf(Conflict)
      expect((await run(s.dnd.listByCustomer("dc-20"))).map((e) => e.removedAt)).toEqual([f.at(10)])
      expect([...(await run(s.dnd.blocked(["dc-20"], "phone", f.at(15))))]).toEqual([])
    })

    it("race: of many concurrent removals of one entry exactly one succeeds", async () => {
      const s = stores()
      const n = target.races?.completions ?? 50
      await run(s.dnd.add(f.dndEntry("d-race", { customerId: "dc-race", createdAt: f.at(0) })))
      const exits = await Promise.all(
        Array.from({ length: n }, (_, i) => Effect.runPromiseExit(s.transactions.transaction(s.dnd.remove("d-race", f.at(10 + i)))))
      )
      const wins = exits.filter(Exit.isSuccess)
      expect(wins).toHaveLength(1)
      for (const e of exits.filter(Exit.isFailure)) expect(String(e.cause)).toContain("Conflict")
      const [stored] = await run(s.dnd.listByCustomer("dc-race"))
      expect(stored!.removedAt).toBe(wins[0]!.value.removedAt)
    })
  })

const questionnaireSuite = (target: ConformanceTarget) =>
  describe("QuestionnaireStore versions", () => {
    const stores = useStorage(target)
    const version = (hash: string, minute: number) => ({
      hash,
      questionnaireId: "retention-callback",
      title: "Retention callback",
      definition: { questions: [{ id: "q1" }], hash },
      publishedAt: f.at(minute),
      publishedBy: "m-9"
    })

    it("publishing is idempotent and a stored version never changes", async () => {
      const s = stores()
      expect(await run(s.questionnaires.putVersion(version("h-00000002", 2)))).toEqual(version("h-00000002", 2))
      await run(s.questionnaires.putVersion(version("h-00000001", 1)))
      const again = await run(s.questionnaires.putVersion({ ...version("h-00000001", 5), title: "changed" }))
      expect(again).toEqual(version("h-00000001", 1))
      expect(await run(s.questionnaires.getVersion("h-00000001"))).toEqual(version("h-00000001", 1))
      expect((await run(s.questionnaires.listVersions("retention-callback"))).map((v) => v.hash)).toEqual(["h-00000001", "h-00000002"])
      expect(await fail(s.questionnaires.getVersion("h-unknown"))).toBeInstanceOf(NotFound)
    })
  })

const auditSuite = (target: ConformanceTarget) =>
  describe("AuditLogStore", () => {
    const stores = useStorage(target)
    const entry = (i: number, over: object = {}) => ({
      actorId: i % 2 === 0 ? "m-even" : "m-odd",
      at: f.at(i),
      action: "work-item.update",
      category: (i % 3 === 0 ? "dnd" : "work-item") as "dnd" | "work-item",
      recordType: "WorkItem",
      recordId: `wi-${i}`,
      customerId: `cust-${i % 4}`,
      before: { state: "open" },
      after: { state: "completed", n: i },
      note: "",
      ...over
    })

    it("appends entries with consecutive sequence numbers chained by hash", async () => {
      const s = stores()
      const appended = []
      for (let i = 1; i <= 12; i++) appended.push(await run(s.audit.append(entry(i))))
      expect(appended.map((e) => e.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1))
      for (let i = 1; i < appended.length; i++) expect(appended[i]!.prevHash).toBe(appended[i - 1]!.hash)
      expect(await run(s.audit.verify())).toEqual({ ok: true, entries: 12 })
    })

    it("queries by time range, actor, customer and category, in sequence order across pages", async () => {
      const s = stores()
      const seqs = async (filter: object) => (await allPages((cursor) => s.audit.query(filter, { limit: 2, cursor }))).map((e) => e.seq)
      expect(await seqs({ actorId: "m-even" })).toEqual([2, 4, 6, 8, 10, 12])
      expect(await seqs({ from: f.at(3), to: f.at(6) })).toEqual([3, 4, 5])
      expect(await seqs({ customerId: "cust-1" })).toEqual([1, 5, 9])
      expect(await seqs({ categories: ["dnd"] })).toEqual([3, 6, 9, 12])
      expect(await seqs({ actorIds: ["m-odd", "m-nobody"], categories: ["dnd"] })).toEqual([3, 9])
      expect(await seqs({ actorIds: [] })).toEqual([])
      const one = (await run(s.audit.query({ customerId: "cust-1" }, { limit: 1 }))).items[0]!
      expect(one).toMatchObject({ ...entry(1), seq: 1 })
    })

    it("keeps the chain consistent under concurrent appends", async () => {
      const s = stores()
      await Promise.all(Array.from({ length: 30 }, (_, i) => run(s.audit.append(entry(100 + i)))))
      expect(await run(s.audit.verify())).toEqual({ ok: true, entries: 42 })
    })
  })

const transactionSuite = (target: ConformanceTarget) =>
  describe("Transactions", () => {
    const stores = useStorage(target)
    class Boom extends Error {}

    it("commits every write of a successful transaction", async () => {
      const s = stores()
      await run(
        s.transactions.transaction(
          Effect.gen(function* () {
            yield* s.tasks.insert(f.task("tx-ok"))
            yield* s.workItems.insertMany([f.workItem("tx-ok-1", { taskId: "tx-ok" })])
            yield* s.ledger.claim(f.ledgerEntry("tx-ok-c", { taskId: "tx-ok" }))
          })
        )
      )
      expect((await run(s.tasks.get("tx-ok"))).id).toBe("tx-ok")
      expect((await run(s.workItems.get("tx-ok-1"))).taskId).toBe("tx-ok")
      expect(await run(s.ledger.get("tx-ok-c", "2026-11-22"))).toBeDefined()
    })

    it("rolls back every store's writes when the transaction fails", async () => {
      const s = stores()
      await run(s.tasks.insert(f.task("tx-existing")))
      const before = await run(s.audit.verify())
      const exit = await Effect.runPromiseExit(
        s.transactions.transaction(
          Effect.gen(function* () {
            yield* s.tasks.insert(f.task("tx-bad"))
            const t = yield* s.tasks.get("tx-existing")
            yield* s.tasks.update({ ...t, status: "closed" }, t.version)
            yield* s.workItems.insertMany([f.workItem("tx-bad-1"), f.workItem("tx-bad-2")])
            yield* s.workItems.complete({ ids: ["tx-bad-1"], customerId: "cust-1", by: "m-1", at: f.at(1), disposition: "completed", callSerial: null })
            yield* s.ledger.claim(f.ledgerEntry("tx-bad-c"))
            yield* s.dnd.add(f.dndEntry("tx-bad-d"))
            yield* s.audit.append({ actorId: "m-1", at: f.at(1), action: "x", category: "system", recordType: "Task", recordId: "tx-bad", customerId: null, before: null, after: null, note: "" })
            yield* s.customers.upsertCustomers([f.customer("tx-bad-cust")])
            return yield* Effect.fail(new Boom("injected failure before commit"))
          })
        )
      )
      expect(Exit.isFailure(exit)).toBe(true)
      expect(await fail(s.tasks.get("tx-bad"))).toBeInstanceOf(NotFound)
      expect((await run(s.tasks.get("tx-existing"))).status).toBe("draft")
      expect(await run(s.workItems.getMany(["tx-bad-1", "tx-bad-2"]))).toEqual([])
      expect(await run(s.ledger.get("tx-bad-c", "2026-11-22"))).toBeUndefined()
      expect([...(await run(s.dnd.blocked(["cust-1"], "phone", f.at(10))))]).toEqual([])
      expect(await run(s.audit.verify())).toEqual(before)
      expect(await fail(s.customers.get("tx-bad-cust"))).toBeInstanceOf(NotFound)
    })

    it("rolls back on a defect (a thrown exception), not only on typed failures", async () => {
      const s = stores()
      const exit = await Effect.runPromiseExit(
        s.transactions.transaction(
          Effect.gen(function* () {
            yield* s.offers.insert(f.offer("tx-defect"))
            yield* Effect.sync(() => {
              throw new Boom("defect")
            })
          })
        )
      )
      expect(Exit.isFailure(exit)).toBe(true)
      expect(await fail(s.offers.get("tx-defect"))).toBeInstanceOf(NotFound)
    })

    it("nested transactions join the outer one: an outer failure undoes the inner writes", async () => {
      const s = stores()
      const exit = await Effect.runPromiseExit(
        s.transactions.transaction(
          Effect.gen(function* () {
            yield* s.transactions.transaction(s.offers.insert(f.offer("tx-inner")))
            return yield* Effect.fail(new Boom("outer fails"))
          })
        )
      )
      expect(Exit.isFailure(exit)).toBe(true)
      expect(await fail(s.offers.get("tx-inner"))).toBeInstanceOf(NotFound)
    })

    it("a transaction sees its own writes", async () => {
      const s = stores()
      const seen = await run(
        s.transactions.transaction(
          Effect.gen(function* () {
            yield* s.offers.insert(f.offer("tx-own"))
            return yield* s.offers.get("tx-own")
          })
        )
      )
      expect(seen.id).toBe("tx-own")
    })

    it("concurrent transactions each commit or roll back whole", async () => {
      const s = stores()
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          Effect.runPromiseExit(
            s.transactions.transaction(
              Effect.gen(function* () {
                yield* s.offers.insert(f.offer(`tx-par-${i}-a`))
                yield* Effect.yieldNow
                yield* s.offers.insert(f.offer(`tx-par-${i}-b`))
                if (i % 2 === 1) return yield* Effect.fail(new Boom(`odd ${i}`))
              })
            )
          )
        )
      )
      expect(results.filter(Exit.isSuccess)).toHaveLength(5)
      for (let i = 0; i < 10; i++) {
        const found = await run(s.offers.getMany([`tx-par-${i}-a`, `tx-par-${i}-b`]))
        expect(found).toHaveLength(i % 2 === 0 ? 2 : 0)
      }
    })
  })
