/**
 * How questionnaire versions and responses are stored. The definitions and answers are
 * `@winback/questionnaire` data kept as-is; a published version is frozen and keyed by its hash.
 */
import * as z from "zod"
import { Id, Instant, Version } from "../shared/Primitives"

/**
 * A published, frozen questionnaire version, keyed by its content hash.
 *
 * @example
 * ```ts
 * QuestionnaireVersionRecord.parse({ hash: "3f2a...", questionnaireId: "retention-callback", title: "Retention callback",
 *   definition: {}, publishedAt: "2026-11-22T08:00:00.000Z", publishedBy: "m-9" })
 * ```
 */
export const QuestionnaireVersionRecord = z.object({
  hash: z.string().min(8).max(128),
  questionnaireId: Id,
  title: z.string().min(1).max(300),
  definition: z.unknown(),
  publishedAt: Instant,
  publishedBy: Id
})
/** @see {@link QuestionnaireVersionRecord} */
export type QuestionnaireVersionRecord = z.infer<typeof QuestionnaireVersionRecord>

/**
 * A questionnaire response saved on a work item, pinned to the version hash it was given on.
 *
 * @example
 * ```ts
 * ResponseRecord.parse({ id: "resp-1", versionHash: "3f2a...", questionnaireId: "retention-callback", workItemId: "wi-1",
 *   customerId: "cust-42", answers: { q1: "price" }, completed: true, savedAt: "2026-11-22T10:04:00.000Z", savedBy: "m-1", version: 1 })
 * ```
 */
export const ResponseRecord = z.object({
  id: Id,
  versionHash: z.string().min(8).max(128),
  questionnaireId: Id,
  workItemId: Id.nullable(),
  customerId: Id,
  answers: z.record(z.string(), z.unknown()),
  completed: z.boolean(),
  savedAt: Instant,
  savedBy: Id,
  version: Version
})
/** @see {@link ResponseRecord} */
export type ResponseRecord = z.infer<typeof ResponseRecord>
