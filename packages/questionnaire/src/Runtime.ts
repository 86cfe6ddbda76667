/**
 * The runtime: a pure state machine over a published version. Every operation returns a new
 * immutable state. An answer re-evaluates only the questions whose conditions read it (the
 * dependency graph is built at publish time), in question order, so a change cascades exactly as
 * far as it has effects and no further.
 */
import * as z from "zod"
import { AnswerValue } from "./AnswerValue"
import { ValidationError, type ValidationIssue } from "./Errors"
import { ctxValue, formatExpression, expressionReferences, type ExpressionNode, type ExpressionValue } from "./Expression"
import { planOf, type PublishedQuestionnaire } from "./Publish"
import { localize, type QuestionnaireDefinition } from "./Questionnaire"
import { forwardPass, isAnsweredValue, makeEnv, type Plan } from "./internal/Plan"
import { checkValue, type StoredValue } from "./internal/Values"

export { AnswerValue }

/**
 * Who did something, when, and over which channel. Timestamps come from the caller: the runtime
 * never reads a clock.
 *
 * @example
 * ```ts
 * const meta: AnswerMeta = { at: "2026-11-22T09:30:00Z", by: "agent-17", channel: "phone" }
 * ```
 */
export const AnswerMeta = z.object({
  at: z.union([z.string(), z.number()]).optional(),
  by: z.string().optional(),
  channel: z.string().optional(),
  /** After a successful answer, move the cursor to the next visible question. */
  advance: z.boolean().optional()
})
/**
 * The type of {@link AnswerMeta}: what `AnswerMeta.parse(input)` returns.
 *
 * @example
 * ```ts
 * const value: AnswerMeta = AnswerMeta.parse(input)
 * ```
 */
export type AnswerMeta = z.infer<typeof AnswerMeta>

/**
 * One entry of the append-only log of a call.
 *
 * @example
 * ```ts
 * state.log.filter((e) => e.kind === "answer").map((e) => `${e.by} answered ${e.question} at ${e.at}`)
 * ```
 */
export interface AnswerLogEntry {
  readonly seq: number
  readonly kind: "start" | "answer" | "navigate" | "finish" | "resume"
  readonly question?: string | undefined
  readonly value?: AnswerValue | undefined
  /** Answers dropped because their question became hidden (policy "clear"). */
  readonly cleared?: ReadonlyArray<string> | undefined
  readonly at?: string | number | undefined
  readonly by?: string | undefined
  readonly channel?: string | undefined
}

/**
 * What the last operation changed: questions shown, hidden, answers cleared, and how many
 * questions were re-evaluated (the incremental work done).
 *
 * @example
 * ```ts
 * const s2 = answer(s1, "reason", "price")
 * s2.changes.shown // ["competitor"]
 * ```
 */
export interface StateChanges {
  readonly shown: ReadonlyArray<string>
  readonly hidden: ReadonlyArray<string>
  readonly cleared: ReadonlyArray<string>
  readonly reevaluated: number
}

interface LogNode {
  readonly entry: AnswerLogEntry
  readonly prev: LogNode | null
}

interface Core {
  readonly version: PublishedQuestionnaire
  readonly plan: Plan
  readonly context: Readonly<Record<string, unknown>>
  readonly answers: ReadonlyArray<StoredValue | undefined>
  readonly visible: Uint8Array
  readonly required: Uint8Array
  readonly jumpTo: Int32Array
  readonly span: Int32Array
  readonly missing: number
  readonly cursor: number
  readonly finished: boolean
  readonly log: LogNode | null
  readonly logLength: number
  readonly errors: ReadonlyArray<ValidationIssue>
  readonly changes: StateChanges
}

const NO_CHANGES: StateChanges = Object.freeze({ shown: [], hidden: [], cleared: [], reevaluated: 0 })

/**
 * The state of one questionnaire call. Immutable: operations return a new state. Reads are O(1)
 * (`isVisible`, `isComplete`, `currentQuestion`) or computed once on first use (`visibleQuestions`).
 *
 * @example
 * ```ts
 * let s = start(version, { tier: "gold" })
 * s = answer(s, "reason", "price", { at: "2026-11-22T09:30:00Z", by: "agent-17", channel: "phone" })
 * s.isVisible("competitor") // true
 * s.isComplete // false while a visible required question is unanswered
 * ```
 */
