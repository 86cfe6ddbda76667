/**
 * The usage feed (DOMAIN §10): hosts that do not implement the `UsageHistoryReader` port push
 * daily batches instead — three CSV files (customers, daily usage, monthly usage) in a documented
 * format (docs/operations.md). Each file is streamed through the CSV reader (strict decoding of
 * GBK / GB18030 / UTF-8 / UTF-16, csv-parse with RFC 4180 quoting), every record validated with zod, and written in batches inside ONE storage
 * transaction: one bad line anywhere and nothing of the file (or of the files imported together)
 * remains, and every bad line is reported with its line number, column and reason. Writes are
 * upserts, so re-importing a file is a no-op and a later line for the same key replaces it.
 */
import { Clock, Context, Data, Effect, Layer } from "effect"
import * as z from "zod"
import { type Actor, buildActor } from "../org/Actor"
import { AuditTrail } from "../audit/AuditTrail"
import { Channel } from "../shared/Channel"
import { Customer, LineStatus, PaymentType, TariffSensitivity, Tier } from "./Customer"
import type { Forbidden, Issue, StorageError } from "../shared/Errors"
import { ValidationError } from "../shared/Errors"
import { canonicalColumn, CsvEncoding, type CsvSource, ProblemList, readCsv } from "../shared/CsvReader"
import { Permissions } from "../org/Permissions"
import { WorkConfig } from "../work/WorkConfig"
import { Actions } from "../org/Permissions"
import { Id, IsoDate, IsoMonth } from "../shared/Primitives"
import { CustomerStore } from "./CustomerStore"
import { ManagerStore } from "../org/ManagerStore"
import { Transactions } from "../ports/Transactions"
import { UsageDay, UsageMonth } from "./Usage"
import { decode } from "../shared/Validation"
import { serviceLayer } from "../shared/ServiceLayer"

/**
 * The three files of the feed.
 *
 * @example
 * ```ts
 * UsageFeedKind.parse("daily")
 * ```
 */
export const UsageFeedKind = z.enum(["customers", "daily", "monthly"])
/** @see {@link UsageFeedKind} */
export type UsageFeedKind = z.infer<typeof UsageFeedKind>

// ---- Column parsers: text in, typed value out, with a reason a person can act on -------------

const text = (max: number) => z.string().min(1, "is required").max(max, `is longer than ${max} characters`)
const optional = <T extends z.ZodType<unknown, string>>(schema: T) => z.string().transform((s) => (s === "" ? null : s)).pipe(schema.nullable())
const decimal = z
  .string()
  .min(1, "is required")
  .regex(/^\d{1,15}(\.\d{1,6})?$/, "expected a non-negative decimal number like 12.50 (a dot, no thousands separator)")
  .transform(Number)
const count = (max = 2_147_483_647) =>
  z
    .string()
    .min(1, "is required")
    .regex(/^\d{1,10}$/, "expected a whole number like 42")
    .transform(Number)
    .pipe(z.number().int().max(max, `must be at most ${max}`))
const flag = z
  .string()
  .transform((s) => s.toLowerCase())
  .pipe(z.enum(["true", "false", "1", "0"], "expected true, false, 1 or 0"))
  .transform((s) => s === "true" || s === "1")
const date = z.string().min(1, "is required").pipe(IsoDate)
const timeZone = text(64).refine((tz) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz })
    return true
  } catch {
    return false
  }
}, "is not an IANA time zone like Asia/Shanghai")
const phones = z
  .string()
  .transform((s) => s.split(";").map((p) => p.trim()).filter((p) => p !== ""))
  .pipe(z.array(z.string().min(3, "a phone number is shorter than 3 characters").max(32, "a phone number is longer than 32 characters")).max(10, "more than 10 phone numbers"))

