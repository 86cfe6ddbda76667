/**
 * Storage port of retention-effect observations.
 * The contracts every store keeps (transactions, versions, keyset pages, typed failures) are stated
 * once, in `ports/Transactions.ts`.
 */
import { Context } from "effect"
import { type EntityStore } from "../ports/Transactions"
import { type Observation } from "./Observation"

/** Filter for {@link ObservationStore} lists, ordered by end date then id. */
export interface ObservationFilter {
  readonly taskId?: string
  readonly managerId?: string
  /** Only unevaluated observations whose window ended on or before this date. */
  readonly dueOn?: string
}

/**
 * Observations of retention effect.
 *
 * @example
 * ```ts
 * const due = yield* (yield* ObservationStore).list({ dueOn: "2026-11-22" })
 * ```
 */
export class ObservationStore extends Context.Service<ObservationStore, EntityStore<Observation, ObservationFilter>>()(
  "@winback/core/ObservationStore"
) {}
