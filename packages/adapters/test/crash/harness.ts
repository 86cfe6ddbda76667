/**
 * The parent side of the crash test: spawns workers (tsx, source conditions), keeps one spare
 * warmed up so a kill costs no start-up wait, sends commands, and kills a worker with SIGKILL a
 * seeded random delay after it reported that it started a command.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process"
import { existsSync, mkdirSync, rmSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"
import { randomUUID } from "node:crypto"
import type { Command, WorkerEvent } from "./scenario"

const here = dirname(fileURLToPath(import.meta.url))
const repoRoot = resolve(here, "../../../..")
const tsx = join(repoRoot, "node_modules/.bin/tsx")
const esbuild = join(repoRoot, "node_modules/.bin/esbuild")
const workerScript = join(here, "worker.ts")

/** How a worker process is started: a program and its arguments. */
export interface Launcher {
  readonly mode: "tsx" | "bundle"
  readonly command: string
  readonly args: ReadonlyArray<string>
  /** Removes what preparing it made (the bundle). */
  readonly dispose: () => void
}

/**
 * The worker's launcher. `tsx` runs worker.ts from source under tsx (`--conditions=@winback/source`);
 * it costs about 1.3 s of CPU per start, mostly tsx's per-module loader hooks. `bundle` (the default
 * when esbuild is installed) first bundles the same worker.ts from the same sources, with the same
 * condition, into one file, which starts in about 0.2 s: with a kill per start that is what keeps
 * 150 kills within the CI budget. `WINBACK_CRASH_RUNNER=tsx` forces the first.
 */
