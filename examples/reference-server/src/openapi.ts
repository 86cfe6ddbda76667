/**
 * The OpenAPI 3.1 description of the reference server, built by @hono/zod-openapi from the routes'
 * own zod schemas. {@link routeConfig} turns one registered route into the `createRoute` config the
 * router registers with its OpenAPIHono app (the standard error answers each kind of route can give
 * included); {@link openApiDocument} asks the app for the document. Every registered route is in it
 * and nothing else; a test holds the two equal and validates the document.
 */
import { createHash } from "node:crypto"
import { createRoute, type OpenAPIHono, type RouteConfig, z } from "@hono/zod-openapi"
import { sessionCookieName } from "./auth/Auth"
import { errorCodes, isArrayField, type RouteInfo } from "./http"

/**
 * `/api/customers/:id` → `/api/customers/{id}`.
 *
 * @example
 * ```ts
 * openApiPath("/api/customers/:id") // "/api/customers/{id}"
 * ```
 */
export const openApiPath = (path: string): string => path.replace(/:([a-zA-Z]+)/g, "{$1}")

/**
 * The operation id of a route: the method and the path's words (`GET /api/customers/:id` →
 * `getApiCustomersById`); the page's generated client names its calls by it.
 *
 * @example
 * ```ts
 * operationId("POST", "/api/tasks/:id/approve") // "postApiTasksByIdApprove"
 * ```
 */
export const operationId = (method: string, path: string): string =>
  method.toLowerCase() +
  path
    .split("/")
    .filter(Boolean)
    .map((seg) => (seg.startsWith(":") ? `By${seg[1]!.toUpperCase()}${seg.slice(2)}` : seg.replace(/[^a-zA-Z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : "")).replace(/^./, (c) => c.toUpperCase())))
    .join("")

/** The JSON error body every endpoint answers with (registered once, referenced as `#/components/schemas/Error`). */
let errorSchema: z.ZodType | undefined
// Built on first use: http.ts (where the codes live) imports this module.
const ErrorSchema = (): z.ZodType =>
  (errorSchema ??= z.object({ error: z.object({ code: z.enum(errorCodes), message: z.string(), details: z.unknown().optional() }) }).openapi("Error"))

const errorResponse = (description: string) => ({ description, content: { "application/json": { schema: ErrorSchema() } } })

type Json = Record<string, unknown>

/** Adds a named schema to the document's `components.schemas`. */
type Define = (name: string, schema: Json) => void

/**
 * A body's or answer's JSON Schema (2020-12, as OpenAPI 3.1 uses) by zod's own converter, which
 * also handles the recursive schemas (rule conditions) the OpenAPI registry's converter cannot.
 * Their definitions (`$defs`, and the root when it refers to itself) become components named by a
 * hash of their content, so every `$ref` resolves within the document.
 */
const jsonSchema = (schema: z.ZodType, io: "input" | "output", define: Define): Json => {
  const { $schema: _s, $defs, ...root } = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any", cycles: "ref", reused: "inline" }) as Json
  const text = JSON.stringify([$defs, root])
  if ($defs === undefined && !text.includes('"$ref":"#"')) return root
  const tag = createHash("sha1").update(text).digest("hex").slice(0, 10)
  const component = (name: string) => `#/components/schemas/${name.replace(/[^A-Za-z0-9._-]/g, "")}_${tag}`
  const rewrite = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(rewrite)
      : v !== null && typeof v === "object"
        ? Object.fromEntries(
            Object.entries(v).map(([k, x]) => [k, k === "$ref" && typeof x === "string" && x.startsWith("#") ? (x === "#" ? component("Schema") : x.startsWith("#/$defs/") ? component(x.slice(8)) : x) : rewrite(x)])
          )
        : v
  const name = (ref: string) => ref.slice("#/components/schemas/".length)
  for (const [n, d] of Object.entries(($defs ?? {}) as Json)) define(name(component(n)), rewrite(d) as Json)
  if (!text.includes('"$ref":"#"')) return rewrite(root) as Json
  define(name(component("Schema")), rewrite(root) as Json)
  return { $ref: component("Schema") }
}

/** `field` with parameter metadata for the registry (a schema of a zod copy the registry did not extend stays as it is). */
const withParam = (field: z.ZodType, param: Record<string, unknown>): z.ZodType =>
  typeof (field as { openapi?: unknown }).openapi === "function" ? field.openapi({ param }) : field

/**
 * Query fields as the router reads them: required unless they accept absence, and arrays sent as
 * repeated keys (`?tier=A&tier=B`).
 */
const explodeArrays = (query: z.ZodObject): z.ZodObject =>
  z.object(
    Object.fromEntries(
      Object.entries(query.shape).map(([k, f]) => {
        const field = f as z.ZodType
        const required = !field.safeParse(undefined).success
        return [k, withParam(field, isArrayField(f) ? { required, style: "form", explode: true } : { required })]
      })
    )
  )

const pathKeys = (path: string): ReadonlyArray<string> => [...path.matchAll(/:([a-zA-Z]+)/g)].map((m) => m[1]!)

/**
 * The @hono/zod-openapi route config of a registered route: its zod params, query and body, its
 * declared answers, and the error answers its kind of access can give.
 *
 * @example
 * ```ts
 * const define = (name: string, schema: object) => app.openAPIRegistry.registerComponent("schemas", name, schema)
 * app.openAPIRegistry.registerPath(routeConfig({ method: "GET", path: "/health", access: "public", summary: "Liveness", tag: "meta", responses: {} }, define))
 * ```
 */
