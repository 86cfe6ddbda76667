/**
 * Static analysis of a definition before it is published: broken references, cycles (named),
 * questions that can never be shown, comparisons that can never be true, required questions some
 * path skips, and the path space (min/max questions per call, plus a small set of answer vectors
 * covering every reachable branch, usable as generated test cases).
 */
import { compileExpression, interpret, expressionReferences as computeReferences, formatExpression, type ExpressionNode, type ExpressionValue } from "./Expression"
import { definitionConditions, localize, parseDefinition, type ConditionSite, type Question, type QuestionnaireDefinition } from "./Questionnaire"
import type { AnswerValue } from "./AnswerValue"
import { buildPlan, makeEnv } from "./internal/Plan"
import { mulberry32 } from "./internal/Random"
import { checkValue, type StoredValue } from "./internal/Values"
import { collectUses, contextDomain, emptyUse, questionDomain, type VarDomain, type VarUse, type Witness } from "./internal/Witness"

/**
 * The kinds of finding. See docs/questionnaire/analysis.md for each with an example.
 *
 * @example
 * ```ts
 * const c: FindingCode = "never_shown"
 * ```
 */
export type FindingCode =
  | "unknown_question"
  | "unknown_choice"
  | "unknown_context_field"
  | "undeclared_context_field"
  | "unknown_jump_target"
  | "cycle"
  | "forward_reference"
  | "type_mismatch"
  | "never_true"
  | "always_true"
  | "never_shown"
  | "required_may_be_skipped"
  | "unknown_piping_reference"

/**
 * One analysis finding. `path` points into the definition (e.g. `["questions", 4, "showIf"]`),
 * `questions` names every question involved (all members of a cycle, for instance).
 *
 * @example
 * ```ts
 * const f: Finding = { code: "cycle", severity: "error", path: ["questions", 5, "showIf"], questions: ["q5", "q6"], message: "q5 → q6 → q5 ..." }
 * ```
 */
export interface Finding {
  readonly code: FindingCode
  readonly severity: "error" | "warning" | "info"
  readonly message: string
  readonly path: ReadonlyArray<string | number>
  readonly questions: ReadonlyArray<string>
}

/**
 * A generated test case: context and answers of one path, the questions it shows, and the branch
 * outcomes it covers (`"competitor.showIf=true"`, `"reached.jump[0]=false"`).
 *
 * @example
 * ```ts
 * for (const t of report.pathSpace!.testCases) expect(validateResponse(version, t).valid).toBe(true)
 * ```
 */
export interface TestCase {
  readonly context: Readonly<Record<string, unknown>>
  readonly answers: Readonly<Record<string, AnswerValue>>
  readonly visible: ReadonlyArray<string>
  readonly covers: ReadonlyArray<string>
}

/**
 * Path-space figures. `exact` is true when every combination of representative answers was
 * explored (then min/max are exact for conditions that compare answers with literals); otherwise
 * they are the extremes seen on the explored paths.
 *
 * @example
 * ```ts
 * const { minQuestions, maxQuestions, branches } = analyze(def).pathSpace!
 * console.log(`${minQuestions}–${maxQuestions} questions; ${branches.covered}/${branches.total} branch outcomes covered`)
 * ```
 */
export interface PathSpace {
  readonly minQuestions: number
  readonly maxQuestions: number
  readonly exact: boolean
  readonly pathsExplored: number
  readonly branches: { readonly total: number; readonly covered: number; readonly uncovered: ReadonlyArray<string> }
  readonly testCases: ReadonlyArray<TestCase>
}

/**
 * The result of {@link analyze}.
 *
 * @example
 * ```ts
 * const r = analyze(def)
 * if (!r.ok) for (const f of r.findings) console.log(f.severity, f.code, f.path.join("."), f.message)
 * ```
 */
export interface AnalysisReport {
  /** True when there is no error (warnings and infos do not block publishing). */
  readonly ok: boolean
  readonly findings: ReadonlyArray<Finding>
  readonly errorCount: number
  readonly warningCount: number
  readonly infoCount: number
  readonly pathSpace?: PathSpace | undefined
}

/**
 * Options of {@link analyze}.
 *
 * @example
 * ```ts
 * analyze(def, { pathSpace: true, maxSteps: 50_000, maxTestCases: 20 })
 * ```
 */
export interface AnalysisOptions {
  /** Compute path-space figures and test cases (default true). */
  readonly pathSpace?: boolean
  /** Budget of question visits for the exhaustive exploration (default 20,000); past it, guided walks. */
  readonly maxSteps?: number
  /** At most this many test cases (default 64). */
  readonly maxTestCases?: number
}

const MAX_COMBOS = 4096

// The shared "reads no question" dependency list (never written: replaced on first use).
const NO_DEPS: number[] = []

// Levenshtein distance with early exit once every cell of a row reaches `limit`.
function editDistance(a: Int32Array, b: string, limit: number, row: Int32Array): number {
  const m = b.length
  for (let k = 0; k <= m; k++) row[k] = k
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0]!
    row[0] = i
    let rowMin = i
    const ca = a[i - 1]!
    for (let j = 1; j <= m; j++) {
      const up = row[j]!
      let v = diag + (ca === b.charCodeAt(j - 1) ? 0 : 1)
      if (up + 1 < v) v = up + 1
      if (row[j - 1]! + 1 < v) v = row[j - 1]! + 1
      row[j] = v
      if (v < rowMin) rowMin = v
      diag = up
    }
    if (rowMin >= limit) return limit
  }
  return row[m]!
}

const bag = new Int32Array(128)

// Bag distance (a lower bound of the edit distance), to skip most candidates cheaply.
function bagDistance(a: string, b: string): number {
  for (let k = 0; k < a.length; k++) bag[a.charCodeAt(k) & 127]!++
  let extraB = 0
  for (let k = 0; k < b.length; k++) {
    const c = b.charCodeAt(k) & 127
    if (bag[c]! > 0) bag[c]!--
    else extraB++
  }
  let extraA = 0
  for (let k = 0; k < a.length; k++) {
    const c = a.charCodeAt(k) & 127
    if (bag[c]! > 0) {
      extraA += bag[c]!
      bag[c] = 0
    }
  }
  return Math.max(extraA, extraB)
}

