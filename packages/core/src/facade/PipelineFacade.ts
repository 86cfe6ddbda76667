/**
 * The work pipeline for hosts that do not use Effect: `createPipeline(winback, options)` over a
 * running Promise facade returns `as(managerId)`, whose groups (tasks, rules, extraction, work
 * list, ...) are the pipeline services as async methods with the acting person bound. Each call
 * resolves the actor afresh, exactly like `winback.as`, and rejects with the same error classes.
 */
import { type Context, Effect, Layer, Scope } from "effect"
import { type Actor, Actors } from "../org/Actor"
import { AppointmentService } from "../work/AppointmentService"
import { CandidateSource } from "../task/Candidates"
import { defaultCandidateSource } from "../task/ReadThroughCandidates"
import type { CandidateStaging, ExtractionPartitions } from "../task/ExtractionPartitions"
import { Contactability } from "../work/Contactability"
import { CustomerGroupService } from "../customer/CustomerGroupService"
import { Execution } from "../work/Execution"
import { Extraction } from "../task/Extraction"
import { ManualImport } from "../task/ManualImport"
import { OfferService } from "../offer/OfferService"
import { ObservationService } from "../observation/ObservationService"
import { ReportQueries } from "../report/ReportQueries"
import { ReportService } from "../report/ReportService"
import { StorageError } from "../shared/Errors"
import { pipelineLayer, type PipelineServices } from "./Pipeline"
import { defaultPipelineConfig, PipelineConfig } from "./PipelineConfig"
import { Dialer, IntegrationError, Notifier, SmsGateway } from "../ports/Outbound"
import type { CustomerStore } from "../customer/CustomerStore"
import { RuleService } from "../rule/RuleService"
import { SmsWork } from "../work/SmsWork"
import { TaskService } from "../task/TaskService"
import { UsageFeed } from "../customer/UsageFeed"
import type { Winback, WinbackServices } from "./Winback"
import { WorkList } from "../work/WorkList"
import { WorkPlanService } from "../plan/WorkPlanService"

/** Drops the leading actor argument and turns Effects into Promises. */
type BoundAsync<T> = {
  readonly [K in keyof T]: T[K] extends (actor: infer _A, ...args: infer P) => Effect.Effect<infer R, infer _E, infer _X> ? (...args: P) => Promise<R> : never
}

/**
 * The pipeline operations of one acting person, as async methods.
 *
 * @example
 * ```ts
 * const me = pipeline.as("m-1")
 * const page = await me.workList.byCustomer({}, { limit: 20 })
 * await me.execution.recordCall({ customerId: "c-42", itemIds: ["wi-1", "wi-2"], disposition: "completed", complete: true })
 * ```
 */
export interface PipelineSession {
  readonly tasks: BoundAsync<TaskService["Service"]>
  readonly rules: BoundAsync<RuleService["Service"]>
  readonly groups: BoundAsync<CustomerGroupService["Service"]>
  readonly extraction: BoundAsync<Extraction["Service"]>
  readonly imports: BoundAsync<ManualImport["Service"]>
  readonly workList: BoundAsync<WorkList["Service"]>
  readonly execution: BoundAsync<Execution["Service"]>
  readonly contact: BoundAsync<Pick<Contactability["Service"], "canContact">>
  readonly appointments: BoundAsync<AppointmentService["Service"]>
  readonly sms: BoundAsync<SmsWork["Service"]>
  readonly offers: BoundAsync<OfferService["Service"]>
  /** The usage-feed import (admins and system actors). */
  readonly feeds: BoundAsync<UsageFeed["Service"]>
  /** Retention-effect observations: evaluate the ones whose window ended. */
  readonly observations: BoundAsync<Pick<ObservationService["Service"], "evaluateDue">>
  /** Funnels, observation outcomes, status accounting, agent performance, period reports (needs `options.reports`). */
  readonly reports: BoundAsync<ReportService["Service"]>
  /** Work plans: targets per agent and team per period, progress, period close (progress needs `options.reports`). */
  readonly plans: BoundAsync<WorkPlanService["Service"]>
}

