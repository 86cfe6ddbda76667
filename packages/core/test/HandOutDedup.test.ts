/**
 * Dedup on every entry path (DOMAIN §5, issue 14 item 3): extraction, manual imports, campaign
 * round robin, pool hand-outs and transfers all keep one customer's open work in one task per
 * period and with one agent. Through the services the Promise facade binds, over the memory adapter
 * with a test clock; the adapters' pipeline suite repeats the import rules on PGlite and PostgreSQL.
 */
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { Allocation, Conflict, Extraction, Forbidden, ManualImport, type ManualImportRequest, type Task, type WorkItem } from "@winback/core"
import { fixtures } from "../../adapters/src/testing/index"
import { item, T0, task, world, type World, worldWith } from "./pipelineFixtures"

const DAY = 86_400_000

const importAs = (w: World, who: string, request: ManualImportRequest, csv: string, ms = T0) =>
  w.actor(who).then((a) => w.run(Effect.flatMap(ManualImport, (m) => m.importCsv(a, request, csv)), ms))

const openItems = async (w: World): Promise<ReadonlyArray<WorkItem>> =>
  (await Effect.runPromise(w.stores.workItems.list({ states: ["open", "in-progress"] }, { limit: 1000 }))).items

const manualTasks = (w: World, ...ids: Array<string>) =>
  Effect.runPromise(Effect.forEach(ids, (id) => w.stores.tasks.insert(task(id, { source: "manual", urgency: 5, cooldownDays: 30 } as Partial<Task>))))

/** A campaign task over a customer group (the group is valid all of November and December). */
const campaign = (w: World, id: string, members: ReadonlyArray<string>, urgency = 2) =>
  Effect.runPromise(
    Effect.gen(function* () {
      yield* w.stores.customerGroups.insert(fixtures.customerGroup(`g-${id}`, { memberIds: [...members], validFrom: "2026-11-01", validUntil: "2026-12-31" }))
      yield* w.stores.tasks.insert(task(id, { source: "campaign", customerGroupId: `g-${id}`, urgency, cooldownDays: 30 } as Partial<Task>))
    })
  )

const extract = async (w: World, request: Parameters<Extraction["Service"]["run"]>[1], ms = T0) => {
  const dir = await w.actor("m-dir")
  return w.run(Effect.flatMap(Extraction, (x) => x.run(dir, request)), ms)
}

