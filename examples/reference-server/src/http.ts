/**
 * The HTTP layer, on Hono (@hono/zod-openapi over @hono/node-server): routes declared with
 * `router.route(spec)` (path parameters, zod-validated params, queries and bodies) become routes of
 * an OpenAPIHono app, described in its OpenAPI registry from the same zod schemas. Authentication
 * runs before every non-public route (a session or API key, or for the inbound integrations a
 * request signature), and the typed Winback errors become JSON answers with a stable code.
 */
import { randomUUID } from "node:crypto"
import type { IncomingMessage, ServerResponse } from "node:http"
import { getRequestListener, type HttpBindings } from "@hono/node-server"
import { OpenAPIHono } from "@hono/zod-openapi"
import type { Context } from "hono"
import { TrieRouter } from "hono/router/trie-router"
import { z } from "zod"
import { registerComponents, routeConfig } from "./openapi"
import { localeOf, localizeErrorBody } from "./i18n"
import { Conflict, Forbidden, IntegrationError, loneSurrogatePath, NotFound, nulCharacterPath, StorageError, ValidationError } from "@winback/core"

/** Who is calling: a logged-in person (session) or a machine client acting as a manager (API key). */
export interface Principal {
  readonly managerId: string
  readonly via: "session" | "api-key"
  /** The session id or API key id (never the secret). */
  readonly credentialId: string
}

/** A handled request (the shape `Router.on` handlers receive). */
export interface Request {
  readonly params: Readonly<Record<string, string>>
  readonly query: URLSearchParams
  readonly raw: IncomingMessage
  /** The authenticated caller, `null` on anonymous requests to public routes. */
  readonly principal: Principal | null
}

/** What a handler answers: JSON, text or bytes with a content type, plus optional headers. */
export type Reply =
  | { readonly status?: number; readonly json: unknown; readonly headers?: Readonly<Record<string, string | ReadonlyArray<string>>> }
  | { readonly status?: number; readonly text: string; readonly contentType: string; readonly headers?: Readonly<Record<string, string | ReadonlyArray<string>>> }
  | { readonly status?: number; readonly bytes: Uint8Array; readonly contentType: string; readonly headers?: Readonly<Record<string, string | ReadonlyArray<string>>> }

type Handler = (req: Request) => Promise<Reply>

/** HTTP methods the router serves. */
export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE"

/**
 * Who may call a route: anyone, only an authenticated caller (session or API key), or a machine
 * that signs its request (`signed`: the inbound integrations, whose handler checks an HMAC
 * signature header over the raw body instead of a login).
 */
export type Access = "public" | "authenticated" | "signed"

/**
 * How a signed route's caller signs: the header and what it carries (for the API description).
 *
 * @example
 * ```ts
 * const signature: SignatureSpec = { header: "x-gateway-signature", description: "t=<unix>,v1=<hex HMAC-SHA256 of \"t.body\">" }
 * ```
 */
export interface SignatureSpec {
  /** The request header carrying the signature, e.g. `x-gateway-signature`. */
  readonly header: string
  readonly description: string
}

/** What a route answers, for the API description. */
export interface ResponseSpec {
  readonly description: string
  readonly schema?: z.ZodType
  /** Default `application/json`. */
  readonly contentType?: string
}

/** What a described route's handler receives: validated params, query and body, and the caller. */
export interface RouteContext<P, Q, B> {
  readonly params: P
  readonly query: Q
  readonly body: B
  readonly principal: Principal
  readonly raw: IncomingMessage
}

/** A described route: method, path, schemas, documentation and handler. */
export interface RouteSpec<P extends z.ZodObject, Q extends z.ZodObject, B extends z.ZodType> {
  readonly method: Method
  /** `/api/customers/:id` */
  readonly path: string
  readonly summary: string
  readonly tag: string
  readonly description?: string
  /** Default `authenticated` (signed routes are registered with `Router.signed`). */
  readonly access?: Exclude<Access, "signed">
  readonly params?: P
  readonly query?: Q
  readonly body?: B
  /** `json` (default when a body schema is given) or `text` (CSV uploads: the body is the raw bytes of a `text/*` request, decoded by the handler). */
  readonly bodyType?: "json" | "text"
  /** Extra answers besides the standard error answers; `200` defaults to a JSON object. */
  readonly responses?: Readonly<Record<number, ResponseSpec>>
  readonly handler: (ctx: RouteContext<z.output<P>, z.output<Q>, z.output<B>>) => Promise<Reply>
}

