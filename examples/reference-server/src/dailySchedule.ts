/**
 * The server's own schedule, so an embedded deployment needs no second process: every minute it
 * sends the appointment reminders that fell due (in-app notices, and SMS to the agent where
 * configured), and once per business date, at the configured time of day in the business time
 * zone, it runs the daily job (`runDailySteps`: expire, extract, remind, observe).
 *
 * Several server processes may share one database: each job runs under a lease kept in the
 * `integration_state` table (`IntegrationState.claim` is atomic), so only one process runs it; a
 * process that dies mid-run leaves its lease to expire and the next tick (of any process, or of the
 * restarted one) takes over and runs the day again — the daily job is idempotent per business date
 * (the extraction writes nothing where nothing is new, reminders go once per appointment). A day is
 * marked done when its run finished, so it never runs twice.
 */
import { Clock, Duration, Effect, Layer } from "effect"
import { AppointmentService, systemActor, type Winback } from "@winback/core"
import { IntegrationState } from "@winback/adapters"
import { type DailyRunner, type DailyServices, runDailySteps, type StepResult } from "./cli/runDaily"
import type { Progress } from "./cli/progress"
import { defaultTimeZone } from "./calendar"

/** Options of {@link startDailySchedule}. */
export interface DailyScheduleOptions {
  /**
   * Time of day (HH:MM, business time zone) the daily job runs at; `null` turns the daily job off
   * (reminders still go out). Default `"06:00"`.
   */
  readonly dailyAt?: string | null
  /** The business time zone (default `Asia/Shanghai`). */
  readonly timeZone?: string
  /** How often reminders are sent, ms (default 60,000); `0` runs no timer (tests call `tick`). */
  readonly intervalMs?: number
  /** Also text the agent's phone through the SMS gateway (needs one configured). */
  readonly smsToAgent?: boolean
  /** How long the daily run's lease holds before another process may take it over, ms (default 30 min; renewed while it runs). */
  readonly leaseMs?: number
  /** The same for the reminder sender (default three intervals, at least 3 min). */
  readonly reminderLeaseMs?: number
  /** Who holds the leases (default: a random id per process). */
  readonly owner?: string
  /** The clock (default `Date.now`); tests pass a fixed one. */
  readonly now?: () => number
  /** Reports each tick's failures (default `console.error`). */
  readonly onError?: (job: "reminders" | "daily", error: unknown) => void
}

/** What one {@link DailySchedule.tick} did. */
export interface TickResult {
  /** Appointments reminded in this tick (empty when another process holds the reminder lease). */
  readonly reminded: ReadonlyArray<string>
  /** The daily run of this tick, if one ran here. */
  readonly daily: { readonly asOf: string; readonly ok: boolean; readonly steps: ReadonlyArray<StepResult> } | null
}

/** A running schedule. */
export interface DailySchedule {
  /** Runs what is due now (the timer calls it; tests call it with a moved clock). */
  readonly tick: () => Promise<TickResult>
  /** Stops the timer and waits for a tick in flight. */
  readonly stop: () => Promise<void>
}

/**
 * Parses a `HH:MM` time of day into minutes after midnight, or `null` for "off" (`off`, `none`,
 * empty). Throws on anything else.
 *
 * @example
 * ```ts
 * parseDailyAt("06:30") // 390
 * parseDailyAt("off") // null
 * ```
 */
export const parseDailyAt = (s: string | null | undefined): number | null => {
  const v = (s ?? "").trim().toLowerCase()
  if (v === "" || v === "off" || v === "none" || v === "false") return null
  const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(v)
  if (!m) throw new Error(`WINBACK_DAILY_AT must be HH:MM (24-hour, business time zone) or "off", not ${JSON.stringify(s)}`)
  return Number(m[1]) * 60 + Number(m[2])
}

/**
 * The business date and minute of day of an instant in `timeZone`.
 *
 * @example
 * ```ts
 * businessMoment(Date.parse("2026-11-24T22:30:00Z"), "Asia/Shanghai") // { date: "2026-11-25", minute: 390 }
 * ```
 */
