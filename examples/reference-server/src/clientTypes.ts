/**
 * The TypeScript declarations of the page's API client (`static/client.d.ts`), generated from the
 * same zod schemas the server validates with: for every operation id its path parameters, query and
 * body *input* types and its JSON answer type (where the route declares an answer schema, else
 * `unknown`). The route schemas go zod → JSON Schema (`z.toJSONSchema`, as the OpenAPI description does)
 * → TypeScript text by the small converter {@link tsType}. The page's modules are type-checked
 * JavaScript (static/tsconfig.json) against it, so a wrong operation id, a missing path parameter
 * or a wrong body field is a type error in `pnpm typecheck`.
 *
 * Regenerate the committed file with `pnpm --filter @winback/reference-server gen:client`; a test
 * fails while it differs from what this module produces.
 */
import { z } from "zod"
import { clientRoutes } from "./client"
import type { RouteInfo } from "./http"
import { operationId } from "./openapi"

type Json = { readonly [k: string]: unknown }

/** How a schema is used: the page writes query values as text, so numbers and booleans also take their text, and an array field one value. */
type Mode = "json" | "query"

const isIdent = (k: string) => /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k)
const key = (k: string) => (isIdent(k) ? k : JSON.stringify(k))
const union = (parts: ReadonlyArray<string>): string => {
  const unique = [...new Set(parts)]
  if (unique.includes("any")) return "any"
  if (unique.includes("unknown")) return "unknown"
  return unique.length === 0 ? "never" : unique.length === 1 ? unique[0]! : unique.map((p) => (p.includes("=>") ? `(${p})` : p)).join(" | ")
}
const paren = (t: string) => (/^[\w."$]+$/.test(t) || /^\{[\s\S]*\}$/.test(t) ? t : `(${t})`)

/**
 * The TypeScript type of a JSON Schema (draft 2020-12 as zod writes it): objects, arrays and
 * tuples, enums, constants, unions, intersections, nullable types and records; a `$ref` (recursive
 * schemas such as rule conditions) and anything else it does not know become `unknown`; a schema
 * without any constraint (`z.unknown()`, or a date, which JSON carries as text) becomes `any`.
 *
 * @example
 * ```ts
 * tsType({ type: "object", properties: { id: { type: "string" } }, required: ["id"] }) // "{ id: string }"
 * tsType({ type: "array", items: { enum: ["a", "b"] } }) // "Array<\"a\" | \"b\">"
 * ```
 */
export const tsType = (schema: unknown, mode: Mode = "json"): string => {
  if (schema === true || schema === undefined) return "unknown"
  if (schema === false) return "never"
  if (schema === null || typeof schema !== "object") return "unknown"
  const s = schema as Json
  // No constraint at all (z.unknown(), or a date zod cannot describe: JSON text): anything.
  if (Object.keys(s).filter((k) => k !== "description").length === 0) return "any"
  if (typeof s.$ref === "string") return "unknown"
  if ("const" in s) return JSON.stringify(s.const)
  if (Array.isArray(s.enum)) return union(s.enum.map((v) => JSON.stringify(v)))
  if (Array.isArray(s.anyOf)) return union(s.anyOf.map((x) => tsType(x, mode)))
  if (Array.isArray(s.oneOf)) return union(s.oneOf.map((x) => tsType(x, mode)))
  if (Array.isArray(s.allOf)) {
    const parts = s.allOf.map((x) => tsType(x, mode)).filter((p) => p !== "unknown")
    return parts.length === 0 ? "unknown" : parts.map(paren).join(" & ")
  }
  if (Array.isArray(s.type)) return union(s.type.map((t) => tsType({ ...s, type: t }, mode)))
  switch (s.type) {
    case "string":
      return "string"
    case "number":
    case "integer":
      return mode === "query" ? "number | string" : "number"
    case "boolean":
      return mode === "query" ? 'boolean | "true" | "false"' : "boolean"
    case "null":
      return "null"
    case "array": {
      if (Array.isArray(s.prefixItems)) {
        const items = s.prefixItems.map((x) => tsType(x, mode))
        return `[${items.join(", ")}${s.items && s.items !== false ? `, ...Array<${tsType(s.items, mode)}>` : ""}]`
      }
      // A query key repeats for an array; one value is a one-element array.
      return mode === "query" ? union([tsType(s.items, mode), `Array<${tsType(s.items, mode)}>`]) : `Array<${tsType(s.items, mode)}>`
    }
    case "object":
      return objectType(s, mode)
    default:
      return "unknown"
  }
}

const objectType = (s: Json, mode: Mode): string => {
  const props = (s.properties ?? {}) as Json
  const required = new Set(Array.isArray(s.required) ? (s.required as Array<string>) : [])
  const fields = Object.entries(props).map(([k, v]) => `${key(k)}${required.has(k) ? "" : "?"}: ${tsType(v, mode)}`)
  const extra = s.additionalProperties
  if (extra !== undefined && extra !== false) {
    const value = tsType(extra, mode)
    // A record (or a loose object): its known fields must fit the index signature, so it takes any value.
    fields.push(`[key: string]: ${fields.length === 0 ? value : "any"}`)
  } else if (Object.keys(props).length === 0 && extra === undefined) return "Record<string, unknown>"
  return fields.length === 0 ? "Record<string, never>" : `{ ${fields.join("; ")} }`
}

const jsonSchemaOf = (schema: z.ZodType, io: "input" | "output"): unknown => {
  const { $schema: _s, $defs: _d, ...root } = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any", cycles: "ref", reused: "inline" }) as Json
  return root
}

/** Whether the input of `schema` may be left out (optional, defaulted, or accepting undefined). */
const optionalInput = (schema: z.ZodType): boolean => schema.safeParse(undefined).success

/** The declaration of one operation: its args type and whether the args are required. */
const operation = (route: RouteInfo, params: ReadonlyArray<string>): { args: string; required: boolean; response: string } => {
  const fields: Array<string> = []
  if (params.length > 0) fields.push(`params: { ${params.map((p) => `${key(p)}: string | number`).join("; ")} }`)
  if (route.query) fields.push(`query?: Query<${tsType(jsonSchemaOf(route.query, "input"), "query")}>`)
  let bodyRequired = false
  if (route.body && route.bodyType === "text") {
    fields.push("body: Blob | string")
    bodyRequired = true
  } else if (route.body) {
    bodyRequired = !optionalInput(route.body)
    fields.push(`body${bodyRequired ? "" : "?"}: ${tsType(jsonSchemaOf(route.body, "input"))}`)
  } else if (route.method !== "GET") {
    // No declared body: nothing, an empty object, or raw bytes (an upload).
    fields.push("body?: Blob | Record<string, never>")
  }
  const ok = route.responses[200] ?? route.responses[201]
  const json = ok?.schema && (ok.contentType === undefined || ok.contentType.includes("json"))
  const response = json ? tsType(jsonSchemaOf(ok.schema!, "output")) : ok?.contentType && !ok.contentType.includes("json") ? "string" : "unknown"
  return { args: fields.length ? `{ ${fields.join("; ")} }` : "Record<string, never>", required: params.length > 0 || bodyRequired, response }
}

const header = `// Generated from the server's route table and zod schemas by src/clientTypes.ts: do not edit.
// Regenerate: pnpm --filter @winback/reference-server gen:client
// The types of /workbench/client.js (served by the server, generated by src/client.ts).
`

const library = `
/** A query's fields: each may be left out, or given as "" or null (the client leaves those out). */
export type Query<T> = { [K in keyof T]?: T[K] | "" | null }
/** Every API operation by its OpenAPI operation id. */
export type OperationId = keyof Operations
/** What \`call(op, args)\` takes for \`op\`: path parameters, query and body. */
export type ArgsOf<Op extends OperationId> = Operations[Op]["args"]
/** The JSON answer of \`op\` (\`unknown\` where the route declares no answer schema). */
export type AnswerOf<Op extends OperationId> = Operations[Op]["answer"]
/** The arguments after the operation id: required when the route has path parameters or a required body. */
export type CallArgs<Op extends OperationId> = Operations[Op]["required"] extends true ? [args: ArgsOf<Op>] : [args?: ArgsOf<Op>]

/** One API route as the page sees it. */
export interface ClientRoute {
  readonly method: string
  readonly path: string
  readonly params: ReadonlyArray<string>
  readonly arrays: ReadonlyArray<string>
}
export declare const routes: { readonly [Op in OperationId]: ClientRoute }
/** The route of an operation id; throws on an unknown one. */
export declare const routeOf: (op: OperationId) => ClientRoute
/** Query string from an object; arrays repeat the key, null/undefined/"" are left out. */
export declare const queryString: (query?: Readonly<Record<string, unknown>>) => string
/** The path (and query) of a call to \`op\` with these path parameters; a missing parameter throws. */
export declare const pathOf: <Op extends OperationId>(op: Op, ...rest: Operations[Op]["args"] extends { params: infer P } ? [params: P, query?: Operations[Op]["args"] extends { query?: infer Q } ? Q : never] : [params?: Record<string, never>, query?: Operations[Op]["args"] extends { query?: infer Q } ? Q : never]) => string
/** A sender \`(method, path, body) => Promise\` as static/api.js's request. */
export type Send = (method: string, path: string, body?: unknown) => Promise<any>
/** A typed caller: \`call(op, { params, query, body })\` resolves with the operation's answer. */
export type Call = <Op extends OperationId>(op: Op, ...args: CallArgs<Op>) => Promise<AnswerOf<Op>>
/** A call of \`op\` for a sender: the method and path come from the route table. */
export declare const callWith: (send: Send) => Call
`

/**
 * The text of `static/client.d.ts` for `routes`: an `Operations` interface (one member per API
 * operation id: `args`, `required`, `answer`) and the typed declarations of the served module's
 * exports (`routes`, `routeOf`, `queryString`, `pathOf`, `callWith`).
 *
 * @example
 * ```ts
 * writeFileSync("src/workbench/static/client.d.ts", clientDeclarations(router.list()))
 * ```
 */
export const clientDeclarations = (routes: ReadonlyArray<RouteInfo>): string => {
  const table = clientRoutes(routes)
  const members = routes
    .filter((r) => r.path.startsWith("/api"))
    .map((r) => {
      const op = operationId(r.method, r.path)
      const { args, required, response } = operation(r, table[op]!.params)
      return `  /** ${r.method} ${r.path}: ${r.summary.replace(/\*\//g, "*\\/")} */\n  ${op}: { args: ${args}; required: ${required}; answer: ${response} }`
    })
    .sort()
  return `${header}\n/** The API's operations: arguments and answer. */\nexport interface Operations {\n${members.join("\n")}\n}\n${library}`
}
