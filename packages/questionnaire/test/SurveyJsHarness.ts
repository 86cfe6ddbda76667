/**
 * The differential harness: one SurveyJS definition runs in survey-core and, imported, in our
 * runtime; a seeded random answer path compares the visible set, the required flags and
 * completeness after every answer. `TRACE=1` prints each move.
 */
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { Model, type Question as SjQuestion } from "survey-core"
import { mulberry32 } from "../src/internal/Random"
import { answer, importSurveyJs, publish, start, type QuestionnaireState } from "../src/index"

export type Json = Record<string, unknown>
const FIXTURES = join(import.meta.dirname, "fixtures", "surveyjs")
export const fixtures = readdirSync(FIXTURES)
  .filter((f) => f.endsWith(".json"))
  .map((f) => [f, JSON.parse(readFileSync(join(FIXTURES, f), "utf8")) as Json] as const)


export interface Divergence {
  readonly step: number
  readonly what: string
}

/**
 * SurveyJS's hidden-value modes the differential runs in: its default `"onComplete"` (imported as
 * `hiddenAnswers: "keep-and-read"`) and `"onHiddenContainer"` (imported as `"clear"`).
 */
export type HiddenMode = "onComplete" | "onHiddenContainer"

/** Runs one random answer path; returns every divergence found (none expected). */
export function runPath(json: Json, seed: number, steps: number, mode: HiddenMode = "onComplete"): Divergence[] {
  const imported = importSurveyJs({ ...json, clearInvisibleValues: mode })
  const version = publish(imported.definition)
  const model = new Model({ ...json, clearInvisibleValues: mode })
  let state: QuestionnaireState = start(version)
  // SurveyJS applies defaultValue on its own; the host does it for us.
  for (const [id, v] of Object.entries(imported.defaults)) if (state.isVisible(id)) state = answer(state, id, v)
  const rand = mulberry32(seed)
  const pick = <T,>(xs: ReadonlyArray<T>): T => xs[Math.floor(rand() * xs.length)]!
  // Our question ids per SurveyJS question (matrix rows and multipletext items share their question).
  const ours = new Map<string, string[]>()
  for (const q of imported.definition.questions) {
    const name = imported.names[q.id]!
    if (name.endsWith("-Comment") && model.getQuestionByName(name) === null) continue
    const owner = model.getQuestionByName(name) !== null ? name : name.slice(0, name.indexOf("."))
    ours.set(owner, [...(ours.get(owner) ?? []), q.id])
  }
  const out: Divergence[] = []
  const compare = (step: number): void => {
    let sjMissing = 0
    for (const [name, ids] of ours) {
      const sq = model.getQuestionByName(name)
      if (sq === null) continue
      const sjVisible = sq.isVisibleInSurvey
      const ourVisible = ids.some((id) => state.isVisible(id))
      if (sjVisible !== ourVisible) out.push({ step, what: `${name}: visible ${sjVisible} in survey-core, ${ourVisible} here` })
      if (sjVisible && sq.hasErrors(false)) sjMissing++
      // survey-core enforces minSelectedChoices even on an empty answer: effectively required.
      const sjRequired = sq.isRequired || ((sq as unknown as { minSelectedChoices?: number }).minSelectedChoices ?? 0) > 0
      if (ids.length === 1 && sjVisible && ourVisible && sjRequired !== state.isRequired(ids[0]!))
        out.push({ step, what: `${name}: required ${sjRequired} in survey-core, ${state.isRequired(ids[0]!)} here` })
    }
    if ((sjMissing === 0) !== state.isComplete) out.push({ step, what: `complete ${sjMissing === 0} in survey-core, ${state.isComplete} here` })
  }
  compare(0)
  for (let step = 1; step <= steps && out.length === 0; step++) {
    const candidates = [...ours.keys()].filter((n) => model.getQuestionByName(n)?.isVisibleInSurvey === true)
    if (candidates.length === 0) break
    const name = pick(candidates)
    const sq = model.getQuestionByName(name)!
    const ids = ours.get(name)!
    const move = sjMove(sq, ids, imported, pick, rand)
    if (move === undefined) continue
    if (process.env.TRACE === "1") console.log(`  step ${step}: ${name} := ${JSON.stringify(move.sj)} / ${JSON.stringify(move.ours)}`)
    if (move.sj === undefined) model.clearValue(name)
    else model.setValue(name, move.sj)
    for (const [id, v] of move.ours) if (state.isVisible(id)) state = answer(state, id, v)
    const commentId = Object.keys(imported.names).find((k) => imported.names[k] === `${name}-Comment`)
    // Clearing a question in SurveyJS clears its comment ("other" text) too; in Winback the host
    // clears the companion question itself (docs/questionnaire/surveyjs.md).
    if (move.sj === undefined && commentId !== undefined && state.isVisible(commentId)) state = answer(state, commentId, null)
    // Sometimes describe "other" (or comment) too: SurveyJS keeps it as the question's comment.
    if (commentId !== undefined && state.isVisible(commentId) && rand() < 0.5) {
      const t = rand() < 0.2 ? "" : "details"
      sq.comment = t
      state = answer(state, commentId, t === "" ? null : t)
    }
    compare(step)
  }
  return out
}

