/**
 * Conformance of the questionnaire store: published versions and the responses given on them.
 */
import { describe, expect, it } from "vitest"
import { NotFound } from "@winback/core"
import * as f from "../fixtures"
import { type AggregateSuite, type EntityCase, fail, run, useStorage } from "../harness"
import type { ConformanceTarget } from "../target"

const questionnaireSuite = (target: ConformanceTarget) =>
  describe("QuestionnaireStore versions", () => {
    const stores = useStorage(target)
    const version = (hash: string, minute: number) => ({
      hash,
      questionnaireId: "retention-callback",
      title: "Retention callback",
      definition: { questions: [{ id: "q1" }], hash },
      publishedAt: f.at(minute),
      publishedBy: "m-9"
    })

    it("publishing is idempotent and a stored version never changes", async () => {
      const s = stores()
      expect(await run(s.questionnaires.putVersion(version("h-00000002", 2)))).toEqual(version("h-00000002", 2))
      await run(s.questionnaires.putVersion(version("h-00000001", 1)))
      const again = await run(s.questionnaires.putVersion({ ...version("h-00000001", 5), title: "changed" }))
      expect(again).toEqual(version("h-00000001", 1))
      expect(await run(s.questionnaires.getVersion("h-00000001"))).toEqual(version("h-00000001", 1))
      expect((await run(s.questionnaires.listVersions("retention-callback"))).map((v) => v.hash)).toEqual(["h-00000001", "h-00000002"])
      expect(await fail(s.questionnaires.getVersion("h-unknown"))).toBeInstanceOf(NotFound)
    })
  })

/**
 * The questionnaire part of the conformance suite, composed with the others by {@link runConformanceSuite}.
 *
 * @example
 * ```ts
 * for (const c of questionnaireConformance.entities) entitySuite(target, c)
 * ```
 */
export const questionnaireConformance: AggregateSuite = {
  entities: [
    {
      name: "QuestionnaireStore.responses",
      store: (s) => s.questionnaires.responses,
      make: (i) => f.response(`resp-${i}`),
      change: (a) => ({ ...a, completed: false })
    } satisfies EntityCase<ReturnType<typeof f.response>, object>
  ],
  groups: (target) => {
    questionnaireSuite(target)
  }
}
