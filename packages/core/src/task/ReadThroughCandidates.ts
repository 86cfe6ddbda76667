/**
 * Read-through mode's candidate source: rules read the facts through the host ports — a page of
 * customers from `CustomerDirectory.list`, their usage from `UsageHistoryReader` in one batch per
 * page — and run in `@winback/rules`' compiled memory evaluator. Winback keeps no copy of the
 * host's customers or usage; replica mode feeds them into Winback's tables and pushes rules down
 * to SQL instead (`SqlCandidateSource` in `@winback/adapters`).
 */
import { Effect, Layer } from "effect"
import { indexCustomerFacts, type Rule } from "@winback/rules"
import { StorageError } from "../shared/Errors"
import { CustomerDirectory, UsageHistoryReader } from "../ports/HostDirectories"
import { CandidateSource, compareIds, compileChecked, memoryCandidateSource } from "./Candidates"
import { type CustomerPartition, partitionOf } from "./ExtractionPartitions"
import type { CustomerStore } from "../customer/CustomerStore"
import type { Customer } from "../customer/Customer"
import type { Page } from "../shared/Page"

/**
 * How much the read-through source reads per round trip and how far back.
 *
 * @example
 * ```ts
 * readThroughCandidateSource({ pageSize: 1000, dayWindow: 120, monthWindow: 6 })
 * ```
 */
export interface ReadThroughCandidateOptions {
  /** Customers per page, and so ids per `historyMany` call (default 500). */
  readonly pageSize?: number
  /** Days of usage read per customer, ending on the run's day (default 401, as the memory source). */
  readonly dayWindow?: number
  /** Billing months read per customer (default 24, as the memory source). */
  readonly monthWindow?: number
}

/**
 * The candidate source over the host ports. Needs `CustomerDirectory.list` (a directory without it
 * fails the run with a `StorageError` saying so); uses `UsageHistoryReader.historyMany` when the
 * host gives it, else `history` per customer (8 at a time). Partitions are cut after each page is
 * read, so a partitioned run reads every page once per partition.
 *
 * @example
 * ```ts
 * const live = readThroughCandidateSource().pipe(Layer.provide(hostPortsLayer({ customers, staff, usage })))
 * const [zeroBill] = await Effect.runPromise(Effect.flatMap(CandidateSource, (s) => s.matching([rule], "2026-11-25")).pipe(Effect.provide(live)))
 * ```
 */
export const readThroughCandidateSource = (
  options: ReadThroughCandidateOptions = {}
): Layer.Layer<CandidateSource, never, CustomerDirectory | UsageHistoryReader> =>
  Layer.effect(
    CandidateSource,
    Effect.gen(function* () {
      const directory = yield* CustomerDirectory
      const usage = yield* UsageHistoryReader
      const pageSize = options.pageSize ?? 500
      const dayWindow = options.dayWindow ?? 401
      const monthWindow = options.monthWindow ?? 24
      const matching = Effect.fn("ReadThroughCandidateSource.matching")(function* (rules: ReadonlyArray<Rule>, asOf: string, partition?: CustomerPartition) {
        const compiled = yield* Effect.forEach(rules, compileChecked)
        const tests = compiled.map((c) => c.at(asOf))
        const out: Array<Array<string>> = rules.map(() => [])
        if (rules.length === 0) return out
        const list = directory.list
        if (list === undefined)
          return yield* new StorageError({
            reason: "Unknown",
            operation: "ReadThroughCandidateSource.matching",
            cause: new Error("read-through mode needs the host's customers.list to enumerate customers")
          })
        const window = { asOf, dayWindow, monthWindow }
        let cursor: string | null = null
        do {
          const page: Page<Customer> = yield* list({ limit: pageSize, cursor })
          const mine = partition === undefined ? page.items : page.items.filter((c) => partitionOf(c.id, partition.count) === partition.index)
          const ids = mine.map((c) => c.id)
          const histories =
            usage.historyMany !== undefined ? yield* usage.historyMany(ids, window) : yield* Effect.forEach(ids, (id) => usage.history(id, window), { concurrency: 8 })
          mine.forEach((customer, j) => {
            const h = histories[j]
            const facts = indexCustomerFacts({ customer, daily: h?.days ?? [], monthly: h?.months ?? [], events: h?.events ?? [] })
            tests.forEach((t, i) => {
              if (t(facts)) out[i]!.push(customer.id)
            })
          })
          cursor = page.nextCursor
        } while (cursor)
        return out.map((ids) => [...new Set(ids)].sort(compareIds))
      })
      return CandidateSource.of({ matching })
    })
  )

/**
 * Where a Winback reads its data: `"replica"` (the host feeds customers and usage into Winback's
 * tables daily; rules run in the database) or `"read-through"` (rules and customer reads go
 * through the host ports; nothing of the host's data is copied). See docs/embedding.md.
 *
 * @example
 * ```ts
 * const mode: DataMode = "read-through"
 * ```
 */
export type DataMode = "replica" | "read-through"

/**
 * The candidate source a pipeline uses when none is given: over the host ports in read-through
 * mode, over the stores otherwise.
 *
 * @example
 * ```ts
 * const candidates = options.candidates ?? defaultCandidateSource(winback.mode)
 * ```
 */
export const defaultCandidateSource = (mode: DataMode | undefined): Layer.Layer<CandidateSource, never, CustomerStore> =>
  // The read-through source's ports are always in a Winback runtime (`HostPorts`); the cast keeps
  // the option type the pipeline already declares.
  mode === "read-through" ? (readThroughCandidateSource() as unknown as Layer.Layer<CandidateSource, never, CustomerStore>) : memoryCandidateSource()
