/**
 * Storage port of appointments.
 * The contracts every store keeps (transactions, versions, keyset pages, typed failures) are stated
 * once, in `ports/Transactions.ts`.
 */
import { Context } from "effect"
import { type EntityStore } from "../ports/Transactions"
import { type Appointment, type AppointmentState } from "./Appointment"

/** Filter for {@link AppointmentStore} lists, ordered by time then id. */
export interface AppointmentFilter {
  readonly managerId?: string
  /** Appointments of any of these managers (the scope push-down of appointment reads). */
  readonly managerIds?: ReadonlyArray<string>
  readonly customerId?: string
  readonly states?: ReadonlyArray<AppointmentState>
  /** Only appointments at or before this instant. */
  readonly dueBy?: string
  /** Only appointments at or after this instant (with `dueBy`: a day's or a range's appointments). */
  readonly dueFrom?: string
}

/**
 * Appointments.
 *
 * @example
 * ```ts
 * const due = yield* (yield* AppointmentStore).list({ states: ["booked"], dueBy: now })
 * ```
 */
export class AppointmentStore extends Context.Service<AppointmentStore, EntityStore<Appointment, AppointmentFilter>>()(
  "@winback/core/AppointmentStore"
) {}
