/**
 * The server's org cache over real HTTP: a manager moved or deactivated by the host is seen by the
 * next request when the change goes through Winback, and within the cache's time-to-live when it is
 * written around it (another process, a direct store write).
 */
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { ManagerStore } from "@winback/core"
import type { RunningServer } from "../src/server"
import { type client, demoLogins, demoOrg, loginAs, startTestServer } from "./support"

const ttlMs = 400
let server: RunningServer
let agent: ReturnType<typeof client>
const squad = "t-beijing-d1-s1"
const otherSquad = "t-beijing-d1-s2"
const agentId = demoLogins.agent

beforeAll(async () => {
  server = await startTestServer(undefined, { orgCacheTtlMs: ttlMs })
  agent = await loginAs(server, agentId)
})
afterAll(async () => {
  await server?.close()
})

const teamOnServer = async () => (await agent.get("/api/me")).body.teamId as string | null
const leaderSees = async (leaderId: string) => {
  const leader = await loginAs(server, leaderId)
  const page = await leader.get(`/api/teams/${leaderId === demoLogins.teamLeader ? squad : otherSquad}/members?limit=200`)
  return (page.body.items as Array<{ id: string }>).map((m) => m.id)
}

describe("the org cache of the reference server", () => {
  it("applies a move made through winback.stores on the next request", async () => {
    expect(await teamOnServer()).toBe(squad)
    const kept = await server.winback.stores.managers.get(agentId)
    await server.winback.stores.managers.update({ ...kept, teamId: otherSquad }, kept.version)
    expect(await teamOnServer()).toBe(otherSquad)
    const otherLeader = demoOrg.managers.find((m) => m.teamId === otherSquad && m.roles.includes("team-leader"))!.id
    expect(await leaderSees(otherLeader)).toContain(agentId)
    expect(await leaderSees(demoLogins.teamLeader)).not.toContain(agentId)
    const back = await server.winback.stores.managers.get(agentId)
    await server.winback.stores.managers.update({ ...back, teamId: squad }, back.version)
    expect(await teamOnServer()).toBe(squad)
  })

  it("applies a move written around Winback within the time-to-live, and a deactivation at once", async () => {
    const moveTo = (teamId: string) =>
      server.winback.run(
        Effect.gen(function* () {
          const managers = yield* ManagerStore
          const m = yield* managers.get(agentId)
          yield* managers.update({ ...m, teamId }, m.version)
        })
      )
    await teamOnServer() // loads the org
    await moveTo(otherSquad)
    const started = Date.now()
    let seen = await teamOnServer()
    while (seen !== otherSquad && Date.now() - started < ttlMs * 5) {
      await new Promise((r) => setTimeout(r, 50))
      seen = await teamOnServer()
    }
    expect(seen).toBe(otherSquad)
    expect(Date.now() - started).toBeLessThan(ttlMs * 3)
    await moveTo(squad)

    const kept = await server.winback.stores.managers.get(agentId)
    await server.winback.run(
      Effect.gen(function* () {
        const managers = yield* ManagerStore
        yield* managers.update({ ...kept, active: false }, kept.version)
      })
    )
    // A deactivation ends the session at once (and the next login gets no token).
    const refused = await agent.get("/api/me")
    expect(refused.status).toBe(401)
  })
})
