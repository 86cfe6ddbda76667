import { defineProject } from "vitest/config"

export default defineProject({
  resolve: { conditions: ["@winback/source"] },
  ssr: { resolve: { conditions: ["@winback/source"] } },
  test: {
    name: "adapters",
    include: ["test/**/*.test.ts"]
  }
})
