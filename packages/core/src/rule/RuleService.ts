/**
 * Rule instances as stored data: `@winback/rules`' lifecycle (draft → pending-approval → active →
 * retired, maker-checker, immutable active versions) persisted through `RuleInstanceStore`, each
 * step permission-checked and audited in its transaction. A record's `definition` is the rules
 * package's `RuleInstance`, so extraction reads the rule straight from it.
 */
import { Context, Effect, Layer } from "effect"
import * as z from "zod"
import {
  approve as approveRule,
  createDraft,
  findTemplate,
  instantiate,
  reject as rejectRule,
  retire as retireRule,
  revise as reviseRule,
  Rule,
  type RuleInstance,
  RuleLifecycleError,
  submitForApproval
} from "@winback/rules"
import type { Actor } from "../org/Actor"
import { AuditTrail, nowIso } from "../audit/AuditTrail"
import { CandidateSource } from "../task/Candidates"
import { Conflict, Forbidden, NotFound, type StorageError, ValidationError } from "../shared/Errors"
import { Actions, Permissions } from "../org/Permissions"
import { Id, IsoDate } from "../shared/Primitives"
import { RuleInstanceStore } from "./RuleInstanceStore"
import { Transactions } from "../ports/Transactions"
import { ScopedStores } from "../facade/ScopedStores"
import type { RuleInstanceRecord } from "./RuleInstanceRecord"
import { decode } from "../shared/Validation"
import { serviceLayer } from "../shared/ServiceLayer"

/**
 * A new rule instance: from a catalogue template with parameters, or a hand-written rule.
 *
 * @example
 * ```ts
 * NewRuleInstance.parse({ ruleId: "bill-drop-gold", name: "Bill drop (gold 25%)", templateId: "bill-drop", params: { dropPercent: 25 } })
 * ```
 */
export const NewRuleInstance = z
  .object({
    ruleId: Id.regex(/^[^@]+$/, "a rule id has no '@'"),
    name: z.string().min(1).max(200),
    templateId: Id.optional(),
    params: z.record(z.string(), z.unknown()).default({}),
    rule: z.unknown().optional(),
    effectiveFrom: IsoDate.nullable().default(null),
    effectiveTo: IsoDate.nullable().default(null)
  })
  .strict()
  .refine((r) => (r.templateId === undefined) !== (r.rule === undefined), { message: "give a templateId (with params) or a rule, not both", path: ["templateId"] })
/** @see {@link NewRuleInstance} */
export type NewRuleInstance = z.input<typeof NewRuleInstance>

/**
 * The stored id of version `n` of rule `ruleId`.
 *
 * @example
 * ```ts
 * ruleRecordId("bill-drop-gold", 2) // "bill-drop-gold@2"
 * ```
 */
export const ruleRecordId = (ruleId: string, versionNo: number): string => `${ruleId}@${versionNo}`

const lifecycle = <A>(f: () => A): Effect.Effect<A, ValidationError | Conflict> =>
  Effect.try({
    try: f,
    catch: (e) =>
      e instanceof RuleLifecycleError
        ? new Conflict({ kind: "wrong-state", entity: "RuleInstance", id: "-", reason: `${e.code}: ${e.message}` })
        : e instanceof ValidationError
          ? e
          : new ValidationError({ issues: [{ path: [], message: String(e), code: "invalid" }] })
  })

const toRecord = (i: RuleInstance, version: number): RuleInstanceRecord => ({
  id: ruleRecordId(i.id, i.version),
  ruleId: i.id,
  versionNo: i.version,
  templateId: i.templateId ?? "custom",
  name: i.name,
  status: i.status,
  definition: i,
  authorId: i.authorId,
  approvedBy: i.approverId,
  effectiveFrom: i.effectiveFrom,
  effectiveUntil: i.effectiveTo,
  createdAt: new Date(i.createdAt).toISOString(),
  version
})

type Errors = ValidationError | NotFound | Conflict | Forbidden | StorageError

/**
 * The rule-instance service.
 *
 * @example
 * ```ts
 * const rules = yield* RuleService
 * const draft = yield* rules.create(admin, { ruleId: "zero-bill", name: "Zero bill", templateId: "zero-bill" })
 * yield* rules.submit(admin, draft.id)
 * yield* rules.approve(approver, draft.id)
 * ```
 */
