/**
 * The in-memory adapter: every storage port over plain maps, assembled from one file per aggregate
 * under `stores/`. For tests, demos and hosts that keep nothing between runs. It passes the same
 * conformance suite as the SQL adapters.
 */
import type { Layer } from "effect"
import { type StoragePorts, type Stores, storesLayer } from "@winback/core"
import { MemoryDb } from "./MemoryDb"
import { auditStores } from "./stores/audit"
import { customerStores } from "./stores/customer"
import { observationStores } from "./stores/observation"
import { offerStores } from "./stores/offer"
import { orgStores } from "./stores/org"
import { planStores } from "./stores/plan"
import { questionnaireStores } from "./stores/questionnaire"
import { ruleStores } from "./stores/rule"
import { taskStores } from "./stores/task"
import { workStores } from "./stores/work"

/**
 * Builds the memory implementations of every storage port.
 *
 * @example
 * ```ts
 * const stores = makeMemoryStores()
 * await Effect.runPromise(stores.customers.upsertCustomers(customers))
 * ```
 */
export const makeMemoryStores = (db: MemoryDb = new MemoryDb()): Stores => ({
  transactions: { transaction: (effect) => db.transaction(effect) },
  ...orgStores(db),
  ...customerStores(db),
  ...ruleStores(db),
  ...taskStores(db),
  ...workStores(db),
  ...offerStores(db),
  ...observationStores(db),
  ...planStores(db),
  ...questionnaireStores(db),
  ...auditStores(db)
})

/**
 * The memory adapter as a layer providing every storage port.
 *
 * @example
 * ```ts
 * import { MemoryStorage } from "@winback/adapters"
 * await Effect.runPromise(program.pipe(Effect.provide(MemoryStorage.layer())))
 * ```
 */
export const MemoryStorage = {
  layer: (): Layer.Layer<StoragePorts> => storesLayer(makeMemoryStores()),
  make: makeMemoryStores
} as const
