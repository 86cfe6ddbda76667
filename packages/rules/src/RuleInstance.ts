/**
 * Governance of rule instances, as pure functions over data (core persists them; time is passed
 * in): versioned instances move draft → pending-approval → active → retired; an approver must not
 * be the author (maker-checker); an active version is immutable — a change is a new version.
 */
import * as z from "zod"
import type { FactCatalog } from "./FactCatalog"
import { Rule } from "./Rule"
import { type Instantiated } from "./RuleTemplate"
import { assertValidRule, type ValidateOptions } from "./Validate"

/**
 * Lifecycle states of an instance version.
 *
 * @example
 * ```ts
 * RuleInstanceStatus.parse("pending-approval")
 * ```
 */
export const RuleInstanceStatus = z.enum(["draft", "pending-approval", "active", "retired"])
/** @see {@link RuleInstanceStatus} */
export type RuleInstanceStatus = z.infer<typeof RuleInstanceStatus>

const IsoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/)

/**
 * One version of a rule instance.
 *
 * @example
 * ```ts
 * const draft: RuleInstance = createDraft({ id: "r-1", name: "Gold bill drop", authorId: "u-1", now: "2026-11-20T08:00:00Z", rule })
 * ```
 */
export const RuleInstance = z.strictObject({
  id: z.string().min(1),
  version: z.number().int().min(1),
  name: z.string().min(1),
  status: RuleInstanceStatus,
  templateId: z.string().nullable(),
  templateVersion: z.number().int().nullable(),
  params: z.record(z.string(), z.unknown()).nullable(),
  rule: Rule,
  authorId: z.string().min(1),
  createdAt: z.string(),
  submittedAt: z.string().nullable(),
  approverId: z.string().nullable(),
  approvedAt: z.string().nullable(),
  retiredAt: z.string().nullable(),
  /** First day the version applies (inclusive). */
  effectiveFrom: IsoDay.nullable(),
  /** Day the version stops applying (exclusive); null = open-ended. */
  effectiveTo: IsoDay.nullable(),
  rejection: z.strictObject({ by: z.string(), at: z.string(), reason: z.string() }).nullable()
})
/** @see {@link RuleInstance} */
export type RuleInstance = z.infer<typeof RuleInstance>

/**
 * A lifecycle step that is not allowed. `code`: `invalid-transition` (wrong state),
 * `self-approval` (maker-checker), `immutable` (editing a version that left draft).
 *
 * @example
 * ```ts
 * try { approve(draft, { approverId: draft.authorId, now }) } catch (e) { if (e instanceof RuleLifecycleError) e.code }
 * ```
 */
export class RuleLifecycleError extends Error {
  readonly _tag = "RuleLifecycleError" as const
  constructor(
    readonly code: "invalid-transition" | "self-approval" | "immutable",
    message: string
  ) {
    super(message)
    this.name = "RuleLifecycleError"
  }
}

const require = (i: RuleInstance, status: RuleInstanceStatus, action: string): void => {
  if (i.status !== status)
    throw new RuleLifecycleError(status === "draft" && action === "edit" ? "immutable" : "invalid-transition", `Cannot ${action} version ${i.version} of '${i.id}': it is ${i.status}`)
}

/**
 * Creates version 1 of an instance as a draft, from a rule or an instantiated template.
 *
 * @example
 * ```ts
 * const draft = createDraft({ id: "r-1", name: "Bill drop", authorId: "u-1", now: "2026-11-20T08:00:00Z", from: instantiate(billDrop) })
 * ```
 */
export const createDraft = (input: {
  readonly id: string
  readonly name: string
  readonly authorId: string
  readonly now: string
  readonly rule?: Rule | undefined
  readonly from?: Instantiated | undefined
  readonly effectiveFrom?: string | null | undefined
  readonly effectiveTo?: string | null | undefined
}): RuleInstance => {
  const rule = input.from?.rule ?? input.rule
  if (!rule) throw new RuleLifecycleError("invalid-transition", "A draft needs a rule or an instantiated template")
  return {
    id: input.id,
    version: 1,
    name: input.name,
    status: "draft",
    templateId: input.from?.templateId ?? null,
    templateVersion: input.from?.templateVersion ?? null,
    params: input.from ? { ...input.from.params } : null,
    rule,
    authorId: input.authorId,
    createdAt: input.now,
    submittedAt: null,
    approverId: null,
    approvedAt: null,
    retiredAt: null,
    effectiveFrom: input.effectiveFrom ?? null,
    effectiveTo: input.effectiveTo ?? null,
    rejection: null
  }
}

/**
 * Edits a draft (only drafts are editable).
 *
 * @example
 * ```ts
 * const edited = updateDraft(draft, { name: "Gold bill drop", from: instantiate(billDrop, { dropPercent: 25 }) })
 * ```
 */
