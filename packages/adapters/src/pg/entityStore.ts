/** A generic versioned entity store over one drizzle table with `id` and `version` columns. */
import { and, eq, getTableColumns, inArray, type SQL, sql } from "drizzle-orm"
import type { PgColumn, PgTable, PgUpdateSetSource } from "drizzle-orm/pg-core"
import { Effect } from "effect"
import { Conflict, type EntityStore, NotFound, type PageRequest, type Page } from "@winback/core"
import { pageAfter, pageLimit, type SortKey, toPage } from "../internal/keyset"
import { type Db, type PgDriver, useDb } from "./Driver"

/** A table with the two columns every versioned aggregate has. */
export type VersionedTable = PgTable & { readonly id: PgColumn; readonly version: PgColumn }

/** How one aggregate maps onto its table. */
export interface PgEntitySpec<A, F> {
  readonly entity: string
  readonly table: VersionedTable
  readonly toRow: (a: A) => Record<string, unknown>
  /** The record from a row (default: the row's `data` column, see {@link fromData}). */
  readonly fromRow?: (row: any) => A
  readonly where: (filter: F) => ReadonlyArray<SQL | undefined>
  /** Sort columns, ascending, matching `sortKey` element by element (the last is the id). */
  readonly sortColumns: ReadonlyArray<PgColumn>
  /** The columns `fromRow` needs when listing (default: every column). */
  readonly listColumns?: Record<string, PgColumn>
  readonly sortKey: (a: A) => SortKey
  /**
   * The primary key is `(customer_id, id)` (so the table distributes by customer): `insert` first
   * looks the id up alone, so an id stays unique across customers as the store contract says.
   */
  readonly customerKeyed?: boolean
}

/** A column in ORDER BY / keyset position: text in byte order, so SQL and memory order agree. */
export const ordered = (c: PgColumn): SQL => (c.columnType === "PgText" ? sql`${c} collate "C"` : sql`${c}`)

/** Keyset pagination over `table` filtered by `conditions`, ascending (or all columns `descending`). */
export const keysetPage = async <A>(
  db: Db,
  table: PgTable,
  conditions: ReadonlyArray<SQL | undefined>,
  sortColumns: ReadonlyArray<PgColumn>,
  fromRow: (row: any) => A,
  sortKey: (a: A) => SortKey,
  page?: PageRequest,
  columns?: Record<string, PgColumn>,
  descending = false
): Promise<Page<A>> => {
  const limit = pageLimit(page)
  const after = pageAfter(page)
  const keyset =
    after && after.length === sortColumns.length
      ? sql`(${sql.join(sortColumns.map(ordered), sql`, `)}) ${descending ? sql`<` : sql`>`} (${sql.join(after.map((v) => sql`${v}`), sql`, `)})`
      : undefined
  const rows = await (columns ? db.select(columns) : db.select())
    .from(table)
    .where(and(...conditions, keyset))
    .orderBy(...sortColumns.map((c) => (descending ? sql`${ordered(c)} desc` : ordered(c))))
    .limit(limit + 1)
  return toPage(rows.map(fromRow), limit, sortKey)
}

