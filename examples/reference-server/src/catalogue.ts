/**
 * The rule template catalogue as the API lists it: id, title, description, family, suggested
 * channel, default parameters and the parameters' JSON Schema.
 *
 * `@winback/rules` is not yet listed in this example's package.json (adding dependencies is the
 * lead's call), so its source is imported by path; the import moves to the package name once listed.
 */
import { z } from "zod"
import { catalogue } from "@winback/rules"

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
}

/**
 * Every template of the catalogue, by id.
 *
 * @example
 * ```ts
 * templateCatalogue().map((t) => t.id) // ["bill-anomaly", "bill-drop", ...]
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
      return { id: t.id, version: t.version, family: t.family, title: t.title, description: t.description, channel: t.channel ?? null, defaults: t.defaults, paramsSchema }
    })
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
