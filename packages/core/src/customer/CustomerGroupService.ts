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
import type { Page } from "../shared/Page"

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

/**
 * Customers to add to an imported group (`expectedVersion`: the group's version the caller saw).
 * With `dndChannel`, customers on DND for that channel are left out (and counted).
 *
 * @example
 * ```ts
 * AddGroupMembers.parse({ groupId: "g-1", customerIds: ["c-7", "c-9"], expectedVersion: 1 })
 * ```
 */
export const AddGroupMembers = z
  .object({ groupId: Id, customerIds: z.array(Id).min(1).max(100_000), expectedVersion: z.number().int().min(1), dndChannel: Channel.optional() })
  .strict()
/** @see {@link AddGroupMembers} */
export type AddGroupMembers = z.input<typeof AddGroupMembers>

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
    /**
     * Groups valid on `validOn` (every group without it), newest first: the ones a leader may use —
     * an imported group only when the actor may read every customer in it.
     */
    readonly list: (actor: Actor, options?: { readonly validOn?: string }) => Effect.Effect<ReadonlyArray<CustomerGroup>, Errors>
    /** Adds customers (in the actor's scope, checked as in `create`) to an imported group; all or nothing. */
    readonly addMembers: (actor: Actor, input: AddGroupMembers) => Effect.Effect<{ readonly group: CustomerGroup; readonly added: number; readonly filteredDnd: number }, Errors>
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

      /** The distinct ids, sorted, when the actor may read every one; else every other line as an issue. */
      const readableIds = (actor: Actor, ids: ReadonlyArray<string>) =>
        Effect.gen(function* () {
          const unique = [...new Set(ids)].sort(compareIds)
          const known = new Set<string>()
          // Only customers the actor may read: unknown and out of scope read alike (no existence oracle).
          for (const c of yield* scoped.forActor(actor).customers.getMany(unique)) known.add(c.id)
          const unknown = ids.flatMap((id, i) =>
            known.has(id) ? [] : [{ path: ["customerIds", i], code: "unknown-customer", message: `customer ${id} is unknown or outside your scope` }]
          )
          if (unknown.length) return yield* Effect.fail(new ValidationError({ subject: "customer group", issues: unknown }))
          return unique
        })

      const create = Effect.fn("CustomerGroupService.create")(function* (actor: Actor, input: NewCustomerGroup) {
        const n = yield* decode(NewCustomerGroup, input, "customer group")
        yield* perms.require(actor, Actions.groupManage, { type: "none" })
        const now = yield* nowIso
        let memberIds: ReadonlyArray<string> = []
        let filteredDnd = 0
        if (n.customerIds !== undefined) {
          const unique = yield* readableIds(actor, n.customerIds)
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

      const list = Effect.fn("CustomerGroupService.list")(function* (actor: Actor, options: { readonly validOn?: string } = {}) {
        yield* perms.require(actor, Actions.groupManage, { type: "none" })
        const validOn = options.validOn === undefined ? undefined : yield* decode(IsoDate, options.validOn, "valid-on day")
        const out: Array<CustomerGroup> = []
        let cursor: string | null = null
        do {
          const page: Page<CustomerGroup> = yield* groups.list(validOn === undefined ? {} : { validOn }, { limit: 500, cursor })
          out.push(...page.items)
          cursor = page.nextCursor
        } while (cursor)
        // Only imported groups whose every customer the actor may read: a group of another team's or
        // region's customers is not listed (its member ids would name customers outside the scope).
        const memberIds = [...new Set(out.flatMap((g) => (g.kind === "import" ? g.memberIds : [])))]
        const readable = new Set((memberIds.length ? yield* scoped.forActor(actor).customers.getMany(memberIds) : []).map((c) => c.id))
        return out
          .filter((g) => g.kind !== "import" || g.memberIds.every((id) => readable.has(id)))
          .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : compareIds(a.id, b.id)))
      })

      const addMembers = Effect.fn("CustomerGroupService.addMembers")(function* (actor: Actor, input: AddGroupMembers) {
        const n = yield* decode(AddGroupMembers, input, "group members")
        yield* perms.require(actor, Actions.groupManage, { type: "none" })
        const ids = yield* readableIds(actor, n.customerIds)
        const r = yield* withoutDnd(ids, n.dndChannel, yield* nowIso)
        return yield* tx.transaction(
          Effect.gen(function* () {
            const before = yield* groups.get(n.groupId)
            if (before.kind !== "import") return yield* new Conflict({ kind: "wrong-state", entity: "CustomerGroup", id: before.id, reason: "is a filter group: its members come from its rule" })
            const had = new Set(before.memberIds)
            const fresh = r.kept.filter((id) => !had.has(id))
            const after = yield* groups.update({ ...before, memberIds: [...before.memberIds, ...fresh].sort(compareIds) }, n.expectedVersion)
            yield* trail.record(actor, {
              action: "group.add-members",
              category: "customer",
              recordType: "CustomerGroup",
              recordId: after.id,
              customerId: null,
              before: { ...before, memberIds: before.memberIds.length },
              after: { ...after, memberIds: after.memberIds.length, added: fresh.length, filteredDnd: r.filtered }
            })
            return { group: after, added: fresh.length, filteredDnd: r.filtered }
          })
        )
      })

      return CustomerGroupService.of({ create, members, list, addMembers })
    })
  )
}
