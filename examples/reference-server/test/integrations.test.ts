/**
 * The integrations the server runs when configured, over real HTTP on memory, PGlite (and
 * PostgreSQL when its URL is set):
 *
 * - the webhook dispatcher on its interval: a real local receiver (node:http) gets the signed
 *   `work_item.completed` of an item completed through the API exactly once, with a signature the
 *   exported verifier accepts; the cursor survives a restart; a failing receiver is reported
 *   (without the secret) and retried, and the server keeps serving; `close()` drains the run;
 * - the SMS status callback: a signed report updates the item's SMS attempt (read back through the
 *   API); a missing, forged or stale signature answers 401 and changes nothing;
 * - the call events: a signed `ended` creates one call record (serial number, recording link),
 *   however often it is delivered;
 * - without configuration the routes do not exist, and the environment settings map to the options.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type OpenStorage, pgIntegrationState, signPayload, verifyWebhookSignature } from "@winback/adapters"
import type { Stores } from "@winback/core"
import { describeIntegrations, type IntegrationOptions, integrationsFromEnv } from "../src/integrations"
import type { RunningServer } from "../src/server"
import { pgliteCase, storageCases } from "./hardening/support"
import { client, demoLogins, demoOrg, direct, loginAs, memoryStorage, startTestServer } from "./support"

const smsSecret = "sms-callback-secret-0123456789"
const pbxSecret = "pbx-event-secret-0123456789"
const hookSecret = "whsec-test-0123456789abcdef"

/** A webhook receiver of our own: records every request; answers `status` (changeable), after `delayMs`. */
interface Receiver {
  readonly url: string
  readonly received: Array<{ readonly headers: IncomingHttpHeaders; readonly body: string; readonly at: number }>
  status: number
  delayMs: number
  inFlight: number
  readonly close: () => Promise<void>
}

const startReceiver = async (): Promise<Receiver> => {
  const r: Omit<Receiver, "url" | "close"> = { received: [], status: 200, delayMs: 0, inFlight: 0 }
  const server: Server = createServer((req, res) => {
    const chunks: Array<Buffer> = []
    req.on("data", (c: Buffer) => chunks.push(c))
    req.on("end", () => {
      r.inFlight++
      const status = r.status
      setTimeout(() => {
        if (status < 300) r.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), at: Date.now() })
        r.inFlight--
        res.writeHead(status, { "content-type": "application/json" }).end("{}")
      }, r.delayMs)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()))
  const port = (server.address() as AddressInfo).port
  return Object.assign(r, {
    url: `http://127.0.0.1:${port}/hooks/winback`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
  })
}

/** The events a receiver took (parsed), in arrival order. */
const eventsOf = (r: Receiver) => r.received.map((x) => JSON.parse(x.body) as { id: string; type: string; createdAt: string; data: Record<string, unknown> })

