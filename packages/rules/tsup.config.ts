import { defineConfig } from "tsup"

/**
 * Every source module is its own entry (as in @winback/core), so the output keeps one file or chunk
 * per module: with `"sideEffects": false` a host's bundler drops every module the host does not
 * reach. One bundled file kept every top-level schema of the rule language in a bundle that only
 * needed `ValidationError` (core's `parse` + `Customer` went 15 KiB over its size budget).
 * Declarations only for the published entry.
 */
export default defineConfig({
  entry: ["src/**/*.ts", "!src/**/*.test.ts", "!src/**/*.d.ts"],
  format: ["esm"],
  dts: { entry: { index: "src/index.ts" } },
  sourcemap: true,
  clean: true,
  target: "node22",
  splitting: true,
  treeshake: true
})
