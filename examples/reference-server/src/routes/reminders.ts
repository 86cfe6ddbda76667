/**
 * The agent's appointments and reminders: their appointments with the customer's name, a page at a
 * time (earlier ones still open, today's, upcoming, by state), the team's appointments for a leader
 * (the scope is part of the store's query), rescheduling one, the reminders due now (what the page's
 * banner polls) and acknowledging one so it is shown once. Every call acts as the caller through
 * the packages' scoped services: another agent's appointment is not found, its reminder cannot be
 * acknowledged, and every change is audited.
 */
import { Effect } from "effect"
import { z } from "zod"
import { Appointment, AppointmentService, AppointmentState, type Appointment as AppointmentRecord, Instant, reminderDueAt, ValidationError } from "@winback/core"
import { onClock } from "../dailySchedule"
import type { Principal, Router } from "../http"
import { type ApiContext, actAs, Cursor, IdParams, IdString, Limit, pageOf } from "./support"

const CustomerRef = z.object({ id: z.string(), name: z.string().nullable() })
const ManagerRef = z.object({ id: z.string(), name: z.string() })
const AppointmentRow = z.object({ appointment: Appointment, reminderDueAt: z.string(), customer: CustomerRef, manager: ManagerRef })
/** The rows, and the server's time (the page groups by day against it, not the browser's clock). */
const Rows = z.object({ items: z.array(AppointmentRow), now: z.string() })
/** A page of rows (the envelope of every paged list: `items` + `nextCursor`), and the server's time. */
const PagedRows = Rows.extend({ nextCursor: z.string().nullable() })
const RescheduleBody = z.object({ at: Instant, remindMinutesBefore: z.number().int().min(0).max(1440).optional() }).strict()
/**
 * Which appointments, by time: `from`/`until` bound the appointment's time (both inclusive; the page
 * sends the day's bounds in the browser's time zone for earlier / today / upcoming), `state` defaults
 * to the open ones (booked, reminded).
 */
const AppointmentsQuery = z
  .object({
    from: Instant.optional(),
    until: Instant.optional(),
    state: z.array(AppointmentState).max(4).optional(),
    limit: Limit,
    cursor: Cursor
  })
  .strict()
/** The team's: the same, for one agent of the caller's scope when `agentId` is given. */
const TeamAppointmentsQuery = AppointmentsQuery.extend({ agentId: IdString.optional() }).strict()

/** The customer's name where the caller may read it (null otherwise: the page then shows the id), and the manager's name. */
const withCustomers = async (ctx: ApiContext, principal: Principal, appointments: ReadonlyArray<AppointmentRecord>) => {
  const customerIds = [...new Set(appointments.map((a) => a.customerId))]
  const managerIds = [...new Set(appointments.map((a) => a.managerId))]
  const names = new Map((customerIds.length ? await actAs(ctx, principal).customers.getMany(customerIds) : []).map((c) => [c.id, c.name]))
  const managers = new Map((managerIds.length ? await ctx.winback.directories.staff.getMany(managerIds) : []).map((m) => [m.id, m.name]))
  return appointments.map((a) => ({
    appointment: a,
    reminderDueAt: reminderDueAt(a),
    customer: { id: a.customerId, name: names.get(a.customerId) ?? null },
    manager: { id: a.managerId, name: managers.get(a.managerId) ?? a.managerId }
  }))
}

const nowOf = (ctx: ApiContext) => new Date((ctx.now ?? Date.now)()).toISOString()

/** The scoped filter of a list query: the time range (checked: `from` not after `until`) and the states (default: open). */
const filterOf = (q: z.output<typeof AppointmentsQuery>) => {
  if (q.from !== undefined && q.until !== undefined && q.from > q.until) {
    throw new ValidationError({ subject: "query", issues: [{ path: ["query", "until"], code: "invalid_range", message: "until must not be before from" }] })
  }
  return { states: q.state ?? openStates, ...(q.from ? { dueFrom: q.from } : {}), ...(q.until ? { dueBy: q.until } : {}) }
}
const openStates: Array<AppointmentState> = ["booked", "reminded"]

/** One page of the appointments the caller may read (of `managerId` when given), with names, and the server's time. */
const rowsPage = async (ctx: ApiContext, principal: Principal, query: z.output<typeof AppointmentsQuery>, managerId: string | undefined) => {
  const page = await actAs(ctx, principal).appointments.list({ ...filterOf(query), ...(managerId ? { managerId } : {}) }, pageOf(query))
  return { items: await withCustomers(ctx, principal, page.items), nextCursor: page.nextCursor, now: nowOf(ctx) }
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
  // Both pages read through the caller's scoped appointments (the scope is pushed into the store's
  // query): the agent's own, or every appointment the caller's scope covers (a team leader: the team's).
  r.route({
    method: "GET",
    path: "/api/my-appointments",
    tag: "appointments",
    summary: "The caller's appointments by time (default: the open ones, booked or reminded), a page at a time, with each customer's name",
    query: AppointmentsQuery,
    description: "`from` and `until` bound the appointment's time, both inclusive (earlier: `until` = the day's start − 1 ms; today: the day's bounds; upcoming: `from` = the next day's start).",
    responses: { 200: { description: "A page of appointments with their customers, and the server's time", schema: PagedRows } },
    handler: async ({ principal, query }) => ({ json: await rowsPage(ctx, principal, query, principal.managerId) })
  })
  r.route({
    method: "GET",
    path: "/api/team-appointments",
    tag: "appointments",
    summary: "The appointments of the caller's scope (a team leader: their team's; a director: their subtree's), by time, a page at a time, with customer and agent names; `agentId` narrows to one agent",
    query: TeamAppointmentsQuery,
    description: "An agent outside the caller's scope answers an empty page (the scope is part of the query). Same time bounds and states as /api/my-appointments.",
    responses: { 200: { description: "A page of appointments with their customers and agents, and the server's time", schema: PagedRows } },
    handler: async ({ principal, query }) => ({ json: await rowsPage(ctx, principal, query, query.agentId) })
  })
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
  r.route({
    method: "GET",
    path: "/api/reminders",
    tag: "appointments",
    summary: "The caller's reminders due now and not yet acknowledged (the page polls it)",
    responses: { 200: { description: "Appointments with their customers", schema: Rows } },
    handler: async ({ principal }) => {
      const due = await ctx.winback.runAs(principal.managerId, (actor) => onClock(ctx.now, Effect.flatMap(AppointmentService, (s) => s.dueReminders(actor))))
      return { json: { items: await withCustomers(ctx, principal, due.map((d) => d.appointment)), now: nowOf(ctx) } }
    }
  })
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
