/**
 * Manual tasks (DOMAIN §3): an operator imports a list, one `customer_id` or
 * `customer_id,agent_id` per line. Lines with an agent go to that agent; the rest are spread evenly
 * (round robin, in file order) over the agents the operator picks. The import is all-or-nothing:
 * the file is streamed and checked line by line, and if any line is bad NOTHING is written and
 * every bad line is reported with its number and reason (a `ValidationError` whose issues have
 * the path `["line", n]` and a reason code).
 *
 * Imports go through the hand-out ledger like extraction (DOMAIN §5): a valid line for a customer
 * already handed out — in this period, within a cool-down, with an item of this task still open —
 * is skipped and reported per line with the constraint, and the rest imports; a leader may pass
 * `override: { reason }` (permission `task.import-override`) to import them anyway, audited per
 * line. A customer holding open work with another agent is always skipped (one agent per
 * customer's open work); a line without an agent goes to the agent already holding the customer.
 * The ledger claim is atomic on its unique key: of two concurrent imports of one customer exactly
 * one hands them out.
 */
import { Clock, Context, Effect, Layer } from "effect"
import * as z from "zod"
import type { Actor } from "../org/Actor"
import { roundRobin } from "./Assignment"
import { claimLedger, openWorkHolder, openWorkOf } from "./BulkClaims"
import { AuditTrail } from "../audit/AuditTrail"
import { Conflict, type Forbidden, type Issue, type NotFound, type StorageError, ValidationError } from "../shared/Errors"
import { Actions, decide, Permissions, scopeFor } from "../org/Permissions"
import { WorkConfig } from "../work/WorkConfig"
import { Id } from "../shared/Primitives"
import type { HandOutLedgerEntry } from "./HandOutLedger"
import { CustomerStore } from "../customer/CustomerStore"
import { DndStore } from "../work/DndStore"
import { HandOutLedgerStore } from "./HandOutLedgerStore"
import { ManagerStore } from "../org/ManagerStore"
import { TaskStore } from "./TaskStore"
import { Transactions } from "../ports/Transactions"
import { WorkItemStore } from "../work/WorkItemStore"
import { canonicalColumn, CsvEncoding, type CsvSource, ProblemList, readCsv } from "../shared/CsvReader"
import { customerScopeFilter } from "../org/Scope"
import { decode } from "../shared/Validation"
import { newWorkItem, type WorkItem } from "../work/WorkItem"
import { serviceLayer } from "../shared/ServiceLayer"

/**
 * The reason codes of a bad line.
 *
 * @example
 * ```ts
 * const code: ImportProblemCode = "unknown-customer"
 * ```
 */
export type ImportProblemCode = "malformed" | "duplicate-line" | "unknown-customer" | "unknown-agent" | "agent-out-of-scope" | "dnd"

/**
 * Why a valid line was not imported (or, with an override, imported anyway):
 * - `dedup-period`: the customer was already handed out in this period (by any task or import);
 * - `dedup-cooldown`: handed out in an earlier period, cool-down still running;
 * - `open-in-task`: the customer's item in this task is still open;
 * - `open-with-another-agent`: the customer holds open work with another agent (never overridden).
 *
 * @example
 * ```ts
 * const reason: ImportSkipReason = "dedup-cooldown"
 * ```
 */
export type ImportSkipReason = "dedup-period" | "dedup-cooldown" | "open-in-task" | "open-with-another-agent"

/**
 * One line the dedup rules held back (`skipped`) or let through under an override (`overridden`).
 * The message names the constraint only, never another task, agent or period.
 *
 * @example
 * ```ts
 * const s: ImportLineReport = { line: 4, customerId: "c-9", reason: "dedup-period", message: "line 4: customer c-9 was already handed out in period 2026-11-25" }
 * ```
 */
export interface ImportLineReport {
  readonly line: number
  readonly customerId: string
  readonly reason: ImportSkipReason
  readonly message: string
}