/** One registered route as the OpenAPI generator and the tests see it. */
export interface RouteInfo {
  readonly method: Method
  /** The path as registered (`/api/customers/:id`). */
  readonly path: string
  readonly access: Access
  readonly summary: string
  readonly tag: string
  readonly description?: string | undefined
  readonly params?: z.ZodObject | undefined
  readonly query?: z.ZodObject | undefined
  readonly body?: z.ZodType | undefined
  readonly bodyType?: "json" | "text" | undefined
  readonly responses: Readonly<Record<number, ResponseSpec>>
  /** Signed routes: the signature header. */
  readonly signature?: SignatureSpec | undefined
}

/**
 * What a signed route's handler receives: the raw body (the signature covers its exact bytes; the
 * handler verifies the signature before it parses anything) and the request headers.
 *
 * @example
 * ```ts
 * const handler = async (req: SignedRequest) => ({ json: await verifyAndRecord(req.headers, req.body) })
 * ```
 */
export interface SignedRequest {
  readonly body: string
  readonly headers: IncomingMessage["headers"]
  readonly raw: IncomingMessage
}

/**
 * A signed route: no session, the handler authenticates the request by its signature and answers
 * 401 (JSON error model) when it is missing, forged or stale. `body` only describes the payload
 * (the handler validates it after the signature).
 *
 * @example
 * ```ts
 * router.signed({ method: "POST", path: "/api/integrations/sms-status", tag: "integrations", summary: "Delivery status",
 *   signature: { header: "x-gateway-signature", description: "HMAC-SHA256" }, body: SmsStatusCallbackBody, handler })
 * ```
 */
export interface SignedRouteSpec {
  readonly method: Method
  readonly path: string
  readonly summary: string
  readonly tag: string
  readonly description?: string
  readonly signature: SignatureSpec
  /** The payload, for the API description. */
  readonly body?: z.ZodType
  readonly responses?: Readonly<Record<number, ResponseSpec>>
  readonly handler: (req: SignedRequest) => Promise<Reply>
}

/**
 * Every error code an answer can carry (the OpenAPI document's `Error.code` enum).
 *
 * @example
 * ```ts
 * errorCodes.includes("not_found") // true
 * ```
 */
export const errorCodes = [
  "validation_failed",
  "unauthenticated",
  "bad_signature",
  "invalid_credentials",
  "forbidden",
  "not_found",
  "method_not_allowed",
  "conflict",
  "payload_too_large",
  "unsupported_media_type",
  "rate_limited",
  "integration_failed",
  "storage_unavailable",
  "not_configured",
  "internal"
] as const

/** The JSON error body every endpoint answers with. */
export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly details?: unknown }
}

/**
 * An error the HTTP layer answers directly (401, 413, 415, 429): a status, a stable code and
 * optional headers (e.g. `Retry-After`).
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
    readonly details?: unknown
  ) {
    super(message)
  }
}

const isErrorBody = (x: unknown): x is ErrorBody =>
  typeof x === "object" && x !== null && "error" in x && typeof (x as ErrorBody).error === "object" && (x as ErrorBody).error !== null && typeof (x as ErrorBody).error.code === "string"

/**
 * Maps a thrown error to an HTTP status and error body.
 *
 * @example
 * ```ts
 * toErrorReply(new NotFound({ entity: "Customer", id: "c-1" })) // { status: 404, json: { error: { code: "not_found", ... } } }
 * ```
 */
export const toErrorReply = (e: unknown): { status: number; json: ErrorBody; headers?: Readonly<Record<string, string>> } => {
  if (e instanceof HttpError) return { status: e.status, json: { error: { code: e.code, message: e.message, details: e.details ?? null } }, headers: e.headers }
  if (e instanceof ValidationError) {
    return { status: 400, json: { error: { code: "validation_failed", message: e.message, details: e.issues } } }
  }
  if (e instanceof NotFound) return { status: 404, json: { error: { code: "not_found", message: e.message, details: { entity: e.entity, id: e.id } } } }
  if (e instanceof Conflict) return { status: 409, json: { error: { code: "conflict", message: e.message, details: { kind: e.kind, entity: e.entity, id: e.id, reason: e.reason } } } }
  if (e instanceof Forbidden) return { status: 403, json: { error: { code: "forbidden", message: e.message, details: { action: e.action, resource: e.resource } } } }
  if (e instanceof StorageError && e.isRetryable) {
    return { status: 503, json: { error: { code: "storage_unavailable", message: "storage unavailable, try again", details: null } }, headers: { "retry-after": "1" } }
  }
  if (e instanceof IntegrationError) {
    return { status: e.retryable ? 503 : 502, json: { error: { code: "integration_failed", message: e.message, details: { integration: e.integration } } } }
  }
  return { status: 500, json: { error: { code: "internal", message: "internal error", details: null } } }
}

