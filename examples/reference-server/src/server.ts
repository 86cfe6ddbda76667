/**
 * Starts the reference server over an open storage: seeds demo data when the database is empty,
 * and listens on loopback by default.
 */
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { createWinback, type Stores, storesLayer, type Winback } from "@winback/core"
import { createRouter } from "./app"

/** A demo login shown on the start page and printed at start. */
export interface DemoLogin {
  readonly role: string
  readonly managerId: string
  readonly name: string
}

/** Options of {@link startServer}. */
export interface ServerOptions {
  /** The open storage (see `PgliteStorage.open` / `PostgresStorage.open`); closed with the server. */
  readonly storage: { readonly stores: Stores; readonly close: () => Promise<void> }
  readonly port?: number
  readonly host?: string
  /** Seeds demo data (when the storage is empty) and answers the demo logins. */
  readonly seed?: (stores: Stores) => Promise<ReadonlyArray<DemoLogin>>
  readonly today?: () => string
}

/** A running server. */
export interface RunningServer {
  readonly url: string
  readonly winback: Winback
  readonly demoLogins: ReadonlyArray<DemoLogin>
  readonly close: () => Promise<void>
}

/**
 * Starts the server.
 *
 * @example
 * ```ts
 * const server = await startServer({ storage: await PgliteStorage.open({ dataDir: ".data" }), port: 3000 })
 * console.log(server.url)
 * ```
 */
export const startServer = async (options: ServerOptions): Promise<RunningServer> => {
  const demoLogins = options.seed ? await options.seed(options.storage.stores) : []
  const winback = await createWinback({ storage: storesLayer(options.storage.stores) })
  const router = createRouter({ winback, demoLogins, ...(options.today ? { today: options.today } : {}) })
  const server = createServer((req, res) => void router.handle(req, res))
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(options.port ?? 3000, options.host ?? "127.0.0.1", () => resolve())
  })
  const addr = server.address() as AddressInfo
  let closing: Promise<void> | undefined
  return {
    url: `http://${addr.address.includes(":") ? `[${addr.address}]` : addr.address}:${addr.port}`,
    winback,
    demoLogins,
    close: () =>
      (closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve())
          server.closeAllConnections()
        })
        await winback.dispose()
        await options.storage.close()
      })())
  }
}
