/**
 * The `winback` command line: a small, validated argument parser (no dependency). Flags are
 * `--name value` or `--name=value`; booleans are bare `--name`. Unknown flags are errors, so a typo
 * in a cron line fails loudly instead of running with defaults.
 */
import { z } from "zod"
import { CsvEncoding, IsoDate } from "@winback/core"

/** A usage error: printed with the help text, exit code 2. */
export class UsageError extends Error {}

const storageFlags = {
  "database-url": z.string().min(1).optional(),
  "data-dir": z.string().min(1).optional(),
  schema: z.string().min(1).max(63).optional(),
  as: z.string().min(1).max(200).optional()
}

/** The flags of each command, validated. */
export const commands = {
  "run-daily": z
    .object({
      ...storageFlags,
      "as-of": IsoDate.optional(),
      "reminder-lead": z.coerce.number().int().min(0).max(1440).default(15),
      server: z.url({ protocol: /^https?$/ }).optional()
    })
    .strict(),
  "extract-worker": z
    .object({
      ...storageFlags,
      "as-of": IsoDate.optional(),
      partitions: z.coerce.number().int().min(1).max(4096).default(16),
      "worker-id": z.string().min(1).max(200).optional(),
      "lease-seconds": z.coerce.number().int().min(5).max(86_400).default(300)
    })
    .strict(),
  "import-usage": z
    .object({
      ...storageFlags,
      customers: z.string().min(1).optional(),
      daily: z.string().min(1).optional(),
      monthly: z.string().min(1).optional(),
      "dry-run": z.literal(true).optional(),
      encoding: CsvEncoding.optional()
    })
    .strict()
    .refine((f) => f.customers !== undefined || f.daily !== undefined || f.monthly !== undefined, "give at least one of --customers, --daily, --monthly"),
  migrate: z
    .object({
      "database-url": storageFlags["database-url"],
      "data-dir": storageFlags["data-dir"],
      schema: storageFlags.schema
    })
    .strict()
} as const

/** A command name. */
export type CommandName = keyof typeof commands

const booleans = new Set(["dry-run", "help"])

/** Parses argv (without node and the script) into a command and its validated flags. */
export const parseArgs = (
  argv: ReadonlyArray<string>
): { readonly command: "help"; readonly topic?: string } | { [K in CommandName]: { readonly command: K; readonly flags: z.output<(typeof commands)[K]> } }[CommandName] => {
  const [command, ...rest] = argv
  if (command === undefined || command === "--help" || command === "-h" || command === "help") return { command: "help", ...(rest[0] ? { topic: rest[0] } : {}) }
  if (!Object.hasOwn(commands, command)) throw new UsageError(`unknown command '${command}'`)
  const raw: Record<string, string | true> = {}
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!
    if (!arg.startsWith("--")) throw new UsageError(`unexpected argument '${arg}'`)
    const eq = arg.indexOf("=")
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq)
    if (name === "help") return { command: "help", topic: command }
    if (name in raw) throw new UsageError(`--${name} is given twice`)
    if (eq !== -1) raw[name] = arg.slice(eq + 1)
    else if (booleans.has(name)) raw[name] = true
    else {
      const value = rest[i + 1]
      if (value === undefined || value.startsWith("--")) throw new UsageError(`--${name} needs a value`)
      raw[name] = value
      i++
    }
  }
  const schema = commands[command as CommandName]
  const r = schema.safeParse(raw)
  if (!r.success) {
    const problems = r.error.issues.map((i) => {
      if (i.code === "unrecognized_keys") return i.keys.map((k) => `unknown option --${k}`).join("; ")
      return i.path.length ? `--${String(i.path[0])}: ${i.message}` : i.message
    })
    throw new UsageError(problems.join("; "))
  }
  if (r.data["database-url"] !== undefined && r.data["data-dir"] !== undefined) throw new UsageError("give --database-url or --data-dir, not both")
  if ("server" in r.data && r.data.server !== undefined && (r.data["database-url"] !== undefined || r.data["data-dir"] !== undefined || r.data.schema !== undefined || (r.data as { as?: string }).as !== undefined)) {
    throw new UsageError("--server runs the job in the server as the API key's manager: give no --database-url, --data-dir, --schema or --as with it")
  }
  return { command, flags: r.data } as never
}

