/**
 * SMS work over real HTTP: templates (read by everyone, written by admins and directors only,
 * unknown fields refused, length and segments measured, audited), the preview and batch send of
 * the demo dunning task (SMS do-not-disturb withheld and shown, the arrears amount in the text),
 * the delivery status from the gateway's receipts, and — with the HTTP gateway (msw) — a retry
 * after a gateway failure that reuses each item's idempotency key, then a signed "failed" receipt.
 * Contact hours are off in these servers (the server runs on the wall clock).
 */
import { http, HttpResponse } from "msw"
import { setupServer } from "msw/node"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { ContactPolicy } from "@winback/core"
import { Effect } from "effect"
import { HttpSmsGateway, IntegrationState, PgliteStorage, PostgresStorage, signPayload } from "@winback/adapters"
import { seedIfEmpty } from "../src/demo"
import { demoSmsIds } from "../src/sms/demo"
import type { RunningServer } from "../src/server"
import { asOf, client, demoLogins, demoOrg, demoShape, loginAs, memoryStorage, startTestServer } from "./support"

type Client = Awaited<ReturnType<typeof loginAs>>
const workConfig = { contact: ContactPolicy.parse({ hours: {}, frequency: {} }) }
/** The test demo with its SMS work. */
const seed = seedIfEmpty({ customers: 300, asOf, demo: demoShape, sms: true })
const task = demoSmsIds.task

