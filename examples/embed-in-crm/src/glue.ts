/**
 * The glue: Winback started next to the CRM, reading the CRM's tables through plain async host
 * ports (read-through mode: no copy of the CRM's customers or usage, no daily feed). Winback keeps
 * only its own work data (rules, tasks, work items, calls, audit) in its embedded database.
 */
import { PgliteStorage } from "@winback/adapters"
import { createWinback, storesLayer } from "@winback/core"
import type { Crm } from "./crm"
import { crmHost, crmPolicy } from "./ports"

/**
 * Starts Winback for the CRM: `as(staffCode)` acts as a CRM employee; `dispose` stops it.
 *
 * @example
 * ```ts
 * const { as, dispose } = await embedWinback(crm, { dataDir: ".data/winback" })
 * await as("S-ILSE").extraction.run({ asOf: "2026-11-20" })
 * ```
 */
export const embedWinback = async (crm: Crm, options: { readonly dataDir?: string } = {}) => {
  const storage = await PgliteStorage.open(options)
  const winback = await createWinback({ storage: storesLayer(storage.stores), host: crmHost(crm), mode: "read-through", policy: crmPolicy }).catch(
    (e: unknown) => storage.close().then(() => Promise.reject(e))
  )
  return { winback, as: winback.as, dispose: () => winback.dispose().then(storage.close) }
}
