/**
 * The page's API client: `/workbench/client.js` is generated from the route table, its declarations
 * (`static/client.d.ts`) from the same zod schemas, and the page calls the API only through it: no
 * hand-written `/api/` path is left in the page, and tsc rejects a call that does not fit a route.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import ts from "typescript"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { clientDeclarations, tsType } from "../src/clientTypes"
import type { RunningServer } from "../src/server"
import { client, startTestServer } from "./support"

let server: RunningServer
let dir: string
// The generated module, loaded as the browser loads it (a plain ES module).
let generated: any

beforeAll(async () => {
  server = await startTestServer()
  const r = await client(server).get("/workbench/client.js")
  expect(r.status).toBe(200)
  expect(r.headers.get("content-type")).toContain("text/javascript")
  dir = mkdtempSync(join(tmpdir(), "winback-client-"))
  writeFileSync(join(dir, "client.js"), r.body as string)
  generated = await import(pathToFileURL(join(dir, "client.js")).href)
})
afterAll(async () => {
  await server?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe("the generated client", () => {
  it("has every API route of the router, by operation id, and no other", () => {
    const api = server.router.list().filter((r) => r.path.startsWith("/api"))
    expect(Object.keys(generated.routes)).toHaveLength(api.length)
    expect(generated.routes.getApiCustomersById).toEqual({ method: "GET", path: "/api/customers/:id", params: ["id"], arrays: [] })
    expect(generated.routes.getApiCustomers.arrays).toContain("tier")
  })

  it("builds paths with encoded parameters and repeated array keys, and refuses unknown operations and missing parameters", () => {
    expect(generated.pathOf("getApiCustomersById", { id: "c 1/2" })).toBe("/api/customers/c%201%2F2")
    expect(generated.pathOf("getApiCustomers", {}, { tier: ["A", "B"], limit: 5, cursor: undefined })).toBe("/api/customers?tier=A&tier=B&limit=5")
    expect(() => generated.pathOf("getApiNothing")).toThrow(/no operation getApiNothing/)
    expect(() => generated.pathOf("getApiCustomersById", {})).toThrow(/path parameter id missing/)
  })

  it("calls through a sender with the route's method", async () => {
    const sent: Array<unknown> = []
    const call = generated.callWith(async (...args: Array<unknown>) => sent.push(args))
    await call("postApiTasksByIdApprove", { params: { id: "t-1" }, body: { note: "ok" } })
    expect(sent).toEqual([["POST", "/api/tasks/t-1/approve", { note: "ok" }]])
  })
})

const staticDir = fileURLToPath(new URL("../src/workbench/static/", import.meta.url))
const pageModules = () => readdirSync(staticDir).filter((f) => f.endsWith(".js"))

/** The diagnostics tsc gives a page-like JavaScript module importing the page's api.js, under the page's tsconfig. */
const diagnosticsOf = (code: string): Array<string> => {
  const fixtures = mkdtempSync(join(tmpdir(), "winback-typecheck-"))
  const file = join(fixtures, "fixture.js")
  writeFileSync(file, code.replaceAll('"./api.js"', JSON.stringify(join(staticDir, "api.js"))))
  try {
    const config = ts.getParsedCommandLineOfConfigFile(join(staticDir, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!
    const program = ts.createProgram([file], config.options)
    return ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"))
  } finally {
    rmSync(fixtures, { recursive: true, force: true })
  }
}

describe("the client's types", () => {
  it("are committed as generated from the route schemas now", () => {
    const committed = readFileSync(join(staticDir, "client.d.ts"), "utf8")
    expect(committed === clientDeclarations(server.router.list()), "static/client.d.ts is stale: run `pnpm --filter @winback/reference-server gen:client` and commit it").toBe(true)
  })

  it("turn JSON Schemas into TypeScript: objects, arrays, enums, unions, nullable, records, and unknown for a $ref", () => {
    expect(tsType({ type: "object", properties: { id: { type: "string" }, n: { type: "integer" } }, required: ["id"] })).toBe("{ id: string; n?: number }")
    expect(tsType({ type: "array", items: { enum: ["a", "b"] } })).toBe('Array<"a" | "b">')
    expect(tsType({ anyOf: [{ type: "string" }, { type: "null" }] })).toBe("string | null")
    expect(tsType({ type: "object", additionalProperties: { type: "number" } })).toBe("{ [key: string]: number }")
    expect(tsType({ $ref: "#/$defs/Condition" })).toBe("unknown")
    expect(tsType({ type: "integer" }, "query")).toBe("number | string")
  })

  it("type the page's calls: a missing path parameter, an unknown operation or a wrong body field is a tsc error", () => {
    expect(diagnosticsOf(`import { call } from "./api.js"\ncall("postApiTasksByIdApprove", { params: { id: "t-1" }, body: { comment: "ok" } }).then((r) => r)\n`)).toEqual([])
    expect(diagnosticsOf(`import { call } from "./api.js"\ncall("postApiTasksByIdApprove", { body: {} })\n`).join("\n")).toMatch(/params/)
    expect(diagnosticsOf(`import { call } from "./api.js"\ncall("postApiTasksByIdApprove")\n`).join("\n")).toMatch(/Expected 2 arguments/)
    expect(diagnosticsOf(`import { call } from "./api.js"\ncall("getApiNothing")\n`).join("\n")).toMatch(/getApiNothing/)
    expect(diagnosticsOf(`import { call } from "./api.js"\ncall("postApiTasksByIdApprove", { params: { id: "t-1" }, body: { comnent: "ok" } })\n`).join("\n")).toMatch(/comnent/)
    // The answer is typed too: a field the route's schema does not have is an error.
    expect(diagnosticsOf(`import { call } from "./api.js"\ncall("getApiCustomersById", { params: { id: "c-1" } }).then((c) => c.nmae)\n`).join("\n")).toMatch(/nmae/)
  })

  it("leave no hand-written API path in the page: no string literal in static/*.js starts with /api/", () => {
    const found: Array<string> = []
    for (const name of pageModules()) {
      const source = ts.createSourceFile(name, readFileSync(join(staticDir, name), "utf8"), ts.ScriptTarget.Latest, true, ts.ScriptKind.JS)
      const visit = (node: ts.Node): void => {
        if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node)) && node.text.startsWith("/api/")) {
          found.push(`${name}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${node.getText()}`)
        }
        ts.forEachChild(node, visit)
      }
      visit(source)
    }
    expect(found, "call the API with call(op, ...) (api.js) or build a link with pathOf(op, ...) (client.js)").toEqual([])
    expect(pageModules()).toContain("api.js")
  })
})
