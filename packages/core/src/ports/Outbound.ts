/**
 * Outbound ports: the SMS gateway, the dialer (call center) and the notifier for reminders.
 * `@winback/adapters` ships HTTP implementations; tests use in-memory recorders.
 */
import { Context, Data, type Effect } from "effect"

/**
 * A failure of an outbound integration. `retryable` tells whether trying again may help.
 *
 * @example
 * ```ts
 * yield* new IntegrationError({ integration: "sms", retryable: true, detail: "gateway answered 503" })
 * ```
 */
export class IntegrationError extends Data.TaggedError("IntegrationError")<{
  readonly integration: "sms" | "dialer" | "notifier" | "webhook"
  readonly retryable: boolean
  readonly detail: string
}> {
  override get message(): string {
    return `${this.integration} failed: ${this.detail}`
  }
}

/** SMS delivery status as gateways report it. */
export type SmsStatus = "accepted" | "delivered" | "failed" | "unknown"

/**
 * Sends SMS.
 *
 * Contract: sending twice with the same `idempotencyKey` sends one message and answers the same
 * `messageId`.
 *
 * @example
 * ```ts
 * const r = yield* (yield* SmsGateway).send({ to: "+8613800000042", text: "Your bill of 95.00 is due", idempotencyKey: "wi-1:sms" })
 * ```
 */
export class SmsGateway extends Context.Service<
  SmsGateway,
  {
    readonly send: (message: {
      readonly to: string
      readonly text: string
      readonly idempotencyKey: string
    }) => Effect.Effect<{ readonly messageId: string; readonly status: SmsStatus }, IntegrationError>
  }
>()("@winback/core/SmsGateway") {}

/**
 * Places calls through the call center: the agent dials from the customer id, never a typed number.
 *
 * @example
 * ```ts
 * const { callId } = yield* (yield* Dialer).call({ customerId: "cust-42", managerId: "m-1", phone: "+8613800000042" })
 * ```
 */
export class Dialer extends Context.Service<
  Dialer,
  {
    readonly call: (request: {
      readonly customerId: string
      readonly managerId: string
      readonly phone: string
      /** The open items the agent chose for this call (a call-center adapter hands them back with the call's events). */
      readonly itemIds?: ReadonlyArray<string>
    }) => Effect.Effect<{ readonly callId: string }, IntegrationError>
  }
>()("@winback/core/Dialer") {}

/**
 * Notifies staff (in-app notice, or SMS where configured): appointment reminders and the like.
 *
 * @example
 * ```ts
 * yield* (yield* Notifier).notify({ recipientId: "m-1", kind: "appointment-due", text: "Call Li Wei at 10:00", at: now })
 * ```
 */
export class Notifier extends Context.Service<
  Notifier,
  {
    readonly notify: (notice: {
      readonly recipientId: string
      readonly kind: string
      readonly text: string
      readonly at: string
      readonly data?: Readonly<Record<string, unknown>>
    }) => Effect.Effect<void, IntegrationError>
  }
>()("@winback/core/Notifier") {}
