/**
 * Customer managers (agents) and the other staff roles. Staff come from the host CRM through the
 * `StaffDirectory` port; Winback keeps their team membership and work history.
 */
import * as z from "zod"
import { Id, Instant, IsoDate, Version } from "../shared/Primitives"

/**
 * A role of DOMAIN §1. Hosts may map their own roles onto these.
 *
 * @example
 * ```ts
 * Role.parse("team-leader")
 * ```
 */
export const Role = z.enum(["agent", "team-leader", "director", "approver", "admin"])
/** @see {@link Role} */
export type Role = z.infer<typeof Role>

/**
 * A training the manager took.
 *
 * @example
 * ```ts
 * TrainingRecord.parse({ course: "Retention offers 2026", completedOn: "2026-03-01", score: 92 })
 * ```
 */
export const TrainingRecord = z.object({
  course: z.string().min(1).max(200),
  completedOn: IsoDate,
  score: z.number().min(0).max(100).nullable().default(null)
})
/** @see {@link TrainingRecord} */
export type TrainingRecord = z.infer<typeof TrainingRecord>

/**
 * One line of a manager's work history (a team move, a role change, a period of service).
 *
 * @example
 * ```ts
 * WorkHistoryEntry.parse({ at: "2026-01-05T08:00:00.000Z", kind: "team-move", detail: "team-north -> team-south" })
 * ```
 */
export const WorkHistoryEntry = z.object({
  at: Instant,
  kind: z.enum(["joined", "team-move", "role-change", "left", "note"]),
  detail: z.string().max(1000)
})
/** @see {@link WorkHistoryEntry} */
export type WorkHistoryEntry = z.infer<typeof WorkHistoryEntry>

/**
 * A manager's profile: contact data, training records, work history.
 *
 * @example
 * ```ts
 * ManagerProfile.parse({ email: "wang@example.com", phone: "+8613900000001", trainingRecords: [], workHistory: [] })
 * ```
 */
export const ManagerProfile = z.object({
  email: z.email().nullable().default(null),
  phone: z.string().max(32).nullable().default(null),
  trainingRecords: z.array(TrainingRecord).default([]),
  workHistory: z.array(WorkHistoryEntry).default([])
})
/** @see {@link ManagerProfile} */
export type ManagerProfile = z.infer<typeof ManagerProfile>

/**
 * A member of staff: customer manager (agent), team leader, director, approver.
 *
 * @example
 * ```ts
 * Manager.parse({ id: "m-1", name: "Wang Fang", roles: ["agent"], teamId: "t-north", region: "beijing", active: true,
 *   profile: { email: null, phone: null, trainingRecords: [], workHistory: [] }, version: 1 })
 * ```
 */
export const Manager = z.object({
  id: Id,
  name: z.string().min(1).max(200),
  roles: z.array(Role).min(1),
  teamId: Id.nullable(),
  region: z.string().min(1).max(100),
  active: z.boolean(),
  profile: ManagerProfile,
  version: Version
})
/** @see {@link Manager} */
export type Manager = z.infer<typeof Manager>