// A 31-bit set of the characters of a string (hashed); "distinct characters of a missing from b"
// is a lower bound of the edit distance, and two bit operations decide it for most candidates.
function charMask(s: string): number {
  let m = 0
  for (let k = 0; k < s.length; k++) m |= 1 << (s.charCodeAt(k) % 31)
  return m
}

function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555)
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333)
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24
}

/** Suggests the closest known name ("did you mean") within edit distance 2. */
class Suggester {
  private masks: Int32Array | undefined
  constructor(private readonly names: ReadonlyArray<string>) {}
  suggest(name: string): string {
    if (this.masks === undefined) {
      this.masks = new Int32Array(this.names.length)
      for (let k = 0; k < this.names.length; k++) this.masks[k] = charMask(this.names[k]!)
    }
    const masks = this.masks
    const mine = charMask(name)
    let best: string | undefined
    let bestD = 3
    const codes = Int32Array.from(name, (c) => c.charCodeAt(0))
    const row = new Int32Array(64)
    for (let k = 0; k < this.names.length; k++) {
      const c = this.names[k]!
      if (Math.abs(c.length - name.length) >= bestD || c.length >= 63) continue
      if (popcount(mine & ~masks[k]!) >= bestD || popcount(masks[k]! & ~mine) >= bestD) continue
      if (bagDistance(name, c) >= bestD) continue
      const d = editDistance(codes, c, bestD, row)
      if (d < bestD) {
        bestD = d
        best = c
        if (d === 1) break
      }
    }
    return best === undefined ? "" : ` Did you mean "${best}"?`
  }
}

function suggest(name: string, candidates: Iterable<string>): string {
  return new Suggester([...candidates]).suggest(name)
}

// References per expression node, memoized for the duration of one analysis (a plain Map, dropped
// afterwards: a module-level WeakMap would tax the garbage collector on every fresh definition).
let refsMemo: Map<ExpressionNode, { questions: string[]; context: string[] }> | undefined
function expressionReferences(e: ExpressionNode): { readonly questions: ReadonlyArray<string>; readonly context: ReadonlyArray<string> } {
  if (refsMemo === undefined) return computeReferences(e)
  let r = refsMemo.get(e)
  if (r === undefined) {
    r = computeReferences(e)
    refsMemo.set(e, r)
  }
  return r
}

type Ref = Extract<ExpressionNode, { type: "answer" | "context" }>
const isRef = (e: ExpressionNode): e is Ref => e.type === "answer" || e.type === "context"

/**
 * Analyzes a definition (raw input or already parsed). Throws `ValidationError` only for
 * structural problems (see `parseDefinition`); every semantic problem is a finding. A definition
 * returned by `parseDefinition` (or a published version's `definition`) is analysed as it is,
 * without being parsed and validated again.
 *
 * @example
 * ```ts
 * const report = analyze({
 *   id: "x", title: "X",
 *   questions: [
 *     { id: "score", type: "rating", text: "Score?" },
 *     { id: "why", type: "text", text: "Why so high?", showIf: "score > 7" }
 *   ]
 * })
 * report.findings[0]?.code // "never_shown": a 1–5 rating is never above 7
 * ```
 */
export function analyze(definition: unknown, options: AnalysisOptions = {}): AnalysisReport {
  const def = parseDefinition(definition)
  return analyzeParsed(def, options)
}

/** @internal */
export function analyzeParsed(def: QuestionnaireDefinition, options: AnalysisOptions = {}): AnalysisReport {
  const outer = refsMemo
  refsMemo = new Map()
  try {
    return analyzeWithMemo(def, options)
  } finally {
    refsMemo = outer
  }
}

