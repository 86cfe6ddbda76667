/**
 * What every route module shares: the API context (the running Winback, the pipeline facade, the
 * authentication service), the acting person of a request, and the common schemas (ids, pages).
 */
import { z } from "zod"
import type { Effect } from "effect"
import { type Actor, type PipelineProgramServices, type PipelineSession, ValidationError, type Winback } from "@winback/core"
import type { Auth } from "../auth/Auth"
import type { Principal } from "../http"

/** Everything the route modules need. */
export interface ApiContext {
  readonly winback: Winback
  readonly pipeline: { readonly as: (managerId: string) => PipelineSession }
  /** Runs an Effect program as the person (for steps that must commit together). */
  readonly runAs: <A, E>(managerId: string, program: (actor: Actor) => Effect.Effect<A, E, PipelineProgramServices>) => Promise<A>
  readonly auth: Auth
  /** The business date (YYYY-MM-DD) used when a request names none. */
  readonly today: () => string
}

/** The scoped stores of the caller. */
export const scoped = (ctx: ApiContext, p: Principal) => ctx.winback.as(p.managerId)
/** The pipeline services of the caller. */
export const work = (ctx: ApiContext, p: Principal) => ctx.pipeline.as(p.managerId)

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
