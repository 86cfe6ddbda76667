/**
 * Demo work for the workbench: tasks, their work items and one task awaiting approval, so the agent
 * and leader journeys have something to do on a fresh demo database. Everything goes through the
 * packages' own services as the demo people (the director writes and imports, the approver
 * approves), so it is scoped and audited like real work. Seeded once: the tasks have fixed ids, and
 * a database that already holds them is left alone.
 */

/**
 * The ids of the demo work's tasks and rule.
 *
 * @example
 * ```ts
 * await winback.stores.tasks.get(demoWorkIds.pending) // the task awaiting approval
 * ```
 */
export const demoWorkIds = {
  retention: "demo-retention-bill-drop",
  care: "demo-care-contract-ends",
  pending: "demo-win-back-zero-bill",
  rule: "demo-win-back-zero-bill"
} as const

import { createWinback, type Customer, NotFound, type Page, defaultPolicy, type QuestionnaireVersionRecord, type Stores, storesLayer, type Winback } from "@winback/core"
import { chinaCalendar } from "@winback/adapters"

/** Resolves with the record, or null when it does not exist (other failures still reject). */
const orNull = <A>(p: Promise<A>): Promise<A | null> =>
  p.catch((e: unknown) => {
    if (e instanceof NotFound) return null
    throw e
  })

/** The running services to seed through (a server's seed context). */
export interface DemoWorkServices {
  readonly winback: Winback
}

/** The demo people the work is written as (the `logins` of the demo data). */
export interface DemoWorkLogins {
  readonly agent: string
  readonly director: string
  readonly approver: string
  /** The leader of the agent's team: when given, reclaims a few items into the team's pool. */
  readonly teamLeader?: string
}

/** Options of {@link seedDemoWork}. */
export interface DemoWorkOptions {
  /** The business date the tasks start on (YYYY-MM-DD). */
  readonly asOf: string
  readonly logins: DemoWorkLogins
  /** The published questionnaire the demo tasks bind (stored when missing). */
  readonly questionnaire: QuestionnaireVersionRecord
  /** Customers per agent (default 6): a third in both tasks, a third in each task alone. */
  readonly perAgent?: number
  /** The language of the demo tasks' and rule's names and descriptions (default `en`; the zh demo: `zh-CN`). */
  readonly locale?: "en" | "zh-CN"
  /**
   * Also book the login agent's callbacks (default off; `pnpm start` turns it on): the follow-up's
   * callback at 08:00 China time on `asOf` (its reminder is due when the agent logs in) and a care
   * call at 10:00 the next day, each with the default 15-minute reminder, so "My appointments" and
   * the reminder banner have work on day one.
   */
  readonly appointments?: boolean
}

/** The demo work's words in each language (data, as a call center would have typed them). */
const demoTexts = {
  en: {
    retention: { name: "Retention callback: bill drop", description: "Customers whose bill fell sharply: find out why and present a retention offer." },
    care: { name: "Care call: contract ends soon", description: "Contract or device agreement ends within two months." },
    pool: "demo: back to the team's pool",
    followUp: "Reached; asked to be called back tomorrow morning about the renewal offer.",
    callback: "Call back about the renewal offer, as agreed.",
    rule: "Zero bill this month (win-back)",
    pending: { name: "Win-back: zero bill this month", description: "Customers with a zero bill this month: call them before they leave." }
  },
  "zh-CN": {
    retention: { name: "挽留回访：账单下降", description: "账单明显下降的客户：了解原因并推荐挽留优惠。" },
    care: { name: "关怀回访：合约即将到期", description: "合约或购机协议两个月内到期。" },
    pool: "演示：退回班组未分配池",
    followUp: "已接通；客户要求明早再来电详谈续约优惠。",
    callback: "按约定回电，详谈续约优惠。",
    rule: "本月零账单（挽回）",
    pending: { name: "挽回：本月零账单", description: "本月账单为零的客户：在流失前联系他们。" }
  }
} as const

/** What {@link seedDemoWork} created (`seeded: false` when the database already had it). */
export interface DemoWork {
  readonly seeded: boolean
  /** Active manual tasks holding the demo work items, most urgent first. */
  readonly activeTaskIds: ReadonlyArray<string>
  /** The alert task waiting for the approver. */
  readonly pendingTaskId: string | null
  /** Work items created, per agent. */
  readonly itemsPerAgent: Readonly<Record<string, number>>
  /** The items in the team's unassigned pool (reclaimed by the team leader), in id order. */
  readonly poolItemIds: ReadonlyArray<string>
}

