import { readFile, writeFile } from "node:fs/promises"
import { defineConfig } from "tsup"

/**
 * Every source module is its own entry, so the output keeps one file (or chunk) per module: with
 * `"sideEffects": false` a host's bundler then drops every module the host does not reach (one
 * bundled file would keep every top-level schema). Declarations only for the published entries.
 * csv-parse's stream parser is bundled with its `node:stream/web` import pointed at the
 * `TransformStream` every runtime has, so the main entry stays browser-safe.
 * Split output evaluates chunks in an order of esbuild's choosing, so each published entry gets an
 * import of the peer-version check as its first line: on effect 3 or zod 3 the check's message
 * comes before any other module runs (see scripts/pack-smoke.sh).
 */
const peerCheckFirst = async (): Promise<void> => {
  const entries: ReadonlyArray<readonly [string, string]> = [
    ["dist/index.js", "./shared/PeerVersions.js"],
    ["dist/demo/index.js", "../shared/PeerVersions.js"],
    ["dist/report/exports/index.js", "../../shared/PeerVersions.js"]
  ]
  for (const [file, check] of entries) {
    const code = await readFile(file, "utf8")
    const line = `import "${check}";\n`
    if (!code.startsWith(line)) await writeFile(file, line + code)
  }
}

export default defineConfig({
  entry: ["src/**/*.ts", "!src/**/*.test.ts", "!src/**/*.d.ts"],
  format: ["esm"],
  dts: { entry: { index: "src/index.ts", "demo/index": "src/demo/index.ts", "report/exports/index": "src/report/exports/index.ts" } },
  sourcemap: true,
  clean: true,
  target: "node22",
  splitting: true,
  onSuccess: peerCheckFirst,
  noExternal: ["csv-parse"],
  removeNodeProtocol: false,
  esbuildPlugins: [
    {
      name: "web-streams-global",
      setup(build) {
        build.onResolve({ filter: /^(node:)?stream\/web$/ }, () => ({ path: "web-streams-global", namespace: "web-streams-global" }))
        build.onLoad({ filter: /.*/, namespace: "web-streams-global" }, () => ({
          contents: "export const TransformStream = globalThis.TransformStream; export const CountQueuingStrategy = globalThis.CountQueuingStrategy",
          loader: "js"
        }))
      }
    }
  ]
})