function analyzeWithMemo(def: QuestionnaireDefinition, options: AnalysisOptions): AnalysisReport {
  const findings: Finding[] = []
  const add = (f: Finding): void => {
    findings.push(f)
  }
  const qs = def.questions
  const n = qs.length
  const index = new Map<string, number>()
  qs.forEach((q, i) => index.set(q.id, i))
  const sites = definitionConditions(def)
  const declared = def.context
  const undeclaredReported = new Set<string>()

  // --- references, choices, types -------------------------------------------------------------
  // Per question, the questions its conditions read. Filled with `[i]` on first use (an empty
  // array that grows by push allocates a 17-slot store per question).
  const deps: number[][] = new Array<number[]>(n).fill(NO_DEPS)
  const depSite: Map<number, ConditionSite> = new Map()
  const brokenSites = new Set<ConditionSite>()
  const questionSuggester = new Suggester(qs.map((q) => q.id))
  const selfReading = new Set<number>()
  const siteRefs: Refs[] = []
  for (let si = 0; si < sites.length; si++) {
    const site = sites[si]!
    const refs = computeReferences(site.expression) // once per site: kept in siteRefs, not memoized
    siteRefs.push(refs)
    if (site.kind !== "jump" && refs.questions.includes(site.questionId)) selfReading.add(site.questionIndex)
    for (let ri = 0; ri < refs.questions.length; ri++) {
      const id = refs.questions[ri]!
      const i = index.get(id)
      if (i === undefined) {
        brokenSites.add(site)
        add({ code: "unknown_question", severity: "error", path: site.path, questions: [site.questionId], message: `${site.questionId}.${site.kind}: "${id}" is not a question.${questionSuggester.suggest(id)}` })
        continue
      }
      const ds = deps[site.questionIndex]!
      if (ds === NO_DEPS) deps[site.questionIndex] = [i]
      else ds.push(i)
      depSite.set(site.questionIndex * n + i, site)
    }
    for (let ci = 0; ci < refs.context.length; ci++) {
      const f = refs.context[ci]!
      if (declared !== undefined && declared[f] === undefined) {
        brokenSites.add(site)
        add({ code: "unknown_context_field", severity: "error", path: site.path, questions: [site.questionId], message: `${site.questionId}.${site.kind}: ctx.${f} is not a declared context field.${suggest(f, Object.keys(declared))}` })
      } else if (declared === undefined && !undeclaredReported.has(f)) {
        undeclaredReported.add(f)
        add({ code: "undeclared_context_field", severity: "info", path: site.path, questions: [site.questionId], message: `ctx.${f} is used but the definition declares no context fields; declare them to get typo and value checks` })
      }
    }
    const before = findings.length
    checkTypes(site, site.expression, def, index, add)
    // A condition with a wrong choice or type is reported once, not again as never true.
    if (findings.length > before) brokenSites.add(site)
  }

  // --- jumps ------------------------------------------------------------------------------------
  qs.forEach((q, i) => {
    q.jumps?.forEach((j, ji) => {
      if (j.to === "end") return
      const t = index.get(j.to)
      if (t === undefined)
        add({ code: "unknown_jump_target", severity: "error", path: ["questions", i, "jumps", ji, "to"], questions: [q.id], message: `${q.id} jumps to "${j.to}", which is not a question.${questionSuggester.suggest(j.to)}` })
      else if (t <= i) {
        const loop = qs.slice(t, i + 1).map((x) => x.id)
        const shown = loop.length > 12 ? [...loop.slice(0, 5), "…", ...loop.slice(-5)] : loop
        add({ code: "cycle", severity: "error", path: ["questions", i, "jumps", ji, "to"], questions: loop, message: `Jump from ${q.id} back to ${j.to} loops: ${[...shown, j.to].join(" → ")}` })
      }
    })
  })

  // --- dependency cycles (Tarjan, iterative) and forward references -----------------------------
  const inCycle = new Uint8Array(n)
  {
    const idx = new Int32Array(n).fill(-1)
    const low = new Int32Array(n)
    const onStack = new Uint8Array(n)
    // Typed stacks: the component stack, and the DFS work stack as (vertex, next edge) pairs.
    const stack = new Int32Array(n)
    let sp = 0
    const workV = new Int32Array(n)
    const workK = new Int32Array(n)
    let counter = 0
    for (let root = 0; root < n; root++) {
      if (idx[root] !== -1 || deps[root]!.length === 0) continue
      let wp = 0
      workV[wp] = root
      workK[wp++] = 0
      idx[root] = low[root] = counter++
      stack[sp++] = root
      onStack[root] = 1
      while (wp > 0) {
        const v = workV[wp - 1]!
        const k = workK[wp - 1]!
        const ds = deps[v]!
        if (k < ds.length) {
          workK[wp - 1] = k + 1
          const w = ds[k]!
          if (idx[w] === -1) {
            idx[w] = low[w] = counter++
            stack[sp++] = w
            onStack[w] = 1
            workV[wp] = w
            workK[wp++] = 0
          } else if (onStack[w] === 1) low[v] = Math.min(low[v]!, idx[w]!)
          continue
        }
        wp--
        if (wp > 0) {
          const p = workV[wp - 1]!
          low[p] = Math.min(low[p]!, low[v]!)
        }
        if (low[v] === idx[v]) {
          // A one-vertex component (the usual case) is a cycle only when it reads itself.
          if (stack[sp - 1] === v && !selfReading.has(v)) {
            sp--
            onStack[v] = 0
            continue
          }
          const comp: number[] = []
          let w: number
          do {
            w = stack[--sp]!
            onStack[w] = 0
            comp.push(w)
          } while (w !== v)
          const selfLoop = comp.length === 1 && selfReading.has(v)
          if (comp.length > 1 || selfLoop) {
            comp.sort((a, b) => a - b)
            comp.forEach((c) => (inCycle[c] = 1))
            const names = comp.map((c) => qs[c]!.id)
            const first = comp[0]!
            const site = sites.find((s) => s.questionIndex === first && s.kind !== "jump") ?? sites.find((s) => s.questionIndex === first)
            add({
              code: "cycle",
              severity: "error",
              path: site?.path ?? ["questions", first],
              questions: names,
              message: names.length === 1 ? `${names[0]} depends on its own answer` : `Conditions depend on each other in a cycle: ${[...names, names[0]].join(" → ")}`
            })
          }
        }
      }
    }
  }
  for (let j = 0; j < n; j++) {
    const ds = deps[j]!
    for (let x = 0; x < ds.length; x++) {
      const i = ds[x]!
      const site = depSite.get(j * n + i)!
      const allowed = site.kind === "jump" ? i <= j : i < j
      if (!allowed && !(inCycle[i] === 1 && inCycle[j] === 1))
        add({ code: "forward_reference", severity: "error", path: site.path, questions: [qs[j]!.id, qs[i]!.id], message: `${qs[j]!.id}.${site.kind} reads ${qs[i]!.id}, which comes later; conditions may only read earlier answers` })
    }
  }

  // --- satisfiability, never-shown, skipped required --------------------------------------------
  const uses = new Map<string, VarUse>()
  for (let si = 0; si < sites.length; si++) collectUses(sites[si]!.expression, uses)
  const neverShown = new Uint8Array(n)
  const potSpan = new Int32Array(n + 1) // difference array: some satisfiable jump may skip i
  const certSpan = new Int32Array(n + 1) // difference array: an always-taken jump always skips i
  let pot = 0
  let cert = 0
  const alwaysVisible = new Uint8Array(n)
  // Sites of a question are consecutive in `sites` (listed question by question).
  const firstSite = new Int32Array(n + 1)
  for (let si = 0; si < sites.length; si++) firstSite[sites[si]!.questionIndex + 1]!++
  for (let i = 0; i < n; i++) firstSite[i + 1]! += firstSite[i]!
  const domainCache = new Map<string, VarDomain>()
  let processed = 0 // questions before this index have their final neverShown flag
  const domainOf = (key: string): VarDomain => {
    const hit = domainCache.get(key)
    if (hit !== undefined) return hit
    const u = uses.get(key) ?? emptyUse()
    let d: VarDomain
    if (key.startsWith("ctx.")) d = contextDomain(declared?.[key.slice(4)], u)
    else {
      const i = index.get(key)
      if (i === undefined) d = { values: [null], exact: true }
      else {
        d = questionDomain(qs[i]!, u, true, neverShown[i] === 0)
        if (i >= processed) return d
      }
    }
    domainCache.set(key, d)
    return d
  }
  const jumpSources: Array<{ p: number; t: number; always: boolean }> = []
  const endSkips = new Map<number, string[]>()
  for (let i = 0; i < n; i++) {
    processed = i
    pot += potSpan[i]!
    cert += certSpan[i]!
    const q = qs[i]!
    if (cert > 0) {
      neverShown[i] = 1
      const src = [...jumpSources].reverse().find((js) => js.always && js.p < i && alwaysVisible[js.p] === 1)
      add({ code: "never_shown", severity: "error", path: ["questions", i], questions: [q.id, ...(src ? [qs[src.p]!.id] : [])], message: `${q.id} is never shown: ${src ? `${qs[src.p]!.id} always jumps past it` : "an unconditional jump always skips it"}` })
      continue
    }
    let showAlways = true
    for (let si = firstSite[i]!; si < firstSite[i + 1]!; si++) {
      const site = sites[si]!
      if (brokenSites.has(site)) {
        if (site.kind === "showIf") showAlways = false
        continue
      }
      const sat = satisfiability(site.expression, domainOf, siteRefs[si]!)
      if (sat === null) {
        if (site.kind === "showIf") showAlways = false
        if (site.kind === "jump") {
          const j = q.jumps![site.jumpIndex!]!
          const t = j.to === "end" ? n : index.get(j.to)
          if (t !== undefined && t > i && neverShown[i] === 0) {
            potSpan[i + 1] = potSpan[i + 1]! + 1
            potSpan[t] = potSpan[t]! - 1
            jumpSources.push({ p: i, t, always: false })
          }
        }
        continue
      }
      const expr = site.expression
      if (site.kind === "showIf") {
        if (!sat.canTrue) {
          neverShown[i] = 1
          add({ code: "never_shown", severity: sat.exact ? "error" : "warning", path: site.path, questions: [q.id, ...sat.deadRefs], message: `${q.id} is never shown: its condition ${formatExpression(expr)} can never be true${sat.why.length > 0 ? ` (${sat.why.join("; ")})` : ""}` })
        } else if (!sat.canFalse) {
          add({ code: "always_true", severity: "info", path: site.path, questions: [q.id], message: `${q.id}: the condition ${formatExpression(expr)} is always true; it can be removed` })
        } else showAlways = false
        if (sat.canTrue && sat.deadAtoms.length > 0) for (const w of sat.deadAtoms) add({ code: "never_true", severity: "warning", path: site.path, questions: [q.id], message: `${q.id}.showIf: ${w}` })
      } else if (neverShown[i] === 0) {
        if (!sat.canTrue)
          add({ code: "never_true", severity: "warning", path: site.path, questions: [q.id], message: `${q.id}.${site.kind === "jump" ? `jumps[${site.jumpIndex}]` : site.kind}: ${formatExpression(expr)} can never be true${sat.why.length > 0 ? ` (${sat.why.join("; ")})` : ""}` })
        else if (sat.deadAtoms.length > 0) for (const w of sat.deadAtoms) add({ code: "never_true", severity: "warning", path: site.path, questions: [q.id], message: `${q.id}.${site.kind}: ${w}` })
        if (site.kind === "jump" && sat.canTrue) {
          const j = q.jumps![site.jumpIndex!]!
          const t = j.to === "end" ? n : index.get(j.to)
          if (t !== undefined && t > i) {
            potSpan[i + 1] = potSpan[i + 1]! + 1
            potSpan[t] = potSpan[t]! - 1
            jumpSources.push({ p: i, t, always: !sat.canFalse })
          }
        }
      }
      if (site.kind === "showIf" && neverShown[i] === 1) break
    }
    // An always-taken jump of a question that is always shown always skips what lies between.
    // The first matching jump wins: once some jump always holds, the question always jumps to one
    // of the targets up to it, so everything before the nearest of those targets is always skipped.
    if (neverShown[i] === 0 && showAlways && pot === 0) {
      alwaysVisible[i] = 1
      let first = jumpSources.length
      while (first > 0 && jumpSources[first - 1]!.p === i) first--
      let nearest = Number.POSITIVE_INFINITY
      for (let x = first; x < jumpSources.length; x++) {
        const js = jumpSources[x]!
        nearest = Math.min(nearest, js.t)
        if (!js.always) continue
        if (nearest > i + 1) {
          certSpan[i + 1] = certSpan[i + 1]! + 1
          certSpan[nearest] = certSpan[nearest]! - 1
        }
        break
      }
    }
    if (neverShown[i] === 0 && q.required === true) {
      if (pot > 0) {
        const over = jumpSources.filter((js) => js.p < i && js.t > i)
        if (over.every((js) => js.t >= n)) {
          // Ending the call early is a deliberate outcome (not reached, wrong person): one info per jump.
          for (const js of over) {
            const list = endSkips.get(js.p) ?? []
            list.push(q.id)
            endSkips.set(js.p, list)
          }
        } else {
          const srcs = over.map((js) => `${qs[js.p]!.id} → ${js.t >= n ? "end" : qs[js.t]!.id}`)
          add({ code: "required_may_be_skipped", severity: "warning", path: ["questions", i, "required"], questions: [q.id], message: `${q.id} is required, but some calls skip it (jump ${srcs.join(", ")})` })
        }
      } else if (!showAlways && q.showIf !== undefined) {
        add({ code: "required_may_be_skipped", severity: "info", path: ["questions", i, "required"], questions: [q.id], message: `${q.id} is required only on paths where ${formatExpression(q.showIf as ExpressionNode)} holds` })
      }
    }
  }

  for (const [p, skipped] of endSkips)
    add({ code: "required_may_be_skipped", severity: "info", path: ["questions", p, "jumps"], questions: [qs[p]!.id, ...skipped], message: `Calls that end at ${qs[p]!.id} skip the required questions ${skipped.join(", ")}` })

  // --- piping -------------------------------------------------------------------------------------
  qs.forEach((q, i) => {
    const texts = typeof q.text === "string" ? (q.text.includes("{") ? [q.text] : []) : Object.values(q.text)
    if (texts.length === 0) return
    const seen = new Set<string>()
    for (const t of texts) {
      if (!t.includes("{")) continue
      for (const m of t.matchAll(/\{(ctx\.)?([A-Za-z_][A-Za-z0-9_]*)\}/g)) {
        const name = m[2]!
        const key = `${m[1] ?? ""}${name}`
        if (seen.has(key)) continue
        seen.add(key)
        if (m[1] !== undefined) {
          if (declared !== undefined && declared[name] === undefined)
            add({ code: "unknown_piping_reference", severity: "warning", path: ["questions", i, "text"], questions: [q.id], message: `${q.id}'s text pipes {ctx.${name}}, which is not a declared context field` })
          continue
        }
        const j = index.get(name)
        if (j === undefined || j >= i)
          add({ code: "unknown_piping_reference", severity: "warning", path: ["questions", i, "text"], questions: [q.id], message: `${q.id}'s text pipes {${name}}, which is ${j === undefined ? "not a question" : "not an earlier question"}` })
      }
    }
  })

  processed = n
  const errorCount = findings.filter((f) => f.severity === "error").length
  const warningCount = findings.filter((f) => f.severity === "warning").length
  const report: AnalysisReport = {
    ok: errorCount === 0,
    findings,
    errorCount,
    warningCount,
    infoCount: findings.length - errorCount - warningCount,
    pathSpace: options.pathSpace === false ? undefined : explorePaths(def, domainOf, neverShown, options)
  }
  return report
}

