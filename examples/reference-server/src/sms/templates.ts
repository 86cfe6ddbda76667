/**
 * SMS templates (DOMAIN §3, §7): the texts an SMS task sends, with customer fields such as the
 * arrears amount of a dunning SMS. They are kept in the server's integration state (one record of
 * every template), written only by those granted `sms-template.manage` and audited; a template
 * naming a field the SDK cannot fill is refused before it is stored.
 */
import { Effect, type Layer } from "effect"
import { z } from "zod"
import { Actions, AuditTrail, Conflict, NotFound, Permissions, ValidationError, type Actor, renderSms, type Winback, type WinbackServices } from "@winback/core"
import { IntegrationState } from "@winback/adapters"

/**
 * The customer fields a template may use, as `customerSmsFields` (core) fills them.
 *
 * @example
 * ```ts
 * smsTemplateFields.includes("arrears") // true
 * ```
 */
export const smsTemplateFields = ["name", "tier", "region", "contractEnd", "arrears", "billMonth", "dueDate"] as const
/** @see {@link smsTemplateFields} */
export type SmsTemplateField = (typeof smsTemplateFields)[number]

/** Sample values the length of a template is measured with (a long name, a five-figure amount). */
const sampleFields: Readonly<Record<SmsTemplateField, string>> = {
  name: "欧阳明远",
  tier: "gold",
  region: "beijing",
  contractEnd: "2027-01-31",
  arrears: "12345.67",
  billMonth: "2026-10",
  dueDate: "2026-11-28"
}

/**
 * How long an SMS text is and how many messages it costs: GSM 7-bit texts take 160 characters in
 * one message and 153 per part when split; any other character (Chinese) makes the whole text
 * UCS-2, 70 in one message and 67 per part.
 *
 * @example
 * ```ts
 * smsSegments("Hello") // { encoding: "gsm-7", length: 5, segments: 1 }
 * smsSegments("您好".repeat(40)) // { encoding: "ucs-2", length: 80, segments: 2 }
 * ```
 */
export const smsSegments = (text: string): { readonly encoding: "gsm-7" | "ucs-2"; readonly length: number; readonly segments: number } => {
  const length = [...text].length
  const gsm = /^[A-Za-z0-9 @£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!"#¤%&'()*+,\-./:;<=>?¡ÄÖÑÜ§¿äöñüà^{}\\[~\]|€]*$/.test(text)
  const [single, part] = gsm ? [160, 153] : [70, 67]
  return { encoding: gsm ? "gsm-7" : "ucs-2", length, segments: length === 0 ? 0 : length <= single ? 1 : Math.ceil(length / part) }
}

const placeholder = /\{\{\s*([a-zA-Z][a-zA-Z0-9_]*)\s*\}\}/g

/**
 * What a template text uses and what it costs: its fields, the ones the SDK cannot fill, and the
 * length and segments of the text filled with sample values.
 *
 * @example
 * ```ts
 * checkSmsTemplate("Dear {{name}}, {{bill}} is due").unknownFields // ["bill"]
 * ```
 */
export const checkSmsTemplate = (text: string) => {
  const used = [...new Set([...text.matchAll(placeholder)].map((m) => m[1]!))]
  const known = new Set<string>(smsTemplateFields)
  const unknownFields = used.filter((f) => !known.has(f))
  // A Latin text gets a Latin sample name: a Chinese one alone would make it UCS-2.
  const samples = smsSegments(text).encoding === "gsm-7" ? { ...sampleFields, name: "Ouyang Mingyuan" } : sampleFields
  const sample = renderSms(text.replace(placeholder, (m, f: string) => (known.has(f) ? m : "")), samples)
  return { fields: used.filter((f) => known.has(f)), unknownFields, sample, ...smsSegments(sample) }
}

/**
 * A template as an admin writes it: a name and the text with `{{field}}` placeholders.
 *
 * @example
 * ```ts
 * SmsTemplateInput.parse({ name: "Dunning", text: "Dear {{name}}, {{arrears}} is due on {{dueDate}}." })
 * ```
 */
export const SmsTemplateInput = z
  .object({
    name: z.string().trim().min(1).max(100),
    text: z.string().trim().min(1).max(1000),
    /** The version the change was made on (optimistic concurrency); absent for a new template. */
    version: z.number().int().min(1).optional()
  })
  .strict()
/** @see {@link SmsTemplateInput} */
export type SmsTemplateInput = z.input<typeof SmsTemplateInput>

/**
 * A stored template.
 *
 * @example
 * ```ts
 * const t: SmsTemplate = { id: "dunning", name: "Dunning", text: "...", version: 1, updatedAt: "2026-11-25T08:00:00.000Z", updatedBy: "m-admin" }
 * ```
 */
export const SmsTemplate = z.object({
  id: z.string(),
  name: z.string(),
  text: z.string(),
  version: z.number().int(),
  updatedAt: z.string(),
  updatedBy: z.string()
})
/** @see {@link SmsTemplate} */
export type SmsTemplate = z.infer<typeof SmsTemplate>

/** A template id in a path: lowercase words with dashes. */
export const SmsTemplateId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "lowercase letters, digits and dashes")