/**
 * Options of {@link createPipeline}. Without a candidate source the in-memory evaluator is used
 * (right for the memory adapter and small data; pass `SqlCandidateSource.layer(storage)` on
 * PGlite/PostgreSQL). Without a notifier, SMS gateway or dialer, reminders, SMS and dialling fail with
 * `IntegrationError` ("not configured").
 *
 * @example
 * ```ts
 * const options: PipelineOptions = { candidates: SqlCandidateSource.layer(storage), smsGateway: mySmsGatewayLayer, partitioning: { staging: SqlCandidateStaging.layer(storage) } }
 * ```
 */
export interface PipelineOptions {
  readonly candidates?: Layer.Layer<CandidateSource, never, CustomerStore>
  readonly notifier?: Layer.Layer<Notifier>
  readonly smsGateway?: Layer.Layer<SmsGateway>
  readonly dialer?: Layer.Layer<Dialer>
  /** The report queries of the storage (`SqlReportQueries.layer(storage)`, `MemoryReportQueries.layer(db)`); without it reports reject with `StorageError`. */
  readonly reports?: Layer.Layer<ReportQueries>
  /**
   * The operator's pipeline settings over `defaultPipelineConfig` — above all the business
   * calendar "skip holidays" and holiday contact rules read (`{ calendar: chinaCalendar() }`).
   * Without a calendar holidays are not skipped and each extraction says so on the task.
   */
  readonly config?: Partial<PipelineConfig>
  /**
   * Partitioned extraction on a SQL storage: `SqlCandidateStaging.layer(storage)` (a partitioned
   * run evaluates its rules once, not once per partition) and `PgExtractionPartitions.layer(storage)`
   * (`extraction.work` shares a run with other processes). Without them partitions evaluate their
   * own rules and `work` shares a run within this process only.
   */
  readonly partitioning?: {
    readonly staging?: Layer.Layer<CandidateStaging>
    readonly queue?: Layer.Layer<ExtractionPartitions>
  }
}

const notConfigured = (integration: "sms" | "notifier" | "dialer") => Effect.fail(new IntegrationError({ integration, retryable: false, detail: "not configured" }))

const groups = {
  tasks: [TaskService, ["create", "update", "submit", "approve", "reject", "pause", "resume", "close", "expireDue", "preview"]],
  rules: [RuleService, ["create", "submit", "approve", "reject", "retire", "revise", "preview"]],
  groups: [CustomerGroupService, ["create", "members"]],
  extraction: [Extraction, ["run", "plan", "work"]],
  imports: [ManualImport, ["importCsv"]],
  workList: [WorkList, ["byTask", "byCustomer", "customer", "pool"]],
  execution: [Execution, ["recordCall", "attach", "saveResponse", "dial"]],
  contact: [Contactability, ["canContact"]],
  appointments: [AppointmentService, ["book", "cancel", "markDone", "sendDueReminders"]],
  sms: [SmsWork, ["sendBatch"]],
  offers: [OfferService, ["use", "decide", "usesOf"]],
  feeds: [UsageFeed, ["importFile", "importFiles"]],
  observations: [ObservationService, ["evaluateDue"]],
  reports: [ReportService, ["funnel", "observations", "statusAccounting", "agents", "questionnaire", "period"]],
  plans: [WorkPlanService, ["set", "get", "list", "progress", "closePeriod"]]
} as const

/**
 * Every service an Effect program run by {@link Pipeline.runAs} can use.
 *
 * @example
 * ```ts
 * const program: Effect.Effect<void, never, PipelineProgramServices> = Effect.void
 * ```
 */
export type PipelineProgramServices = PipelineServices | ReportService | WorkPlanService | WinbackServices

/**
 * The work pipeline of a running {@link Winback}: `as(managerId)` for async methods,
 * `runAs(managerId, program)` for Effect programs that combine several steps.
 *
 * @example
 * ```ts
 * const pipeline: Pipeline = createPipeline(winback)
 * await pipeline.as("m-1").workList.byCustomer({}, { limit: 20 })
 * ```
 */