describe("manual imports go through the hand-out ledger", () => {
  it("a customer extracted in this period is skipped with the constraint, the rest of the file imports", async () => {
    const w = await world()
    await manualTasks(w, "t-man")
    await campaign(w, "t-camp", ["c-1"])
    await extract(w, { asOf: "2026-11-25", taskIds: ["t-camp"] })
    const r = await importAs(w, "m-lead-a", { taskId: "t-man" }, "c-1,m-a1\nc-2,m-a1\n")
    expect(r.period).toBe("2026-11-25")
    expect(r.items).toBe(1)
    expect(r.skipped).toEqual([{ line: 1, customerId: "c-1", reason: "dedup-period", message: "line 1: customer c-1 was already handed out in period 2026-11-25" }])
    expect(r.overridden).toEqual([])
    const open = await openItems(w)
    expect(open.filter((x) => x.customerId === "c-1").map((x) => x.taskId)).toEqual(["t-camp"])
    expect(open.filter((x) => x.customerId === "c-2").map((x) => x.taskId)).toEqual(["t-man"])
    // The imported customer is in the ledger now: an extraction of the period leaves them out.
    const entries = (await Effect.runPromise(w.stores.ledger.listByPeriod("2026-11-25"))).items
    expect(entries.map((e) => `${e.customerId}:${e.taskId}`)).toEqual(["c-1:t-camp", "c-2:t-man"])
  })

  it("a customer imported into one task is not imported into a second task in the same period, nor within the cool-down", async () => {
    const w = await world()
    await manualTasks(w, "t-m1", "t-m2")
    await importAs(w, "m-lead-a", { taskId: "t-m1" }, "c-1,m-a1\n")
    const same = await importAs(w, "m-lead-a", { taskId: "t-m2" }, "c-1,m-a1\n", T0 + 3_600_000)
    expect(same.items).toBe(0)
    expect(same.skipped.map((s) => s.reason)).toEqual(["dedup-period"])
    const nextWeek = await importAs(w, "m-lead-a", { taskId: "t-m2" }, "c-1,m-a1\n", T0 + 7 * DAY)
    expect(nextWeek.skipped.map((s) => s.reason)).toEqual(["dedup-cooldown"])
    expect(nextWeek.skipped[0]!.message).toBe("line 1: customer c-1 was handed out earlier and the cool-down is still running")
    // After the cool-down a second task may add an item: same agent, work merged per customer.
    const later = await importAs(w, "m-lead-a", { taskId: "t-m2" }, "c-1,m-a1\n", T0 + 31 * DAY)
    expect(later.items).toBe(1)
    expect((await openItems(w)).map((x) => `${x.taskId}:${x.assigneeId}`).sort()).toEqual(["t-m1:m-a1", "t-m2:m-a1"])
  })

  it("after the cool-down a task does not get a second open item for a customer whose first is still open", async () => {
    const w = await world()
    await manualTasks(w, "t-m1")
    await importAs(w, "m-lead-a", { taskId: "t-m1" }, "c-1,m-a1\n")
    const r = await importAs(w, "m-lead-a", { taskId: "t-m1" }, "c-1,m-a1\n", T0 + 40 * DAY)
    expect(r.skipped.map((s) => s.reason)).toEqual(["open-in-task"])
    expect((await openItems(w)).filter((x) => x.taskId === "t-m1")).toHaveLength(1)
  })

  it("a customer holding open work with one agent is never imported for another; a line without an agent goes to the holder", async () => {
    const w = await world()
    await manualTasks(w, "t-m1", "t-m2")
    await importAs(w, "m-lead-a", { taskId: "t-m1" }, "c-1,m-a1\n")
    const override = { reason: "customer asked to be called by m-a2" }
    const r = await importAs(w, "m-lead-a", { taskId: "t-m2", agentIds: ["m-a2"], override }, "c-1,m-a2\n", T0 + 31 * DAY)
    expect(r.skipped).toEqual([{ line: 1, customerId: "c-1", reason: "open-with-another-agent", message: "line 1: customer c-1 holds open work with another agent" }])
    const routed = await importAs(w, "m-lead-a", { taskId: "t-m2", agentIds: ["m-a2"] }, "c-1\nc-2\n", T0 + 31 * DAY)
    expect(routed.perAgent).toEqual({ "m-a1": 1, "m-a2": 1 })
    const open = await openItems(w)
    expect(new Set(open.filter((x) => x.customerId === "c-1").map((x) => x.assigneeId))).toEqual(new Set(["m-a1"]))
  })

  it("a leader's override imports already handed-out customers anyway, audited per line with the reason", async () => {
    const w = await world()
    await manualTasks(w, "t-m1", "t-m2")
    await importAs(w, "m-lead-a", { taskId: "t-m1" }, "c-1,m-a1\nc-2,m-a1\n")
    const reason = "complaint escalated: second call today"
    const r = await importAs(w, "m-lead-a", { taskId: "t-m2", override: { reason } }, "c-1,m-a1\nc-6,m-a1\n", T0 + 60_000)
    expect(r.items).toBe(2)
    expect(r.skipped).toEqual([])
    expect(r.overridden.map((o) => `${o.line}:${o.customerId}:${o.reason}`)).toEqual(["1:c-1:dedup-period"])
    const audit = (await Effect.runPromise(w.stores.audit.query({}, { limit: 100 }))).items
    const overrides = audit.filter((e) => e.action === "task.import-override")
    expect(overrides.map((e) => [e.actorId, e.customerId, e.note, (e.after as { constraint: string }).constraint])).toEqual([["m-lead-a", "c-1", reason, "dedup-period"]])
    const imports = audit.filter((e) => e.action === "task.import")
    expect(imports.at(-1)!.note).toBe(reason)
    // Agents may not import at all, so not override either; the override needs its own permission.
    const agent = await w.actor("m-a1")
    const refused = await w.fail(Effect.flatMap(ManualImport, (m) => m.importCsv(agent, { taskId: "t-m2", override: { reason } }, "c-2,m-a1\n")))
    expect(refused).toBeInstanceOf(Forbidden)
  })

  it("a dry run reports the lines it would skip and writes nothing", async () => {
    const w = await world()
    await manualTasks(w, "t-m1", "t-m2")
    await importAs(w, "m-lead-a", { taskId: "t-m1" }, "c-1,m-a1\n")
    const r = await importAs(w, "m-lead-a", { taskId: "t-m2", dryRun: true }, "c-1,m-a1\nc-2,m-a1\n")
    expect([r.items, r.skipped.map((s) => s.customerId)]).toEqual([1, ["c-1"]])
    expect((await openItems(w)).map((x) => x.customerId)).toEqual(["c-1"])
    expect((await Effect.runPromise(w.stores.ledger.listByPeriod("2026-11-25"))).items.map((e) => e.customerId)).toEqual(["c-1"])
  })
})

