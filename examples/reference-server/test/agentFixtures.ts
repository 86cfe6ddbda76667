/**
 * What the agent-screen tests share: an alert item for a customer whose bill fell 42% against its
 * 3-month average (58.20 vs 100.35), made through the services as the demo people (a bill-drop
 * rule approved, an alert task approved) plus the item and the usage written as test set-up.
 */
import { fixtures } from "@winback/adapters/testing"
import type { Winback } from "@winback/core"

/** The people the alert is made as. */
export interface AlertPeople {
  readonly director: string
  readonly approver: string
  readonly agent: string
}

const closedMonth = (customerId: string, month: string, billAmount: number) => {
  const next = `${month.slice(0, 5)}${String(Number(month.slice(5)) + 1).padStart(2, "0")}`
  return { customerId, month, billAmount, dataMb: 2048, callMinutes: 300, competitorCallSeconds: 0, forwardedDays: 0, silentDays: 0, billDate: `${next}-01`, dueDate: `${next}-20`, paidDate: `${next}-15` }
}

/**
 * Flags `customerId` (made gold) by a bill drop as of `asOf` (a day in 2026-11): answers the new
 * alert item's id and the task's name.
 *
 * @example
 * ```ts
 * const { itemId } = await flagByBillDrop(server.winback, logins, "cust-1", "2026-11-25", "en")
 * ```
 */
export const flagByBillDrop = async (winback: Winback, people: AlertPeople, customerId: string, asOf: string, locale: "en" | "zh-CN" = "en") => {
  const name = locale === "en" ? "Alert: bill drop" : "预警：账单下降"
  const rule = await winback.as(people.director).rules.create({ ruleId: "agent-bill-drop", name: locale === "en" ? "Bill drop" : "账单下降", templateId: "bill-drop" })
  await winback.as(people.director).rules.submit(rule.id)
  await winback.as(people.approver).rules.approve(rule.id)
  const task = await winback.as(people.director).tasks.create({
    id: "agent-alert-bill-drop",
    source: "alert",
    ruleInstanceIds: [rule.id],
    name,
    description: name,
    type: "retention-callback",
    urgency: 1,
    channel: "phone",
    executionWindow: { from: "08:00", to: "21:00" },
    cycle: "daily",
    startsOn: asOf,
    expiresOn: null,
    skipHolidays: false,
    questionnaireVersion: null,
    cooldownDays: 30
  })
  await winback.as(people.director).tasks.submit(task.id)
  await winback.as(people.approver).tasks.approve(task.id, "agent screen test")
  const stores = winback.stores
  const me = await stores.managers.get(people.agent)
  const customer = await stores.customers.get(customerId)
  const itemId = "wi-agent-alert-1"
  await stores.customers.upsertCustomers([{ ...customer, tier: "gold" }])
  await stores.customers.upsertUsageMonths([closedMonth(customerId, "2026-07", 90.5), closedMonth(customerId, "2026-08", 110.35), closedMonth(customerId, "2026-09", 100.2), closedMonth(customerId, "2026-10", 58.2)])
  await stores.workItems.insertMany([
    fixtures.workItem(itemId, { taskId: task.id, customerId, assigneeId: people.agent, teamId: me.teamId, channel: "phone", urgency: 1, period: asOf, createdAt: `${asOf}T00:00:00.000Z`, updatedAt: `${asOf}T00:00:00.000Z` })
  ])
  return { itemId, taskName: name }
}
