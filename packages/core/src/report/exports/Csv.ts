/**
 * CSV export of report tables (RFC 4180): fields quoted when they hold the delimiter, a quote or a
 * line break, quotes doubled, every record ended by CRLF, an optional UTF-8 BOM so Excel reads the
 * file as UTF-8. Text cells that a spreadsheet would run as a formula (starting with = + - @, tab
 * or CR) are prefixed with an apostrophe (the usual CSV-injection guard). Lines are produced one at
 * a time, so a large report streams to a file or an HTTP response without being held in memory.
 */
import * as z from "zod"
import { ValidationError } from "../../shared/Errors"
import { parse } from "../../shared/Validation"
import { ReportCell, decimalsOf, ReportColumn, type ReportRow, type ReportTable } from "./ReportTable"

/**
 * CSV options: `delimiter` (default ","; ";" suits locales whose decimal mark is a comma),
 * `bom` (default false; true prefixes U+FEFF for Excel), `header` (default true), `guardFormulas`
 * (default true).
 *
 * @example
 * ```ts
 * const options: CsvOptions = { bom: true, delimiter: ";" }
 * ```
 */
export const CsvOptions = z
  .object({
    delimiter: z.enum([",", ";", "\t"]).default(","),
    bom: z.boolean().default(false),
    header: z.boolean().default(true),
    guardFormulas: z.boolean().default(true)
  })
  .strict()
/** @see {@link CsvOptions} */
export type CsvOptions = z.input<typeof CsvOptions>

const FORMULA_START = /^[=+\-@\t\r]/

/**
 * One CSV field: the formula guard (on text), then RFC 4180 quoting.
 *
 * @example
 * ```ts
 * csvField('say "hi", then =1+1') // "\"say \"\"hi\"\", then =1+1\""
 * csvField("=HYPERLINK(\"x\")")   // "\"'=HYPERLINK(\"\"x\"\")\""
 * ```
 */
export const csvField = (text: string, options: { readonly delimiter?: string; readonly guardFormulas?: boolean } = {}): string => {
  const delimiter = options.delimiter ?? ","
  const guarded = (options.guardFormulas ?? true) && FORMULA_START.test(text) ? `'${text}` : text
  const needsQuotes = guarded.includes(delimiter) || guarded.includes('"') || guarded.includes("\n") || guarded.includes("\r")
  return needsQuotes ? `"${guarded.replaceAll('"', '""')}"` : guarded
}

/** How a cell of a column prints in CSV (before quoting); `guard` says whether it is text. */
const cellText = (column: ReportColumn, value: ReportCell | undefined): { readonly text: string; readonly guard: boolean } => {
  if (value === null || value === undefined) return { text: "", guard: false }
  if (typeof value === "boolean") return { text: value ? "true" : "false", guard: false }
  if (typeof value === "string") return { text: value, guard: true }
  const decimals = decimalsOf(column)
  switch (column.type) {
    case "percent":
      return { text: `${(value * 100).toFixed(decimals ?? 2)}%`, guard: false }
    case "integer":
    case "money":
    case "number":
      return { text: decimals === undefined ? String(value) : value.toFixed(decimals), guard: false }
    default:
      return { text: String(value), guard: false }
  }
}

const checkCell = (value: unknown, rowIndex: number, key: string): void => {
  if (value === undefined) return
  const r = ReportCell.safeParse(value)
  if (!r.success) throw ValidationError.fromZod(r.error, "report row", ["rows", rowIndex, key])
}

/**
 * The lines of a CSV file, one record per line, each ending with CRLF (the first with the BOM when
 * asked). Lazy: rows are read as lines are taken, so `rows` may be a generator over a large report.
 * A row with a value that is not a cell throws `ValidationError` when that row is reached.
 *
 * @example
 * ```ts
 * const out = fs.createWriteStream("funnel.csv")
 * for (const line of reportCsvLines(table.columns, table.rows, { bom: true })) out.write(line)
 * ```
 */
export function* reportCsvLines(columns: ReadonlyArray<ReportColumn>, rows: Iterable<ReportRow>, options: CsvOptions = {}): Generator<string, void, undefined> {
  const cols = parse(z.array(ReportColumn).min(1), columns, "report columns")
  const o = parse(CsvOptions, options, "CSV options")
  const join = (fields: ReadonlyArray<string>) => `${fields.join(o.delimiter)}\r\n`
  let first = o.bom ? "\uFEFF" : ""
  if (o.header) {
    yield first + join(cols.map((c) => csvField(c.label, o)))
    first = ""
  }
  let i = 0
  for (const row of rows) {
    const fields = cols.map((c) => {
      const value = row[c.key]
      checkCell(value, i, c.key)
      const { text, guard } = cellText(c, value)
      return csvField(text, { delimiter: o.delimiter, guardFormulas: o.guardFormulas && guard })
    })
    yield first + join(fields)
    first = ""
    i++
  }
  if (first) yield first
}

/**
 * A whole table as one CSV string (for small reports; stream large ones with {@link reportCsvLines}).
 *
 * @example
 * ```ts
 * const csv = reportCsv(funnelTable(result), { bom: true })
 * res.setHeader("content-type", "text/csv; charset=utf-8").end(csv)
 * ```
 */
export const reportCsv = (table: ReportTable, options: CsvOptions = {}): string => [...reportCsvLines(table.columns, table.rows, options)].join("")
