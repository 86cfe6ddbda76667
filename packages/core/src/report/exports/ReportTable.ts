/**
 * The one table shape every export takes: typed columns (with a number format) and rows keyed by
 * column. Report results become tables (see `reportTables.ts`); CSV and XLSX render tables, so a
 * host's own report can be exported the same way.
 */
import * as z from "zod"

/**
 * What a column holds, which decides how CSV prints it and how XLSX stores and formats it:
 * `text`; `integer` and `number` (plain numbers); `money` (two decimals); `percent` (a ratio, 0.732
 * = 73.2%); `date` (`YYYY-MM-DD`); `datetime` (an ISO instant).
 *
 * @example
 * ```ts
 * ColumnType.parse("percent")
 * ```
 */
export const ColumnType = z.enum(["text", "integer", "number", "money", "percent", "date", "datetime"])
/** @see {@link ColumnType} */
export type ColumnType = z.infer<typeof ColumnType>

/**
 * One column: the row key it reads, the header label, its type and, for numbers, the decimals shown
 * (default: 0 for integers, 2 for money and percent, as stored for `number`).
 *
 * @example
 * ```ts
 * ReportColumn.parse({ key: "connectedRate", label: "Connected %", type: "percent", decimals: 2 })
 * ```
 */
export const ReportColumn = z
  .object({
    key: z.string().min(1).max(100),
    label: z.string().max(200),
    type: ColumnType,
    decimals: z.number().int().min(0).max(10).optional()
  })
  .strict()
/** @see {@link ReportColumn} */
export type ReportColumn = z.infer<typeof ReportColumn>

/**
 * A cell value: text, a finite number, a boolean, or empty (`null`). Dates and instants are ISO
 * strings, like everywhere in the model.
 *
 * @example
 * ```ts
 * const cells: Array<ReportCell> = ["Team north", 1234, 0.732, "2026-11-30", null]
 * ```
 */
export const ReportCell = z.union([z.string().max(32_767), z.number().finite(), z.boolean(), z.null()])
/** @see {@link ReportCell} */
export type ReportCell = z.infer<typeof ReportCell>

/**
 * A report as a table: a name (the XLSX sheet name, the default file name), columns and rows keyed by
 * column `key` (a missing key is an empty cell). Column keys are unique.
 *
 * @example
 * ```ts
 * const table = ReportTable.parse({
 *   name: "Funnel",
 *   columns: [{ key: "stage", label: "Stage", type: "text" }, { key: "count", label: "Customers", type: "integer" }],
 *   rows: [{ stage: "submitted", count: 22171 }, { stage: "connected", count: 16229 }]
 * })
 * ```
 */
export const ReportTable = z
  .object({
    name: z.string().min(1).max(200),
    columns: z.array(ReportColumn).min(1).max(16_384),
    rows: z.array(z.record(z.string(), ReportCell))
  })
  .strict()
  .superRefine((t, ctx) => {
    const seen = new Set<string>()
    t.columns.forEach((c, i) => {
      if (seen.has(c.key)) ctx.addIssue({ code: "custom", path: ["columns", i, "key"], message: `duplicate column key ${c.key}` })
      seen.add(c.key)
    })
  })
/** @see {@link ReportTable} */
export type ReportTable = z.infer<typeof ReportTable>

/**
 * A row of a {@link ReportTable}.
 *
 * @example
 * ```ts
 * const row: ReportRow = { stage: "connected", count: 16229, rate: 0.732 }
 * ```
 */
export type ReportRow = Readonly<Record<string, ReportCell | undefined>>

/** The decimals a column shows. */
export const decimalsOf = (c: ReportColumn): number | undefined =>
  c.decimals ?? (c.type === "integer" ? 0 : c.type === "money" || c.type === "percent" ? 2 : undefined)