export class QuestionnaireState {
  /** @hidden Internal representation; not part of the API and may change without notice. */
  readonly core: Core
  private cachedVisible: ReadonlyArray<string> | undefined
  private cachedLog: ReadonlyArray<AnswerLogEntry> | undefined

  /** @hidden Created by `start`, `answer` and friends; not constructed by hosts. */
  constructor(core: Core) {
    this.core = core
  }
  /** The version this call runs on. */
  get version(): PublishedQuestionnaire {
    return this.core.version
  }
  /** The hash the call is pinned to. */
  get versionHash(): string {
    return this.core.version.hash
  }
  /** The context the call was started with. */
  get context(): Readonly<Record<string, unknown>> {
    return this.core.context
  }
  /** True when the question is currently shown. */
  isVisible(questionId: string): boolean {
    const i = this.core.plan.index.get(questionId)
    return i !== undefined && this.core.visible[i] === 1
  }
  /** True when the question is shown and must be answered. */
  isRequired(questionId: string): boolean {
    const i = this.core.plan.index.get(questionId)
    return i !== undefined && this.core.visible[i] === 1 && this.core.required[i] === 1
  }
  /** The answer a visible question has (`null` when unanswered or hidden). */
  answerOf(questionId: string): AnswerValue {
    const i = this.core.plan.index.get(questionId)
    if (i === undefined || this.core.visible[i] !== 1) return null
    return toAnswer(this.core.answers[i])
  }
  /** The answers of visible questions, by question id. */
  get answers(): Readonly<Record<string, AnswerValue>> {
    const out: Record<string, AnswerValue> = {}
    const { plan, visible, answers } = this.core
    for (let i = 0; i < plan.n; i++) if (visible[i] === 1 && answers[i] !== undefined) out[plan.ids[i]!] = toAnswer(answers[i])
    return out
  }
  /** Visible questions in order (the path of the call as it stands). */
  get visibleQuestions(): ReadonlyArray<string> {
    if (this.cachedVisible === undefined) {
      const { plan, visible } = this.core
      const out: string[] = []
      for (let i = 0; i < plan.n; i++) if (visible[i] === 1) out.push(plan.ids[i]!)
      this.cachedVisible = out
    }
    return this.cachedVisible
  }
  /** The question the cursor is on, or `null` at the end. */
  get currentQuestion(): string | null {
    return this.core.cursor < this.core.plan.n ? this.core.plan.ids[this.core.cursor]! : null
  }
  /** The question `next` would move to, or `null` when the next step is the end. */
  get nextQuestion(): string | null {
    const i = nextVisible(this.core, this.core.cursor + 1)
    return i < this.core.plan.n ? this.core.plan.ids[i]! : null
  }
  /** Visible required questions still unanswered, in order. */
  get missingRequired(): ReadonlyArray<string> {
    if (this.core.missing === 0) return []
    const { plan, visible, required, answers } = this.core
    const out: string[] = []
    for (let i = 0; i < plan.n; i++) if (visible[i] === 1 && required[i] === 1 && !isAnsweredValue(answers[i])) out.push(plan.ids[i]!)
    return out
  }
  /** True when every visible required question is answered. */
  get isComplete(): boolean {
    return this.core.missing === 0
  }
  /** True after `finish`. */
  get finished(): boolean {
    return this.core.finished
  }
  /** Problems with the last operation (it was not applied). Empty when it succeeded. */
  get errors(): ReadonlyArray<ValidationIssue> {
    return this.core.errors
  }
  /** What the last operation changed. */
  get changes(): StateChanges {
    return this.core.changes
  }
  /** The append-only log of the call, oldest first. */
  get log(): ReadonlyArray<AnswerLogEntry> {
    if (this.cachedLog === undefined) {
      const out: AnswerLogEntry[] = new Array(this.core.logLength)
      let node = this.core.log
      for (let k = this.core.logLength - 1; node !== null; k--, node = node.prev) out[k] = node.entry
      this.cachedLog = out
    }
    return this.cachedLog
  }
}

