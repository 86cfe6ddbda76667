/**
 * Manual tasks (DOMAIN §3): an operator imports a list, one `customer_id` or
 * `customer_id,agent_id` per line. Lines with an agent go to that agent; the rest are spread evenly
 * (round robin, in file order) over the agents the operator picks. The import is all-or-nothing:
 * the file is streamed and checked line by line, and if any line is bad NOTHING is written and
 * every bad line is reported with its number and reason (a `ValidationError` whose issues have
 * the path `["line", n]` and a reason code).
 */
import { Clock, Context, Effect, Layer } from "effect"
import { z } from "zod"
import type { Actor } from "./Actor"
import { roundRobin } from "./Assignment"
import { AuditTrail } from "./AuditTrail"
import { Conflict, type Forbidden, type Issue, type NotFound, type StorageError, ValidationError } from "./Errors"
import { decide, Permissions, scopeFor } from "./Permissions"
import { PipelineConfig } from "./PipelineConfig"
import { PipelineActions } from "./PipelinePolicy"
import { Id } from "./Primitives"
import { CustomerStore, DndStore, ManagerStore, TaskStore, Transactions, WorkItemStore } from "./ports/Storage"
import { customerScopeFilter } from "./Scope"
import { decode } from "./Validation"
import { newWorkItem, type WorkItem } from "./WorkItem"

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
 * An import request. `agentIds`: the agents lines without an agent are spread over.
 *
 * @example
 * ```ts
 * ManualImportRequest.parse({ taskId: "task-vip-callback", agentIds: ["m-1", "m-2"] })
 * ```
 */
export const ManualImportRequest = z
  .object({
    taskId: Id,
    agentIds: z.array(Id).max(10_000).default([]),
    /** Check only: report what would be imported, write nothing. */
    dryRun: z.boolean().default(false)
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
  /** Lines read (blank lines and a header line included). */
  readonly lines: number
  readonly items: number
  readonly perAgent: Readonly<Record<string, number>>
  readonly dryRun: boolean
}

/** One parsed line. */
interface Line {
  readonly no: number
  readonly customerId: string
  readonly agentId: string | null
}

/**
 * A CSV source: the whole text, lines, or a stream of text / byte chunks (a file or HTTP body).
 *
 * @example
 * ```ts
 * const source: CsvSource = fs.createReadStream("list.csv")
 * ```
 */
export type CsvSource = string | Iterable<string> | AsyncIterable<string | Uint8Array>

/**
 * Splits a CSV source into lines, streaming: handles CRLF and LF, a UTF-8 BOM, and a last line
 * without a newline. Line numbers start at 1.
 *
 * @example
 * ```ts
 * for await (const [no, text] of csvLines("c-1\r\nc-2,m-1\n")) console.log(no, text)
 * ```
 */
export async function* csvLines(source: CsvSource): AsyncGenerator<readonly [number, string]> {
  const decoder = new TextDecoder("utf-8")
  let rest = ""
  let no = 0
  let first = true
  const chunks: AsyncIterable<string | Uint8Array> | Iterable<string> = typeof source === "string" ? [source] : source
  for await (const c of chunks as AsyncIterable<string | Uint8Array>) {
    let text = rest + (typeof c === "string" ? c : decoder.decode(c, { stream: true }))
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
      first = false
    }
    let start = 0
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", start)) {
      const line = text.slice(start, i)
      yield [++no, line.endsWith("\r") ? line.slice(0, -1) : line] as const
      start = i + 1
    }
    rest = text.slice(start)
  }
  rest += decoder.decode()
  if (rest.length > 0) yield [++no, rest.endsWith("\r") ? rest.slice(0, -1) : rest] as const
}

