/**
 * The daily job through the running server (`POST /api/jobs/run-daily`): the embedded database
 * allows one process, so cron calls the server (`winback run-daily --server URL` with an API key)
 * instead of opening the data directory beside it. Admins only; the same four steps as the command.
 */
import { z } from "zod"
import { Forbidden, IsoDate } from "@winback/core"
import { runDailySteps } from "../cli/runDaily"
import type { Progress } from "../cli/progress"
import type { Router } from "../http"
import { actAs, type ApiContext } from "./support"

const RunDailyBody = z.object({ asOf: IsoDate.optional(), reminderLeadMinutes: z.number().int().min(0).max(1440).default(15) }).strict()
const StepResult = z.object({ name: z.string(), outcome: z.enum(["ok", "failed"]), detail: z.string(), counts: z.record(z.string(), z.number()), ms: z.number() })
/** What the job did (the same summary the command prints). */
export const DailySummary = z.object({ asOf: z.string(), actorId: z.string(), steps: z.array(StepResult), ok: z.boolean(), ms: z.number() })

const silent: Progress = { step: () => {}, advance: () => {}, end: () => {}, line: () => {}, close: () => {} }

/**
 * Registers the job routes.
 *
 * @example
 * ```ts
 * jobRoutes(router, ctx)
 * ```
 */
export const jobRoutes = (r: Router, ctx: ApiContext): void => {
  r.route({
    method: "POST",
    path: "/api/jobs/run-daily",
    tag: "jobs",
    summary: "Run the daily job now (admins): expire due tasks, extract, send reminders, evaluate observations",
    description: "Idempotent: a second run of the day changes nothing. A failing step does not stop the others; `ok` is false then.",
    body: RunDailyBody,
    responses: { 200: { description: "What each step did", schema: DailySummary } },
    handler: async ({ principal, body }) => {
      const started = performance.now()
      const asOf = body.asOf ?? ctx.today()
      const actor = await actAs(ctx, principal).actor()
      if (!actor.roles.includes("admin")) throw new Forbidden({ actorId: actor.id, action: "job.run-daily", resource: "the daily job", reason: "only admins run the daily job" })
      const actorId = actor.id
      const { steps, ok } = await runDailySteps((program) => ctx.winback.runAs(principal.managerId, program), { asOf, reminderLeadMinutes: body.reminderLeadMinutes }, silent)
      return { json: { asOf, actorId, steps, ok, ms: performance.now() - started } }
    }
  })
}
