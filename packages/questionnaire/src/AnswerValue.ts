/**
 * What an answer is, in one place: the runtime records it, static analysis builds sample answers
 * of it, validation checks submitted ones. Its own module so that analysis does not import the
 * runtime (which imports publishing, which imports analysis).
 */
import * as z from "zod"

/**
 * An answer value: text, ISO date or choice id (string), number or rating (number), choice ids of
 * a multiple-choice question (string[]), or `null` to clear an answer.
 *
 * @example
 * ```ts
 * const a: AnswerValue = ["sms", "email"]
 * ```
 */
export const AnswerValue = z.union([z.string(), z.number(), z.array(z.string()), z.null()])
/**
 * The type of {@link AnswerValue}: what `AnswerValue.parse(input)` returns.
 *
 * @example
 * ```ts
 * const value: AnswerValue = AnswerValue.parse(input)
 * ```
 */
export type AnswerValue = z.infer<typeof AnswerValue>
