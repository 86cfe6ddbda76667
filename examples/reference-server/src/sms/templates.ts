/**
 * SMS templates (DOMAIN §3, §7): the texts an SMS task sends, with customer fields such as the
 * arrears amount of a dunning SMS. Each template belongs to a team and is usable in that team's
 * subtree: a person sees the templates of their own team's ancestors (read-only) and of the teams
 * they reach, and edits those of the teams they administer. Writes are optimistic (a `version`
 * per template) and serialized by an atomic claim of the next revision, each audited.
 */
import { Data, Effect, type Layer } from "effect"
import { z } from "zod"
import { Actions, AuditTrail, Conflict, Forbidden, ManagerStore, NotFound, Permissions, readAllPages, type StorageError, type Team, TeamStore, Transactions, ValidationError, type Actor, renderSms, type Winback } from "@winback/core"
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
  tier: "钻石",
  region: "乌鲁木齐大区",
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
  const samples = smsSegments(text).encoding === "gsm-7" ? { ...sampleFields, name: "Ouyang Mingyuan", tier: "Diamond", region: "Urumqi region" } : sampleFields
  const sample = renderSms(text.replace(placeholder, (m, f: string) => (known.has(f) ? m : "")), samples)
  return { fields: used.filter((f) => known.has(f)), unknownFields, sample, ...smsSegments(sample) }
}

/**
 * A template as an admin writes it: a name and the text with `{{field}}` placeholders; for a
 * change, the `version` it was made on; optionally the owning team (default: the writer's own team)
 * and whether it is archived (archived templates are not offered for sending).
 *
 * @example
 * ```ts
 * SmsTemplateInput.parse({ name: "Dunning", text: "Dear {{name}}, {{arrears}} is due on {{dueDate}}." })
 * SmsTemplateInput.parse({ name: "Dunning", text: "Dear {{name}}, {{arrears}} is due.", version: 3, teamId: "t-beijing-d1" })
 * ```
 */
export const SmsTemplateInput = z
  .object({
    name: z.string().trim().min(1).max(100),
    text: z.string().trim().min(1).max(1000),
    /** The version the change was made on (optimistic concurrency); absent for a new template. */
    version: z.number().int().min(1).optional(),
    /** The team whose subtree may use the template; default: the writer's own team. */
    teamId: z.string().trim().min(1).max(100).optional(),
    /** `true` archives the template (it stays readable, e.g. for old deliveries); `false` restores it. */
    archived: z.boolean().optional()
  })
  .strict()
/** @see {@link SmsTemplateInput} */
export type SmsTemplateInput = z.input<typeof SmsTemplateInput>

/**
 * A stored template.
 *
 * @example
 * ```ts
 * const t: SmsTemplate = { id: "dunning", teamId: "t-beijing", name: "Dunning", text: "...", archived: false, version: 1, updatedAt: "2026-11-25T08:00:00.000Z", updatedBy: "m-admin" }
 * ```
 */
export const SmsTemplate = z.object({
  id: z.string(),
  teamId: z.string(),
  name: z.string(),
  text: z.string(),
  archived: z.boolean(),
  version: z.number().int(),
  updatedAt: z.string(),
  updatedBy: z.string()
})
/** @see {@link SmsTemplate} */
export type SmsTemplate = z.infer<typeof SmsTemplate>

/**
 * A template as one person sees it: whether they may change it (it belongs to a team they
 * administer) or only use it (a template of an ancestor team).
 *
 * @example
 * ```ts
 * const rows: Array<VisibleSmsTemplate> = await templates.list("m-beijing-d1-lead")
 * rows.filter((t) => t.editable)
 * ```
 */
export type VisibleSmsTemplate = SmsTemplate & { readonly editable: boolean }

/** A template id in a path: lowercase words with dashes. */
export const SmsTemplateId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "lowercase letters, digits and dashes")

const key = "sms.templates"

type Legacy = Omit<SmsTemplate, "teamId" | "archived"> & { readonly teamId?: string; readonly archived?: boolean }

