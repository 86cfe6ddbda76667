/** CSV export: RFC 4180 quoting and CRLF, BOM, the formula-injection guard, streaming, round trip. */
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { csvField, reportCsv, reportCsvLines, type ReportRow, type ReportTable, ValidationError } from "../src/index"

/** An independent RFC 4180 reader (test oracle): records of fields. */
const readCsv = (text: string, delimiter = ","): Array<Array<string>> => {
  const records: Array<Array<string>> = []
  let field = ""
  let record: Array<string> = []
  let i = 0
  let quoted = false
  while (i < text.length) {
    const ch = text[i]!
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"'
        i += 2
      } else if (ch === '"') {
        quoted = false
        i++
      } else {
        field += ch
        i++
      }
    } else if (ch === '"' && field === "") {
      quoted = true
      i++
    } else if (ch === delimiter) {
      record.push(field)
      field = ""
      i++
    } else if (ch === "\r" && text[i + 1] === "\n") {
      record.push(field)
      records.push(record)
      record = []
      field = ""
      i += 2
    } else {
      if (ch === "\n" || ch === "\r" || ch === '"') throw new Error(`bare ${JSON.stringify(ch)} at ${i}`)
      field += ch
      i++
    }
  }
  if (field !== "" || record.length) throw new Error("last record not terminated by CRLF")
  return records
}

const table: ReportTable = {
  name: "Agents",
  columns: [
    { key: "name", label: "Agent", type: "text" },
    { key: "calls", label: "Calls", type: "integer" },
    { key: "reach", label: "Reach", type: "percent", decimals: 1 },
    { key: "revenue", label: "Retained, revenue", type: "money" },
    { key: "day", label: "Day", type: "date" },
    { key: "lead", label: "Leader", type: "text" }
  ],
  rows: [
    { name: "Li Na", calls: 120, reach: 0.7325, revenue: 1234.5, day: "2026-11-01", lead: true },
    { name: 'Wang "Wei", jr.', calls: 0, reach: null, revenue: -3, day: "2026-11-02" },
    { name: "line\nbreak", calls: 7, reach: 1, revenue: 0, day: "2026-11-03", lead: false }
  ]
}

describe("reportCsv", () => {
  it("writes RFC 4180: header, quoted fields, doubled quotes, CRLF after every record", () => {
    expect(reportCsv(table)).toBe(
      'Agent,Calls,Reach,"Retained, revenue",Day,Leader\r\n' +
        "Li Na,120,73.3%,1234.50,2026-11-01,true\r\n" +
        '"Wang ""Wei"", jr.",0,,-3.00,2026-11-02,\r\n' +
        '"line\nbreak",7,100.0%,0.00,2026-11-03,false\r\n'
    )
  })

  it("prefixes the UTF-8 BOM when asked, once, and supports ; and tab delimiters", () => {
    const csv = reportCsv(table, { bom: true, delimiter: ";" })
    expect(csv.startsWith("\uFEFFAgent;Calls;Reach;Retained, revenue;Day;Leader\r\n")).toBe(true)
    expect(csv.indexOf("\uFEFF", 1)).toBe(-1)
    expect(new TextEncoder().encode(csv).subarray(0, 3)).toEqual(new Uint8Array([0xef, 0xbb, 0xbf]))
    expect(reportCsv(table, { delimiter: "\t", header: false }).split("\r\n")[0]).toBe("Li Na\t120\t73.3%\t1234.50\t2026-11-01\ttrue")
  })

  it("guards text that a spreadsheet would run as a formula, but not numbers", () => {
    const t: ReportTable = {
      name: "x",
      columns: [{ key: "a", label: "=label", type: "text" }, { key: "n", label: "n", type: "number" }],
      rows: [
        { a: "=HYPERLINK(\"http://evil\",\"x\")", n: -5 },
        { a: "+1", n: 1.5 },
        { a: "-2+3", n: null },
        { a: "@SUM(A1)", n: 0 },
        { a: "\tTAB", n: 0 },
        { a: "safe - text", n: 0 }
      ]
    }
    const records = readCsv(reportCsv(t))
    expect(records.map((r) => r[0])).toEqual(["'=label", "'=HYPERLINK(\"http://evil\",\"x\")", "'+1", "'-2+3", "'@SUM(A1)", "'\tTAB", "safe - text"])
    expect(records.map((r) => r[1])).toEqual(["n", "-5", "1.5", "", "0", "0", "0"])
    expect(readCsv(reportCsv(t, { guardFormulas: false }))[1]![0]).toBe("=HYPERLINK(\"http://evil\",\"x\")")
  })

  it("streams: lines come as rows are read, so an endless row source still yields its first lines", () => {
    let produced = 0
    function* endless(): Generator<ReportRow> {
      for (;;) yield { name: `agent-${produced++}`, calls: produced }
    }
    const lines = reportCsvLines(table.columns, endless())
    const first = [lines.next().value, lines.next().value, lines.next().value]
    expect(first).toEqual(["Agent,Calls,Reach,\"Retained, revenue\",Day,Leader\r\n", "agent-0,1,,,,\r\n", "agent-1,2,,,,\r\n"])
    expect(produced).toBe(2)
  })

  it("fails with a ValidationError naming the row and column of a bad cell", () => {
    const lines = reportCsvLines(table.columns, [{ name: "ok" }, { name: { nested: true } as unknown as string }])
    expect(lines.next().done).toBe(false)
    expect(lines.next().done).toBe(false)
    try {
      lines.next()
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError)
      expect((e as ValidationError).issues[0]!.path).toEqual(["rows", 1, "name"])
    }
  })

  it("csvField quotes only when needed", () => {
    expect(csvField("plain")).toBe("plain")
    expect(csvField("a,b")).toBe('"a,b"')
    expect(csvField("a;b", { delimiter: ";" })).toBe('"a;b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField("=1+1")).toBe("'=1+1")
  })

  it("round-trips any text through an independent RFC 4180 reader (fast-check)", () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.string({ unit: "grapheme-ascii", maxLength: 12 }), { minLength: 3, maxLength: 3 }), { maxLength: 10 }), fc.constantFrom(",", ";", "\t"), (rows, delimiter) => {
        const t: ReportTable = {
          name: "t",
          columns: ["a", "b", "c"].map((k) => ({ key: k, label: k.toUpperCase(), type: "text" as const })),
          rows: rows.map(([a, b, c]) => ({ a: a!, b: b!, c: c! }))
        }
        const back = readCsv(reportCsv(t, { delimiter: delimiter as "," | ";" | "\t", guardFormulas: false }), delimiter)
        expect(back).toEqual([["A", "B", "C"], ...rows])
      })
    )
  })
})