describe("SMS over HTTP (local gateway)", () => {
  let server: RunningServer
  let [agent, director, otherAgent] = [] as unknown as [Client, Client, Client]
  beforeAll(async () => {
    server = await startTestServer(memoryStorage(), { calendar: null, workConfig, seed })
    agent = await loginAs(server, demoLogins.agent)
    director = await loginAs(server, demoLogins.director)
    // An agent of the other region: neither the agent's items nor their customers are in reach.
    const other = demoOrg.managers.find((m) => m.roles.includes("agent") && m.region !== demoOrg.managers.find((x) => x.id === demoLogins.agent)!.region)!
    otherAgent = await loginAs(server, other.id)
  })
  afterAll(() => server?.close())

  it("templates: everyone reads them; only admins and directors write; unknown fields are refused; changes are audited", async () => {
    const list = await agent.get("/api/sms/templates")
    expect(list.status).toBe(200)
    expect(list.body.fields).toEqual(["name", "tier", "region", "contractEnd", "arrears", "billMonth", "dueDate"])
    expect(list.body.items.map((t: { id: string }) => t.id).sort()).toEqual(["birthday", "dunning"])
    const dunning = list.body.items.find((t: { id: string }) => t.id === "dunning")
    expect(dunning.check).toMatchObject({ unknownFields: [], encoding: "gsm-7", segments: 1 })

    const put = { name: "Late fee", text: "Dear {{name}}, {{arrears}} is overdue since {{dueDate}}." }
    expect((await agent.call("PUT", "/api/sms/templates/late-fee", put)).status).toBe(403)
    const bad = await director.call("PUT", "/api/sms/templates/late-fee", { ...put, text: "Dear {{name}}, your {{bill}} is due {{dueDay}}" })
    expect(bad.status).toBe(400)
    expect(bad.body.error.details.map((d: { path: Array<string>; code: string }) => [d.path.join("."), d.code])).toEqual([
      ["text.bill", "unknown-field"],
      ["text.dueDay", "unknown-field"]
    ])
    const saved = await director.call("PUT", "/api/sms/templates/late-fee", put)
    expect(saved.status).toBe(200)
    expect(saved.body).toMatchObject({ id: "late-fee", version: 1, updatedBy: demoLogins.director })
    // A change on a stale version loses: 409.
    expect((await director.call("PUT", "/api/sms/templates/late-fee", { ...put, name: "Again" })).status).toBe(409)
    expect((await director.call("PUT", "/api/sms/templates/late-fee", { ...put, name: "Late fee v2", version: 1 })).body.version).toBe(2)
    expect((await agent.del("/api/sms/templates/late-fee")).status).toBe(403)
    // Archiving keeps the template readable (with `archived=true`) but no longer offers it for sending.
    const archived = await director.del("/api/sms/templates/late-fee")
    expect(archived.status).toBe(200)
    expect(archived.body).toMatchObject({ id: "late-fee", archived: true, version: 3 })
    expect((await director.del("/api/sms/templates/late-fee")).body.error.details.kind).toBe("wrong-state")
    expect((await agent.get("/api/sms/templates")).body.items.map((t: { id: string }) => t.id)).not.toContain("late-fee")
    expect((await agent.get("/api/sms/templates?archived=true")).body.items.find((t: { id: string }) => t.id === "late-fee")).toMatchObject({ archived: true, text: put.text, editable: false })
    const refused = await agent.post(`/api/sms/tasks/${task}/preview`, { templateId: "late-fee" })
    expect([refused.status, refused.body.error.details.kind]).toEqual([409, "wrong-state"])
    const audit = await director.get(`/api/audit?limit=200`)
    const actions = (audit.body.items as Array<{ action: string; recordId: string }>).filter((e) => e.recordId === "late-fee").map((e) => e.action)
    expect(actions.sort()).toEqual(["sms-template.archive", "sms-template.save", "sms-template.save"])
  })

  it("templates belong to teams: a squad or district admin writes their subtree's, uses their ancestors' read-only, and never sees another subtree's", async () => {
    const [district, squadLead, otherSquadLead, shDirector] = (await Promise.all(
      [demoLogins.districtLeader, demoLogins.teamLeader, "m-beijing-d1-s2-lead", demoOrg.managers.find((m) => m.region === "shanghai" && m.roles.includes("director"))!.id].map((id) => loginAs(server, id))
    )) as [Client, Client, Client, Client]
    const ids = async (c: Client) => ((await c.get("/api/sms/templates")).body.items as Array<{ id: string; teamId: string; editable: boolean }>).map((t) => `${t.id}@${t.teamId}${t.editable ? " (edit)" : ""}`).sort()
    // The demo's templates are the center's (the root team's): the director's to change, everyone's in Beijing to use.
    const d1 = await district.call("PUT", "/api/sms/templates/d1-notice", { name: "District notice", text: "Dear {{name}}, a note from your district." })
    expect(d1.body).toMatchObject({ teamId: "t-beijing-d1", version: 1 })
    const s1 = await squadLead.call("PUT", "/api/sms/templates/s1-notice", { name: "Squad notice", text: "Dear {{name}}, a note from your squad." })
    expect(s1.body).toMatchObject({ teamId: "t-beijing-d1-s1", version: 1 })
    expect(await ids(squadLead)).toEqual(["birthday@t-beijing", "d1-notice@t-beijing-d1", "dunning@t-beijing", "s1-notice@t-beijing-d1-s1 (edit)"])
    expect(await ids(agent)).toEqual(["birthday@t-beijing", "d1-notice@t-beijing-d1", "dunning@t-beijing", "s1-notice@t-beijing-d1-s1"])
    expect(await ids(district)).toEqual(["birthday@t-beijing", "d1-notice@t-beijing-d1 (edit)", "dunning@t-beijing", "s1-notice@t-beijing-d1-s1 (edit)"])
    expect(await ids(otherSquadLead)).toEqual(["birthday@t-beijing", "d1-notice@t-beijing-d1", "dunning@t-beijing"])
    expect(await ids(shDirector)).toEqual([])
    expect(await ids(director)).toContain("s1-notice@t-beijing-d1-s1 (edit)")

    // An ancestor's template or team: 403 (the squad leader sees it); another subtree's: 404 (as an unknown id).
    const dunning = { name: "Dunning reminder", text: "Dear {{name}}, please pay {{arrears}}.", version: 1 }
    expect((await squadLead.call("PUT", "/api/sms/templates/dunning", dunning)).status).toBe(403)
    expect((await squadLead.del("/api/sms/templates/dunning")).status).toBe(403)
    expect((await squadLead.call("PUT", "/api/sms/templates/d1-notice", { name: "x", text: "x", version: 1 })).status).toBe(403)
    expect((await squadLead.call("PUT", "/api/sms/templates/s1-root", { name: "x", text: "x", teamId: "t-beijing" })).status).toBe(403)
    for (const c of [otherSquadLead, shDirector]) {
      expect((await c.call("PUT", "/api/sms/templates/s1-notice", { name: "x", text: "x", version: 1 })).status).toBe(404)
      expect((await c.del("/api/sms/templates/s1-notice")).status).toBe(404)
    }
    expect((await shDirector.del("/api/sms/templates/dunning")).status).toBe(404)
    // An id another subtree holds cannot be created again; nothing about it is said beyond "taken".
    const taken = await otherSquadLead.call("PUT", "/api/sms/templates/s1-notice", { name: "Mine", text: "Hello {{name}}" })
    expect([taken.status, taken.body.error.details.kind]).toEqual([409, "already-exists"])
    expect(JSON.stringify(taken.body)).not.toContain("t-beijing-d1-s1")
    // Names are unique within a team (case aside), not across teams.
    const dup = await squadLead.call("PUT", "/api/sms/templates/s1-again", { name: "squad NOTICE", text: "Hi {{name}}" })
    expect([dup.status, dup.body.error.details.kind]).toEqual([409, "already-exists"])
    expect((await district.call("PUT", "/api/sms/templates/d1-squad-notice", { name: "Squad notice", text: "Hi {{name}}" })).status).toBe(200)
    // The district admin edits the squad's template; the root admin edits the center's.
    expect((await district.call("PUT", "/api/sms/templates/s1-notice", { name: "Squad notice", text: "Dear {{name}}, from your district.", version: 1 })).body).toMatchObject({ version: 2, updatedBy: demoLogins.districtLeader })

    // Sending uses only visible templates: the squad's agent uses the squad's, another region's agent cannot name it.
    const own = await agent.post(`/api/sms/tasks/${task}/preview`, { templateId: "s1-notice" })
    expect(own.status).toBe(200)
    expect(own.body.items.every((i: { text: string }) => i.text.endsWith(", from your district."))).toBe(true)
    expect((await otherAgent.post(`/api/sms/tasks/${task}/preview`, { templateId: "s1-notice" })).status).toBe(404)
    expect((await otherAgent.post(`/api/sms/tasks/${task}/send`, { templateId: "s1-notice" })).status).toBe(404)
    // Nothing refused was written: the audit holds the accepted changes only.
    const audit = (await director.get("/api/audit?limit=200")).body.items as Array<{ action: string; recordId: string }>
    expect(audit.filter((e) => ["s1-notice", "d1-notice", "s1-again", "s1-root", "dunning"].includes(e.recordId) && e.action.startsWith("sms-template")).map((e) => `${e.action} ${e.recordId}`).sort()).toEqual([
      "sms-template.save d1-notice",
      "sms-template.save dunning",
      "sms-template.save s1-notice",
      "sms-template.save s1-notice"
    ])
  })

  it("measures length and segments: Chinese text is UCS-2, 70 characters in one message, 67 per part", async () => {
    const zh = await agent.post("/api/sms/templates/check", { text: `尊敬的{{name}}，${"请缴费。".repeat(20)}` })
    expect(zh.body).toMatchObject({ fields: ["name"], unknownFields: [], encoding: "ucs-2", length: 88, segments: 2 })
    const en = await agent.post("/api/sms/templates/check", { text: "Hi {{nickname}}" })
    expect(en.body).toMatchObject({ unknownFields: ["nickname"], encoding: "gsm-7", length: 3, segments: 1 })
  })

  it("fills {{tier}} and {{region}} in the template's language: 金卡 and the region's name in a Chinese text, Gold in an English one, never the codes", async () => {
    const roots = new Map(((await agent.get("/api/teams?parentId=root&limit=200")).body.items as Array<{ region: string; name: string }>).map((t) => [t.region, t.name]))
    const tiers = { "zh-CN": { regular: "普通", silver: "银卡", gold: "金卡", diamond: "钻石" }, en: { regular: "Regular", silver: "Silver", gold: "Gold", diamond: "Diamond" } } as const
    for (const [id, text, lang] of [
      ["tier-zh", "尊敬的{{tier}}客户{{name}}（{{region}}），感谢您的支持。", "zh-CN"],
      ["tier-en", "Dear {{tier}} customer {{name}} of {{region}}, thank you.", "en"]
    ] as const) {
      expect((await director.call("PUT", `/api/sms/templates/${id}`, { name: id, text })).status).toBe(200)
      const preview = await agent.post(`/api/sms/tasks/${task}/preview`, { templateId: id })
      expect(preview.status).toBe(200)
      const items = preview.body.items as Array<{ customerId: string; text: string }>
      expect(items.length).toBeGreaterThan(0)
      for (const i of items) {
        const c = await server.winback.stores.customers.get(i.customerId)
        const tier = tiers[lang][c.tier as keyof (typeof tiers)[typeof lang]]
        expect(i.text).toBe(text.replace("{{tier}}", tier).replace("{{name}}", c.name).replace("{{region}}", roots.get(c.region)!))
      }
      expect((await director.del(`/api/sms/templates/${id}`)).status).toBe(200)
    }
  })

  it("a team leader previews the whole team's batch at once (everyone): every member's items, no other team's; not with assigneeId", async () => {
    const leader = await loginAs(server, demoLogins.teamLeader)
    const team = (await leader.get("/api/team-work")).body as { members: Array<{ managerId: string }> }
    const perMember = (await Promise.all(team.members.map(async (m) => (await leader.post(`/api/sms/tasks/${task}/preview`, { templateId: "birthday", assigneeId: m.managerId })).body.items as Array<{ itemId: string }>))).flat()
    const all = await leader.post(`/api/sms/tasks/${task}/preview`, { templateId: "birthday", everyone: true })
    expect(all.status).toBe(200)
    const ids = (all.body.items as Array<{ itemId: string }>).map((i) => i.itemId).sort()
    expect(ids.length).toBeGreaterThan(0)
    expect(ids).toEqual(perMember.map((i) => i.itemId).sort())
    // Every one of them is an item of the leader's team, as storage holds it.
    for (const id of ids) expect(team.members.map((m) => m.managerId)).toContain((await server.winback.stores.workItems.get(id)).assigneeId)
    const deliveries = await leader.get(`/api/sms/tasks/${task}/deliveries?everyone=true`)
    expect((deliveries.body.items as Array<{ itemId: string }>).map((i) => i.itemId)).toEqual(expect.arrayContaining(ids))
    // An agent's "everyone" is their own items: the scope bounds it.
    const agentAll = await agent.post(`/api/sms/tasks/${task}/preview`, { templateId: "birthday", everyone: true })
    expect((agentAll.body.items as Array<{ itemId: string }>).map((i) => i.itemId).sort()).toEqual(((await agent.post(`/api/sms/tasks/${task}/preview`, { templateId: "birthday" })).body.items as Array<{ itemId: string }>).map((i) => i.itemId).sort())
    // One or the other.
    const both = await leader.post(`/api/sms/tasks/${task}/send`, { templateId: "birthday", everyone: true, assigneeId: demoLogins.agent })
    expect(both.status).toBe(400)
    expect((await leader.get(`/api/sms/tasks/${task}/deliveries?everyone=true&assigneeId=${demoLogins.agent}`)).status).toBe(400)
    expect(server.localSms!.messages).toEqual([])
  })

  it("preview shows the rendered texts and withholds the customer on SMS do-not-disturb; send skips them, delivery is recorded", async () => {
    // The task's dunning template quotes the unpaid bill; a customer without one lacks its fields.
    const dunning = await agent.post(`/api/sms/tasks/${task}/preview`, {})
    expect(dunning.status).toBe(200)
    expect(dunning.body.templateId).toBe("dunning")
    for (const i of dunning.body.items as Array<{ text: string | null; missingFields: Array<string> }>) {
      if (i.text === null) expect(i.missingFields).toEqual(["arrears", "billMonth", "dueDate"])
      else expect(i.text).toMatch(/^Dear .+, your bill of \d+\.\d\d yuan for \d{4}-\d\d was due on \d{4}-\d\d-\d\d\./)
    }
    expect(dunning.body.items.some((i: { text: string | null }) => i.text !== null)).toBe(true)
    // The birthday template renders for everyone: the rest of the journey sends it.
    const before = await agent.post(`/api/sms/tasks/${task}/preview`, { templateId: "birthday" })
    const items = before.body.items as Array<{ itemId: string; customerId: string; text: string; withheld: Array<{ code: string }>; segments: number; phone: string }>
    expect(items.length).toBeGreaterThanOrEqual(2)
    for (const i of items) {
      expect(i.text).toMatch(/^Happy birthday, .+! Thank you for staying with us\.$/)
      expect(i.phone).toContain("****")
    }
    // DND on SMS for the first customer: withheld in the preview, skipped by the send.
    const dndCustomer = items[0]!.customerId
    expect((await agent.post("/api/dnd", { customerId: dndCustomer, channel: "sms", reason: "asked for no SMS", source: "customer-request" })).status).toBe(201)
    const preview = await agent.post(`/api/sms/tasks/${task}/preview`, { templateId: "birthday" })
    const withheld = preview.body.items.filter((i: { withheld: Array<unknown> }) => i.withheld.length > 0)
    expect(withheld.map((i: { customerId: string; withheld: Array<{ code: string }> }) => [i.customerId, i.withheld.map((w) => w.code)])).toEqual([[dndCustomer, ["dnd"]]])
    expect(preview.body.sendable).toBe(items.length - 1)

    const sent = await agent.post(`/api/sms/tasks/${task}/send`, { templateId: "birthday" })
    expect(sent.status).toBe(200)
    expect(sent.body.sent).toHaveLength(items.length - 1)
    expect(sent.body.skipped).toEqual([{ itemId: items[0]!.itemId, reasons: [expect.objectContaining({ code: "dnd" })] }])
    // The local gateway took one message per item, keyed by item and attempt, with the preview's text.
    const messages = server.localSms!.messages
    expect(messages.map((m) => m.idempotencyKey).sort()).toEqual(items.slice(1).map((i) => `${i.itemId}:1`).sort())
    expect(messages.map((m) => m.text).sort()).toEqual(items.slice(1).map((i) => i.text).sort())

    const deliveries = await agent.get(`/api/sms/tasks/${task}/deliveries`)
    expect(deliveries.body.counts).toEqual({ "not-sent": 1, sent: 0, delivered: items.length - 1, failed: 0 })
    const done = deliveries.body.items.find((i: { itemId: string }) => i.itemId === items[1]!.itemId)
    expect(done).toMatchObject({ state: "completed", status: "delivered", messages: [{ status: "delivered" }] })
    // Sending again sends nothing more: the delivered items are complete, the DND one still withheld.
    const again = await agent.post(`/api/sms/tasks/${task}/send`, { templateId: "birthday" })
    expect(again.body.sent).toEqual([])
    expect(server.localSms!.messages).toHaveLength(items.length - 1)

    // The text the messages went out with stays on the delivery view after the template is changed and archived.
    const birthday = (await director.get("/api/sms/templates")).body.items.find((t: { id: string }) => t.id === "birthday")
    const sentText = birthday.text
    expect((await director.call("PUT", "/api/sms/templates/birthday", { name: birthday.name, text: "Happy birthday {{name}}!", version: birthday.version })).status).toBe(200)
    expect((await director.del("/api/sms/templates/birthday")).status).toBe(200)
    expect((await agent.post(`/api/sms/tasks/${task}/send`, { templateId: "birthday" })).status).toBe(409)
    const after = await agent.get(`/api/sms/tasks/${task}/deliveries`)
    expect(after.body.texts).toEqual([expect.objectContaining({ templateId: "birthday", version: birthday.version, text: sentText, archived: true, messages: items.length - 1 })])
    // Another region's agent sees none of them (the template is not theirs to see).
    expect((await otherAgent.get(`/api/sms/tasks/${task}/deliveries`)).body.texts).toEqual([])
  })

  it("scope: another region's agent gets 403 sending and 404 reading the agent's items; a phone task is not SMS work (409); bad input 400", async () => {
    // Another region's agent naming the agent's work: the send is refused (403), the reads are 404.
    const foreign = await otherAgent.post(`/api/sms/tasks/${task}/send`, { assigneeId: demoLogins.agent })
    expect(foreign.status).toBe(403)
    expect((await otherAgent.post(`/api/sms/tasks/${task}/preview`, { assigneeId: demoLogins.agent })).status).toBe(404)
    expect((await otherAgent.get(`/api/sms/tasks/${task}/deliveries?assigneeId=${demoLogins.agent}`)).status).toBe(404)
    // Their own view of the task holds none of the agent's items.
    expect((await otherAgent.get(`/api/sms/tasks/${task}/deliveries`)).body.items).toEqual([])
    expect(server.localSms!.messages.filter((m) => m.idempotencyKey.endsWith(":2"))).toEqual([])
    const phoneTask = await agent.post("/api/sms/tasks/demo-retention-bill-drop/preview", {})
    expect(phoneTask.status).toBe(409)
    expect((await agent.post(`/api/sms/tasks/${task}/send`, { templateId: "No Such Id!" })).status).toBe(400)
    expect((await agent.post(`/api/sms/tasks/${task}/preview`, { templateId: "missing" })).status).toBe(404)
    expect((await client(server).get("/api/sms/templates")).status).toBe(401)
  })
})