// No whitespace, commas, quotes or control characters: a NUL in an id is refused by PostgreSQL
// (a StorageError naming no line), so it must be a malformed line here, on every adapter.
const idPattern = /^[^\s,"\u0000-\u001f\u007f]{1,200}$/

/**
 * Parses one line: `customer_id` or `customer_id,agent_id`, whitespace around fields ignored.
 * Undefined for a blank line; an issue for a malformed one.
 *
 * @example
 * ```ts
 * parseImportLine(3, " c-1 , m-2 ") // { no: 3, customerId: "c-1", agentId: "m-2" }
 * ```
 */
export const parseImportLine = (no: number, text: string): { readonly no: number; readonly customerId: string; readonly agentId: string | null } | Issue | undefined => {
  const trimmed = text.trim()
  if (trimmed === "") return undefined
  const fields = trimmed.split(",").map((f) => f.trim())
  if (fields.length > 2) return { path: ["line", no], code: "malformed", message: `line ${no}: expected customer_id or customer_id,agent_id, got ${fields.length} fields` }
  const [customerId, agentId] = fields as [string, string | undefined]
  if (!idPattern.test(customerId)) return { path: ["line", no], code: "malformed", message: `line ${no}: '${customerId.slice(0, 40)}' is not a customer id` }
  if (agentId !== undefined && !idPattern.test(agentId)) return { path: ["line", no], code: "malformed", message: `line ${no}: '${agentId.slice(0, 40)}' is not an agent id` }
  return { no, customerId, agentId: agentId ?? null }
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
   * ManualImport.layer.pipe(Layer.provide(scopeLayer(pipelinePolicy)), Layer.provide(storesLayer(stores)))
   * ```
   */
  static readonly layer: Layer.Layer<
    ManualImport,
    never,
    Transactions | TaskStore | CustomerStore | ManagerStore | DndStore | WorkItemStore | Permissions | AuditTrail
  > = Layer.effect(
    ManualImport,
    Effect.gen(function* () {
      const tx = yield* Transactions
      const tasks = yield* TaskStore
      const customers = yield* CustomerStore
      const managers = yield* ManagerStore
      const dnd = yield* DndStore
      const workItems = yield* WorkItemStore
      const perms = yield* Permissions
      const trail = yield* AuditTrail

      const importCsv = Effect.fn("ManualImport.importCsv")(function* (actor: Actor, input: ManualImportRequest, source: CsvSource) {
        const req = yield* decode(ManualImportRequest, input, "import request")
        yield* perms.require(actor, PipelineActions.taskImport, { type: "none" })
        const task = yield* tasks.get(req.taskId)
        if (task.source !== "manual") return yield* new Conflict({ entity: "Task", id: task.id, reason: `only manual tasks take imports; this one is ${task.source}` })
        if (task.status !== "active") return yield* new Conflict({ entity: "Task", id: task.id, reason: `the task is ${task.status}; imports go into active tasks` })
        const config = yield* PipelineConfig
        const nowMs = yield* Clock.currentTimeMillis
        const at = new Date(nowMs).toISOString()

        const issues: Array<Issue> = []
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
              const d = decide(perms.policy, actor, PipelineActions.taskImport, { type: "manager", manager: { id: a } })
              if (!d.allowed) agentProblem.set(a, { code: "agent-out-of-scope", why: `agent ${a} is outside ${actor.id}'s scope` })
              else agentTeam.set(a, m.teamId)
            }
          })

        // Scope check: a line reaches only the customers in the importer's import reach (the query
        // carries the scope); unknown and out of scope read alike, so a refusal reveals no existence.
        const importReach = scopeFor(perms.policy, actor, PipelineActions.taskImport)
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
          if (p) issues.push({ path: ["agentIds", i], code: p.code, message: p.why })
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
            for (const [code, why] of problems) issues.push({ path: ["line", l.no], code, message: `line ${l.no}: ${why}` })
            if (problems.length === 0) accepted.push(l)
          }
        })

        const iterator = csvLines(source)[Symbol.asyncIterator]()
        for (;;) {
          const next = yield* Effect.tryPromise({
            try: () => iterator.next(),
            catch: (e) => new ValidationError({ subject: "CSV import", issues: [{ path: [], code: "unreadable", message: `the file could not be read: ${String(e)}` }] })
          })
          if (next.done) break
          const [no, text] = next.value
          lines = no
          const parsed = parseImportLine(no, text)
          if (parsed === undefined) continue
          if (isIssue(parsed)) {
            issues.push(parsed)
            continue
          }
          if (no === 1 && parsed.customerId.toLowerCase() === "customer_id") continue // a header line
          const earlier = seen.get(parsed.customerId)
          if (earlier !== undefined) {
            issues.push({ path: ["line", no], code: "duplicate-line", message: `line ${no}: customer ${parsed.customerId} is already on line ${earlier}` })
            continue
          }
          seen.set(parsed.customerId, no)
          pending.push(parsed)
          if (pending.length >= 1000) yield* flush
        }
        yield* flush

        const unassigned = accepted.filter((l) => l.agentId === null)
        if (unassigned.length > 0 && req.agentIds.length === 0) {
          issues.push({ path: ["agentIds"], code: "missing-agents", message: `${unassigned.length} line(s) have no agent: pick the agents to spread them over` })
        }
        if (issues.length > 0) {
          issues.sort((a, b) => (a.path[0] === b.path[0] ? Number(a.path[1] ?? 0) - Number(b.path[1] ?? 0) : a.path[0] === "line" ? 1 : -1))
          return yield* new ValidationError({ subject: `CSV import into ${task.id} (${issues.length} problem(s), nothing imported)`, issues })
        }

        const spread = roundRobin(unassigned.length, req.agentIds)
        let k = 0
        const importId = `imp:${nowMs.toString(36)}`
        const perAgent: Record<string, number> = {}
        const items: Array<WorkItem> = accepted.map((l) => {
          const assigneeId = l.agentId ?? spread[k++]!
          perAgent[assigneeId] = (perAgent[assigneeId] ?? 0) + 1
          return newWorkItem({
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
        })
        const report: ManualImportReport = { importId, taskId: task.id, lines, items: items.length, perAgent, dryRun: req.dryRun }
        if (req.dryRun) return report
        yield* tx.transaction(
          Effect.gen(function* () {
            for (let i = 0; i < items.length; i += config.writeBatch) yield* workItems.insertMany(items.slice(i, i + config.writeBatch))
            yield* trail.record(actor, {
              action: "task.import",
              category: "task",
              recordType: "Task",
              recordId: task.id,
              customerId: null,
              before: null,
              after: { importId, lines, items: items.length, perAgent }
            })
          })
        )
        return report
      })
      return ManualImport.of({ importCsv })
    })
  )
}
