/**
 * The offer aggregate in SQL: the retention offer catalogue.
 */
import { eq } from "drizzle-orm"
import type { Offer, Stores } from "@winback/core"
import { sortKeys } from "../../internal/sortKeys"
import type { PgDriver } from "../Driver"
import { pgEntityStore } from "../entityStore"
import * as s from "../schema"

/**
 * The SQL `offers` store on `driver` (composed by {@link makePgStores}).
 *
 * @example
 * ```ts
 * const { offers } = offerStores(driver)
 * await Effect.runPromise(offers.list({ activeOnly: true }))
 * ```
 */
export const offerStores = (driver: PgDriver): Pick<Stores, "offers"> => ({
  offers: pgEntityStore<Offer, { readonly activeOnly?: boolean }>(driver, {
    entity: "Offer",
    table: s.offers,
    toRow: (o) => ({ id: o.id, version: o.version, data: o, active: o.active }),
    where: (f) => [f.activeOnly ? eq(s.offers.active, true) : undefined],
    sortColumns: [s.offers.id],
    sortKey: sortKeys.offer
  })
})
