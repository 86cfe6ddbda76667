import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Effect, Layer } from "effect"
import {
  Conflict,
  createWinback,
  currentStores,
  Execution,
  Ids,
  defaultPolicy,
  sequentialIds,
  type StoragePorts,
  type StorageError,
  storesLayer,
  ValidationError,
  type Winback
} from "@winback/core"
import { publish } from "@winback/questionnaire"
// Test-only: core does not depend on adapters, but its facade is proven over real adapters.
import { MemoryStorage } from "../../adapters/src/memory/MemoryStorage"
import { PgliteStorage } from "../../adapters/src/pg/PgStorage"
import { fixtures } from "../../adapters/src/testing/index"

/**
 * The storage with a write racing the call: the first time an item in `raced` is written, the same
 * item is changed first (an attachment added, its version moved on), the way the call center's
 * event for the same call does between the call's read and its write. The call's own write then
 * is stale, and the adapter refuses it with a `stale-version` Conflict. (Both adapters run one
 * transaction at a time, so the racing write lands inside the call's transaction and is undone
 * with it; on PostgreSQL it commits on its own — the reference server's race tests cover that.)
 */
const racedOnce = (inner: Layer.Layer<StoragePorts, StorageError>, raced: ReadonlySet<string>) => {
  const state = { races: 0 }
  const layer = Layer.unwrap(
    Effect.map(currentStores, (s) =>
      storesLayer({
        ...s,
        workItems: {
          ...s.workItems,
          update: (item, expectedVersion) =>
            state.races === 0 && raced.has(item.id)
              ? Effect.gen(function* () {
                  state.races++
                  const current = yield* s.workItems.get(item.id)
                  yield* s.workItems.update(
                    { ...current, attachments: [...current.attachments, { kind: "recording", uri: "https://pbx.example.com/rec/race.wav", addedAt: "2026-11-25T02:00:00.000Z", addedBy: "system" }] },
                    current.version
                  )
                  return yield* s.workItems.update(item, expectedVersion)
                })
              : s.workItems.update(item, expectedVersion)
        }
      })
    )
  ).pipe(Layer.provide(inner))
  return { layer, state }
}

const version = publish({
  id: "retention-callback",
  title: { en: "Retention callback" },
  questions: [
    { id: "reached", type: "singleChoice", text: "Account holder?", required: true, choices: [{ id: "yes", text: "Yes" }, { id: "no", text: "No" }], jumps: [{ when: 'reached == "no"', to: "end" }] },
    { id: "reason", type: "singleChoice", text: "Why leave?", required: true, choices: [{ id: "price", text: "Price" }, { id: "network", text: "Network" }] }
  ]
})

const offer = (id: string, active: boolean) => ({ id, name: id, kind: "bonus-credit" as const, cost: 50, description: "", active, requiresApproval: false, version: 1 })

