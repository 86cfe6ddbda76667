/**
 * SMS work of one person over the packages' scoped services (DOMAIN §7): the preview of a task's
 * messages (each item's text with its length and segments, the customers do-not-disturb or the
 * contact rules withhold, and the fields a customer lacks), the batch send through the
 * `SmsGateway` port (`sms.sendBatch`: one idempotency key per item attempt, so a retry after a
 * gateway failure never sends twice), and the delivery status of each item from the gateway's
 * receipts (the `sms <messageId> <status>` notes of its attempts) with the template texts the
 * task's messages went out with.
 */
import { Effect } from "effect"
import { Conflict, CustomerStore, Forbidden, NotFound, customerSmsFields, type Customer, renderSms, type ScopedWinback, type SmsBatchReport, type SmsFieldWords, type Task, ValidationError, type Winback, type WorkItem, type WorkItemState } from "@winback/core"
import { catalogues, type Locale } from "../i18n"
import type { LocalSmsGateway } from "./localGateway"
import { smsSegments, type SmsTemplate, type SmsTemplates } from "./templates"

/** What the SMS routes need: the running Winback, the templates and (without a real gateway) the local one. */
export interface SmsContext {
  readonly winback: Winback
  readonly templates: SmsTemplates
  /** The in-process gateway when no gateway is configured: its receipts are reported after each send. */
  readonly local?: LocalSmsGateway
}

const smsNote = /^sms (\S+) (accepted|delivered|failed|unknown)\b/

/**
 * The delivery status of one item from its attempts: `not-sent`, `sent` (accepted by the gateway,
 * no receipt yet), `delivered` or `failed`; with every message sent for it.
 *
 * @example
 * ```ts
 * deliveryOf(item).status // "delivered"
 * ```
 */
export const deliveryOf = (item: WorkItem) => {
  const messages = item.attempts.flatMap((a) => {
    const m = smsNote.exec(a.note)
    const status: "sent" | "delivered" | "failed" = m?.[2] === "delivered" || m?.[2] === "failed" ? m[2] : "sent"
    return m ? [{ messageId: m[1]!, status, at: a.at }] : []
  })
  const last = messages.at(-1)
  return { status: last ? last.status : ("not-sent" as const), messages }
}

const open: ReadonlyArray<WorkItemState> = ["open", "in-progress"]

/** Whose items: one assignee's (default: the caller's own), or `everyone` the caller reaches (a leader: the team's). */
export interface Whose {
  readonly assigneeId?: string | undefined
  readonly everyone?: boolean | undefined
}

/** Masks a phone number for the screen: the first three and last four digits. */
const masked = (phone: string | undefined) => (phone ? (phone.length > 7 ? `${phone.slice(0, phone.length - 8)}****${phone.slice(-4)}` : phone) : null)

/**
 * The SMS work of `managerId` (see the module comment).
 *
 * @example
 * ```ts
 * const sms = smsWorkOf(ctx, "m-1")
 * const preview = await sms.preview("task-dunning", { templateId: "dunning" })
 * ```
 */