/**
 * An import request. `agentIds`: the agents lines without an agent are spread over. `period`: the
 * dedup period the lines are handed out in (default: the day of the import, UTC — extraction's
 * default period). `override`: import lines for customers already handed out anyway, with a
 * reason (needs `task.import-override`; audited per line).
 *
 * @example
 * ```ts
 * ManualImportRequest.parse({ taskId: "task-vip-callback", agentIds: ["m-1", "m-2"] })
 * ManualImportRequest.parse({ taskId: "task-vip-callback", override: { reason: "customer asked for a second call this week" } })
 * ```
 */
export const ManualImportRequest = z
  .object({
    taskId: Id,
    agentIds: z.array(Id).max(10_000).default([]),
    /** Check only: report what would be imported, write nothing. */
    dryRun: z.boolean().default(false),
    period: z.string().min(1).max(20).optional(),
    override: z.object({ reason: z.string().trim().min(1).max(1000) }).strict().optional(),
    /** The file's encoding when it is given as bytes (default `auto`: a BOM, else strict UTF-8). */
    encoding: CsvEncoding.default("auto")
  })
  .strict()
/** @see {@link ManualImportRequest} */
export type ManualImportRequest = z.input<typeof ManualImportRequest>

/**
 * What an import did (or, with `dryRun`, would do).
 *
 * @example
 * ```ts
 * const r = yield* imports.importCsv(leader, { taskId, agentIds: ["m-1", "m-2"] }, csvText)
 * r.perAgent // { "m-1": 50, "m-2": 50 }
 * ```
 */
export interface ManualImportReport {
  readonly importId: string
  readonly taskId: string
  /** The dedup period the items were handed out in. */
  readonly period: string
  /** Lines read (blank lines and a header line included). */
  readonly lines: number
  readonly items: number
  readonly perAgent: Readonly<Record<string, number>>
  /** Valid lines not imported because the customer was already handed out, in line order. */
  readonly skipped: ReadonlyArray<ImportLineReport>
  /** Lines imported under the request's override although a dedup constraint held, in line order. */
  readonly overridden: ReadonlyArray<ImportLineReport>
  readonly dryRun: boolean
}

/** One parsed line. */
interface Line {
  readonly no: number
  readonly customerId: string
  readonly agentId: string | null
}

/**
 * Header names a manual import list may use (besides `customer_id` and `agent_id` in any case,
 * camelCase or with spaces: `customerId`, `Customer ID`): the column names of Chinese call-center
 * exports.
 *
 * @example
 * ```ts
 * manualImportHeaderAliases["客户编号"] // "customer_id"
 * ```
 */
export const manualImportHeaderAliases: Readonly<Record<string, "customer_id" | "agent_id">> = {
  客户编号: "customer_id",
  客户id: "customer_id",
  客户号: "customer_id",
  agent: "agent_id",
  manager_id: "agent_id",
  坐席工号: "agent_id",
  坐席编号: "agent_id",
  客户经理编号: "agent_id"
}

