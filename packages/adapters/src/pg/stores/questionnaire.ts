/**
 * Questionnaires in SQL: published versions (content-addressed, never changed once stored) and the
 * responses given on them.
 */
import { eq, sql } from "drizzle-orm"
import { Effect } from "effect"
import { NotFound, type QuestionnaireVersionRecord, type ResponseRecord, type Stores } from "@winback/core"
import { sortKeys } from "../../internal/sortKeys"
import { type PgDriver, useDb } from "../Driver"
import { maybeEq, pgEntityStore } from "../entityStore"
import * as s from "../schema"

/**
 * The SQL `questionnaires` store on `driver` (composed by {@link makePgStores}).
 *
 * @example
 * ```ts
 * const { questionnaires } = questionnaireStores(driver)
 * await Effect.runPromise(questionnaires.getVersion(hash))
 * ```
 */
export const questionnaireStores = (driver: PgDriver): Pick<Stores, "questionnaires"> => ({
  questionnaires: {
    putVersion: (record) =>
      useDb(driver, "QuestionnaireVersion.put", async (db) => {
        await db.insert(s.questionnaireVersions)
          .values({ hash: record.hash, questionnaireId: record.questionnaireId, publishedAt: record.publishedAt, data: record })
          .onConflictDoNothing()
        const rows = await db.select().from(s.questionnaireVersions).where(eq(s.questionnaireVersions.hash, record.hash)).limit(1)
        return rows[0]!.data as QuestionnaireVersionRecord
      }),
    getVersion: (hash) =>
      useDb(driver, "QuestionnaireVersion.get", (db) => db.select().from(s.questionnaireVersions).where(eq(s.questionnaireVersions.hash, hash)).limit(1)).pipe(
        Effect.flatMap((rows) =>
          rows[0] ? Effect.succeed(rows[0].data as QuestionnaireVersionRecord) : Effect.fail(new NotFound({ entity: "QuestionnaireVersion", id: hash }))
        )
      ),
    listVersions: (questionnaireId) =>
      useDb(driver, "QuestionnaireVersion.list", async (db) =>
        (await db.select().from(s.questionnaireVersions).where(eq(s.questionnaireVersions.questionnaireId, questionnaireId))
          .orderBy(sql`${s.questionnaireVersions.publishedAt} collate "C"`, sql`${s.questionnaireVersions.hash} collate "C"`))
          .map((r) => r.data as QuestionnaireVersionRecord)
      ),
    responses: pgEntityStore<ResponseRecord, { readonly workItemId?: string; readonly questionnaireId?: string; readonly customerId?: string }>(driver, {
      customerKeyed: true,
      entity: "Response",
      table: s.responses,
      toRow: (r) => ({ id: r.id, version: r.version, data: r, workItemId: r.workItemId, questionnaireId: r.questionnaireId, customerId: r.customerId }),
      where: (f) => [maybeEq(s.responses.workItemId, f.workItemId), maybeEq(s.responses.questionnaireId, f.questionnaireId), maybeEq(s.responses.customerId, f.customerId)],
      sortColumns: [s.responses.id],
      sortKey: sortKeys.response
    })
  }
})
