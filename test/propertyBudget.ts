/**
 * Every vitest project loads this before its tests: the time budget of property-based tests.
 *
 * A fast-check property stops generating new cases after `WINBACK_FC_BUDGET_MS` (default 30 s) and
 * passes with the runs it completed, so a loaded 2-core CI machine runs fewer cases instead of
 * timing out; a counterexample found within the budget still fails and prints its seed. Each
 * project's `testTimeout` (60 s) stays above the budget. `WINBACK_FC_SEED` replays a printed seed.
 */
import fc from "fast-check"

const budget = Number(process.env.WINBACK_FC_BUDGET_MS ?? 30_000)
/** The seed every property uses unless `WINBACK_FC_SEED` says otherwise. */
const DEFAULT_SEED = 20261206
const requested = process.env.WINBACK_FC_SEED
const seed = requested === "random" ? undefined : requested === undefined || requested === "" ? DEFAULT_SEED : Number(requested)
if (seed !== undefined && !Number.isInteger(seed)) throw new Error(`WINBACK_FC_SEED must be an integer or "random", got ${JSON.stringify(requested)}`)
fc.configureGlobal({
  ...fc.readConfigureGlobal(),
  interruptAfterTimeLimit: budget,
  markInterruptAsFailure: false,
  ...(seed === undefined ? {} : { seed })
})
