import { Effect } from "effect"
import { beforeEach, describe, expect, it } from "vitest"
import { Execution, Forbidden, NotFound, RetryPolicy, ValidationError, defaultWorkConfig } from "@winback/core"
import { publish } from "@winback/questionnaire"
import { item, T0, task, type World, worldWith } from "./pipelineFixtures"

describe("Execution: dispositions, attempts and the retry policy", () => {
  let w: World
  beforeEach(async () => {
    w = await worldWith((w) =>
      Effect.gen(function* () {
        yield* w.stores.tasks.insert(task("t-1"))
        yield* w.stores.workItems.insertMany([
          item("wi-1", { customerId: "c-1" }),
          item("wi-2", { customerId: "c-1", taskId: "t-2" }),
          item("wi-9", { customerId: "c-4", assigneeId: "m-b1", teamId: "t-b" })
        ])
      })
    )
  })

  it("a not-reached outcome adds an attempt, keeps the item open and schedules the next attempt", async () => {
    const agent = await w.actor("m-a1")
    const r = await w.run(Effect.flatMap(Execution, (x) => x.recordCall(agent, { customerId: "c-1", itemIds: ["wi-1"], disposition: "no-answer" })))
    expect(r.items[0]).toMatchObject({ state: "in-progress", nextAttemptAt: "2026-11-25T04:00:00.000Z", completedAt: null })
    expect(r.items[0]!.attempts).toMatchObject([{ by: "m-a1", disposition: "no-answer", callSerial: r.call.serialNumber }])
    // Third attempt with the default policy (3 attempts): no further attempt, the item ends unreachable.
    await w.run(Effect.flatMap(Execution, (x) => x.recordCall(agent, { customerId: "c-1", itemIds: ["wi-1"], disposition: "phone-off" })), T0 + 3 * 3_600_000)
    const third = await w.run(Effect.flatMap(Execution, (x) => x.recordCall(agent, { customerId: "c-1", itemIds: ["wi-1"], disposition: "no-answer" })), T0 + 9 * 3_600_000)
    expect(third.retry["wi-1"]).toEqual({ nextAttemptAt: null, exhausted: true, attemptNo: 3 })
    expect(third.items[0]).toMatchObject({ state: "unreachable", nextAttemptAt: null, disposition: "no-answer", completedAt: null })
    // Three calls, three serials.
    expect(new Set(third.items[0]!.attempts.map((a) => a.callSerial)).size).toBe(3)
  })

  it("a reached outcome without an explicit completion leaves the item open; reschedule sets the time", async () => {
    const agent = await w.actor("m-a1")
    const r = await w.run(
      Effect.flatMap(Execution, (x) => x.recordCall(agent, { customerId: "c-1", itemIds: ["wi-1"], disposition: "reschedule", rescheduleAt: "2026-11-26T06:00:00Z" }))
    )
    expect(r.items[0]).toMatchObject({ state: "in-progress", nextAttemptAt: "2026-11-26T06:00:00.000Z", disposition: null })
    const done = await w.run(Effect.flatMap(Execution, (x) => x.recordCall(agent, { customerId: "c-1", itemIds: ["wi-1", "wi-2"], disposition: "completed", complete: true, recordingUri: "https://pbx.example.com/rec/1.wav" })))
    expect(done.items.map((i) => [i.state, i.disposition, i.callSerial])).toEqual([
      ["completed", "completed", done.call.serialNumber],
      ["completed", "completed", done.call.serialNumber]
    ])
    expect(done.items[0]!.attachments).toMatchObject([{ kind: "recording", uri: "https://pbx.example.com/rec/1.wav", addedBy: "m-a1" }])
    const audit = await Effect.runPromise(w.stores.audit.query({ customerId: "c-1" }, { limit: 100 }))
    expect(audit.items.filter((e) => e.action === "work-item.complete").map((e) => e.recordId).sort()).toEqual(["wi-1", "wi-2"])
    expect(audit.items.filter((e) => e.action === "call.record")).toHaveLength(2)
  })

  it("the retry policy is the operator's: delays, maximum and back-off", async () => {
    const agent = await w.actor("m-a1")
    const retry = RetryPolicy.parse({ maxAttempts: 5, delayMinutes: { "no-answer": 30 }, backoff: 2 })
    const config = { ...defaultWorkConfig, retry }
    await w.run(Effect.flatMap(Execution, (x) => x.recordCall(agent, { customerId: "c-1", itemIds: ["wi-1"], disposition: "no-answer" })), T0, config)
    const second = await w.run(Effect.flatMap(Execution, (x) => x.recordCall(agent, { customerId: "c-1", itemIds: ["wi-1"], disposition: "no-answer" })), T0 + 3_600_000, config)
    expect(second.items[0]!.nextAttemptAt).toBe(new Date(T0 + 3_600_000 + 60 * 60_000).toISOString())
    const dead = await w.run(Effect.flatMap(Execution, (x) => x.recordCall(agent, { customerId: "c-1", itemIds: ["wi-2"], disposition: "not-in-service" })), T0, config)
    expect(dead.retry["wi-2"]).toMatchObject({ nextAttemptAt: null, exhausted: true })
  })

  it("is scoped: items of another team are not found, and nothing is written", async () => {
    const agent = await w.actor("m-a1")
    const e = await w.fail(Effect.flatMap(Execution, (x) => x.recordCall(agent, { customerId: "c-4", itemIds: ["wi-9"], disposition: "completed", complete: true })))
    expect(e).toBeInstanceOf(NotFound)
    expect((await Effect.runPromise(w.stores.workItems.get("wi-9"))).state).toBe("open")
    expect((await Effect.runPromise(w.stores.calls.listByCustomer("c-4"))).items).toEqual([])
    expect(Forbidden).toBeDefined()
  })

  it("rejects a call mixing customers before writing anything", async () => {
    const agent = await w.actor("m-a1")
    await Effect.runPromise(w.stores.workItems.insertMany([item("wi-x", { customerId: "c-2" })]))
    const e = await w.fail(Effect.flatMap(Execution, (x) => x.recordCall(agent, { customerId: "c-1", itemIds: ["wi-1", "wi-x"], disposition: "completed", complete: true })))
    expect(e._tag).toBe("Conflict")
    expect((await Effect.runPromise(w.stores.workItems.getMany(["wi-1", "wi-x"]))).map((i) => i.state)).toEqual(["open", "open"])
  })

  it("saves the questionnaire response, validated against the task's published version", async () => {
    const version = publish({
      id: "retention-callback",
      title: { en: "Retention callback" },
      questions: [
        { id: "reached", type: "singleChoice", text: "Account holder?", required: true, choices: [{ id: "yes", text: "Yes" }, { id: "no", text: "No" }], jumps: [{ when: 'reached == "no"', to: "end" }] },
        { id: "reason", type: "singleChoice", text: "Why leave?", required: true, choices: [{ id: "price", text: "Price" }, { id: "network", text: "Network" }] }
      ]
    })
    await Effect.runPromise(
      Effect.gen(function* () {
        yield* w.stores.questionnaires.putVersion({ hash: version.hash, questionnaireId: version.id, title: "Retention callback", definition: JSON.parse(JSON.stringify(version.definition)), publishedAt: "2026-11-01T00:00:00.000Z", publishedBy: "m-dir" })
        yield* w.stores.tasks.update({ ...(yield* w.stores.tasks.get("t-1")), questionnaireVersion: version.hash }, 1)
      })
    )
    const agent = await w.actor("m-a1")
    const bad = await w.fail(Effect.flatMap(Execution, (x) => x.saveResponse(agent, { workItemId: "wi-1", answers: { reached: "yes", reason: "weather", mood: 3 } })))
    expect(bad).toBeInstanceOf(ValidationError)
    expect((bad as ValidationError).issues.map((i) => i.path.join(".")).sort()).toEqual(["answers.mood", "answers.reason"])
    // A draft may leave required questions open; a completed response may not.
    const draft = await w.run(Effect.flatMap(Execution, (x) => x.saveResponse(agent, { workItemId: "wi-1", answers: { reached: "yes" }, completed: false })))
    expect(draft).toMatchObject({ completed: false, versionHash: version.hash, workItemId: "wi-1" })
    const incomplete = await w.fail(Effect.flatMap(Execution, (x) => x.saveResponse(agent, { workItemId: "wi-1", answers: { reached: "yes" } })))
    expect((incomplete as ValidationError).issues.map((i) => i.code)).toEqual(["required"])
    const done = await w.run(Effect.flatMap(Execution, (x) => x.saveResponse(agent, { workItemId: "wi-1", answers: { reached: "yes", reason: "price" } })))
    expect(done).toMatchObject({ id: draft.id, completed: true, answers: { reached: "yes", reason: "price" } })
    expect((await Effect.runPromise(w.stores.workItems.get("wi-1"))).responseId).toBe(draft.id)
  })

  it("an outcome with the call center's call id completes that call's record and reuses its serial", async () => {
    const agent = await w.actor("m-a1")
    // What the call center's `ended` event left: a record of the call with no outcome yet.
    const fromEvent = {
      serialNumber: await Effect.runPromise(w.stores.calls.nextSerial()),
      customerId: "c-1",
      managerId: "m-a1",
      startedAt: "2026-11-25T01:55:00.000Z",
      endedAt: "2026-11-25T01:59:10.000Z",
      disposition: null,
      workItemIds: ["wi-1"],
      recordingUri: "https://pbx.example.com/rec/pbx-7.mp3",
      externalCallId: "pbx-7",
      connected: true
    }
    await Effect.runPromise(w.stores.calls.insert(fromEvent))
    const r = await w.run(
      Effect.flatMap(Execution, (x) => x.recordCall(agent, { customerId: "c-1", itemIds: ["wi-1", "wi-2"], disposition: "completed", complete: true, externalCallId: "pbx-7" }))
    )
    expect(r.call).toEqual({ ...fromEvent, disposition: "completed", workItemIds: ["wi-1", "wi-2"] })
    expect(r.items.map((i) => [i.callSerial, i.attachments.map((a) => a.uri)])).toEqual([
      [fromEvent.serialNumber, [fromEvent.recordingUri]],
      [fromEvent.serialNumber, [fromEvent.recordingUri]]
    ])
    expect((await Effect.runPromise(w.stores.calls.listByCustomer("c-1"))).items).toEqual([r.call])
    const audit = (await Effect.runPromise(w.stores.audit.query({ customerId: "c-1" }, { limit: 100 }))).items.filter((e) => e.recordType === "CallRecord")
    expect(audit.map((e) => [e.action, e.recordId, (e.before as { disposition?: unknown } | null)?.disposition])).toEqual([["call.update", fromEvent.serialNumber, null]])
    // The call has its outcome now: a second one for it is refused.
    await Effect.runPromise(w.stores.workItems.insertMany([item("wi-3", { customerId: "c-1" })]))
    const again = await w.fail(Effect.flatMap(Execution, (x) => x.recordCall(agent, { customerId: "c-1", itemIds: ["wi-3"], disposition: "completed", complete: true, externalCallId: "pbx-7" })))
    expect(again._tag).toBe("Conflict")
    expect((await Effect.runPromise(w.stores.workItems.get("wi-3"))).state).toBe("open")
  })

  it("a new call with the call center's call id keeps the id on its record, for the event to find", async () => {
    const agent = await w.actor("m-a1")
    const r = await w.run(Effect.flatMap(Execution, (x) => x.recordCall(agent, { customerId: "c-1", itemIds: ["wi-1"], disposition: "no-answer", externalCallId: "pbx-8" })))
    expect(r.call).toMatchObject({ externalCallId: "pbx-8", disposition: "no-answer", workItemIds: ["wi-1"] })
    expect(await Effect.runPromise(w.stores.calls.findByExternalCallId("pbx-8"))).toEqual(r.call)
    const bad = await w.fail(Effect.flatMap(Execution, (x) => x.recordCall(agent, { customerId: "c-1", itemIds: ["wi-2"], disposition: "no-answer", externalCallId: "" })))
    expect(bad).toBeInstanceOf(ValidationError)
  })

  it("dials from the customer id through the call center, only when the customer may be called now", async () => {
    await Effect.runPromise(w.stores.dnd.add({ id: "d1", customerId: "c-2", channel: "phone", reason: "x", source: "agent", createdBy: "m-a1", createdAt: "2026-11-01T00:00:00.000Z", expiresAt: null, removedAt: null }))
    const agent = await w.actor("m-a1")
    const ok = await w.run(Effect.flatMap(Execution, (x) => x.dial(agent, { customerId: "c-1" })))
    expect(ok).toEqual({ dialled: true, callId: "pbx-1", phone: "+8613800000000" })
    expect(w.calls).toEqual([{ customerId: "c-1", managerId: "m-a1", phone: "+8613800000000" }])
    const blocked = await w.run(Effect.flatMap(Execution, (x) => x.dial(agent, { customerId: "c-2" })))
    expect(blocked).toMatchObject({ dialled: false, reasons: [{ code: "dnd" }] })
    expect(w.calls).toHaveLength(1)
    expect((await w.fail(Effect.flatMap(Execution, (x) => x.dial(agent, { customerId: "c-4" }))))._tag).toBe("NotFound")
  })
})
