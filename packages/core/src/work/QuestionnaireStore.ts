/**
 * Storage port of questionnaire versions and responses.
 * The contracts every store keeps (transactions, versions, keyset pages, typed failures) are stated
 * once, in `ports/Transactions.ts`.
 */
import { Context, type Effect } from "effect"
import { type EntityStore } from "../ports/Transactions"
import { type NotFound, type StorageError } from "../shared/Errors"
import { type QuestionnaireVersionRecord, type ResponseRecord } from "./QuestionnaireRecords"

/**
 * Published questionnaire versions (immutable, keyed by hash) and responses.
 *
 * Contract: `putVersion` of a hash that exists is a no-op returning the stored record (publishing
 * is idempotent); a version is never changed.
 *
 * @example
 * ```ts
 * yield* qs.putVersion({ hash, questionnaireId: "retention-callback", title, definition, publishedAt: now, publishedBy: "m-9" })
 * ```
 */
export class QuestionnaireStore extends Context.Service<
  QuestionnaireStore,
  {
    readonly putVersion: (record: QuestionnaireVersionRecord) => Effect.Effect<QuestionnaireVersionRecord, StorageError>
    readonly getVersion: (hash: string) => Effect.Effect<QuestionnaireVersionRecord, NotFound | StorageError>
    /** Versions of one questionnaire, oldest first. */
    readonly listVersions: (questionnaireId: string) => Effect.Effect<ReadonlyArray<QuestionnaireVersionRecord>, StorageError>
    readonly responses: EntityStore<ResponseRecord, { readonly workItemId?: string; readonly questionnaireId?: string; readonly customerId?: string }>
  }
>()("@winback/core/QuestionnaireStore") {}
