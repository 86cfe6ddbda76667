/**
 * Issue 14, items 1 and 2, at the service level a host meets (Execution, WorkList, Effect face):
 * a not-reached outcome never completes an item, and the retry policy — the task's own or the
 * pipeline default — decides the earliest next attempt, the maximum attempts and the terminal
 * `unreachable` state. Time is the TestClock's (T0 = 2026-11-25T02:00Z).
 */
import { Effect } from "effect"
import { beforeEach, describe, expect, it } from "vitest"
import { Conflict, Execution, RetryPolicy, TaskService, ValidationError, WorkList, defaultWorkConfig, defaultRetryPolicy, effectiveRetryPolicy, wrongNumberAction } from "@winback/core"
import { item, T0, task, type World, worldWith } from "./pipelineFixtures"

const MIN = 60_000
const HOUR = 60 * MIN

describe("a not-reached outcome never completes an item; the retry policy is enforced", () => {
  let w: World
  beforeEach(async () => {
    w = await worldWith((w) =>
      Effect.gen(function* () {
        yield* w.stores.tasks.insert(task("t-1"))
        // t-5: the task's own policy — five attempts, 30 minutes after a no-answer, retry a dead number after a day.
        yield* w.stores.tasks.insert(task("t-5", { retryPolicy: { maxAttempts: 5, delayMinutes: { "no-answer": 30, "not-in-service": 1440 } } }))
        yield* w.stores.workItems.insertMany([
          item("wi-1", { customerId: "c-1" }),
          item("wi-2", { customerId: "c-1" }),
          item("wi-5", { customerId: "c-2", taskId: "t-5" })
        ])
      })
    )
  })
  const call = (at: number, o: { customerId?: string; itemIds: Array<string>; disposition: "no-answer" | "phone-off" | "not-in-service" | "completed" | "refused"; complete?: boolean; inbound?: boolean }) =>
    w.actor("m-a1").then((agent) => w.run(Effect.flatMap(Execution, (x) => x.recordCall(agent, { customerId: "c-1", ...o })), at))
  const callFails = (at: number, o: Parameters<typeof call>[1]) =>
    w.actor("m-a1").then((agent) => w.fail(Effect.flatMap(Execution, (x) => x.recordCall(agent, { customerId: "c-1", ...o })), at))
  const stored = (id: string) => Effect.runPromise(w.stores.workItems.get(id))

  it.each(["no-answer", "phone-off", "not-in-service"] as const)("%s with complete: true is a ValidationError naming the reason, and nothing is written", async (disposition) => {
    const e = await callFails(T0, { itemIds: ["wi-1"], disposition, complete: true })
    expect(e).toBeInstanceOf(ValidationError)
    const issue = (e as ValidationError).issues[0]!
    expect(issue.path).toEqual(["complete"])
    expect(issue.message).toContain(`a not-reached outcome (${disposition}) never completes an item`)
    expect(await stored("wi-1")).toMatchObject({ state: "open", attempts: [], completedAt: null })
    expect((await Effect.runPromise(w.stores.calls.listByCustomer("c-1"))).items).toEqual([])
  })

  it("a second outbound call two minutes after a no-answer is a Conflict naming the next attempt; the customer calling in is not", async () => {
    const first = await call(T0, { itemIds: ["wi-1"], disposition: "no-answer" })
    expect(first.items[0]).toMatchObject({ state: "in-progress", nextAttemptAt: "2026-11-25T04:00:00.000Z" })
    const e = await callFails(T0 + 2 * MIN, { itemIds: ["wi-1"], disposition: "completed", complete: true })
    expect(e).toBeInstanceOf(Conflict)
    expect((e as Conflict).reason).toContain("not before 2026-11-25T04:00:00.000Z")
    expect(await stored("wi-1")).toMatchObject({ state: "in-progress", version: first.items[0]!.version })
    expect((await stored("wi-1")).attempts).toHaveLength(1)
    // The customer calls back: an inbound call may complete the waiting item at once.
    const back = await call(T0 + 2 * MIN, { itemIds: ["wi-1"], disposition: "completed", complete: true, inbound: true })
    expect(back.items[0]).toMatchObject({ state: "completed", disposition: "completed" })
  })

  it("dialling an item waiting for its next attempt is refused with the reason; after the wait it dials", async () => {
    const agent = await w.actor("m-a1")
    await call(T0, { itemIds: ["wi-1"], disposition: "phone-off" })
    const early = await w.run(Effect.flatMap(Execution, (x) => x.dial(agent, { customerId: "c-1", itemIds: ["wi-1"] })), T0 + 2 * MIN)
    expect(early).toEqual({ dialled: false, reasons: [{ code: "retry-wait", message: "item wi-1 waits for its next attempt, not before 2026-11-25T06:00:00.000Z" }] })
    const due = await w.run(Effect.flatMap(Execution, (x) => x.dial(agent, { customerId: "c-1", itemIds: ["wi-1"] })), T0 + 4 * HOUR)
    expect(due).toMatchObject({ dialled: true })
  })

  it("after the maximum attempts the item ends unreachable: not completed, never offered, refused for further calls", async () => {
    // Default policy: 3 attempts, 2 h after a no-answer, 4 h after phone off.
    await call(T0, { itemIds: ["wi-1"], disposition: "no-answer" })
    await call(T0 + 2 * HOUR, { itemIds: ["wi-1"], disposition: "phone-off" })
    const last = await call(T0 + 6 * HOUR, { itemIds: ["wi-1"], disposition: "no-answer" })
    expect(last.retry["wi-1"]).toEqual({ nextAttemptAt: null, exhausted: true, attemptNo: 3 })
    expect(await stored("wi-1")).toMatchObject({ state: "unreachable", disposition: "no-answer", nextAttemptAt: null, completedAt: null })
    const again = await callFails(T0 + 30 * HOUR, { itemIds: ["wi-1"], disposition: "no-answer" })
    expect(again).toBeInstanceOf(Conflict)
    expect((again as Conflict).reason).toBe("is unreachable")
    const agent = await w.actor("m-a1")
    const list = await w.run(Effect.flatMap(WorkList, (l) => l.byCustomer(agent, { includeWaiting: true })), T0 + 30 * HOUR)
    expect(list.items.flatMap((g) => g.items.map((o) => o.item.id))).toEqual(["wi-2", "wi-5"])
    const tasks = await w.run(Effect.flatMap(WorkList, (l) => l.byTask(agent)), T0 + 30 * HOUR)
    expect(tasks.find((t) => t.taskId === "t-1")).toMatchObject({ volume: 2, completed: 0, unreachable: 1, pending: 1 })
  })

  it("reached outcomes in between do not use up attempts: the maximum counts not-reached attempts", async () => {
    await call(T0, { itemIds: ["wi-1"], disposition: "no-answer" })
    await call(T0 + 2 * HOUR, { itemIds: ["wi-1"], disposition: "refused" })
    await call(T0 + 3 * HOUR, { itemIds: ["wi-1"], disposition: "no-answer" })
    expect(await stored("wi-1")).toMatchObject({ state: "in-progress", nextAttemptAt: "2026-11-25T07:00:00.000Z" })
    await call(T0 + 5 * HOUR, { itemIds: ["wi-1"], disposition: "no-answer" })
    expect(await stored("wi-1")).toMatchObject({ state: "unreachable" })
    expect((await stored("wi-1")).attempts).toHaveLength(4)
  })

  it("a number not in service ends the item at once under the default policy (no retry is scheduled)", async () => {
    const r = await call(T0, { itemIds: ["wi-1"], disposition: "not-in-service" })
    expect(r.retry["wi-1"]).toEqual({ nextAttemptAt: null, exhausted: true, attemptNo: 1 })
    expect(r.items[0]).toMatchObject({ state: "unreachable", disposition: "not-in-service" })
  })

  it("a number not in service feeds back to whoever keeps the contact data: one customer audit entry", async () => {
    await call(T0, { itemIds: ["wi-1", "wi-2"], disposition: "not-in-service" })
    const entries = (await Effect.runPromise(w.stores.audit.query({ customerId: "c-1", categories: ["customer"] }))).items
    expect(entries.map((e) => [e.action, e.recordType, e.recordId, e.actorId])).toEqual([[wrongNumberAction, "Customer", "c-1", "m-a1"]])
    expect(entries[0]!.after).toMatchObject({ customerId: "c-1", workItemIds: ["wi-1", "wi-2"], taskIds: ["t-1"] })
  })

  it("a number not in service that the task still retries is not yet reported as a wrong number", async () => {
    const agent = await w.actor("m-a1")
    await w.run(Effect.flatMap(Execution, (x) => x.recordCall(agent, { customerId: "c-2", itemIds: ["wi-5"], disposition: "not-in-service" })), T0)
    expect((await Effect.runPromise(w.stores.audit.query({ customerId: "c-2", categories: ["customer"] }))).items).toEqual([])
  })

  it("a reschedule is a time the customer agreed to, not a retry wait: the item waits in the work list, an earlier call is accepted", async () => {
    const agent = await w.actor("m-a1")
    const r = await w.run(Effect.flatMap(Execution, (x) => x.recordCall(agent, { customerId: "c-1", itemIds: ["wi-1"], disposition: "reschedule", rescheduleAt: "2026-11-26T02:00:00.000Z" })), T0)
    expect(r.items[0]).toMatchObject({ state: "in-progress", nextAttemptAt: "2026-11-26T02:00:00.000Z" })
    // An hour later, well before the agreed time, the agent calls again: accepted (DOMAIN §7 refuses only after a not-reached outcome).
    const early = await call(T0 + HOUR, { itemIds: ["wi-1"], disposition: "completed", complete: true })
    expect(early.items[0]).toMatchObject({ state: "completed" })
  })

  it("a task's own retry policy overrides the pipeline default: its delays, its maximum", async () => {
    const agent = await w.actor("m-a1")
    const on5 = (at: number, disposition: "no-answer" | "not-in-service") =>
      w.run(Effect.flatMap(Execution, (x) => x.recordCall(agent, { customerId: "c-2", itemIds: ["wi-5"], disposition })), at)
    expect((await on5(T0, "no-answer")).items[0]).toMatchObject({ state: "in-progress", nextAttemptAt: "2026-11-25T02:30:00.000Z" })
    // Its dead-number delay is a day, not "never".
    expect((await on5(T0 + 30 * MIN, "not-in-service")).items[0]).toMatchObject({ state: "in-progress", nextAttemptAt: "2026-11-26T02:30:00.000Z" })
    await on5(T0 + 24 * HOUR + 30 * MIN, "no-answer")
    // The fourth is still not the last (the default policy would have ended the item at the third).
    const fourth = await on5(T0 + 25 * HOUR, "no-answer")
    expect(fourth.items[0]).toMatchObject({ state: "in-progress", nextAttemptAt: "2026-11-26T03:30:00.000Z" })
    const fifth = await on5(T0 + 26 * HOUR, "no-answer")
    expect(fifth.retry["wi-5"]).toMatchObject({ exhausted: true, attemptNo: 5 })
    expect(fifth.items[0]).toMatchObject({ state: "unreachable" })
    // The pipeline default still rules the task without a policy of its own, also when the operator changes it.
    const config = { ...defaultWorkConfig, retry: RetryPolicy.parse({ maxAttempts: 1 }) }
    const one = await w.run(Effect.flatMap(Execution, (x) => x.recordCall(agent, { customerId: "c-1", itemIds: ["wi-2"], disposition: "no-answer" })), T0, config)
    expect(one.items[0]).toMatchObject({ state: "unreachable" })
  })

  it("the effective policy lays a task's fields over the default, field by field", () => {
    expect(effectiveRetryPolicy(defaultRetryPolicy, undefined)).toBe(defaultRetryPolicy)
    expect(effectiveRetryPolicy(defaultRetryPolicy, { delayMinutes: { "phone-off": 60 } })).toEqual({
      maxAttempts: 3,
      delayMinutes: { "no-answer": 120, "phone-off": 60, "not-in-service": null },
      backoff: 1
    })
  })

  it("a task with a bad retry policy is refused at the boundary", async () => {
    const admin = await w.actor("m-dir")
    const e = await w.fail(
      Effect.flatMap(TaskService, (t) =>
        t.create(admin, {
          source: "manual", name: "Callbacks", type: "care-callback", urgency: 3, channel: "phone", executionWindow: { from: "09:00", to: "20:00" },
          cycle: "once", startsOn: "2026-11-25", expiresOn: null, skipHolidays: false, questionnaireVersion: null, retryPolicy: { maxAttempts: 0 }
        })
      )
    )
    expect(e).toBeInstanceOf(ValidationError)
    expect((e as ValidationError).issues.map((i) => i.path.join("."))).toEqual(["retryPolicy.maxAttempts"])
  })
})
