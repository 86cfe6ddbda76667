/**
 * HTTP fuzzing with fast-check, over every route of the OpenAPI document the server serves (so a new
 * route is fuzzed automatically): arbitrary and nearly-valid JSON bodies (built from the route's own
 * JSON schema, then broken: a field dropped, an extra field, a wrong type, numbers as strings, huge
 * and unicode strings, deep nesting, prototype-pollution keys, invalid JSON, the wrong content type),
 * odd query strings and path parameters, sent with the API keys of a director and of an agent, on
 * PGlite. The server answers only 2xx, or a JSON error with a stable code and a 4xx status — never a
 * 5xx, never a hang, never a non-JSON error — and after every refused request nothing changed (the
 * audit head, the work items by state and the credentials are the same). The server runs in this process, so the test
 * also checks that no request polluted Object.prototype.
 *
 * CI: 12 cases per route and caller; WINBACK_HEAVY=1: 300.
 */
import { request } from "node:http"
import fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { RunningServer } from "../../src/server"
import { type Client, client, collectOperations, loginAs, type Operation, people, pgliteCase, readAll, startOn } from "./support"

const heavy = process.env.WINBACK_HEAVY === "1"
const runsPerRoute = heavy ? 300 : 12

// OpenAPI / JSON Schema fragments are read loosely: the generator inspects what is there.
type Schema = any

/** A request as sent: what the failure report prints. */
interface Sent {
  readonly method: string
  readonly url: string
  readonly contentType: string | null
  readonly body: string | null
}

const huge = "x".repeat(100_000)
const weirdStrings: ReadonlyArray<string> = [
  "",
  " ",
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "../../etc/passwd",
  "%",
  "%zz",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "😀👩‍👩‍👧",
  "مرحبا",
  "𝒜",
  "'; DROP TABLE customers; --",
  "' OR '1'='1",
  "$1",
  "\\",
  "<script>alert(1)</script>",
  "=cmd|' /C calc'!A0",
  "1e309",
  "-0",
  "NaN",
  "9007199254740993",
  "2026-02-30",
  "2026-11-25T25:61:00Z",
  "x".repeat(201),
  "x".repeat(5000)
]
const weirdString = fc.oneof(fc.constantFrom(...weirdStrings), fc.string({ maxLength: 40 }), fc.string({ unit: "grapheme", maxLength: 20 }), fc.string({ unit: "binary", maxLength: 20 }))
const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  weirdString,
  fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, "12", "true", "null", huge, [], {}, [[[[[]]]]], { a: { b: { c: {} } } }),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.jsonValue({ maxDepth: 3 })
)

/** A value for a JSON schema: valid where the generator understands the schema, plausible otherwise. */
const fromSchema = (schema: Schema, depth = 0): fc.Arbitrary<unknown> => {
  if (!schema || typeof schema !== "object" || depth > 6) return fc.jsonValue({ maxDepth: 2 })
  if (schema.const !== undefined) return fc.constant(schema.const)
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as Array<unknown>))
  const alternatives = schema.anyOf ?? schema.oneOf
  if (Array.isArray(alternatives) && alternatives.length > 0) return fc.oneof(...(alternatives as Array<Schema>).map((s) => fromSchema(s, depth + 1)))
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type
  switch (type) {
    case "object": {
      const props = (schema.properties ?? {}) as Record<string, Schema>
      const required = new Set<string>(schema.required ?? [])
      const entries = Object.entries(props)
      if (entries.length === 0) return fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 })
      return fc.record(Object.fromEntries(entries.map(([k, s]) => [k, fromSchema(s, depth + 1)])), { requiredKeys: entries.map(([k]) => k).filter((k) => required.has(k)) })
    }
    case "array": {
      const max = Math.min(schema.maxItems ?? 3, 3)
      return fc.array(fromSchema(schema.items, depth + 1), { minLength: Math.min(schema.minItems ?? 0, max), maxLength: max })
    }
    case "string": {
      if (schema.format === "date-time") return fc.date({ min: new Date("2026-01-01"), max: new Date("2027-12-31"), noInvalidDate: true }).map((d) => d.toISOString())
      if (schema.format === "date") return fc.date({ min: new Date("2026-01-01"), max: new Date("2027-12-31"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10))
      const min = schema.minLength ?? 0
      return fc.string({ minLength: min, maxLength: Math.max(min, Math.min(schema.maxLength ?? 20, 20)) })
    }
    case "integer":
      return fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000 })
    case "number":
      return fc.double({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000, noNaN: true })
    case "boolean":
      return fc.boolean()
    case "null":
      return fc.constant(null)
    default:
      return fc.jsonValue({ maxDepth: 2 })
  }
}

