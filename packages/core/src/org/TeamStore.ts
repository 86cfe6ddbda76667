/**
 * Storage port of teams (the team tree).
 * The contracts every store keeps (transactions, versions, keyset pages, typed failures) are stated
 * once, in `ports/Transactions.ts`.
 */
import { Context } from "effect"
import { type EntityStore } from "../ports/Transactions"
import { type Team } from "./Team"

/** Filter for {@link TeamStore} lists, ordered by id. */
export interface TeamFilter {
  readonly region?: string
  readonly parentId?: string | null
}

/**
 * The team tree.
 *
 * @example
 * ```ts
 * const roots = yield* (yield* TeamStore).list({ parentId: null })
 * ```
 */
export class TeamStore extends Context.Service<TeamStore, EntityStore<Team, TeamFilter>>()("@winback/core/TeamStore") {}
