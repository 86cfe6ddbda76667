/**
 * Reading the CSV files call centers hand over (DOMAIN §10): exported from Excel, often in GBK or
 * GB18030, or UTF-8 with a BOM, sometimes UTF-16. The bytes are decoded strictly (a byte sequence
 * that is not valid in the file's encoding is refused with its line number, never turned into
 * U+FFFD), then parsed by csv-parse with RFC 4180 quoting (a quoted field may hold commas, quotes
 * and line breaks). Both importers (manual task lists, the usage feed) read through here.
 */
import { type CsvError, parse } from "csv-parse/stream"
import * as z from "zod"
import type { Issue } from "./Errors"

/**
 * The encoding of a CSV file. `auto` (the default): a byte-order mark decides (UTF-8, UTF-16LE,
 * UTF-16BE); without one the file must be valid UTF-8, and a file that is not is refused with the
 * line number and a hint to name the encoding. `gbk` and `gb18030` are what Excel on Chinese
 * Windows writes ("CSV (逗号分隔)"); GB18030 is a superset of GBK, so either name reads both.
 * A byte-order mark always wins over the named encoding.
 *
 * @example
 * ```ts
 * CsvEncoding.parse("gb18030")
 * ```
 */
export const CsvEncoding = z.enum(["auto", "utf-8", "utf-16le", "utf-16be", "gbk", "gb18030"])
/** @see {@link CsvEncoding} */
export type CsvEncoding = z.infer<typeof CsvEncoding>

/**
 * A CSV source: the whole text, lines, or a stream of text / byte chunks (a file or HTTP body).
 * Bytes are decoded as the import's {@link CsvEncoding} says; text is taken as is.
 *
 * @example
 * ```ts
 * const source: CsvSource = fs.createReadStream("list.csv")
 * ```
 */
export type CsvSource = string | Uint8Array | Iterable<string> | AsyncIterable<string | Uint8Array>

/** One record: the physical line it starts on and its fields (unquoted fields trimmed). */
export interface CsvRecord {
  readonly line: number
  readonly fields: ReadonlyArray<string>
}

/**
 * A line that cannot be read: `undecodable` (bytes not valid in the encoding; reading stops there)
 * or `malformed` (quoting; NUL or a lone surrogate in the text).
 */
export interface CsvProblem {
  readonly line: number
  readonly code: "undecodable" | "malformed"
  readonly message: string
}

const bomOf = (b: Uint8Array): { readonly encoding: "utf-8" | "utf-16le" | "utf-16be"; readonly length: number } | undefined => {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { encoding: "utf-8", length: 3 }
  if (b[0] === 0xff && b[1] === 0xfe) return { encoding: "utf-16le", length: 2 }
  if (b[0] === 0xfe && b[1] === 0xff) return { encoding: "utf-16be", length: 2 }
  return undefined
}

/** Reading stops at bytes the encoding cannot decode. */
class Undecodable extends Error {
  constructor(
    readonly line: number,
    message: string
  ) {
    super(message)
  }
}

const countNewlines = (s: string): number => {
  let n = 0
  for (let i = s.indexOf("\n"); i !== -1; i = s.indexOf("\n", i + 1)) n++
  return n
}

/**
 * Decodes byte chunks strictly, cutting only after a line break (so every decoded piece is whole
 * characters, and a failing piece can be searched line by line for the line number).
 */