/** Column schemas per file, in the documented column order; `required` columns must be in the header. */
const columns = {
  customers: {
    id: { schema: Id, required: true },
    name: { schema: text(200), required: true },
    phones: { schema: phones, required: false },
    region: { schema: text(100), required: true },
    tier: { schema: z.string().min(1, "is required").pipe(Tier), required: true },
    line_status: { schema: z.string().pipe(LineStatus), required: true },
    payment_type: { schema: z.string().pipe(PaymentType), required: true },
    contract_end: { schema: optional(IsoDate), required: false },
    birthday: { schema: optional(IsoDate), required: false },
    activated_on: { schema: date, required: true },
    owner_manager_id: { schema: optional(Id), required: false },
    preferred_channel: { schema: optional(Channel), required: false },
    tariff_sensitivity: { schema: optional(TariffSensitivity), required: false },
    credit_level: { schema: optional(z.string().max(20, "is longer than 20 characters")), required: false },
    time_zone: { schema: timeZone, required: true }
  },
  daily: {
    customer_id: { schema: Id, required: true },
    day: { schema: date, required: true },
    charge: { schema: decimal, required: true },
    data_mb: { schema: decimal, required: true },
    call_minutes: { schema: decimal, required: true },
    outgoing_calls: { schema: count(), required: true },
    competitor_call_seconds: { schema: count(), required: true },
    forwarded_to_other_operator: { schema: flag, required: true },
    reminder_sms_delivered: { schema: flag, required: true }
  },
  monthly: {
    customer_id: { schema: Id, required: true },
    month: { schema: z.string().pipe(IsoMonth), required: true },
    bill_amount: { schema: decimal, required: true },
    data_mb: { schema: decimal, required: true },
    call_minutes: { schema: decimal, required: true },
    competitor_call_seconds: { schema: count(), required: true },
    forwarded_days: { schema: count(31), required: true },
    silent_days: { schema: count(31), required: true },
    bill_date: { schema: date, required: true },
    due_date: { schema: date, required: true },
    paid_date: { schema: optional(IsoDate), required: false }
  }
} as const satisfies Record<UsageFeedKind, Record<string, { readonly schema: z.ZodType<unknown, string>; readonly required: boolean }>>

/**
 * The columns of each file, in the documented order (the header may list them in any order;
 * optional columns may be left out and read as empty).
 *
 * @example
 * ```ts
 * usageFeedColumns.daily.join(",") // "customer_id,day,charge,data_mb,call_minutes,outgoing_calls,..."
 * ```
 */
export const usageFeedColumns: { readonly [K in UsageFeedKind]: ReadonlyArray<string> } = {
  customers: Object.keys(columns.customers),
  daily: Object.keys(columns.daily),
  monthly: Object.keys(columns.monthly)
}

/** Values that never reach a log: a name or phone number is personal data. */
const personal = new Set(["name", "phones"])

/**
 * Header names the feed files may use besides the documented column names (which are also read in
 * any case, camelCase or with spaces: `customerId`, `Bill Amount`): the Chinese names of call-center
 * exports, and `customer_id` for the customers file's `id`.
 *
 * @example
 * ```ts
 * usageFeedHeaderAliases.daily["客户编号"] // "customer_id"
 * ```
 */
export const usageFeedHeaderAliases: { readonly [K in UsageFeedKind]: Readonly<Record<string, string>> } = {
  customers: { customer_id: "id", 客户编号: "id", 客户id: "id", 姓名: "name", 客户姓名: "name" },
  daily: { 客户编号: "customer_id", 客户id: "customer_id", 日期: "day" },
  monthly: { 客户编号: "customer_id", 客户id: "customer_id", 月份: "month" }
}

/** The typed row of each file. */
type Row = { readonly customers: Customer; readonly daily: UsageDay; readonly monthly: UsageMonth }

/**
 * One file's header, read: which column each field index holds, or the issues of a bad header.
 *
 * @example
 * ```ts
 * const h = readFeedHeader("daily", ["customer_id", "day", "charge", "data_mb", "call_minutes", "outgoing_calls", "competitor_call_seconds", "forwarded_to_other_operator", "reminder_sms_delivered"], 1)
 * ```
 */
