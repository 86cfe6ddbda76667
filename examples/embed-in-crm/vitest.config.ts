import { defineProject } from "vitest/config"

export default defineProject({
  resolve: { conditions: ["@winback/source"] },
  ssr: { resolve: { conditions: ["@winback/source"] } },
  test: {
    name: "embed-in-crm",
    include: ["test/**/*.test.ts"],
    setupFiles: ["../../test/propertyBudget.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000
  }
})
