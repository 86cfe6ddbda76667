/**
 * Storage ports: one store per aggregate, and the unit of work that makes several store calls one
 * atomic transaction. Every adapter (memory, PGlite, PostgreSQL, or a host's own) implements these
 * and proves it with the conformance suite in `@winback/adapters/testing`.
 *
 * Contracts that hold for every store below:
 * - A store method called inside `Transactions.transaction(effect)` takes part in that transaction:
 *   if the effect fails (or the fiber is interrupted) nothing it wrote remains.
 * - `update(record, expectedVersion)` succeeds only while the stored version equals
 *   `expectedVersion`; it stores `expectedVersion + 1` and returns the stored record. A stale
 *   write fails with `Conflict`, a missing record with `NotFound`.
 * - `insert` of an existing id fails with `Conflict`.
 * - Lists are keyset-paginated in the documented order; every item appears on exactly one page,
 *   even when equal sort keys span a page boundary.
 * - Infrastructure failures surface as `StorageError` (`Unavailable` is retryable).
 */
import { Context, type Effect } from "effect"
import type { AuditEntry, AuditEntryInput, AuditCategory } from "../AuditEntry"
import type { Appointment, AppointmentState } from "../Appointment"
import type { CallRecord } from "../CallRecord"
import type { Channel } from "../Channel"
import type { Customer } from "../Customer"
import type { CustomerGroup } from "../CustomerGroup"
import type { DndEntry } from "../DndEntry"
import type { Conflict, NotFound, StorageError } from "../Errors"
import type { HandOutLedgerEntry } from "../HandOutLedger"
import type { Manager } from "../Manager"
import type { Observation } from "../Observation"
import type { Offer } from "../Offer"
import type { Page, PageRequest } from "../Page"
import type { QuestionnaireVersionRecord, ResponseRecord } from "../QuestionnaireRecords"
import type { RuleInstanceRecord } from "../RuleInstanceRecord"
import type { Task, TaskSource, TaskStatus } from "../Task"
import type { Team } from "../Team"
import type { CustomerEvent, UsageDay, UsageMonth } from "../Usage"
import type { Disposition, WorkItem, WorkItemState } from "../WorkItem"
import type { WorkPlan, WorkPlanStatus, WorkPlanSubjectKind } from "../WorkPlan"

/**
 * The generic shape of a versioned aggregate store.
 *
 * @example
 * ```ts
 * const tasks = yield* TaskStore
 * const t = yield* tasks.get("task-1")
 * yield* tasks.update({ ...t, status: "paused" }, t.version)
 * ```
 */
