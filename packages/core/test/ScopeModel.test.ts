/**
 * Issue 14 items 4 and 5 at the facade level (memory adapter): holding open work grants read access
 * to its customer on every path that hands work out (manual import round-robin, pool hand-out,
 * transfer) and only while the work is open; a task's population is bounded by its author's scope;
 * leaders manage only their own tree's tasks; a region move is admin-only; imports, previews and
 * groups see only the caller's customers, and refusals name nothing out of scope.
 *
 * The organisation (pipelineFixtures): t-root (m-dir, director + admin) with squads t-a (leader
 * m-lead-a; agents m-a1, m-a2) and t-b (leader m-lead-b; agent m-b1). Customers c-1, c-2, c-6 are
 * m-a1's, c-3 is m-a2's (region chongqing), c-4 is m-b1's, c-5 is in the beijing pool.
 */
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import {
  actingAs,
  Allocation,
  CustomerGroupService,
  Extraction,
  Forbidden,
  ManualImport,
  NotFound,
  ScopedStores,
  TaskService,
  ValidationError
} from "@winback/core"
import { item, task, world, type World } from "./pipelineFixtures"

const manualTask = (id: string, authorId: string) => task(id, { source: "manual", authorId } as never)

const readable = async (w: World, managerId: string, customerId: string) => {
  const view = (await w.run(Effect.map(ScopedStores, (s) => s)))
  const actor = await w.actor(managerId)
  const v = view.forActor(actor)
  const got = await w.run(Effect.result(v.customers.get(customerId)))
  const listed = (await w.run(v.customers.list({ ids: [customerId] }))).items.map((c) => c.id)
  const many = (await w.run(v.customers.getMany([customerId]))).map((c) => c.id)
  const calls = await w.run(Effect.result(v.contacts.calls(customerId)))
  // One answer from every read: a single get, a list, getMany and the contact history agree.
  const answers = [got._tag === "Success", listed.includes(customerId), many.includes(customerId), calls._tag === "Success"]
  expect(new Set(answers).size, `${managerId} on ${customerId}: ${answers.join(", ")}`).toBe(1)
  return answers[0]!
}

describe("holding open work grants read access to its customer, while the work is open", () => {
  it("a manual import spread round-robin gives m-a2 a customer of m-a1: m-a2 reads it until the item is completed", async () => {
    const w = await world()
    await Effect.runPromise(w.stores.tasks.insert(manualTask("t-man", "m-lead-a")))
    expect(await readable(w, "m-a2", "c-1")).toBe(false)
    const lead = await w.actor("m-lead-a")
    const report = await w.run(Effect.flatMap(ManualImport, (m) => m.importCsv(lead, { taskId: "t-man", agentIds: ["m-a2"] }, "c-1\n")))
    expect(report.perAgent).toEqual({ "m-a2": 1 })
    expect(await readable(w, "m-a2", "c-1")).toBe(true)
    // The agent works it: the call is accepted, and completing it ends the access.
    const [held] = (await Effect.runPromise(w.stores.workItems.list({ customerId: "c-1", assigneeId: "m-a2" }))).items
    await w.run(Effect.flatMap(actingAs("m-a2"), (s) => s.workItems.complete({ ids: [held!.id], customerId: "c-1", disposition: "completed" })))
    expect(await readable(w, "m-a2", "c-1")).toBe(false)
    expect(await readable(w, "m-a1", "c-1")).toBe(true)
  })

  it("a pool hand-out and a transfer give read access to the receiver; a reclaim takes it back", async () => {
    const w = await world()
    await Effect.runPromise(w.stores.workItems.insertMany([item("p-1", { customerId: "c-5", assigneeId: null, teamId: "t-a" }), item("wi-c3", { customerId: "c-3", assigneeId: "m-a2", teamId: "t-a" })]))
    expect(await readable(w, "m-a1", "c-5")).toBe(false)
    const lead = await w.actor("m-lead-a")
    await w.run(Effect.flatMap(Allocation, (a) => a.workItems(lead, { ids: ["p-1"], to: "m-a1", from: null })))
    expect(await readable(w, "m-a1", "c-5")).toBe(true)
    expect(await readable(w, "m-a1", "c-3")).toBe(false)
    await w.run(Effect.flatMap(Allocation, (a) => a.workItems(lead, { ids: ["wi-c3"], to: "m-a1" })))
    expect(await readable(w, "m-a1", "c-3")).toBe(true)
    expect(await readable(w, "m-a2", "c-3")).toBe(true) // still the owner
    await w.run(Effect.flatMap(Allocation, (a) => a.workItems(lead, { ids: ["p-1"], to: null })))
    expect(await readable(w, "m-a1", "c-5")).toBe(false)
  })

  it("holding work grants working the customer (DND during work), not editing or allocating it", async () => {
    const w = await world()
    await Effect.runPromise(w.stores.workItems.insertMany([item("wi-c3", { customerId: "c-3", assigneeId: "m-a1", teamId: "t-a" })]))
    await w.run(Effect.flatMap(actingAs("m-a1"), (s) => s.contacts.addDnd({ customerId: "c-3", channel: "sms", reason: "asked during the call" })))
    const lead = await w.actor("m-lead-b")
    // m-lead-b's agent holds no work for c-3: out of scope, NotFound; a leader whose agent holds it reads it.
    expect(await w.fail(Effect.flatMap(Allocation, (a) => a.customers(lead, { ids: ["c-3"], to: "m-b1" })))).toBeInstanceOf(NotFound)
    expect(await readable(w, "m-lead-a", "c-3")).toBe(true)
  })
})

