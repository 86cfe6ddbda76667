/**
 * XLSX export: a minimal, valid Office Open XML (SpreadsheetML) workbook written by hand — one sheet
 * per report table, a bold frozen header row with an auto-filter, numbers stored as numbers, dates as
 * date serials with a date format, percentages as ratios with a percent format — zipped by the small
 * in-house ZIP writer. No dependency; Excel, LibreOffice and exceljs open the result.
 */
import * as z from "zod"
import { parse } from "../../shared/Validation"
import { type ReportCell, decimalsOf, type ReportColumn, ReportTable } from "./ReportTable"
import { zip } from "./zip"

/**
 * XLSX options: `modified`, the time stamped on the archive entries (default 1980-01-01, so the
 * same tables give byte-identical files); `compression` ("deflate", default, or "store").
 *
 * @example
 * ```ts
 * const options: XlsxOptions = { compression: "store" }
 * ```
 */
export const XlsxOptions = z
  .object({ modified: z.date().optional(), compression: z.enum(["deflate", "store"]).default("deflate") })
  .strict()
/** @see {@link XlsxOptions} */
export type XlsxOptions = z.input<typeof XlsxOptions>

const NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
const NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
const NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
const HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

// XML 1.0 allows tab, LF, CR and everything from U+0020 except lone surrogates and U+FFFE/U+FFFF.
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/**
 * Text as XML character data: markup characters escaped, characters XML 1.0 cannot carry removed.
 *
 * @example
 * ```ts
 * xmlText("a < b & \"c\"") // "a &lt; b &amp; &quot;c&quot;"
 * ```
 */
export const xmlText = (s: string): string =>
  s.replace(INVALID_XML, "").replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;").replaceAll("'", "&apos;")

/** SpreadsheetML reads `_xHHHH_` in strings as an escaped character: escape a literal one's underscore. */
const ooxmlString = (s: string): string => xmlText(s.replace(/_(x[0-9A-Fa-f]{4}_)/g, "_x005F_$1"))

/** `0` → "A", `25` → "Z", `26` → "AA". */
const columnName = (index: number): string => {
  let n = index + 1
  let out = ""
  while (n > 0) {
    const r = (n - 1) % 26
    out = String.fromCharCode(65 + r) + out
    n = Math.floor((n - 1) / 26)
  }
  return out
}

const MS_PER_DAY = 86_400_000
/** Excel's serial day number of 1970-01-01 (1900 date system). */
const EPOCH_SERIAL = 25_569

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/
/** The date serial of an ISO date or instant, or undefined when the text is not one. */
const dateSerial = (type: "date" | "datetime", s: string): number | undefined => {
  const ms = type === "date" ? (DATE_RE.test(s) ? Date.parse(`${s}T00:00:00Z`) : NaN) : /^\d{4}-\d{2}-\d{2}T/.test(s) ? Date.parse(s) : NaN
  return Number.isFinite(ms) ? ms / MS_PER_DAY + EPOCH_SERIAL : undefined
}

/** The number format code of a column, or undefined for General. */
const formatCode = (c: ReportColumn): string | undefined => {
  const d = decimalsOf(c)
  const frac = (n: number) => (n > 0 ? `.${"0".repeat(n)}` : "")
  switch (c.type) {
    case "text":
      return undefined
    case "integer":
      return `#,##0${frac(d ?? 0)}`
    case "number":
      return d === undefined ? undefined : `0${frac(d)}`
    case "money":
      return `#,##0${frac(d ?? 2)}`
    case "percent":
      return `0${frac(d ?? 2)}%`
    case "date":
      return "yyyy-mm-dd"
    case "datetime":
      return "yyyy-mm-dd hh:mm:ss"
  }
}

/**
 * Sheet names as Excel accepts them: at most 31 characters, none of []:*?/\, neither starting nor
 * ending with an apostrophe (blanks around one included: " ' " would trim to "'"), not blank, and
 * unique ignoring case.
 */
