/**
 * The compiled form of a definition: conditions as closures over question indices, and the
 * dependency graph (who must be re-evaluated when an answer changes). Built once per published
 * version; the runtime, the server-side validator and the analysis all run on it.
 */
import { compileExpression, ctxValue, expressionReferences, type CompiledEnv, type ExpressionNode, type ExpressionValue } from "../Expression"
import type { Question, QuestionnaireDefinition } from "../Questionnaire"
import type { StoredValue } from "./Values"

export type Pred = (env: CompiledEnv) => boolean

export interface PlanJump {
  readonly when: Pred
  readonly expression: ExpressionNode
  /** Index of the target question, or `n` for the end. */
  readonly target: number
}

export interface Plan {
  readonly def: QuestionnaireDefinition
  readonly n: number
  readonly ids: ReadonlyArray<string>
  readonly index: ReadonlyMap<string, number>
  readonly questions: ReadonlyArray<Question>
  readonly showIf: ReadonlyArray<Pred | null>
  readonly requiredIf: ReadonlyArray<Pred | null>
  readonly staticRequired: Uint8Array
  readonly jumps: ReadonlyArray<ReadonlyArray<PlanJump>>
  /** For question i: the sorted indices whose conditions read i's answer. */
  readonly dependents: ReadonlyArray<Int32Array>
  /** Hidden answers are remembered (policies `"keep"` and `"keep-and-read"`). */
  readonly keepHidden: boolean
  /** Conditions read remembered hidden answers (policy `"keep-and-read"`). */
  readonly readHidden: boolean
  readonly patterns: Map<string, RegExp>
}

const asNode = (c: unknown): ExpressionNode => c as ExpressionNode

/** Compiles a parsed definition (conditions already ASTs). Backward or unknown jumps are dropped (analysis reports them). */
export function buildPlan(def: QuestionnaireDefinition): Plan {
  const n = def.questions.length
  const ids = def.questions.map((q) => q.id)
  const index = new Map<string, number>()
  ids.forEach((id, i) => {
    if (!index.has(id)) index.set(id, i)
  })
  const indexOf = (id: string): number => index.get(id) ?? -1
  const deps: Array<Set<number>> = Array.from({ length: n }, () => new Set<number>())
  const addDeps = (e: ExpressionNode, j: number, allowSelf: boolean): void => {
    for (const id of expressionReferences(e).questions) {
      const i = indexOf(id)
      if (i >= 0 && (i < j || (allowSelf && i === j))) deps[i]!.add(j)
    }
  }
  const showIf: Array<Pred | null> = []
  const requiredIf: Array<Pred | null> = []
  const jumps: PlanJump[][] = []
  const staticRequired = new Uint8Array(n)
  def.questions.forEach((q, j) => {
    staticRequired[j] = q.required === true ? 1 : 0
    if (q.showIf !== undefined) {
      showIf.push(compileExpression(asNode(q.showIf), indexOf))
      addDeps(asNode(q.showIf), j, false)
    } else showIf.push(null)
    if (q.requiredIf !== undefined) {
      requiredIf.push(compileExpression(asNode(q.requiredIf), indexOf))
      addDeps(asNode(q.requiredIf), j, false)
    } else requiredIf.push(null)
    const js: PlanJump[] = []
    for (const jump of q.jumps ?? []) {
      const target = jump.to === "end" ? n : indexOf(jump.to)
      if (target <= j) continue
      js.push({ when: compileExpression(asNode(jump.when), indexOf), expression: asNode(jump.when), target })
      addDeps(asNode(jump.when), j, true)
    }
    jumps.push(js)
  })
  return {
    def,
    n,
    ids,
    index,
    questions: def.questions,
    showIf,
    requiredIf,
    staticRequired,
    jumps,
    dependents: deps.map((s) => Int32Array.from([...s].sort((a, b) => a - b))),
    keepHidden: def.hiddenAnswers !== "clear",
    readHidden: def.hiddenAnswers === "keep-and-read",
    patterns: new Map()
  }
}

/** The derived, per-question state that follows from answers and context. */
export interface Evaluation {
  readonly visible: Uint8Array
  /** 1 when the question is required (statically or by requiredIf), evaluated for visible questions. */
  readonly required: Uint8Array
  /** Active jump target per question (-1: none). */
  readonly jumpTo: Int32Array
  /** How many active jumps span each question. */
  readonly span: Int32Array
}

export function makeEnv(
  visible: Uint8Array,
  answers: ReadonlyArray<StoredValue | undefined>,
  context: Readonly<Record<string, unknown>>,
  readHidden = false
): CompiledEnv {
  return {
    // Under "keep-and-read" a hidden question's remembered answer still feeds conditions.
    read: readHidden ? (i) => (answers[i] ?? null) as ExpressionValue : (i) => (visible[i] === 1 ? ((answers[i] ?? null) as ExpressionValue) : null),
    ctx: (f) => ctxValue(context, f)
  }
}

/**
 * Evaluates every question in order — the reference semantics the incremental runtime must match.
 * Conditions only read earlier questions, so one pass suffices.
 */
export function forwardPass(plan: Plan, answers: ReadonlyArray<StoredValue | undefined>, context: Readonly<Record<string, unknown>>): Evaluation {
  const { n } = plan
  const visible = new Uint8Array(n)
  const required = new Uint8Array(n)
  const jumpTo = new Int32Array(n).fill(-1)
  const span = new Int32Array(n + 1)
  const env = makeEnv(visible, answers, context, plan.readHidden)
  for (let i = 0; i < n; i++) {
    const s = plan.showIf[i]
    const vis = span[i] === 0 && (s === null || s === undefined || s(env))
    if (!vis) continue
    visible[i] = 1
    const r = plan.requiredIf[i]
    required[i] = plan.staticRequired[i] === 1 || (r !== null && r !== undefined && r(env)) ? 1 : 0
    for (const j of plan.jumps[i]!) {
      if (j.when(env)) {
        jumpTo[i] = j.target
        for (let k = i + 1; k < j.target; k++) span[k] = span[k]! + 1
        break
      }
    }
  }
  return { visible, required, jumpTo, span }
}

export function isAnsweredValue(v: StoredValue | undefined | null): boolean {
  return v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0) && v !== ""
}
