/**
 * The in-memory adapter: every storage port over plain maps. For tests, demos and hosts that keep
 * nothing between runs. It passes the same conformance suite as the SQL adapters.
 */
import { Effect, type Layer } from "effect"
import {
  type AuditCheckpoint,
  auditCheckpointInterval,
  type AuditEntry,
  auditEntryHash,
  auditGenesisHash,
  type AuditStreamHead,
  type CallRecord,
  type ClaimResult,
  Conflict,
  type Customer,
  type CustomerEvent,
  type DndEntry,
  type HandOutLedgerEntry,
  isDndActive,
  NotFound,
  openWorkItemStates,
  type QuestionnaireVersionRecord,
  type StoragePorts,
  type Stores,
  storesLayer,
  type UsageDay,
  type UsageMonth,
  nextAuditCheckpoint,
  verifyAuditLog,
  type WorkItem,
  type WorkPlan,
  type WorkPlanFilter
} from "@winback/core"
import { emptyStateCounts, formatSerial, planCompletion } from "../internal/completion"
import { sortKeys } from "../internal/sortKeys"
import { memoryEntityStore, pageOf } from "./entityStore"
import { MemoryDb } from "./MemoryDb"

const any = <T>(list: ReadonlyArray<T> | undefined, v: T) => list === undefined || list.includes(v)

const mergeSorted = <A>(current: ReadonlyArray<A> | undefined, incoming: ReadonlyArray<A>, key: (a: A) => string): ReadonlyArray<A> => {
  const m = new Map<string, A>()
  for (const a of current ?? []) m.set(key(a), a)
  for (const a of incoming) m.set(key(a), a)
  return [...m.values()].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
}

const groupBy = <A>(rows: ReadonlyArray<A>, key: (a: A) => string): Map<string, Array<A>> => {
  const m = new Map<string, Array<A>>()
  for (const r of rows) {
    const k = key(r)
    const l = m.get(k)
    if (l) l.push(r)
    else m.set(k, [r])
  }
  return m
}

/**
 * Builds the memory implementations of every storage port.
 *
 * @example
 * ```ts
 * const stores = makeMemoryStores()
 * await Effect.runPromise(stores.customers.upsertCustomers(customers))
 * ```
 */