/** The root of `teamId`'s tree. */
const rootOf = (teams: ReadonlyMap<string, Team>, teamId: string | null): string | undefined => {
  let t = teamId === null ? undefined : teams.get(teamId)
  for (let i = 0; t?.parentId && teams.has(t.parentId) && i < 100; i++) t = teams.get(t.parentId)
  return t?.id
}

/** Every team, by id. */
const teamMap = Effect.gen(function* () {
  const store = yield* TeamStore
  return new Map((yield* readAllPages((page) => store.list({}, page))).map((t) => [t.id, t] as const))
})

/**
 * Every stored template. The state written before templates had owners (a plain list) migrates
 * on read: each template goes to the root of its last writer's tree (the center it was written
 * for), else to the first root; the next write stores the migrated list.
 */
const readStored = (teams: ReadonlyMap<string, Team>) =>
  Effect.gen(function* () {
    const v = yield* (yield* IntegrationState).get(key)
    const o = v && typeof v === "object" && !Array.isArray(v) ? (v as { revision?: unknown; value?: unknown }) : {}
    const raw = (Array.isArray(v) ? v : Array.isArray(o.value) ? o.value : []) as ReadonlyArray<Legacy>
    const revision = typeof o.revision === "number" ? o.revision : 0
    const firstRoot = [...teams.values()].filter((t) => t.parentId === null).map((t) => t.id).sort()[0]
    const needsWriter = raw.some((t) => t.teamId === undefined)
    const writers = needsWriter ? new Map((yield* (yield* ManagerStore).getMany([...new Set(raw.map((t) => t.updatedBy))])).map((m) => [m.id, m.teamId])) : new Map<string, string | null>()
    const value: ReadonlyArray<SmsTemplate> = raw.map((t): SmsTemplate => ({ ...t, teamId: t.teamId ?? rootOf(teams, writers.get(t.updatedBy) ?? null) ?? firstRoot ?? "", archived: t.archived ?? false }))
    return { revision, value }
  })

/** The teams whose templates `actor` sees (ancestors of their team, and the teams they reach) and edits (those they administer). */
const reachOf = (actor: Actor, teams: ReadonlyMap<string, Team>) => {
  const all = actor.scopes.subtree.all || actor.scopes.administered.all
  const sees = new Set<string>([...actor.scopes.subtree.teamIds, ...actor.scopes.administered.teamIds])
  for (let t = actor.teamId === null ? undefined : teams.get(actor.teamId), i = 0; t && i < 100; t = t.parentId ? teams.get(t.parentId) : undefined, i++) sees.add(t.id)
  const edits = new Set(actor.scopes.administered.all ? teams.keys() : actor.scopes.administered.teamIds)
  return { sees: (teamId: string) => all || sees.has(teamId), edits: (teamId: string) => edits.has(teamId) }
}

const notFound = (id: string) => new NotFound({ entity: "SmsTemplate", id })
const sameName = (a: string, b: string) => a.trim().toLocaleLowerCase() === b.trim().toLocaleLowerCase()

/** Another write claimed the revision first: the change is tried again on what it stored. */
class LostRevision extends Data.TaggedError("LostRevision")<{}> {}

/**
 * A read-modify-write of one integration-state value, in a transaction that claims `<key>@<n>` for
 * the revision `n` it writes: of two writes on one revision one claims it; the other rolls back and
 * runs again on the winner's state (a few times, then a `Conflict`). `read` answers the value and
 * its revision; `f` the revision's new value and the result.
 */
