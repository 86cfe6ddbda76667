/**
 * The page's API client: `/workbench/client.js` is generated from the route table, and the page's
 * `paths.js` builds every path through it, so each names a route the server has.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { RunningServer } from "../src/server"
import { client, startTestServer } from "./support"

let server: RunningServer
let dir: string
// The generated module and paths.js, loaded as the browser loads them (plain ES modules).
let generated: any
let paths: Record<string, unknown>

beforeAll(async () => {
  server = await startTestServer()
  const r = await client(server).get("/workbench/client.js")
  expect(r.status).toBe(200)
  expect(r.headers.get("content-type")).toContain("text/javascript")
  dir = mkdtempSync(join(tmpdir(), "winback-client-"))
  writeFileSync(join(dir, "client.js"), r.body as string)
  copyFileSync(new URL("../src/workbench/static/paths.js", import.meta.url), join(dir, "paths.js"))
  generated = await import(pathToFileURL(join(dir, "client.js")).href)
  paths = (await import(pathToFileURL(join(dir, "paths.js")).href)).paths
})
afterAll(async () => {
  await server?.close()
  rmSync(dir, { recursive: true, force: true })
})

/** The route of a concrete path, matched against the router's templates. */
const routesOf = (path: string) =>
  server.router.list().filter((r) => new RegExp(`^${r.path.replace(/:[a-zA-Z]+/g, "[^/]+")}$`).test(path.split("?")[0]!))

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

  it("gives the page's paths.js a registered route for every entry", () => {
    // Entries whose argument picks one of a family of routes get a real member of the family.
    const args: Readonly<Record<string, Array<string>>> = { reportTables: ["funnel"] }
    for (const [name, entry] of Object.entries(paths)) {
      const path = typeof entry === "string" ? entry : (entry as (...a: Array<string>) => string)(...(args[name] ?? ["x-1", "y-2"]))
      expect(routesOf(path).length, `${name}: ${path}`).toBeGreaterThan(0)
    }
    expect(paths.itemQuestionnaire).toBeTypeOf("function")
    expect((paths.itemQuestionnaire as (id: string, l: string) => string)("w 1", "zh-CN")).toBe("/api/work-items/w%201/questionnaire?locale=zh-CN")
  })
})