// ------------------------------------------------------------------------------------------------
// Type and choice checks

// What the type checks of one condition need (one object per condition, no closures).
interface TypeCheck {
  readonly site: ConditionSite
  readonly def: QuestionnaireDefinition
  readonly index: Map<string, number>
  readonly add: (f: Finding) => void
}

function questionOf(c: TypeCheck, r: ExpressionNode): Question | undefined {
  if (r.type !== "answer") return undefined
  const i = c.index.get(r.question)
  return i === undefined ? undefined : c.def.questions[i]
}

function hasChoice(q: Extract<Question, { type: "singleChoice" | "multipleChoice" }>, v: string): boolean {
  for (let k = 0; k < q.choices.length; k++) if (q.choices[k]!.id === v) return true
  return false
}

function checkLiteral(c: TypeCheck, r: ExpressionNode, v: unknown, how: string): void {
  const { site, add } = c
  const q = questionOf(c, r)
  if (q !== undefined) {
    if (q.type === "singleChoice" || q.type === "multipleChoice") {
      if (v === null) return
      if (typeof v !== "string" || !hasChoice(q, v))
        add({ code: "unknown_choice", severity: "error", path: site.path, questions: [site.questionId, q.id], message: `${site.questionId}.${site.kind}: ${how} ${JSON.stringify(v)}, which is not a choice of ${q.id} (choices: ${q.choices.map((x) => x.id).join(", ")})` })
    } else if ((q.type === "number" || q.type === "rating") && v !== null && typeof v !== "number")
      add({ code: "type_mismatch", severity: "error", path: site.path, questions: [site.questionId, q.id], message: `${site.questionId}.${site.kind}: ${q.id} is a ${q.type} but is compared with ${JSON.stringify(v)}` })
    else if ((q.type === "text" || q.type === "multilineText" || q.type === "date") && v !== null && typeof v !== "string")
      add({ code: "type_mismatch", severity: "error", path: site.path, questions: [site.questionId, q.id], message: `${site.questionId}.${site.kind}: ${q.id} is a ${q.type} but is compared with ${JSON.stringify(v)}` })
    return
  }
  if (r.type !== "context" || v === null) return
  const spec = c.def.context?.[r.field]
  if (spec === undefined) return
  if (spec.type === "choice" && (typeof v !== "string" || !spec.values.includes(v)))
    add({ code: "unknown_choice", severity: "error", path: site.path, questions: [site.questionId], message: `${site.questionId}.${site.kind}: ctx.${r.field} is compared with ${JSON.stringify(v)}, which is not one of ${spec.values.join(", ")}` })
  else if (spec.type !== "choice" && typeof v !== spec.type)
    add({ code: "type_mismatch", severity: "error", path: site.path, questions: [site.questionId], message: `${site.questionId}.${site.kind}: ctx.${r.field} is a ${spec.type} but is compared with ${JSON.stringify(v)}` })
}

