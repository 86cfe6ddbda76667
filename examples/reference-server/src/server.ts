/**
 * Starts the reference server over an open storage: builds Winback with the default policy (and
 * the SQL candidate source on PGlite/PostgreSQL), opens the credential store (SQL tables on the same
 * database, or memory), seeds demo data and demo passwords on first start, mounts the configured
 * inbound integrations and runs the webhook dispatcher, and listens on loopback by default.
 */
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { Effect, Layer } from "effect"
import { Actors, type CandidateSource, Notifier, type SmsGateway, type WorkConfig, NotFound, type CustomerStore, type ReportQueries, createWinback, memoryCandidateSource, defaultPolicy, type Stores, storesLayer, type Winback } from "@winback/core"
import { chinaCalendar, type MemoryDb, MemoryReportQueries, type OpenStorage, SqlCandidateSource, SqlCandidateStaging, SqlReportQueries } from "@winback/adapters"
import type { BusinessCalendar } from "@winback/rules"
import { createRouter } from "./app"
import { type DailySchedule, type DailyScheduleOptions, startDailySchedule } from "./dailySchedule"
import { type Auth, createAuth } from "./auth/Auth"
import { type CredentialStore, memoryCredentialStore } from "./auth/CredentialStore"
import { csrfGuard } from "./auth/csrf"
import { defaultScryptParams, type ScryptParams } from "./auth/passwords"
import { sqlCredentialStore } from "./auth/SqlCredentialStore"
import type { SeedContext } from "./demo"
import type { Router } from "./http"
import { inboundIntegrations, type IntegrationOptions, integrationStateFor, startWebhooks, type WebhookRunner } from "./integrations"
import type { ApiContext } from "./routes/support"
import { type LocalSmsGateway, localSmsGateway } from "./sms/localGateway"
import { smsTemplates } from "./sms/templates"
import { agentServices, type AgentServiceOptions } from "./routes/agent"

/** A demo login shown on the start page and printed at start (the login is the manager id). */
export interface DemoLogin {
  readonly role: string
  readonly managerId: string
  readonly name: string
}

/** The password every demo manager gets on first start. */
export const demoPassword = "winback-demo"

const loopbackHosts = new Set(["localhost", "::1", "[::1]", "0:0:0:0:0:0:0:1"])

/**
 * True when `host` only listens on this machine (127.0.0.0/8, ::1, ::ffff:127.x, localhost).
 *
 * @example
 * ```ts
 * isLoopback("127.0.0.1") // true
 * isLoopback("0.0.0.0")   // false
 * ```
 */
export const isLoopback = (host: string): boolean => {
  const h = host.trim().toLowerCase()
  return loopbackHosts.has(h) || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)
}

/**
 * Why the server refuses to start: demo logins (whose password is public) on a `host` other
 * machines can reach, unless `allowDemoLogins` says so explicitly; `null` when it may start.
 *
 * @example
 * ```ts
 * demoLoginsRefusal({ host: "0.0.0.0", demo: true, allowDemoLogins: false }) // "refusing to start: ..."
 * ```
 */
export const demoLoginsRefusal = (o: { readonly host: string; readonly demo: boolean; readonly allowDemoLogins: boolean }): string | null =>
  o.demo && !o.allowDemoLogins && !isLoopback(o.host)
    ? `refusing to start: HOST ${o.host} is reachable from other machines, and this server seeds demo logins whose password ("${demoPassword}") is public. ` +
      "Listen on loopback (HOST=127.0.0.1), or set WINBACK_ALLOW_DEMO_LOGINS=1 (startServer: allowDemoLogins: true) to run the demo there anyway."
    : null

/** Thrown by {@link startServer} when {@link demoLoginsRefusal} refuses. */
export class DemoLoginsRefused extends Error {
  readonly _tag = "DemoLoginsRefused"
}