const revisedWrite = <S, A, E, R>(
  key: string,
  read: Effect.Effect<{ readonly revision: number; readonly value: S }, E | StorageError, R | IntegrationState>,
  f: (value: S) => Effect.Effect<{ readonly value: S; readonly result: A }, E | StorageError, R>
): Effect.Effect<A, E | Conflict | StorageError, R | IntegrationState | Transactions> =>
  Effect.gen(function* () {
    const tx = yield* Transactions
    const integration = yield* IntegrationState
    const once = tx.transaction(
      Effect.gen(function* () {
        const stored = yield* read
        const r = yield* f(stored.value)
        if (!(yield* integration.claim(`${key}@${stored.revision + 1}`, {}))) return yield* new LostRevision()
        yield* integration.put(key, { revision: stored.revision + 1, value: r.value })
        return r.result
      })
    )
    return yield* once.pipe(
      Effect.retry({ times: 4, while: (e) => e instanceof LostRevision }),
      Effect.catchTag("LostRevision", () => Effect.fail(new Conflict({ kind: "stale-version", entity: "IntegrationState", id: key, reason: "is being changed by someone else; try again" })))
    )
  })

/**
 * A template text a task's messages went out with: one entry per template version, kept when the
 * template is changed or archived, so a task's delivery view still shows what its messages said.
 *
 * @example
 * ```ts
 * const used: SentText = { templateId: "dunning", teamId: "t-beijing", version: 2, name: "Dunning", text: "Dear {{name}}, ...", messages: 12, firstAt: "2026-11-25T09:00:00.000Z", lastAt: "2026-11-25T09:00:00.000Z" }
 * ```
 */
export interface SentText {
  readonly templateId: string
  readonly teamId: string
  readonly version: number
  readonly name: string
  readonly text: string
  readonly messages: number
  readonly firstAt: string
  readonly lastAt: string
}
const sentKey = (taskId: string) => `sms.sent-texts:${taskId}`
const readSent = (taskId: string) =>
  Effect.gen(function* () {
    const v = yield* (yield* IntegrationState).get(sentKey(taskId))
    const o = v && typeof v === "object" && !Array.isArray(v) ? (v as { revision?: unknown; value?: unknown }) : {}
    return { revision: typeof o.revision === "number" ? o.revision : 0, value: (Array.isArray(o.value) ? o.value : []) as ReadonlyArray<SentText> }
  })

/**
 * The SMS templates over the integration state (see the module comment): read in the caller's
 * reach, written by `sms-template.manage` holders for the teams they administer, each change
 * audited (`sms-template.save`, `sms-template.archive`, category `task`).
 *
 * @example
 * ```ts
 * const templates = smsTemplates(winback, integrationStateFor(storage))
 * const t = await templates.save("m-admin", "dunning", { name: "Dunning", text: "Dear {{name}}, {{arrears}} is due." })
 * await templates.save("m-admin", "dunning", { name: "Dunning", text: "Dear {{name}}, {{arrears}} is overdue.", version: t.version })
 * ```
 */
