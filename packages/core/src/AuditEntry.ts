/**
 * The audit trail: every data change appends an entry (who, when, what, before, after) in the same
 * transaction as the change; managers add manual entries. Entries are chained by hash so that a
 * modified or deleted entry is detectable.
 */
import { z } from "zod"
import { Id, Instant } from "./Primitives"

/**
 * The category of an audit entry, for queries.
 *
 * @example
 * ```ts
 * AuditCategory.parse("work-item")
 * ```
 */
export const AuditCategory = z.enum([
  "customer",
  "work-item",
  "task",
  "rule",
  "dnd",
  "appointment",
  "team",
  "offer",
  "questionnaire",
  "extraction",
  "observation",
  "manual",
  "system"
])
/** @see {@link AuditCategory} */
export type AuditCategory = z.infer<typeof AuditCategory>

/**
 * What to append: the store assigns the sequence number and the hash chain.
 *
 * @example
 * ```ts
 * AuditEntryInput.parse({ actorId: "m-1", at: "2026-11-22T10:00:00.000Z", action: "work-item.complete",
 *   category: "work-item", recordType: "WorkItem", recordId: "wi-1", customerId: "cust-42",
 *   before: { state: "open" }, after: { state: "completed" }, note: "" })
 * ```
 */
export const AuditEntryInput = z.object({
  actorId: Id,
  at: Instant,
  action: z.string().min(1).max(100),
  category: AuditCategory,
  recordType: z.string().min(1).max(60),
  recordId: z.string().min(1).max(200),
  customerId: Id.nullable(),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
  note: z.string().max(4000).default("")
})
/** @see {@link AuditEntryInput} */
export type AuditEntryInput = z.infer<typeof AuditEntryInput>

/**
 * A stored audit entry: the input plus its position in the chain.
 *
 * @example
 * ```ts
 * const e: AuditEntry = { ...input, seq: 1, prevHash: "0".repeat(64), hash: "9f8e..." }
 * ```
 */
export const AuditEntry = AuditEntryInput.extend({
  seq: z.number().int().min(1),
  prevHash: z.string().length(64),
  hash: z.string().length(64)
})
/** @see {@link AuditEntry} */
export type AuditEntry = z.infer<typeof AuditEntry>
