/**
 * Appointments (DOMAIN §7): during work an agent books a callback time; booking warns when the
 * time falls in the customer's DND, outside calling hours in their time zone or on a public
 * holiday (a warning, not a refusal: the customer may have asked for exactly that time). A
 * reminder job notifies the agent through the `Notifier` port when an appointment is due (and
 * sends an SMS to the agent's phone when configured and an `SmsGateway` is provided).
 */
import { Clock, Context, Effect, Layer, Option } from "effect"
import type { Actor } from "../org/Actor"
import type { Appointment } from "./Appointment"
import { AuditTrail, nowIso } from "../audit/AuditTrail"
import { Contactability, type ContactReason } from "./Contactability"
import { Conflict, type Forbidden, NotFound, type StorageError, type ValidationError } from "../shared/Errors"
import type { Page } from "../shared/Page"
import { type IntegrationError, Notifier, SmsGateway } from "../ports/Outbound"
import { AppointmentStore } from "./AppointmentStore"
import { ManagerStore } from "../org/ManagerStore"
import { Transactions } from "../ports/Transactions"
import { NewAppointment, ScopedStores } from "../facade/ScopedStores"
import { decode } from "../shared/Validation"
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
 * Options of the reminder job.
 *
 * @example
 * ```ts
 * const options: ReminderOptions = { leadMinutes: 10, smsToAgent: true }
 * ```
 */
export interface ReminderOptions {
  /** Remind this many minutes before the time (default 15). */
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

      const sendDueReminders = Effect.fn("AppointmentService.sendDueReminders")(function* (actor: Actor, options?: ReminderOptions) {
        const nowMs = yield* Clock.currentTimeMillis
        const now = new Date(nowMs).toISOString()
        const dueBy = new Date(nowMs + (options?.leadMinutes ?? 15) * 60_000).toISOString()
        const sms = yield* Effect.serviceOption(SmsGateway)
        const reminded: Array<string> = []
        const failed: Array<{ id: string; error: IntegrationError }> = []
        let cursor: string | null = null
        const due: Array<Appointment> = []
        do {
          const page: Page<Appointment> = yield* store.list({ states: ["booked"], dueBy }, { limit: 500, cursor })
          due.push(...page.items)
          cursor = page.nextCursor
        } while (cursor)
        for (const a of due) {
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
            failed.push({ id: a.id, error: sent.failure })
            continue
          }
          yield* tx.transaction(
            Effect.gen(function* () {
              const after = yield* store.update({ ...a, state: "reminded" }, a.version)
              yield* audit(actor, "appointment.remind", a, after)
            })
          )
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
        sendDueReminders
      })
    })
  )
}
