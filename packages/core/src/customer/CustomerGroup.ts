/**
 * Customer groups: a set of customers sharing a feature, built by a filter rule or by import, for a
 * campaign; short-lived, so the definition carries a validity window.
 */
import * as z from "zod"
import { Id, Instant, IsoDate, Version } from "../shared/Primitives"

/**
 * A customer group. `ruleInstanceId` is set for filter-built groups; `memberIds` for imported ones.
 *
 * @example
 * ```ts
 * CustomerGroup.parse({ id: "g-1", name: "November birthdays", kind: "filter", ruleInstanceId: "ri-birthday@1",
 *   memberIds: [], validFrom: "2026-11-01", validUntil: "2026-11-30", createdBy: "m-9", createdAt: "2026-10-30T08:00:00.000Z", version: 1 })
 * ```
 */
export const CustomerGroup = z
  .object({
    id: Id,
    name: z.string().min(1).max(200),
    kind: z.enum(["filter", "import"]),
    ruleInstanceId: Id.nullable(),
    memberIds: z.array(Id),
    validFrom: IsoDate,
    validUntil: IsoDate,
    createdBy: Id,
    createdAt: Instant,
    version: Version
  })
  .refine((g) => g.validFrom <= g.validUntil, { message: "validity window ends before it starts", path: ["validUntil"] })
  .refine((g) => (g.kind === "filter") === (g.ruleInstanceId !== null), {
    message: "a filter group needs a rule instance, an imported group none",
    path: ["ruleInstanceId"]
  })
/** @see {@link CustomerGroup} */
export type CustomerGroup = z.infer<typeof CustomerGroup>
