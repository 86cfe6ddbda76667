import { defineConfig } from "vitest/config"

// One root config: every package and example is a vitest project with its own config.
export default defineConfig({
  test: {
    projects: ["packages/*", "examples/*"],
    globalSetup: ["./test/globalSetup.ts"]
  }
})