/** Builds the {@link EntityStore} of one aggregate. */
export const pgEntityStore = <A extends { readonly id: string; readonly version: number }, F>(driver: PgDriver, spec: PgEntitySpec<A, F>): EntityStore<A, F> => {
  const fromRow: (row: any) => A = spec.fromRow ?? fromData<A>
  const t = spec.table
  const name = spec.entity
  return {
    insert: (record) =>
      useDb(driver, `${name}.insert`, async (db) =>
        spec.customerKeyed === true && (await db.select({ id: t.id }).from(t).where(eq(t.id, record.id)).limit(1)).length > 0
          ? []
          : db.insert(t).values(spec.toRow(record)).onConflictDoNothing().returning()
      ).pipe(
        Effect.flatMap((rows) =>
          rows.length === 1 ? Effect.succeed(record) : Effect.fail(new Conflict({ kind: "already-exists", entity: name, id: record.id, reason: "already exists" }))
        )
      ),
    get: (id) =>
      useDb(driver, `${name}.get`, (db) => db.select().from(t).where(eq(t.id, id)).limit(1)).pipe(
        Effect.flatMap((rows) => (rows[0] ? Effect.succeed(fromRow(rows[0])) : Effect.fail(new NotFound({ entity: name, id }))))
      ),
    getMany: (ids) =>
      ids.length === 0
        ? Effect.succeed([])
        : useDb(driver, `${name}.getMany`, (db) => db.select().from(t).where(inArray(t.id, [...ids]))).pipe(
            Effect.map((rows) => {
              const byId = new Map(rows.map((r) => [(r as { id: string }).id, fromRow(r)]))
              return ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []))
            })
          ),
    update: (record, expectedVersion) => {
      const next: A = { ...record, version: expectedVersion + 1 }
      const id = record.id
      return useDb(driver, `${name}.update`, async (db) => {
        const rows = await db.update(t).set(spec.toRow(next)).where(and(eq(t.id, id), eq(t.version, expectedVersion))).returning()
        if (rows.length === 1) return { ok: true as const }
        const current = await db.select({ version: t.version }).from(t).where(eq(t.id, id)).limit(1)
        return { ok: false as const, current: current[0]?.version as number | undefined }
      }).pipe(
        Effect.flatMap((r): Effect.Effect<A, NotFound | Conflict> =>
          r.ok
            ? Effect.succeed(next)
            : r.current === undefined
              ? Effect.fail(new NotFound({ entity: name, id }))
              : Effect.fail(new Conflict({ kind: "stale-version", entity: name, id, reason: `stale version ${expectedVersion}, current ${r.current}` }))
        )
      )
    },
    list: (filter, page) =>
      useDb(driver, `${name}.list`, (db) => keysetPage(db, t, spec.where(filter), spec.sortColumns, fromRow, spec.sortKey, page, spec.listColumns))
  }
}

/** `column = ANY(list)`, one array parameter however long the list. */
export const anyOf = (column: PgColumn, values: ReadonlyArray<string>): SQL => sql`${column} = ANY(${sql.param([...values])}::text[])`

/** Optional `column = ANY(list)`: no condition when `values` is undefined. */
export const maybeAnyOf = (column: PgColumn, values: ReadonlyArray<string> | undefined): SQL | undefined =>
  values === undefined ? undefined : anyOf(column, values)

/** Optional equality: no condition when `value` is undefined. */
export const maybeEq = (column: PgColumn, value: string | number | boolean | undefined): SQL | undefined =>
  value === undefined ? undefined : eq(column, value)

/** The record of a row that keeps it whole in its `data` column. */
export const fromData = <A>(r: { data: unknown }): A => r.data as A

/** Splits a bulk write into batches of `size` rows (one statement each stays under the parameter limit). */
export const chunks = <A>(list: ReadonlyArray<A>, size = 1000): Array<ReadonlyArray<A>> => {
  const out: Array<ReadonlyArray<A>> = []
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size))
  return out
}

/**
 * Inserts `rows` in batches; a row whose `target` key already exists takes the new values of
 * `columns` (`excluded.<column>`) and the expressions in `also`.
 */
export const upsertRows = async <T extends PgTable>(
  db: Db,
  table: T,
  rows: ReadonlyArray<T["$inferInsert"]>,
  target: PgColumn | Array<PgColumn>,
  columns: ReadonlyArray<keyof T["$inferInsert"] & string>,
  also: Record<string, SQL> = {},
  size = 1000
): Promise<void> => {
  const all = getTableColumns(table) as Record<string, PgColumn>
  const set = { ...Object.fromEntries(columns.map((k) => [k, sql`excluded.${sql.identifier(all[k]!.name)}`])), ...also }
  for (const batch of chunks(rows, size)) await db.insert(table).values([...batch]).onConflictDoUpdate({ target, set: set as PgUpdateSetSource<T> })
}
