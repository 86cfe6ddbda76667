/**
 * Starts the reference server over a storage layer: opens it (migrating on open), seeds demo data
 * when the database is empty, and listens on loopback by default.
 */
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import type { Layer } from "effect"
import { createWinback, type StorageError, type StoragePorts, type Winback } from "@winback/core"
import { createRouter } from "./app"

/** Options of {@link startServer}. */
export interface ServerOptions {
  readonly storage: Layer.Layer<StoragePorts, StorageError>
  readonly port?: number
  readonly host?: string
  /** Seeds demo data into empty storage and answers the demo logins. */
  readonly seed?: (winback: Winback) => Promise<ReadonlyArray<{ readonly role: string; readonly managerId: string; readonly name: string }>>
  readonly today?: () => string
}

/** A running server. */
export interface RunningServer {
  readonly url: string
  readonly winback: Winback
  readonly demoLogins: ReadonlyArray<{ readonly role: string; readonly managerId: string; readonly name: string }>
  readonly close: () => Promise<void>
}

/**
 * Starts the server.
 *
 * @example
 * ```ts
 * const server = await startServer({ storage: PgliteStorage.layer({ dataDir: ".data/winback" }), port: 3000 })
 * console.log(server.url)
 * ```
 */
export const startServer = async (options: ServerOptions): Promise<RunningServer> => {
  const winback = await createWinback({ storage: options.storage })
  const demoLogins = options.seed ? await options.seed(winback) : []
  const router = createRouter({ winback, demoLogins, ...(options.today ? { today: options.today } : {}) })
  const server = createServer((req, res) => void router.handle(req, res))
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(options.port ?? 3000, options.host ?? "127.0.0.1", () => resolve())
  })
  const addr = server.address() as AddressInfo
  return {
    url: `http://${addr.address.includes(":") ? `[${addr.address}]` : addr.address}:${addr.port}`,
    winback,
    demoLogins,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      await winback.dispose()
    }
  }
}
