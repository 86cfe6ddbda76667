/**
 * The OpenAPI document: a valid OpenAPI 3.1 document (checked by @readme/openapi-parser against
 * the specification's schema, and here against its required fields) whose paths and methods are
 * exactly the router's routes, served at GET /api/openapi.json to authenticated callers.
 */
import { compileErrors, validate } from "@readme/openapi-parser"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { openApiPath } from "../src/openapi"
import type { RunningServer } from "../src/server"
import { client, demoLogins, loginAs, startTestServer } from "./support"

// The document is JSON of a known shape; the checks below state it.
type Doc = any

const httpMethods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

/** Structural problems of an OpenAPI 3.1 document (OpenAPI Specification 3.1.0, "Fixed Fields"). */
const problems = (doc: Doc): Array<string> => {
  const out: Array<string> = []
  const need = (cond: boolean, what: string) => void (cond || out.push(what))
  need(typeof doc.openapi === "string" && /^3\.1\.\d+$/.test(doc.openapi), "openapi must be 3.1.x")
  need(typeof doc.info?.title === "string" && doc.info.title.length > 0, "info.title required")
  need(typeof doc.info?.version === "string", "info.version required")
  need(doc.paths !== undefined || doc.components !== undefined || doc.webhooks !== undefined, "one of paths, components, webhooks required")
  const schemes = Object.keys(doc.components?.securitySchemes ?? {})
  for (const [name, s] of Object.entries<any>(doc.components?.securitySchemes ?? {})) {
    need(["apiKey", "http", "mutualTLS", "oauth2", "openIdConnect"].includes(s.type), `securityScheme ${name}: type`)
    if (s.type === "apiKey") need(typeof s.name === "string" && ["query", "header", "cookie"].includes(s.in), `securityScheme ${name}: name/in`)
    if (s.type === "http") need(typeof s.scheme === "string", `securityScheme ${name}: scheme`)
  }
  const checkSecurity = (req: unknown, where: string) => {
    if (req === undefined) return
    need(Array.isArray(req), `${where}: security must be an array`)
    for (const r of req as Array<Record<string, unknown>>) for (const k of Object.keys(r)) need(schemes.includes(k), `${where}: unknown security scheme ${k}`)
  }
  checkSecurity(doc.security, "root")
  const operationIds = new Set<string>()
  const resolve = (ref: string) => ref.replace(/^#\//, "").split("/").reduce<any>((o, k) => o?.[k], doc)
  const walkRefs = (v: unknown, where: string) => {
    if (Array.isArray(v)) v.forEach((x, i) => walkRefs(x, `${where}[${i}]`))
    else if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        if (k === "$ref" && typeof x === "string" && x.startsWith("#/components/")) need(resolve(x) !== undefined, `${where}: dangling $ref ${x}`)
        else walkRefs(x, `${where}.${k}`)
      }
    }
  }
  for (const [path, item] of Object.entries<any>(doc.paths ?? {})) {
    need(path.startsWith("/"), `path ${path} must start with /`)
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!)
    for (const [method, op] of Object.entries<any>(item)) {
      const where = `${method.toUpperCase()} ${path}`
      need(httpMethods.includes(method), `${where}: not an HTTP method`)
      need(op.responses !== undefined && Object.keys(op.responses).length > 0, `${where}: responses required`)
      for (const [status, r] of Object.entries<any>(op.responses ?? {})) {
        need(/^([1-5]\d\d|[1-5]XX|default)$/.test(status), `${where}: bad status ${status}`)
        need(typeof r.description === "string", `${where} ${status}: description required`)
        for (const [type, media] of Object.entries<any>(r.content ?? {})) need(type.includes("/") && typeof media === "object", `${where} ${status}: media type ${type}`)
      }
      if (op.operationId !== undefined) {
        need(!operationIds.has(op.operationId), `${where}: duplicate operationId ${op.operationId}`)
        operationIds.add(op.operationId)
      }
      const params: Array<any> = op.parameters ?? []
      const seen = new Set<string>()
      for (const p of params) {
        need(typeof p.name === "string" && ["query", "header", "path", "cookie"].includes(p.in), `${where}: parameter name/in`)
        need(!seen.has(`${p.in}:${p.name}`), `${where}: duplicate parameter ${p.in}:${p.name}`)
        seen.add(`${p.in}:${p.name}`)
        need((p.schema === undefined) !== (p.content === undefined), `${where}: parameter ${p.name} needs exactly one of schema, content`)
        if (p.in === "path") need(p.required === true && templated.includes(p.name), `${where}: path parameter ${p.name} must be required and templated`)
      }
      for (const t of templated) need(params.some((p) => p.in === "path" && p.name === t), `${where}: template {${t}} has no path parameter`)
      if (op.requestBody !== undefined) need(typeof op.requestBody.content === "object" && Object.keys(op.requestBody.content).length > 0, `${where}: requestBody.content required`)
      checkSecurity(op.security, where)
    }
  }
  walkRefs(doc, "#")
  return out
}

