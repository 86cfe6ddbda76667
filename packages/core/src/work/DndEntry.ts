/**
 * Do-not-disturb entries: per customer, per channel, with a reason, a source and an optional expiry.
 * Applied when building groups, campaigns and extractions; an agent's entry takes effect at once.
 */
import * as z from "zod"
import { Channel } from "../shared/Channel"
import { Id, Instant } from "../shared/Primitives"

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
 * The sources whose entries record the customer's own wish or an obligation from outside the
 * retention team (the customer asked, a complaint, a regulator). Taking one back is a bigger step
 * than undoing an entry an agent set during work: the scoped removal asks for the extra action
 * `dnd.remove-protected` (team leaders by default) on top of `dnd.remove`.
 *
 * @example
 * ```ts
 * protectedDndSources.includes("customer-request") // true
 * protectedDndSources.includes("agent") // false
 * ```
 */
export const protectedDndSources: ReadonlyArray<DndSource> = ["customer-request", "complaint", "regulator"]

/**
 * Whether entries of `source` need `dnd.remove-protected` to be removed (see {@link protectedDndSources}).
 *
 * @example
 * ```ts
 * isProtectedDndSource(entry.source)
 * ```
 */
export const isProtectedDndSource = (source: DndSource): boolean => protectedDndSources.includes(source)

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

/**
 * Where a DND entry stands at an instant: `active` (blocks its channel), `expired` (its expiry has
 * passed) or `removed` (taken back). An entry removed after its expiry counts as removed.
 *
 * @example
 * ```ts
 * DndStatus.parse("expired")
 * ```
 */
export const DndStatus = z.enum(["active", "expired", "removed"])
/** @see {@link DndStatus} */
export type DndStatus = z.infer<typeof DndStatus>

/**
 * The {@link DndStatus} of an entry at `at` (instants compare as text: they are normalised UTC).
 * An entry created after `at` has none (`undefined`).
 *
 * @example
 * ```ts
 * dndStatusAt(entry, "2026-11-25T00:00:00.000Z") // "active"
 * ```
 */
export const dndStatusAt = (e: DndEntry, at: string): DndStatus | undefined =>
  e.removedAt !== null && e.removedAt <= at ? "removed" : e.expiresAt !== null && e.expiresAt <= at ? "expired" : e.createdAt <= at ? "active" : undefined
