/**
 * Retention-effect observations (DOMAIN §8). When a work item is completed with a worked
 * disposition, `open` snapshots the customer's line status, last bill, tier, accepted offers and
 * the rule that handed them out, in the completion's own transaction (Execution calls it). When the
 * window has ended, `evaluateDue` reads the host's customer directory and usage history and decides
 * stayed / churned / returned / still-inactive, in batches, idempotently, one audit entry per outcome
 * (`observation.stayed`, `observation.churned`, ... in category `observation`: the events a webhook
 * outbox picks up).
 */
import { Context, Effect, Layer } from "effect"
import * as z from "zod"
import type { Actor } from "../org/Actor"
import { AuditTrail, nowIso } from "../audit/AuditTrail"
import { LineStatus } from "../customer/Customer"
import type { Conflict, Forbidden, NotFound, StorageError, ValidationError } from "../shared/Errors"
import type { Observation, ObservationOutcome } from "./Observation"
import { foldOfferUses } from "../offer/OfferService"
import type { Page } from "../shared/Page"
import { Permissions } from "../org/Permissions"
import { Actions } from "../org/Permissions"
import { IsoDate } from "../shared/Primitives"
import { CustomerDirectory, UsageHistoryReader } from "../ports/HostDirectories"
import { AuditLogStore } from "../audit/AuditLogStore"
import { ObservationStore } from "./ObservationStore"
import { TaskStore } from "../task/TaskStore"
import { Transactions } from "../ports/Transactions"
import type { UsageHistory } from "../customer/Usage"
import { decode } from "../shared/Validation"
import { Disposition, type WorkItem } from "../work/WorkItem"
import { serviceLayer } from "../shared/ServiceLayer"

/**
 * How observations are opened: the window length per tier in months (tiers not listed get
 * `defaultWindowMonths`), and which dispositions count as worked (only those open an observation).
 * Defaults (DOMAIN §8): 3 months for VIP/member customers — `vip`, `member` and the demo's top tiers
 * `diamond`, `gold` — and 1 month for everyone else; worked = completed, refused, reschedule.
 *
 * @example
 * ```ts
 * ObservationConfig.parse({ windowMonthsByTier: { vip: 3, member: 3 }, defaultWindowMonths: 1, workedDispositions: ["completed"] })
 * ```
 */
export const ObservationConfig = z
  .object({
    windowMonthsByTier: z.record(z.string().min(1), z.number().int().min(1).max(36)),
    defaultWindowMonths: z.number().int().min(1).max(36),
    workedDispositions: z.array(Disposition).min(1)
  })
  .strict()
/** @see {@link ObservationConfig} */
export type ObservationConfig = z.infer<typeof ObservationConfig>

/**
 * The default observation settings.
 *
 * @example
 * ```ts
 * defaultObservationConfig.windowMonthsByTier.vip // 3
 * ```
 */
export const defaultObservationConfig: ObservationConfig = {
  windowMonthsByTier: { vip: 3, member: 3, diamond: 3, gold: 3 },
  defaultWindowMonths: 1,
  workedDispositions: ["completed", "refused", "reschedule"]
}

/**
 * The observation settings in force (a reference: override with `Effect.provideService`).
 *
 * @example
 * ```ts
 * program.pipe(Effect.provideService(ObservationSettings, { ...defaultObservationConfig, defaultWindowMonths: 2 }))
 * ```
 */
export const ObservationSettings = Context.Reference<ObservationConfig>("@winback/core/ObservationSettings", { defaultValue: () => defaultObservationConfig })

/**
 * The action that runs the evaluation of due observations (admins and directors by default).
 *
 * @example
 * ```ts
 * decide(policy, actor, ObservationActions.evaluate, { type: "none" })
 * ```
 */
export const ObservationActions = { evaluate: Actions.observationEvaluate } as const

/**
 * Adds `months` calendar months to a day, clamped to the target month's last day.
 *
 * @example
 * ```ts
 * addMonths("2026-11-30", 3) // "2027-02-28"
 * ```
 */
export const addMonths = (day: string, months: number): string => {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number]
  const idx = y * 12 + (m - 1) + months
  const ty = Math.floor(idx / 12)
  const tm = idx % 12
  const last = new Date(Date.UTC(ty, tm + 1, 0)).getUTCDate()
  return `${String(ty).padStart(4, "0")}-${String(tm + 1).padStart(2, "0")}-${String(Math.min(d, last)).padStart(2, "0")}`
}

/**
 * The outcome of a window from the line status at its start and at its end: active → active
 * stayed, active → anything else churned; inactive → active returned, otherwise still inactive.
 *
 * @example
 * ```ts
 * classifyOutcome("suspended", "active") // "returned"
 * ```
 */
