/**
 * Storage port of rule instances (a template with its parameters, and its approval state).
 * The contracts every store keeps (transactions, versions, keyset pages, typed failures) are stated
 * once, in `ports/Transactions.ts`.
 */
import { Context } from "effect"
import { type EntityStore } from "../ports/Transactions"
import { type RuleInstanceRecord } from "./RuleInstanceRecord"

/** Filter for {@link RuleInstanceStore} lists, ordered by id. */
export interface RuleInstanceFilter {
  readonly statuses?: ReadonlyArray<string>
  readonly templateIds?: ReadonlyArray<string>
}

/**
 * Rule instances (versioned, each version its own record `id` = `<ruleId>@<n>`).
 *
 * @example
 * ```ts
 * const active = yield* (yield* RuleInstanceStore).list({ statuses: ["active"] })
 * ```
 */
export class RuleInstanceStore extends Context.Service<RuleInstanceStore, EntityStore<RuleInstanceRecord, RuleInstanceFilter>>()(
  "@winback/core/RuleInstanceStore"
) {}