export class RuleService extends Context.Service<
  RuleService,
  {
    readonly create: (actor: Actor, input: NewRuleInstance) => Effect.Effect<RuleInstanceRecord, Errors>
    readonly submit: (actor: Actor, recordId: string) => Effect.Effect<RuleInstanceRecord, Errors>
    /** Maker-checker: the approver must not be the author. */
    readonly approve: (actor: Actor, recordId: string, options?: { readonly effectiveFrom?: string }) => Effect.Effect<RuleInstanceRecord, Errors>
    readonly reject: (actor: Actor, recordId: string, reason: string) => Effect.Effect<RuleInstanceRecord, Errors>
    readonly retire: (actor: Actor, recordId: string) => Effect.Effect<RuleInstanceRecord, Errors>
    /** A new draft version from an active or retired one. */
    readonly revise: (actor: Actor, recordId: string) => Effect.Effect<RuleInstanceRecord, Errors>
    /**
     * How many customers the version picks as of a day, and the first few: counted among the
     * customers the actor may read, except for an actor who may approve the version (pending
     * approval), who sees the whole count; the sample is always only readable customers.
     */
    readonly preview: (actor: Actor, recordId: string, asOf: string) => Effect.Effect<{ readonly count: number; readonly sample: ReadonlyArray<string> }, Errors>
    /**
     * The same count and sample for a rule not saved yet (a template with parameters, or a rule), so
     * an admin sees what a draft would pick before creating it; needs `rule.create`, writes nothing.
     *
     * @example
     * ```ts
     * yield* rules.previewDraft(admin, { ruleId: "bill-drop-gold", name: "Bill drop", templateId: "bill-drop", params: { dropPercent: 40 } }, "2026-11-25")
     * ```
     */
    readonly previewDraft: (actor: Actor, input: NewRuleInstance, asOf: string) => Effect.Effect<{ readonly count: number; readonly sample: ReadonlyArray<string> }, Errors>
  }