describe("SMS over HTTP (HTTP gateway, msw)", () => {
  const gatewayUrl = "https://sms.example.test/v1/messages"
  const secret = "sms-callback-secret-0123456789"
  const requests: Array<{ key: string; to: string }> = []
  let down = true
  const mock = setupServer(
    http.post(gatewayUrl, async ({ request }) => {
      const body = (await request.json()) as { to: string; reference: string }
      requests.push({ key: request.headers.get("idempotency-key")!, to: body.to })
      if (down) return HttpResponse.json({ error: "maintenance" }, { status: 503 })
      return HttpResponse.json({ messageId: `gw-${body.reference}`, status: "queued" })
    })
  )
  let server: RunningServer
  let agent: Client
  beforeAll(async () => {
    mock.listen({ onUnhandledRequest: "bypass" })
    server = await startTestServer(memoryStorage(), {
      calendar: null,
      workConfig,
      seed,
      smsGateway: HttpSmsGateway.layer({ url: gatewayUrl, authorization: "Bearer test", retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } }),
      integrations: { smsStatus: { secret } }
    })
    agent = await loginAs(server, demoLogins.agent)
  })
  afterAll(async () => {
    await server?.close()
    mock.close()
  })

  it("a gateway failure fails the items; the retry reuses each item's idempotency key; a signed 'failed' receipt shows as failed", async () => {
    const first = await agent.post(`/api/sms/tasks/${task}/send`, { templateId: "birthday" })
    expect(first.status).toBe(200)
    expect(first.body.sent).toEqual([])
    const itemIds = (first.body.failed as Array<{ itemId: string; retryable: boolean }>).map((f) => f.itemId)
    expect(itemIds.length).toBeGreaterThanOrEqual(2)
    const keysDown = new Set(requests.map((r) => r.key))
    expect([...keysDown].sort()).toEqual(itemIds.map((id) => `${id}:1`).sort())
    // Nothing was recorded on the items: still not sent.
    expect((await agent.get(`/api/sms/tasks/${task}/deliveries`)).body.counts["not-sent"]).toBe(itemIds.length)

    down = false
    requests.length = 0
    const retry = await agent.post(`/api/sms/tasks/${task}/send`, { templateId: "birthday" })
    expect(retry.body.failed).toEqual([])
    expect(retry.body.sent.map((s: { itemId: string; status: string }) => [s.itemId, s.status]).sort()).toEqual(itemIds.map((id) => [id, "accepted"]).sort())
    // The same keys as the failed run: a gateway that did take a message before its 503 sends it once.
    expect(requests.map((r) => r.key).sort()).toEqual([...keysDown].sort())

    const failedItem = itemIds[0]!
    const receipt = JSON.stringify({ messageId: `gw-${failedItem}:1`, reference: `${failedItem}:1`, status: "undelivered", detail: "absent subscriber" })
    const res = await fetch(`${server.url}/api/integrations/sms-status`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-gateway-signature": signPayload(secret, receipt, Math.floor(Date.now() / 1000)) },
      body: receipt
    })
    expect(res.status).toBe(200)
    const deliveries = await agent.get(`/api/sms/tasks/${task}/deliveries`)
    expect(deliveries.body.counts).toMatchObject({ "not-sent": 0, sent: itemIds.length - 1, failed: 1 })
    expect(deliveries.body.items.find((i: { itemId: string }) => i.itemId === failedItem)).toMatchObject({ status: "failed", messages: [{ messageId: `gw-${failedItem}:1`, status: "failed" }] })
  })
})

