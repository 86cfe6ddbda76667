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

/**
 * The path of the first string (a value or an object key) holding a NUL character, `null` when
 * there is none. PostgreSQL text and jsonb cannot hold NUL, so boundaries refuse it as invalid input
 * naming the field instead of failing later in storage.
 *
 * @example
 * ```ts
 * nulCharacterPath({ a: ["ok", "x\u0000"] }) // ["a", 1]
 * nulCharacterPath({ a: "ok" })               // null
 * ```
 */
export const nulCharacterPath = (value: unknown, path: ReadonlyArray<string | number> = []): Array<string | number> | null =>
  textPath(value, path, (t) => t.includes("\u0000"))

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/**
 * The path of the first string (or object key) in `value` holding a lone UTF-16 surrogate (half
 * of a pair, e.g. JSON's `"\ud800"`), or `null`. Such text has no UTF-8 form, so storage cannot
 * keep it: refuse it at the boundary like NUL.
 *
 * @example
 * ```ts
 * loneSurrogatePath({ note: "ok", name: "x\ud800" }) // ["name"]
 * loneSurrogatePath({ name: "😀" })                   // null (a whole pair)
 * ```
 */
export const loneSurrogatePath = (value: unknown, path: ReadonlyArray<string | number> = []): Array<string | number> | null =>
  textPath(value, path, (t) => loneSurrogate.test(t))

/** The path of the first string or key of `value` that `bad` picks. */
const textPath = (value: unknown, path: ReadonlyArray<string | number>, bad: (text: string) => boolean): Array<string | number> | null => {
  if (typeof value === "string") return bad(value) ? [...path] : null
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = textPath(value[i], [...path, i], bad)
      if (found) return found
    }
    return null
  }
  if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (bad(k)) return [...path, k]
      const found = textPath(v, [...path, k], bad)
      if (found) return found
    }
  }
  return null
}
