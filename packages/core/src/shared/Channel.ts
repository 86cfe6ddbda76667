/**
 * The ways a customer can be contacted. Do-not-disturb, tasks and contactability are per channel:
 * a customer on call-DND can still get an SMS or a visit.
 */
import * as z from "zod"

/**
 * A contact channel: outbound phone call, SMS, on-site visit, letter or email.
 *
 * @example
 * ```ts
 * Channel.parse("sms")
 * ```
 */
export const Channel = z.enum(["phone", "sms", "visit", "letter", "email"])
/** @see {@link Channel} */
export type Channel = z.infer<typeof Channel>

/**
 * Every channel, in a stable order.
 *
 * @example
 * ```ts
 * for (const c of channels) console.log(c) // phone, sms, visit, letter, email
 * ```
 */
export const channels: ReadonlyArray<Channel> = Channel.options
