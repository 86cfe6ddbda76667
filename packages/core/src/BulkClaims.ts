/**
 * An optional accelerator for extraction: claiming many hand-out ledger keys in one round trip.
 * Extraction uses it when the runtime provides it and falls back to one `HandOutLedgerStore.claim`
 * per customer otherwise, so a host's own adapter need not implement it. The SQL adapters provide
 * it (`INSERT ... ON CONFLICT DO NOTHING RETURNING` over a batch).
 */
import { Context, type Effect } from "effect"
import type { StorageError } from "./Errors"
import type { HandOutLedgerEntry } from "./HandOutLedger"

/**
 * Claims many ledger entries at once.
 *
 * Contract: for every entry, exactly the semantics of `HandOutLedgerStore.claim` — atomic per
 * (customer, period), of concurrent claims of one key exactly one wins — and the answer is the
 * set of customer ids whose entry this call stored. It takes part in the current transaction.
 * Entries of one call have distinct (customer, period) keys.
 *
 * @example
 * ```ts
 * const won = yield* (yield* BulkLedgerClaims).claimMany(entries) // ReadonlySet of customer ids
 * ```
 */
export class BulkLedgerClaims extends Context.Service<
  BulkLedgerClaims,
  { readonly claimMany: (entries: ReadonlyArray<HandOutLedgerEntry>) => Effect.Effect<ReadonlySet<string>, StorageError> }
>()("@winback/core/BulkLedgerClaims") {}
