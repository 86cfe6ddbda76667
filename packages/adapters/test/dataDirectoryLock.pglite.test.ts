/**
 * Issue 15, item 1: one process per embedded data directory. A second opener — another process or
 * the same one — fails at once with `DataDirectoryLocked` naming the holder; a SIGKILLed holder
 * leaves no lock behind, and the directory opens with what the killed process wrote.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { hostname, tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { sql } from "drizzle-orm"
import { afterAll, describe, expect, it } from "vitest"
import { rowsOf } from "../src/pg/Driver"
import { DataDirectoryLocked } from "../src/pg/DataDirectoryLock"
import { PgliteStorage } from "../src/pg/PgStorage"

const repoRoot = fileURLToPath(new URL("../../..", import.meta.url))
const holderScript = fileURLToPath(new URL("./lock/holder.ts", import.meta.url))
const dirs: Array<string> = []
const children: Array<ChildProcess> = []
const freshDir = () => {
  const d = mkdtempSync(join(tmpdir(), "winback-lock-"))
  dirs.push(d)
  return d
}
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL")
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

/** Starts the holder script on `dir`; resolves with its first line of output and its exit. */
const startHolder = (dir: string) => {
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=@winback/source", holderScript, dir], { cwd: repoRoot, stdio: ["ignore", "pipe", "inherit"] })
  children.push(child)
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
  const firstLine = new Promise<string>((resolve, reject) => {
    let out = ""
    child.stdout!.setEncoding("utf8")
    child.stdout!.on("data", (d: string) => {
      out += d
      if (out.includes("\n")) resolve(out.slice(0, out.indexOf("\n")))
    })
    child.on("exit", (code) => reject(new Error(`holder exited (${code}) before saying anything`)))
  })
  return { child, firstLine, exited }
}

const probeRows = async (dir: string) => {
  const s = await PgliteStorage.open({ dataDir: dir })
  try {
    return (rowsOf(await s.run((db) => db.execute(sql`SELECT pid FROM lock_probe`))) as Array<{ pid: number }>).map((r) => r.pid)
  } finally {
    await s.close()
  }
}

describe("the embedded data directory is locked to one process", () => {
  it("a second opener in another process fails at once with DataDirectoryLocked naming the holder; after SIGKILL the directory opens with the holder's writes", async () => {
    const dir = freshDir()
    const a = startHolder(dir)
    expect(await a.firstLine).toBe(`open ${a.child.pid}`)

    const t0 = performance.now()
    const refused = await PgliteStorage.open({ dataDir: dir }).then(
      () => "opened",
      (e: unknown) => e
    )
    const waitedMs = performance.now() - t0
    expect(refused).toBeInstanceOf(DataDirectoryLocked)
    const locked = refused as DataDirectoryLocked
    expect(locked._tag).toBe("DataDirectoryLocked")
    expect(locked.holder?.pid).toBe(a.child.pid)
    expect(locked.holder?.hostname).toBe(hostname())
    expect(Number.isNaN(Date.parse(locked.holder!.since))).toBe(false)
    expect(locked.message).toContain(`process ${a.child.pid}`)
    expect(waitedMs).toBeLessThan(3000)

    a.child.kill("SIGKILL")
    await a.exited
    // No stale lock: the directory opens at once, with what the killed process had committed.
    expect(await probeRows(dir)).toEqual([a.child.pid])
  })

  it("two live openers: the process that comes second is refused with the first one's pid, and the first keeps working", async () => {
    const dir = freshDir()
    const first = await PgliteStorage.open({ dataDir: dir })
    try {
      const b = startHolder(dir)
      const line = await b.firstLine
      expect(await b.exited).toBe(3)
      expect(line.startsWith("locked ")).toBe(true)
      const said = JSON.parse(line.slice("locked ".length)) as { holder: { pid: number; hostname: string }; message: string }
      expect(said.holder.pid).toBe(process.pid)
      expect(said.holder.hostname).toBe(hostname())
      expect(said.message).toContain(dir)
      // The holder is untouched.
      expect(rowsOf(await first.run((db) => db.execute(sql`SELECT 1 AS one`)))).toEqual([{ one: 1 }])
    } finally {
      await first.close()
    }
    // Closed cleanly: the next opener gets it.
    const again = await PgliteStorage.open({ dataDir: dir })
    await again.close()
  })

  it("the same process opening the directory twice (by another path) is refused too", async () => {
    const dir = freshDir()
    const first = await PgliteStorage.open({ dataDir: dir })
    try {
      const e = await PgliteStorage.open({ dataDir: join(dir, ".") }).catch((x: unknown) => x)
      expect(e).toBeInstanceOf(DataDirectoryLocked)
      expect((e as DataDirectoryLocked).holder?.pid).toBe(process.pid)
    } finally {
      await first.close()
    }
  })
})
