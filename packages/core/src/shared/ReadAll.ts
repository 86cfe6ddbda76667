/**
 * Reading a paged list to its end: the loop every service and test wrote again (ask for 1,000,
 * keep the items, follow `nextCursor` until there is none).
 */
import { Effect } from "effect"
import type { Page } from "./Page"

/**
 * Every item of a paged list, read 1,000 a page from the first page until `nextCursor` is `null`.
 * For lists known to be bounded (a team tree, one customer's open items); large sets should be
 * walked page by page instead.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { readAllPages, TeamStore } from "@winback/core"
 *
 * const everyTeam = Effect.flatMap(TeamStore, (teams) => readAllPages((page) => teams.list({}, page)))
 * ```
 */
export const readAllPages = <A, E, R>(
  read: (page: { readonly limit: number; readonly cursor: string | null }) => Effect.Effect<Page<A>, E, R>
): Effect.Effect<Array<A>, E, R> =>
  Effect.gen(function* () {
    const out: Array<A> = []
    let cursor: string | null = null
    do {
      const page: Page<A> = yield* read({ limit: 1000, cursor })
      out.push(...page.items)
      cursor = page.nextCursor
    } while (cursor)
    return out
  })
