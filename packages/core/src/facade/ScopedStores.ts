/**
 * The scoped data-access layer: the store operations as an acting person may use them. Every list
 * carries the actor's scope INTO the store filter (a WHERE clause on SQL adapters); every single
 * read checks the record and answers `NotFound` when it is out of scope (no existence leak); every
 * write checks the record, fails with `Forbidden` out of scope, and appends its audit entry in the
 * same transaction as the change. The raw `Stores` stay unscoped, for system jobs and adapters.
 */
import { Context, Effect, Layer } from "effect"
import * as z from "zod"
import type { Actor } from "../org/Actor"
import { Appointment, AppointmentState, DEFAULT_REMIND_MINUTES, MAX_REMIND_MINUTES } from "../work/Appointment"
import { AuditTrail, nowIso } from "../audit/AuditTrail"
import type { CallRecord } from "../work/CallRecord"
import { Channel } from "../shared/Channel"
import { Customer } from "../customer/Customer"
import { DndEntry, DndSource, isProtectedDndSource } from "../work/DndEntry"
import { Conflict, Forbidden, NotFound, type StorageError, type ValidationError } from "../shared/Errors"
import { type Page, PageRequest } from "../shared/Page"
import { Actions, describeResource, Permissions, type Resource } from "../org/Permissions"
import { Id, Instant } from "../shared/Primitives"
import { AppointmentStore } from "../work/AppointmentStore"
import { CallRecordStore } from "../work/CallRecordStore"
import { CustomerStore } from "../customer/CustomerStore"
import { DndStore } from "../work/DndStore"
import { addAuditedDnd } from "../work/DndAudit"
import { RuleInstanceStore } from "../rule/RuleInstanceStore"
import { TaskStore } from "../task/TaskStore"
import { Transactions } from "../ports/Transactions"
import { WorkItemStore } from "../work/WorkItemStore"
import type { RuleInstanceRecord } from "../rule/RuleInstanceRecord"
import { withOpenWork } from "../work/OpenWork"
import { customerScopeFilter, type ScopedCustomer, workItemScopeFilter } from "../org/Scope"
import { Task, TaskSource, TaskStatus } from "../task/Task"
import { decode } from "../shared/Validation"
import { Disposition, WorkItem, WorkItemState } from "../work/WorkItem"
import { newId } from "../shared/Ids"
import { serviceLayer } from "../shared/ServiceLayer"

/**
 * A customer list filter a host may pass (the scope is added by the layer, never by the caller).
 *
 * @example
 * ```ts
 * ScopedCustomerFilter.parse({ tiers: ["gold", "diamond"] })
 * ```
 */
export const ScopedCustomerFilter = z
  .object({
    ids: z.array(Id).max(10_000).optional(),
    ownerManagerIds: z.array(Id).max(10_000).optional(),
    region: z.string().min(1).max(100).optional(),
    tiers: z.array(z.string().min(1)).optional()
  })
  .strict()
/** @see {@link ScopedCustomerFilter} */
export type ScopedCustomerFilter = z.input<typeof ScopedCustomerFilter>

/**
 * A work-item list filter a host may pass.
 *
 * @example
 * ```ts
 * ScopedWorkItemFilter.parse({ states: ["open", "in-progress"] })
 * ```
 */
export const ScopedWorkItemFilter = z
  .object({
    assigneeId: Id.optional(),
    customerId: Id.optional(),
    customerIds: z.array(Id).max(1000).optional(),
    taskId: Id.optional(),
    teamIds: z.array(Id).optional(),
    states: z.array(WorkItemState).optional(),
    /** Only items with no assignee: the team's pool (a leader's scope reaches it, an agent's does not). */
    unassigned: z.literal(true).optional(),
    /** Only items not waiting for a next attempt at this instant (see `WorkItemFilter.readyAt`). */
    readyAt: Instant.optional()
  })
  .strict()
/** @see {@link ScopedWorkItemFilter} */
export type ScopedWorkItemFilter = z.input<typeof ScopedWorkItemFilter>

/**
 * The customer master data a leader may edit. The owner is not here: ownership changes go through
 * allocation (assign / transfer / reclaim), which is recorded as such.
 *
 * @example
 * ```ts
 * CustomerMasterPatch.parse({ tier: "diamond", phones: ["+8613800000042"] })
 * ```
 */
