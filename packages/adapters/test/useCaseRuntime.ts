/**
 * The one way the pipeline tests (adapters and core), the crash and partition workers and the
 * import fuzzer wire core's use cases over some stores: the default scope policy, directories read
 * from the stores, and the candidate source and outbound ports each test picks. Plain TypeScript,
 * no vitest: the crash and partition workers bundle it too.
 */
import { Effect, Layer } from "effect"
import { type DemoCustomer, type DemoOptionsInput, generateDemo, seedDemoData } from "@winback/core/demo"
import { billDrop, birthday, instantiate, type Rule, zeroBill } from "@winback/rules"
import { ruleInstance, task as taskFixture } from "../src/testing/fixtures"
import { Dialer, directoriesFromStores, Notifier, type Page, readAllPages, SmsGateway, type SmsStatus, type Stores, storesLayer, type Task, useCaseLayer, defaultPolicy, scopeLayer } from "@winback/core"

/**
 * Outbound ports that answer and forget: the dialer places call `pbx-1`, the notifier drops every
 * notice, the SMS gateway accepts every text as `sms-1`.
 *
 * @example
 * ```ts
 * const runtime = ManagedRuntime.make(useCasesOver(stores, Layer.merge(memoryCandidateSource(), quietOutbound)))
 * ```
 */
export const quietOutbound: Layer.Layer<Dialer | Notifier | SmsGateway> = Layer.mergeAll(
  Layer.succeed(Dialer, Dialer.of({ call: () => Effect.succeed({ callId: "pbx-1" }) })),
  Layer.succeed(Notifier, Notifier.of({ notify: () => Effect.void })),
  Layer.succeed(SmsGateway, SmsGateway.of({ send: () => Effect.succeed({ messageId: "sms-1", status: "accepted" as const }) }))
)

/**
 * Outbound ports that record what they were asked: notices, texts (answered with `smsStatus`, ids
 * `sms-1`, `sms-2`, …) and dialled calls (ids `pbx-1`, `pbx-2`, …).
 *
 * @example
 * ```ts
 * const out = recorders()
 * const runtime = ManagedRuntime.make(useCasesOver(stores, Layer.merge(memoryCandidateSource(), out.layer)))
 * // … after the run: out.texts, out.notices, out.calls
 * ```
 */
export const recorders = (smsStatus: SmsStatus = "accepted") => {
  const notices: Array<{ recipientId: string; kind: string; text: string }> = []
  const texts: Array<{ to: string; text: string; idempotencyKey: string }> = []
  const calls: Array<{ customerId: string; managerId: string; phone: string }> = []
  const layer = Layer.mergeAll(
    Layer.succeed(Dialer, Dialer.of({ call: (c) => Effect.sync(() => (calls.push(c), { callId: `pbx-${calls.length}` })) })),
    Layer.succeed(Notifier, Notifier.of({ notify: (n) => Effect.andThen(Effect.yieldNow, Effect.sync(() => void notices.push(n))) })),
    Layer.succeed(
      SmsGateway,
      SmsGateway.of({
        send: (m) =>
          Effect.sync(() => {
            texts.push(m)
            return { messageId: `sms-${texts.length}`, status: smsStatus }
          })
      })
    )
  )
  return { notices, texts, calls, layer }
}

/**
 * Core's use cases over `stores`, with the default scope policy, directories read from the stores,
 * and `provided`: the candidate source, the outbound ports and whatever else the test adds (bulk
 * ledger claims, integration state, report queries).
 *
 * @example
 * ```ts
 * const runtime = ManagedRuntime.make(useCasesOver(stores, Layer.merge(memoryCandidateSource(), quietOutbound)))
 * ```
 */
export const useCasesOver = <ROut, E, RIn>(stores: Stores, provided: Layer.Layer<ROut, E, RIn>) =>
  useCaseLayer.pipe(
    Layer.provideMerge(scopeLayer(defaultPolicy)),
    Layer.provideMerge(Layer.mergeAll(provided, directoriesFromStores)),
    Layer.provideMerge(storesLayer(stores))
  )