/**
 * Saves on real SQL storage: two saves of one version at once (one wins, the other is a 409 and
 * writes nothing), the same for two creations of one name in one team, and the templates stored
 * before they had owners migrating to the root of their writer's tree.
 */
const concurrencySuite = (open: () => Promise<Awaited<ReturnType<typeof PgliteStorage.open>>>) => {
  let server: RunningServer
  let director: Client
  let squadLead: Client
  beforeAll(async () => {
    const storage = await open()
    // Before the server: a template list as the previous release stored it (no team, no archive flag).
    const legacy = [{ id: "old-notice", name: "Old notice", text: "Dear {{name}}, hello.", version: 4, updatedAt: `${asOf}T08:00:00.000Z`, updatedBy: demoLogins.districtLeader }]
    await Effect.runPromise(
      Effect.gen(function* () {
        yield* (yield* IntegrationState).put("sms.templates", legacy)
      }).pipe(Effect.provide(IntegrationState.pg(storage.driver)))
    )
    server = await startTestServer(storage, { calendar: null, workConfig })
    director = await loginAs(server, demoLogins.director)
    squadLead = await loginAs(server, demoLogins.teamLeader)
  }, 120_000)
  afterAll(() => server?.close())

  it("migrates the templates stored without a team to the root of their writer's tree, keeping their version", async () => {
    const list = (await squadLead.get("/api/sms/templates")).body.items
    expect(list).toEqual([expect.objectContaining({ id: "old-notice", teamId: "t-beijing", version: 4, archived: false, editable: false })])
    const changed = await director.call("PUT", "/api/sms/templates/old-notice", { name: "Old notice", text: "Dear {{name}}, hello again.", version: 4 })
    expect(changed.body).toMatchObject({ teamId: "t-beijing", version: 5 })
  })

  it("two saves of the same version at once: exactly one wins, the other is a stale-version 409 and is not stored", async () => {
    const created = await squadLead.call("PUT", "/api/sms/templates/race", { name: "Race", text: "Hello {{name}}" })
    expect(created.status).toBe(200)
    for (let round = 0; round < 3; round++) {
      const version = created.body.version + round
      const texts = [`A${round} {{name}}`, `B${round} {{name}}`]
      const answers = await Promise.all(texts.map((text) => squadLead.call("PUT", "/api/sms/templates/race", { name: "Race", text, version })))
      expect(answers.map((a) => a.status).sort()).toEqual([200, 409])
      const winner = answers.find((a) => a.status === 200)!
      const loser = answers.find((a) => a.status === 409)!
      expect(loser.body.error.details.kind).toBe("stale-version")
      expect(winner.body.version).toBe(version + 1)
      // What is stored is the winner's text, at the next version.
      const stored = (await squadLead.get("/api/sms/templates")).body.items.find((t: { id: string }) => t.id === "race")
      expect(stored).toMatchObject({ text: winner.body.text, version: version + 1 })
    }
    const audit = (await director.get("/api/audit?limit=200")).body.items.filter((e: { recordId: string }) => e.recordId === "race")
    expect(audit).toHaveLength(4)
  })

  it("saves of different templates at once all succeed: a write that lost the revision runs again on the winner's state", async () => {
    const ids = ["calm-a", "calm-b", "calm-c", "calm-d"]
    const answers = await Promise.all(ids.map((id) => squadLead.call("PUT", `/api/sms/templates/${id}`, { name: id, text: `Hello {{name}} from ${id}` })))
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200])
    const stored = (await squadLead.get("/api/sms/templates")).body.items.filter((t: { id: string }) => ids.includes(t.id))
    expect(stored.map((t: { id: string; text: string }) => `${t.id}: ${t.text}`).sort()).toEqual(ids.map((id) => `${id}: Hello {{name}} from ${id}`))
  })

  it("two creations of one name in one team at once: one is stored, the other is a 409", async () => {
    const answers = await Promise.all(["twin-a", "twin-b"].map((id) => squadLead.call("PUT", `/api/sms/templates/${id}`, { name: "Twin", text: "Hi {{name}}" })))
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409])
    expect(answers.find((a) => a.status === 409)!.body.error.details.kind).toBe("already-exists")
    expect((await squadLead.get("/api/sms/templates")).body.items.filter((t: { name: string }) => t.name === "Twin")).toHaveLength(1)
  })
}

describe("SMS template saves on PGlite", () => {
  concurrencySuite(() => PgliteStorage.open())
})

const postgresUrl = process.env.WINBACK_TEST_DATABASE_URL
describe.runIf(postgresUrl !== undefined)("SMS template saves on PostgreSQL", () => {
  concurrencySuite(() => PostgresStorage.open({ url: postgresUrl!, schema: `t_sms_tpl_${process.pid}_${Date.now().toString(36)}` }))
})
