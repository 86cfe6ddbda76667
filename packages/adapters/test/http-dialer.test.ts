/**
 * The dialer over HTTP (click-to-call from the customer id) and the call-center event handler:
 * an `ended` event creates one call record (next serial, recording link) for the items the agent
 * chose, links the recording to them, and a re-delivered event creates nothing new. Runs on
 * memory, PGlite and (when set) PostgreSQL; the call center is faked with msw.
 */
import { Effect, Exit } from "effect"
import { http, HttpResponse } from "msw"
import { setupServer } from "msw/node"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { Execution, type CallRecord } from "@winback/core"
import { callEventHandler, HttpDialer, signPayload } from "../src/http/index"
import { actor, atTime, DAYTIME, httpAdapters, httpRuntime, type Opened, seedWorld } from "./http-support"

const PBX = "https://pbx.callcenter.test/api/click-to-call"
const SECRET = "pbx_event_secret_0123456789"
const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: "error" }))
afterAll(() => server.close())

const requests: Array<{ auth: string | null; key: string | null; body: Record<string, unknown> }> = []
const pbxUp = () =>
  http.post(PBX, async ({ request }) => {
    requests.push({ auth: request.headers.get("authorization"), key: request.headers.get("idempotency-key"), body: (await request.json()) as Record<string, unknown> })
    return HttpResponse.json({ callId: `pbx-${requests.length}` })
  })

const T = Math.floor(DAYTIME / 1000)
const signed = (event: unknown, opts: { t?: number; secret?: string; header?: string } = {}) => {
  const body = JSON.stringify(event)
  return { headers: { "content-type": "application/json", [opts.header ?? "x-callcenter-signature"]: signPayload(opts.secret ?? SECRET, body, opts.t ?? T) }, body }
}
const ended = (eventId: string, callId: string, itemIds: Array<string>, extra: Record<string, unknown> = {}) => ({
  eventId,
  callId,
  type: "ended",
  at: new Date(DAYTIME).toISOString(),
  durationSeconds: 250,
  recordingUrl: `https://pbx.callcenter.test/rec/${callId}.mp3`,
  userData: { customerId: "c-1", managerId: "m-agent", itemIds },
  ...extra
})