export interface EntityStore<A extends { readonly version: number }, Filter> {
  /** Stores a new record (its `version` must be 1). Fails with `Conflict` if the id exists. */
  readonly insert: (record: A) => Effect.Effect<A, Conflict | StorageError>
  /** Reads one record by id. */
  readonly get: (id: string) => Effect.Effect<A, NotFound | StorageError>
  /** Reads many records by id; missing ids are left out. Order follows `ids`. */
  readonly getMany: (ids: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<A>, StorageError>
  /** Optimistic write: see the module contract. */
  readonly update: (record: A, expectedVersion: number) => Effect.Effect<A, NotFound | Conflict | StorageError>
  /** Lists records matching `filter`, in the store's documented order, one page at a time. */
  readonly list: (filter: Filter, page?: PageRequest) => Effect.Effect<Page<A>, StorageError>
}

/**
 * The unit of work. `transaction(effect)` runs `effect` so that every store call inside it commits
 * together or not at all. Nested calls join the outer transaction. Implementations MUST roll back
 * on failure, defect and interruption.
 *
 * @example
 * ```ts
 * const tx = yield* Transactions
 * yield* tx.transaction(Effect.gen(function* () {
 *   yield* items.update(next, item.version)
 *   yield* audit.append(entry)      // both or neither
 * }))
 * ```
 */
export class Transactions extends Context.Service<
  Transactions,
  {
    readonly transaction: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | StorageError, R>
  }
>()("@winback/core/Transactions") {}

// --------------------------------------------------------------------------------------------
// Customers and usage (the mirrored host data that rules push-down reads)
// --------------------------------------------------------------------------------------------

/**
 * The data scope of an acting person over customers, pushed into the store query: a customer is in
 * scope when its owner is one of `ownerManagerIds`, or when it has no owner and its region is one of
 * `unownedRegions` (the allocation pool a leader hands out from), or when one of `openWorkOf`
 * holds an open work item (state `open` or `in-progress`) for it — holding work grants read access
 * to its customer while the work is open.
 *
 * @example
 * ```ts
 * const f: CustomerFilter = { inScope: { ownerManagerIds: ["m-1", "m-2"], unownedRegions: ["beijing"], openWorkOf: ["m-1", "m-2"] } }
 * ```
 */
export interface CustomerScopeFilter {
  readonly ownerManagerIds: ReadonlyArray<string>
  readonly unownedRegions: ReadonlyArray<string>
  /** Assignees whose open work items admit their customers (absent: nobody's). */
  readonly openWorkOf?: ReadonlyArray<string>
}

/**
 * Filter for {@link CustomerStore} lists, ordered by id. All given fields must match (AND);
 * `inScope` is itself an OR of its two parts (see {@link CustomerScopeFilter}).
 */
export interface CustomerFilter {
  readonly ids?: ReadonlyArray<string>
  readonly ownerManagerIds?: ReadonlyArray<string>
  readonly region?: string
  readonly tiers?: ReadonlyArray<string>
  readonly inScope?: CustomerScopeFilter
}

/**
 * Customers and their usage history as Winback keeps them when the host feeds daily batches
 * (or as demo data). Upserts replace by key. `upsertCustomers` keeps the caller's `version` field
 * only on insert; master-data edits go through `update` with optimistic versioning.
 *
 * @example
 * ```ts
 * const store = yield* CustomerStore
 * yield* store.upsertCustomers(customers)
 * yield* store.upsertUsageMonths(months)
 * ```
 */
export class CustomerStore extends Context.Service<
  CustomerStore,
  EntityStore<Customer, CustomerFilter> & {
    readonly upsertCustomers: (customers: ReadonlyArray<Customer>) => Effect.Effect<void, StorageError>
    readonly upsertUsageDays: (days: ReadonlyArray<UsageDay>) => Effect.Effect<void, StorageError>
    readonly upsertUsageMonths: (months: ReadonlyArray<UsageMonth>) => Effect.Effect<void, StorageError>
    readonly appendEvents: (events: ReadonlyArray<CustomerEvent>) => Effect.Effect<void, StorageError>
    /** Days of one customer in `[fromDay, toDay]`, ascending. */
    readonly usageDays: (customerId: string, fromDay: string, toDay: string) => Effect.Effect<ReadonlyArray<UsageDay>, StorageError>
    /** Months of one customer in `[fromMonth, toMonth]`, ascending. */
    readonly usageMonths: (customerId: string, fromMonth: string, toMonth: string) => Effect.Effect<ReadonlyArray<UsageMonth>, StorageError>
    /** Events of one customer at or after `since`, ascending by time. */
    readonly events: (customerId: string, since: string) => Effect.Effect<ReadonlyArray<CustomerEvent>, StorageError>
    /** Number of customers stored. */
    readonly count: () => Effect.Effect<number, StorageError>
  }
>()("@winback/core/CustomerStore") {}

// --------------------------------------------------------------------------------------------
// Staff and teams
// --------------------------------------------------------------------------------------------

/** Filter for {@link ManagerStore} lists, ordered by id. */
export interface ManagerFilter {
  readonly teamIds?: ReadonlyArray<string>
  readonly roles?: ReadonlyArray<string>
  readonly activeOnly?: boolean
}

/**
 * Managers (staff) as Winback keeps them: team membership and profile.
 *
 * @example
 * ```ts
 * const agents = yield* (yield* ManagerStore).list({ teamIds: ["t-north"], roles: ["agent"] })
 * ```
 */
export class ManagerStore extends Context.Service<ManagerStore, EntityStore<Manager, ManagerFilter>>()(
  "@winback/core/ManagerStore"
) {}

/** Filter for {@link TeamStore} lists, ordered by id. */
export interface TeamFilter {
  readonly region?: string
  readonly parentId?: string | null
}

/**
 * The team tree.
 *
 * @example
 * ```ts
 * const roots = yield* (yield* TeamStore).list({ parentId: null })
 * ```
 */
export class TeamStore extends Context.Service<TeamStore, EntityStore<Team, TeamFilter>>()("@winback/core/TeamStore") {}

// --------------------------------------------------------------------------------------------
// Tasks, rules, groups
// --------------------------------------------------------------------------------------------

/** Filter for {@link TaskStore} lists, ordered by urgency (most urgent first), then id. */
export interface TaskFilter {
  readonly statuses?: ReadonlyArray<TaskStatus>
  readonly sources?: ReadonlyArray<TaskSource>
}

/**
 * Tasks of every source.
 *
 * @example
 * ```ts
 * const active = yield* (yield* TaskStore).list({ statuses: ["active"] })
 * ```
 */
export class TaskStore extends Context.Service<TaskStore, EntityStore<Task, TaskFilter>>()("@winback/core/TaskStore") {}

/** Filter for {@link RuleInstanceStore} lists, ordered by id. */
export interface RuleInstanceFilter {
  readonly statuses?: ReadonlyArray<string>
  readonly templateIds?: ReadonlyArray<string>
}

/**
 * Rule instances (versioned, each version its own record `id` = `<ruleId>@<n>`).
 *
 * @example
 * ```ts
 * const active = yield* (yield* RuleInstanceStore).list({ statuses: ["active"] })
 * ```
 */
export class RuleInstanceStore extends Context.Service<RuleInstanceStore, EntityStore<RuleInstanceRecord, RuleInstanceFilter>>()(
  "@winback/core/RuleInstanceStore"
) {}

/**
 * Customer groups.
 *
 * @example
 * ```ts
 * const g = yield* (yield* CustomerGroupStore).get("g-birthdays-nov")
 * ```
 */
export class CustomerGroupStore extends Context.Service<CustomerGroupStore, EntityStore<CustomerGroup, { readonly validOn?: string }>>()(
  "@winback/core/CustomerGroupStore"
) {}

// --------------------------------------------------------------------------------------------
// Extraction: the hand-out ledger
// --------------------------------------------------------------------------------------------

/** The answer to a ledger claim. */
export type ClaimResult =
  | { readonly claimed: true; readonly entry: HandOutLedgerEntry }
  | { readonly claimed: false; readonly holder: HandOutLedgerEntry }

/**
 * The hand-out ledger: one entry per (customer, period).
 *
 * Contract: `claim` MUST be atomic — of N concurrent claims of one (customer, period) key exactly
 * one answers `claimed: true`, the others `claimed: false` with the winning entry.
 *
 * @example
 * ```ts
 * const r = yield* ledger.claim(entry)
 * if (!r.claimed) console.log(`already handed out by ${r.holder.taskId}`)
 * ```
 */
export class HandOutLedgerStore extends Context.Service<
  HandOutLedgerStore,
  {
    readonly claim: (entry: HandOutLedgerEntry) => Effect.Effect<ClaimResult, StorageError>
    readonly get: (customerId: string, period: string) => Effect.Effect<HandOutLedgerEntry | undefined, StorageError>
    /** The entries whose cool-down is still running at `at` for any of `customerIds`. */
    readonly coolingDown: (customerIds: ReadonlyArray<string>, at: string) => Effect.Effect<ReadonlyArray<HandOutLedgerEntry>, StorageError>
    /** Entries of one period, ordered by customer id. */
    readonly listByPeriod: (period: string, page?: PageRequest) => Effect.Effect<Page<HandOutLedgerEntry>, StorageError>
  }
>()("@winback/core/HandOutLedgerStore") {}

// --------------------------------------------------------------------------------------------
// Work items and calls
// --------------------------------------------------------------------------------------------

/**
 * Filter for {@link WorkItemStore} lists, ordered by urgency (most urgent first), then creation
 * time, then id — the agent's work list order.
 */
export interface WorkItemFilter {
  readonly assigneeId?: string
  readonly customerId?: string
  /** Items of any of these customers (one read for a page of customers instead of one each). */
  readonly customerIds?: ReadonlyArray<string>
  readonly taskId?: string
  readonly teamIds?: ReadonlyArray<string>
  readonly states?: ReadonlyArray<WorkItemState>
  /**
   * Only items with no assignee: the pool a leader hands out from (DOMAIN §1). Combine with
   * `teamIds` for one team's pool; `assigneeId` together with it matches nothing.
   */
  readonly unassigned?: true
  /**
   * Only items ready to work at this canonical instant: no next attempt scheduled, or one at or
   * before it. Items waiting for their retry policy's (or a reschedule's) next attempt are left out.
   */
  readonly readyAt?: string
  /** The acting person's scope, ANDed with the fields above (see {@link WorkItemScopeFilter}). */
  readonly inScope?: WorkItemScopeFilter
}

/**
 * The data scope of an acting person over work items, pushed into the store query: an item is in
 * scope when its assignee is one of `assigneeIds` OR its team is one of `teamIds` (so a leader also
 * sees the unassigned items of their team, and an item stays visible to the team it was handed to).
 *
 * @example
 * ```ts
 * const f: WorkItemFilter = { states: ["open"], inScope: { assigneeIds: ["m-1"], teamIds: [] } }
 * ```
 */
export interface WorkItemScopeFilter {
  readonly assigneeIds: ReadonlyArray<string>
  readonly teamIds: ReadonlyArray<string>
}

/** Completing one or more items of one customer with one call. */
export interface CompleteWorkItems {
  readonly ids: ReadonlyArray<string>
  readonly customerId: string
  readonly by: string
  readonly at: string
  readonly disposition: Disposition
  readonly callSerial: string | null
  readonly note?: string
}

/**
 * Work items.
 *
 * Contract: `complete` is atomic over all its ids — every item must exist, belong to
 * `customerId` and be open or in progress, or nothing changes (`NotFound` / `Conflict`). A
 * not-reached disposition never completes an item (`Conflict`). Of N
 * concurrent completions of one item exactly one succeeds; the others fail with `Conflict`.
 * Completion records the attempt, the disposition and the call serial on every item.
 *
 * @example
 * ```ts
 * const done = yield* items.complete({ ids: ["wi-1", "wi-2"], customerId: "cust-42", by: "m-1",
 *   at: now, disposition: "completed", callSerial: "C-00000001" })
 * ```
 */
export class WorkItemStore extends Context.Service<
  WorkItemStore,
  EntityStore<WorkItem, WorkItemFilter> & {
    readonly insertMany: (items: ReadonlyArray<WorkItem>) => Effect.Effect<void, Conflict | StorageError>
    readonly complete: (input: CompleteWorkItems) => Effect.Effect<ReadonlyArray<WorkItem>, NotFound | Conflict | StorageError>
    /** Counts per state for one assignee (and optionally one task). */
    readonly countByState: (filter: { readonly assigneeId?: string; readonly taskId?: string }) => Effect.Effect<Readonly<Record<WorkItemState, number>>, StorageError>
  }
>()("@winback/core/WorkItemStore") {}

/**
 * Call records and their serial numbers.
 *
 * Contracts: `nextSerial` never returns the same serial twice, even concurrently. At most one
 * record per `externalCallId` (the call center's call id): `insert` fails with `Conflict` when the
 * serial number or the external call id is taken — also when a concurrent transaction inserted it
 * first, in which case `insert` waits for that transaction and MUST NOT abort the caller's
 * transaction, so the caller can read the winner with `findByExternalCallId` and complete it.
 * `findByExternalCallId` inside a transaction locks the record until the transaction ends, so
 * two transactions completing one call's record run one after the other.
 *
 * @example
 * ```ts
 * const serial = yield* calls.nextSerial()
 * yield* calls.insert({ serialNumber: serial, ... })
 * const linked = yield* calls.findByExternalCallId("pbx-7781") // CallRecord | undefined
 * ```
 */
export class CallRecordStore extends Context.Service<
  CallRecordStore,
  {
    readonly nextSerial: () => Effect.Effect<string, StorageError>
    readonly insert: (record: CallRecord) => Effect.Effect<CallRecord, Conflict | StorageError>
    readonly get: (serialNumber: string) => Effect.Effect<CallRecord, NotFound | StorageError>
    /** The record of the call center's call `externalCallId`, locked in the current transaction; `undefined` when none. */
    readonly findByExternalCallId: (externalCallId: string) => Effect.Effect<CallRecord | undefined, StorageError>
    /**
     * Replaces the record with the same serial number. Its customer and its `externalCallId`
     * never change (`Conflict`); an unknown serial is `NotFound`.
     */
    readonly update: (record: CallRecord) => Effect.Effect<CallRecord, NotFound | Conflict | StorageError>
    /** Calls of one customer, oldest first. */
    readonly listByCustomer: (customerId: string, page?: PageRequest) => Effect.Effect<Page<CallRecord>, StorageError>
  }
>()("@winback/core/CallRecordStore") {}

// --------------------------------------------------------------------------------------------
// Do-not-disturb and appointments
// --------------------------------------------------------------------------------------------

/**
 * Do-not-disturb entries.
 *
 * @example
 * ```ts
 * const blocked = yield* dnd.blocked(["cust-1", "cust-2"], "phone", now) // Set of blocked ids
 * ```
 */
export class DndStore extends Context.Service<
  DndStore,
  {
    readonly add: (entry: DndEntry) => Effect.Effect<DndEntry, Conflict | StorageError>
    /**
     * Marks an entry removed at `at` (entries are never deleted, for the record). An entry already
     * removed fails with `Conflict` and keeps its first `removedAt`. MUST be atomic: of N
     * concurrent `remove` calls for one entry exactly one succeeds.
     */
    readonly remove: (id: string, at: string) => Effect.Effect<DndEntry, NotFound | Conflict | StorageError>
    /** All entries of one customer, newest first (by `createdAt`, entries of one instant by id), removed ones included. */
    readonly listByCustomer: (customerId: string) => Effect.Effect<ReadonlyArray<DndEntry>, StorageError>
    /** The ids among `customerIds` with an active entry on `channel` at `at`. */
    readonly blocked: (customerIds: ReadonlyArray<string>, channel: Channel, at: string) => Effect.Effect<ReadonlySet<string>, StorageError>
  }
>()("@winback/core/DndStore") {}

/** Filter for {@link AppointmentStore} lists, ordered by time then id. */
export interface AppointmentFilter {
  readonly managerId?: string
  /** Appointments of any of these managers (the scope push-down of appointment reads). */
  readonly managerIds?: ReadonlyArray<string>
  readonly customerId?: string
  readonly states?: ReadonlyArray<AppointmentState>
  /** Only appointments at or before this instant. */
  readonly dueBy?: string
}

/**
 * Appointments.
 *
 * @example
 * ```ts
 * const due = yield* (yield* AppointmentStore).list({ states: ["booked"], dueBy: now })
 * ```
 */
export class AppointmentStore extends Context.Service<AppointmentStore, EntityStore<Appointment, AppointmentFilter>>()(
  "@winback/core/AppointmentStore"
) {}

// --------------------------------------------------------------------------------------------
// Offers, observations
// --------------------------------------------------------------------------------------------

/**
 * The offer catalogue.
 *
 * @example
 * ```ts
 * const offers = yield* (yield* OfferStore).list({ activeOnly: true })
 * ```
 */
export class OfferStore extends Context.Service<OfferStore, EntityStore<Offer, { readonly activeOnly?: boolean }>>()(
  "@winback/core/OfferStore"
) {}

/** Filter for {@link ObservationStore} lists, ordered by end date then id. */
export interface ObservationFilter {
  readonly taskId?: string
  readonly managerId?: string
  /** Only unevaluated observations whose window ended on or before this date. */
  readonly dueOn?: string
}

/**
 * Observations of retention effect.
 *
 * @example
 * ```ts
 * const due = yield* (yield* ObservationStore).list({ dueOn: "2026-11-22" })
 * ```
 */
export class ObservationStore extends Context.Service<ObservationStore, EntityStore<Observation, ObservationFilter>>()(
  "@winback/core/ObservationStore"
) {}

// --------------------------------------------------------------------------------------------
// Audit
// --------------------------------------------------------------------------------------------

/** Filter for audit queries, ordered by sequence number. */
export interface AuditFilter {
  readonly from?: string
  readonly to?: string
  readonly actorId?: string
  /** Entries by any of these actors (the scope push-down of audit reads). */
  readonly actorIds?: ReadonlyArray<string>
  readonly customerId?: string
  readonly categories?: ReadonlyArray<AuditCategory>
}

/** The result of checking the audit hash chain. */
export type AuditVerification =
  | { readonly ok: true; readonly entries: number }
  | { readonly ok: false; readonly entries: number; readonly firstBrokenSeq: number; readonly problem: string }

/**
 * The append-only audit log with a hash chain.
 *
 * Contract: `append` assigns increasing log-wide sequence numbers (consecutive for appends one
 * after the other; a rolled-back append may leave a gap) and chains each entry's hash to the
 * previous entry of its stream; a writer takes a stream no concurrent transaction holds, so
 * writers do not serialise on one row. Every `auditCheckpointInterval` entries a checkpoint records
 * every stream's head. There is no update or delete. `verify` recomputes every stream and checkpoint
 * (`verifyAuditLog`) and reports the first entry that was modified, deleted or reordered.
 *
 * @example
 * ```ts
 * const e = yield* audit.append({ actorId, at, action: "dnd.add", category: "dnd", recordType: "DndEntry",
 *   recordId: entry.id, customerId: entry.customerId, before: null, after: entry, note: "" })
 * ```
 */
export class AuditLogStore extends Context.Service<
  AuditLogStore,
  {
    readonly append: (entry: AuditEntryInput) => Effect.Effect<AuditEntry, StorageError>
    readonly query: (filter: AuditFilter, page?: PageRequest) => Effect.Effect<Page<AuditEntry>, StorageError>
    readonly verify: () => Effect.Effect<AuditVerification, StorageError>
  }
>()("@winback/core/AuditLogStore") {}

// --------------------------------------------------------------------------------------------
// Questionnaires
// --------------------------------------------------------------------------------------------

/**
 * Published questionnaire versions (immutable, keyed by hash) and responses.
 *
 * Contract: `putVersion` of a hash that exists is a no-op returning the stored record (publishing
 * is idempotent); a version is never changed.
 *
 * @example
 * ```ts
 * yield* qs.putVersion({ hash, questionnaireId: "retention-callback", title, definition, publishedAt: now, publishedBy: "m-9" })
 * ```
 */
export class QuestionnaireStore extends Context.Service<
  QuestionnaireStore,
  {
    readonly putVersion: (record: QuestionnaireVersionRecord) => Effect.Effect<QuestionnaireVersionRecord, StorageError>
    readonly getVersion: (hash: string) => Effect.Effect<QuestionnaireVersionRecord, NotFound | StorageError>
    /** Versions of one questionnaire, oldest first. */
    readonly listVersions: (questionnaireId: string) => Effect.Effect<ReadonlyArray<QuestionnaireVersionRecord>, StorageError>
    readonly responses: EntityStore<ResponseRecord, { readonly workItemId?: string; readonly questionnaireId?: string; readonly customerId?: string }>
  }
>()("@winback/core/QuestionnaireStore") {}

// --------------------------------------------------------------------------------------------
// Work plans
// --------------------------------------------------------------------------------------------

/**
 * The data scope of an acting person over work plans, pushed into the store query: an agent's plan
 * is in scope when the agent is one of `managerIds`; any plan is in scope when its team is one of
 * `teamIds`.
 *
 * @example
 * ```ts
 * const f: WorkPlanFilter = { period: "2026-11", inScope: { managerIds: ["m-1"], teamIds: ["t-north"] } }
 * ```
 */
export interface WorkPlanScopeFilter {
  readonly managerIds: ReadonlyArray<string>
  readonly teamIds: ReadonlyArray<string>
}

/** Filter for {@link WorkPlanStore} lists, ordered by period start, then id. All given fields must match. */
export interface WorkPlanFilter {
  /** The period label (`2026-11`). */
  readonly period?: string
  readonly subjectKind?: WorkPlanSubjectKind
  readonly subjectIds?: ReadonlyArray<string>
  readonly statuses?: ReadonlyArray<WorkPlanStatus>
  /** The acting person's scope, ANDed with the fields above (see {@link WorkPlanScopeFilter}). */
  readonly inScope?: WorkPlanScopeFilter
}

/**
 * Work plans (targets per agent and team per period).
 *
 * @example
 * ```ts
 * const plans = yield* (yield* WorkPlanStore).list({ period: "2026-11", statuses: ["active"] })
 * ```
 */
export class WorkPlanStore extends Context.Service<WorkPlanStore, EntityStore<WorkPlan, WorkPlanFilter>>()("@winback/core/WorkPlanStore") {}
