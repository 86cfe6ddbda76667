/**
 * The one drizzle `pg-core` schema that serves PGlite (the embedded default) and PostgreSQL.
 * drizzle-kit generates the migrations in `packages/adapters/drizzle` from this file; the
 * adapters apply them on open.
 */
import { sql } from "drizzle-orm"
import {
  bigint,
  boolean,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex
} from "drizzle-orm/pg-core"

// ---------------------------------------------------------------------------------------------
// Facts: customers and their usage history (the host's data, mirrored or fed in daily batches)
// ---------------------------------------------------------------------------------------------

/** Customers: identity, line status, tier and the attributes rules and scope read. */
export const customers = pgTable(
  "customers",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    phones: jsonb("phones").$type<ReadonlyArray<string>>().notNull().default(sql`'[]'::jsonb`),
    region: text("region").notNull(),
    tier: text("tier").notNull(),
    lineStatus: text("line_status").notNull(),
    paymentType: text("payment_type").notNull(),
    contractEnd: date("contract_end", { mode: "string" }),
    birthday: date("birthday", { mode: "string" }),
    activatedOn: date("activated_on", { mode: "string" }).notNull(),
    ownerManagerId: text("owner_manager_id"),
    preferredChannel: text("preferred_channel"),
    tariffSensitivity: text("tariff_sensitivity"),
    creditLevel: text("credit_level"),
    timeZone: text("time_zone").notNull(),
    version: integer("version").notNull().default(1),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow()
  },
  (t) => [index("customers_owner_idx").on(t.ownerManagerId), index("customers_region_tier_idx").on(t.region, t.tier)]
)

/** One row per customer and day of usage. */
export const usageDaily = pgTable(
  "usage_daily",
  {
    customerId: text("customer_id").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    charge: doublePrecision("charge").notNull(),
    dataMb: doublePrecision("data_mb").notNull(),
    callMinutes: doublePrecision("call_minutes").notNull(),
    outgoingCalls: integer("outgoing_calls").notNull(),
    competitorCallSeconds: integer("competitor_call_seconds").notNull(),
    forwardedToOtherOperator: boolean("forwarded_to_other_operator").notNull(),
    reminderSmsDelivered: boolean("reminder_sms_delivered").notNull()
  },
  (t) => [primaryKey({ columns: [t.customerId, t.day] }), index("usage_daily_day_idx").on(t.day)]
)

/** One row per customer and billing month. */
export const usageMonthly = pgTable(
  "usage_monthly",
  {
    customerId: text("customer_id").notNull(),
    month: text("month").notNull(),
    billAmount: doublePrecision("bill_amount").notNull(),
    dataMb: doublePrecision("data_mb").notNull(),
    callMinutes: doublePrecision("call_minutes").notNull(),
    competitorCallSeconds: integer("competitor_call_seconds").notNull(),
    forwardedDays: integer("forwarded_days").notNull(),
    silentDays: integer("silent_days").notNull(),
    billDate: date("bill_date", { mode: "string" }).notNull(),
    dueDate: date("due_date", { mode: "string" }).notNull(),
    paidDate: date("paid_date", { mode: "string" })
  },
  (t) => [primaryKey({ columns: [t.customerId, t.month] }), index("usage_monthly_month_idx").on(t.month)]
)

/** Single customer events: activation, suspension or cancel requests, resolved complaints. */
export const customerEvents = pgTable(
  "customer_events",
  {
    id: bigint("id", { mode: "number" }).generatedAlwaysAsIdentity().primaryKey(),
    customerId: text("customer_id").notNull(),
    type: text("type").notNull(),
    at: timestamp("at", { withTimezone: true, mode: "date" }).notNull(),
    data: jsonb("data").$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`)
  },
  (t) => [index("customer_events_customer_type_idx").on(t.customerId, t.type, t.at)]
)

export { uniqueIndex }
