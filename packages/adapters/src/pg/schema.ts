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
  pgSequence,
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
    id: bigint("id", { mode: "number" }).generatedAlwaysAsIdentity(),
    customerId: text("customer_id").notNull(),
    type: text("type").notNull(),
    at: timestamp("at", { withTimezone: true, mode: "date" }).notNull(),
    data: jsonb("data").$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`)
  },
  (t) => [primaryKey({ columns: [t.customerId, t.id] }), index("customer_events_customer_type_idx").on(t.customerId, t.type, t.at)]
)

// ---------------------------------------------------------------------------------------------
// Winback's own records. Each aggregate is a row with its full record in `data` (jsonb), the
// optimistic `version`, and the fields the domain queries by as real, indexed columns. Instants
// are canonical UTC ISO strings, so text order is time order.
// ---------------------------------------------------------------------------------------------

const doc = () => ({
  id: text("id").primaryKey(),
  version: integer("version").notNull(),
  data: jsonb("data").notNull()
})

/**
 * The columns of a customer's aggregate: as {@link doc}, but the primary key is
 * `(customer_id, id)` (declared by the table) so the table can be distributed by customer; ids
 * are generated unique, and a plain index on `id` serves reads by id.
 */
const customerDoc = () => ({
  id: text("id").notNull(),
  version: integer("version").notNull(),
  data: jsonb("data").notNull()
})

/** Staff as Winback keeps them. */
export const managers = pgTable("managers", { ...doc(), teamId: text("team_id"), active: boolean("active").notNull() }, (t) => [
  index("managers_team_idx").on(t.teamId)
])

/** The team tree. */
export const teams = pgTable("teams", { ...doc(), region: text("region").notNull(), parentId: text("parent_id") }, (t) => [
  index("teams_parent_idx").on(t.parentId)
])

/** Tasks of every source. */
export const tasks = pgTable("tasks", { ...doc(), status: text("status").notNull(), source: text("source").notNull(), urgency: integer("urgency").notNull() }, (t) => [
  index("tasks_status_idx").on(t.status, t.urgency)
])

/** Rule instance versions. */
export const ruleInstances = pgTable("rule_instances", { ...doc(), status: text("status").notNull(), templateId: text("template_id").notNull() }, (t) => [
  index("rule_instances_status_idx").on(t.status)
])

/** Customer groups. */
export const customerGroups = pgTable("customer_groups", { ...doc(), validFrom: text("valid_from").notNull(), validUntil: text("valid_until").notNull() })

/** The hand-out ledger: one row per (customer, period); the primary key is the claim's race guard. */
export const handOutLedger = pgTable(
  "hand_out_ledger",
  {
    customerId: text("customer_id").notNull(),
    period: text("period").notNull(),
    taskId: text("task_id").notNull(),
    urgency: integer("urgency").notNull(),
    runId: text("run_id").notNull(),
    handedOutAt: text("handed_out_at").notNull(),
    cooldownUntil: text("cooldown_until").notNull()
  },
  (t) => [
    primaryKey({ columns: [t.customerId, t.period] }),
    index("hand_out_ledger_customer_cooldown_idx").on(t.customerId, t.cooldownUntil),
    index("hand_out_ledger_run_idx").on(t.runId)
  ]
)

/**
 * Partitions of an extraction run (issue 19): one row per (run, partition). Workers claim a
 * `pending` partition, or a `running` one whose lease has run out (its worker died), with
 * `FOR UPDATE SKIP LOCKED`; the partition's own transaction marks it `done` with its counts.
 * Not customer-keyed (a run is distributed by its key, a few rows per run).
 */
export const extractionPartitions = pgTable(
  "extraction_partitions",
  {
    runKey: text("run_key").notNull(),
    partition: integer("partition").notNull(),
    partitions: integer("partitions").notNull(),
    state: text("state").notNull(),
    workerId: text("worker_id"),
    leaseUntil: text("lease_until"),
    attempts: integer("attempts").notNull().default(0),
    result: jsonb("result"),
    updatedAt: text("updated_at").notNull()
  },
  (t) => [primaryKey({ columns: [t.runKey, t.partition] })]
)

/**
 * The candidates of a partitioned run, staged once per run (issue 19): each rule's matching ids
 * with their hash partition, written by one `INSERT ... SELECT` from the rule's compiled query (no
 * id passes through a worker), read back one partition at a time. The row with partition -1 marks
 * a run as staged (its insert also serialises concurrent stagers). Removed when the run is done.
 */
export const extractionCandidates = pgTable(
  "extraction_candidates",
  {
    runKey: text("run_key").notNull(),
    partition: integer("partition").notNull(),
    ruleKey: text("rule_key").notNull(),
    customerId: text("customer_id").notNull()
  },
  (t) => [primaryKey({ columns: [t.runKey, t.partition, t.ruleKey, t.customerId] })]
)

/** Work items. The work-list index serves "open items of an agent in urgency order". */
export const workItems = pgTable(
  "work_items",
  {
    ...customerDoc(),
    taskId: text("task_id").notNull(),
    customerId: text("customer_id").notNull(),
    assigneeId: text("assignee_id"),
    teamId: text("team_id"),
    state: text("state").notNull(),
    urgency: integer("urgency").notNull(),
    createdAt: text("created_at").notNull()
  },
  (t) => [
    primaryKey({ columns: [t.customerId, t.id] }),
    index("work_items_id_idx").on(t.id),
    index("work_items_worklist_idx").on(t.assigneeId, t.state, t.urgency, t.createdAt, t.id),
    // The hot path, "first page of an agent's open work", read straight off the index in urgency
    // order without sorting the agent's whole backlog (the list orders text with collate "C").
    index("work_items_open_worklist_idx")
      .on(t.assigneeId, t.urgency, sql`${t.createdAt} collate "C"`, sql`${t.id} collate "C"`)
      .where(sql`${t.state} in ('open', 'in-progress')`),
    index("work_items_customer_idx").on(t.customerId, t.state),
    index("work_items_task_idx").on(t.taskId, t.state),
    // Scope push-down: a leader's or director's list reads by team.
    index("work_items_team_idx").on(t.teamId, t.state),
    // A leader's pool: a team's open unassigned items in urgency order, without reading the
    // team's assigned backlog.
    index("work_items_pool_idx")
      .on(t.teamId, t.urgency, sql`${t.createdAt} collate "C"`, sql`${t.id} collate "C"`)
      .where(sql`${t.assigneeId} is null and ${t.state} in ('open', 'in-progress')`)
  ]
)

/**
 * Call records; serial numbers come from a sequence so they never repeat. `external_call_id` is
 * the call center's call id: unique per customer, so the call-center event and the agent's recorded
 * outcome of one call meet in one record whichever arrives first (a racing second insert waits,
 * then loses). Every unique key starts with the customer id, the distribution column on Citus;
 * the serial number and call-center id alone are served by plain indexes.
 */
export const callRecords = pgTable(
  "call_records",
  {
    serialNumber: text("serial_number").notNull(),
    customerId: text("customer_id").notNull(),
    startedAt: text("started_at").notNull(),
    externalCallId: text("external_call_id"),
    data: jsonb("data").notNull()
  },
  (t) => [
    primaryKey({ columns: [t.customerId, t.serialNumber] }),
    index("call_records_serial_idx").on(t.serialNumber),
    index("call_records_customer_idx").on(t.customerId, t.startedAt),
    uniqueIndex("call_records_customer_external_call_idx").on(t.customerId, t.externalCallId),
    index("call_records_external_call_idx").on(t.externalCallId)
  ]
)

/** Do-not-disturb entries (never deleted: removal sets removed_at). */
export const dndEntries = pgTable(
  "dnd_entries",
  {
    id: text("id").notNull(),
    customerId: text("customer_id").notNull(),
    channel: text("channel").notNull(),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at"),
    removedAt: text("removed_at"),
    data: jsonb("data").notNull()
  },
  (t) => [
    primaryKey({ columns: [t.customerId, t.id] }),
    index("dnd_entries_id_idx").on(t.id),
    index("dnd_entries_customer_channel_idx").on(t.customerId, t.channel)
  ]
)

/** Appointments. */
export const appointments = pgTable(
  "appointments",
  { ...customerDoc(), managerId: text("manager_id").notNull(), customerId: text("customer_id").notNull(), state: text("state").notNull(), at: text("at").notNull() },
  (t) => [
    primaryKey({ columns: [t.customerId, t.id] }),
    index("appointments_id_idx").on(t.id),
    index("appointments_due_idx").on(t.state, t.at),
    index("appointments_manager_idx").on(t.managerId, t.at)
  ]
)

/** The offer catalogue. */
export const offers = pgTable("offers", { ...doc(), active: boolean("active").notNull() })

/** Observations of retention effect. */
export const observations = pgTable(
  "observations",
  { ...doc(), taskId: text("task_id").notNull(), managerId: text("manager_id"), endsOn: text("ends_on").notNull(), evaluated: boolean("evaluated").notNull() },
  (t) => [index("observations_due_idx").on(t.evaluated, t.endsOn)]
)

/** Published questionnaire versions, keyed by content hash (immutable). */
export const questionnaireVersions = pgTable(
  "questionnaire_versions",
  { hash: text("hash").primaryKey(), questionnaireId: text("questionnaire_id").notNull(), publishedAt: text("published_at").notNull(), data: jsonb("data").notNull() },
  (t) => [index("questionnaire_versions_q_idx").on(t.questionnaireId, t.publishedAt)]
)

/** Questionnaire responses. */
export const responses = pgTable(
  "responses",
  { ...customerDoc(), workItemId: text("work_item_id"), questionnaireId: text("questionnaire_id").notNull(), customerId: text("customer_id").notNull() },
  (t) => [primaryKey({ columns: [t.customerId, t.id] }), index("responses_id_idx").on(t.id), index("responses_work_item_idx").on(t.workItemId)]
)

/**
 * The audit log: append-only by contract (no code path updates or deletes it; grant the
 * application role INSERT and SELECT only, see docs/scale-out.md), hash-chained per stream:
 * `(stream, stream_seq)` is an entry's place in its chain, `seq` the log-wide order for queries.
 * `verify` detects a modified or removed entry whatever the database allowed.
 */
export const auditLog = pgTable(
  "audit_log",
  {
    seq: bigint("seq", { mode: "number" }).notNull(),
    stream: integer("stream").notNull().default(0),
    streamSeq: bigint("stream_seq", { mode: "number" }).notNull(),
    at: text("at").notNull(),
    actorId: text("actor_id").notNull(),
    category: text("category").notNull(),
    customerId: text("customer_id"),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
    data: jsonb("data").notNull()
  },
  (t) => [
    primaryKey({ columns: [t.stream, t.streamSeq] }),
    index("audit_log_seq_idx").on(t.seq),
    index("audit_log_at_idx").on(t.at),
    index("audit_log_actor_idx").on(t.actorId, t.seq),
    index("audit_log_customer_idx").on(t.customerId, t.seq)
  ]
)

/** The log-wide order of audit entries (gaps where an appending transaction rolled back). */
export const auditSeq = pgSequence("audit_seq", { startWith: 1 })

/**
 * The head of each audit stream. An append locks the first head no other transaction holds
 * (`FOR UPDATE SKIP LOCKED`), so concurrent writers append to different streams instead of
 * queueing on one row.
 */
export const auditStreams = pgTable("audit_streams", {
  stream: integer("stream").primaryKey(),
  streamSeq: bigint("stream_seq", { mode: "number" }).notNull(),
  seq: bigint("seq", { mode: "number" }).notNull(),
  hash: text("hash").notNull()
})

/** Checkpoints: every stream's head at one moment, chained by hash (one every 32 entries). */
export const auditCheckpoints = pgTable("audit_checkpoints", {
  n: bigint("n", { mode: "number" }).primaryKey(),
  at: text("at").notNull(),
  heads: jsonb("heads").notNull(),
  prevHash: text("prev_hash").notNull(),
  hash: text("hash").notNull()
})

/**
 * Small durable state of the HTTP integrations: outbox cursors of the webhook dispatcher and the
 * receipts that make inbound call-center events idempotent (one row per key; the primary key
 * decides which of two concurrent deliveries wins).
 */
export const integrationState = pgTable("integration_state", {
  key: text("key").primaryKey(),
  value: jsonb("value").notNull(),
  updatedAt: text("updated_at").notNull()
})

/** Work plans: targets per agent or team and period; `team_id` and the subject carry the scope. */
export const workPlans = pgTable(
  "work_plans",
  {
    ...doc(),
    subjectKind: text("subject_kind").notNull(),
    subjectId: text("subject_id").notNull(),
    teamId: text("team_id"),
    period: text("period").notNull(),
    periodFrom: text("period_from").notNull(),
    status: text("status").notNull()
  },
  (t) => [index("work_plans_period_idx").on(t.period, t.status), index("work_plans_subject_idx").on(t.subjectId), index("work_plans_team_idx").on(t.teamId)]
)
