/**
 * The observation aggregate in memory: retention-effect observations by task, manager or due date.
 */
import type { Stores } from "@winback/core"
import { sortKeys } from "../../internal/sortKeys"
import { memoryEntityStore } from "../entityStore"
import type { MemoryDb } from "../MemoryDb"

/**
 * The in-memory `observations` store over `db` (composed by {@link makeMemoryStores}).
 *
 * @example
 * ```ts
 * const { observations } = observationStores(new MemoryDb())
 * await Effect.runPromise(observations.list({ dueOn: "2026-12-15" }))
 * ```
 */
export const observationStores = (db: MemoryDb): Pick<Stores, "observations"> => ({
  observations: memoryEntityStore(db, {
    entity: "Observation",
    table: "observations",
    sortKey: sortKeys.observation,
    matches: (o, f) =>
      (f.taskId === undefined || o.taskId === f.taskId) && (f.managerId === undefined || o.managerId === f.managerId) &&
      (f.dueOn === undefined || (o.outcome === null && o.endsOn <= f.dueOn))
  })
})
