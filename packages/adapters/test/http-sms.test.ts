/**
 * The SMS gateway over HTTP and its delivery-status callback. The gateway is faked with msw and
 * honours idempotency keys the way real gateways do: a retried request with a key it has seen
 * answers the first message instead of sending another. The batch flow and the callbacks run on
 * memory, PGlite and (when set) PostgreSQL.
 */
import { Cause, Effect, Exit } from "effect"
import { http, HttpResponse } from "msw"
import { setupServer } from "msw/node"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { type IntegrationError, SmsWork } from "@winback/core"
import { HttpSmsGateway, signPayload, smsGatewayActorId, smsStatusCallback } from "../src/http/index"
import { actor, atTime, DAYTIME, httpAdapters, httpRuntime, type Opened, seedWorld } from "./http-support"

const GATEWAY = "https://sms.gateway.test/v1/messages"
const SECRET = "sms_callback_secret_0123456789"
const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: "error" }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

/** A gateway that sends once per idempotency key, and loses its first `failFirst` answers per key. */
const fakeGateway = (failFirst: number) => {
  const sent = new Map<string, { messageId: string; to: string; text: string }>()
  const requests: Array<{ key: string | null; auth: string | null; body: Record<string, unknown> }> = []
  const perKey = new Map<string, number>()
  const handler = http.post(GATEWAY, async ({ request }) => {
    const key = request.headers.get("idempotency-key")
    const body = (await request.json()) as { to: string; text: string; reference: string }
    requests.push({ key, auth: request.headers.get("authorization"), body })
    if (request.headers.get("authorization") !== "Bearer sms-token") return HttpResponse.json({ error: "unauthorized" }, { status: 401 })
    if (!key) return HttpResponse.json({ error: "idempotency key required" }, { status: 400 })
    if (!sent.has(key)) sent.set(key, { messageId: `gw-${sent.size + 1}`, to: body.to, text: body.text })
    const n = (perKey.get(key) ?? 0) + 1
    perKey.set(key, n)
    if (n <= failFirst) return new HttpResponse("upstream timeout", { status: n % 2 === 0 ? 502 : 503 })
    return HttpResponse.json({ messageId: sent.get(key)!.messageId, status: "queued" })
  })
  return { sent, requests, perKey, handler }
}

const fastRetry = { maxAttempts: 4, baseDelayMs: 0, maxDelayMs: 0 }
const gatewayConfig = { url: GATEWAY, authorization: "Bearer sms-token", retry: fastRetry }

