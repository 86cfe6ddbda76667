/**
 * Questionnaires in memory: published versions (never changed once stored) and the responses given on them.
 */
import { Effect } from "effect"
import { NotFound, type QuestionnaireVersionRecord, type Stores } from "@winback/core"
import { sortKeys } from "../../internal/sortKeys"
import { memoryEntityStore } from "../entityStore"
import type { MemoryDb } from "../MemoryDb"

/**
 * The in-memory `questionnaires` store over `db` (composed by {@link makeMemoryStores}).
 *
 * @example
 * ```ts
 * const { questionnaires } = questionnaireStores(new MemoryDb())
 * await Effect.runPromise(questionnaires.getVersion(hash))
 * ```
 */
export const questionnaireStores = (db: MemoryDb): Pick<Stores, "questionnaires"> => {
  const versions = () => db.table<QuestionnaireVersionRecord>("questionnaire_versions")

  return {
    questionnaires: {
      putVersion: (record) =>
        db.op(() => {
          const current = versions().get(record.hash)
          if (current) return current
          db.write("questionnaire_versions", record.hash, record)
          return record
        }),
      getVersion: (hash) =>
        db.op(() => {
          const r = versions().get(hash)
          return r ? Effect.succeed(r) : Effect.fail(new NotFound({ entity: "QuestionnaireVersion", id: hash }))
        }),
      listVersions: (questionnaireId) =>
        db.op(() =>
          [...versions().values()].filter((v) => v.questionnaireId === questionnaireId)
            .sort((a, b) => (a.publishedAt < b.publishedAt ? -1 : a.publishedAt > b.publishedAt ? 1 : a.hash < b.hash ? -1 : 1))
        ),
      responses: memoryEntityStore(db, {
        entity: "Response",
        table: "responses",
        sortKey: sortKeys.response,
        matches: (r, f) =>
          (f.workItemId === undefined || r.workItemId === f.workItemId) && (f.questionnaireId === undefined || r.questionnaireId === f.questionnaireId) &&
          (f.customerId === undefined || r.customerId === f.customerId)
      })
    }
  }
}