/**
 * Seeds the demo work: two active manual tasks (a retention callback, urgency 1, and a care call,
 * urgency 3, both with the questionnaire) whose items go to the agents of the demo agent's team for
 * the customers they own — a third of those customers have two open items — and an alert task
 * (zero bill this month) submitted for approval. With a team leader among the logins, two more
 * retention items per agent go back to the team's unassigned pool (reclaimed by the leader, as if
 * their agent were on leave), so the leader has a pool to hand out. The login agent always starts
 * with phone work — topped up from the region's other customers when they own fewer than their
 * share (a demo with fewer customers than agents) — and one follow-up due: a care-call customer
 * reached before, who asked to be called back on the morning of `asOf` (a `reschedule`).
 *
 * @example
 * ```ts
 * // in a startServer seed function (its context carries the running winback), after the demo data:
 * const work = await seedDemoWork(ctx, { asOf: "2026-11-25", logins, questionnaire: standardVersionRecord(logins.director, now) })
 * ```
 */
export const seedDemoWork = async (on: DemoWorkServices | Stores, options: DemoWorkOptions): Promise<DemoWork> => {
  if ("winback" in on) return seedWith(on.winback, options)
  // Bare stores: a short-lived Winback over them; the services scope and audit each step exactly
  // as they do for the API.
  const stores = on
  const winback = await createWinback({ storage: storesLayer(stores), policy: defaultPolicy, config: { calendar: chinaCalendar() } })
  try {
    return await seedWith(winback, options)
  } finally {
    await winback.dispose()
  }
}

/**
 * Up to `n` customers (with a phone) of the director's region that no agent of `team` owns, the
 * unowned first, in id order: a small demo's top-up of the login agent's work.
 */
const spareCustomers = async (winback: Winback, director: string, team: ReadonlyArray<{ readonly id: string }>, n: number): Promise<Array<Customer>> => {
  if (n <= 0) return []
  const teamIds = new Set(team.map((m) => m.id))
  const spare: Array<Customer> = []
  let cursor: string | null = null
  do {
    const page: Page<Customer> = await winback.as(director).customers.list({}, { limit: 500, cursor })
    spare.push(...page.items.filter((c) => c.phones.length > 0 && (c.ownerManagerId === null || !teamIds.has(c.ownerManagerId))))
    cursor = page.nextCursor
  } while (cursor && spare.filter((c) => c.ownerManagerId === null).length < n)
  return [...spare.filter((c) => c.ownerManagerId === null), ...spare.filter((c) => c.ownerManagerId !== null)].slice(0, n)
}

