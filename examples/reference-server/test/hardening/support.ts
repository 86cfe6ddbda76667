/**
 * What the hardening suites share: the storages they run on (PGlite in memory, and PostgreSQL in a
 * private schema when the test database URL is set), a seeded server on each, sessions for the demo
 * people, fresh work items made through the API (a director's CSV import), and the digest a failing
 * request must leave unchanged.
 */
import { PgliteStorage, PostgresStorage, type OpenStorage } from "@winback/adapters"
import { type Answer, client, demoLogins, loginAs, startTestServer } from "../support"
import type { RunningServer } from "../../src/server"

/** The PostgreSQL URL of the test run (set by the root globalSetup when PostgreSQL is reachable). */
export const postgresUrl = process.env.WINBACK_TEST_DATABASE_URL

let counter = 0
const schemaName = (label: string) => `h_${label}_${process.pid}_${Date.now().toString(36)}_${++counter}`

/** A storage the suites run on: PGlite always, PostgreSQL when its URL is set. */
export interface StorageCase {
  readonly name: "pglite" | "postgres"
  readonly open: () => Promise<OpenStorage>
}

/** PGlite in memory. */
export const pgliteCase: StorageCase = { name: "pglite", open: () => PgliteStorage.open({ schema: schemaName("lite") }) }

/** PostgreSQL in a fresh schema, dropped when the server closes the storage. */
export const postgresCase: StorageCase = {
  name: "postgres",
  open: async () => {
    const schema = schemaName("pg")
    const s = await PostgresStorage.open({ url: postgresUrl!, schema, maxConnections: 20 })
    return {
      ...s,
      close: async () => {
        await s.run((db) => db.execute(`DROP SCHEMA "${schema}" CASCADE` as never)).catch(() => undefined)
        await s.close()
      }
    }
  }
}

/** The storages to run on here. */
export const storageCases: ReadonlyArray<StorageCase> = postgresUrl ? [pgliteCase, postgresCase] : [pgliteCase]

/** The demo people of the test server by role. */
export const people = {
  agent: demoLogins.agent,
  teamLeader: demoLogins.teamLeader,
  districtLeader: demoLogins.districtLeader,
  director: demoLogins.director,
  approver: demoLogins.approver
}

/** A logged-in client. */
export type Client = Awaited<ReturnType<typeof loginAs>>

/** Starts a seeded test server on `storage`. */
export const startOn = async (c: StorageCase): Promise<RunningServer> => startTestServer(await c.open())

/**
 * Makes one fresh open work item per customer in `task` for `customers` (all owned by `agent`)
 * through the director's CSV import; answers the new item ids by customer. The customers are
 * usually handed out already (demo work, earlier calls), so the import overrides the hand-out
 * ledger (audited) — these tests need fresh items, not dedup.
 */
export const freshItems = async (director: Client, agent: Client, task: string, customers: ReadonlyArray<string>, assignee: string): Promise<Map<string, string>> => {
  const csv = customers.map((c) => `${c},${assignee}`).join("\n") + "\n"
  const r = await director.call("POST", `/api/tasks/${task}/import?overrideReason=${encodeURIComponent("hardening: fresh items")}`, csv, { "content-type": "text/csv" })
  if (r.status !== 200) throw new Error(`import: ${r.status} ${JSON.stringify(r.body)}`)
  const importId = r.body.importId as string
  const out = new Map<string, string>()
  for (const c of customers) {
    const page = await agent.get(`/api/work-items?customerId=${encodeURIComponent(c)}&state=open&limit=200`)
    const item = (page.body.items as Array<{ id: string; period: string; taskId: string }>).find((w) => w.period === importId && w.taskId === task)
    if (!item) throw new Error(`no item of import ${importId} for ${c}`)
    out.set(c, item.id)
  }
  return out
}

/** Every page of a list endpoint (`path` without limit/cursor). */
export const readAll = async <A = any>(c: Client, path: string): Promise<Array<A>> => {
  const out: Array<A> = []
  let cursor: string | null = null
  do {
    const sep = path.includes("?") ? "&" : "?"
    const r: Answer = await c.get(`${path}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`)
    if (r.status !== 200) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`)
    out.push(...(r.body.items as Array<A>))
    cursor = r.body.nextCursor
  } while (cursor)
  return out
}

/** The audit head and entry count as the director sees them (verify walks the whole chain). */
export const auditHead = async (director: Client): Promise<{ ok: boolean; entries: number }> => {
  const r = await director.get("/api/audit/verify")
  if (r.status !== 200) throw new Error(`verify: ${r.status}`)
  return { ok: r.body.ok, entries: r.body.entries }
}

/** One operation of the OpenAPI document. */
export interface Operation {
  readonly method: string
  readonly path: string
  readonly pathParams: ReadonlyArray<string>
  readonly query: ReadonlyArray<{ name: string; schema: any }>
  readonly body: { readonly type: "json" | "csv"; readonly schema: any } | null
  readonly access: "public" | "authenticated"
  /** The content types the operation declares for its 2xx answers. */
  readonly successTypes: ReadonlyArray<string>
}

/** Every operation of the server's OpenAPI document (so a new route is covered automatically). */
export const collectOperations = (doc: any): Array<Operation> => {
  const out: Array<Operation> = []
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
    for (const [method, op] of Object.entries(item)) {
      if (!["get", "post", "put", "patch", "delete"].includes(method)) continue
      const params = (op.parameters ?? []) as Array<{ name: string; in: string; schema: any }>
      const content = op.requestBody?.content as Record<string, { schema: any }> | undefined
      out.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === "path").map((p) => p.name),
        query: params.filter((p) => p.in === "query").map((p) => ({ name: p.name, schema: p.schema })),
        body: content ? (content["text/csv"] ? { type: "csv", schema: content["text/csv"].schema } : { type: "json", schema: content["application/json"]?.schema }) : null,
        access: op.security && op.security.length > 0 ? "authenticated" : "public",
        successTypes: Object.entries((op.responses ?? {}) as Record<string, { content?: Record<string, unknown> }>)
          .filter(([status]) => status.startsWith("2"))
          .flatMap(([, r]) => Object.keys(r.content ?? {}))
      })
    }
  }
  return out
}

export { client, loginAs }
