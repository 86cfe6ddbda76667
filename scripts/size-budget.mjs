#!/usr/bin/env node
// Size budget of the built packages as a host's bundler meets them: each scenario is one import
// line, bundled and minified by esbuild from the packages' dist (the published exports, not the
// workspace sources), with effect, zod and every other dependency bundled in. A scenario fails when
// it is over its budget, when a browser scenario reaches a `node:` module, or when it pulls in a
// module it must not (PGlite, pg, drizzle, the calendars' holiday data).
// Needs `pnpm build` first. Usage: node scripts/size-budget.mjs [--json]
import { build } from "esbuild"
import { fileURLToPath } from "node:url"
import { dirname, join } from "node:path"
import { builtinModules } from "node:module"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
// The adapters package links @winback/core, @winback/rules, effect and zod, as a host's node_modules does.
const resolveDir = join(root, "packages", "adapters")
const kb = 1024

/** Heavy modules a slim entry must not reach (matched against the bundled file paths). */
const heavy = {
  pglite: /@electric-sql\/pglite/,
  pg: /node_modules\/(pg|pg-[a-z-]+)\//,
  drizzle: /drizzle-orm/,
  "moment-timezone": /moment-timezone/,
  astronomia: /astronomia/,
  "date-holidays": /date-holidays/,
  "chinese-days": /chinese-days/
}
const allHeavy = Object.keys(heavy)

/**
 * name, the host's code, platform, budget in KiB (minified, all dependencies bundled), heavy modules
 * that must not appear. `budget: null` measures without a limit (kept for the record).
 */
const scenarios = [
  { name: "core: parse + Customer (browser)", code: `import { parse, Customer } from "@winback/core"; console.log(parse(Customer, {}))`, platform: "browser", budget: 120, forbid: allHeavy },
  { name: "core: the whole main entry (browser)", code: `export * from "@winback/core"`, platform: "browser", budget: 900, forbid: allHeavy },
  { name: "core/exports: reportXlsx + charts (browser)", code: `export { reportXlsx, funnelChartSvg, reportCsv } from "@winback/core/exports"`, platform: "browser", budget: 150, forbid: allHeavy },
  { name: "adapters/memory: MemoryStorage", code: `export { MemoryStorage } from "@winback/adapters/memory"`, platform: "node", budget: 250, forbid: allHeavy },
  { name: "adapters/memory + createWinback", code: `import { createWinback } from "@winback/core"; import { MemoryStorage } from "@winback/adapters/memory"; export const w = () => createWinback({ storage: MemoryStorage.layer() })`, platform: "node", budget: 900, forbid: allHeavy },
  { name: "adapters (main entry): MemoryStorage", code: `export { MemoryStorage } from "@winback/adapters"`, platform: "node", budget: 250, forbid: allHeavy },
  { name: "adapters/postgres: PostgresStorage", code: `export { PostgresStorage } from "@winback/adapters/postgres"`, platform: "node", budget: 480, forbid: ["pglite", "moment-timezone", "astronomia", "date-holidays", "chinese-days"] },
  { name: "adapters/pglite: PgliteStorage", code: `export { PgliteStorage } from "@winback/adapters/pglite"`, platform: "node", budget: 960, forbid: ["pg", "moment-timezone", "astronomia", "date-holidays", "chinese-days"] },
  { name: "adapters/calendars: holidaysCalendar", code: `export { holidaysCalendar } from "@winback/adapters/calendars"`, platform: "node", budget: null, forbid: ["pglite", "pg", "drizzle"] }
]

const measure = async (s) => {
  const nodeImports = new Set()
  const result = await build({
    stdin: { contents: s.code, resolveDir, loader: "js", sourcefile: "host.mjs" },
    bundle: true,
    minify: true,
    write: false,
    metafile: true,
    format: "esm",
    platform: s.platform,
    target: "es2022",
    logLevel: "silent",
    // Large wasm/data files are not JavaScript: count them as files the host ships, not as code.
    loader: { ".wasm": "file", ".data": "file" },
    outdir: "/tmp/winback-size-budget",
    plugins: [
      {
        name: "node-builtins",
        setup(b) {
          // A browser bundle must not reach any Node built-in (`node:crypto`, or bare `crypto` as
          // tsup writes it); record each one and keep going.
          const builtins = new RegExp(`^(node:|(${builtinModules.filter((m) => !m.startsWith("_")).join("|")})(/|$))`)
          b.onResolve({ filter: builtins }, (args) => {
            if (s.platform === "browser") nodeImports.add(`${args.path} (from ${args.importer.replace(root + "/", "")})`)
            return { path: args.path, external: true }
          })
        }
      }
    ]
  })
  const js = result.outputFiles.filter((f) => f.path.endsWith(".js")).reduce((n, f) => n + f.contents.byteLength, 0)
  // The modules that put code in the bundle (esbuild also lists modules it read and shook off).
  const inputs = Object.values(result.metafile.outputs).flatMap((o) => Object.entries(o.inputs).filter(([, i]) => i.bytesInOutput > 0).map(([path]) => path))
  const reached = s.forbid.filter((h) => inputs.some((i) => heavy[h].test(i)))
  const problems = []
  if (nodeImports.size > 0) problems.push(`reaches Node built-ins in a browser bundle: ${[...nodeImports].join(", ")}`)
  if (reached.length > 0) problems.push(`pulls in ${reached.join(", ")}`)
  if (s.budget !== null && js > s.budget * kb) problems.push(`${(js / kb).toFixed(1)} KiB is over the ${s.budget} KiB budget`)
  return { name: s.name, platform: s.platform, kib: Number((js / kb).toFixed(1)), budgetKib: s.budget, modules: inputs.length, problems }
}

const results = []
for (const s of scenarios) {
  try {
    results.push(await measure(s))
  } catch (e) {
    results.push({ name: s.name, platform: s.platform, kib: null, budgetKib: s.budget, modules: 0, problems: [`does not bundle: ${(e.errors ?? []).map((x) => `${x.text} (${x.location?.file ?? "?"})`).join("; ") || e.message}`] })
  }
}
if (process.argv.includes("--json")) console.log(JSON.stringify(results, null, 2))
else {
  console.log("size budget (esbuild, minified, dependencies included; KiB = 1024 bytes)")
  for (const r of results) {
    const figure = r.kib === null ? "—" : `${r.kib.toFixed(1)} KiB`
    const budget = r.budgetKib === null ? "(measured, no budget)" : `budget ${r.budgetKib} KiB`
    console.log(`${r.problems.length === 0 ? "ok  " : "FAIL"} ${r.name.padEnd(46)} ${figure.padStart(11)}  ${budget}  ${r.modules} modules`)
    for (const p of r.problems) console.log(`       ${p}`)
  }
}
const failed = results.filter((r) => r.problems.length > 0)
if (failed.length > 0) {
  console.error(`size budget: ${failed.length} of ${results.length} scenarios failed`)
  process.exit(1)
}
console.log(`size budget: all ${results.length} scenarios within budget`)
