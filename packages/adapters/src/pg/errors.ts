/** Maps driver errors (node-postgres and PGlite both carry SQLSTATE codes) to `StorageError`. */
import { StorageError } from "@winback/core"

const unavailable = new Set(["40001", "40P01", "57P01", "57P02", "57P03", "53300", "53400", "08000", "08001", "08003", "08004", "08006", "55P03"])
const constraint = new Set(["23505", "23503", "23502", "23514", "23P01", "42501"])

/** The SQLSTATE of a driver error, if any (drizzle wraps driver errors in `cause`). */
export const sqlState = (e: unknown): string | undefined => {
  let cur: unknown = e
  for (let i = 0; i < 4 && cur; i++) {
    const code = (cur as { code?: unknown }).code
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code
    cur = (cur as { cause?: unknown }).cause
  }
  return undefined
}

/** Turns any failure of a storage call into a `StorageError` with the right reason. */
export const toStorageError = (operation: string, e: unknown): StorageError => {
  if (e instanceof StorageError) return e
  const code = sqlState(e)
  const netCode = (e as { code?: unknown } | undefined)?.code
  const reason = code && unavailable.has(code)
    ? "Unavailable"
    : code && constraint.has(code)
      ? "Constraint"
      : netCode === "ECONNREFUSED" || netCode === "ECONNRESET" || netCode === "ETIMEDOUT"
        ? "Unavailable"
        : "Unknown"
  return new StorageError({ reason, operation, cause: e })
}
