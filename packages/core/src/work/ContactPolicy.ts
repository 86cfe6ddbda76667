/**
 * The contact policy: per channel, the hours a customer may be contacted, the channels closed on
 * public holidays, and how often a customer may be contacted a day and a week. Read by
 * `Contactability` and set in `WorkConfig`.
 */
import * as z from "zod"
import { Channel } from "../shared/Channel"

const Hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "expected HH:MM")

/**
 * Contact rules per channel. Defaults: phone, SMS and visits only 08:00–21:00 local time (the US
 * telemarketing hours, a sane default anywhere); no calls or visits on public holidays; at most 3
 * calls a day and 10 a week, 2 SMS a day and 5 a week.
 *
 * @example
 * ```ts
 * ContactPolicy.parse({ hours: { phone: { from: "09:00", to: "20:00" } }, frequency: { phone: { perDay: 2, perWeek: 6 } } })
 * ```
 */
export const ContactPolicy = z
  .object({
    hours: z
      .partialRecord(Channel, z.object({ from: Hhmm, to: Hhmm }).nullable())
      .default({ phone: { from: "08:00", to: "21:00" }, sms: { from: "08:00", to: "21:00" }, visit: { from: "08:00", to: "21:00" } }),
    holidayChannels: z.array(Channel).default(["phone", "visit"]),
    frequency: z
      .partialRecord(Channel, z.object({ perDay: z.number().int().min(0).nullable().default(null), perWeek: z.number().int().min(0).nullable().default(null) }))
      .default({ phone: { perDay: 3, perWeek: 10 }, sms: { perDay: 2, perWeek: 5 } })
  })
  .strict()
/** @see {@link ContactPolicy} */
export type ContactPolicy = z.output<typeof ContactPolicy>

/**
 * The default contact policy.
 *
 * @example
 * ```ts
 * evaluateContact({ policy: defaultContactPolicy, ... })
 * ```
 */
export const defaultContactPolicy: ContactPolicy = ContactPolicy.parse({})
