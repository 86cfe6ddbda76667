/**
 * Do-not-disturb lists (DOMAIN §6): the entries of every customer in the caller's scope, filtered
 * and paged in the store query; the bulk import of a DND list file (checked line by line first,
 * then applied all or nothing, each entry audited with source `import`); and the CSV export.
 */
import { Context, Effect, type Layer } from "effect"
import * as z from "zod"
import type { Actor } from "../org/Actor"
import { AuditTrail, nowIso } from "../audit/AuditTrail"
import { Channel, channels } from "../shared/Channel"
import type { Customer } from "../customer/Customer"
import { CustomerStore, type CustomerScopeFilter } from "../customer/CustomerStore"
import { canonicalColumn, CsvEncoding, type CsvSource, ProblemList, readCsv } from "../shared/CsvReader"
import { csvField } from "../report/exports/Csv"
import { type Conflict, type Forbidden, type Issue, type StorageError, ValidationError } from "../shared/Errors"
import { newId } from "../shared/Ids"
import { type Page, PageRequest } from "../shared/Page"
import { Actions, Permissions, scopeFor } from "../org/Permissions"
import { customerScopeFilter } from "../org/Scope"
import { serviceLayer } from "../shared/ServiceLayer"
import { Transactions } from "../ports/Transactions"
import { decode } from "../shared/Validation"
import { type DndEntry, DndSource, DndStatus, dndStatusAt } from "./DndEntry"
import { DndStore } from "./DndStore"
import { addAuditedDnd } from "./DndAudit"
import { maskPhone } from "./Execution"

/**
 * The filter of a DND list a caller may pass: channels, sources, a piece of the reason, where the
 * entries stand now, and a piece of the customer's name or phone number.
 *
 * @example
 * ```ts
 * DndListQuery.parse({ channels: ["phone", "sms"], status: "active", customer: "138" })
 * ```
 */
export const DndListQuery = z
  .object({
    channels: z.array(Channel).max(channels.length).optional(),
    sources: z.array(DndSource).max(DndSource.options.length).optional(),
    reason: z.string().trim().min(1).max(200).optional(),
    status: DndStatus.optional(),
    customer: z.string().trim().min(1).max(100).optional()
  })
  .strict()
/** @see {@link DndListQuery} */
export type DndListQuery = z.input<typeof DndListQuery>

/**
 * A DND import request: the file's encoding when it is given as bytes (default `auto`: a BOM,
 * else strict UTF-8; `gbk` / `gb18030` for a CSV saved by Excel on Chinese Windows).
 *
 * @example
 * ```ts
 * DndImportRequest.parse({ encoding: "gb18030" })
 * ```
 */
export const DndImportRequest = z.object({ encoding: CsvEncoding.default("auto") }).strict()
/** @see {@link DndImportRequest} */
export type DndImportRequest = z.input<typeof DndImportRequest>

/**
 * What a DND import found (`check`) or wrote (`apply`): lines read, the entries (one per customer
 * and channel), per channel, and the problems by line (the first 100, then a count). `apply` writes
 * only when there is no problem.
 *
 * @example
 * ```ts
 * const r = yield* lists.check(admin, {}, csv)
 * if (r.problems.length === 0) yield* lists.apply(admin, {}, csv)
 * ```
 */
export interface DndImportReport {
  readonly importId: string
  readonly lines: number
  readonly entries: number
  readonly byChannel: Readonly<Record<Channel, number>>
  readonly problems: ReadonlyArray<Issue>
  readonly applied: boolean
}

/**
 * The reason codes of a bad line of a DND list.
 *
 * @example
 * ```ts
 * const code: DndImportProblem = "bad-channel"
 * ```
 */
export type DndImportProblem = "malformed" | "unknown-customer" | "out-of-scope" | "ambiguous-phone" | "bad-channel" | "bad-date" | "missing-reason" | "duplicate"

/**
 * Header names of a DND list file (besides `customer_id`, `phone`, `channels`, `reason` and
 * `expires_at` in any case, camelCase or with spaces): the column names of Chinese call-center
 * exports.
 *
 * @example
 * ```ts
 * dndImportHeaderAliases["手机号"] // "phone"
 * ```
 */