async function* decodeBytes(chunks: AsyncIterable<Uint8Array>, wanted: CsvEncoding): AsyncGenerator<string> {
  let pending: Uint8Array = new Uint8Array(0)
  let decoder: { decode(input: Uint8Array): string } | undefined
  let encoding: Exclude<CsvEncoding, "auto"> = "utf-8"
  let unit = 1
  let newline: (b: Uint8Array, i: number) => boolean = (b, i) => b[i] === 0x0a
  let line = 1
  /** Decodes a piece of whole lines; on bad bytes, the good lines before them and the problem. */
  const take = (piece: Uint8Array): { readonly text: string; readonly bad?: Undecodable } => {
    try {
      const text = decoder!.decode(piece)
      line += countNewlines(text)
      return { text }
    } catch {
      // Find the line: decode it line by line.
      let start = 0
      let at = line
      for (let i = 0; i + unit <= piece.length; i += unit) {
        if (!newline(piece, i) && i + unit < piece.length) continue
        const end = i + unit
        try {
          decoder!.decode(piece.subarray(start, end))
        } catch {
          break
        }
        start = end
        at++
      }
      const message =
        wanted === "auto" && encoding === "utf-8"
          ? `line ${at} is not valid UTF-8; name the file's encoding (gb18030 for a CSV saved by Excel on Chinese Windows, or utf-16le)`
          : `line ${at} holds bytes that are not valid ${encoding}; check the file's encoding`
      return { text: decoder!.decode(piece.subarray(0, start)), bad: new Undecodable(at, message) }
    }
  }
  const emit = function* (piece: Uint8Array) {
    const { text, bad } = take(piece)
    if (text !== "") yield text
    if (bad) throw bad
  }
  for await (const chunk of chunks) {
    pending = pending.length === 0 ? chunk : concat(pending, chunk)
    if (decoder === undefined) {
      if (pending.length < 3) continue
      const bom = bomOf(pending)
      encoding = bom?.encoding ?? (wanted === "auto" ? "utf-8" : wanted)
      if (bom) pending = pending.subarray(bom.length)
      decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM: true })
      if (encoding === "utf-16le") [unit, newline] = [2, (b, i) => b[i] === 0x0a && b[i + 1] === 0x00]
      if (encoding === "utf-16be") [unit, newline] = [2, (b, i) => b[i] === 0x00 && b[i + 1] === 0x0a]
    }
    let cut = -1
    for (let i = pending.length - unit - ((pending.length) % unit); i >= 0; i -= unit) {
      if (newline(pending, i)) {
        cut = i + unit
        break
      }
    }
    if (cut > 0) {
      const piece = pending.subarray(0, cut)
      pending = pending.subarray(cut)
      yield* emit(piece)
    }
  }
  if (decoder === undefined) {
    const bom = bomOf(pending)
    encoding = bom?.encoding ?? (wanted === "auto" ? "utf-8" : wanted)
    if (bom) pending = pending.subarray(bom.length)
    decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM: true })
  }
  if (pending.length > 0) yield* emit(pending)
}

const concat = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  const out = new Uint8Array(a.length + b.length)
  out.set(a, 0)
  out.set(b, a.length)
  return out
}

/**
 * The source as text chunks: bytes decoded strictly, text passed through without a leading BOM.
 * Undecodable bytes end the text (what came before is still parsed) and are kept in `state`.
 */
async function* textOf(source: CsvSource, encoding: CsvEncoding, state: { undecodable?: Undecodable }): AsyncGenerator<string> {
  try {
    yield* rawTextOf(source, encoding)
  } catch (e) {
    if (!(e instanceof Undecodable)) throw e
    state.undecodable = e
  }
}

async function* rawTextOf(source: CsvSource, encoding: CsvEncoding): AsyncGenerator<string> {
  if (typeof source === "string") return yield source.replace(/^\uFEFF/, "")
  if (source instanceof Uint8Array) return yield* decodeBytes((async function* () { yield source })(), encoding)
  const it = (Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : (source as Iterable<string>)[Symbol.iterator]()) as AsyncIterator<string | Uint8Array> | Iterator<string>
  const first = await it.next()
  if (first.done) return
  const rest = { [Symbol.asyncIterator]: () => it as AsyncIterator<string | Uint8Array> }
  if (typeof first.value === "string") {
    yield first.value.replace(/^\uFEFF/, "")
    for await (const c of rest) yield typeof c === "string" ? c : new TextDecoder("utf-8").decode(c)
    return
  }
  yield* decodeBytes(
    (async function* () {
      yield first.value as Uint8Array
      for await (const c of rest) yield typeof c === "string" ? new TextEncoder().encode(c) : c
    })(),
    encoding
  )
}

// NUL is refused by PostgreSQL and a lone surrogate cannot be stored as UTF-8: both are bad lines.
const badText = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

const describe = (e: CsvError, line: number): string => {
  switch (e.code) {
    case "CSV_QUOTE_NOT_CLOSED":
      return `line ${line}: a quoted field opened on or after this line is not closed before the end of the file`
    case "CSV_INVALID_CLOSING_QUOTE":
      return `line ${line}: text follows a closing quote (quote the whole field, and double a quote inside it: "say ""hi""")`
    case "INVALID_OPENING_QUOTE":
      return `line ${line}: a quote inside an unquoted field (quote the whole field, and double a quote inside it)`
    default:
      return `line ${line}: ${e.message}`
  }
}

/**
 * Reads a CSV source record by record, in file order, with the line each record starts on (a
 * quoted field may span lines). Blank lines are skipped. Problems come in the same stream; after
 * an `undecodable` problem nothing more is read.
 *
 * @example
 * ```ts
 * for await (const r of readCsv(fs.createReadStream("list.csv"), { encoding: "gb18030" })) {
 *   if ("fields" in r) console.log(r.line, r.fields)
 *   else console.error(r.message)
 * }
 * ```
 */