/**
 * True when a query field wants an array (repeated keys, `?tier=A&tier=B`), through optional and default.
 *
 * @example
 * ```ts
 * isArrayField(z.array(z.string()).optional()) // true
 * ```
 */
export const isArrayField = (field: unknown): boolean => {
  let f = field
  while (f instanceof z.ZodOptional || f instanceof z.ZodDefault) f = (f as z.ZodOptional).unwrap()
  return f instanceof z.ZodArray
}

/**
 * Parses the query string with a zod object schema; repeated keys become arrays where the schema
 * wants arrays.
 *
 * @example
 * ```ts
 * const q = parseQuery(z.object({ limit: z.coerce.number() }), new URLSearchParams("limit=5"))
 * ```
 */
export const parseQuery = <S extends z.ZodObject>(schema: S, query: URLSearchParams): z.output<S> => {
  const obj: Record<string, unknown> = {}
  for (const key of new Set(query.keys())) {
    const all = query.getAll(key)
    obj[key] = isArrayField(schema.shape[key]) ? all : all[all.length - 1]
  }
  const r = schema.safeParse(obj)
  if (!r.success) throw ValidationError.fromZod(r.error, "query", ["query"])
  return r.data
}

const jsonLimit = 1024 * 1024
const textLimit = 20 * 1024 * 1024

/** How much of an oversized body is read and discarded so the 413 can close the connection cleanly. */
const discardLimit = 64 * 1024 * 1024

/**
 * Refuses an oversized body with 413 and `Connection: close`, after reading (and discarding) the
 * rest of it: closing a socket the client is still writing to makes the kernel answer with a reset,
 * and the client may never see the 413. Past {@link discardLimit} the connection is cut instead.
 */
const tooLarge = async (req: IncomingMessage, limit: number): Promise<HttpError> => {
  let discarded = 0
  for await (const chunk of req) {
    discarded += (chunk as Buffer).length
    if (discarded > discardLimit) break
  }
  return new HttpError(413, "payload_too_large", `the body exceeds ${limit} bytes`, { connection: "close" })
}

/** Reads the request body's bytes, refusing more than `limit` bytes with 413. */
const readBytes = async (req: IncomingMessage, limit: number): Promise<Buffer> => {
  const chunks: Array<Buffer> = []
  let size = 0
  let over = false
  // Not destroyed when the loop ends early: tooLarge reads the rest.
  for await (const chunk of req.iterator({ destroyOnReturn: false })) {
    size += (chunk as Buffer).length
    if (size > limit) {
      over = true
      break
    }
    chunks.push(chunk as Buffer)
  }
  if (over) throw await tooLarge(req, limit)
  return Buffer.concat(chunks)
}

/** Reads the request body as text (signed routes: the handler checks the signature over it). */
const readBody = async (req: IncomingMessage, limit: number): Promise<string> => (await readBytes(req, limit)).toString("utf8")

/** Reads a JSON body's text: bytes that are not UTF-8 are refused, never stored as U+FFFD. */
const readUtf8 = async (req: IncomingMessage, limit: number): Promise<string> => {
  const bytes = await readBytes(req, limit)
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes)
  } catch {
    throw new ValidationError({ subject: "body", issues: [{ path: ["body"], code: "invalid_encoding", message: "the body is not valid UTF-8" }] })
  }
}

/** The deepest nesting a JSON body may have: real inputs are a few levels deep. */
const maxDepth = 32

/** True when `v` nests deeper than {@link maxDepth} (checked without recursion). */
const tooDeep = (v: unknown): boolean => {
  const stack: Array<[unknown, number]> = [[v, 0]]
  while (stack.length > 0) {
    const [x, d] = stack.pop()!
    if (x === null || typeof x !== "object") continue
    if (d >= maxDepth) return true
    for (const y of Array.isArray(x) ? x : Object.values(x)) stack.push([y, d + 1])
  }
  return false
}

const refuseNul = (v: unknown, root: string): void => {
  const at = nulCharacterPath(v, [root])
  if (at) throw new ValidationError({ subject: root, issues: [{ path: at, code: "nul_character", message: "text may not contain a NUL character" }] })
  // Half of a UTF-16 pair (JSON's "\ud800") has no UTF-8 form: storage would fail with a 500.
  const lone = loneSurrogatePath(v, [root])
  if (lone) throw new ValidationError({ subject: root, issues: [{ path: lone, code: "lone_surrogate", message: "text may not contain a lone UTF-16 surrogate (half of a surrogate pair)" }] })
}

