/**
 * The integration-state port on every adapter: get/put/claim, claims are atomic under concurrency,
 * and a claim inside a failed transaction is rolled back with the rest of it.
 */
import { Effect, Exit } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { IntegrationState } from "../src/http/index"
import { httpAdapters, type Opened } from "./http-support"

describe.each(httpAdapters())("IntegrationState on $name", ({ open }) => {
  let opened: Opened
  const run = <A, E>(effect: Effect.Effect<A, E, IntegrationState>) => Effect.runPromise(Effect.provide(effect, opened.state))
  const state = Effect.gen(function* () {
    return yield* IntegrationState
  })
  beforeAll(async () => {
    opened = await open()
  }, 60_000)
  afterAll(async () => {
    await opened?.close()
  })

  it("put replaces, get reads back plain JSON, a missing key is undefined", async () => {
    expect(await run(Effect.flatMap(state, (s) => s.get("nope")))).toBeUndefined()
    await run(Effect.flatMap(state, (s) => s.put("cursor:a", { seq: 1, note: "x" })))
    await run(Effect.flatMap(state, (s) => s.put("cursor:a", { seq: 7, at: new Date("2026-11-22T10:00:00Z") })))
    expect(await run(Effect.flatMap(state, (s) => s.get("cursor:a")))).toEqual({ seq: 7, at: "2026-11-22T10:00:00.000Z" })
  })

  it("of concurrent claims of one key exactly one wins, and the first value stays", async () => {
    const results = await run(Effect.flatMap(state, (s) => Effect.all(Array.from({ length: 8 }, (_, i) => s.claim("receipt:1", { by: i })), { concurrency: "unbounded" })))
    expect(results.filter(Boolean)).toHaveLength(1)
    const winner = results.indexOf(true)
    expect(await run(Effect.flatMap(state, (s) => s.get("receipt:1")))).toEqual({ by: winner })
  })

  it("a claim inside a failed transaction is rolled back", async () => {
    const exit = await Effect.runPromiseExit(
      Effect.provide(
        opened.stores.transactions.transaction(
          Effect.gen(function* () {
            const s = yield* IntegrationState
            expect(yield* s.claim("receipt:2", { n: 1 })).toBe(true)
            return yield* Effect.fail("boom" as const)
          })
        ),
        opened.state
      )
    )
    expect(Exit.isFailure(exit)).toBe(true)
    expect(await run(Effect.flatMap(state, (s) => s.claim("receipt:2", { n: 2 })))).toBe(true)
    expect(await run(Effect.flatMap(state, (s) => s.get("receipt:2")))).toEqual({ n: 2 })
  })
})
