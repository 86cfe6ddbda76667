/**
 * The runnable version of docs/work-pipeline.md: from "define a rule" to "an agent completes the
 * call", on embedded PGlite with the demo data. Every step of the guide is a step here; if the
 * guide's code stops working, this test fails.
 */
import { Effect, Layer, ManagedRuntime } from "effect"
import { expect, it } from "vitest"
// --- guide: setup ---
import {
  Actors,
  Dialer,
  directoriesFromStores,
  Execution,
  Extraction,
  Notifier,
  useCaseLayer,
  defaultPolicy,
  RuleService,
  scopeLayer,
  SmsGateway,
  storesLayer,
  TaskService,
  WorkList
} from "@winback/core"
import { demoClockLayer, seedDemoData } from "@winback/core/demo"
import { PgliteStorage } from "../src/pg/PgStorage"
import { SqlCandidateSource } from "../src/pipeline/SqlCandidateSource"

it("the work-pipeline guide runs end to end", async () => {
  const storage = await PgliteStorage.open() // or PgliteStorage.open({ dataDir: ".data/winback" })
  const demo = await seedDemoData(storage.stores, { seed: 42, customers: 300, asOf: "2026-11-25", months: 5, dailyDays: 35, patternRate: 0.6 })

  const outbound = Layer.mergeAll(
    Layer.succeed(Dialer, Dialer.of({ call: (c) => Effect.succeed({ callId: `pbx-${c.customerId}` }) })),
    Layer.succeed(Notifier, Notifier.of({ notify: (n) => Effect.log(`notify ${n.recipientId}: ${n.text}`) })),
    Layer.succeed(SmsGateway, SmsGateway.of({ send: () => Effect.succeed({ messageId: "demo", status: "accepted" as const }) }))
  )
  const runtime = ManagedRuntime.make(
    useCaseLayer.pipe(
      Layer.provideMerge(scopeLayer(defaultPolicy)),
      Layer.provideMerge(Layer.mergeAll(SqlCandidateSource.layer(storage), outbound, directoriesFromStores)),
      Layer.provideMerge(storesLayer(storage.stores)),
      // The demo's usage ends on 2026-11-25: run on that day (09:00 in Beijing), whatever today is.
      Layer.provideMerge(demoClockLayer("2026-11-25T01:00:00Z"))
    )
  )
  const as = (managerId: string) => runtime.runPromise(Effect.flatMap(Actors, (a) => a.resolve(managerId)))
  const admin = await as(demo.logins.director) // directors hold the admin role in the demo
  const approver = await as(demo.logins.approver)
  // --- guide: define a rule ---
  const rules = await runtime.runPromise(RuleService)
  const draftRule = await runtime.runPromise(
    rules.create(admin, { ruleId: "zero-bill", name: "Zero bill this month", templateId: "zero-bill" })
  )
  await runtime.runPromise(rules.submit(admin, draftRule.id))
  // Previews count only the customers the caller may read: the author previews their region.
  const preview = await runtime.runPromise(rules.preview(admin, draftRule.id, "2026-11-25"))
  await runtime.runPromise(rules.approve(approver, draftRule.id))
  // --- guide: define a task ---
  const tasks = await runtime.runPromise(TaskService)
  const task = await runtime.runPromise(
    tasks.create(admin, {
      source: "alert",
      ruleInstanceIds: [draftRule.id],
      name: "Zero bill: call back",
      type: "retention-callback",
      urgency: 1,
      channel: "phone",
      executionWindow: { from: "09:00", to: "20:00" },
      cycle: "daily",
      startsOn: "2026-11-01",
      expiresOn: "2027-03-31",
      skipHolidays: false,
      questionnaireVersion: null,
      cooldownDays: 30
    })
  )
  await runtime.runPromise(tasks.submit(admin, task.id))
  // --- guide: the approver's dry run ---
  const dryRun = await runtime.runPromise(tasks.preview(approver, task.id, { asOf: "2026-11-25" }))
  console.log(`${dryRun.result.handedOut} customers, excluded: ${JSON.stringify(dryRun.result.excluded)}`)
  console.log(dryRun.result.loadPerAgent)
  await runtime.runPromise(tasks.approve(approver, task.id, "looked at the dry run"))
  // --- guide: extract ---
  const extraction = await runtime.runPromise(Extraction)
  const report = await runtime.runPromise(extraction.run(admin, { asOf: "2026-11-25" }))
  console.log(`${report.created} work items in period ${report.period}`)
  const again = await runtime.runPromise(extraction.run(admin, { asOf: "2026-11-25" }))
  console.log(again.created) // 0: a period is handed out once
  // --- guide: the agent's work ---
  const agentId = Object.keys(report.tasks[0]!.loadPerAgent).find((a) => a !== "-")!
  const agent = await as(agentId)
  const workList = await runtime.runPromise(WorkList)
  const myTasks = await runtime.runPromise(workList.byTask(agent))
  const page = await runtime.runPromise(workList.byCustomer(agent, {}, { limit: 20 }))
  const first = page.items[0]!
  // --- guide: complete the call ---
  const execution = await runtime.runPromise(Execution)
  const call = await runtime.runPromise(
    execution.recordCall(agent, {
      customerId: first.customerId,
      itemIds: first.items.map((o) => o.item.id),
      disposition: "completed",
      complete: true,
      note: "customer stays; offered the bonus credit"
    })
  )
  console.log(call.call.serialNumber, call.items.map((i) => i.state))
  // --- guide: end ---

  expect(preview.count).toBeGreaterThan(0)
  // The director's preview counts their region; the task (theirs) reaches the same customers, the
  // other regions' matches are excluded by scope.
  expect(dryRun.result.candidates).toBe(preview.count + dryRun.result.excluded.scope)
  expect(dryRun.result.handedOut).toBe(preview.count - dryRun.result.excluded.dnd)
  expect(report.created).toBe(dryRun.result.handedOut)
  expect(again.created).toBe(0)
  expect(myTasks[0]).toMatchObject({ taskId: task.id, pending: report.tasks[0]!.loadPerAgent[agentId] })
  expect(call.items.every((i) => i.state === "completed" && i.callSerial === call.call.serialNumber)).toBe(true)
  await runtime.dispose()
  await storage.close()
}, 120_000)
