/**
 * "May we contact this customer on this channel now?" (DOMAIN §6, ANCHORS "Compliance facts").
 * A decision, not an error: `{ allowed, reasons }` with EVERY reason that blocks — DND on the
 * channel, outside calling hours in the customer's own time zone, a public holiday, a per-channel
 * frequency cap. The checks are pure (`evaluateContact`); the service gathers the facts.
 */
import { Context, Effect, Layer } from "effect"
import * as z from "zod"
import { type BusinessCalendar, isCalendarDataMissing } from "@winback/rules"
import type { Actor } from "../org/Actor"
import { nowIso } from "../audit/AuditTrail"
import { Channel } from "../shared/Channel"
import type { Customer } from "../customer/Customer"
import { type DndEntry, isDndActive } from "./DndEntry"
import { NotFound, type StorageError, type ValidationError } from "../shared/Errors"
import type { Page } from "../shared/Page"
import { Actions, Permissions } from "../org/Permissions"
import { withOpenWork } from "./OpenWork"
import { Id, Instant } from "../shared/Primitives"
import { CustomerStore } from "../customer/CustomerStore"
import { DndStore } from "./DndStore"
import { WorkItemStore } from "./WorkItemStore"
import { decode } from "../shared/Validation"
import type { WorkItem } from "./WorkItem"
import { WorkConfig } from "./WorkConfig"
import { ContactPolicy, defaultContactPolicy } from "./ContactPolicy"
import { serviceLayer } from "../shared/ServiceLayer"

/**
 * One reason a contact is not allowed.
 *
 * @example
 * ```ts
 * const r: ContactReason = { code: "outside-hours", message: "22:15 in Asia/Shanghai is outside 08:00–21:00" }
 * ```
 */
export interface ContactReason {
  /** `calendar-data-missing`: the business calendar has no holiday data for the day's year, so a holiday channel is refused rather than risk a call on a public holiday. */
  readonly code: "dnd" | "outside-hours" | "holiday" | "calendar-data-missing" | "frequency-cap"
  readonly message: string
}

/**
 * A contactability decision.
 *
 * @example
 * ```ts
 * const d = await winback.run(contactability.canContact(actor, { customerId: "c-1", channel: "phone" }))
 * if (!d.allowed) console.log(d.reasons.map((r) => r.message))
 * ```
 */
export interface ContactDecision {
  readonly allowed: boolean
  readonly reasons: ReadonlyArray<ContactReason>
  /** The customer's local date and time the decision was made for. */
  readonly local: { readonly day: string; readonly time: string; readonly timeZone: string }
}

/**
 * The local date (`YYYY-MM-DD`) and time (`HH:MM`) of an instant in a time zone.
 *
 * @example
 * ```ts
 * localDateTime("2026-11-22T14:30:00.000Z", "Asia/Shanghai") // { day: "2026-11-22", time: "22:30" }
 * ```
 */
export const localDateTime = (at: string, timeZone: string): { readonly day: string; readonly time: string } => {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" }).formatToParts(new Date(at))
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "00"
  return { day: `${get("year")}-${get("month")}-${get("day")}`, time: `${get("hour")}:${get("minute")}` }
}

/**
 * The pure contactability check over gathered facts: every blocking reason, in a fixed order.
 *
 * @example
 * ```ts
 * evaluateContact({ policy: defaultContactPolicy, channel: "phone", at, timeZone: "Asia/Shanghai", dnd: [], contactTimes: [] })
 * ```
 */
export const evaluateContact = (input: {
  readonly policy: ContactPolicy
  readonly channel: Channel
  readonly at: string
  readonly timeZone: string
  readonly dnd: ReadonlyArray<DndEntry>
  /** Instants of earlier contacts of the customer on this channel. */
  readonly contactTimes: ReadonlyArray<string>
  readonly calendar?: BusinessCalendar | undefined
}): ContactDecision => {
  const reasons: Array<ContactReason> = []
  const local = localDateTime(input.at, input.timeZone)
  for (const e of input.dnd) {
    if (e.channel === input.channel && isDndActive(e, input.at)) {
      reasons.push({
        code: "dnd",
        message: `do-not-disturb on ${e.channel} since ${e.createdAt}${e.expiresAt ? ` until ${e.expiresAt}` : ""} (${e.source}: ${e.reason})`
      })
    }
  }
  const hours = input.policy.hours[input.channel]
  if (hours && !(hours.from <= local.time && local.time < hours.to)) {
    reasons.push({ code: "outside-hours", message: `${local.time} in ${input.timeZone} is outside the ${input.channel} hours ${hours.from}–${hours.to}` })
  }
  if (input.calendar && input.policy.holidayChannels.includes(input.channel)) {
    try {
      if (input.calendar.isHoliday(local.day)) reasons.push({ code: "holiday", message: `${local.day} is a public holiday (${input.calendar.name}) in the customer's time zone` })
    } catch (e) {
      if (!isCalendarDataMissing(e)) throw e
      reasons.push({ code: "calendar-data-missing", message: `cannot tell whether ${local.day} is a public holiday: ${e.message}` })
    }
  }
  const cap = input.policy.frequency[input.channel]
  if (cap) {
    const t = Date.parse(input.at)
    const inLast = (ms: number) => input.contactTimes.filter((c) => Date.parse(c) <= t && t - Date.parse(c) < ms).length
    const day = inLast(86_400_000)
    const week = inLast(7 * 86_400_000)
    if (cap.perDay !== null && day >= cap.perDay) reasons.push({ code: "frequency-cap", message: `${day} ${input.channel} contact(s) in the last 24 hours, cap ${cap.perDay}` })
    if (cap.perWeek !== null && week >= cap.perWeek) reasons.push({ code: "frequency-cap", message: `${week} ${input.channel} contact(s) in the last 7 days, cap ${cap.perWeek}` })
  }
  return { allowed: reasons.length === 0, reasons, local: { ...local, timeZone: input.timeZone } }
}

