/**
 * Why a work item exists, in the terms an agent needs on the customer screen: an alert item's rule
 * explanations (the numbers each rule read from the customer's history, recomputed as of the
 * item's period — extraction keeps only the match, not its explanation), or the list or customer
 * group a manual or campaign item came from.
 */
import { Effect } from "effect"
import { compileRule, type Explanation, indexCustomerFacts } from "@winback/rules"
import type { Actor } from "../org/Actor"
import { CustomerStore } from "../customer/CustomerStore"
import { ScopedStores } from "../facade/ScopedStores"
import { RuleInstanceStore } from "../rule/RuleInstanceStore"
import type { NotFound, StorageError } from "../shared/Errors"

/**
 * One reason of an item. `rule`: an alert rule that matched (or no longer matches, `matched:
 * false`, when the history changed since); `summary` is the rule's sentence in English, `values`
 * its named numbers (for a page to word in its own language). `import`: the customer was on an
 * imported list. `group`: the customer is in the campaign's customer group. `unavailable`: the
 * rule cannot be read or evaluated any more (removed, or its definition no longer compiles).
 *
 * @example
 * ```ts
 * const r: ItemReason = { kind: "rule", ruleInstanceId: "ri-bill-drop@1", ruleName: "Bill drop", templateId: "bill-drop", asOf: "2026-11-25",
 *   matched: true, summary: "bill 58.2 vs 3-month average 100.35, −42%, threshold for gold 30%", values: { thisMonth: 58.2, baseline: 100.35, change: -42, threshold: 30 } }
 * ```
 */
export type ItemReason =
  | {
      readonly kind: "rule"
      readonly ruleInstanceId: string
      readonly ruleName: string
      readonly templateId: string | null
      readonly asOf: string
      readonly matched: boolean
      readonly summary: string
      readonly values: Readonly<Record<string, number | null>>
    }
  | { readonly kind: "import"; readonly taskId: string }
  | { readonly kind: "group"; readonly customerGroupId: string }
  | { readonly kind: "unavailable"; readonly ruleInstanceId: string }

/** The as-of day of an item: its daily period, else the day it was created. */
const asOfOf = (period: string, createdAt: string): string => (/^\d{4}-\d{2}-\d{2}$/.test(period) ? period : createdAt.slice(0, 10))

const monthBefore = (day: string, months: number): string => {
  const idx = Number(day.slice(0, 4)) * 12 + Number(day.slice(5, 7)) - 1 - months
  return `${Math.floor(idx / 12)}-${String((idx % 12) + 1).padStart(2, "0")}`
}
const dayBefore = (day: string, days: number): string => new Date(Date.parse(`${day}T00:00:00.000Z`) - days * 86_400_000).toISOString().slice(0, 10)

/**
 * The reasons of a work item in the actor's scope (`NotFound` out of scope): an alert item's rules
 * explained as of the item's period (400 days and 24 months of history, as the memory candidate
 * source reads), a manual item's import, a campaign item's customer group.
 *
 * @example
 * ```ts
 * const reasons = yield* itemReasons(agent, "wi-1")
 * for (const r of reasons) if (r.kind === "rule") console.log(r.ruleName, r.summary)
 * ```
 */
export const itemReasons = Effect.fn("itemReasons")(function* (actor: Actor, itemId: string) {
  const view = (yield* ScopedStores).forActor(actor)
  const item = yield* view.workItems.get(itemId)
  const task = yield* view.tasks.get(item.taskId)
  if (task.source === "manual") return [{ kind: "import", taskId: task.id }] satisfies ReadonlyArray<ItemReason>
  if (task.source === "campaign") return [{ kind: "group", customerGroupId: task.customerGroupId }] satisfies ReadonlyArray<ItemReason>
  const customer = yield* view.customers.get(item.customerId)
  const store = yield* CustomerStore
  // The rules are read as the task's: whoever may work the item may know why it exists, without
  // the right to read or author rules in general.
  const rules = yield* RuleInstanceStore
  const asOf = asOfOf(item.period, item.createdAt)
  const fromDay = dayBefore(asOf, 400)
  const [daily, monthly, events] = yield* Effect.all([
    store.usageDays(customer.id, fromDay, asOf),
    store.usageMonths(customer.id, monthBefore(asOf, 24), asOf.slice(0, 7)),
    store.events(customer.id, `${fromDay}T00:00:00.000Z`)
  ])
  const facts = indexCustomerFacts({ customer, daily, monthly, events })
  const out: Array<ItemReason> = []
  for (const id of task.ruleInstanceIds) {
    const record = yield* rules.get(id).pipe(Effect.option)
    if (record._tag === "None") {
      out.push({ kind: "unavailable", ruleInstanceId: id })
      continue
    }
    const r = record.value
    let e: Explanation
    try {
      e = compileRule(r.definition.rule).explain(facts, asOf)
    } catch {
      out.push({ kind: "unavailable", ruleInstanceId: id })
      continue
    }
    out.push({ kind: "rule", ruleInstanceId: r.id, ruleName: r.name, templateId: r.templateId, asOf, matched: e.matched, summary: e.summary, values: e.values })
  }
  return out as ReadonlyArray<ItemReason>
}) as (actor: Actor, itemId: string) => Effect.Effect<ReadonlyArray<ItemReason>, NotFound | StorageError, ScopedStores | CustomerStore | RuleInstanceStore>