let server: RunningServer
let doc: Doc
beforeAll(async () => {
  // With the inbound integrations mounted, so the signed routes are checked too.
  server = await startTestServer(undefined, { integrations: { smsStatus: { secret: "sms-callback-secret-0123456789" }, callEvents: { secret: "pbx-event-secret-0123456789" } } })
  const r = await (await loginAs(server, demoLogins.agent)).get("/api/openapi.json")
  expect(r.status).toBe(200)
  doc = r.body
})
afterAll(() => server?.close())

describe("the OpenAPI document", () => {
  it("is a structurally valid OpenAPI 3.1 document", () => {
    expect(problems(doc)).toEqual([])
  })

  it("validates as OpenAPI 3.1 (@readme/openapi-parser: the specification's schema, every $ref resolved)", async () => {
    const result = await validate(structuredClone(doc))
    expect(result.valid ? "" : compileErrors(result)).toBe("")
    expect(result.specification).toBe("OpenAPI")
    const broken = structuredClone(doc)
    broken.paths["/api/calls"].post.responses["200"].content["application/json"].schema = { $ref: "#/components/schemas/Missing" }
    expect((await validate(broken)).valid).toBe(false)
  })

  it("the structural check catches broken documents (so it can fail)", () => {
    const broken = structuredClone(doc)
    broken.openapi = "3.0.3"
    delete broken.info.title
    const [first] = Object.values<any>(broken.paths)
    delete Object.values<any>(first)[0].responses
    broken.paths["/api/x/{id}"] = { get: { responses: { "200": { description: "x" } } } }
    broken.paths["/api/y"] = { get: { security: [{ nope: [] }], responses: { "200": { description: "y", content: { "application/json": { schema: { $ref: "#/components/schemas/Missing" } } } } } } }
    const found = problems(broken)
    for (const expected of ["openapi must be 3.1.x", "info.title required", "responses required", "template {id} has no path parameter", "unknown security scheme nope", "dangling $ref"]) {
      expect(found.some((p) => p.includes(expected)), expected).toBe(true)
    }
  })

  it("has exactly the router's routes: the same paths and methods", () => {
    const fromRouter = server.router
      .list()
      .map((r) => `${r.method} ${openApiPath(r.path)}`)
      .sort()
    const fromDoc = Object.entries<any>(doc.paths)
      .flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`))
      .sort()
    expect(fromDoc).toEqual(fromRouter)
    expect(fromDoc).toContain("POST /api/questionnaires/{id}/evaluate")
    expect(fromDoc).toContain("GET /api/openapi.json")
    expect(fromDoc).toContain("POST /api/integrations/sms-status")
  })

  it("marks exactly the public routes as needing no credentials and documents the error model", () => {
    for (const r of server.router.list()) {
      const op = doc.paths[openApiPath(r.path)][r.method.toLowerCase()]
      // Signed routes need no session either: their signature header is a documented parameter.
      expect(op.security, `${r.method} ${r.path}`).toEqual(r.access === "authenticated" ? [{ bearerAuth: [] }, { cookieAuth: [] }] : [])
      if (r.access !== "public") expect(op.responses["401"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/Error" })
      if (r.access === "signed") expect(op.parameters.filter((p: { in: string; required: boolean }) => p.in === "header" && p.required)).toHaveLength(1)
    }
    expect(doc.paths["/api/login"].post.responses["429"]).toBeDefined()
    expect(doc.components.schemas.Error.properties.error.properties.code.enum).toContain("rate_limited")
  })

  it("describes bodies, path and query parameters from the zod schemas", () => {
    const call = doc.paths["/api/calls"].post
    const body = call.requestBody.content["application/json"].schema
    expect(body.required).toEqual(expect.arrayContaining(["customerId", "itemIds", "disposition"]))
    expect(body.properties.itemIds).toMatchObject({ type: "array", minItems: 1, maxItems: 100 })
    expect(body.properties.disposition.enum).toContain("completed")
    const list = doc.paths["/api/customers"].get.parameters
    expect(list.find((p: { name: string }) => p.name === "limit")).toMatchObject({ in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: 200 } })
    expect(list.find((p: { name: string }) => p.name === "tier")).toMatchObject({ in: "query", style: "form", explode: true, schema: { type: "array" } })
    expect(doc.paths["/api/tasks/{id}/import"].post.requestBody.content["text/csv"]).toBeDefined()
  })

  it("is not served without credentials", async () => {
    expect((await client(server).get("/api/openapi.json")).status).toBe(401)
  })
})
