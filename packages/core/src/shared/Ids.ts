/**
 * Where new record ids come from, the way `Clock` is where time comes from: every service that
 * mints an id (a task, a customer group, a response, an offer use, an appointment, a DND entry)
 * asks the `Ids` service, so a test or a host can make ids deterministic or shape them. The
 * default draws random UUIDs from `globalThis.crypto.randomUUID` (Node 19+, browsers, Deno, Bun),
 * so core needs no `node:crypto` for it.
 */
import { Context, Effect } from "effect"

/**
 * Mints the random part of a new record id; the services put their prefix before it
 * (`task-…`, `resp-…`). Must answer a value never answered before (within the storage's life).
 *
 * @example
 * ```ts
 * const ids: IdSource = { next: () => globalThis.crypto.randomUUID() }
 * ```
 */
export interface IdSource {
  readonly next: () => string
}

/**
 * The id source of the running program. Default: random UUIDs (`globalThis.crypto.randomUUID`);
 * provide another one to make ids deterministic.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Ids, sequentialIds, TaskService } from "@winback/core"
 *
 * const program = Effect.gen(function* () {
 *   const tasks = yield* TaskService
 *   return yield* tasks.create(actor, draft) // id "task-00000001"
 * }).pipe(Effect.provideService(Ids, sequentialIds()))
 * ```
 */
export const Ids = Context.Reference<IdSource>("@winback/core/Ids", {
  defaultValue: () => ({ next: () => globalThis.crypto.randomUUID() })
})

/**
 * A new id: `prefix-` followed by the current {@link Ids} source's next value.
 *
 * @example
 * ```ts
 * const id = yield* newId("task") // "task-3f2b…" (or "task-00000001" under sequentialIds())
 * ```
 */
export const newId = (prefix: string): Effect.Effect<string> => Effect.map(Ids, (ids) => `${prefix}-${ids.next()}`)

/**
 * A deterministic id source for tests and demos: `00000001`, `00000002`, … (zero-padded to eight
 * digits so ids sort in minting order), optionally after a `tag` (`"run1-00000001"`). Each call
 * makes an independent counter.
 *
 * @example
 * ```ts
 * const ids = sequentialIds()
 * ids.next() // "00000001"
 * ids.next() // "00000002"
 * sequentialIds("a").next() // "a-00000001"
 * ```
 */
export const sequentialIds = (tag?: string): IdSource => {
  let n = 0
  return { next: () => `${tag === undefined ? "" : `${tag}-`}${String(++n).padStart(8, "0")}` }
}
