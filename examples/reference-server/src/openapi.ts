/**
 * The OpenAPI 3.1 document of the reference server, generated from the router's routes and their
 * zod schemas (`z.toJSONSchema`, JSON Schema 2020-12 as OpenAPI 3.1 uses). Every registered route
 * is in it and nothing else; a test holds the two equal.
 */
import { z } from "zod"
import type { RouteInfo } from "./http"
import { sessionCookieName } from "./auth/Auth"

type Json = Record<string, unknown>

const jsonSchema = (schema: z.ZodType, io: "input" | "output"): Json => {
  const out = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any", cycles: "ref", reused: "inline" }) as Json
  const { $schema: _s, ...rest } = out
  return rest
}

const isOptional = (schema: z.ZodType): boolean => schema.safeParse(undefined).success

/** `/api/customers/:id` → `/api/customers/{id}`. */
export const openApiPath = (path: string): string => path.replace(/:([a-zA-Z]+)/g, "{$1}")

const operationId = (method: string, path: string): string =>
  method.toLowerCase() +
  path
    .split("/")
    .filter(Boolean)
    .map((seg) => (seg.startsWith(":") ? `By${seg[1]!.toUpperCase()}${seg.slice(2)}` : seg.replace(/[^a-zA-Z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : "")).replace(/^./, (c) => c.toUpperCase())))
    .join("")

const ErrorSchema: Json = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: {
          type: "string",
          enum: [
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
            "internal"
          ]
        },
        message: { type: "string" },
        details: {}
      }
    }
  }
}

const errorResponse = (description: string) => ({ description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } })

/** Options of {@link openApiDocument}. */
export interface OpenApiOptions {
  readonly title?: string
  readonly version?: string
}

/**
 * Builds the OpenAPI 3.1 document of `routes`.
 *
 * @example
 * ```ts
 * const doc = openApiDocument(router.list())
 * doc.openapi // "3.1.0"
 * ```
 */
export const openApiDocument = (routes: ReadonlyArray<RouteInfo>, options: OpenApiOptions = {}): Json => {
  const paths: Record<string, Record<string, Json>> = {}
  for (const route of routes) {
    const path = openApiPath(route.path)
    const keys = [...route.path.matchAll(/:([a-zA-Z]+)/g)].map((m) => m[1]!)
    const parameters: Array<Json> = keys.map((name) => ({
      name,
      in: "path",
      required: true,
      schema: route.params?.shape[name] ? jsonSchema(route.params.shape[name] as z.ZodType, "input") : { type: "string" }
    }))
    for (const [name, field] of Object.entries(route.query?.shape ?? {})) {
      const schema = jsonSchema(field as z.ZodType, "input")
      parameters.push({ name, in: "query", required: !isOptional(field as z.ZodType), schema, ...(schema.type === "array" ? { style: "form", explode: true } : {}) })
    }
    const responses: Record<string, Json> = {}
    const declared = Object.entries(route.responses)
    if (!declared.some(([s]) => Number(s) < 300)) declared.push(["200", { description: "OK" }])
    for (const [status, spec] of declared) {
      const type = spec.contentType ?? "application/json"
      responses[status] = { description: spec.description, content: { [type]: { schema: spec.schema ? jsonSchema(spec.schema, "output") : type === "application/json" ? { type: "object" } : { type: "string" } } } }
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
      if (route.signature) {
        parameters.push({ name: route.signature.header, in: "header", required: true, description: route.signature.description, schema: { type: "string" } })
      }
    }
    if (route.body) {
      responses["413"] = errorResponse("Body too large (payload_too_large)")
      // Signed routes take the raw body whatever its declared type: the signature covers the bytes.
      if (route.access !== "signed") responses["415"] = errorResponse("Wrong content type (unsupported_media_type)")
    }
    const description = [route.description, route.access === "signed" && route.signature ? `Authenticated by its signature, not a login: ${route.signature.description}` : undefined]
      .filter(Boolean)
      .join("\n\n")
    const operation: Json = {
      operationId: operationId(route.method, route.path),
      summary: route.summary,
      ...(description ? { description } : {}),
      tags: [route.tag],
      // Signed routes need no session: the signature header (a parameter above) authenticates them.
      security: route.access === "authenticated" ? [{ bearerAuth: [] }, { cookieAuth: [] }] : [],
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content:
                route.bodyType === "text"
                  ? { "text/csv": { schema: { type: "string" } } }
                  : { "application/json": { schema: jsonSchema(route.body, "input") } }
            }
          }
        : {}),
      responses
    }
    ;(paths[path] ??= {})[route.method.toLowerCase()] = operation
  }
  return {
    openapi: "3.1.0",
    info: {
      title: options.title ?? "Winback reference server",
      version: options.version ?? "0.1.0",
      description:
        "The HTTP API over the Winback packages. Every endpoint but /health, /api/login and the workbench page acts as the authenticated person: scope and audit come from the packages. The inbound integrations under /api/integrations (when configured) are called by the SMS gateway and the call center and are authenticated by an HMAC-SHA256 signature header instead. Errors are JSON { error: { code, message, details } }."
    },
    servers: [{ url: "/" }],
    security: [{ bearerAuth: [] }, { cookieAuth: [] }],
    paths,
    components: {
      schemas: { Error: ErrorSchema },
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", description: "A session token from POST /api/login, or an API key (wbk_...)" },
        cookieAuth: { type: "apiKey", in: "cookie", name: sessionCookieName }
      }
    }
  }
}