export const dndImportHeaderAliases: Readonly<Record<string, DndColumn>> = {
  customer: "customer_id",
  客户编号: "customer_id",
  客户id: "customer_id",
  客户号: "customer_id",
  phone_number: "phone",
  mobile: "phone",
  手机号: "phone",
  手机号码: "phone",
  电话: "phone",
  联系电话: "phone",
  channel: "channels",
  渠道: "channels",
  免打扰渠道: "channels",
  原因: "reason",
  免打扰原因: "reason",
  expiry: "expires_at",
  expires: "expires_at",
  expires_on: "expires_at",
  到期: "expires_at",
  到期日: "expires_at",
  有效期至: "expires_at",
  截止日期: "expires_at"
}
type DndColumn = "customer_id" | "phone" | "channels" | "reason" | "expires_at"
const dndColumns: ReadonlyArray<DndColumn> = ["customer_id", "phone", "channels", "reason", "expires_at"]

/**
 * Channel names a DND list may use besides the channel ids (`phone`, `sms`, `visit`, `letter`,
 * `email`): the Chinese words, and `all` / `全部` for every channel.
 *
 * @example
 * ```ts
 * dndChannelAliases["短信"] // ["sms"]
 * ```
 */
export const dndChannelAliases: Readonly<Record<string, ReadonlyArray<Channel>>> = {
  call: ["phone"],
  电话: ["phone"],
  外呼: ["phone"],
  短信: ["sms"],
  上门: ["visit"],
  走访: ["visit"],
  信函: ["letter"],
  邮寄: ["letter"],
  邮件: ["email"],
  电子邮件: ["email"],
  all: channels,
  全部: channels
}

/** Parses a channels cell (`phone;sms`, `电话、短信`, `all`); undefined names the bad part. */
const parseChannels = (cell: string): { readonly ok: ReadonlyArray<Channel> } | { readonly bad: string } => {
  const parts = cell.split(/[;,|/、，；\s]+/).filter((p) => p !== "")
  if (parts.length === 0) return { bad: "" }
  const out = new Set<Channel>()
  for (const p of parts) {
    const key = p.toLowerCase()
    const known = (channels as ReadonlyArray<string>).includes(key) ? [key as Channel] : dndChannelAliases[key] ?? dndChannelAliases[p]
    if (known === undefined) return { bad: p }
    for (const c of known) out.add(c)
  }
  return { ok: [...out] }
}

/**
 * The instant an expiry cell means: a date (`2027-01-31`, `2027/1/31`) is the end of that day in
 * China time (the entry blocks through that day); a full ISO date-time is taken as written.
 */
const parseExpiry = (cell: string): string | undefined => {
  const d = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(cell)
  if (d) {
    const [y, m, day] = [Number(d[1]), Number(d[2]), Number(d[3])]
    const start = Date.UTC(y, m - 1, day)
    const check = new Date(start)
    if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== day) return undefined
    return new Date(start + 24 * 3600_000 - 8 * 3600_000).toISOString()
  }
  const parsed = z.iso.datetime({ offset: true }).safeParse(cell)
  return parsed.success ? new Date(parsed.data).toISOString() : undefined
}