export const businessMoment = (ms: number, timeZone: string): { readonly date: string; readonly minute: number } => {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" }).formatToParts(new Date(ms))
  const p = (type: string) => parts.find((x) => x.type === type)?.value ?? "00"
  return { date: `${p("year")}-${p("month")}-${p("day")}`, minute: Number(p("hour")) * 60 + Number(p("minute")) }
}

/**
 * Effect's `Clock` reading `now` (sleeping on the real clock): programs the schedule and the
 * reminder routes run see the server's clock, so tests with a fixed clock see fixed times.
 *
 * @example
 * ```ts
 * program.pipe(Effect.provideService(Clock.Clock, clockOf(() => Date.parse("2026-11-25T02:00:00Z"))))
 * ```
 */
export const clockOf = (now: () => number): Clock.Clock => {
  const real = Effect.runSync(Effect.clockWith(Effect.succeed))
  const nanos = () => BigInt(now()) * 1_000_000n
  return {
    currentTimeMillisUnsafe: now,
    currentTimeMillis: Effect.sync(now),
    currentTimeNanosUnsafe: nanos,
    currentTimeNanos: Effect.sync(nanos),
    monotonicTimeNanosUnsafe: () => real.monotonicTimeNanosUnsafe(),
    monotonicTimeNanos: real.monotonicTimeNanos,
    sleep: (d: Duration.Duration) => real.sleep(d)
  }
}

/**
 * Runs `program` on `now`'s clock (unchanged when `now` is undefined: the runtime's own clock).
 *
 * @example
 * ```ts
 * await winback.run(onClock(ctx.now, program))
 * ```
 */
