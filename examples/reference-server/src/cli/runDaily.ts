/**
 * `winback run-daily`: the morning job (in this process, or by the running server: `--server`,
 * and the server's `POST /api/jobs/run-daily` runs the same steps). Four steps, each reported with its counts and duration:
 * expire due tasks, run the extraction of the day, send due appointment reminders, evaluate the
 * observations whose window has ended. A failing step does not stop the others; the job then
 * exits non-zero. Idempotent: the extraction is planned once and written partition by partition
 * (each in its own transaction, so the embedded database's one connection serves the server
 * between partitions); a partition with nothing new to hand out writes nothing, so a second run of
 * the same day writes nothing at all.
 */
import { Effect } from "effect"
import { type Actor, AppointmentService, Extraction, ObservationService, TaskService } from "@winback/core"
import { duration, type Progress } from "./progress"
import type { CommandRuntime } from "./runtime"

/** Options of {@link runDaily}. */
export interface DailyOptions {
  readonly asOf: string
  readonly actorId?: string | undefined
  readonly reminderLeadMinutes: number
  /** Also text the agents' phones (the server's schedule, where an SMS gateway is configured). */
  readonly smsToAgent?: boolean | undefined
  /** Hash partitions the extraction is written in (default {@link DAILY_PARTITIONS}). */
  readonly partitions?: number | undefined
}

/** The partitions of the daily extraction: small transactions, each releasing the connection after it. */
export const DAILY_PARTITIONS = 4

/** One step's result. */
export interface StepResult {
  readonly name: string
  readonly outcome: "ok" | "failed"
  readonly detail: string
  readonly counts: Readonly<Record<string, number>>
  readonly ms: number
}

/** What the job did. */
export interface DailySummary {
  readonly asOf: string
  readonly actorId: string
  readonly steps: ReadonlyArray<StepResult>
  readonly ok: boolean
  readonly ms: number
}

const describeError = (e: unknown): string => {
  if (e instanceof Error) return `${(e as { _tag?: string })._tag ?? e.name}: ${e.message}`
  return String(e)
}

/** The services the job's steps use. */
export type DailyServices = TaskService | Extraction | AppointmentService | ObservationService

/** Runs one step's program as the job's actor (the command's runtime, or the server's `runAs`). */
export type DailyRunner = <A, E>(program: (actor: Actor) => Effect.Effect<A, E, DailyServices>) => Promise<A>

