/**
 * Which PostgreSQL schema Winback's tables live in. The default is `winback`, so a CRM's own
 * `customers` or `tasks` in `public` never meet Winback's; a host chooses another (one per tenant).
 * Databases and data directories made by releases before the default moved keep their tables in
 * `public`: when the default is asked for and only `public` holds Winback's tables, they are used
 * where they are (with one notice), never shadowed by a second, empty set.
 */
import { ValidationError } from "@winback/core"

/**
 * The schema Winback's tables live in unless the host chooses one.
 *
 * @example
 * ```ts
 * const storage = await PostgresStorage.open({ url })
 * storage.schema === defaultSchema // true, unless the database is from before this default
 * ```
 */
export const defaultSchema = "winback"

/** Where releases before the `winback` default kept the tables. */
export const legacySchema = "public"

const schemaName = /^(?!pg_)[a-z_][a-z0-9_]{0,62}$/

/** Refuses a schema name Winback would have to quote (lower-case letters, digits, `_`; not `pg_…`). */
export const checkSchemaName = (schema: string): string => {
  if (!schemaName.test(schema)) {
    throw new ValidationError({
      subject: "storage options",
      issues: [{ path: ["schema"], code: "invalid_format", message: `"${schema}" is not a schema name Winback accepts: lower-case letters, digits and _, at most 63, not starting with a digit or pg_` }]
    })
  }
  return schema
}

/** `"name"`: the schema name as a quoted identifier (names are checked, so no quote can occur). */
export const quoted = (schema: string): string => `"${checkSchemaName(schema)}"`

/** Runs one statement without parameters and answers its rows. */
export type RawQuery = (text: string) => Promise<ReadonlyArray<Record<string, unknown>>>

/**
 * The schema to open: the one asked for, or by default `winback` — unless `winback` holds no
 * Winback tables and `public` does (a database from an earlier release), then `public`, said once
 * through `notice`.
 */
export const chooseSchema = async (query: RawQuery, requested: string | undefined, notice: (line: string) => void): Promise<string> => {
  if (requested !== undefined) return checkSchemaName(requested)
  const [row] = await query(
    `SELECT to_regclass('${quoted(defaultSchema)}.winback_migrations') IS NOT NULL AS current, to_regclass('${quoted(legacySchema)}.winback_migrations') IS NOT NULL AS legacy`
  )
  if (row?.current !== true && row?.legacy === true) {
    notice(
      `[winback] Winback's tables are in schema "public" (made by a release before the default moved to "winback"); using them there. ` +
        `Pass schema: "public" to keep them there without this notice, or move them: see docs/upgrading.md.`
    )
    return legacySchema
  }
  return defaultSchema
}