describe("extraction and allocation keep one customer's open work with one agent", () => {
  it("after the cool-down, a task skips customers whose item in it is still open, and round robin gives the holder's customers to the holder", async () => {
    const w = await world()
    await campaign(w, "t-camp", ["c-1", "c-2"], 2)
    await campaign(w, "t-rr", ["c-1", "c-2", "c-6"], 3)
    const first = await extract(w, { asOf: "2026-11-25", taskIds: ["t-camp"] })
    expect(first.created).toBe(2)
    // c-2's item is done; c-1's is still open with m-a1.
    const c2 = (await openItems(w)).find((x) => x.customerId === "c-2")!
    await Effect.runPromise(w.stores.workItems.complete({ ids: [c2.id], customerId: "c-2", by: "m-a1", at: "2026-11-26T00:00:00.000Z", disposition: "completed", callSerial: null }))
    const later = await extract(w, { asOf: "2026-12-28", taskIds: ["t-camp"] }, T0 + 33 * DAY)
    const camp = later.tasks.find((t) => t.taskId === "t-camp")!
    expect([camp.handedOut, camp.excluded.stillOpen]).toEqual([1, 1])
    // Round robin over m-a2 only: c-1 still holds open work with m-a1, so the new item goes to m-a1.
    const rr = await extract(w, { asOf: "2026-12-29", period: "2026-12-29", taskIds: ["t-rr"], assignment: { "t-rr": { kind: "round-robin", agentIds: ["m-a2"] } } }, T0 + 34 * DAY)
    expect(rr.tasks[0]!.excluded.dedupCooldown).toBe(1) // c-2, handed out again the day before
    const open = await openItems(w)
    const holders = new Map<string, Set<string | null>>()
    for (const x of open) holders.set(x.customerId, (holders.get(x.customerId) ?? new Set()).add(x.assigneeId))
    expect(open.filter((x) => x.taskId === "t-rr").map((x) => `${x.customerId}:${x.assigneeId}`).sort()).toEqual(["c-1:m-a1", "c-6:m-a2"])
    for (const [, s] of holders) expect(s.size).toBe(1)
  })

  it("a pool hand-out or transfer that would split a customer's open work over two agents is refused; moving all of it is fine", async () => {
    const w = await worldWith((w) =>
      w.stores.workItems.insertMany([
        item("wi-held", { taskId: "t-1", customerId: "c-1", assigneeId: "m-a1" }),
        item("wi-pool", { taskId: "t-2", customerId: "c-1", assigneeId: null }),
        item("wi-other", { taskId: "t-2", customerId: "c-2", assigneeId: null })
      ])
    )
    const leader = await w.actor("m-lead-a")
    const alloc = (ids: Array<string>, to: string | null, from?: string | null) =>
      Effect.flatMap(Allocation, (a) => a.workItems(leader, { ids, to, ...(from === undefined ? {} : { from }) }))
    const refused = await w.fail(alloc(["wi-pool"], "m-a2", null))
    expect(refused).toBeInstanceOf(Conflict)
    expect((refused as Conflict).reason).toContain("holds open work with another agent")
    // To the holder, or everything at once, or back to the pool: allowed.
    await w.run(alloc(["wi-pool"], "m-a1", null))
    const moved = await w.run(alloc(["wi-held", "wi-pool"], "m-a2"))
    expect(moved.changed.map((x) => x.assigneeId)).toEqual(["m-a2", "m-a2"])
    await w.run(alloc(["wi-held"], null))
    expect((await w.fail(alloc(["wi-held"], "m-a1"))) instanceof Conflict).toBe(true)
    await w.run(alloc(["wi-other"], "m-a1", null))
  })
})