export const CustomerMasterPatch = Customer.pick({
  name: true,
  phones: true,
  region: true,
  tier: true,
  lineStatus: true,
  paymentType: true,
  contractEnd: true,
  birthday: true,
  preferredChannel: true,
  tariffSensitivity: true,
  creditLevel: true,
  timeZone: true
})
  .partial()
  .strict()
/** @see {@link CustomerMasterPatch} */
export type CustomerMasterPatch = z.input<typeof CustomerMasterPatch>

/**
 * Completing items of one customer with one call, as the acting person (who and when are filled in).
 *
 * @example
 * ```ts
 * ScopedCompletion.parse({ ids: ["wi-1"], customerId: "cust-42", disposition: "completed", callSerial: "C-00000001" })
 * ```
 */
export const ScopedCompletion = z
  .object({
    ids: z.array(Id).min(1).max(100),
    customerId: Id,
    disposition: Disposition,
    callSerial: z.string().max(64).nullable().default(null),
    note: z.string().max(4000).optional()
  })
  .strict()
/** @see {@link ScopedCompletion} */
export type ScopedCompletion = z.input<typeof ScopedCompletion>

/**
 * A do-not-disturb entry added during work (effective immediately).
 *
 * @example
 * ```ts
 * NewDndEntry.parse({ customerId: "cust-42", channel: "phone", reason: "asked not to be called" })
 * ```
 */
export const NewDndEntry = z
  .object({
    customerId: Id,
    channel: Channel,
    reason: z.string().min(1).max(1000),
    source: DndSource.default("agent"),
    expiresAt: Instant.nullable().default(null)
  })
  .strict()
/** @see {@link NewDndEntry} */
export type NewDndEntry = z.input<typeof NewDndEntry>

/**
 * Taking back a do-not-disturb entry of a customer: which entry, and why (the reason goes into the
 * audit entry's note). The entry is marked removed now, never deleted.
 *
 * @example
 * ```ts
 * DndRemoval.parse({ customerId: "cust-42", entryId: "dnd-1", reason: "added to the wrong customer" })
 * ```
 */
export const DndRemoval = z
  .object({
    customerId: Id,
    entryId: Id,
    reason: z.string().trim().min(1).max(1000)
  })
  .strict()
/** @see {@link DndRemoval} */
export type DndRemoval = z.input<typeof DndRemoval>

/**
 * A callback to book during work. `managerId` defaults to the actor (a leader may book for a
 * member of their team).
 *
 * @example
 * ```ts
 * NewAppointment.parse({ customerId: "cust-42", at: "2026-11-23T10:00:00+08:00", channel: "phone", note: "after work" })
 * ```
 */
export const NewAppointment = z
  .object({
    customerId: Id,
    at: Instant,
    channel: Channel,
    note: z.string().max(2000).default(""),
    workItemId: Id.nullable().default(null),
    managerId: Id.optional(),
    /** Remind the agent this many minutes before (default {@link DEFAULT_REMIND_MINUTES}). */
    remindMinutesBefore: z.number().int().min(0).max(MAX_REMIND_MINUTES).default(DEFAULT_REMIND_MINUTES)
  })
  .strict()
/** @see {@link NewAppointment} */
export type NewAppointment = z.input<typeof NewAppointment>

/**
 * An appointment list filter a host may pass.
 *
 * @example
 * ```ts
 * ScopedAppointmentFilter.parse({ states: ["booked"], dueFrom: "2026-11-22T00:00:00Z", dueBy: "2026-11-22T12:00:00Z" })
 * ```
 */
export const ScopedAppointmentFilter = z
  .object({
    managerId: Id.optional(),
    customerId: Id.optional(),
    states: z.array(AppointmentState).optional(),
    dueBy: Instant.optional(),
    dueFrom: Instant.optional()
  })
  .strict()
/** @see {@link ScopedAppointmentFilter} */
export type ScopedAppointmentFilter = z.input<typeof ScopedAppointmentFilter>

