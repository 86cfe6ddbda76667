/**
 * Authentication over real HTTP: password login, wrong passwords, the login rate limit (429 with
 * Retry-After), bearer token and cookie, session expiry, logout, API keys (admin only, shown once,
 * revocable, acting with the bound manager's scope), and that no secret is stored or logged.
 */
import fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import { makeMemoryStores } from "@winback/adapters"
import { memoryCredentialStore } from "../src/auth/CredentialStore"
import { hashPassword, needsRehash, verifyPassword } from "../src/auth/passwords"
import { demoPassword, type RunningServer } from "../src/server"
import { client, demoLogins, demoOrg, loginAs, startTestServer } from "./support"

describe("password hashing", () => {
  it("verifies the right password and refuses others, with a fresh salt each time", async () => {
    const p = { N: 16, r: 8, p: 1 }
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 40 }), fc.string({ minLength: 1, maxLength: 40 }), async (a, b) => {
        const h = await hashPassword(a, p)
        expect(h.startsWith("scrypt$16$8$1$")).toBe(true)
        expect(h).not.toContain(a.length > 3 ? a : "\u0000never")
        expect(await verifyPassword(a, h)).toBe(true)
        if (a.normalize("NFKC") !== b.normalize("NFKC")) expect(await verifyPassword(b, h)).toBe(false)
      }),
      { numRuns: 40 }
    )
    const [x, y] = [await hashPassword("same", p), await hashPassword("same", p)]
    expect(x).not.toBe(y)
  })

  it("reads the cost from the stored hash and says when it is below the current cost", async () => {
    const weak = await hashPassword("pw", { N: 16, r: 8, p: 1 })
    expect(await verifyPassword("pw", weak)).toBe(true)
    expect(needsRehash(weak, { N: 1024, r: 8, p: 1 })).toBe(true)
    expect(needsRehash(weak, { N: 16, r: 8, p: 1 })).toBe(false)
    expect(await verifyPassword("pw", "plain-text")).toBe(false)
    expect(await verifyPassword("pw", "scrypt$3$8$1$abc$def")).toBe(false)
    expect(needsRehash("garbage")).toBe(true)
  })
})

