/**
 * Questionnaire benchmarks, Winback beside survey-core 3.1 in the same process and run:
 *  1. one answer → new visible state on chained show-if definitions of 100 / 1,000 / 5,000 questions
 *     (survey-core: `m.setValue(name, v)` then `m.getQuestionByName(next).isVisible`);
 *  2. loading a definition (survey-core: `new Model(json)`; Winback: `publish` + `start`);
 *  3. static analysis of 1,000 questions with planted defects (survey-core: `lintSurvey(json)`),
 *     and which of the linter's findings Winback also reports. Both sides receive the same plain
 *     JSON object per call (the linter builds its model from it; `analyze` parses and validates
 *     it). A supplementary row times `analyze` of an already-parsed definition (what
 *     `parseDefinition` / `publish` return), which the linter has no counterpart for.
 * Both libraries get the same definition from one generator (./generate). Figures are medians;
 * garbage is collected between blocks (never inside a timed region).
 *
 *   pnpm exec tsx --conditions=@winback/source bench/questionnaire/index.ts [--quick]
 */
import { Model } from "survey-core"
import { lintSurvey } from "survey-core/linter"
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import type { QuestionnaireState } from "@winback/questionnaire"
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import { cpus, loadavg } from "node:os"
import { generateChain } from "./generate"
import { type Goal, type SectionResult, times } from "../goals"

// A full garbage collection between benchmark blocks (never inside a timed region), so one block
// does not pay for the previous block's garbage. Falls back to a no-op where unavailable.
const collectGarbage: () => void = (() => {
  try {
    setFlagsFromString("--expose-gc")
    const gc = runInNewContext("gc") as (() => void) | undefined
    return typeof gc === "function" ? gc : () => {}
  } catch {
    return () => {}
  }
})()

// Measure what ships: the built package (tsup output) when it is at least as new as every source
// file; otherwise the source through tsx (esbuild's keepNames wrappers make it slower) — the
// markdown says which one ran.
const packageDir = fileURLToPath(new URL("../../packages/questionnaire/", import.meta.url))
function newestSource(dir: string): number {
  let newest = 0
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    newest = Math.max(newest, e.isDirectory() ? newestSource(p) : statSync(p).mtimeMs)
  }
  return newest
}
const distEntry = join(packageDir, "dist", "index.js")
const useDist = existsSync(distEntry) && statSync(distEntry).mtimeMs >= newestSource(join(packageDir, "src"))
const Q: typeof import("@winback/questionnaire") = useDist ? await import(pathToFileURL(distEntry).href) : await import("@winback/questionnaire")
const { analyze, answer, parseDefinition, publish, start } = Q
const measured = useDist ? "the built package (`packages/questionnaire/dist`)" : "the TypeScript source through tsx (build the package to measure what ships)"