const TaskListFilter = z.object({ statuses: z.array(TaskStatus).optional(), sources: z.array(TaskSource).optional() }).strict()
const RuleListFilter = z.object({ statuses: z.array(z.string().min(1)).optional(), templateIds: z.array(Id).optional() }).strict()

/**
 * The store operations of one acting person. Obtain it with `ScopedStores.forActor(actor)` (Effect)
 * or `winback.as(managerId)` (Promise facade).
 *
 * @example
 * ```ts
 * const view = (yield* ScopedStores).forActor(actor)
 * const mine = yield* view.workItems.list({ states: ["open"] })
 * ```
 */
export interface ScopedView {
  readonly actor: Actor
  readonly customers: {
    /** One customer; `NotFound` when unknown or out of scope. */
    readonly get: (id: string) => Effect.Effect<Customer, NotFound | StorageError>
    /** The customers among `ids` that exist and are in scope, in the order asked. */
    readonly getMany: (ids: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<Customer>, StorageError>
    /** Customers in scope matching `filter`, ordered by id. */
    readonly list: (filter?: ScopedCustomerFilter, page?: PageRequest) => Effect.Effect<Page<Customer>, ValidationError | StorageError>
    /** Edits master data (leaders by default), audited with before and after. */
    readonly update: (
      id: string,
      patch: CustomerMasterPatch,
      expectedVersion: number,
      note?: string
    ) => Effect.Effect<Customer, ValidationError | NotFound | Conflict | Forbidden | StorageError>
  }
  readonly workItems: {
    readonly get: (id: string) => Effect.Effect<WorkItem, NotFound | StorageError>
    readonly getMany: (ids: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<WorkItem>, StorageError>
    /** Items in scope matching `filter`, in work-list order. */
    readonly list: (filter?: ScopedWorkItemFilter, page?: PageRequest) => Effect.Effect<Page<WorkItem>, ValidationError | StorageError>
    /** Counts per state of one assignee in scope (default: the actor). */
    readonly countByState: (filter?: { readonly assigneeId?: string; readonly taskId?: string }) => Effect.Effect<Readonly<Record<WorkItemState, number>>, Forbidden | StorageError>
    /**
     * Writes a changed item (attempts, notes, attachments, state...). Who it belongs to (customer,
     * task, assignee, team) cannot change here: that is allocation.
     */
    readonly update: (item: WorkItem, expectedVersion: number) => Effect.Effect<WorkItem, ValidationError | NotFound | Conflict | Forbidden | StorageError>
    /** Completes items of one customer with one call, as the actor, now; one audit entry per item. */
    readonly complete: (input: ScopedCompletion) => Effect.Effect<ReadonlyArray<WorkItem>, ValidationError | NotFound | Conflict | Forbidden | StorageError>
  }
  readonly appointments: {
    readonly get: (id: string) => Effect.Effect<Appointment, NotFound | StorageError>
    /** Appointments of managers in scope, by time. */
    readonly list: (filter?: ScopedAppointmentFilter, page?: PageRequest) => Effect.Effect<Page<Appointment>, ValidationError | StorageError>
    /** Books a callback for a customer in scope, audited. */
    readonly book: (input: NewAppointment) => Effect.Effect<Appointment, ValidationError | NotFound | Conflict | Forbidden | StorageError>
    /** Changes time, note or state (customer and manager stay), audited. */
    readonly update: (appointment: Appointment, expectedVersion: number) => Effect.Effect<Appointment, ValidationError | NotFound | Conflict | Forbidden | StorageError>
  }
  readonly tasks: {
    readonly get: (id: string) => Effect.Effect<Task, NotFound | StorageError>
    /** Tasks the actor may read (approvers: those pending approval), urgency order. */
    readonly list: (filter?: z.input<typeof TaskListFilter>, page?: PageRequest) => Effect.Effect<Page<Task>, ValidationError | StorageError>
  }
  readonly ruleInstances: {
    readonly get: (id: string) => Effect.Effect<RuleInstanceRecord, NotFound | StorageError>
    readonly list: (filter?: z.input<typeof RuleListFilter>, page?: PageRequest) => Effect.Effect<Page<RuleInstanceRecord>, ValidationError | StorageError>
  }
  readonly contacts: {
    /** Call records of a customer in scope, oldest first. */
    readonly calls: (customerId: string, page?: PageRequest) => Effect.Effect<Page<CallRecord>, NotFound | StorageError>
    /** DND entries of a customer in scope, newest first. */
    readonly dnd: (customerId: string) => Effect.Effect<ReadonlyArray<DndEntry>, NotFound | StorageError>
    /** Adds a DND entry for a customer in scope, effective now, audited. */
    readonly addDnd: (input: NewDndEntry) => Effect.Effect<DndEntry, ValidationError | NotFound | Conflict | Forbidden | StorageError>
    /**
     * Takes back a DND entry of a customer in scope, effective now, audited with before, after and
     * the reason as note (`dnd.remove`; an entry the customer asked for, or from a complaint or a
     * regulator, also needs `dnd.remove-protected`). `Forbidden` out of scope or without the
     * action; `NotFound` for an unknown customer, or an entry that is not this customer's;
     * `Conflict` when the entry is already removed.
     */
    readonly removeDnd: (input: DndRemoval) => Effect.Effect<DndEntry, ValidationError | NotFound | Conflict | Forbidden | StorageError>
  }
}

const emptyPage = <A>(): Page<A> => ({ items: [], nextCursor: null })

const hiddenAs = <A>(entity: string, id: string) => Effect.fail(new NotFound({ entity, id })) as Effect.Effect<A, NotFound>

/**
 * The scoped store service.
 *
 * @example
 * ```ts
 * const scoped = yield* ScopedStores
 * const view = scoped.forActor(yield* (yield* Actors).resolve("m-1"))
 * const page = yield* view.customers.list({ tiers: ["gold"] })
 * ```
 */
export class ScopedStores extends Context.Service<ScopedStores, { readonly forActor: (actor: Actor) => ScopedView }>()(
  "@winback/core/ScopedStores"
) {
  /**
   * The live implementation over the storage ports, the permission service and the audit trail.
   *
   * @example
   * ```ts
   * ScopedStores.layer.pipe(Layer.provide(AuditTrail.layer), Layer.provide(Permissions.layer()), Layer.provide(storesLayer(stores)))
   * ```
   */
  static readonly layer: Layer.Layer<ScopedStores, never, Transactions | CustomerStore | WorkItemStore | TaskStore | RuleInstanceStore | CallRecordStore | DndStore | AppointmentStore | Permissions | AuditTrail> = serviceLayer(
    ScopedStores,
    { tx: Transactions, customers: CustomerStore, workItems: WorkItemStore, tasks: TaskStore, rules: RuleInstanceStore, calls: CallRecordStore, appointments: AppointmentStore, dnd: DndStore, perms: Permissions, trail: AuditTrail },
    ({ tx, customers, workItems, tasks, rules, calls, appointments, dnd, perms, trail }) => Effect.gen(function* () {
      const forActor = (actor: Actor): ScopedView => {
        const can = (action: string, resource: Resource) => perms.check(actor, action, resource).pipe(Effect.map((d) => d.allowed))
        const requireOn = (action: string, resource: Resource) => perms.require(actor, action, resource)
        /** Reads a record and hides it (NotFound) when `action` does not cover it. */
        const readable = <A, E>(entity: string, id: string, read: Effect.Effect<A, E>, action: string, resource: (a: A) => Resource) =>
          Effect.flatMap(read, (a) => Effect.flatMap(can(action, resource(a)), (ok) => (ok ? Effect.succeed(a) : hiddenAs<A>(entity, id))))
        const customerRes = (c: Pick<Customer, "id"> & ScopedCustomer): Resource => ({ type: "customer", customer: c })
        const itemRes = (w: WorkItem): Resource => ({ type: "work-item", workItem: w })
        /**
         * The customer, when `action` (a read) covers it — holding open work for it counts — with
         * its open-work holders attached for the checks that follow; `NotFound` otherwise, exactly
         * as for an unknown id, so a refusal never tells that an unreadable customer exists.
         */
        const visibleCustomer = (id: string, action: string = Actions.customerRead) =>
          Effect.gen(function* () {
            const customer = yield* customers.get(id)
            const held = yield* withOpenWork(workItems, customer)
            if (!(yield* can(action, customerRes(held)))) return yield* hiddenAs<never>("Customer", id)
            return { customer, held }
          })
        /** The item, when the actor may read it; `NotFound` otherwise (as for an unknown id). */
        const visibleItem = (w: WorkItem) => Effect.flatMap(can(Actions.workItemRead, itemRes(w)), (ok) => (ok ? Effect.succeed(w) : hiddenAs<WorkItem>("WorkItem", w.id)))

        const customerView: ScopedView["customers"] = {
          get: Effect.fn("ScopedStores.customers.get")(function* (id: string) {
            return (yield* visibleCustomer(id)).customer
          }),
          getMany: Effect.fn("ScopedStores.customers.getMany")(function* (ids: ReadonlyArray<string>) {
            const reach = yield* perms.scopeFor(actor, Actions.customerRead)
            if (reach === undefined || ids.length === 0) return []
            const inScope = customerScopeFilter(reach.scope)
            if (inScope === undefined) return yield* customers.getMany(ids)
            // The scope (with the open-work rule) in the store query, as for lists.
            const unique = [...new Set(ids)]
            const byId = new Map<string, Customer>()
            for (let i = 0; i < unique.length; i += 1000) {
              const part = unique.slice(i, i + 1000)
              for (const c of (yield* customers.list({ ids: part, inScope }, { limit: part.length })).items) byId.set(c.id, c)
            }
            return ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []))
          }),
          list: Effect.fn("ScopedStores.customers.list")(function* (filter?: ScopedCustomerFilter, page?: PageRequest) {
            const f = yield* decode(ScopedCustomerFilter, filter ?? {}, "customer filter")
            const p = page === undefined ? undefined : yield* decode(PageRequest, page, "page")
            const reach = yield* perms.scopeFor(actor, Actions.customerRead)
            if (reach === undefined) return emptyPage<Customer>()
            const inScope = customerScopeFilter(reach.scope)
            return yield* customers.list(inScope ? { ...f, inScope } : f, p)
          }),
          update: Effect.fn("ScopedStores.customers.update")(function* (id: string, patch: CustomerMasterPatch, expectedVersion: number, note?: string) {
            const change = yield* decode(CustomerMasterPatch, patch, "customer master data")
            return yield* tx.transaction(
              Effect.gen(function* () {
                const before = (yield* visibleCustomer(id)).customer
                // Holding work grants no master-data edit: the check is on the customer alone.
                yield* requireOn(Actions.customerEdit, customerRes(before))
                if (change.region !== undefined && change.region !== before.region) {
                  // Over the customer where it is and where it would land (as part of that region's pool).
                  yield* requireOn(Actions.customerMoveRegion, customerRes(before))
                  yield* requireOn(Actions.customerMoveRegion, customerRes({ id: before.id, ownerManagerId: null, region: change.region }))
                }
                const after = yield* customers.update({ ...before, ...change }, expectedVersion)
                yield* trail.record(actor, {
                  action: Actions.customerEdit,
                  category: "customer",
                  recordType: "Customer",
                  recordId: id,
                  customerId: id,
                  before,
                  after,
                  ...(note === undefined ? {} : { note })
                })
                return after
              })
            )
          })
        }

        const workItemView: ScopedView["workItems"] = {
          get: Effect.fn("ScopedStores.workItems.get")(function* (id: string) {
            return yield* readable("WorkItem", id, workItems.get(id), Actions.workItemRead, itemRes)
          }),
          getMany: Effect.fn("ScopedStores.workItems.getMany")(function* (ids: ReadonlyArray<string>) {
            const found = yield* workItems.getMany(ids)
            return yield* Effect.filter(found, (w) => can(Actions.workItemRead, itemRes(w)))
          }),
          list: Effect.fn("ScopedStores.workItems.list")(function* (filter?: ScopedWorkItemFilter, page?: PageRequest) {
            const f = yield* decode(ScopedWorkItemFilter, filter ?? {}, "work item filter")
            const p = page === undefined ? undefined : yield* decode(PageRequest, page, "page")
            const reach = yield* perms.scopeFor(actor, Actions.workItemRead)
            if (reach === undefined) return emptyPage<WorkItem>()
            const inScope = workItemScopeFilter(reach.scope)
            // An item whose assignee is in scope is in scope: when the filter names such an assignee,
            // the scope condition adds nothing — and dropping it keeps PostgreSQL on the work-list
            // index (the OR of assignee and team otherwise makes it sort the agent's whole backlog).
            const impliedByAssignee = inScope !== undefined && f.assigneeId !== undefined && inScope.assigneeIds.includes(f.assigneeId)
            return yield* workItems.list(inScope && !impliedByAssignee ? { ...f, inScope } : f, p)
          }),
          countByState: Effect.fn("ScopedStores.workItems.countByState")(function* (filter?: { readonly assigneeId?: string; readonly taskId?: string }) {
            const assigneeId = filter?.assigneeId ?? actor.id
            yield* requireOn(Actions.workItemRead, { type: "work-item", workItem: { id: `assignee:${assigneeId}`, assigneeId, teamId: null } })
            return yield* workItems.countByState({ assigneeId, ...(filter?.taskId === undefined ? {} : { taskId: filter.taskId }) })
          }),
          update: Effect.fn("ScopedStores.workItems.update")(function* (item: WorkItem, expectedVersion: number) {
            const next = yield* decode(WorkItem, item, "work item")
            return yield* tx.transaction(
              Effect.gen(function* () {
                const before = yield* visibleItem(yield* workItems.get(next.id))
                yield* requireOn(Actions.workItemUpdate, itemRes(before))
                const moved = (["customerId", "taskId", "assigneeId", "teamId"] as const).filter((k) => before[k] !== next[k])
                if (next.state === "completed" && before.state !== "completed") {
                  return yield* new Forbidden({
                    actorId: actor.id,
                    action: Actions.workItemUpdate,
                    resource: describeResource(itemRes(before)),
                    reason: "completion goes through complete (it records the attempt, disposition and call serial)"
                  })
                }
                if (moved.length > 0) {
                  return yield* new Forbidden({
                    actorId: actor.id,
                    action: Actions.workItemUpdate,
                    resource: describeResource(itemRes(before)),
                    reason: `${moved.join(", ")} cannot change in an update: use allocation`
                  })
                }
                const after = yield* workItems.update({ ...next, updatedAt: yield* nowIso }, expectedVersion)
                yield* trail.record(actor, {
                  action: Actions.workItemUpdate,
                  category: "work-item",
                  recordType: "WorkItem",
                  recordId: after.id,
                  customerId: after.customerId,
                  before,
                  after
                })
                return after
              })
            )
          }),
          complete: Effect.fn("ScopedStores.workItems.complete")(function* (input: ScopedCompletion) {
            const c = yield* decode(ScopedCompletion, input, "completion")
            return yield* tx.transaction(
              Effect.gen(function* () {
                const before = yield* workItems.getMany(c.ids)
                for (const w of before) yield* visibleItem(w)
                for (const w of before) yield* requireOn(Actions.workItemComplete, itemRes(w))
                const at = yield* nowIso
                const done = yield* workItems.complete({
                  ids: c.ids,
                  customerId: c.customerId,
                  by: actor.id,
                  at,
                  disposition: c.disposition,
                  callSerial: c.callSerial,
                  ...(c.note === undefined ? {} : { note: c.note })
                })
                const prior = new Map(before.map((w) => [w.id, w]))
                for (const w of done) {
                  yield* trail.record(actor, {
                    action: Actions.workItemComplete,
                    category: "work-item",
                    recordType: "WorkItem",
                    recordId: w.id,
                    customerId: w.customerId,
                    before: prior.get(w.id) ?? null,
                    after: w
                  })
                }
                return done
              })
            )
          })
        }

        const apptRes = (a: Appointment): Resource => ({ type: "appointment", appointment: a })
        const appointmentView: ScopedView["appointments"] = {
          get: Effect.fn("ScopedStores.appointments.get")(function* (id: string) {
            return yield* readable("Appointment", id, appointments.get(id), Actions.appointmentRead, apptRes)
          }),
          list: Effect.fn("ScopedStores.appointments.list")(function* (filter?: ScopedAppointmentFilter, page?: PageRequest) {
            const f = yield* decode(ScopedAppointmentFilter, filter ?? {}, "appointment filter")
            const p = page === undefined ? undefined : yield* decode(PageRequest, page, "page")
            const reach = yield* perms.scopeFor(actor, Actions.appointmentRead)
            if (reach === undefined) return emptyPage<Appointment>()
            return yield* appointments.list(reach.scope.all ? f : { ...f, managerIds: reach.scope.managerIds }, p)
          }),
          book: Effect.fn("ScopedStores.appointments.book")(function* (input: NewAppointment) {
            const n = yield* decode(NewAppointment, input, "appointment")
            return yield* tx.transaction(
              Effect.gen(function* () {
                yield* visibleCustomer(n.customerId)
                const appointment: Appointment = {
                  id: yield* newId("ap"),
                  customerId: n.customerId,
                  managerId: n.managerId ?? actor.id,
                  workItemId: n.workItemId,
                  at: n.at,
                  channel: n.channel,
                  note: n.note,
                  state: "booked",
                  remindMinutesBefore: n.remindMinutesBefore,
                  reminderAcknowledgedAt: null,
                  createdAt: yield* nowIso,
                  version: 1
                }
                yield* requireOn(Actions.appointmentBook, apptRes(appointment))
                const booked = yield* appointments.insert(appointment)
                yield* trail.record(actor, {
                  action: Actions.appointmentBook,
                  category: "appointment",
                  recordType: "Appointment",
                  recordId: booked.id,
                  customerId: booked.customerId,
                  before: null,
                  after: booked
                })
                return booked
              })
            )
          }),
          update: Effect.fn("ScopedStores.appointments.update")(function* (input: Appointment, expectedVersion: number) {
            const next = yield* decode(Appointment, input, "appointment")
            return yield* tx.transaction(
              Effect.gen(function* () {
                const before = yield* appointments.get(next.id)
                yield* requireOn(Actions.appointmentUpdate, apptRes(before))
                if (before.managerId !== next.managerId || before.customerId !== next.customerId) {
                  return yield* new Forbidden({
                    actorId: actor.id,
                    action: Actions.appointmentUpdate,
                    resource: describeResource(apptRes(before)),
                    reason: "the manager and customer of an appointment cannot change: book a new one"
                  })
                }
                const after = yield* appointments.update(next, expectedVersion)
                yield* trail.record(actor, {
                  action: Actions.appointmentUpdate,
                  category: "appointment",
                  recordType: "Appointment",
                  recordId: after.id,
                  customerId: after.customerId,
                  before,
                  after
                })
                return after
              })
            )
          })
        }

        const taskView: ScopedView["tasks"] = {
          get: Effect.fn("ScopedStores.tasks.get")(function* (id: string) {
            return yield* readable("Task", id, tasks.get(id), Actions.taskRead, (t) => ({ type: "task", task: t }))
          }),
          list: Effect.fn("ScopedStores.tasks.list")(function* (filter?: z.input<typeof TaskListFilter>, page?: PageRequest) {
            const f = yield* decode(TaskListFilter, filter ?? {}, "task filter")
            const p = page === undefined ? undefined : yield* decode(PageRequest, page, "page")
            const reach = yield* perms.scopeFor(actor, Actions.taskRead)
            if (reach === undefined) return emptyPage<Task>()
            const statuses = reach.statuses === undefined ? f.statuses : (f.statuses ?? reach.statuses).filter((s) => reach.statuses!.includes(s))
            if (statuses !== undefined && statuses.length === 0) return emptyPage<Task>()
            return yield* tasks.list({ ...f, ...(statuses === undefined ? {} : { statuses: statuses as ReadonlyArray<TaskStatus> }) }, p)
          })
        }

        const ruleView: ScopedView["ruleInstances"] = {
          get: Effect.fn("ScopedStores.ruleInstances.get")(function* (id: string) {
            return yield* readable("RuleInstance", id, rules.get(id), Actions.ruleRead, (r) => ({ type: "rule", rule: r }))
          }),
          list: Effect.fn("ScopedStores.ruleInstances.list")(function* (filter?: z.input<typeof RuleListFilter>, page?: PageRequest) {
            const f = yield* decode(RuleListFilter, filter ?? {}, "rule filter")
            const p = page === undefined ? undefined : yield* decode(PageRequest, page, "page")
            const reach = yield* perms.scopeFor(actor, Actions.ruleRead)
            if (reach === undefined) return emptyPage<RuleInstanceRecord>()
            const statuses = reach.statuses === undefined ? f.statuses : (f.statuses ?? reach.statuses).filter((s) => reach.statuses!.includes(s))
            if (statuses !== undefined && statuses.length === 0) return emptyPage<RuleInstanceRecord>()
            return yield* rules.list({ ...f, ...(statuses === undefined ? {} : { statuses }) }, p)
          })
        }

        /** The customer, when the actor may read its contact history; NotFound otherwise. */
        const contactCustomer = (customerId: string) => visibleCustomer(customerId, Actions.contactHistoryRead)

        const contactView: ScopedView["contacts"] = {
          calls: Effect.fn("ScopedStores.contacts.calls")(function* (customerId: string, page?: PageRequest) {
            yield* contactCustomer(customerId)
            return yield* calls.listByCustomer(customerId, page)
          }),
          dnd: Effect.fn("ScopedStores.contacts.dnd")(function* (customerId: string) {
            yield* contactCustomer(customerId)
            return yield* dnd.listByCustomer(customerId)
          }),
          addDnd: Effect.fn("ScopedStores.contacts.addDnd")(function* (input: NewDndEntry) {
            const n = yield* decode(NewDndEntry, input, "DND entry")
            return yield* tx.transaction(
              Effect.gen(function* () {
                // Unreadable: NotFound. Adding DND is part of working the customer: holding open work counts.
                const { held } = yield* visibleCustomer(n.customerId)
                yield* requireOn(Actions.dndAdd, customerRes(held))
                const entry: DndEntry = yield* decode(
                  DndEntry,
                  { id: yield* newId("dnd"), ...n, createdBy: actor.id, createdAt: yield* nowIso, removedAt: null },
                  "DND entry"
                )
                return yield* addAuditedDnd(dnd, trail, actor, entry)
              })
            )
          }),
          removeDnd: Effect.fn("ScopedStores.contacts.removeDnd")(function* (input: DndRemoval) {
            const r = yield* decode(DndRemoval, input, "DND removal")
            return yield* tx.transaction(
              Effect.gen(function* () {
                // Scope first, from the customer alone: out of scope says nothing about its entries.
                const { customer } = yield* visibleCustomer(r.customerId)
                yield* requireOn(Actions.dndRemove, customerRes(customer))
                const before = (yield* dnd.listByCustomer(r.customerId)).find((e) => e.id === r.entryId)
                if (before === undefined) return yield* new NotFound({ entity: "DndEntry", id: r.entryId })
                if (isProtectedDndSource(before.source)) yield* requireOn(Actions.dndRemoveProtected, customerRes(customer))
                if (before.removedAt !== null) {
                  return yield* new Conflict({ kind: "wrong-state", entity: "DndEntry", id: before.id, reason: `already removed at ${before.removedAt}` })
                }
                // The store refuses a second removal too (Conflict), so of two racing removals one wins.
                const after = yield* dnd.remove(before.id, yield* nowIso)
                yield* trail.record(actor, {
                  action: Actions.dndRemove,
                  category: "dnd",
                  recordType: "DndEntry",
                  recordId: after.id,
                  customerId: after.customerId,
                  before,
                  after,
                  note: r.reason
                })
                return after
              })
            )
          })
        }

        return {
          actor,
          customers: customerView,
          workItems: workItemView,
          appointments: appointmentView,
          tasks: taskView,
          ruleInstances: ruleView,
          contacts: contactView
        }
      }
      // One view per actor object: a request resolves its actor once and asks for the view from
      // several services, and building a view defines every scoped operation afresh.
      const views = new WeakMap<Actor, ScopedView>()
      const viewOf = (actor: Actor): ScopedView => {
        let view = views.get(actor)
        if (view === undefined) views.set(actor, (view = forActor(actor)))
        return view
      }
      return ScopedStores.of({ forActor: viewOf })
    })
  )
}