describe("login, tokens, cookies, logout, expiry", () => {
  let server: RunningServer
  let clock = Date.parse("2026-11-25T08:00:00Z")
  const credentials = memoryCredentialStore()
  beforeAll(async () => {
    server = await startTestServer(undefined, { now: () => clock, sessionTtlMs: 60 * 60 * 1000, credentials })
  })
  afterAll(() => server.close())

  it("logs in with the demo password and answers a token, also as an HttpOnly SameSite=Strict cookie", async () => {
    const r = await client(server).post("/api/login", { login: demoLogins.agent, password: demoPassword })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ managerId: demoLogins.agent, expiresAt: "2026-11-25T09:00:00.000Z" })
    expect(r.body.token).toMatch(/^wbs_[A-Za-z0-9_-]{43}$/)
    const cookie = r.headers.get("set-cookie")!
    expect(cookie).toContain(`winback_session=${r.body.token}`)
    for (const attr of ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=3600"]) expect(cookie).toContain(attr)
    // Bearer
    expect((await client(server, r.body.token).get("/api/me")).body).toMatchObject({ id: demoLogins.agent, roles: ["agent"], via: "session" })
    // Cookie
    const viaCookie = await client(server).call("GET", "/api/me", undefined, { cookie: `other=1; winback_session=${r.body.token}` })
    expect(viaCookie).toMatchObject({ status: 200, body: { id: demoLogins.agent } })
  })

  it("answers the same 401 for a wrong password and an unknown login", async () => {
    const wrong = await client(server).post("/api/login", { login: demoLogins.teamLeader, password: "nope" })
    const unknown = await client(server).post("/api/login", { login: "no-such-person", password: "nope" })
    expect(wrong.status).toBe(401)
    expect(unknown.status).toBe(401)
    expect(wrong.body).toEqual(unknown.body)
    expect(wrong.body.error.code).toBe("invalid_credentials")
    expect(wrong.headers.get("set-cookie")).toBeNull()
  })

  it("rejects missing, malformed and forged credentials with 401", async () => {
    const attempts: Array<Record<string, string>> = [{}, { authorization: "Basic abc" }, { authorization: "Bearer wbs_forged" }, { authorization: "Bearer wbk_forged" }, { cookie: "winback_session=wbs_x" }]
    for (const headers of attempts) {
      const r = await client(server).call("GET", "/api/me", undefined, headers)
      expect(r.status).toBe(401)
      expect(r.body.error.code).toBe("unauthenticated")
      expect(r.headers.get("www-authenticate")).toBe("Bearer")
    }
  })

  it("validates the login body", async () => {
    expect((await client(server).post("/api/login", { login: demoLogins.agent })).body.error).toMatchObject({ code: "validation_failed", details: [{ path: ["body", "password"] }] })
    expect((await client(server).post("/api/login", "login=x", { "content-type": "application/x-www-form-urlencoded" })).status).toBe(415)
    expect((await client(server).post("/api/login", "{not json", { "content-type": "application/json" })).body.error.details[0].code).toBe("invalid_json")
  })

  it("expires sessions after their lifetime", async () => {
    const me = await loginAs(server, demoLogins.director)
    expect((await me.get("/api/me")).status).toBe(200)
    clock += 60 * 60 * 1000 + 1
    expect((await me.get("/api/me")).status).toBe(401)
  })

  it("logs out: the token stops working and the cookie is cleared", async () => {
    const me = await loginAs(server, demoLogins.teamLeader)
    const out = await me.post("/api/logout")
    expect(out.status).toBe(200)
    expect(out.headers.get("set-cookie")).toContain("Max-Age=0")
    expect((await me.get("/api/me")).status).toBe(401)
  })

  it("stores only hashes: no token, key or password in the credential store", async () => {
    const r = await client(server).post("/api/login", { login: demoLogins.approver, password: demoPassword })
    const stored = JSON.stringify([await credentials.getPassword(demoLogins.approver), await credentials.listApiKeys({ limit: 100, cursor: null })])
    expect(stored).toContain("scrypt$1024$8$1$")
    expect(stored).not.toContain(demoPassword)
    expect(stored).not.toContain(r.body.token)
    const { createHash } = await import("node:crypto")
    expect(await credentials.getSession(createHash("sha256").update(r.body.token).digest("hex"))).toMatchObject({ managerId: demoLogins.approver })
  })

  it("upgrades a weaker stored hash on the next successful login", async () => {
    await credentials.putPasswords([{ login: "m-weak", managerId: demoLogins.agent, hash: await hashPassword("old-pw", { N: 16, r: 8, p: 1 }), updatedAt: "2026-01-01T00:00:00.000Z" }])
    expect((await client(server).post("/api/login", { login: "m-weak", password: "old-pw" })).status).toBe(200)
    const after = await credentials.getPassword("m-weak")
    expect(after!.hash.startsWith("scrypt$1024$8$1$")).toBe(true)
    expect(await verifyPassword("old-pw", after!.hash)).toBe(true)
  })
})

describe("login rate limit", () => {
  it("answers 429 with Retry-After after 10 failures for a login, even with the right password, until the window passes", async () => {
    let clock = Date.parse("2026-11-25T08:00:00Z")
    const server = await startTestServer(undefined, { now: () => clock })
    try {
      const anon = client(server)
      for (let i = 0; i < 10; i++) expect((await anon.post("/api/login", { login: demoLogins.agent, password: `wrong-${i}` })).status).toBe(401)
      const locked = await anon.post("/api/login", { login: demoLogins.agent, password: demoPassword })
      expect(locked.status).toBe(429)
      expect(locked.body.error.code).toBe("rate_limited")
      expect(Number(locked.headers.get("retry-after"))).toBe(900)
      clock += 10 * 60 * 1000
      expect(Number((await anon.post("/api/login", { login: demoLogins.agent, password: demoPassword })).headers.get("retry-after"))).toBe(300)
      clock += 5 * 60 * 1000 + 1
      expect((await anon.post("/api/login", { login: demoLogins.agent, password: demoPassword })).status).toBe(200)
    } finally {
      await server.close()
    }
  })

  it("limits one address across logins too, with a larger allowance than one login's (ten times by default)", async () => {
    const server = await startTestServer(undefined, { rateLimit: { maxFailures: 3, windowMs: 15 * 60 * 1000 } })
    try {
      const anon = client(server)
      for (let i = 0; i < 30; i++) expect((await anon.post("/api/login", { login: `nobody-${i}`, password: "x" })).status).toBe(401)
      const r = await anon.post("/api/login", { login: demoLogins.director, password: demoPassword })
      expect(r.status).toBe(429)
      expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(890)
    } finally {
      await server.close()
    }
  })

  it("lets a whole shift behind one NAT address log in at once (each login is counted while its password is checked)", async () => {
    const server = await startTestServer(undefined, { rateLimit: { maxFailures: 10, windowMs: 15 * 60 * 1000 } })
    try {
      // Every person of the test demo (its 24 agents, their leaders, directors and approvers).
      const agents = demoOrg.managers.filter((m) => m.active).map((m) => m.id)
      expect(agents.length).toBeGreaterThan(30)
      const anon = client(server)
      const answers = await Promise.all(agents.map((login) => anon.post("/api/login", { login, password: demoPassword })))
      expect(answers.map((a) => a.status)).toEqual(agents.map(() => 200))
      // The address bucket still stops a guessing run: its allowance is 100 failures here.
      for (let i = 0; i < 100; i++) expect((await anon.post("/api/login", { login: `nobody-${i}`, password: "x" })).status).toBe(401)
      expect((await anon.post("/api/login", { login: agents[0], password: demoPassword })).status).toBe(429)
    } finally {
      await server.close()
    }
  })
})