describe("a task's population is bounded by its author's scope", () => {
  const campaign = (w: World, authorId: string) =>
    Effect.runPromise(
      Effect.gen(function* () {
        yield* w.stores.customerGroups.insert({ id: "g-all", name: "Everyone", kind: "import", ruleInstanceId: null, memberIds: ["c-1", "c-2", "c-3", "c-4", "c-5"], validFrom: "2026-11-01", validUntil: "2026-11-30", createdBy: "m-dir", createdAt: "2026-11-01T00:00:00.000Z", version: 1 })
        yield* w.stores.tasks.insert(task("t-camp", { source: "campaign", customerGroupId: "g-all", authorId } as never))
      })
    )
  const extracted = async (authorId: string) => {
    const w = await world()
    await campaign(w, authorId)
    const dir = await w.actor("m-dir")
    const report = await w.run(Effect.flatMap(Extraction, (e) => e.run(dir, { asOf: "2026-11-25", taskIds: ["t-camp"], assignment: { "t-camp": { kind: "unassigned" } } })))
    const items = (await Effect.runPromise(w.stores.workItems.list({ taskId: "t-camp" }))).items.map((i) => i.customerId).sort()
    return { report: report.tasks[0]!, items }
  }

  it("a leader's task reaches their team's customers and pool only; the root director's reaches everyone", async () => {
    const byLeader = await extracted("m-lead-b")
    expect(byLeader.items).toEqual(["c-4", "c-5"])
    expect(byLeader.report.excluded.scope).toBe(3)
    expect((await extracted("m-dir")).items).toEqual(["c-1", "c-2", "c-3", "c-4", "c-5"])
  })

  it("a task whose author is no longer active reaches nobody, and says so", async () => {
    const w = await world()
    await campaign(w, "m-lead-b")
    const gone = await Effect.runPromise(w.stores.managers.get("m-lead-b"))
    await Effect.runPromise(w.stores.managers.update({ ...gone, active: false }, gone.version))
    const dir = await w.actor("m-dir")
    const report = await w.run(Effect.flatMap(Extraction, (e) => e.plan(dir, { asOf: "2026-11-25", taskIds: ["t-camp"] })))
    expect(report.report.tasks[0]).toMatchObject({ handedOut: 0, excluded: { scope: 5 } })
    expect(report.report.tasks[0]!.warnings.join(" ")).toContain("not active")
  })
})

describe("task management follows the author's team tree", () => {
  it("a leader pauses, resumes and closes their own tree's tasks, not another squad's", async () => {
    const w = await world()
    await Effect.runPromise(w.stores.tasks.insert(manualTask("t-a", "m-lead-a")))
    const mine = await w.actor("m-lead-a")
    const other = await w.actor("m-lead-b")
    const refused = await w.fail(Effect.flatMap(TaskService, (t) => t.pause(other, "t-a")))
    expect(refused).toBeInstanceOf(Forbidden)
    expect((refused as Forbidden).reason).not.toContain("m-lead-a")
    expect((await Effect.runPromise(w.stores.tasks.get("t-a"))).status).toBe("active")
    expect((await w.run(Effect.flatMap(TaskService, (t) => t.pause(mine, "t-a")))).status).toBe("paused")
    expect(await w.fail(Effect.flatMap(TaskService, (t) => t.resume(other, "t-a")))).toBeInstanceOf(Forbidden)
    // The director above both squads manages it too.
    const dir = await w.actor("m-dir")
    expect((await w.run(Effect.flatMap(TaskService, (t) => t.resume(dir, "t-a")))).status).toBe("active")
    expect((await w.run(Effect.flatMap(TaskService, (t) => t.close(dir, "t-a")))).status).toBe("closed")
  })

  it("a leader edits and submits only their own tree's drafts", async () => {
    const w = await world()
    await Effect.runPromise(w.stores.tasks.insert(task("t-draft", { source: "manual", status: "draft", authorId: "m-lead-a" } as never)))
    const other = await w.actor("m-lead-b")
    expect(await w.fail(Effect.flatMap(TaskService, (t) => t.update(other, "t-draft", { urgency: 1 }, 1)))).toBeInstanceOf(Forbidden)
    expect(await w.fail(Effect.flatMap(TaskService, (t) => t.submit(other, "t-draft")))).toBeInstanceOf(Forbidden)
    const mine = await w.actor("m-lead-a")
    expect((await w.run(Effect.flatMap(TaskService, (t) => t.submit(mine, "t-draft")))).status).toBe("pending-approval")
  })
})