/** Breaks a nearly-valid object body in one of the ways clients get bodies wrong. */
const mutate = (valid: unknown): fc.Arbitrary<{ text: string; note: string }> => {
  const asText = (v: unknown, note: string) => ({ text: JSON.stringify(v) ?? "null", note })
  const obj = valid !== null && typeof valid === "object" && !Array.isArray(valid) ? (valid as Record<string, unknown>) : null
  const keys = obj ? Object.keys(obj) : []
  const options: Array<fc.Arbitrary<{ text: string; note: string }>> = [
    fc.constant(asText(valid, "nearly valid")),
    fc.jsonValue({ maxDepth: 4 }).map((v) => asText(v, "arbitrary JSON")),
    fc.constantFrom("{", "{\"a\":", "[1,2", "nul", "NaN", "{'a':1}", "\u0000", "{\"a\":1}{", "", "   ", "\"\\ud800\"").map((t) => ({ text: t, note: "invalid JSON" })),
    fc.constantFrom(200, 2_000, 20_000).map((n) => ({ text: "[".repeat(n) + "]".repeat(n), note: `nested ${n} deep` })),
    fc.constantFrom(200, 2_000).map((n) => ({ text: '{"a":'.repeat(n) + "1" + "}".repeat(n), note: `objects nested ${n} deep` }))
  ]
  if (obj) {
    options.push(
      fc.constantFrom("__proto__", "constructor", "prototype").map((k) => ({
        text: `{"${k}":{"polluted":"yes","isAdmin":true}${keys.length ? "," : ""}${JSON.stringify(obj).slice(1)}`,
        note: `${k} key`
      })),
      fc.tuple(fc.string({ maxLength: 12 }), wrongValue).map(([k, v]) => asText({ ...obj, [k || "extra"]: v }, "extra field"))
    )
    if (keys.length > 0) {
      options.push(
        fc.constantFrom(...keys).map((k) => {
          const { [k]: _drop, ...rest } = obj
          return asText(rest, `missing ${k}`)
        }),
        fc.tuple(fc.constantFrom(...keys), wrongValue).map(([k, v]) => asText({ ...obj, [k]: v }, `wrong ${k}`)),
        fc.constantFrom(...keys).map((k) => asText({ ...obj, [k]: typeof obj[k] === "number" ? String(obj[k]) : typeof obj[k] === "boolean" ? String(obj[k]) : huge }, `${k} as string / huge`))
      )
    }
  }
  return fc.oneof(...options)
}

const queryValue = (schema: Schema): fc.Arbitrary<string> =>
  fc.oneof(
    fromSchema(schema?.type === "array" ? schema.items : schema).map((v) => (typeof v === "string" ? v : JSON.stringify(v) ?? "")),
    weirdString,
    fc.constantFrom("-1", "0", "1", "201", "1e3", "0x10", "true", "false", "", huge.slice(0, 3000))
  )