/** Options of {@link startServer}. */
export interface ServerOptions {
  /**
   * The open storage: `PgliteStorage.open(...)` / `PostgresStorage.open(...)` (SQL: candidates,
   * report queries and credentials in the database) or `{ stores, close, db? }` over memory stores
   * (`db`: the `MemoryDb` under them, for reports). Closed with the server.
   */
  readonly storage: { readonly stores: Stores; readonly close: () => Promise<void>; readonly db?: MemoryDb } | OpenStorage
  readonly port?: number
  /** Where to listen (default 127.0.0.1). Off loopback, demo logins need {@link allowDemoLogins}. */
  readonly host?: string
  /**
   * Starts with demo logins (a `seed` or a `demoPassword`) on a host other than loopback. Without
   * it such a start fails with {@link DemoLoginsRefused}, before anything is seeded.
   */
  readonly allowDemoLogins?: boolean
  /**
   * How many reverse proxies in front append to `X-Forwarded-For` (default 0: the header is
   * ignored and the client address, for the login rate limit, is the socket peer).
   */
  readonly trustProxy?: number
  /**
   * Origins besides the server's own whose pages may send cookie-authenticated writes (e.g. a CRM
   * page embedding the workbench). See auth/csrf.ts.
   */
  readonly allowedOrigins?: ReadonlyArray<string>
  /**
   * Seeds demo data (when the storage is empty) and answers the demo logins; runs before the server
   * listens. It gets the stores, which also carry the running services (`winback`).
   */
  readonly seed?: (ctx: Stores & SeedContext) => Promise<ReadonlyArray<DemoLogin>>
  /**
   * Gives every manager this password when no password exists yet (first start). Default: the
   * exported {@link demoPassword} when seeding, none otherwise.
   */
  readonly demoPassword?: string | null
  readonly today?: () => string
  /**
   * The clock of every service, as a layer (default: the system clock). A server that pins `today`
   * passes one in that day (`demoClockLayer` of @winback/core/demo), so the work it dates is
   * counted as today's.
   */
  readonly clock?: Layer.Layer<never>
  /** Where credentials live (default: SQL tables on an SQL storage, memory otherwise). */
  readonly credentials?: CredentialStore
  /** Password hash cost (tests lower it; stored hashes record theirs). */
  readonly scrypt?: ScryptParams
  readonly rateLimit?: { readonly maxFailures: number; readonly windowMs: number; readonly maxFailuresPerAddress?: number }
  readonly sessionTtlMs?: number
  readonly secureCookie?: boolean
  /** The auth clock (tests move it to expire sessions). */
  readonly now?: () => number
  /**
   * How long the team tree and memberships are kept in memory for resolving the caller (ms; see
   * `Actors.cached`). Team changes made through this server apply at once; changes written by
   * another process sharing the database within this time. `0` reads them on every request.
   * Default: 5,000.
   */
  readonly orgCacheTtlMs?: number
  /** Extra route groups, e.g. reports. */
  readonly extraRoutes?: ReadonlyArray<(router: Router, ctx: ApiContext) => void>
  /**
   * The integrations to run (none by default): the SMS status callback and the call events as
   * signed routes, the webhook dispatcher on an interval. See docs/integrations.md.
   */
  readonly integrations?: IntegrationOptions
  /**
   * The business calendar "skip holidays" and the holiday contact rule read. Default: the demo
   * region's, `chinaCalendar()` (mainland China, with make-up working days). A day past the
   * calendar's data is a warning on the task and a `calendar-data-missing` contact reason, never
   * a silent working day. `null` runs without a calendar (holidays are not skipped; extraction
   * says so on every task that asks to skip them).
   */
  readonly calendar?: BusinessCalendar | null
  /**
   * The server's own schedule (see dailySchedule.ts): appointment reminders every minute and the
   * daily job at `dailyAt` in the business time zone, under leases so processes sharing a database
   * run each once. Off unless given (`pnpm start` turns it on: WINBACK_DAILY_AT); `{}` runs the
   * daily job at 06:00 Asia/Shanghai. Its clock is {@link now}.
   */
  readonly schedule?: Omit<DailyScheduleOptions, "now"> | false
  /**
   * The agent screen's dialer, attachment file storage and work settings (see `AgentServiceOptions`):
   * by default a demo server (one that seeds) dials through the recording local dialer, and files go
   * to a temporary directory kept for the server's life.
   */
  readonly agent?: AgentServiceOptions
  /**
   * The SMS gateway (e.g. `HttpSmsGateway.layer(config)`). Default: an in-process gateway that
   * records the messages and reports them delivered (`RunningServer.localSms`), so the SMS
   * screens work without one. Also texts reminders to the agent's phone when `schedule.smsToAgent`.
   */
  readonly smsGateway?: Layer.Layer<SmsGateway>
  /** Work settings over the defaults (e.g. the contact policy); the calendar is `calendar`'s. */
  readonly workConfig?: Partial<Omit<WorkConfig, "calendar">>
}