export const updateDraft = (
  i: RuleInstance,
  changes: {
    readonly name?: string | undefined
    readonly rule?: Rule | undefined
    readonly from?: Instantiated | undefined
    readonly effectiveFrom?: string | null | undefined
    readonly effectiveTo?: string | null | undefined
  }
): RuleInstance => {
  require(i, "draft", "edit")
  return {
    ...i,
    name: changes.name ?? i.name,
    rule: changes.from?.rule ?? changes.rule ?? i.rule,
    templateId: changes.from ? changes.from.templateId : changes.rule ? null : i.templateId,
    templateVersion: changes.from ? changes.from.templateVersion : changes.rule ? null : i.templateVersion,
    params: changes.from ? { ...changes.from.params } : changes.rule ? null : i.params,
    effectiveFrom: changes.effectiveFrom === undefined ? i.effectiveFrom : changes.effectiveFrom,
    effectiveTo: changes.effectiveTo === undefined ? i.effectiveTo : changes.effectiveTo
  }
}

/**
 * Submits a draft for approval after validating its rule (throws `ValidationError`, paths under `rule`).
 *
 * @example
 * ```ts
 * const pending = submitForApproval(draft, { now: "2026-11-20T09:00:00Z" })
 * ```
 */
export const submitForApproval = (i: RuleInstance, input: { readonly now: string; readonly catalog?: FactCatalog | undefined; readonly history?: ValidateOptions["history"] }): RuleInstance => {
  require(i, "draft", "submit")
  assertValidRule(i.rule, { catalog: input.catalog, history: input.history })
  return { ...i, status: "pending-approval", submittedAt: input.now, rejection: null }
}

/**
 * Approves a pending version; the approver must differ from the author. `effectiveFrom` defaults
 * to the approval day.
 *
 * @example
 * ```ts
 * const active = approve(pending, { approverId: "u-2", now: "2026-11-20T10:00:00Z" })
 * ```
 */
export const approve = (i: RuleInstance, input: { readonly approverId: string; readonly now: string; readonly effectiveFrom?: string | undefined }): RuleInstance => {
  require(i, "pending-approval", "approve")
  if (input.approverId === i.authorId) throw new RuleLifecycleError("self-approval", `'${input.approverId}' wrote version ${i.version} of '${i.id}' and cannot approve it`)
  return {
    ...i,
    status: "active",
    approverId: input.approverId,
    approvedAt: input.now,
    effectiveFrom: input.effectiveFrom ?? i.effectiveFrom ?? input.now.slice(0, 10)
  }
}

/**
 * Sends a pending version back to draft with the reason.
 *
 * @example
 * ```ts
 * const back = reject(pending, { by: "u-2", now, reason: "threshold too low for silver" })
 * ```
 */
export const reject = (i: RuleInstance, input: { readonly by: string; readonly now: string; readonly reason: string }): RuleInstance => {
  require(i, "pending-approval", "reject")
  return { ...i, status: "draft", submittedAt: null, rejection: { by: input.by, at: input.now, reason: input.reason } }
}

/**
 * Retires an active version (it stops applying at `effectiveTo`, default the retirement day).
 *
 * @example
 * ```ts
 * const retired = retire(active, { now: "2026-12-01T00:00:00Z" })
 * ```
 */
export const retire = (i: RuleInstance, input: { readonly now: string; readonly effectiveTo?: string | undefined }): RuleInstance => {
  require(i, "active", "retire")
  return { ...i, status: "retired", retiredAt: input.now, effectiveTo: input.effectiveTo ?? i.effectiveTo ?? input.now.slice(0, 10) }
}

/**
 * Starts the next version from an active or retired one: a new draft with the same content and
 * `version + 1`; the source stays as it is (an active version never changes).
 *
 * @example
 * ```ts
 * const v2 = revise(active, { authorId: "u-3", now: "2026-12-01T08:00:00Z" })
 * ```
 */
export const revise = (i: RuleInstance, input: { readonly authorId: string; readonly now: string }): RuleInstance => {
  if (i.status === "draft" || i.status === "pending-approval") throw new RuleLifecycleError("invalid-transition", `Version ${i.version} of '${i.id}' is still ${i.status}; edit it instead`)
  return {
    ...i,
    version: i.version + 1,
    status: "draft",
    authorId: input.authorId,
    createdAt: input.now,
    submittedAt: null,
    approverId: null,
    approvedAt: null,
    retiredAt: null,
    effectiveFrom: null,
    effectiveTo: null,
    rejection: null
  }
}

/**
 * The version in force on a day: active (or retired later) with `effectiveFrom <= day < effectiveTo`;
 * the highest version wins when a new one overlaps an older one.
 *
 * @example
 * ```ts
 * effectiveVersion([v1, v2], "2026-12-05")?.version // 2
 * ```
 */
export const effectiveVersion = (versions: ReadonlyArray<RuleInstance>, day: string): RuleInstance | undefined =>
  versions
    .filter((v) => (v.status === "active" || v.status === "retired") && v.effectiveFrom !== null && v.effectiveFrom <= day && (v.effectiveTo === null || day < v.effectiveTo))
    .sort((a, b) => b.version - a.version)[0]