const sheetNames = (names: ReadonlyArray<string>): Array<string> => {
  const used = new Set<string>()
  const edges = /^['\s]+|['\s]+$/g
  return names.map((raw, i) => {
    const base = raw.replace(INVALID_XML, "").replace(/[[\]:*?/\\]/g, "_").replace(edges, "").slice(0, 31).replace(edges, "") || `Sheet${i + 1}`
    let name = base
    for (let n = 2; used.has(name.toLowerCase()); n++) {
      const suffix = ` (${n})`
      name = base.slice(0, 31 - suffix.length) + suffix
    }
    used.add(name.toLowerCase())
    return name
  })
}

class SharedStrings {
  readonly list: Array<string> = []
  private readonly index = new Map<string, number>()
  private refs = 0
  of(s: string): number {
    this.refs++
    let i = this.index.get(s)
    if (i === undefined) {
      i = this.list.length
      this.list.push(s)
      this.index.set(s, i)
    }
    return i
  }
  xml(): string {
    const items = this.list.map((s) => `<si><t xml:space="preserve">${ooxmlString(s)}</t></si>`).join("")
    return `${HEAD}<sst xmlns="${NS_MAIN}" count="${this.refs}" uniqueCount="${this.list.length}">${items}</sst>`
  }
}

/** Style ids: 0 = default, 1 = header (bold), then one per distinct number format. */
class Styles {
  private readonly formats: Array<string> = []
  styleOf(code: string | undefined): number {
    if (code === undefined) return 0
    let i = this.formats.indexOf(code)
    if (i < 0) {
      i = this.formats.length
      this.formats.push(code)
    }
    return 2 + i
  }
  xml(): string {
    const numFmts = this.formats.map((f, i) => `<numFmt numFmtId="${164 + i}" formatCode="${xmlText(f)}"/>`).join("")
    const xfs = [
      '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>',
      '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>',
      ...this.formats.map((_, i) => `<xf numFmtId="${164 + i}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>`)
    ]
    return (
      `${HEAD}<styleSheet xmlns="${NS_MAIN}">` +
      (this.formats.length ? `<numFmts count="${this.formats.length}">${numFmts}</numFmts>` : "") +
      '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>' +
      '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
      '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
      '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
      `<cellXfs count="${xfs.length}">${xfs.join("")}</cellXfs>` +
      '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
      "</styleSheet>"
    )
  }
}

const cellXml = (ref: string, column: ReportColumn, value: ReportCell | undefined, strings: SharedStrings, style: number): string => {
  if (value === null || value === undefined) return ""
  if (typeof value === "boolean") return `<c r="${ref}" t="b"><v>${value ? 1 : 0}</v></c>`
  if (typeof value === "number") return `<c r="${ref}"${style ? ` s="${style}"` : ""}><v>${value}</v></c>`
  if (column.type === "date" || column.type === "datetime") {
    const serial = dateSerial(column.type, value)
    if (serial !== undefined) return `<c r="${ref}" s="${style}"><v>${serial}</v></c>`
  }
  return `<c r="${ref}" t="s"><v>${strings.of(value)}</v></c>`
}