/** The forms a phone number of a cell may be stored in (as written, and with or without +86). */
const phoneForms = (cell: string): ReadonlyArray<string> => {
  const p = cell.replace(/^'/, "").replace(/[\s-]/g, "")
  const national = p.startsWith("+86") ? p.slice(3) : p.startsWith("0086") ? p.slice(4) : p
  return [...new Set([p, national, `+86${national}`])]
}

const idPattern = /^[^\s,"\u0000-\u001f\u007f]{1,200}$/

/** One readable line of a DND list. */
interface DndLine {
  readonly no: number
  readonly customerId: string | null
  readonly phone: string | null
  readonly channels: ReadonlyArray<Channel>
  readonly reason: string
  readonly expiresAt: string | null
}

/** The union of two customer scopes (either unlimited: unlimited). */
const unionScope = (a: CustomerScopeFilter | undefined, b: CustomerScopeFilter | undefined): CustomerScopeFilter | undefined =>
  a === undefined || b === undefined
    ? undefined
    : {
        ownerManagerIds: [...new Set([...a.ownerManagerIds, ...b.ownerManagerIds])],
        unownedRegions: [...new Set([...a.unownedRegions, ...b.unownedRegions])],
        openWorkOf: [...new Set([...(a.openWorkOf ?? []), ...(b.openWorkOf ?? [])])]
      }

/** The columns of the CSV export. */
const exportColumns = ["id", "customer_id", "customer_name", "phones", "channel", "reason", "source", "status", "created_by", "created_at", "expires_at", "removed_at"] as const

/**
 * Do-not-disturb lists:
 * - `list(actor, query, page)`: entries of the customers whose contact history the actor reads or
 *   whose DND they keep (`contact-history.read` or `dnd.add`), newest first, scope and filters in
 *   the store query; `status` is judged now;
 * - `check(actor, request, file)`: reads a DND list file (CSV or the text of a sheet: customer id
 *   or phone, channel(s), reason, optional expiry) and reports every bad line, writing nothing;
 * - `apply(actor, request, file)`: the same check, then — only when no line is bad — every entry in
 *   one transaction, source `import`, each audited (`dnd.add`); a bad line fails with
 *   `ValidationError` listing the lines, and nothing is written;
 * - `exportCsv(actor, query)`: the list as UTF-8 CSV with a BOM (Excel opens it right), phone
 *   numbers masked as everywhere a list leaves the system (`138****5678`; the customer id re-imports).
 *
 * @example
 * ```ts
 * const lists = yield* DndLists
 * const page = yield* lists.list(admin, { channels: ["phone"], status: "active" }, { limit: 50 })
 * const report = yield* lists.check(admin, { encoding: "gb18030" }, bytes)
 * ```
 */
export class DndLists extends Context.Service<
  DndLists,
  {
    readonly list: (actor: Actor, query?: DndListQuery, page?: PageRequest) => Effect.Effect<Page<DndEntry>, ValidationError | StorageError>
    readonly check: (actor: Actor, request: DndImportRequest, source: CsvSource) => Effect.Effect<DndImportReport, ValidationError | Forbidden | StorageError>
    readonly apply: (actor: Actor, request: DndImportRequest, source: CsvSource) => Effect.Effect<DndImportReport, ValidationError | Conflict | Forbidden | StorageError>
    readonly exportCsv: (actor: Actor, query?: DndListQuery) => Effect.Effect<string, ValidationError | StorageError>
  }
>()("@winback/core/DndLists") {
  /**
   * The live implementation over the DND and customer stores, permissions and the audit trail.
   *
   * @example
   * ```ts
   * DndLists.layer.pipe(Layer.provide(scopeLayer(defaultPolicy)), Layer.provide(storesLayer(stores)))
   * ```
   */
  static readonly layer: Layer.Layer<DndLists, never, Transactions | DndStore | CustomerStore | Permissions | AuditTrail> = serviceLayer(
    DndLists,
    { tx: Transactions, dnd: DndStore, customers: CustomerStore, perms: Permissions, trail: AuditTrail },
    ({ tx, dnd, customers, perms, trail }) =>
      Effect.gen(function* () {
        /** The customers the actor's DND list covers, or null for none. */
        const listScope = (actor: Actor): { readonly inScope: CustomerScopeFilter | undefined } | null => {
          const reaches = [Actions.contactHistoryRead, Actions.dndAdd].map((a) => scopeFor(perms.policy, actor, a)).filter((r) => r !== undefined)
          if (reaches.length === 0) return null
          return { inScope: reaches.map((r) => customerScopeFilter(r.scope)).reduce((a, b) => unionScope(a, b)) }
        }

        const list = Effect.fn("DndLists.list")(function* (actor: Actor, query?: DndListQuery, page?: PageRequest) {
          const q = yield* decode(DndListQuery, query ?? {}, "DND list filter")
          const p = page === undefined ? undefined : yield* decode(PageRequest, page, "page")
          const scope = listScope(actor)
          if (scope === null) return { items: [], nextCursor: null } satisfies Page<DndEntry>
          const at = yield* nowIso
          return yield* dnd.list({ ...q, at, ...(scope.inScope === undefined ? {} : { inScope: scope.inScope }) }, p)
        })

        /** Reads and checks a file: the entries it would add, and its problems. */
        const read = (actor: Actor, input: DndImportRequest, source: CsvSource) =>
          Effect.gen(function* () {
            const req = yield* decode(DndImportRequest, input, "DND import request")
            yield* perms.require(actor, Actions.dndAdd, { type: "none" })
            const at = yield* nowIso
            const problems = new ProblemList()
            const add = (no: number, code: DndImportProblem, why: string) => problems.add({ path: ["line", no], code, message: `line ${no}: ${why}` })
            const lines: Array<DndLine> = []
            let header: Readonly<Record<DndColumn, number>> | undefined
            let first = true
            let count = 0
            const iterator = readCsv(source, { encoding: req.encoding })[Symbol.asyncIterator]()
            for (;;) {
              const next = yield* Effect.tryPromise({
                try: () => iterator.next(),
                catch: (e) => new ValidationError({ subject: "DND import", issues: [{ path: [], code: "unreadable", message: `the file could not be read: ${String(e)}` }] })
              })
              if (next.done) break
              const record = next.value
              count = record.line
              if (!("fields" in record)) {
                problems.add({ path: ["line", record.line], code: record.code, message: record.message })
                continue
              }
              const no = record.line
              const f = record.fields
              if (first) {
                first = false
                const names = f.map((x) => canonicalColumn(x, dndImportHeaderAliases))
                if (names.some((n) => n === "customer_id" || n === "phone")) {
                  const unknown = names.findIndex((n) => !(dndColumns as ReadonlyArray<string>).includes(n))
                  const twice = names.findIndex((n, i) => names.indexOf(n) !== i)
                  if (unknown !== -1) add(no, "malformed", `'${f[unknown]!.slice(0, 40)}' is not a column of a DND list (${dndColumns.join(", ")})`)
                  else if (twice !== -1) add(no, "malformed", `column ${names[twice]} appears twice`)
                  else if (!names.includes("channels") || !names.includes("reason")) add(no, "malformed", "a DND list needs the columns channels and reason")
                  header = Object.fromEntries(dndColumns.map((c) => [c, names.indexOf(c)])) as Record<DndColumn, number>
                  continue
                }
              }
              // Without a header: customer (id or phone), channels, reason, expiry.
              const cols = header ?? { customer_id: 0, phone: -1, channels: 1, reason: 2, expires_at: 3 }
              const width = header ? Object.values(header).filter((i) => i >= 0).length : 4
              if (f.length > width) {
                add(no, "malformed", `expected at most ${width} fields, got ${f.length}`)
                continue
              }
              const cell = (c: DndColumn) => (cols[c] === -1 ? "" : (f[cols[c]] ?? "").trim())
              const id = cell("customer_id")
              const phone = cell("phone")
              if (id === "" && phone === "") {
                add(no, "malformed", "names no customer (customer id or phone)")
                continue
              }
              if (id !== "" && !idPattern.test(id)) {
                add(no, "malformed", `'${id.slice(0, 40)}' is not a customer id`)
                continue
              }
              const ch = parseChannels(cell("channels"))
              if ("bad" in ch) {
                add(no, "bad-channel", ch.bad === "" ? "names no channel (phone, sms, visit, letter, email)" : `'${ch.bad.slice(0, 40)}' is not a channel (phone, sms, visit, letter, email)`)
                continue
              }
              const reason = cell("reason")
              if (reason === "" || reason.length > 1000) {
                add(no, "missing-reason", reason === "" ? "gives no reason" : "the reason is longer than 1000 characters")
                continue
              }
              const expiryCell = cell("expires_at")
              const expiresAt = expiryCell === "" ? null : parseExpiry(expiryCell)
              if (expiresAt === undefined) {
                add(no, "bad-date", `'${expiryCell.slice(0, 40)}' is not a date (2027-01-31, 2027/1/31 or an ISO date-time)`)
                continue
              }
              if (expiresAt !== null && expiresAt <= at) {
                add(no, "bad-date", `the expiry ${expiryCell.slice(0, 40)} has already passed`)
                continue
              }
              lines.push({ no, customerId: id === "" ? null : id, phone: phone === "" ? null : phone, channels: ch.ok, reason, expiresAt })
            }

            // Customers: by id, then by phone for lines without a found id (a headerless first column may be either).
            const importReach = scopeFor(perms.policy, actor, Actions.dndAdd)
            const inScope = importReach === undefined ? undefined : customerScopeFilter(importReach.scope)
            const byId = new Map<string, Customer>()
            const ids = [...new Set(lines.flatMap((l) => (l.customerId ? [l.customerId] : [])))]
            for (let i = 0; i < ids.length; i += 1000) for (const c of yield* customers.getMany(ids.slice(i, i + 1000))) byId.set(c.id, c)
            const phoneOf = (l: DndLine) => l.phone ?? (header === undefined && l.customerId !== null && !byId.has(l.customerId) ? l.customerId : null)
            const phones = [...new Set(lines.flatMap((l) => (byId.has(l.customerId ?? "") ? [] : phoneForms(phoneOf(l) ?? ""))).filter((p) => p !== ""))]
            const byPhone = new Map<string, Array<Customer>>()
            for (let i = 0; i < phones.length; i += 1000) {
              const part = phones.slice(i, i + 1000)
              let cursor: string | null = null
              do {
                const found: Page<Customer> = yield* customers.list({ phones: part }, { limit: 1000, cursor })
                for (const c of found.items) for (const p of c.phones) if (part.includes(p)) byPhone.set(p, [...(byPhone.get(p) ?? []).filter((x) => x.id !== c.id), c])
                cursor = found.nextCursor
              } while (cursor !== null)
            }
            const resolved = new Map<number, Customer>()
            const byPhoneLine = new Set<number>()
            for (const l of lines) {
              const direct = l.customerId === null ? undefined : byId.get(l.customerId)
              if (direct) {
                resolved.set(l.no, direct)
                continue
              }
              byPhoneLine.add(l.no)
              const phone = phoneOf(l)
              const hits = phone === null ? [] : [...new Map(phoneForms(phone).flatMap((p) => byPhone.get(p) ?? []).map((c) => [c.id, c])).values()]
              if (hits.length === 1) resolved.set(l.no, hits[0]!)
              else if (hits.length > 1) add(l.no, "ambiguous-phone", `phone ${phone} belongs to ${hits.length} customers: give the customer id`)
              else add(l.no, "unknown-customer", l.customerId !== null && l.phone === null && header !== undefined ? `customer ${l.customerId} is unknown` : `no customer in your scope has ${l.customerId ?? phone}`)
            }
            // Scope: the actor keeps DND only for the customers of their reach (the query carries it).
            const found = [...new Set([...resolved.values()].map((c) => c.id))]
            const allowed = new Set<string>()
            if (inScope === undefined) for (const id of found) allowed.add(id)
            else for (let i = 0; i < found.length; i += 1000) for (const c of (yield* customers.list({ ids: found.slice(i, i + 1000), inScope }, { limit: 1000 })).items) allowed.add(c.id)
            // Duplicates: a customer and channel twice in the file, or already under an active entry.
            const active = new Map<Channel, ReadonlySet<string>>()
            for (const c of channels) {
              const s = new Set<string>()
              for (let i = 0; i < found.length; i += 1000) for (const id of yield* dnd.blocked(found.slice(i, i + 1000), c, at)) s.add(id)
              active.set(c, s)
            }
            const seen = new Map<string, number>()
            const entries: Array<{ readonly line: DndLine; readonly customer: Customer; readonly channel: Channel }> = []
            for (const l of lines) {
              const c = resolved.get(l.no)
              if (c === undefined) continue
              if (!allowed.has(c.id)) {
                // A phone number outside the scope reads as unknown: a list must not tell whose number it is.
                if (byPhoneLine.has(l.no)) add(l.no, "unknown-customer", `no customer in your scope has ${phoneOf(l)}`)
                else add(l.no, "out-of-scope", `customer ${l.customerId} is outside your scope`)
                continue
              }
              // One problem per line, naming every channel that repeats.
              const repeats: Array<string> = []
              for (const channel of l.channels) {
                const earlier = seen.get(`${c.id}\u0000${channel}`)
                if (earlier !== undefined) repeats.push(`${channel} (line ${earlier})`)
                else if (active.get(channel)!.has(c.id)) repeats.push(`${channel} (already on do-not-disturb)`)
              }
              if (repeats.length > 0) {
                add(l.no, "duplicate", `customer ${c.id} is already listed for ${repeats.join(", ")}`)
                continue
              }
              for (const channel of l.channels) {
                seen.set(`${c.id}\u0000${channel}`, l.no)
                entries.push({ line: l, customer: c, channel })
              }
            }
            const byChannel = Object.fromEntries(channels.map((c) => [c, entries.filter((e) => e.channel === c).length])) as Record<Channel, number>
            const importId = yield* newId("dndimp")
            const issues = problems.report((a, b) => Number(a.path[1] ?? 0) - Number(b.path[1] ?? 0))
            return { report: { importId, lines: count, entries: entries.length, byChannel, problems: issues, applied: false } satisfies DndImportReport, entries, at, total: problems.total }
          })

        const check = Effect.fn("DndLists.check")(function* (actor: Actor, request: DndImportRequest, source: CsvSource) {
          return (yield* read(actor, request, source)).report
        })

        const apply = Effect.fn("DndLists.apply")(function* (actor: Actor, request: DndImportRequest, source: CsvSource) {
          const { report, entries, at, total } = yield* read(actor, request, source)
          if (total > 0) return yield* Effect.fail(new ValidationError({ subject: `DND import (${total} problem(s), nothing imported)`, issues: [...report.problems] }))
          return yield* tx.transaction(
            Effect.gen(function* () {
              for (const e of entries) {
                const entry: DndEntry = {
                  id: yield* newId("dnd"),
                  customerId: e.customer.id,
                  channel: e.channel,
                  reason: e.line.reason,
                  source: "import",
                  createdBy: actor.id,
                  createdAt: at,
                  expiresAt: e.line.expiresAt,
                  removedAt: null
                }
                yield* addAuditedDnd(dnd, trail, actor, entry, `import ${report.importId}, line ${e.line.no}`)
              }
              return { ...report, applied: true } satisfies DndImportReport
            })
          )
        })

        const exportCsv = Effect.fn("DndLists.exportCsv")(function* (actor: Actor, query?: DndListQuery) {
          const at = yield* nowIso
          const rows: Array<string> = [exportColumns.join(",")]
          let cursor: string | null = null
          do {
            const page: Page<DndEntry> = yield* list(actor, query, { limit: 1000, cursor })
            const names = new Map((yield* customers.getMany([...new Set(page.items.map((e) => e.customerId))])).map((c) => [c.id, c]))
            for (const e of page.items) {
              const c = names.get(e.customerId)
              const cells = [e.id, e.customerId, c?.name ?? "", (c?.phones ?? []).map(maskPhone).join(" "), e.channel, e.reason, e.source, dndStatusAt(e, at) ?? "", e.createdBy, e.createdAt, e.expiresAt ?? "", e.removedAt ?? ""]
              rows.push(cells.map((x) => csvField(x)).join(","))
            }
            cursor = page.nextCursor
          } while (cursor !== null)
          return `\uFEFF${rows.join("\r\n")}\r\n`
        })

        return DndLists.of({ list, check, apply, exportCsv })
      })
  )
}
