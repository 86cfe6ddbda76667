/**
 * The audit trail as acting people use it: every scoped write records who, when (Effect `Clock`),
 * what, before and after through {@link AuditTrail.record} inside the write's own transaction;
 * managers add manual entries; reads are limited to the actor's audit scope and pushed into the
 * store query. There is no update or delete anywhere in this API.
 */
import { Clock, Context, Effect, Layer } from "effect"
import * as z from "zod"
import type { Actor } from "../org/Actor"
import { AuditCategory, type AuditEntry, type AuditEntryInput } from "./AuditEntry"
import { type Forbidden, NotFound, type StorageError, type ValidationError } from "../shared/Errors"
import { type Page, PageRequest } from "../shared/Page"
import { Actions, Permissions } from "../org/Permissions"
import { Id, Instant } from "../shared/Primitives"
import { withOpenWork } from "../work/OpenWork"
import { AuditLogStore, type AuditVerification } from "./AuditLogStore"
import { CustomerStore } from "../customer/CustomerStore"
import { WorkItemStore } from "../work/WorkItemStore"
import { decode } from "../shared/Validation"
import { serviceLayer } from "../shared/ServiceLayer"

/**
 * A change to record: everything of an entry but the actor and the time, which the trail fills in.
 *
 * @example
 * ```ts
 * const change: AuditChange = { action: "customer.edit", category: "customer", recordType: "Customer",
 *   recordId: "cust-42", customerId: "cust-42", before, after }
 * ```
 */
export interface AuditChange {
  readonly action: string
  readonly category: AuditCategory
  readonly recordType: string
  readonly recordId: string
  readonly customerId: string | null
  readonly before: unknown
  readonly after: unknown
  readonly note?: string
}

/**
 * A manual log entry by a manager (DOMAIN §1: agents can add manual log entries).
 *
 * @example
 * ```ts
 * ManualAuditNote.parse({ note: "Customer asked for a copy of the contract", customerId: "cust-42" })
 * ```
 */
export const ManualAuditNote = z
  .object({
    note: z.string().min(1).max(4000),
    customerId: Id.nullable().default(null),
    recordType: z.string().min(1).max(60).default("Note"),
    recordId: z.string().min(1).max(200).nullable().default(null)
  })
  .strict()
/** @see {@link ManualAuditNote} */
export type ManualAuditNote = z.input<typeof ManualAuditNote>

/**
 * An audit query: time range `[from, to)`, actor, customer, categories; all optional, ANDed.
 *
 * @example
 * ```ts
 * AuditQuery.parse({ from: "2026-11-01T00:00:00Z", to: "2026-12-01T00:00:00Z", categories: ["customer"] })
 * ```
 */
export const AuditQuery = z
  .object({
    from: Instant.optional(),
    to: Instant.optional(),
    actorId: Id.optional(),
    customerId: Id.optional(),
    categories: z.array(AuditCategory).optional()
  })
  .strict()
/** @see {@link AuditQuery} */
export type AuditQuery = z.input<typeof AuditQuery>

/**
 * The current instant from Effect's `Clock`, canonical (tests move it with `TestClock`).
 *
 * @example
 * ```ts
 * const at = yield* nowIso // "2026-11-22T09:30:00.000Z"
 * ```
 */
export const nowIso: Effect.Effect<string> = Effect.map(Clock.currentTimeMillis, (ms) => new Date(ms).toISOString())

/**
 * The audit trail service.
 *
 * @example
 * ```ts
 * const trail = yield* AuditTrail
 * yield* trail.note(actor, { note: "Called back on the customer's request", customerId: "cust-42" })
 * const page = yield* trail.query(actor, { categories: ["customer"] }, { limit: 50 })
 * ```
 */
