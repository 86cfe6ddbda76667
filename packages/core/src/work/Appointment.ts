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
  createdAt: Instant,
  version: Version
})
/** @see {@link Appointment} */
export type Appointment = z.infer<typeof Appointment>
