/**
 * Storage port of offers.
 * The contracts every store keeps (transactions, versions, keyset pages, typed failures) are stated
 * once, in `ports/Transactions.ts`.
 */
import { Context } from "effect"
import { type EntityStore } from "../ports/Transactions"
import { type Offer } from "./Offer"

/**
 * The offer catalogue.
 *
 * @example
 * ```ts
 * const offers = yield* (yield* OfferStore).list({ activeOnly: true })
 * ```
 */
export class OfferStore extends Context.Service<OfferStore, EntityStore<Offer, { readonly activeOnly?: boolean }>>()(
  "@winback/core/OfferStore"
) {}
