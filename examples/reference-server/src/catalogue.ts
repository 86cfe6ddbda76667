/**
 * The rule template catalogue as the API lists it: id, title, description, family, suggested
 * channel, default parameters and the parameters' JSON Schema.
 *
 * `@winback/rules` is not yet listed in this example's package.json (adding dependencies is the
 * lead's call), so its source is imported by path; the import moves to the package name once listed.
 */
import { z } from "zod"
import { catalogue } from "@winback/rules"
import { locales, type Locale, messageOf } from "./i18n"

/** A catalogue entry as served. */
export interface TemplateInfo {
  readonly id: string
  readonly version: number
  readonly family: string
  readonly title: string
  readonly description: string
  readonly channel: string | null
  readonly defaults: unknown
  readonly paramsSchema: unknown
  /**
   * The template's words in each locale the server speaks: its title, its family and the name of
   * each parameter (the English title when a locale has none).
   */
  readonly labels: Readonly<Record<Locale, TemplateLabels>>
}

/** A template's title, family, description and parameter names in one language. */
export interface TemplateLabels {
  readonly title: string
  readonly family: string
  /** What the template picks, with each parameter named in `backticks` (the page shows the parameter's name there). */
  readonly description: string
  readonly params: Readonly<Record<string, string>>
}

/**
 * The templates' descriptions in the languages other than English (the English ones are the
 * catalogue's own); a parameter stays in `backticks`, as in the English text.
 */
const descriptions: Readonly<Partial<Record<Locale, Readonly<Record<string, string>>>>> = {
  "zh-CN": {
    "bill-anomaly": "本月账单高于前 `baselineMonths` 个月平均值的 `factor` 倍，或低于该平均值除以 `factor` 的客户。",
    "bill-drop": "本月账单比前 `baselineMonths` 个月平均值下降超过 `dropPercent` 的客户。阈值可按客户等级或地区设置（默认：金卡和钻石卡 30%，银卡和普通 50%）。",
    "bill-unpaid": "后付费客户最近一期账单在出账 `daysAfterBill` 天及以上后仍未缴费（截至统计日无缴费日期）。",
    "birthday": "生日在统计日当天的客户（2 月 29 日生日在平年 2 月 28 日问候）。建议渠道：短信。",
    "call-forwarding": "截至统计日，连续至少 `minDays` 天把来电转移到其他运营商号码的客户。",
    "cancel-requested": "客户等级在 `minTier` 及以上、最近 `withinDays` 天内申请销户的客户；作为事件规则，申请一到即触发。",
    "competitor-calls": "最近 `periodDays` 天内与竞争对手客服号码通话累计超过 `minSeconds` 秒的客户——被挖角的明显信号。",
    "complaint-resolved": "最近 `withinDays` 天内投诉已解决、需在此期间回访的客户（派发去重，每位客户只派一次）。",
    "contract-expiring": "合约或购机协议在统计日当天或之后、`monthsLeft` 个自然月内到期的客户。",
    "data-drop": "本月流量比前 `baselineMonths` 个月平均值下降超过 `dropPercent` 的客户。",
    "dunning-follow-up": "催缴短信在统计日前 `daysAgo` 天送达的预付费客户（默认：昨天），以便坐席跟进。",
    "new-customer": "最近 `withinDays` 天内（含统计日）开户、需在此期间回访的客户。",
    "silent-high-value": "客户等级在 `minTier` 及以上、截至统计日连续至少 `minDays` 天没有主叫通话的客户。",
    "suspension-requested": "最近 `withinDays` 天内申请停机保号的客户；作为事件规则，申请一到即触发。",
    "zero-bill": "本月（统计日当天或之前最近出账的月份）账单为零（不超过 `maxAmount`）的客户。"
  }
}

const labelsOf = (id: string, title: string, family: string, description: string, params: ReadonlyArray<string>): Readonly<Record<Locale, TemplateLabels>> =>
  Object.fromEntries(
    locales.map((l) => [
      l,
      {
        title: messageOf(l, `template.${id}`) ?? title,
        family: messageOf(l, `family.${family}`) ?? family,
        description: descriptions[l]?.[id] ?? description,
        params: Object.fromEntries(params.map((p) => [p, messageOf(l, `tparam.${p}`) ?? p]))
      }
    ])
  ) as Record<Locale, TemplateLabels>

/**
 * Every template of the catalogue, by id, with its labels in English and zh-CN.
 *
 * @example
 * ```ts
 * templateCatalogue().map((t) => t.id) // ["bill-anomaly", "bill-drop", ...]
 * templateCatalogue().find((t) => t.id === "bill-drop")?.labels["zh-CN"].title // "账单下降"
 * ```
 */
export const templateCatalogue = (): ReadonlyArray<TemplateInfo> =>
  catalogue
    .map((t) => {
      let paramsSchema: unknown = null
      try {
        paramsSchema = z.toJSONSchema(t.params as z.ZodType, { io: "input", unrepresentable: "any" })
      } catch {
        paramsSchema = null
      }
      const params = Object.keys((paramsSchema as { properties?: Record<string, unknown> } | null)?.properties ?? {})
      const labels = labelsOf(t.id, t.title, t.family, t.description, params)
      return { id: t.id, version: t.version, family: t.family, title: t.title, description: t.description, channel: t.channel ?? null, defaults: t.defaults, paramsSchema, labels }
    })
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
