/**
 * The offer aggregate in memory: the retention offer catalogue.
 */
import type { Stores } from "@winback/core"
import { sortKeys } from "../../internal/sortKeys"
import { memoryEntityStore } from "../entityStore"
import type { MemoryDb } from "../MemoryDb"

/**
 * The in-memory `offers` store over `db` (composed by {@link makeMemoryStores}).
 *
 * @example
 * ```ts
 * const { offers } = offerStores(new MemoryDb())
 * await Effect.runPromise(offers.list({ activeOnly: true }))
 * ```
 */
export const offerStores = (db: MemoryDb): Pick<Stores, "offers"> => ({
  offers: memoryEntityStore(db, {
    entity: "Offer",
    table: "offers",
    sortKey: sortKeys.offer,
    matches: (o, f) => !f.activeOnly || o.active
  })
})
