/**
 * SurveyJS import benchmark (issue 20): one answer → new visible state, survey-core's
 * `setValue` + `isVisible` against Winback's `answer` + `isVisible` on the SAME SurveyJS JSON —
 * Winback's side goes through `importSurveyJs`. Two definitions: the 5,000-question chain of the
 * questionnaire bench, and the largest fixture of our SurveyJS corpus (household-visit.json).
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { Model } from "survey-core"
import { answer, importSurveyJs, publish, start, type QuestionnaireState } from "@winback/questionnaire"
import type { Goal, SectionResult } from "../goals"
import { generateChain } from "../questionnaire/generate"

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const time = (f: () => void): number => {
  const t = performance.now()
  f()
  return performance.now() - t
}
const fmt = (ms: number): string => (ms >= 1 ? `${ms.toFixed(2)} ms` : `${(ms * 1000).toFixed(1)} µs`)

interface Case {
  readonly label: string
  readonly json: Record<string, unknown>
  /** SurveyJS name answered, its two alternating values, and the SurveyJS name watched. */
  readonly target: string
  readonly values: readonly [unknown, unknown]
  readonly watch: string
  readonly prefill: Record<string, unknown>
}

function measure(c: Case, runs: number): { sc: number; ours: number; questions: number } {
  const model = new Model(c.json)
  model.data = { ...c.prefill }
  let sink = 0
  const sc: number[] = []
  for (let r = 0; r < runs + 3; r++) {
    const v = c.values[r % 2]
    const t = time(() => {
      model.setValue(c.target, v)
      if (model.getQuestionByName(c.watch).isVisible) sink++
    })
    if (r >= 3) sc.push(t)
  }
  const imp = importSurveyJs(c.json)
  const idOf = (name: string): string => Object.keys(imp.names).find((k) => imp.names[k] === name)!
  const valueOf = (name: string, v: unknown): string | number => {
    const cv = imp.choiceValues[idOf(name)]
    if (cv === undefined) return v as number
    return Object.keys(cv).find((k) => cv[k] === v)!
  }
  let s: QuestionnaireState = start(publish(imp.definition))
  for (const [k, v] of Object.entries(c.prefill)) s = answer(s, idOf(k), valueOf(k, v))
  const target = idOf(c.target)
  const watch = idOf(c.watch)
  const vals = [valueOf(c.target, c.values[0]), valueOf(c.target, c.values[1])]
  const ours: number[] = []
  for (let r = 0; r < runs * 20 + 200; r++) {
    const v = vals[r % 2]!
    const t = time(() => {
      s = answer(s, target, v)
      if (s.isVisible(watch)) sink++
    })
    if (r >= 200) ours.push(t)
  }
  if (sink < 0) console.log(sink)
  return { sc: median(sc), ours: median(ours), questions: imp.definition.questions.length }
}

/** Runs the section; `quick` takes fewer samples. */
export async function runSurveyJsBench(options: { quick?: boolean } = {}): Promise<SectionResult> {
  const quick = options.quick ?? false
  const n = 5000
  const g = generateChain(n)
  const mid = Math.floor(n / 2)
  const prefill: Record<string, unknown> = {}
  for (let k = 1; k < mid; k++) prefill[`q${k}`] = "a"
  const household = JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "packages", "questionnaire", "test", "fixtures", "surveyjs", "household-visit.json"), "utf8")) as Record<string, unknown>
  const cases: Case[] = [
    { label: `chain of ${n.toLocaleString("en")} questions`, json: g.surveyjs as Record<string, unknown>, target: `q${mid}`, values: ["a", "b"], watch: `q${mid + 1}`, prefill },
    {
      label: "household-visit.json (largest corpus fixture)",
      json: household,
      target: "member 3 data",
      values: [50, 5],
      watch: "member 3 upgrade",
      prefill: { "household size": 6, "member 3 main use": "video" }
    }
  ]
  const rows: string[] = []
  const goals: Goal[] = []
  for (const c of cases) {
    const r = measure(c, quick ? 5 : c.label.startsWith("chain") ? 15 : 200)
    const x = r.sc / r.ours
    rows.push(`| ${c.label} | ${r.questions} | ${fmt(r.sc)} | ${fmt(r.ours)} | **${Math.round(x).toLocaleString("en")}×** |`)
    goals.push({ goal: `SurveyJS import: one answer ≥ 1000× survey-core on ${c.label}`, measured: `${Math.round(x).toLocaleString("en")}× (${fmt(r.sc)} vs ${fmt(r.ours)})`, met: x >= 1000 })
  }
  const markdown = [
    "### SurveyJS import: one answer → new visible state on the imported definition",
    "",
    "| definition | imported questions | survey-core `setValue` + `isVisible` | Winback `answer` + `isVisible` (after `importSurveyJs`) | speed-up |",
    "|---|---|---|---|---|",
    ...rows
  ].join("\n")
  return { markdown, goals }
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/^.*\/bench\//, "bench/"))
if (isMain) {
  const r = await runSurveyJsBench({ quick: process.argv.includes("--quick") })
  console.log(r.markdown)
  for (const g of r.goals ?? []) console.log(`${g.met ? "MET    " : "NOT MET"}  ${g.goal}: ${g.measured}`)
}