export const readFeedHeader = (kind: UsageFeedKind, fields: ReadonlyArray<string>, no: number): { readonly columns: ReadonlyArray<string> } | { readonly issues: ReadonlyArray<Issue> } => {
  const at = (column: string | null, code: string, message: string): Issue => ({ path: [kind, "line", no, ...(column ? [column] : [])], code, message: `line ${no}: ${message}` })
  const known: Record<string, { readonly required: boolean }> = columns[kind]
  const names = fields.map((f) => canonicalColumn(f, usageFeedHeaderAliases[kind]))
  const issues: Array<Issue> = []
  const seen = new Set<string>()
  for (const [i, n] of names.entries()) {
    const given = fields[i]!.trim().slice(0, 60)
    if (!Object.hasOwn(known, n)) issues.push(at(given, "unknown-column", `'${given}' is not a column of the ${kind} file (columns: ${usageFeedColumns[kind].join(", ")})`))
    else if (seen.has(n)) issues.push(at(n, "duplicate-column", `column ${n} appears twice`))
    seen.add(n)
  }
  for (const [n, c] of Object.entries(known)) if (c.required && !seen.has(n)) issues.push(at(n, "missing-column", `the header has no ${n} column (a header row is required)`))
  return issues.length ? { issues } : { columns: names }
}

/**
 * Parses one data record (its fields, unquoted and trimmed) of a file given its header columns: the typed row, or every issue of the
 * line (path `[kind, "line", no, column]`). Pure; the importer adds the checks against storage.
 *
 * @example
 * ```ts
 * const header = ["customer_id", "month", "bill_amount", "data_mb", "call_minutes", "competitor_call_seconds", "forwarded_days", "silent_days", "bill_date", "due_date", "paid_date"]
 * parseFeedLine("monthly", header, 2, ["c-1", "2026-10", "95.00", "8200", "310", "75", "0", "2", "2026-11-01", "2026-11-20", ""])
 * ```
 */
export const parseFeedLine = <K extends UsageFeedKind>(
  kind: K,
  header: ReadonlyArray<string>,
  no: number,
  fields: ReadonlyArray<string>
): { readonly row: Row[K] } | { readonly issues: ReadonlyArray<Issue> } => {
  const at = (column: string | null, code: string, message: string): Issue => ({ path: [kind, "line", no, ...(column ? [column] : [])], code, message: `line ${no}${column ? `, column ${column}` : ""}: ${message}` })
  if (fields.length !== header.length) return { issues: [at(null, "malformed", `expected ${header.length} fields like the header, got ${fields.length}`)] }
  const spec: Record<string, { readonly schema: z.ZodType<unknown, string> }> = columns[kind]
  const values: Record<string, unknown> = {}
  const issues: Array<Issue> = []
  for (const [name] of Object.entries(spec)) {
    const index = header.indexOf(name)
    const raw = index === -1 ? "" : fields[index]!
    const r = spec[name]!.schema.safeParse(raw)
    if (r.success) values[name] = r.data
    else {
      const shown = personal.has(name) ? "" : ` (got '${raw.slice(0, 40)}')`
      if (raw === "") issues.push(at(name, "required", "is required"))
      else issues.push(at(name, r.error.issues[0]?.code ?? "invalid", `${r.error.issues[0]?.message ?? "is invalid"}${shown}`))
    }
  }
  if (issues.length) return { issues }
  const v = values as Record<string, never>
  if (kind === "monthly" && String(v.due_date) < String(v.bill_date)) return { issues: [at("due_date", "inconsistent", `the due date ${v.due_date} is before the bill date ${v.bill_date}`)] }
  const row =
    kind === "customers"
      ? Customer.parse({
          id: v.id,
          name: v.name,
          phones: v.phones,
          region: v.region,
          tier: v.tier,
          lineStatus: v.line_status,
          paymentType: v.payment_type,
          contractEnd: v.contract_end,
          birthday: v.birthday,
          activatedOn: v.activated_on,
          ownerManagerId: v.owner_manager_id,
          preferredChannel: v.preferred_channel,
          tariffSensitivity: v.tariff_sensitivity,
          creditLevel: v.credit_level,
          timeZone: v.time_zone,
          version: 1
        })
      : kind === "daily"
        ? UsageDay.parse({
            customerId: v.customer_id,
            day: v.day,
            charge: v.charge,
            dataMb: v.data_mb,
            callMinutes: v.call_minutes,
            outgoingCalls: v.outgoing_calls,
            competitorCallSeconds: v.competitor_call_seconds,
            forwardedToOtherOperator: v.forwarded_to_other_operator,
            reminderSmsDelivered: v.reminder_sms_delivered
          })
        : UsageMonth.parse({
            customerId: v.customer_id,
            month: v.month,
            billAmount: v.bill_amount,
            dataMb: v.data_mb,
            callMinutes: v.call_minutes,
            competitorCallSeconds: v.competitor_call_seconds,
            forwardedDays: v.forwarded_days,
            silentDays: v.silent_days,
            billDate: v.bill_date,
            dueDate: v.due_date,
            paidDate: v.paid_date
          })
  return { row: row as Row[K] }
}

