/**
 * One call, one serial: the call center's `ended` event and the agent's recorded outcome
 * (`recordCall` with the `callId` click-to-call answered as `externalCallId`) meet in one call
 * record, whichever comes first and when they race. Runs on memory, PGlite and (when set)
 * PostgreSQL; the call center is faked with msw; the reports read the same data.
 */
import { PGlite } from "@electric-sql/pglite"
import { Effect, Exit, Layer, ManagedRuntime } from "effect"
import { TestClock } from "effect/testing"
import { http, HttpResponse } from "msw"
import { setupServer } from "msw/node"
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest"
import {
  Actors,
  type CallOutcome,
  type CallRecord,
  directoriesFromStores,
  Execution,
  memoryCandidateSource,
  newWorkItem,
  Notifier,
  useCaseLayer,
  defaultPolicy,
  ReportQueries,
  ReportService,
  scopeLayer,
  SmsGateway,
  type Stores,
  storesLayer
} from "@winback/core"
import { callEventHandler, HttpDialer, IntegrationState, signPayload } from "../src/http/index"
import { MemoryDb } from "../src/memory/MemoryDb"
import { memoryReportQueries } from "../src/memory/MemoryReportQueries"
import { makeMemoryStores } from "../src/memory/MemoryStorage"
import { PgliteStorage, PostgresStorage } from "../src/pg/PgStorage"
import { sqlReportQueries } from "../src/reports/SqlReportQueries"
import { DAYTIME, seedWorld } from "./http-support"
import { freshSchemaName, postgresUrl } from "./support"

const PBX = "https://pbx.callcenter.test/api/click-to-call"
const SECRET = "pbx_event_secret_0123456789"
const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: "error" }))
afterAll(() => server.close())

let dialled = 0
const pbxUp = () => http.post(PBX, () => HttpResponse.json({ callId: `pbx-${++dialled}` }))

interface Opened {
  readonly stores: Stores
  readonly state: Layer.Layer<IntegrationState>
  readonly reports: ReportQueries["Service"]
  readonly close: () => Promise<void>
}

const adapters = (): ReadonlyArray<{ readonly name: string; readonly open: () => Promise<Opened> }> => {
  let lite: PGlite | undefined
  const list = [
    {
      name: "memory",
      open: async (): Promise<Opened> => {
        const db = new MemoryDb()
        return { stores: makeMemoryStores(db), state: IntegrationState.memory(db), reports: memoryReportQueries(db), close: async () => {} }
      }
    },
    {
      name: "pglite",
      open: async (): Promise<Opened> => {
        lite ??= new PGlite()
        const s = await PgliteStorage.open({ client: lite, schema: freshSchemaName("link") })
        return { stores: s.stores, state: IntegrationState.pg(s.driver), reports: sqlReportQueries(s), close: s.close }
      }
    }
  ]
  const url = postgresUrl
  if (url) {
    list.push({
      name: "postgres",
      open: async (): Promise<Opened> => {
        const schema = freshSchemaName("linkpg")
        const s = await PostgresStorage.open({ url, schema })
        return {
          stores: s.stores,
          state: IntegrationState.pg(s.driver),
          reports: sqlReportQueries(s),
          close: async () => {
            await s.run((db) => db.execute(`DROP SCHEMA "${schema}" CASCADE` as never)).catch(() => undefined)
            await s.close()
          }
        }
      }
    })
  }
  return list
}

const runtimeOf = (opened: Opened) =>
  ManagedRuntime.make(
    Layer.merge(useCaseLayer, ReportService.layer).pipe(
      Layer.provideMerge(scopeLayer(defaultPolicy)),
      Layer.provideMerge(
        Layer.mergeAll(
          memoryCandidateSource(),
          directoriesFromStores,
          opened.state,
          Layer.succeed(ReportQueries, opened.reports),
          Layer.succeed(Notifier, Notifier.of({ notify: () => Effect.void })),
          Layer.succeed(SmsGateway, SmsGateway.of({ send: () => Effect.die("no SMS gateway in this test") })),
          HttpDialer.layer({ url: PBX, authorization: "Bearer pbx-token", retry: { baseDelayMs: 0, maxDelayMs: 0 } })
        )
      ),
      Layer.provideMerge(storesLayer(opened.stores))
    )
  )
type Runtime = ReturnType<typeof runtimeOf>
type Services = Runtime extends ManagedRuntime.ManagedRuntime<infer R, infer _E> ? R : never

