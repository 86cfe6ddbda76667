/**
 * Outgoing webhooks as an outbox over the audit log. The domain events come from the real service
 * paths (a call completing two items, an appointment reminder firing) plus the entry the
 * observation job writes for a churned customer. The receiver (msw) verifies every signature with
 * the exported `verifyWebhookSignature`. Receiver down then up: every event arrives, in audit
 * order, none lost, none delivered twice once acknowledged. Runs on memory, PGlite and (when set)
 * PostgreSQL.
 */
import { Effect, Layer } from "effect"
import { http, HttpResponse } from "msw"
import { setupServer } from "msw/node"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { type AuditEntry, AppointmentService, Execution, storesLayer } from "@winback/core"
import { verifyWebhookSignature, WebhookDispatcher, type WebhookDispatcherConfig } from "../src/http/index"
import { actor, atTime, DAYTIME, httpAdapters, httpRuntime, type Opened, seedWorld } from "./http-support"

const CRM = "https://crm.receiver.test/hooks/winback"
const BI = "https://bi.receiver.test/churn"
const CRM_SECRET = "whsec_crm_0123456789abcdef"
const BI_SECRET = "whsec_bi_0123456789abcdef"
const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: "error" }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

interface Received {
  readonly eventId: string
  readonly type: string
  readonly body: { id: string; type: string; createdAt: string; data: Record<string, unknown> }
}

/** A receiver that checks signatures and can be taken down, or made to refuse one event. */
const receiver = (url: string, secret: string) => {
  const r = { up: true, refuse: new Set<string>(), flaky: 0, received: [] as Array<Received>, attempts: [] as Array<string>, badSignatures: 0 }
  const handler = http.post(url, async ({ request }) => {
    const raw = await request.text()
    const eventId = request.headers.get("x-winback-event-id") ?? ""
    r.attempts.push(eventId)
    const check = verifyWebhookSignature({ secret, header: request.headers.get("x-winback-signature"), body: raw })
    if (!check.valid) {
      r.badSignatures++
      return HttpResponse.json({ error: check.reason }, { status: 400 })
    }
    if (!r.up || r.refuse.has(eventId)) return new HttpResponse("maintenance", { status: 503 })
    if (r.flaky > 0) {
      r.flaky--
      return new HttpResponse(null, { status: 502 })
    }
    const body = JSON.parse(raw) as Received["body"]
    if (r.received.some((x) => x.eventId === eventId)) return HttpResponse.json({ duplicate: true })
    r.received.push({ eventId, type: request.headers.get("x-winback-event-type") ?? "", body })
    return HttpResponse.json({ ok: true })
  })
  return { r, handler }
}

/** Expected events, derived from the audit log independently of the dispatcher's mapping. */
const expectedEvents = (entries: ReadonlyArray<AuditEntry>, types?: ReadonlyArray<string>) =>
  entries
    .map((e) =>
      e.action === "work-item.complete" ? { id: `evt_${e.seq}`, type: "work_item.completed" } : e.action === "appointment.remind" ? { id: `evt_${e.seq}`, type: "appointment.due" } : e.action === "observation.churned" ? { id: `evt_${e.seq}`, type: "customer.churned" } : undefined
    )
    .filter((x): x is { id: string; type: string } => x !== undefined && (types === undefined || types.includes(x.type)))

const config: WebhookDispatcherConfig = {
  endpoints: [
    { id: "crm", url: CRM, secret: CRM_SECRET },
    { id: "bi", url: BI, secret: BI_SECRET, events: ["customer.churned"] }
  ],
  batchSize: 3,
  retry: { maxAttempts: 3, baseDelayMs: 0, maxDelayMs: 1 }
}

