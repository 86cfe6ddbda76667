/**
 * The `winback` command: `run-daily` (the cron job), `import-usage` (the usage feed), `migrate`
 * (the schema migrations, for storages opened with `migrate: false`), `--help`.
 * `pnpm --filter @winback/reference-server winback <command> [options]`, or the `winback` bin.
 */
import { DataDirectoryLocked } from "@winback/adapters"
import { helpText, parseArgs, UsageError } from "./args"
import { formatReports, importUsage, UnreadableFile } from "./importUsage"
import { progressFor } from "./progress"
import { extractWorker } from "./extractWorker"
import { formatSummary, runDaily, runDailyOnServer } from "./runDaily"
import { commandRuntime } from "./runtime"
import { formatMigration, migrateStorage, openStorage } from "./storage"

/** Today in the machine's time zone (TZ), as YYYY-MM-DD. */
const localToday = () => {
  const d = new Date()
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`
}

/** Runs the command line; answers the exit code. */
export const main = async (argv: ReadonlyArray<string>): Promise<number> => {
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs(argv)
  } catch (e) {
    if (!(e instanceof UsageError)) throw e
    process.stderr.write(`winback: ${e.message}\nRun 'winback --help' for usage.\n`)
    return 2
  }
  if (parsed.command === "help") {
    process.stdout.write(helpText)
    return 0
  }
  if (parsed.command === "migrate") {
    try {
      const { report, description } = await migrateStorage(parsed.flags)
      process.stdout.write(`Winback migrate on ${description}\n${formatMigration(report)}\n`)
      return 0
    } catch (e) {
      process.stderr.write(`winback: cannot migrate: ${e instanceof Error ? e.message : String(e)}\n`)
      return 1
    }
  }
  const progress = progressFor(process.stdout)
  if (parsed.command === "run-daily" && parsed.flags.server !== undefined) {
    const key = process.env.WINBACK_API_KEY
    if (!key) {
      process.stderr.write("winback: --server needs the API key of an admin in WINBACK_API_KEY\n")
      return 2
    }
    try {
      const summary = await runDailyOnServer(parsed.flags.server, key, { asOf: parsed.flags["as-of"], reminderLeadMinutes: parsed.flags["reminder-lead"] })
      process.stdout.write(`Winback daily job for ${summary.asOf} on the server ${new URL(parsed.flags.server).origin}\n${formatSummary(summary)}\n`)
      return summary.ok ? 0 : 1
    } catch (e) {
      process.stderr.write(`winback: ${e instanceof Error ? e.message : String(e)}\n`)
      return 1
    }
  }
  let opened: Awaited<ReturnType<typeof openStorage>>
  try {
    opened = await openStorage(parsed.flags)
  } catch (e) {
    if (e instanceof DataDirectoryLocked) {
      process.stderr.write(
        `winback: ${e.message}.\n` +
          (parsed.command === "run-daily"
            ? "Is the reference server running on it? Run the job through the server: winback run-daily --server http://HOST:PORT (with an admin's API key in WINBACK_API_KEY).\n"
            : "Is the reference server running on it? Stop it for the import, or use PostgreSQL (WINBACK_DATABASE_URL) for the server and the commands.\n")
      )
      return 1
    }
    process.stderr.write(`winback: cannot open the storage: ${e instanceof Error ? e.message : String(e)}\n`)
    return 1
  }
  const command = commandRuntime(opened.storage)
  try {
    if (parsed.command === "run-daily") {
      const asOf = parsed.flags["as-of"] ?? localToday()
      process.stdout.write(`Winback daily job for ${asOf} on ${opened.description}\n`)
      const summary = await runDaily(command, { asOf, actorId: parsed.flags.as, reminderLeadMinutes: parsed.flags["reminder-lead"] }, progress)
      progress.close()
      process.stdout.write(`${formatSummary(summary)}\n`)
      return summary.ok ? 0 : 1
    }
    if (parsed.command === "extract-worker") {
      const f = parsed.flags
      const asOf = f["as-of"] ?? localToday()
      process.stdout.write(`Winback extraction worker for ${asOf} on ${opened.description}\n`)
      const r = await extractWorker(command, { asOf, actorId: f.as, partitions: f.partitions, workerId: f["worker-id"], leaseSeconds: f["lease-seconds"] })
      process.stdout.write(`${r}\n`)
      return 0
    }
    const f = parsed.flags
    process.stdout.write(`Winback usage-feed import on ${opened.description}\n`)
    const outcome = await importUsage(command, { customers: f.customers, daily: f.daily, monthly: f.monthly, dryRun: f["dry-run"] === true, encoding: f.encoding, actorId: f.as }, progress)
    progress.close()
    if (outcome.ok) {
      process.stdout.write(`${formatReports(outcome.reports, outcome.ms)}\n`)
      return 0
    }
    process.stdout.write(`${outcome.total} problem(s); nothing was imported:\n${outcome.problems.map((p) => `  ${p}`).join("\n")}\n`)
    return 1
  } catch (e) {
    progress.close()
    if (e instanceof UnreadableFile) process.stderr.write(`winback: ${e.message}\n`)
    else process.stderr.write(`winback: ${e instanceof Error ? `${(e as { _tag?: string })._tag ?? e.name}: ${e.message}` : String(e)}\n`)
    return 1
  } finally {
    await command.runtime.dispose()
    await opened.storage.close()
  }
}

process.exitCode = await main(process.argv.slice(2))
