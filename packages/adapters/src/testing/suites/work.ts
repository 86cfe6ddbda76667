/**
 * Conformance of the work aggregate: work items (filters, the pool, completion and its races),
 * call records, do-not-disturb entries and appointments.
 */
import { Effect, Exit } from "effect"
import { describe, expect, it } from "vitest"
import { CallRecordStore, Conflict, type DndListFilter, linkCallRecord, NotFound } from "@winback/core"
import * as f from "../fixtures"
import { type AggregateSuite, allPages, byText, type EntityCase, fail, run, useStorage } from "../harness"
import type { ConformanceTarget } from "../target"

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

    it("lists entries across customers newest first, filtered in the query (channel, source, reason, status, customer, scope), in pages", async () => {
      const s = stores()
      await run(s.customers.upsertCustomers([
        f.customer("dl-1", { name: "Li Wei", phones: ["+8613800001111"], ownerManagerId: "m-1" }),
        f.customer("dl-2", { name: "王芳", phones: ["+8613900002222"], ownerManagerId: "m-2" }),
        f.customer("dl-3", { name: "Zhang Min", phones: [], ownerManagerId: null, region: "shanghai" })
      ]))
      await run(s.dnd.add(f.dndEntry("dl-a", { customerId: "dl-1", channel: "phone", createdAt: f.at(1), reason: "Asked not to be called" })))
      await run(s.dnd.add(f.dndEntry("dl-b", { customerId: "dl-2", channel: "sms", createdAt: f.at(2), source: "complaint", expiresAt: f.at(10), reason: "complaint about SMS" })))
      await run(s.dnd.add(f.dndEntry("dl-c", { customerId: "dl-3", channel: "phone", createdAt: f.at(3), source: "regulator", reason: "regulator order" })))
      await run(s.dnd.add(f.dndEntry("dl-d", { customerId: "dl-1", channel: "email", createdAt: f.at(3), reason: "no email" })))
      await run(s.dnd.remove("dl-d", f.at(5)))
      // The storage is shared by the suite's tests: every list names these customers.
      const mine = ["dl-1", "dl-2", "dl-3"]
      const ids = async (filter: DndListFilter) => (await run(s.dnd.list({ customerIds: mine, ...filter }, { limit: 100 }))).items.map((e) => e.id)
      expect(await ids({})).toEqual(["dl-d", "dl-c", "dl-b", "dl-a"])
      expect(await ids({ channels: ["phone"] })).toEqual(["dl-c", "dl-a"])
      expect(await ids({ sources: ["complaint", "regulator"] })).toEqual(["dl-c", "dl-b"])
      expect(await ids({ reason: "ASKED" })).toEqual(["dl-a"])
      expect(await ids({ status: "active", at: f.at(20) })).toEqual(["dl-c", "dl-a"])
      expect(await ids({ status: "expired", at: f.at(20) })).toEqual(["dl-b"])
      expect(await ids({ status: "removed", at: f.at(20) })).toEqual(["dl-d"])
      expect(await ids({ status: "active", at: f.at(4) })).toEqual(["dl-d", "dl-c", "dl-b", "dl-a"])
      expect(await ids({ customer: "li WEI" })).toEqual(["dl-d", "dl-a"])
      expect(await ids({ customer: "0000222" })).toEqual(["dl-b"])
      expect(await ids({ inScope: { ownerManagerIds: ["m-2"], unownedRegions: ["shanghai"] } })).toEqual(["dl-c", "dl-b"])
      expect(await ids({ customerIds: ["dl-1"] })).toEqual(["dl-d", "dl-a"])
      const first = await run(s.dnd.list({ customerIds: mine }, { limit: 3 }))
      expect(first.items.map((e) => e.id)).toEqual(["dl-d", "dl-c", "dl-b"])
      expect((await run(s.dnd.list({ customerIds: mine }, { limit: 3, cursor: first.nextCursor }))).items.map((e) => e.id)).toEqual(["dl-a"])
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

/**
 * The work (work items, calls, DND, appointments) part of the conformance suite, composed with the others by {@link runConformanceSuite}.
 *
 * @example
 * ```ts
 * for (const c of workConformance.entities) entitySuite(target, c)
 * ```
 */
export const workConformance: AggregateSuite = {
  entities: [
    {
      name: "WorkItemStore",
      store: (s) => s.workItems,
      // Equal urgency and equal creation times across the page boundary on purpose.
      make: (i) => f.workItem(`wi-${i}`, { urgency: 1 + (i % 2), createdAt: f.at(i % 3) }),
      compare: (a, b) => a.urgency - b.urgency || byText(a.createdAt, b.createdAt) || byText(a.id, b.id),
      change: (a) => ({ ...a, state: "in-progress" })
    } satisfies EntityCase<ReturnType<typeof f.workItem>, object>,
    {
      name: "AppointmentStore",
      store: (s) => s.appointments,
      make: (i) => f.appointment(`ap-${i}`, { at: f.at(60 + (i % 3)) }),
      compare: (a, b) => byText(a.at, b.at) || byText(a.id, b.id),
      change: (a) => ({ ...a, state: "done" })
    } satisfies EntityCase<ReturnType<typeof f.appointment>, object>
  ],
  filters: (stores) => {
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
      // A range: both bounds inclusive (a day's appointments, the later ones, the earlier ones).
      expect(await ids({ dueFrom: f.at(10), dueBy: f.at(20) })).toEqual(["fa-1", "fa-2"])
      expect(await ids({ dueFrom: f.at(11) })).toEqual(["fa-2"])
      expect(await ids({ dueFrom: f.at(5), dueBy: f.at(5) })).toEqual(["fa-3"])
    })
  },
  groups: (target) => {
    workItemSuite(target)
    callSuite(target)
    dndSuite(target)
  }
}
