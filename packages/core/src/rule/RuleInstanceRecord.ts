/**
 * How a rule instance version is stored. The rule itself (its AST and template parameters) is
 * `@winback/rules` data kept as-is in `definition`; the store only indexes the lifecycle fields.
 */
import * as z from "zod"
import { Id, Instant, IsoDate, Version } from "../shared/Primitives"

/**
 * Lifecycle status of a rule instance version: draft → pending-approval → active → retired.
 *
 * @example
 * ```ts
 * RuleInstanceStatus.parse("active")
 * ```
 */
export const RuleInstanceStatus = z.enum(["draft", "pending-approval", "active", "retired", "rejected"])
/** @see {@link RuleInstanceStatus} */
export type RuleInstanceStatus = z.infer<typeof RuleInstanceStatus>

/**
 * One stored version of a rule instance; `id` is `<ruleId>@<versionNo>`.
 *
 * @example
 * ```ts
 * RuleInstanceRecord.parse({ id: "bill-drop-gold@1", ruleId: "bill-drop-gold", versionNo: 1, templateId: "bill-drop",
 *   name: "Bill drop, gold", status: "draft", definition: { params: { dropPercent: { gold: 30 } } }, authorId: "m-9",
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
  definition: z.unknown(),
  authorId: Id,
  approvedBy: Id.nullable(),
  effectiveFrom: IsoDate.nullable(),
  effectiveUntil: IsoDate.nullable(),
  createdAt: Instant,
  version: Version
})
/** @see {@link RuleInstanceRecord} */
export type RuleInstanceRecord = z.infer<typeof RuleInstanceRecord>