const parseBody = async (req: IncomingMessage, schema: z.ZodType, type: "json" | "text"): Promise<unknown> => {
  const contentType = (req.headers["content-type"] ?? "").toLowerCase()
  if (type === "json") {
    // Requiring JSON also makes a cross-site form post impossible (it cannot send this type).
    if (!contentType.startsWith("application/json")) throw new HttpError(415, "unsupported_media_type", "send the body as application/json")
    const text = await readUtf8(req, jsonLimit)
    let data: unknown
    try {
      data = text.length === 0 ? undefined : JSON.parse(text)
    } catch {
      throw new ValidationError({ subject: "body", issues: [{ path: ["body"], code: "invalid_json", message: "the body is not valid JSON" }] })
    }
    if (tooDeep(data)) throw new ValidationError({ subject: "body", issues: [{ path: ["body"], code: "too_deep", message: `the body nests deeper than ${maxDepth} levels` }] })
    refuseNul(data, "body")
    const r = schema.safeParse(data)
    if (!r.success) throw ValidationError.fromZod(r.error, "body", ["body"])
    return r.data
  }
  // Text (a CSV) or an .xlsx workbook (the import reads its first sheet).
  if (!contentType.startsWith("text/") && !contentType.startsWith("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")) throw new HttpError(415, "unsupported_media_type", "send the body as text/csv (or an .xlsx workbook)")
  // The bytes as sent: the CSV reader detects or takes the encoding and refuses what it cannot decode, by line.
  const bytes = new Uint8Array(await readBytes(req, textLimit))
  const r = schema.safeParse(bytes)
  if (!r.success) throw ValidationError.fromZod(r.error, "body", ["body"])
  return r.data
}

/** Authenticates a request: the principal, or `null` when it carries no valid credentials. */
export type Authenticate = (req: IncomingMessage) => Promise<Principal | null>

/** Options of {@link Router}. */
export interface RouterOptions {
  /** Without it every non-public route answers 401. */
  readonly authenticate?: Authenticate
  /**
   * Runs after authentication on every request and may refuse it by throwing (the CSRF check,
   * see auth/csrf.ts).
   */
  readonly guard?: (req: IncomingMessage, principal: Principal | null) => void
  /** Where unexpected failures (the 500 answers) are logged, with their request id; default `console.error`. */
  readonly logError?: (entry: { readonly requestId: string; readonly method: string; readonly path: string; readonly error: unknown }) => void
}

const unauthenticated = () => new HttpError(401, "unauthenticated", "log in (POST /api/login) or send Authorization: Bearer <token or API key>", { "www-authenticate": "Bearer" })

/** What the Hono app of a {@link Router} carries per request: the Node request, its id and caller. */
export interface HttpEnv {
  readonly Bindings: HttpBindings
  readonly Variables: { requestId: string; principal: Principal | null }
}

type Ctx = Context<HttpEnv>

/** The request's path without its query (as sent, still percent-encoded) and its query. */
const targetOf = (raw: IncomingMessage): URL => {
  try {
    return new URL(raw.url ?? "/", "http://localhost")
  } catch {
    return new URL("/", "http://localhost")
  }
}

/** Refuses a path whose percent-encoding is malformed (Hono would pass the raw text on). */
const refuseMalformedPath = (pathname: string): void => {
  for (const seg of pathname.split("/")) {
    try {
      decodeURIComponent(seg)
    } catch {
      throw new ValidationError({ subject: "path", issues: [{ path: ["path"], code: "invalid_encoding", message: "malformed percent-encoding in the path" }] })
    }
  }
}

/**
 * The router of the reference server: add routes with {@link Router.route} (described),
 * {@link Router.signed} (inbound integrations) or {@link Router.on} (the page and its assets);
 * each becomes a route of the OpenAPIHono {@link Router.app} and an operation of its OpenAPI
 * document. `handle` answers Node requests (through @hono/node-server).
 *
 * @example
 * ```ts
 * const router = new Router({ authenticate })
 * router.route({ method: "GET", path: "/api/things/:id", summary: "One thing", tag: "things",
 *   params: z.object({ id: z.string() }), handler: async ({ params }) => ({ json: { id: params.id } }) })
 * createServer((req, res) => void router.handle(req, res)).listen(3000)
 * ```
 */
