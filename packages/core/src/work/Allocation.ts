/**
 * Data allocation by leaders (DOMAIN §1): assign, transfer and reclaim customers (their owner) and
 * work items (their assignee) between managers in scope, singly or in bulk. A bulk call is one
 * transaction: every record in scope and allowed, or nothing changes; each changed record gets
 * its own audit entry (`customer.assign` / `.transfer` / `.reclaim`, same for `work-item.`).
 * Handing out or transferring items never splits a customer's open work over two agents
 * (DOMAIN §5): an item whose customer holds other open items with another agent is refused
 * (`Conflict`) unless those items move in the same call.
 */
import { Context, Effect, Layer } from "effect"
import * as z from "zod"
import type { Actor } from "../org/Actor"
import { AuditTrail, nowIso } from "../audit/AuditTrail"
import { openWorkOf } from "../task/BulkClaims"
import type { Customer } from "../customer/Customer"
import { Conflict, Forbidden, NotFound, type StorageError, type ValidationError } from "../shared/Errors"
import type { Manager } from "../org/Manager"
import { Actions, decide, Permissions } from "../org/Permissions"
import { withOpenWork } from "./OpenWork"
import { Id } from "../shared/Primitives"
import { StaffDirectory } from "../ports/HostDirectories"
import { CustomerStore } from "../customer/CustomerStore"
import { ManagerStore } from "../org/ManagerStore"
import { Transactions } from "../ports/Transactions"
import { WorkItemStore } from "./WorkItemStore"
import { decode } from "../shared/Validation"
import { openWorkItemStates, type WorkItem } from "./WorkItem"
import { serviceLayer } from "../shared/ServiceLayer"

/**
 * Who gets the records: a manager id, or `null` to reclaim them (customers go back to their
 * region's pool; work items stay with their team, unassigned).
 *
 * @example
 * ```ts
 * Allocate.parse({ ids: ["cust-1", "cust-2"], to: "m-2", note: "m-1 on leave" })
 * ```
 */
export const Allocate = z
  .object({
    ids: z.array(Id).min(1).max(10_000).refine((ids) => new Set(ids).size === ids.length, "ids must be unique"),
    to: Id.nullable(),
    /**
     * Only if every record is still with this manager (`null`: unassigned, in the pool); otherwise
     * `Conflict` and nothing changes. Hand-outs from the pool send `from: null`, so an item another
     * leader assigned meanwhile is not silently transferred away.
     */
    from: Id.nullable().optional(),
    note: z.string().max(4000).optional()
  })
  .strict()
/** @see {@link Allocate} */
export type Allocate = z.input<typeof Allocate>

/**
 * What an allocation did: the records changed and the ids left as they were (already there).
 *
 * @example
 * ```ts
 * const r = await winback.as("m-leader").allocation.customers({ ids, to: "m-2" })
 * console.log(`${r.changed.length} moved, ${r.unchanged.length} already with m-2`)
 * ```
 */
export interface AllocationResult<A> {
  readonly changed: ReadonlyArray<A>
  readonly unchanged: ReadonlyArray<string>
}

const kindOf = (from: string | null, to: string | null): "assign" | "transfer" | "reclaim" =>
  to === null ? "reclaim" : from === null ? "assign" : "transfer"

/** Records in one global order (by id), the order every allocation takes row locks in. */
const byId = <A extends { readonly id: string }>(records: ReadonlyArray<A>): ReadonlyArray<A> =>
  [...records].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0))

const summarise = (ids: ReadonlyArray<string>) => (ids.length <= 5 ? ids.join(", ") : `${ids.slice(0, 5).join(", ")} and ${ids.length - 5} more`)

/**
 * The allocation service.
 *
 * @example
 * ```ts
 * const alloc = yield* Allocation
 * yield* alloc.customers(leader, { ids: ["cust-1", "cust-2"], to: "m-2" })   // assign / transfer
 * yield* alloc.workItems(leader, { ids: ["wi-9"], to: null })                 // reclaim
 * yield* alloc.workItems(leader, { ids: ["wi-7"], to: "m-2", from: null })    // hand out from the pool only
 * ```
 */
export class Allocation extends Context.Service<
  Allocation,
  {
    /** Sets the owner of every customer in `ids` to `to` (or reclaims them with `null`), all or nothing. */
    readonly customers: (
      actor: Actor,
      input: Allocate
    ) => Effect.Effect<AllocationResult<Customer>, ValidationError | NotFound | Conflict | Forbidden | StorageError>
    /** Sets the assignee (and team) of every open item in `ids` to `to` (or reclaims them with `null`), all or nothing. */
    readonly workItems: (
      actor: Actor,
      input: Allocate
    ) => Effect.Effect<AllocationResult<WorkItem>, ValidationError | NotFound | Conflict | Forbidden | StorageError>
  }