describe("API keys", () => {
  let server: RunningServer
  beforeAll(async () => {
    server = await startTestServer({ stores: makeMemoryStores(), close: async () => {} })
  })
  afterAll(() => server.close())

  it("an admin creates a key bound to a manager; it is shown once and acts with that manager's scope", async () => {
    const director = await loginAs(server, demoLogins.director) // directors are admins in the demo
    const created = await director.post("/api/api-keys", { name: "crm sync", managerId: demoLogins.agent })
    expect(created.status).toBe(201)
    expect(created.body.key).toMatch(/^wbk_[A-Za-z0-9_-]{43}$/)
    expect(created.body.apiKey).toMatchObject({ name: "crm sync", managerId: demoLogins.agent, createdBy: demoLogins.director, revokedAt: null })
    const machine = client(server, created.body.key)
    expect((await machine.get("/api/me")).body).toMatchObject({ id: demoLogins.agent, via: "api-key" })
    const agent = await loginAs(server, demoLogins.agent)
    expect((await machine.get("/api/customers?limit=200")).body).toEqual((await agent.get("/api/customers?limit=200")).body)
    const listed = await director.get("/api/api-keys")
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key)
    expect(listed.body.items.map((k: { id: string }) => k.id)).toContain(created.body.apiKey.id)
    // Revoked: 401 from then on, and both events are in the audit log.
    const revoked = await director.del(`/api/api-keys/${created.body.apiKey.id}`)
    expect(revoked.status).toBe(200)
    expect(revoked.body.revokedAt).not.toBeNull()
    expect((await machine.get("/api/me")).status).toBe(401)
    const log = await server.winback.stores.audit.query({ categories: ["system"] }, { limit: 50 })
    expect(log.items.filter((e) => e.recordId === created.body.apiKey.id).map((e) => e.action).sort()).toEqual(["api-key.create", "api-key.revoke"])
  })

  it("only admins manage keys, and only for themselves or managers of teams they administer", async () => {
    const agent = await loginAs(server, demoLogins.agent)
    const before = (await server.auth.listApiKeys({ limit: 100, cursor: null })).items.length
    const r = await agent.post("/api/api-keys", { name: "mine", managerId: demoLogins.agent })
    expect(r.status).toBe(403)
    expect(r.body.error.code).toBe("forbidden")
    expect((await agent.get("/api/api-keys")).status).toBe(403)
    // A squad leader (an admin of the squad) may not mint a key that acts as the director.
    const leader = await loginAs(server, demoLogins.teamLeader)
    expect((await leader.post("/api/api-keys", { name: "up", managerId: demoLogins.director })).status).toBe(403)
    expect((await server.auth.listApiKeys({ limit: 100, cursor: null })).items.length).toBe(before)
    const own = await leader.post("/api/api-keys", { name: "squad bot", managerId: demoLogins.agent })
    expect(own.status).toBe(201)
    // The leader sees that key but not the director's keys; and cannot revoke the director's.
    const director = await loginAs(server, demoLogins.director)
    const dirKey = (await director.post("/api/api-keys", { name: "dir", managerId: demoLogins.director })).body.apiKey.id as string
    const seen = (await leader.get("/api/api-keys?limit=200")).body.items.map((k: { id: string }) => k.id)
    expect(seen).toContain(own.body.apiKey.id)
    expect(seen).not.toContain(dirKey)
    expect((await leader.del(`/api/api-keys/${dirKey}`)).status).toBe(404)
    expect((await server.auth.getApiKey(dirKey))!.revokedAt).toBeNull()
    expect((await director.post("/api/api-keys", { name: "x", managerId: "m-nobody" })).status).toBe(404)
    expect((await director.del("/api/api-keys/key-nope")).status).toBe(404)
  })
})

