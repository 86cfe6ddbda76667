/**
 * Demo data for the reference server, seeded once, on first start, into empty storage: the demo
 * organisation and customers, then the workbench's demo work (tasks bound to the standard
 * retention questionnaire, items for the demo agent's team, a task awaiting approval), written
 * through the packages' own services so it is scoped and audited like real work.
 */
import { Effect } from "effect"
import type { Stores, Winback } from "@winback/core"
import { type DemoFactsLoader, type DemoOptionsInput, generateOrg, resolveDemoOptions, seedDemoData } from "@winback/core/demo"
import { standardVersionRecord } from "./questionnaires"
import type { DemoLogin } from "./server"
import { seedDemoWork } from "./workbench/demoWork"
import { seedDemoSms } from "./sms/demo"
import type { SmsTemplates } from "./sms/templates"

/**
 * The demo's language from `WINBACK_DEMO_LOCALE`: `zh-CN` (the default: people's names in Chinese
 * characters, "张秀", as a Chinese call center's CRM holds them) or `en` (the same people in
 * pinyin, "Zhang Xiu"). Either way the demo runs on the China calendar unless `WINBACK_CALENDAR`
 * says otherwise. Throws an `Error` naming the variable when it is neither.
 *
 * @example
 * ```ts
 * demoLocaleFromEnv({}) // { locale: "zh-CN", names: "hanzi" }
 * demoLocaleFromEnv({ WINBACK_DEMO_LOCALE: "en" }) // { locale: "en", names: "pinyin" }
 * ```
 */
export const demoLocaleFromEnv = (env: Readonly<Record<string, string | undefined>>): { readonly locale: "zh-CN" | "en"; readonly names: "hanzi" | "pinyin" } => {
  const v = env.WINBACK_DEMO_LOCALE ?? "zh-CN"
  if (v === "zh-CN") return { locale: "zh-CN", names: "hanzi" }
  if (v === "en") return { locale: "en", names: "pinyin" }
  throw new Error("WINBACK_DEMO_LOCALE must be 'zh-CN' (the default) or 'en'")
}

/** What a seed function gets besides the stores: the running services. */
export interface SeedContext {
  readonly stores: Stores
  /** The one facade: `winback.as(managerId)` for every service. */
  readonly winback: Winback
  /** The SMS templates (the server's), for the demo SMS work. */
  readonly smsTemplates?: SmsTemplates
}

/**
 * Seeds `customers` demo customers as of `asOf` when the storage has none, then the demo work;
 * answers the demo logins either way.
 *
 * @example
 * ```ts
 * const server = await startServer({ storage, seed: seedIfEmpty({ customers: 1000, asOf: "2026-11-25" }) })
 * // the embedded default at 100k customers: bulk load
 * const big = seedIfEmpty({ customers: 100_000, asOf: "2026-11-25", loader: pgliteDemoLoader(storage) })
 * ```
 */
export const seedIfEmpty =
  (options: {
    readonly customers: number
    readonly asOf: string
    readonly onProgress?: (n: number) => void
    /** Other demo options (regions, team sizes, ...); the seed is 1 unless given. */
    readonly demo?: Omit<DemoOptionsInput, "customers" | "asOf">
    /**
     * Writes the customers, usage and events in bulk (the embedded default: `pgliteDemoLoader(storage)`,
     * one transaction of binary COPY); without it they go through the stores in batches of 250.
     */
    readonly loader?: DemoFactsLoader
    /** Also the demo SMS work (templates and a dunning SMS task; `pnpm start` seeds it). */
    readonly sms?: boolean
    /** Also the login agent's booked callbacks with reminders (`pnpm start` seeds them; see `DemoWorkOptions.appointments`). */
    readonly appointments?: boolean
  }) =>
  async (ctx: Stores & SeedContext): Promise<ReadonlyArray<DemoLogin>> => {
    const stores = ctx.stores
    const demo = { seed: 1, ...options.demo, customers: options.customers, asOf: options.asOf }
    const { logins } = generateOrg(resolveDemoOptions(demo))
    const existing = await Effect.runPromise(stores.managers.list({}, { limit: 1 }))
    if (existing.items.length === 0) {
      await seedDemoData(stores, demo, {
        batchSize: options.loader ? 2000 : 250,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        ...(options.loader ? { loader: options.loader } : {})
      })
      await seedDemoWork(ctx, {
        asOf: options.asOf,
        logins,
        questionnaire: standardVersionRecord(logins.director, `${options.asOf}T00:00:00.000Z`),
        // The zh demo (names in Chinese characters) names its tasks in Chinese too.
        locale: options.demo?.names === "hanzi" ? "zh-CN" : "en",
        ...(options.appointments ? { appointments: true } : {})
      })
      if (options.sms && ctx.smsTemplates) await seedDemoSms(ctx.winback, ctx.smsTemplates, { asOf: options.asOf, logins, locale: options.demo?.names === "hanzi" ? "zh-CN" : "en" })
    }
    const roles: Array<[string, string]> = [
      ["agent", logins.agent],
      ["team leader", logins.teamLeader],
      ["district leader", logins.districtLeader],
      ["director", logins.director],
      ["approver", logins.approver]
    ]
    const managers = await Effect.runPromise(stores.managers.getMany(roles.map(([, id]) => id)))
    const names = new Map(managers.map((m) => [m.id, m.name]))
    return roles.map(([role, managerId]) => ({ role, managerId, name: names.get(managerId) ?? managerId }))
  }