const waitFor = async <A>(what: string, f: () => A | undefined | false, timeoutMs = 15_000): Promise<A> => {
  const until = Date.now() + timeoutMs
  for (;;) {
    const v = f()
    if (v !== undefined && v !== false) return v
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const now = () => Math.floor(Date.now() / 1000)

/** POSTs `body` (raw text) to a signed route with the given headers. */
const postRaw = async (server: RunningServer, path: string, body: string, headers: Record<string, string>) => {
  const res = await fetch(server.url + path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body })
  return { status: res.status, headers: res.headers, body: (await res.json()) as any }
}

type Client = Awaited<ReturnType<typeof loginAs>>

/** Open items of the agent's first customers with at least `n` open items. */
const openWork = async (agent: Client, skip: ReadonlySet<string>): Promise<{ customerId: string; itemIds: Array<string> }> => {
  let cursor: string | null = null
  do {
    const page = await agent.get(`/api/work-list/customers?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`)
    expect(page.status).toBe(200)
    const c = (page.body.items as Array<{ customerId: string; items: Array<{ item: { id: string } }> }>).find((x) => !skip.has(x.customerId))
    if (c) return { customerId: c.customerId, itemIds: c.items.map((o) => o.item.id) }
    cursor = page.body.nextCursor
  } while (cursor)
  throw new Error("no open work left for the agent")
}

const auditEntries = async (server: RunningServer) => ((await server.winback.stores.audit.verify()) as { entries: number }).entries

const integrations = (receiver: Receiver, extra: Partial<IntegrationOptions> = {}, logs: Array<string> = []): IntegrationOptions => ({
  smsStatus: { secret: smsSecret },
  callEvents: { secret: pbxSecret },
  webhooks: { url: receiver.url, secret: hookSecret, intervalMs: 100, retry: { maxAttempts: 1 } },
  logger: { warn: (m) => logs.push(`warn ${m}`), info: (m) => logs.push(`info ${m}`) },
  ...extra
})

const storages: ReadonlyArray<{ readonly name: string; readonly open: () => Promise<{ stores: Stores; close: () => Promise<void> } | OpenStorage> }> = [
  { name: "memory", open: async () => memoryStorage() },
  ...storageCases
]

describe.each(storages)("integrations on $name", ({ open }) => {
  let server: RunningServer
  let storage: Awaited<ReturnType<typeof open>>
  let receiver: Receiver
  let agent: Client
  const logs: Array<string> = []
  const used = new Set<string>()
  beforeAll(async () => {
    receiver = await startReceiver()
    storage = await open()
    server = await startTestServer(storage, { integrations: integrations(receiver, {}, logs) })
    agent = await loginAs(server, demoLogins.agent)
  })
  afterAll(async () => {
    await server?.close()
    await receiver?.close()
  })

  it("delivers the signed webhook of an item completed through the API, exactly once", async () => {
    const work = await openWork(agent, used)
    used.add(work.customerId)
    const itemId = work.itemIds[0]!
    const done = await agent.post("/api/calls", { customerId: work.customerId, itemIds: [itemId], disposition: "completed", complete: true })
    expect(done.status).toBe(200)
    const index = await waitFor("the webhook of the completed item", () => {
      const i = eventsOf(receiver).findIndex((e) => e.type === "work_item.completed" && e.data.workItemId === itemId)
      return i >= 0 ? i : undefined
    })
    const raw = receiver.received[index]!
    const event = eventsOf(receiver)[index]!
    // The receiver's side: the exported verifier accepts the signature over the exact body.
    expect(verifyWebhookSignature({ secret: hookSecret, header: raw.headers["x-winback-signature"], body: raw.body })).toMatchObject({ valid: true })
    expect(verifyWebhookSignature({ secret: "another-secret-0123456789", header: raw.headers["x-winback-signature"], body: raw.body })).toEqual({ valid: false, reason: "mismatch" })
    expect(raw.headers["x-winback-event-id"]).toBe(event.id)
    expect(raw.headers["x-winback-event-type"]).toBe("work_item.completed")
    expect(event.data).toMatchObject({ workItemId: itemId, customerId: work.customerId, disposition: "completed", completedBy: demoLogins.agent, callSerial: done.body.call.serialNumber })
    // Several more runs: still exactly one delivery of it, and no event twice.
    await sleep(600)
    expect(eventsOf(receiver).filter((e) => e.data.workItemId === itemId && e.type === "work_item.completed")).toHaveLength(1)
    const ids = eventsOf(receiver).map((e) => e.id)
    expect(new Set(ids).size).toBe(ids.length)
    // In audit order, and the cursor is past the event, persisted in the integration state.
    const seqs = ids.map((id) => Number(id.slice("evt_".length)))
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs)
    const cursor = await server.webhooks!.status()
    expect(cursor.failures).toBe(0)
    expect(cursor.seq).toBeGreaterThanOrEqual(Number(event.id.slice("evt_".length)))
    if ("driver" in storage) {
      const row = await Effect.runPromise(pgIntegrationState(storage.driver).get("webhook-cursor:webhook"))
      expect(row).toMatchObject({ seq: cursor.seq, failures: 0 })
    }
    expect(logs.filter((l) => l.startsWith("warn"))).toEqual([])
  })

  it("records a signed SMS delivery status on the item's attempt; a bad signature gets 401 and changes nothing", async () => {
    const work = await openWork(agent, used)
    used.add(work.customerId)
    const itemId = work.itemIds[0]!
    // Set-up: the item as SmsWork leaves it after a send the gateway could not confirm yet.
    await direct(storage.stores, (s) =>
      Effect.flatMap(s.workItems.get(itemId), (item) =>
        s.workItems.update(
          {
            ...item,
            state: "in-progress",
            attempts: [...item.attempts, { at: "2026-11-25T09:00:00.000Z", by: demoLogins.agent, disposition: "no-answer", callSerial: null, note: "sms gw-77 unknown" }]
          },
          item.version
        )
      )
    )
    const note = async () => ((await agent.get(`/api/work-items/${itemId}`)).body.attempts as Array<{ note: string }>).at(-1)!.note
    expect(await note()).toBe("sms gw-77 unknown")
    const body = JSON.stringify({ messageId: "gw-77", reference: `${itemId}:1`, status: "delivered", at: "2026-11-25T09:00:05Z" })
    const before = await auditEntries(server)
    const refused = [
      await postRaw(server, "/api/integrations/sms-status", body, {}),
      await postRaw(server, "/api/integrations/sms-status", body, { "x-gateway-signature": signPayload("forged-secret-0123456789", body, now()) }),
      await postRaw(server, "/api/integrations/sms-status", body, { "x-gateway-signature": signPayload(smsSecret, body, now() - 3600) }),
      await postRaw(server, "/api/integrations/sms-status", body.replace("delivered", "failed"), { "x-gateway-signature": signPayload(smsSecret, body, now()) })
    ]
    for (const r of refused) {
      expect(r.status).toBe(401)
      expect(r.body).toEqual({ error: { code: "bad_signature", message: expect.any(String), details: null } })
      expect(r.headers.get("www-authenticate")).toContain("x-gateway-signature")
    }
    expect(await note()).toBe("sms gw-77 unknown")
    expect(await auditEntries(server)).toBe(before)

    const ok = await postRaw(server, "/api/integrations/sms-status", body, { "x-gateway-signature": signPayload(smsSecret, body, now()) })
    expect(ok.status).toBe(200)
    expect(ok.body).toMatchObject({ recorded: true, itemId, status: "delivered" })
    expect(await note()).toBe("sms gw-77 delivered")
    // The message reached the customer: the item is completed.
    expect((await agent.get(`/api/work-items/${itemId}`)).body).toMatchObject({ state: "completed", disposition: "completed", nextAttemptAt: null })
    // The status change and the completion (which the host also gets as work_item.completed).
    expect(await auditEntries(server)).toBe(before + 2)
    await waitFor("the webhook of the item completed by its delivery report", () =>
      eventsOf(receiver).find((e) => e.type === "work_item.completed" && e.data.workItemId === itemId && e.data.completedBy === "system:sms-gateway")
    )
    // The gateway re-delivers: nothing changes.
    const again = await postRaw(server, "/api/integrations/sms-status", body, { "x-gateway-signature": signPayload(smsSecret, body, now()) })
    expect(again.body).toMatchObject({ recorded: false })
    expect(await auditEntries(server)).toBe(before + 2)
    // A signed but invalid body: 400 in the error model.
    const invalid = JSON.stringify({ messageId: "gw-77" })
    const bad = await postRaw(server, "/api/integrations/sms-status", invalid, { "x-gateway-signature": signPayload(smsSecret, invalid, now()) })
    expect(bad.status).toBe(400)
    expect(bad.body.error).toMatchObject({ code: "validation_failed", details: expect.any(Array) })
  })

  /**
   * Set-up for tests that must not use up the demo agent's work: a copy (new id, open, no attempts)
   * of one of the agent's items, of a customer an earlier test already took.
   */
  const extraItem = async (id: string) => {
    const page = await direct(storage.stores, (s) => s.workItems.list({ assigneeId: demoLogins.agent }, { limit: 500 }))
    const base = page.items.find((w) => used.has(w.customerId))!
    const copy = { ...base, id, state: "open" as const, attempts: [], disposition: null, callSerial: null, nextAttemptAt: null, completedAt: null, attachments: [], offerUses: [], responseId: null, version: 1 }
    await direct(storage.stores, (s) => s.workItems.insertMany([copy]))
    return copy
  }

  it("a finally failed SMS stays a not-reached attempt: neither completed nor open for ever (retry time kept, unreachable on the last)", async () => {
    const sent = async (id: string, next: string | null, state: "in-progress" | "unreachable", messageId: string) => {
      const itemId = (await extraItem(id)).id
      // Set-up: the item as SmsWork leaves it after the gateway accepted the message (a not-reached
      // attempt under the retry policy until a report says delivered).
      await direct(storage.stores, (s) =>
        Effect.flatMap(s.workItems.get(itemId), (item) =>
          s.workItems.update(
            {
              ...item,
              state,
              nextAttemptAt: next,
              disposition: state === "unreachable" ? "no-answer" : null,
              attempts: [...item.attempts, { at: "2026-11-25T09:00:00.000Z", by: demoLogins.agent, disposition: "no-answer", callSerial: null, note: `sms ${messageId} accepted` }]
            },
            item.version
          )
        )
      )
      const body = JSON.stringify({ messageId, reference: `${itemId}:1`, status: "UNDELIVERED", detail: "absent subscriber" })
      const r = await postRaw(server, "/api/integrations/sms-status", body, { "x-gateway-signature": signPayload(smsSecret, body, now()) })
      expect(r.body).toMatchObject({ recorded: true, itemId, status: "failed" })
      return (await agent.get(`/api/work-items/${itemId}`)).body
    }
    const open = await sent("wi-sms-failed-1", "2026-11-25T11:00:00.000Z", "in-progress", "gw-81")
    expect(open).toMatchObject({ state: "in-progress", disposition: null, nextAttemptAt: "2026-11-25T11:00:00.000Z" })
    expect(open.attempts.at(-1)).toMatchObject({ disposition: "phone-off", note: "sms gw-81 failed (absent subscriber)" })
    // The message was the last attempt the policy allowed: the item stays unreachable, now as phone-off.
    const last = await sent("wi-sms-failed-2", null, "unreachable", "gw-82")
    expect(last).toMatchObject({ state: "unreachable", disposition: "phone-off", nextAttemptAt: null, completedAt: null })
  })

  it("a number not in service reaches the host as the signed webhook customer.wrong_number", async () => {
    const w = await extraItem("wi-wrong-number-1")
    const r = await agent.post("/api/calls", { customerId: w.customerId, itemIds: [w.id], disposition: "not-in-service" })
    expect(r.status).toBe(200)
    expect(r.body.items[0]).toMatchObject({ state: "unreachable", disposition: "not-in-service" })
    const index = await waitFor("the wrong-number webhook", () => {
      const i = eventsOf(receiver).findIndex((e) => e.type === "customer.wrong_number" && e.data.customerId === w.customerId)
      return i >= 0 ? i : undefined
    })
    expect(eventsOf(receiver)[index]!.data).toMatchObject({ customerId: w.customerId, callSerial: r.body.call.serialNumber, workItemIds: [w.id], reportedBy: demoLogins.agent })
  })

  it("creates one call record with serial number and recording link for a signed call event, however often it is delivered", async () => {
    const work = await openWork(agent, used)
    used.add(work.customerId)
    const recording = `https://pbx.example.com/rec/${work.customerId}.mp3`
    const event = JSON.stringify({
      eventId: `ev-${work.customerId}`,
      callId: `pbx-${work.customerId}`,
      type: "ended",
      at: "2026-11-25T10:04:10Z",
      durationSeconds: 250,
      recordingUrl: recording,
      userData: { customerId: work.customerId, managerId: demoLogins.agent, itemIds: work.itemIds }
    })
    const forged = await postRaw(server, "/api/integrations/call-events", event, { "x-callcenter-signature": signPayload("forged-secret-0123456789", event, now()) })
    expect(forged.status).toBe(401)
    expect(forged.body.error.code).toBe("bad_signature")
    expect((await agent.get(`/api/customers/${work.customerId}/calls`)).body.items).toEqual([])

    const first = await postRaw(server, "/api/integrations/call-events", event, { "x-callcenter-signature": signPayload(pbxSecret, event, now()) })
    expect(first.status).toBe(201)
    expect(first.body).toMatchObject({ itemIds: work.itemIds, skippedItemIds: [] })
    const second = await postRaw(server, "/api/integrations/call-events", event, { "x-callcenter-signature": signPayload(pbxSecret, event, now()) })
    expect(second.status).toBe(200)
    expect(second.body).toMatchObject({ duplicate: true })

    const calls = await agent.get(`/api/customers/${work.customerId}/calls`)
    expect(calls.status).toBe(200)
    expect(calls.body.items).toHaveLength(1)
    expect(calls.body.items[0]).toMatchObject({
      serialNumber: first.body.serialNumber,
      recordingUri: recording,
      managerId: demoLogins.agent,
      endedAt: "2026-11-25T10:04:10.000Z",
      startedAt: "2026-11-25T10:00:00.000Z"
    })
    expect([...calls.body.items[0].workItemIds].sort()).toEqual([...work.itemIds].sort())
    for (const id of work.itemIds) {
      const item = (await agent.get(`/api/work-items/${id}`)).body
      expect(item.state).not.toBe("completed")
      expect(item.attachments.filter((a: { kind: string; uri: string }) => a.kind === "recording" && a.uri === recording)).toHaveLength(1)
    }

    // The agent records the outcome of that call with its call-center id: the event's record is
    // completed, with the same serial, instead of a second record.
    const outcome = await agent.post("/api/calls", {
      customerId: work.customerId,
      itemIds: work.itemIds,
      disposition: "completed",
      complete: true,
      externalCallId: `pbx-${work.customerId}`
    })
    expect(outcome.status).toBe(200)
    expect(outcome.body.call).toMatchObject({ serialNumber: first.body.serialNumber, disposition: "completed", externalCallId: `pbx-${work.customerId}` })
    const linked = (await agent.get(`/api/customers/${work.customerId}/calls`)).body.items
    expect(linked).toHaveLength(1)
    expect(linked[0]).toMatchObject({ serialNumber: first.body.serialNumber, disposition: "completed", recordingUri: recording })
    for (const id of work.itemIds) expect((await agent.get(`/api/work-items/${id}`)).body).toMatchObject({ state: "completed", callSerial: first.body.serialNumber })

    // The call center re-delivers in parallel (a timeout on its side): still one record.
    const other = await openWork(agent, used)
    used.add(other.customerId)
    const parallel = JSON.stringify({
      eventId: `ev-${other.customerId}`,
      callId: `pbx-${other.customerId}`,
      type: "ended",
      at: "2026-11-25T11:00:00Z",
      durationSeconds: 30,
      recordingUrl: `https://pbx.example.com/rec/${other.customerId}.mp3`,
      userData: { customerId: other.customerId, managerId: demoLogins.agent, itemIds: other.itemIds }
    })
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => postRaw(server, "/api/integrations/call-events", parallel, { "x-callcenter-signature": signPayload(pbxSecret, parallel, now()) }))
    )
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 201])
    const otherCalls = (await agent.get(`/api/customers/${other.customerId}/calls`)).body.items
    expect(otherCalls).toHaveLength(1)
    expect(otherCalls[0].serialNumber).toBe(answers.find((a) => a.status === 201)!.body.serialNumber)
  })

  it("the agent's outcome (with an offer) racing the call center's event for the same call: both succeed, one record, one serial", async () => {
    // A colleague of the demo agent, whose work the other tests leave alone.
    const colleagueId = demoOrg.managers.find((m) => m.id !== demoLogins.agent && m.roles.includes("agent") && m.teamId === demoOrg.managers.find((x) => x.id === demoLogins.agent)!.teamId)!.id
    const colleague = await loginAs(server, colleagueId)
    for (let round = 0; round < 4; round++) {
      const work = await openWork(colleague, used)
      used.add(work.customerId)
      const callId = `pbx-race-${work.customerId}`
      const event = JSON.stringify({
        eventId: `ev-race-${work.customerId}`,
        callId,
        type: "ended",
        at: "2026-11-25T12:00:00Z",
        durationSeconds: 95,
        recordingUrl: `https://pbx.example.com/rec/${callId}.mp3`,
        userData: { customerId: work.customerId, managerId: colleagueId, itemIds: work.itemIds }
      })
      // The call center re-delivers while it gets 503 (storage busy), as it is told to.
      const deliver = async () => {
        for (let attempt = 0; attempt < 5; attempt++) {
          const r = await postRaw(server, "/api/integrations/call-events", event, { "x-callcenter-signature": signPayload(pbxSecret, event, now()) })
          if (r.status !== 503) return r
        }
        throw new Error("the event was refused five times")
      }
      const [outcome, delivered] = await Promise.all([
        colleague.post("/api/calls", {
          customerId: work.customerId,
          itemIds: work.itemIds,
          disposition: "completed",
          complete: true,
          externalCallId: callId,
          offers: [{ workItemId: work.itemIds[0], offerId: "of-bonus-20", accepted: true }]
        }),
        deliver()
      ])
      expect(outcome.status, JSON.stringify(outcome.body)).toBe(200)
      expect([200, 201]).toContain(delivered.status)
      const calls = (await colleague.get(`/api/customers/${work.customerId}/calls`)).body.items
      expect(calls).toHaveLength(1)
      expect(calls[0]).toMatchObject({ serialNumber: outcome.body.call.serialNumber, disposition: "completed", externalCallId: callId })
      for (const id of work.itemIds) expect((await colleague.get(`/api/work-items/${id}`)).body).toMatchObject({ state: "completed", callSerial: outcome.body.call.serialNumber })
    }
  })

  it("keeps the body limit and documents the signed routes", async () => {
    const huge = JSON.stringify({ messageId: "x".repeat(1024 * 1024 + 10) })
    const r = await postRaw(server, "/api/integrations/sms-status", huge, { "x-gateway-signature": signPayload(smsSecret, huge, now()) })
    expect(r.status).toBe(413)
    expect(r.body.error.code).toBe("payload_too_large")

    const signed = server.router
      .list()
      .filter((x) => x.access === "signed")
      .map((x) => `${x.method} ${x.path}`)
    expect(signed.sort()).toEqual(["POST /api/integrations/call-events", "POST /api/integrations/sms-status"])
    const doc = (await agent.get("/api/openapi.json")).body
    for (const [path, header] of [
      ["/api/integrations/sms-status", "x-gateway-signature"],
      ["/api/integrations/call-events", "x-callcenter-signature"]
    ] as const) {
      const op = doc.paths[path].post
      expect(op.security).toEqual([])
      expect(op.parameters).toContainEqual(expect.objectContaining({ name: header, in: "header", required: true }))
      expect(op.description).toContain("signature")
      expect(op.responses["401"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/Error" })
      expect(op.requestBody.content["application/json"].schema.type).toBe("object")
    }
    expect(doc.components.schemas.Error.properties.error.properties.code.enum).toContain("bad_signature")
  })
})

