/**
 * `pnpm bench`: runs every benchmark with its anchors in the same process and run, prints the
 * figures, and writes docs/benchmarks.md with the machine, the date and the ratios.
 *
 *   pnpm bench                       # everything, default sizes
 *   pnpm bench -- --only rules,storage
 *   pnpm bench -- --quick            # smaller sizes, for a smoke run
 */
import { writeFileSync } from "node:fs"
import { cpus, totalmem } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

interface Section {
  readonly name: string
  readonly run: (quick: boolean) => Promise<{ readonly markdown: string }>
}

const sections: ReadonlyArray<Section> = [
  { name: "rules", run: async (quick) => (await import("./rules/index")).runRulesBench(quick ? { sizes: [50_000] } : undefined) },
  { name: "questionnaire", run: async () => (await import("./questionnaire/index")).runQuestionnaireBench() },
  { name: "storage", run: async (quick) => (await import("./storage/index")).runStorageBench(quick ? { openItems: 20_000 } : undefined) },
  { name: "pipeline", run: async (quick) => (await import("./pipeline/index")).runPipelineBench(quick ? { customers: 20_000 } : undefined) }
]

const args = process.argv.slice(2)
const only = args.find((a) => a.startsWith("--only"))?.split("=")[1] ?? (args.includes("--only") ? args[args.indexOf("--only") + 1] : undefined)
const quick = args.includes("--quick")
const chosen = sections.filter((s) => !only || only.split(",").includes(s.name))

const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? "unknown CPU"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, ${process.platform}`
const parts: Array<string> = []
for (const s of chosen) {
  const t0 = performance.now()
  console.log(`\n## ${s.name}\n`)
  try {
    const { markdown } = await s.run(quick)
    console.log(markdown)
    parts.push(markdown.trim())
  } catch (e) {
    const msg = `### ${s.name}\n\nFAILED: ${e instanceof Error ? e.stack ?? e.message : String(e)}`
    console.error(msg)
    parts.push(msg)
  }
  console.log(`(${s.name}: ${((performance.now() - t0) / 1000).toFixed(1)} s)`)
}

const doc = `# Benchmarks

Written by \`pnpm bench\`${quick ? " --quick" : ""}${only ? ` --only ${only}` : ""} on ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC.
Machine: ${machine}.
Every figure below was measured in the same run as the anchor it is compared with. Speed is not a
test: these numbers are recorded, and the issues' goals are checked against them by reading.

${parts.join("\n\n")}
`
const out = join(dirname(fileURLToPath(import.meta.url)), "..", "docs", "benchmarks.md")
if (!only && !quick) {
  writeFileSync(out, doc)
  console.log(`\nwrote ${out}`)
} else {
  console.log("\n(--only/--quick: docs/benchmarks.md left unchanged)")
}