describe("HTTP fuzzing of every OpenAPI route (PGlite)", () => {
  let server: RunningServer
  let callers: Array<{ who: string; token: string }>
  let director: Client
  let operations: Array<Operation>
  let ids: Array<string>
  const tally = { routes: 0, cases: 0, ok2xx: 0, refused4xx: 0, byStatus: {} as Record<number, number> }

  beforeAll(async () => {
    server = await startOn(pgliteCase)
    director = await loginAs(server, people.director)
    const agent = await loginAs(server, people.agent)
    // API keys, so a fuzzed POST /api/logout cannot end the callers' sessions.
    callers = []
    for (const who of [people.director, people.agent]) {
      const r = await director.post("/api/api-keys", { name: `fuzz ${who}`, managerId: who })
      expect(r.status).toBe(201)
      callers.push({ who, token: r.body.key })
    }
    const doc = (await director.get("/api/openapi.json")).body
    operations = collectOperations(doc)
    const items = await readAll<{ id: string }>(agent, "/api/work-items")
    ids = ["c-0000001", "c-0000002", people.agent, people.director, "t-beijing-d1-s1", "demo-retention-bill-drop", "demo-win-back-zero-bill", items[0]!.id, items[1]!.id, "app.js", "style.css"]
  })
  afterAll(async () => {
    await server?.close()
    console.log(`[fuzz] ${JSON.stringify(tally)}`)
  })

  /** What must stay the same when a request is refused. */
  const digest = async () => {
    const verified = await server.winback.as(people.director).audit.verify()
    const keys = await server.auth.listApiKeys({ limit: 200, cursor: null })
    const items = await server.winback.stores.workItems.countByState({})
    return JSON.stringify({ audit: verified, items, passwords: await server.auth.countPasswords(), keys: keys.items.map((k) => [k.id, k.revokedAt]) })
  }

  const send = async (s: Sent, token: string | null) => {
    const res = await fetch(server.url + s.url, {
      method: s.method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(s.contentType ? { "content-type": s.contentType } : {}) },
      ...(s.body !== null ? { body: s.body } : {}),
      signal: AbortSignal.timeout(15_000)
    })
    const type = res.headers.get("content-type") ?? ""
    const text = await res.text()
    return { status: res.status, type, text }
  }

  /** A POST on its own connection (an oversized body may end it), answering status 0 when the server hung up first. */
  const rawPost = (path: string, token: string, body: string) =>
    new Promise<{ status: number; text: string }>((resolve) => {
      const req = request(server.url + path, { method: "POST", agent: false, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" } }, (res) => {
        let text = ""
        res.on("data", (c: Buffer) => (text += c.toString()))
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }))
        res.on("error", () => resolve({ status: res.statusCode ?? 0, text }))
      })
      req.on("error", () => resolve({ status: 0, text: "connection closed by the server" }))
      req.end(body)
    })

  const requestFor = (op: Operation): fc.Arbitrary<Sent> => {
    const pathArb = fc
      .tuple(
        ...op.pathParams.map(() =>
          fc.oneof(
            { weight: 3, arbitrary: fc.constantFrom(...ids).map(encodeURIComponent) },
            { weight: 2, arbitrary: weirdString.map((s) => encodeURIComponent(s) || "x") },
            { weight: 1, arbitrary: fc.constantFrom("%", "%E0%A4%A", "%00", "..", "%2e%2e", "a%2Fb", "%C0%AE") }
          )
        )
      )
      .map((values) => op.pathParams.reduce((p, name, i) => p.replace(`{${name}}`, values[i]!), op.path))
    const queryArb = fc
      .tuple(
        fc.subarray(op.query.map((q) => q.name)),
        fc.array(fc.tuple(fc.constantFrom("__proto__", "constructor", "__proto__[polluted]", "constructor[prototype][polluted]", "limit", "cursor", "x"), weirdString), { maxLength: 2 }),
        fc.array(fc.string({ maxLength: 200 }), { maxLength: 1 })
      )
      .chain(([names, extra, raw]) =>
        fc.tuple(...names.map((n) => queryValue(op.query.find((q) => q.name === n)!.schema).map((v) => [n, v] as const))).map((pairs) => {
          const q = new URLSearchParams()
          for (const [k, v] of [...pairs, ...extra]) q.append(k, v)
          const s = q.toString()
          return [s, ...raw].filter((x) => x.length > 0).join("&")
        })
      )
    const bodyArb: fc.Arbitrary<{ contentType: string | null; body: string | null; note: string }> =
      op.body === null
        ? op.method === "GET" || op.method === "DELETE"
          ? fc.constant({ contentType: null, body: null, note: "no body" })
          : fc.oneof(fc.constant({ contentType: null, body: null, note: "no body" }), fc.jsonValue({ maxDepth: 2 }).map((v) => ({ contentType: "application/json", body: JSON.stringify(v) ?? "null", note: "unexpected body" })))
        : op.body.type === "csv"
          ? fc.oneof(
              fc.array(fc.tuple(fc.oneof(fc.constantFrom(...ids), weirdString), fc.oneof(fc.constantFrom(...ids), weirdString)), { maxLength: 5 }).map((rows) => ({
                contentType: "text/csv",
                body: rows.map(([a, b]) => `${a},${b}`).join("\n"),
                note: "csv"
              })),
              fc.string({ unit: "binary", maxLength: 300 }).map((t) => ({ contentType: "text/csv", body: t, note: "binary csv" })),
              fc.constant({ contentType: "application/json", body: '{"a":1}', note: "json instead of csv" })
            )
          : fromSchema(op.body.schema).chain((valid) =>
              fc.tuple(
                mutate(valid),
                fc.constantFrom<string | null>("application/json", "application/json", "application/json", "application/json; charset=utf-8", "text/plain", "application/x-www-form-urlencoded", null)
              ).map(([b, ct]) => ({ contentType: ct, body: b.text, note: b.note }))
            )
    return fc.tuple(pathArb, queryArb, bodyArb).map(([path, query, b]) => ({
      method: op.method,
      url: path + (query ? `?${query}` : ""),
      contentType: b.contentType,
      body: b.body
    }))
  }

  it(`answers every fuzzed request to every route with 2xx or a JSON 4xx, refusals changing nothing (${runsPerRoute} cases per route and caller)`, async () => {
    expect(operations.length).toBeGreaterThanOrEqual(60)
    const failures: Array<string> = []
    for (const op of operations) {
      tally.routes++
      for (const caller of callers) {
        await fc
          .assert(
            fc.asyncProperty(requestFor(op), async (s) => {
              const before = await digest()
              const r = await send(s, caller.token)
              tally.cases++
              tally.byStatus[r.status] = (tally.byStatus[r.status] ?? 0) + 1
              const where = `${caller.who} ${s.method} ${s.url.slice(0, 300)} [${s.contentType}] ${String(s.body).slice(0, 300)} -> ${r.status} ${r.text.slice(0, 300)}`
              expect(({} as Record<string, unknown>).polluted, where).toBeUndefined()
              expect(({} as Record<string, unknown>).isAdmin, where).toBeUndefined()
              if (r.status >= 200 && r.status < 300) {
                tally.ok2xx++
                // A success has a content type the operation declares (JSON, or the page, CSV, XLSX, SVG it documents).
                const declared = op.successTypes.length > 0 ? op.successTypes : ["application/json"]
                const page = op.path === "/" || op.path.startsWith("/workbench/") // the assets are JS, CSS and SVG under one text/html description
                if (!page) expect(declared.some((t) => r.type.startsWith(t)), `${where} (declared ${declared.join(", ")})`).toBe(true)
                return
              }
              tally.refused4xx++
              expect(r.status >= 400 && r.status < 500, where).toBe(true)
              expect(r.type, where).toContain("application/json")
              const body = JSON.parse(r.text) as { error: { code: string; message: string } }
              expect(body.error.code, where).toMatch(/^[a-z][a-z_]*$/)
              expect(typeof body.error.message, where).toBe("string")
              expect(await digest(), where).toBe(before)
            }),
            { numRuns: runsPerRoute, seed: 9, endOnFailure: true }
          )
          .catch((e: unknown) => failures.push(`${op.method} ${op.path} as ${caller.who}: ${(e as Error).message.split("\n").filter((l) => /Counterexample|Got |Error|expected|->/.test(l)).slice(0, 6).join("\n")}`))
      }
    }
    expect(failures, failures.join("\n\n")).toEqual([])
  }, heavy ? 7_200_000 : 600_000)

  it("refuses an oversized JSON body with 413 and a wrong content type with 415, changing nothing", async () => {
    const before = await digest()
    const big = JSON.stringify({ customerId: "c-0000001", itemIds: ["x"], disposition: "completed", note: "x".repeat(2 * 1024 * 1024) })
    const r = await rawPost("/api/calls", callers[1]!.token, big)
    // The server may close the connection while the client still sends: then there is no answer to read.
    expect(r.status === 413 || r.status === 0, `${r.status} ${r.text}`).toBe(true)
    if (r.status === 413) expect(JSON.parse(r.text).error.code).toBe("payload_too_large")
    const t = await send({ method: "POST", url: "/api/dnd", contentType: "text/plain", body: '{"customerId":"c-0000001"}' }, callers[1]!.token)
    expect(t.status).toBe(415)
    expect(JSON.parse(t.text).error.code).toBe("unsupported_media_type")
    expect(await digest()).toBe(before)
    // The server still answers.
    expect((await client(server).get("/health")).status).toBe(200)
  })
})
