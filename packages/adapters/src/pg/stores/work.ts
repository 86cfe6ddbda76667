/**
 * The work aggregate in SQL: work items (completion locks the rows `FOR UPDATE`, so of concurrent
 * completions of one item exactly one wins), call records with their serial numbers, do-not-disturb
 * entries and appointments.
 */
import { and, eq, gt, gte, isNull, lte, or, type SQL, sql } from "drizzle-orm"
import type { PgColumn } from "drizzle-orm/pg-core"
import { Effect } from "effect"
import { type Appointment, type CallRecord, Conflict, type DndEntry, type DndListFilter, NotFound, type StorageError, type Stores, type WorkItem, type WorkItemState } from "@winback/core"
import { emptyStateCounts, formatSerial, planCompletion } from "../../internal/completion"
import { sortKeys } from "../../internal/sortKeys"
import { inTransaction, type PgDriver, rowsOf, useDb } from "../Driver"
import { anyOf, chunks, fromData, keysetPage, maybeAnyOf, maybeEq, pgEntityStore } from "../entityStore"
import * as s from "../schema"
import { asciiLower, asciiUpper, foldAscii } from "../../internal/dndSearch"
import { customerInScope } from "./customer"

const workItemRow = (w: WorkItem) => ({
  id: w.id,
  version: w.version,
  data: w,
  taskId: w.taskId,
  customerId: w.customerId,
  assigneeId: w.assigneeId,
  teamId: w.teamId,
  state: w.state,
  urgency: w.urgency,
  createdAt: w.createdAt
})

const dndRow = (e: DndEntry) => ({
  id: e.id,
  customerId: e.customerId,
  channel: e.channel,
  createdAt: e.createdAt,
  expiresAt: e.expiresAt,
  removedAt: e.removedAt,
  data: e
})

/** Text compared byte by byte, as the memory adapter compares strings. */
const c = (col: SQL | PgColumn) => sql`${col} collate "C"`
const folded = (text: SQL) => sql`translate(${text}, ${asciiUpper}, ${asciiLower})`
const contains = (text: SQL, piece: string) => sql`strpos(${text}, ${piece}) > 0`

/**
 * The conditions of a DND list (see `DndListFilter`); the customer's scope and search as one
 * EXISTS over `customers`, so an entry of an unknown customer matches neither.
 */
const dndConditions = (f: DndListFilter): ReadonlyArray<SQL | undefined> => {
  const d = s.dndEntries
  const at = f.at ?? ""
  const removed = and(sql`${d.removedAt} is not null`, sql`${c(d.removedAt)} <= ${c(sql`${at}`)}`)
  const notRemoved = or(isNull(d.removedAt), sql`${c(d.removedAt)} > ${c(sql`${at}`)}`)
  const expired = and(sql`${d.expiresAt} is not null`, sql`${c(d.expiresAt)} <= ${c(sql`${at}`)}`)
  const notExpired = or(isNull(d.expiresAt), sql`${c(d.expiresAt)} > ${c(sql`${at}`)}`)
  const status =
    f.status === "removed" ? removed
    : f.status === "expired" ? and(notRemoved, expired)
    : f.status === "active" ? and(notRemoved, notExpired, sql`${c(d.createdAt)} <= ${c(sql`${at}`)}`)
    : undefined
  const q = f.customer === undefined ? undefined : foldAscii(f.customer)
  const customer =
    f.inScope === undefined && q === undefined
      ? undefined
      : sql`exists (select 1 from ${s.customers} where ${s.customers.id} = ${d.customerId} and ${and(
          f.inScope === undefined ? undefined : customerInScope(f.inScope),
          q === undefined
            ? undefined
            : or(
                contains(folded(sql`${s.customers.name}`), q),
                sql`exists (select 1 from jsonb_array_elements_text(${s.customers.phones}) as phone(v) where ${contains(sql`phone.v`, q)})`
              )
        ) ?? sql`true`})`
  return [
    maybeAnyOf(d.channel, f.channels),
    f.sources === undefined ? undefined : sql`${d.data}->>'source' = ANY(${sql.param([...f.sources])}::text[])`,
    maybeAnyOf(d.customerId, f.customerIds),
    f.reason === undefined ? undefined : contains(folded(sql`${d.data}->>'reason'`), foldAscii(f.reason)),
    status,
    customer
  ]
}

