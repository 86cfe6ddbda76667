/**
 * Actor resolution with the org cache (`Actors.cached`, `createWinback({ orgCache })`): the same
 * actors as the uncached resolution for any organisation and any sequence of team moves, team
 * changes through Winback visible at once, changes around Winback after the time-to-live or an
 * `invalidate`, and roles and deactivation always exact.
 */
import { Effect, Layer } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  type Actor,
  Actors,
  createWinback,
  directoriesFromStores,
  Forbidden,
  type Manager,
  ManagerStore,
  scopeLayer,
  type Stores,
  storesLayer,
  type Team,
  TeamService
} from "@winback/core"
import { makeMemoryStores } from "../../adapters/src/memory/MemoryStorage"
import { f, seeded } from "./scopeFixtures"

const exact = (stores: Stores) => Actors.layer.pipe(Layer.provide(directoriesFromStores), Layer.provide(storesLayer(stores)))
const cachedOver = (stores: Stores, now: () => number = Date.now) =>
  scopeLayer(undefined, { orgCache: { ttlMs: 1000, now } }).pipe(Layer.provideMerge(directoriesFromStores), Layer.provideMerge(storesLayer(stores)))

/** A random organisation: a tree of teams (each team's parent comes before it) and managers in them or in none. */
const org = fc
  .record({
    parents: fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
    admins: fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
    members: fc.array(fc.option(fc.nat(), { nil: null }), { minLength: 1, maxLength: 14 })
  })
  .map(({ parents, admins, members }) => {
    const managerIds = members.map((_, i) => `m-${i}`)
    const teams: Array<Team> = parents.map((p, i) =>
      f.team(`t-${i}`, { parentId: i === 0 ? null : `t-${p % i}`, adminId: managerIds[admins[i]! % managerIds.length]! })
    )
    const managers: Array<Manager> = members.map((t, i) =>
      f.manager(managerIds[i]!, { teamId: t === null ? null : `t-${t % teams.length}`, roles: i % 3 === 0 ? ["team-leader"] : ["agent"] })
    )
    return { teams, managers }
  })

const seed = async (o: { teams: ReadonlyArray<Team>; managers: ReadonlyArray<Manager> }) => {
  const stores = makeMemoryStores()
  for (const t of o.teams) await Effect.runPromise(stores.teams.insert(t))
  for (const m of o.managers) await Effect.runPromise(stores.managers.insert(m))
  return stores
}

const resolveAll = (ids: ReadonlyArray<string>) => Effect.flatMap(Actors, (a) => Effect.forEach(ids, (id) => a.resolve(id)))