export async function* readCsv(source: CsvSource, options: { readonly encoding?: CsvEncoding } = {}): AsyncGenerator<CsvRecord | CsvProblem> {
  const skipped: Array<CsvProblem> = []
  const state: { undecodable?: Undecodable } = {}
  /** The line the last parsed record ended on (parsing runs ahead of the consumer). */
  let lastLine = 0
  let lastSkipped = -1
  const parser = parse({
    record_delimiter: ["\n"],
    relax_column_count: true,
    trim: true,
    raw: true,
    skip_records_with_error: true,
    // With `raw`, csv-parse hands `{ record, raw }`; `lines` is where the record ends (a quoted field may span lines).
    on_record: ((parsed: { readonly record: Array<string>; readonly raw: string }, context: { readonly lines: number }) => {
      lastLine = context.lines
      return { line: context.lines - countNewlines(parsed.raw.replace(/\n$/, "")), fields: parsed.record }
    }) as never,
    on_skip: (e: CsvError | undefined) => {
      if (!e) return
      const line = e.code === "CSV_QUOTE_NOT_CLOSED" ? lastLine + 1 : Number((e as { lines?: number }).lines ?? lastLine + 1)
      // One report per line (csv-parse may report a broken line twice).
      if (line === lastSkipped) return
      lastSkipped = line
      skipped.push({ line, code: "malformed", message: describe(e, line) })
    }
  })
  // csv-parse reads UTF-8 bytes: hand it the strictly decoded text re-encoded, with every line
  // break as LF (its line count takes CRLF inside a quoted field for two lines).
  const encoder = new TextEncoder()
  const utf8 = async function* (text: AsyncIterable<string>) {
    let carry = ""
    for await (const t of text) {
      let chunk = carry + t
      carry = ""
      if (chunk.endsWith("\r")) [chunk, carry] = [chunk.slice(0, -1), "\r"]
      yield encoder.encode(chunk.replace(/\r\n?/g, "\n"))
    }
    if (carry) yield encoder.encode("\n")
  }
  const records = ReadableStream.from(utf8(textOf(source, options.encoding ?? "auto", state))).pipeThrough(parser)
  // Problems are found while records wait in the stream: hand both out in line order.
  const problemsBefore = function* (line: number) {
    skipped.sort((a, b) => a.line - b.line)
    while (skipped.length > 0 && skipped[0]!.line < line) yield skipped.shift()!
  }
  try {
    for await (const { line, fields } of records as AsyncIterable<{ line: number; fields: Array<string> }>) {
      yield* problemsBefore(line)
      if (fields.length === 1 && fields[0] === "") continue
      if (fields.some((f) => badText.test(f))) {
        yield { line, code: "malformed", message: `line ${line}: the line holds a NUL character or a lone UTF-16 surrogate` }
        continue
      }
      yield { line, fields }
    }
  } finally {
    // An abandoned read (the importer stops at a bad header) must not leave the stream pulling.
    await records.cancel().catch(() => undefined)
  }
  yield* problemsBefore(Number.POSITIVE_INFINITY)
  if (state.undecodable) yield { line: state.undecodable.line, code: "undecodable", message: state.undecodable.message }
}

/**
 * Canonical form of a header name: trimmed, lower case, camelCase and spaces or hyphens turned to
 * snake_case (`customerId`, `Customer ID`, `customer-id` all read `customer_id`), then looked up in
 * `aliases` (e.g. `{ 客户编号: "customer_id" }`).
 *
 * @example
 * ```ts
 * canonicalColumn("customerId", {}) // "customer_id"
 * canonicalColumn(" 客户编号 ", { 客户编号: "customer_id" }) // "customer_id"
 * ```
 */
export const canonicalColumn = (name: string, aliases: Readonly<Record<string, string>>): string => {
  const trimmed = name.replace(/^\uFEFF/, "").trim()
  const snake = trimmed
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .replace(/[\s-]+/g, "_")
  return aliases[trimmed] ?? aliases[snake] ?? snake
}

/**
 * How many problems an import lists: the first 100 by line, then one more entry that counts the
 * rest — a file with a million bad lines answers a short report, not a 100 MB one.
 *
 * @example
 * ```ts
 * if (issues.total > maxListedProblems) console.log(`${issues.total - maxListedProblems} more not listed`)
 * ```
 */
export const maxListedProblems = 100

/**
 * Collects an import's problems: keeps the first {@link maxListedProblems}, counts all.
 *
 * @example
 * ```ts
 * const problems = new ProblemList()
 * problems.add({ path: ["line", 3], code: "malformed", message: "line 3: ..." })
 * problems.report() // the listed issues, plus `more-problems` when some were left out
 * ```
 */
export class ProblemList {
  readonly list: Array<Issue> = []
  total = 0
  add(issue: Issue): void {
    this.total++
    if (this.list.length < maxListedProblems) this.list.push(issue)
  }
  /** The listed issues (sorted by `order` when given) and, when some were left out, a `more-problems` entry. */
  report(order?: (a: Issue, b: Issue) => number): Array<Issue> {
    const listed = order ? [...this.list].sort(order) : [...this.list]
    const more = this.total - this.list.length
    return more > 0 ? [...listed, { path: [], code: "more-problems", message: `and ${more} more problem(s) not listed (${this.total} in all)` }] : listed
  }
}
