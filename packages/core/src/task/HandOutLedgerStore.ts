/**
 * Storage port of the hand-out ledger (one claim per customer and period, what makes a customer never handed out twice).
 * The contracts every store keeps (transactions, versions, keyset pages, typed failures) are stated
 * once, in `ports/Transactions.ts`.
 */
import { Context, type Effect } from "effect"
import { type StorageError } from "../shared/Errors"
import { type Page, type PageRequest } from "../shared/Page"
import { type HandOutLedgerEntry } from "./HandOutLedger"

/** The answer to a ledger claim. */
export type ClaimResult =
  | { readonly claimed: true; readonly entry: HandOutLedgerEntry }
  | { readonly claimed: false; readonly holder: HandOutLedgerEntry }

/**
 * The hand-out ledger: one entry per (customer, period).
 *
 * Contract: `claim` MUST be atomic — of N concurrent claims of one (customer, period) key exactly
 * one answers `claimed: true`, the others `claimed: false` with the winning entry.
 *
 * @example
 * ```ts
 * const r = yield* ledger.claim(entry)
 * if (!r.claimed) console.log(`already handed out by ${r.holder.taskId}`)
 * ```
 */
export class HandOutLedgerStore extends Context.Service<
  HandOutLedgerStore,
  {
    readonly claim: (entry: HandOutLedgerEntry) => Effect.Effect<ClaimResult, StorageError>
    readonly get: (customerId: string, period: string) => Effect.Effect<HandOutLedgerEntry | undefined, StorageError>
    /** The entries whose cool-down is still running at `at` for any of `customerIds`. */
    readonly coolingDown: (customerIds: ReadonlyArray<string>, at: string) => Effect.Effect<ReadonlyArray<HandOutLedgerEntry>, StorageError>
    /** Entries of one period, ordered by customer id. */
    readonly listByPeriod: (period: string, page?: PageRequest) => Effect.Effect<Page<HandOutLedgerEntry>, StorageError>
  }
>()("@winback/core/HandOutLedgerStore") {}
