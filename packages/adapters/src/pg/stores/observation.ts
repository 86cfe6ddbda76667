/**
 * The observation aggregate in SQL: retention-effect observations, found by task, manager or due date.
 */
import { eq, lte } from "drizzle-orm"
import type { Observation, Stores } from "@winback/core"
import { sortKeys } from "../../internal/sortKeys"
import type { PgDriver } from "../Driver"
import { maybeEq, pgEntityStore } from "../entityStore"
import * as s from "../schema"

/**
 * The SQL `observations` store on `driver` (composed by {@link makePgStores}).
 *
 * @example
 * ```ts
 * const { observations } = observationStores(driver)
 * await Effect.runPromise(observations.list({ dueOn: "2026-12-15" }))
 * ```
 */
export const observationStores = (driver: PgDriver): Pick<Stores, "observations"> => ({
  observations: pgEntityStore<Observation, import("@winback/core").ObservationFilter>(driver, {
    entity: "Observation",
    table: s.observations,
    toRow: (o) => ({ id: o.id, version: o.version, data: o, taskId: o.taskId, managerId: o.managerId, endsOn: o.endsOn, evaluated: o.outcome !== null }),
    where: (f) => [
      maybeEq(s.observations.taskId, f.taskId),
      maybeEq(s.observations.managerId, f.managerId),
      ...(f.dueOn === undefined ? [] : [eq(s.observations.evaluated, false), lte(s.observations.endsOn, f.dueOn)])
    ],
    sortColumns: [s.observations.endsOn, s.observations.id],
    sortKey: sortKeys.observation
  })
})
