/**
 * Conformance of transactions across stores: a transaction commits every store's writes or none,
 * on typed failures and on defects; nested transactions join the outer one; concurrent ones stay whole.
 */
import { Effect, Exit } from "effect"
import { describe, expect, it } from "vitest"
import { NotFound } from "@winback/core"
import * as f from "../fixtures"
import { fail, run, useStorage } from "../harness"
import type { ConformanceTarget } from "../target"

/**
 * Registers the transaction tests for `target` (composed by {@link runConformanceSuite}).
 *
 * @example
 * ```ts
 * describe("storage conformance: memory", () => transactionSuite({ name: "memory", open: openMemory }))
 * ```
 */
export const transactionSuite = (target: ConformanceTarget) =>
  describe("Transactions", () => {
    const stores = useStorage(target)
    class Boom extends Error {}

    it("commits every write of a successful transaction", async () => {
      const s = stores()
      await run(
        s.transactions.transaction(
          Effect.gen(function* () {
            yield* s.tasks.insert(f.task("tx-ok"))
            yield* s.workItems.insertMany([f.workItem("tx-ok-1", { taskId: "tx-ok" })])
            yield* s.ledger.claim(f.ledgerEntry("tx-ok-c", { taskId: "tx-ok" }))
          })
        )
      )
      expect((await run(s.tasks.get("tx-ok"))).id).toBe("tx-ok")
      expect((await run(s.workItems.get("tx-ok-1"))).taskId).toBe("tx-ok")
      expect(await run(s.ledger.get("tx-ok-c", "2026-11-22"))).toBeDefined()
    })

    it("rolls back every store's writes when the transaction fails", async () => {
      const s = stores()
      await run(s.tasks.insert(f.task("tx-existing")))
      const before = await run(s.audit.verify())
      const exit = await Effect.runPromiseExit(
        s.transactions.transaction(
          Effect.gen(function* () {
            yield* s.tasks.insert(f.task("tx-bad"))
            const t = yield* s.tasks.get("tx-existing")
            yield* s.tasks.update({ ...t, status: "closed" }, t.version)
            yield* s.workItems.insertMany([f.workItem("tx-bad-1"), f.workItem("tx-bad-2")])
            yield* s.workItems.complete({ ids: ["tx-bad-1"], customerId: "cust-1", by: "m-1", at: f.at(1), disposition: "completed", callSerial: null })
            yield* s.ledger.claim(f.ledgerEntry("tx-bad-c"))
            yield* s.dnd.add(f.dndEntry("tx-bad-d"))
            yield* s.audit.append({ actorId: "m-1", at: f.at(1), action: "x", category: "system", recordType: "Task", recordId: "tx-bad", customerId: null, before: null, after: null, note: "" })
            yield* s.customers.upsertCustomers([f.customer("tx-bad-cust")])
            return yield* Effect.fail(new Boom("injected failure before commit"))
          })
        )
      )
      expect(Exit.isFailure(exit)).toBe(true)
      expect(await fail(s.tasks.get("tx-bad"))).toBeInstanceOf(NotFound)
      expect((await run(s.tasks.get("tx-existing"))).status).toBe("draft")
      expect(await run(s.workItems.getMany(["tx-bad-1", "tx-bad-2"]))).toEqual([])
      expect(await run(s.ledger.get("tx-bad-c", "2026-11-22"))).toBeUndefined()
      expect([...(await run(s.dnd.blocked(["cust-1"], "phone", f.at(10))))]).toEqual([])
      expect(await run(s.audit.verify())).toEqual(before)
      expect(await fail(s.customers.get("tx-bad-cust"))).toBeInstanceOf(NotFound)
    })

    it("rolls back on a defect (a thrown exception), not only on typed failures", async () => {
      const s = stores()
      const exit = await Effect.runPromiseExit(
        s.transactions.transaction(
          Effect.gen(function* () {
            yield* s.offers.insert(f.offer("tx-defect"))
            yield* Effect.sync(() => {
              throw new Boom("defect")
            })
          })
        )
      )
      expect(Exit.isFailure(exit)).toBe(true)
      expect(await fail(s.offers.get("tx-defect"))).toBeInstanceOf(NotFound)
    })

    it("nested transactions join the outer one: an outer failure undoes the inner writes", async () => {
      const s = stores()
      const exit = await Effect.runPromiseExit(
        s.transactions.transaction(
          Effect.gen(function* () {
            yield* s.transactions.transaction(s.offers.insert(f.offer("tx-inner")))
            return yield* Effect.fail(new Boom("outer fails"))
          })
        )
      )
      expect(Exit.isFailure(exit)).toBe(true)
      expect(await fail(s.offers.get("tx-inner"))).toBeInstanceOf(NotFound)
    })

    it("a transaction sees its own writes", async () => {
      const s = stores()
      const seen = await run(
        s.transactions.transaction(
          Effect.gen(function* () {
            yield* s.offers.insert(f.offer("tx-own"))
            return yield* s.offers.get("tx-own")
          })
        )
      )
      expect(seen.id).toBe("tx-own")
    })

    it("concurrent transactions each commit or roll back whole", async () => {
      const s = stores()
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          Effect.runPromiseExit(
            s.transactions.transaction(
              Effect.gen(function* () {
                yield* s.offers.insert(f.offer(`tx-par-${i}-a`))
                yield* Effect.yieldNow
                yield* s.offers.insert(f.offer(`tx-par-${i}-b`))
                if (i % 2 === 1) return yield* Effect.fail(new Boom(`odd ${i}`))
              })
            )
          )
        )
      )
      expect(results.filter(Exit.isSuccess)).toHaveLength(5)
      for (let i = 0; i < 10; i++) {
        const found = await run(s.offers.getMany([`tx-par-${i}-a`, `tx-par-${i}-b`]))
        expect(found).toHaveLength(i % 2 === 0 ? 2 : 0)
      }
    })
  })
