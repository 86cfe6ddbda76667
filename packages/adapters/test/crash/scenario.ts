/**
 * The crash-safety scenarios shared by the test (parent) and the worker it kills (child): the
 * seed, the ground truth from the demo generator's injected patterns, the pipeline runtime over
 * PostgreSQL, and the three operations a worker runs (an extraction, a manual CSV import, calls
 * closing several items). Plain TypeScript, no vitest: the worker runs it under tsx.
 */
import { Effect, Layer, ManagedRuntime } from "effect"
import { TestClock } from "effect/testing"
import { Actors, defaultWorkConfig, Execution, Extraction, ManualImport, WorkConfig, type Stores, type Task, CandidateSource, type WorkItem } from "@winback/core"
import type { DemoCustomer } from "@winback/core/demo"
import { expectsBillDrop, expectsBirthday, expectsZeroBill } from "../demoTruth"
import { PgBulkLedgerClaims } from "../../src/pipeline/PgBulkLedgerClaims"
import { sqlCandidateSource, type SqlRunner } from "../../src/pipeline/SqlCandidateSource"
import type { OpenStorage } from "../../src/pg/PgStorage"
import { workItem } from "../../src/testing/fixtures"
import { alertTask, demoCustomersOf, pipelineDemo, quietOutbound, seedAlertPipeline, useCasesOver } from "../useCaseRuntime"

/** The data day every extraction reads. */
export const ASOF = "2026-11-25"
/** The clock of the first extraction period; period `k` runs at `T0 + k * 31 days`. */
export const T0 = Date.parse("2026-11-25T22:00:00.000Z")
/** Small writes, so a run's one transaction spans many round trips (a wide window to kill in). */
export const WRITE_BATCH = 4

export const demoOptions = pipelineDemo({ seed: 909, customers: 160, asOf: ASOF })


/** Every demo customer, in generation order. */
export const demoCustomers = (): Array<DemoCustomer> => demoCustomersOf(demoOptions)

/**
 * What one extraction period must hand out, as `task|customer|assignee` lines (sorted): zero bill
 * wins over bill drop wins over birthday (most urgent task first), each to the customer's owner.
 */
export const expectedExtraction = (customers: ReadonlyArray<DemoCustomer>): Array<string> =>
  customers
    .flatMap((c) => {
      const taskId = expectsZeroBill(c) ? "t1-zero-bill" : expectsBillDrop(c) ? "t2-bill-drop" : expectsBirthday(c) ? "t3-birthday" : undefined
      return taskId ? [`${taskId}|${c.customer.id}|${c.customer.ownerManagerId}`] : []
    })
    .sort()


/** The team the import and call scenarios work in. */
export const LEADER = "m-beijing-d1-s1-lead"

/** What the worker needs to know about the seeded organisation. */
export interface Seeded {
  readonly director: string
  readonly leader: string
  readonly agents: ReadonlyArray<string>
  readonly teamId: string
}

/** Seeds the demo data, the rule instances and the three alert tasks (urgency 1, 2, 3). */
export const seed = async (stores: Stores): Promise<Seeded> => {
  const summary = await seedAlertPipeline(stores, demoOptions)
  return Effect.runPromise(
    Effect.gen(function* () {
      const managers = (yield* stores.managers.list({}, { limit: 1000 })).items
      const lead = managers.find((m) => m.id === LEADER)!
      const agents = managers.filter((m) => m.teamId === lead.teamId && m.roles.includes("agent")).map((m) => m.id).sort()
      return { director: summary.logins.director, leader: lead.id, agents, teamId: lead.teamId! }
    })
  )
}

/** A manual task the import scenario imports into (one per attempt, so attempts never mix). */
export const importTask = (k: number): Task => alertTask(`t-imp-${k}`, { source: "manual", channel: "phone", urgency: 5 } as Partial<Task>)

/** The CSV of one import: `customers` lines, no agent column (spread over the picked agents). */
export const importCsv = (customerIds: ReadonlyArray<string>): string => `customer_id\n${customerIds.join("\n")}\n`

/** The open items one call of the call scenario closes: three per customer, in the leader's team. */
export const callItems = (attempt: number, j: number, customerId: string, seeded: Seeded): Array<WorkItem> =>
  [1, 2, 3].map((n) =>
    workItem(`wi:call:${attempt}:${j}:${n}`, {
      taskId: `t-call-${n}`,
      customerId,
      assigneeId: seeded.agents[j % seeded.agents.length]!,
      teamId: seeded.teamId,
      channel: "phone",
      urgency: 5,
      state: "open",
      period: `call-${attempt}`,
      attempts: [],
      callSerial: null,
      version: 1
    } as Partial<WorkItem>)
  )

