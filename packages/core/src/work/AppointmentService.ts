/**
 * Appointments (DOMAIN §7): during work an agent books a callback time; booking warns when the
 * time falls in the customer's DND, outside calling hours in their time zone or on a public
 * holiday (a warning, not a refusal: the customer may have asked for exactly that time). A
 * reminder job notifies the agent through the `Notifier` port when an appointment is due (and
 * sends an SMS to the agent's phone when configured and an `SmsGateway` is provided).
 */
import { Clock, Context, Effect, Layer, Option } from "effect"
import * as z from "zod"
import type { Actor } from "../org/Actor"
import { type Appointment, MAX_REMIND_MINUTES, reminderDueAt } from "./Appointment"
import { AuditTrail, nowIso } from "../audit/AuditTrail"
import { Contactability, type ContactReason } from "./Contactability"
import { Conflict, Forbidden, NotFound, type StorageError, type ValidationError } from "../shared/Errors"
import type { Page } from "../shared/Page"
import { type IntegrationError, Notifier, SmsGateway } from "../ports/Outbound"
import { AppointmentStore } from "./AppointmentStore"
import { ManagerStore } from "../org/ManagerStore"
import { Transactions } from "../ports/Transactions"
import { NewAppointment, ScopedStores } from "../facade/ScopedStores"
import { decode } from "../shared/Validation"
import { Instant } from "../shared/Primitives"
import { openWorkItemStates } from "./WorkItem"
import { serviceLayer } from "../shared/ServiceLayer"

/**
 * A booked appointment and the warnings about its time.
 *
 * @example
 * ```ts
 * const { appointment, warnings } = yield* appointments.book(agent, input)
 * if (warnings.length) console.log(warnings.map((w) => w.message))
 * ```
 */
export interface Booking {
  readonly appointment: Appointment
  readonly warnings: ReadonlyArray<ContactReason>
}

/**
 * A new time for a booked appointment (and optionally a new reminder lead).
 *
 * @example
 * ```ts
 * Reschedule.parse({ at: "2026-11-24T02:00:00Z", remindMinutesBefore: 30 })
 * ```
 */
export const Reschedule = z.object({ at: Instant, remindMinutesBefore: z.number().int().min(0).max(MAX_REMIND_MINUTES).optional() }).strict()
/** @see {@link Reschedule} */
export type Reschedule = z.input<typeof Reschedule>

/**
 * A reminder due for the acting agent: the appointment and when its reminder fell due.
 *
 * @example
 * ```ts
 * const due: ReadonlyArray<DueReminder> = yield* appointments.dueReminders(agent)
 * due.map((r) => `${r.appointment.customerId} at ${r.appointment.at}`)
 * ```
 */
export interface DueReminder {
  readonly appointment: Appointment
  readonly dueAt: string
}

/**
 * Options of the reminder job.
 *
 * @example
 * ```ts
 * const options: ReminderOptions = { leadMinutes: 10, smsToAgent: true }
 * ```
 */
export interface ReminderOptions {
  /** Remind this many minutes before the time, for appointments without a setting of their own (default 15). */
  readonly leadMinutes?: number
  /** Also text the agent's phone (needs an `SmsGateway` and a phone in the agent's profile). */
  readonly smsToAgent?: boolean
}

type Errors = ValidationError | NotFound | Conflict | Forbidden | StorageError

/**
 * The appointment service.
 *
 * @example
 * ```ts
 * const appointments = yield* AppointmentService
 * yield* appointments.book(agent, { customerId: "c-42", at: "2026-11-23T02:00:00Z" })
 * const sent = yield* appointments.sendDueReminders(system)   // run it every minute
 * ```
 */
export class AppointmentService extends Context.Service<
  AppointmentService,
  {
    readonly book: (actor: Actor, input: NewAppointment) => Effect.Effect<Booking, Errors>
    readonly cancel: (actor: Actor, id: string) => Effect.Effect<Appointment, Errors>
    readonly markDone: (actor: Actor, id: string) => Effect.Effect<Appointment, Errors>
    /** Moves a booked (or reminded) appointment to a new time: booked again, its reminder shown anew; warns like booking. */
    readonly reschedule: (actor: Actor, id: string, input: Reschedule) => Effect.Effect<Booking, Errors>
    /** The acting agent's own appointments whose reminder is due and not yet acknowledged, by time. */
    readonly dueReminders: (actor: Actor) => Effect.Effect<ReadonlyArray<DueReminder>, StorageError | ValidationError>
    /** Acknowledges the reminder of one's own appointment: it is not shown again (idempotent). */
    readonly acknowledgeReminder: (actor: Actor, id: string) => Effect.Effect<Appointment, Errors>
    /** Notifies the agents of every booked appointment due within the lead time; marks them reminded. */
    readonly sendDueReminders: (
      actor: Actor,
      options?: ReminderOptions
    ) => Effect.Effect<{ readonly reminded: ReadonlyArray<string>; readonly failed: ReadonlyArray<{ readonly id: string; readonly error: IntegrationError }> }, StorageError | NotFound | Conflict>
  }
