/**
 * A worker process of the partitioned-extraction test: opens PostgresStorage on the test's schema,
 * says `ready`, waits for `go` on stdin, then runs `Extraction.work` and reports `done` with its
 * report (JSON lines on stdout). `WINBACK_PART_MODE=hang` makes it stop for good inside its first
 * partition's write transaction (after writing items) and say `writing`, so the test can SIGKILL it there.
 *
 * Env: WINBACK_PART_URL, WINBACK_PART_SCHEMA, WINBACK_PART_APP (application_name), WINBACK_PART_WORKER,
 * WINBACK_PART_ACTOR, WINBACK_PART_CLOCK (ms), WINBACK_PART_DELAY (ms), WINBACK_PART_MODE.
 */
import { createInterface } from "node:readline"
import { Effect } from "effect"
import { PostgresStorage } from "../../src/pg/PgStorage"
import { partitionRuntime, workProgram } from "./scenario"

const emit = (e: unknown) => void process.stdout.write(`${JSON.stringify(e)}\n`)
const env = (k: string) => {
  const v = process.env[k]
  if (v === undefined) throw new Error(`${k} is not set`)
  return v
}
const url = new URL(env("WINBACK_PART_URL"))
url.searchParams.set("application_name", env("WINBACK_PART_APP"))
const storage = await PostgresStorage.open({ url: url.toString(), schema: env("WINBACK_PART_SCHEMA") })
const hang = process.env.WINBACK_PART_MODE === "hang"
const runtime = partitionRuntime(storage, {
  delayMs: Number(process.env.WINBACK_PART_DELAY ?? 0),
  ...(hang ? { onWrite: () => Effect.sync(() => emit({ ev: "writing" })).pipe(Effect.andThen(Effect.never)) } : {})
})
emit({ ev: "ready" })
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() !== "go") continue
  try {
    emit({ ev: "done", result: await runtime.runPromise(workProgram(env("WINBACK_PART_ACTOR"), env("WINBACK_PART_WORKER"), Number(env("WINBACK_PART_CLOCK")))) })
  } catch (e) {
    emit({ ev: "error", message: String((e as Error).message ?? e) })
  }
  break
}
await runtime.dispose()
await storage.close()
process.exit(0)
