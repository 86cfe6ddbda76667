/**
 * Keyset pagination shared by every list: a page of items and an opaque cursor to the next page.
 */
import * as z from "zod"

/**
 * What page to read: at most `limit` items after `cursor` (absent for the first page).
 *
 * @example
 * ```ts
 * PageRequest.parse({ limit: 50 })
 * ```
 */
export const PageRequest = z.object({
  limit: z.number().int().min(1).max(1000).default(50),
  cursor: z.string().max(500).nullable().default(null)
})
/** @see {@link PageRequest} */
export type PageRequest = z.input<typeof PageRequest>

/**
 * A page of results; `nextCursor` is null on the last page.
 *
 * @example
 * ```ts
 * let page = await winback.workList({ assigneeId: "m-1" }, { limit: 50 })
 * while (page.nextCursor) page = await winback.workList({ assigneeId: "m-1" }, { limit: 50, cursor: page.nextCursor })
 * ```
 */
export interface Page<A> {
  readonly items: ReadonlyArray<A>
  readonly nextCursor: string | null
}

/**
 * Encodes a keyset position as an opaque cursor.
 *
 * @example
 * ```ts
 * const cursor = encodeCursor([1, "2026-11-22T06:00:00.000Z", "wi-42"])
 * ```
 */
export const encodeCursor = (key: ReadonlyArray<string | number>): string =>
  Buffer.from(JSON.stringify(key), "utf8").toString("base64url")

/**
 * Decodes a cursor made by {@link encodeCursor}; undefined for garbage.
 *
 * @example
 * ```ts
 * decodeCursor(encodeCursor([1, "wi-42"])) // [1, "wi-42"]
 * decodeCursor("not a cursor")            // undefined
 * ```
 */
export const decodeCursor = (cursor: string | null | undefined): ReadonlyArray<string | number> | undefined => {
  if (!cursor) return undefined
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"))
    return Array.isArray(v) && v.every((x) => typeof x === "string" || typeof x === "number") ? v : undefined
  } catch {
    return undefined
  }
}
