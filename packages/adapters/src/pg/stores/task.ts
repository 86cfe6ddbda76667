/**
 * The task aggregate in SQL: tasks, and the hand-out ledger whose primary key (customer, period)
 * decides claims: of concurrent claims of one key exactly one inserts.
 */
import { and, eq, gt, sql } from "drizzle-orm"
import { Effect } from "effect"
import type { ClaimResult, HandOutLedgerEntry, Stores, Task } from "@winback/core"
import { sortKeys } from "../../internal/sortKeys"
import { type PgDriver, useDb } from "../Driver"
import { anyOf, keysetPage, maybeAnyOf, pgEntityStore } from "../entityStore"
import * as s from "../schema"

const ledgerFromRow = (r: typeof s.handOutLedger.$inferSelect): HandOutLedgerEntry => ({ ...r })

/**
 * The SQL `tasks` and `ledger` stores on `driver` (composed by {@link makePgStores}).
 *
 * @example
 * ```ts
 * const { ledger } = taskStores(driver)
 * const result = await Effect.runPromise(ledger.claim(entry)) // { claimed: true, entry } for the first claimant
 * ```
 */
export const taskStores = (driver: PgDriver): Pick<Stores, "tasks" | "ledger"> => ({
  tasks: pgEntityStore<Task, import("@winback/core").TaskFilter>(driver, {
    entity: "Task",
    table: s.tasks,
    toRow: (t) => ({ id: t.id, version: t.version, data: t, status: t.status, source: t.source, urgency: t.urgency }),
    where: (f) => [maybeAnyOf(s.tasks.status, f.statuses), maybeAnyOf(s.tasks.source, f.sources)],
    sortColumns: [s.tasks.urgency, s.tasks.id],
    sortKey: sortKeys.task
  }),

  ledger: {
    claim: (entry) =>
      useDb(driver, "HandOutLedger.claim", async (db): Promise<ClaimResult> => {
        const inserted = await db.insert(s.handOutLedger).values(entry).onConflictDoNothing().returning()
        if (inserted.length === 1) return { claimed: true, entry }
        const holder = await db.select().from(s.handOutLedger)
          .where(and(eq(s.handOutLedger.customerId, entry.customerId), eq(s.handOutLedger.period, entry.period))).limit(1)
        return { claimed: false, holder: ledgerFromRow(holder[0]!) }
      }),
    get: (customerId, period) =>
      useDb(driver, "HandOutLedger.get", async (db) => {
        const rows = await db.select().from(s.handOutLedger)
          .where(and(eq(s.handOutLedger.customerId, customerId), eq(s.handOutLedger.period, period))).limit(1)
        return rows[0] ? ledgerFromRow(rows[0]) : undefined
      }),
    coolingDown: (ids, at) =>
      ids.length === 0
        ? Effect.succeed([])
        : useDb(driver, "HandOutLedger.coolingDown", async (db) =>
            (await db.select().from(s.handOutLedger)
              .where(and(anyOf(s.handOutLedger.customerId, ids), gt(s.handOutLedger.cooldownUntil, at)))
              .orderBy(sql`${s.handOutLedger.customerId} collate "C"`, sql`${s.handOutLedger.period} collate "C"`)).map(ledgerFromRow)
          ),
    listByPeriod: (period, page) =>
      useDb(driver, "HandOutLedger.listByPeriod", (db) =>
        keysetPage(db, s.handOutLedger, [eq(s.handOutLedger.period, period)], [s.handOutLedger.customerId], ledgerFromRow, sortKeys.ledger, page)
      )
  }
})
