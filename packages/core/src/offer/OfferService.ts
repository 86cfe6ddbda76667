/**
 * Retention offers on work items (DOMAIN §7): an agent records an offer used on an item (with its
 * cost from the catalogue); offers that need approval stay `proposed` until a leader who is not
 * the proposer approves or rejects them. There is no OfferUse store port: each use and each
 * decision is an entry of the append-only, hash-chained audit trail (category `offer`, record type
 * `OfferUse`), written in the same transaction as the item's `offerUses` reference — so the
 * approval trail is tamper-evident, and the current state of a use is its latest entry.
 */
import { Context, Effect, Layer } from "effect"
import * as z from "zod"
import type { Actor } from "../org/Actor"
import type { AuditEntry } from "../audit/AuditEntry"
import { AuditTrail, nowIso } from "../audit/AuditTrail"
import { Conflict, Forbidden, NotFound, type StorageError, type ValidationError } from "../shared/Errors"
import { OfferUse } from "./Offer"
import type { Page } from "../shared/Page"
import { Actions, Permissions } from "../org/Permissions"
import { Id } from "../shared/Primitives"
import { AuditLogStore } from "../audit/AuditLogStore"
import { CustomerStore } from "../customer/CustomerStore"
import { OfferStore } from "./OfferStore"
import { Transactions } from "../ports/Transactions"
import { ScopedStores } from "../facade/ScopedStores"
import { decode } from "../shared/Validation"
import { openWorkItemStates } from "../work/WorkItem"
import { newId } from "../shared/Ids"
import { serviceLayer } from "../shared/ServiceLayer"

/**
 * An offer used on a work item. `accepted`: whether the customer took it.
 *
 * @example
 * ```ts
 * NewOfferUse.parse({ workItemId: "wi-1", offerId: "of-bonus-50", accepted: true })
 * ```
 */
export const NewOfferUse = z.object({ workItemId: Id, offerId: Id, accepted: z.boolean(), note: z.string().max(2000).default("") }).strict()
/** @see {@link NewOfferUse} */
export type NewOfferUse = z.input<typeof NewOfferUse>

/**
 * A decision on a proposed use.
 *
 * @example
 * ```ts
 * OfferDecision.parse({ customerId: "c-42", offerUseId: "ou-1", decision: "approved", comment: "within budget" })
 * ```
 */
export const OfferDecision = z
  .object({ customerId: Id, offerUseId: Id, decision: z.enum(["approved", "rejected"]), comment: z.string().max(2000).default("") })
  .strict()
/** @see {@link OfferDecision} */
export type OfferDecision = z.input<typeof OfferDecision>

type Errors = ValidationError | NotFound | Conflict | Forbidden | StorageError

/**
 * The current state of every use, folded from audit entries in sequence order: the latest entry of
 * a use wins; uses keep the order they were first recorded in.
 *
 * @example
 * ```ts
 * const uses = foldOfferUses(entries) // [{ id: "ou-1", status: "approved", approvals: [...] }]
 * ```
 */
export const foldOfferUses = (entries: ReadonlyArray<AuditEntry>): Array<OfferUse> => {
  const latest = new Map<string, OfferUse>()
  for (const e of entries) if (e.recordType === "OfferUse" && e.after) latest.set(e.recordId, e.after as OfferUse)
  return [...latest.values()]
}

/**
 * The offer service.
 *
 * @example
 * ```ts
 * const offers = yield* OfferService
 * const use = yield* offers.use(agent, { workItemId: "wi-1", offerId: "of-device-1500", accepted: true })
 * if (use.status === "proposed") yield* offers.decide(leader, { customerId: use.customerId, offerUseId: use.id, decision: "approved" })
 * ```
 */
export class OfferService extends Context.Service<
  OfferService,
  {
    readonly use: (actor: Actor, input: NewOfferUse) => Effect.Effect<OfferUse, Errors>
    /** Approves or rejects a proposed use (maker-checker: not by its proposer). */
    readonly decide: (actor: Actor, input: OfferDecision) => Effect.Effect<OfferUse, Errors>
    /** Every use of a customer in the actor's read scope, with its current status and trail. */
    readonly usesOf: (actor: Actor, customerId: string) => Effect.Effect<ReadonlyArray<OfferUse>, Errors>
  }