export const onClock = <A, E, R>(now: (() => number) | undefined, program: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  now === undefined ? program : program.pipe(Effect.provideService(Clock.Clock, clockOf(now)))

interface LeaseValue {
  readonly owner: string
  readonly until: number
  readonly generation: number
}

const isLease = (v: unknown): v is LeaseValue => typeof v === "object" && v !== null && typeof (v as LeaseValue).until === "number" && typeof (v as LeaseValue).generation === "number"

/**
 * Takes (or renews) the lease `name` for `owner` until `now + ms`; `true` when `owner` holds it.
 * A free name is claimed atomically; an expired one is taken over by claiming its next generation
 * (atomic too), so of several processes exactly one wins each takeover.
 */
const acquireLease = (name: string, owner: string, now: number, ms: number) =>
  Effect.gen(function* () {
    const state = yield* IntegrationState
    const key = `lease:${name}`
    const fresh: LeaseValue = { owner, until: now + ms, generation: 0 }
    if (yield* state.claim(key, fresh)) return true
    const held = yield* state.get(key)
    const current: LeaseValue = isLease(held) ? held : { owner: "", until: 0, generation: 0 }
    if (current.owner === owner || current.until <= now) {
      const generation = current.owner === owner ? current.generation : current.generation + 1
      if (generation !== current.generation && !(yield* state.claim(`${key}#${generation}`, { owner, at: now }))) return false
      yield* state.put(key, { owner, until: now + ms, generation })
      return true
    }
    return false
  })

const releaseLease = (name: string, owner: string) =>
  Effect.gen(function* () {
    const state = yield* IntegrationState
    const key = `lease:${name}`
    const held = yield* state.get(key)
    if (isLease(held) && held.owner === owner) yield* state.put(key, { ...held, until: 0 })
  })

const silent: Progress = { step: () => {}, advance: () => {}, end: () => {}, line: () => {}, close: () => {} }

/**
 * Starts the server's schedule over the running Winback and the integration state of its storage.
 *
 * @example
 * ```ts
 * const schedule = startDailySchedule(winback, integrationStateFor(storage), { dailyAt: "06:00", timeZone: "Asia/Shanghai" })
 * // on shutdown
 * await schedule.stop()
 * ```
 */
export const startDailySchedule = (winback: Winback, state: Layer.Layer<IntegrationState>, options: DailyScheduleOptions = {}): DailySchedule => {
  const dailyAt = options.dailyAt === undefined ? parseDailyAt("06:00") : parseDailyAt(options.dailyAt)
  const timeZone = options.timeZone ?? defaultTimeZone
  const leaseMs = options.leaseMs ?? 30 * 60_000
  const intervalMs = options.intervalMs ?? 60_000
  const reminderLeaseMs = options.reminderLeaseMs ?? Math.max(3 * intervalMs, 180_000)
  const owner = options.owner ?? `server:${process.pid}:${Math.random().toString(36).slice(2, 10)}`
  const now = options.now ?? Date.now
  const onError = options.onError ?? ((job, e) => console.error(`winback schedule: the ${job} job failed:`, e))
  const actor = systemActor("system:schedule", "Winback schedule")
  const withState = <A, E>(program: Effect.Effect<A, E, IntegrationState>) => winback.run(program.pipe(Effect.provide(state)))
  const run = <A, E>(program: Effect.Effect<A, E, DailyServices>): Promise<A> => winback.run(onClock(options.now, program))
  const runAsJob: DailyRunner = (program) => run(program(actor))

  const reminders = async (): Promise<ReadonlyArray<string>> => {
    if (!(await withState(acquireLease("reminders", owner, now(), reminderLeaseMs)))) return []
    const r = await run(Effect.flatMap(AppointmentService, (s) => s.sendDueReminders(actor, { smsToAgent: options.smsToAgent === true })))
    if (r.failed.length > 0) onError("reminders", new Error(`${r.failed.length} reminder(s) failed: ${r.failed.slice(0, 3).map((f) => `${f.id}: ${f.error.detail}`).join("; ")}`))
    return r.reminded
  }

  const daily = async (): Promise<TickResult["daily"]> => {
    if (dailyAt === null) return null
    const moment = businessMoment(now(), timeZone)
    if (moment.minute < dailyAt) return null
    const doneKey = `daily-run-done:${moment.date}`
    if ((await withState(Effect.flatMap(IntegrationState, (s) => s.get(doneKey)))) !== undefined) return null
    const lease = `daily-run:${moment.date}`
    if (!(await withState(acquireLease(lease, owner, now(), leaseMs)))) return null
    // Renew the lease while the run lasts, so a long run is not taken over; a crash stops renewing.
    const renew = setInterval(() => void withState(acquireLease(lease, owner, now(), leaseMs)).catch(() => undefined), Math.max(1000, Math.floor(leaseMs / 3)))
    renew.unref()
    try {
      const { steps, ok } = await runDailySteps(runAsJob, { asOf: moment.date, reminderLeadMinutes: 15, smsToAgent: options.smsToAgent === true }, silent)
      // A failed step is reported; the day is done either way (an operator reruns it by hand, POST /api/jobs/run-daily).
      await withState(Effect.flatMap(IntegrationState, (s) => s.claim(doneKey, { owner, ok, at: new Date(now()).toISOString() })))
      if (!ok) onError("daily", new Error(`daily run of ${moment.date}: ${steps.filter((s) => s.outcome === "failed").map((s) => `${s.name}: ${s.detail}`).join("; ")}`))
      return { asOf: moment.date, ok, steps }
    } finally {
      clearInterval(renew)
      await withState(releaseLease(lease, owner)).catch(() => undefined)
    }
  }

  let inFlight: Promise<TickResult> | null = null
  const tick = (): Promise<TickResult> =>
    (inFlight ??= (async () => {
      try {
        const reminded = await reminders().catch((e: unknown) => (onError("reminders", e), [] as ReadonlyArray<string>))
        const ran = await daily().catch((e: unknown) => (onError("daily", e), null))
        return { reminded, daily: ran }
      } finally {
        inFlight = null
      }
    })())

  const timer = intervalMs > 0 ? setInterval(() => void tick(), intervalMs) : null
  timer?.unref()
  return {
    tick,
    stop: async () => {
      if (timer) clearInterval(timer)
      await inFlight?.catch(() => undefined)
    }
  }
}