export interface Pipeline {
  /** The pipeline operations of one acting person, as async methods. */
  readonly as: (managerId: string) => PipelineSession
  /**
   * Runs an Effect program as `managerId` (resolved afresh for the call) over the pipeline's
   * services, e.g. steps that must commit in one transaction; rejects with the program's typed error.
   *
   * @example
   * ```ts
   * const page = await pipeline.runAs("m-1", (actor) =>
   *   Effect.gen(function* () {
   *     const list = yield* WorkList
   *     return yield* list.byCustomer(actor, {}, { limit: 20 })
   *   })
   * )
   * ```
   */
  readonly runAs: <A, E>(managerId: string, program: (actor: Actor) => Effect.Effect<A, E, PipelineProgramServices>) => Promise<A>
}

/**
 * The work pipeline over a running {@link Winback}.
 *
 * @example
 * ```ts
 * const winback = await createWinback({ storage: MemoryStorage.layer(), policy: pipelinePolicy })
 * const pipeline = createPipeline(winback)
 * const report = await pipeline.as("m-admin").extraction.run({ asOf: "2026-11-25" })
 * ```
 */
export const createPipeline = (winback: Winback, options: PipelineOptions = {}): Pipeline => {
  const extra = Layer.mergeAll(
    options.candidates ?? defaultCandidateSource(winback.mode),
    options.notifier ?? Layer.succeed(Notifier, Notifier.of({ notify: () => notConfigured("notifier") })),
    options.smsGateway ?? Layer.succeed(SmsGateway, SmsGateway.of({ send: () => notConfigured("sms") })),
    options.dialer ?? Layer.succeed(Dialer, Dialer.of({ call: () => notConfigured("dialer") })),
    options.partitioning?.staging ?? Layer.empty,
    options.partitioning?.queue ?? Layer.empty
  )
  const noReports = Effect.fail(new StorageError({ reason: "Unknown", operation: "ReportQueries", cause: new Error("no report queries configured: pass options.reports") }))
  const reports = options.reports ?? Layer.succeed(ReportQueries, ReportQueries.of({ funnel: () => noReports, observations: () => noReports, statusAccounting: () => noReports, responses: () => noReports }))
  const services = Layer.mergeAll(
    Layer.succeed(PipelineConfig, { ...defaultPipelineConfig, ...options.config }),
    pipelineLayer.pipe(Layer.provide(extra)),
    ReportService.layer.pipe(Layer.provide(reports)),
    WorkPlanService.layer.pipe(Layer.provide(reports))
  )
  // The services are built once, on first use, over the runtime's ports and kept for the life of
  // the pipeline (they hold no resources). Providing the layer in every call rebuilt every service
  // per call, which cost more CPU than the call's own queries.
  type Services = Layer.Success<typeof services>
  let built: Promise<Context.Context<Services>> | undefined
  const context = (): Promise<Context.Context<Services>> =>
    (built ??= winback
      .run(Effect.flatMap(Scope.make(), (scope) => Layer.buildWithScope(services, scope)) as Effect.Effect<Context.Context<Services>, never, never>)
      .catch((e: unknown) => {
        built = undefined
        throw e
      }))
  const runAs: Pipeline["runAs"] = async (managerId, program) =>
    winback.run(
      Effect.gen(function* () {
        const actor = yield* (yield* Actors).resolve(managerId)
        return yield* program(actor)
      }).pipe(Effect.provideContext(await context())) as Effect.Effect<never, never, WinbackServices>
    )
  const as = (managerId: string): PipelineSession => {
    const out: Record<string, Record<string, (...args: Array<unknown>) => Promise<unknown>>> = {}
    for (const [group, [tag, methods]] of Object.entries(groups)) {
      const bound: Record<string, (...args: Array<unknown>) => Promise<unknown>> = {}
      for (const method of methods) {
        bound[method] = (...args: Array<unknown>) =>
          runAs(managerId, (actor) =>
            Effect.gen(function* () {
              const service = (yield* tag) as unknown as Record<string, (...a: Array<unknown>) => Effect.Effect<unknown, unknown>>
              return yield* service[method]!(actor, ...args)
            })
          )
      }
      out[group] = bound
    }
    return out as unknown as PipelineSession
  }
  return { as, runAs }
}
