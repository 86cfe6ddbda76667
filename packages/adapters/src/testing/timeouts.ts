/**
 * Time limits of the suite's hooks. Opening storage runs the migrations: on PGlite (wasm) that can
 * take well over vitest's default 10 s when other test files keep the machine busy.
 */

/** How long opening or closing storage for a group of tests may take. */
export const OPEN_TIMEOUT_MS = 120_000