/** The four steps over a runner; failures are reported per step, never thrown. */
export const runDailySteps = async (run: DailyRunner, options: Omit<DailyOptions, "actorId">, progress: Progress): Promise<{ readonly steps: ReadonlyArray<StepResult>; readonly ok: boolean }> => {
  const asOf = options.asOf
  const steps: Array<{ name: string; label: string; run: () => Promise<{ detail: string; counts: Record<string, number> }> }> = [
    {
      name: "expire",
      label: "Expire due tasks",
      run: async () => {
        const expired = await run((actor) => Effect.flatMap(TaskService, (s) => s.expireDue(actor, asOf)))
        const items = expired.reduce((n, t) => n + t.items, 0)
        return { detail: `${expired.length} task(s) expired, ${items} open item(s) closed`, counts: { tasks: expired.length, items } }
      }
    },
    {
      name: "extraction",
      label: "Run the extraction",
      run: async () => {
        // Planned once: a run writes nothing where nothing is new.
        const report = await run((actor) => Effect.flatMap(Extraction, (s) => s.run(actor, { asOf, partitions: options.partitions ?? DAILY_PARTITIONS })))
        const due = report.tasks.filter((t) => t.due).length
        if (report.created === 0) return { detail: `nothing new to hand out (${due} task(s) due)`, counts: { dueTasks: due, created: 0 } }
        return { detail: `${report.created} work item(s) created over ${due} due task(s), period ${report.period}`, counts: { dueTasks: due, created: report.created } }
      }
    },
    {
      name: "reminders",
      label: "Send appointment reminders",
      run: async () => {
        const r = await run((actor) => Effect.flatMap(AppointmentService, (s) => s.sendDueReminders(actor, { leadMinutes: options.reminderLeadMinutes, smsToAgent: options.smsToAgent === true })))
        if (r.failed.length > 0) throw new Error(`${r.failed.length} reminder(s) failed (${r.failed.slice(0, 3).map((f) => `${f.id}: ${f.error.detail}`).join("; ")}); ${r.reminded.length} sent`)
        return { detail: `${r.reminded.length} reminder(s) sent`, counts: { reminded: r.reminded.length } }
      }
    },
    {
      name: "observations",
      label: "Evaluate observations",
      run: async () => {
        const r = await run((actor) => Effect.flatMap(ObservationService, (s) => s.evaluateDue(actor, { asOf })))
        return {
          detail: `${r.evaluated} evaluated (${r.stayed} stayed, ${r.churned} churned, ${r.returned} returned, ${r.stillInactive} still inactive)`,
          counts: { evaluated: r.evaluated, stayed: r.stayed, churned: r.churned, returned: r.returned, stillInactive: r.stillInactive }
        }
      }
    }
  ]
  const results: Array<StepResult> = []
  for (const [i, step] of steps.entries()) {
    progress.step(i + 1, steps.length, step.label)
    const t0 = performance.now()
    try {
      const { detail, counts } = await step.run()
      const ms = performance.now() - t0
      progress.end("ok", detail, ms)
      results.push({ name: step.name, outcome: "ok", detail, counts, ms })
    } catch (e) {
      const ms = performance.now() - t0
      const detail = describeError(e)
      progress.end("failed", detail, ms)
      results.push({ name: step.name, outcome: "failed", detail, counts: {}, ms })
    }
  }
  return { steps: results, ok: results.every((r) => r.outcome === "ok") }
}

/** Runs the daily job in this process. */
export const runDaily = async (command: CommandRuntime, options: DailyOptions, progress: Progress): Promise<DailySummary> => {
  const started = performance.now()
  const actor = await command.actor(options.actorId, "run-daily")
  const { steps, ok } = await runDailySteps((program) => command.runtime.runPromise(program(actor)), options, progress)
  return { asOf: options.asOf, actorId: actor.id, steps, ok, ms: performance.now() - started }
}

/**
 * Has the running server run the job (`POST /api/jobs/run-daily`) with an admin's API key; answers
 * its summary. Throws with the server's error message on a refusal (401, 403, 400).
 */
export const runDailyOnServer = async (server: string, apiKey: string, options: { readonly asOf?: string | undefined; readonly reminderLeadMinutes: number }): Promise<DailySummary> => {
  const url = new URL("/api/jobs/run-daily", server)
  const res = await fetch(url, {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ ...(options.asOf ? { asOf: options.asOf } : {}), reminderLeadMinutes: options.reminderLeadMinutes })
  }).catch((e: unknown) => {
    throw new Error(`cannot reach the server at ${url.origin}: ${(e as { cause?: { code?: string } }).cause?.code ?? String(e)}`)
  })
  const body = (await res.json().catch(() => null)) as (DailySummary & { error?: { message?: string } }) | null
  if (!res.ok || body === null || !Array.isArray(body.steps)) throw new Error(`the server refused the job (${res.status}): ${body?.error?.message ?? "no answer"}`)
  return body
}

/** The summary table printed at the end. */
export const formatSummary = (s: DailySummary): string => {
  const width = Math.max(...s.steps.map((r) => r.name.length))
  const lines = s.steps.map((r) => `  ${r.name.padEnd(width)}  ${r.outcome.padEnd(6)} ${duration(r.ms).padStart(8)}  ${r.detail}`)
  return [`Summary of ${s.asOf} (as ${s.actorId})`, ...lines, `Total ${duration(s.ms)}: ${s.ok ? "ok" : `FAILED (${s.steps.filter((r) => r.outcome === "failed").map((r) => r.name).join(", ")})`}`].join("\n")
}