describe.each(httpAdapters())("dialer and call events on $name", ({ open }) => {
  let opened: Opened
  let runtime: ReturnType<typeof httpRuntime>
  const onEvent = callEventHandler({ secret: SECRET })
  const handle = (req: { headers: Record<string, string>; body: string }) => atTime(runtime, DAYTIME, onEvent(req))
  const callsOf = (customerId: string) => Effect.runPromise(opened.stores.calls.listByCustomer(customerId, { limit: 100 })).then((p) => p.items)

  beforeAll(async () => {
    opened = await open()
    await seedWorld(opened.stores)
    runtime = httpRuntime(opened, { dialer: HttpDialer.layer({ url: PBX, authorization: "Bearer pbx-token", retry: { baseDelayMs: 0, maxDelayMs: 0 } }) })
  }, 60_000)
  afterEach(() => server.resetHandlers())
  afterAll(async () => {
    await runtime?.dispose()
    await opened?.close()
  })

  it("click-to-call sends the customer's number from the record, the agent and the chosen items", async () => {
    server.use(pbxUp())
    requests.length = 0
    const r = await atTime(runtime, DAYTIME, Effect.flatMap(actor("m-agent"), (a) => Effect.flatMap(Execution, (x) => x.dial(a, { customerId: "c-1", itemIds: ["wi-1", "wi-2"] }))))
    expect(r).toEqual({ dialled: true, callId: "pbx-1", phone: "+8613800000001" })
    expect(requests).toHaveLength(1)
    expect(requests[0]!.auth).toBe("Bearer pbx-token")
    expect(requests[0]!.key).toMatch(/^dial-/)
    expect(requests[0]!.body).toMatchObject({ agentId: "m-agent", phone: "+8613800000001", userData: { customerId: "c-1", managerId: "m-agent", itemIds: ["wi-1", "wi-2"] } })
  })

  it("dialling refuses items of another customer and customers out of scope, before calling anyone", async () => {
    server.use(pbxUp())
    requests.length = 0
    const dial = (customerId: string, itemIds: Array<string>) =>
      runtime.runPromiseExit(Effect.flatMap(actor("m-agent"), (a) => Effect.flatMap(Execution, (x) => x.dial(a, { customerId, itemIds }))))
    const wrongItem = await dial("c-1", ["wi-3"])
    expect(Exit.isFailure(wrongItem) && JSON.stringify(wrongItem.cause)).toContain("Conflict")
    const outOfScope = await dial("c-3", ["wi-4"])
    expect(Exit.isFailure(outOfScope) && JSON.stringify(outOfScope.cause)).toContain("NotFound")
    expect(requests).toHaveLength(0)
  })

  it("ringing and answered are acknowledged and create no call record", async () => {
    const base = { callId: "pbx-1", at: new Date(DAYTIME - 260_000).toISOString(), userData: { customerId: "c-1", managerId: "m-agent", itemIds: ["wi-1", "wi-2"] } }
    expect(await handle(signed({ ...base, eventId: "ev-ring", type: "ringing" }))).toEqual({ status: 200, body: { recorded: "ringing" } })
    expect(await handle(signed({ ...base, eventId: "ev-ans", type: "answered" }))).toEqual({ status: 200, body: { recorded: "answered" } })
    expect(await callsOf("c-1")).toHaveLength(0)
  })

  let first: string
  it("ended creates one call record with a serial number and the recording, linked to the chosen items", async () => {
    const r = await handle(signed(ended("ev-end-1", "pbx-1", ["wi-1", "wi-2"])))
    expect(r.status).toBe(201)
    const body = r.body as { serialNumber: string; itemIds: Array<string>; skippedItemIds: Array<string> }
    expect(body.serialNumber).toMatch(/^C-\d+$/)
    expect(body.itemIds).toEqual(["wi-1", "wi-2"])
    first = body.serialNumber
    const calls = await callsOf("c-1")
    expect(calls).toEqual([
      {
        serialNumber: first,
        customerId: "c-1",
        managerId: "m-agent",
        startedAt: new Date(DAYTIME - 250_000).toISOString(),
        endedAt: new Date(DAYTIME).toISOString(),
        disposition: null,
        workItemIds: ["wi-1", "wi-2"],
        recordingUri: "https://pbx.callcenter.test/rec/pbx-1.mp3",
        externalCallId: "pbx-1",
        connected: true
      } satisfies CallRecord
    ])
    const items = await Effect.runPromise(opened.stores.workItems.getMany(["wi-1", "wi-2", "wi-3"]))
    expect(items.map((w) => w.attachments.map((a) => [a.kind, a.uri, a.addedBy]))).toEqual([
      [["recording", "https://pbx.callcenter.test/rec/pbx-1.mp3", "m-agent"]],
      [["recording", "https://pbx.callcenter.test/rec/pbx-1.mp3", "m-agent"]],
      []
    ])
    // The items stay open: only an explicit completion closes them.
    expect(items.map((w) => w.state)).toEqual(["open", "open", "open"])
    const audit = await Effect.runPromise(opened.stores.audit.query({ customerId: "c-1" }, { limit: 100 }))
    expect(audit.items.filter((e) => e.action === "call.record").map((e) => e.recordId)).toEqual([first])
    expect(audit.items.filter((e) => e.action === "work-item.update").map((e) => e.recordId).sort()).toEqual(["wi-1", "wi-2"])
  })

  it("a re-delivered event creates nothing new", async () => {
    const again = await handle(signed(ended("ev-end-1", "pbx-1", ["wi-1", "wi-2"])))
    expect(again).toEqual({ status: 200, body: { duplicate: true } })
    expect(await callsOf("c-1")).toHaveLength(1)
    const items = await Effect.runPromise(opened.stores.workItems.getMany(["wi-1"]))
    expect(items[0]!.attachments).toHaveLength(1)
  })

  it("concurrent deliveries of one event: exactly one creates the record", async () => {
    const req = signed(ended("ev-end-2", "pbx-2", ["wi-1"]))
    const answers = await Promise.all(Array.from({ length: 6 }, () => handle(req)))
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1)
    expect(answers.filter((a) => a.status === 200 && (a.body as { duplicate?: boolean }).duplicate)).toHaveLength(5)
    const calls = await callsOf("c-1")
    expect(calls).toHaveLength(2)
    expect(new Set(calls.map((c) => c.serialNumber)).size).toBe(2)
    expect(calls.map((c) => c.serialNumber)).toContain(first)
  })

  it("items that are not the customer's are left out and reported", async () => {
    const r = await handle(signed(ended("ev-end-3", "pbx-3", ["wi-2", "wi-3", "wi-4", "wi-missing"], { recordingUrl: null })))
    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({ itemIds: ["wi-2"], skippedItemIds: ["wi-3", "wi-4", "wi-missing"] })
  })

  it("forged, stale, unsigned and invalid events are refused and change nothing", async () => {
    const before = (await callsOf("c-1")).length
    const forged = signed(ended("ev-forged", "pbx-9", ["wi-1"]), { secret: "not_the_secret_0123456789" })
    expect((await handle(forged)).status).toBe(401)
    const stale = signed(ended("ev-stale", "pbx-9", ["wi-1"]), { t: T - 3600 })
    expect(await handle(stale)).toMatchObject({ status: 401, body: { error: { code: "bad_signature", message: "signature stale" } } })
    const tampered = signed(ended("ev-tampered", "pbx-9", ["wi-1"]))
    expect((await handle({ ...tampered, body: tampered.body.replace("wi-1", "wi-2") })).status).toBe(401)
    expect((await handle({ headers: {}, body: JSON.stringify(ended("ev-unsigned", "pbx-9", ["wi-1"])) })).status).toBe(401)
    const invalid = await handle(signed({ ...ended("ev-invalid", "pbx-9", ["wi-1"]), type: "exploded" }))
    expect(invalid.status).toBe(400)
    expect(JSON.stringify(invalid.body)).toContain("type")
    // PostgreSQL text cannot hold NUL: refused up front on every storage, naming the field.
    const nul = await handle(signed(ended("ev-nul", "pbx-\u00009", ["wi-1"])))
    expect(nul).toMatchObject({ status: 400, body: { error: { code: "validation_failed", details: [{ path: ["callId"], code: "nul_character" }] } } })
    const nulKey = await handle(signed(ended("ev-nul-key", "pbx-10", ["wi-1"], { userData: { customerId: "c-1", managerId: "m-agent", itemIds: ["wi-1"], ["x\u0000"]: 1 } })))
    expect(nulKey).toMatchObject({ status: 400, body: { error: { details: [{ path: ["userData", "x\u0000"] }] } } })
    expect((await callsOf("c-1")).length).toBe(before)
  })
})
