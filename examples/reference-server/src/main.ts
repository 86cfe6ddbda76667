/**
 * `pnpm start`: the reference server on embedded PGlite (or PostgreSQL when WINBACK_DATABASE_URL is
 * set), migrated on open, with demo data seeded on first start.
 *
 * Environment: PORT (3000), HOST (127.0.0.1), WINBACK_DATA_DIR (.data/winback),
 * WINBACK_DATABASE_URL (PostgreSQL instead of PGlite), WINBACK_SCHEMA (winback: the schema of
 * Winback's tables; a database from before that default keeps public), WINBACK_DEMO_CUSTOMERS (1000); the
 * integrations, each off unless set: WINBACK_SMS_CALLBACK_SECRET, WINBACK_CALL_EVENT_SECRET,
 * WINBACK_WEBHOOK_URL + WINBACK_WEBHOOK_SECRET (WINBACK_WEBHOOK_INTERVAL_MS,
 * WINBACK_WEBHOOK_START_AFTER_SEQ); logins: WINBACK_TRUST_PROXY (proxies appending X-Forwarded-For,
 * 0), WINBACK_ALLOWED_ORIGINS (comma-separated origins allowed to write with the session cookie),
 * WINBACK_ALLOW_DEMO_LOGINS=1 (demo logins off loopback); holidays: WINBACK_CALENDAR (china | none),
 * WINBACK_HOLIDAYS_FILE (the operator's holiday data for years chinese-days has not published),
 * WINBACK_TIME_ZONE (Asia/Shanghai: the business date, the schedule's time of day, and a warning at
 * start when the calendar has no data for a year within the next 60 days);
 * the demo's people: WINBACK_DEMO_LOCALE (zh-CN: names in Chinese characters, the default | en: pinyin);
 * the schedule (reminders every minute, the daily job once a day): WINBACK_DAILY_AT (06:00, HH:MM in
 * the business time zone, or off), WINBACK_SCHEDULE=off (neither: cron calls `winback run-daily
 * --server`), WINBACK_SMS_GATEWAY_URL + WINBACK_SMS_GATEWAY_AUTHORIZATION with WINBACK_REMINDER_SMS=1
 * (reminders also texted to the agent's phone).
 * See docs/reference-server.md.
 */
import { resolve } from "node:path"
import { HttpSmsGateway, PgliteStorage, pgliteDemoLoader, PostgresStorage } from "@winback/adapters"
import { businessDate, calendarFromEnv, timeZoneFromEnv, uncoveredYears } from "./calendar"
import { demoLocaleFromEnv, seedIfEmpty } from "./demo"
import { describeIntegrations, type IntegrationOptions, integrationsFromEnv } from "./integrations"
import { demoLoginsRefusal, demoPassword, startServer } from "./server"
import { parseDailyAt } from "./dailySchedule"

const env = process.env
const url = env.WINBACK_DATABASE_URL
const dataDir = resolve(env.WINBACK_DATA_DIR ?? ".data/winback")
const customers = Number(env.WINBACK_DEMO_CUSTOMERS ?? 1000)
const orgCacheTtlMs = Number(env.WINBACK_ORG_CACHE_TTL_MS ?? 5000)
if (!Number.isSafeInteger(orgCacheTtlMs) || orgCacheTtlMs < 0) {
  console.error("Configuration error: WINBACK_ORG_CACHE_TTL_MS must be a whole number of milliseconds (0 turns the cache off)")
  process.exit(1)
}
const host = env.HOST ?? "127.0.0.1"
const trustProxy = Number(env.WINBACK_TRUST_PROXY ?? 0)
if (!Number.isSafeInteger(trustProxy) || trustProxy < 0 || trustProxy > 10) {
  console.error("Configuration error: WINBACK_TRUST_PROXY must be the number of reverse proxies in front (0 ignores X-Forwarded-For)")
  process.exit(1)
}
const allowedOrigins = (env.WINBACK_ALLOWED_ORIGINS ?? "")
  .split(",")
  .map((s) => s.trim())
  .filter((s) => s.length > 0)
