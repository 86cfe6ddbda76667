import { Effect } from "effect"
import { beforeEach, describe, expect, it } from "vitest"
import { Allocation, type CustomerWork, NewDndEntry, type Page, ScopedStores, WorkList } from "@winback/core"
import { item, task, type World, worldWith } from "./pipelineFixtures"

describe("WorkList: the agent's work", () => {
  let w: World
  beforeEach(async () => {
    w = await worldWith((w) =>
      Effect.gen(function* () {
        yield* w.stores.tasks.insert(task("t-risk", { name: "High-risk mobile", urgency: 1 }))
        yield* w.stores.tasks.insert(task("t-install", { name: "New fixed-line install", urgency: 4 }))
        yield* w.stores.tasks.insert(task("t-sms", { name: "Greetings", urgency: 6, channel: "sms" }))
        yield* w.stores.workItems.insertMany([
          // c-1 is both a high-risk alert and a new-install callback: one customer, two items.
          item("wi-1", { taskId: "t-risk", customerId: "c-1", urgency: 1, createdAt: "2026-11-25T00:00:01.000Z" }),
          item("wi-2", { taskId: "t-install", customerId: "c-1", urgency: 4, createdAt: "2026-11-25T00:00:02.000Z" }),
          item("wi-3", { taskId: "t-install", customerId: "c-2", urgency: 4, createdAt: "2026-11-25T00:00:03.000Z" }),
          item("wi-4", { taskId: "t-install", customerId: "c-3", urgency: 4, assigneeId: "m-a2", createdAt: "2026-11-25T00:00:04.000Z" }),
          item("wi-5", { taskId: "t-sms", customerId: "c-2", urgency: 6, channel: "sms", createdAt: "2026-11-25T00:00:05.000Z" }),
          item("wi-6", { taskId: "t-install", customerId: "c-6", urgency: 4, state: "in-progress", nextAttemptAt: "2026-11-25T04:00:00.000Z", createdAt: "2026-11-25T00:00:06.000Z" }),
          item("wi-7", { taskId: "t-risk", customerId: "c-6", urgency: 1, state: "completed", createdAt: "2026-11-25T00:00:07.000Z" }),
          item("wi-8", { taskId: "t-risk", customerId: "c-4", urgency: 1, assigneeId: "m-b1", teamId: "t-b", createdAt: "2026-11-25T00:00:08.000Z" }),
          item("wi-10", { taskId: "t-risk", customerId: "c-3", urgency: 1, state: "unreachable", disposition: "no-answer", createdAt: "2026-11-25T00:00:10.000Z" })
        ])
      })
    )
  })

  it("by task: volume, completed, unreachable apart, pending and follow-up, most urgent first", async () => {
    const agent = await w.actor("m-a1")
    const rows = await w.run(Effect.flatMap(WorkList, (l) => l.byTask(agent)))
    expect(rows.map((r) => [r.taskId, r.volume, r.completed, r.unreachable, r.pending, r.followUp])).toEqual([
      ["t-risk", 3, 1, 1, 1, 0],
      ["t-install", 3, 0, 0, 3, 1],
      ["t-sms", 1, 0, 0, 1, 0]
    ])
  })

  it("by customer: each customer once, with all open items across tasks, whatever task they came from", async () => {
    const agent = await w.actor("m-a1")
    const seen: Array<[string, Array<string>]> = []
    let cursor: string | null = null
    do {
      const page: Page<CustomerWork> = await w.run(Effect.flatMap(WorkList, (l) => l.byCustomer(agent, {}, { limit: 2, cursor })))
      for (const g of page.items) seen.push([g.customerId, g.items.map((o) => o.item.id)])
      cursor = page.nextCursor
    } while (cursor)
    // c-6's only open item waits for its next attempt (04:00): not offered before then.
    expect(seen).toEqual([
      ["c-1", ["wi-1", "wi-2"]],
      ["c-2", ["wi-3", "wi-5"]]
    ])
    // Entering from the install task shows the same merged customer.
    const fromInstall = await w.run(Effect.flatMap(WorkList, (l) => l.byCustomer(agent, { taskId: "t-install" })))
    expect(fromInstall.items[0]!.items.map((o) => o.item.id)).toEqual(["wi-1", "wi-2"])
  })

  it("items waiting for their next attempt are left out until their time, or listed not ready on request", async () => {
    const agent = await w.actor("m-a1")
    const ids = (p: Page<CustomerWork>) => p.items.map((g) => [g.customerId, g.items.map((o) => [o.item.id, o.ready])])
    const waiting = await w.run(Effect.flatMap(WorkList, (l) => l.byCustomer(agent, { includeWaiting: true })))
    expect(ids(waiting)).toEqual([
      ["c-1", [["wi-1", true], ["wi-2", true]]],
      ["c-2", [["wi-3", true], ["wi-5", true]]],
      ["c-6", [["wi-6", false]]]
    ])
    // At 04:00 the next attempt is due: c-6 is offered again, ready.
    const due = await w.run(Effect.flatMap(WorkList, (l) => l.byCustomer(agent)), Date.parse("2026-11-25T04:00:00.000Z"))
    expect(ids(due).map(([c]) => c)).toEqual(["c-1", "c-2", "c-6"])
    expect(ids(due)[2]).toEqual(["c-6", [["wi-6", true]]])
    const c6 = await w.run(Effect.flatMap(WorkList, (l) => l.customer(agent, "c-6")))
    expect(c6.items).toEqual([expect.objectContaining({ ready: false, notBefore: "2026-11-25T04:00:00.000Z" })])
  })

  it("a DND added during work withholds that channel's open items at once", async () => {
    const agent = await w.actor("m-a1")
    const view = await w.run(Effect.map(ScopedStores, (s) => s.forActor(agent)))
    await w.run(view.contacts.addDnd(NewDndEntry.parse({ customerId: "c-2", channel: "sms", reason: "no more texts" })))
    const c2 = await w.run(Effect.flatMap(WorkList, (l) => l.customer(agent, "c-2")))
    expect(c2.items.map((o) => o.item.id)).toEqual(["wi-3"])
    expect(c2.withheld).toBe(1)
  })

  it("is scoped: an agent never sees another team's items; a leader sees the team's", async () => {
    const agent = await w.actor("m-a1")
    const other = await w.fail(Effect.flatMap(WorkList, (l) => l.byTask(agent, { assigneeId: "m-b1" })))
    expect(other._tag).toBe("Forbidden")
    const c4 = await w.run(Effect.flatMap(WorkList, (l) => l.customer(agent, "c-4")))
    expect(c4.items).toEqual([])
    const leader = await w.actor("m-lead-a")
    const team = await w.run(Effect.flatMap(WorkList, (l) => l.byCustomer(leader, { assigneeId: "m-a2" })))
    expect(team.items.map((g) => g.customerId)).toEqual(["c-3"])
  })
})