const seedWith = async (winback: Winback, options: DemoWorkOptions): Promise<DemoWork> => {
  if ((await orNull(winback.stores.tasks.get(demoWorkIds.retention))) !== null) return { seeded: false, activeTaskIds: [demoWorkIds.retention, demoWorkIds.care], pendingTaskId: demoWorkIds.pending, itemsPerAgent: {}, poolItemIds: [] }
  const { agent, director, approver } = options.logins
  const text = demoTexts[options.locale ?? "en"]
  const dir = winback.as(director)
  const appr = winback.as(approver)
  if ((await orNull(winback.stores.questionnaires.getVersion(options.questionnaire.hash))) === null) await winback.stores.questionnaires.putVersion(options.questionnaire)

  const base = {
    source: "manual" as const,
    channel: "phone" as const,
    executionWindow: { from: "08:00", to: "21:00" },
    cycle: "once" as const,
    startsOn: options.asOf,
    expiresOn: null,
    skipHolidays: false,
    questionnaireVersion: options.questionnaire.hash,
    cooldownDays: 30
  }
  const retention = await dir.tasks.create({ ...base, id: demoWorkIds.retention, ...text.retention, type: "retention-callback", urgency: 1 })
  const care = await dir.tasks.create({ ...base, id: demoWorkIds.care, ...text.care, type: "contract-renewal", urgency: 3 })
  for (const t of [retention, care]) {
    await dir.tasks.submit(t.id)
    await appr.tasks.approve(t.id, "demo work")
  }

  // The items: customers owned by the agents of the demo agent's team, each to their owner.
  const me = await winback.stores.managers.get(agent)
  const team = (await winback.stores.managers.list({ teamIds: [me.teamId!] }, { limit: 200 })).items.filter((m) => m.roles.includes("agent"))
  const perAgent = options.perAgent ?? 6
  const poolPerAgent = options.logins.teamLeader === undefined ? 0 : 2
  const first: Array<string> = []
  const second: Array<string> = []
  const pool: Array<string> = []
  let followUpCustomer: string | undefined
  const itemsPerAgent: Record<string, number> = {}
  for (const m of team) {
    const ownedAll = (await winback.stores.customers.list({ ownerManagerIds: [m.id] }, { limit: perAgent + poolPerAgent })).items
    // The login agent starts the day with phone work whatever the demo's size: a small demo (fewer
    // customers than agents own) tops their share up from the region's other customers; one more
    // of those is their follow-up (below).
    const spare = m.id === agent ? await spareCustomers(winback, director, team, Math.max(0, perAgent - ownedAll.length) + 1) : []
    const owned = [...ownedAll.slice(0, perAgent), ...spare.slice(0, -1)]
    const extra = spare.at(-1)
    if (extra !== undefined) {
      followUpCustomer = extra.id
      second.push(`${extra.id},${m.id}`)
    }
    if (options.logins.teamLeader !== undefined) for (const c of ownedAll.slice(perAgent)) pool.push(`${c.id},${m.id}`)
    // A third in both tasks (two open items), a third in each task alone: urgency 1 and 3 mix.
    let items = 0
    owned.forEach((c, i) => {
      if (i % 3 !== 2) {
        first.push(`${c.id},${m.id}`)
        items += 1
      }
      if (i % 3 !== 1) {
        second.push(`${c.id},${m.id}`)
        items += 1
      }
    })
    itemsPerAgent[m.id] = items + (m.id === agent && extra !== undefined ? 1 : 0)
  }
  if (first.length + pool.length) await dir.imports.importCsv({ taskId: retention.id }, [...first, ...pool].join("\n") + "\n")
  // The same customers in a second task on the same day: the hand-out ledger would skip them (one
  // task per customer per period), so the demo overrides it, audited, to show work merged per customer.
  if (second.length) await dir.imports.importCsv({ taskId: care.id, override: { reason: "demo: a third of the customers hold items of both tasks, merged per customer" } }, second.join("\n") + "\n")

  // A follow-up due: the login agent already reached one customer of the care call, who asked to
  // be called back this morning (a reschedule: the item is in progress, its next attempt due).
  if (followUpCustomer !== undefined) {
    const [item] = (await winback.stores.workItems.list({ taskId: care.id, customerIds: [followUpCustomer] }, { limit: 1 })).items
    if (item) await winback.as(agent).execution.recordCall({ customerId: followUpCustomer, itemIds: [item.id], disposition: "reschedule", rescheduleAt: `${options.asOf}T00:00:00.000Z`, note: text.followUp })
    // Booked callbacks (opt-in): the follow-up's at 08:00 this morning (its reminder is due when the
    // agent logs in), a care call at 10:00 tomorrow (China time, UTC+8).
    if (item && options.appointments) {
      const me = winback.as(agent)
      await me.appointments.book({ customerId: followUpCustomer, at: `${options.asOf}T00:00:00.000Z`, channel: "phone", workItemId: item.id, note: text.callback })
      const [care2] = (await winback.stores.workItems.list({ taskId: care.id, assigneeId: agent, states: ["open"] }, { limit: 1 })).items
      const next = new Date(Date.parse(`${options.asOf}T02:00:00.000Z`) + 86_400_000).toISOString()
      if (care2) await me.appointments.book({ customerId: care2.customerId, at: next, channel: "phone", workItemId: care2.id, note: text.callback })
    }
  }

  // The pool: the leader reclaims the extra items (audited as work-item.reclaim); they stay with
  // the team, unassigned, until the leader hands them out again.
  const poolCustomerIds = pool.map((line) => line.split(",")[0]!)
  const poolItemIds =
    poolCustomerIds.length === 0
      ? []
      : (await winback.stores.workItems.list({ taskId: retention.id, customerIds: poolCustomerIds }, { limit: 1000 })).items.map((w) => w.id).sort()
  if (poolItemIds.length && options.logins.teamLeader !== undefined) {
    await winback.as(options.logins.teamLeader).allocation.workItems({ ids: poolItemIds, to: null, note: text.pool })
  }

  // Awaiting approval: an alert task over an approved rule, so its dry run has real numbers.
  const rule = await dir.rules.create({ ruleId: demoWorkIds.rule, name: text.rule, templateId: "zero-bill" })
  await dir.rules.submit(rule.id)
  await appr.rules.approve(rule.id)
  const pending = await dir.tasks.create({
    id: demoWorkIds.pending,
    source: "alert",
    ruleInstanceIds: [rule.id],
    ...text.pending,
    type: "retention-callback",
    urgency: 2,
    channel: "phone",
    executionWindow: { from: "09:00", to: "20:00" },
    cycle: "daily",
    startsOn: options.asOf,
    expiresOn: null,
    skipHolidays: false,
    questionnaireVersion: options.questionnaire.hash,
    cooldownDays: 30
  })
  await dir.tasks.submit(pending.id)
  return { seeded: true, activeTaskIds: [retention.id, care.id], pendingTaskId: pending.id, itemsPerAgent, poolItemIds }
}