describe("secrets never reach the logs", () => {
  it("logs nothing containing a password, token or key during a login, key and logout flow", async () => {
    const lines: Array<string> = []
    const spies = (["log", "info", "warn", "error", "debug"] as const).map((m) => vi.spyOn(console, m).mockImplementation((...a: Array<unknown>) => void lines.push(a.map(String).join(" "))))
    const server = await startTestServer()
    try {
      const director = await loginAs(server, demoLogins.director)
      const wrong = await client(server).post("/api/login", { login: demoLogins.agent, password: "hunter2-wrong" })
      const key = (await director.post("/api/api-keys", { name: "k", managerId: demoLogins.agent })).body.key as string
      await client(server, key).get("/api/me")
      await director.post("/api/logout")
      expect(wrong.status).toBe(401)
      const all = lines.join("\n")
      for (const secret of [demoPassword, "hunter2-wrong", key, "wbs_"]) expect(all).not.toContain(secret)
    } finally {
      for (const s of spies) s.mockRestore()
      await server.close()
    }
  })
})

describe("credential storage failures", () => {
  it("answers 503 storage_unavailable with Retry-After, not 500, when credentials cannot be checked", async () => {
    const inner = memoryCredentialStore()
    let broken = false
    const flaky = { ...inner, getSession: async (h: string) => (broken ? Promise.reject(new Error("connection reset")) : inner.getSession(h)) }
    const server = await startTestServer(undefined, { credentials: flaky })
    try {
      const me = await loginAs(server, demoLogins.agent)
      broken = true
      const r = await me.get("/api/me")
      expect(r.status).toBe(503)
      expect(r.body.error.code).toBe("storage_unavailable")
      expect(r.headers.get("retry-after")).toBe("1")
      broken = false
      expect((await me.get("/api/me")).status).toBe(200)
    } finally {
      await server.close()
    }
  })
})

describe("changing a password", () => {
  it("checks the current password, then only the new one works; audited; key holders cannot", async () => {
    const server = await startTestServer()
    try {
      const me = await loginAs(server, demoLogins.teamLeader)
      const weak = await me.post("/api/me/password", { currentPassword: demoPassword, newPassword: "short" })
      expect(weak.body.error.details[0].path).toEqual(["body", "newPassword"])
      expect((await me.post("/api/me/password", { currentPassword: "wrong-one", newPassword: "a much longer secret" })).status).toBe(403)
      expect((await me.post("/api/me/password", { currentPassword: demoPassword, newPassword: "a much longer secret" })).body).toEqual({ ok: true, sessionsEnded: 0, apiKeysRevoked: [] })
      expect((await client(server).post("/api/login", { login: demoLogins.teamLeader, password: demoPassword })).status).toBe(401)
      expect((await client(server).post("/api/login", { login: demoLogins.teamLeader, password: "a much longer secret" })).status).toBe(200)
      const log = await server.winback.stores.audit.query({ categories: ["system"] }, { limit: 50 })
      expect(log.items.filter((e) => e.action === "password.change").map((e) => e.actorId)).toEqual([demoLogins.teamLeader])
      const created = (await me.post("/api/api-keys", { name: "k", managerId: demoLogins.teamLeader })).body
      const key = created.key as string
      expect((await client(server, key).post("/api/me/password", { currentPassword: "a much longer secret", newPassword: "yet another long one" })).status).toBe(403)
      // A password is data, whatever it looks like: an SQL/HTML injection string works as a password.
      // The change ends the session the login above opened and revokes the leader's key.
      const odd = `'; DROP TABLE customers; -- <script>alert(1)</script> =cmd|' /C calc'!A0`
      expect((await me.post("/api/me/password", { currentPassword: "a much longer secret", newPassword: odd })).body).toEqual({ ok: true, sessionsEnded: 1, apiKeysRevoked: [created.apiKey.id] })
      expect((await client(server).post("/api/login", { login: demoLogins.teamLeader, password: odd })).status).toBe(200)
      expect((await client(server).post("/api/login", { login: demoLogins.teamLeader, password: odd.slice(0, -1) })).status).toBe(401)
    } finally {
      await server.close()
    }
  })
})
