/**
 * Storage port of managers (the staff of the team tree).
 * The contracts every store keeps (transactions, versions, keyset pages, typed failures) are stated
 * once, in `ports/Transactions.ts`.
 */
import { Context } from "effect"
import { type EntityStore } from "../ports/Transactions"
import { type Manager } from "./Manager"

/** Filter for {@link ManagerStore} lists, ordered by id. */
export interface ManagerFilter {
  readonly teamIds?: ReadonlyArray<string>
  readonly roles?: ReadonlyArray<string>
  readonly activeOnly?: boolean
}

/**
 * Managers (staff) as Winback keeps them: team membership and profile.
 *
 * @example
 * ```ts
 * const agents = yield* (yield* ManagerStore).list({ teamIds: ["t-north"], roles: ["agent"] })
 * ```
 */
export class ManagerStore extends Context.Service<ManagerStore, EntityStore<Manager, ManagerFilter>>()(
  "@winback/core/ManagerStore"
) {}