export const classifyOutcome = (start: LineStatus, end: LineStatus): ObservationOutcome =>
  start === "active" ? (end === "active" ? "stayed" : "churned") : end === "active" ? "returned" : "still-inactive"

/**
 * The line status at the end of a window: the host's `status-changed` events after `endsOn` tell
 * what the status was before them (their `from`); without such an event the current status holds.
 *
 * @example
 * ```ts
 * statusAtEnd("cancelled", history.events, "2027-02-25") // "active" when it was cancelled on 2027-03-02 from active
 * ```
 */
export const statusAtEnd = (current: LineStatus, events: UsageHistory["events"], endsOn: string): LineStatus => {
  const later = events.filter((e) => e.type === "status-changed" && e.at.slice(0, 10) > endsOn).sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
  const from = later[0]?.data["from"]
  const parsed = LineStatus.safeParse(from)
  return parsed.success ? parsed.data : current
}

const monthOf = (day: string) => day.slice(0, 7)
const lastBill = (history: UsageHistory, after: string | null, upTo: string): number | null => {
  const ms = history.months.filter((m) => m.month <= upTo && (after === null || m.month > after))
  const last = ms[ms.length - 1]
  return last === undefined ? null : last.billAmount
}

/**
 * What one `evaluateDue` run did.
 *
 * @example
 * ```ts
 * const r: EvaluationReport = { asOf: "2027-03-01", evaluated: 10, stayed: 6, churned: 2, returned: 1, stillInactive: 1 }
 * ```
 */
export interface EvaluationReport {
  readonly asOf: string
  readonly evaluated: number
  readonly stayed: number
  readonly churned: number
  readonly returned: number
  readonly stillInactive: number
}

type Errors = ValidationError | NotFound | Conflict | Forbidden | StorageError

/**
 * The observation service.
 *
 * @example
 * ```ts
 * const observations = yield* ObservationService
 * const r = yield* observations.evaluateDue(director, { asOf: "2027-03-01" })
 * console.log(`${r.churned} customers churned`)
 * ```
 */
export class ObservationService extends Context.Service<
  ObservationService,
  {
    /**
     * Opens one observation per completed item whose disposition is worked (others are skipped);
     * call it inside the completion's transaction. Idempotent per item (id `ob-<itemId>`).
     */
    readonly open: (actor: Actor, items: ReadonlyArray<WorkItem>) => Effect.Effect<ReadonlyArray<Observation>, StorageError | Conflict>
    /** Evaluates every unevaluated observation whose window ended on or before `asOf`, in batches. */
    readonly evaluateDue: (actor: Actor, input: { readonly asOf: string; readonly batchSize?: number }) => Effect.Effect<EvaluationReport, Errors>
  }
