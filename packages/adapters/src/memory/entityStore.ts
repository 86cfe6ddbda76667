/** A generic versioned entity store over a {@link MemoryDb} table. */
import { Effect } from "effect"
import { Conflict, type EntityStore, NotFound, type PageRequest } from "@winback/core"
import { compareKeys, pageAfter, pageLimit, type SortKey, toPage } from "../internal/keyset"
import type { MemoryDb } from "./MemoryDb"

/** How one aggregate is stored in memory. */
export interface MemoryEntitySpec<A, F> {
  readonly entity: string
  readonly table: string
  readonly matches: (a: A, filter: F) => boolean
  readonly sortKey: (a: A) => SortKey
}

/** Lists a table's records matching `pred`, in key order (or reversed: `descending`), one page at a time. */
export const pageOf = <A>(rows: Iterable<A>, pred: (a: A) => boolean, key: (a: A) => SortKey, page?: PageRequest, descending = false) => {
  const after = pageAfter(page)
  const limit = pageLimit(page)
  const dir = descending ? -1 : 1
  const out: Array<A> = []
  for (const r of rows) if (pred(r) && (after === undefined || dir * compareKeys(key(r), after) > 0)) out.push(r)
  out.sort((a, b) => dir * compareKeys(key(a), key(b)))
  return toPage(out.slice(0, limit + 1), limit, key)
}

/** Builds the {@link EntityStore} of one aggregate. */
export const memoryEntityStore = <A extends { readonly id: string; readonly version: number }, F>(db: MemoryDb, spec: MemoryEntitySpec<A, F>): EntityStore<A, F> => {
  const rows = () => db.table<A>(spec.table)
  return {
    insert: (record) =>
      db.op(() => {
        const id = record.id
        if (rows().has(id)) return Effect.fail(new Conflict({ kind: "already-exists", entity: spec.entity, id, reason: "already exists" }))
        db.write(spec.table, id, record)
        return Effect.succeed(record)
      }),
    get: (id) =>
      db.op(() => {
        const r = rows().get(id)
        return r === undefined ? Effect.fail(new NotFound({ entity: spec.entity, id })) : Effect.succeed(r)
      }),
    getMany: (ids) =>
      db.op(() => {
        const out: Array<A> = []
        for (const id of ids) {
          const r = rows().get(id)
          if (r !== undefined) out.push(r)
        }
        return out
      }),
    update: (record, expectedVersion) =>
      db.op<A, NotFound | Conflict>(() => {
        const id = record.id
        const current = rows().get(id)
        if (current === undefined) return Effect.fail(new NotFound({ entity: spec.entity, id }))
        if (current.version !== expectedVersion) {
          return Effect.fail(new Conflict({ kind: "stale-version", entity: spec.entity, id, reason: `stale version ${expectedVersion}, current ${current.version}` }))
        }
        const next: A = { ...record, version: expectedVersion + 1 }
        db.write(spec.table, id, next)
        return Effect.succeed(next)
      }),
    list: (filter, page) => db.op(() => pageOf(rows().values(), (a) => spec.matches(a, filter), spec.sortKey, page))
  }
}

/** A list filter: no list given matches everything, otherwise the value must be in it. */
export const matchesList = <T>(list: ReadonlyArray<T> | undefined, v: T): boolean => list === undefined || list.includes(v)