/**
 * The input of `Contactability.canContact` ({@link Contactability}); `at` defaults to now (Effect `Clock`).
 *
 * @example
 * ```ts
 * ContactQuery.parse({ customerId: "c-1", channel: "sms", at: "2026-11-22T02:00:00Z" })
 * ```
 */
export const ContactQuery = z.object({ customerId: Id, channel: Channel, at: Instant.optional() }).strict()
/** @see {@link ContactQuery} */
export type ContactQuery = z.input<typeof ContactQuery>

/**
 * Every contact attempt on `channel` of the customer's items (all states).
 *
 * @example
 * ```ts
 * const times = yield* contactTimesOf(workItems, "c-42", "phone")
 * ```
 */
export const contactTimesOf = (workItems: WorkItemStore["Service"], customerId: string, channel: Channel): Effect.Effect<ReadonlyArray<string>, StorageError> =>
  Effect.gen(function* () {
    const out: Array<string> = []
    let cursor: string | null = null
    do {
      const page: Page<WorkItem> = yield* workItems.list({ customerId }, { limit: 500, cursor })
      for (const w of page.items) if (w.channel === channel) for (const a of w.attempts) out.push(a.at)
      cursor = page.nextCursor
    } while (cursor)
    return out
  })

/**
 * The contactability service.
 *
 * @example
 * ```ts
 * const d = yield* (yield* Contactability).canContact(actor, { customerId: "c-1", channel: "phone" })
 * ```
 */
export class Contactability extends Context.Service<
  Contactability,
  {
    /** The decision for a customer in the actor's read scope (`NotFound` otherwise). */
    readonly canContact: (actor: Actor, query: ContactQuery) => Effect.Effect<ContactDecision, ValidationError | NotFound | StorageError>
    /** The same for a customer already loaded, without a scope check (system jobs). */
    readonly decide: (customer: Customer, channel: Channel, at: string) => Effect.Effect<ContactDecision, StorageError>
  }
>()("@winback/core/Contactability") {
  /**
   * The live implementation over the customer, DND and work-item stores.
   *
   * @example
   * ```ts
   * Contactability.layer.pipe(Layer.provide(Permissions.layer(defaultPolicy)), Layer.provide(storesLayer(stores)))
   * ```
   */
  static readonly layer: Layer.Layer<Contactability, never, CustomerStore | DndStore | WorkItemStore | Permissions> = serviceLayer(
    Contactability,
    { customers: CustomerStore, dnd: DndStore, workItems: WorkItemStore, perms: Permissions },
    ({ customers, dnd, workItems, perms }) => Effect.gen(function* () {
      const decideFor = Effect.fn("Contactability.decide")(function* (customer: Customer, channel: Channel, at: string) {
        const config = yield* WorkConfig
        const entries = yield* dnd.listByCustomer(customer.id)
        const times = yield* contactTimesOf(workItems, customer.id, channel)
        return evaluateContact({ policy: config.contact, channel, at, timeZone: customer.timeZone, dnd: entries, contactTimes: times, calendar: config.calendar })
      })
      const canContact = Effect.fn("Contactability.canContact")(function* (actor: Actor, input: ContactQuery) {
        const q = yield* decode(ContactQuery, input, "contact query")
        const customer = yield* customers.get(q.customerId)
        const d = yield* perms.check(actor, Actions.customerRead, { type: "customer", customer: yield* withOpenWork(workItems, customer) })
        if (!d.allowed) return yield* new NotFound({ entity: "Customer", id: q.customerId })
        return yield* decideFor(customer, q.channel, q.at ?? (yield* nowIso))
      })
      return Contactability.of({ canContact, decide: decideFor })
    })
  )
}
