/**
 * The one facade, for hosts that do not use Effect: `createWinback(options)` builds one managed
 * runtime over the chosen adapters and `winback.as(managerId)` gives every service of one acting
 * person as plain async methods — the scoped stores, audit trail, allocation and teams, and every
 * use case (tasks, rules, groups, extraction, import, work list, recording a call, appointments,
 * SMS, offers, usage feed, observations, reports, work plans). Failures reject with the same error
 * classes the Effect API fails with (`ValidationError`, `NotFound`, `Conflict`, `Forbidden`,
 * `StorageError`, `IntegrationError`).
 */
import { Effect, Layer, ManagedRuntime } from "effect"
import { type Actor, Actors, type OrgCacheOptions } from "../org/Actor"
import { checkPeerVersions } from "../shared/PeerVersions"
import { type ActorSession, type ScopeServices, scopeLayer, sessionFor } from "./ActorSession"
import { StorageError } from "../shared/Errors"
import type { PermissionPolicy } from "../org/Permissions"
import { CustomerDirectory, StaffDirectory, UsageHistoryReader } from "../ports/HostDirectories"
import { currentStores, type StoragePorts, type Stores } from "../ports/Stores"
import { emptyScope } from "../org/Scope"
import type { WinbackHost } from "../ports/HostPorts"
import { hostPorts } from "../ports/DataModes"
import { type DataMode, defaultCandidateSource } from "../task/ReadThroughCandidates"
import { loggedCall, type ObservabilityOptions, observabilityLayer } from "./Observability"
import { AppointmentService } from "../work/AppointmentService"
import type { CandidateSource } from "../task/Candidates"
import type { CandidateStaging, ExtractionPartitions } from "../task/ExtractionPartitions"
import { Contactability } from "../work/Contactability"
import { CustomerGroupService } from "../customer/CustomerGroupService"
import type { CustomerStore } from "../customer/CustomerStore"
import { Execution } from "../work/Execution"
import { Extraction } from "../task/Extraction"
import { ManualImport } from "../task/ManualImport"
import { DndLists } from "../work/DndLists"
import { ObservationService } from "../observation/ObservationService"
import { OfferService } from "../offer/OfferService"
import { Dialer, IntegrationError, Notifier, SmsGateway } from "../ports/Outbound"
import { ReportQueries } from "../report/ReportQueries"
import { ReportService } from "../report/ReportService"
import { RuleService } from "../rule/RuleService"
import { SmsWork } from "../work/SmsWork"
import { TaskService } from "../task/TaskService"
import { UsageFeed } from "../customer/UsageFeed"
import { useCaseLayer, type UseCaseServices } from "./UseCases"
import { defaultWorkConfig, WorkConfig } from "../work/WorkConfig"
import { WorkList } from "../work/WorkList"
import { WorkPlanService } from "../plan/WorkPlanService"

/** An object whose Effect-returning methods return Promises instead (recursively). */
export type Promisified<T> = {
  readonly [K in keyof T]: T[K] extends (...args: infer P) => Effect.Effect<infer A, infer _E, infer _R>
    ? (...args: P) => Promise<A>
    : T[K] extends object
      ? Promisified<T[K]>
      : T[K]
}

/** The host read ports. */
export type HostPorts = CustomerDirectory | StaffDirectory | UsageHistoryReader

/**
 * Every service a Winback runtime provides: the storage and host ports, the scope services and
 * every use case. `winback.run` and `winback.runAs` run programs over them.
 *
 * @example
 * ```ts
 * const program: Effect.Effect<number, never, WinbackServices> = Effect.succeed(1)
 * ```
 */
export type WinbackServices = StoragePorts | HostPorts | ScopeServices | UseCaseServices | ReportService | WorkPlanService

/**
 * Options of {@link createWinback}. Only `storage` is required. Without a candidate source the
 * in-memory evaluator is used (right for the memory adapter and small data; pass
 * `SqlCandidateSource.layer(storage)` on PGlite/PostgreSQL). Without a notifier, SMS gateway or
 * dialer, reminders, SMS and dialling reject with `IntegrationError` ("not configured"); without
 * report queries, reports and plan progress reject with `StorageError`.
 *
 * @example
 * ```ts
 * const options: WinbackOptions = {
 *   storage,
 *   candidates: SqlCandidateSource.layer(storage),
 *   reports: SqlReportQueries.layer(storage),
 *   smsGateway: mySmsGatewayLayer,
 *   config: { calendar: chinaCalendar() }
 * }
 * ```
 */
