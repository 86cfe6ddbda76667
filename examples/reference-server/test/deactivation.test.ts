/**
 * A deactivated manager's credentials stop working at once, in every server sharing the database:
 * two servers on one database (as two processes would be), the admin deactivates on one, the
 * manager's session and API key on the other answer 401 on their next request, the right password
 * is refused with a clear error, and reactivation revives neither the old session nor the old key.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { PgliteStorage, PostgresStorage, type OpenStorage } from "@winback/adapters"
import type { RunningServer } from "../src/server"
import { demoPassword } from "../src/server"
import { client, demoLogins, loginAs, startTestServer } from "./support"

const postgresUrl = process.env.WINBACK_TEST_DATABASE_URL
const schema = `wb_dnd_lists_deact_${process.pid}_${Date.now().toString(36)}`

let shared: OpenStorage
let second: OpenStorage | undefined
let a: RunningServer
let b: RunningServer
const who = demoLogins.agent
const admin = demoLogins.director // admin of the region root

beforeAll(async () => {
  if (postgresUrl) {
    shared = await PostgresStorage.open({ url: postgresUrl, schema, maxConnections: 10 })
    second = await PostgresStorage.open({ url: postgresUrl, schema, maxConnections: 10 })
  } else {
    shared = await PgliteStorage.open({ schema })
  }
  a = await startTestServer({ ...shared, close: async () => {} })
  // The second server opens its own connections to the same schema (the same storage object on PGlite).
  b = await startTestServer({ ...(second ?? shared), close: async () => {} })
})
afterAll(async () => {
  await a?.close()
  await b?.close()
  await second?.close()
  if (postgresUrl) await shared.run((db) => db.execute(`DROP SCHEMA "${schema}" CASCADE` as never)).catch(() => undefined)
  await shared?.close()
})

const setActive = async (active: boolean) => {
  const r = await (await loginAs(a, admin)).call("PUT", `/api/managers/${who}/active`, { active })
  expect(r.status).toBe(200)
  expect(r.body.active).toBe(active)
}

describe(`deactivating a manager ends their credentials everywhere (${postgresUrl ? "postgres" : "pglite"})`, () => {
  it("session and API key answer 401 on the other server at once; the right password gets 403 account_deactivated; reactivation revives neither", async () => {
    const session = await loginAs(b, who)
    const keyAnswer = await (await loginAs(a, admin)).post("/api/api-keys", { name: "agent dialer bridge", managerId: who })
    expect(keyAnswer.status).toBe(201)
    const key = client(b, keyAnswer.body.key as string)
    expect((await session.get("/api/me")).status).toBe(200)
    expect((await key.get("/api/me")).status).toBe(200)

    await setActive(false)
    // No request of theirs reached either server in between: the credentials ended in storage.
    const refused = await client(b).post("/api/login", { login: who, password: demoPassword })
    expect(refused.status).toBe(403)
    expect(refused.body.error.code).toBe("account_deactivated")
    // A wrong password still says only that the login or password is wrong.
    expect((await client(b).post("/api/login", { login: who, password: "not-the-password" })).body.error.code).toBe("invalid_credentials")

    await setActive(true)
    expect((await session.get("/api/me")).status).toBe(401)
    expect((await key.get("/api/me")).status).toBe(401)
    const listed = await (await loginAs(b, admin)).get(`/api/api-keys/${keyAnswer.body.apiKey.id}`)
    expect(listed.body.revokedAt).not.toBeNull()
    // They log in afresh.
    const fresh = await loginAs(b, who)
    expect((await fresh.get("/api/me")).status).toBe(200)

    // The deactivation is audited with what it ended.
    const audit = await b.winback.stores.audit.query({ categories: ["system"], actorId: admin }, { limit: 100 })
    const entry = audit.items.find((e) => e.action === "credentials.end" && e.recordId === who)
    expect(entry?.after).toEqual({ sessionsEnded: 1, apiKeysRevoked: [keyAnswer.body.apiKey.id] })
  })

  it("a session opened on the other server ends at its next request after a deactivation", async () => {
    const session = await loginAs(b, who)
    expect((await session.get("/api/work-list/customers")).status).toBe(200)
    await setActive(false)
    expect((await session.get("/api/work-list/customers")).status).toBe(401)
    await setActive(true)
    expect((await session.get("/api/work-list/customers")).status).toBe(401)
  })
})