/**
 * One file to import: its kind, its content (text, lines, or a stream of chunks such as
 * `fs.createReadStream(path)`) and a name for the report and the audit entry.
 *
 * @example
 * ```ts
 * const file: UsageFeedFile = { kind: "daily", name: "usage-2026-11-21.csv", source: fs.createReadStream("usage-2026-11-21.csv") }
 * ```
 */
export interface UsageFeedFile {
  readonly kind: UsageFeedKind
  readonly source: CsvSource
  readonly name?: string
}

const FileMeta = z.object({ kind: UsageFeedKind, name: z.string().min(1).max(500).optional() })

/**
 * Options of an import. `dryRun`: check everything (storage checks included) and report the
 * counts, then roll back — nothing is written and no audit entry remains. `encoding`: the files'
 * encoding when given as bytes (default `auto`: a byte-order mark, else strict UTF-8; see
 * {@link CsvEncoding}).
 *
 * @example
 * ```ts
 * UsageFeedOptions.parse({ dryRun: true, encoding: "gb18030" })
 * ```
 */
export const UsageFeedOptions = z.object({ dryRun: z.boolean().default(false), encoding: CsvEncoding.default("auto") }).strict()
/** @see {@link UsageFeedOptions} */
export type UsageFeedOptions = z.input<typeof UsageFeedOptions>

/**
 * What the import of one file did. `lines`: physical lines read (header and blank lines
 * included); `rows`: data rows accepted; for customers, how many were new, changed or identical to
 * what is stored (identical rows are not written, so a re-import keeps every version number).
 *
 * @example
 * ```ts
 * const [r] = yield* feed.importFiles(system, [{ kind: "customers", source }])
 * r.inserted + r.updated + r.unchanged === r.rows // true, when every id appears once
 * ```
 */
export interface UsageFeedReport {
  readonly kind: UsageFeedKind
  readonly name: string | null
  readonly lines: number
  readonly rows: number
  readonly inserted: number
  readonly updated: number
  readonly unchanged: number
  readonly dryRun: boolean
}

/** Rolls a dry run's transaction back while carrying its reports out. */
class DryRunRollback extends Data.TaggedError("DryRunRollback")<{ readonly reports: ReadonlyArray<UsageFeedReport> }> {}

const sameCustomer = (a: Customer, b: Customer) =>
  (Object.keys(Customer.shape) as Array<keyof Customer>).every((k) => k === "version" || JSON.stringify(a[k]) === JSON.stringify(b[k]))

/**
 * An actor for unattended jobs (a cron job, a feed import): an `admin` outside any team, so it is
 * granted what the policy grants admins and its audit entries name `id`.
 *
 * @example
 * ```ts
 * const system = systemActor("system:daily-job")
 * yield* feed.importFiles(system, files)
 * ```
 */
export const systemActor = (id = "system", name = "Winback system job"): Actor =>
  buildActor({ id, name, roles: ["admin"], teamId: null, region: "*" }, [], [])

/**
 * The usage-feed importer.
 *
 * @example
 * ```ts
 * const feed = yield* UsageFeed
 * const reports = yield* feed.importFiles(systemActor(), [
 *   { kind: "customers", source: fs.createReadStream("customers.csv") },
 *   { kind: "daily", source: fs.createReadStream("daily.csv") }
 * ])
 * ```
 */
export class UsageFeed extends Context.Service<
  UsageFeed,
  {
    /** Imports one file, all-or-nothing. */
    readonly importFile: (actor: Actor, file: UsageFeedFile, options?: UsageFeedOptions) => Effect.Effect<UsageFeedReport, ValidationError | Forbidden | StorageError>
    /**
     * Imports several files in one transaction, in the order given (customers before the usage that
     * refers to them): one bad line in any file and nothing of any file is written.
     */
    readonly importFiles: (
      actor: Actor,
      files: ReadonlyArray<UsageFeedFile>,
      options?: UsageFeedOptions
    ) => Effect.Effect<ReadonlyArray<UsageFeedReport>, ValidationError | Forbidden | StorageError>
  }