/** A command to the worker. */
export type Command =
  | { readonly op: "extract"; readonly period: string; readonly clockMs: number; readonly actorId: string }
  | { readonly op: "import"; readonly taskId: string; readonly csv: string; readonly agentIds: ReadonlyArray<string>; readonly clockMs: number; readonly actorId: string }
  | { readonly op: "calls"; readonly calls: ReadonlyArray<{ readonly customerId: string; readonly itemIds: ReadonlyArray<string> }>; readonly clockMs: number; readonly actorId: string }

/** A progress event a worker reports on stdout (one JSON object a line). */
export type WorkerEvent =
  | { readonly ev: "ready" }
  | { readonly ev: "started" }
  /** The embedded worker has opened its data directory (PGlite started, migrations checked). */
  | { readonly ev: "opened" }
  | { readonly ev: "tx-begin" }
  | { readonly ev: "write"; readonly n: number }
  | { readonly ev: "tx-commit" }
  | { readonly ev: "tx-end" }
  | { readonly ev: "done"; readonly result: unknown }
  | { readonly ev: "error"; readonly tag: string; readonly message: string }

/**
 * Stores that report the write transaction's progress through `emit`: when it begins, every batch
 * of item writes inside it, when its body is done (commit pending) and when it has committed.
 */
export const reportingStores = (stores: Stores, emit: (e: WorkerEvent) => void): Stores => {
  let writes = 0
  const note = (e: WorkerEvent) => Effect.sync(() => emit(e))
  return {
    ...stores,
    transactions: {
      transaction: (effect) =>
        note({ ev: "tx-begin" }).pipe(
          Effect.andThen(stores.transactions.transaction(effect.pipe(Effect.tap(() => note({ ev: "tx-commit" }))))),
          Effect.tap(() => note({ ev: "tx-end" }))
        )
    },
    workItems: {
      ...stores.workItems,
      insertMany: (items) => note({ ev: "write", n: ++writes }).pipe(Effect.andThen(stores.workItems.insertMany(items))),
      complete: (input) => note({ ev: "write", n: ++writes }).pipe(Effect.andThen(stores.workItems.complete(input)))
    }
  }
}

/** The full pipeline over PostgreSQL: SQL candidates and bulk ledger claims, recording outbound ports. */
export const crashRuntime = (storage: OpenStorage, stores: Stores) => {
  const candidates = Layer.merge(Layer.succeed(CandidateSource, sqlCandidateSource(storage as unknown as SqlRunner)), PgBulkLedgerClaims.layer(storage))
  return ManagedRuntime.make(useCasesOver(stores, Layer.merge(candidates, quietOutbound)))
}

type Runtime = ReturnType<typeof crashRuntime>

/** Runs one command to its end with the clock at its `clockMs`; the result is plain JSON. */
export const runCommand = (runtime: Runtime, cmd: Command): Promise<unknown> => {
  const program = Effect.gen(function* () {
    yield* TestClock.setTime(cmd.clockMs)
    const actor = yield* (yield* Actors).resolve(cmd.actorId)
    switch (cmd.op) {
      case "extract": {
        const r = yield* (yield* Extraction).run(actor, { asOf: ASOF, period: cmd.period })
        return { created: r.created }
      }
      case "import": {
        // Every attempt imports the same list into its own task in one period: the hand-out ledger
        // would skip every line after the first attempt, so the scenario overrides it (audited).
        const override = { reason: "crash scenario: every attempt imports the same list" }
        const r = yield* (yield* ManualImport).importCsv(actor, { taskId: cmd.taskId, agentIds: [...cmd.agentIds], override }, cmd.csv)
        return { items: r.items, perAgent: r.perAgent }
      }
      case "calls": {
        const serials: Array<string> = []
        const execution = yield* Execution
        for (const c of cmd.calls) {
          const r = yield* execution.recordCall(actor, { customerId: c.customerId, itemIds: [...c.itemIds], disposition: "completed", complete: true })
          serials.push(r.call.serialNumber)
        }
        return { serials }
      }
    }
  })
  return runtime.runPromise(
    program.pipe(Effect.provideService(WorkConfig, { ...defaultWorkConfig, writeBatch: WRITE_BATCH }), Effect.provide(TestClock.layer()))
  )
}
