import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { Forbidden, NotFound, OfferService } from "@winback/core"
import { item, worldWith } from "./pipelineFixtures"

const offer = (id: string, cost: number, requiresApproval: boolean) => ({
  id, name: id, kind: "bonus-credit" as const, cost, description: "", active: true, requiresApproval, version: 1
})

describe("OfferService", () => {
  it("records uses on the item with their cost; costly ones wait for a leader who is not the proposer", async () => {
    const w = await worldWith((w) =>
      Effect.gen(function* () {
        yield* w.stores.offers.insert(offer("of-50", 50, false))
        yield* w.stores.offers.insert(offer("of-1500", 1500, true))
        yield* w.stores.workItems.insertMany([item("wi-1", { customerId: "c-1" })])
      })
    )
    const agent = await w.actor("m-a1")
    const leader = await w.actor("m-lead-a")
    const otherLeader = await w.actor("m-lead-b")
    const cheap = await w.run(Effect.flatMap(OfferService, (o) => o.use(agent, { workItemId: "wi-1", offerId: "of-50", accepted: true })))
    expect(cheap).toMatchObject({ status: "approved", cost: 50, managerId: "m-a1", customerId: "c-1" })
    const costly = await w.run(Effect.flatMap(OfferService, (o) => o.use(agent, { workItemId: "wi-1", offerId: "of-1500", accepted: true })))
    expect(costly.status).toBe("proposed")
    expect((await Effect.runPromise(w.stores.workItems.get("wi-1"))).offerUses).toEqual([cheap.id, costly.id])

    expect(await w.fail(Effect.flatMap(OfferService, (o) => o.decide(agent, { customerId: "c-1", offerUseId: costly.id, decision: "approved" })))).toBeInstanceOf(Forbidden)
    expect(await w.fail(Effect.flatMap(OfferService, (o) => o.decide(otherLeader, { customerId: "c-1", offerUseId: costly.id, decision: "approved" })))).toBeInstanceOf(NotFound)
    const approved = await w.run(Effect.flatMap(OfferService, (o) => o.decide(leader, { customerId: "c-1", offerUseId: costly.id, decision: "approved", comment: "worth keeping" })))
    expect(approved.approvals).toMatchObject([{ by: "m-lead-a", decision: "approved", comment: "worth keeping" }])
    expect((await w.fail(Effect.flatMap(OfferService, (o) => o.decide(leader, { customerId: "c-1", offerUseId: costly.id, decision: "rejected" }))))._tag).toBe("Conflict")

    const uses = await w.run(Effect.flatMap(OfferService, (o) => o.usesOf(agent, "c-1")))
    expect(uses.map((u) => [u.offerId, u.status])).toEqual([["of-50", "approved"], ["of-1500", "approved"]])
    // The trail is the tamper-evident audit chain.
    expect((await Effect.runPromise(w.stores.audit.verify())).ok).toBe(true)
  })
})
