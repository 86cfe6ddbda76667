/**
 * Customer groups (DOMAIN §2, §6): a set of customers sharing a feature, built by a filter (a rule
 * instance, evaluated by the candidate source as of a day) or by import (ids checked against the
 * customer store), with a validity window. Do-not-disturb is applied when a group is built for a
 * channel: blocked customers are filtered out and counted.
 */
import { Context, Effect, Layer } from "effect"
import * as z from "zod"
import type { Actor } from "../org/Actor"
import { AuditTrail, nowIso } from "../audit/AuditTrail"
import { CandidateSource, compareIds } from "../task/Candidates"
import { Channel } from "../shared/Channel"
import { CustomerGroup } from "./CustomerGroup"
import { Conflict, type Forbidden, type NotFound, type StorageError, ValidationError } from "../shared/Errors"
import { Permissions } from "../org/Permissions"
import { Actions } from "../org/Permissions"
import { Id, IsoDate } from "../shared/Primitives"
import { CustomerGroupStore } from "./CustomerGroupStore"
import { DndStore } from "../work/DndStore"
import { RuleInstanceStore } from "../rule/RuleInstanceStore"
import { Transactions } from "../ports/Transactions"
import { ScopedStores } from "../facade/ScopedStores"
import { decode } from "../shared/Validation"
import { newId } from "../shared/Ids"
import { serviceLayer } from "../shared/ServiceLayer"

/**
 * A new group: by filter (`ruleInstanceId`) or by import (`customerIds`), valid `validFrom..validUntil`.
 * With `dndChannel`, imported customers on DND for that channel are left out (and counted).
 *
 * @example
 * ```ts
 * NewCustomerGroup.parse({ name: "November birthdays", validFrom: "2026-11-01", validUntil: "2026-11-30", ruleInstanceId: "birthday@1" })
 * ```
 */
export const NewCustomerGroup = z
  .object({
    id: Id.optional(),
    name: z.string().min(1).max(200),
    validFrom: IsoDate,
    validUntil: IsoDate,
    ruleInstanceId: Id.optional(),
    customerIds: z.array(Id).max(1_000_000).optional(),
    dndChannel: Channel.optional()
  })
  .strict()
  .refine((g) => (g.ruleInstanceId === undefined) !== (g.customerIds === undefined), { message: "give a ruleInstanceId (filter) or customerIds (import)", path: ["ruleInstanceId"] })
/** @see {@link NewCustomerGroup} */
export type NewCustomerGroup = z.input<typeof NewCustomerGroup>

/**
 * Group members as of a day.
 *
 * @example
 * ```ts
 * const m: GroupMembers = { groupId: "g-1", asOf: "2026-11-25", customerIds: ["c-1"], filteredDnd: 2 }
 * ```
 */
export interface GroupMembers {
  readonly groupId: string
  readonly asOf: string
  readonly customerIds: ReadonlyArray<string>
  /** Members left out because of DND on the channel asked for. */
  readonly filteredDnd: number
}

type Errors = ValidationError | NotFound | Conflict | Forbidden | StorageError

/**
 * The customer-group service.
 *
 * @example
 * ```ts
 * const groups = yield* CustomerGroupService
 * const g = yield* groups.create(leader, { name: "Dunning list", validFrom, validUntil, customerIds: ["c-1", "c-2"], dndChannel: "sms" })
 * const m = yield* groups.members(leader, g.group.id, { asOf: "2026-11-25", channel: "sms" })
 * ```
 */
export class CustomerGroupService extends Context.Service<
  CustomerGroupService,
  {
    readonly create: (actor: Actor, input: NewCustomerGroup) => Effect.Effect<{ readonly group: CustomerGroup; readonly filteredDnd: number }, Errors>
    readonly members: (
      actor: Actor,
      groupId: string,
      options: { readonly asOf: string; readonly channel?: Channel }
    ) => Effect.Effect<GroupMembers, Errors>
  }
