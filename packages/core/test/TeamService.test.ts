import { Effect, Exit } from "effect"
import { TestClock } from "effect/testing"
import { beforeEach, describe, expect, it } from "vitest"
import { actingAs, Conflict, Forbidden, NotFound, type Stores, ValidationError } from "@winback/core"
import { live, seeded } from "./scopeFixtures"

let stores: Stores
beforeEach(async () => {
  stores = await seeded()
})

const run = <A, E>(eff: Effect.Effect<A, E, any>) =>
  Effect.runPromise(
    Effect.gen(function* () {
      yield* TestClock.setTime(Date.UTC(2026, 10, 22, 9, 0, 0))
      return yield* eff
    }).pipe(Effect.provide(live(stores)), Effect.provide(TestClock.layer())) as Effect.Effect<A, E>
  )
const failure = async <A, E>(eff: Effect.Effect<A, E, any>) => {
  const exit = await run(Effect.exit(eff))
  if (Exit.isSuccess(exit)) throw new Error("expected a failure")
  return Effect.runPromise(Effect.flip(Effect.failCause(exit.cause)))
}
const as = (id: string) => actingAs(id)

describe("TeamService", () => {
  it("the admin role creates a root team; nobody else may", async () => {
    const t = await run(Effect.flatMap(as("m-admin"), (s) => s.teams.createRoot({ id: "t-sh", name: "Shanghai", region: "shanghai", adminId: "m-lead-s" })))
    expect(t).toEqual({ id: "t-sh", name: "Shanghai", region: "shanghai", parentId: null, adminId: "m-lead-s", version: 1 })
    expect(await failure(Effect.flatMap(as("m-lead"), (s) => s.teams.createRoot({ id: "t-x", name: "X", region: "x", adminId: "m-lead" })))).toBeInstanceOf(Forbidden)
  })

  it("only the admin of the parent creates a child team, which inherits the region and is audited", async () => {
    const child = await run(Effect.flatMap(as("m-lead"), (s) => s.teams.createChild("t-north", { id: "t-north-2", name: "North 2", adminId: "m-a2" })))
    expect(child).toMatchObject({ parentId: "t-north", region: "beijing", adminId: "m-a2" })
    const e = await failure(Effect.flatMap(as("m-lead-s"), (s) => s.teams.createChild("t-north", { id: "t-north-3", name: "North 3", adminId: "m-a2" })))
    expect(e).toBeInstanceOf(Forbidden)
    expect(await failure(Effect.flatMap(as("m-lead"), (s) => s.teams.createChild("t-north", { id: "t-north-2", name: "dup", adminId: "m-a2" })))).toBeInstanceOf(Conflict)
    const entries = (await Effect.runPromise(stores.audit.query({ categories: ["team"] }))).items
    expect(entries.map((x) => [x.action, x.recordId, x.actorId, x.at])).toEqual([["team.create", "t-north-2", "m-lead", "2026-11-22T09:00:00.000Z"]])
  })

  it("an admin must be an active staff member; a team has exactly one admin, handed over by set-admin", async () => {
    expect(await failure(Effect.flatMap(as("m-lead"), (s) => s.teams.createChild("t-north", { id: "t-z", name: "Z", adminId: "m-gone" })))).toBeInstanceOf(Forbidden)
    expect(await failure(Effect.flatMap(as("m-lead"), (s) => s.teams.createChild("t-north", { id: "t-z", name: "Z", adminId: "nobody" })))).toBeInstanceOf(NotFound)
    const t = await run(Effect.flatMap(as("m-lead"), (s) => s.teams.setAdmin("t-north-1", "m-a4")))
    expect(t.adminId).toBe("m-a4")
    // The former admin of t-north-1 no longer maintains it.
    expect(await failure(Effect.flatMap(as("m-sub"), (s) => s.teams.setMember("m-new", "t-north-1")))).toBeInstanceOf(Forbidden)
  })

  it("moves a manager between teams: one team at a time, recorded in the work history and the audit trail", async () => {
    const moved = await run(Effect.flatMap(as("m-lead"), (s) => s.teams.setMember("m-a4", "t-north")))
    expect(moved.teamId).toBe("t-north")
    expect(moved.profile.workHistory).toEqual([{ at: "2026-11-22T09:00:00.000Z", kind: "team-move", detail: "t-north-1 -> t-north" }])
    expect((await Effect.runPromise(stores.managers.get("m-a4"))).teamId).toBe("t-north")
    const [entry] = (await Effect.runPromise(stores.audit.query({ categories: ["team"] }))).items
    expect(entry).toMatchObject({ action: "team.member.move", recordId: "m-a4", actorId: "m-lead", before: { teamId: "t-north-1" }, after: { teamId: "t-north" } })
  })

  it("a move needs the admin of both the team left and the team joined", async () => {
    // m-lead-s administers t-south but not t-north, which m-a1 would leave.
    expect(await failure(Effect.flatMap(as("m-lead-s"), (s) => s.teams.setMember("m-a1", "t-south")))).toBeInstanceOf(Forbidden)
    expect((await Effect.runPromise(stores.managers.get("m-a1"))).teamId).toBe("t-north")
    // Two steps work: the north admin releases, the south admin takes in.
    await run(Effect.flatMap(as("m-lead"), (s) => s.teams.setMember("m-a1", null)))
    const taken = await run(Effect.flatMap(as("m-lead-s"), (s) => s.teams.setMember("m-a1", "t-south")))
    expect(taken.profile.workHistory.map((w) => w.detail)).toEqual(["t-north -> (no team)", "(no team) -> t-south"])
  })

  it("takes a manager in from the staff directory when Winback does not keep them yet", async () => {
    const stranger = { ...(await Effect.runPromise(stores.managers.get("m-new"))), id: "m-host-only" }
    // Only the default directory over the stores knows staff here, so put the person there first.
    await Effect.runPromise(stores.managers.insert(stranger))
    const added = await run(Effect.flatMap(as("m-sub"), (s) => s.teams.setMember("m-host-only", "t-north-1")))
    expect(added).toMatchObject({ teamId: "t-north-1", version: 2 })
    expect(added.profile.workHistory[0]!.kind).toBe("joined")
  })

  it("lists members only to those who may see the team's managers", async () => {
    const ids = await run(Effect.flatMap(as("m-lead"), (s) => s.teams.members("t-north")))
    expect(ids.map((m) => m.id)).toEqual(["m-a1", "m-a2", "m-dir", "m-gone", "m-lead"])
    expect(await failure(Effect.flatMap(as("m-a1"), (s) => s.teams.members("t-north")))).toBeInstanceOf(Forbidden)
    expect(await failure(Effect.flatMap(as("m-lead"), (s) => s.teams.setMember("m-a1", 42 as never)))).toBeInstanceOf(ValidationError)
  })

  it("inactive managers cannot act", async () => {
    expect(await failure(Effect.flatMap(as("m-gone"), (s) => s.customers.list()))).toBeInstanceOf(Forbidden)
  })
})