function toAnswer(v: StoredValue | undefined): AnswerValue {
  if (v === undefined) return null
  return Array.isArray(v) ? [...(v as string[])] : (v as string | number)
}

function nextVisible(core: Core, from: number): number {
  let i = from
  while (i < core.plan.n && core.visible[i] !== 1) i++
  return i
}
function prevVisible(core: Core, from: number): number {
  let i = from
  while (i >= 0 && core.visible[i] !== 1) i--
  return i
}

function appendLog(core: Core, entry: Omit<AnswerLogEntry, "seq">): { log: LogNode; logLength: number } {
  const clean: Record<string, unknown> = { seq: core.logLength + 1 }
  for (const [k, v] of Object.entries(entry)) if (v !== undefined) clean[k] = v
  return { log: { entry: Object.freeze(clean) as unknown as AnswerLogEntry, prev: core.log }, logLength: core.logLength + 1 }
}

function metaFields(meta: AnswerMeta | undefined): Pick<AnswerLogEntry, "at" | "by" | "channel"> {
  return { at: meta?.at, by: meta?.by, channel: meta?.channel }
}

function withErrors(state: QuestionnaireState, errors: ValidationIssue[]): QuestionnaireState {
  return new QuestionnaireState({ ...state.core, errors, changes: NO_CHANGES })
}

function checkContext(def: QuestionnaireDefinition, context: Readonly<Record<string, unknown>>): void {
  const issues: ValidationIssue[] = []
  for (const [field, spec] of Object.entries(def.context ?? {})) {
    const v = context[field]
    if (v === undefined || v === null) continue
    const ok =
      spec.type === "string" ? typeof v === "string"
      : spec.type === "number" ? typeof v === "number"
      : spec.type === "boolean" ? typeof v === "boolean"
      : typeof v === "string" && spec.values.includes(v)
    if (!ok) issues.push({ path: ["context", field], code: "invalid_context", message: spec.type === "choice" ? `Expected one of ${spec.values.join(", ")}` : `Expected a ${spec.type}` })
  }
  if (issues.length > 0) throw new ValidationError({ issues, subject: "questionnaire context" })
}

/** @internal Builds a state from stored answers with one forward pass (start and resume). */
export function stateFromAnswers(
  version: PublishedQuestionnaire,
  context: Readonly<Record<string, unknown>>,
  answers: ReadonlyArray<StoredValue | undefined>,
  rest: { cursor?: number; finished?: boolean; log?: ReadonlyArray<AnswerLogEntry> } = {}
): QuestionnaireState {
  const plan = planOf(version)
  const ev = forwardPass(plan, answers, context)
  const stored = answers.slice()
  let missing = 0
  for (let i = 0; i < plan.n; i++) {
    if (ev.visible[i] !== 1 && !plan.keepHidden) stored[i] = undefined
    if (ev.visible[i] === 1 && ev.required[i] === 1 && !isAnsweredValue(stored[i])) missing++
  }
  let log: LogNode | null = null
  for (const e of rest.log ?? []) log = { entry: Object.freeze({ ...e }), prev: log }
  const core: Core = {
    version,
    plan,
    context: Object.freeze({ ...context }),
    answers: stored,
    visible: ev.visible,
    required: ev.required,
    jumpTo: ev.jumpTo,
    span: ev.span,
    missing,
    cursor: 0,
    finished: rest.finished ?? false,
    log,
    logLength: rest.log?.length ?? 0,
    errors: [],
    changes: NO_CHANGES
  }
  const cursor = rest.cursor ?? nextVisible(core, 0)
  return new QuestionnaireState({ ...core, cursor })
}

/**
 * Starts a call on a published version with the host's context (customer tier, task type, ...).
 * Throws {@link ValidationError} when a declared context field has the wrong type.
 *
 * @example
 * ```ts
 * const s = start(version, { tier: "gold", taskType: "retention" }, { at: "2026-11-22T09:00:00Z", by: "agent-17", channel: "phone" })
 * s.currentQuestion // the first visible question
 * ```
 */
export function start(version: PublishedQuestionnaire, context: Readonly<Record<string, unknown>> = {}, meta?: AnswerMeta): QuestionnaireState {
  checkContext(version.definition, context)
  const s = stateFromAnswers(version, context, new Array<StoredValue | undefined>(version.definition.questions.length).fill(undefined))
  return new QuestionnaireState({ ...s.core, ...appendLog(s.core, { kind: "start", ...metaFields(meta) }) })
}

