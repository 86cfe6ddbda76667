/**
 * The agent's appointments and reminders: their open appointments with the customer's name (today,
 * upcoming, and earlier ones still open), rescheduling one, the reminders due now (what the page's
 * banner polls) and acknowledging one so it is shown once. Every call acts as the caller through
 * the packages' scoped services: another agent's appointment is not found, its reminder cannot be
 * acknowledged, and every change is audited.
 */
import { Effect } from "effect"
import { z } from "zod"
import { Appointment, AppointmentService, type Appointment as AppointmentRecord, Instant, NotFound, reminderDueAt } from "@winback/core"
import { onClock } from "../dailySchedule"
import type { Principal, Router } from "../http"
import { type ApiContext, actAs, IdParams } from "./support"

const CustomerRef = z.object({ id: z.string(), name: z.string().nullable() })
const AppointmentRow = z.object({ appointment: Appointment, reminderDueAt: z.string(), customer: CustomerRef })
/** The rows, and the server's time (the page groups by day against it, not the browser's clock). */
const Rows = z.object({ items: z.array(AppointmentRow), now: z.string() })
const RescheduleBody = z.object({ at: Instant, remindMinutesBefore: z.number().int().min(0).max(1440).optional() }).strict()

/** The customer's name where the caller may read it (null otherwise: the page then shows the id). */
const withCustomers = async (ctx: ApiContext, principal: Principal, appointments: ReadonlyArray<AppointmentRecord>) => {
  const session = actAs(ctx, principal)
  const names = new Map<string, string | null>()
  for (const id of new Set(appointments.map((a) => a.customerId))) {
    names.set(
      id,
      await session.customers.get(id).then(
        (c) => c.name,
        (e: unknown) => {
          if (e instanceof NotFound) return null
          throw e
        }
      )
    )
  }
  return appointments.map((a) => ({ appointment: a, reminderDueAt: reminderDueAt(a), customer: { id: a.customerId, name: names.get(a.customerId) ?? null } }))
}

/**
 * Registers the appointment and reminder routes of the agent.
 *
 * @example
 * ```ts
 * reminderRoutes(router, ctx)
 * ```
 */
export const reminderRoutes = (r: Router, ctx: ApiContext): void => {
  // Both lists: appointments of the caller, each with its customer's name and reminder time.
  const listRoute = (path: string, summary: string, load: (principal: Principal) => Promise<ReadonlyArray<AppointmentRecord>>) =>
    r.route({
      method: "GET",
      path,
      tag: "appointments",
      summary,
      responses: { 200: { description: "Appointments with their customers", schema: Rows } },
      handler: async ({ principal }) => ({ json: { items: await withCustomers(ctx, principal, await load(principal)), now: new Date((ctx.now ?? Date.now)()).toISOString() } })
    })
  listRoute("/api/my-appointments", "The caller's open appointments (booked or reminded), by time, with each customer's name", async (principal) =>
    (await actAs(ctx, principal).appointments.list({ managerId: principal.managerId, states: ["booked", "reminded"] }, { limit: 200, cursor: null })).items
  )
  r.route({
    method: "POST",
    path: "/api/appointments/:id/reschedule",
    tag: "appointments",
    summary: "Move an open appointment to a new time (its reminder is shown anew); warns like booking",
    params: IdParams,
    body: RescheduleBody,
    responses: { 200: { description: "The booking at its new time", schema: z.object({ appointment: Appointment }).loose() } },
    handler: async ({ principal, params, body }) => ({ json: await actAs(ctx, principal).appointments.reschedule(params.id, body) })
  })
  listRoute("/api/reminders", "The caller's reminders due now and not yet acknowledged (the page polls it)", async (principal) =>
    (await ctx.winback.runAs(principal.managerId, (actor) => onClock(ctx.now, Effect.flatMap(AppointmentService, (s) => s.dueReminders(actor))))).map((d) => d.appointment)
  )
  r.route({
    method: "POST",
    path: "/api/reminders/:id/acknowledge",
    tag: "appointments",
    summary: "Acknowledge the reminder of one's own appointment: it is not shown again",
    params: IdParams,
    responses: { 200: { description: "The appointment", schema: Appointment } },
    handler: async ({ principal, params }) => ({
      json: await ctx.winback.runAs(principal.managerId, (actor) => onClock(ctx.now, Effect.flatMap(AppointmentService, (s) => s.acknowledgeReminder(actor, params.id))))
    })
  })
}