>()("@winback/core/UsageFeed") {
  /**
   * The live implementation.
   *
   * @example
   * ```ts
   * UsageFeed.layer.pipe(Layer.provide(scopeLayer(defaultPolicy)), Layer.provide(storesLayer(stores)))
   * ```
   */
  static readonly layer: Layer.Layer<UsageFeed, never, Transactions | CustomerStore | ManagerStore | Permissions | AuditTrail> = serviceLayer(
    UsageFeed,
    { tx: Transactions, customers: CustomerStore, managers: ManagerStore, perms: Permissions, trail: AuditTrail },
    ({ tx, customers, managers, perms, trail }) => Effect.gen(function* () {
      /** Streams one file inside the caller's transaction; adds its problems to `issues`. */
      const importOne = (
        actor: Actor,
        file: UsageFeedFile,
        importId: string,
        issues: ProblemList,
        /** Customer ids accepted by a customers file earlier in the same import (not yet written once a problem was found). */
        accepted: Set<string>,
        dryRun: boolean,
        encoding: CsvEncoding
      ) =>
        Effect.gen(function* () {
          const { kind } = file
          const batchSize = Math.max(1, (yield* WorkConfig).writeBatch)
          const report = { kind, name: file.name ?? null, lines: 0, rows: 0, inserted: 0, updated: 0, unchanged: 0, dryRun }
          const add = (i: Issue) => issues.add(i)
          let header: ReadonlyArray<string> | undefined
          let pending: Array<{ no: number; row: Customer | UsageDay | UsageMonth }> = []

          const flush = Effect.gen(function* () {
            const batch = pending
            pending = []
            if (batch.length === 0) return
            if (kind === "customers") {
              const owners = [...new Set(batch.flatMap((b) => ((b.row as Customer).ownerManagerId ? [(b.row as Customer).ownerManagerId!] : [])))]
              const knownOwners = new Set((yield* managers.getMany(owners)).map((m) => m.id))
              const ok = batch.filter((b) => {
                const owner = (b.row as Customer).ownerManagerId
                if (owner === null || knownOwners.has(owner)) return true
                add({ path: [kind, "line", b.no, "owner_manager_id"], code: "unknown-manager", message: `line ${b.no}, column owner_manager_id: manager ${owner.slice(0, 60)} is unknown` })
                return false
              })
              report.rows -= batch.length - ok.length
              for (const b of ok) accepted.add((b.row as Customer).id)
              if (issues.total > 0) return
              // A later line for the same id replaces an earlier one.
              const last = new Map(ok.map((b) => [(b.row as Customer).id, b.row as Customer]))
              const stored = new Map((yield* customers.getMany([...last.keys()])).map((c) => [c.id, c]))
              const changed: Array<Customer> = []
              for (const c of last.values()) {
                const before = stored.get(c.id)
                if (!before) report.inserted++
                else if (sameCustomer(before, c)) {
                  report.unchanged++
                  continue
                } else report.updated++
                changed.push(c)
              }
              if (changed.length) yield* customers.upsertCustomers(changed)
              return
            }
            const ids = [...new Set(batch.map((b) => (b.row as UsageDay | UsageMonth).customerId))].filter((id) => !accepted.has(id))
            const known = new Set((yield* customers.getMany(ids)).map((c) => c.id))
            const ok = batch.filter((b) => {
              const id = (b.row as UsageDay).customerId
              if (known.has(id) || accepted.has(id)) return true
              add({ path: [kind, "line", b.no, "customer_id"], code: "unknown-customer", message: `line ${b.no}, column customer_id: customer ${id.slice(0, 60)} is unknown (import it in the customers file first)` })
              return false
            })
            report.rows -= batch.length - ok.length
            if (issues.total > 0) return
            if (kind === "daily") {
              const last = new Map(ok.map((b) => [`${(b.row as UsageDay).customerId}\u0000${(b.row as UsageDay).day}`, b.row as UsageDay]))
              yield* customers.upsertUsageDays([...last.values()])
            } else {
              const last = new Map(ok.map((b) => [`${(b.row as UsageMonth).customerId}\u0000${(b.row as UsageMonth).month}`, b.row as UsageMonth]))
              yield* customers.upsertUsageMonths([...last.values()])
            }
          })

          const iterator = readCsv(file.source, { encoding })[Symbol.asyncIterator]()
          for (;;) {
            const next = yield* Effect.tryPromise({
              try: () => iterator.next(),
              catch: (e) => new ValidationError({ subject: `${kind} file`, issues: [{ path: [kind], code: "unreadable", message: `the ${kind} file could not be read: ${String(e)}` }] })
            })
            if (next.done) break
            const record = next.value
            const no = record.line
            report.lines = Math.max(report.lines, no)
            if (!("fields" in record)) {
              add({ path: [kind, "line", no], code: record.code, message: record.message })
              continue
            }
            if (header === undefined) {
              const h = readFeedHeader(kind, record.fields, no)
              if ("issues" in h) {
                h.issues.forEach(add)
                // Without a header the lines cannot be read; stop reading this file.
                yield* Effect.ignore(Effect.tryPromise(async () => void (await iterator.return?.(undefined))))
                break
              }
              header = h.columns
              continue
            }
            const parsed = parseFeedLine(kind, header, no, record.fields)
            if ("issues" in parsed) {
              parsed.issues.forEach(add)
              continue
            }
            report.rows++
            // After the first problem nothing more is written (it would be rolled back); lines are still checked.
            pending.push({ no, row: parsed.row })
            if (pending.length >= batchSize) yield* flush
          }
          yield* flush
          if (header === undefined && issues.total === 0) add({ path: [kind, "line", 1], code: "missing-header", message: `line 1: the ${kind} file is empty; a header row is required` })
          if (issues.total === 0)
            yield* trail.record(actor, {
              action: "usage.import",
              category: "customer",
              recordType: "UsageFeed",
              recordId: `${importId}:${kind}`,
              customerId: null,
              before: null,
              after: report
            })
          return report as UsageFeedReport
        })

      const importFiles = Effect.fn("UsageFeed.importFiles")(function* (actor: Actor, files: ReadonlyArray<UsageFeedFile>, options?: UsageFeedOptions) {
        const opts = yield* decode(UsageFeedOptions, options ?? {}, "usage feed options")
        for (const [i, f] of files.entries()) {
          const meta = FileMeta.safeParse({ kind: f.kind, name: f.name })
          if (!meta.success) return yield* Effect.fail(ValidationError.fromZod(meta.error, "usage feed file", ["files", i]))
        }
        if (files.length === 0) return yield* Effect.fail(new ValidationError({ subject: "usage feed", issues: [{ path: ["files"], code: "too_small", message: "no file to import" }] }))
        yield* perms.require(actor, Actions.usageImport, { type: "none" })
        const importId = `feed:${(yield* Clock.currentTimeMillis).toString(36)}`
        const issues = new ProblemList()
        const accepted = new Set<string>()
        const run = tx.transaction(
          Effect.gen(function* () {
            const reports: Array<UsageFeedReport> = []
            for (const f of files) {
              const start = issues.list.length
              reports.push(yield* importOne(actor, f, importId, issues, accepted, opts.dryRun, opts.encoding))
              // Storage checks run per batch, after the line checks: list each file's problems by line.
              const mine = issues.list.splice(start).sort((a, b) => Number(a.path[2] ?? 0) - Number(b.path[2] ?? 0))
              issues.list.push(...mine)
            }
            if (issues.total > 0) {
              const listed = issues.report()
              return yield* Effect.fail(new ValidationError({ subject: `usage feed ${files.map((f) => f.name ?? f.kind).join(", ")} (${issues.total} problem(s), nothing imported)`, issues: listed }))
            }
            if (opts.dryRun) return yield* new DryRunRollback({ reports })
            return reports as ReadonlyArray<UsageFeedReport>
          })
        )
        return yield* run.pipe(Effect.catchTag("DryRunRollback", (d) => Effect.succeed(d.reports)))
      })

      const importFile = Effect.fn("UsageFeed.importFile")(function* (actor: Actor, file: UsageFeedFile, options?: UsageFeedOptions) {
        const [report] = yield* importFiles(actor, [file], options)
        return report!
      })

      return UsageFeed.of({ importFile, importFiles })
    })
  )
}
