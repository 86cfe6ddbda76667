/**
 * One process per embedded data directory. PGlite keeps the whole database in the memory of the
 * process that opened it and writes it back to the directory; two processes on one directory
 * overwrite each other's pages and leave a directory that no longer opens. The lock is an
 * operating-system object, not a file: a listening local socket whose name is derived from the
 * directory's real path (Linux: the abstract socket namespace; Windows: a named pipe). The kernel
 * frees it when the holder exits in any way — SIGKILL and power loss included — so there is no
 * stale lock to clean up, and two openers racing for it cannot both win. A second opener connects
 * to the socket and the holder answers who it is (pid, host, since), which the typed error carries.
 *
 * On other systems (macOS, BSD) the socket is a file under the temporary directory; a stale socket
 * file left by a killed holder is recognised (nobody answers on it) and replaced.
 */
import { createHash } from "node:crypto"
import { realpathSync, unlinkSync } from "node:fs"
import { createConnection, createServer, type Server } from "node:net"
import { hostname, tmpdir } from "node:os"
import { join } from "node:path"
import { Data } from "effect"

/** Who holds a data directory, as the holder answers it. */
export interface DataDirectoryHolder {
  readonly pid: number
  readonly hostname: string
  /** When the holder opened the directory (ISO timestamp). */
  readonly since: string
}

/**
 * Another process has the embedded data directory open: stop it, or let it do the work (the
 * reference server runs the daily job itself: `winback run-daily --server URL`). `holder` is null
 * when the holder did not answer in time (a process busy in a long statement).
 *
 * @example
 * ```ts
 * try {
 *   await PgliteStorage.open({ dataDir: ".data/winback" })
 * } catch (e) {
 *   if (e instanceof DataDirectoryLocked) console.error(`in use by pid ${e.holder?.pid} since ${e.holder?.since}`)
 * }
 * ```
 */
export class DataDirectoryLocked extends Data.TaggedError("DataDirectoryLocked")<{
  readonly dataDir: string
  readonly holder: DataDirectoryHolder | null
}> {
  override get message(): string {
    const h = this.holder
    return h
      ? `the data directory ${this.dataDir} is in use by process ${h.pid} on ${h.hostname} since ${h.since}; PGlite allows one process at a time`
      : `the data directory ${this.dataDir} is in use by another process (it did not say which); PGlite allows one process at a time`
  }
}

/** The socket address that stands for `dir` (its real path, hashed: socket names are short). */
const addressOf = (dir: string): string => {
  const key = createHash("sha256").update(realpathSync(dir)).digest("hex").slice(0, 32)
  if (process.platform === "linux") return `\0winback-pglite-${key}`
  if (process.platform === "win32") return `\\\\.\\pipe\\winback-pglite-${key}`
  return join(tmpdir(), `winback-pglite-${key}.sock`)
}

const listen = (server: Server, address: string): Promise<void> =>
  new Promise((resolve, reject) => {
    const onError = (e: Error) => reject(e)
    server.once("error", onError)
    server.listen(address, () => {
      server.off("error", onError)
      resolve()
    })
  })

/** Asks the holder who it is; null when nobody answers within `timeoutMs` (or nobody listens). */
const ask = (address: string, timeoutMs: number): Promise<DataDirectoryHolder | null | "nobody"> =>
  new Promise((resolve) => {
    let text = ""
    const socket = createConnection(address)
    const done = (v: DataDirectoryHolder | null | "nobody") => {
      clearTimeout(timer)
      socket.destroy()
      resolve(v)
    }
    const timer = setTimeout(() => done(null), timeoutMs)
    socket.setEncoding("utf8")
    socket.on("data", (d: string) => {
      text += d
      if (text.length > 4096) done(null)
    })
    socket.on("end", () => {
      try {
        const v = JSON.parse(text) as DataDirectoryHolder
        done(typeof v.pid === "number" && typeof v.hostname === "string" && typeof v.since === "string" ? v : null)
      } catch {
        done(null)
      }
    })
    socket.on("error", (e: NodeJS.ErrnoException) => done(e.code === "ECONNREFUSED" || e.code === "ENOENT" ? "nobody" : null))
  })

/** A held lock; `release` frees it (idempotent). */
export interface HeldDataDirectoryLock {
  readonly holder: DataDirectoryHolder
  readonly release: () => Promise<void>
}

/**
 * Takes the exclusive lock on `dir` (which must exist) or fails at once with
 * {@link DataDirectoryLocked}. The lock does not keep the process alive.
 *
 * @example
 * ```ts
 * const lock = await lockDataDirectory(".data/winback")
 * try { ... } finally { await lock.release() }
 * ```
 */
export const lockDataDirectory = async (dir: string, options: { readonly now?: () => Date } = {}): Promise<HeldDataDirectoryLock> => {
  const address = addressOf(dir)
  const holder: DataDirectoryHolder = { pid: process.pid, hostname: hostname(), since: (options.now?.() ?? new Date()).toISOString() }
  const answer = JSON.stringify(holder)
  const server = createServer((socket) => {
    socket.on("error", () => undefined)
    socket.end(answer)
  })
  for (let attempt = 0; ; attempt++) {
    try {
      await listen(server, address)
      break
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EADDRINUSE") throw e
      const who = await ask(address, 2000)
      // A socket file that nobody listens on is what a killed holder leaves (not on Linux/Windows).
      if (who === "nobody" && attempt === 0 && !address.startsWith("\0") && !address.startsWith("\\\\")) {
        try {
          unlinkSync(address)
        } catch {
          // Another opener removed it first: the next listen decides.
        }
        continue
      }
      throw new DataDirectoryLocked({ dataDir: dir, holder: who === "nobody" ? null : who })
    }
  }
  server.unref()
  let released: Promise<void> | undefined
  return {
    holder,
    release: () =>
      (released ??= new Promise<void>((resolve) => {
        server.close(() => resolve())
      }))
  }
}