// A small binary min-heap of question indices: dependents are processed in question order.
class IndexHeap {
  private readonly a: number[] = []
  get size(): number {
    return this.a.length
  }
  push(x: number): void {
    const a = this.a
    let i = a.length
    a.push(x)
    while (i > 0) {
      const p = (i - 1) >> 1
      if (a[p]! <= x) break
      a[i] = a[p]!
      i = p
    }
    a[i] = x
  }
  pop(): number {
    const a = this.a
    const top = a[0]!
    const last = a.pop()!
    if (a.length > 0) {
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        if (l >= a.length) break
        const r = l + 1
        const c = r < a.length && a[r]! < a[l]! ? r : l
        if (a[c]! >= last) break
        a[i] = a[c]!
        i = c
      }
      a[i] = last
    }
    return top
  }
}

/**
 * Answers (or, with `null`, clears) a visible question. Only the questions whose conditions read
 * this answer are re-evaluated, then theirs, and so on. An invalid value, an unknown or hidden
 * question, or a finished call leaves the state unchanged and reports `errors`.
 *
 * @example
 * ```ts
 * const s2 = answer(s1, "reason", "price", { at: 1732267800000, by: "agent-17", channel: "phone", advance: true })
 * s2.errors // []
 * s2.changes.shown // questions this answer revealed
 * ```
 */
export function answer(state: QuestionnaireState, questionId: string, value: unknown, meta?: AnswerMeta): QuestionnaireState {
  const core = state.core
  const { plan } = core
  const i = plan.index.get(questionId)
  if (core.finished) return withErrors(state, [{ path: [questionId], code: "finished", message: "The call is finished" }])
  if (i === undefined) return withErrors(state, [{ path: [questionId], code: "unknown_question", message: `Unknown question "${questionId}"` }])
  if (core.visible[i] !== 1) return withErrors(state, [{ path: [questionId], code: "not_visible", message: `"${questionId}" is not shown at this point` }])
  const checked = checkValue(plan.questions[i]!, value, plan.patterns)
  if (!checked.ok) return withErrors(state, [{ path: [questionId], code: checked.code, message: checked.message }])
  const v = checked.value ?? undefined

  const n = plan.n
  const answers = core.answers.slice()
  const visible = core.visible.slice()
  const required = core.required.slice()
  const jumpTo = core.jumpTo.slice()
  const span = core.span.slice()
  let missing = core.missing
  const contrib = (k: number): number => (visible[k] === 1 && required[k] === 1 && !isAnsweredValue(answers[k]) ? 1 : 0)

  missing -= contrib(i)
  answers[i] = v
  missing += contrib(i)

  const env = makeEnv(visible, answers, core.context, plan.readHidden)
  const heap = new IndexHeap()
  const queued = new Uint8Array(n)
  const enqueue = (k: number): void => {
    if (queued[k] === 0) {
      queued[k] = 1
      heap.push(k)
    }
  }
  const deps0 = plan.dependents[i]!
  for (let d = 0; d < deps0.length; d++) enqueue(deps0[d]!)

  const shown: string[] = []
  const hidden: string[] = []
  const cleared: string[] = []
  let reevaluated = 0
  while (heap.size > 0) {
    const k = heap.pop()
    reevaluated++
    const before = contrib(k)
    const s = plan.showIf[k]
    const vis = span[k] === 0 && (s === null || s === undefined || s(env)) ? 1 : 0
    if (vis !== visible[k]) {
      visible[k] = vis
      ;(vis === 1 ? shown : hidden).push(plan.ids[k]!)
      if (answers[k] !== undefined) {
        // Under "keep-and-read" what k's dependents read does not change with k's visibility.
        if (!plan.readHidden) {
          const deps = plan.dependents[k]!
          for (let d = 0; d < deps.length; d++) if (deps[d]! > k) enqueue(deps[d]!)
        }
        if (vis === 0 && !plan.keepHidden) {
          answers[k] = undefined
          cleared.push(plan.ids[k]!)
        }
      }
    }
    if (vis === 1) {
      const r = plan.requiredIf[k]
      required[k] = plan.staticRequired[k] === 1 || (r !== null && r !== undefined && r(env)) ? 1 : 0
    } else required[k] = 0
    let target = -1
    if (vis === 1) {
      const js = plan.jumps[k]!
      for (let x = 0; x < js.length; x++) {
        if (js[x]!.when(env)) {
          target = js[x]!.target
          break
        }
      }
    }
    const old = jumpTo[k]!
    if (target !== old) {
      jumpTo[k] = target
      if (old >= 0) for (let m = k + 1; m < old; m++) if ((span[m] = span[m]! - 1) === 0) enqueue(m)
      if (target >= 0) for (let m = k + 1; m < target; m++) if ((span[m] = span[m]! + 1) === 1) enqueue(m)
    }
    missing += contrib(k) - before
  }

  const partial: Core = { ...core, answers, visible, required, jumpTo, span, missing }
  let cursor = core.cursor
  if (meta?.advance === true) cursor = nextVisible(partial, i + 1)
  else if (cursor < n && visible[cursor] !== 1) cursor = nextVisible(partial, cursor)
  const logged = appendLog(core, {
    kind: "answer",
    question: questionId,
    value: toAnswer(v),
    cleared: cleared.length > 0 ? cleared : undefined,
    ...metaFields(meta)
  })
  return new QuestionnaireState({ ...partial, cursor, ...logged, errors: [], changes: { shown, hidden, cleared, reevaluated } })
}