describe("region moves, imports, groups and previews stay in scope", () => {
  it("a leader edits master data but cannot move a customer to another region (customer.move-region is admin-only)", async () => {
    const w = await world()
    const refused = await w.fail(Effect.flatMap(actingAs("m-lead-a"), (s) => s.customers.update("c-1", { region: "shanghai" }, 1)))
    expect(refused).toBeInstanceOf(Forbidden)
    expect((refused as Forbidden).action).toBe("customer.move-region")
    expect((await Effect.runPromise(w.stores.customers.get("c-1"))).region).toBe("beijing")
    expect((await w.run(Effect.flatMap(actingAs("m-lead-a"), (s) => s.customers.update("c-1", { tier: "gold", region: "beijing" }, 1)))).tier).toBe("gold")
  })

  it("a leader's import refuses another team's customer per line exactly as an unknown one, writing nothing", async () => {
    const w = await world()
    await Effect.runPromise(w.stores.tasks.insert(manualTask("t-man", "m-lead-a")))
    const lead = await w.actor("m-lead-a")
    const e = await w.fail(Effect.flatMap(ManualImport, (m) => m.importCsv(lead, { taskId: "t-man", agentIds: ["m-a1"] }, "c-1\nc-4\nc-nobody\n")))
    expect(e).toBeInstanceOf(ValidationError)
    const issues = (e as ValidationError).issues
    expect(issues.map((i) => [i.path, i.code, i.message])).toEqual([
      [["line", 2], "unknown-customer", "line 2: customer c-4 is unknown or outside your scope"],
      [["line", 3], "unknown-customer", "line 3: customer c-nobody is unknown or outside your scope"]
    ])
    expect(JSON.stringify(issues)).not.toContain("m-b1")
    expect((await Effect.runPromise(w.stores.workItems.list({ taskId: "t-man" }))).items).toEqual([])
  })

  it("a group of ids and its members see only the caller's customers; DND on an out-of-scope customer is not counted", async () => {
    const w = await world()
    await Effect.runPromise(w.stores.dnd.add({ id: "d-4", customerId: "c-4", channel: "sms", reason: "asked", source: "customer-request", createdBy: "m-b1", createdAt: "2026-11-20T00:00:00.000Z", expiresAt: null, removedAt: null }))
    const leadA = await w.actor("m-lead-a")
    const refused = await w.fail(Effect.flatMap(CustomerGroupService, (g) => g.create(leadA, { name: "x", validFrom: "2026-11-01", validUntil: "2026-11-30", customerIds: ["c-1", "c-4"] })))
    expect((refused as ValidationError).issues).toEqual([{ path: ["customerIds", 1], code: "unknown-customer", message: "customer c-4 is unknown or outside your scope" }])
    await Effect.runPromise(w.stores.customerGroups.insert({ id: "g-mixed", name: "Mixed", kind: "import", ruleInstanceId: null, memberIds: ["c-1", "c-4"], validFrom: "2026-11-01", validUntil: "2026-11-30", createdBy: "m-dir", createdAt: "2026-11-01T00:00:00.000Z", version: 1 }))
    const seen = await w.run(Effect.flatMap(CustomerGroupService, (g) => g.members(leadA, "g-mixed", { asOf: "2026-11-25", channel: "sms" })))
    expect(seen).toMatchObject({ customerIds: ["c-1"], filteredDnd: 0 })
    const leadB = await w.actor("m-lead-b")
    expect(await w.run(Effect.flatMap(CustomerGroupService, (g) => g.members(leadB, "g-mixed", { asOf: "2026-11-25", channel: "sms" })))).toMatchObject({ customerIds: [], filteredDnd: 1 })
  })
})