const T = Math.floor(DAYTIME / 1000)
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
const recording = (callId: string) => `https://pbx.callcenter.test/rec/${callId}.mp3`
const signed = (event: unknown) => {
  const body = JSON.stringify(event)
  return { headers: { "content-type": "application/json", "x-callcenter-signature": signPayload(SECRET, body, T) }, body }
}
const ended = (eventId: string, callId: string, itemIds: Array<string>, customerId = "c-1") => ({
  eventId,
  callId,
  type: "ended",
  at: new Date(DAYTIME).toISOString(),
  durationSeconds: 250,
  recordingUrl: recording(callId),
  userData: { customerId, managerId: "m-agent", itemIds }
})

describe.each(adapters())("one call, one record on $name", ({ open }) => {
  let opened: Opened
  let runtime: Runtime
  const onEvent = callEventHandler({ secret: SECRET })

  const at = <A, E>(ms: number, effect: Effect.Effect<A, E, Services>): Promise<A> =>
    runtime.runPromise(
      Effect.gen(function* () {
        yield* TestClock.setTime(ms)
        return yield* effect
      }).pipe(Effect.provide(TestClock.layer()))
    )
  const asAgent = <A, E>(f: (x: Execution["Service"], agent: import("@winback/core").Actor) => Effect.Effect<A, E>) =>
    Effect.flatMap(Effect.flatMap(Actors, (a) => a.resolve("m-agent")), (agent) => Effect.flatMap(Execution, (x) => f(x, agent)))
  const handle = (event: unknown) => at(DAYTIME, onEvent(signed(event)))
  const dial = async (itemIds: Array<string>): Promise<string> => {
    const r = await at(DAYTIME - 300_000, asAgent((x, a) => x.dial(a, { customerId: "c-1", itemIds })))
    if (!r.dialled) throw new Error("not dialled")
    return r.callId
  }
  // The agent records the outcome a little after hanging up (the event may come before or after).
  const record = (outcome: CallOutcome) => at(DAYTIME + 20_000, asAgent((x, a) => x.recordCall(a, outcome)))
  const recordExit = (outcome: CallOutcome) => runtime.runPromiseExit(asAgent((x, a) => x.recordCall(a, outcome)))
  const callsOf = async (customerId: string) => (await Effect.runPromise(opened.stores.calls.listByCustomer(customerId, { limit: 100 }))).items
  const items = (ids: Array<string>) => Effect.runPromise(opened.stores.workItems.getMany(ids))
  const callAudit = async () =>
    (await Effect.runPromise(opened.stores.audit.query({}, { limit: 500 }))).items.filter((e) => e.recordType === "CallRecord")
  const recordings = (w: { attachments: ReadonlyArray<{ kind: string; uri: string }> }) => w.attachments.filter((a) => a.kind === "recording").map((a) => a.uri)

  beforeEach(async () => {
    server.use(pbxUp())
    opened = await open()
    await seedWorld(opened.stores)
    runtime = runtimeOf(opened)
  }, 60_000)
  afterEach(async () => {
    server.resetHandlers()
    await runtime?.dispose()
    await opened?.close()
  })

  it("event first, then the agent's outcome: the outcome completes the event's record and reuses its serial", async () => {
    const callId = await dial(["wi-1", "wi-2"])
    const ev = await handle(ended("ev-1", callId, ["wi-1", "wi-2"]))
    expect(ev.status).toBe(201)
    const serial = (ev.body as { serialNumber: string }).serialNumber

    const r = await record({ customerId: "c-1", itemIds: ["wi-1", "wi-2"], disposition: "completed", complete: true, externalCallId: callId })
    expect(r.call.serialNumber).toBe(serial)
    expect(await callsOf("c-1")).toEqual([
      {
        serialNumber: serial,
        customerId: "c-1",
        managerId: "m-agent",
        startedAt: new Date(DAYTIME - 250_000).toISOString(),
        endedAt: new Date(DAYTIME).toISOString(),
        disposition: "completed",
        workItemIds: ["wi-1", "wi-2"],
        recordingUri: recording(callId),
        externalCallId: callId,
        connected: true
      } satisfies CallRecord
    ])
    const after = await items(["wi-1", "wi-2"])
    expect(after.map((w) => [w.state, w.disposition, w.callSerial])).toEqual([
      ["completed", "completed", serial],
      ["completed", "completed", serial]
    ])
    // The event attached the recording; the outcome did not attach it a second time.
    expect(after.map(recordings)).toEqual([[recording(callId)], [recording(callId)]])
    const audit = await callAudit()
    expect(audit.map((e) => [e.action, e.recordId])).toEqual([
      ["call.record", serial],
      ["call.update", serial]
    ])
    expect(audit[1]).toMatchObject({ actorId: "m-agent", before: { disposition: null }, after: { disposition: "completed", serialNumber: serial } })
  })

  it("outcome first, then the event: the event enriches the record (times, recording, answered) instead of creating one", async () => {
    const callId = await dial(["wi-1"])
    const r = await record({ customerId: "c-1", itemIds: ["wi-1"], disposition: "refused", complete: true, externalCallId: callId })
    expect(r.call).toMatchObject({ externalCallId: callId, disposition: "refused", recordingUri: null })
    expect(r.call.connected).toBeUndefined()

    const ev = await handle(ended("ev-2", callId, ["wi-1"]))
    expect(ev).toEqual({ status: 200, body: { serialNumber: r.call.serialNumber, itemIds: ["wi-1"], skippedItemIds: [], linked: true } })
    const calls = await callsOf("c-1")
    expect(calls).toEqual([
      {
        ...r.call,
        startedAt: new Date(DAYTIME - 250_000).toISOString(),
        endedAt: new Date(DAYTIME).toISOString(),
        recordingUri: recording(callId),
        connected: true
      }
    ])
    const [w] = await items(["wi-1"])
    expect([w!.state, w!.disposition, w!.callSerial]).toEqual(["completed", "refused", r.call.serialNumber])
    expect(recordings(w!)).toEqual([recording(callId)])

    // Re-delivered: nothing new. Another `ended` of the same call: the same record, no second recording.
    expect(await handle(ended("ev-2", callId, ["wi-1"]))).toEqual({ status: 200, body: { duplicate: true } })
    expect(await handle(ended("ev-2b", callId, ["wi-1"]))).toMatchObject({ status: 200, body: { serialNumber: r.call.serialNumber, linked: true } })
    expect(await callsOf("c-1")).toHaveLength(1)
    expect(recordings((await items(["wi-1"]))[0]!)).toEqual([recording(callId)])
    const audit = await callAudit()
    expect(audit.map((e) => e.action)).toEqual(["call.record", "call.update", "call.update"])
    expect(audit[1]).toMatchObject({ before: { recordingUri: null, disposition: "refused" }, after: { recordingUri: recording(callId), disposition: "refused" } })
  })

  it("a not-reached outcome linked to the call keeps the item open with the call's serial on its attempt", async () => {
    const callId = await dial(["wi-1"])
    const ev = await handle({ ...ended("ev-3", callId, ["wi-1"]), durationSeconds: 0, recordingUrl: null })
    const serial = (ev.body as { serialNumber: string }).serialNumber
    const r = await record({ customerId: "c-1", itemIds: ["wi-1"], disposition: "no-answer", externalCallId: callId })
    expect(r.call).toMatchObject({ serialNumber: serial, disposition: "no-answer", connected: false, recordingUri: null })
    expect(r.items[0]).toMatchObject({ state: "in-progress" })
    expect(r.items[0]!.attempts.map((a) => a.callSerial)).toEqual([serial])
    expect(await callsOf("c-1")).toHaveLength(1)
  })

  it("a second outcome for the same call, or one for another customer's call, is refused and writes nothing", async () => {
    const callId = await dial(["wi-1", "wi-2"])
    const first = await record({ customerId: "c-1", itemIds: ["wi-1"], disposition: "completed", complete: true, externalCallId: callId })
    const again = await recordExit({ customerId: "c-1", itemIds: ["wi-2"], disposition: "completed", complete: true, externalCallId: callId })
    expect(Exit.isFailure(again) && JSON.stringify(again.cause)).toContain("Conflict")
    const other = await recordExit({ customerId: "c-2", itemIds: ["wi-3"], disposition: "completed", complete: true, externalCallId: callId })
    expect(Exit.isFailure(other) && JSON.stringify(other.cause)).toContain("Conflict")
    expect((await items(["wi-2", "wi-3"])).map((w) => w.state)).toEqual(["open", "open"])
    expect(await callsOf("c-1")).toEqual([first.call])
    expect(await callsOf("c-2")).toEqual([])
    // An event that names another customer for the call is refused too (409), nothing changes.
    expect((await handle(ended("ev-4", callId, ["wi-3"], "c-2"))).status).toBe(409)
    expect(await callsOf("c-1")).toEqual([first.call])
    expect((await callAudit()).map((e) => e.action)).toEqual(["call.record"])
  })

  it("event (delivered 3 times at once) racing the outcome: exactly one record and one serial per call, either order", async () => {
    const rounds = 8
    const serials = new Set<string>()
    for (let n = 0; n < rounds; n++) {
      const ids = [`wi-r${n}a`, `wi-r${n}b`]
      await Effect.runPromise(
        opened.stores.workItems.insertMany(
          ids.map((id) => newWorkItem({ id, taskId: "task-phone", customerId: "c-1", assigneeId: "m-agent", teamId: "t-1", channel: "phone", urgency: 1, period: "2026-11-23", at: new Date(DAYTIME - 3_600_000).toISOString() }))
        )
      )
      const callId = `race-${n}`
      const complete = (n >> 1) % 2 === 0
      const event = ended(`ev-race-${n}`, callId, ids)
      // Started in both orders, the outcome a few ms late on odd rounds, so the adapters that run one
      // transaction at a time see both orders too; on PostgreSQL the transactions overlap.
      const outcomeCall = () => recordExit({ customerId: "c-1", itemIds: ids, disposition: complete ? "completed" : "reschedule", complete, externalCallId: callId })
      const [outcome, answers] =
        n % 2 === 0
          ? await Promise.all([outcomeCall(), Promise.all([handle(event), handle(event), handle(event)])])
          : await Promise.all([handle(event), delay(n).then(outcomeCall), handle(event), handle(event)]).then(([a1, o, a2, a3]) => [o, [a1, a2, a3]] as const)
      expect(Exit.isSuccess(outcome)).toBe(true)
      const r = Exit.isSuccess(outcome) ? outcome.value : undefined
      const linkedAnswers = answers.filter((a) => !(a.body as { duplicate?: boolean }).duplicate)
      expect(linkedAnswers).toHaveLength(1)
      expect([200, 201]).toContain(linkedAnswers[0]!.status)
      const serial = (linkedAnswers[0]!.body as { serialNumber: string }).serialNumber
      expect(r!.call.serialNumber).toBe(serial)
      serials.add(serial)

      const mine = (await callsOf("c-1")).filter((c) => c.externalCallId === callId)
      expect(mine).toHaveLength(1)
      expect(mine[0]).toMatchObject({ serialNumber: serial, disposition: complete ? "completed" : "reschedule", recordingUri: recording(callId), connected: true, endedAt: new Date(DAYTIME).toISOString() })
      expect([...mine[0]!.workItemIds].sort()).toEqual(ids)
      const after = await items(ids)
      for (const w of after) {
        expect(recordings(w)).toEqual([recording(callId)])
        expect(w.attempts.map((a) => a.callSerial)).toEqual([serial])
        expect(w.state).toBe(complete ? "completed" : "in-progress")
      }
      const audit = (await callAudit()).filter((e) => e.recordId === serial)
      expect(audit.map((e) => e.action)).toEqual(["call.record", "call.update"])
    }
    expect(serials.size).toBe(rounds)
    expect((await callsOf("c-1")).length).toBe(rounds)
  }, 60_000)

  it("the reports count the linked call once: its items in the funnel, one observation each, one call in the history", async () => {
    const leader = Effect.flatMap(Actors, (a) => a.resolve("m-lead"))
    const range = { from: "2026-11-01", to: "2026-12-01" }
    const funnel = () => at(DAYTIME + 60_000, Effect.flatMap(leader, (l) => Effect.flatMap(ReportService, (s) => s.funnel(l, { ...range, by: "agent" }))))
    const before = await funnel()
    const agentRow = (f: typeof before) => f.rows.find((row) => row.key === "m-agent")!.counts

    const callId = await dial(["wi-1", "wi-2"])
    await handle(ended("ev-5", callId, ["wi-1", "wi-2"]))
    const r = await record({ customerId: "c-1", itemIds: ["wi-1", "wi-2"], disposition: "completed", complete: true, externalCallId: callId })
    await handle(ended("ev-5b", callId, ["wi-1", "wi-2"]))

    const after = await funnel()
    const b = agentRow(before)
    const a = agentRow(after)
    // One call completing two items: the funnel moves by those two items, once each.
    expect(a).toEqual({ ...b, completed: b.completed + 2, connected: b.connected + 2 })
    expect(after.total.counts.submitted).toBe(before.total.counts.submitted)
    const observed = await at(DAYTIME + 60_000, Effect.flatMap(leader, (l) => Effect.flatMap(ReportService, (s) => s.observations(l, range))))
    expect(observed.total.counts.observed).toBe(2)
    const history = await callsOf("c-1")
    expect(history.map((c) => c.serialNumber)).toEqual([r.call.serialNumber])
    expect((await items(["wi-1", "wi-2"])).map((w) => w.callSerial)).toEqual([r.call.serialNumber, r.call.serialNumber])
  })
})