>()("@winback/core/CustomerGroupService") {
  /**
   * The live implementation.
   *
   * @example
   * ```ts
   * CustomerGroupService.layer.pipe(Layer.provide(memoryCandidateSource()), Layer.provide(scopeLayer(defaultPolicy)), Layer.provide(storesLayer(stores)))
   * ```
   */
  static readonly layer: Layer.Layer<CustomerGroupService, never, Transactions | CustomerGroupStore | ScopedStores | RuleInstanceStore | DndStore | CandidateSource | Permissions | AuditTrail> = serviceLayer(
    CustomerGroupService,
    { tx: Transactions, groups: CustomerGroupStore, scoped: ScopedStores, rules: RuleInstanceStore, dnd: DndStore, candidates: CandidateSource, perms: Permissions, trail: AuditTrail },
    ({ tx, groups, scoped, rules, dnd, candidates, perms, trail }) => Effect.gen(function* () {
      const withoutDnd = (ids: ReadonlyArray<string>, channel: Channel | undefined, at: string) =>
        Effect.gen(function* () {
          if (channel === undefined) return { kept: ids, filtered: 0 }
          const blocked = new Set<string>()
          for (let i = 0; i < ids.length; i += 1000) for (const b of yield* dnd.blocked(ids.slice(i, i + 1000), channel, at)) blocked.add(b)
          return { kept: ids.filter((id) => !blocked.has(id)), filtered: blocked.size }
        })

      const create = Effect.fn("CustomerGroupService.create")(function* (actor: Actor, input: NewCustomerGroup) {
        const n = yield* decode(NewCustomerGroup, input, "customer group")
        yield* perms.require(actor, Actions.groupManage, { type: "none" })
        const now = yield* nowIso
        let memberIds: ReadonlyArray<string> = []
        let filteredDnd = 0
        if (n.customerIds !== undefined) {
          const unique = [...new Set(n.customerIds)].sort(compareIds)
          const known = new Set<string>()
          // Only customers the actor may read: unknown and out of scope read alike (no existence oracle).
          for (const c of yield* scoped.forActor(actor).customers.getMany(unique)) known.add(c.id)
          const unknown = n.customerIds.flatMap((id, i) =>
            known.has(id) ? [] : [{ path: ["customerIds", i], code: "unknown-customer", message: `customer ${id} is unknown or outside your scope` }]
          )
          if (unknown.length) return yield* Effect.fail(new ValidationError({ subject: "customer group", issues: unknown }))
          const r = yield* withoutDnd(unique, n.dndChannel, now)
          memberIds = r.kept
          filteredDnd = r.filtered
        } else {
          const r = yield* rules.get(n.ruleInstanceId!)
          if (r.status !== "active") return yield* new Conflict({ kind: "wrong-state", entity: "RuleInstance", id: r.id, reason: `is ${r.status}: a group filters with an active rule instance` })
        }
        const group = yield* decode(
          CustomerGroup,
          {
            id: n.id ?? (yield* newId("g")),
            name: n.name,
            kind: n.customerIds !== undefined ? "import" : "filter",
            ruleInstanceId: n.ruleInstanceId ?? null,
            memberIds,
            validFrom: n.validFrom,
            validUntil: n.validUntil,
            createdBy: actor.id,
            createdAt: now,
            version: 1
          },
          "customer group"
        )
        return yield* tx.transaction(
          Effect.gen(function* () {
            const stored = yield* groups.insert(group)
            yield* trail.record(actor, {
              action: "group.create",
              category: "customer",
              recordType: "CustomerGroup",
              recordId: stored.id,
              customerId: null,
              before: null,
              after: { ...stored, memberIds: stored.memberIds.length, filteredDnd }
            })
            return { group: stored, filteredDnd }
          })
        )
      })

      const members = Effect.fn("CustomerGroupService.members")(function* (actor: Actor, groupId: string, options: { readonly asOf: string; readonly channel?: Channel }) {
        const asOf = yield* decode(IsoDate, options.asOf, "as-of day")
        yield* perms.require(actor, Actions.groupManage, { type: "none" })
        const g = yield* groups.get(groupId)
        if (!(g.validFrom <= asOf && asOf <= g.validUntil)) return { groupId, asOf, customerIds: [], filteredDnd: 0 } satisfies GroupMembers
        let ids: ReadonlyArray<string> = g.memberIds
        if (g.ruleInstanceId !== null) {
          const r = yield* rules.get(g.ruleInstanceId)
          ids = (yield* candidates.matching([r.definition.rule], asOf))[0]!
        }
        // Members, and the DND count, only among the customers the actor may read.
        ids = (yield* scoped.forActor(actor).customers.getMany(ids)).map((c) => c.id)
        const r = yield* withoutDnd(ids, options.channel, yield* nowIso)
        return { groupId, asOf, customerIds: r.kept, filteredDnd: r.filtered } satisfies GroupMembers
      })

      return CustomerGroupService.of({ create, members })
    })
  )
}