export const smsWorkOf = (ctx: SmsContext, managerId: string) => {
  const me: ScopedWinback = ctx.winback.as(managerId)
  /** The task (NotFound outside the caller's scope), refused unless it is an SMS task. */
  const smsTask = async (taskId: string): Promise<Task> => {
    const task = await me.tasks.get(taskId)
    if (task.channel !== "sms") throw new Conflict({ kind: "not-applicable", entity: "Task", id: task.id, reason: `is a ${task.channel} task; SMS work is for SMS tasks` })
    return task
  }
  /**
   * Whether the caller reaches `assigneeId`'s work: `Forbidden` when not (the scoped count refuses
   * an assignee outside the scope); a read turns it into `NotFound`, as for an unknown id.
   */
  const reach = async (taskId: string, assigneeId: string | undefined, read: boolean): Promise<void> => {
    if (assigneeId === undefined || assigneeId === managerId) return
    try {
      await me.workItems.countByState({ assigneeId, taskId })
    } catch (e) {
      if (read && e instanceof Forbidden) throw new NotFound({ entity: "Manager", id: assigneeId })
      throw e
    }
  }
  /** The task's items of `assigneeId` (default: the caller), or of everyone in the caller's scope (`everyone`). */
  const itemsOf = async (taskId: string, whose: Whose, states?: ReadonlyArray<WorkItemState>): Promise<Array<WorkItem>> => {
    const out: Array<WorkItem> = []
    let cursor: string | null = null
    do {
      const page = await me.workItems.list({ taskId, ...(whose.everyone ? {} : { assigneeId: whose.assigneeId ?? managerId }), ...(states ? { states: [...states] } : {}) }, { limit: 500, cursor })
      out.push(...page.items)
      cursor = page.nextCursor
    } while (cursor && out.length < 10_000)
    return out
  }
  /**
   * The words of the coded fields in the template's language (a text with Chinese characters is
   * zh-CN): `{{tier}}` as 金卡 or Gold, `{{region}}` as the region's root team name, never the code.
   */
  const fieldWordsOf = async (template: SmsTemplate): Promise<SmsFieldWords> => {
    const locale: Locale = /[\u3400-\u9fff]/.test(template.text) ? "zh-CN" : "en"
    const tier = Object.fromEntries(
      Object.entries(catalogues[locale])
        .filter(([key]) => key.startsWith("tier."))
        .map(([key, text]) => [key.slice("tier.".length), text])
    )
    const region = Object.fromEntries((await me.teams.list()).filter((t) => t.parentId === null).map((t) => [t.region, t.name]))
    return { tier, region }
  }
  const customersOf = async (items: ReadonlyArray<WorkItem>): Promise<Map<string, Customer>> => new Map((await me.customers.getMany([...new Set(items.map((i) => i.customerId))])).map((c) => [c.id, c]))
  /**
   * The template text: the named one, else the task's own; a ValidationError when neither exists.
   * Only a template the caller sees (`NotFound`) and not archived (`Conflict`) is sent.
   */
  const templateText = async (task: Task, templateId: string | undefined): Promise<SmsTemplate> => {
    const id = templateId ?? task.smsTemplateId
    if (!id) throw new ValidationError({ subject: "SMS batch", issues: [{ path: ["templateId"], code: "required", message: "choose a template: the task names none" }] })
    return ctx.templates.usable(managerId, id)
  }

  return {
    /** Each open item's message as it would be sent now, or why it is withheld. */
    preview: async (taskId: string, q: Whose & { readonly templateId?: string | undefined; readonly asOf: string }) => {
      const task = await smsTask(taskId)
      await reach(task.id, q.assigneeId, true)
      const template = await templateText(task, q.templateId)
      const items = await itemsOf(task.id, q, open)
      const customers = await customersOf(items)
      const words = await fieldWordsOf(template)
      const fields = await ctx.winback.run(
        Effect.gen(function* () {
          const store = yield* CustomerStore
          const out = new Map<string, Record<string, string | null>>()
          for (const c of customers.values()) out.set(c.id, yield* customerSmsFields(store, c, q.asOf, words))
          return out
        })
      )
      const rows = []
      for (const item of items) {
        const customer = customers.get(item.customerId)
        const decision = await me.contacts.canContact({ customerId: item.customerId, channel: "sms" })
        let text: string | null = null
        let missing: Array<string> = []
        try {
          text = renderSms(template.text, fields.get(item.customerId) ?? {})
        } catch (e) {
          if (!(e instanceof ValidationError)) throw e
          missing = e.issues.map((i) => String(i.path.at(-1)))
        }
        rows.push({
          itemId: item.id,
          customerId: item.customerId,
          customerName: customer?.name ?? null,
          phone: masked(customer?.phones[0]),
          text,
          ...(text === null ? { encoding: null, length: 0, segments: 0 } : smsSegments(text)),
          missingFields: missing,
          withheld: decision.allowed ? [] : decision.reasons.map((r) => ({ code: r.code, message: r.message })),
          notBefore: item.nextAttemptAt,
          attempts: item.attempts.length
        })
      }
      const sendable = rows.filter((r) => r.text !== null && r.withheld.length === 0)
      return { taskId: task.id, templateId: template.id, items: rows, sendable: sendable.length, segments: sendable.reduce((n, r) => n + r.segments, 0) }
    },
    /** Sends the task's open items (or `itemIds` only) with the template; then the local gateway's receipts. */
    send: async (taskId: string, b: Whose & { readonly templateId?: string | undefined; readonly itemIds?: ReadonlyArray<string> | undefined; readonly asOf: string }) => {
      const task = await smsTask(taskId)
      await reach(task.id, b.assigneeId, false)
      const template = await templateText(task, b.templateId)
      const report: SmsBatchReport = await me.sms.sendBatch({
        taskId: task.id,
        template: template.text,
        asOf: b.asOf,
        fieldWords: await fieldWordsOf(template),
        ...(b.everyone ? { everyone: true } : b.assigneeId ? { assigneeId: b.assigneeId } : {}),
        ...(b.itemIds ? { itemIds: [...b.itemIds] } : {})
      })
      if (report.sent.length) await ctx.templates.recordSent(task.id, template, report.sent.length)
      if (ctx.local) await ctx.local.deliverReceipts(ctx.winback)
      return {
        templateId: template.id,
        sent: report.sent,
        skipped: report.skipped.map((s) => ({ itemId: s.itemId, reasons: s.reasons.map((r) => ({ code: r.code, message: r.message })) })),
        failed: report.failed.map((f) => ({ itemId: f.itemId, retryable: f.error.retryable, detail: f.error.detail }))
      }
    },
    /** Every item of the task (all states) with its delivery status, and the counts per status. */
    deliveries: async (taskId: string, q: Whose) => {
      const task = await smsTask(taskId)
      await reach(task.id, q.assigneeId, true)
      const items = await itemsOf(task.id, q)
      const customers = await customersOf(items)
      const rows = items.map((item) => ({ itemId: item.id, customerId: item.customerId, customerName: customers.get(item.customerId)?.name ?? null, state: item.state, ...deliveryOf(item) }))
      const counts = { "not-sent": 0, sent: 0, delivered: 0, failed: 0 }
      for (const r of rows) counts[r.status] += 1
      // The texts the task's messages went out with, kept when a template is changed or archived since.
      return { taskId: task.id, texts: await ctx.templates.sentTexts(managerId, task.id), items: rows, counts }
    }
  }
}
