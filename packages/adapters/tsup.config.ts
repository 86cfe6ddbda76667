import { defineConfig } from "tsup"

/**
 * Every source module is its own entry, so the output keeps one file (or chunk) per module: with
 * `"sideEffects": false` a host's bundler drops what the host does not reach, and Node loads only
 * the chunks of the subpath imported (`@winback/adapters/memory` loads no SQL driver).
 * Declarations only for the published entries.
 */
export default defineConfig({
  entry: ["src/**/*.ts", "!src/**/*.test.ts", "!src/**/*.d.ts"],
  format: ["esm"],
  dts: {
    entry: {
      index: "src/index.ts",
      "testing/index": "src/testing/index.ts",
      "memory/index": "src/memory/index.ts",
      pglite: "src/pglite.ts",
      postgres: "src/postgres.ts",
      "calendar/index": "src/calendar/index.ts"
    }
  },
  sourcemap: true,
  clean: true,
  target: "node22",
  splitting: true
})