function navigate(state: QuestionnaireState, cursor: number, meta: AnswerMeta | undefined): QuestionnaireState {
  const core = state.core
  const question = cursor < core.plan.n ? core.plan.ids[cursor] : undefined
  return new QuestionnaireState({ ...core, cursor, ...appendLog(core, { kind: "navigate", question, ...metaFields(meta) }), errors: [], changes: NO_CHANGES })
}

/**
 * Moves to the next visible question (following any active jump). Refuses, with an error, while
 * the current question is required and unanswered.
 *
 * @example
 * ```ts
 * const s2 = next(s1)
 * s2.currentQuestion // e.g. "competitor", or null at the end
 * ```
 */
export function next(state: QuestionnaireState, meta?: AnswerMeta): QuestionnaireState {
  const core = state.core
  const c = core.cursor
  if (c >= core.plan.n) return withErrors(state, [{ path: [], code: "at_end", message: "Already at the end" }])
  if (core.visible[c] === 1 && core.required[c] === 1 && !isAnsweredValue(core.answers[c]))
    return withErrors(state, [{ path: [core.plan.ids[c]!], code: "required", message: `"${core.plan.ids[c]}" must be answered first` }])
  return navigate(state, nextVisible(core, c + 1), meta)
}

/**
 * Moves back to the previous question on the path. Questions skipped by a jump are not on the
 * path, so going back from a jump's target lands on the question that jumped.
 *
 * @example
 * ```ts
 * back(next(s)).currentQuestion === s.currentQuestion // true
 * ```
 */
export function back(state: QuestionnaireState, meta?: AnswerMeta): QuestionnaireState {
  const core = state.core
  const p = prevVisible(core, Math.min(core.cursor, core.plan.n) - 1)
  if (p < 0) return withErrors(state, [{ path: [], code: "at_start", message: "Already at the first question" }])
  return navigate(state, p, meta)
}

/**
 * Moves the cursor to a visible question (e.g. to correct an earlier answer).
 *
 * @example
 * ```ts
 * goTo(s, "reason").currentQuestion // "reason"
 * ```
 */
export function goTo(state: QuestionnaireState, questionId: string, meta?: AnswerMeta): QuestionnaireState {
  const i = state.core.plan.index.get(questionId)
  if (i === undefined) return withErrors(state, [{ path: [questionId], code: "unknown_question", message: `Unknown question "${questionId}"` }])
  if (state.core.visible[i] !== 1) return withErrors(state, [{ path: [questionId], code: "not_visible", message: `"${questionId}" is not shown at this point` }])
  return navigate(state, i, meta)
}

/**
 * Finishes the call. Refuses, with one error per missing question, unless every visible required
 * question is answered.
 *
 * @example
 * ```ts
 * const done = finish(s, { at: "2026-11-22T09:42:00Z", by: "agent-17" })
 * done.finished // true when s.isComplete
 * ```
 */
