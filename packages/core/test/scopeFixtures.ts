/**
 * A small organisation for the scope, team, allocation and audit tests, over the memory stores.
 *
 * t-bj (region beijing, admin m-admin): m-admin (admin), m-appr (approver)
 * ├─ t-north (admin m-lead): m-lead (team-leader), m-a1, m-a2 (agents), m-dir (director)
 * │  └─ t-north-1 (admin m-sub): m-sub (team-leader), m-a4 (agent)
 * └─ t-south (admin m-lead-s): m-lead-s (team-leader), m-a3 (agent)
 * m-new: an agent in no team yet; m-gone: inactive.
 */
import { Effect, Layer } from "effect"
import { directoriesFromStores, type Role, scopeLayer, type Stores, storesLayer } from "@winback/core"
import { makeMemoryStores } from "../../adapters/src/memory/MemoryStorage"
import { fixtures as f } from "../../adapters/src/testing/index"

export const managers = [
  f.manager("m-admin", { teamId: "t-bj", roles: ["admin"] }),
  f.manager("m-appr", { teamId: "t-bj", roles: ["approver"] }),
  f.manager("m-lead", { teamId: "t-north", roles: ["team-leader"] }),
  f.manager("m-a1", { teamId: "t-north", roles: ["agent"] }),
  f.manager("m-a2", { teamId: "t-north", roles: ["agent"] }),
  f.manager("m-dir", { teamId: "t-north", roles: ["director"] }),
  f.manager("m-sub", { teamId: "t-north-1", roles: ["team-leader"] }),
  f.manager("m-a4", { teamId: "t-north-1", roles: ["agent"] }),
  f.manager("m-lead-s", { teamId: "t-south", roles: ["team-leader"] }),
  f.manager("m-a3", { teamId: "t-south", roles: ["agent"] }),
  f.manager("m-new", { teamId: null, roles: ["agent" as Role] }),
  f.manager("m-gone", { teamId: "t-north", roles: ["agent"], active: false })
]

export const teams = [
  f.team("t-bj", { adminId: "m-admin" }),
  f.team("t-north", { parentId: "t-bj", adminId: "m-lead" }),
  f.team("t-north-1", { parentId: "t-north", adminId: "m-sub" }),
  f.team("t-south", { parentId: "t-bj", adminId: "m-lead-s" })
]

/** Fresh memory stores with the organisation seeded. */
export const seeded = async (): Promise<Stores> => {
  const stores = makeMemoryStores()
  for (const t of teams) await Effect.runPromise(stores.teams.insert(t))
  for (const m of managers) await Effect.runPromise(stores.managers.insert(m))
  return stores
}

/** Every scope service over `stores` (default policy unless given). */
export const live = (stores: Stores, policy?: Parameters<typeof scopeLayer>[0]) =>
  scopeLayer(policy).pipe(Layer.provideMerge(directoriesFromStores), Layer.provideMerge(storesLayer(stores)))

export { f }
