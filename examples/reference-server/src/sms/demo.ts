/**
 * Demo SMS work: the dunning and birthday templates, and a dunning SMS task holding unpaid
 * customers (topped up with their own customers when the demo holds few) for the agents of the
 * demo agent's team. Written through the packages' services
 * as the demo people (the director writes, the approver approves), scoped and audited; seeded once
 * (the task has a fixed id).
 */
import { Effect } from "effect"
import { CustomerStore, customerSmsFields, NotFound, type Winback } from "@winback/core"
import type { SmsTemplates } from "./templates"

/**
 * The ids of the demo SMS work.
 *
 * @example
 * ```ts
 * await winback.stores.tasks.get(demoSmsIds.task)
 * ```
 */
export const demoSmsIds = { task: "demo-sms-dunning", dunning: "dunning", birthday: "birthday" } as const

const texts = {
  en: {
    task: { name: "Dunning SMS: unpaid bill", description: "Remind customers of their unpaid bill by SMS; a delivered reminder is followed up by phone the next day." },
    dunning: { name: "Dunning reminder", text: "Dear {{name}}, your bill of {{arrears}} yuan for {{billMonth}} was due on {{dueDate}}. Please pay soon to keep your line active." },
    birthday: { name: "Birthday greeting", text: "Happy birthday, {{name}}! Thank you for staying with us." }
  },
  "zh-CN": {
    task: { name: "催缴短信：账单未缴", description: "以短信提醒客户缴纳未缴账单；短信送达后次日电话跟进。" },
    dunning: { name: "催缴提醒", text: "尊敬的{{name}}，您{{billMonth}}的账单{{arrears}}元已于{{dueDate}}到期，请尽快缴费以免影响使用。" },
    birthday: { name: "生日祝福", text: "{{name}}，祝您生日快乐！感谢您一直以来的支持。" }
  }
} as const

/**
 * Seeds the demo SMS work (see the module comment); answers the item count, 0 when already seeded.
 *
 * @example
 * ```ts
 * await seedDemoSms(winback, templates, { asOf: "2026-11-25", logins, locale: "zh-CN" })
 * ```
 */
export const seedDemoSms = async (
  winback: Winback,
  templates: SmsTemplates,
  options: { readonly asOf: string; readonly logins: { readonly agent: string; readonly director: string; readonly approver: string }; readonly locale?: "en" | "zh-CN"; readonly perAgent?: number; readonly template?: "dunning" | "birthday" }
): Promise<number> => {
  const exists = await winback.stores.tasks.get(demoSmsIds.task).then(
    () => true,
    (e: unknown) => (e instanceof NotFound ? false : Promise.reject(e))
  )
  if (exists) return 0
  const t = texts[options.locale ?? "en"]
  const { agent, director, approver } = options.logins
  await templates.save(director, demoSmsIds.dunning, t.dunning)
  await templates.save(director, demoSmsIds.birthday, t.birthday)
  const dir = winback.as(director)
  const task = await dir.tasks.create({
    id: demoSmsIds.task,
    source: "manual",
    ...t.task,
    type: "dunning",
    urgency: 2,
    channel: "sms",
    executionWindow: { from: "08:00", to: "21:00" },
    cycle: "once",
    startsOn: options.asOf,
    expiresOn: null,
    skipHolidays: false,
    cooldownDays: 0,
    questionnaireVersion: null,
    smsTemplateId: demoSmsIds[options.template ?? "dunning"]
  })
  await dir.tasks.submit(task.id)
  await winback.as(approver).tasks.approve(task.id, "demo work")
  // The unpaid customers (a bill with no paid date, a phone to send to), spread over the agents of
  // the demo agent's team, the agent first: a few each.
  const me = await winback.stores.managers.get(agent)
  const team = (await winback.stores.managers.list({ teamIds: [me.teamId!] }, { limit: 200 })).items.filter((m) => m.roles.includes("agent")).map((m) => m.id)
  const agents = [agent, ...team.filter((id) => id !== agent)]
  const wanted = agents.length * (options.perAgent ?? 3)
  const unpaid: Array<string> = []
  let cursor: string | null = null
  do {
    const page = await dir.customers.list({}, { limit: 200, cursor })
    unpaid.push(
      ...(await winback.run(
        Effect.gen(function* () {
          const store = yield* CustomerStore
          const out: Array<string> = []
          for (const c of page.items) if (c.phones.length && (yield* customerSmsFields(store, c, options.asOf)).arrears !== null) out.push(c.id)
          return out
        })
      ))
    )
    cursor = page.nextCursor
  } while (cursor && unpaid.length < wanted)
  const per = options.perAgent ?? 3
  const chosen = unpaid.slice(0, wanted)
  // A customer already holding open work (the demo's phone callbacks) gets the SMS from the same
  // agent, merged with it (the import skips a line for another agent); the rest go round the team.
  const holders = new Map((await dir.workItems.list({ customerIds: chosen, states: ["open", "in-progress"] }, { limit: 500 })).items.flatMap((w) => (w.assigneeId === null ? [] : [[w.customerId, w.assigneeId] as const])))
  const spread = chosen.filter((id) => !holders.has(id))
  const lines = [...chosen.filter((id) => holders.has(id)).map((id) => `${id},${holders.get(id)}`), ...spread.map((id, i) => `${id},${agents[Math.floor(i / per)]}`)]
  // A small demo may hold fewer unpaid customers: the agents' own customers fill their share, then
  // those they already call (their preview shows the arrears they lack, so a birthday template
  // suits them).
  for (const [k, id] of agents.entries()) {
    const short = per - Math.max(0, Math.min(per, spread.length - k * per))
    if (short <= 0) continue
    const calling = [...new Set((await dir.workItems.list({ assigneeId: id, states: ["open", "in-progress"] }, { limit: 100 })).items.map((w) => w.customerId))]
    const candidates = [...(await dir.customers.list({ ownerManagerIds: [id] }, { limit: 50 })).items, ...(calling.length ? await dir.customers.getMany(calling) : [])]
    const own = [...new Map(candidates.map((c) => [c.id, c])).values()].filter((c) => c.phones.length && !chosen.includes(c.id)).slice(0, short)
    for (const c of own) lines.push(`${c.id},${id}`)
  }
  // The demo's other tasks already handed these customers out today: the import overrides the ledger, audited.
  if (lines.length) await dir.imports.importCsv({ taskId: task.id, override: { reason: "demo: dunning SMS for customers already in today's work" } }, lines.join("\n") + "\n")
  return lines.length
}
