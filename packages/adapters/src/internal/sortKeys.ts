/**
 * The documented order of every list, as sort keys (ascending unless the key says otherwise). The SQL stores order by the same columns.
 */
import type {
  Appointment,
  AuditEntry,
  CallRecord,
  Customer,
  CustomerGroup,
  DndEntry,
  HandOutLedgerEntry,
  Manager,
  Observation,
  Offer,
  ResponseRecord,
  RuleInstanceRecord,
  Task,
  Team,
  WorkItem
} from "@winback/core"
import type { SortKey } from "./keyset"

/** Sort keys per aggregate (all ascending; the last element is the unique id). */
export const sortKeys = {
  customer: (c: Customer): SortKey => [c.id],
  manager: (m: Manager): SortKey => [m.id],
  team: (t: Team): SortKey => [t.id],
  task: (t: Task): SortKey => [t.urgency, t.id],
  ruleInstance: (r: RuleInstanceRecord): SortKey => [r.id],
  customerGroup: (g: CustomerGroup): SortKey => [g.id],
  workItem: (w: WorkItem): SortKey => [w.urgency, w.createdAt, w.id],
  appointment: (a: Appointment): SortKey => [a.at, a.id],
  offer: (o: Offer): SortKey => [o.id],
  observation: (o: Observation): SortKey => [o.endsOn, o.id],
  response: (r: ResponseRecord): SortKey => [r.id],
  ledger: (e: HandOutLedgerEntry): SortKey => [e.customerId],
  audit: (e: AuditEntry): SortKey => [e.seq],
  callRecord: (c: CallRecord): SortKey => [c.startedAt, c.serialNumber],
  /** DND lists run newest first: this key, descending. */
  dndEntry: (e: DndEntry): SortKey => [e.createdAt, e.id]
} as const
