/**
 * A small HTTP layer: routes with path parameters, zod-validated queries, and the typed Winback
 * errors mapped to JSON answers with a stable code.
 */
import type { IncomingMessage, ServerResponse } from "node:http"
import { z } from "zod"
import { Conflict, Forbidden, NotFound, StorageError, ValidationError, isValidationErrorLike } from "@winback/core"

/** A handled request. */
export interface Request {
  readonly params: Readonly<Record<string, string>>
  readonly query: URLSearchParams
  readonly raw: IncomingMessage
}

/** What a handler answers: JSON, or text with a content type. */
export type Reply = { readonly status?: number; readonly json: unknown } | { readonly status?: number; readonly text: string; readonly contentType: string }

type Handler = (req: Request) => Promise<Reply>

interface Route {
  readonly method: string
  readonly pattern: RegExp
  readonly keys: ReadonlyArray<string>
  readonly handler: Handler
}

/** The JSON error body every endpoint answers with. */
export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly details?: unknown }
}

/** Maps a thrown error to an HTTP status and error body. */
export const toErrorReply = (e: unknown): { status: number; json: ErrorBody } => {
  if (e instanceof ValidationError || isValidationErrorLike(e)) {
    return { status: 400, json: { error: { code: "validation_failed", message: (e as unknown as Error).message, details: e.issues } } }
  }
  if (e instanceof NotFound) return { status: 404, json: { error: { code: "not_found", message: e.message, details: { entity: e.entity, id: e.id } } } }
  if (e instanceof Conflict) return { status: 409, json: { error: { code: "conflict", message: e.message } } }
  if (e instanceof Forbidden) return { status: 403, json: { error: { code: "forbidden", message: e.message } } }
  if (e instanceof StorageError && e.isRetryable) return { status: 503, json: { error: { code: "storage_unavailable", message: "storage unavailable, try again" } } }
  return { status: 500, json: { error: { code: "internal", message: "internal error" } } }
}

/**
 * Parses the query string with a zod object schema; repeated keys become arrays where the schema
 * wants arrays.
 */
export const parseQuery = <S extends z.ZodObject>(schema: S, query: URLSearchParams): z.output<S> => {
  const obj: Record<string, unknown> = {}
  for (const key of new Set(query.keys())) {
    const all = query.getAll(key)
    const field = schema.shape[key]
    obj[key] = field instanceof z.ZodArray || (field instanceof z.ZodOptional && field.unwrap() instanceof z.ZodArray) ? all : all[all.length - 1]
  }
  const r = schema.safeParse(obj)
  if (!r.success) throw ValidationError.fromZod(r.error, "query", ["query"])
  return r.data
}

/** A router: add routes, then `handle` requests. */
export class Router {
  private readonly routes: Array<Route> = []

  /** Registers `handler` for `method` and `path` (`/api/customers/:id`). */
  on(method: string, path: string, handler: Handler): this {
    const keys: Array<string> = []
    const pattern = new RegExp(
      "^" + path.replace(/:([a-zA-Z]+)/g, (_m, k: string) => {
        keys.push(k)
        return "([^/]+)"
      }) + "/?$"
    )
    this.routes.push({ method, pattern, keys, handler })
    return this
  }

  /** The registered routes, for the API description. */
  list(): ReadonlyArray<{ readonly method: string; readonly pattern: string }> {
    return this.routes.map((r) => ({ method: r.method, pattern: r.pattern.source }))
  }

  /** Answers one request. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost")
    let reply: Reply
    try {
      const matching = this.routes.filter((r) => r.pattern.test(url.pathname))
      const route = matching.find((r) => r.method === req.method)
      if (!route) {
        reply = matching.length > 0
          ? { status: 405, json: { error: { code: "method_not_allowed", message: `${req.method} not allowed on ${url.pathname}` } } }
          : { status: 404, json: { error: { code: "not_found", message: `no route ${url.pathname}` } } }
      } else {
        const m = route.pattern.exec(url.pathname)!
        const params = Object.fromEntries(route.keys.map((k, i) => [k, decodeURIComponent(m[i + 1]!)]))
        reply = await route.handler({ params, query: url.searchParams, raw: req })
      }
    } catch (e) {
      reply = toErrorReply(e)
    }
    if ("json" in reply) {
      const body = JSON.stringify(reply.json)
      res.writeHead(reply.status ?? 200, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" })
      res.end(body)
    } else {
      res.writeHead(reply.status ?? 200, { "content-type": reply.contentType, "cache-control": "no-store" })
      res.end(reply.text)
    }
  }
}