>()("@winback/core/AppointmentService") {
  /**
   * The live implementation.
   *
   * @example
   * ```ts
   * AppointmentService.layer.pipe(Layer.provide(Contactability.layer), Layer.provide(notifierLayer), Layer.provide(scopeLayer(defaultPolicy)))
   * ```
   */
  static readonly layer: Layer.Layer<AppointmentService, never, Transactions | AppointmentStore | ManagerStore | ScopedStores | Contactability | Notifier | AuditTrail> = serviceLayer(
    AppointmentService,
    { tx: Transactions, store: AppointmentStore, managers: ManagerStore, scoped: ScopedStores, contact: Contactability, notifier: Notifier, trail: AuditTrail },
    ({ tx, store, managers, scoped, contact, notifier, trail }) => Effect.gen(function* () {
      // The gateway is optional: found where the layer is built (createWinback's integrations), or where the job runs.
      const smsAtBuild = yield* Effect.serviceOption(SmsGateway)

      const audit = (actor: Actor, action: string, before: Appointment | null, after: Appointment) =>
        trail.record(actor, { action, category: "appointment", recordType: "Appointment", recordId: after.id, customerId: after.customerId, before, after })

      const book = Effect.fn("AppointmentService.book")(function* (actor: Actor, input: NewAppointment) {
        const n = yield* decode(NewAppointment, input, "appointment")
        const view = scoped.forActor(actor)
        const customer = yield* view.customers.get(n.customerId)
        const decision = yield* contact.decide(customer, n.channel, n.at)
        const warnings = decision.reasons.filter((r) => r.code !== "frequency-cap")
        return yield* tx.transaction(
          Effect.gen(function* () {
            if (n.workItemId !== null) {
              const w = yield* view.workItems.get(n.workItemId)
              if (w.customerId !== n.customerId) return yield* new Conflict({ kind: "mismatch", entity: "WorkItem", id: w.id, reason: `belongs to customer ${w.customerId}` })
              if (!openWorkItemStates.includes(w.state)) return yield* new Conflict({ kind: "wrong-state", entity: "WorkItem", id: w.id, reason: `is ${w.state}` })
              yield* view.workItems.update({ ...w, nextAttemptAt: n.at }, w.version)
            }
            // The scoped stores check the booking (scope, permission) and audit it in this transaction.
            const appointment = yield* view.appointments.book(n)
            return { appointment, warnings } satisfies Booking
          })
        )
      })

      const finish = (actor: Actor, id: string, state: "cancelled" | "done") =>
        tx.transaction(
          Effect.gen(function* () {
            const view = scoped.forActor(actor)
            const before = yield* view.appointments.get(id)
            if (before.state === "done" || before.state === "cancelled") return yield* new Conflict({ kind: "wrong-state", entity: "Appointment", id, reason: `is already ${before.state}` })
            return yield* view.appointments.update({ ...before, state }, before.version)
          })
        )

      const openStates: ReadonlyArray<Appointment["state"]> = ["booked", "reminded"]

      const reschedule = Effect.fn("AppointmentService.reschedule")(function* (actor: Actor, id: string, input: Reschedule) {
        const r = yield* decode(Reschedule, input, "reschedule")
        const view = scoped.forActor(actor)
        const before = yield* view.appointments.get(id)
        if (!openStates.includes(before.state)) return yield* new Conflict({ kind: "wrong-state", entity: "Appointment", id, reason: `is ${before.state}` })
        const customer = yield* view.customers.get(before.customerId)
        const decision = yield* contact.decide(customer, before.channel, r.at)
        const warnings = decision.reasons.filter((x) => x.code !== "frequency-cap")
        return yield* tx.transaction(
          Effect.gen(function* () {
            const current = yield* view.appointments.get(id)
            if (current.workItemId !== null) {
              const w = yield* view.workItems.get(current.workItemId)
              if (openWorkItemStates.includes(w.state)) yield* view.workItems.update({ ...w, nextAttemptAt: r.at }, w.version)
            }
            const appointment = yield* view.appointments.update(
              { ...current, at: r.at, state: "booked", reminderAcknowledgedAt: null, ...(r.remindMinutesBefore === undefined ? {} : { remindMinutesBefore: r.remindMinutesBefore }) },
              current.version
            )
            return { appointment, warnings } satisfies Booking
          })
        )
      })

      const dueReminders = Effect.fn("AppointmentService.dueReminders")(function* (actor: Actor) {
        const nowMs = yield* Clock.currentTimeMillis
        const now = new Date(nowMs).toISOString()
        const horizon = new Date(nowMs + MAX_REMIND_MINUTES * 60_000).toISOString()
        const view = scoped.forActor(actor)
        const out: Array<DueReminder> = []
        let cursor: string | null = null
        do {
          const page: Page<Appointment> = yield* view.appointments.list({ managerId: actor.id, states: [...openStates], dueBy: horizon }, { limit: 200, cursor })
          for (const a of page.items) {
            const dueAt = reminderDueAt(a)
            if (dueAt <= now && !a.reminderAcknowledgedAt) out.push({ appointment: a, dueAt })
          }
          cursor = page.nextCursor
        } while (cursor)
        return out
      })

      const acknowledgeReminder = Effect.fn("AppointmentService.acknowledgeReminder")(function* (actor: Actor, id: string) {
        const now = yield* nowIso
        return yield* tx.transaction(
          Effect.gen(function* () {
            const view = scoped.forActor(actor)
            const before = yield* view.appointments.get(id)
            if (before.managerId !== actor.id) {
              return yield* new Forbidden({ actorId: actor.id, action: "appointment.acknowledge", resource: `Appointment ${id}`, reason: "only the agent of the appointment acknowledges its reminder" })
            }
            if (before.reminderAcknowledgedAt) return before
            return yield* view.appointments.update({ ...before, reminderAcknowledgedAt: now }, before.version)
          })
        )
      })

      const sendDueReminders = Effect.fn("AppointmentService.sendDueReminders")(function* (actor: Actor, options?: ReminderOptions) {
        const nowMs = yield* Clock.currentTimeMillis
        const now = new Date(nowMs).toISOString()
        // Each appointment carries its own lead (up to a day): look a day ahead, then keep those due now.
        const dueBy = new Date(nowMs + MAX_REMIND_MINUTES * 60_000).toISOString()
        const sms = Option.orElse(yield* Effect.serviceOption(SmsGateway), () => smsAtBuild)
        const reminded: Array<string> = []
        const failed: Array<{ id: string; error: IntegrationError }> = []
        let cursor: string | null = null
        const due: Array<Appointment> = []
        do {
          const page: Page<Appointment> = yield* store.list({ states: ["booked"], dueBy }, { limit: 500, cursor })
          due.push(...page.items.filter((a) => reminderDueAt(a, options?.leadMinutes) <= now))
          cursor = page.nextCursor
        } while (cursor)
        // Mark first, then notify: of several senders (two server processes, the minute sweep and
        // the daily job) exactly one wins each appointment's version; the others skip it.
        const mark = (before: Appointment, state: "reminded" | "booked", action: string) =>
          tx.transaction(Effect.flatMap(store.update({ ...before, state }, before.version), (after) => Effect.as(audit(actor, action, before, after), after)))
        for (const a of due) {
          const claimed = yield* mark(a, "reminded", "appointment.remind").pipe(Effect.catchTag("Conflict", () => Effect.succeed(null)))
          if (claimed === null) continue
          const text = `Callback due at ${a.at} with customer ${a.customerId}${a.note ? `: ${a.note}` : ""}`
          const sent = yield* Effect.result(
            Effect.gen(function* () {
              yield* notifier.notify({ recipientId: a.managerId, kind: "appointment-due", text, at: now, data: { appointmentId: a.id, customerId: a.customerId, workItemId: a.workItemId } })
              if (options?.smsToAgent && Option.isSome(sms)) {
                const m = yield* managers.get(a.managerId).pipe(Effect.option)
                const phone = Option.isSome(m) ? m.value.profile.phone : null
                if (phone) yield* sms.value.send({ to: phone, text, idempotencyKey: `${a.id}:reminder` })
              }
            })
          )
          if (sent._tag === "Failure") {
            // Booked again, so the next run tries once more (unless the agent changed it meanwhile).
            yield* mark(claimed, "booked", "appointment.remind-failed").pipe(Effect.catchTag("Conflict", () => Effect.void))
            failed.push({ id: a.id, error: sent.failure })
            continue
          }
          reminded.push(a.id)
        }
        return { reminded, failed }
      })

      return AppointmentService.of({
        book,
        cancel: Effect.fn("AppointmentService.cancel")(function* (actor: Actor, id: string) {
          return yield* finish(actor, id, "cancelled")
        }),
        markDone: Effect.fn("AppointmentService.markDone")(function* (actor: Actor, id: string) {
          return yield* finish(actor, id, "done")
        }),
        reschedule,
        dueReminders,
        acknowledgeReminder,
        sendDueReminders
      })
    })
  )
}