/**
 * The demo the pipeline scenarios seed: five months of history in one Beijing district of two
 * squads of three agents, 80% of the customers with an injected pattern.
 *
 * @example
 * ```ts
 * await seedDemoData(stores, pipelineDemo({ seed: 606, customers: 240, asOf: "2026-11-25" }))
 * ```
 */
export const pipelineDemo = (o: { readonly seed: number; readonly customers: number; readonly asOf: string }) => ({
  ...o,
  months: 5,
  dailyDays: 35,
  patternRate: 0.8,
  regions: ["beijing"],
  districtsPerRegion: 1,
  squadsPerDistrict: 2,
  agentsPerTeam: 3
})

/**
 * Every customer the demo generator makes for `options`, in generation order (the ground truth the
 * pipeline scenarios check against).
 *
 * @example
 * ```ts
 * const truth = demoCustomersOf({ seed: 606, customers: 240, asOf: "2026-11-25" })
 * ```
 */
export const demoCustomersOf = (options: DemoOptionsInput): Array<DemoCustomer> => {
  const all: Array<DemoCustomer> = []
  for (const chunk of generateDemo(options).chunks()) all.push(...chunk.customers)
  return all
}

/**
 * Every row of a paged store read, page after page (1,000 a page), as one array.
 *
 * @example
 * ```ts
 * const items = await allPages((page) => stores.workItems.list({}, page))
 * ```
 */
export const allPages = <A, E>(read: (page: { readonly limit: number; readonly cursor: string | null }) => Effect.Effect<Page<A>, E>): Promise<Array<A>> =>
  Effect.runPromise(readAllPages(read))

/**
 * An active task of the pipeline scenarios: started 2026-11-01, holidays not skipped, 30 days of
 * cool-down, then `over`.
 *
 * @example
 * ```ts
 * const t = alertTask("t-imp-1", { source: "manual", channel: "phone", urgency: 5 } as Partial<Task>)
 * ```
 */
export const alertTask = (id: string, over: Partial<Task>): Task =>
  taskFixture(id, { status: "active", startsOn: "2026-11-01", skipHolidays: false, cooldownDays: 30, ...over } as Partial<Task>)

/**
 * Seeds the demo of `options`, the three alert rules (zero bill, bill drop, birthday, each `<id>@1`)
 * and their alert tasks `t1-zero-bill`, `t2-bill-drop` (urgency 1, 2, by phone) and `t3-birthday`
 * (urgency 3, by SMS); answers the demo's seeding summary.
 *
 * @example
 * ```ts
 * const summary = await seedAlertPipeline(stores, pipelineDemo({ seed: 606, customers: 240, asOf: "2026-11-25" }))
 * ```
 */
export const seedAlertPipeline = async (stores: Stores, options: DemoOptionsInput) => {
  const summary = await seedDemoData(stores, options)
  const rule = (id: string, r: Rule) => ruleInstance(`${id}@1`, { status: "active", rule: r, templateId: id, effectiveFrom: "2026-01-01" })
  await Effect.runPromise(
    Effect.gen(function* () {
      yield* stores.ruleInstances.insert(rule("zero-bill", instantiate(zeroBill).rule))
      yield* stores.ruleInstances.insert(rule("bill-drop", instantiate(billDrop).rule))
      yield* stores.ruleInstances.insert(rule("birthday", instantiate(birthday).rule))
      yield* stores.tasks.insert(alertTask("t1-zero-bill", { source: "alert", ruleInstanceIds: ["zero-bill@1"], urgency: 1, channel: "phone" } as Partial<Task>))
      yield* stores.tasks.insert(alertTask("t2-bill-drop", { source: "alert", ruleInstanceIds: ["bill-drop@1"], urgency: 2, channel: "phone" } as Partial<Task>))
      yield* stores.tasks.insert(alertTask("t3-birthday", { source: "alert", ruleInstanceIds: ["birthday@1"], urgency: 3, channel: "sms" } as Partial<Task>))
    })
  )
  return summary
}