const sheetXml = (table: ReportTable, strings: SharedStrings, styles: Styles): string => {
  const cols = table.columns
  const colStyles = cols.map((c) => styles.styleOf(formatCode(c)))
  const widths = cols.map((c) => Math.max(8, c.label.length + 2))
  const header = `<row r="1">${cols.map((c, i) => `<c r="${columnName(i)}1" t="s" s="1"><v>${strings.of(c.label)}</v></c>`).join("")}</row>`
  const rows = table.rows.map((row, r) => {
    const n = r + 2
    const cells = cols.map((c, i) => {
      const v = row[c.key]
      if (typeof v === "string") widths[i] = Math.max(widths[i]!, Math.min(60, v.length + 2))
      else if (typeof v === "number") widths[i] = Math.max(widths[i]!, Math.min(30, String(v).length + 4))
      return cellXml(`${columnName(i)}${n}`, c, v, strings, colStyles[i]!)
    })
    return `<row r="${n}">${cells.join("")}</row>`
  })
  const last = `${columnName(cols.length - 1)}${table.rows.length + 1}`
  return (
    `${HEAD}<worksheet xmlns="${NS_MAIN}" xmlns:r="${NS_REL}">` +
    `<dimension ref="A1:${last}"/>` +
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>' +
    '<sheetFormatPr defaultRowHeight="15"/>' +
    `<cols>${widths.map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`).join("")}</cols>` +
    `<sheetData>${header}${rows.join("")}</sheetData>` +
    `<autoFilter ref="A1:${last}"/>` +
    "</worksheet>"
  )
}

/**
 * Writes report tables as an XLSX workbook, one sheet per table (sheet names made valid and
 * unique). Tables are validated first: a bad one throws `ValidationError` and nothing is written.
 *
 * @example
 * ```ts
 * const bytes = reportXlsx([funnelTable(funnel), agentTable(agents)])
 * await fs.promises.writeFile("november.xlsx", bytes)
 * ```
 */
export const reportXlsx = (tables: ReadonlyArray<ReportTable>, options: XlsxOptions = {}): Uint8Array => {
  const ts = parse(z.array(ReportTable).min(1).max(1000), tables, "report tables")
  const o = parse(XlsxOptions, options, "XLSX options")
  const strings = new SharedStrings()
  const styles = new Styles()
  const names = sheetNames(ts.map((t) => t.name))
  const sheets = ts.map((t) => sheetXml(t, strings, styles))
  const contentTypes =
    `${HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
    sheets.map((_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join("") +
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>' +
    "</Types>"
  const rootRels =
    `${HEAD}<Relationships xmlns="${NS_PKG_REL}">` +
    `<Relationship Id="rId1" Type="${NS_REL}/officeDocument" Target="xl/workbook.xml"/>` +
    "</Relationships>"
  const workbook =
    `${HEAD}<workbook xmlns="${NS_MAIN}" xmlns:r="${NS_REL}"><bookViews><workbookView/></bookViews><sheets>` +
    names.map((n, i) => `<sheet name="${xmlText(n)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join("") +
    "</sheets>" +
    // The auto-filter of each sheet needs its hidden defined name for Excel to keep it.
    `<definedNames>${names
      .map((n, i) => {
        const t = ts[i]!
        const ref = `$A$1:$${columnName(t.columns.length - 1)}$${t.rows.length + 1}`
        return `<definedName name="_xlnm._FilterDatabase" localSheetId="${i}" hidden="1">'${xmlText(n.replaceAll("'", "''"))}'!${ref}</definedName>`
      })
      .join("")}</definedNames>` +
    "</workbook>"
  const n = sheets.length
  const workbookRels =
    `${HEAD}<Relationships xmlns="${NS_PKG_REL}">` +
    sheets.map((_, i) => `<Relationship Id="rId${i + 1}" Type="${NS_REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join("") +
    `<Relationship Id="rId${n + 1}" Type="${NS_REL}/styles" Target="styles.xml"/>` +
    `<Relationship Id="rId${n + 2}" Type="${NS_REL}/sharedStrings" Target="sharedStrings.xml"/>` +
    "</Relationships>"
  return zip(
    [
      { name: "[Content_Types].xml", data: contentTypes },
      { name: "_rels/.rels", data: rootRels },
      { name: "xl/workbook.xml", data: workbook },
      { name: "xl/_rels/workbook.xml.rels", data: workbookRels },
      ...sheets.map((data, i) => ({ name: `xl/worksheets/sheet${i + 1}.xml`, data })),
      { name: "xl/styles.xml", data: styles.xml() },
      { name: "xl/sharedStrings.xml", data: strings.xml() }
    ],
    { method: o.compression, ...(o.modified ? { modified: o.modified } : {}) }
  )
}
