import { defineProject } from "vitest/config"

export default defineProject({
  resolve: { conditions: ["@winback/source"] },
  ssr: { resolve: { conditions: ["@winback/source"] } },
  test: {
    name: "questionnaire",
    include: ["test/**/*.test.ts"],
    setupFiles: ["../../test/propertyBudget.ts"],
    // Above the property-test budget (test/propertyBudget.ts): a loaded machine runs fewer cases, it does not time out.
    testTimeout: 60_000,
    hookTimeout: 120_000
  }
})
