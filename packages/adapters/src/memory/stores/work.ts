/**
 * The work aggregate in memory: work items with their completion, call records, do-not-disturb
 * entries and appointments.
 */
import { Effect } from "effect"
import { type CallRecord, Conflict, type Customer, type DndEntry, type DndListFilter, dndStatusAt, isDndActive, NotFound, type Stores, type WorkItem } from "@winback/core"
import { foldAscii } from "../../internal/dndSearch"
import { emptyStateCounts, formatSerial, planCompletion } from "../../internal/completion"
import { sortKeys } from "../../internal/sortKeys"
import { matchesList, memoryEntityStore, pageOf } from "../entityStore"
import type { MemoryDb } from "../MemoryDb"
import { inCustomerScope, openWorkCustomers } from "./customer"

/**
 * The in-memory `workItems`, `calls`, `dnd` and `appointments` stores over `db` (composed by {@link makeMemoryStores}).
 *
 * @example
 * ```ts
 * const { workItems } = workStores(new MemoryDb())
 * await Effect.runPromise(workItems.list({ assigneeId: "m-1", states: ["open"] }))
 * ```
 */
export const workStores = (db: MemoryDb): Pick<Stores, "workItems" | "calls" | "dnd" | "appointments"> => {
  const workItems = memoryEntityStore<WorkItem, import("@winback/core").WorkItemFilter>(db, {
    entity: "WorkItem",
    table: "work_items",
    sortKey: sortKeys.workItem,
    matches: (w, f) =>
      (f.assigneeId === undefined || w.assigneeId === f.assigneeId) && (f.customerId === undefined || w.customerId === f.customerId) &&
      (f.customerIds === undefined || f.customerIds.includes(w.customerId)) &&
      (f.taskId === undefined || w.taskId === f.taskId) && (f.teamIds === undefined || (w.teamId !== null && f.teamIds.includes(w.teamId))) &&
      matchesList(f.states, w.state) && (f.unassigned !== true || w.assigneeId === null) &&
      (f.readyAt === undefined || w.nextAttemptAt === null || w.nextAttemptAt <= f.readyAt) &&
      (f.inScope === undefined ||
        (w.assigneeId !== null && f.inScope.assigneeIds.includes(w.assigneeId)) || (w.teamId !== null && f.inScope.teamIds.includes(w.teamId)))
  })
  const dndRows = () => db.table<DndEntry>("dnd")
  /** The entry matcher of a DND list: the entry's own fields, then its customer's scope and search. */
  const dndMatcher = (f: DndListFilter) => {
    const customers = db.table<Customer>("customers")
    const held = openWorkCustomers(db, f.inScope?.openWorkOf)
    const reason = f.reason === undefined ? undefined : foldAscii(f.reason)
    const q = f.customer === undefined ? undefined : foldAscii(f.customer)
    const customerOk = (c: Customer | undefined) =>
      c !== undefined && (f.inScope === undefined || inCustomerScope(c, f.inScope, held)) &&
      (q === undefined || foldAscii(c.name).includes(q) || c.phones.some((p) => p.includes(q)))
    return (e: DndEntry) =>
      matchesList(f.channels, e.channel) && matchesList(f.sources, e.source) && matchesList(f.customerIds, e.customerId) &&
      (reason === undefined || foldAscii(e.reason).includes(reason)) &&
      (f.status === undefined || dndStatusAt(e, f.at ?? "") === f.status) &&
      (f.inScope === undefined && q === undefined ? true : customerOk(customers.get(e.customerId)))
  }
  const calls = () => db.table<CallRecord>("calls")
  const callsByExternal = () => db.table<string>("calls_by_external")

  return {
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
      list: (filter, page) => db.op(() => pageOf(dndRows().values(), dndMatcher(filter), sortKeys.dndEntry, page, true)),
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
      sortKey: sortKeys.appointment,
      matches: (a, f) =>
        (f.managerId === undefined || a.managerId === f.managerId) && matchesList(f.managerIds, a.managerId) &&
        (f.customerId === undefined || a.customerId === f.customerId) &&
        matchesList(f.states, a.state) && (f.dueBy === undefined || a.at <= f.dueBy) && (f.dueFrom === undefined || a.at >= f.dueFrom)
    })
  }
}
