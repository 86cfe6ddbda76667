import { Effect, Layer, ManagedRuntime } from "effect"
import { TestClock } from "effect/testing"
import fc from "fast-check"
import { beforeEach, describe, expect, it } from "vitest"
import {
  addMonths,
  classifyOutcome,
  defaultObservationConfig,
  directoriesFromStores,
  Execution,
  Forbidden,
  LineStatus,
  ObservationService,
  ObservationSettings,
  useCaseLayer,
  defaultPolicy,
  scopeLayer,
  statusAtEnd,
  StorageError,
  type Stores,
  storesLayer,
  memoryCandidateSource
} from "@winback/core"
import { item, recorders, T0, task, type World, worldWith } from "./pipelineFixtures"

describe("observation windows and outcomes (pure)", () => {
  it("adds calendar months, clamped to the month's end", () => {
    expect(addMonths("2026-11-25", 1)).toBe("2026-12-25")
    expect(addMonths("2026-11-25", 3)).toBe("2027-02-25")
    expect(addMonths("2026-11-30", 3)).toBe("2027-02-28")
    expect(addMonths("2027-11-30", 3)).toBe("2028-02-29")
    expect(addMonths("2026-01-31", -2)).toBe("2025-11-30")
  })

  it("classifies every pair of start and end statuses (DOMAIN §8)", () => {
    fc.assert(
      fc.property(fc.constantFrom(...LineStatus.options), fc.constantFrom(...LineStatus.options), (start, end) => {
        const o = classifyOutcome(start, end)
        if (start === "active") expect(o).toBe(end === "active" ? "stayed" : "churned")
        else expect(o).toBe(end === "active" ? "returned" : "still-inactive")
      })
    )
  })

  it("reads the status at the window's end back from later status changes", () => {
    const ev = (at: string, from: string, to: string) => ({ customerId: "c-1", type: "status-changed", at, data: { from, to } })
    // Cancelled after the window: it was still active at the end.
    expect(statusAtEnd("cancelled", [ev("2027-03-02T02:00:00.000Z", "active", "cancelled")], "2027-02-25")).toBe("active")
    // Changed on the last day of the window: counts inside.
    expect(statusAtEnd("cancelled", [ev("2027-02-25T02:00:00.000Z", "active", "cancelled")], "2027-02-25")).toBe("cancelled")
    // Two later changes: the first one tells.
    expect(statusAtEnd("active", [ev("2027-04-01T02:00:00.000Z", "suspended", "active"), ev("2027-03-01T02:00:00.000Z", "pre-cancel", "suspended")], "2027-02-25")).toBe("pre-cancel")
    // No events: the directory's status holds; other event types are ignored.
    expect(statusAtEnd("suspended", [{ customerId: "c-1", type: "complaint-resolved", at: "2027-03-01T00:00:00.000Z", data: { from: "active" } }], "2027-02-25")).toBe("suspended")
  })
})