export interface WinbackOptions extends ObservabilityOptions {
  /** The storage adapter, e.g. `PgliteStorage.layer({ dataDir })` or `MemoryStorage.layer()`. */
  readonly storage: Layer.Layer<StoragePorts, StorageError>
  /**
   * The host's read ports over its own data. Default: over Winback's own stores (for hosts that
   * feed customers, staff and usage in daily batches).
   */
  readonly directories?: Layer.Layer<HostPorts, never, StoragePorts>
  /**
   * The host's read ports as plain async functions (no Effect needed): `{ customers, staff, usage }`,
   * see `WinbackHost`. Takes the place of `directories`.
   */
  readonly host?: WinbackHost
  /**
   * `"replica"` (default): rules and customer reads use Winback's own tables, fed daily.
   * `"read-through"`: they go through the host ports, in batches; nothing is copied. See docs/embedding.md.
   */
  readonly mode?: DataMode
  /** Who may do what (default: `defaultPolicy`, DOMAIN §1). See docs/permissions.md. */
  readonly policy?: PermissionPolicy
  /**
   * Keep the team tree and memberships in memory for `ttlMs` when resolving actors (see
   * `Actors.cached`): a busy server then reads only the person per call. Team changes made through
   * this Winback take effect at once; changes written by another process after at most `ttlMs`.
   * Default: none (every call reads the tree).
   */
  readonly orgCache?: OrgCacheOptions
  /** Where extraction finds candidates (default: the in-memory evaluator; `SqlCandidateSource.layer(storage)` on SQL). */
  readonly candidates?: Layer.Layer<CandidateSource, never, CustomerStore>
  /** Sends appointment reminders. */
  readonly notifier?: Layer.Layer<Notifier>
  /** Sends SMS. */
  readonly smsGateway?: Layer.Layer<SmsGateway>
  /** Dials out (click-to-call). */
  readonly dialer?: Layer.Layer<Dialer>
  /** The report queries of the storage (`SqlReportQueries.layer(storage)`, `MemoryReportQueries.layer(db)`); without it reports reject with `StorageError`. */
  readonly reports?: Layer.Layer<ReportQueries>
  /**
   * The clock every call reads, as a layer (default: the system clock). A host that pins its
   * business day (a demo, a test server) passes one in that day — `demoClockLayer(startsAt)` of
   * `@winback/core/demo` — so the work it dates falls on the day its reports count as today.
   */
  readonly clock?: Layer.Layer<never>
  /**
   * The operator's work settings over `defaultWorkConfig` — above all the business calendar
   * "skip holidays" and holiday contact rules read (`{ calendar: chinaCalendar() }`). Without a
   * calendar holidays are not skipped and each extraction says so on the task.
   */
  readonly config?: Partial<WorkConfig>
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

/** Drops the leading actor argument and turns Effects into Promises. */
type BoundAsync<T> = {
  readonly [K in keyof T]: T[K] extends (actor: infer _A, ...args: infer P) => Effect.Effect<infer R, infer _E, infer _X> ? (...args: P) => Promise<R> : never
}

/** The scoped stores, audit, allocation and teams of one person, as async methods. */
type ScopedAsync = Promisified<Omit<ActorSession, "actor">>

/**
 * The use cases of one person, by group. Where a group also holds scoped store reads (`tasks`,
 * `appointments`, `contacts`) the two are one object; `appointments.book` is the use case (it
 * returns the booking with its contact warnings).
 */
interface UseCaseGroups {
  readonly tasks: BoundAsync<TaskService["Service"]>
  readonly rules: BoundAsync<RuleService["Service"]>
  readonly groups: BoundAsync<CustomerGroupService["Service"]>
  readonly extraction: BoundAsync<Extraction["Service"]>
  readonly imports: BoundAsync<ManualImport["Service"]>
  /** Do-not-disturb lists: the scoped, filtered list, the bulk import (check, then apply) and the CSV export. */
  readonly dnd: BoundAsync<DndLists["Service"]>
  readonly workList: BoundAsync<WorkList["Service"]>
  /** Recording a call (responses, offers, completion and its retry on a lost race in one transaction), attaching files, dialling. */
  readonly execution: BoundAsync<Execution["Service"]>
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
 * Everything one acting person may do, as async methods: the scoped stores (customers, work
 * items, appointments, tasks, rule instances, contacts), the audit trail, allocation and teams,
 * and every use case. Each call resolves the actor afresh (roles from the staff directory, team
 * and scope as of that moment), so a move or a role change takes effect on the next call.
 *
 * @example
 * ```ts
 * const me = winback.as("m-1")
 * const page = await me.workList.byCustomer({}, { limit: 20 })
 * await me.execution.recordCall({ customerId: "c-42", itemIds: ["wi-1", "wi-2"], disposition: "completed", complete: true })
 * const { allowed } = await me.contacts.canContact("c-42", "sms")
 * ```
 */
export type ScopedWinback = Omit<ScopedAsync, "tasks" | "appointments" | "contacts"> &
  Omit<UseCaseGroups, "tasks" | "appointments"> & {
    readonly tasks: ScopedAsync["tasks"] & UseCaseGroups["tasks"]
    readonly appointments: Omit<ScopedAsync["appointments"], "book"> & UseCaseGroups["appointments"]
    /** Call records and DND entries, and "may we contact this customer now on this channel?". */
    readonly contacts: ScopedAsync["contacts"] & BoundAsync<Pick<Contactability["Service"], "canContact">>
    /** The resolved actor (roles, team, the managers and teams of each reach). */
    readonly actor: () => Promise<Actor>
  }

/** A running Winback: promisified ports, every service per acting person, a way to run Effect programs, and `dispose()`. */
export interface Winback {
  /** Where rules and customer reads take their data (see `WinbackOptions.mode`). */
  readonly mode: DataMode
  /** Every storage port, as async methods (unscoped: for system jobs and seeding). */
  readonly stores: Promisified<Omit<Stores, "transactions">>
  /** The host read ports, as async methods. */
  readonly directories: Promisified<{
    readonly customers: CustomerDirectory["Service"]
    readonly staff: StaffDirectory["Service"]
    readonly usage: UsageHistoryReader["Service"]
  }>
  /**
   * Everything `managerId` may do: lists carry their scope into the store query, out-of-scope
   * reads answer `NotFound`, out-of-scope writes reject with `Forbidden`, and every write is
   * audited in its transaction.
   */
  readonly as: (managerId: string) => ScopedWinback
  /** Runs an Effect program against this runtime's services; rejects with its typed error. */
  readonly run: <A, E>(effect: Effect.Effect<A, E, WinbackServices>, options?: { readonly signal?: AbortSignal }) => Promise<A>
  /**
   * Runs an Effect program as `managerId` (resolved afresh for the call), e.g. steps of a host's
   * own that must commit in one transaction; rejects with the program's typed error.
   *
   * @example
   * ```ts
   * const page = await winback.runAs("m-1", (actor) =>
   *   Effect.gen(function* () {
   *     const list = yield* WorkList
   *     return yield* list.byCustomer(actor, {}, { limit: 20 })
   *   })
   * )
   * ```
   */
  readonly runAs: <A, E>(managerId: string, program: (actor: Actor) => Effect.Effect<A, E, WinbackServices>) => Promise<A>
  /** Closes the storage and releases every resource. Idempotent. */
  readonly dispose: () => Promise<void>
}

const promisify = <T extends object>(service: T, run: <A, E>(e: Effect.Effect<A, E>) => Promise<A>): Promisified<T> => {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(service)) {
    out[k] =
      typeof v === "function"
        ? (...args: Array<unknown>) => {
            const r = (v as (...a: Array<unknown>) => unknown)(...args)
            return Effect.isEffect(r) ? run(r as Effect.Effect<unknown, unknown>) : Promise.resolve(r)
          }
        : v !== null && typeof v === "object"
          ? promisify(v, run)
          : v
  }
  return out as Promisified<T>
}

const notConfigured = (integration: "sms" | "notifier" | "dialer") => Effect.fail(new IntegrationError({ integration, retryable: false, detail: "not configured" }))

// The use-case methods of a session, by group and service. `canContact` joins the scoped `contacts`.
const useCases = {
  tasks: [TaskService, ["create", "update", "submit", "approve", "reject", "pause", "resume", "close", "expireDue", "preview"]],
  rules: [RuleService, ["create", "submit", "approve", "reject", "retire", "revise", "preview", "previewDraft"]],
  groups: [CustomerGroupService, ["create", "members", "list", "addMembers"]],
  extraction: [Extraction, ["run", "plan", "work"]],
  imports: [ManualImport, ["importCsv"]],
  dnd: [DndLists, ["list", "check", "apply", "exportCsv"]],
  workList: [WorkList, ["byTask", "byCustomer", "customer", "pool"]],
  execution: [Execution, ["recordCall", "attach", "saveResponse", "dial"]],
  contacts: [Contactability, ["canContact"]],
  appointments: [AppointmentService, ["book", "cancel", "markDone", "reschedule", "dueReminders", "acknowledgeReminder", "sendDueReminders"]],
  sms: [SmsWork, ["sendBatch"]],
  offers: [OfferService, ["use", "decide", "usesOf"]],
  feeds: [UsageFeed, ["importFile", "importFiles"]],
  observations: [ObservationService, ["evaluateDue"]],
  reports: [ReportService, ["funnel", "observations", "statusAccounting", "agents", "questionnaire", "period"]],
  plans: [WorkPlanService, ["set", "get", "list", "progress", "closePeriod"]]
} as const

/** Every use-case service over the scope services and ports, with the options' integrations. */
const useCaseLayerOf = (options: WinbackOptions) => {
  const integrations = Layer.mergeAll(
    options.candidates ?? defaultCandidateSource(options.mode),
    options.notifier ?? Layer.succeed(Notifier, Notifier.of({ notify: () => notConfigured("notifier") })),
    options.smsGateway ?? Layer.succeed(SmsGateway, SmsGateway.of({ send: () => notConfigured("sms") })),
    options.dialer ?? Layer.succeed(Dialer, Dialer.of({ call: () => notConfigured("dialer") })),
    options.partitioning?.staging ?? Layer.empty,
    options.partitioning?.queue ?? Layer.empty
  )
  const noReports = Effect.fail(new StorageError({ reason: "Unknown", operation: "ReportQueries", cause: new Error("no report queries configured: pass options.reports") }))
  const reports = options.reports ?? Layer.succeed(ReportQueries, ReportQueries.of({ funnel: () => noReports, observations: () => noReports, statusAccounting: () => noReports, responses: () => noReports }))
  const config = Layer.succeed(WorkConfig, { ...defaultWorkConfig, ...options.config })
  return Layer.mergeAll(useCaseLayer.pipe(Layer.provide(integrations)), ReportService.layer.pipe(Layer.provide(reports)), WorkPlanService.layer.pipe(Layer.provide(reports))).pipe(
    Layer.provideMerge(config)
  )
}

/**
 * Starts Winback over the given storage and returns its Promise facade: one runtime, built once,
 * holding every port and service.
 *
 * @example
 * ```ts
 * import { createWinback } from "@winback/core"
 * import { PgliteStorage, SqlCandidateSource } from "@winback/adapters"
 *
 * const storage = PgliteStorage.layer({ dataDir: ".data/winback" })
 * const winback = await createWinback({ storage, candidates: SqlCandidateSource.layer(storage) })
 * // Acting for a person: scope in every query, Forbidden / NotFound outside it, every write audited.
 * const me = winback.as("m-1")
 * const mine = await me.workItems.list({ states: ["open"] })
 * await me.execution.recordCall({ customerId: "c-42", itemIds: ["wi-1"], disposition: "completed", complete: true })
 * await winback.dispose()
 * ```
 */
export const createWinback = async (options: WinbackOptions): Promise<Winback> => {
  checkPeerVersions()
  const ports = hostPorts(options, options.storage)
  const scope = Layer.provideMerge(scopeLayer(options.policy, { orgCache: options.orgCache }), ports)
  // The services hold no resources: built once with the runtime, not per call (rebuilding them
  // per call cost more CPU than the call's own queries).
  const layer = Layer.provideMerge(useCaseLayerOf(options), scope)
  const runtime = ManagedRuntime.make(Layer.provideMerge(Layer.provideMerge(layer, observabilityLayer(options)), options.clock ?? Layer.empty))
  const run = <A, E>(effect: Effect.Effect<A, E, WinbackServices>, o?: { readonly signal?: AbortSignal }) =>
    runtime.runPromise(options.logger ? loggedCall(effect) : effect, o?.signal ? { signal: o.signal } : undefined)
  const services = await run(
    Effect.gen(function* () {
      // The facade runs each call in its own transaction; `transactions` is for Effect programs.
      const { transactions: _transactions, ...stores } = yield* currentStores
      return {
        stores,
        actors: yield* Actors,
        // The shape of a session (method names only): built once for an actor that reaches nothing.
        sessionShape: yield* sessionFor({
          id: "-",
          name: "-",
          roles: [],
          teamId: null,
          region: "-",
          scopes: { self: emptyScope, team: emptyScope, subtree: emptyScope, administered: emptyScope, all: emptyScope }
        }),
        directories: { customers: yield* CustomerDirectory, staff: yield* StaffDirectory, usage: yield* UsageHistoryReader }
      }
    })
  ).catch(async (e: unknown) => {
    await runtime.dispose()
    throw e
  })
  let disposed: Promise<void> | undefined
  const runAs: Winback["runAs"] = (managerId, program) => run(Effect.flatMap(services.actors.resolve(managerId), program))
  type Method = (...a: Array<unknown>) => Effect.Effect<unknown, unknown>
  const as = (managerId: string): ScopedWinback => {
    const session = Effect.flatMap(services.actors.resolve(managerId), sessionFor)
    const out: Record<string, Record<string, unknown>> = {}
    for (const [group, methods] of Object.entries(services.sessionShape)) {
      if (group === "actor" || methods === null || typeof methods !== "object") continue
      const bound: Record<string, unknown> = {}
      for (const name of Object.keys(methods)) {
        bound[name] = (...args: Array<unknown>) =>
          run(Effect.flatMap(session, (s) => (s as unknown as Record<string, Record<string, Method>>)[group]![name]!(...args)))
      }
      out[group] = bound
    }
    // The use cases join (and where a name is shared, take over) the scoped groups.
    for (const [group, [tag, methods]] of Object.entries(useCases)) {
      const bound = (out[group] ??= {})
      for (const name of methods) {
        bound[name] = (...args: Array<unknown>) =>
          runAs(managerId, (actor) =>
            Effect.gen(function* () {
              const service = (yield* tag) as unknown as Record<string, Method>
              return yield* service[name]!(actor, ...args)
            })
          )
      }
    }
    return { ...out, actor: () => run(services.actors.resolve(managerId)) } as unknown as ScopedWinback
  }
  // Team and membership writes through the facade refresh the cached org at once.
  const orgWrites = new Set(["managers", "teams"])
  const isRead = (method: string) => /^(get|list|count)/.test(method)
  const runInvalidating = <A, E>(effect: Effect.Effect<A, E, WinbackServices>) => run(Effect.ensuring(effect, services.actors.invalidate))
  const stores = promisify(services.stores, run)
  for (const group of orgWrites) {
    const raw = (services.stores as unknown as Record<string, Record<string, unknown>>)[group]!
    const wrapped = promisify(raw, runInvalidating) as Record<string, unknown>
    const target = (stores as unknown as Record<string, Record<string, unknown>>)[group]!
    for (const method of Object.keys(target)) if (!isRead(method)) target[method] = wrapped[method]
  }
  return {
    mode: options.mode ?? "replica",
    as,
    stores,
    directories: promisify(services.directories, run),
    run,
    runAs,
    dispose: () => (disposed ??= runtime.dispose())
  }
}
