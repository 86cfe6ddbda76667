/**
 * Shared by the HTTP integration tests: the adapters to run on (memory, PGlite, PostgreSQL when
 * its URL is set), each with its integration-state store, a small world (a team, an agent, a
 * customer with open items), and the pipeline runtime wired to given outbound layers.
 */
import { PGlite } from "@electric-sql/pglite"
import { Effect, Layer, ManagedRuntime } from "effect"
import { TestClock } from "effect/testing"
import { Actors, Dialer, memoryCandidateSource, newWorkItem, Notifier, SmsGateway, type Stores, type WorkItem } from "@winback/core"
import { IntegrationState } from "../src/http/index"
import { MemoryDb } from "../src/memory/MemoryDb"
import { makeMemoryStores } from "../src/memory/MemoryStorage"
import { PgliteStorage, PostgresStorage } from "../src/pg/PgStorage"
import { fixtures } from "../src/testing/index"
import { freshSchemaName, postgresUrl } from "./support"
import { useCasesOver } from "./useCaseRuntime"

/** Fresh stores plus the integration state that shares their transactions. */
export interface Opened {
  readonly stores: Stores
  readonly state: Layer.Layer<IntegrationState>
  readonly close: () => Promise<void>
}

/** The adapters every flow runs on. */
export const httpAdapters = (): ReadonlyArray<{ readonly name: string; readonly open: () => Promise<Opened> }> => {
  let lite: PGlite | undefined
  const list = [
    {
      name: "memory",
      open: async (): Promise<Opened> => {
        const db = new MemoryDb()
        return { stores: makeMemoryStores(db), state: IntegrationState.memory(db), close: async () => {} }
      }
    },
    {
      name: "pglite",
      open: async (): Promise<Opened> => {
        lite ??= new PGlite()
        const s = await PgliteStorage.open({ client: lite, schema: freshSchemaName("http") })
        return { stores: s.stores, state: IntegrationState.pg(s.driver), close: s.close }
      }
    }
  ]
  const url = postgresUrl
  if (url) {
    list.push({
      name: "postgres",
      open: async (): Promise<Opened> => {
        const schema = freshSchemaName("httppg")
        const s = await PostgresStorage.open({ url, schema })
        return {
          stores: s.stores,
          state: IntegrationState.pg(s.driver),
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

/** 10:00 in Shanghai on a Monday (inside calling hours), as epoch ms. */
export const DAYTIME = Date.parse("2026-11-23T02:00:00.000Z")

/** A team, its leader and an agent, a customer of the agent's, a phone task and an SMS task with open items. */
export const seedWorld = (stores: Stores) =>
  Effect.runPromise(
    Effect.gen(function* () {
      yield* stores.teams.insert(fixtures.team("t-1", { adminId: "m-lead" }))
      yield* stores.managers.insert(fixtures.manager("m-lead", { roles: ["team-leader"], teamId: "t-1" }))
      yield* stores.managers.insert(fixtures.manager("m-agent", { roles: ["agent"], teamId: "t-1" }))
      yield* stores.managers.insert(fixtures.manager("m-other", { roles: ["agent"], teamId: "t-1" }))
      yield* stores.customers.upsertCustomers([
        fixtures.customer("c-1", { ownerManagerId: "m-agent", phones: ["+8613800000001"] }),
        fixtures.customer("c-2", { ownerManagerId: "m-agent", phones: ["+8613800000002"] }),
        fixtures.customer("c-3", { ownerManagerId: "m-other", phones: ["+8613800000003"] })
      ])
      yield* stores.tasks.insert(fixtures.task("task-phone", { status: "active", channel: "phone", urgency: 1 }))
      yield* stores.tasks.insert(fixtures.task("task-sms", { status: "active", channel: "sms", urgency: 2, executionWindow: { from: "00:00", to: "23:59" } } as never))
      const item = (id: string, customerId: string, taskId: string, channel: WorkItem["channel"], assigneeId = "m-agent"): WorkItem =>
        newWorkItem({ id, taskId, customerId, assigneeId, teamId: "t-1", channel, urgency: 1, period: "2026-11-23", at: fixtures.at(0) })
      yield* stores.workItems.insertMany([
        item("wi-1", "c-1", "task-phone", "phone"),
        item("wi-2", "c-1", "task-phone", "phone"),
        item("wi-3", "c-2", "task-phone", "phone"),
        item("wi-4", "c-3", "task-phone", "phone", "m-other"),
        item("wi-s1", "c-1", "task-sms", "sms"),
        item("wi-s2", "c-2", "task-sms", "sms")
      ])
    })
  )

const stubs = Layer.mergeAll(
  Layer.succeed(Notifier, Notifier.of({ notify: () => Effect.void })),
  Layer.succeed(SmsGateway, SmsGateway.of({ send: () => Effect.die("no SMS gateway in this test") })),
  Layer.succeed(Dialer, Dialer.of({ call: () => Effect.die("no dialer in this test") }))
)

/** The pipeline over `opened`, with the given outbound layers (others are stubs), plus the integration state. */
export const httpRuntime = (opened: Opened, outbound: { readonly sms?: Layer.Layer<SmsGateway>; readonly dialer?: Layer.Layer<Dialer> } = {}) => {
  const out = Layer.mergeAll(stubs, outbound.sms ?? Layer.empty, outbound.dialer ?? Layer.empty)
  return ManagedRuntime.make(useCasesOver(opened.stores, Layer.mergeAll(memoryCandidateSource(), out, opened.state)))
}

type Runtime = ReturnType<typeof httpRuntime>
/** The services of {@link httpRuntime}. */
export type HttpServices = Runtime extends ManagedRuntime.ManagedRuntime<infer R, infer _E> ? R : never

/** Runs `effect` with the test clock at `ms`. */
export const atTime = <A, E>(runtime: Runtime, ms: number, effect: Effect.Effect<A, E, HttpServices>): Promise<A> =>
  runtime.runPromise(
    Effect.gen(function* () {
      yield* TestClock.setTime(ms)
      return yield* effect
    }).pipe(Effect.provide(TestClock.layer()))
  )

/** The actor of `managerId`. */
export const actor = (id: string) => Effect.flatMap(Actors, (a) => a.resolve(id))
