/**
 * One way to check input at a boundary: zod schema in, typed value or `ValidationError` out.
 */
import { Effect } from "effect"
import type { z } from "zod"
import { ValidationError } from "./Errors"

/**
 * Parses `input` with `schema`, throwing a `ValidationError` with every issue and its path.
 *
 * @example
 * ```ts
 * import { Customer, parse } from "@winback/core"
 * const customer = parse(Customer, JSON.parse(body))
 * ```
 */
export const parse = <S extends z.ZodType>(schema: S, input: unknown, subject?: string): z.output<S> => {
  const r = schema.safeParse(input)
  if (!r.success) throw ValidationError.fromZod(r.error, subject)
  return r.data
}

/**
 * Effect version of {@link parse}: fails with `ValidationError` instead of throwing.
 *
 * @example
 * ```ts
 * const task = yield* decode(Task, input, "task")
 * ```
 */
export const decode = <S extends z.ZodType>(schema: S, input: unknown, subject?: string): Effect.Effect<z.output<S>, ValidationError> => {
  const r = schema.safeParse(input)
  return r.success ? Effect.succeed(r.data) : Effect.fail(ValidationError.fromZod(r.error, subject))
}