export const prepareLauncher = async (script: string = workerScript): Promise<Launcher> => {
  const wanted = process.env.WINBACK_CRASH_RUNNER ?? (existsSync(esbuild) ? "bundle" : "tsx")
  if (wanted === "tsx") return { mode: "tsx", command: tsx, args: ["--conditions=@winback/source", script], dispose: () => undefined }
  // Inside the package's node_modules, so that the bundle resolves what it leaves external there.
  const outDir = join(here, "../../node_modules/.cache")
  mkdirSync(outDir, { recursive: true })
  const outfile = join(outDir, `winback-crash-worker-${process.pid}-${randomUUID()}.mjs`)
  await new Promise<void>((ok, fail) =>
    execFile(
      esbuild,
      [
        script,
        "--bundle",
        "--platform=node",
        "--format=esm",
        "--conditions=@winback/source",
        `--outfile=${outfile}`,
        "--log-level=error",
        // PGlite loads its WebAssembly and data files next to its own module: keep it in place.
        "--external:@electric-sql/pglite",
        // CommonJS dependencies (pg) call require(): give the ES module one.
        "--banner:js=import { createRequire as __winbackRequire } from 'node:module'; const require = __winbackRequire(import.meta.url);"
      ],
      { cwd: repoRoot, env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}` } },
      (error, _out, stderr) => (error ? fail(new Error(`bundling the crash worker failed: ${stderr}`)) : ok())
    )
  )
  return { mode: "bundle", command: process.execPath, args: [outfile], dispose: () => rmSync(outfile, { force: true }) }
}

/** A small seeded PRNG (mulberry32): the same seed gives the same kill delays. */
export const prng = (seed: number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Where the worker was when it died, from the last event it wrote. */
export type KillPhase = "during-open" | "before-transaction" | "inside-transaction" | "commit-pending" | "after-commit"

const phaseOf = (last: WorkerEvent | undefined, embedded: boolean): KillPhase => {
  switch (last?.ev) {
    case "started":
      // The embedded worker opens its directory after "started"; it died before saying "opened".
      return embedded ? "during-open" : "before-transaction"
    case "tx-begin":
    case "write":
      return "inside-transaction"
    case "tx-commit":
      return "commit-pending"
    case "tx-end":
    case "done":
      return "after-commit"
    default:
      return "before-transaction"
  }
}

let workerCounter = 0

/** One worker process. */
export class Worker {
  readonly proc: ChildProcess
  readonly events: Array<WorkerEvent> = []
  /** When each event arrived (performance.now()). */
  readonly times: Array<number> = []
  readonly exited: Promise<number | null>
  private waiters: Array<() => void> = []
  private stderr = ""
  private dead = false

  /** The application_name of the worker's PostgreSQL connections. */
  readonly app = `winback-crash-${process.pid}-${++workerCounter}`

  /** Whether it runs on an embedded data directory (opened by each command). */
  private readonly embedded: boolean

  constructor(launcher: Launcher, env: Record<string, string>) {
    this.embedded = env.WINBACK_CRASH_DATADIR !== undefined
    this.proc = spawn(launcher.command, [...launcher.args], {
      cwd: repoRoot,
      // The workspace's Node 22 first on PATH (tsx's launcher runs `node`).
      env: { ...process.env, ...env, WINBACK_CRASH_APP: this.app, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}` },
      stdio: ["pipe", "pipe", "pipe"],
      // Its own process group: tsx runs the script in a grandchild, and a kill must reach it too.
      detached: true
    })
    createInterface({ input: this.proc.stdout! }).on("line", (line) => {
      try {
        const e = JSON.parse(line) as WorkerEvent
        this.times.push(performance.now())
        this.events.push(e)
      } catch {
        this.stderr += `${line}\n` // stray output
      }
      this.wake()
    })
    this.proc.stderr!.on("data", (d) => void (this.stderr += String(d)))
    this.proc.stdin!.on("error", () => undefined) // writing to a killed worker
    // "close": every process holding the worker's stdout (the whole group) is gone.
    this.exited = new Promise((ok) => this.proc.on("close", (code) => ok(code)))
    void this.exited.then(() => {
      this.dead = true
      this.wake()
    })
  }

  private wake() {
    const ws = this.waiters
    this.waiters = []
    for (const w of ws) w()
  }

  /** Resolves with the first event from `from` on that satisfies `pred`; rejects if the worker exits first. */
  async waitFor(pred: (e: WorkerEvent) => boolean, from = 0): Promise<WorkerEvent> {
    for (;;) {
      const hit = this.events.slice(from).find(pred)
      if (hit) return hit
      if (this.dead) {
        throw new Error(`worker exited (${this.proc.exitCode ?? this.proc.signalCode}) before the awaited event; stderr:\n${this.stderr.slice(-3000)}`)
      }
      await new Promise<void>((ok) => this.waiters.push(ok))
    }
  }

  ready(): Promise<WorkerEvent> {
    return this.waitFor((e) => e.ev === "ready")
  }

  /** Runs a command to its end; rejects on an error event. Feeds `timing` when given. */
  async run(cmd: Command, timing?: Timing): Promise<unknown> {
    const from = this.events.length
    this.proc.stdin!.write(`${JSON.stringify(cmd)}\n`)
    const end = await this.waitFor((e) => e.ev === "done" || e.ev === "error", from)
    if (end.ev === "error") throw new Error(`worker failed: ${end.tag}: ${end.message}`)
    timing?.observe(offsets(this.events.slice(from), this.times.slice(from)))
    return (end as Extract<WorkerEvent, { ev: "done" }>).result
  }

  /**
   * Sends a command and SIGKILLs the worker at `aim` (or as soon as it finished, if sooner).
   * Returns where it was when it died.
   */
  async killDuring(cmd: Command, aim: KillAim, timing?: Timing): Promise<{ phase: KillPhase; writes: number }> {
    const from = this.events.length
    this.proc.stdin!.write(`${JSON.stringify(cmd)}\n`)
    const ended = this.waitFor((e) => e.ev === "done" || e.ev === "error", from).catch(() => undefined)
    await this.waitFor((e) => e.ev === "started", from)
    if (aim.after === "opened") await Promise.race([this.waitFor((e) => e.ev === "opened", from).catch(() => undefined), ended])
    await Promise.race([new Promise((ok) => setTimeout(ok, aim.ms)), ended])
    this.kill()
    await this.exited
    const mine = this.events.slice(from)
    const o = offsets(mine, this.times.slice(from))
    // What the run reached before the kill; a transaction cut short says nothing about its end.
    timing?.observe({ open: o.open, txBegin: o.txBegin, txEnd: o.total === undefined ? undefined : o.txEnd, total: o.total })
    const failed = mine.find((e) => e.ev === "error")
    if (failed) throw new Error(`worker failed before the kill: ${JSON.stringify(failed)}`)
    return { phase: phaseOf(mine[mine.length - 1], this.embedded), writes: mine.filter((e) => e.ev === "write").length }
  }

  /** SIGKILL to the worker's whole process group (the tsx launcher and the script's process). */
  kill(): void {
    try {
      process.kill(-this.proc.pid!, "SIGKILL")
    } catch {
      // already gone
    }
  }

  /** Ends the worker cleanly (stdin closed), killing it if it does not exit within 5 s. */
  async stop(): Promise<void> {
    if (this.dead) return
    this.proc.stdin!.end()
    const timer = setTimeout(() => this.kill(), 5000)
    await this.exited
    clearTimeout(timer)
  }
}