export class Router {
  /** The Hono app every route is registered on; its OpenAPI registry describes them. */
  readonly app: OpenAPIHono<HttpEnv>
  private readonly routes: Array<RouteInfo> = []
  /** Every route under its path whatever its method: tells a 405 from a 404. */
  private readonly byPath = new TrieRouter<RouteInfo>()
  private listener: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined

  constructor(private readonly options: RouterOptions = {}) {
    const app = new OpenAPIHono<HttpEnv>({ strict: false })
    registerComponents(app)
    // Authentication comes first, before routing, so an anonymous caller learns nothing about which routes exist.
    app.use("*", async (c, next) => {
      c.set("requestId", randomUUID())
      c.set("principal", null)
      const raw = c.env.incoming
      const principal = this.options.authenticate
        ? await this.options.authenticate(raw).catch(() => {
            throw new HttpError(503, "storage_unavailable", "could not check the credentials, try again", { "retry-after": "1" })
          })
        : null
      c.set("principal", principal)
      this.options.guard?.(raw, principal)
      await next()
    })
    app.notFound((c) => this.unmatched(c))
    app.onError((e, c) => this.failure(c, e))
    this.app = app
  }

  private add(info: RouteInfo, run: (c: Ctx) => Promise<Reply>): void {
    if (this.routes.some((r) => r.method === info.method && r.path === info.path)) throw new Error(`route ${info.method} ${info.path} registered twice`)
    this.routes.push(info)
    this.byPath.add("ALL", info.path, info)
    this.app.openAPIRegistry.registerPath(routeConfig(info, (name, schema) => this.app.openAPIRegistry.registerComponent("schemas", name, schema)))
    this.app.on(info.method, info.path, async (c) => {
      try {
        return this.respond(c, await run(c))
      } catch (e) {
        return this.failure(c, e)
      }
    })
  }

  /** The path parameters of the matched route, decoded (malformed percent-encoding answers 400). */
  private paramsOf(c: Ctx): Record<string, string> {
    refuseMalformedPath(targetOf(c.env.incoming).pathname)
    return c.req.param() as Record<string, string>
  }

  /**
   * Registers a public, undescribed `handler` for `method` and `path` (the workbench page and its
   * static assets). Anyone may call it; `req.principal` is set when the caller is logged in.
   */
  on(method: Method, path: string, handler: Handler): this {
    this.add({ method, path, access: "public", summary: `Workbench: ${path}`, tag: "workbench", responses: { 200: { description: "The page or asset", contentType: "text/html" } } }, (c) =>
      handler({ params: this.paramsOf(c), query: targetOf(c.env.incoming).searchParams, raw: c.env.incoming, principal: c.get("principal") })
    )
    return this
  }

  /**
   * Registers a signed route (access `signed`): the body is read raw, within the JSON body limit
   * (413 beyond it), and handed with the headers to `handler`, which verifies the signature.
   */
  signed(spec: SignedRouteSpec): this {
    this.add(
      {
        method: spec.method,
        path: spec.path,
        access: "signed",
        summary: spec.summary,
        tag: spec.tag,
        description: spec.description,
        body: spec.body,
        bodyType: spec.body ? "json" : undefined,
        responses: spec.responses ?? {},
        signature: spec.signature
      },
      async (c) => {
        const raw = c.env.incoming
        return spec.handler({ body: await readBody(raw, jsonLimit), headers: raw.headers, raw })
      }
    )
    return this
  }

  /** Registers a described route: validated params, query and body, authentication unless public. */
  route<P extends z.ZodObject = z.ZodObject<{}>, Q extends z.ZodObject = z.ZodObject<{}>, B extends z.ZodType = z.ZodUndefined>(spec: RouteSpec<P, Q, B>): this {
    const access = spec.access ?? "authenticated"
    this.add(
      {
        method: spec.method,
        path: spec.path,
        access,
        summary: spec.summary,
        tag: spec.tag,
        description: spec.description,
        params: spec.params,
        query: spec.query,
        body: spec.body,
        bodyType: spec.body ? (spec.bodyType ?? "json") : undefined,
        responses: spec.responses ?? {}
      },
      async (c) => {
        const raw = c.env.incoming
        const principal = c.get("principal")
        if (access === "authenticated" && principal === null) throw unauthenticated()
        const rawParams = this.paramsOf(c)
        const rawQuery = targetOf(raw).searchParams
        refuseNul(rawParams, "path")
        refuseNul(Object.fromEntries(rawQuery.entries()), "query")
        let params: unknown = rawParams
        if (spec.params) {
          const r = spec.params.safeParse(rawParams)
          if (!r.success) throw ValidationError.fromZod(r.error, "path", ["path"])
          params = r.data
        }
        const query = spec.query ? parseQuery(spec.query, rawQuery) : {}
        const body = spec.body ? await parseBody(raw, spec.body, spec.bodyType ?? "json") : undefined
        return spec.handler({ params, query, body, principal: principal!, raw } as RouteContext<z.output<P>, z.output<Q>, z.output<B>>)
      }
    )
    return this
  }

