/**
 * Import lists saved as Excel workbooks (.xlsx): the first worksheet becomes CSV text, which then
 * takes the manual import's one path (the same checks, the same report per line). Hand-written on
 * purpose, as the reports' XLSX writer in core is: a ZIP directory walk with node's inflate and a
 * read of the few SpreadsheetML elements an import list uses (shared, inline and plain strings,
 * numbers) — no formulas, dates or styles, which an id list does not need.
 */
import { inflateRawSync } from "node:zlib"
import { ValidationError } from "@winback/core"

/** The MIME type of an .xlsx workbook. */
export const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/**
 * Whether an upload is an .xlsx workbook: its Content-Type says so, or it starts as a ZIP file does.
 *
 * @example
 * ```ts
 * isXlsx(bytes, "text/csv") // false unless bytes start with "PK\x03\x04"
 * ```
 */
export const isXlsx = (bytes: Uint8Array, contentType: string | undefined): boolean =>
  (contentType ?? "").toLowerCase().startsWith(xlsxType) || (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04)

const unreadable = (why: string) => new ValidationError({ subject: "XLSX import", issues: [{ path: [], code: "unreadable", message: `the workbook could not be read: ${why}` }] })

/** The files of a ZIP archive by name (central directory; stored or deflated entries). */
const unzip = (bytes: Uint8Array): Map<string, Buffer> => {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let eocd = -1
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65_557); i--) if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break }
  if (eocd < 0) throw unreadable("not a ZIP archive")
  const count = buf.readUInt16LE(eocd + 10)
  let at = buf.readUInt32LE(eocd + 16)
  const out = new Map<string, Buffer>()
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw unreadable("a broken ZIP directory")
    const method = buf.readUInt16LE(at + 10)
    const size = buf.readUInt32LE(at + 20)
    const nameLength = buf.readUInt16LE(at + 28)
    const skip = buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32)
    const local = buf.readUInt32LE(at + 42)
    const name = buf.toString("utf8", at + 46, at + 46 + nameLength)
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28)
    const data = buf.subarray(start, start + size)
    if (method === 0) out.set(name, data)
    else if (method === 8) out.set(name, inflateRawSync(data))
    at += 46 + nameLength + skip
  }
  return out
}

const entities: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" }
const unescapeXml = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, e: string) =>
    e[0] === "#" ? String.fromCodePoint(e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)) : entities[e.toLowerCase()]!
  )
/** The text of every <t> inside `xml`, joined (a rich-text run list reads as one string). */
const textOf = (xml: string) => [...xml.matchAll(/<t(?:\s[^>]*)?>([\s\S]*?)<\/t>/g)].map((m) => unescapeXml(m[1]!)).join("")

/** A column's 0-based index from a cell reference ("B7" → 1). */
const columnOf = (ref: string) => [...(/^[A-Z]+/.exec(ref)?.[0] ?? "A")].reduce((n, c) => n * 26 + c.charCodeAt(0) - 64, 0) - 1

const csvField = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)

/**
 * The first worksheet of an .xlsx workbook as UTF-8 CSV bytes (one line per row, empty rows kept so
 * line numbers match the sheet's row numbers).
 *
 * @example
 * ```ts
 * const csv = xlsxToCsv(await readFile("list.xlsx")) // "customer_id\r\nc-1\r\n…" as bytes
 * ```
 */
export const xlsxToCsv = (bytes: Uint8Array): Uint8Array => {
  const files = unzip(bytes)
  const sheetName = [...files.keys()].filter((n) => /^xl\/worksheets\/sheet\d+\.xml$/.test(n)).sort((a, b) => Number(/\d+/.exec(a)![0]) - Number(/\d+/.exec(b)![0]))[0]
  if (!sheetName) throw unreadable("it has no worksheet")
  const shared = [...(files.get("xl/sharedStrings.xml")?.toString("utf8") ?? "").matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) => textOf(m[1]!))
  const rows: Array<Array<string>> = []
  for (const row of files.get(sheetName)!.toString("utf8").matchAll(/<row\b([^>]*)>([\s\S]*?)<\/row>/g)) {
    const r = Number(/\br="(\d+)"/.exec(row[1]!)?.[1] ?? rows.length + 1)
    const cells: Array<string> = []
    for (const c of row[2]!.matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      const attrs = c[1]!
      const body = c[2] ?? ""
      const type = /\bt="([^"]+)"/.exec(attrs)?.[1]
      const v = /<v>([\s\S]*?)<\/v>/.exec(body)?.[1]
      const value = type === "s" ? (shared[Number(v)] ?? "") : type === "inlineStr" ? textOf(body) : unescapeXml(v ?? "")
      cells[columnOf(/\br="([A-Z]+)\d+"/.exec(attrs)?.[1] ?? String.fromCharCode(65 + cells.length))] = value.trim()
    }
    while (rows.length < r - 1) rows.push([])
    rows[r - 1] = Array.from(cells, (x) => x ?? "")
  }
  return new TextEncoder().encode(rows.map((cells) => cells.map(csvField).join(",")).join("\r\n") + "\r\n")
}