function checkTypesOf(c: TypeCheck, x: ExpressionNode): void {
  switch (x.type) {
    case "compare":
      if (isRef(x.left) && x.right.type === "literal") checkLiteral(c, x.left, x.right.value, "compares with")
      else if (isRef(x.right) && x.left.type === "literal") checkLiteral(c, x.right, x.left.value, "compares with")
      return
    case "in":
      if (isRef(x.value)) for (const v of x.list) checkLiteral(c, x.value, v, "lists")
      return
    case "contains": {
      const q = questionOf(c, x.collection)
      if (q !== undefined && q.type === "multipleChoice" && x.value.type === "literal") checkLiteral(c, x.collection, x.value.value, "looks for")
      else if (q !== undefined && q.type !== "multipleChoice" && q.type !== "text" && q.type !== "multilineText")
        c.add({ code: "type_mismatch", severity: "error", path: c.site.path, questions: [c.site.questionId, q.id], message: `${c.site.questionId}.${c.site.kind}: "contains" needs a multiple-choice or text question, ${q.id} is a ${q.type}` })
      return
    }
    case "not":
      return checkTypesOf(c, x.item)
    case "and":
    case "or":
      for (let k = 0; k < x.items.length; k++) checkTypesOf(c, x.items[k]!)
      return
    default:
      return
  }
}

