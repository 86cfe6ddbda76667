/**
 * Languages of the reference server: English and Simplified Chinese (zh-CN). The locale of a
 * request is the `winback_locale` cookie the page's language switch sets, else the best of its
 * `Accept-Language` (zh, zh-CN, zh-SG, zh-Hans… → zh-CN; anything else → en). Messages come from
 * two typed catalogues (`./en.ts`, `./zh-CN.ts`) with the same keys; the workbench page receives
 * both as an ES module (`/workbench/messages.js`), the server uses them for the page shell, error
 * messages, report headings and chart titles.
 */
import type { IncomingMessage } from "node:http"
import { en, type MessageKey } from "./en"
import { zhCN } from "./zh-CN"

export { en, type MessageKey } from "./en"
export { zhCN } from "./zh-CN"

/** The locales the server speaks. */
export const locales = ["en", "zh-CN"] as const
/** One of {@link locales}. */
export type Locale = (typeof locales)[number]

/**
 * Both catalogues by locale.
 *
 * @example
 * ```ts
 * catalogues["zh-CN"]["nav.reports"] // "报表"
 * ```
 */
export const catalogues: Readonly<Record<Locale, Readonly<Record<MessageKey, string>>>> = { en, "zh-CN": zhCN }

/** The cookie the page's language switch sets (`en` or `zh-CN`). */
export const localeCookie = "winback_locale"

/**
 * The locale of one language tag, or null when the server does not speak it: zh, zh-CN, zh-SG and
 * every zh-Hans tag are zh-CN; zh-TW, zh-HK and zh-Hant are not (Traditional script); en-* is en.
 *
 * @example
 * ```ts
 * localeOfTag("zh-Hans-CN") // "zh-CN"
 * localeOfTag("fr") // null
 * ```
 */
export const localeOfTag = (tag: string): Locale | null => {
  const t = tag.trim().toLowerCase()
  if (t === "zh" || t === "zh-cn" || t === "zh-sg" || t.startsWith("zh-hans") || t.startsWith("zh-cn-")) return "zh-CN"
  if (t === "en" || t.startsWith("en-")) return "en"
  return null
}

/**
 * The locale an `Accept-Language` header asks for: its tags by quality (ties in order of
 * appearance), the first one the server speaks; `en` when none.
 *
 * @example
 * ```ts
 * negotiateLocale("zh-CN,zh;q=0.9,en;q=0.8") // "zh-CN"
 * negotiateLocale("fr-FR, en;q=0.5") // "en"
 * negotiateLocale(undefined) // "en"
 * ```
 */
export const negotiateLocale = (acceptLanguage: string | undefined): Locale => {
  if (!acceptLanguage) return "en"
  const ranked = acceptLanguage
    .slice(0, 1000)
    .split(",")
    .map((part, i) => {
      const [tag = "", ...params] = part.split(";")
      const q = params.map((p) => /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(p)?.[1]).find((x) => x !== undefined)
      return { tag, q: q === undefined ? 1 : Number(q), i }
    })
    .filter((x) => x.q > 0 && Number.isFinite(x.q))
    .sort((a, b) => b.q - a.q || a.i - b.i)
  for (const { tag } of ranked) {
    const l = localeOfTag(tag)
    if (l) return l
  }
  return "en"
}

/** The value of the locale cookie in a `Cookie` header, when it names a locale. */
const cookieLocale = (cookie: string | undefined): Locale | null => {
  const m = /(?:^|;\s*)winback_locale=([^;]*)/.exec(cookie ?? "")
  const v = m ? decodeURIComponent(m[1]!.trim()) : ""
  return (locales as ReadonlyArray<string>).includes(v) ? (v as Locale) : null
}

/**
 * The locale of a request: the `winback_locale` cookie when set to a locale, else
 * `Accept-Language` ({@link negotiateLocale}).
 *
 * @example
 * ```ts
 * localeOf({ headers: { "accept-language": "zh" } }) // "zh-CN"
 * localeOf({ headers: { cookie: "winback_locale=en", "accept-language": "zh" } }) // "en"
 * ```
 */
export const localeOf = (req: { readonly headers: Pick<IncomingMessage["headers"], "cookie" | "accept-language"> }): Locale =>
  cookieLocale(req.headers.cookie) ?? negotiateLocale(req.headers["accept-language"])

/**
 * One message in `locale`, its `{name}` placeholders filled from `vars`.
 *
 * @example
 * ```ts
 * message("zh-CN", "work.page", { n: 2 }) // "第 2 页"
 * ```
 */
export const message = (locale: Locale, key: MessageKey, vars: Readonly<Record<string, string | number>> = {}): string =>
  catalogues[locale][key].replace(/\{([a-zA-Z0-9_]+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m))

/** The message of `key` when the catalogue has it (a key built from data, e.g. an error code). */
export const messageOf = (locale: Locale, key: string): string | undefined =>
  Object.hasOwn(catalogues[locale], key) ? catalogues[locale][key as MessageKey] : undefined

/**
 * The workbench's message module: both catalogues as an ES module the page imports
 * (`import { catalogues } from "./messages.js"`), generated from the typed catalogues.
 *
 * @example
 * ```ts
 * messagesModule().startsWith("export const catalogues = ") // true
 * ```
 */
export const messagesModule = (): string => `export const catalogues = ${JSON.stringify(catalogues)}\n`

/**
 * An API error body in `locale`: the machine `code` and `details` unchanged, the `message` the
 * catalogue's text for the code (`error.<code>`). English keeps the server's own, more specific
 * message; a code the catalogue lacks keeps it too.
 *
 * @example
 * ```ts
 * localizeErrorBody({ error: { code: "forbidden", message: "agent may not approve", details: null } }, "zh-CN")
 * // { error: { code: "forbidden", message: "您无权执行此操作。", details: null } }
 * ```
 */
export const localizeErrorBody = <B extends { readonly error: { readonly code: string; readonly message: string } }>(body: B, locale: Locale): B => {
  if (locale === "en") return body
  const text = messageOf(locale, `error.${body.error.code}`)
  return text === undefined ? body : { ...body, error: { ...body.error, message: text } }
}