export const smsTemplates = (winback: Winback, state: Layer.Layer<IntegrationState>) => {
  const read = <A>(managerId: string, f: (items: ReadonlyArray<SmsTemplate>, reach: ReturnType<typeof reachOf>) => Effect.Effect<A, NotFound | Conflict | StorageError, IntegrationState>) =>
    winback.runAs(managerId, (actor) =>
      Effect.gen(function* () {
        const teams = yield* teamMap
        const reach = reachOf(actor, teams)
        const { value } = yield* readStored(teams)
        return yield* f(value.filter((t) => reach.sees(t.teamId)), reach)
      }).pipe(Effect.provide(state))
    )
  type Change<A> = { readonly items: ReadonlyArray<SmsTemplate>; readonly result: A; readonly audit: { readonly action: string; readonly id: string; readonly before: unknown; readonly after: unknown } }
  /** One audited write of the template list (see {@link revisedWrite}): a stale version is a `Conflict` on the winner's state. */
  const change = <A>(managerId: string, f: (actor: Actor, items: ReadonlyArray<SmsTemplate>, reach: ReturnType<typeof reachOf>, teams: ReadonlyMap<string, Team>) => Effect.Effect<Change<A>, Conflict | NotFound | Forbidden | ValidationError | StorageError>) =>
    winback.runAs(managerId, (actor) =>
      Effect.gen(function* () {
        yield* (yield* Permissions).require(actor, Actions.smsTemplateManage, { type: "none" })
        const audit = yield* AuditTrail
        const teams = yield* teamMap
        return yield* revisedWrite(key, readStored(teams), (items) =>
          Effect.gen(function* () {
            const r = yield* f(actor, items, reachOf(actor, teams), teams)
            yield* audit.record(actor, { action: r.audit.action, category: "task", recordType: "SmsTemplate", recordId: r.audit.id, customerId: null, before: r.audit.before, after: r.audit.after })
            return { value: r.items, result: r.result }
          })
        )
      }).pipe(Effect.provide(state))
    )
  const now = Effect.map(Effect.clockWith((c) => c.currentTimeMillis), (ms) => new Date(ms).toISOString())
  const invalid = (issues: ReadonlyArray<{ path: Array<string>; code: string; message: string }>) => new ValidationError({ subject: "SMS template", issues: [...issues] })

  return {
    /** The templates `managerId` sees, by team then name, each with whether they may change it (`archived` ones only with `includeArchived`). */
    list: (managerId: string, options: { readonly includeArchived?: boolean } = {}): Promise<Array<VisibleSmsTemplate>> =>
      read(managerId, (items, reach) =>
        Effect.succeed(
          items
            .filter((t) => options.includeArchived || !t.archived)
            .map((t) => ({ ...t, editable: reach.edits(t.teamId) }))
            .sort((a, b) => a.teamId.localeCompare(b.teamId) || a.name.localeCompare(b.name))
        )
      ),
    /** One template `managerId` sees (archived too); `NotFound` otherwise. */
    get: (managerId: string, id: string): Promise<SmsTemplate> =>
      read(managerId, (items) => {
        const t = items.find((x) => x.id === id)
        return t ? Effect.succeed(t) : Effect.fail(notFound(id))
      }),
    /** A template `managerId` may send with: visible (`NotFound`) and not archived (`Conflict`). */
    usable: (managerId: string, id: string): Promise<SmsTemplate> =>
      read(managerId, (items) => {
        const t = items.find((x) => x.id === id)
        if (!t) return Effect.fail(notFound(id))
        return t.archived ? Effect.fail(new Conflict({ kind: "wrong-state", entity: "SmsTemplate", id, reason: "is archived; choose another template" })) : Effect.succeed(t)
      }),
    /**
     * Creates `id` (no `version`) or changes it (the `version` it was read at). Unknown fields are a
     * `ValidationError`; a template outside the caller's reach `NotFound`; one they may only use, or
     * a team they do not administer, `Forbidden`; a stale `version`, an id taken, or a name already
     * used in the team a `Conflict`.
     */
    save: (managerId: string, id: string, input: SmsTemplateInput): Promise<SmsTemplate> =>
      change(managerId, (actor, all, reach, teams) =>
        Effect.gen(function* () {
          const parsed = SmsTemplateInput.safeParse(input)
          if (!parsed.success) return yield* Effect.fail(invalid(parsed.error.issues.map((i) => ({ path: i.path.map(String), code: i.code, message: i.message }))))
          const b = parsed.data
          const check = checkSmsTemplate(b.text)
          if (check.unknownFields.length) return yield* Effect.fail(invalid(check.unknownFields.map((f) => ({ path: ["text", f], code: "unknown-field", message: `{{${f}}} is not a customer field (${smsTemplateFields.join(", ")})` }))))
          const before = all.find((x) => x.id === id) ?? null
          if (before && !reach.sees(before.teamId)) return yield* Effect.fail(b.version === undefined ? new Conflict({ kind: "already-exists", entity: "SmsTemplate", id, reason: "this id is taken; choose another" }) : notFound(id))
          if (before && !reach.edits(before.teamId)) return yield* new Forbidden({ actorId: actor.id, action: Actions.smsTemplateManage, resource: `sms-template:${id}`, reason: "the template belongs to a team you do not administer" })
          const teamId = b.teamId ?? before?.teamId ?? actor.teamId
          if (teamId === null) return yield* Effect.fail(invalid([{ path: ["teamId"], code: "required", message: "choose the team the template belongs to" }]))
          if (!teams.has(teamId)) return yield* Effect.fail(new NotFound({ entity: "Team", id: teamId }))
          if (!reach.edits(teamId)) return yield* new Forbidden({ actorId: actor.id, action: Actions.smsTemplateManage, resource: `team:${teamId}`, reason: "only the admins of a team and of its ancestors write its templates" })
          if (before === null && b.version !== undefined) return yield* new Conflict({ kind: "stale-version", entity: "SmsTemplate", id, reason: "does not exist any more" })
          if (before !== null && before.version !== b.version) {
            return yield* new Conflict({ kind: b.version === undefined ? "already-exists" : "stale-version", entity: "SmsTemplate", id, reason: b.version === undefined ? "this id is taken; choose another" : `changed since version ${b.version}; now ${before.version}` })
          }
          const archived = b.archived ?? before?.archived ?? false
          if (!archived && all.some((x) => x.id !== id && x.teamId === teamId && !x.archived && sameName(x.name, b.name))) {
            return yield* new Conflict({ kind: "already-exists", entity: "SmsTemplate", id, reason: `the team already has a template named "${b.name}"` })
          }
          const after: SmsTemplate = { id, teamId, name: b.name, text: b.text, archived, version: (before?.version ?? 0) + 1, updatedAt: yield* now, updatedBy: actor.id }
          return { items: [...all.filter((x) => x.id !== id), after], result: after, audit: { action: "sms-template.save", id, before, after } }
        })
      ),
    /** Notes that `sent` messages of `taskId` went out with `template` (as it read then), for {@link sentTexts}. */
    recordSent: (taskId: string, template: SmsTemplate, sent: number): Promise<void> =>
      winback.run(
        revisedWrite(sentKey(taskId), readSent(taskId), (texts) =>
          Effect.map(now, (at) => {
            const same = texts.find((x) => x.templateId === template.id && x.version === template.version)
            const entry: SentText = same
              ? { ...same, messages: same.messages + sent, lastAt: at }
              : { templateId: template.id, teamId: template.teamId, version: template.version, name: template.name, text: template.text, messages: sent, firstAt: at, lastAt: at }
            return { value: [...texts.filter((x) => x !== same), entry], result: undefined }
          })
        ).pipe(Effect.provide(state))
      ),
    /** The texts `taskId`'s messages went out with, oldest first, of the templates `managerId` sees (archived or changed since too). */
    sentTexts: (managerId: string, taskId: string): Promise<Array<SentText & { readonly archived: boolean }>> =>
      read(managerId, (items, reach) =>
        Effect.map(readSent(taskId), ({ value }) =>
          value
            .filter((x) => reach.sees(x.teamId))
            .map((x) => ({ ...x, archived: items.find((t) => t.id === x.templateId)?.archived ?? true }))
            .sort((a, b) => a.firstAt.localeCompare(b.firstAt))
        )
      ),
    /** Archives `id` (kept for old deliveries, no longer offered for sending): scope as for {@link save}; an archived one a `Conflict`. */
    archive: (managerId: string, id: string): Promise<SmsTemplate> =>
      change(managerId, (actor, all, reach) =>
        Effect.gen(function* () {
          const before = all.find((x) => x.id === id && reach.sees(x.teamId))
          if (!before) return yield* Effect.fail(notFound(id))
          if (!reach.edits(before.teamId)) return yield* new Forbidden({ actorId: actor.id, action: Actions.smsTemplateManage, resource: `sms-template:${id}`, reason: "the template belongs to a team you do not administer" })
          if (before.archived) return yield* new Conflict({ kind: "wrong-state", entity: "SmsTemplate", id, reason: "is already archived" })
          const after: SmsTemplate = { ...before, archived: true, version: before.version + 1, updatedAt: yield* now, updatedBy: actor.id }
          return { items: all.map((x) => (x.id === id ? after : x)), result: after, audit: { action: "sms-template.archive", id, before, after } }
        })
      )
  }
}
/** @see {@link smsTemplates} */
export type SmsTemplates = ReturnType<typeof smsTemplates>
