import { Effect } from "effect"
import { beforeEach, describe, expect, it } from "vitest"
import { Conflict, defaultWorkConfig, Forbidden, RuleService, TaskService, type NewTask } from "@winback/core"
import { fixedCalendar } from "@winback/rules"
import { item, T0, task, world, type World } from "./pipelineFixtures"

const alertInput = (ruleIds: Array<string>, over: Partial<NewTask> = {}): NewTask =>
  ({
    source: "alert",
    ruleInstanceIds: ruleIds,
    name: "Birthday calls",
    type: "care-callback",
    urgency: 3,
    channel: "phone",
    region: "beijing",
    executionWindow: { from: "09:00", to: "20:00" },
    cycle: "daily",
    startsOn: "2026-11-01",
    expiresOn: null,
    skipHolidays: false,
    questionnaireVersion: null,
    ...over
  }) as NewTask

describe("TaskService: maker-checker approval", () => {
  let w: World
  beforeEach(async () => {
    w = await world()
  })

  it("a draft goes live only when an approver who is not its author accepts it", async () => {
    const dir = await w.actor("m-dir")
    const appr = await w.actor("m-appr")
    const agent = await w.actor("m-a1")
    const rule = await w.run(Effect.flatMap(RuleService, (r) => r.create(dir, { ruleId: "bday", name: "Birthday", templateId: "birthday" })))
    const draft = await w.run(Effect.flatMap(TaskService, (t) => t.create(dir, alertInput([rule.id]))))
    expect(draft.status).toBe("draft")
    expect(draft.authorId).toBe("m-dir")
    await w.run(Effect.flatMap(TaskService, (t) => t.submit(dir, draft.id)))

    // The approver reads pending tasks but the rule under it is still a draft.
    const notYet = await w.fail(Effect.flatMap(TaskService, (t) => t.approve(appr, draft.id)))
    expect(notYet).toBeInstanceOf(Conflict)
    // Rules are maker-checker too: the author cannot approve their own rule.
    await w.run(Effect.flatMap(RuleService, (r) => r.submit(dir, rule.id)))
    expect(await w.fail(Effect.flatMap(RuleService, (r) => r.approve(dir, rule.id)))).toBeInstanceOf(Forbidden)
    await w.run(Effect.flatMap(RuleService, (r) => r.approve(appr, rule.id)))

    expect(await w.fail(Effect.flatMap(TaskService, (t) => t.approve(agent, draft.id)))).toBeInstanceOf(Forbidden)
    const live = await w.run(Effect.flatMap(TaskService, (t) => t.approve(appr, draft.id, "preview looked right")))
    expect(live.status).toBe("active")
    expect(live.approvals).toMatchObject([{ by: "m-appr", decision: "approved", comment: "preview looked right" }])
    // Approvers act only on pending tasks: a live one is out of their reach.
    expect(await w.fail(Effect.flatMap(TaskService, (t) => t.reject(appr, draft.id, "too late")))).toBeInstanceOf(Forbidden)
    const audit = await Effect.runPromise(w.stores.audit.query({ categories: ["task", "rule"] }, { limit: 100 }))
    expect(audit.items.map((e) => `${e.actorId} ${e.action}`)).toEqual([
      "m-dir rule.create",
      "m-dir task.create",
      "m-dir task.submit",
      "m-dir rule.submit",
      "m-appr rule.approve",
      "m-appr task.approve"
    ])
  })

  it("the author cannot approve their own task, even holding the approver role", async () => {
    await Effect.runPromise(w.stores.managers.update({ ...(await Effect.runPromise(w.stores.managers.get("m-appr"))), roles: ["approver", "director"] }, 1))
    const maker = await w.actor("m-appr")
    const t = await w.run(Effect.flatMap(TaskService, (s) => s.create(maker, { ...alertInput(["x@1"]), source: "manual", ruleInstanceIds: undefined } as unknown as NewTask)))
    await w.run(Effect.flatMap(TaskService, (s) => s.submit(maker, t.id)))
    const e = await w.fail(Effect.flatMap(TaskService, (s) => s.approve(maker, t.id)))
    expect(e).toBeInstanceOf(Forbidden)
    expect((e as Forbidden).reason).toContain("maker-checker")
  })

  it("rejection sends the task back with the reason; only drafts and rejected tasks are editable", async () => {
    const dir = await w.actor("m-dir")
    const appr = await w.actor("m-appr")
    const t = await w.run(Effect.flatMap(TaskService, (s) => s.create(dir, { ...alertInput([]), source: "manual" } as unknown as NewTask)))
    await w.run(Effect.flatMap(TaskService, (s) => s.submit(dir, t.id)))
    const rejected = await w.run(Effect.flatMap(TaskService, (s) => s.reject(appr, t.id, "urgency too high")))
    expect(rejected.status).toBe("rejected")
    expect(rejected.approvals.at(-1)).toMatchObject({ decision: "rejected", comment: "urgency too high" })
    const edited = await w.run(Effect.flatMap(TaskService, (s) => s.update(dir, t.id, { urgency: 5 }, rejected.version)))
    expect(edited).toMatchObject({ status: "draft", urgency: 5 })
    expect(await w.fail(Effect.flatMap(TaskService, (s) => s.update(dir, t.id, { status: "active" }, edited.version)))).toBeInstanceOf(Forbidden)
  })
})

