/**
 * How a rule instance version is stored: the `@winback/rules` `RuleInstance` itself (its rule AST,
 * template parameters and approval trail) in `definition`, beside the lifecycle fields the store
 * indexes. The record is validated as a whole, definition included, wherever it crosses a boundary
 * (a store reading its json column back, a host handing one in).
 */
import * as z from "zod"
import { RuleInstance, RuleInstanceStatus } from "@winback/rules"
import { Id, Instant, IsoDate, Version } from "../shared/Primitives"

/**
 * Lifecycle status of a rule instance version: draft → pending-approval → active → retired (a
 * rejected version goes back to draft with the reason). The one definition, `@winback/rules`'.
 *
 * @example
 * ```ts
 * RuleInstanceStatus.parse("active")
 * ```
 */
export { RuleInstanceStatus }

/**
 * One stored version of a rule instance; `id` is `<ruleId>@<versionNo>`; `definition` is the
 * rules package's {@link RuleInstance} of that version (its `rule` is what extraction runs).
 *
 * @example
 * ```ts
 * import { createDraft, instantiate, zeroBill } from "@winback/rules"
 * const definition = createDraft({ id: "zero-bill", name: "Zero bill", authorId: "m-9", now: "2026-11-22T08:00:00.000Z", from: instantiate(zeroBill) })
 * RuleInstanceRecord.parse({ id: "zero-bill@1", ruleId: "zero-bill", versionNo: 1, templateId: "zero-bill",
 *   name: "Zero bill", status: "draft", definition, authorId: "m-9",
 *   approvedBy: null, effectiveFrom: null, effectiveUntil: null, createdAt: "2026-11-22T08:00:00.000Z", version: 1 })
 * ```
 */
export const RuleInstanceRecord = z.object({
  id: Id,
  ruleId: Id,
  versionNo: z.number().int().min(1),
  templateId: Id,
  name: z.string().min(1).max(200),
  status: RuleInstanceStatus,
  definition: RuleInstance,
  authorId: Id,
  approvedBy: Id.nullable(),
  effectiveFrom: IsoDate.nullable(),
  effectiveUntil: IsoDate.nullable(),
  createdAt: Instant,
  version: Version
})
/** @see {@link RuleInstanceRecord} */
export type RuleInstanceRecord = z.infer<typeof RuleInstanceRecord>
