/**
 * `pnpm bench`: runs every benchmark with its anchors in the same process and run, prints the
 * figures, and writes docs/benchmarks.md with the machine, the date, the ratios and a summary of
 * every issue's speed goal against this run's figures.
 *
 *   pnpm bench                               # every section at the sizes the goals name (~30 min)
 *   pnpm bench -- --only rules,storage       # some sections; the others keep their last result
 *   pnpm bench -- --quick                    # small sizes, a smoke run; docs are left unchanged
 *
 * Each section's last full result is kept in docs/benchmarks/latest/<section>.md (with its date,
 * machine and load), and docs/benchmarks.md is composed from all of them, so re-running one section
 * refreshes its figures without re-running the rest.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { cpus, loadavg, totalmem } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import type { Goal, SectionResult } from "./goals"

interface Section {
  readonly name: string
  readonly title: string
  readonly command: string
  readonly run: (quick: boolean) => Promise<SectionResult>
}

const sections: ReadonlyArray<Section> = [
  {
    name: "rules",
    title: "Rules in memory: the bill-drop rule against json-rules-engine, GoRules ZEN, json-logic and a hand-written loop",
    command: "pnpm exec tsx --conditions=@winback/source bench/rules/index.ts [sizes…]",
    run: async (quick) => (await import("./rules/index")).runRulesBench(quick ? { sizes: [50_000] } : { sizes: [200_000, 1_000_000] })
  },
  {
    name: "rules-sql",
    title: "Rules in PostgreSQL: the whole catalogue against hand-written SQL",
    command: "pnpm exec tsx --conditions=@winback/source bench/rules/sql.ts [customers]",
    run: async (quick) => (await import("./rules/sql")).runRulesSqlBench({ sizes: quick ? [20_000] : [100_000, 1_000_000] })
  },
  {
    name: "questionnaire",
    title: "Questionnaires against survey-core",
    command: "pnpm exec tsx --conditions=@winback/source bench/questionnaire/index.ts [--quick]",
    run: async (quick) => (await import("./questionnaire/index")).runQuestionnaireBench({ quick })
  },
  {
    name: "surveyjs",
    title: "SurveyJS import: one answer on imported definitions against survey-core",
    command: "pnpm exec tsx --conditions=@winback/source bench/surveyjs/index.ts [--quick]",
    run: async (quick) => (await import("./surveyjs/index")).runSurveyJsBench({ quick })
  },
  {
    name: "storage",
    title: "Storage: an agent's work list through the port against hand-written SQL",
    command: "pnpm exec tsx --conditions=@winback/source bench/storage/index.ts [open items]",
    run: async (quick) => (await import("./storage/index")).runStorageBench({ openItems: quick ? 20_000 : 1_000_000 })
  },
  {
    name: "storage-audit",
    title: "Storage: audited writes with 1 and 4 concurrent writers on PostgreSQL",
    command: "pnpm exec tsx --conditions=@winback/source bench/storage/audit.ts [rounds] [ms per round]",
    run: async (quick) => (await import("./storage/audit")).runAuditBench(quick ? { rounds: 2, roundMs: 1000 } : { rounds: 5, roundMs: 3000 })
  },
  {
    name: "pipeline",
    title: "Pipeline: one daily extraction on PostgreSQL",
    command: "WINBACK_BENCH_CUSTOMERS=1000000 pnpm bench -- --only pipeline",
    run: async (quick) => (await import("./pipeline/index")).runPipelineBench({ customers: quick ? 20_000 : 1_000_000 })
  },
  {
    name: "pipeline-partitioned",
    title: "Partitioned extraction: 1, 2 and 4 worker processes on PostgreSQL against the one-transaction run",
    command: "pnpm exec tsx --conditions=@winback/source bench/pipeline/partitioned.ts [customers]",
    run: async (quick) => (await import("./pipeline/partitioned")).runPartitionedBench({ customers: quick ? 20_000 : 200_000 })
  },
  {
    name: "reports",
    title: "Reports: funnel and observation reports over 1,000,000 work items on PostgreSQL",
    command: "pnpm exec tsx --conditions=@winback/source bench/src/reports.ts [work items]",
    run: async (quick) => (await import("./src/reports")).runReportsBench({ workItems: quick ? 20_000 : 1_000_000 })
  },
  {
    name: "embedded",
    title: "Embedded default (PGlite) at 100,000 demo customers: time to ready, data directory, daily run and the server answering during it",
    command: "pnpm exec tsx --conditions=@winback/source bench/demo/embedded100k.ts [customers]",
    run: async (quick) => (await import("./demo/embedded100k")).runEmbeddedBench({ customers: quick ? 5_000 : 100_000 })
  },
  {
    name: "server",
    title: "Server: the work-list endpoint under load (steady open-loop 200 req/s and autocannon) with 1,000,000 open items on PostgreSQL",
    command: "pnpm exec tsx --conditions=@winback/source bench/server/index.ts [open items] [seconds]",
    run: async (quick) => (await import("./server/index")).runServerBench(quick ? { openItems: 20_000, seconds: 5 } : { openItems: 1_000_000, seconds: 30 })
  }
]

const args = process.argv.slice(2)
const only = args.find((a) => a.startsWith("--only="))?.split("=")[1] ?? (args.includes("--only") ? args[args.indexOf("--only") + 1] : undefined)
const quick = args.includes("--quick")
const chosen = sections.filter((s) => !only || only.split(",").includes(s.name))
if (only && chosen.length === 0) {
  console.error(`--only ${only}: no such section (sections: ${sections.map((s) => s.name).join(", ")})`)
  process.exit(2)
}

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const latestDir = join(root, "docs", "benchmarks", "latest")
const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? "unknown CPU"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, ${process.platform}`
const goalsMarker = "<!-- goals: "

let failed = 0
for (const s of chosen) {
  const t0 = performance.now()
  const loadBefore = loadavg()[0]!
  console.log(`\n## ${s.name}\n`)
  let result: SectionResult
  try {
    result = await s.run(quick)
  } catch (e) {
    failed++
    result = { markdown: `FAILED: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`, goals: [] }
  }
  const seconds = (performance.now() - t0) / 1000
  console.log(result.markdown)
  for (const g of result.goals ?? []) console.log(`${g.met ? "MET    " : "NOT MET"}  ${g.goal}: ${g.measured}`)
  console.log(`(${s.name}: ${seconds.toFixed(1)} s)`)
  if (quick) continue
  const file = `${goalsMarker}${JSON.stringify(result.goals ?? [])} -->

## ${s.title}

Run ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC on ${machine}; 1-minute load average ${loadBefore.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after; the section took ${seconds.toFixed(0)} s.
Reproduce this section alone: \`pnpm bench -- --only ${s.name}\` (or \`${s.command}\`).

${result.markdown.trim()}
`
  mkdirSync(latestDir, { recursive: true })
  writeFileSync(join(latestDir, `${s.name}.md`), file)
}

if (quick) {
  console.log("\n(--quick: docs/benchmarks.md left unchanged)")
} else {
  const present = sections.filter((s) => existsSync(join(latestDir, `${s.name}.md`)))
  const bodies = present.map((s) => readFileSync(join(latestDir, `${s.name}.md`), "utf8"))
  const goals = bodies.flatMap((b) => {
    const line = b.split("\n")[0]!
    return line.startsWith(goalsMarker) ? (JSON.parse(line.slice(goalsMarker.length, -" -->".length)) as Array<Goal>) : []
  })
  const cell = (t: string) => t.replaceAll("|", "\\|")
  const doc = `# Benchmarks

Written by \`pnpm bench\`, which runs every section with its anchors in the same process and run
(\`pnpm bench -- --only <section>\` re-runs one section and keeps the others' last results; each
section below says when and under what load it ran). This project's machine kind: 2 cores, 24 GiB,
shared with other jobs, so absolute figures vary between runs; every ratio compares figures from
the **same run**. Speed is not a test: the goals are checked here, by these figures.

## Summary against the issues' goals

| goal | measured | met? |
|---|---|---|
${goals.map((g) => `| ${cell(g.goal)} | ${cell(g.measured)} | ${g.met ? "yes" : "**no**"} |`).join("\n")}

Analysis and earlier runs: [rules](benchmarks/rules.md), [questionnaire](benchmarks/questionnaire.md).
${present.length < sections.length ? `\nNot yet run with this command: ${sections.filter((s) => !present.includes(s)).map((s) => s.name).join(", ")}.\n` : ""}
${bodies.map((b) => b.split("\n").slice(1).join("\n").trim()).join("\n\n")}
`
  writeFileSync(join(root, "docs", "benchmarks.md"), doc)
  console.log(`\nwrote docs/benchmarks.md (${present.length} sections, ${goals.length} goals)`)
}
process.exit(failed > 0 ? 1 : 0)
