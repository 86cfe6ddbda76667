/**
 * `winback extract-worker`: one worker of a partitioned daily extraction. Start it on as many
 * processes or machines as reach the PostgreSQL database; they share the run's hash partitions
 * through the `extraction_partitions` table and stop when every partition is done.
 */
import { hostname } from "node:os"
import { Effect } from "effect"
import { Extraction } from "@winback/core"
import type { CommandRuntime } from "./runtime"

/** Options of {@link extractWorker}. */
export interface ExtractWorkerOptions {
  readonly asOf: string
  readonly actorId?: string | undefined
  readonly partitions: number
  readonly workerId?: string | undefined
  readonly leaseSeconds: number
}

/** Works on the day's extraction until every partition is done; answers a one-line summary. */
export const extractWorker = async (command: CommandRuntime, options: ExtractWorkerOptions): Promise<string> => {
  const actor = await command.actor(options.actorId, "extract-worker")
  const workerId = options.workerId ?? `${hostname()}:${process.pid}`
  const r = await command.runtime.runPromise(
    Effect.flatMap(Extraction, (x) =>
      x.work(actor, { asOf: options.asOf, partitions: options.partitions }, { workerId, leaseMs: options.leaseSeconds * 1000, untilComplete: true })
    )
  )
  const total = r.report ? `; the run created ${r.report.created} work item(s) in all` : ""
  return `worker ${workerId}: ${r.done.length} of ${r.partitions} partition(s) of ${r.runKey}, ${r.created} work item(s) created${total}`
}
