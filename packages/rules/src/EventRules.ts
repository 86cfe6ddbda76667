/**
 * Event rules: the same rule language evaluated when a single event arrives (a VIP applies to
 * cancel, a suspension request), without waiting for the daily batch. The event is added to the
 * customer's facts and the rule is evaluated as of the event's (UTC) day.
 */
import { type CompiledRule, type CustomerFacts, indexCustomerFacts } from "./Evaluator"
import type { Explanation } from "./Explanation"
import type { FactCatalog } from "./FactCatalog"
import { defaultFactCatalog } from "./FactCatalog"

/**
 * An incoming customer event.
 *
 * @example
 * ```ts
 * const e: IncomingEvent = { customerId: "42", type: "cancel-requested", at: "2026-11-20T03:00:00Z", data: {} }
 * ```
 */
export interface IncomingEvent {
  readonly customerId: string
  readonly type: string
  readonly at: string
  readonly data?: Readonly<Record<string, unknown>> | undefined
}

/**
 * The outcome of one rule on one event: `fired` with its explanation, or not triggered at all
 * (the rule does not listen to this event type).
 *
 * @example
 * ```ts
 * if (r.fired) console.log(r.explanation.summary)
 * ```
 */
export type EventOutcome =
  | { readonly id: string; readonly triggered: false; readonly fired: false }
  | { readonly id: string; readonly triggered: true; readonly fired: boolean; readonly explanation: Explanation }

/**
 * Evaluates the rules listening to the event's type (`rule.on`) for the event's customer.
 *
 * @example
 * ```ts
 * import { compileRule, onEvent } from "@winback/rules"
 * const outcomes = onEvent([{ id: "vip-cancel", rule: compileRule(vipCancel) }], facts, { customerId: "42", type: "cancel-requested", at: "2026-11-20T03:00:00Z" })
 * ```
 */
export const onEvent = (
  rules: ReadonlyArray<{ readonly id: string; readonly rule: CompiledRule }>,
  facts: CustomerFacts,
  event: IncomingEvent,
  catalog: FactCatalog = defaultFactCatalog
): EventOutcome[] => {
  const known = (facts.events ?? []).some((e) => e.type === event.type && new Date(e.at).getTime() === Date.parse(event.at))
  const withEvent: CustomerFacts = known ? facts : { ...facts, events: [...(facts.events ?? []), { type: event.type, at: event.at }] }
  const asOf = new Date(Date.parse(event.at)).toISOString().slice(0, 10)
  let indexed: ReturnType<typeof indexCustomerFacts> | undefined
  return rules.map(({ id, rule }) => {
    const on = rule.plan.rule.on
    if (!on || !on.includes(event.type)) return { id, triggered: false, fired: false }
    indexed ??= indexCustomerFacts(withEvent, catalog)
    const explanation = rule.explain(indexed, asOf)
    return { id, triggered: true, fired: explanation.matched, explanation }
  })
}