const key = "sms.templates"

/** Every stored template (an empty list when none is stored). */
const readAll = Effect.gen(function* () {
  const v = yield* (yield* IntegrationState).get(key)
  return Array.isArray(v) ? (v as Array<SmsTemplate>) : []
})

/**
 * The SMS templates over the integration state: read by anyone logged in (they hold no customer
 * data), written by `sms-template.manage` holders, each change audited (`sms-template.save`,
 * `sms-template.delete`, category `task`).
 *
 * @example
 * ```ts
 * const templates = smsTemplates(winback, integrationStateFor(storage))
 * await templates.save("m-admin", "dunning", { name: "Dunning", text: "Dear {{name}}, {{arrears}} is due." })
 * ```
 */
export const smsTemplates = (winback: Winback, state: Layer.Layer<IntegrationState>) => {
  const run = <A, E>(program: Effect.Effect<A, E, WinbackServices | IntegrationState>) => winback.run(program.pipe(Effect.provide(state)))
  const change = <A>(managerId: string, f: (actor: Actor, all: ReadonlyArray<SmsTemplate>) => Effect.Effect<{ readonly all: ReadonlyArray<SmsTemplate>; readonly result: A; readonly audit: { action: string; id: string; before: unknown; after: unknown } }, Conflict | NotFound | ValidationError>) =>
    winback.runAs(managerId, (actor) =>
      Effect.gen(function* () {
        yield* (yield* Permissions).require(actor, Actions.smsTemplateManage, { type: "none" })
        const state = yield* IntegrationState
        const r = yield* f(actor, yield* readAll)
        yield* state.put(key, r.all)
        yield* (yield* AuditTrail).record(actor, { action: r.audit.action, category: "task", recordType: "SmsTemplate", recordId: r.audit.id, customerId: null, before: r.audit.before, after: r.audit.after })
        return r.result
      }).pipe(Effect.provide(state))
    )
  return {
    /** Every template, by name. */
    list: (): Promise<Array<SmsTemplate>> => run(readAll.pipe(Effect.map((all) => [...all].sort((a, b) => a.name.localeCompare(b.name))))),
    /** One template; `NotFound` when there is none. */
    get: (id: string): Promise<SmsTemplate> =>
      run(Effect.flatMap(readAll, (all) => { const t = all.find((x) => x.id === id); return t ? Effect.succeed(t) : Effect.fail(new NotFound({ entity: "SmsTemplate", id })) })),
    /** Creates or replaces `id`: unknown fields are a `ValidationError`, a stale `version` a `Conflict`. */
    save: (managerId: string, id: string, input: SmsTemplateInput): Promise<SmsTemplate> =>
      change(managerId, (actor, all) =>
        Effect.gen(function* () {
          const parsed = SmsTemplateInput.safeParse(input)
          if (!parsed.success) return yield* Effect.fail(new ValidationError({ subject: "SMS template", issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), code: i.code, message: i.message })) }))
          const b = parsed.data
          const check = checkSmsTemplate(b.text)
          if (check.unknownFields.length) {
            return yield* Effect.fail(new ValidationError({ subject: "SMS template", issues: check.unknownFields.map((f) => ({ path: ["text", f], code: "unknown-field", message: `{{${f}}} is not a customer field (${smsTemplateFields.join(", ")})` })) }))
          }
          const before = all.find((x) => x.id === id) ?? null
          if ((before?.version ?? undefined) !== b.version) return yield* new Conflict({ kind: "stale-version", entity: "SmsTemplate", id, reason: before ? `changed since version ${b.version ?? "(none)"}; now ${before.version}` : "does not exist any more" })
          const at = new Date(yield* Effect.clockWith((c) => c.currentTimeMillis)).toISOString()
          const after: SmsTemplate = { id, name: b.name, text: b.text, version: (before?.version ?? 0) + 1, updatedAt: at, updatedBy: actor.id }
          return { all: [...all.filter((x) => x.id !== id), after], result: after, audit: { action: "sms-template.save", id, before, after } }
        })
      ),
    /** Deletes `id`; `NotFound` when there is none. */
    remove: (managerId: string, id: string): Promise<void> =>
      change(managerId, (_actor, all) => {
        const before = all.find((x) => x.id === id)
        return before ? Effect.succeed({ all: all.filter((x) => x.id !== id), result: undefined, audit: { action: "sms-template.delete", id, before, after: null } }) : Effect.fail(new NotFound({ entity: "SmsTemplate", id }))
      })
  }
}
/** @see {@link smsTemplates} */
export type SmsTemplates = ReturnType<typeof smsTemplates>