describe("TaskService.preview: the dry run an approver sees", () => {
  it("counts candidates, exclusions by reason and the load per agent, and writes nothing", async () => {
    const w = await world()
    const dir = await w.actor("m-dir")
    const appr = await w.actor("m-appr")
    const rule = await w.run(Effect.flatMap(RuleService, (r) => r.create(dir, { ruleId: "bday", name: "Birthday", templateId: "birthday" })))
    await Effect.runPromise(
      Effect.gen(function* () {
        // A more urgent live campaign takes c-1 in the same period.
        yield* w.stores.customerGroups.insert({ id: "g-1", name: "VIP", kind: "import", ruleInstanceId: null, memberIds: ["c-1"], validFrom: "2026-11-01", validUntil: "2026-11-30", createdBy: "m-dir", createdAt: "2026-11-01T00:00:00.000Z", version: 1 })
        yield* w.stores.tasks.insert(task("t-vip", { source: "campaign", customerGroupId: "g-1", urgency: 1 } as never))
        // c-2 refuses calls; c-4 was handed out last week (30-day cool-down).
        yield* w.stores.dnd.add({ id: "d-1", customerId: "c-2", channel: "phone", reason: "asked", source: "customer-request", createdBy: "m-a1", createdAt: "2026-11-20T00:00:00.000Z", expiresAt: null, removedAt: null })
        yield* w.stores.ledger.claim({ customerId: "c-4", period: "2026-11-18", taskId: "t-old", urgency: 2, runId: "r-0", handedOutAt: "2026-11-18T00:00:00.000Z", cooldownUntil: "2026-12-18T00:00:00.000Z" })
        // m-a1 already holds one open item: least-loaded gives the new customer to m-a2.
        yield* w.stores.workItems.insertMany([item("wi-old", { taskId: "t-old", customerId: "c-6" })])
      })
    )
    const draft = await w.run(Effect.flatMap(TaskService, (s) => s.create(dir, alertInput([rule.id]))))
    await w.run(Effect.flatMap(TaskService, (s) => s.submit(dir, draft.id)))
    const p = await w.run(Effect.flatMap(TaskService, (s) => s.preview(appr, draft.id, { asOf: "2026-11-25", assignment: { kind: "least-loaded", agentIds: ["m-a1", "m-a2"] } })))
    expect(p.result).toMatchObject({
      due: true,
      candidates: 5,
      handedOut: 1,
      excluded: { scope: 1, dnd: 1, dedupPeriod: 1, dedupCooldown: 1, alreadyExtracted: 0, calendar: 0 },
      loadPerAgent: { "m-a2": 1 }
    })
    // The approver reads no customers: the figures are the task's, the sample names nobody.
    expect(p.sample).toEqual([])
    const byAuthor = await w.run(Effect.flatMap(TaskService, (s) => s.preview(dir, draft.id, { asOf: "2026-11-25", assignment: { kind: "least-loaded", agentIds: ["m-a1", "m-a2"] } })))
    expect(byAuthor.result).toEqual(p.result)
    expect(byAuthor.sample).toEqual(["c-5"])
    // Nothing written: no ledger entries, no items for the period.
    expect((await Effect.runPromise(w.stores.ledger.listByPeriod("2026-11-25"))).items).toEqual([])
    expect((await Effect.runPromise(w.stores.workItems.list({}))).items.map((i) => i.id)).toEqual(["wi-old"])
    expect(T0).toBeGreaterThan(0)
  })

  it("a task not due on the day excludes every candidate for the calendar", async () => {
    const w = await world()
    const dir = await w.actor("m-dir")
    const rule = await w.run(Effect.flatMap(RuleService, (r) => r.create(dir, { ruleId: "bday", name: "Birthday", templateId: "birthday" })))
    // Weekly on Mondays (2026-11-02 is a Monday); 2026-11-25 is a Wednesday.
    const draft = await w.run(Effect.flatMap(TaskService, (s) => s.create(dir, alertInput([rule.id], { cycle: "weekly", startsOn: "2026-11-02", region: null }))))
    const p = await w.run(Effect.flatMap(TaskService, (s) => s.preview(dir, draft.id, { asOf: "2026-11-25" })))
    expect(p.result).toMatchObject({ due: false, candidates: 5, handedOut: 0, excluded: { calendar: 5 } })
  })

  it("a task that skips holidays is not due on a public holiday of the configured calendar", async () => {
    const w = await world()
    const dir = await w.actor("m-dir")
    const rule = await w.run(Effect.flatMap(RuleService, (r) => r.create(dir, { ruleId: "bday", name: "Birthday", templateId: "birthday" })))
    const draft = await w.run(Effect.flatMap(TaskService, (s) => s.create(dir, alertInput([rule.id], { skipHolidays: true, region: null }))))
    const holiday = { ...defaultWorkConfig, calendar: fixedCalendar({ holidays: ["2026-11-25"] }) }
    const off = await w.run(Effect.flatMap(TaskService, (s) => s.preview(dir, draft.id, { asOf: "2026-11-25" })), T0, holiday)
    expect(off.result).toMatchObject({ due: false, handedOut: 0, excluded: { calendar: 5 } })
    const on = await w.run(Effect.flatMap(TaskService, (s) => s.preview(dir, draft.id, { asOf: "2026-11-25" })), T0, { ...defaultWorkConfig, calendar: fixedCalendar() })
    expect(on.result).toMatchObject({ due: true, handedOut: 5 })
  })
})