describe("ObservationService over the pipeline", () => {
  let w: World
  beforeEach(async () => {
    w = await worldWith((w) =>
      Effect.gen(function* () {
        yield* w.stores.tasks.insert(task("t-1"))
        const c2 = yield* w.stores.customers.get("c-2")
        yield* w.stores.customers.upsertCustomers([{ ...c2, tier: "regular", lineStatus: "suspended" }])
        yield* w.stores.customers.upsertUsageMonths([
          { customerId: "c-1", month: "2026-10", billAmount: 95.5, dataMb: 1, callMinutes: 1, competitorCallSeconds: 0, forwardedDays: 0, silentDays: 0, billDate: "2026-11-01", dueDate: "2026-11-20", paidDate: null },
          { customerId: "c-1", month: "2027-01", billAmount: 120, dataMb: 1, callMinutes: 1, competitorCallSeconds: 0, forwardedDays: 0, silentDays: 0, billDate: "2027-02-01", dueDate: "2027-02-20", paidDate: null }
        ])
        yield* w.stores.workItems.insertMany([
          item("wi-1", { customerId: "c-1" }),
          item("wi-2", { customerId: "c-2" }),
          item("wi-3", { customerId: "c-1", taskId: "t-1" }),
          item("wi-4", { customerId: "c-2", taskId: "t-1" })
        ])
      })
    )
  })

  it("a worked completion opens one observation per item with the window of the customer's tier", async () => {
    const agent = await w.actor("m-a1")
    await w.run(Effect.flatMap(Execution, (x) => x.recordCall(agent, { customerId: "c-1", itemIds: ["wi-1"], disposition: "completed", complete: true })))
    await w.run(Effect.flatMap(Execution, (x) => x.recordCall(agent, { customerId: "c-2", itemIds: ["wi-2"], disposition: "refused", complete: true })))
    const a = await Effect.runPromise(w.stores.observations.get("ob-wi-1"))
    expect(a).toMatchObject({ customerId: "c-1", managerId: "m-a1", teamId: "t-a", startedOn: "2026-11-25", endsOn: "2027-02-25", statusAtStart: "active", billBefore: 95.5, tier: "gold", disposition: "completed", offerIds: [], offerCost: 0, outcome: null })
    const b = await Effect.runPromise(w.stores.observations.get("ob-wi-2"))
    expect(b).toMatchObject({ endsOn: "2026-12-25", statusAtStart: "suspended", billBefore: null, disposition: "refused" })
    const audit = await Effect.runPromise(w.stores.audit.query({ categories: ["observation"] }))
    expect(audit.items.map((e) => `${e.action} ${e.recordId}`)).toEqual(["observation.open ob-wi-1", "observation.open ob-wi-2"])
  })

  it("outcomes that are not work, and calls that do not complete, open nothing; the windows are configurable", async () => {
    const agent = await w.actor("m-a1")
    await w.run(Effect.flatMap(Execution, (x) => x.recordCall(agent, { customerId: "c-1", itemIds: ["wi-1"], disposition: "completed" })))
    await w.run(Effect.flatMap(Execution, (x) => x.recordCall(agent, { customerId: "c-2", itemIds: ["wi-2"], disposition: "not-account-holder", complete: true })))
    expect((await Effect.runPromise(w.stores.observations.list({}))).items).toEqual([])
    await w.run(
      Effect.flatMap(Execution, (x) => x.recordCall(agent, { customerId: "c-1", itemIds: ["wi-1", "wi-3"], disposition: "completed", complete: true })).pipe(
        Effect.provideService(ObservationSettings, { ...defaultObservationConfig, windowMonthsByTier: { gold: 6 } })
      )
    )
    const obs = (await Effect.runPromise(w.stores.observations.list({}))).items
    expect(obs.map((o) => [o.id, o.endsOn])).toEqual([["ob-wi-1", "2027-05-25"], ["ob-wi-3", "2027-05-25"]])
  })

  it("a failing observation store rolls the whole completion back", async () => {
    const broken: Stores = {
      ...w.stores,
      observations: { ...w.stores.observations, insert: () => Effect.fail(new StorageError({ reason: "Unavailable", operation: "Observation.insert" })) }
    }
    const runtime = ManagedRuntime.make(
      useCaseLayer.pipe(
        Layer.provideMerge(scopeLayer(defaultPolicy)),
        Layer.provideMerge(Layer.mergeAll(memoryCandidateSource(), recorders().layer, directoriesFromStores)),
        Layer.provideMerge(storesLayer(broken))
      )
    )
    const agent = await w.actor("m-a1")
    const error = await runtime.runPromise(
      Effect.flip(Effect.flatMap(Execution, (x) => x.recordCall(agent, { customerId: "c-1", itemIds: ["wi-1"], disposition: "completed", complete: true }))).pipe(
        Effect.provide(TestClock.layer())
      )
    )
    await runtime.dispose()
    expect(error).toBeInstanceOf(StorageError)
    const wi = await Effect.runPromise(w.stores.workItems.get("wi-1"))
    expect(wi.state).toBe("open")
    expect((await Effect.runPromise(w.stores.audit.query({}))).items.filter((e) => e.action === "call.record")).toEqual([])
  })

  it("evaluates due windows once, from the directory and usage history, and only for evaluators", async () => {
    const agent = await w.actor("m-a1")
    await w.run(Effect.flatMap(Execution, (x) => x.recordCall(agent, { customerId: "c-1", itemIds: ["wi-1"], disposition: "completed", complete: true })))
    await w.run(Effect.flatMap(Execution, (x) => x.recordCall(agent, { customerId: "c-2", itemIds: ["wi-2"], disposition: "completed", complete: true })))
    // c-2 comes back (suspended → active) in December; c-1 stays active.
    const c2 = await Effect.runPromise(w.stores.customers.get("c-2"))
    await Effect.runPromise(w.stores.customers.upsertCustomers([{ ...c2, lineStatus: "active" }]))
    const director = await w.actor("m-dir")
    const evaluate = (asOf: string) => w.run(Effect.flatMap(ObservationService, (s) => s.evaluateDue(director, { asOf })), T0 + 120 * 86_400_000)
    // On 2027-01-01 only c-2's one-month window has ended.
    expect(await evaluate("2027-01-01")).toEqual({ asOf: "2027-01-01", evaluated: 1, stayed: 0, churned: 0, returned: 1, stillInactive: 0 })
    expect(await evaluate("2027-03-01")).toEqual({ asOf: "2027-03-01", evaluated: 1, stayed: 1, churned: 0, returned: 0, stillInactive: 0 })
    expect((await evaluate("2027-03-01")).evaluated).toBe(0)
    const a = await Effect.runPromise(w.stores.observations.get("ob-wi-1"))
    expect(a).toMatchObject({ outcome: "stayed", statusAtEnd: "active", billAfter: 120 })
    expect(await w.fail(Effect.flatMap(ObservationService, (s) => s.evaluateDue(agent, { asOf: "2027-03-01" })))).toBeInstanceOf(Forbidden)
    const audit = await Effect.runPromise(w.stores.audit.query({ categories: ["observation"] }))
    expect(audit.items.map((e) => e.action)).toEqual(["observation.open", "observation.open", "observation.returned", "observation.stayed"])
  })
})