type Move = { sj: unknown; ours: Array<[string, string | number | string[] | null]> }

function sjMove(sq: SjQuestion, ids: string[], imp: ReturnType<typeof importSurveyJs>, pick: <T>(xs: ReadonlyArray<T>) => T, rand: () => number): Move | undefined {
  const id = ids[0]!
  const cv = imp.choiceValues[id] ?? {}
  const choiceIds = Object.keys(cv)
  const q = imp.definition.questions.find((x) => x.id === id)!
  const clear = rand() < 0.1 && sq.getType() !== "matrix"
  if (clear) return { sj: undefined, ours: ids.map((x) => [x, null]) }
  switch (sq.getType()) {
    case "radiogroup":
    case "dropdown":
    case "boolean": {
      const c = pick(choiceIds)
      return { sj: cv[c], ours: [[id, c]] }
    }
    case "checkbox":
    case "tagbox": {
      const chosen = choiceIds.filter(() => rand() < 0.4)
      return { sj: chosen.map((c) => cv[c]), ours: [[id, chosen]] }
    }
    case "rating":
    case "slider": {
      const min = "min" in q && typeof q.min === "number" ? q.min : 1
      const max = "max" in q && typeof q.max === "number" ? q.max : 5
      const n = min + Math.floor(rand() * (max - min + 1))
      return { sj: n, ours: [[id, n]] }
    }
    case "text":
    case "comment": {
      if (q.type === "number") {
        const n = pick([0, 5, 50, 64, 65, 100, 150])
        return { sj: sq.getType() === "text" && (sq as unknown as { inputType: string }).inputType !== "number" ? String(n) : n, ours: [[id, n]] }
      }
      if (q.type === "date") return { sj: "2026-12-01", ours: [[id, "2026-12-01"]] }
      const t = pick(["yes", "app", "call me", "5"])
      return { sj: t, ours: [[id, t]] }
    }
    case "matrix": {
      const sj: Record<string, unknown> = {}
      const o: Move["ours"] = []
      for (const rid of ids) {
        const rowName = imp.names[rid]!.slice(imp.names[rid]!.indexOf(".") + 1)
        const rcv = imp.choiceValues[rid]!
        if (rand() < 0.6) {
          const c = pick(Object.keys(rcv))
          sj[rowName] = rcv[c]
          o.push([rid, c])
        } else o.push([rid, null])
      }
      // survey-core does not re-run `{matrix.row}` conditions when a whole matrix is emptied, so
      // a move always leaves one row answered (as an agent changing a row does).
      if (Object.keys(sj).length === 0) {
        const rid = ids[0]!
        const rcv = imp.choiceValues[rid]!
        const c = pick(Object.keys(rcv))
        sj[imp.names[rid]!.slice(imp.names[rid]!.indexOf(".") + 1)] = rcv[c]
        o[0] = [rid, c]
      }
      return { sj, ours: o }
    }
    case "multipletext": {
      const sj: Record<string, unknown> = {}
      const o: Move["ours"] = []
      for (const iid of ids) {
        const item = imp.names[iid]!.slice(imp.names[iid]!.indexOf(".") + 1)
        const t = pick(["A", "B", ""])
        if (t !== "") sj[item] = t
        o.push([iid, t === "" ? null : t])
      }
      return { sj: Object.keys(sj).length > 0 ? sj : undefined, ours: o }
    }
    default:
      return undefined
  }
}