describe.each(httpAdapters())("webhook dispatcher on $name", ({ open }) => {
  let opened: Opened
  let runtime: ReturnType<typeof httpRuntime>
  let dispatcher: WebhookDispatcher["Service"]
  const crm = receiver(CRM, CRM_SECRET)
  const bi = receiver(BI, BI_SECRET)
  const allEntries = async () => (await Effect.runPromise(opened.stores.audit.query({}, { limit: 1000 }))).items
  const dispatch = () => Effect.runPromise(dispatcher.dispatch())

  const completeCall = (customerId: string, itemIds: Array<string>) =>
    atTime(runtime, DAYTIME, Effect.flatMap(actor("m-agent"), (a) => Effect.flatMap(Execution, (x) => x.recordCall(a, { customerId, itemIds, disposition: "completed", complete: true }))))
  const remindAppointment = (customerId: string, minutesLater: number) =>
    atTime(
      runtime,
      DAYTIME + minutesLater * 60_000,
      Effect.gen(function* () {
        const a = yield* actor("m-agent")
        const s = yield* AppointmentService
        yield* s.book(a, { customerId, channel: "phone", at: new Date(DAYTIME + (minutesLater + 10) * 60_000).toISOString() })
        return yield* s.sendDueReminders(a)
      })
    )
  /** The entry the observation job writes when a customer churned (issue 8: one per churned outcome). */
  const churn = (customerId: string, id: string) =>
    Effect.runPromise(
      opened.stores.audit.append({
        actorId: "m-lead",
        at: new Date(DAYTIME).toISOString(),
        action: "observation.churned",
        category: "observation",
        recordType: "Observation",
        recordId: id,
        customerId,
        before: { id, customerId, outcome: null, statusAtStart: "active", billBefore: 180 },
        after: { id, customerId, workItemId: "wi-1", taskId: "task-phone", managerId: "m-agent", outcome: "churned", statusAtStart: "active", statusAtEnd: "cancelled", billBefore: 180, billAfter: 0 },
        note: ""
      })
    )

  beforeAll(async () => {
    opened = await open()
    await seedWorld(opened.stores)
    runtime = httpRuntime(opened)
    dispatcher = await Effect.runPromise(
      Effect.provide(Effect.gen(function* () { return yield* WebhookDispatcher }), WebhookDispatcher.layer(config).pipe(Layer.provide(opened.state), Layer.provide(storesLayer(opened.stores))))
    )
  }, 60_000)
  afterAll(async () => {
    await runtime?.dispose()
    await opened?.close()
  })

  it("receiver down: nothing is lost, the failure is recorded, the cursor stays before the first event", async () => {
    await completeCall("c-1", ["wi-1", "wi-2"])
    await churn("c-1", "ob-1")
    server.use(crm.handler, bi.handler)
    crm.r.up = false
    const report = await dispatch()
    const expected = expectedEvents(await allEntries())
    expect(expected.map((e) => e.type)).toEqual(["work_item.completed", "work_item.completed", "customer.churned"])
    const crmReport = report.endpoints.find((e) => e.endpointId === "crm")!
    expect(crmReport.delivered).toEqual([])
    expect(crmReport.failed?.eventId).toBe(expected[0]!.id)
    expect(crmReport.failed?.error.retryable).toBe(true)
    const status = await Effect.runPromise(dispatcher.status("crm"))
    expect(status.failures).toBe(1)
    expect(status.failingEventId).toBe(expected[0]!.id)
    expect(status.lastError).toContain("503")
    expect(status.seq).toBeLessThan(Number(expected[0]!.id.slice(4)))
    // The retries inside one run re-send the same event: 3 attempts, one event id.
    expect(crm.r.attempts).toEqual([expected[0]!.id, expected[0]!.id, expected[0]!.id])
    // The other endpoint is not held back by the one that is down.
    expect(bi.r.received.map((x) => x.eventId)).toEqual([expected[2]!.id])
  })

  it("receiver up again: every event delivered once, in audit order, with verified signatures", async () => {
    // More events while the receiver was down.
    const reminders = await remindAppointment("c-2", 30)
    expect(reminders.reminded).toHaveLength(1)
    await completeCall("c-2", ["wi-3"])
    server.use(crm.handler, bi.handler)
    crm.r.up = true
    const report = await dispatch()
    const entries = await allEntries()
    const expected = expectedEvents(entries)
    expect(expected.map((e) => e.type)).toEqual(["work_item.completed", "work_item.completed", "customer.churned", "appointment.due", "work_item.completed"])
    expect(report.endpoints.find((e) => e.endpointId === "crm")!.delivered).toEqual(expected.map((e) => e.id))
    expect(crm.r.received.map((x) => [x.eventId, x.type])).toEqual(expected.map((e) => [e.id, e.type]))
    expect(crm.r.received.every((x) => x.body.id === x.eventId && x.body.type === x.type)).toBe(true)
    expect(crm.r.badSignatures).toBe(0)
    const status = await Effect.runPromise(dispatcher.status("crm"))
    expect(status).toMatchObject({ seq: entries[entries.length - 1]!.seq, failures: 0, lastError: null })
    // Payloads carry what receivers act on.
    const completed = crm.r.received.filter((x) => x.type === "work_item.completed").map((x) => x.body.data)
    expect(completed.map((d) => [d.workItemId, d.customerId, d.disposition])).toEqual([
      ["wi-1", "c-1", "completed"],
      ["wi-2", "c-1", "completed"],
      ["wi-3", "c-2", "completed"]
    ])
    expect(completed[0]!.callSerial).toBe(completed[1]!.callSerial)
    expect(completed[0]!.callSerial).toMatch(/^C-/)
    expect(crm.r.received.find((x) => x.type === "customer.churned")!.body.data).toMatchObject({ customerId: "c-1", observationId: "ob-1", statusAtEnd: "cancelled" })
    expect(crm.r.received.find((x) => x.type === "appointment.due")!.body.data).toMatchObject({ customerId: "c-2", managerId: "m-agent" })
    // The churn-only endpoint got only the churn event, once.
    expect(bi.r.received.map((x) => x.type)).toEqual(["customer.churned"])
  })

  it("a run with nothing new delivers nothing again", async () => {
    server.use(crm.handler, bi.handler)
    const before = crm.r.attempts.length
    const report = await dispatch()
    expect(report.endpoints.every((e) => e.delivered.length === 0 && e.failed === null)).toBe(true)
    expect(crm.r.attempts.length).toBe(before)
  })

  it("a receiver refusing one event holds back the later ones (order) and gets them all once it accepts", async () => {
    await completeCall("c-1", ["wi-s1"])
    await churn("c-2", "ob-2")
    await completeCall("c-2", ["wi-s2"])
    server.use(crm.handler, bi.handler)
    const fresh = expectedEvents(await allEntries()).slice(-3)
    crm.r.refuse.add(fresh[1]!.id)
    const first = await dispatch()
    expect(first.endpoints.find((e) => e.endpointId === "crm")).toMatchObject({ delivered: [fresh[0]!.id], failed: { eventId: fresh[1]!.id } })
    crm.r.refuse.clear()
    crm.r.flaky = 2 // and the receiver is flaky: retried within the run
    const second = await dispatch()
    expect(second.endpoints.find((e) => e.endpointId === "crm")!.delivered).toEqual([fresh[1]!.id, fresh[2]!.id])
    const all = expectedEvents(await allEntries())
    expect(crm.r.received.map((x) => x.eventId)).toEqual(all.map((e) => e.id))
    expect(new Set(crm.r.received.map((x) => x.eventId)).size).toBe(crm.r.received.length)
    expect(bi.r.received.map((x) => x.eventId)).toEqual(expectedEvents(await allEntries(), ["customer.churned"]).map((e) => e.id))
  })
})