export function finish(state: QuestionnaireState, meta?: AnswerMeta): QuestionnaireState {
  if (state.core.finished) return withErrors(state, [{ path: [], code: "finished", message: "The call is already finished" }])
  if (!state.isComplete)
    return withErrors(state, state.missingRequired.map((q) => ({ path: [q], code: "required", message: `"${q}" is required` })))
  const core = state.core
  return new QuestionnaireState({ ...core, finished: true, cursor: core.plan.n, ...appendLog(core, { kind: "finish", ...metaFields(meta) }), errors: [], changes: NO_CHANGES })
}

/**
 * Why a question is shown or skipped, with the values its condition saw.
 *
 * @example
 * ```ts
 * const e: Explanation = explain(s, "competitor")
 * e.reason // 'hidden: condition reason == "price" is false (reason = "network")'
 * ```
 */
export interface Explanation {
  readonly question: string
  readonly status: "shown" | "hidden_by_condition" | "jumped_over"
  readonly required: boolean
  readonly reason: string
  readonly condition?: string | undefined
  /** Values the condition read (answers of visible questions — of hidden ones too under `"keep-and-read"` —, context fields). */
  readonly inputs?: Readonly<Record<string, ExpressionValue>> | undefined
  readonly jump?: { readonly from: string; readonly to: string; readonly condition: string } | undefined
}

function inputsOf(state: QuestionnaireState, e: ExpressionNode): Record<string, ExpressionValue> {
  const refs = expressionReferences(e)
  const out: Record<string, ExpressionValue> = {}
  const { plan, answers } = state.core
  for (const q of refs.questions) {
    const i = plan.index.get(q)
    // What the condition read: a remembered hidden answer too under "keep-and-read".
    out[q] = plan.readHidden && i !== undefined ? toAnswer(answers[i]) : state.answerOf(q)
  }
  for (const f of refs.context) out[`ctx.${f}`] = ctxValue(state.context, f)
  return out
}

const fmtInputs = (o: Record<string, ExpressionValue>): string =>
  Object.entries(o)
    .map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
    .join(", ")

/**
 * Explains why a question is shown or skipped right now: its show-if condition with the values it
 * read, or the jump that skipped it.
 *
 * @example
 * ```ts
 * explain(s, "competitor").status // "shown" | "hidden_by_condition" | "jumped_over"
 * ```
 */
export function explain(state: QuestionnaireState, questionId: string): Explanation {
  const core = state.core
  const i = core.plan.index.get(questionId)
  if (i === undefined) throw new ValidationError({ issues: [{ path: [questionId], code: "unknown_question", message: `Unknown question "${questionId}"` }], subject: "question id" })
  const q = core.plan.questions[i]!
  const required = core.visible[i] === 1 && core.required[i] === 1
  const showIf = q.showIf as ExpressionNode | undefined
  if (core.span[i]! > 0) {
    for (let p = i - 1; p >= 0; p--) {
      const t = core.jumpTo[p]!
      if (core.visible[p] === 1 && t > i) {
        const js = core.plan.jumps[p]!.find((j) => j.target === t)!
        const to = t >= core.plan.n ? "end" : core.plan.ids[t]!
        const cond = formatExpression(js.expression)
        const inputs = inputsOf(state, js.expression)
        return {
          question: questionId,
          status: "jumped_over",
          required,
          reason: `skipped: ${core.plan.ids[p]} jumps to ${to} because ${cond} is true (${fmtInputs(inputs)})`,
          inputs,
          jump: { from: core.plan.ids[p]!, to, condition: cond }
        }
      }
    }
  }
  if (showIf === undefined) return { question: questionId, status: "shown", required, reason: "shown: no condition" }
  const cond = formatExpression(showIf)
  const inputs = inputsOf(state, showIf)
  const vis = core.visible[i] === 1
  return {
    question: questionId,
    status: vis ? "shown" : "hidden_by_condition",
    required,
    reason: `${vis ? "shown" : "hidden"}: condition ${cond} is ${vis ? "true" : "false"} (${fmtInputs(inputs)})`,
    condition: cond,
    inputs
  }
}