describe("HttpSmsGateway", () => {
  it("fails twice then succeeds: exactly one message sent per key, the same message id every time", async () => {
    const gw = fakeGateway(2)
    server.use(gw.handler)
    const gateway = HttpSmsGateway.make(gatewayConfig)
    const answers = []
    for (const key of ["wi-1:1", "wi-2:1", "wi-3:1"]) answers.push(await Effect.runPromise(gateway.send({ to: "+8613800000001", text: `hello ${key}`, idempotencyKey: key })))
    // Sending a key again (a re-run of the batch) does not send a second message either.
    answers.push(await Effect.runPromise(gateway.send({ to: "+8613800000001", text: "hello wi-1:1", idempotencyKey: "wi-1:1" })))
    expect(answers).toEqual([
      { messageId: "gw-1", status: "accepted" },
      { messageId: "gw-2", status: "accepted" },
      { messageId: "gw-3", status: "accepted" },
      { messageId: "gw-1", status: "accepted" }
    ])
    expect([...gw.sent.keys()]).toEqual(["wi-1:1", "wi-2:1", "wi-3:1"])
    expect(gw.requests.filter((r) => r.key === "wi-2:1")).toHaveLength(3)
    expect(gw.requests.every((r) => r.auth === "Bearer sms-token")).toBe(true)
    expect(gw.requests[0]!.body).toEqual({ to: "+8613800000001", text: "hello wi-1:1", reference: "wi-1:1" })
  })

  it("a refused request (4xx) is not retried and fails as not retryable", async () => {
    const gw = fakeGateway(0)
    server.use(gw.handler)
    const exit = await Effect.runPromiseExit(HttpSmsGateway.make({ ...gatewayConfig, authorization: "Bearer wrong" }).send({ to: "+86138", text: "x", idempotencyKey: "k:1" }))
    expect(Exit.isFailure(exit)).toBe(true)
    const e = Cause.squash((exit as Exit.Failure<unknown, IntegrationError>).cause) as IntegrationError
    expect(e).toMatchObject({ _tag: "IntegrationError", integration: "sms", retryable: false })
    expect(gw.requests).toHaveLength(1)
    expect(gw.sent.size).toBe(0)
  })

  it("a gateway that stays down fails as retryable after the configured attempts", async () => {
    const gw = fakeGateway(99)
    server.use(gw.handler)
    const exit = await Effect.runPromiseExit(HttpSmsGateway.make(gatewayConfig).send({ to: "+86138", text: "x", idempotencyKey: "k:2" }))
    const e = Cause.squash((exit as Exit.Failure<unknown, IntegrationError>).cause) as IntegrationError
    expect(e.retryable).toBe(true)
    expect(gw.requests).toHaveLength(4)
    expect(gw.sent.size).toBe(1)
  })

  it("a bad config is refused when wiring, with the field named", () => {
    expect(() => HttpSmsGateway.make({ url: "ftp://nope", authorization: "" })).toThrow(/url|authorization/)
  })
})