export const routeConfig = (route: RouteInfo, define: Define): RouteConfig => {
  const keys = pathKeys(route.path)
  // Every templated key is a documented path parameter, typed by the route's schema where it has one.
  // Path parameters are always required (a coerced number also accepts null, which the registry would read as optional).
  const params = keys.length > 0 ? z.object(Object.fromEntries(keys.map((k) => [k, withParam((route.params?.shape[k] as z.ZodType | undefined) ?? z.string(), { required: true })]))) : undefined
  const headers = route.access === "signed" && route.signature ? z.object({ [route.signature.header]: z.string().describe(route.signature.description) }) : undefined
  const responses: RouteConfig["responses"] = {}
  const declared = Object.entries(route.responses)
  if (!declared.some(([s]) => Number(s) < 300)) declared.push(["200", { description: "OK" }])
  for (const [status, spec] of declared) {
    const type = spec.contentType ?? "application/json"
    responses[status] = { description: spec.description, content: { [type]: { schema: spec.schema ? jsonSchema(spec.schema, "output", define) : type === "application/json" ? { type: "object" } : { type: "string" } } } }
  }
  if (route.params || route.query || route.body) responses["400"] = errorResponse("Invalid path, query or body (validation_failed)")
  if (route.access === "authenticated") {
    responses["401"] = errorResponse("No valid credentials (unauthenticated)")
    responses["403"] = errorResponse("Outside the caller's permissions or scope (forbidden)")
    responses["404"] = errorResponse("No such record in the caller's scope (not_found)")
    responses["409"] = errorResponse("Lost a race or not allowed in the record's state (conflict)")
    responses["503"] = errorResponse("Storage temporarily unavailable (storage_unavailable); retry")
  }
  if (route.path === "/api/login") {
    responses["401"] = errorResponse("Wrong login or password (invalid_credentials)")
    responses["429"] = errorResponse("Too many failed logins (rate_limited); see Retry-After")
  }
  if (route.access === "signed") {
    responses["401"] = errorResponse("Missing, malformed, forged or stale signature (bad_signature)")
    responses["503"] = errorResponse("Storage temporarily unavailable (storage_unavailable); the sender should retry")
  }
  if (route.body) {
    responses["413"] = errorResponse("Body too large (payload_too_large)")
    // Signed routes take the raw body whatever its declared type: the signature covers the bytes.
    if (route.access !== "signed") responses["415"] = errorResponse("Wrong content type (unsupported_media_type)")
  }
  const description = [route.description, route.access === "signed" && route.signature ? `Authenticated by its signature, not a login: ${route.signature.description}` : undefined]
    .filter(Boolean)
    .join("\n\n")
  const body = route.body
    ? {
        required: true,
        content: route.bodyType === "text" ? { "text/csv": { schema: { type: "string" as const } } } : { "application/json": { schema: jsonSchema(route.body, "input", define) } }
      }
    : undefined
  return createRoute({
    method: route.method.toLowerCase() as "get",
    path: openApiPath(route.path),
    operationId: operationId(route.method, route.path),
    summary: route.summary,
    ...(description ? { description } : {}),
    tags: [route.tag],
    // Signed routes need no session: the signature header (a parameter) authenticates them.
    security: route.access === "authenticated" ? [{ bearerAuth: [] }, { cookieAuth: [] }] : [],
    request: {
      ...(params ? { params } : {}),
      ...(route.query ? { query: explodeArrays(route.query) } : {}),
      ...(headers ? { headers } : {}),
      ...(body ? { body } : {})
    },
    responses
  })
}

/** Options of {@link openApiDocument}. */
export interface OpenApiOptions {
  readonly title?: string
  readonly version?: string
}

/**
 * Registers the security schemes on `app`'s registry (the error body is registered by the routes
 * that reference it); the router calls it once when it creates the app.
 *
 * @example
 * ```ts
 * const app = new OpenAPIHono()
 * registerComponents(app)
 * ```
 */
export const registerComponents = (app: OpenAPIHono<any>): void => {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", { type: "http", scheme: "bearer", description: "A session token from POST /api/login, or an API key (wbk_...)" })
  app.openAPIRegistry.registerComponent("securitySchemes", "cookieAuth", { type: "apiKey", in: "cookie", name: sessionCookieName })
}

/**
 * The OpenAPI 3.1 document of every route registered on `app` (see {@link routeConfig}).
 *
 * @example
 * ```ts
 * const doc = openApiDocument(router.app)
 * doc.openapi // "3.1.0"
 * ```
 */
export const openApiDocument = (app: OpenAPIHono<any>, options: OpenApiOptions = {}): ReturnType<OpenAPIHono["getOpenAPI31Document"]> =>
  app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: options.title ?? "Winback reference server",
      version: options.version ?? "0.1.0",
      description:
        "The HTTP API over the Winback packages. Every endpoint but /health, /api/login and the workbench page acts as the authenticated person: scope and audit come from the packages. The inbound integrations under /api/integrations (when configured) are called by the SMS gateway and the call center and are authenticated by an HMAC-SHA256 signature header instead. Errors are JSON { error: { code, message, details } }."
    },
    servers: [{ url: "/" }],
    security: [{ bearerAuth: [] }, { cookieAuth: [] }]
  })
