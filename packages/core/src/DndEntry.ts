/**
 * Do-not-disturb entries: per customer, per channel, with a reason, a source and an optional expiry.
 * Applied when building groups, campaigns and extractions; an agent's entry takes effect at once.
 */
import { z } from "zod"
import { Channel } from "./Channel"
import { Id, Instant } from "./Primitives"

/**
 * Where a DND entry came from.
 *
 * @example
 * ```ts
 * DndSource.parse("agent")
 * ```
 */
export const DndSource = z.enum(["customer-request", "agent", "complaint", "regulator", "import", "system"])
/** @see {@link DndSource} */
export type DndSource = z.infer<typeof DndSource>

/**
 * One do-not-disturb entry. `expiresAt` null means until removed.
 *
 * @example
 * ```ts
 * DndEntry.parse({ id: "dnd-1", customerId: "cust-42", channel: "phone", reason: "asked not to be called",
 *   source: "agent", createdBy: "m-1", createdAt: "2026-11-22T10:00:00.000Z", expiresAt: null, removedAt: null })
 * ```
 */
export const DndEntry = z.object({
  id: Id,
  customerId: Id,
  channel: Channel,
  reason: z.string().min(1).max(1000),
  source: DndSource,
  createdBy: Id,
  createdAt: Instant,
  expiresAt: Instant.nullable(),
  removedAt: Instant.nullable()
})
/** @see {@link DndEntry} */
export type DndEntry = z.infer<typeof DndEntry>

/**
 * Whether a DND entry blocks contact at `at` (created, not removed, not expired).
 *
 * @example
 * ```ts
 * isDndActive(entry, "2026-11-22T12:00:00.000Z")
 * ```
 */
export const isDndActive = (e: DndEntry, at: string): boolean => {
  const t = Date.parse(at)
  return Date.parse(e.createdAt) <= t && (e.removedAt === null || Date.parse(e.removedAt) > t) &&
    (e.expiresAt === null || Date.parse(e.expiresAt) > t)
}