describe.each(httpAdapters())("SMS batch and delivery status on $name", ({ open }) => {
  let opened: Opened
  let runtime: ReturnType<typeof httpRuntime>
  const gw = fakeGateway(2)
  const onStatus = smsStatusCallback({ secret: SECRET, statusMap: { DELIVRD: "delivered" } })
  const T = Math.floor(DAYTIME / 1000)
  const callback = (payload: unknown, opts: { secret?: string; t?: number } = {}) => {
    const body = JSON.stringify(payload)
    return atTime(runtime, DAYTIME + 5_000, onStatus({ headers: { "X-Gateway-Signature": signPayload(opts.secret ?? SECRET, body, opts.t ?? T) }, body }))
  }
  const item = (id: string) => Effect.runPromise(opened.stores.workItems.get(id))

  beforeAll(async () => {
    opened = await open()
    await seedWorld(opened.stores)
    runtime = httpRuntime(opened, { sms: HttpSmsGateway.layer(gatewayConfig) })
  }, 60_000)
  afterAll(async () => {
    await runtime?.dispose()
    await opened?.close()
  })

  it("a batch through a flaky gateway sends one message per item and records each on its item", async () => {
    server.use(gw.handler)
    const report = await atTime(
      runtime,
      DAYTIME,
      Effect.flatMap(actor("m-agent"), (a) => Effect.flatMap(SmsWork, (s) => s.sendBatch(a, { taskId: "task-sms", template: "Dear {{name}}, we miss you." })))
    )
    expect(report.failed).toEqual([])
    expect(report.sent.map((s) => [s.itemId, s.status]).sort()).toEqual([
      ["wi-s1", "accepted"],
      ["wi-s2", "accepted"]
    ])
    expect([...gw.sent.keys()].sort()).toEqual(["wi-s1:1", "wi-s2:1"])
    expect([...gw.perKey.values()]).toEqual([3, 3])
    expect([...gw.sent.values()].map((m) => m.text).sort()).toEqual(["Dear Customer c-1, we miss you.", "Dear Customer c-2, we miss you."])
    const s1 = await item("wi-s1")
    expect(s1.attempts.map((a) => a.note)).toEqual([`sms ${gw.sent.get("wi-s1:1")!.messageId} accepted`])
    // Accepted is not delivered: a not-reached attempt under the retry policy (next message after 2 h).
    expect(s1.attempts.map((a) => a.disposition)).toEqual(["no-answer"])
    expect(s1).toMatchObject({ state: "in-progress", nextAttemptAt: new Date(DAYTIME + 120 * 60_000).toISOString() })
  })

  it("a signed delivery report records the status on the item's SMS attempt, audited", async () => {
    const messageId = gw.sent.get("wi-s1:1")!.messageId
    const r = await callback({ messageId, reference: "wi-s1:1", status: "DELIVRD", at: new Date(DAYTIME + 4_000).toISOString() })
    expect(r).toEqual({ status: 200, body: { recorded: true, itemId: "wi-s1", status: "delivered" } })
    const s1 = await item("wi-s1")
    expect(s1.attempts.map((a) => a.note)).toEqual([`sms ${messageId} delivered`])
    // The message reached the customer: the item is completed.
    expect(s1).toMatchObject({ state: "completed", disposition: "completed", nextAttemptAt: null })
    const audit = await Effect.runPromise(opened.stores.audit.query({ actorId: smsGatewayActorId }, { limit: 10 }))
    expect(audit.items.map((e) => [e.action, e.recordId, e.customerId])).toEqual([
      ["sms.status", "wi-s1", "c-1"],
      ["work-item.complete", "wi-s1", "c-1"]
    ])
    expect(audit.items[0]!.note).toContain("accepted -> delivered")
  })

  it("a repeated report, or a late 'accepted' after 'delivered', changes nothing", async () => {
    const messageId = gw.sent.get("wi-s1:1")!.messageId
    const version = (await item("wi-s1")).version
    expect((await callback({ messageId, reference: "wi-s1:1", status: "delivered" })).body).toMatchObject({ recorded: false })
    expect((await callback({ messageId, reference: "wi-s1:1", status: "sent" })).body).toMatchObject({ recorded: false })
    expect((await item("wi-s1")).version).toBe(version)
  })

  it("a failure report is recorded with its reason", async () => {
    const messageId = gw.sent.get("wi-s2:1")!.messageId
    const r = await callback({ messageId, reference: "wi-s2:1", status: "undelivered", detail: "handset off for 72h" })
    expect(r.body).toEqual({ recorded: true, itemId: "wi-s2", status: "failed" })
    const s2 = await item("wi-s2")
    expect(s2.attempts.map((a) => a.note)).toEqual([`sms ${messageId} failed (handset off for 72h)`])
    // Still a not-reached attempt (now phone-off), neither completed nor open for ever: the next message
    // keeps the time the retry policy gave it.
    expect(s2.attempts.map((a) => a.disposition)).toEqual(["phone-off"])
    expect(s2).toMatchObject({ state: "in-progress", disposition: null, nextAttemptAt: new Date(DAYTIME + 120 * 60_000).toISOString() })
  })

  it("unknown messages are acknowledged without a change; forged, stale and invalid reports are refused", async () => {
    const before = await Effect.runPromise(opened.stores.audit.query({ actorId: smsGatewayActorId }, { limit: 10 }))
    expect((await callback({ messageId: "gw-404", reference: "wi-s1:1", status: "delivered" })).body).toMatchObject({ recorded: false })
    expect((await callback({ messageId: "gw-404", reference: "appt-1:reminder", status: "delivered" })).body).toMatchObject({ recorded: false })
    const messageId = gw.sent.get("wi-s2:1")!.messageId
    expect((await callback({ messageId, reference: "wi-s2:1", status: "delivered" }, { secret: "forged_secret_0123456789" })).status).toBe(401)
    expect((await callback({ messageId, reference: "wi-s2:1", status: "delivered" }, { t: T - 600 })).status).toBe(401)
    const invalid = await callback({ messageId, reference: "no-attempt-number", status: "delivered" })
    expect(invalid.status).toBe(400)
    const after = await Effect.runPromise(opened.stores.audit.query({ actorId: smsGatewayActorId }, { limit: 10 }))
    expect(after.items.length).toBe(before.items.length)
  })
})
