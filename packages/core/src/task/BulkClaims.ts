/**
 * The one way every entry path claims the hand-out ledger (extraction, manual imports), and the
 * read of a customer's open work that dedup and allocation share. `BulkLedgerClaims` is an
 * optional accelerator: claiming many ledger keys in one round trip; without it `claimLedger`
 * falls back to one `HandOutLedgerStore.claim` per customer, so a host's own adapter need not
 * implement it. The SQL adapters provide it (`INSERT ... ON CONFLICT DO NOTHING RETURNING`).
 */
import { Context, Effect } from "effect"
import type { StorageError } from "../shared/Errors"
import type { HandOutLedgerEntry } from "./HandOutLedger"
import type { Page } from "../shared/Page"
import type { HandOutLedgerStore } from "./HandOutLedgerStore"
import type { WorkItemStore } from "../work/WorkItemStore"
import { openWorkItemStates, type WorkItem } from "../work/WorkItem"

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

/**
 * Claims `entries` (distinct customers, one period each) on the ledger's unique key, in batches of
 * `batch`, and answers the customer ids this call won. Atomic per key: of concurrent claims of
 * one (customer, period) exactly one wins, so two imports or extractions racing for a customer
 * never both hand them out — no read-then-write. Call it inside the transaction that writes the
 * items, so a failed write releases the claims.
 *
 * @example
 * ```ts
 * const won = yield* claimLedger(ledger, planned.map((p) => p.ledger), config.writeBatch)
 * const items = planned.filter((p) => won.has(p.ledger.customerId)).map((p) => p.item)
 * ```
 */
export const claimLedger = (
  ledger: HandOutLedgerStore["Service"],
  entries: ReadonlyArray<HandOutLedgerEntry>,
  batch = 1000
): Effect.Effect<ReadonlySet<string>, StorageError> =>
  Effect.gen(function* () {
    const won = new Set<string>()
    if (entries.length === 0) return won
    const bulk = yield* Effect.serviceOption(BulkLedgerClaims)
    if (bulk._tag === "Some") {
      for (let i = 0; i < entries.length; i += batch) for (const id of yield* bulk.value.claimMany(entries.slice(i, i + batch))) won.add(id)
      return won
    }
    for (const e of entries) if ((yield* ledger.claim(e)).claimed) won.add(e.customerId)
    return won
  })

/**
 * The open items (open or in progress) of each of `customerIds`, read in chunks of 1,000.
 * Customers without open work are absent from the map.
 *
 * @example
 * ```ts
 * const open = yield* openWorkOf(yield* WorkItemStore, ["c-1", "c-2"]) // Map { "c-1" => [item] }
 * ```
 */
export const openWorkOf = (
  workItems: WorkItemStore["Service"],
  customerIds: ReadonlyArray<string>
): Effect.Effect<Map<string, Array<WorkItem>>, StorageError> =>
  Effect.gen(function* () {
    const out = new Map<string, Array<WorkItem>>()
    const ids = [...new Set(customerIds)]
    for (let i = 0; i < ids.length; i += 1000) {
      let cursor: string | null = null
      do {
        const page: Page<WorkItem> = yield* workItems.list({ customerIds: ids.slice(i, i + 1000), states: openWorkItemStates }, { limit: 1000, cursor })
        for (const w of page.items) {
          const list = out.get(w.customerId) ?? []
          list.push(w)
          out.set(w.customerId, list)
        }
        cursor = page.nextCursor
      } while (cursor)
    }
    return out
  })

/**
 * The agent holding a customer's open work: the assignee of their assigned open items (work is
 * merged per customer, so there is at most one), or `null` when every open item is in the pool.
 *
 * @example
 * ```ts
 * openWorkHolder([item({ assigneeId: null }), item({ assigneeId: "m-1" })]) // "m-1"
 * ```
 */
export const openWorkHolder = (open: ReadonlyArray<WorkItem> | undefined): string | null => open?.find((w) => w.assigneeId !== null)?.assigneeId ?? null