>()("@winback/core/RuleService") {
  /**
   * The live implementation.
   *
   * @example
   * ```ts
   * RuleService.layer.pipe(Layer.provide(memoryCandidateSource()), Layer.provide(scopeLayer(defaultPolicy)), Layer.provide(storesLayer(stores)))
   * ```
   */
  static readonly layer: Layer.Layer<RuleService, never, Transactions | RuleInstanceStore | CandidateSource | Permissions | ScopedStores | AuditTrail> = serviceLayer(
    RuleService,
    { tx: Transactions, store: RuleInstanceStore, candidates: CandidateSource, perms: Permissions, scoped: ScopedStores, trail: AuditTrail },
    ({ tx, store, candidates, perms, scoped, trail }) => Effect.gen(function* () {
      const audit = (actor: Actor, action: string, before: RuleInstanceRecord | null, after: RuleInstanceRecord) =>
        trail.record(actor, { action, category: "rule", recordType: "RuleInstance", recordId: after.id, customerId: null, before, after })

      /** Reads, applies a lifecycle step, writes and audits, in one transaction. */
      const step = (actor: Actor, recordId: string, action: string, check: (r: RuleInstanceRecord) => Effect.Effect<void, Forbidden>, f: (i: RuleInstance, now: string) => RuleInstance) =>
        tx.transaction(
          Effect.gen(function* () {
            const before = yield* store.get(recordId)
            yield* check(before)
            const now = yield* nowIso
            const next = yield* lifecycle(() => f(before.definition, now))
            const after = yield* store.update(toRecord(next, before.version), before.version)
            yield* audit(actor, action, before, after)
            return after
          })
        )

      const mayAuthor = (actor: Actor) => () => perms.require(actor, Actions.ruleCreate, { type: "none" })

      /** The rule a new instance describes: its template instantiated with the parameters, or the hand-written rule. */
      const ruleOf = (n: z.output<typeof NewRuleInstance>) =>
        Effect.gen(function* () {
          if (n.templateId === undefined) return { from: undefined, rule: yield* decode(Rule, n.rule, "rule") }
          const template = findTemplate(n.templateId)
          if (!template) return yield* Effect.fail(new ValidationError({ subject: "rule instance", issues: [{ path: ["templateId"], code: "unknown-template", message: `no template '${n.templateId}' in the catalogue` }] }))
          return { from: yield* lifecycle(() => instantiate(template, n.params)), rule: undefined }
        })

      const create = Effect.fn("RuleService.create")(function* (actor: Actor, input: NewRuleInstance) {
        const n = yield* decode(NewRuleInstance, input, "rule instance")
        yield* perms.require(actor, Actions.ruleCreate, { type: "none" })
        const now = yield* nowIso
        const { from, rule } = yield* ruleOf(n)
        const draft = yield* lifecycle(() =>
          createDraft({ id: n.ruleId, name: n.name, authorId: actor.id, now, rule, from, effectiveFrom: n.effectiveFrom, effectiveTo: n.effectiveTo })
        )
        return yield* tx.transaction(
          Effect.gen(function* () {
            const stored = yield* store.insert(toRecord(draft, 1))
            yield* audit(actor, "rule.create", null, stored)
            return stored
          })
        )
      })

      const submit = Effect.fn("RuleService.submit")(function* (actor: Actor, recordId: string) {
        return yield* step(actor, recordId, "rule.submit", mayAuthor(actor), (i, now) => submitForApproval(i, { now }))
      })
      const approve = Effect.fn("RuleService.approve")(function* (actor: Actor, recordId: string, options?: { readonly effectiveFrom?: string }) {
        return yield* step(
          actor,
          recordId,
          "rule.approve",
          (r) => perms.require(actor, Actions.ruleApprove, { type: "rule", rule: { id: r.id, status: r.status } }),
          (i, now) => approveRule(i, { approverId: actor.id, now, ...(options?.effectiveFrom ? { effectiveFrom: options.effectiveFrom } : {}) })
        )
      })
      const reject = Effect.fn("RuleService.reject")(function* (actor: Actor, recordId: string, reason: string) {
        return yield* step(
          actor,
          recordId,
          "rule.reject",
          (r) => perms.require(actor, Actions.ruleApprove, { type: "rule", rule: { id: r.id, status: r.status } }),
          (i, now) => rejectRule(i, { by: actor.id, now, reason })
        )
      })
      const retire = Effect.fn("RuleService.retire")(function* (actor: Actor, recordId: string) {
        return yield* step(actor, recordId, "rule.retire", mayAuthor(actor), (i, now) => retireRule(i, { now }))
      })
      const revise = Effect.fn("RuleService.revise")(function* (actor: Actor, recordId: string) {
        yield* perms.require(actor, Actions.ruleCreate, { type: "none" })
        return yield* tx.transaction(
          Effect.gen(function* () {
            const source = yield* store.get(recordId)
            const next = yield* lifecycle(() => reviseRule(source.definition, { authorId: actor.id, now: source.createdAt }))
            const stamped = { ...next, createdAt: yield* nowIso }
            const stored = yield* store.insert(toRecord(stamped, 1))
            yield* audit(actor, "rule.revise", null, stored)
            return stored
          })
        )
      })
      const preview = Effect.fn("RuleService.preview")(function* (actor: Actor, recordId: string, asOf: string) {
        const day = yield* decode(IsoDate, asOf, "as-of day")
        const r = yield* store.get(recordId)
        yield* perms.require(actor, Actions.ruleRead, { type: "rule", rule: { id: r.id, status: r.status } }).pipe(
          Effect.catchTag("Forbidden", (e) => perms.require(actor, Actions.ruleCreate, { type: "none" }).pipe(Effect.mapError(() => e)))
        )
        const [ids] = yield* candidates.matching([r.definition.rule], day)
        // Only the customers the actor may read are counted and sampled: a preview is no oracle on
        // anyone else. The one exception is the count for whoever may approve this version: the
        // decision is about every customer the rule picks, so they see the whole count (as a task's
        // dry run shows its approver every team's split), but still sample only what they may read.
        const visible = (yield* scoped.forActor(actor).customers.getMany(ids!)).map((c) => c.id)
        const decides = (yield* perms.check(actor, Actions.ruleApprove, { type: "rule", rule: { id: r.id, status: r.status } })).allowed
        return { count: decides ? ids!.length : visible.length, sample: visible.slice(0, 10) }
      })
      const previewDraft = Effect.fn("RuleService.previewDraft")(function* (actor: Actor, input: NewRuleInstance, asOf: string) {
        const n = yield* decode(NewRuleInstance, input, "rule instance")
        const day = yield* decode(IsoDate, asOf, "as-of day")
        yield* perms.require(actor, Actions.ruleCreate, { type: "none" })
        const { from, rule } = yield* ruleOf(n)
        const [ids] = yield* candidates.matching([from?.rule ?? rule!], day)
        // As for a stored rule: only the customers the actor may read count.
        const visible = (yield* scoped.forActor(actor).customers.getMany(ids!)).map((c) => c.id)
        return { count: visible.length, sample: visible.slice(0, 10) }
      })
      return RuleService.of({ create, submit, approve, reject, retire, revise, preview, previewDraft })
    })
  )
}