describe("without integrations", () => {
  let server: RunningServer
  beforeAll(async () => {
    server = await startTestServer()
  })
  afterAll(() => server?.close())

  it("mounts no signed route and runs no dispatcher; the paths answer like any unknown path", async () => {
    expect(server.router.list().filter((r) => r.access === "signed")).toEqual([])
    expect(server.webhooks).toBeUndefined()
    const body = JSON.stringify({ messageId: "gw-1", reference: "wi-1:1", status: "delivered" })
    for (const path of ["/api/integrations/sms-status", "/api/integrations/call-events"]) {
      const anonymous = await postRaw(server, path, body, { "x-gateway-signature": signPayload(smsSecret, body, now()), "x-callcenter-signature": signPayload(pbxSecret, body, now()) })
      expect(anonymous.status).toBe(401)
      expect(anonymous.body.error.code).toBe("unauthenticated")
      const agent = await loginAs(server, demoLogins.agent)
      const known = await agent.post(path, JSON.parse(body))
      expect(known.status).toBe(404)
      expect(known.body.error.code).toBe("not_found")
    }
  })
})

describe("the webhook dispatcher's lifecycle", () => {
  it("reports a failing receiver without the secret, keeps serving, and delivers once it recovers", async () => {
    const receiver = await startReceiver()
    receiver.status = 500
    const logs: Array<string> = []
    const server = await startTestServer(memoryStorage(), { integrations: integrations(receiver, { smsStatus: undefined, callEvents: undefined }, logs) })
    try {
      const agent = await loginAs(server, demoLogins.agent)
      const work = await openWork(agent, new Set())
      expect((await agent.post("/api/calls", { customerId: work.customerId, itemIds: [work.itemIds[0]], disposition: "completed", complete: true })).status).toBe(200)
      await waitFor("a reported failure", () => logs.some((l) => l.startsWith("warn")))
      expect((await client(server).get("/health")).status).toBe(200)
      const warning = logs.find((l) => l.startsWith("warn"))!
      expect(warning).toContain("127.0.0.1")
      expect(warning).toContain("500")
      expect(logs.join("\n")).not.toContain(hookSecret)
      const stuck = await server.webhooks!.status()
      expect(stuck.failures).toBeGreaterThanOrEqual(1)
      expect(stuck.failingEventId).toMatch(/^evt_\d+$/)
      expect(receiver.received).toEqual([])
      // Recovery: the event it was stuck on is delivered first, then the rest.
      receiver.status = 200
      await waitFor("the stuck event", () => receiver.received.length > 0)
      expect(eventsOf(receiver)[0]!.id).toBe(stuck.failingEventId)
      await waitFor("the recovery notice", () => logs.some((l) => l.startsWith("info") && l.includes("again")))
      expect((await server.webhooks!.status()).failures).toBe(0)
    } finally {
      await server.close()
      await receiver.close()
    }
  })

  it.each([
    { name: "memory", open: async () => memoryStorage() as { stores: Stores; close: () => Promise<void> } | OpenStorage },
    { name: "pglite", open: pgliteCase.open }
  ])("resumes from the persisted cursor after a restart on $name, and close() drains the run in flight", async ({ open }) => {
    const receiver = await startReceiver()
    const storage = await open()
    // The first server must not close the storage: the second one starts on it.
    const first = await startTestServer({ ...storage, close: async () => {} }, { integrations: integrations(receiver) })
    let second: RunningServer | undefined
    try {
      // Idle: the cursor has caught up with the audit log.
      const head = await auditEntries(first)
      for (let i = 0; i < 200; i++) {
        const seen = eventsOf(receiver).length
        await sleep(150)
        if (eventsOf(receiver).length === seen && (await first.webhooks!.status()).seq >= head) break
      }
      const delivered = new Set(eventsOf(receiver).map((e) => e.id))
      // A slow receiver: close() while a delivery is in flight waits for it.
      receiver.delayMs = 400
      const agent = await loginAs(first, demoLogins.agent)
      const work = await openWork(agent, new Set())
      expect((await agent.post("/api/calls", { customerId: work.customerId, itemIds: [work.itemIds[0]], disposition: "completed", complete: true })).status).toBe(200)
      await waitFor("a delivery in flight", () => receiver.inFlight > 0)
      await first.close()
      expect(receiver.inFlight).toBe(0)
      const taken = eventsOf(receiver).find((e) => e.data.workItemId === work.itemIds[0])
      expect(taken).toBeDefined()
      const count = receiver.received.length
      await sleep(400)
      expect(receiver.received.length).toBe(count)
      delivered.add(taken!.id)

      // The second server on the same database: nothing already delivered is sent again.
      receiver.delayMs = 0
      second = await startTestServer(storage, { integrations: integrations(receiver) })
      const agent2 = await loginAs(second, demoLogins.agent)
      const next = await openWork(agent2, new Set([work.customerId]))
      expect((await agent2.post("/api/calls", { customerId: next.customerId, itemIds: [next.itemIds[0]], disposition: "completed", complete: true })).status).toBe(200)
      await waitFor("the new event", () => eventsOf(receiver).some((e) => e.data.workItemId === next.itemIds[0]))
      await sleep(300)
      const ids = eventsOf(receiver).map((e) => e.id)
      expect(new Set(ids).size).toBe(ids.length)
      const afterRestart = eventsOf(receiver).slice(count)
      expect(afterRestart.filter((e) => delivered.has(e.id))).toEqual([])
      expect(afterRestart.map((e) => e.data.workItemId)).toContain(next.itemIds[0])
    } finally {
      await first.close()
      await second?.close()
      if (!second) await storage.close()
      await receiver.close()
    }
  })
})