  /** The registered routes, for the route table, the client and the tests. */
  list(): ReadonlyArray<RouteInfo> {
    return [...this.routes]
  }

  /** No route has this method and path: 401 to anonymous callers (unless only public routes are there), else 405 or 404. */
  private unmatched(c: Ctx): Response {
    const raw = c.env.incoming
    let path = targetOf(raw).pathname
    if (path.length > 1 && path.endsWith("/")) path = path.slice(0, -1)
    const matching = this.byPath.match(raw.method ?? "GET", path)[0].map(([info]) => info)
    if (c.get("principal") === null && !(matching.length > 0 && matching.every((r) => r.access === "public"))) return this.failure(c, unauthenticated())
    return this.respond(
      c,
      matching.length > 0
        ? { status: 405, json: { error: { code: "method_not_allowed", message: `${raw.method} not allowed on ${targetOf(raw).pathname}`, details: { allow: matching.map((r) => r.method) } } } }
        : { status: 404, json: { error: { code: "not_found", message: `no route ${targetOf(raw).pathname}`, details: null } } }
    )
  }

  /** The error answer of `e` (a 500 is logged under the request id, which its message names). */
  private failure(c: Ctx, e: unknown): Response {
    const answer = toErrorReply(e)
    if (answer.status !== 500) return this.respond(c, answer)
    const requestId = c.get("requestId")
    const raw = c.env.incoming
    const log = this.options.logError ?? ((x) => console.error(`[${x.requestId}] ${x.method} ${x.path} failed:`, x.error))
    log({ requestId, method: raw.method ?? "?", path: (raw.url ?? "/").split("?")[0]!, error: e })
    return this.respond(c, { ...answer, json: { error: { ...answer.json.error, message: `internal error (request ${requestId})`, details: { requestId } } } })
  }

  /** The HTTP answer of a reply, with the headers every answer carries. */
  private respond(c: Ctx, reply: Reply): Response {
    const status = reply.status ?? 200
    // Every answer carries a request id; a 500 is logged under it, so a user's report finds the log line.
    const headers = new Headers({ "cache-control": "no-store", "x-content-type-options": "nosniff", "x-request-id": c.get("requestId") ?? randomUUID() })
    for (const [k, v] of Object.entries(reply.headers ?? {})) {
      if (typeof v === "string") headers.set(k, v)
      else {
        headers.delete(k)
        for (const x of v) headers.append(k, x)
      }
    }
    let body: string | Uint8Array
    if ("json" in reply) {
      // Error messages in the caller's language (the code stays the machine's).
      const json = status >= 400 && isErrorBody(reply.json) ? localizeErrorBody(reply.json, localeOf(c.env.incoming)) : reply.json
      headers.set("content-type", "application/json; charset=utf-8")
      body = JSON.stringify(json)
    } else {
      headers.set("content-type", reply.contentType)
      body = "text" in reply ? reply.text : reply.bytes
    }
    return new Response(status === 204 || status === 304 ? null : (body as ConstructorParameters<typeof Response>[0]), { status, headers })
  }

  /** The Web-standard handler of the app (`Request` → `Response`), for Hono adapters. */
  get fetch(): OpenAPIHono<HttpEnv>["fetch"] {
    return this.app.fetch
  }

  /** Answers one Node request. Never throws: every failure becomes a JSON error answer. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.listener ??= getRequestListener(this.app.fetch, {
      // Node's own Request and Response stay in place for the rest of the process (tests, msw).
      overrideGlobalObjects: false,
      // A request target Node parsed but a URL cannot hold (e.g. a backslash in the path).
      errorHandler: () =>
        new Response(JSON.stringify({ error: { code: "validation_failed", message: "malformed request target", details: null } }), {
          status: 400,
          headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", "x-content-type-options": "nosniff", "x-request-id": randomUUID() }
        })
    })
    return this.listener(req, res)
  }
}
