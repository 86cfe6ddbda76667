/**
 * Every storage port over the drizzle schema, for any {@link PgDriver} (PGlite or PostgreSQL).
 * Race contracts rest on the database: the ledger's primary key decides claims, row locks
 * (`FOR UPDATE`) serialise completions; audit appends take one of several stream heads no other
 * transaction holds (`FOR UPDATE SKIP LOCKED`), so they do not serialise writers.
 */
import { and, asc, desc, eq, gt, gte, isNull, lt, lte, or, type SQL, sql } from "drizzle-orm"
import { Effect } from "effect"
import {
  type Appointment,
  auditCheckpointInterval,
  type AuditEntry,
  auditEntryHash,
  type AuditStreamHead,
  type CallRecord,
  type ClaimResult,
  Conflict,
  type Customer,
  type CustomerGroup,
  type DndEntry,
  type HandOutLedgerEntry,
  type Manager,
  NotFound,
  type Observation,
  openWorkItemStates,
  type Offer,
  type QuestionnaireVersionRecord,
  type ResponseRecord,
  type StorageError,
  RuleInstanceRecord,
  type Stores,
  type Task,
  type Team,
  nextAuditCheckpoint,
  verifyAuditLog,
  type WorkItem,
  type WorkItemState,
  type WorkPlan,
  type WorkPlanFilter
} from "@winback/core"
import { emptyStateCounts, formatSerial, planCompletion } from "../internal/completion"
import { sortKeys } from "../internal/sortKeys"
import { inTransaction, type PgDriver, rowsOf, useDb } from "./Driver"
import { anyOf, keysetPage, maybeAnyOf, maybeEq, pgEntityStore } from "./entityStore"
import * as s from "./schema"

const BATCH = 1000

const chunks = <A>(list: ReadonlyArray<A>, size = BATCH): Array<ReadonlyArray<A>> => {
  const out: Array<ReadonlyArray<A>> = []
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size))
  return out
}

const customerRow = (c: Customer) => ({
  id: c.id,
  name: c.name,
  phones: c.phones,
  region: c.region,
  tier: c.tier,
  lineStatus: c.lineStatus,
  paymentType: c.paymentType,
  contractEnd: c.contractEnd,
  birthday: c.birthday,
  activatedOn: c.activatedOn,
  ownerManagerId: c.ownerManagerId,
  preferredChannel: c.preferredChannel,
  tariffSensitivity: c.tariffSensitivity,
  creditLevel: c.creditLevel,
  timeZone: c.timeZone,
  version: c.version
})

const customerFromRow = (r: typeof s.customers.$inferSelect): Customer => ({
  id: r.id,
  name: r.name,
  phones: [...r.phones],
  region: r.region,
  tier: r.tier,
  lineStatus: r.lineStatus as Customer["lineStatus"],
  paymentType: r.paymentType as Customer["paymentType"],
  contractEnd: r.contractEnd,
  birthday: r.birthday,
  activatedOn: r.activatedOn,
  ownerManagerId: r.ownerManagerId,
  preferredChannel: r.preferredChannel as Customer["preferredChannel"],
  tariffSensitivity: r.tariffSensitivity as Customer["tariffSensitivity"],
  creditLevel: r.creditLevel,
  timeZone: r.timeZone,
  version: r.version
})

const fromData = <A>(r: { data: unknown }): A => r.data as A

/**
 * The customer row has an open work item assigned to one of `assigneeIds` (the read access that
 * holding work grants; the memory adapter applies the same rule). Served by `work_items_customer_idx`.
 */
const holdsOpenWork = (assigneeIds: ReadonlyArray<string>): SQL =>
  sql`exists (select 1 from ${s.workItems} where ${s.workItems.customerId} = ${s.customers.id} and ${anyOf(s.workItems.state, openWorkItemStates)} and ${anyOf(s.workItems.assigneeId, assigneeIds)})`

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

const ledgerFromRow = (r: typeof s.handOutLedger.$inferSelect): HandOutLedgerEntry => ({ ...r })

const dndRow = (e: DndEntry) => ({
  id: e.id,
  customerId: e.customerId,
  channel: e.channel,
  createdAt: e.createdAt,
  expiresAt: e.expiresAt,
  removedAt: e.removedAt,
  data: e
})

