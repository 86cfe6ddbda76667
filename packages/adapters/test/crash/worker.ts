/**
 * The process the crash test kills. It opens PostgresStorage on the schema the test seeded, builds
 * the real pipeline services, says `ready`, then runs one JSON command a line from stdin, reporting
 * progress (JSON lines on stdout) as it goes. One worker runs many commands, so start-up (about a
 * second under tsx) is paid once per kill, and the test warms the next worker while this one runs.
 *
 * Run: tsx --conditions=@winback/source worker.ts  (env WINBACK_CRASH_URL, WINBACK_CRASH_SCHEMA,
 * WINBACK_CRASH_APP: the application_name of its connections; or WINBACK_CRASH_DATADIR: an
 * embedded PGlite data directory, opened for each command and closed after it)
 */
import { createInterface } from "node:readline"
import { Effect } from "effect"
import { PgliteStorage, PostgresStorage } from "../../src/pg/PgStorage"
import { type Command, crashRuntime, reportingStores, runCommand, type WorkerEvent } from "./scenario"

// Pipes to the parent are synchronous on Linux: an event written is seen even if we die next.
const emit = (e: WorkerEvent) => void process.stdout.write(`${JSON.stringify(e)}\n`)

const dataDir = process.env.WINBACK_CRASH_DATADIR
const url = process.env.WINBACK_CRASH_URL
const schema = process.env.WINBACK_CRASH_SCHEMA

/** Reads commands from stdin and runs each through `run`, reporting its end. */
const serve = async (run: (cmd: Command) => Promise<unknown>) => {
  const lines = createInterface({ input: process.stdin })
  for await (const line of lines) {
    if (line.trim() === "") continue
    const cmd = JSON.parse(line) as Command
    emit({ ev: "started" })
    try {
      emit({ ev: "done", result: await run(cmd) })
    } catch (e) {
      const err = e as { _tag?: string; message?: string }
      emit({ ev: "error", tag: err._tag ?? "Defect", message: String(err.message ?? e) })
    }
  }
}

if (dataDir) {
  // The embedded default: one process at a time holds the directory, so a spare warms up with the
  // code loaded but the directory closed, and each command opens it, runs, and closes it again. A
  // kill can land while PGlite opens (or migrates) the directory as well as inside a transaction.
  emit({ ev: "ready" })
  await serve(async (cmd) => {
    const storage = await PgliteStorage.open({ dataDir })
    emit({ ev: "opened" })
    const runtime = crashRuntime(storage, reportingStores(storage.stores, emit))
    try {
      return await runCommand(runtime, cmd)
    } finally {
      await runtime.dispose()
      await storage.close()
    }
  })
} else {
  if (!url || !schema) {
    emit({ ev: "error", tag: "Setup", message: "WINBACK_CRASH_DATADIR, or WINBACK_CRASH_URL and WINBACK_CRASH_SCHEMA, must be set" })
    process.exit(2)
  }
  // The parent finds this worker's connections by name, to wait until PostgreSQL has ended them.
  const named = new URL(url)
  named.searchParams.set("application_name", process.env.WINBACK_CRASH_APP ?? "winback-crash-worker")
  const storage = await PostgresStorage.open({ url: named.toString(), schema, maxConnections: 3 })
  const runtime = crashRuntime(storage, reportingStores(storage.stores, emit))
  // Build the layers now, so a command starts working at once.
  await runtime.runPromise(Effect.void)
  emit({ ev: "ready" })
  await serve((cmd) => runCommand(runtime, cmd))
  await runtime.dispose()
  await storage.close()
}
