/**
 * The candidate source: which customers a rule picks as of a day. Extraction, customer groups and
 * the dry-run preview ask it; the memory implementation here runs `@winback/rules`' compiled
 * evaluator over the stores, the SQL implementation in `@winback/adapters` pushes the rule down to
 * the database (one query per rule, streamed through a cursor).
 */
import { Context, Effect, Layer } from "effect"
import { compileRule, indexCustomerFacts, type Rule } from "@winback/rules"
import { StorageError, ValidationError } from "../shared/Errors"
import type { Page } from "../shared/Page"
import { CustomerStore } from "../customer/CustomerStore"
import type { Customer } from "../customer/Customer"
import { type CustomerPartition, partitionOf } from "./ExtractionPartitions"

/**
 * Answers which customers match rules as of a day.
 *
 * Contract: `matching(rules, asOf)` returns, per rule in order, the ids of the matching customers
 * sorted by id (code-point order), each id once. With `partition` only the customers of that hash
 * partition (`partitionOf(id, count) === index`) are answered, so a partitioned extraction holds
 * one partition's matches at a time (a source that ignores it stays correct: the extraction cuts
 * the answer again). It reads only; it must not be called inside a write transaction that the same
 * storage serialises on (PGlite has one connection).
 *
 * @example
 * ```ts
 * const [zeroBill] = yield* (yield* CandidateSource).matching([instantiate(zeroBill).rule], "2026-11-25")
 * ```
 */
export class CandidateSource extends Context.Service<
  CandidateSource,
  {
    readonly matching: (rules: ReadonlyArray<Rule>, asOf: string, partition?: CustomerPartition) => Effect.Effect<ReadonlyArray<ReadonlyArray<string>>, ValidationError | StorageError>
  }
>()("@winback/core/CandidateSource") {}

const shiftDay = (day: string, days: number): string => new Date(Date.parse(`${day}T00:00:00.000Z`) + days * 86_400_000).toISOString().slice(0, 10)
const shiftMonth = (month: string, months: number): string => {
  const idx = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + months
  return `${Math.floor(idx / 12)}-${String((idx % 12) + 1).padStart(2, "0")}`
}

/**
 * Compiles a rule, turning the rules package's validation error into core's.
 *
 * @example
 * ```ts
 * const compiled = yield* compileChecked(instantiate(zeroBill).rule)
 * ```
 */
export const compileChecked = (rule: Rule): Effect.Effect<ReturnType<typeof compileRule>, ValidationError> =>
  Effect.try({
    try: () => compileRule(rule),
    catch: (e) => e instanceof ValidationError ? e : new ValidationError({ issues: [{ path: ["rule"], message: String(e), code: "invalid-rule" }], subject: "rule" })
  })

/**
 * The history window the memory source reads per customer (covers every catalogue rule).
 *
 * @example
 * ```ts
 * memoryCandidateSource({ dayWindow: 400, monthWindow: 24 })
 * ```
 */
export interface MemoryCandidateOptions {
  readonly dayWindow?: number
  readonly monthWindow?: number
}

/**
 * The in-memory candidate source over `CustomerStore`: reads every customer with its usage and
 * events (one page at a time) and runs the compiled evaluator. Right for the memory adapter,
 * tests and small hosts; database adapters push rules down to SQL instead.
 *
 * @example
 * ```ts
 * const live = memoryCandidateSource().pipe(Layer.provide(storesLayer(stores)))
 * ```
 */
export const memoryCandidateSource = (options: MemoryCandidateOptions = {}): Layer.Layer<CandidateSource, never, CustomerStore> =>
  Layer.effect(
    CandidateSource,
    Effect.gen(function* () {
      const customers = yield* CustomerStore
      const dayWindow = options.dayWindow ?? 400
      const monthWindow = options.monthWindow ?? 24
      const matching = Effect.fn("CandidateSource.matching")(function* (rules: ReadonlyArray<Rule>, asOf: string, partition?: CustomerPartition) {
        const compiled = yield* Effect.forEach(rules, compileChecked)
        const tests = compiled.map((c) => c.at(asOf))
        const out: Array<Array<string>> = rules.map(() => [])
        if (rules.length === 0) return out
        const fromDay = shiftDay(asOf, -dayWindow)
        const toMonth = asOf.slice(0, 7)
        const fromMonth = shiftMonth(toMonth, -monthWindow)
        let cursor: string | null = null
        do {
          const page: Page<Customer> = yield* customers.list({}, { limit: 500, cursor })
          for (const c of page.items) {
            if (partition !== undefined && partitionOf(c.id, partition.count) !== partition.index) continue
            const daily = yield* customers.usageDays(c.id, fromDay, asOf)
            const monthly = yield* customers.usageMonths(c.id, fromMonth, toMonth)
            const events = yield* customers.events(c.id, `${fromDay}T00:00:00.000Z`)
            const facts = indexCustomerFacts({ customer: c, daily, monthly, events })
            tests.forEach((t, i) => {
              if (t(facts)) out[i]!.push(c.id)
            })
          }
          cursor = page.nextCursor
        } while (cursor)
        return out.map((ids) => [...new Set(ids)].sort(compareIds))
      })
      return CandidateSource.of({ matching })
    })
  )

/**
 * Code-point order, the order every store sorts ids in.
 *
 * @example
 * ```ts
 * ["c-b", "c-A", "c-a"].sort(compareIds) // ["c-A", "c-a", "c-b"]
 * ```
 */
export const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/**
 * A fixed candidate source (tests, hosts that compute candidates themselves): rule `i` picks `ids[i]`.
 *
 * @example
 * ```ts
 * Layer.succeed(CandidateSource, fixedCandidates([["c-1", "c-2"]]))
 * ```
 */
export const fixedCandidates = (ids: ReadonlyArray<ReadonlyArray<string>>): CandidateSource["Service"] =>
  CandidateSource.of({ matching: (rules) => Effect.succeed(rules.map((_, i) => [...(ids[i] ?? [])].sort(compareIds))) })

/**
 * Builds a `StorageError` for a candidate source failure.
 *
 * @example
 * ```ts
 * Effect.tryPromise({ try: () => query(), catch: (e) => candidateError("MyCandidateSource.matching", e) })
 * ```
 */
export const candidateError = (operation: string, cause: unknown): StorageError => new StorageError({ reason: "Unknown", operation, cause })
