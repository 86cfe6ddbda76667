/**
 * What the server tests share: a server on memory storage (or PGlite / PostgreSQL) seeded with a
 * small demo, low password-hash cost for speed, and a tiny HTTP client that logs in as a person.
 */
import { Effect } from "effect"
import { MemoryDb, makeMemoryStores, type OpenStorage } from "@winback/adapters"
import type { Stores } from "@winback/core"
import { generateOrg, resolveDemoOptions } from "@winback/core/demo"
import { seedIfEmpty } from "../src/demo"
import { demoPassword, type RunningServer, type ServerOptions, startServer } from "../src/server"

/** The business date of the test demo. */
export const asOf = "2026-11-25"
/** The test demo: two regions, two districts of two squads of three agents each. */
export const demoShape = { regions: ["beijing", "shanghai"], districtsPerRegion: 2, squadsPerDistrict: 2, agentsPerTeam: 3, months: 5, dailyDays: 35 }
/** The generated organisation of the test demo. */
export const demoOrg = generateOrg(resolveDemoOptions({ seed: 1, customers: 300, asOf, ...demoShape }))
/** The demo people (first region) by role. */
export const demoLogins = demoOrg.logins

/** Fresh memory storage, with the database under it for the report queries. */
export const memoryStorage = () => {
  const db = new MemoryDb()
  return { stores: makeMemoryStores(db), db, close: async () => {} }
}

/** Starts a seeded server on `storage` (default: fresh memory stores). */
export const startTestServer = async (storage: ServerOptions["storage"] = memoryStorage(), extra: Partial<ServerOptions> = {}): Promise<RunningServer> =>
  startServer({ storage, port: 0, seed: seedIfEmpty({ customers: 300, asOf, demo: demoShape }), today: () => asOf, scrypt: { N: 1024, r: 8, p: 1 }, ...extra })

/** One HTTP answer, the body parsed when it is JSON. */
export interface Answer {
  readonly status: number
  readonly headers: Headers
  // Bodies are read loosely on purpose: the assertions state their shape.
  readonly body: any
}

/** A client: anonymous, or with a bearer token. */
export const client = (server: RunningServer, token?: string) => {
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> => {
    const res = await fetch(server.url + path, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined && typeof body !== "string" ? { "content-type": "application/json" } : {}),
        ...headers
      },
      ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {})
    })
    const type = res.headers.get("content-type") ?? ""
    return { status: res.status, headers: res.headers, body: type.includes("json") ? await res.json() : await res.text() }
  }
  return {
    get: (path: string) => call("GET", path),
    post: (path: string, body?: unknown, headers?: Record<string, string>) => call("POST", path, body ?? {}, headers),
    patch: (path: string, body: unknown) => call("PATCH", path, body),
    del: (path: string) => call("DELETE", path),
    call
  }
}

/** Logs in with the demo password and answers a client with the session token. */
export const loginAs = async (server: RunningServer, login: string) => {
  const r = await client(server).post("/api/login", { login, password: demoPassword })
  if (r.status !== 200) throw new Error(`login ${login}: ${r.status} ${JSON.stringify(r.body)}`)
  return client(server, r.body.token as string)
}

/** Runs a store call directly (test set-up and read-back, not the code under test). */
export const direct = <A>(stores: Stores | OpenStorage["stores"], f: (s: Stores) => Effect.Effect<A, unknown>): Promise<A> => Effect.runPromise(f(stores) as Effect.Effect<A>)