function checkTypes(site: ConditionSite, e: ExpressionNode, def: QuestionnaireDefinition, index: Map<string, number>, add: (f: Finding) => void): void {
  checkTypesOf({ site, def, index, add }, e)
}

// ------------------------------------------------------------------------------------------------
// Satisfiability by enumerating representative values

interface Sat {
  readonly canTrue: boolean
  readonly canFalse: boolean
  readonly exact: boolean
  readonly why: ReadonlyArray<string>
  readonly deadAtoms: ReadonlyArray<string>
  readonly deadRefs: ReadonlyArray<string>
}

// Shared empty list for the common "nothing to explain" result (never mutated).
const NONE: ReadonlyArray<string> = Object.freeze([])

// Scratch environment for one-variable conditions (the common case): no allocation per call.
let oneValue: Witness = null
const oneEnv = { answer: () => oneValue as ExpressionValue, context: () => oneValue as ExpressionValue }

type Refs = { readonly questions: ReadonlyArray<string>; readonly context: ReadonlyArray<string> }

function enumerate(e: ExpressionNode, domainOf: (key: string) => VarDomain, refs: Refs = expressionReferences(e)): { canTrue: boolean; canFalse: boolean; exact: boolean } | null {
  const nq = refs.questions.length
  const nk = nq + refs.context.length
  if (nk <= 1) {
    const d = nk === 0 ? { values: [null] as Witness[], exact: true } : domainOf(nq === 1 ? refs.questions[0]! : `ctx.${refs.context[0]!}`)
    let canTrue = false
    let canFalse = false
    for (let k = 0; k < d.values.length && !(canTrue && canFalse); k++) {
      oneValue = d.values[k] ?? null
      if (interpret(e, oneEnv) === true) canTrue = true
      else canFalse = true
    }
    oneValue = null
    return { canTrue, canFalse, exact: d.exact && !hasVarVar(e) }
  }
  const keys = [...refs.questions, ...refs.context.map((f) => `ctx.${f}`)]
  const doms = keys.map(domainOf)
  let combos = 1
  for (const d of doms) {
    combos *= Math.max(1, d.values.length)
    if (combos > MAX_COMBOS) return null
  }
  const cur: Witness[] = doms.map((d) => d.values[0] ?? null)
  const slot = new Map<string, number>()
  keys.forEach((k, i) => slot.set(k, i))
  const fn = compileExpression(e, (id) => slot.get(id) ?? -1)
  const env = { read: (i: number) => (cur[i] ?? null) as ExpressionValue, ctx: (f: string) => (cur[slot.get(`ctx.${f}`) ?? -1] ?? null) as ExpressionValue }
  const pos = new Array<number>(keys.length).fill(0)
  let canTrue = false
  let canFalse = false
  for (;;) {
    if (fn(env)) canTrue = true
    else canFalse = true
    if (canTrue && canFalse) break
    let k = 0
    while (k < keys.length) {
      pos[k] = pos[k]! + 1
      if (pos[k]! < doms[k]!.values.length) {
        cur[k] = doms[k]!.values[pos[k]!] ?? null
        break
      }
      pos[k] = 0
      cur[k] = doms[k]!.values[0] ?? null
      k++
    }
    if (k === keys.length) break
  }
  return { canTrue, canFalse, exact: !hasVarVar(e) && doms.every((d) => d.exact) }
}

function hasVarVar(e: ExpressionNode): boolean {
  switch (e.type) {
    case "compare": {
      const l = e.left.type === "call" ? e.left.arg : e.left
      const r = e.right.type === "call" ? e.right.arg : e.right
      return isRef(l) && isRef(r)
    }
    case "contains":
      return isRef(e.value)
    case "not":
      return hasVarVar(e.item)
    case "and":
    case "or":
      return e.items.some(hasVarVar)
    default:
      return false
  }
}

function atoms(e: ExpressionNode, out: ExpressionNode[] = []): ExpressionNode[] {
  if (e.type === "and" || e.type === "or") e.items.forEach((i) => atoms(i, out))
  else if (e.type === "not") atoms(e.item, out)
  else out.push(e)
  return out
}

function satisfiability(e: ExpressionNode, domainOf: (key: string) => VarDomain, refsOfE: Refs = expressionReferences(e)): Sat | null {
  const whole = enumerate(e, domainOf, refsOfE)
  if (whole === null) return null
  if (whole.canTrue && whole.canFalse && e.type !== "and" && e.type !== "or" && e.type !== "not")
    return { canTrue: whole.canTrue, canFalse: whole.canFalse, exact: whole.exact, why: NONE, deadAtoms: NONE, deadRefs: NONE }
  const why: string[] = []
  const deadAtoms: string[] = []
  const deadRefs = new Set<string>()
  const as = atoms(e)
  for (const a of as) {
    const s = as.length === 1 && a === e ? whole : enumerate(a, domainOf)
    if (s === null) continue
    const refs = (a === e ? refsOfE : expressionReferences(a)).questions
    const onlyNull = refs.filter((r) => {
      const d = domainOf(r)
      return d.values.length === 1 && d.values[0] === null
    })
    if (!s.canTrue || !s.canFalse) {
      const text = formatExpression(a)
      let reason = !s.canTrue ? `${text} is never true` : `${text} is always true`
      if (onlyNull.length > 0) {
        reason += ` because ${onlyNull.join(", ")} ${onlyNull.length === 1 ? "is" : "are"} never shown`
        onlyNull.forEach((r) => deadRefs.add(r))
      } else {
        const r0 = refs[0]
        const d = r0 === undefined ? undefined : domainOf(r0).values.filter((v) => v !== null)
        if (d !== undefined && d.length > 0 && d.length <= 12 && d.every((v) => typeof v === "number")) reason += ` (${r0} takes ${d.join(", ")})`
      }
      if (!s.canTrue) {
        why.push(reason)
        if (as.length > 1) deadAtoms.push(reason)
      } else if (!whole.canTrue) why.push(reason)
    }
  }
  if (!whole.canTrue && why.length === 0 && as.length > 1) why.push("its parts contradict each other")
  // Dead atoms matter only inside a satisfiable condition; a contradiction is reported once.
  return { canTrue: whole.canTrue, canFalse: whole.canFalse, exact: whole.exact, why, deadAtoms: whole.canTrue ? deadAtoms : NONE, deadRefs: [...deadRefs] }
}

