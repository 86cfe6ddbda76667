/**
 * The text matching of DND lists, shared so the memory and SQL stores agree to the character: case
 * folds for ASCII letters only (SQL's lower() follows the database's locale, JavaScript's the
 * Unicode tables; Chinese names have no case anyway).
 */

/** ASCII upper-case letters, and their lower-case forms (for SQL `translate`). */
export const asciiUpper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
export const asciiLower = "abcdefghijklmnopqrstuvwxyz"

/**
 * `s` with ASCII letters in lower case, nothing else changed.
 *
 * @example
 * ```ts
 * foldAscii("Li WEI 李") // "li wei 李"
 * ```
 */
export const foldAscii = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase())