describe("configuration from the environment", () => {
  it("mounts nothing when nothing is set", () => {
    expect(integrationsFromEnv({})).toBeUndefined()
    expect(integrationsFromEnv({ WINBACK_SMS_CALLBACK_SECRET: "  " })).toBeUndefined()
  })

  it("maps the variables to the options, secrets lists included", () => {
    const o = integrationsFromEnv({
      WINBACK_SMS_CALLBACK_SECRET: `${smsSecret},${smsSecret}-next`,
      WINBACK_CALL_EVENT_SECRET: pbxSecret,
      WINBACK_WEBHOOK_URL: "https://user:pw@crm.example.com/hooks?token=abc",
      WINBACK_WEBHOOK_SECRET: hookSecret,
      WINBACK_WEBHOOK_INTERVAL_MS: "2500",
      WINBACK_WEBHOOK_START_AFTER_SEQ: "42"
    })
    expect(o).toEqual({
      smsStatus: { secret: [smsSecret, `${smsSecret}-next`] },
      callEvents: { secret: pbxSecret },
      webhooks: { url: "https://user:pw@crm.example.com/hooks?token=abc", secret: hookSecret, intervalMs: 2500, startAfterSeq: 42 }
    })
    const banner = describeIntegrations(o!).join("\n")
    expect(banner).toContain("POST /api/integrations/sms-status")
    expect(banner).toContain("https://crm.example.com/hooks")
    for (const secret of [smsSecret, pbxSecret, hookSecret, "pw", "token=abc"]) expect(banner).not.toContain(secret)
  })

  it("refuses an incomplete or malformed webhook setting without echoing the values", () => {
    expect(() => integrationsFromEnv({ WINBACK_WEBHOOK_URL: "https://crm.example.com/hooks" })).toThrow(/WINBACK_WEBHOOK_SECRET/)
    expect(() => integrationsFromEnv({ WINBACK_WEBHOOK_SECRET: hookSecret })).toThrow(/WINBACK_WEBHOOK_URL/)
    let message = ""
    try {
      integrationsFromEnv({ WINBACK_WEBHOOK_URL: "https://crm.example.com/hooks", WINBACK_WEBHOOK_SECRET: hookSecret, WINBACK_WEBHOOK_INTERVAL_MS: "soon" })
    } catch (e) {
      message = (e as Error).message
    }
    expect(message).toContain("WINBACK_WEBHOOK_INTERVAL_MS")
    expect(message).not.toContain(hookSecret)
  })

  it("refuses a too-short secret at start-up, naming the field but not the value", async () => {
    const weak = "short"
    const err = await startTestServer(memoryStorage(), { integrations: { smsStatus: { secret: weak } } }).then(
      async (s) => {
        await s.close()
        return undefined
      },
      (e: unknown) => e as Error
    )
    expect(err).toBeInstanceOf(Error)
    expect(JSON.stringify({ message: err!.message, issues: (err as { issues?: unknown }).issues })).not.toContain(`"${weak}"`)
  })
})