>()("@winback/core/ObservationService") {
  /**
   * The live implementation.
   *
   * @example
   * ```ts
   * ObservationService.layer.pipe(Layer.provide(scopeLayer(defaultPolicy)), Layer.provide(directoriesFromStores), Layer.provide(storesLayer(stores)))
   * ```
   */
  static readonly layer: Layer.Layer<ObservationService, never, Transactions | ObservationStore | TaskStore | AuditLogStore | AuditTrail | Permissions | CustomerDirectory | UsageHistoryReader> = serviceLayer(
    ObservationService,
    { tx: Transactions, store: ObservationStore, tasks: TaskStore, log: AuditLogStore, trail: AuditTrail, perms: Permissions, directory: CustomerDirectory, usage: UsageHistoryReader },
    ({ tx, store, tasks, log, trail, perms, directory, usage }) => Effect.gen(function* () {
      const open = Effect.fn("ObservationService.open")(function* (actor: Actor, items: ReadonlyArray<WorkItem>) {
        const config = yield* ObservationSettings
        const worked = items.filter((w) => w.state === "completed" && w.disposition !== null && config.workedDispositions.includes(w.disposition))
        if (worked.length === 0) return []
        const startedOn = (yield* nowIso).slice(0, 10)
        const out: Array<Observation> = []
        const customers = new Map((yield* directory.getMany([...new Set(worked.map((w) => w.customerId))])).map((c) => [c.id, c]))
        for (const w of worked) {
          const id = `ob-${w.id}`
          const existing = yield* store.getMany([id])
          if (existing.length > 0) {
            out.push(existing[0]!)
            continue
          }
          const customer = customers.get(w.customerId)
          if (customer === undefined) continue
          const history = yield* usage.history(w.customerId, { asOf: startedOn, dayWindow: 1, monthWindow: 3 })
          const offerEntries = yield* log.query({ customerId: w.customerId, categories: ["offer"] }, { limit: 1000 })
          const accepted = foldOfferUses(offerEntries.items).filter((u) => u.workItemId === w.id && u.accepted && u.status !== "rejected")
          const task = yield* tasks.getMany([w.taskId])
          const t = task[0]
          const months = config.windowMonthsByTier[customer.tier] ?? config.defaultWindowMonths
          const ob: Observation = {
            id,
            workItemId: w.id,
            customerId: w.customerId,
            taskId: w.taskId,
            managerId: w.assigneeId,
            teamId: w.teamId,
            startedOn,
            endsOn: addMonths(startedOn, months),
            statusAtStart: customer.lineStatus,
            billBefore: lastBill(history, null, monthOf(addMonths(startedOn, -1))),
            statusAtEnd: null,
            billAfter: null,
            outcome: null,
            evaluatedAt: null,
            version: 1,
            tier: customer.tier,
            disposition: w.disposition,
            offerIds: accepted.map((u) => u.offerId),
            offerCost: Math.round(accepted.reduce((s, u) => s + u.cost, 0) * 100) / 100,
            ruleId: t !== undefined && t.source === "alert" ? (t.ruleInstanceIds[0] ?? null) : null
          }
          const saved = yield* store.insert(ob)
          yield* trail.record(actor, {
            action: "observation.open",
            category: "observation",
            recordType: "Observation",
            recordId: id,
            customerId: w.customerId,
            before: null,
            after: saved
          })
          out.push(saved)
        }
        return out
      })

      const evaluateOne = (actor: Actor, ob: Observation, at: string) =>
        Effect.gen(function* () {
          const found = yield* directory.getMany([ob.customerId])
          const history = yield* usage.history(ob.customerId, {
            asOf: ob.endsOn,
            dayWindow: 1,
            monthWindow: Math.max(2, monthsBetween(ob.startedOn, ob.endsOn) + 1)
          })
          // A customer the host no longer knows has left.
          const current: LineStatus = found[0]?.lineStatus ?? "cancelled"
          const end = statusAtEnd(current, history.events, ob.endsOn)
          const outcome = classifyOutcome(ob.statusAtStart, end)
          const next: Observation = {
            ...ob,
            statusAtEnd: end,
            billAfter: lastBill(history, monthOf(ob.startedOn), monthOf(ob.endsOn)),
            outcome,
            evaluatedAt: at
          }
          const saved = yield* store.update(next, ob.version)
          yield* trail.record(actor, {
            action: `observation.${outcome}`,
            category: "observation",
            recordType: "Observation",
            recordId: ob.id,
            customerId: ob.customerId,
            before: ob,
            after: saved
          })
          return outcome
        })

      const evaluateDue = Effect.fn("ObservationService.evaluateDue")(function* (actor: Actor, input: { readonly asOf: string; readonly batchSize?: number }) {
        const i = yield* decode(z.object({ asOf: IsoDate, batchSize: z.number().int().min(1).max(1000).default(200) }).strict(), input, "evaluation")
        yield* perms.require(actor, ObservationActions.evaluate, { type: "none" })
        const counts = { stayed: 0, churned: 0, returned: 0, "still-inactive": 0 }
        let cursor: string | null = null
        for (;;) {
          const page: Page<Observation> = yield* store.list({ dueOn: i.asOf }, { limit: i.batchSize, cursor })
          if (page.items.length > 0) {
            const at = yield* nowIso
            // One transaction per batch: a failure keeps earlier batches and leaves this one pending.
            const outcomes = yield* tx.transaction(
              Effect.forEach(page.items, (ob) =>
                // Re-read inside the transaction: a concurrent run may have evaluated it already.
                Effect.flatMap(store.get(ob.id), (fresh) => (fresh.outcome !== null ? Effect.succeed(null) : evaluateOne(actor, fresh, at)))
              )
            )
            for (const o of outcomes) if (o !== null) counts[o]++
          }
          if (page.nextCursor === null) break
          cursor = page.nextCursor
        }
        const evaluated = counts.stayed + counts.churned + counts.returned + counts["still-inactive"]
        return { asOf: i.asOf, evaluated, stayed: counts.stayed, churned: counts.churned, returned: counts.returned, stillInactive: counts["still-inactive"] } satisfies EvaluationReport
      })

      return ObservationService.of({ open, evaluateDue })
    })
  )
}

const monthsBetween = (from: string, to: string): number => {
  const [fy, fm] = from.split("-").map(Number) as [number, number]
  const [ty, tm] = to.split("-").map(Number) as [number, number]
  return (ty - fy) * 12 + (tm - fm)
}
