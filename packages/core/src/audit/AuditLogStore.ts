/**
 * Storage port of the audit log.
 * The contracts every store keeps (transactions, versions, keyset pages, typed failures) are stated
 * once, in `ports/Transactions.ts`.
 */
import { Context, type Effect } from "effect"
import { type StorageError } from "../shared/Errors"
import { type Page, type PageRequest } from "../shared/Page"
import { type DndEntry } from "../work/DndEntry"
import { type AuditCategory, type AuditEntry, type AuditEntryInput } from "./AuditEntry"

/** Filter for audit queries, ordered by sequence number. */
export interface AuditFilter {
  readonly from?: string
  readonly to?: string
  readonly actorId?: string
  /** Entries by any of these actors (the scope push-down of audit reads). */
  readonly actorIds?: ReadonlyArray<string>
  readonly customerId?: string
  readonly categories?: ReadonlyArray<AuditCategory>
}

/** The result of checking the audit hash chain. */
export type AuditVerification =
  | { readonly ok: true; readonly entries: number }
  | { readonly ok: false; readonly entries: number; readonly firstBrokenSeq: number; readonly problem: string }

/**
 * The append-only audit log with a hash chain.
 *
 * Contract: `append` assigns increasing log-wide sequence numbers (consecutive for appends one
 * after the other; a rolled-back append may leave a gap) and chains each entry's hash to the
 * previous entry of its stream; a writer takes a stream no concurrent transaction holds, so
 * writers do not serialise on one row. Every `auditCheckpointInterval` entries a checkpoint records
 * every stream's head. There is no update or delete. `verify` recomputes every stream and checkpoint
 * (`verifyAuditLog`) and reports the first entry that was modified, deleted or reordered.
 *
 * @example
 * ```ts
 * const e = yield* audit.append({ actorId, at, action: "dnd.add", category: "dnd", recordType: "DndEntry",
 *   recordId: entry.id, customerId: entry.customerId, before: null, after: entry, note: "" })
 * ```
 */
export class AuditLogStore extends Context.Service<
  AuditLogStore,
  {
    readonly append: (entry: AuditEntryInput) => Effect.Effect<AuditEntry, StorageError>
    readonly query: (filter: AuditFilter, page?: PageRequest) => Effect.Effect<Page<AuditEntry>, StorageError>
    readonly verify: () => Effect.Effect<AuditVerification, StorageError>
  }
>()("@winback/core/AuditLogStore") {}