/**
 * Explains every question, in order: the call's why-shown / why-skipped trace.
 *
 * @example
 * ```ts
 * for (const e of trace(s)) console.log(e.question, e.reason)
 * ```
 */
export function trace(state: QuestionnaireState): ReadonlyArray<Explanation> {
  return state.core.plan.ids.map((id) => explain(state, id))
}

/**
 * A question's text for a locale, with answers and context fields piped in: `{q1}` becomes the
 * answer to q1 (choice texts for choice questions), `{ctx.name}` a context field. Unanswered or
 * hidden references become an empty string.
 *
 * @example
 * ```ts
 * // text: "You said {reason}. Which offer from {competitor} did you get, {ctx.name}?"
 * questionText(s, "offer", "en") // "You said Price. Which offer from AcmeTel did you get, Li Lei?"
 * ```
 */
export function questionText(state: QuestionnaireState, questionId: string, locale?: string): string {
  const core = state.core
  const def = core.plan.def
  const i = core.plan.index.get(questionId)
  if (i === undefined) throw new ValidationError({ issues: [{ path: [questionId], code: "unknown_question", message: `Unknown question "${questionId}"` }], subject: "question id" })
  const raw = localize(core.plan.questions[i]!.text, locale, def.defaultLocale)
  return raw.replace(/\{(ctx\.)?([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, isCtx: string | undefined, name: string) => {
    if (isCtx !== undefined) {
      const v = core.context[name]
      return v === undefined || v === null ? "" : String(v)
    }
    const j = core.plan.index.get(name)
    if (j === undefined) return ""
    const v = state.answerOf(name)
    if (v === null) return ""
    const rq = core.plan.questions[j]!
    if (rq.type === "singleChoice" || rq.type === "multipleChoice") {
      const ids = Array.isArray(v) ? v : [String(v)]
      return ids.map((id) => localize(rq.choices.find((c) => c.id === id)?.text ?? id, locale, def.defaultLocale)).join(", ")
    }
    return String(v)
  })
}

/**
 * Every question's text for a locale, resolved as {@link questionText} resolves one: context fields
 * (`{ctx.customerName}`) and answers (`{competitor}`) piped in, so a UI never shows the raw
 * placeholders. Keyed by question id, in the definition's order, hidden questions included (their
 * texts are ready when an answer shows them).
 *
 * @example
 * ```ts
 * const s = start(version, { customerName: "Li Lei" })
 * questionTexts(s, "en").reached // "Am I speaking with Li Lei, the account holder?"
 * ```
 */
export function questionTexts(state: QuestionnaireState, locale?: string): Readonly<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const id of state.core.plan.ids) out[id] = questionText(state, id, locale)
  return out
}

/**
 * A submitted response as stored or sent to a server for validation.
 *
 * @example
 * ```ts
 * const r: SubmittedResponse = { versionHash: version.hash, context: { tier: "gold" }, answers: { reason: "price" } }
 * ```
 */
export const SubmittedResponse = z.object({
  versionHash: z.string().optional(),
  context: z.record(z.string(), z.unknown()).optional(),
  answers: z.record(z.string(), z.unknown())
})
/**
 * The type of {@link SubmittedResponse}: what `SubmittedResponse.parse(input)` returns.
 *
 * @example
 * ```ts
 * const value: SubmittedResponse = SubmittedResponse.parse(input)
 * ```
 */
export type SubmittedResponse = z.infer<typeof SubmittedResponse>

/**
 * The response of a call, ready to submit: version hash, context and stored answers (including
 * remembered answers of hidden questions under the `"keep"` and `"keep-and-read"` policies).
 *
 * @example
 * ```ts
 * validateResponse(version, responseOf(state)).complete === state.isComplete // true
 * ```
 */
export function responseOf(state: QuestionnaireState): { versionHash: string; context: Record<string, unknown>; answers: Record<string, AnswerValue> } {
  const { plan, answers } = state.core
  const out: Record<string, AnswerValue> = {}
  for (let i = 0; i < plan.n; i++) if (answers[i] !== undefined) out[plan.ids[i]!] = toAnswer(answers[i])
  return { versionHash: state.versionHash, context: { ...state.context }, answers: out }
}