/**
 * The SQL `workItems`, `calls`, `dnd` and `appointments` stores on `driver` (composed by {@link makePgStores}).
 *
 * @example
 * ```ts
 * const { workItems } = workStores(driver)
 * await Effect.runPromise(workItems.list({ assigneeId: "m-1", states: ["open"] }))
 * ```
 */
export const workStores = (driver: PgDriver): Pick<Stores, "workItems" | "calls" | "dnd" | "appointments"> => {
  const workItems = pgEntityStore<WorkItem, import("@winback/core").WorkItemFilter>(driver, {
    customerKeyed: true,
    entity: "WorkItem",
    table: s.workItems,
    toRow: workItemRow,
    where: (f) => [
      maybeEq(s.workItems.assigneeId, f.assigneeId),
      maybeEq(s.workItems.customerId, f.customerId),
      maybeAnyOf(s.workItems.customerId, f.customerIds),
      maybeEq(s.workItems.taskId, f.taskId),
      maybeAnyOf(s.workItems.teamId, f.teamIds),
      maybeAnyOf(s.workItems.state, f.states),
      f.unassigned === true ? isNull(s.workItems.assigneeId) : undefined,
      // The next attempt lives in the record (no column of its own); instants are canonical ISO
      // strings, so a byte-order comparison is a time comparison.
      f.readyAt === undefined
        ? undefined
        : or(sql`${s.workItems.data}->>'nextAttemptAt' is null`, sql`(${s.workItems.data}->>'nextAttemptAt') collate "C" <= ${f.readyAt}`),
      // An unassigned item is in scope only through its team: dropping the assignee half of the OR
      // lets the planner read the pool by team instead of filtering the whole scope.
      f.inScope === undefined
        ? undefined
        : f.unassigned !== true
          ? or(anyOf(s.workItems.assigneeId, f.inScope.assigneeIds), anyOf(s.workItems.teamId, f.inScope.teamIds))
          : anyOf(s.workItems.teamId, f.inScope.teamIds)
    ],
    sortColumns: [s.workItems.urgency, s.workItems.createdAt, s.workItems.id],
    sortKey: sortKeys.workItem,
    // The work list is the hot path: read only the record, not the index columns beside it.
    listColumns: { data: s.workItems.data }
  })

  return {
    workItems: {
      ...workItems,
      insertMany: (items) =>
        items.length === 0
          ? Effect.void
          : inTransaction(
              driver,
              useDb(driver, "WorkItem.insertMany", async (db) => {
                let inserted = 0
                for (const batch of chunks(items)) {
                  inserted += (await db.insert(s.workItems).values(batch.map(workItemRow)).onConflictDoNothing().returning({ id: s.workItems.id })).length
                }
                return inserted
              }).pipe(
                Effect.flatMap((n) =>
                  n === items.length ? Effect.void : Effect.fail(new Conflict({ kind: "already-exists", entity: "WorkItem", id: "-", reason: `${items.length - n} of ${items.length} ids already exist` }))
                )
              )
            ),
      complete: (input) =>
        inTransaction(
          driver,
          useDb(driver, "WorkItem.complete.lock", (db) =>
            db.select().from(s.workItems).where(anyOf(s.workItems.id, input.ids)).orderBy(sql`${s.workItems.id} collate "C"`).for("update")
          ).pipe(
            Effect.flatMap((rows): Effect.Effect<ReadonlyArray<WorkItem>, NotFound | Conflict | StorageError> => {
              const plan = planCompletion(new Map(rows.map((r) => [r.id, r.data as WorkItem])), input)
              if (!plan.ok) return Effect.fail(plan.error)
              return useDb(driver, "WorkItem.complete", async (db) => {
                for (const w of plan.next) await db.update(s.workItems).set(workItemRow(w)).where(eq(s.workItems.id, w.id))
                return plan.next
              })
            })
          )
        ),
      countByState: (f) =>
        useDb(driver, "WorkItem.countByState", async (db) => {
          const rows = await db
            .select({ state: s.workItems.state, n: sql<number>`count(*)::int` })
            .from(s.workItems)
            .where(and(maybeEq(s.workItems.assigneeId, f.assigneeId), maybeEq(s.workItems.taskId, f.taskId)))
            .groupBy(s.workItems.state)
          const counts = emptyStateCounts()
          for (const r of rows) counts[r.state as WorkItemState] = r.n
          return counts
        })
    },

    calls: {
      nextSerial: () =>
        useDb(driver, "CallRecord.nextSerial", async (db) => formatSerial(Number(rowsOf<{ n: string | number }>(await db.execute(sql`SELECT nextval('call_serial_seq') AS n`))[0]!.n))),
      // The unique keys are per customer (customer + serial, customer + call-center call id), so a
      // racing insert of the same customer's call waits for the other transaction, then answers no
      // row without aborting its own transaction. A serial or call-center id already stored under
      // another customer is refused by the NOT EXISTS guard (a plain index lookup; on a
      // distributed engine a query across shards, see docs/scale-out.md).
      insert: (record) =>
        useDb(driver, "CallRecord.insert", async (db) => {
          const ext = record.externalCallId ?? null
          return rowsOf<{ serial_number: string }>(
            await db.execute(sql`INSERT INTO call_records (serial_number, customer_id, started_at, external_call_id, data)
              SELECT ${record.serialNumber}, ${record.customerId}, ${record.startedAt}, ${ext}::text, ${JSON.stringify(record)}::jsonb
              WHERE NOT EXISTS (SELECT 1 FROM call_records WHERE serial_number = ${record.serialNumber})
                AND (${ext}::text IS NULL OR NOT EXISTS (SELECT 1 FROM call_records WHERE external_call_id = ${ext}::text))
              ON CONFLICT DO NOTHING
              RETURNING serial_number`)
          )
        }).pipe(
          Effect.flatMap((rows) =>
            rows.length === 1 ? Effect.succeed(record) : Effect.fail(new Conflict({ kind: "already-exists", entity: "CallRecord", id: record.serialNumber, reason: "already exists (serial number or call-center call id)" }))
          )
        ),
      findByExternalCallId: (externalCallId) =>
        useDb(driver, "CallRecord.findByExternalCallId", (db) => db.select().from(s.callRecords).where(eq(s.callRecords.externalCallId, externalCallId)).for("update")).pipe(
          Effect.map((rows) => rows[0]?.data as CallRecord | undefined)
        ),
      update: (record) =>
        useDb(driver, "CallRecord.update", async (db) => {
          // One conditional UPDATE (customer and call-center call id unchanged); a miss is then told apart.
          const ext = record.externalCallId
          const updated = await db
            .update(s.callRecords)
            .set({ startedAt: record.startedAt, data: record })
            .where(
              and(
                eq(s.callRecords.serialNumber, record.serialNumber),
                eq(s.callRecords.customerId, record.customerId),
                ext === undefined ? isNull(s.callRecords.externalCallId) : eq(s.callRecords.externalCallId, ext)
              )
            )
            .returning({ serialNumber: s.callRecords.serialNumber })
          if (updated.length === 1) return "updated" as const
          const rows = await db.select({ serialNumber: s.callRecords.serialNumber }).from(s.callRecords).where(eq(s.callRecords.serialNumber, record.serialNumber))
          return rows.length === 0 ? ("missing" as const) : ("moved" as const)
        }).pipe(
          Effect.flatMap((r): Effect.Effect<CallRecord, NotFound | Conflict> =>
            r === "updated"
              ? Effect.succeed(record)
              : r === "missing"
                ? Effect.fail(new NotFound({ entity: "CallRecord", id: record.serialNumber }))
                : Effect.fail(new Conflict({ kind: "mismatch", entity: "CallRecord", id: record.serialNumber, reason: "the customer and the call-center call id cannot change" }))
          )
        ),
      get: (serial) =>
        useDb(driver, "CallRecord.get", (db) => db.select().from(s.callRecords).where(eq(s.callRecords.serialNumber, serial)).limit(1)).pipe(
          Effect.flatMap((rows) => (rows[0] ? Effect.succeed(rows[0].data as CallRecord) : Effect.fail(new NotFound({ entity: "CallRecord", id: serial }))))
        ),
      listByCustomer: (customerId, page) =>
        useDb(driver, "CallRecord.list", (db) =>
          keysetPage(db, s.callRecords, [eq(s.callRecords.customerId, customerId)], [s.callRecords.startedAt, s.callRecords.serialNumber], fromData<CallRecord>, sortKeys.callRecord, page)
        )
    },

    dnd: {
      add: (entry) =>
        // The key is (customer, id); the id alone is checked first so it stays unique across customers.
        useDb(driver, "DndEntry.add", async (db) =>
          (await db.select({ id: s.dndEntries.id }).from(s.dndEntries).where(eq(s.dndEntries.id, entry.id)).limit(1)).length > 0
            ? []
            : db.insert(s.dndEntries).values(dndRow(entry)).onConflictDoNothing().returning()
        ).pipe(
          Effect.flatMap((rows) => (rows.length === 1 ? Effect.succeed(entry) : Effect.fail(new Conflict({ kind: "already-exists", entity: "DndEntry", id: entry.id, reason: "already exists" }))))
        ),
      remove: (id, at) =>
        useDb(driver, "DndEntry.remove", async (db) => {
          // One conditional UPDATE: of concurrent removes (in transactions or not) exactly one matches.
          const updated = await db
            .update(s.dndEntries)
            .set({ removedAt: at, data: sql`jsonb_set(${s.dndEntries.data}, '{removedAt}', to_jsonb(${at}::text))` })
            .where(and(eq(s.dndEntries.id, id), isNull(s.dndEntries.removedAt)))
            .returning({ data: s.dndEntries.data })
          if (updated[0]) return { removed: true as const, entry: updated[0].data as DndEntry }
          const rows = await db.select({ data: s.dndEntries.data }).from(s.dndEntries).where(eq(s.dndEntries.id, id))
          return rows[0] ? { removed: false as const, entry: rows[0].data as DndEntry } : undefined
        }).pipe(
          Effect.flatMap((r): Effect.Effect<DndEntry, NotFound | Conflict> =>
            r === undefined
              ? Effect.fail(new NotFound({ entity: "DndEntry", id }))
              : r.removed
                ? Effect.succeed(r.entry)
                : Effect.fail(new Conflict({ kind: "wrong-state", entity: "DndEntry", id, reason: `already removed at ${r.entry.removedAt}` }))
          )
        ),
      listByCustomer: (customerId) =>
        useDb(driver, "DndEntry.list", async (db) =>
          (await db.select().from(s.dndEntries).where(eq(s.dndEntries.customerId, customerId))
            .orderBy(sql`${s.dndEntries.createdAt} collate "C" desc`, sql`${s.dndEntries.id} collate "C"`)).map((r) => r.data as DndEntry)
        ),
      list: (filter, page) =>
        useDb(driver, "DndEntry.list", (db) =>
          keysetPage(db, s.dndEntries, dndConditions(filter), [s.dndEntries.createdAt, s.dndEntries.id], fromData<DndEntry>, sortKeys.dndEntry, page, undefined, true)
        ),
      blocked: (ids, channel, at) =>
        ids.length === 0
          ? Effect.succeed(new Set<string>())
          : useDb(driver, "DndEntry.blocked", async (db) => {
              const rows = await db.selectDistinct({ id: s.dndEntries.customerId }).from(s.dndEntries).where(
                and(
                  anyOf(s.dndEntries.customerId, ids),
                  eq(s.dndEntries.channel, channel),
                  lte(s.dndEntries.createdAt, at),
                  or(isNull(s.dndEntries.removedAt), gt(s.dndEntries.removedAt, at)),
                  or(isNull(s.dndEntries.expiresAt), gt(s.dndEntries.expiresAt, at))
                )
              )
              return new Set(rows.map((r) => r.id)) as ReadonlySet<string>
            })
    },

    appointments: pgEntityStore<Appointment, import("@winback/core").AppointmentFilter>(driver, {
      customerKeyed: true,
      entity: "Appointment",
      table: s.appointments,
      toRow: (a) => ({ id: a.id, version: a.version, data: a, managerId: a.managerId, customerId: a.customerId, state: a.state, at: a.at }),
      where: (f) => [
        maybeEq(s.appointments.managerId, f.managerId),
        maybeAnyOf(s.appointments.managerId, f.managerIds),
        maybeEq(s.appointments.customerId, f.customerId),
        maybeAnyOf(s.appointments.state, f.states),
        f.dueBy === undefined ? undefined : lte(s.appointments.at, f.dueBy),
        f.dueFrom === undefined ? undefined : gte(s.appointments.at, f.dueFrom)
      ],
      sortColumns: [s.appointments.at, s.appointments.id],
      sortKey: sortKeys.appointment
    })
  }
}