export interface QuestionnaireBenchOptions {
  readonly sizes?: ReadonlyArray<number>
  readonly quick?: boolean
  /** Only the analysis comparison (for quick checks). */
  readonly analysisOnly?: boolean
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

function fmt(ms: number): string {
  if (ms >= 100) return `${ms.toFixed(0)} ms`
  if (ms >= 1) return `${ms.toFixed(2)} ms`
  return `${(ms * 1000).toFixed(1)} µs`
}

function time(f: () => void): number {
  const t = performance.now()
  f()
  return performance.now() - t
}

/** Wall time and CPU time (user + system) of one call, in ms. CPU time is robust to other load. */
function timeCpu(f: () => void): { wall: number; cpu: number } {
  const c = process.cpuUsage()
  const t = performance.now()
  f()
  const wall = performance.now() - t
  const d = process.cpuUsage(c)
  return { wall, cpu: (d.user + d.system) / 1000 }
}

function withKeep(def: Record<string, unknown>): Record<string, unknown> {
  // survey-core keeps values of hidden questions by default; use the same policy.
  return { ...def, hiddenAnswers: "keep" }
}

interface AnswerFigures {
  n: number
  scLoad: number
  ourLoad: number
  scAnswer: number
  ourAnswer: number
  ourCascade: number
  scRuns: number
  ourRuns: number
}

function benchAnswer(n: number, quick: boolean): AnswerFigures {
  const g = generateChain(n)
  const mid = Math.floor(n / 2)
  const target = `q${mid}`
  const watch = `q${mid + 1}`
  const prefill: Record<string, string> = {}
  for (let k = 1; k < mid; k++) prefill[`q${k}`] = "a"

  // survey-core
  const scLoads: number[] = []
  let m: Model | undefined
  collectGarbage()
  for (let r = 0; r < (n >= 5000 ? 2 : 4); r++) scLoads.push(time(() => (m = new Model(g.surveyjs))))
  const model = m!
  model.data = { ...prefill }
  collectGarbage()
  const scRuns = quick ? 5 : n >= 5000 ? 15 : n >= 1000 ? 40 : 200
  const scTimes: number[] = []
  let sink = 0
  for (let r = 0; r < scRuns + 3; r++) {
    const v = r % 2 === 0 ? "a" : "b"
    const t = time(() => {
      model.setValue(target, v)
      if (model.getQuestionByName(watch).isVisible) sink++
    })
    if (r >= 3) scTimes.push(t)
  }

  // Winback
  const def = withKeep(g.ours)
  const ourLoads: number[] = []
  let state: QuestionnaireState | undefined
  collectGarbage()
  for (let r = 0; r < 4; r++) ourLoads.push(time(() => (state = start(publish(def)))))
  let s = state!
  for (let k = 1; k < mid; k++) s = answer(s, `q${k}`, "a")
  collectGarbage()
  const ourRuns = quick ? 200 : 2000
  const ourTimes: number[] = []
  for (let r = 0; r < ourRuns + 200; r++) {
    const v = r % 2 === 0 ? "a" : "b"
    const t = time(() => {
      s = answer(s, target, v)
      if (s.isVisible(watch)) sink++
    })
    if (r >= 200) ourTimes.push(t)
  }
  // Cascade: every question answered "a", then toggle q1 — Winback re-evaluates the whole chain
  // (hidden answers do not feed conditions), which survey-core does not do.
  let c = start(publish(def))
  for (let k = 1; k <= n; k++) c = answer(c, `q${k}`, "a")
  const cascade: number[] = []
  for (let r = 0; r < (quick ? 20 : 100) + 10; r++) {
    const v = r % 2 === 0 ? "b" : "a"
    const t = time(() => {
      c = answer(c, "q1", v)
      if (c.isVisible("q2")) sink++
    })
    if (r >= 10) cascade.push(t)
  }
  if (sink < 0) console.log(sink)
  return { n, scLoad: median(scLoads), ourLoad: median(ourLoads), scAnswer: median(scTimes), ourAnswer: median(ourTimes), ourCascade: median(cascade), scRuns, ourRuns }
}

interface AnalysisFigures {
  n: number
  cold: { lint: number; ours: number }
  lintCpu: number
  oursCpu: number
  oursFullCpu: number
  oursParsedCpu: number
  lint: number
  ours: number
  oursFull: number
  oursParsed: number
  lintFindings: number
  lintByRule: Record<string, number>
  oursFindings: number
  oursByCode: Record<string, number>
  matched: number
  missed: string[]
  ourOnly: number
  coverage: string
  testCases: number
  runs: number
}

function benchAnalysis(n: number, quick: boolean): AnalysisFigures {
  const g = generateChain(n, { defects: true })
  const runs = quick ? 2 : 5
  const lintTimes: number[] = []
  const ourTimes: number[] = []
  const fullTimes: number[] = []
  const parsedTimes: number[] = []
  // Parsed once, outside every timed region: the input of the "already parsed" row.
  const parsed = parseDefinition(g.ours)
  // First calls: cold code for both (survey-core's linter has not run yet in this process).
  let lint!: ReturnType<typeof lintSurvey>
  let ours!: ReturnType<typeof analyze>
  const cold = { lint: time(() => (lint = lintSurvey(g.surveyjs))), ours: time(() => (ours = analyze(g.ours, { pathSpace: false }))) }
  let full = analyze(g.ours)
  // Warm both up (JIT) before timing.
  for (let w = 0; w < (quick ? 3 : 10); w++) {
    lint = lintSurvey(g.surveyjs)
    ours = analyze(g.ours, { pathSpace: false })
    full = analyze(g.ours)
    analyze(parsed, { pathSpace: false })
  }
  // Rounds of short blocks: each library runs `block` times in a row and the first run of each
  // block is dropped, so every timed run pays for its own garbage, not the other library's; the
  // rounds alternate so load from other processes hits both alike. (A forced GC before each run
  // would flush the JIT's work and time cold code, so none is forced inside the rounds.)
  const block = 6
  const lintCpu: number[] = []
  const ourCpu: number[] = []
  const fullCpu: number[] = []
  const parsedCpu: number[] = []
  let fromParsed!: ReturnType<typeof analyze>
  for (let r = 0; r < runs; r++) {
    for (let b = 0; b < block; b++) {
      const t = timeCpu(() => (lint = lintSurvey(g.surveyjs)))
      if (b > 0) (lintTimes.push(t.wall), lintCpu.push(t.cpu))
    }
    for (let b = 0; b < block; b++) {
      const t = timeCpu(() => (ours = analyze(g.ours, { pathSpace: false })))
      if (b > 0) (ourTimes.push(t.wall), ourCpu.push(t.cpu))
    }
    for (let b = 0; b < block; b++) {
      const t = timeCpu(() => (full = analyze(g.ours)))
      if (b > 0) (fullTimes.push(t.wall), fullCpu.push(t.cpu))
    }
    for (let b = 0; b < block; b++) {
      const t = timeCpu(() => (fromParsed = analyze(parsed, { pathSpace: false })))
      if (b > 0) (parsedTimes.push(t.wall), parsedCpu.push(t.cpu))
    }
  }
  // Same findings whichever input the analysis starts from.
  if (JSON.stringify(fromParsed.findings) !== JSON.stringify(ours.findings)) throw new Error("analyze(parsed) and analyze(json) disagree")
  const lintByRule: Record<string, number> = {}
  for (const f of lint.findings) lintByRule[f.ruleId] = (lintByRule[f.ruleId] ?? 0) + 1
  const oursByCode: Record<string, number> = {}
  for (const f of ours.findings) oursByCode[`${f.code} (${f.severity})`] = (oursByCode[`${f.code} (${f.severity})`] ?? 0) + 1
  const named = new Set(ours.findings.flatMap((f) => f.questions))
  const missed = lint.findings.filter((f) => f.elementName !== undefined && !named.has(f.elementName)).map((f) => `${f.ruleId} ${f.elementName}`)
  const lintNamed = new Set(lint.findings.map((f) => f.elementName))
  const ourOnly = ours.findings.filter((f) => !f.questions.some((q) => lintNamed.has(q))).length
  const ps = full.pathSpace!
  return {
    n,
    cold,
    lint: median(lintTimes),
    ours: median(ourTimes),
    oursFull: median(fullTimes),
    oursParsed: median(parsedTimes),
    oursParsedCpu: median(parsedCpu),
    lintCpu: median(lintCpu),
    oursCpu: median(ourCpu),
    oursFullCpu: median(fullCpu),
    lintFindings: lint.findings.length,
    lintByRule,
    oursFindings: ours.findings.length,
    oursByCode,
    matched: lint.findings.length - missed.length,
    missed,
    ourOnly,
    coverage: `${ps.branches.covered}/${ps.branches.total}`,
    testCases: ps.testCases.length,
    runs
  }
}

/** Runs every questionnaire benchmark and returns a markdown section with both libraries' figures. */
export async function runQuestionnaireBench(options: QuestionnaireBenchOptions = {}): Promise<SectionResult> {
  if (options.analysisOnly === true) {
    const a = benchAnalysis(1000, options.quick ?? false)
    return {
      markdown: `lint ${fmt(a.lint)} (cpu ${fmt(a.lintCpu)}) · analyze ${fmt(a.ours)} (cpu ${fmt(a.oursCpu)}): ${(a.lint / a.ours).toFixed(1)}× wall, ${(a.lintCpu / a.oursCpu).toFixed(1)}× cpu · analyze(parsed) ${fmt(a.oursParsed)} (cpu ${fmt(a.oursParsedCpu)}) · analyze+paths ${fmt(a.oursFull)} · load ${loadavg()[0]!.toFixed(2)}`
    }
  }
  const quick = options.quick ?? false
  const sizes = options.sizes ?? (quick ? [100, 1000] : [100, 1000, 5000])
  // Analysis first: the runtime benchmark leaves survey-core's large models to the garbage
  // collector, which would tax whichever library runs next.
  const loadBefore = loadavg()[0]!
  const analysis = benchAnalysis(1000, quick)
  const answers = sizes.map((n) => benchAnswer(n, quick))
  const loadAfter = loadavg()[0]!
  const lines: string[] = []
  lines.push(`_Same process, same run; ${cpus().length} CPUs, Node ${process.version}; 1-minute load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after (wall times are noisier when it exceeds the CPU count; CPU times are not). Winback measured from ${measured}; survey-core ${surveyCoreVersion}._`, "")
  lines.push("### Questionnaire: one answer → new visible state (chained show-if, 10 questions a page in SurveyJS)", "")
  lines.push("| questions | survey-core `setValue` + `isVisible` | Winback `answer` + `isVisible` | speed-up | Winback, answer that cascades through the whole chain |")
  lines.push("|---:|---:|---:|---:|---:|")
  for (const a of answers)
    lines.push(`| ${a.n.toLocaleString("en")} | ${fmt(a.scAnswer)} (median of ${a.scRuns}) | ${fmt(a.ourAnswer)} (median of ${a.ourRuns}) | **${Math.round(a.scAnswer / a.ourAnswer).toLocaleString("en")}×** | ${fmt(a.ourCascade)} |`)
  lines.push("", "The answered question sits in the middle of the chain; the one after it is watched. Both sides keep answers of hidden questions (survey-core's default, Winback's `hiddenAnswers: \"keep\"`). The last column toggles the chain's root with every question answered: Winback then hides and re-shows the whole chain because answers of hidden questions never feed conditions; survey-core keeps evaluating conditions against hidden values, so it has no comparable cascade.", "")
  lines.push("### Questionnaire: loading a definition", "")
  lines.push("| questions | survey-core `new Model(json)` | Winback `publish` (parse + analysis + hash + dependency graph) + `start` |")
  lines.push("|---:|---:|---:|")
  for (const a of answers) lines.push(`| ${a.n.toLocaleString("en")} | ${fmt(a.scLoad)} | ${fmt(a.ourLoad)} |`)
  lines.push("", `### Questionnaire: static analysis of ${analysis.n.toLocaleString("en")} questions with planted defects (median of ${analysis.runs} rounds × 5 runs)`, "")
  lines.push("| | wall time | CPU time | findings |", "|---|---:|---:|---|")
  lines.push(`| survey-core \`lintSurvey(json)\` | ${fmt(analysis.lint)} | ${fmt(analysis.lintCpu)} | ${analysis.lintFindings}: ${Object.entries(analysis.lintByRule).map(([k, v]) => `${k} ${v}`).join(", ")} |`)
  lines.push(`| Winback \`analyze(json, { pathSpace: false })\`, from the same plain JSON (parse + validate + analyze) | ${fmt(analysis.ours)} (**${(analysis.lint / analysis.ours).toFixed(1)}×** faster) | ${fmt(analysis.oursCpu)} (**${(analysis.lintCpu / analysis.oursCpu).toFixed(1)}×**) | ${analysis.oursFindings}: ${Object.entries(analysis.oursByCode).map(([k, v]) => `${k} ${v}`).join(", ")} |`)
  lines.push(`| Winback \`analyze(parsed, { pathSpace: false })\`, definition already parsed (supplementary: no linter counterpart) | ${fmt(analysis.oursParsed)} (**${(analysis.lint / analysis.oursParsed).toFixed(1)}×** faster) | ${fmt(analysis.oursParsedCpu)} (**${(analysis.lintCpu / analysis.oursParsedCpu).toFixed(1)}×**) | same findings |`)
  lines.push(`| Winback \`analyze(json)\` incl. path space | ${fmt(analysis.oursFull)} (**${(analysis.lint / analysis.oursFull).toFixed(1)}×** faster) | ${fmt(analysis.oursFullCpu)} (**${(analysis.lintCpu / analysis.oursFullCpu).toFixed(1)}×**) | same, plus ${analysis.testCases} test cases covering ${analysis.coverage} branch outcomes |`)
  lines.push("", `First (cold) call in this process: survey-core ${fmt(analysis.cold.lint)}, Winback ${fmt(analysis.cold.ours)} (**${(analysis.cold.lint / analysis.cold.ours).toFixed(1)}×**). The table's figures are warm: ${analysis.runs} rounds of 5 timed runs per library after 10 warm-up runs, each round's runs back to back so every run pays for its own garbage.`)
  lines.push(
    "",
    `Of the linter's ${analysis.lintFindings} findings, Winback reports ${analysis.matched} on the same question${analysis.missed.length > 0 ? `; missed: ${analysis.missed.slice(0, 10).join(", ")}` : " (none missed)"}. ${analysis.ourOnly} Winback findings name no question the linter flagged.`,
    ""
  )
  const largest = answers[answers.length - 1]!
  const goals: Array<Goal> = [
    {
      goal: `questionnaire: one answer ≥ 1000× survey-core \`setValue\` at 5,000 questions (issue 4)`,
      measured: `${times(largest.scAnswer / largest.ourAnswer)} at ${largest.n.toLocaleString("en")} questions (${fmt(largest.scAnswer)} vs ${fmt(largest.ourAnswer)})`,
      met: largest.n >= 5000 && largest.scAnswer / largest.ourAnswer >= 1000
    },
    {
      goal: "questionnaire: static analysis of 1,000 questions ≥ 10× survey-core's linter, finding what it finds (issue 4)",
      measured: `${times(analysis.lint / analysis.ours)} wall, ${times(analysis.lintCpu / analysis.oursCpu)} CPU; ${analysis.matched} of the linter's ${analysis.lintFindings} findings found`,
      met: analysis.lint / analysis.ours >= 10 && analysis.missed.length === 0
    }
  ]
  return { markdown: lines.join("\n"), goals }
}

const surveyCoreVersion = (() => {
  try {
    const pkg = JSON.parse(readFileSync(fileURLToPath(new URL("../node_modules/survey-core/package.json", import.meta.url)), "utf8")) as { version?: string }
    return pkg.version ?? "?"
  } catch {
    return "?"
  }
})()

const isMain = (() => {
  try {
    return import.meta.url === new URL(`file://${process.argv[1] ?? ""}`).href || (process.argv[1] ?? "").endsWith("questionnaire/index.ts")
  } catch {
    return false
  }
})()

if (isMain) {
  const { markdown } = await runQuestionnaireBench({ quick: process.argv.includes("--quick"), analysisOnly: process.argv.includes("--analysis") })
  console.log(markdown)
}