// ------------------------------------------------------------------------------------------------
// Path space

function defaultAnswer(q: Question): StoredValue | null {
  switch (q.type) {
    case "text":
    case "multilineText": {
      const v = "x".repeat(Math.max(1, q.minLength ?? 1))
      return checkValue(q, v).ok ? v : null
    }
    case "singleChoice":
      return q.choices[0]!.id
    case "multipleChoice":
      return q.choices.slice(0, Math.max(1, q.minSelected ?? 1)).map((c) => c.id)
    case "number": {
      const v = q.min ?? (q.max !== undefined ? Math.min(0, q.max) : 0)
      return v
    }
    case "date":
      return q.min ?? q.max ?? "2026-01-01"
    case "rating":
      return q.min
  }
}


function explorePaths(def: QuestionnaireDefinition, domainOf: (key: string) => VarDomain, neverShown: Uint8Array, options: AnalysisOptions): PathSpace {
  const plan = buildPlan(def)
  const n = plan.n
  const maxSteps = options.maxSteps ?? 20_000
  const maxTestCases = options.maxTestCases ?? 64

  // Branch outcome ids: per condition site, one id for "true" and one for "false".
  const siteBase: number[][] = [] // [question] -> [showIf, requiredIf, jump0, jump1, ...] base ids (-1 absent)
  const outcomeName: string[] = []
  for (let i = 0; i < n; i++) {
    const q = plan.questions[i]!
    const row: number[] = []
    const reg = (label: string): number => {
      const b = outcomeName.length
      outcomeName.push(`${q.id}.${label}=false`, `${q.id}.${label}=true`)
      return b
    }
    row.push(plan.showIf[i] ? reg("showIf") : -1)
    row.push(plan.requiredIf[i] ? reg("requiredIf") : -1)
    plan.jumps[i]!.forEach((_, k) => row.push(reg(`jump[${k}]`)))
    siteBase.push(row)
  }
  const total = outcomeName.length
  const covered = new Uint8Array(total)
  let coveredCount = 0
  const possible = new Uint8Array(total) // outcomes seen at all

  // Candidate answers per question: representatives for questions conditions read, one default otherwise.
  const candidates: Array<ReadonlyArray<StoredValue | null>> = plan.questions.map((q, i) => {
    const d = defaultAnswer(q)
    if (plan.dependents[i]!.length === 0 || neverShown[i] === 1) return [d]
    const vals = domainOf(q.id).values.filter((v): v is StoredValue | null => typeof v !== "boolean")
    const valid = vals.filter((v) => v === null || checkValue(q, v).ok)
    const withoutNull = valid.filter((v) => v !== null)
    const out = q.required === true || q.requiredIf !== undefined ? (withoutNull.length > 0 ? withoutNull : [d]) : valid
    return out.length > 0 ? out : [d]
  })
  const ctxFields = new Set<string>()
  for (const s of definitionConditions(def)) for (const f of expressionReferences(s.expression).context) ctxFields.add(f)
  const ctxKeys = [...ctxFields]
  const ctxCands = ctxKeys.map((f) => domainOf(`ctx.${f}`).values)

  const answers = new Array<StoredValue | undefined>(n).fill(undefined)
  const visible = new Uint8Array(n)
  const required = new Uint8Array(n)
  const span = new Int32Array(n + 1)
  let context: Record<string, unknown> = {}
  let env = makeEnv(visible, answers, context)
  const trail: number[] = []
  let clean = 0
  const testCases: TestCase[] = []
  let minQ = Number.POSITIVE_INFINITY
  let maxQ = 0
  let steps = 0
  let paths = 0
  let aborted = false

  const leaf = (count: number): void => {
    paths++
    if (count < minQ) minQ = count
    if (count > maxQ) maxQ = count
    if (testCases.length >= maxTestCases) return
    // Entries below `clean` were scanned at an earlier leaf and are covered: scan only the rest.
    let fresh = false
    for (let x = clean; x < trail.length; x++) if (covered[trail[x]!] === 0) {
      fresh = true
      break
    }
    clean = trail.length
    if (!fresh) return
    const seen = new Set<number>()
    for (const o of trail) seen.add(o)
    for (const o of seen) if (covered[o] === 0) {
      covered[o] = 1
      coveredCount++
    }
    const ans: Record<string, AnswerValue> = {}
    const vis: string[] = []
    for (let i = 0; i < n; i++) {
      if (visible[i] !== 1) continue
      vis.push(plan.ids[i]!)
      const v = answers[i]
      if (v !== undefined) ans[plan.ids[i]!] = Array.isArray(v) ? [...(v as string[])] : (v as string | number)
    }
    testCases.push({ context: { ...context }, answers: ans, visible: vis, covers: [...seen].sort((a, b) => a - b).map((o) => outcomeName[o]!) })
  }

  const note = (base: number, value: boolean): void => {
    const o = base + (value ? 1 : 0)
    possible[o] = 1
    trail.push(o)
  }

  // Visits questions from i; branches on candidate answers. `pick` chooses one candidate (walks) or all (exhaustive).
  const visit = (i: number, count: number, pick: ((cands: ReadonlyArray<StoredValue | null>, i: number) => number) | null): void => {
    // Advance through questions that do not branch, remembering what to undo.
    const undo: number[] = []
    const trailMark = trail.length
    let k = i
    let c = count
    while (k < n) {
      if (++steps > maxSteps && pick === null) {
        aborted = true
        break
      }
      const row = siteBase[k]!
      const reach = span[k] === 0
      const s = plan.showIf[k]
      let vis = reach
      if (reach && s) {
        vis = s(env)
        note(row[0]!, vis)
      }
      if (!vis) {
        k++
        continue
      }
      const cands = candidates[k]!
      if (cands.length > 1) break
      visible[k] = 1
      answers[k] = cands[0] ?? undefined
      undo.push(k)
      c++
      applyRequiredAndJumps(k, row, undo)
      k++
    }
    if (aborted) {
      rollback(undo, trailMark)
      return
    }
    if (k >= n) {
      leaf(c)
      rollback(undo, trailMark)
      return
    }
    // Branching question k (visible, several candidates).
    const cands = candidates[k]!
    const row = siteBase[k]!
    const choose = pick === null ? cands.map((_, x) => x) : [pick(cands, k)]
    for (const x of choose) {
      const innerUndo: number[] = []
      const mark = trail.length
      visible[k] = 1
      answers[k] = cands[x] ?? undefined
      innerUndo.push(k)
      applyRequiredAndJumps(k, row, innerUndo)
      visit(k + 1, c + 1, pick)
      rollback(innerUndo, mark)
      if (aborted) break
    }
    rollback(undo, trailMark)
  }

  const jumpUndo = new Map<number, number>() // question -> active target, for rollback
  const applyRequiredAndJumps = (k: number, row: number[], undo: number[]): void => {
    const r = plan.requiredIf[k]
    if (r) note(row[1]!, r(env))
    const js = plan.jumps[k]!
    for (let x = 0; x < js.length; x++) {
      const hit = js[x]!.when(env)
      note(row[2 + x]!, hit)
      if (hit) {
        const t = js[x]!.target
        for (let m = k + 1; m < t; m++) span[m] = span[m]! + 1
        jumpUndo.set(k, t)
        break
      }
    }
    void undo
  }
  const rollback = (undo: number[], trailMark: number): void => {
    if (clean > trailMark) clean = trailMark
    for (let u = undo.length - 1; u >= 0; u--) {
      const k = undo[u]!
      visible[k] = 0
      answers[k] = undefined
      required[k] = 0
      const t = jumpUndo.get(k)
      if (t !== undefined) {
        for (let m = k + 1; m < t; m++) span[m] = span[m]! - 1
        jumpUndo.delete(k)
      }
    }
    trail.length = trailMark
  }

  // Exhaustive over context representatives, then answer representatives, within the budget.
  const ctxPos = new Array<number>(ctxKeys.length).fill(0)
  const setContext = (): void => {
    context = {}
    ctxKeys.forEach((f, x) => {
      const v = ctxCands[x]![ctxPos[x]!]
      if (v !== null && v !== undefined) context[f] = v
    })
    env = makeEnv(visible, answers, context)
  }
  const nextCtx = (): boolean => {
    let x = 0
    while (x < ctxKeys.length) {
      ctxPos[x] = ctxPos[x]! + 1
      if (ctxPos[x]! < ctxCands[x]!.length) return true
      ctxPos[x] = 0
      x++
    }
    return false
  }
  do {
    setContext()
    visit(0, 0, null)
  } while (!aborted && nextCtx())

  const exhaustive = !aborted
  if (aborted) {
    aborted = false
    // Budget exceeded: guided walks. At each branching question pick the answer that reaches an
    // uncovered outcome of the conditions reading it; otherwise the one that keeps most of them
    // shown (to go deeper); ties broken by a seeded random choice. Kept when they cover something new.
    const rnd = mulberry32(0x5eed)
    let idle = 0
    const walks = Math.max(8, maxTestCases * 4)
    const guided = (cands: ReadonlyArray<StoredValue | null>, k: number): number => {
      let best = -1
      let bestScore = -1
      const deps = plan.dependents[k]!
      const offset = Math.floor(rnd() * cands.length)
      visible[k] = 1
      for (let c = 0; c < cands.length; c++) {
        const x = (c + offset) % cands.length
        answers[k] = cands[x] ?? undefined
        let fresh = 0
        let shown = 0
        for (let d = 0; d < deps.length && d < 32; d++) {
          const j = deps[d]!
          if (j === k) continue
          const s = plan.showIf[j]
          const base = siteBase[j]![0]!
          if (s && span[j] === 0) {
            const v = s(env)
            if (v) shown++
            if (covered[base + (v ? 1 : 0)] === 0) fresh++
          }
        }
        const score = fresh * 1024 + shown
        if (score > bestScore) {
          bestScore = score
          best = x
        }
      }
      answers[k] = undefined
      visible[k] = 0
      return best
    }
    // Walks share a budget too (ten times the exhaustive one), so huge definitions stay bounded.
    steps = 0
    const walkBudget = maxSteps * 10
    for (let w = 0; w < walks && idle < 8 && testCases.length < maxTestCases && steps < walkBudget; w++) {
      ctxPos.forEach((_, x) => (ctxPos[x] = Math.floor(rnd() * ctxCands[x]!.length)))
      setContext()
      const before = coveredCount
      visit(0, 0, guided)
      idle = coveredCount > before ? 0 : idle + 1
    }
  }
  const uncovered: string[] = []
  for (let o = 0; o < total; o++) if (covered[o] === 0) uncovered.push(outcomeName[o]!)
  return {
    minQuestions: Number.isFinite(minQ) ? minQ : 0,
    maxQuestions: maxQ,
    exact: exhaustive,
    pathsExplored: paths,
    branches: { total, covered: coveredCount, uncovered },
    testCases
  }
}

/** @internal exported for the outline: display text of a question in a locale. */
export function questionLabel(q: Question, locale: string | undefined, def: QuestionnaireDefinition): string {
  return localize(q.text, locale, def.defaultLocale)
}
