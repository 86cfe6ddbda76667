import { defineConfig } from "tsup"

/**
 * Every source module is its own entry, so the output keeps one file (or chunk) per module: with
 * `"sideEffects": false` a host's bundler then drops every module the host does not reach (one
 * bundled file would keep every top-level schema). Declarations only for the published entries.
 * csv-parse's stream parser is bundled with its `node:stream/web` import pointed at the
 * `TransformStream` every runtime has, so the main entry stays browser-safe.
 */
export default defineConfig({
  entry: ["src/**/*.ts", "!src/**/*.test.ts", "!src/**/*.d.ts"],
  format: ["esm"],
  dts: { entry: { index: "src/index.ts", "demo/index": "src/demo/index.ts", "report/exports/index": "src/report/exports/index.ts" } },
  sourcemap: true,
  clean: true,
  target: "node22",
  splitting: true,
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
