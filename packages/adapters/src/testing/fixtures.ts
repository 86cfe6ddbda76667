/**
 * Record factories for the conformance suite: valid records of every aggregate, made unique by a
 * per-test prefix so tests sharing one database never see each other's rows.
 */
import type {
  Appointment,
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
import { newWorkItem } from "@winback/core"
import { billDrop, instantiate, type Rule, type RuleInstance } from "@winback/rules"

let counter = 0
/** A prefix no other test of this process uses. */
export const uniquePrefix = (label = "t"): string => `${label}${(++counter).toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`

/** An instant `minutes` after a fixed base, in canonical form. */
export const at = (minutes: number): string => new Date(Date.UTC(2026, 10, 22, 6, 0, 0) + minutes * 60_000).toISOString()

/** A customer. */
export const customer = (id: string, over: Partial<Customer> = {}): Customer => ({
  id,
  name: `Customer ${id}`,
  phones: ["+8613800000000"],
  region: "beijing",
  tier: "gold",
  lineStatus: "active",
  paymentType: "postpaid",
  contractEnd: "2027-01-31",
  birthday: "1985-03-02",
  activatedOn: "2019-06-01",
  ownerManagerId: null,
  preferredChannel: "phone",
  tariffSensitivity: "medium",
  creditLevel: "A",
  timeZone: "Asia/Shanghai",
  version: 1,
  ...over
})

/** A manager. */
export const manager = (id: string, over: Partial<Manager> = {}): Manager => ({
  id,
  name: `Manager ${id}`,
  roles: ["agent"],
  teamId: null,
  region: "beijing",
  active: true,
  profile: { email: null, phone: null, trainingRecords: [], workHistory: [] },
  version: 1,
  ...over
})

/** A team. */
export const team = (id: string, over: Partial<Team> = {}): Team => ({
  id,
  name: `Team ${id}`,
  region: "beijing",
  parentId: null,
  adminId: "admin",
  version: 1,
  ...over
})

/** A manual task. */
export const task = (id: string, over: Partial<Task> = {}): Task =>
  ({
    id,
    name: `Task ${id}`,
    description: "",
    type: "retention-callback",
    urgency: 3,
    channel: "phone",
    target: "",
    region: null,
    executionWindow: { from: "09:00", to: "20:00" },
    cycle: "daily",
    startsOn: "2026-11-01",
    expiresOn: null,
    skipHolidays: true,
    questionnaireVersion: null,
    smsTemplateId: null,
    knowledgeLinks: [],
    cooldownDays: 30,
    status: "draft",
    authorId: "author",
    approvals: [],
    createdAt: at(0),
    updatedAt: at(0),
    version: 1,
    source: "manual",
    ...over
  }) as Task

/**
 * A rule instance version: its `definition` is the rules package's `RuleInstance` made of the
 * record's own fields and `rule` (default: the bill-drop template at 30%).
 */
export const ruleInstance = (id: string, over: Partial<Omit<RuleInstanceRecord, "definition">> & { readonly rule?: Rule } = {}): RuleInstanceRecord => {
  const { rule, ...fields } = over
  const from = rule === undefined ? instantiate(billDrop, { dropPercent: 30 }) : undefined
  const r = {
    id,
    ruleId: id.split("@")[0]!,
    versionNo: 1,
    templateId: "bill-drop",
    name: `Rule ${id}`,
    status: "draft" as const,
    authorId: "author",
    approvedBy: null,
    effectiveFrom: null,
    effectiveUntil: null,
    createdAt: at(0),
    version: 1,
    ...fields
  }
  const definition: RuleInstance = {
    id: r.ruleId,
    version: r.versionNo,
    name: r.name,
    status: r.status,
    templateId: from ? from.templateId : r.templateId,
    templateVersion: from ? from.templateVersion : null,
    params: from ? { ...from.params } : null,
    rule: from ? from.rule : rule!,
    authorId: r.authorId,
    createdAt: r.createdAt,
    submittedAt: null,
    approverId: r.approvedBy,
    approvedAt: null,
    retiredAt: null,
    effectiveFrom: r.effectiveFrom,
    effectiveTo: r.effectiveUntil,
    rejection: null
  }
  return { ...r, definition }
}

/** A customer group. */
export const customerGroup = (id: string, over: Partial<CustomerGroup> = {}): CustomerGroup => ({
  id,
  name: `Group ${id}`,
  kind: "import",
  ruleInstanceId: null,
  memberIds: ["c1", "c2"],
  validFrom: "2026-11-01",
  validUntil: "2026-11-30",
  createdBy: "author",
  createdAt: at(0),
  version: 1,
  ...over
})

/** A work item. */
export const workItem = (id: string, over: Partial<WorkItem> = {}): WorkItem => ({
  ...newWorkItem({ id, taskId: "task-1", customerId: "cust-1", assigneeId: "m-1", teamId: "team-1", channel: "phone", urgency: 3, period: "2026-11-22", at: at(0) }),
  ...over
})

/** A ledger entry. */
export const ledgerEntry = (customerId: string, over: Partial<HandOutLedgerEntry> = {}): HandOutLedgerEntry => ({
  customerId,
  period: "2026-11-22",
  taskId: "task-1",
  urgency: 3,
  runId: "run-1",
  handedOutAt: at(0),
  cooldownUntil: at(30 * 24 * 60),
  ...over
})

/** A DND entry. */
export const dndEntry = (id: string, over: Partial<DndEntry> = {}): DndEntry => ({
  id,
  customerId: "cust-1",
  channel: "phone",
  reason: "asked not to be called",
  source: "agent",
  createdBy: "m-1",
  createdAt: at(0),
  expiresAt: null,
  removedAt: null,
  ...over
})

/** An appointment. */
export const appointment = (id: string, over: Partial<Appointment> = {}): Appointment => ({
  id,
  customerId: "cust-1",
  managerId: "m-1",
  workItemId: null,
  at: at(60),
  channel: "phone",
  note: "",
  state: "booked",
  createdAt: at(0),
  version: 1,
  ...over
})

/** An offer. */
export const offer = (id: string, over: Partial<Offer> = {}): Offer => ({
  id,
  name: `Offer ${id}`,
  kind: "bonus-credit",
  cost: 50,
  description: "",
  active: true,
  requiresApproval: false,
  version: 1,
  ...over
})

/** An observation. */
export const observation = (id: string, over: Partial<Observation> = {}): Observation => ({
  id,
  workItemId: "wi-1",
  customerId: "cust-1",
  taskId: "task-1",
  managerId: "m-1",
  teamId: "team-1",
  startedOn: "2026-11-22",
  endsOn: "2026-12-22",
  statusAtStart: "active",
  billBefore: 95,
  statusAtEnd: null,
  billAfter: null,
  outcome: null,
  evaluatedAt: null,
  version: 1,
  ...over
})

/** A questionnaire response. */
export const response = (id: string, over: Partial<ResponseRecord> = {}): ResponseRecord => ({
  id,
  versionHash: "hash-00000001",
  questionnaireId: "retention-callback",
  workItemId: "wi-1",
  customerId: "cust-1",
  answers: { q1: "price" },
  completed: true,
  savedAt: at(5),
  savedBy: "m-1",
  version: 1,
  ...over
})

/** A call record. */
export const callRecord = (serialNumber: string, over: Partial<CallRecord> = {}): CallRecord => ({
  serialNumber,
  customerId: "cust-1",
  managerId: "m-1",
  startedAt: at(0),
  endedAt: at(4),
  disposition: "completed",
  workItemIds: [],
  recordingUri: null,
  ...over
})
