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

/** A template's title, family and parameter names in one language. */
export interface TemplateLabels {
  readonly title: string
  readonly family: string
  readonly params: Readonly<Record<string, string>>
}

const labelsOf = (id: string, title: string, family: string, params: ReadonlyArray<string>): Readonly<Record<Locale, TemplateLabels>> =>
  Object.fromEntries(
    locales.map((l) => [
      l,
      {
        title: messageOf(l, `template.${id}`) ?? title,
        family: messageOf(l, `family.${family}`) ?? family,
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
      const labels = labelsOf(t.id, t.title, t.family, params)
      return { id: t.id, version: t.version, family: t.family, title: t.title, description: t.description, channel: t.channel ?? null, defaults: t.defaults, paramsSchema, labels }
    })
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