describe("WorkList.pool: the team's unassigned work a leader hands out", () => {
  let w: World
  beforeEach(async () => {
    w = await worldWith((w) =>
      w.stores.workItems.insertMany([
        item("p-1", { customerId: "c-1", assigneeId: null, urgency: 2, createdAt: "2026-11-25T00:00:01.000Z" }),
        item("p-2", { customerId: "c-2", assigneeId: null, urgency: 1, createdAt: "2026-11-25T00:00:02.000Z" }),
        item("p-3", { customerId: "c-3", assigneeId: null, state: "in-progress", urgency: 2, createdAt: "2026-11-25T00:00:03.000Z" }),
        item("p-4", { customerId: "c-3", assigneeId: null, state: "completed" }),
        item("p-5", { customerId: "c-4", assigneeId: null, teamId: "t-b" }),
        item("p-6", { customerId: "c-1", assigneeId: "m-a1" })
      ])
    )
  })
  const poolIds = async (actorId: string, query?: { teamId?: string }) => {
    const actor = await w.actor(actorId)
    const ids: Array<string> = []
    let cursor: string | null = null
    do {
      const page: Page<{ id: string }> = await w.run(Effect.flatMap(WorkList, (l) => l.pool(actor, query, { limit: 2, cursor })))
      ids.push(...page.items.map((i) => i.id))
      cursor = page.nextCursor
    } while (cursor)
    return ids
  }

  it("a leader sees the open unassigned items of their team, most urgent first, across pages", async () => {
    expect(await poolIds("m-lead-a", { teamId: "t-a" })).toEqual(["p-2", "p-1", "p-3"])
    expect(await poolIds("m-lead-a")).toEqual(["p-2", "p-1", "p-3"])
    expect(await poolIds("m-lead-b")).toEqual(["p-5"])
  })

  it("a director sees the pools of the subtree; an agent has no pool", async () => {
    expect(await poolIds("m-dir")).toEqual(["p-2", "p-1", "p-3", "p-5"])
    expect(await poolIds("m-dir", { teamId: "t-b" })).toEqual(["p-5"])
    expect(await poolIds("m-a1")).toEqual([])
  })

  it("naming a team outside the scope is Forbidden; a bad query is a ValidationError", async () => {
    const leader = await w.actor("m-lead-a")
    expect((await w.fail(Effect.flatMap(WorkList, (l) => l.pool(leader, { teamId: "t-b" }))))._tag).toBe("Forbidden")
    const agent = await w.actor("m-a1")
    expect((await w.fail(Effect.flatMap(WorkList, (l) => l.pool(agent, { teamId: "t-a" }))))._tag).toBe("Forbidden")
    expect((await w.fail(Effect.flatMap(WorkList, (l) => l.pool(leader, { teamId: "" }))))._tag).toBe("ValidationError")
    expect((await w.fail(Effect.flatMap(WorkList, (l) => l.pool(leader, { team: "t-a" } as never))))._tag).toBe("ValidationError")
  })

  it("allocation hands pool items to an agent in scope, audited as assign; they leave the pool", async () => {
    const leader = await w.actor("m-lead-a")
    const r = await w.run(Effect.flatMap(Allocation, (a) => a.workItems(leader, { ids: ["p-2", "p-3"], to: "m-a2" })))
    expect(r.changed.map((i) => [i.id, i.assigneeId, i.teamId])).toEqual([
      ["p-2", "m-a2", "t-a"],
      ["p-3", "m-a2", "t-a"]
    ])
    expect(await poolIds("m-lead-a")).toEqual(["p-1"])
    const audit = (await Effect.runPromise(w.stores.audit.query({}))).items.filter((e) => e.recordType === "WorkItem")
    expect(audit.map((e) => [e.action, e.recordId, e.actorId, (e.before as { assigneeId: unknown }).assigneeId])).toEqual([
      ["work-item.assign", "p-2", "m-lead-a", null],
      ["work-item.assign", "p-3", "m-lead-a", null]
    ])
    // The agent now has them in their work list.
    const agent = await w.actor("m-a2")
    const mine = await w.run(Effect.flatMap(WorkList, (l) => l.byCustomer(agent)))
    expect(mine.items.flatMap((g) => g.items.map((o) => o.item.id))).toEqual(expect.arrayContaining(["p-2", "p-3"]))
  })

  it("refuses to hand pool items to an agent of another team (Forbidden) or items the caller cannot read (NotFound), changing nothing", async () => {
    const leader = await w.actor("m-lead-a")
    expect((await w.fail(Effect.flatMap(Allocation, (a) => a.workItems(leader, { ids: ["p-1"], to: "m-b1" }))))._tag).toBe("Forbidden")
    expect((await w.fail(Effect.flatMap(Allocation, (a) => a.workItems(leader, { ids: ["p-1", "p-5"], to: "m-a1" }))))._tag).toBe("NotFound") // p-5: another team's pool, unreadable
    const agent = await w.actor("m-a1")
    expect((await w.fail(Effect.flatMap(Allocation, (a) => a.workItems(agent, { ids: ["p-1"], to: "m-a1" }))))._tag).toBe("NotFound") // agents never read the pool
    expect(await poolIds("m-lead-a")).toEqual(["p-2", "p-1", "p-3"])
    expect((await Effect.runPromise(w.stores.audit.query({}))).items.filter((e) => e.recordType === "WorkItem")).toEqual([])
  })
})