>()("@winback/core/OfferService") {
  /**
   * The live implementation.
   *
   * @example
   * ```ts
   * OfferService.layer.pipe(Layer.provide(scopeLayer(defaultPolicy)), Layer.provide(storesLayer(stores)))
   * ```
   */
  static readonly layer: Layer.Layer<OfferService, never, Transactions | OfferStore | CustomerStore | AuditLogStore | ScopedStores | Permissions | AuditTrail> = serviceLayer(
    OfferService,
    { tx: Transactions, offers: OfferStore, customers: CustomerStore, log: AuditLogStore, scoped: ScopedStores, perms: Permissions, trail: AuditTrail },
    ({ tx, offers, customers, log, scoped, perms, trail }) => Effect.gen(function* () {
      const entriesOf = (customerId: string) =>
        Effect.gen(function* () {
          const out: Array<AuditEntry> = []
          let cursor: string | null = null
          do {
            const page: Page<AuditEntry> = yield* log.query({ customerId, categories: ["offer"] }, { limit: 1000, cursor })
            out.push(...page.items)
            cursor = page.nextCursor
          } while (cursor)
          return out
        })

      const use = Effect.fn("OfferService.use")(function* (actor: Actor, input: NewOfferUse) {
        const n = yield* decode(NewOfferUse, input, "offer use")
        const view = scoped.forActor(actor)
        return yield* tx.transaction(
          Effect.gen(function* () {
            const item = yield* view.workItems.get(n.workItemId)
            if (!openWorkItemStates.includes(item.state)) return yield* new Conflict({ kind: "wrong-state", entity: "WorkItem", id: item.id, reason: `is ${item.state}` })
            const customer = yield* customers.get(item.customerId)
            // Offering is part of working the item: its holder may, while it is open.
            yield* perms.require(actor, Actions.offerUse, { type: "customer", customer: { ...customer, openWorkHolders: item.assigneeId === null ? [] : [item.assigneeId] } })
            const offer = yield* offers.get(n.offerId)
            if (!offer.active) return yield* new Conflict({ kind: "wrong-state", entity: "Offer", id: offer.id, reason: "is retired" })
            const at = yield* nowIso
            const offerUse: OfferUse = {
              id: yield* newId("ou"),
              offerId: offer.id,
              workItemId: item.id,
              customerId: item.customerId,
              managerId: actor.id,
              cost: offer.cost,
              accepted: n.accepted,
              status: offer.requiresApproval ? "proposed" : "approved",
              approvals: [],
              at
            }
            yield* view.workItems.update({ ...item, offerUses: [...item.offerUses, offerUse.id] }, item.version)
            yield* trail.record(actor, {
              action: "offer.use",
              category: "offer",
              recordType: "OfferUse",
              recordId: offerUse.id,
              customerId: offerUse.customerId,
              before: null,
              after: offerUse,
              ...(n.note ? { note: n.note } : {})
            })
            return offerUse
          })
        )
      })

      const decide = Effect.fn("OfferService.decide")(function* (actor: Actor, input: OfferDecision) {
        const d = yield* decode(OfferDecision, input, "offer decision")
        return yield* tx.transaction(
          Effect.gen(function* () {
            // A customer the actor cannot read is NotFound (as an unknown id), before anything about its offers.
            const customer = yield* scoped.forActor(actor).customers.get(d.customerId)
            const before = foldOfferUses(yield* entriesOf(d.customerId)).find((u) => u.id === d.offerUseId)
            if (!before) return yield* new NotFound({ entity: "OfferUse", id: d.offerUseId })
            yield* perms.require(actor, Actions.offerApprove, { type: "customer", customer })
            if (before.managerId === actor.id) {
              return yield* new Forbidden({ actorId: actor.id, action: Actions.offerApprove, resource: `offer-use:${before.id}`, reason: "maker-checker: the proposer cannot decide their own offer use" })
            }
            if (before.status !== "proposed") return yield* new Conflict({ kind: "wrong-state", entity: "OfferUse", id: before.id, reason: `is already ${before.status}` })
            const at = yield* nowIso
            const after: OfferUse = yield* decode(
              OfferUse,
              { ...before, status: d.decision, approvals: [...before.approvals, { by: actor.id, at, decision: d.decision, comment: d.comment }] },
              "offer use"
            )
            yield* trail.record(actor, {
              action: `offer.${d.decision === "approved" ? "approve" : "reject"}`,
              category: "offer",
              recordType: "OfferUse",
              recordId: after.id,
              customerId: after.customerId,
              before,
              after,
              ...(d.comment ? { note: d.comment } : {})
            })
            return after
          })
        )
      })

      const usesOf = Effect.fn("OfferService.usesOf")(function* (actor: Actor, customerId: string) {
        yield* scoped.forActor(actor).customers.get(customerId)
        return foldOfferUses(yield* entriesOf(customerId))
      })

      return OfferService.of({ use, decide, usesOf })
    })
  )
}