/** A running server. */
export interface RunningServer {
  readonly url: string
  readonly winback: Winback
  readonly auth: Auth
  readonly router: Router
  readonly demoLogins: ReadonlyArray<DemoLogin>
  /** The webhook dispatcher, when configured (`runNow`, `status`); stopped by `close`. */
  readonly webhooks?: WebhookRunner
  /** The in-process SMS gateway, when no `smsGateway` was given: the messages it recorded. */
  readonly localSms?: LocalSmsGateway
  /** The reminder and daily-job schedule, unless turned off (`tick` runs what is due now); stopped by `close`. */
  readonly schedule?: DailySchedule
  readonly close: () => Promise<void>
}

const isSql = (s: ServerOptions["storage"]): s is OpenStorage => "run" in s && typeof (s as OpenStorage).run === "function"

/**
 * Starts the server.
 *
 * @example
 * ```ts
 * const server = await startServer({ storage: await PgliteStorage.open({ dataDir: ".data" }), port: 3000 })
 * console.log(server.url)
 * ```
 */
export const startServer = async (options: ServerOptions): Promise<RunningServer> => {
  const storage = options.storage
  const host = options.host ?? "127.0.0.1"
  const refusal = demoLoginsRefusal({
    host,
    demo: options.seed !== undefined || (options.demoPassword ?? null) !== null,
    allowDemoLogins: options.allowDemoLogins === true
  })
  if (refusal !== null) {
    await storage.close()
    throw new DemoLoginsRefused(refusal)
  }
  const candidates: Layer.Layer<CandidateSource, never, CustomerStore> = isSql(storage) ? SqlCandidateSource.layer(storage) : memoryCandidateSource()
  const orgCacheTtlMs = options.orgCacheTtlMs ?? 5000
  const reports: Layer.Layer<ReportQueries> | undefined = isSql(storage) ? SqlReportQueries.layer(storage) : storage.db ? MemoryReportQueries.layer(storage.db) : undefined
  // Appointment reminders are in-app notices: the appointment's state shows them in the workbench.
  const notifier = Layer.succeed(Notifier, Notifier.of({ notify: () => Effect.void }))
  const calendar = options.calendar === undefined ? chinaCalendar() : (options.calendar ?? undefined)
  const localSms = options.smsGateway ? undefined : localSmsGateway()
  const agent = await agentServices(options.agent ?? {}, { demo: options.seed !== undefined })
  const winback = await createWinback({
    storage: storesLayer(storage.stores),
    policy: defaultPolicy,
    ...(orgCacheTtlMs > 0 ? { orgCache: { ttlMs: orgCacheTtlMs } } : {}),
    candidates,
    notifier,
    ...(reports ? { reports } : {}),
    // A partitioned run (the daily job writes 4 partitions) evaluates its rules once.
    ...(isSql(storage) ? { partitioning: { staging: SqlCandidateStaging.layer(storage) } } : {}),
    smsGateway: options.smsGateway ?? localSms!.layer,
    ...(agent.dialer ? { dialer: agent.dialer } : {}),
    config: { ...options.workConfig, calendar, ...agent.workConfig },
    ...(options.clock ? { clock: options.clock } : {})
  })
  let webhooks: WebhookRunner | undefined
  let schedule: DailySchedule | undefined
  try {
    const auth = await createAuth({
      store: options.credentials ?? (isSql(storage) ? sqlCredentialStore(storage) : memoryCredentialStore()),
      ...(options.scrypt ? { scrypt: options.scrypt } : {}),
      ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
      ...(options.sessionTtlMs ? { sessionTtlMs: options.sessionTtlMs } : {}),
      ...(options.secureCookie ? { secureCookie: true } : {}),
      ...(options.now ? { now: options.now } : {}),
      ...(options.trustProxy ? { trustProxy: options.trustProxy } : {}),
      // The staff directory says who is active; an unknown manager is not.
      isActive: (managerId) =>
        winback.directories.staff.get(managerId).then(
          (m) => m.active,
          (e: unknown) => {
            if (e instanceof NotFound) return false
            throw e
          }
        )
    })
    const templates = smsTemplates(winback, integrationStateFor(storage))
    const demoLogins = options.seed ? await options.seed({ ...storage.stores, stores: storage.stores, winback, smsTemplates: templates }) : []
    // The seed writes the organisation straight to the stores: read it afresh.
    await winback.run(Effect.flatMap(Actors, (actors) => actors.invalidate))
    const initial = options.demoPassword === undefined ? (options.seed ? demoPassword : null) : options.demoPassword
    if (initial !== null && (await auth.countPasswords()) === 0) {
      const everyone: Array<{ login: string; managerId: string; password: string }> = []
      let cursor: string | null = null
      do {
        const page = await winback.stores.managers.list({}, { limit: 500, cursor })
        for (const m of page.items) everyone.push({ login: m.id, managerId: m.id, password: initial })
        cursor = page.nextCursor
      } while (cursor)
      // The demo password is public anyway: hash the many demo logins cheaply on first start; each
      // is rehashed at the full cost on its first successful login (see needsRehash).
      await auth.setPasswords(everyone, { N: Math.min(2 ** 12, (options.scrypt ?? defaultScryptParams).N), r: 8, p: 1 })
    }
    const today = options.today ?? (() => new Date().toISOString().slice(0, 10))
    const integrationState = integrationStateFor(storage)
    const integrations = options.integrations ? inboundIntegrations(winback, integrationState, options.integrations) : undefined
    const router = createRouter({
      winback,
      auth,
      today,
      ...(options.now ? { now: options.now } : {}),
      ...(calendar ? { calendar } : {}),
      demoLogins,
      ...(initial !== null && demoLogins.length > 0 ? { demoPassword: initial } : {}),
      ...(integrations ? { integrations } : {}),
      ...(options.extraRoutes ? { extraRoutes: options.extraRoutes } : {}),
      sms: { winback, templates, ...(localSms ? { local: localSms } : {}) },
      files: agent.files,
      guard: csrfGuard(options.allowedOrigins ? { allowedOrigins: options.allowedOrigins } : {})
    })
    if (options.integrations?.webhooks) webhooks = await startWebhooks(storage.stores, integrationState, options.integrations.webhooks, options.integrations.logger)
    if (options.schedule) schedule = startDailySchedule(winback, integrationState, { ...options.schedule, ...(options.now ? { now: options.now } : {}) })
    const server = createServer((req, res) => void router.handle(req, res))
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject)
      server.listen(options.port ?? 3000, host, () => resolve())
    })
    const sweeper = setInterval(() => void auth.sweep().catch(() => undefined), 10 * 60 * 1000)
    sweeper.unref()
    const addr = server.address() as AddressInfo
    let closing: Promise<void> | undefined
    return {
      url: `http://${addr.address.includes(":") ? `[${addr.address}]` : addr.address}:${addr.port}`,
      winback,
      auth,
      router,
      demoLogins,
      ...(webhooks ? { webhooks } : {}),
      ...(localSms ? { localSms } : {}),
      ...(schedule ? { schedule } : {}),
      close: () =>
        (closing ??= (async () => {
          clearInterval(sweeper)
          await schedule?.stop()
          // Drained before the storage closes: a run in flight finishes (or is interrupted) first.
          await webhooks?.stop()
          await new Promise<void>((resolve) => {
            server.close(() => resolve())
            server.closeAllConnections()
          })
          await winback.dispose()
          await storage.close()
          await agent.close()
        })())
    }
  } catch (e) {
    await schedule?.stop()
    await webhooks?.stop()
    await winback.dispose()
    await storage.close()
    throw e
  }
}