export class AuditTrail extends Context.Service<
  AuditTrail,
  {
    /** Appends the entry of a change, at the Clock's time. Call it inside the change's transaction. */
    readonly record: (actor: Actor, change: AuditChange) => Effect.Effect<AuditEntry, StorageError>
    /** A manual entry (category `manual`); a named customer must be in the actor's read scope. */
    readonly note: (actor: Actor, note: ManualAuditNote) => Effect.Effect<AuditEntry, ValidationError | Forbidden | NotFound | StorageError>
    /** Entries in the actor's audit scope (entries by managers in scope), in sequence order. */
    readonly query: (actor: Actor, query: AuditQuery, page?: PageRequest) => Effect.Effect<Page<AuditEntry>, ValidationError | StorageError>
    /** Recomputes every stream's hash chain and the checkpoints (`audit.verify`: directors and admins by default); see `verifyAuditLog` for what it proves. */
    readonly verify: (actor: Actor) => Effect.Effect<AuditVerification, Forbidden | StorageError>
  }
>()("@winback/core/AuditTrail") {
  /**
   * The live implementation over the audit and customer stores and the permission service.
   *
   * @example
   * ```ts
   * AuditTrail.layer.pipe(Layer.provide(Permissions.layer()), Layer.provide(storesLayer(stores)))
   * ```
   */
  static readonly layer: Layer.Layer<AuditTrail, never, AuditLogStore | CustomerStore | WorkItemStore | Permissions> = serviceLayer(
    AuditTrail,
    { log: AuditLogStore, customers: CustomerStore, workItems: WorkItemStore, perms: Permissions },
    ({ log, customers, workItems, perms }) => Effect.gen(function* () {
      const record = Effect.fn("AuditTrail.record")(function* (actor: Actor, change: AuditChange) {
        const entry: AuditEntryInput = {
          actorId: actor.id,
          at: yield* nowIso,
          action: change.action,
          category: change.category,
          recordType: change.recordType,
          recordId: change.recordId,
          customerId: change.customerId,
          // Stored as plain JSON: what the chain hashes is exactly what a reader gets back.
          before: change.before === undefined ? null : JSON.parse(JSON.stringify(change.before)),
          after: change.after === undefined ? null : JSON.parse(JSON.stringify(change.after)),
          note: change.note ?? ""
        }
        return yield* log.append(entry)
      })
      const note = Effect.fn("AuditTrail.note")(function* (actor: Actor, input: ManualAuditNote) {
        const n = yield* decode(ManualAuditNote, input, "audit note")
        yield* perms.require(actor, Actions.auditNote, { type: "none" })
        if (n.customerId !== null) {
          // A customer the actor cannot read (holding open work counts) is NotFound, as an unknown id.
          const c = yield* withOpenWork(workItems, yield* customers.get(n.customerId))
          const d = yield* perms.check(actor, Actions.customerRead, { type: "customer", customer: c })
          if (!d.allowed) return yield* new NotFound({ entity: "Customer", id: n.customerId })
        }
        return yield* record(actor, {
          action: "audit.note",
          category: "manual",
          recordType: n.recordType,
          recordId: n.recordId ?? n.customerId ?? actor.id,
          customerId: n.customerId,
          before: null,
          after: null,
          note: n.note
        })
      })
      const query = Effect.fn("AuditTrail.query")(function* (actor: Actor, input: AuditQuery, page?: PageRequest) {
        const q = yield* decode(AuditQuery, input, "audit query")
        const p = page === undefined ? undefined : yield* decode(PageRequest, page, "page")
        const reach = yield* perms.scopeFor(actor, Actions.auditRead)
        if (reach === undefined) return { items: [], nextCursor: null } satisfies Page<AuditEntry>
        return yield* log.query({ ...q, ...(reach.scope.all ? {} : { actorIds: reach.scope.managerIds }) }, p)
      })
      const verify = Effect.fn("AuditTrail.verify")(function* (actor: Actor) {
        yield* perms.require(actor, Actions.auditVerify, { type: "none" })
        return yield* log.verify()
      })
      return AuditTrail.of({ record, note, query, verify })
    })
  )
}
