/**
 * The one vitest project shape every package and example of the workspace uses: sources resolved
 * through the `@winback/source` condition (tests run the TypeScript, not a stale build), the
 * fixed-seed property budget (test/propertyBudget.ts), and timeouts above that budget so that a
 * loaded machine runs fewer cases rather than timing out.
 */
import { defineProject, type UserWorkspaceConfig } from "vitest/config"

/**
 * The vitest project of one package or example, named as vitest reports it.
 *
 * @example
 * ```ts
 * // packages/core/vitest.config.ts
 * export default winbackProject("core")
 * ```
 */
export const winbackProject = (name: string): UserWorkspaceConfig =>
  defineProject({
    resolve: { conditions: ["@winback/source"] },
    ssr: { resolve: { conditions: ["@winback/source"] } },
    test: {
      name,
      include: ["test/**/*.test.ts"],
      setupFiles: ["../../test/propertyBudget.ts"],
      testTimeout: 60_000,
      hookTimeout: 120_000
    }
  })