/** The help text. */
export const helpText = `winback — Winback's operations commands

Usage:
  winback run-daily [--as-of YYYY-MM-DD] [--database-url URL | --data-dir DIR] [--as MANAGER_ID] [--reminder-lead MINUTES]
  winback run-daily --server URL [--as-of YYYY-MM-DD] [--reminder-lead MINUTES]      (API key in $WINBACK_API_KEY)
  winback extract-worker [--as-of YYYY-MM-DD] [--partitions N] [--worker-id ID] [--lease-seconds S] [--database-url URL] [--as MANAGER_ID]
  winback import-usage [--customers FILE] [--daily FILE] [--monthly FILE] [--encoding ENC] [--dry-run] [--database-url URL | --data-dir DIR] [--as MANAGER_ID]
  winback migrate [--database-url URL | --data-dir DIR] [--schema NAME]
  winback --help

Every command that opens the storage also takes --schema NAME (default: $WINBACK_SCHEMA or winback).

Commands:
  run-daily      The morning job (run it from cron): expire due tasks, run the extraction of every
                 active task due on the day, send due appointment reminders, evaluate the retention
                 observations whose window has ended. Safe to re-run: a second run of the same day
                 changes nothing. Exit code 1 when a step failed.
  extract-worker One worker of the day's extraction, shared with every other extract-worker on the
                 same PostgreSQL (start one per core or machine): claims hash partitions of the
                 customers (FOR UPDATE SKIP LOCKED), writes each in its own transaction, and keeps
                 going until every partition is done — also those of a worker that died, once
                 its lease (--lease-seconds, default 300) has run out. Every worker gets the same
                 --as-of and --partitions (default 16). Safe to re-run.
  import-usage   Import the host's usage feed: customers, daily usage and monthly usage CSV files
                 (format: docs/operations.md). Streamed from disk and imported in ONE transaction:
                 on any bad line every problem is printed (file:line column: reason), nothing is
                 written and the exit code is 1. Re-importing a file changes nothing.
  migrate        Apply the pending schema migrations and print each one applied (nothing when
                 up to date). For storages opened with migrate: false (a deployment step runs
                 this before the new release starts). Safe to run from two places at once.

Options:
  --as-of YYYY-MM-DD     The business day (default: today in the machine's time zone; set TZ).
  --database-url URL     PostgreSQL (default: $WINBACK_DATABASE_URL).
  --data-dir DIR         Embedded PGlite directory (default: $WINBACK_DATA_DIR or .data/winback).
                         PGlite allows one process at a time: while the server runs on it, a
                         second opener is refused (DataDirectoryLocked) — use --server.
  --schema NAME          The PostgreSQL schema of Winback's tables (default: $WINBACK_SCHEMA or
                         winback; one per tenant). A database or directory made before winback
                         became the default keeps its tables in public and is used there
                         (docs/upgrading.md).
  --server URL           run-daily: have the running reference server run the job (POST
                         /api/jobs/run-daily) with the API key of an admin in $WINBACK_API_KEY.
  --as MANAGER_ID        Act as this manager (an admin) instead of the system actor; audit entries
                         name the actor.
  --reminder-lead MIN    Remind appointments due within this many minutes (default 15).
  --dry-run              import-usage: check everything, print the counts, write nothing.
  --encoding ENC         import-usage: the files' encoding when they have no byte-order mark:
                         utf-8, gb18030 or gbk (Excel on Chinese Windows), utf-16le, utf-16be.
                         Default auto: a BOM decides, else the file must be valid UTF-8; bytes
                         that do not decode are refused with their line.

Exit codes: 0 ok, 1 failure or bad input lines, 2 bad command line.
`
