import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { Ids, newId, sequentialIds, TaskService } from "@winback/core"
import { world } from "./pipelineFixtures"

describe("Ids: where new record ids come from", () => {
  it("by default draws random UUIDs after the prefix, never the same twice", () => {
    const ids = Effect.runSync(Effect.all([newId("task"), newId("task"), newId("task")]))
    for (const id of ids) expect(id).toMatch(/^task-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
    expect(new Set(ids).size).toBe(3)
  })

  it("sequentialIds counts per source, so two runs of a test mint the same ids", () => {
    const run = () => Effect.runSync(Effect.all([newId("a"), newId("b")]).pipe(Effect.provideService(Ids, sequentialIds("run"))))
    expect(run()).toEqual(["a-run-00000001", "b-run-00000002"])
    expect(run()).toEqual(run())
    expect(sequentialIds().next()).toBe("00000001")
  })

  it("a service minting a record takes its id from the Ids the program provides", async () => {
    const w = await world()
    const admin = await w.actor("m-dir")
    const input = {
      source: "manual" as const, name: "Callbacks", type: "care-callback" as const, urgency: 3, channel: "phone" as const, executionWindow: { from: "09:00", to: "20:00" },
      cycle: "once" as const, startsOn: "2026-11-25", expiresOn: null, skipHolidays: false, questionnaireVersion: null
    }
    const t = await w.run(Effect.flatMap(TaskService, (s) => s.create(admin, input)).pipe(Effect.provideService(Ids, sequentialIds("fixed"))))
    expect(t.id).toBe("task-fixed-00000001")
  })
})
