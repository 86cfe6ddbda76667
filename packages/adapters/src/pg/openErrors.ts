/**
 * The typed failures of opening and migrating a SQL storage. A host that embeds Winback in its own
 * database meets these first (a wrong URL, a role without rights, a schema left behind), so each
 * one names what happened and the one thing to do about it; no driver error reaches the host raw.
 */
import { StorageError, ValidationError } from "@winback/core"
import { DataDirectoryLocked } from "./DataDirectoryLock"
import { sqlState } from "./errors"

/**
 * Why a storage could not be opened or migrated, so callers branch on it and never on message text:
 * - `unreachable`: no database server answered (connection refused, unknown host, timeout, a server
 *   starting up or out of connections) — the one kind worth retrying (`isRetryable`);
 * - `authentication-failed`: the server refused the user or its password;
 * - `database-missing`: the database named in the URL does not exist;
 * - `permission-denied`: the role may not create Winback's schema or tables (or the data directory
 *   is not writable);
 * - `unknown`: anything else (the driver's error is the `cause`).
 *
 * @example
 * ```ts
 * const kind: StorageOpenKind = "database-missing"
 * ```
 */
export type StorageOpenKind = "unreachable" | "authentication-failed" | "database-missing" | "permission-denied" | "unknown"

/**
 * Opening (or migrating) a PGlite or PostgreSQL storage failed. A {@link StorageError} (so every
 * existing `catch`/`catchTag("StorageError")` still holds, and `isRetryable` is true only for
 * `unreachable`), with `kind` saying why ({@link StorageOpenKind}), `fix` the one thing to do about
 * it, and `cause` the driver's error.
 *
 * @example
 * ```ts
 * import { PostgresStorage, StorageOpenError } from "@winback/adapters"
 * try {
 *   await PostgresStorage.open({ url: "postgres://crm@db.internal:5432/crm" })
 * } catch (e) {
 *   if (e instanceof StorageOpenError && e.kind === "permission-denied") console.error(e.fix)
 * }
 * ```
 */
export class StorageOpenError extends StorageError {
  /** Why it failed. */
  readonly kind: StorageOpenKind
  /** The schema Winback was opening (`winback` unless chosen), when known. */
  readonly schema: string | undefined
  /** The one thing to do about it, for a person. */
  readonly fix: string
  constructor(args: { readonly kind: StorageOpenKind; readonly operation: string; readonly schema: string | undefined; readonly fix: string; readonly cause?: unknown }) {
    super({ reason: args.kind === "unreachable" ? "Unavailable" : "Unknown", operation: args.operation, cause: args.cause })
    this.kind = args.kind
    this.schema = args.schema
    this.fix = args.fix
  }
  override get message(): string {
    const detail = this.cause instanceof Error ? `: ${this.cause.message}` : ""
    return `cannot open Winback's storage (${this.kind} in ${this.operation})${detail}. ${this.fix}`
  }
}

/**
 * The schema is behind this release and the storage was opened with `migrate: false`: `missing`
 * lists the migrations not yet applied (oldest first), `command` is what applies them. A
 * {@link StorageError} (reason `Unknown`: opening again changes nothing until someone migrates).
 *
 * @example
 * ```ts
 * import { MigrationsPending, PostgresStorage } from "@winback/adapters"
 * try {
 *   await PostgresStorage.open({ url, migrate: false })
 * } catch (e) {
 *   if (e instanceof MigrationsPending) console.error(`run: ${e.command}`) // winback migrate --database-url … --schema winback
 * }
 * ```
 */
export class MigrationsPending extends StorageError {
  /** The schema that is behind. */
  readonly schema: string
  /** The tags of the migrations not applied yet, oldest first. */
  readonly missing: ReadonlyArray<string>
  /** The command that applies them. */
  readonly command: string
  constructor(args: { readonly schema: string; readonly missing: ReadonlyArray<string>; readonly command: string; readonly operation: string }) {
    super({ reason: "Unknown", operation: args.operation })
    this.schema = args.schema
    this.missing = args.missing
    this.command = args.command
  }
  override get message(): string {
    const more = this.missing.length > 1 ? ` and ${this.missing.length - 1} more` : ""
    return `schema "${this.schema}" is behind this release of Winback: migration ${this.missing[0]}${more} not applied (opened with migrate: false). Apply them with: ${this.command}`
  }
}