const allowDemoLogins = env.WINBACK_ALLOW_DEMO_LOGINS === "1"
// Checked before the database is opened: nothing is seeded when the start is refused.
const refusal = demoLoginsRefusal({ host, demo: true, allowDemoLogins })
if (refusal !== null) {
  console.error(refusal)
  process.exit(1)
}
let integrations: IntegrationOptions | undefined
let schedule: Parameters<typeof startServer>[0]["schedule"]
let smsGateway: ReturnType<typeof HttpSmsGateway.layer> | undefined
let calendar: ReturnType<typeof calendarFromEnv>
let demoLocale: ReturnType<typeof demoLocaleFromEnv>
let timeZone: string
try {
  timeZone = timeZoneFromEnv(env)
  demoLocale = demoLocaleFromEnv(env)
  integrations = integrationsFromEnv(env)
  calendar = calendarFromEnv(env)
  const dailyAt = env.WINBACK_DAILY_AT ?? "06:00"
  parseDailyAt(dailyAt) // a bad time fails the start, naming the variable
  if (env.WINBACK_SMS_GATEWAY_URL) smsGateway = HttpSmsGateway.layer({ url: env.WINBACK_SMS_GATEWAY_URL, authorization: env.WINBACK_SMS_GATEWAY_AUTHORIZATION ?? "" })
  if (env.WINBACK_REMINDER_SMS === "1" && !smsGateway) throw new Error("WINBACK_REMINDER_SMS=1 needs an SMS gateway: set WINBACK_SMS_GATEWAY_URL and WINBACK_SMS_GATEWAY_AUTHORIZATION")
  schedule = env.WINBACK_SCHEDULE === "off" ? false : { dailyAt, timeZone, smsToAgent: env.WINBACK_REMINDER_SMS === "1" }
} catch (e) {
  // The message names the variable, never its value.
  console.error(`Configuration error: ${(e as Error).message}`)
  process.exit(1)
}
// The business date in the center's time zone (Beijing's day starts at 16:00 UTC).
const businessToday = () => businessDate(timeZone, Date.now())
const today = businessToday()
const gaps = calendar ? uncoveredYears(calendar, today, 60) : []
if (calendar && gaps.length > 0) {
  console.warn(
    `Warning: the business calendar (${calendar.name}) has no holiday data for ${gaps.join(", ")}; on those days phone and visit work is refused ` +
      "until WINBACK_HOLIDAYS_FILE supplies the official arrangement (docs/reference-server.md)."
  )
}

const schemaOption = env.WINBACK_SCHEMA ? { schema: env.WINBACK_SCHEMA } : {}
console.log(url ? "Opening PostgreSQL…" : `Opening PGlite in ${dataDir}…`)
let storage: Awaited<ReturnType<typeof PgliteStorage.open>>
try {
  storage = url ? await PostgresStorage.open({ url, ...schemaOption }) : await PgliteStorage.open({ dataDir, ...schemaOption })
} catch (e) {
  // Opening fails typed (StorageOpenError, DataDirectoryLocked, ...): the message says what to do.
  console.error(`Cannot open the storage: ${e instanceof Error ? e.message : String(e)}`)
  process.exit(1)
}
console.log(`Winback's tables are in schema ${storage.schema}.`)
const server = await startServer({
  storage,
  port: Number(env.PORT ?? 3000),
  host,
  allowDemoLogins,
  trustProxy,
  calendar,
  allowedOrigins,
  seed: seedIfEmpty({
    customers,
    asOf: today,
    sms: true,
    appointments: true,
    demo: { names: demoLocale.names },
    onProgress: (n) => process.stdout.write(`\rSeeding demo data: ${n}/${customers} customers`),
    // The embedded default loads the demo in bulk (binary COPY in one transaction).
    ...(url ? {} : { loader: pgliteDemoLoader(storage) })
  }),
  today: businessToday,
  orgCacheTtlMs,
  // Attachments beside the data; dials go to the demo's recording local dialer.
  agent: { filesDirectory: resolve(dataDir, "files") },
  ...(integrations ? { integrations } : {}),
  schedule,
  ...(smsGateway ? { smsGateway } : {})
})
process.stdout.write("\n")
console.log(`Winback reference server listening on ${server.url}`)
console.log(`Demo logins (password for every demo login: ${demoPassword}):`)
for (const l of server.demoLogins) console.log(`  ${l.role.padEnd(16)} ${l.managerId}  ${l.name}`)
console.log(`API: ${server.url}/api (OpenAPI at ${server.url}/api/openapi.json, after logging in)`)
if (integrations) {
  console.log("Integrations:")
  for (const line of describeIntegrations(integrations)) console.log(`  ${line}`)
}

const stop = async () => {
  await server.close()
  process.exit(0)
}
process.on("SIGINT", () => void stop())
process.on("SIGTERM", () => void stop())
