/**
 * A small hand-built organisation for the pipeline service tests (memory adapter): a root team
 * with two squads, their leaders and agents, an approver, an admin, and six customers.
 */
import { Effect, Layer, ManagedRuntime } from "effect"
import { TestClock } from "effect/testing"
import { Actors, type Customer, defaultWorkConfig, fixedCandidates, type Manager, CandidateSource, WorkConfig, type SmsStatus, type Stores, type Task, type Team, type WorkItem, memoryCandidateSource } from "@winback/core"
// Test-only: core does not depend on adapters, but its services are proven over a real adapter.
import { makeMemoryStores } from "../../adapters/src/memory/MemoryStorage"
import { fixtures } from "../../adapters/src/testing/index"
import { recorders, useCasesOver } from "../../adapters/test/useCaseRuntime"

export const T0 = Date.parse("2026-11-25T02:00:00.000Z") // 10:00 in Asia/Shanghai

const team = (id: string, adminId: string, parentId: string | null): Team => fixtures.team(id, { adminId, parentId })
const manager = (id: string, roles: Manager["roles"], teamId: string | null, phone: string | null = null): Manager =>
  fixtures.manager(id, { roles, teamId, profile: { email: null, phone, trainingRecords: [], workHistory: [] } })

export const customer = (id: string, ownerManagerId: string | null, over: Partial<Customer> = {}): Customer =>
  fixtures.customer(id, { ownerManagerId, name: `Customer ${id}`, ...over })

export const task = (id: string, over: Partial<Task> = {}): Task =>
  fixtures.task(id, { status: "active", skipHolidays: false, startsOn: "2026-11-01", authorId: "m-dir", ...over })

export const item = (id: string, over: Partial<WorkItem> = {}): WorkItem =>
  fixtures.workItem(id, { taskId: "t-1", customerId: "c-1", assigneeId: "m-a1", teamId: "t-a", period: "2026-11-25", createdAt: "2026-11-25T00:00:00.000Z", updatedAt: "2026-11-25T00:00:00.000Z", ...over })

/** Outbound recorders (shared with the adapters' pipeline tests). */
export { recorders }

/** A fresh memory store with the organisation and customers, and a pipeline runtime over it. */
export const world = async (options: { readonly candidates?: ReadonlyArray<ReadonlyArray<string>>; readonly smsStatus?: SmsStatus } = {}) => {
  const stores: Stores = makeMemoryStores()
  await Effect.runPromise(
    Effect.gen(function* () {
      for (const t of [team("t-root", "m-dir", null), team("t-a", "m-lead-a", "t-root"), team("t-b", "m-lead-b", "t-root")]) yield* stores.teams.insert(t)
      for (const m of [
        manager("m-dir", ["director", "admin"], "t-root"),
        manager("m-appr", ["approver"], "t-root"),
        manager("m-lead-a", ["team-leader"], "t-a", "+8613900000001"),
        manager("m-a1", ["agent"], "t-a", "+8613900000011"),
        manager("m-a2", ["agent"], "t-a"),
        manager("m-lead-b", ["team-leader"], "t-b"),
        manager("m-b1", ["agent"], "t-b")
      ])
        yield* stores.managers.insert(m)
      yield* stores.customers.upsertCustomers([
        // c-1..c-5 have their birthday on 25 November (the test day); c-3 lives in another region.
        customer("c-1", "m-a1", { birthday: "1990-11-25" }),
        customer("c-2", "m-a1", { birthday: "1985-11-25" }),
        customer("c-3", "m-a2", { birthday: "1979-11-25", region: "chongqing" }),
        customer("c-4", "m-b1", { birthday: "1992-11-25" }),
        customer("c-5", null, { birthday: "2000-11-25" }),
        customer("c-6", "m-a1", { timeZone: "America/New_York", birthday: "1980-01-01" })
      ])
    })
  )
  const out = recorders(options.smsStatus)
  const candidates = options.candidates
    ? Layer.succeed(CandidateSource, fixedCandidates(options.candidates))
    : memoryCandidateSource()
  const runtime = ManagedRuntime.make(useCasesOver(stores, Layer.merge(candidates, out.layer)))
  type R = typeof runtime extends ManagedRuntime.ManagedRuntime<infer S, infer _E> ? S : never
  /** Runs `effect` with the clock at `ms` (default T0). */
  const run = <A, E>(effect: Effect.Effect<A, E, R>, ms = T0, config = defaultWorkConfig): Promise<A> =>
    runtime.runPromise(
      Effect.gen(function* () {
        yield* TestClock.setTime(ms)
        return yield* effect
      }).pipe(Effect.provideService(WorkConfig, config), Effect.provide(TestClock.layer()))
    )
  /** Runs and returns the failure (or throws if it succeeded). */
  const fail = async <A, E>(effect: Effect.Effect<A, E, R>, ms = T0): Promise<E> =>
    run(Effect.flip(effect), ms)
  const actor = (id: string) => run(Effect.flatMap(Actors, (a) => a.resolve(id)))
  return { stores, runtime, run, fail, actor, ...out }
}

export type World = Awaited<ReturnType<typeof world>>

/**
 * A {@link world} with `seed` run over it first (the tasks, items and customers a test needs).
 *
 * @example
 * ```ts
 * const w = await worldWith((w) => w.stores.tasks.insert(task("t-1")))
 * ```
 */
export const worldWith = async (seed: (w: World) => Effect.Effect<unknown, unknown>, options?: Parameters<typeof world>[0]): Promise<World> => {
  const w = await world(options)
  await Effect.runPromise(seed(w))
  return w
}
