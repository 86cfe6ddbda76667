/**
 * What every route module shares: the API context (the running Winback, the authentication
 * service), the acting person of a request, and the common schemas (ids, pages).
 */
import { z } from "zod"
import type { BusinessCalendar } from "@winback/rules"
import { ValidationError, type Winback } from "@winback/core"
import type { Auth } from "../auth/Auth"
import type { Principal } from "../http"

/** Everything the route modules need. */
export interface ApiContext {
  /** The one facade: `winback.as(managerId)` for every service, `winback.runAs` for Effect programs. */
  readonly winback: Winback
  readonly auth: Auth
  /** The business date (YYYY-MM-DD) used when a request names none. */
  readonly today: () => string
  /** The server's clock for time-dependent answers (due reminders); default the runtime's clock. */
  readonly now?: (() => number) | undefined
  /** The business calendar work runs by (absent: none), for telling admins which coming years it lacks. */
  readonly calendar?: BusinessCalendar | undefined
}

/**
 * Everything the caller may do: `winback.as(managerId)` — the scoped stores and every use case.
 *
 * @example
 * ```ts
 * handler: async ({ principal, body }) => ({ json: await actAs(ctx, principal).execution.recordCall(body) })
 * ```
 */
export const actAs = (ctx: ApiContext, p: Principal) => ctx.winback.as(p.managerId)

/** A record id in a path or body. */
export const IdString = z.string().min(1).max(200)
/** `{ id }` path parameters. */
export const IdParams = z.object({ id: IdString })
/** Page size. */
export const Limit = z.coerce.number().int().min(1).max(200).default(50)
/** Opaque page cursor from the previous page's `nextCursor`. */
export const Cursor = z.string().min(1).max(500).optional()
/** `limit` + `cursor`. */
export const PageQuery = z.object({ limit: Limit, cursor: Cursor })

/** The page request of a validated query. */
export const pageOf = (q: { readonly limit: number; readonly cursor?: string | undefined }) => ({ limit: q.limit, cursor: q.cursor ?? null })

/** A page of `item` (for the API description). */
export const PageOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() })

/**
 * Pages an in-memory list (already in a stable order): the cursor is the offset, checked.
 *
 * @example
 * ```ts
 * pageArray(rows, { limit: 20, cursor: undefined }) // { items: rows.slice(0, 20), nextCursor: "20" | null }
 * ```
 */
export const pageArray = <A>(all: ReadonlyArray<A>, q: { readonly limit: number; readonly cursor?: string | undefined }) => {
  const start = q.cursor === undefined ? 0 : Number(q.cursor)
  if (!Number.isSafeInteger(start) || start < 0) {
    throw new ValidationError({ subject: "query", issues: [{ path: ["query", "cursor"], code: "invalid_cursor", message: "not a cursor of this list" }] })
  }
  const items = all.slice(start, start + q.limit)
  return { items, nextCursor: start + q.limit < all.length ? String(start + q.limit) : null }
}

/** Accepts `?flag=true|false`. */
export const BoolString = z.enum(["true", "false"]).transform((s) => s === "true")

/** An ISO date (YYYY-MM-DD). */
export const DateString = z.iso.date()

/** The object `{ ok: true }` many actions answer. */
export const Ok = z.object({ ok: z.literal(true) })
