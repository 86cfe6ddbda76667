/**
 * Appointments: a callback time booked during work; a reminder fires when it is due.
 */
import * as z from "zod"
import { Channel } from "../shared/Channel"
import { Id, Instant, Version } from "../shared/Primitives"

/**
 * Appointment state.
 *
 * @example
 * ```ts
 * AppointmentState.parse("booked")
 * ```
 */
export const AppointmentState = z.enum(["booked", "reminded", "done", "cancelled"])
/** @see {@link AppointmentState} */
export type AppointmentState = z.infer<typeof AppointmentState>

/**
 * A booked callback.
 *
 * @example
 * ```ts
 * Appointment.parse({ id: "ap-1", customerId: "cust-42", managerId: "m-1", workItemId: "wi-1", at: "2026-11-23T02:00:00.000Z",
 *   channel: "phone", note: "after work", state: "booked", createdAt: "2026-11-22T10:00:00.000Z", version: 1 })
 * ```
 */
export const Appointment = z.object({
  id: Id,
  customerId: Id,
  managerId: Id,
  workItemId: Id.nullable(),
  at: Instant,
  channel: Channel,
  note: z.string().max(2000),
  state: AppointmentState,
  /** Remind the agent this many minutes before `at` (absent on appointments booked before the setting existed: {@link DEFAULT_REMIND_MINUTES}). */
  remindMinutesBefore: z.number().int().min(0).max(1440).optional(),
  /** When the agent acknowledged the reminder (it is shown once: until then, and never after). */
  reminderAcknowledgedAt: Instant.nullable().optional(),
  createdAt: Instant,
  version: Version
})
/** @see {@link Appointment} */
export type Appointment = z.infer<typeof Appointment>

/**
 * Minutes before the appointment its reminder is due when the booking names none.
 *
 * @example
 * ```ts
 * book({ customerId, at, channel: "phone", remindMinutesBefore: DEFAULT_REMIND_MINUTES })
 * ```
 */
export const DEFAULT_REMIND_MINUTES = 15

/**
 * The longest reminder lead a booking may ask for (a day): the reminder job looks this far ahead.
 *
 * @example
 * ```ts
 * const horizon = new Date(nowMs + MAX_REMIND_MINUTES * 60_000).toISOString()
 * ```
 */
export const MAX_REMIND_MINUTES = 1440

/**
 * The instant an appointment's reminder is due: `at` minus its lead (`fallbackMinutes` when the
 * appointment has no setting of its own).
 *
 * @example
 * ```ts
 * reminderDueAt({ at: "2026-11-23T02:00:00.000Z", remindMinutesBefore: 10 }) // "2026-11-23T01:50:00.000Z"
 * ```
 */
export const reminderDueAt = (a: Pick<Appointment, "at" | "remindMinutesBefore">, fallbackMinutes: number = DEFAULT_REMIND_MINUTES): string =>
  new Date(Date.parse(a.at) - (a.remindMinutesBefore ?? fallbackMinutes) * 60_000).toISOString()
