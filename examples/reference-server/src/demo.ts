/**
 * Demo data for the reference server: seeded once, on first start, into empty storage.
 */
import { Effect } from "effect"
import type { Stores } from "@winback/core"
import { generateOrg, resolveDemoOptions, seedDemoData } from "@winback/core/demo"
import type { DemoLogin } from "./server"

/** Seeds `customers` demo customers as of `asOf` when the storage has none; answers the demo logins either way. */
export const seedIfEmpty =
  (options: { readonly customers: number; readonly asOf: string; readonly onProgress?: (n: number) => void }) =>
  async (stores: Stores): Promise<ReadonlyArray<DemoLogin>> => {
    const demo = { seed: 1, customers: options.customers, asOf: options.asOf }
    const existing = await Effect.runPromise(stores.managers.list({}, { limit: 1 }))
    if (existing.items.length === 0) {
      await seedDemoData(stores, demo, { batchSize: 250, ...(options.onProgress ? { onProgress: options.onProgress } : {}) })
    }
    const { logins } = generateOrg(resolveDemoOptions(demo))
    const roles: Array<[string, string]> = [
      ["agent", logins.agent],
      ["team leader", logins.teamLeader],
      ["district leader", logins.districtLeader],
      ["director", logins.director],
      ["approver", logins.approver]
    ]
    const managers = await Effect.runPromise(stores.managers.getMany(roles.map(([, id]) => id)))
    const names = new Map(managers.map((m) => [m.id, m.name]))
    return roles.map(([role, managerId]) => ({ role, managerId, name: names.get(managerId) ?? managerId }))
  }