describe("TeamService: renaming teams, roles and deactivation", () => {
  const audit = async () => (await Effect.runPromise(stores.audit.query({ categories: ["team"] }))).items

  it("renames a team the actor administers, audited with before and after; others may not", async () => {
    const t = await run(Effect.flatMap(as("m-lead"), (s) => s.teams.rename("t-north-1", "  North one  ")))
    expect(t).toMatchObject({ id: "t-north-1", name: "North one", version: 2 })
    expect(await failure(Effect.flatMap(as("m-lead-s"), (s) => s.teams.rename("t-north", "Mine")))).toBeInstanceOf(Forbidden)
    expect(await failure(Effect.flatMap(as("m-lead"), (s) => s.teams.rename("t-north", " ")))).toBeInstanceOf(ValidationError)
    expect((await audit()).map((e) => [e.action, e.recordId, (e.after as { name: string }).name])).toEqual([["team.rename", "t-north-1", "North one"]])
  })

  it("the admin role changes roles inside the teams it administers, in the work history and the audit trail", async () => {
    const m = await run(Effect.flatMap(as("m-admin"), (s) => s.teams.setRoles("m-a1", ["team-leader", "agent"])))
    expect(m.roles).toEqual(["agent", "team-leader"])
    expect(m.profile.workHistory.at(-1)).toEqual({ at: "2026-11-22T09:00:00.000Z", kind: "role-change", detail: "agent -> agent,team-leader" })
    expect((await audit())[0]).toMatchObject({ action: "manager.set-roles", recordId: "m-a1", actorId: "m-admin", before: { roles: ["agent"] }, after: { roles: ["agent", "team-leader"] } })
    // A team's admin without the admin role may not; nor may anyone outside reach.
    expect(await failure(Effect.flatMap(as("m-lead"), (s) => s.teams.setRoles("m-a2", ["team-leader"])))).toBeInstanceOf(Forbidden)
    expect(await failure(Effect.flatMap(as("m-admin"), (s) => s.teams.setRoles("m-a1", [])))).toBeInstanceOf(ValidationError)
  })

  it("nobody gives themselves a role, and the region's last admin keeps the admin role", async () => {
    const e = await failure(Effect.flatMap(as("m-admin"), (s) => s.teams.setRoles("m-admin", ["admin", "director"])))
    expect(e).toBeInstanceOf(Forbidden)
    const me = await Effect.runPromise(stores.managers.get("m-admin"))
    await Effect.runPromise(stores.managers.update({ ...me, roles: ["admin", "director"] }, me.version))
    expect(await failure(Effect.flatMap(as("m-admin"), (s) => s.teams.setRoles("m-admin", ["director"])))).toMatchObject({ _tag: "Conflict", kind: "wrong-state" })
    // With a second admin in the region, the first may step down.
    await run(Effect.flatMap(as("m-admin"), (s) => s.teams.setRoles("m-lead", ["team-leader", "admin"])))
    const down = await run(Effect.flatMap(as("m-admin"), (s) => s.teams.setRoles("m-admin", ["director"])))
    expect(down.roles).toEqual(["director"])
  })

  it("deactivates a manager in reach (who then cannot act), but not oneself, the last admin or a team's admin", async () => {
    const off = await run(Effect.flatMap(as("m-admin"), (s) => s.teams.setActive("m-a2", false)))
    expect(off).toMatchObject({ id: "m-a2", active: false })
    expect(off.profile.workHistory.at(-1)).toMatchObject({ kind: "left", detail: "deactivated" })
    expect(await failure(Effect.flatMap(as("m-a2"), (s) => s.customers.list()))).toBeInstanceOf(Forbidden)
    expect((await audit())[0]).toMatchObject({ action: "manager.deactivate", recordId: "m-a2", before: { active: true }, after: { active: false } })
    expect(await failure(Effect.flatMap(as("m-admin"), (s) => s.teams.setActive("m-admin", false)))).toBeInstanceOf(Forbidden)
    expect(await failure(Effect.flatMap(as("m-admin"), (s) => s.teams.setActive("m-lead", false)))).toMatchObject({ _tag: "Conflict", kind: "wrong-state" })
    const back = await run(Effect.flatMap(as("m-admin"), (s) => s.teams.setActive("m-a2", true)))
    expect(back.active).toBe(true)
  })

  it("searches the managers in reach by name or id, paged, inactive ones on request", async () => {
    const page = await run(Effect.flatMap(as("m-lead"), (s) => s.teams.searchManagers({ limit: 3 })))
    expect(page.items.map((m) => m.id)).toEqual(["m-a1", "m-a2", "m-a4"])
    expect(page.nextCursor).toBe("3")
    const rest = await run(Effect.flatMap(as("m-lead"), (s) => s.teams.searchManagers({ limit: 3, cursor: "3" })))
    expect(rest.items.map((m) => m.id)).toEqual(["m-dir", "m-lead", "m-sub"])
    const hit = await run(Effect.flatMap(as("m-admin"), (s) => s.teams.searchManagers({ query: "GONE", includeInactive: true })))
    expect(hit.items.map((m) => m.id)).toEqual(["m-gone"])
    const none = await run(Effect.flatMap(as("m-lead-s"), (s) => s.teams.searchManagers({ query: "m-a1" })))
    expect(none.items).toEqual([])
    expect((await run(Effect.flatMap(as("m-a1"), (s) => s.teams.searchManagers({})))).items).toEqual([])
  })
})