export const makeMemoryStores = (db: MemoryDb = new MemoryDb()): Stores => {
  /** The customers with an open work item assigned to one of `assigneeIds` (the SQL adapters' EXISTS). */
  const openWorkCustomers = (assigneeIds: ReadonlyArray<string> | undefined): ReadonlySet<string> => {
    const held = new Set<string>()
    if (assigneeIds === undefined || assigneeIds.length === 0) return held
    const who = new Set(assigneeIds)
    for (const w of db.table<WorkItem>("work_items").values()) {
      if (w.assigneeId !== null && who.has(w.assigneeId) && openWorkItemStates.includes(w.state)) held.add(w.customerId)
    }
    return held
  }
  type CustomerFilter = import("@winback/core").CustomerFilter
  const customerMatches = (c: Customer, f: CustomerFilter, held: ReadonlySet<string>) =>
    any(f.ids, c.id) && (f.ownerManagerIds === undefined || (c.ownerManagerId !== null && f.ownerManagerIds.includes(c.ownerManagerId))) &&
    (f.region === undefined || c.region === f.region) && any(f.tiers, c.tier) &&
    (f.inScope === undefined ||
      (c.ownerManagerId !== null ? f.inScope.ownerManagerIds.includes(c.ownerManagerId) : f.inScope.unownedRegions.includes(c.region)) ||
      held.has(c.id))
  const customerBase = memoryEntityStore<Customer, CustomerFilter>(db, {
    entity: "Customer",
    table: "customers",
    id: (c) => c.id,
    sortKey: sortKeys.customer,
    matches: (c, f) => customerMatches(c, f, openWorkCustomers(f.inScope?.openWorkOf))
  })
  const customers = {
    ...customerBase,
    // The open-work set once per list, not once per customer.
    list: (f: CustomerFilter, page?: import("@winback/core").PageRequest) =>
      db.op(() => {
        const held = openWorkCustomers(f.inScope?.openWorkOf)
        return pageOf(db.table<Customer>("customers").values(), (c) => customerMatches(c, f, held), sortKeys.customer, page)
      })
  }
  const workItems = memoryEntityStore<WorkItem, import("@winback/core").WorkItemFilter>(db, {
    entity: "WorkItem",
    table: "work_items",
    id: (w) => w.id,
    sortKey: sortKeys.workItem,
    matches: (w, f) =>
      (f.assigneeId === undefined || w.assigneeId === f.assigneeId) && (f.customerId === undefined || w.customerId === f.customerId) &&
      (f.customerIds === undefined || f.customerIds.includes(w.customerId)) &&
      (f.taskId === undefined || w.taskId === f.taskId) && (f.teamIds === undefined || (w.teamId !== null && f.teamIds.includes(w.teamId))) &&
      any(f.states, w.state) && (f.unassigned !== true || w.assigneeId === null) &&
      (f.readyAt === undefined || w.nextAttemptAt === null || w.nextAttemptAt <= f.readyAt) &&
      (f.inScope === undefined ||
        (w.assigneeId !== null && f.inScope.assigneeIds.includes(w.assigneeId)) || (w.teamId !== null && f.inScope.teamIds.includes(w.teamId)))
  })
  const ledgerKey = (customerId: string, period: string) => `${customerId}\u0000${period}`
  const ledgerRows = () => db.table<HandOutLedgerEntry>("ledger")
  const dndRows = () => db.table<DndEntry>("dnd")
  const auditRows = () => db.table<AuditEntry>("audit")
  // One process, one writer at a time: every entry goes to stream 0 (the SQL stores spread
  // concurrent transactions over several streams; the log format and `verify` are the same).
  const auditHead = (): AuditStreamHead => db.table<AuditStreamHead>("audit_head").get("0") ?? { stream: 0, streamSeq: 0, seq: 0, hash: auditGenesisHash }
  const auditCheckpoints = () => db.table<AuditCheckpoint>("audit_checkpoints")
  const versions = () => db.table<QuestionnaireVersionRecord>("questionnaire_versions")
  const calls = () => db.table<CallRecord>("calls")
  const callsByExternal = () => db.table<string>("calls_by_external")

  return {
    transactions: { transaction: (effect) => db.transaction(effect) },
    customers: {
      ...customers,
      upsertCustomers: (list) =>
        db.op(() => {
          for (const c of list) {
            const current = db.table<Customer>("customers").get(c.id)
            db.write("customers", c.id, current ? { ...c, version: current.version + 1 } : c)
          }
        }),
      upsertUsageDays: (days) =>
        db.op(() => {
          for (const [id, rows] of groupBy(days, (d) => d.customerId)) {
            db.write("usage_days", id, mergeSorted(db.table<ReadonlyArray<UsageDay>>("usage_days").get(id), rows, (d) => d.day))
          }
        }),
      upsertUsageMonths: (months) =>
        db.op(() => {
          for (const [id, rows] of groupBy(months, (m) => m.customerId)) {
            db.write("usage_months", id, mergeSorted(db.table<ReadonlyArray<UsageMonth>>("usage_months").get(id), rows, (m) => m.month))
          }
        }),
      appendEvents: (events) =>
        db.op(() => {
          for (const [id, rows] of groupBy(events, (e) => e.customerId)) {
            const current = db.table<ReadonlyArray<CustomerEvent>>("events").get(id) ?? []
            db.write("events", id, [...current, ...rows].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)))
          }
        }),
      usageDays: (id, from, to) => db.op(() => (db.table<ReadonlyArray<UsageDay>>("usage_days").get(id) ?? []).filter((d) => d.day >= from && d.day <= to)),
      usageMonths: (id, from, to) =>
        db.op(() => (db.table<ReadonlyArray<UsageMonth>>("usage_months").get(id) ?? []).filter((m) => m.month >= from && m.month <= to)),
      events: (id, since) => db.op(() => (db.table<ReadonlyArray<CustomerEvent>>("events").get(id) ?? []).filter((e) => e.at >= since)),
      count: () => db.op(() => db.table("customers").size)
    },
    managers: memoryEntityStore(db, {
      entity: "Manager",
      table: "managers",
      id: (m) => m.id,
      sortKey: sortKeys.manager,
      matches: (m, f) =>
        (f.teamIds === undefined || (m.teamId !== null && f.teamIds.includes(m.teamId))) &&
        (f.roles === undefined || m.roles.some((r) => f.roles!.includes(r))) && (!f.activeOnly || m.active)
    }),
    teams: memoryEntityStore(db, {
      entity: "Team",
      table: "teams",
      id: (t) => t.id,
      sortKey: sortKeys.team,
      matches: (t, f) => (f.region === undefined || t.region === f.region) && (f.parentId === undefined || t.parentId === f.parentId)
    }),
    tasks: memoryEntityStore(db, {
      entity: "Task",
      table: "tasks",
      id: (t) => t.id,
      sortKey: sortKeys.task,
      matches: (t, f) => any(f.statuses, t.status) && any(f.sources, t.source)
    }),
    ruleInstances: memoryEntityStore(db, {
      entity: "RuleInstance",
      table: "rule_instances",
      id: (r) => r.id,
      sortKey: sortKeys.ruleInstance,
      matches: (r, f) => any(f.statuses, r.status) && any(f.templateIds, r.templateId)
    }),
    customerGroups: memoryEntityStore(db, {
      entity: "CustomerGroup",
      table: "customer_groups",
      id: (g) => g.id,
      sortKey: sortKeys.customerGroup,
      matches: (g, f) => f.validOn === undefined || (g.validFrom <= f.validOn && f.validOn <= g.validUntil)
    }),
    ledger: {
      claim: (entry) =>
        db.op((): ClaimResult => {
          const key = ledgerKey(entry.customerId, entry.period)
          const holder = ledgerRows().get(key)
          if (holder) return { claimed: false, holder }
          db.write("ledger", key, entry)
          return { claimed: true, entry }
        }),
      get: (customerId, period) => db.op(() => ledgerRows().get(ledgerKey(customerId, period))),
      coolingDown: (ids, at) =>
        db.op(() => {
          const wanted = new Set(ids)
          return [...ledgerRows().values()].filter((e) => wanted.has(e.customerId) && e.cooldownUntil > at)
            .sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : a.period < b.period ? -1 : 1))
        }),
      listByPeriod: (period, page) => db.op(() => pageOf(ledgerRows().values(), (e) => e.period === period, sortKeys.ledger, page))
    },
    workItems: {
      ...workItems,
      insertMany: (items) =>
        db.op(() => {
          const rows = db.table<WorkItem>("work_items")
          const seen = new Set<string>()
          for (const w of items) {
            if (rows.has(w.id) || seen.has(w.id)) return Effect.fail(new Conflict({ kind: "already-exists", entity: "WorkItem", id: w.id, reason: "already exists" }))
            seen.add(w.id)
          }
          for (const w of items) db.write("work_items", w.id, w)
          return Effect.void
        }),
      complete: (input) =>
        db.op(() => {
          const rows = db.table<WorkItem>("work_items")
          const found = new Map<string, WorkItem>()
          for (const id of input.ids) {
            const w = rows.get(id)
            if (w) found.set(id, w)
          }
          const plan = planCompletion(found, input)
          if (!plan.ok) return Effect.fail(plan.error)
          for (const w of plan.next) db.write("work_items", w.id, w)
          return Effect.succeed(plan.next)
        }),
      countByState: (f) =>
        db.op(() => {
          const counts = emptyStateCounts()
          for (const w of db.table<WorkItem>("work_items").values()) {
            if ((f.assigneeId === undefined || w.assigneeId === f.assigneeId) && (f.taskId === undefined || w.taskId === f.taskId)) counts[w.state]++
          }
          return counts
        })
    },
    calls: {
      nextSerial: () => db.op(() => formatSerial(db.next("call_serial"))),
      insert: (record) =>
        db.op(() => {
          if (calls().has(record.serialNumber)) return Effect.fail(new Conflict({ kind: "already-exists", entity: "CallRecord", id: record.serialNumber, reason: "already exists" }))
          const ext = record.externalCallId
          if (ext !== undefined && callsByExternal().has(ext)) {
            return Effect.fail(new Conflict({ kind: "already-exists", entity: "CallRecord", id: record.serialNumber, reason: `call-center call ${ext} already has a record` }))
          }
          db.write("calls", record.serialNumber, record)
          if (ext !== undefined) db.write("calls_by_external", ext, record.serialNumber)
          return Effect.succeed(record)
        }),
      get: (serial) =>
        db.op(() => {
          const r = calls().get(serial)
          return r ? Effect.succeed(r) : Effect.fail(new NotFound({ entity: "CallRecord", id: serial }))
        }),
      // The memory database runs one transaction at a time, so the lock the contract asks for is implied.
      findByExternalCallId: (externalCallId) =>
        db.op(() => {
          const serial = callsByExternal().get(externalCallId)
          return serial === undefined ? undefined : calls().get(serial)
        }),
      update: (record) =>
        db.op<CallRecord, NotFound | Conflict>(() => {
          const before = calls().get(record.serialNumber)
          if (!before) return Effect.fail(new NotFound({ entity: "CallRecord", id: record.serialNumber }))
          if (before.customerId !== record.customerId || before.externalCallId !== record.externalCallId) {
            return Effect.fail(new Conflict({ kind: "mismatch", entity: "CallRecord", id: record.serialNumber, reason: "the customer and the call-center call id cannot change" }))
          }
          db.write("calls", record.serialNumber, record)
          return Effect.succeed(record)
        }),
      listByCustomer: (customerId, page) => db.op(() => pageOf(calls().values(), (c) => c.customerId === customerId, sortKeys.callRecord, page))
    },
    dnd: {
      add: (entry) =>
        db.op(() => {
          if (dndRows().has(entry.id)) return Effect.fail(new Conflict({ kind: "already-exists", entity: "DndEntry", id: entry.id, reason: "already exists" }))
          db.write("dnd", entry.id, entry)
          return Effect.succeed(entry)
        }),
      remove: (id, at) =>
        db.op((): Effect.Effect<DndEntry, NotFound | Conflict> => {
          const e = dndRows().get(id)
          if (!e) return Effect.fail(new NotFound({ entity: "DndEntry", id }))
          if (e.removedAt !== null) return Effect.fail(new Conflict({ kind: "wrong-state", entity: "DndEntry", id, reason: `already removed at ${e.removedAt}` }))
          const next = { ...e, removedAt: at }
          db.write("dnd", id, next)
          return Effect.succeed(next)
        }),
      listByCustomer: (customerId) =>
        db.op(() =>
          [...dndRows().values()].filter((e) => e.customerId === customerId)
            .sort((a, b) => (a.createdAt > b.createdAt ? -1 : a.createdAt < b.createdAt ? 1 : a.id < b.id ? -1 : 1))
        ),
      blocked: (ids, channel, at) =>
        db.op(() => {
          const wanted = new Set(ids)
          const out = new Set<string>()
          for (const e of dndRows().values()) if (e.channel === channel && wanted.has(e.customerId) && isDndActive(e, at)) out.add(e.customerId)
          return out as ReadonlySet<string>
        })
    },
    appointments: memoryEntityStore(db, {
      entity: "Appointment",
      table: "appointments",
      id: (a) => a.id,
      sortKey: sortKeys.appointment,
      matches: (a, f) =>
        (f.managerId === undefined || a.managerId === f.managerId) && any(f.managerIds, a.managerId) &&
        (f.customerId === undefined || a.customerId === f.customerId) &&
        any(f.states, a.state) && (f.dueBy === undefined || a.at <= f.dueBy)
    }),
    offers: memoryEntityStore(db, {
      entity: "Offer",
      table: "offers",
      id: (o) => o.id,
      sortKey: sortKeys.offer,
      matches: (o, f) => !f.activeOnly || o.active
    }),
    observations: memoryEntityStore(db, {
      entity: "Observation",
      table: "observations",
      id: (o) => o.id,
      sortKey: sortKeys.observation,
      matches: (o, f) =>
        (f.taskId === undefined || o.taskId === f.taskId) && (f.managerId === undefined || o.managerId === f.managerId) &&
        (f.dueOn === undefined || (o.outcome === null && o.endsOn <= f.dueOn))
    }),
    workPlans: memoryEntityStore<WorkPlan, WorkPlanFilter>(db, {
      entity: "WorkPlan",
      table: "work_plans",
      id: (p) => p.id,
      sortKey: (p) => [p.period.from, p.id],
      matches: (p, f) =>
        (f.period === undefined || p.period.label === f.period) && (f.subjectKind === undefined || p.subjectKind === f.subjectKind) &&
        any(f.subjectIds, p.subjectId) && any(f.statuses, p.status) &&
        (f.inScope === undefined ||
          (p.subjectKind === "agent" && f.inScope.managerIds.includes(p.subjectId)) || (p.teamId !== null && f.inScope.teamIds.includes(p.teamId)))
    }),
    questionnaires: {
      putVersion: (record) =>
        db.op(() => {
          const current = versions().get(record.hash)
          if (current) return current
          db.write("questionnaire_versions", record.hash, record)
          return record
        }),
      getVersion: (hash) =>
        db.op(() => {
          const r = versions().get(hash)
          return r ? Effect.succeed(r) : Effect.fail(new NotFound({ entity: "QuestionnaireVersion", id: hash }))
        }),
      listVersions: (questionnaireId) =>
        db.op(() =>
          [...versions().values()].filter((v) => v.questionnaireId === questionnaireId)
            .sort((a, b) => (a.publishedAt < b.publishedAt ? -1 : a.publishedAt > b.publishedAt ? 1 : a.hash < b.hash ? -1 : 1))
        ),
      responses: memoryEntityStore(db, {
        entity: "Response",
        table: "responses",
        id: (r) => r.id,
        sortKey: sortKeys.response,
        matches: (r, f) =>
          (f.workItemId === undefined || r.workItemId === f.workItemId) && (f.questionnaireId === undefined || r.questionnaireId === f.questionnaireId) &&
          (f.customerId === undefined || r.customerId === f.customerId)
      })
    },
    audit: {
      append: (input) =>
        db.op(() => {
          const head = auditHead()
          const seq = head.seq + 1
          const hash = auditEntryHash(head.hash, seq, input)
          const entry: AuditEntry = { ...input, seq, stream: 0, streamSeq: head.streamSeq + 1, prevHash: head.hash, hash }
          db.write("audit", String(seq), entry)
          const next: AuditStreamHead = { stream: 0, streamSeq: entry.streamSeq, seq, hash }
          db.write("audit_head", "0", next)
          if (seq % auditCheckpointInterval === 0) {
            const latest = auditCheckpoints().get(String(auditCheckpoints().size))
            const c = nextAuditCheckpoint(latest, [next], input.at)
            db.write("audit_checkpoints", String(c.n), c)
          }
          return entry
        }),
      query: (f, page) =>
        db.op(() =>
          pageOf(
            auditRows().values(),
            (e) =>
              (f.from === undefined || e.at >= f.from) && (f.to === undefined || e.at < f.to) && (f.actorId === undefined || e.actorId === f.actorId) && any(f.actorIds, e.actorId) &&
              (f.customerId === undefined || e.customerId === f.customerId) && any(f.categories, e.category),
            sortKeys.audit,
            page
          )
        ),
      verify: () => db.op(() => verifyAuditLog(auditRows().values(), [auditHead()], [...auditCheckpoints().values()]))
    }
  }
}

/**
 * The memory adapter as a layer providing every storage port.
 *
 * @example
 * ```ts
 * import { MemoryStorage } from "@winback/adapters"
 * await Effect.runPromise(program.pipe(Effect.provide(MemoryStorage.layer())))
 * ```
 */
export const MemoryStorage = {
  layer: (): Layer.Layer<StoragePorts> => storesLayer(makeMemoryStores()),
  make: makeMemoryStores
} as const