// No whitespace, commas, quotes or control characters: a NUL in an id is refused by PostgreSQL
// (a StorageError naming no line), so it must be a malformed line here, on every adapter.
const idPattern = /^[^\s,"\u0000-\u001f\u007f]{1,200}$/

/**
 * Reads a header row: the index of `customer_id` and of `agent_id` (or -1), or the issue of a bad
 * header. Undefined when the row is not a header (its first field is no customer-id column name).
 *
 * @example
 * ```ts
 * readImportHeader(1, ["客户编号", "坐席工号"]) // { customer: 0, agent: 1 }
 * readImportHeader(1, ["c-1", "m-2"])           // undefined: a data line
 * ```
 */
export const readImportHeader = (no: number, fields: ReadonlyArray<string>): { readonly customer: number; readonly agent: number } | Issue | undefined => {
  const names = fields.map((f) => canonicalColumn(f, manualImportHeaderAliases))
  if (!names.includes("customer_id")) return undefined
  for (const [i, n] of names.entries()) {
    if (n !== "customer_id" && n !== "agent_id") return { path: ["line", no], code: "malformed", message: `line ${no}: '${fields[i]!.slice(0, 40)}' is not a column of an import list (customer_id, agent_id)` }
    if (names.indexOf(n) !== i) return { path: ["line", no], code: "malformed", message: `line ${no}: column ${n} appears twice` }
  }
  return { customer: names.indexOf("customer_id"), agent: names.indexOf("agent_id") }
}

/**
 * Parses one record: `customer_id` or `customer_id,agent_id` (or the columns a header named),
 * fields already unquoted and trimmed. An issue for a malformed record.
 *
 * @example
 * ```ts
 * parseImportLine(3, ["c-1", "m-2"]) // { no: 3, customerId: "c-1", agentId: "m-2" }
 * ```
 */
export const parseImportLine = (
  no: number,
  fields: ReadonlyArray<string>,
  columns: { readonly customer: number; readonly agent: number } = { customer: 0, agent: 1 },
  width = 2
): { readonly no: number; readonly customerId: string; readonly agentId: string | null } | Issue => {
  if (fields.length > width) return { path: ["line", no], code: "malformed", message: `line ${no}: expected ${width === 2 ? "customer_id or customer_id,agent_id" : `${width} field(s) like the header`}, got ${fields.length} fields` }
  const customerId = fields[columns.customer] ?? ""
  const agent = columns.agent === -1 ? "" : (fields[columns.agent] ?? "")
  if (!idPattern.test(customerId)) return { path: ["line", no], code: "malformed", message: `line ${no}: '${customerId.slice(0, 40)}' is not a customer id` }
  if (agent !== "" && !idPattern.test(agent)) return { path: ["line", no], code: "malformed", message: `line ${no}: '${agent.slice(0, 40)}' is not an agent id` }
  return { no, customerId, agentId: agent === "" ? null : agent }
}

const skipWhy: Record<ImportSkipReason, (period: string) => string> = {
  "dedup-period": (period) => `was already handed out in period ${period}`,
  "dedup-cooldown": () => "was handed out earlier and the cool-down is still running",
  "open-in-task": () => "still has an open item in this task",
  "open-with-another-agent": () => "holds open work with another agent"
}

const isIssue = (x: unknown): x is Issue => typeof x === "object" && x !== null && "code" in x && "path" in x

/**
 * The manual-import service.
 *
 * @example
 * ```ts
 * const imports = yield* ManualImport
 * const report = yield* imports.importCsv(leader, { taskId: "task-vip", agentIds: ["m-1", "m-2"] }, "c-1\nc-2,m-3\n")
 * ```
 */
export class ManualImport extends Context.Service<
  ManualImport,
  {
    readonly importCsv: (
      actor: Actor,
      request: ManualImportRequest,
      source: CsvSource
    ) => Effect.Effect<ManualImportReport, ValidationError | NotFound | Conflict | Forbidden | StorageError>
  }
>()("@winback/core/ManualImport") {
  /**
   * The live implementation.
   *
   * @example
   * ```ts
   * ManualImport.layer.pipe(Layer.provide(scopeLayer(defaultPolicy)), Layer.provide(storesLayer(stores)))
   * ```
   */
  static readonly layer: Layer.Layer<ManualImport, never, Transactions | TaskStore | CustomerStore | ManagerStore | DndStore | WorkItemStore | HandOutLedgerStore | Permissions | AuditTrail> = serviceLayer(
    ManualImport,
    { tx: Transactions, tasks: TaskStore, customers: CustomerStore, managers: ManagerStore, dnd: DndStore, workItems: WorkItemStore, ledger: HandOutLedgerStore, perms: Permissions, trail: AuditTrail },
    ({ tx, tasks, customers, managers, dnd, workItems, ledger, perms, trail }) => Effect.gen(function* () {
      const importCsv = Effect.fn("ManualImport.importCsv")(function* (actor: Actor, input: ManualImportRequest, source: CsvSource) {
        const req = yield* decode(ManualImportRequest, input, "import request")
        yield* perms.require(actor, Actions.taskImport, { type: "none" })
        if (req.override) yield* perms.require(actor, Actions.taskImportOverride, { type: "none" })
        const task = yield* tasks.get(req.taskId)
        if (task.source !== "manual") return yield* new Conflict({ kind: "not-applicable", entity: "Task", id: task.id, reason: `only manual tasks take imports; this one is ${task.source}` })
        if (task.status !== "active") return yield* new Conflict({ kind: "wrong-state", entity: "Task", id: task.id, reason: `the task is ${task.status}; imports go into active tasks` })
        const config = yield* WorkConfig
        const nowMs = yield* Clock.currentTimeMillis
        const at = new Date(nowMs).toISOString()

        const issues = new ProblemList()
        const agentTeam = new Map<string, string | null>()
        const agentProblem = new Map<string, { code: ImportProblemCode; why: string }>()
        /** Checks agents once each: known, active, and someone the actor may hand work to. */
        const checkAgents = (ids: ReadonlyArray<string>) =>
          Effect.gen(function* () {
            const fresh = [...new Set(ids)].filter((a) => !agentTeam.has(a) && !agentProblem.has(a))
            if (fresh.length === 0) return
            const found = new Map((yield* managers.getMany(fresh)).map((m) => [m.id, m]))
            for (const a of fresh) {
              const m = found.get(a)
              if (!m || !m.active) {
                agentProblem.set(a, { code: "unknown-agent", why: m ? `agent ${a} is not active` : `agent ${a} is unknown` })
                continue
              }
              // The operator's import reach decides whom they may hand work to (a leader: their team).
              const d = decide(perms.policy, actor, Actions.taskImport, { type: "manager", manager: { id: a } })
              if (!d.allowed) agentProblem.set(a, { code: "agent-out-of-scope", why: `agent ${a} is outside ${actor.id}'s scope` })
              else agentTeam.set(a, m.teamId)
            }
          })

        // Scope check: a line reaches only the customers in the importer's import reach (the query
        // carries the scope); unknown and out of scope read alike, so a refusal reveals no existence.
        const importReach = scopeFor(perms.policy, actor, Actions.taskImport)
        const importable = (ids: ReadonlyArray<string>) =>
          Effect.gen(function* () {
            if (importReach === undefined) return new Set<string>()
            const inScope = customerScopeFilter(importReach.scope)
            const found = inScope === undefined ? yield* customers.getMany(ids) : (yield* customers.list({ ids, inScope }, { limit: ids.length })).items
            return new Set(found.map((c) => c.id))
          })

        yield* checkAgents(req.agentIds)
        req.agentIds.forEach((a, i) => {
          const p = agentProblem.get(a)
          if (p) issues.add({ path: ["agentIds", i], code: p.code, message: p.why })
        })

        const accepted: Array<Line> = []
        const seen = new Map<string, number>()
        let pending: Array<Line> = []
        let lines = 0
        const flush = Effect.gen(function* () {
          const batch = pending
          pending = []
          if (batch.length === 0) return
          const known = yield* importable(batch.map((l) => l.customerId))
          const blocked = yield* dnd.blocked(
            batch.map((l) => l.customerId),
            task.channel,
            at
          )
          yield* checkAgents(batch.flatMap((l) => (l.agentId ? [l.agentId] : [])))
          for (const l of batch) {
            const problems: Array<[ImportProblemCode, string]> = []
            if (!known.has(l.customerId)) problems.push(["unknown-customer", `customer ${l.customerId} is unknown or outside your scope`])
            else if (blocked.has(l.customerId)) problems.push(["dnd", `customer ${l.customerId} is on do-not-disturb for ${task.channel}`])
            const ap = l.agentId ? agentProblem.get(l.agentId) : undefined
            if (ap) problems.push([ap.code, ap.why])
            for (const [code, why] of problems) issues.add({ path: ["line", l.no], code, message: `line ${l.no}: ${why}` })
            if (problems.length === 0) accepted.push(l)
          }
        })

        let header: { readonly customer: number; readonly agent: number; readonly width: number } | undefined
        let first = true
        const iterator = readCsv(source, { encoding: req.encoding })[Symbol.asyncIterator]()
        for (;;) {
          const next = yield* Effect.tryPromise({
            try: () => iterator.next(),
            catch: (e) => new ValidationError({ subject: "CSV import", issues: [{ path: [], code: "unreadable", message: `the file could not be read: ${String(e)}` }] })
          })
          if (next.done) break
          const record = next.value
          lines = record.line
          if (!("fields" in record)) {
            issues.add({ path: ["line", record.line], code: record.code, message: record.message })
            continue
          }
          if (first) {
            first = false
            const h = readImportHeader(record.line, record.fields)
            if (h !== undefined) {
              if (isIssue(h)) issues.add(h)
              else header = { ...h, width: record.fields.length }
              continue
            }
          }
          const parsed = header ? parseImportLine(record.line, record.fields, header, header.width) : parseImportLine(record.line, record.fields)
          if (isIssue(parsed)) {
            issues.add(parsed)
            continue
          }
          const no = parsed.no
          const earlier = seen.get(parsed.customerId)
          if (earlier !== undefined) {
            issues.add({ path: ["line", no], code: "duplicate-line", message: `line ${no}: customer ${parsed.customerId} is already on line ${earlier}` })
            continue
          }
          seen.set(parsed.customerId, no)
          pending.push(parsed)
          if (pending.length >= 1000) yield* flush
        }
        yield* flush

        const unassigned = accepted.filter((l) => l.agentId === null)
        if (unassigned.length > 0 && req.agentIds.length === 0) {
          issues.add({ path: ["agentIds"], code: "missing-agents", message: `${unassigned.length} line(s) have no agent: pick the agents to spread them over` })
        }
        if (issues.total > 0) {
          const listed = issues.report((a, b) => (a.path[0] === b.path[0] ? Number(a.path[1] ?? 0) - Number(b.path[1] ?? 0) : a.path[0] === "line" ? 1 : -1))
          return yield* Effect.fail(new ValidationError({ subject: `CSV import into ${task.id} (${issues.total} problem(s), nothing imported)`, issues: listed }))
        }

        // Dedup (DOMAIN §5): what the ledger and the customers' open work say about each line.
        const period = req.period ?? at.slice(0, 10)
        const importId = `imp:${nowMs.toString(36)}`
        const ids = accepted.map((l) => l.customerId)
        const open = yield* openWorkOf(workItems, ids)
        const handedOut = new Map<string, HandOutLedgerEntry>()
        for (let i = 0; i < ids.length; i += 1000) {
          for (const e of yield* ledger.coolingDown(ids.slice(i, i + 1000), at)) {
            if (e.period === period || !handedOut.has(e.customerId)) handedOut.set(e.customerId, e)
          }
        }
        yield* checkAgents([...new Set(accepted.flatMap((l) => (l.agentId !== null ? [] : [openWorkHolder(open.get(l.customerId))])))].filter((a): a is string => a !== null))
        const skipped: Array<ImportLineReport> = []
        const overridden = new Map<number, ImportLineReport>()
        const lineReport = (l: Line, reason: ImportSkipReason): ImportLineReport => ({ line: l.no, customerId: l.customerId, reason, message: `line ${l.no}: customer ${l.customerId} ${skipWhy[reason](period)}` })
        const going: Array<Line & { readonly assigneeId: string | null }> = []
        for (const l of accepted) {
          const mine = open.get(l.customerId)
          const holder = openWorkHolder(mine)
          // One agent per customer's open work: a line without an agent follows the holder.
          const routed = l.agentId ?? (holder !== null && agentTeam.has(holder) ? holder : null)
          if (holder !== null && routed !== holder) {
            skipped.push(lineReport(l, "open-with-another-agent"))
            continue
          }
          const prior = handedOut.get(l.customerId)
          const reason: ImportSkipReason | null = mine?.some((w) => w.taskId === task.id)
            ? "open-in-task"
            : prior === undefined
              ? null
              : prior.period === period
                ? "dedup-period"
                : "dedup-cooldown"
          if (reason !== null && !req.override) {
            skipped.push(lineReport(l, reason))
            continue
          }
          if (reason !== null) overridden.set(l.no, lineReport(l, reason))
          going.push({ ...l, assigneeId: routed })
        }

        const spread = roundRobin(going.filter((l) => l.assigneeId === null).length, req.agentIds)
        let k = 0
        const planned = going.map((l) => {
          const assigneeId = l.assigneeId ?? spread[k++]!
          return {
            line: l,
            ledger: { customerId: l.customerId, period, taskId: task.id, urgency: task.urgency, runId: importId, handedOutAt: at, cooldownUntil: new Date(nowMs + task.cooldownDays * 86_400_000).toISOString() },
            item: newWorkItem({
              id: `wi:${task.id}:${importId}:${l.customerId}`,
              taskId: task.id,
              customerId: l.customerId,
              assigneeId,
              teamId: agentTeam.get(assigneeId) ?? null,
              channel: task.channel,
              urgency: task.urgency,
              period: importId,
              at
            })
          }
        })
        const reportOf = (items: ReadonlyArray<WorkItem>, lost: ReadonlyArray<ImportLineReport>): ManualImportReport => {
          const perAgent: Record<string, number> = {}
          for (const w of items) perAgent[w.assigneeId!] = (perAgent[w.assigneeId!] ?? 0) + 1
          return {
            importId,
            taskId: task.id,
            period,
            lines,
            items: items.length,
            perAgent,
            skipped: [...skipped, ...lost].sort((a, b) => a.line - b.line),
            overridden: [...overridden.values()],
            dryRun: req.dryRun
          }
        }
        if (req.dryRun) return reportOf(planned.map((p) => p.item), [])
        return yield* tx.transaction(
          Effect.gen(function* () {
            // The claim on the ledger's unique key decides races with concurrent imports and
            // extractions: a line whose claim another hand-out won is skipped (unless overridden).
            const won = yield* claimLedger(
              ledger,
              planned.map((p) => p.ledger),
              config.writeBatch
            )
            const kept = planned.filter((p) => won.has(p.line.customerId) || overridden.has(p.line.no))
            const lost = planned.filter((p) => !won.has(p.line.customerId) && !overridden.has(p.line.no)).map((p) => lineReport(p.line, "dedup-period"))
            const items = kept.map((p) => p.item)
            for (let i = 0; i < items.length; i += config.writeBatch) yield* workItems.insertMany(items.slice(i, i + config.writeBatch))
            const report = reportOf(items, lost)
            const skippedBy: Record<string, number> = {}
            for (const x of report.skipped) skippedBy[x.reason] = (skippedBy[x.reason] ?? 0) + 1
            yield* trail.record(actor, {
              action: "task.import",
              category: "task",
              recordType: "Task",
              recordId: task.id,
              customerId: null,
              before: null,
              after: { importId, period, lines, items: items.length, perAgent: report.perAgent, skipped: skippedBy, overridden: report.overridden.length },
              ...(req.override ? { note: req.override.reason } : {})
            })
            for (const p of kept) {
              const o = overridden.get(p.line.no)
              if (o === undefined) continue
              yield* trail.record(actor, {
                action: "task.import-override",
                category: "task",
                recordType: "WorkItem",
                recordId: p.item.id,
                customerId: p.item.customerId,
                before: null,
                after: { taskId: task.id, importId, period, line: o.line, constraint: o.reason, assigneeId: p.item.assigneeId },
                note: req.override!.reason
              })
            }
            return report
          })
        )
      })
      return ManualImport.of({ importCsv })
    })
  )
}
