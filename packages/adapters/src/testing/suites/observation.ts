/**
 * Conformance of the observation aggregate (its due-date filter is tested with the offers' filter, in offer.ts).
 */
import * as f from "../fixtures"
import { type AggregateSuite, byText, type EntityCase } from "../harness"

/**
 * The observation part of the conformance suite, composed with the others by {@link runConformanceSuite}.
 *
 * @example
 * ```ts
 * for (const c of observationConformance.entities) entitySuite(target, c)
 * ```
 */
export const observationConformance: AggregateSuite = {
  entities: [
    {
      name: "ObservationStore",
      store: (s) => s.observations,
      make: (i) => f.observation(`ob-${i}`, { endsOn: `2026-12-2${i % 3}` }),
      compare: (a, b) => byText(a.endsOn, b.endsOn) || byText(a.id, b.id),
      change: (a) => ({ ...a, outcome: "stayed" })
    } satisfies EntityCase<ReturnType<typeof f.observation>, object>
  ]
}