/** Hands out ready workers, always warming the next one in the background. */
export class WorkerPool {
  private spares: Array<Worker> = []
  spawned = 0
  constructor(
    private readonly launcher: Launcher,
    private readonly env: Record<string, string>,
    private readonly warm = 1
  ) {}

  private readonly all = new Set<Worker>()

  private start(): Worker {
    this.spawned++
    const w = new Worker(this.launcher, this.env)
    this.all.add(w)
    void w.exited.then(() => this.all.delete(w))
    return w
  }

  /** A ready worker; fresh spares start warming at once. */
  async take(): Promise<Worker> {
    const w = this.spares.shift() ?? this.start()
    while (this.spares.length < this.warm) this.spares.push(this.start())
    await w.ready()
    return w
  }

  /** Stops the spares, and kills any worker a failed test left running (they are detached). */
  async close(): Promise<void> {
    await Promise.all(this.spares.map((w) => w.stop()))
    this.spares = []
    for (const w of this.all) w.kill()
    await Promise.all([...this.all].map((w) => w.exited))
  }
}

/**
 * Where a run spends its time, from the runs that completed (a moving average): from "started" to
 * the first transaction's begin, to the last transaction's end, and to the end. Kill delays are
 * drawn against it so that most kills land inside the write transactions, which are the point.
 */
/**
 * Where a kill is aimed: `ms` after the worker said `started` (the command arrived) or `opened`
 * (the embedded worker has its directory open). Aiming after `opened` keeps the kills meant for
 * the transaction inside it however long opening takes on a loaded machine.
 */
export interface KillAim {
  readonly after: "started" | "opened"
  readonly ms: number
}

/** A kill aim as the test names it in its messages. */
export const aimText = (aim: KillAim): string => `${aim.ms.toFixed(0)} ms after ${aim.after}`

export class Timing {
  private readonly avg = { open: 0, txBegin: 0, txEnd: 0, total: 0 }
  private readonly seen = { open: 0, txBegin: 0, txEnd: 0, total: 0 }
  /** Feeds what one run showed (a killed run shows only what happened before its death). */
  observe(o: { readonly open?: number; readonly txBegin?: number; readonly txEnd?: number; readonly total?: number }): void {
    for (const k of ["open", "txBegin", "txEnd", "total"] as const) {
      const v = o[k]
      if (v === undefined) continue
      this.avg[k] += (this.seen[k]++ === 0 ? 1 : 0.3) * (v - this.avg[k])
    }
  }
  /**
   * A kill aim: 25% before the writes (for the embedded worker, 15% while it opens its directory),
   * 60% during them, 15% after them — the last three counted from `opened` when the worker opens.
   */
  delay(rng: () => number): KillAim {
    const { open, txBegin, txEnd, total } = this.avg
    const r = rng()
    const u = rng()
    const opens = this.seen.open > 0
    if (opens && r < 0.15) return { after: "started", ms: u * open }
    const after = opens ? "opened" : "started"
    if (r < 0.25) return { after, ms: u * txBegin }
    if (r < 0.85) return { after, ms: txBegin + u * Math.max(0, txEnd - txBegin) }
    return { after, ms: txEnd + u * Math.max(0, total * 1.3 - txEnd) }
  }
}

/**
 * The offsets of the first transaction's begin, the last one's end and the end, in ms after
 * `opened` when the worker opens a directory for the command (and then how long opening took),
 * else after `started`.
 */
const offsets = (events: ReadonlyArray<WorkerEvent>, times: ReadonlyArray<number>) => {
  const kinds = events.map((e) => e.ev)
  const started = kinds.indexOf("started")
  if (started < 0) return {}
  const opened = kinds.indexOf("opened")
  const from = opened < 0 ? started : opened
  const at = (i: number) => (i < 0 ? undefined : times[i]! - times[from]!)
  return {
    open: opened < 0 ? undefined : times[opened]! - times[started]!,
    txBegin: at(kinds.indexOf("tx-begin")),
    txEnd: at(kinds.lastIndexOf("tx-end")),
    total: at(kinds.indexOf("done"))
  }
}

/** Counts of where the kills landed. */
export const emptyPhases = (): Record<KillPhase, number> => ({ "during-open": 0, "before-transaction": 0, "inside-transaction": 0, "commit-pending": 0, "after-commit": 0 })