/**
 * Builds the SQL implementations of every storage port on `driver`.
 *
 * @example
 * ```ts
 * const driver = await makePgliteDriver({})
 * const stores = makePgStores(driver)
 * ```
 */
export const makePgStores = (driver: PgDriver): Stores => {
  const run = <A>(op: string, f: Parameters<typeof useDb<A>>[2]) => useDb(driver, op, f)
  const streamHead = (r: Record<string, unknown>): AuditStreamHead => ({
    stream: Number(r.stream),
    streamSeq: Number(r.streamSeq ?? r.stream_seq),
    seq: Number(r.seq),
    hash: String(r.hash)
  })
  const auditEntryOf = (r: typeof s.auditLog.$inferSelect): AuditEntry => ({
    ...(r.data as AuditEntry),
    seq: Number(r.seq),
    stream: Number(r.stream),
    streamSeq: Number(r.streamSeq),
    prevHash: r.prevHash,
    hash: r.hash
  })

  const customers = pgEntityStore<Customer, import("@winback/core").CustomerFilter>(driver, {
    entity: "Customer",
    table: s.customers,
    id: (c) => c.id,
    toRow: customerRow,
    fromRow: customerFromRow,
    where: (f) => [
      maybeAnyOf(s.customers.id, f.ids),
      maybeAnyOf(s.customers.ownerManagerId, f.ownerManagerIds),
      maybeEq(s.customers.region, f.region),
      maybeAnyOf(s.customers.tier, f.tiers),
      f.inScope === undefined
        ? undefined
        : or(
            anyOf(s.customers.ownerManagerId, f.inScope.ownerManagerIds),
            and(isNull(s.customers.ownerManagerId), anyOf(s.customers.region, f.inScope.unownedRegions)),
            f.inScope.openWorkOf === undefined || f.inScope.openWorkOf.length === 0 ? undefined : holdsOpenWork(f.inScope.openWorkOf)
          )
    ],
    sortColumns: [s.customers.id],
    sortKey: sortKeys.customer
  })

  const workItems = pgEntityStore<WorkItem, import("@winback/core").WorkItemFilter>(driver, {
    customerKeyed: true,
    entity: "WorkItem",
    table: s.workItems,
    id: (w) => w.id,
    toRow: workItemRow,
    fromRow: fromData,
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
    transactions: { transaction: (effect) => inTransaction(driver, effect) },

    customers: {
      ...customers,
      upsertCustomers: (list) =>
        run("Customer.upsert", async (db) => {
          for (const batch of chunks(list, 500)) {
            await db
              .insert(s.customers)
              .values(batch.map(customerRow))
              .onConflictDoUpdate({
                target: s.customers.id,
                set: {
                  name: sql`excluded.name`,
                  phones: sql`excluded.phones`,
                  region: sql`excluded.region`,
                  tier: sql`excluded.tier`,
                  lineStatus: sql`excluded.line_status`,
                  paymentType: sql`excluded.payment_type`,
                  contractEnd: sql`excluded.contract_end`,
                  birthday: sql`excluded.birthday`,
                  activatedOn: sql`excluded.activated_on`,
                  ownerManagerId: sql`excluded.owner_manager_id`,
                  preferredChannel: sql`excluded.preferred_channel`,
                  tariffSensitivity: sql`excluded.tariff_sensitivity`,
                  creditLevel: sql`excluded.credit_level`,
                  timeZone: sql`excluded.time_zone`,
                  version: sql`${s.customers.version} + 1`,
                  updatedAt: sql`now()`
                }
              })
          }
        }),
      upsertUsageDays: (days) =>
        run("UsageDay.upsert", async (db) => {
          for (const batch of chunks(days)) {
            await db
              .insert(s.usageDaily)
              .values([...batch])
              .onConflictDoUpdate({
                target: [s.usageDaily.customerId, s.usageDaily.day],
                set: {
                  charge: sql`excluded.charge`,
                  dataMb: sql`excluded.data_mb`,
                  callMinutes: sql`excluded.call_minutes`,
                  outgoingCalls: sql`excluded.outgoing_calls`,
                  competitorCallSeconds: sql`excluded.competitor_call_seconds`,
                  forwardedToOtherOperator: sql`excluded.forwarded_to_other_operator`,
                  reminderSmsDelivered: sql`excluded.reminder_sms_delivered`
                }
              })
          }
        }),
      upsertUsageMonths: (months) =>
        run("UsageMonth.upsert", async (db) => {
          for (const batch of chunks(months)) {
            await db
              .insert(s.usageMonthly)
              .values([...batch])
              .onConflictDoUpdate({
                target: [s.usageMonthly.customerId, s.usageMonthly.month],
                set: {
                  billAmount: sql`excluded.bill_amount`,
                  dataMb: sql`excluded.data_mb`,
                  callMinutes: sql`excluded.call_minutes`,
                  competitorCallSeconds: sql`excluded.competitor_call_seconds`,
                  forwardedDays: sql`excluded.forwarded_days`,
                  silentDays: sql`excluded.silent_days`,
                  billDate: sql`excluded.bill_date`,
                  dueDate: sql`excluded.due_date`,
                  paidDate: sql`excluded.paid_date`
                }
              })
          }
        }),
      appendEvents: (events) =>
        run("CustomerEvent.append", async (db) => {
          for (const batch of chunks(events)) {
            await db.insert(s.customerEvents).values(batch.map((e) => ({ customerId: e.customerId, type: e.type, at: new Date(e.at), data: e.data })))
          }
        }),
      usageDays: (id, from, to) =>
        run("UsageDay.list", (db) =>
          db.select().from(s.usageDaily).where(and(eq(s.usageDaily.customerId, id), gte(s.usageDaily.day, from), lte(s.usageDaily.day, to))).orderBy(asc(s.usageDaily.day))
        ),
      usageMonths: (id, from, to) =>
        run("UsageMonth.list", (db) =>
          db.select().from(s.usageMonthly)
            .where(and(eq(s.usageMonthly.customerId, id), gte(s.usageMonthly.month, from), lte(s.usageMonthly.month, to)))
            .orderBy(asc(s.usageMonthly.month))
        ),
      events: (id, since) =>
        run("CustomerEvent.list", async (db) => {
          const rows = await db.select().from(s.customerEvents)
            .where(and(eq(s.customerEvents.customerId, id), gte(s.customerEvents.at, new Date(since))))
            .orderBy(asc(s.customerEvents.at), asc(s.customerEvents.id))
          return rows.map((r) => ({ customerId: r.customerId, type: r.type, at: r.at.toISOString(), data: r.data }))
        }),
      count: () => run("Customer.count", async (db) => (await db.select({ n: sql<number>`count(*)::int` }).from(s.customers))[0]?.n ?? 0)
    },

    managers: pgEntityStore<Manager, import("@winback/core").ManagerFilter>(driver, {
      entity: "Manager",
      table: s.managers,
      id: (m) => m.id,
      toRow: (m) => ({ id: m.id, version: m.version, data: m, teamId: m.teamId, active: m.active }),
      fromRow: fromData,
      where: (f) => [
        maybeAnyOf(s.managers.teamId, f.teamIds),
        f.roles === undefined ? undefined : sql`${s.managers.data}->'roles' ?| ${sql.param([...f.roles])}::text[]`,
        f.activeOnly ? eq(s.managers.active, true) : undefined
      ],
      sortColumns: [s.managers.id],
      sortKey: sortKeys.manager
    }),

    teams: pgEntityStore<Team, import("@winback/core").TeamFilter>(driver, {
      entity: "Team",
      table: s.teams,
      id: (t) => t.id,
      toRow: (t) => ({ id: t.id, version: t.version, data: t, region: t.region, parentId: t.parentId }),
      fromRow: fromData,
      where: (f) => [maybeEq(s.teams.region, f.region), f.parentId === undefined ? undefined : f.parentId === null ? isNull(s.teams.parentId) : eq(s.teams.parentId, f.parentId)],
      sortColumns: [s.teams.id],
      sortKey: sortKeys.team
    }),

    tasks: pgEntityStore<Task, import("@winback/core").TaskFilter>(driver, {
      entity: "Task",
      table: s.tasks,
      id: (t) => t.id,
      toRow: (t) => ({ id: t.id, version: t.version, data: t, status: t.status, source: t.source, urgency: t.urgency }),
      fromRow: fromData,
      where: (f) => [maybeAnyOf(s.tasks.status, f.statuses), maybeAnyOf(s.tasks.source, f.sources)],
      sortColumns: [s.tasks.urgency, s.tasks.id],
      sortKey: sortKeys.task
    }),

    ruleInstances: pgEntityStore<RuleInstanceRecord, import("@winback/core").RuleInstanceFilter>(driver, {
      entity: "RuleInstance",
      table: s.ruleInstances,
      id: (r) => r.id,
      toRow: (r) => ({ id: r.id, version: r.version, data: r, status: r.status, templateId: r.templateId }),
      // The json column holds the rules package's data: read back through its schema, typed.
      fromRow: (row) => RuleInstanceRecord.parse(row.data),
      where: (f) => [maybeAnyOf(s.ruleInstances.status, f.statuses), maybeAnyOf(s.ruleInstances.templateId, f.templateIds)],
      sortColumns: [s.ruleInstances.id],
      sortKey: sortKeys.ruleInstance
    }),

    customerGroups: pgEntityStore<CustomerGroup, { readonly validOn?: string }>(driver, {
      entity: "CustomerGroup",
      table: s.customerGroups,
      id: (g) => g.id,
      toRow: (g) => ({ id: g.id, version: g.version, data: g, validFrom: g.validFrom, validUntil: g.validUntil }),
      fromRow: fromData,
      where: (f) => (f.validOn === undefined ? [] : [lte(s.customerGroups.validFrom, f.validOn), gte(s.customerGroups.validUntil, f.validOn)]),
      sortColumns: [s.customerGroups.id],
      sortKey: sortKeys.customerGroup
    }),

    ledger: {
      claim: (entry) =>
        run("HandOutLedger.claim", async (db): Promise<ClaimResult> => {
          const inserted = await db.insert(s.handOutLedger).values(entry).onConflictDoNothing().returning()
          if (inserted.length === 1) return { claimed: true, entry }
          const holder = await db.select().from(s.handOutLedger)
            .where(and(eq(s.handOutLedger.customerId, entry.customerId), eq(s.handOutLedger.period, entry.period))).limit(1)
          return { claimed: false, holder: ledgerFromRow(holder[0]!) }
        }),
      get: (customerId, period) =>
        run("HandOutLedger.get", async (db) => {
          const rows = await db.select().from(s.handOutLedger)
            .where(and(eq(s.handOutLedger.customerId, customerId), eq(s.handOutLedger.period, period))).limit(1)
          return rows[0] ? ledgerFromRow(rows[0]) : undefined
        }),
      coolingDown: (ids, at) =>
        ids.length === 0
          ? Effect.succeed([])
          : run("HandOutLedger.coolingDown", async (db) =>
              (await db.select().from(s.handOutLedger)
                .where(and(anyOf(s.handOutLedger.customerId, ids), gt(s.handOutLedger.cooldownUntil, at)))
                .orderBy(sql`${s.handOutLedger.customerId} collate "C"`, sql`${s.handOutLedger.period} collate "C"`)).map(ledgerFromRow)
            ),
      listByPeriod: (period, page) =>
        run("HandOutLedger.listByPeriod", (db) =>
          keysetPage(db, s.handOutLedger, [eq(s.handOutLedger.period, period)], [s.handOutLedger.customerId], ledgerFromRow, sortKeys.ledger, page)
        )
    },

    workItems: {
      ...workItems,
      insertMany: (items) =>
        items.length === 0
          ? Effect.void
          : inTransaction(
              driver,
              run("WorkItem.insertMany", async (db) => {
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
          run("WorkItem.complete.lock", (db) =>
            db.select().from(s.workItems).where(anyOf(s.workItems.id, input.ids)).orderBy(sql`${s.workItems.id} collate "C"`).for("update")
          ).pipe(
            Effect.flatMap((rows): Effect.Effect<ReadonlyArray<WorkItem>, NotFound | Conflict | StorageError> => {
              const plan = planCompletion(new Map(rows.map((r) => [r.id, r.data as WorkItem])), input)
              if (!plan.ok) return Effect.fail(plan.error)
              return run("WorkItem.complete", async (db) => {
                for (const w of plan.next) await db.update(s.workItems).set(workItemRow(w)).where(eq(s.workItems.id, w.id))
                return plan.next
              })
            })
          )
        ),
      countByState: (f) =>
        run("WorkItem.countByState", async (db) => {
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
        run("CallRecord.nextSerial", async (db) => formatSerial(Number(rowsOf<{ n: string | number }>(await db.execute(sql`SELECT nextval('call_serial_seq') AS n`))[0]!.n))),
      // The unique keys are per customer (customer + serial, customer + call-center call id), so a
      // racing insert of the same customer's call waits for the other transaction, then answers no
      // row without aborting its own transaction. A serial or call-center id already stored under
      // another customer is refused by the NOT EXISTS guard (a plain index lookup; on a
      // distributed engine a query across shards, see docs/scale-out.md).
      insert: (record) =>
        run("CallRecord.insert", async (db) => {
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
        run("CallRecord.findByExternalCallId", (db) => db.select().from(s.callRecords).where(eq(s.callRecords.externalCallId, externalCallId)).for("update")).pipe(
          Effect.map((rows) => rows[0]?.data as CallRecord | undefined)
        ),
      update: (record) =>
        run("CallRecord.update", async (db) => {
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
        run("CallRecord.get", (db) => db.select().from(s.callRecords).where(eq(s.callRecords.serialNumber, serial)).limit(1)).pipe(
          Effect.flatMap((rows) => (rows[0] ? Effect.succeed(rows[0].data as CallRecord) : Effect.fail(new NotFound({ entity: "CallRecord", id: serial }))))
        ),
      listByCustomer: (customerId, page) =>
        run("CallRecord.list", (db) =>
          keysetPage(db, s.callRecords, [eq(s.callRecords.customerId, customerId)], [s.callRecords.startedAt, s.callRecords.serialNumber], fromData<CallRecord>, sortKeys.callRecord, page)
        )
    },

    dnd: {
      add: (entry) =>
        // The key is (customer, id); the id alone is checked first so it stays unique across customers.
        run("DndEntry.add", async (db) =>
          (await db.select({ id: s.dndEntries.id }).from(s.dndEntries).where(eq(s.dndEntries.id, entry.id)).limit(1)).length > 0
            ? []
            : db.insert(s.dndEntries).values(dndRow(entry)).onConflictDoNothing().returning()
        ).pipe(
          Effect.flatMap((rows) => (rows.length === 1 ? Effect.succeed(entry) : Effect.fail(new Conflict({ kind: "already-exists", entity: "DndEntry", id: entry.id, reason: "already exists" }))))
        ),
      remove: (id, at) =>
        run("DndEntry.remove", async (db) => {
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
        run("DndEntry.list", async (db) =>
          (await db.select().from(s.dndEntries).where(eq(s.dndEntries.customerId, customerId))
            .orderBy(sql`${s.dndEntries.createdAt} collate "C" desc`, sql`${s.dndEntries.id} collate "C"`)).map((r) => r.data as DndEntry)
        ),
      blocked: (ids, channel, at) =>
        ids.length === 0
          ? Effect.succeed(new Set<string>())
          : run("DndEntry.blocked", async (db) => {
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
      id: (a) => a.id,
      toRow: (a) => ({ id: a.id, version: a.version, data: a, managerId: a.managerId, customerId: a.customerId, state: a.state, at: a.at }),
      fromRow: fromData,
      where: (f) => [
        maybeEq(s.appointments.managerId, f.managerId),
        maybeAnyOf(s.appointments.managerId, f.managerIds),
        maybeEq(s.appointments.customerId, f.customerId),
        maybeAnyOf(s.appointments.state, f.states),
        f.dueBy === undefined ? undefined : lte(s.appointments.at, f.dueBy)
      ],
      sortColumns: [s.appointments.at, s.appointments.id],
      sortKey: sortKeys.appointment
    }),

    offers: pgEntityStore<Offer, { readonly activeOnly?: boolean }>(driver, {
      entity: "Offer",
      table: s.offers,
      id: (o) => o.id,
      toRow: (o) => ({ id: o.id, version: o.version, data: o, active: o.active }),
      fromRow: fromData,
      where: (f) => [f.activeOnly ? eq(s.offers.active, true) : undefined],
      sortColumns: [s.offers.id],
      sortKey: sortKeys.offer
    }),

    observations: pgEntityStore<Observation, import("@winback/core").ObservationFilter>(driver, {
      entity: "Observation",
      table: s.observations,
      id: (o) => o.id,
      toRow: (o) => ({ id: o.id, version: o.version, data: o, taskId: o.taskId, managerId: o.managerId, endsOn: o.endsOn, evaluated: o.outcome !== null }),
      fromRow: fromData,
      where: (f) => [
        maybeEq(s.observations.taskId, f.taskId),
        maybeEq(s.observations.managerId, f.managerId),
        ...(f.dueOn === undefined ? [] : [eq(s.observations.evaluated, false), lte(s.observations.endsOn, f.dueOn)])
      ],
      sortColumns: [s.observations.endsOn, s.observations.id],
      sortKey: sortKeys.observation
    }),

    workPlans: pgEntityStore<WorkPlan, WorkPlanFilter>(driver, {
      entity: "WorkPlan",
      table: s.workPlans,
      id: (p) => p.id,
      toRow: (p) => ({
        id: p.id,
        version: p.version,
        data: p,
        subjectKind: p.subjectKind,
        subjectId: p.subjectId,
        teamId: p.teamId,
        period: p.period.label,
        periodFrom: p.period.from,
        status: p.status
      }),
      fromRow: fromData,
      where: (f) => [
        maybeEq(s.workPlans.period, f.period),
        maybeEq(s.workPlans.subjectKind, f.subjectKind),
        maybeAnyOf(s.workPlans.subjectId, f.subjectIds),
        maybeAnyOf(s.workPlans.status, f.statuses),
        f.inScope === undefined
          ? undefined
          : or(and(eq(s.workPlans.subjectKind, "agent"), anyOf(s.workPlans.subjectId, f.inScope.managerIds)), anyOf(s.workPlans.teamId, f.inScope.teamIds))
      ],
      sortColumns: [s.workPlans.periodFrom, s.workPlans.id],
      sortKey: (p) => [p.period.from, p.id]
    }),

    questionnaires: {
      putVersion: (record) =>
        run("QuestionnaireVersion.put", async (db) => {
          await db.insert(s.questionnaireVersions)
            .values({ hash: record.hash, questionnaireId: record.questionnaireId, publishedAt: record.publishedAt, data: record })
            .onConflictDoNothing()
          const rows = await db.select().from(s.questionnaireVersions).where(eq(s.questionnaireVersions.hash, record.hash)).limit(1)
          return rows[0]!.data as QuestionnaireVersionRecord
        }),
      getVersion: (hash) =>
        run("QuestionnaireVersion.get", (db) => db.select().from(s.questionnaireVersions).where(eq(s.questionnaireVersions.hash, hash)).limit(1)).pipe(
          Effect.flatMap((rows) =>
            rows[0] ? Effect.succeed(rows[0].data as QuestionnaireVersionRecord) : Effect.fail(new NotFound({ entity: "QuestionnaireVersion", id: hash }))
          )
        ),
      listVersions: (questionnaireId) =>
        run("QuestionnaireVersion.list", async (db) =>
          (await db.select().from(s.questionnaireVersions).where(eq(s.questionnaireVersions.questionnaireId, questionnaireId))
            .orderBy(sql`${s.questionnaireVersions.publishedAt} collate "C"`, sql`${s.questionnaireVersions.hash} collate "C"`))
            .map((r) => r.data as QuestionnaireVersionRecord)
        ),
      responses: pgEntityStore<ResponseRecord, { readonly workItemId?: string; readonly questionnaireId?: string; readonly customerId?: string }>(driver, {
        customerKeyed: true,
        entity: "Response",
        table: s.responses,
        id: (r) => r.id,
        toRow: (r) => ({ id: r.id, version: r.version, data: r, workItemId: r.workItemId, questionnaireId: r.questionnaireId, customerId: r.customerId }),
        fromRow: fromData,
        where: (f) => [maybeEq(s.responses.workItemId, f.workItemId), maybeEq(s.responses.questionnaireId, f.questionnaireId), maybeEq(s.responses.customerId, f.customerId)],
        sortColumns: [s.responses.id],
        sortKey: sortKeys.response
      })
    },

    audit: {
      append: (input) =>
        inTransaction(
          driver,
          run("AuditLog.append", async (db) => {
            // The first stream head no other transaction holds (this transaction's own count as
            // free): concurrent writers take different streams and never queue on one row. Only
            // when every stream is held does a writer wait, for stream 0.
            const pick = (skipLocked: boolean) =>
              db.execute(
                skipLocked
                  ? sql`WITH h AS (SELECT stream, stream_seq, hash FROM audit_streams ORDER BY stream LIMIT 1 FOR UPDATE SKIP LOCKED) SELECT h.stream, h.stream_seq, h.hash, nextval('audit_seq') AS seq FROM h`
                  : sql`WITH h AS (SELECT stream, stream_seq, hash FROM audit_streams ORDER BY stream LIMIT 1 FOR UPDATE) SELECT h.stream, h.stream_seq, h.hash, nextval('audit_seq') AS seq FROM h`
              )
            type Head = { stream: string | number; stream_seq: string | number; hash: string; seq: string | number }
            const head = rowsOf<Head>(await pick(true))[0] ?? rowsOf<Head>(await pick(false))[0]!
            const seq = Number(head.seq)
            const stream = Number(head.stream)
            const streamSeq = Number(head.stream_seq) + 1
            const hash = auditEntryHash(head.hash, seq, input)
            const entry: AuditEntry = { ...input, seq, stream, streamSeq, prevHash: head.hash, hash }
            await db.insert(s.auditLog).values({
              seq,
              stream,
              streamSeq,
              at: input.at,
              actorId: input.actorId,
              category: input.category,
              customerId: input.customerId,
              prevHash: head.hash,
              hash,
              data: entry
            })
            await db.update(s.auditStreams).set({ streamSeq, seq, hash }).where(eq(s.auditStreams.stream, stream))
            if (seq % auditCheckpointInterval === 0) {
              // Every stream's committed head (and this transaction's own), chained to the newest
              // checkpoint. A concurrent checkpoint with the same number wins; this one is skipped.
              const latest = (await db.select({ n: s.auditCheckpoints.n, hash: s.auditCheckpoints.hash }).from(s.auditCheckpoints).orderBy(desc(s.auditCheckpoints.n)).limit(1))[0]
              const heads = (await db.select().from(s.auditStreams)).map(streamHead)
              const c = nextAuditCheckpoint(latest === undefined ? undefined : { n: Number(latest.n), hash: latest.hash }, heads, input.at)
              await db.insert(s.auditCheckpoints).values({ n: c.n, at: c.at, heads: c.heads, prevHash: c.prevHash, hash: c.hash }).onConflictDoNothing()
            }
            return entry
          })
        ),
      query: (f, page) =>
        run("AuditLog.query", (db) =>
          keysetPage(
            db,
            s.auditLog,
            [
              f.from === undefined ? undefined : gte(s.auditLog.at, f.from),
              f.to === undefined ? undefined : lt(s.auditLog.at, f.to),
              maybeEq(s.auditLog.actorId, f.actorId),
              maybeAnyOf(s.auditLog.actorId, f.actorIds),
              maybeEq(s.auditLog.customerId, f.customerId),
              maybeAnyOf(s.auditLog.category, f.categories)
            ] as ReadonlyArray<SQL | undefined>,
            [s.auditLog.seq],
            auditEntryOf,
            sortKeys.audit,
            page
          )
        ),
      verify: () =>
        run("AuditLog.verify", async (db) => {
          // Heads and checkpoints in one statement (one snapshot), then the entries; entries
          // appended after that snapshot lie past their stream's head and are left to the next verify.
          const state = rowsOf<{ heads: Array<Record<string, unknown>> | null; checkpoints: Array<Record<string, unknown>> | null }>(
            await db.execute(sql`SELECT
              (SELECT json_agg(json_build_object('stream', stream, 'streamSeq', stream_seq, 'seq', seq, 'hash', hash)) FROM audit_streams) AS heads,
              (SELECT json_agg(json_build_object('n', n, 'at', at, 'heads', heads, 'prevHash', prev_hash, 'hash', hash)) FROM audit_checkpoints) AS checkpoints`)
          )[0]!
          const heads = (state.heads ?? []).map(streamHead)
          const checkpoints = (state.checkpoints ?? []).map((c) => ({
            n: Number(c.n),
            at: String(c.at),
            heads: (c.heads as Array<Record<string, unknown>>).map(streamHead),
            prevHash: String(c.prevHash),
            hash: String(c.hash)
          }))
          const end = new Map(heads.map((h) => [h.stream, h.streamSeq]))
          // The stored columns are what the chain protects: rebuild each entry from its columns and data.
          const entries = (await db.select().from(s.auditLog)).map(auditEntryOf).filter((e) => e.streamSeq <= (end.get(e.stream) ?? Number.POSITIVE_INFINITY))
          return verifyAuditLog(entries, heads, checkpoints)
        })
    }
  }
}
