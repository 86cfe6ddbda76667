/** Keyset pagination helpers shared by the memory and SQL stores, so both page identically. */
import { decodeCursor, encodeCursor, type Page, type PageRequest } from "@winback/core"

/** A sort key: compared element by element, numbers numerically, strings by code unit. */
export type SortKey = ReadonlyArray<string | number>

/** Compares two sort keys. */
export const compareKeys = (a: SortKey, b: SortKey): number => {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!
    const y = b[i]!
    if (x === y) continue
    return x < y ? -1 : 1
  }
  return a.length - b.length
}

/** The page size asked for, within 1..1000 (default 50). */
export const pageLimit = (page?: PageRequest): number => Math.min(Math.max(Math.trunc(page?.limit ?? 50), 1), 1000)

/** The position after which a page starts, if a cursor was given. */
export const pageAfter = (page?: PageRequest): SortKey | undefined => decodeCursor(page?.cursor ?? null)

/** Builds a page from up to `limit + 1` sorted rows. */
export const toPage = <A>(rows: ReadonlyArray<A>, limit: number, key: (a: A) => SortKey): Page<A> => {
  const items = rows.slice(0, limit)
  const last = items[items.length - 1]
  return { items, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(key(last)) : null }
}