describe("Actors.cached", () => {
  it("resolves exactly the actors Actors.layer resolves, for any organisation and any sequence of team moves through TeamService", async () => {
    await fc.assert(
      fc.asyncProperty(org, fc.array(fc.tuple(fc.nat(), fc.option(fc.nat(), { nil: null })), { maxLength: 6 }), async (o, moves) => {
        const stores = await seed(o)
        const ids = o.managers.map((m) => m.id)
        // The system actor of the first team's admin moves people; moves it may not make fail and change nothing.
        const program = Effect.gen(function* () {
          const teamService = yield* TeamService
          const actors = yield* Actors
          const before = yield* resolveAll(ids)
          for (const [who, to] of moves) {
            const mover: Actor = { ...(yield* actors.resolve(o.teams[0]!.adminId)), roles: ["admin"] }
            yield* Effect.exit(teamService.setMember(mover, ids[who % ids.length]!, to === null ? null : o.teams[to % o.teams.length]!.id))
          }
          return { before, after: yield* resolveAll(ids) }
        })
        const cached = await Effect.runPromise(program.pipe(Effect.provide(cachedOver(stores))))
        const afterExact = await Effect.runPromise(resolveAll(ids).pipe(Effect.provide(exact(stores))))
        expect(cached.after).toEqual(afterExact)
        const beforeExact = await Effect.runPromise(resolveAll(ids).pipe(Effect.provide(exact(await seed(o)))))
        expect(cached.before).toEqual(beforeExact)
      }),
      { numRuns: 60 }
    )
  })

  it("sees a change written around Winback after the time-to-live, or at once after invalidate", async () => {
    const stores = await seeded()
    let clock = 0
    const result = await Effect.runPromise(
      Effect.gen(function* () {
        const actors = yield* Actors
        const managers = yield* ManagerStore
        const first = yield* actors.resolve("m-a3")
        // Move m-a3 from t-south to t-north straight in the store (as another process would).
        const kept = yield* managers.get("m-a3")
        yield* managers.update({ ...kept, teamId: "t-north" }, kept.version)
        clock = 999
        const withinTtl = yield* actors.resolve("m-a3")
        clock = 1000
        const afterTtl = yield* actors.resolve("m-a3")
        const again = yield* managers.get("m-a3")
        yield* managers.update({ ...again, teamId: "t-south" }, again.version)
        yield* actors.invalidate
        const afterInvalidate = yield* actors.resolve("m-a3")
        return { first, withinTtl, afterTtl, afterInvalidate }
      }).pipe(Effect.provide(cachedOver(stores, () => clock)))
    )
    expect(result.first.teamId).toBe("t-south")
    expect(result.withinTtl.teamId).toBe("t-south")
    expect(result.afterTtl.teamId).toBe("t-north")
    expect(result.afterTtl.scopes.team.managerIds).toEqual(["m-a1", "m-a2", "m-a3", "m-dir", "m-gone", "m-lead"])
    expect(result.afterInvalidate.teamId).toBe("t-south")
    expect(result.afterInvalidate.scopes.team.managerIds).toEqual(["m-a3", "m-lead-s"])
  })

  it("refuses a deactivated manager and applies role changes at once, cache or not", async () => {
    const stores = await seeded()
    const result = await Effect.runPromise(
      Effect.gen(function* () {
        const actors = yield* Actors
        const managers = yield* ManagerStore
        const before = yield* actors.resolve("m-a1")
        const kept = yield* managers.get("m-a1")
        yield* managers.update({ ...kept, roles: ["team-leader"] }, kept.version)
        const promoted = yield* actors.resolve("m-a1")
        const again = yield* managers.get("m-a1")
        yield* managers.update({ ...again, active: false }, again.version)
        const refused = yield* Effect.flip(actors.resolve("m-a1"))
        return { before, promoted, refused }
      }).pipe(Effect.provide(cachedOver(stores, () => 0)))
    )
    expect(result.before.roles).toEqual(["agent"])
    expect(result.promoted.roles).toEqual(["team-leader"])
    expect(result.refused).toBeInstanceOf(Forbidden)
  })
})

describe("createWinback({ orgCache })", () => {
  it("applies team moves made through the facade's stores and through TeamService on the next call", async () => {
    const stores = await seeded()
    const winback = await createWinback({ storage: storesLayer(stores), orgCache: { ttlMs: 60_000 } })
    try {
      expect((await winback.as("m-a3").actor()).teamId).toBe("t-south")
      const kept = await winback.stores.managers.get("m-a3")
      await winback.stores.managers.update({ ...kept, teamId: "t-north" }, kept.version)
      const moved = await winback.as("m-a3").actor()
      expect(moved.teamId).toBe("t-north")
      expect((await winback.as("m-lead").actor()).scopes.team.managerIds).toContain("m-a3")

      await winback.as("m-admin").teams.setMember("m-a3", "t-south")
      expect((await winback.as("m-a3").actor()).teamId).toBe("t-south")
      expect((await winback.as("m-lead").actor()).scopes.team.managerIds).not.toContain("m-a3")
      expect((await winback.as("m-lead-s").actor()).scopes.team.managerIds).toContain("m-a3")
    } finally {
      await winback.dispose()
    }
  })
})