>()("@winback/core/Allocation") {
  /**
   * The live implementation.
   *
   * @example
   * ```ts
   * Allocation.layer.pipe(Layer.provide(AuditTrail.layer), Layer.provide(Permissions.layer()), Layer.provide(storesLayer(stores)))
   * ```
   */
  static readonly layer: Layer.Layer<Allocation, never, Transactions | CustomerStore | WorkItemStore | ManagerStore | StaffDirectory | Permissions | AuditTrail> = serviceLayer(
    Allocation,
    { tx: Transactions, customers: CustomerStore, workItems: WorkItemStore, managers: ManagerStore, staff: StaffDirectory, perms: Permissions, trail: AuditTrail },
    ({ tx, customers, workItems, managers, staff, perms, trail }) => Effect.gen(function* () {
      /** The receiving manager: known, active, and someone the actor may hand data to. */
      const receiver = (actor: Actor, action: string, to: string) =>
        Effect.gen(function* () {
          const person = yield* staff.get(to)
          if (!person.active) {
            return yield* new Forbidden({ actorId: actor.id, action, resource: `manager:${to}`, reason: "the receiving manager is not active" })
          }
          const kept = yield* managers.get(to).pipe(
            Effect.map((m): Manager | undefined => m),
            Effect.catchTag("NotFound", () => Effect.succeed(undefined))
          )
          const teamId = kept?.teamId ?? null
          // The receiver must be someone whose records the actor may allocate.
          const d = decide(perms.policy, actor, action, { type: "manager", manager: { id: to } })
          if (!d.allowed) return yield* new Forbidden({ actorId: actor.id, action, resource: `manager:${to}`, reason: `receiver out of scope: ${d.reasons.join("; ")}` })
          return { id: to, teamId }
        })

      // Scope check: a record the actor cannot read is NotFound, exactly as an unknown id, so a
      // refusal never tells that it exists (nor names it among the refused ones).
      const hideUnreadable = <A extends { readonly id: string }, E>(entity: string, found: ReadonlyArray<A>, readable: (a: A) => Effect.Effect<boolean, E>) =>
        Effect.gen(function* () {
          for (const a of found) if (!(yield* readable(a))) return yield* new NotFound({ entity, id: a.id })
        })

      /** Every record of `ids`, or NotFound naming the first unknown one. */
      const getAll = <A extends { readonly id: string }, E>(entity: string, ids: ReadonlyArray<string>, getMany: (ids: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<A>, E>) =>
        Effect.gen(function* () {
          const found = yield* getMany(ids)
          if (found.length !== ids.length) {
            const have = new Set(found.map((x) => x.id))
            return yield* new NotFound({ entity, id: ids.find((id) => !have.has(id))! })
          }
          return found
        })

      /** Forbidden (naming them) when the policy denies `action` on any of `found`; nothing changes then. */
      const refuseOutOfScope = <A extends { readonly id: string }>(actor: Actor, action: string, entity: string, found: ReadonlyArray<A>, resource: (a: A) => Parameters<typeof decide>[3]) => {
        const denied = found.flatMap((x) => {
          const d = decide(perms.policy, actor, action, resource(x))
          return d.allowed ? [] : [{ id: x.id, reason: d.reasons.join("; ") }]
        })
        return denied.length === 0
          ? Effect.void
          : Effect.fail(
              new Forbidden({
                actorId: actor.id,
                action,
                resource: `${entity}:${summarise(denied.map((d) => d.id))}`,
                reason: `${denied.length} record(s) outside the actor's allocation scope; nothing changed (${denied[0]!.reason})`
              })
            )
      }

      const allocateCustomers = Effect.fn("Allocation.customers")(function* (actor: Actor, input: Allocate) {
        const a = yield* decode(Allocate, input, "allocation")
        return yield* tx.transaction(
          Effect.gen(function* () {
            const found = yield* getAll("Customer", a.ids, (ids) => customers.getMany(ids))
            // Readable counts holding open work (as reads do); allocating it does not.
            const readable = (c: Customer) => withOpenWork(workItems, c).pipe(Effect.map((h) => decide(perms.policy, actor, Actions.customerRead, { type: "customer", customer: h }).allowed))
            yield* hideUnreadable("Customer", found, (c) =>
              decide(perms.policy, actor, Actions.customerRead, { type: "customer", customer: c }).allowed ? Effect.succeed(true) : readable(c)
            )
            yield* refuseOutOfScope(actor, Actions.customerAllocate, "customer", found, (c) => ({ type: "customer", customer: c }))
            yield* requireFrom("Customer", a.from, found.map((c) => [c.id, c.ownerManagerId] as const))
            if (a.to !== null) yield* receiver(actor, Actions.customerAllocate, a.to)
            const changed: Array<Customer> = []
            const unchanged: Array<string> = []
            // Rows first, in one global order, then the audit entries: every writer takes its locks
            // in the order rows → audit head, so concurrent bulk allocations cannot deadlock.
            const written = new Map<string, Customer>()
            for (const before of byId(found)) {
              if (before.ownerManagerId !== a.to) written.set(before.id, yield* customers.update({ ...before, ownerManagerId: a.to }, before.version))
            }
            for (const before of found) {
              const after = written.get(before.id)
              if (after === undefined) {
                unchanged.push(before.id)
                continue
              }
              yield* trail.record(actor, {
                action: `customer.${kindOf(before.ownerManagerId, a.to)}`,
                category: "customer",
                recordType: "Customer",
                recordId: before.id,
                customerId: before.id,
                before: { ownerManagerId: before.ownerManagerId, version: before.version },
                after: { ownerManagerId: after.ownerManagerId, version: after.version },
                ...(a.note === undefined ? {} : { note: a.note })
              })
              changed.push(after)
            }
            return { changed, unchanged } satisfies AllocationResult<Customer>
          })
        )
      })

      /** With `from` given, every record must still be with that manager (or unassigned for `null`). */
      const requireFrom = (entity: string, from: string | null | undefined, holders: ReadonlyArray<readonly [string, string | null]>) => {
        if (from === undefined) return Effect.void
        const moved = holders.filter(([, holder]) => holder !== from)
        if (moved.length === 0) return Effect.void
        const [id, holder] = moved[0]!
        return Effect.fail(
          new Conflict({ kind: "already-claimed", entity, id, reason: `${moved.length} record(s) are no longer ${from === null ? "unassigned" : `with ${from}`} (${id} is ${holder === null ? "unassigned" : `with ${holder}`})` })
        )
      }

      const allocateWorkItems = Effect.fn("Allocation.workItems")(function* (actor: Actor, input: Allocate) {
        const a = yield* decode(Allocate, input, "allocation")
        return yield* tx.transaction(
          Effect.gen(function* () {
            const found = yield* getAll("WorkItem", a.ids, (ids) => workItems.getMany(ids))
            yield* hideUnreadable("WorkItem", found, (w) => Effect.succeed(decide(perms.policy, actor, Actions.workItemRead, { type: "work-item", workItem: w }).allowed))
            yield* refuseOutOfScope(actor, Actions.workItemAllocate, "work-item", found, (w) => ({ type: "work-item", workItem: w }))
            const closed = found.filter((w) => !openWorkItemStates.includes(w.state))
            if (closed.length > 0) {
              return yield* new Conflict({ kind: "wrong-state", entity: "WorkItem", id: closed[0]!.id, reason: `${closed.length} item(s) are ${closed[0]!.state}: only open items can be allocated` })
            }
            yield* requireFrom("WorkItem", a.from, found.map((w) => [w.id, w.assigneeId] as const))
            const target = a.to === null ? null : yield* receiver(actor, Actions.workItemAllocate, a.to)
            if (a.to !== null) {
              // One agent per customer's open work: the customer's other open items must be with
              // the receiver, in the pool, or moving in this call (their holder is not named).
              const moving = new Set(a.ids)
              const open = yield* openWorkOf(workItems, [...new Set(found.map((w) => w.customerId))])
              const split = found.find((w) => open.get(w.customerId)?.some((o) => !moving.has(o.id) && o.assigneeId !== null && o.assigneeId !== a.to))
              if (split) {
                return yield* new Conflict({
                  kind: "already-claimed",
                  entity: "WorkItem",
                  id: split.id,
                  reason: `customer ${split.customerId} holds open work with another agent: one agent per customer, so move that work in the same call or hand this item to its holder`
                })
              }
            }
            const at = yield* nowIso
            const changed: Array<WorkItem> = []
            const unchanged: Array<string> = []
            const written = new Map<string, WorkItem>()
            for (const before of byId(found)) {
              if (before.assigneeId === a.to) continue
              const teamId = target === null ? before.teamId : (target.teamId ?? before.teamId)
              written.set(before.id, yield* workItems.update({ ...before, assigneeId: a.to, teamId, updatedAt: at }, before.version))
            }
            for (const before of found) {
              const after = written.get(before.id)
              if (after === undefined) {
                unchanged.push(before.id)
                continue
              }
              yield* trail.record(actor, {
                action: `work-item.${kindOf(before.assigneeId, a.to)}`,
                category: "work-item",
                recordType: "WorkItem",
                recordId: before.id,
                customerId: before.customerId,
                before: { assigneeId: before.assigneeId, teamId: before.teamId, version: before.version },
                after: { assigneeId: after.assigneeId, teamId: after.teamId, version: after.version },
                ...(a.note === undefined ? {} : { note: a.note })
              })
              changed.push(after)
            }
            return { changed, unchanged } satisfies AllocationResult<WorkItem>
          })
        )
      })

      return Allocation.of({ customers: allocateCustomers, workItems: allocateWorkItems })
    })
  )
}