describe("TaskService: the end of a task", () => {
  it("closing cancels the open items; expiry expires tasks past their date and their open items", async () => {
    const w = await world()
    const dir = await w.actor("m-dir")
    await Effect.runPromise(
      Effect.gen(function* () {
        yield* w.stores.tasks.insert(task("t-close"))
        yield* w.stores.tasks.insert(task("t-old", { expiresOn: "2026-11-20" }))
        yield* w.stores.tasks.insert(task("t-live", { expiresOn: "2026-12-31" }))
        yield* w.stores.workItems.insertMany([
          item("wi-1", { taskId: "t-close" }),
          item("wi-2", { taskId: "t-close", state: "completed" }),
          item("wi-3", { taskId: "t-old", state: "in-progress" }),
          item("wi-4", { taskId: "t-live" })
        ])
      })
    )
    await w.run(Effect.flatMap(TaskService, (s) => s.close(dir, "t-close")))
    const expired = await w.run(Effect.flatMap(TaskService, (s) => s.expireDue(dir, "2026-11-25")))
    expect(expired).toEqual([{ taskId: "t-old", items: 1 }])
    const states = (await Effect.runPromise(w.stores.workItems.getMany(["wi-1", "wi-2", "wi-3", "wi-4"]))).map((i) => i.state)
    expect(states).toEqual(["cancelled", "completed", "expired", "open"])
    expect((await Effect.runPromise(w.stores.tasks.getMany(["t-close", "t-old", "t-live"]))).map((t) => t.status)).toEqual(["closed", "expired", "active"])
  })
})