describe.each([
  ["memory", () => MemoryStorage.layer()],
  ["pglite", () => PgliteStorage.layer()]
])("recording a call through the facade over %s", (_name, storage) => {
  let winback: Winback
  let race: ReturnType<typeof racedOnce>
  const item = (id: string) => fixtures.workItem(id, { customerId: "c-1", taskId: "t-q", assigneeId: "m-1", teamId: "t-a", state: "open" })

  beforeAll(async () => {
    race = racedOnce(storage(), new Set(["wi-race"]))
    winback = await createWinback({ storage: race.layer, policy: defaultPolicy })
    const s = winback.stores
    await s.teams.insert(fixtures.team("t-a", { adminId: "m-lead" }))
    await s.managers.insert(fixtures.manager("m-lead", { roles: ["team-leader"], teamId: "t-a" }))
    await s.managers.insert(fixtures.manager("m-1", { roles: ["agent"], teamId: "t-a" }))
    await s.customers.upsertCustomers([fixtures.customer("c-1", { ownerManagerId: "m-1" })])
    await s.questionnaires.putVersion({ hash: version.hash, questionnaireId: version.id, title: "Retention callback", definition: JSON.parse(JSON.stringify(version.definition)), publishedAt: "2026-11-01T00:00:00.000Z", publishedBy: "m-lead" })
    await s.tasks.insert(fixtures.task("t-q", { status: "active", questionnaireVersion: version.hash } as never))
    await s.offers.insert(offer("of-50", true))
    await s.offers.insert(offer("of-old", false))
    await s.workItems.insertMany(["wi-1", "wi-2", "wi-3", "wi-race", "wi-ids"].map(item))
    // PGlite boots a wasm Postgres: slow when the machine is busy with other test files.
  }, 120_000)
  afterAll(async () => {
    await winback.dispose()
  })

  const calls = async () => (await winback.stores.calls.listByCustomer("c-1")).items
  const audit = async (action: string) => (await winback.stores.audit.query({ customerId: "c-1" }, { limit: 200 })).items.filter((e) => e.action === action)

  it("saves the responses, uses the offers and records the outcome in one call, every change audited", async () => {
    const r = await winback.as("m-1").execution.recordCall({
      customerId: "c-1",
      itemIds: ["wi-1", "wi-2"],
      disposition: "completed",
      complete: true,
      responses: [{ workItemId: "wi-1", answers: { reached: "yes", reason: "price" } }],
      offers: [{ workItemId: "wi-2", offerId: "of-50", accepted: true }]
    })
    expect(r.items.map((w) => [w.id, w.state, w.callSerial])).toEqual([
      ["wi-1", "completed", r.call.serialNumber],
      ["wi-2", "completed", r.call.serialNumber]
    ])
    expect(r.responses).toMatchObject([{ workItemId: "wi-1", completed: true, answers: { reached: "yes", reason: "price" } }])
    expect(r.offerUses).toMatchObject([{ workItemId: "wi-2", offerId: "of-50", status: "approved" }])
    expect(r.items[0]!.responseId).toBe(r.responses[0]!.id)
    expect(r.items[1]!.offerUses).toEqual([r.offerUses[0]!.id])
    expect((await audit("response.save")).map((e) => e.recordId)).toEqual([r.responses[0]!.id])
    expect((await audit("call.record")).map((e) => e.recordId)).toEqual([r.call.serialNumber])
    expect((await winback.stores.audit.verify()).ok).toBe(true)
  })

  it("writes nothing when one part is refused: a retired offer undoes the response and the call", async () => {
    const before = { calls: (await calls()).length, responses: (await audit("response.save")).length }
    const e = await winback
      .as("m-1")
      .execution.recordCall({
        customerId: "c-1",
        itemIds: ["wi-3"],
        disposition: "completed",
        complete: true,
        responses: [{ workItemId: "wi-3", answers: { reached: "yes", reason: "network" } }],
        offers: [{ workItemId: "wi-3", offerId: "of-old", accepted: true }]
      })
      .catch((x: unknown) => x)
    expect(e).toBeInstanceOf(Conflict)
    expect((e as Conflict).kind).toBe("wrong-state")
    const wi3 = await winback.stores.workItems.get("wi-3")
    expect([wi3.state, wi3.responseId, wi3.version]).toEqual(["open", null, 1])
    expect((await calls()).length).toBe(before.calls)
    expect((await audit("response.save")).length).toBe(before.responses)
  })

  it("refuses with a ValidationError, naming every path, a response about an item outside the call and a completed not-reached outcome", async () => {
    const e = await winback
      .as("m-1")
      .execution.recordCall({ customerId: "c-1", itemIds: ["wi-3"], disposition: "no-answer", complete: true, responses: [{ workItemId: "wi-1", answers: {} }], offers: [{ workItemId: "wi-9", offerId: "of-50", accepted: false }] })
      .catch((x: unknown) => x)
    expect(e).toBeInstanceOf(ValidationError)
    expect((e as ValidationError).issues.map((i) => i.path.join(".")).sort()).toEqual(["complete", "offers.0.workItemId", "responses.0.workItemId"])
  })

  it("runs the whole call again when another writer moved an item's version on (a stale version), and keeps one record of it", async () => {
    const before = { calls: (await calls()).length, records: (await audit("call.record")).length }
    const r = await winback.as("m-1").execution.recordCall({
      customerId: "c-1",
      itemIds: ["wi-race"],
      disposition: "completed",
      complete: true,
      responses: [{ workItemId: "wi-race", answers: { reached: "no" } }]
    })
    expect(race.state.races).toBe(1)
    expect(r.items[0]).toMatchObject({ id: "wi-race", state: "completed", responseId: r.responses[0]!.id })
    // The failed attempt left nothing behind: its response, its call record, the write inside it.
    expect(r.items[0]!.attachments).toEqual([])
    expect((await calls()).length).toBe(before.calls + 1)
    expect((await audit("call.record")).length).toBe(before.records + 1)
    expect((await audit("response.save")).filter((e) => e.recordId === r.responses[0]!.id)).toHaveLength(1)
  })

  it("takes the ids of the saved response and offer use from the Ids service", async () => {
    const r = await winback.runAs("m-1", (actor) =>
      Effect.flatMap(Execution, (x) =>
        x.recordCall(actor, {
          customerId: "c-1",
          itemIds: ["wi-ids"],
          disposition: "completed",
          complete: true,
          responses: [{ workItemId: "wi-ids", answers: { reached: "no" } }],
          offers: [{ workItemId: "wi-ids", offerId: "of-50", accepted: false }]
        })
      ).pipe(Effect.provideService(Ids, sequentialIds("call")))
    )
    expect(r.responses.map((x) => x.id)).toEqual(["resp-call-00000001"])
    expect(r.offerUses.map((x) => x.id)).toEqual(["ou-call-00000002"])
  })
})