/** What the storage was opening, for the error's fix text. */
export interface OpenContext {
  readonly operation: string
  readonly schema: string | undefined
  /** The PostgreSQL URL (its password is never shown). */
  readonly url?: string | undefined
  readonly dataDir?: string | undefined
}

/** A PostgreSQL URL as it may be printed: its password masked. */
export const maskedUrl = (url: string): string | undefined => {
  try {
    const u = new URL(url)
    if (u.password) u.password = "***"
    return u.toString()
  } catch {
    return undefined
  }
}

const describeUrl = (url: string | undefined): { readonly shown: string; readonly user: string; readonly database: string; readonly host: string } => {
  const shown = maskedUrl(url ?? "")
  if (shown === undefined) return { shown: "the database URL", user: "the user", database: "the database", host: "the server" }
  const u = new URL(shown)
  return { shown, user: decodeURIComponent(u.username) || "(default user)", database: decodeURIComponent(u.pathname.slice(1)) || "(default database)", host: u.host || "localhost" }
}

const unreachableStates = new Set(["57P03", "53300", "08000", "08001", "08004", "08006"])
const netCodes = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "ECONNRESET", "EHOSTUNREACH", "ENETUNREACH"])

/** The first `code` of `e` or its causes that is not a SQLSTATE (a Node.js system error code). */
const systemCode = (e: unknown): string | undefined => {
  let cur: unknown = e
  for (let i = 0; i < 4 && cur; i++) {
    const code = (cur as { code?: unknown }).code
    if (typeof code === "string" && /^E[A-Z]+$/.test(code)) return code
    cur = (cur as { cause?: unknown }).cause
  }
  return undefined
}

/**
 * Turns any failure of opening or migrating into a typed error. Winback's own typed errors pass
 * through; driver errors become a {@link StorageOpenError} whose `fix` names what to do.
 */
export const toOpenError = (e: unknown, context: OpenContext): StorageOpenError | MigrationsPending | DataDirectoryLocked | ValidationError => {
  if (e instanceof StorageOpenError || e instanceof MigrationsPending || e instanceof DataDirectoryLocked || e instanceof ValidationError) return e
  const state = sqlState(e)
  const sys = systemCode(e)
  const u = describeUrl(context.url)
  const schema = context.schema ?? "winback"
  const make = (kind: StorageOpenKind, fix: string) => new StorageOpenError({ kind, operation: context.operation, schema: context.schema, fix, cause: e })
  if ((sys !== undefined && netCodes.has(sys)) || (state !== undefined && unreachableStates.has(state))) {
    return make("unreachable", `Check that PostgreSQL runs at ${u.host} and accepts connections, or fix the URL (${u.shown}).`)
  }
  if (state === "28P01" || state === "28000") {
    return make("authentication-failed", `Check the user and password in the URL (${u.shown}) and the server's pg_hba.conf for user ${u.user}.`)
  }
  if (state === "3D000") {
    return make("database-missing", `Create the database first (createdb ${u.database}, or CREATE DATABASE "${u.database}"), or fix the URL (${u.shown}).`)
  }
  if (state === "42501") {
    return make(
      "permission-denied",
      `Let the role create Winback's schema once (GRANT CREATE ON DATABASE "${u.database}" TO "${u.user}"), or have an owner create it (CREATE SCHEMA "${schema}" AUTHORIZATION "${u.user}") and run winback migrate.`
    )
  }
  if (sys === "EACCES" || sys === "EPERM" || sys === "EROFS") {
    return make("permission-denied", `Make the data directory ${context.dataDir ?? ""} writable by this process's user, or choose another one.`)
  }
  return make("unknown", "See the cause; docs/upgrading.md and docs/embedding.md list what opening needs.")
}
